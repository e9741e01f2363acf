#!/bin/bash
cd /tmp/hb
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
for r in 1 2; do
  for s in ${SIZES}; do
    n=$(( s >= 4194304 ? 20 : s >= 1048576 ? 60 : (s >= 262144 ? 150 : 300) ))
    echo "$r ompi $(timeout 120 nice -n -15 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core ./bo.o $MODE $s $n 2>&1 | tail -1)"
    echo "$r before $(timeout 120 nice -n -15 /work/wt/halo-before/build/bin/zrun -n 2 --bind-to core ./bo $MODE $s $n 2>&1 | tail -1)"
    echo "$r after $(timeout 120 nice -n -15 after/bin/zrun -n 2 --bind-to core ./bo $MODE $s $n 2>&1 | tail -1)"
  done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
