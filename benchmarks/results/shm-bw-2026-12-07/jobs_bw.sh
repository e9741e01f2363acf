#!/bin/bash
# usage: jobs_bw.sh N ARGS -- VARIANT...   VARIANT = label=build[,ENV=VAL...] ; ompi = Open MPI
# Prints one line per job: label and the bw column. Jobs in a prio session, interleaved.
n=$1; shift; args=()
while [[ $1 != -- ]]; do args+=("$1"); shift; done; shift
for r in $(seq $n); do
  for v in "$@"; do
    label=${v%%=*}; rest=${v#*=}
    if [[ $label == ompi ]]; then
      out=$(/work/scratch/shmbw/prio.sh timeout 60 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core /work/scratch/shmbw/ompi_${BENCH:-bw} "${args[@]}" 2>&1)
    else
      b=${rest%%,*}; envs=(); IFS=, read -ra kv <<< "${rest#$b}"; for e in "${kv[@]}"; do [[ -n $e ]] && envs+=(-x "$e"); done
      out=$(/work/scratch/shmbw/prio.sh timeout 60 $b/bin/zrun -n 2 --bind-to core --rank-sessions shared "${envs[@]}" $b/bin/bench/${BENCH:-bw} "${args[@]}" 2>&1)
    fi
    echo "$label $(echo "$out" | grep -v '^#' | awk 'NF>=2{printf "%s ", $2}')"
  done
done
