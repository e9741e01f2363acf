import sys, statistics, collections
vals = collections.defaultdict(list); vs = []; ss = []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) != 4: continue
    r, v, s, t = p
    if v not in vs: vs.append(v)
    if s not in ss: ss.append(s)
    vals[(v, s)].append(float(t))
print("%-9s" % "size" + "".join("%11s" % v[:11] for v in vs))
for s in ss:
    print("%-9s" % s + "".join("%11.2f" % statistics.median(vals[(v, s)]) if vals[(v, s)] else "%11s" % "-" for v in vs))
