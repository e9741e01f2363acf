#!/bin/bash
# Paired best-of samples: Open MPI, zmpi before (main d25dc8b) and after (combined stream frames), interleaved.
cd /tmp/halo
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
for r in 1 2 3; do
  for s in ${SIZES:-65536 262144 1048576}; do
    n=$(( s >= 1048576 ? 60 : (s >= 262144 ? 150 : 300) ))
    echo "$r ompi $(nice -n -15 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core ./bo.o halo2d $s $n 2>&1 | tail -1)"
    echo "$r before $(nice -n -15 main/bin/zrun -n 2 --bind-to core ./bo.z halo2d $s $n 2>&1 | tail -1)"
    echo "$r after $(nice -n -15 /work/wt/halo/build/bin/zrun -n 2 --bind-to core ./bo.new halo2d $s $n 2>&1 | tail -1)"
  done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
