# medians.csv -> the speed targets (point-to-point, collectives, launch, halo exchanges), each with zmpi's worst case
# Run with -F, . "better" is the better of Open MPI and MPICH at that size (lower time, higher
# MB/s); a reference without a median is left out of it. Columns of medians.csv: setting,
# benchmark, ranks, size_bytes, unit, openmpi, mpich, zmpi, ...
function better(o, m, higher) {
  if (o == "") return m
  if (m == "") return o
  if (higher) return o > m ? o : m
  return o < m ? o : m
}
# The v-collectives and scans target: gatherv scatterv allgatherv alltoallv reduce_scatter
# scan exscan.
function vcoll(b) {
  return b ~ /^(gatherv|scatterv|allgatherv|alltoallv|reduce_scatter|scan|exscan)$/
}
function human(size) {
  if (size >= 1048576) return (size / 1048576) "M"
  if (size >= 1024) return (size / 1024) "K"
  return size
}
# Target `t` (its row text), a case with zmpi value z against reference r: ratio z/r must be
# <= limit (times) or >= limit (bandwidth). Keeps the worst case per target.
function consider(t, text, limit, higher, z, r, where,   ratio, worse) {
  if (!(t in label)) { label[t] = text; lim[t] = limit; hi[t] = higher; order[++n] = t }
  if (z == "" || r == "" || r == 0) { missing[t]++; return }
  ratio = z / r
  worse = !(t in worst) || (higher ? ratio < worst[t] : ratio > worst[t])
  if (worse) { worst[t] = ratio; at[t] = where }
  cases[t]++
}
NR == 1 { next }
{
  s = $1; b = $2; np = $3; size = $4; o = $6; m = $7; z = $8
  where = s " " b " np" np " " human(size)
  if (s == "shm" && b == "latency" && size <= 8)
    consider("a", "shm latency 0-8 B <= 0.8x Open MPI", 0.8, 0, z, o, where)
  if (s == "shm" && b == "latency" && size >= 64 && size <= 8192)
    consider("b", "shm latency 64 B-8 KiB <= 1.0x better", 1.0, 0, z, better(o, m, 0), where)
  if (s == "shm" && b == "bw" && size >= 65536 && size <= 4194304)
    consider("c", "shm bandwidth 64 KiB-4 MiB >= 1.1x better", 1.1, 1, z, better(o, m, 1), where)
  if (s == "netns" && b == "latency")
    consider("d", "netns latency <= 1.0x Open MPI", 1.0, 0, z, o, where)
  if (s == "netns" && b == "bw")
    consider("e", "netns bandwidth >= 1.0x Open MPI", 1.0, 1, z, o, where)
  if (s == "shm" && (np == 2 || np == 4) &&
      ((b == "allreduce" && (size == 8 || size == 1048576)) || b == "bcast" || b == "barrier"))
    consider("f", "shm allreduce 8B/1M, bcast, barrier, 2 and 4 ranks <= 1.0x better", 1.0, 0,
             z, better(o, m, 0), where)
  # v-collectives and scans: 2 ranks on shm and between namespace hosts; 4 ranks
  # (2 per core here, oversubscribed) on a line of their own.
  if (vcoll(b) && np == 2 && (s == "shm" || s == "netns"))
    consider("k" s, s " v-collectives and scans, 2 ranks <= 1.0x better", 1.0, 0, z,
             better(o, m, 0), where)
  if (vcoll(b) && np == 4 && (s == "shm" || s == "netns"))
    consider("l" s, s " v-collectives and scans, 4 ranks (2 per core) <= 1.0x better",
             1.0, 0, z, better(o, m, 0), where)
  # MPI_THREAD_MULTIPLE ping-pong (2 threads per rank, each pair on its own tag).
  if ((s == "shm" || s == "netns") && b == "latency_mt")
    consider("m" s, s " latency_mt <= 1.0x Open MPI", 1.0, 0, z, o, where)
  if (s == "shm" && (b == "halo2d" || b == "halo3d"))
    consider("i", "shm halo2d/halo3d, 2 and 4 ranks >= 1.5x Open MPI", 1.5, 1, z, o,
             where)
  if (s == "netns" && (b == "halo2d" || b == "halo3d"))
    consider("j", "netns halo2d/halo3d >= 1.0x Open MPI", 1.0, 1, z, o, where)
  if (s == "shm" && b == "launch_hello") {
    consider("g", "launch zrun -n 2 <= 0.5x Open MPI", 0.5, 0, z, o, where)
    consider("h", "launch zrun -n 2 <= 1.0x MPICH", 1.0, 0, z, m, where)
  }
}
END {
  printf "\n== speed targets ==  (worst case over the sizes each target covers)\n"
  printf "%-68s %7s %6s  %-5s %s\n", "target", "worst", "cases", "met", "worst case at"
  for (i = 1; i <= n; i++) {
    t = order[i]
    if (!(t in worst)) { printf "%-68s %7s %6s  %-5s\n", label[t], "-", 0, "n/a"; continue }
    met = hi[t] ? worst[t] >= lim[t] : worst[t] <= lim[t]
    printf "%-68s %7.2f %6d  %-5s %s\n", label[t], worst[t], cases[t], met ? "yes" : "NO", at[t]
  }
}
