#!/bin/bash
N=$1; L=/work/wt/netns/benchmarks/lib
cd /work/scratch/netns
$L/netns.sh down $N
for p in $(cat $N.pids); do kill -9 $p 2>/dev/null; done
true
