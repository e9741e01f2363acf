#!/usr/bin/env bash
out=$1; rounds=$2; cd /work/scratch/netns
for r in $(seq $rounds); do
  for w in main wt ompi; do
    echo "# round $r $w load $(cut -d' ' -f1 /proc/loadavg) $(date +%T)" >> $out
    for m in "lat 0" "lat 1024" "lat 262144" "agv 8" "agv 262144" "halo2d 1024"; do
      ./run.sh $w 2 bo $m 40 20 2>/dev/null | sed "s/^/$r $w /" >> $out
    done
  done
done
