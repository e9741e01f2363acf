#!/bin/bash
# paired.sh NAME:BIN... -- SIZES ROUNDS ; each binary alternates; ompi uses mpirun.openmpi
cd /tmp/hb
ROUNDS=${ROUNDS:-3}
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
for r in $(seq 1 $ROUNDS); do
  for s in ${SIZES:-131072 262144 1048576}; do
    n=$(( s >= 4194304 ? 20 : s >= 1048576 ? 60 : (s >= 262144 ? 150 : 300) ))
    for b in $BINS; do
      name=${b%%:*}; bin=${b##*:}
      if [ $name = ompi ]; then
        echo "$r ompi $(timeout 120 nice -n -15 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core ./bo.o ${MODE:-halo2d} $s $n 2>&1 | tail -1)"
      else
        echo "$r $name $(timeout 120 nice -n -15 $bin -n 2 --bind-to core ./bo ${MODE:-halo2d} $s $n 2>&1 | tail -1)"
      fi
    done
  done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
