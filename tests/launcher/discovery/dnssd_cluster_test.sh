#!/bin/bash
# The dns_sd.h discovery back end against a real mDNS daemon: every namespace host that uses
# it runs a private D-Bus system bus and avahi-daemon (mdns_daemons.sh), the way a Linux host
# with avahi or a Haiku host with mDNSResponder does. mDNS runs only in the hosts' namespaces.
#   dnssd_cluster_test.sh CASE HARNESS ZMPI_MDNS DAEMONS [ZRUND ZRUN]
# CASE:
#   found    h1 publishes through its daemon (dnssd), h2 with libmdnsd (mdnsd, no daemon); on
#            h3 (daemon running) both back ends' browsers find both, with their TXT.
#   update   a dnssd watcher sees a re-announced TXT (used=0, then used=3), then the goodbye.
#   zrun     zrund with ZMPI_DISCOVERY=dnssd on h1 and h2, a libmdnsd zrund on h3; a libmdnsd
#            zrun on h3, a dnssd zrun on h1 and on h3, then the libmdnsd zrun on h3 again right
#            after those jobs, find all three and run a job on them.
#   no_daemon  without a daemon, dnssd says so in one line and exits non-zero.
set -u
case_name=$1
harness=$2
mdns=$3
daemons=$4
zrund=${5:-}
zrun=${6:-}
# shellcheck source=../../cluster/harness.sh
. "$harness"
scratch=$(mktemp -d /tmp/zmpi-dnssd.XXXXXX)
chmod 711 "$scratch"
trap 'cluster_down; rm -rf -- "$scratch"' EXIT
cluster_up 3 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done; }
A=0123456789abcdef
arch=$(uname -m)

# daemon HOST: starts the bus and avahi-daemon on HOST and waits (bounded) until it serves.
daemon() {
  local pid log deadline
  read -r pid log < <(cluster_spawn "$1" "$daemons" "$scratch" "$1")
  deadline=$(($(now_ms) + 8000))
  until grep -q "Server startup complete" "$log" 2>/dev/null; do
    [ "$(now_ms)" -ge "$deadline" ] && { fail "avahi-daemon on $1 did not start"; logs; exit 1; }
    sleep 0.05
  done
}
# dnssd HOST: the environment of a dns_sd.h client on HOST.
dnssd() { echo "ZMPI_DISCOVERY=dnssd DBUS_SYSTEM_BUS_ADDRESS=unix:path=$scratch/$1.bus"; }
# publish HOST BACKEND PORT CORES [flags...]: prints "PID LOG".
publish() {
  local h=$1 backend=$2 port=$3 cores=$4 envs
  shift 4
  envs="ZMPI_DISCOVERY=mdnsd"
  [ "$backend" = dnssd ] && envs=$(dnssd "$h")
  # shellcheck disable=SC2086
  cluster_spawn "$h" env $envs "$mdns" publish --iface "198.51.100.${h#h}" --cluster "$A" \
    --port "$port" --cores "$cores" "$@"
}
# browse HOST BACKEND [flags...]: the browser's output.
browse() {
  local h=$1 backend=$2 envs
  shift 2
  envs="ZMPI_DISCOVERY=mdnsd"
  [ "$backend" = dnssd ] && envs=$(dnssd "$h")
  # shellcheck disable=SC2086
  cluster_run "$h" env $envs "$mdns" browse --iface "198.51.100.${h#h}" "$@"
}
line() { echo "$1 198.51.100.$2 $3 pv=1 cid=$A arch=$arch os=linux cores=$4 used=$5 port=$3"; }

