#!/bin/bash
# One job across architectures: namespace hosts h1 and h2 run the native (x86-64) zrund, h3
# the aarch64 build's zrund under qemu-user, and zrun on h1 finds all three over mDNS
# (`-n auto`) and starts x86-64 and aarch64 ranks of the same programs in one job. h3's
# processes live in a private user namespace whose own binfmt_misc runs aarch64 ELF files
# through qemu (Linux >= 6.7; the machine's binfmt_misc is not touched), as in
# tools/cross-aarch64.sh, which drives this test after its cross build.
#   mixed_arch_test.sh NATIVE_BUILD_DIR AARCH64_BUILD_DIR QEMU
# Checks: h3's agent is discovered and announces aarch64; zrun stages ./p2p_test.aarch64
# (found beside ./p2p_test) for h3 and `--program aarch64=PATH` for coll_test; p2p_test and
# coll_test pass with ranks of both architectures; the weather example's last step, checksum,
# fingerprint and picture equal those of an x86-64-only run; a program with no aarch64 build is
# refused before launch with one line naming h3. Needs root (network namespaces).
set -u
here=$(cd "$(dirname "$0")" && pwd)
native=$(cd "$1" && pwd)
arm=$(cd "$2" && pwd)
qemu=$3
zrun=$native/bin/zrun
# shellcheck source=harness.sh
. "$here/harness.sh"
for f in "$zrun" "$native/bin/zrund" "$native/bin/weather" "$native/tests/bin/p2p_test" \
  "$native/tests/bin/coll_test" "$arm/bin/zrund" "$arm/bin/weather" "$arm/tests/bin/p2p_test" \
  "$arm/tests/bin/coll_test" "$qemu"; do
  [ -x "$f" ] || { echo "FAIL: $f is missing (build natively and run tools/cross-aarch64.sh build)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root for network namespaces"; exit 1; }

t0=$(date +%s)
cluster_test_start mixed-arch 3
logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; tail -40 "$f"; done; }
port=7431

# The programs as a user lays them out: ./prog for this machine, ./prog.aarch64 beside it.
mkdir -p "$dir/prog" "$dir/tmp"
cp "$native/tests/bin/p2p_test" "$dir/prog/p2p_test"
cp "$arm/tests/bin/p2p_test" "$dir/prog/p2p_test.aarch64"
cp "$native/bin/weather" "$dir/prog/weather"
cp "$arm/bin/weather" "$dir/prog/weather.aarch64"
cp "$native/tests/bin/coll_test" "$dir/prog/coll_only_x86"

# On h3: a user namespace with its own binfmt_misc, qemu registered for aarch64 ELF (F: the
# interpreter is opened now, so exec finds it in any mount namespace below), then the agent.
# The unpacked sysroot's libraries (libpmix needs libmunge) are on the library path of the
# agent and, through it, of its ranks; x86-64 programs skip them (wrong ELF class).
# shellcheck disable=SC2016
binfmt='mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc &&
  printf ":qemu-aarch64:M::%s:%s:%s:F\n" \
  "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00" \
  "\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff" \
  "$0" >/proc/sys/fs/binfmt_misc/register && exec "$@"'
aarch64_host=(unshare --user --map-root-user --mount --propagation private sh -c "$binfmt" "$qemu"
  env LD_LIBRARY_PATH="$arm/sysroot/usr/lib/aarch64-linux-gnu")

# start_agent HOST ZRUND SECONDS [PREFIX...]: starts the agent, waits (bounded) until it serves.
# Jobs run as root (--run-as-root): h3's user namespace maps no other account.
start_agent() {
  local log deadline h=$1 bin=$2 secs=$3
  shift 3
  read -r _ log < <(cluster_spawn "$h" "$@" env TMPDIR="$dir/tmp" XDG_RUNTIME_DIR="$dir/run-$h" \
    ZMPI_LOG_LEVEL=info "$bin" --key-file "$key" --iface eth0 --port "$port" --cores 2 \
    --cache-dir "$dir/cache-$h" --run-as-root)
  cluster_wait_serving "$log" "$secs" || { fail "zrund on $h did not start"; logs; return 1; }
}
# h3 also has a second interface, and its multicast route goes there: the agent's mDNS must
# still leave through eth0 (--iface), which under qemu-user, without IP_MULTICAST_IF, only a
# socket bound to eth0's address does (launcher/discovery/mdns_socket.h); unbound, every
# announcement would go to side0 (or loop back from a foreign address as a name conflict).
ns3=$(cluster__state && cluster__ns h3)
if ! { ip -n "$ns3" link add side0 type veth peer name side1 &&
  ip -n "$ns3" addr add 198.51.100.203/32 dev side0 && ip -n "$ns3" link set side1 up &&
  ip -n "$ns3" link set side0 up && ip -n "$ns3" route replace 224.0.0.0/4 dev side0; }; then
  fail "a second interface on h3"
  exit 1
