#!/bin/bash
# zjob.sh NAME BUILD PROG ARGS... : one zmpi job across h1,h2 (one rank each); ZX="-x A=B ..." adds env
N=$1; B=$2; shift 2; L=/work/wt/netns/benchmarks/lib
timeout 90 $L/netns.sh exec $N h1 $B/bin/zrun --key-file /work/scratch/netns/$N.key --host h1,h2 --map-by node -n ${NP:-2} --bind-to none ${ZX:-} "$@"
