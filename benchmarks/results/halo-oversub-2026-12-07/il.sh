#!/bin/bash
# il.sh ROUNDS NP BENCH ARGS... : interleaves ompi, base, new runs of BENCH (halo2d|halo3d|...)
# prints per-variant per-size median of column 2 over rounds. Env SESS (shared|own|auto), VARS
# (extra variant names: new2 uses build2).
rounds=$1 np=$2 bench=$3; shift 3
sess=${SESS:-shared}
out=/work/scratch/halo/il.$$.tsv; : > $out
over="--bind-to none"; oo="--oversubscribe --bind-to none"
[ $np -le 2 ] && { over="--bind-to core"; oo="--bind-to core"; }
for r in $(seq $rounds); do
  for v in ompi base new ${VARS:-}; do
    case $v in
      ompi) cmd=(mpirun.openmpi --allow-run-as-root -n $np $oo bin/ompi-$bench) ;;
      base) cmd=(env LD_LIBRARY_PATH=/work/scratch/halo/base/lib /work/scratch/halo/base/bin/zrun -n $np $over --rank-sessions $sess bin/zmpi-$bench) ;;
      new) cmd=(/work/wt/halo/build/bin/zrun -n $np $over --rank-sessions $sess bin/zmpi-$bench) ;;
      *) cmd=(env ${!v} /work/wt/halo/build/bin/zrun -n $np $over --rank-sessions $sess bin/zmpi-$bench) ;;
    esac
    timeout 300 "${cmd[@]}" "$@" 2>/dev/null | awk -v v=$v -v r=$r '$1 ~ /^[0-9]+$/ {print v "\t" r "\t" $1 "\t" $2}' >> $out
  done
done
python3 - $out <<'PY'
import sys,statistics as st,collections
d=collections.defaultdict(list)
for l in open(sys.argv[1]):
    v,r,s,x=l.split('\t'); d[(int(s),v)].append(float(x))
sizes=sorted({k[0] for k in d}); vs=[]
for k in d:
    if k[1] not in vs: vs.append(k[1])
print("size\t"+"\t".join(vs)+"\t"+"\t".join(v+"/ompi" for v in vs if v!="ompi"))
for s in sizes:
    m={v:st.median(d[(s,v)]) for v in vs if (s,v) in d}
    print(str(s)+"\t"+"\t".join("%.1f"%m.get(v,0) for v in vs)+"\t"+"\t".join("%.2f"%(m.get(v,0)/m['ompi']) for v in vs if v!="ompi" and 'ompi' in m))
PY
echo "raw: $out"
