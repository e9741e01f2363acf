#!/bin/bash
# Tier-3 discovery tests on namespace hosts (tests/cluster/harness.sh). mDNS runs only in
# the hosts' namespaces, never in the root namespace.
#   mdns_cluster_test.sh CASE HARNESS ZMPI_MDNS AVAHI_BROWSE
# CASE: found | other_cluster | goodbye | update | key_file | avahi | known_answers
set -u
case_name=$1
harness=$2
mdns=$3
avahi=$4
# shellcheck source=../../cluster/harness.sh
. "$harness"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
trap 'cluster_down' EXIT
cluster_up 3 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }

A=0123456789abcdef
B=fedcba9876543210
# publish HOST CID PORT CORES [extra flags...]: prints the spawned PID.
publish() {
  local h=$1 cid=$2 port=$3 cores=$4 pid _
  shift 4
  read -r pid _ < <(cluster_spawn "$h" "$mdns" publish --iface "198.51.100.${h#h}" \
    --cluster "$cid" --port "$port" --cores "$cores" "$@")
  echo "$pid"
}
# Unique records are probed (~0.75 s) before they are answered.
settle() { sleep 1.2; }
logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done; }

case "$case_name" in
  found)
    publish h1 "$A" 7001 4 >/dev/null
    publish h2 "$A" 7002 2 >/dev/null
    settle
    out=$(cluster_run h3 "$mdns" browse --iface 198.51.100.3 --cluster "$A" --duration 3000 \
      --expect 2 2>&1)
    echo "$out"
    ms=$(echo "$out" | sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p')
    echo "$out" | grep -qx "h1 198.51.100.1 7001 pv=1 cid=$A arch=$(uname -m) os=linux cores=4 used=0 port=7001" &&
      pass "h1 found with its TXT" || fail "h1 missing or wrong"
    echo "$out" | grep -qx "h2 198.51.100.2 7002 pv=1 cid=$A arch=$(uname -m) os=linux cores=2 used=0 port=7002" &&
      pass "h2 found with its TXT" || fail "h2 missing or wrong"
    [ -n "$ms" ] && [ "$ms" -lt 1000 ] && pass "both found in $ms ms (< 1000)" ||
      fail "browse took '$ms' ms"
    # A browser on a publisher's own host sees it too (zrun next to its zrund).
    cluster_run h1 "$mdns" browse --iface 198.51.100.1 --cluster "$A" --duration 2000 \
      --expect 2 2>/dev/null | grep -q "^h1 " && pass "h1 sees itself" || fail "h1 does not see itself"
    ;;
  other_cluster)
    publish h1 "$A" 7001 4 >/dev/null
    publish h2 "$B" 7002 2 >/dev/null
    settle
    all=$(cluster_run h3 "$mdns" browse --iface 198.51.100.3 --duration 3000 --expect 2 2>/dev/null)
    [ "$(echo "$all" | grep -c .)" = 2 ] && pass "unfiltered browse sees both clusters" ||
      fail "unfiltered browse: '$all'"
    mine=$(cluster_run h3 "$mdns" browse --iface 198.51.100.3 --cluster "$A" --duration 1000 2>/dev/null)
    [ "$(echo "$mine" | awk '{print $1}' | tr '\n' ' ')" = "h1 " ] &&
      pass "cluster $B ignored" || fail "filtered browse: '$mine'"
    ;;
  goodbye)
    pid=$(publish h1 "$A" 7001 4)
    settle
    read -r wpid wlog < <(cluster_spawn h3 "$mdns" browse --iface 198.51.100.3 --cluster "$A" \
      --duration 5000 --watch)
    # Wait (bounded) until the watcher sees h1, then stop the publisher cleanly.
    for _ in $(seq 1 40); do grep -q '^+ .* h1 ' "$wlog" && break; sleep 0.05; done
    grep -q '^+ .* h1 ' "$wlog" && pass "watcher sees h1" || fail "watcher never saw h1"
    t0=$(date +%s%N)
    cluster_signal "$pid" TERM
    [ "$(cluster_wait "$pid" 5)" = exited ] || fail "publisher did not exit on SIGTERM"
    gone=""
    for _ in $(seq 1 60); do grep -q '^- ' "$wlog" && { gone=$((($(date +%s%N) - t0) / 1000000)); break; }; sleep 0.05; done
    # TTL is 120 s: losing h1 within a second can only come from the goodbye.
    [ -n "$gone" ] && [ "$gone" -lt 1500 ] && pass "h1 gone $gone ms after SIGTERM (goodbye)" ||
      fail "h1 not withdrawn (gone='$gone')"
    grep -q '^goodbye$' "$NETNS_CLUSTER_DIR/h1.0.log" || fail "publisher did not report goodbye"
    left=$(cluster_run h2 "$mdns" browse --iface 198.51.100.2 --cluster "$A" --duration 800 2>/dev/null)
    [ -z "$left" ] && pass "a fresh browser finds nothing" || fail "fresh browser found '$left'"
    cluster_wait "$wpid" 6 >/dev/null
    ;;
  update)
    publish h1 "$A" 7001 4 --update-after 2000 --update-used 3 >/dev/null
    read -r _ wlog < <(cluster_spawn h2 "$mdns" browse --iface 198.51.100.2 --cluster "$A" \
      --duration 3500 --watch)
    sleep 3.7
    grep -q '^+ .* h1 .* used=0 ' "$wlog" && pass "first announce used=0" || fail "no used=0 seen"
    grep -q '^+ .* h1 .* used=3 ' "$wlog" && pass "re-announced used=3" || fail "update not seen"
    [ "$(grep -c '^+ .* h1 ' "$wlog")" = 2 ] || fail "expected exactly two versions of h1"
    ;;
  key_file)
    # Cluster ids derived from key files: same key -> found, other key -> ignored.
    k1="$NETNS_CLUSTER_DIR/k1.key"
    k2="$NETNS_CLUSTER_DIR/k2.key"
    (umask 077 && head -c 32 /dev/urandom >"$k1" && head -c 32 /dev/urandom >"$k2")
    cluster_spawn h1 "$mdns" publish --iface 198.51.100.1 --key-file "$k1" --port 7001 >/dev/null
    cluster_spawn h2 "$mdns" publish --iface 198.51.100.2 --key-file "$k2" --port 7002 >/dev/null
    settle
    mine=$(cluster_run h3 "$mdns" browse --iface 198.51.100.3 --key-file "$k1" --duration 1000 2>/dev/null)
    echo "$mine"
    [ "$(echo "$mine" | awk '{print $1}' | tr '\n' ' ')" = "h1 " ] &&
      pass "only the agent with the same key is found" || fail "key-file browse: '$mine'"
    echo "$mine" | grep -q "cid=[0-9a-f]\{32\} " && pass "cid is 32 hex" || fail "cid format"
    chmod 644 "$k1"
    cluster_run h3 "$mdns" browse --iface 198.51.100.3 --key-file "$k1" --duration 100 2>&1 |
      grep -q "chmod 600" && pass "world-readable key refused" || fail "0644 key accepted"
    ;;
  avahi)
    publish h1 "$A" 7001 4 >/dev/null
    settle
    out=$(cluster_run h3 "$avahi" 1 5 2>/dev/null)
    echo "$out"
    echo "$out" | grep -q "^found h1 h1.local 198.51.100.1 7001 .*cid=$A" &&
      pass "avahi-core sees our publisher with its TXT" || fail "avahi-core did not see h1"
    ;;
  known_answers)
    # A libmdnsd browser asks each question up to three times (at 0, 1 and 3 s), the later
    # ones with the answers it has as known answers. Each of its queries must parse: avahi-
    # daemon drops a query it cannot parse, every question in it included (mdns_c.c,
    # ForgetPtrAddresses: libmdnsd wrote a cached PTR's responder address into its rdata).
    publish h1 "$A" 7001 4 >/dev/null
    publish h2 "$A" 7002 2 >/dev/null
    settle
    read -r spid slog < <(cluster_spawn h3 python3 "$(dirname "$0")/mdns_known_answers.py" eth0 \
      198.51.100.3 6)
    for _ in $(seq 1 100); do grep -q "^listening" "$slog" 2>/dev/null && break; sleep 0.05; done
    out=$(cluster_run h3 "$mdns" browse --iface 198.51.100.3 --cluster "$A" --duration 4500 2>/dev/null)
    echo "$out"
    [ "$(cluster_wait "$spid" 10)" = exited ] || fail "the query checker did not end"
    cat "$slog"
    summary=$(grep "^queries=" "$slog")
    ptrs=$(echo "$summary" | sed -n 's/.*ptr_known_answers=\([0-9]*\).*/\1/p')
    [ "$(echo "$out" | grep -c " cid=$A ")" = 2 ] && pass "the browser found h1 and h2" ||
      fail "browse: $out"
    [ -n "$ptrs" ] && [ "$ptrs" -ge 1 ] && pass "its later queries list the PTR answers it has ($summary)" ||
      fail "no PTR known answer seen ($summary)"
    echo "$summary" | grep -q " malformed=0$" && pass "every query it sent parses" ||
      fail "malformed queries: $summary"
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

[ "$failures" = 0 ] && echo PASS && exit 0
logs
echo "$failures failure(s)"
exit 1
