#!/bin/bash
# Agents announce their job offer (wire-ups, networks: proto::JobOffer) in their mDNS TXT
# record (keys wu, net: launcher/discovery/txt_format.h), zrun shows it per agent and refuses
# a job its hosts cannot share before it connects to any (docs/discovery.md, "TXT record").
# Agents and mDNS run only inside namespace hosts (tests/cluster/harness.sh).
#   offer_test.sh CASE ZRUND ZRUN ZMPI_MDNS MDNS_DAEMONS
# CASE:
#   discover  h1 a zrund, h2 a zrund with ZMPI_WIREUP=pmi ZMPI_NET=tcp, h3 an announcement
#             without an offer (a protocol-2 agent's TXT, from zmpi-mdns): zrun --discover
#             prints each agent's offer, "wireup=? net=?" for h3; zmpi-mdns shows the raw keys.
#   refuse    h1, h2 zrunds; h3 announces "pmi / tcp" at a port where nothing listens. With
#             ZMPI_NET=ofi, zrun refuses in one line naming h3's offer: only the TXT can have
#             told it (no handshake with h3 is possible). Without it, the offers agree and zrun
#             goes on to connect (and names h3 as unreachable: the check is not over-eager).
#   doctor    h1 a zrund, h2 a zrund with ZMPI_NET=tcp: zrun --doctor with ZMPI_NET=ofi shows
#             each agent's offer, one FAIL line for the job, and skips the probe job; exit 1.
#   avahi     h1's zrund publishes through avahi-daemon (the dns_sd.h back end), h2's with
#             libmdnsd: a libmdnsd zrun on h2 and a dns_sd.h zrun on h1 both show both offers.
set -u
case_name=$1
zrund=$2
zrun=$3
mdns=$4
daemons=$5
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
for f in "$zrund" "$zrun" "$mdns"; do [ -x "$f" ] || { echo "FAIL: no $f"; exit 1; }; done
cluster_test_start offer 3
chmod 711 "$dir"
mkdir -p "$dir/tmp"
arch=$(uname -m)
port=7441
logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done; }

# agent HOST [VAR=VALUE...]: a zrund on HOST with that environment; waits until it serves.
agent() {
  local h=$1 pid log
  shift
  read -r pid log < <(cluster_spawn "$h" env "$@" TMPDIR="$dir/tmp" \
    XDG_RUNTIME_DIR="$dir/run-$h" "$zrund" --key-file "$key" --iface eth0 --port "$port" \
    --cores 1 --cache-dir "$dir/cache-$h")
  cluster_wait_serving "$log" 10 || { fail "zrund on $h did not start"; logs; exit 1; }
}
# fake HOST PORT [zmpi-mdns flags...]: an announcement of this cluster with nothing behind it.
fake() {
  local h=$1 p=$2
  shift 2
  cluster_spawn "$h" "$mdns" publish --iface "198.51.100.${h#h}" --key-file "$key" --port "$p" \
    --cores 1 "$@" >/dev/null
}
# zrun_on HOST [VAR=VALUE...] -- ZRUN-ARGS...: zrun's output (stdout and stderr); rc in $rc.
zrun_on() {
  local h=$1 envs=()
  shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  out=$(cluster_run "$h" env "${envs[@]}" "$zrun" --key-file "$key" --browse-ms 5000 "$@" 2>&1)
  rc=$?
}
# has LINE: the output has exactly this line.
has() { echo "$out" | grep -qxF -- "$1"; }

