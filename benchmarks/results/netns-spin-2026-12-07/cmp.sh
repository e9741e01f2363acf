#!/usr/bin/env bash
# wt, main, wt, main: one quick compare each (3 benchmarks, Open MPI and zmpi, 1 rep)
cd /work/wt/netns
for i in 1 2; do
  for b in wt main; do
    B=/work/wt/netns/build; [ $b = main ] && B=/work/main/build
    echo "$b.$i start $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> /work/scratch/netns/cmp.log
    benchmarks/compare.sh --quick --reps 1 --settings netns --mpis ompi,zmpi --timeout 120 --no-prepare \
      --bench latency,allgatherv,halo2d --zmpi-build $B --out /work/res/netns-$b.$i > /work/res/netns-$b.$i.log 2>&1
    echo "$b.$i end $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> /work/scratch/netns/cmp.log
  done
done
