#!/bin/bash
# bo.sh MODE "SIZES" ; VARIANTS ROUNDS ; best-of samples (best_of.c), 2 ranks bound, nice -15
S=/work/scratch/halo; mode=$1; sizes=$2
echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $mode"
for r in $(seq 1 ${ROUNDS:-3}); do for s in $sizes; do
  n=$(( s >= 4194304 ? 20 : s >= 1048576 ? 60 : (s >= 262144 ? 150 : 300) ))
  for v in $VARIANTS; do name=${v%%:*}; envs=""; [[ $v == *:* ]] && envs=${v#*:}
    xs=""; for e in ${envs//,/ }; do xs="$xs -x $e"; done
    if [ $name = ompi ]; then out=$(timeout 120 nice -n -15 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core $S/bin/ompi-bo $mode $s $n 2>&1 | tail -1)
    elif [ $name = base ]; then out=$(timeout 120 nice -n -15 /work/scratch/halo/main-src/build/bin/zrun -n 2 --bind-to core $xs -x LD_LIBRARY_PATH=/work/scratch/halo/main-src/build/lib $S/bin/new-bo $mode $s $n 2>&1 | tail -1)
    else out=$(timeout 120 nice -n -15 /work/wt/halo/build/bin/zrun -n 2 --bind-to core $xs $S/bin/new-bo $mode $s $n 2>&1 | tail -1); fi
    echo "$r $v $s $(echo $out | awk '{print $4, $7, $9}')"
  done; done; done
echo "# end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
