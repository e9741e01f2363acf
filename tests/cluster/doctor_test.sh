#!/bin/bash
# zrun --doctor across 3 namespace hosts (tests/cluster/harness.sh; agents only inside the
# hosts' namespaces): every host checked the way a job uses it (docs/zrun.md, "zrun --doctor").
#   1. healthy: every agent answers, each host's interface and provider, all 3 pairs exchange
#      libfabric messages, clocks agree, the table has a row per host; exit 0.
#   2. a program needing a library that h3 lacks (h3's agent runs under an empty tmpfs over
#      the library's folder): one FAIL naming h3 and the library; exit 1.
#   3. one broken link (blackhole routes between h2 and h3 only: the senders get an error):
#      exactly one FAIL line, for the pair h2 <-> h3, and the table says who cannot reach whom;
#      exit 1. The other pairs still pass.
#   4. the same pair losing frames silently (static neighbour entries to an unused MAC): the
#      same single FAIL, from the probe's 3 s bound. Repaired, exit 0 again.
#   doctor_test.sh ZRUND ZRUN MPI_PROGRAM NEEDS_PROGRAM NEEDS_LIBDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 prog=$3 needs=$4 libdir=$5
# shellcheck source=harness.sh
. "$here/harness.sh"

dir=$(mktemp -d /tmp/zmpi-doctor-test.XXXXXX)
trap 'cluster_down; rm -rf -- "$dir"' EXIT
cluster_up 3 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
NETNS_CLUSTER_TIMEOUT=120
chmod 711 "$dir"  # a root zrund runs ranks as nobody: they reach its PMIx dir and cache
key=$dir/cluster.key
"$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
mkdir -p "$dir/tmp"
port=7419
declare -A log
for h in h1 h2 h3; do
  prefix=()
  # shellcheck disable=SC2016
  [ $h = h3 ] && prefix=(sh -c 'mount -t tmpfs -o size=1m zrund-doctor "$0" && exec "$@"' "$libdir")
  read -r _ log[$h] < <(cluster_spawn "$h" "${prefix[@]}" env TMPDIR="$dir/tmp" \
    XDG_RUNTIME_DIR="$dir/run" "$zrund" --key-file "$key" --iface eth0 --port "$port" \
    --cores 1 --cache-dir "$dir/cache-$h" --work-dir "$dir/jobs-$h")
  cluster_wait_serving "${log[$h]}" || { echo "FAIL: zrund on $h did not start"; cat "${log[$h]}"; exit 1; }
done
sleep 1.0  # mDNS announcements

doctor() { cluster_run h1 "$zrun" --doctor --key-file "$key" -n auto "$@" 2>&1; }
fails() { echo "$1" | grep -c "^FAIL "; }

# 1. Healthy.
t0=$(now_ms)
out=$(doctor "$prog")
rc=$?
echo "$out"
[ $rc = 0 ] && [ "$(fails "$out")" = 0 ] && pass "healthy: exit 0, no FAIL ($(($(now_ms) - t0)) ms)" ||
  fail "healthy: exit $rc"
hosts_ok=0
for i in 1 2 3; do
  echo "$out" | grep -Eq "^ok    host +h$i: [a-z0-9_]+, .*; interface eth0 198\.51\.100\.$i, provider (net|tcp|tcp;ofi_rxm)$" &&
    hosts_ok=$((hosts_ok + 1))
done
[ $hosts_ok = 3 ] && pass "each host's arch, OS, interface, address and provider" ||
  fail "$hosts_ok of 3 host lines"
echo "$out" | grep -q "^ok    links .*all 3 pairs of hosts exchange messages over libfabric" &&
  pass "all 3 pairs exchange libfabric messages" || fail "no all-pairs line"
echo "$out" | grep -q "^ok    clock .*every measured clock is within 50.00 ms of h1's" &&
  pass "clock offsets measured, within bounds" || fail "no clock line"
echo "$out" | grep -Eq "^h1 +x86_64 +eth0 +198\.51\.100\.1 .* reference +-$" &&
  echo "$out" | grep -Eq "^h3 +x86_64 +eth0 +198\.51\.100\.3 .* [+-][0-9.]+ ms +-$" &&
  pass "table: a row per host with interface, clock and reachability" || fail "table"
echo "$out" | grep -q "^ok    libs .*every host finds the [0-9]* librar[a-z]* $prog needs" &&
  pass "every host has the program's libraries" || fail "no libs line"
echo "$out" | grep -q "^ok    arch .*x86_64: $prog" && pass "the program for each architecture" ||
  fail "no arch line"