case "$case_name" in
  discover)
    agent h1
    agent h2 ZMPI_WIREUP=pmi ZMPI_NET=tcp
    fake h3 7999 --pv 2
    sleep 1.2  # unique records are probed (~0.75 s) before they are answered
    zrun_on h1 -- --discover --host h1,h2,h3
    echo "$out"
    [ $rc = 0 ] || fail "zrun --discover exit $rc"
    has "h1 198.51.100.1:$port $arch linux cores=1 used=0 wireup=pmix/pmi net=ofi/tcp" &&
      pass "h1 offers pmix/pmi and ofi/tcp (a normal build, nothing set)" || fail "h1's line"
    has "h2 198.51.100.2:$port $arch linux cores=1 used=0 wireup=pmi net=tcp" &&
      pass "h2 offers what its ZMPI_WIREUP/ZMPI_NET leave" || fail "h2's line"
    has "h3 198.51.100.3:7999 $arch linux cores=1 used=0 wireup=? net=?" &&
      pass "h3 (a TXT without an offer, as from an older agent) is listed, its offer unknown" ||
      fail "h3's line"
    out=$(cluster_run h3 "$mdns" browse --iface 198.51.100.3 --key-file "$key" --duration 5000 \
      --expect 3 2>/dev/null)
    echo "$out"
    echo "$out" | grep -q "^h1 .* port=$port wu=pmix,pmi net=ofi,tcp$" &&
      echo "$out" | grep -q "^h2 .* port=$port wu=pmi net=tcp$" &&
      echo "$out" | grep -q "^h3 .* port=7999$" &&
      pass "TXT keys wu= and net= (none in h3's record)" || fail "raw TXT"
    ;;
  refuse)
    agent h1
    agent h2
    fake h3 7999 --wireup pmi --net tcp
    sleep 1.2
    t0=$(now_ms)
    zrun_on h1 ZMPI_NET=ofi -- --host h1,h2,h3 -n 3 hostname
    echo "[$(($(now_ms) - t0)) ms] $out"
    [ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
      has "zrun: the hosts of this job have no network transport in common (ZMPI_NET=ofi asked; hosts offer: h1 ofi/tcp, h2 ofi/tcp, h3 tcp); leave out the host that differs, or run its agent from a build that has one" &&
      pass "ZMPI_NET=ofi: refused in one line from the announced offers, before any handshake" ||
      fail "ZMPI_NET=ofi: exit $rc"
    zrun_on h1 -- --host h1,h2,h3 -n 3 hostname
    echo "$out"
    [ $rc = 1 ] && echo "$out" | grep -q "^zrun: cannot use the agent on h3 (198.51.100.3:7999)" &&
      pass "offers that agree: zrun connects (and h3 has nothing behind its announcement)" ||
      fail "without ZMPI_NET: exit $rc"
    ;;
  doctor)
    agent h1
    agent h2 ZMPI_NET=tcp
    sleep 1.2
    zrun_on h1 ZMPI_NET=ofi -- --doctor --host h1,h2
    echo "$out"
    [ $rc = 1 ] || fail "zrun --doctor exit $rc (want 1)"
    echo "$out" | grep -qE "^ok +agent +h1 \(198\.51\.100\.1:$port, $arch, 1 cores, wireup=pmix/pmi net=ofi/tcp\) answers and holds the key$" &&
      echo "$out" | grep -qE "^ok +agent +h2 \(198\.51\.100\.2:$port, $arch, 1 cores, wireup=pmix/pmi net=tcp\) answers" &&
      pass "each agent's line shows its offer" || fail "agent lines"
    [ "$(echo "$out" | grep -cE '^FAIL +(agent|job) ')" = 1 ] &&
      echo "$out" | grep -qE "^FAIL +job +the hosts of this job have no network transport in common \(ZMPI_NET=ofi asked; hosts offer: h1 ofi/tcp, h2 tcp\)" &&
      pass "one FAIL line: the job these agents cannot run" || fail "job line"
    echo "$out" | grep -qE "^warn +hosts +not probed" &&
      ! echo "$out" | grep -qE "^(ok|warn|FAIL) +(probe|host|links?|clock|libs) " &&
      pass "no probe job started" || fail "probe lines"
    ;;
  avahi)
    # h1: a private bus and avahi-daemon (tests/launcher/discovery/mdns_daemons.sh).
    read -r _ dlog < <(cluster_spawn h1 "$daemons" "$dir" h1)
    deadline=$(($(now_ms) + 8000))
    until grep -q "Server startup complete" "$dlog" 2>/dev/null; do
      [ "$(now_ms)" -ge "$deadline" ] && { fail "avahi-daemon on h1 did not start"; logs; exit 1; }
      sleep 0.05
    done
    dnssd=(ZMPI_DISCOVERY=dnssd "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/h1.bus")
    agent h1 "${dnssd[@]}" ZMPI_NET=tcp
    agent h2 ZMPI_DISCOVERY=mdnsd
    sleep 1.2
    for run in "h2 mdnsd" "h1 dnssd"; do
      read -r h backend <<<"$run"
      envs=(ZMPI_DISCOVERY=mdnsd)
      [ "$backend" = dnssd ] && envs=("${dnssd[@]}")
      zrun_on "$h" "${envs[@]}" -- --discover --host h1,h2
      echo "[$backend zrun on $h] $out"
      has "h1 198.51.100.1:$port $arch linux cores=1 used=0 wireup=pmix/pmi net=tcp" &&
        has "h2 198.51.100.2:$port $arch linux cores=1 used=0 wireup=pmix/pmi net=ofi/tcp" &&
        pass "$backend zrun on $h: the avahi-published and the libmdnsd-published offer" ||
        fail "$backend zrun on $h: exit $rc"
    done
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
[ "$failures" = 0 ] || logs
echo "offer $case_name: $failures failures"
[ "$failures" = 0 ]
