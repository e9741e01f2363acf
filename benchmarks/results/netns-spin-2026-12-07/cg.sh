#!/bin/bash
# cg.sh BUILD TAG : PMPI_Send / PMPI_Recv instructions per call under callgrind, shm, 2 ranks
B=$1; T=$2; D=/work/scratch/netns/cg; mkdir -p $D; rm -f $D/$T.*
$B/bin/zrun -n 2 valgrind --tool=callgrind --callgrind-out-file=$D/$T.%p $B/bin/bench/latency -m 8:8 -i 1000 -x 10 > $D/$T.log 2>&1
for f in $D/$T.[0-9]*; do
  echo "$T $(basename $f): $(callgrind_annotate --inclusive=yes $f 2>/dev/null | grep -E ' (PMPI_Send|PMPI_Recv|zmpi::core::Engine::Progress\(\)) ' | awk '{printf "%s %s; ", $1, $NF}')"
done
