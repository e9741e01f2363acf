#!/bin/bash
# ab.sh NAME ROUNDS OUT : interleaved jobs across the hosts of NAME (up.sh NAME BUILD first):
# zmpi of build $B with ZMPI_NET_BLOCK_AFTER=-1 (poll and yield, as before) and =$AFTER (block).
# Prints per job: the benchmark's rows "size:avg/min/max" (collectives) or "size:value".
cd /work/scratch/netns
N=$1; R=$2; OUT=$3; B=${B:-/work/wt/netns/build}
BENCHES=${BENCHES:-"allgatherv -m 8:1K -i 500 -x 50|latency -m 0:64K -i 1000 -x 100"}
{
echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) build $B PIN=${PIN:-none}"
for r in $(seq 1 $R); do
  IFS='|' read -ra list <<< "$BENCHES"
  for b in "${list[@]}"; do
    set -- $b; n=$1; shift
    for v in -1 ${AFTER:-50}; do
      line=$(ZX="-x ZMPI_NET_BLOCK_AFTER=$v" ./zjob.sh $N $B $B/bin/bench/$n "$@" 2>&1 | grep -v '^#' | awk 'NF>=2{if(NF>=4)printf "%s:%s/%s/%s ",$1,$2,$3,$4; else printf "%s:%s ",$1,$2}')
      echo "$r after=$v $n: $line"
    done
  done
done
echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a $OUT
