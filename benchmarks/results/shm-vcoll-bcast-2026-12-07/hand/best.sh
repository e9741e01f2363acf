#!/usr/bin/env bash
# best.sh OP "SIZES" ROUNDS SAMPLES VARIANTS...  (variants as in pair.sh); prints round variant size best p10 p50
set -u
op=$1 sizes=$2 rounds=$3 n=$4; shift 4
W=/work/wt/agv/build; S=/work/scratch/agv
NP=${NP:-2}
if [[ $NP -gt 2 ]]; then ob=(--oversubscribe --bind-to none); mb=(); zb=(--bind-to none); else ob=(--bind-to core); mb=(-bind-to core); zb=(--bind-to core); fi
for ((r = 1; r <= rounds; ++r)); do
  for s in $sizes; do
    for v in "$@"; do
      case $v in
        ompi) cmd=(mpirun.openmpi --allow-run-as-root -n $NP "${ob[@]}" $S/ompi/cbest) ;;
        mpich) cmd=(mpiexec.mpich -n $NP "${mb[@]}" $S/mpich/cbest) ;;
        base) cmd=($S/basebuild/bin/zrun -n $NP "${zb[@]}" $S/zcbest) ;;
        new) cmd=($W/bin/zrun -n $NP "${zb[@]}" $S/zcbest) ;;
        lib:*) cmd=(env LD_LIBRARY_PATH=$S/${v#lib:}-lib $W/bin/zrun -n $NP "${zb[@]}" $S/zcbest) ;;
        env:*) xs=(); IFS=, read -ra kvs <<< "${v#env:}"; for kv in "${kvs[@]}"; do xs+=(-x "$kv"); done
               cmd=($W/bin/zrun -n $NP "${zb[@]}" "${xs[@]}" $S/zcbest) ;;
      esac
      timeout 60 nice -n ${NICE:-0} "${cmd[@]}" $op $s $n 2>&1 | awk -v r=$r -v v=$v '$1 ~ /^[a-z]/ && NF == 5 {print r, v, $2, $3, $4, $5}'
    done
  done
done
