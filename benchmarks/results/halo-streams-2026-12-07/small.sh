#!/bin/bash
cd /tmp/hb
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
for r in 1 2 3 4 5; do
  for s in 1024 4096; do
    echo "$r before $(nice -n -15 /work/wt/halo-before/build/bin/zrun -n 2 --bind-to core ./bo halo2d $s 2000 2>&1 | tail -1)"
    echo "$r after $(nice -n -15 after/bin/zrun -n 2 --bind-to core ./bo halo2d $s 2000 2>&1 | tail -1)"
  done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