[ "$(echo "$out" | grep -c "^ok    agent .*, wireup=pmix/pmi net=ofi/tcp) answers and holds the key$")" = 3 ] &&
  echo "$out" | grep -q "^ok    job          wire-up pmix, network ofi (from 3 agents' offers)$" &&
  pass "each agent's offer, and the job's wire-up and network" || fail "no offer or job line"
# The agents' checks authenticate and leave without a job: not a refusal in the owners' logs.
refusals=$(cat "${log[h1]}" "${log[h2]}" "${log[h3]}" | grep -c "refused")
[ "$refusals" = 0 ] && pass "no refusal in the agents' logs after a healthy check" ||
  fail "$refusals refusal lines in the agents' logs: $(grep -h refused "${log[h1]}" "${log[h2]}" "${log[h3]}" | head -2)"

# 2. A library h3 lacks.
out=$(doctor "$needs")
rc=$?
echo "$out"
[ $rc = 1 ] && [ "$(fails "$out")" = 1 ] &&
  echo "$out" | grep -q "^FAIL  libs .*h3 lacks libzmpi_doctor_need.so, which $needs needs: .* -> fix: install the package that provides libzmpi_doctor_need.so on h3 (h1 has it at $libdir/libzmpi_doctor_need.so)" &&
  pass "a library missing on h3: one FAIL naming h3 and where it exists, exit 1" ||
  fail "missing library: exit $rc"

# 3. One broken link: h2 and h3 drop traffic to each other (and only to each other).
ip -n "$(cluster_main ns h2)" route add blackhole 198.51.100.3/32 &&
  ip -n "$(cluster_main ns h3)" route add blackhole 198.51.100.2/32 || fail "blackhole routes"
t0=$(now_ms)
out=$(doctor "$prog")
rc=$?
dt=$(($(now_ms) - t0))
echo "$out"
[ $rc = 1 ] && [ "$(fails "$out")" = 1 ] &&
  echo "$out" | grep -q "^FAIL  link .*h2 <-> h3 (198\.51\.100\.2 <-> 198\.51\.100\.3): .* -> fix: ranks on h2 and h3 cannot talk: .*ping 198\.51\.100\.3" &&
  pass "one broken link: exactly the pair h2 <-> h3 fails, exit 1 ($dt ms)" ||
  fail "broken link: exit $rc, $(fails "$out") FAIL lines"
echo "$out" | grep -q "^ok    links .*2 of 3 pairs of hosts exchange messages" &&
  pass "the other 2 pairs still pass" || fail "other pairs"
echo "$out" | grep -Eq "^h2 .* h3$" && echo "$out" | grep -Eq "^h3 .* h2$" &&
  echo "$out" | grep -Eq "^h1 .* -$" && pass "table: h2 cannot reach h3 and back, h1 reaches all" ||
  fail "table after the break"
[ $dt -lt 30000 ] && pass "bounded: $dt ms" || fail "took $dt ms"
ip -n "$(cluster_main ns h2)" route del blackhole 198.51.100.3/32
ip -n "$(cluster_main ns h3)" route del blackhole 198.51.100.2/32

# 4. The same pair, but frames vanish silently (no error to the sender: each host sends the
# other's packets to a MAC address nobody has), so only the probe's time bound notices.
ip -n "$(cluster_main ns h2)" neigh replace 198.51.100.3 lladdr 02:00:00:00:00:99 dev eth0 nud permanent &&
  ip -n "$(cluster_main ns h3)" neigh replace 198.51.100.2 lladdr 02:00:00:00:00:98 dev eth0 nud permanent ||
  fail "static neighbour entries"
t0=$(now_ms)
out=$(doctor "$prog")
rc=$?
dt=$(($(now_ms) - t0))
echo "$out" | grep -E "^(FAIL|warn) "
[ $rc = 1 ] && [ "$(fails "$out")" = 1 ] &&
  echo "$out" | grep -q "^FAIL  link .*h2 <-> h3 (198\.51\.100\.2 <-> 198\.51\.100\.3): from h2: no answer within 3000 ms; from h3: no answer within 3000 ms -> fix: " &&
  pass "silently dropped frames between h2 and h3: that pair fails on the time bound, exit 1 ($dt ms)" ||
  { echo "$out"; fail "silent drop: exit $rc, $(fails "$out") FAIL lines"; }
[ $dt -lt 30000 ] && pass "bounded: $dt ms" || fail "took $dt ms"
ip -n "$(cluster_main ns h2)" neigh del 198.51.100.3 dev eth0
ip -n "$(cluster_main ns h3)" neigh del 198.51.100.2 dev eth0
out=$(doctor "$prog")
rc=$?
[ $rc = 0 ] && [ "$(fails "$out")" = 0 ] && pass "link repaired: exit 0 again" ||
  { echo "$out"; fail "after repair: exit $rc"; }

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
