#!/bin/bash
# netns paired samples: Open MPI and zmpi alternating, two namespace hosts, one rank each.
cd /tmp/halo; L=/work/wt/halo/benchmarks/lib; N=$(cat nsname); export BENCH_HOST_EXEC="$L/netns.sh exec $N"
echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
for r in 1 2 3; do for s in ${SIZES:-1024 8192}; do for m in vec runs contig; do
 echo "$r ompi $(timeout 60 nice -n -15 $L/netns.sh exec $N h1 mpirun.openmpi --allow-run-as-root -n 2 --host h1:1,h2:1 --bind-to none --mca plm_rsh_agent $L/host_rsh.sh --mca plm_rsh_no_tree_spawn 1 --mca btl_tcp_if_include 198.51.100.0/24 --mca oob_tcp_if_include 198.51.100.0/24 /tmp/halo/nx.o $m $s 400 2>&1 | tail -1)"
 echo "$r zmpi $(timeout 60 nice -n -15 $L/netns.sh exec $N h1 /tmp/halo/main/bin/zrun --key-file /tmp/halo/nskey --host h1,h2 --map-by node -n 2 --bind-to none ${ZBIN:-/tmp/halo/nx.z} $m $s 400 2>&1 | tail -1)"
done; done; done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M)"
