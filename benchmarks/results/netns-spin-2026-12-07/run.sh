#!/usr/bin/env bash
# run.sh main|wt|ompi NP BENCH ARGS...   (one job between the namespace hosts)
set -uo pipefail
D=/work/scratch/netns
NS=$(cat $D/NAME)
who=$1 np=$2 bench=$3; shift 3
X="/work/wt/netns/benchmarks/lib/netns.sh exec $NS"
export BENCH_HOST_EXEC="$X"
h="h1:$((np/2)),h2:$((np-np/2))"
case $who in
  main) exec timeout 120 $X h1 /work/main/build/bin/zrun --key-file $D/key --host h1:7101,h2:7101 --map-by node -n $np --bind-to none ${ZX:-} $(p=/work/main/build/bin/bench/$bench; [ -x $p ] && echo $p || echo $D/$bench.main) "$@" ;;
  wt) exec timeout 120 $X h1 /work/wt/netns/build/bin/zrun --key-file $D/key --host h1:7102,h2:7102 --map-by node -n $np --bind-to none ${ZX:-} $(p=/work/wt/netns/build/bin/bench/$bench; [ -x $p ] && echo $p || echo $D/$bench.wt) "$@" ;;
  ompi) exec timeout 120 $X h1 mpirun.openmpi --allow-run-as-root -n $np --host $h --bind-to none --mca plm_rsh_agent /work/wt/netns/benchmarks/lib/host_rsh.sh --mca plm_rsh_no_tree_spawn 1 --mca btl_tcp_if_include 198.51.100.0/24 --mca oob_tcp_if_include 198.51.100.0/24 ${OX:-} $D/ompi/$bench "$@" ;;
esac
