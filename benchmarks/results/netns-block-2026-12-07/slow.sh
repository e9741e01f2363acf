#!/bin/bash
# slow.sh DIR... : per zmpi (and ompi) job of a compare run, the share of its small-size rows
# that are slow, and whether the job is slow (more than half of them). Small rows and
# thresholds: latency 0-1 KiB > 15 us; allgatherv/allreduce 8 B-1 KiB average > 15 us (np2),
# > 40 us (np4); halo2d faces 1-8 KiB > 100 us an exchange.
for d in "$@"; do
  for f in $d/raw/netns/*/*.rep*.txt; do
    mpi=$(basename $(dirname $f)); b=$(basename $f .txt)
    awk -v mpi=$mpi -v b=$b -v d=$(basename $d) '
      /^#/ {next} NF < 2 {next}
      { size=$1+0; v=$2+0; col=$2 }
      b ~ /^latency/ && size <= 1024 { n++; if (v > 15) s++ }
      b ~ /^(allgatherv|allreduce)\.np2/ && size <= 1024 { n++; if (v > 15) s++ }
      b ~ /^(allgatherv|allreduce)\.np4/ && size <= 1024 { n++; if (v > 40) s++ }
      b ~ /^halo2d/ && size <= 8192 { n++; if ($3+0 > 100) s++ }
      END { if (n) printf "%s %s %s slow_rows=%d/%d %s\n", d, mpi, b, s, n, (s*2 > n ? "SLOW" : "fast") }' $f
  done
done
