#!/bin/bash
N=$1; shift; L=/work/wt/netns/benchmarks/lib
timeout 60 $L/netns.sh exec $N h1 mpirun.openmpi --allow-run-as-root -n 2 --host h1:1,h2:1 --bind-to none --mca plm_rsh_agent $L/host_rsh.sh --mca plm_rsh_no_tree_spawn 1 --mca btl_tcp_if_include 198.51.100.0/24 --mca oob_tcp_if_include 198.51.100.0/24 "$@"
