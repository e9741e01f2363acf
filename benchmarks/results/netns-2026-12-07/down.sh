#!/bin/bash
N=$1; L=/work/wt/netns/benchmarks/lib
$L/netns.sh down $N
for p in $(cat /tmp/netns-exp/$N.pids); do kill -9 $p 2>/dev/null; done
