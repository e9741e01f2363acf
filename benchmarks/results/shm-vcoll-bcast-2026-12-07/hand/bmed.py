# medians over rounds of best (col 4) and p50 (col 6) per variant and size
import sys, statistics, collections
col = int(sys.argv[2]) if len(sys.argv) > 2 else 3
vals = collections.defaultdict(list); vs = []; ss = []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) != 6: continue
    v, s = p[1], p[2]
    if v not in vs: vs.append(v)
    if s not in ss: ss.append(s)
    vals[(v, s)].append(float(p[col]))
print(["best", "p10", "p50"][col - 3], "(median over rounds)")
print("%-9s" % "size" + "".join("%11s" % v[:11] for v in vs))
for s in ss:
    print("%-9s" % s + "".join("%11.2f" % statistics.median(vals[(v, s)]) if vals[(v, s)] else "%11s" % "-" for v in vs))
