#!/bin/bash
# cpu.sh ROUNDS NP BENCH SIZE ITERS [variants...]: interleaved runs; per variant prints median
# wall us/exchange (benchmark's), CPU ms (task-clock of the whole job), ctx switches per
# exchange (all processes). Variants: ompi base new NAME=ENV (new build with ENV)
rounds=$1 np=$2 bench=$3 size=$4 it=$5; shift 5
vars=("$@"); [ ${#vars[@]} -eq 0 ] && vars=(ompi base new)
sess=${SESS:-shared}
out=/work/scratch/halo/cpu.$$.tsv; : > $out
for r in $(seq $rounds); do
  for v in "${vars[@]}"; do
    case $v in
      ompi) cmd=(mpirun.openmpi --allow-run-as-root -n $np --oversubscribe --bind-to none bin/ompi-$bench) ;;
      base) cmd=(env LD_LIBRARY_PATH=/work/scratch/halo/base/lib /work/scratch/halo/base/bin/zrun -n $np --bind-to none --rank-sessions $sess bin/zmpi-$bench) ;;
      new) cmd=(/work/wt/halo/build/bin/zrun -n $np --bind-to none --rank-sessions $sess bin/zmpi-$bench) ;;
      *=*) cmd=(env ${v//,/ } /work/wt/halo/build/bin/zrun -n $np --bind-to none --rank-sessions $sess bin/zmpi-$bench) ;;
    esac
    perf stat -x, -e task-clock,context-switches,syscalls:sys_enter_sched_yield,syscalls:sys_enter_futex -o /tmp/cpu.$$.perf -- timeout 300 "${cmd[@]}" -m $size:$size -i $it -x 5 2>/dev/null > /tmp/cpu.$$.out
    us=$(awk '$1 ~ /^[0-9]+$/ {print $3}' /tmp/cpu.$$.out)
    tc=$(awk -F, '/task-clock/{print $1}' /tmp/cpu.$$.perf); cs=$(awk -F, "/context-switches/{print \$1}" /tmp/cpu.$$.perf); ys=$(awk -F, "/sched_yield/{print \$1}" /tmp/cpu.$$.perf); fx=$(awk -F, "/futex/{print \$1}" /tmp/cpu.$$.perf)
    echo -e "$v\t$r\t$us\t$tc\t$cs\t$ys\t$fx" >> $out
  done
done
python3 - $out $it <<'PY'
import sys,statistics as st,collections
it=int(sys.argv[2]); d=collections.defaultdict(list); order=[]
for l in open(sys.argv[1]):
    v,r,us,tc,cs,ys,fx=l.rstrip('\n').split('\t')
    if v not in order: order.append(v)
    try: d[v].append((float(us),float(tc),float(cs),float(ys or 0),float(fx or 0)))
    except: pass
print("variant\twall_us/exch\tcpu_ms\tctxsw/exch\tyield/exch\tfutex/exch\t(all: wall)")
for v in order:
    a=d[v]
    print("%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s"%(v,st.median(x[0] for x in a),st.median(x[1] for x in a),st.median(x[2] for x in a)/it,st.median(x[3] for x in a)/it,st.median(x[4] for x in a)/it," ".join("%.0f"%x[0] for x in a)))
PY
