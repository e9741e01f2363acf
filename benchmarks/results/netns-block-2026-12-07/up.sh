#!/bin/bash
# up.sh NAME BUILD : namespaces + zrund agents of BUILD (PIDs in NAME.pids). PIN="taskset -c 0" pins agents.
set -e
cd /work/scratch/netns
N=$1; B=$2; L=/work/wt/netns/benchmarks/lib
$L/netns.sh up $N 2
$B/bin/zrun --new-key $PWD/$N.key
: > $N.pids
for h in h1 h2; do
  ${PIN:-} $L/netns.sh exec $N $h $B/bin/zrund --key-file $PWD/$N.key --name $h --run-as-root > $N.zrund.$h.log 2>&1 &
  echo $! >> $N.pids
done
sleep 2
