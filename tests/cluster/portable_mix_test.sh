#!/bin/bash
# One job across two namespace hosts the way a Haiku host joins a Linux cluster: h1 runs the
# normal build's zrund, h2 the portable build's (no libfabric, no PMIx, no Linux-only call), and
# the normal zrun on h1 starts p2p_test and coll_test on both. Nobody sets ZMPI_WIREUP or
# ZMPI_NET: each agent announces what it can serve (h1 pmix/pmi and ofi/tcp, h2 pmi and tcp:
# proto::JobOffer in the handshake), zrun picks PMI-1 and tcp for the job and sends the choice
# in every Launch (zrun/job_choice.h), so h1 serves this job over PMI-1 and every rank uses the
# tcp transport between hosts. h2's ranks load the portable libmpi.so.12 that its zrund puts
# first on their library path, h1's the normal one. A choice no host has (ZMPI_NET=ofi,
# ZMPI_WIREUP=pmix) is refused in one line before any rank starts.
#   portable_mix_test.sh ZRUND ZRUN P2P_TEST COLL_TEST PORTABLE_ZRUND
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1
zrun=$2
p2p=$3
coll=$4
portable_zrund=$5
# shellcheck source=harness.sh
. "$here/harness.sh"
for f in "$zrund" "$zrun" "$p2p" "$coll" "$portable_zrund"; do
  [ -x "$f" ] || { echo "FAIL: $f is missing (build the normal and the portable build first)"; exit 1; }
done

logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done; }
keydir=$(mktemp -d /tmp/zmpi-mix-key.XXXXXX)
chmod 711 "$keydir"
trap 'cluster_down; rm -rf -- "$keydir"' EXIT
cluster_up 2 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
NETNS_CLUSTER_TIMEOUT=120
key=$keydir/cluster.key
"$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
port=7421

# start_agent HOST ZRUND: waits (bounded) until it serves.
start_agent() {
  local pid log deadline h=$1 bin=$2
  mkdir -p "$keydir/tmp"
  read -r pid log < <(cluster_spawn "$h" env TMPDIR="$keydir/tmp" \
    XDG_RUNTIME_DIR="$keydir/run-$h" "$bin" --key-file "$key" --iface eth0 --port "$port" \
    --cores 2 --cache-dir "$keydir/cache-$h")
  cluster_wait_serving "$log" || { fail "zrund on $h did not start"; logs; return 1; }
}
start_agent h1 "$zrund" || exit 1
start_agent h2 "$portable_zrund" || exit 1
sleep 1.0  # mDNS probes names (~0.75 s) before it answers

out=$(cluster_run h1 env ZMPI_LOG_LEVEL=info "$zrun" --key-file "$key" -n auto --timeout 60 \
  -x ZMPI_LOG_LEVEL=info "$p2p" 2>&1)
rc=$?
echo "$out" | grep -E "info init:|p2p_test:|zrun:"
echo "$out" | grep -q "info zrun: job wire-up pmi, network tcp (from 2 agents' offers)" &&
  pass "zrun chose PMI-1 and tcp from the agents' offers" || fail "no 'job wire-up pmi, network tcp' line"
[ $rc = 0 ] && pass "p2p_test on a normal and a portable host exits 0" || fail "p2p_test exit $rc"
echo "$out" | grep -q "p2p_test: OK .* 4 ranks" && pass "4 ranks (2 per host) ran p2p_test" ||
  fail "no OK line for 4 ranks"
linux=$(echo "$out" | grep -c "info init: rank [0-3] of 4: 1 peers over shm, 2 over tcp (linux platform)")
posix=$(echo "$out" | grep -c "info init: rank [0-3] of 4: 1 peers over shm, 2 over tcp (posix platform)")
[ "$linux" = 2 ] && [ "$posix" = 2 ] &&
  pass "2 ranks of the normal library and 2 of the portable one, each: host peer over shm, 2 over tcp" ||
  fail "$linux ranks of the normal library, $posix of the portable one (want 2 and 2)"

out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto --timeout 60 "$coll" 2>&1)
rc=$?
echo "$out" | tail -3
[ $rc = 0 ] && echo "$out" | grep -q "coll_test: OK" && pass "coll_test across both exits 0" ||
  fail "coll_test exit $rc"

# refused NAME WANT ZRUN-ARGS...: one line, exit 1, no rank started.
refused() {
  local name=$1 want=$2
  shift 2
  out=$(cluster_run h1 "$@" "$zrun" --key-file "$key" -n auto --timeout 60 "$p2p" 2>&1)
  rc=$?
  echo "$out"
  [ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "^zrun: $want" &&
    pass "$name: refused in one line" || fail "$name: exit $rc: $out"
}
refused "ZMPI_NET=ofi with a portable host" "the hosts of this job have no network transport in common (ZMPI_NET=ofi asked; hosts offer: h1 ofi/tcp, h2 tcp)" env ZMPI_NET=ofi
refused "ZMPI_WIREUP=pmix with a portable host" "the hosts of this job have no wire-up in common (ZMPI_WIREUP=pmix asked; hosts offer: h1 pmix/pmi, h2 pmi)" env ZMPI_WIREUP=pmix
[ "$failures" = 0 ] || logs
echo "portable_mix: $failures failures"
[ "$failures" = 0 ]
