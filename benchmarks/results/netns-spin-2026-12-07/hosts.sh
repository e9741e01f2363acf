#!/usr/bin/env bash
# up: namespaces zn-h1/h2 (name in /work/scratch/netns/NAME), agents for main (port 7101) and wt (7102)
set -euo pipefail
D=/work/scratch/netns
NS=$(cat $D/NAME 2>/dev/null || true)
case $1 in
up)
  NS=zn$$; echo $NS > $D/NAME
  /work/wt/netns/benchmarks/lib/netns.sh up $NS 2
  /work/wt/netns/build/bin/zrun --new-key $D/key
  for h in h1 h2; do
    /work/wt/netns/benchmarks/lib/netns.sh exec $NS $h /work/main/build/bin/zrund --key-file $D/key --name $h --port 7101 --run-as-root > $D/zrund-main.$h.log 2>&1 &
    echo $! >> $D/agent.pids
    /work/wt/netns/benchmarks/lib/netns.sh exec $NS $h /work/wt/netns/build/bin/zrund --key-file $D/key --name $h --port 7102 --run-as-root > $D/zrund-wt.$h.log 2>&1 &
    echo $! >> $D/agent.pids
  done
  sleep 2; echo up $NS ;;
down)
  /work/wt/netns/benchmarks/lib/netns.sh down $NS || true
  for p in $(cat $D/agent.pids 2>/dev/null); do kill -9 $p 2>/dev/null || true; done
  rm -f $D/agent.pids $D/NAME ;;
esac
