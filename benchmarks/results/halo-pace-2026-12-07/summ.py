import sys, statistics as st, collections
d=collections.defaultdict(list); order=[]
for l in open(sys.argv[1]):
    if l.startswith('#'): continue
    f=l.split()
    if len(f)<4: continue
    k=(f[1],int(f[2])); d[k].append(float(f[3]))
    if f[1] not in order: order.append(f[1])
sizes=sorted({k[1] for k in d})
for s in sizes:
    o=st.median(d[('ompi',s)]) if ('ompi',s) in d else None
    out=[f"{s:>8}"]
    for v in order:
        if (v,s) not in d: continue
        m=st.median(d[(v,s)])
        out.append(f"{v} {m:.3g}"+(f" ({m/o:.2f})" if o else "")+f" [{min(d[(v,s)]):.3g}-{max(d[(v,s)]):.3g}]")
    print("  ".join(out))
