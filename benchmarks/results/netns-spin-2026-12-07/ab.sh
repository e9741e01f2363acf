#!/usr/bin/env bash
# ab.sh OUT ROUNDS: interleaved main / wt / ompi quick runs of latency, allgatherv, halo2d (2 ranks)
out=$1; rounds=$2; cd /work/scratch/netns
for r in $(seq $rounds); do
  for b in latency allgatherv halo2d; do
    case $b in latency) a="-m :1M -i 200 -x 20";; allgatherv) a="-i 50 -x 5";; halo2d) a="-m :1M -i 20 -x 2";; esac
    for w in main wt ompi; do
      echo "# round $r $b $w load $(cut -d' ' -f1 /proc/loadavg) $(date +%T)" >> $out
      ./run.sh $w 2 $b $a 2>/dev/null | awk -v w=$w -v b=$b -v r=$r '$1~/^[0-9]+$/{print r, b, w, $1, $2}' >> $out
    done
  done
done
