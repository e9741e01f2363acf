#!/bin/bash
# share.sh z|o SIZE ITERS: one job; per rank: CPU share (ticks used / ticks elapsed over 1 s),
# the CPUs seen in 10 samples, involuntary switches in that second
kind=$1; size=$2; it=$3; cd /tmp/netns-exp
export BENCH_HOST_EXEC="/work/wt/netns/benchmarks/lib/netns.sh exec zx1"
out=/tmp/netns-exp/out.$$
if [ $kind = z ]; then ./zjob.sh zx1 ${B:-/tmp/netns-before} /tmp/netns-exp/halo2d.z -m $size:$size -i $it -x 100 > $out 2>&1 &
else ./ojob.sh zx1 /tmp/netns-exp/halo2d.o -m $size:$size -i $it -x 100 > $out 2>&1 & fi
j=$!
for k in $(seq 1 50); do sleep 0.1; p=$(pgrep -x halo2d.$kind | tr '\n' ' '); [ $(echo $p | wc -w) = 2 ] && break; done
sleep 0.5
declare -A t0 s0 v0 c
for q in $p; do t0[$q]=$(awk '{print $14+$15}' /proc/$q/stat); s0[$q]=$(awk "/nr_involuntary/ {print \$3}" /proc/$q/sched); v0[$q]=$(awk "/nr_voluntary/ {print \$3}" /proc/$q/sched); done
for k in $(seq 1 10); do for q in $p; do c[$q]="${c[$q]}$(awk '{print $39}' /proc/$q/stat 2>/dev/null)"; done; sleep 0.1; done
res=""
for q in $p; do t1=$(awk "{print \$14+\$15}" /proc/$q/stat 2>/dev/null); s1=$(awk "/nr_involuntary/ {print \$3}" /proc/$q/sched 2>/dev/null); v1=$(awk "/nr_voluntary/ {print \$3}" /proc/$q/sched 2>/dev/null); res="$res share=$(( (t1 - t0[$q]) ))% cpus=${c[$q]} invol=$((s1 - s0[$q])) vol=$((v1 - v0[$q]))"; done
wait $j
echo "$kind $(grep -v '^#' $out | grep -v Warn | awk '{print $3}') us/exch |$res"
rm -f $out
