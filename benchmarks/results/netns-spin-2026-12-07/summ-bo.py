import sys,collections,statistics as st,re
d=collections.defaultdict(list)
for l in open(sys.argv[1]):
    if l.startswith('#'): continue
    m=re.match(r'(\d+) (\w+) (\w+) (\d+): best ([\d.]+) p10 ([\d.]+) p50 ([\d.]+) (\S+)',l)
    if not m: continue
    r,w,mode,size,b,p10,p50,unit=m.groups()
    d[(mode,int(size),w)].append((float(b),float(p50),unit))
keys=sorted(set((k[0],k[1]) for k in d))
for mode,size in keys:
    line=f"{mode:7s} {size:7d}"
    for w in ('main','wt','ompi'):
        v=d.get((mode,size,w),[])
        if not v: continue
        bests=' '.join(f"{x[0]:g}" for x in v)
        line+=f" | {w}: best {bests} (median {st.median([x[0] for x in v]):g}; p50 median {st.median([x[1] for x in v]):g}) {v[0][2]}"
    print(line)