case "$case_name" in
  found)
    daemon h1
    daemon h3
    publish h1 dnssd 7001 4 >/dev/null
    publish h2 mdnsd 7002 2 >/dev/null
    sleep 1.2  # both stacks probe unique names (~0.75 s) before answering
    # libmdnsd first: a responder does not multicast the same record again within 1 s (RFC 6762
    # 6), so a browser that asks right after another waits for its own retry (~1 s later).
    for backend in mdnsd dnssd; do
      out=$(browse h3 "$backend" --cluster "$A" --duration 4000 --expect 2 2>&1)
      echo "[$backend browser on h3]"
      echo "$out"
      ms=$(echo "$out" | sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p')
      echo "$out" | grep -qx "$(line h1 1 7001 4 0)" &&
        pass "$backend browser finds h1 (published through avahi-daemon) with its TXT" ||
        fail "$backend browser: h1 missing or wrong"
      echo "$out" | grep -qx "$(line h2 2 7002 2 0)" &&
        pass "$backend browser finds h2 (published with libmdnsd) with its TXT" ||
        fail "$backend browser: h2 missing or wrong"
      # The daemon answers from its cache at once; libmdnsd asks the network, and a
      # responder that announced less than a second ago waits (docs/discovery.md): the mdnsd
      # browser's bound is its 4 s browse.
      limit=1500
      [ "$backend" = mdnsd ] && limit=4000
      [ -n "$ms" ] && [ "$ms" -lt "$limit" ] && pass "$backend: both found in $ms ms" ||
        fail "$backend browse took '$ms' ms (limit $limit)"
    done
    # A dnssd browser beside its own host's publisher (zrun next to its zrund).
    browse h1 dnssd --cluster "$A" --duration 3000 --expect 2 2>/dev/null | grep -q "^h1 " &&
      pass "h1 sees itself through its daemon" || fail "h1 does not see itself"
    ;;
  update)
    daemon h1
    daemon h2
    read -r pid _ < <(publish h1 dnssd 7001 4 --update-after 1500 --update-used 3)
    read -r wpid wlog < <(cluster_spawn h2 env $(dnssd h2) "$mdns" browse --iface 198.51.100.2 \
      --cluster "$A" --duration 8000 --watch)
    deadline=$(($(now_ms) + 6000))
    until grep -q '^+ .* h1 .* used=3 ' "$wlog"; do
      [ "$(now_ms)" -ge "$deadline" ] && break
      sleep 0.05
    done
    cat "$wlog"
    grep -q '^+ .* h1 .* used=0 ' "$wlog" && pass "first announcement used=0" || fail "no used=0 seen"
    grep -q '^+ .* h1 .* used=3 ' "$wlog" && pass "re-announced TXT used=3 seen" ||
      fail "update not seen"
    t0=$(now_ms)
    cluster_signal "$pid" TERM
    [ "$(cluster_wait "$pid" 5)" = exited ] || fail "publisher did not exit on SIGTERM"
    gone=""
    deadline=$(($(now_ms) + 3000))
    until [ -n "$gone" ] || [ "$(now_ms)" -ge "$deadline" ]; do
      grep -q '^- ' "$wlog" && gone=$(($(now_ms) - t0))
      sleep 0.05
    done
    # TTL is 120 s (avahi: 75 s for SRV/TXT): losing h1 within 3 s comes from the goodbye
    # (a daemon drops a record 1 s after its goodbye, RFC 6762 10.1).
    [ -n "$gone" ] && [ "$gone" -lt 3000 ] && pass "h1 gone $gone ms after SIGTERM (goodbye)" ||
      fail "h1 not withdrawn (gone='$gone')"
    cluster_signal "$wpid" TERM
    ;;
  zrun)
    for f in "$zrund" "$zrun"; do [ -x "$f" ] || { echo "FAIL: no $f"; exit 1; }; done
    key=$scratch/cluster.key
    "$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
    daemon h1
    daemon h2
    daemon h3
    # agent HOST BACKEND
    agent() {
      local pid log deadline envs="ZMPI_DISCOVERY=mdnsd"
      [ "$2" = dnssd ] && envs=$(dnssd "$1")
      mkdir -p "$scratch/tmp"
      # shellcheck disable=SC2086
      read -r pid log < <(cluster_spawn "$1" env $envs TMPDIR="$scratch/tmp" \
        XDG_RUNTIME_DIR="$scratch/run-$1" "$zrund" --key-file "$key" --iface eth0 --port 7431 \
        --cores 1 --cache-dir "$scratch/cache-$1")
      cluster_wait_serving "$log" || { fail "zrund on $1 did not start"; logs; exit 1; }
    }
    agent h1 dnssd
    agent h2 dnssd
    agent h3 mdnsd
    sleep 1.2
    # The libmdnsd zrun first, while the agents' records are as first announced, and again
    # last, right after the jobs: the agents re-announce their TXT when a job ends, avahi then
    # leaves it out of its answer for a second, and the libmdnsd zrun must get it by asking
    # again (docs/discovery.md, "libmdnsd browsers and daemon-published agents").
    n=0
    for run in "h3 mdnsd" "h1 dnssd" "h3 dnssd" "h3 mdnsd"; do
      read -r h backend <<<"$run"
      n=$((n + 1))
      # A responder does not multicast a record again within 1 s (RFC 6762 6); the last zrun
      # starts at once, while the TXT records of the job before are still being re-announced.
      [ $n -lt 4 ] && sleep 1.1
      envs="ZMPI_DISCOVERY=mdnsd"
      [ "$backend" = dnssd ] && envs=$(dnssd "$h")
      # Named hosts: zrun browses until all three answered (-n auto would stop 300 ms after
      # the last new one, which a loaded machine can exceed), for up to 5 s.
      t0=$(now_ms)
      # shellcheck disable=SC2086
      out=$(NETNS_CLUSTER_TIMEOUT=60 cluster_run "$h" env $envs "$zrun" --key-file "$key" \
        --browse-ms 5000 --host h1,h2,h3 -n 3 --tag-output sh -c 'echo "$ZMPI_JOB_HOST"' 2>&1)
      rc=$?
      hosts=$(echo "$out" | sed 's/^\[[0-9]*\] //' | sort | tr '\n' ' ')
      echo "[$backend zrun on $h, $(($(now_ms) - t0)) ms] $(echo "$out" | tr '\n' ' ')"
      [ $rc = 0 ] && [ "$hosts" = "h1 h2 h3 " ] &&
        pass "$backend zrun on $h runs one rank on each of h1, h2 (dnssd agents) and h3 (mdnsd)" ||
        fail "$backend zrun on $h: exit $rc: $out"
    done
    ;;
  no_daemon)
    out=$(browse h3 dnssd --duration 500 2>&1)
    rc=$?
    echo "$out"
    [ $rc != 0 ] && echo "$out" | grep -q "is the mDNS daemon running" &&
      pass "browse without a daemon fails with a hint" || fail "browse without daemon: rc=$rc"
    out=$(NETNS_CLUSTER_TIMEOUT=10 cluster_run h3 env ZMPI_DISCOVERY=bonjour "$mdns" browse \
      --duration 100 2>&1)
    echo "$out" | grep -q "ZMPI_DISCOVERY='bonjour': want mdnsd or dnssd" &&
      pass "an unknown ZMPI_DISCOVERY is refused" || fail "ZMPI_DISCOVERY=bonjour: $out"
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac

[ "$failures" = 0 ] && echo PASS && exit 0
logs
echo "$failures failure(s)"
exit 1