fi
start_agent h1 "$native/bin/zrund" 10 || exit 1
start_agent h2 "$native/bin/zrund" 10 || exit 1
start_agent h3 "$arm/bin/zrund" 60 "${aarch64_host[@]}" || exit 1
sleep 1.5  # unique mDNS records are probed (~0.75 s, longer under emulation) before answered
grep -h "discovery\|mDNS" "$NETNS_CLUSTER_DIR"/h3.*.log

# run NAME ARGS...: zrun on h1 with every agent found over mDNS; output in $dir/NAME.log.
run() {
  local name=$1
  shift
  (cd "$dir/prog" && cluster_run h1 env ZMPI_LOG_LEVEL=info "$zrun" --key-file "$key" -n auto \
    --timeout 200 "$@") >"$dir/$name.log" 2>&1
}

# Discovery: the aarch64 agent is among the three zrun finds, and it says which it is.
NETNS_CLUSTER_TIMEOUT=30 cluster_run h1 "$zrun" --key-file "$key" --discover >"$dir/list.log" 2>&1
if grep -qx "h3 198.51.100.3:$port aarch64 linux cores=2 used=0 wireup=pmix/pmi net=ofi/tcp" "$dir/list.log" &&
  [ "$(grep -c " x86_64 linux " "$dir/list.log")" = 2 ]; then
  pass "mDNS finds h3 as aarch64 beside two x86_64 agents"
else
  fail "discovery: $(cat "$dir/list.log")"
fi

if run p2p ./p2p_test && grep -q "p2p_test: OK .* 6 ranks" "$dir/p2p.log"; then
  pass "p2p_test, 6 ranks on x86_64 and aarch64 hosts: $(grep -o 'p2p_test: OK.*' "$dir/p2p.log")"
else
  fail "p2p_test"; tail -30 "$dir/p2p.log"
fi
# Each rank checks its data model against rank 0's at init; an aarch64 rank says where they
# differ (long double), which shows that the job had aarch64 ranks (for p2p_test: h3 ran
# ./p2p_test.aarch64, picked by zrun).
aarch64_ranks() {
  grep -q "(aarch64 le long8 ptr8 ld16/113) and rank 0 (x86_64 le long8 ptr8 ld16/64)" \
    "$dir/$1.log" || { fail "$1: no aarch64 rank in the job"; grep "init" "$dir/$1.log"; }
}
aarch64_ranks p2p && pass "h3's ranks ran ./p2p_test.aarch64 (aarch64 ranks met x86_64 rank 0 at init)"

if run coll --program "aarch64=$arm/tests/bin/coll_test" ./coll_only_x86 &&
  grep -q "coll_test: OK" "$dir/coll.log"; then
  aarch64_ranks coll &&
    pass "coll_test (--program aarch64=PATH): $(grep -o 'coll_test: OK.*' "$dir/coll.log")"
else
  fail "coll_test"; tail -30 "$dir/coll.log"
fi

# A program with no aarch64 build: one line naming the host, before anything starts.
if ! run refuse ./coll_only_x86 &&
  grep -q "host h3 is aarch64 but .*/coll_only_x86 is x86_64" "$dir/refuse.log"; then
  pass "refused: $(grep -o 'host h3 is aarch64.*' "$dir/refuse.log")"
else
  fail "a program without an aarch64 build was not refused"; cat "$dir/refuse.log"
fi

# The weather example: 6 ranks on both architectures against 2 x86-64 ranks on h1 alone.
weather_args=(--size 97x83 --steps 150 --every 50)
sums() {
  { grep -E '^step +150 ' "$1" | sed 's/  min h.*//'
    grep -E '^(checksum|fingerprint) ' "$1"; } >"$1.sum"
  [ "$(wc -l <"$1.sum")" -eq 3 ]
}
run weather ./weather "${weather_args[@]}" --out "$dir/mixed.ppm"
mixed=$?
(cd "$dir/prog" && timeout 120 "$zrun" -n 2 ./weather "${weather_args[@]}" --out "$dir/x86.ppm") \
  >"$dir/x86.log" 2>&1
if [ $mixed != 0 ] || ! sums "$dir/weather.log"; then
  fail "weather across architectures"; tail -20 "$dir/weather.log"
elif ! sums "$dir/x86.log"; then
  fail "weather on x86_64 alone"; tail -20 "$dir/x86.log"
elif ! aarch64_ranks weather; then
  :
elif cmp -s "$dir/weather.log.sum" "$dir/x86.log.sum" && cmp -s "$dir/mixed.ppm" "$dir/x86.ppm"; then
  pass "weather: x86_64+aarch64 (6 ranks) = x86_64 (2 ranks): $(grep fingerprint "$dir/x86.log.sum")"
else
  fail "weather differs across architectures"; diff "$dir/x86.log.sum" "$dir/weather.log.sum"
fi

[ "$failures" = 0 ] || logs
echo "mixed_arch: $failures failures in $(($(date +%s) - t0)) s"
[ "$failures" = 0 ]
