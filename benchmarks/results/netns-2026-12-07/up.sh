#!/bin/bash
# up.sh NAME BUILD : namespaces + zrund agents (PIDs in /tmp/netns-exp/NAME.pids)
set -e
N=$1; B=$2; L=/work/wt/netns/benchmarks/lib
$L/netns.sh up $N 2
$B/bin/zrun --new-key /tmp/netns-exp/$N.key
: > /tmp/netns-exp/$N.pids
for h in h1 h2; do
  ${PIN:-} $L/netns.sh exec $N $h $B/bin/zrund --key-file /tmp/netns-exp/$N.key --name $h --run-as-root > /tmp/netns-exp/$N.zrund.$h.log 2>&1 &
  echo $! >> /tmp/netns-exp/$N.pids
done
sleep 2
