import sys,collections,statistics as st
d=collections.defaultdict(list)
for l in open(sys.argv[1]):
    if l.startswith('#'): continue
    r,b,w,s,v=l.split(); d[(b,int(s),w)].append(float(v))
sizes=collections.defaultdict(set)
for (b,s,w) in d: sizes[b].add(s)
for b in sorted(sizes):
    for s in sorted(sizes[b]):
        m={w:st.median(d[(b,s,w)]) for w in ('main','wt','ompi') if (b,s,w) in d}
        n=len(d.get((b,s,'wt'),[]))
        if 'main' in m and 'wt' in m and 'ompi' in m:
            print(f"{b:10s} {s:8d} n={n} main {m['main']:9.2f} wt {m['wt']:9.2f} ompi {m['ompi']:9.2f}  main/ompi {m['main']/m['ompi']:5.2f} wt/ompi {m['wt']/m['ompi']:5.2f} wt/main {m['wt']/m['main']:5.2f}")
