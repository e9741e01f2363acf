#!/bin/bash
# zjob.sh NAME BUILD PROG ARGS... : one zmpi job across h1,h2
N=$1; B=$2; shift 2; L=/work/wt/netns/benchmarks/lib
timeout 60 $L/netns.sh exec $N h1 $B/bin/zrun --key-file /tmp/netns-exp/$N.key --host h1,h2 --map-by node -n 2 --bind-to none "$@"
