#!/bin/bash
# ctest cluster_harness: 3 namespace hosts; h1 reaches h3 over 198.51.100.0/24; hostnames,
# PID namespaces and /dev/shm are private per host; teardown leaves nothing behind.
# Usage: harness_test.sh PROBE_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
probe=$1
# shellcheck source=harness.sh
. "$here/harness.sh"

trap 'cluster_down' EXIT

cluster_up 3 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
run=$(cat "$NETNS_CLUSTER_DIR/run")
dir=$NETNS_CLUSTER_DIR

# Reachability: h3 listens, h1 connects over the bridge and reads h3's hostname.
read -r lpid _ < <(cluster_spawn h3 "$probe" listen 7000 10)
got=$(cluster_run h1 "$probe" connect 198.51.100.3 7000 5)
[ "$got" = h3 ] && pass "h1 reached h3 (peer says '$got')" || fail "h1 -> h3 got '$got'"
[ "$(cluster_wait "$lpid" 5)" = exited ] || fail "listener on h3 did not finish"

# Names resolve through /etc/netns/<ns>/hosts.
got=$(cluster_run h2 getent hosts h3 | awk '{print $1}')
[ "$got" = 198.51.100.3 ] && pass "h3 resolves on h2" || fail "getent h3 on h2 gave '$got'"

# Hostnames and PID namespaces are per host.
for h in h1 h2 h3; do
  got=$(cluster_run "$h" hostname)
  [ "$got" = "$h" ] && pass "hostname of $h" || fail "hostname on $h is '$got'"
done
[ "$(hostname)" != h1 ] || fail "root hostname changed"
got=$(cluster_run h1 sh -c 'echo $$')
[ "$got" = 1 ] && pass "own PID namespace" || fail "pid inside host is '$got'"

# /dev/shm: a file made on h1 is invisible on h2 and in the root namespace.
marker="zmpi-harness-$run"
read -r spid _ < <(cluster_spawn h1 sh -c "touch /dev/shm/$marker && sleep 30")
sleep 0.3
cluster_run h1 sh -c "test -e /dev/shm/$marker" &&
  fail "another process of h1 sees h1's first process's /dev/shm (expected private per process)"
cluster_run h2 sh -c "test -e /dev/shm/$marker" && fail "h2 sees h1's /dev/shm file"
[ -e "/dev/shm/$marker" ] && fail "root /dev/shm sees h1's file"
cluster_run h2 sh -c "mount | grep -q ' /dev/shm type tmpfs'" && pass "/dev/shm private" ||
  fail "h2 has no private /dev/shm"

# NETNS_CLUSTER_SHM_SIZE sizes a spawned process's /dev/shm; `shm` resizes it later.
# statfs of the process's /dev/shm, in its mount namespace (df through /proc/PID/root reads
# the machine's mount table and would name the wrong file system).
shm_kib() { nsenter -t "$1" -m stat -f -c '%b %S' /dev/shm | awk '{print $1 * $2 / 1024}'; }
read -r zpid _ < <(NETNS_CLUSTER_SHM_SIZE=64k cluster_spawn h2 sleep 30)
zinner=$(cluster__inner "$zpid")
sleep 0.3
[ "$(shm_kib "$zinner")" = 64 ] && pass "/dev/shm of 64 KiB" || fail "/dev/shm is $(shm_kib "$zinner") KiB, not 64"
cluster_shm "$zpid" 1m && [ "$(shm_kib "$zinner")" = 1024 ] && pass "resized to 1 MiB" ||
  fail "resize: /dev/shm is $(shm_kib "$zinner") KiB"

# The spawned sleeper is alive, and signal reaches the program inside the wrapper.
kill -0 "$spid" 2>/dev/null || fail "spawned sleeper died"
inner=$(ps -o pid= --ppid "$spid" | tr -d ' ')
[ -n "$inner" ] || fail "no inner process for spawned PID"

# Teardown, then check nothing is left.
cluster_down
trap - EXIT
left=$(ip netns list | grep -c "^$run" || true)
[ "$left" = 0 ] && pass "no namespaces left" || fail "$left namespaces of $run left"
ls -d /etc/netns/"$run"* >/dev/null 2>&1 && fail "/etc/netns/$run* left"
[ -d "$dir" ] && fail "state dir $dir left"
for p in $lpid $spid $inner $zpid $zinner; do
  if kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; then
    fail "process $p survived teardown"
  fi
done
[ "$failures" = 0 ] && pass "processes gone" && echo "PASS" && exit 0
echo "$failures failure(s)"
exit 1
