# samples.tsv (setting, benchmark, ranks, mpi, rep, size, value, unit; tab-separated) ->
# medians.csv: one row per setting, benchmark, ranks and size, with each MPI's median over its
# successful runs and zmpi's ratios (zmpi / reference; for latency and time below 1 is better,
# for bandwidth above 1 is better).
BEGIN {
  FS = "\t"
  split("ompi mpich zmpi", kMpis, " ")
}
{
  key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $6
  if (!(key in unit)) order[++keys] = key
  unit[key] = $8
  k = key SUBSEP $4
  count[k]++
  value[k, count[k]] = $7 + 0
}
function median(k,    m, i, j, t, a) {
  m = count[k]
  for (i = 1; i <= m; i++) a[i] = value[k, i]
  for (i = 2; i <= m; i++) {
    t = a[i]
    for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : sprintf("%.3f", a / b) }
END {
  print "setting,benchmark,ranks,size_bytes,unit,openmpi,mpich,zmpi," \
        "zmpi_over_openmpi,zmpi_over_mpich,mpich_over_openmpi,runs_openmpi,runs_mpich,runs_zmpi"
  for (i = 1; i <= keys; i++) {
    key = order[i]
    split(key, f, SUBSEP)
    for (m = 1; m <= 3; m++) {
      k = key SUBSEP kMpis[m]
      med[m] = (k in count) ? sprintf("%.3f", median(k)) : ""
      runs[m] = (k in count) ? count[k] : 0
    }
    printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%d,%d\n", f[1], f[2], f[3], f[4], unit[key],
           med[1], med[2], med[3], ratio(med[3], med[1]), ratio(med[3], med[2]),
           ratio(med[2], med[1]), runs[1], runs[2], runs[3]
  }
}
