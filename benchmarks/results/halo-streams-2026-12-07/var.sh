#!/bin/bash
# var.sh: paired rounds of variants of the knob build: VARS="name:ENV=..,ENV=.. ..." ; 'before' and 'ompi' too
cd /tmp/hb
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
for r in $(seq 1 ${ROUNDS:-3}); do
  for s in ${SIZES:-262144 1048576}; do
    n=$(( s >= 4194304 ? 20 : s >= 1048576 ? 60 : (s >= 262144 ? 150 : 300) ))
    for v in $VARS; do
      name=${v%%:*}; envs=${v#*:}
      case $name in
        ompi) out=$(timeout 120 nice -n -15 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core ./bo.o ${MODE:-halo2d} $s $n 2>&1 | tail -1);;
        before) out=$(timeout 120 nice -n -15 /work/wt/halo-before/build/bin/zrun -n 2 --bind-to core ./bo ${MODE:-halo2d} $s $n 2>&1 | tail -1);;
        *) out=$(env ${envs//,/ } timeout 120 nice -n -15 ${ZBUILD:-x}/bin/zrun -n 2 --bind-to core ./bo ${MODE:-halo2d} $s $n 2>&1 | tail -1);;
      esac
      echo "$r $name $out"
    done
  done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
