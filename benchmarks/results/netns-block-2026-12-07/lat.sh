#!/bin/bash
# lat.sh ROUNDS OUT : ofi over loopback, ranks bound to cores: main's build and this one alternating
OUT=$2
{
echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 $1); do
  for B in /work/main/build /work/wt/netns/build; do
    line=$(ZMPI_TRANSPORT=ofi timeout 120 $B/bin/zrun -n 2 $B/bin/bench/latency -m 0:1M -i 1000 -x 50 2>&1 | grep -v '^#' | awk 'NF>=2{printf "%s:%s ",$1,$2}')
    echo "$r $B: $line"
  done
done
echo "# $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a $OUT
