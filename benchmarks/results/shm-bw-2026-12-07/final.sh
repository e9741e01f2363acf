#!/bin/bash
cd /work/scratch/shmbw
W=/work/wt/shmbw/build
echo "== bw $(uptime)"; BENCH=bw ./jobs_bw.sh 5 -m 64K:4M -i 20 -x 2 -- ompi=x main=/work/main/build wt=$W
echo "== latency $(uptime)"; BENCH=latency ./jobs_bw.sh 4 -m 8:4M -i 200 -x 20 -- ompi=x main=/work/main/build wt=$W
echo "== bibw $(uptime)"; BENCH=bibw ./jobs_bw.sh 3 -m 64K:1M -i 20 -x 2 -- ompi=x main=/work/main/build wt=$W
echo "== bcast $(uptime)"; BENCH=bcast ./jobs_bw.sh 4 -m 128K:1M -i 50 -x 5 -- ompi=x main=/work/main/build wt=$W
echo "== end $(uptime)"
