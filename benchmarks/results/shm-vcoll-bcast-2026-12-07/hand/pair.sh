#!/usr/bin/env bash
# pair.sh BENCH MINSIZE:MAXSIZE ROUNDS ITERS VARIANTS...   variant: ompi | mpich | base | new | env:NAME=VAL (new build with env)
# Prints one line per (round, variant, size): round variant size avg_us
set -u
bench=$1 range=$2 rounds=$3 iters=$4; shift 4
W=/work/wt/agv/build
NP=${NP:-2}
if [[ $NP -gt 2 ]]; then ob=(--oversubscribe --bind-to none); mb=(); zb=(--bind-to none); else ob=(--bind-to core); mb=(-bind-to core); zb=(--bind-to core); fi
for ((r = 1; r <= rounds; ++r)); do
  for v in "$@"; do
    case $v in
      ompi) cmd=(timeout 120 mpirun.openmpi --allow-run-as-root -n $NP "${ob[@]}" /work/scratch/agv/ompi/$bench) ;;
      mpich) cmd=(timeout 120 mpiexec.mpich -n $NP "${mb[@]}" /work/scratch/agv/mpich/$bench) ;;
      base) cmd=(timeout 120 /work/scratch/agv/basebuild/bin/zrun -n $NP "${zb[@]}" $W/bin/bench/$bench) ;;
      new) cmd=(timeout 120 $W/bin/zrun -n $NP "${zb[@]}" $W/bin/bench/$bench) ;;
      lib:*) cmd=(timeout 120 env LD_LIBRARY_PATH=/work/scratch/agv/${v#lib:}-lib $W/bin/zrun -n $NP "${zb[@]}" $W/bin/bench/$bench) ;;
      env:*) xs=(); IFS=, read -ra kvs <<< "${v#env:}"; for kv in "${kvs[@]}"; do xs+=(-x "$kv"); done
             cmd=(timeout 120 $W/bin/zrun -n $NP "${zb[@]}" "${xs[@]}" $W/bin/bench/$bench) ;;
    esac
    "${cmd[@]}" -m "$range" -i "$iters" -x ${WARM:-$((iters / 10 + 5))} 2>&1 | awk -v r=$r -v v=$v '/^[0-9]/ {print r, v, $1, $2}'
  done
done
