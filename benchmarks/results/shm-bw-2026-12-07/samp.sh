#!/bin/bash
# usage: samp.sh ROUNDS MODE SIZES SAMPLES -- VARIANT...  (label=build[,ENV=VAL...]; ompi; binaries <label-prefix>_bwsamp)
rounds=$1 mode=$2 sizes=$3 samples=$4; shift 5
for r in $(seq $rounds); do
  for v in "$@"; do
    label=${v%%=*}; rest=${v#*=}
    if [[ $label == ompi ]]; then
      /work/scratch/shmbw/prio.sh timeout 120 mpirun.openmpi --allow-run-as-root -n 2 --bind-to core /work/scratch/shmbw/ompi_bwsamp $mode $sizes $samples 2>&1 | sed "s/^/$label /"
    else
      b=${rest%%,*}; envs=(); IFS=, read -ra kv <<< "${rest#$b}"; for e in "${kv[@]}"; do [[ -n $e ]] && envs+=(-x "$e"); done
      bin=/work/scratch/shmbw/$(basename $(dirname $b))_bwsamp; [[ $b == /work/main/build ]] && bin=/work/scratch/shmbw/main_bwsamp; [[ $b == /work/wt/shmbw/build ]] && bin=/work/scratch/shmbw/wt_bwsamp
      /work/scratch/shmbw/prio.sh timeout 120 $b/bin/zrun -n 2 --bind-to core --rank-sessions shared "${envs[@]}" $bin $mode $sizes $samples 2>&1 | sed "s/^/$label /"
    fi
  done
done
