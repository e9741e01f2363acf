# medians.csv -> the table compare.sh prints: selected sizes per benchmark, per setting.
# Run with -F, . Ratios are zmpi / reference (latency, time: < 1 is better; MB/s: > 1 is better).
function pick(bench, size) {
  if (bench == "latency") return size ~ /^(0|8|64|1024|8192|65536|1048576|4194304)$/
  if (bench == "bw" || bench == "bibw") return size ~ /^(8|8192|65536|1048576|4194304)$/
  if (bench == "barrier" || bench == "launch_hello") return 1
  if (bench == "halo2d" || bench == "halo3d") return size ~ /^(1024|65536|1048576|4194304)$/
  return size ~ /^(8|8192|1048576)$/
}
function human(size) {
  if (size >= 1048576) return (size / 1048576) "M"
  if (size >= 1024) return (size / 1024) "K"
  return size
}
function cell(v) { return v == "" ? "-" : sprintf("%.2f", v) }
NR == 1 { next }
pick($2, $4) {
  if ($1 != setting) {
    setting = $1
    printf "\n== %s ==  (medians; ratio = zmpi / reference)\n", setting
    printf "%-14s %5s %6s %-5s %11s %11s %11s %10s %10s %10s\n", "benchmark", "ranks", "size",
           "unit", "Open MPI", "MPICH", "zmpi", "zmpi/OMPI", "zmpi/MPICH", "MPICH/OMPI"
  }
  printf "%-14s %5s %6s %-5s %11s %11s %11s %10s %10s %10s\n", $2, $3, human($4), $5, cell($6),
         cell($7), cell($8), cell($9), cell($10), cell($11)
}
