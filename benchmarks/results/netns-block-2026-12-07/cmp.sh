#!/bin/bash
# cmp.sh : compare.sh --quick netns, main's build and this one alternating, one rep each, 3 times
cd /work/wt/netns
for r in 1 2 3; do
  for t in before after; do
    [[ $t == before ]] && B=/work/main/build || B=/work/wt/netns/build
    echo "# $(date -u +%H:%M:%S) $t rep $r load $(cut -d' ' -f1-3 /proc/loadavg)"
    benchmarks/compare.sh --quick --reps 1 --settings netns --no-prepare --mpis ompi,zmpi --timeout 120 \
      --bench latency,halo2d,allgatherv,allreduce --zmpi-build $B --out /work/scratch/netns/cmp/$t.$r > /work/scratch/netns/cmp/$t.$r.log 2>&1
  done
done
echo "# $(date -u +%H:%M:%S) done load $(cut -d' ' -f1-3 /proc/loadavg)"
