#!/bin/bash
# Interleaved Open MPI / zmpi jobs between namespace hosts zx1 (unpinned, --bind-to none).
# W: the builds a `compare.sh --keep` run left (W/ompi/..., W/zmpi/...); zx1: up.sh zx1 BUILD first.
: "${W:?set W to a compare.sh --keep build folder}"
cd /tmp/netns-exp; export BENCH_HOST_EXEC="/work/wt/netns/benchmarks/lib/netns.sh exec zx1"
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
for r in 1 2 3 4; do
 for b in "halo2d -m 1K:8K -i 2000 -x 100" "allgatherv -m 8:1K -i 500 -x 50" "exscan -m 8:16K -i 500 -x 50"; do
  set -- $b; n=$1; shift
  echo "$r ompi $n: $(./ojob.sh zx1 $W/ompi/$n "$@" 2>&1 | grep -v '^#' | grep -v Warn | awk '{printf "%s:%s/%s ", $1,$2,$3}')"
  echo "$r zmpi $n: $(./zjob.sh zx1 /tmp/netns-before $W/zmpi/$n "$@" 2>&1 | grep -v '^#' | awk '{printf "%s:%s/%s ", $1,$2,$3}')"
 done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
