#!/bin/bash
# pair.sh: BENCH NP ARGS... ; env VARIANTS="ompi base new new:ZX_LEAD=32768 ..." ROUNDS=N
# Runs the real benchmark binaries interleaved; prints "round variant size rate us".
bench=$1; np=$2; shift 2
S=/work/scratch/halo
ROUNDS=${ROUNDS:-3}
echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $bench np=$np $*"
for r in $(seq 1 $ROUNDS); do
  for v in ${VARIANTS:-ompi base new}; do
    name=${v%%:*}; envs=""; [[ $v == *:* ]] && envs=${v#*:}
    if [[ $np -gt 2 ]]; then bind="--bind-to none ${ZARGS:-}"; obind="--oversubscribe --bind-to none"; else bind="--bind-to core"; obind="--bind-to core"; fi
    xs=""; for e in ${envs//,/ }; do xs="$xs -x $e"; done
    case $name in
      ompi) out=$(timeout 300 mpirun.openmpi --allow-run-as-root -n $np $obind $S/bin/ompi-$bench "$@" 2>&1) ;;
      base) out=$(timeout 300 env $envs /work/scratch/halo/main-src/build/bin/zrun -n $np $bind $xs /work/scratch/halo/main-src/build/bin/bench/$bench "$@" 2>&1) ;;
      new) out=$(timeout 300 env $envs /work/wt/halo/build/bin/zrun -n $np $bind $xs /work/wt/halo/build/bin/bench/$bench "$@" 2>&1) ;;
    esac
    echo "$out" | awk -v r=$r -v v="$v" '/^[0-9]/ {print r, v, $1, $2, $3}'
  done
done
echo "# end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
