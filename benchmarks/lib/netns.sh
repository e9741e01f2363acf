#!/usr/bin/env bash
# Minimal many-hosts-on-one-machine setup for the benchmarks, after /work/shared/CLUSTER-TESTS.md
# (used when the project's tests/cluster harness is not given through compare.sh --host-exec).
#
#   netns.sh up NAME N            bridge namespace NAME-sw and hosts NAME-h1..NAME-hN on
#                                 198.51.100.0/24 (hI = 198.51.100.I, interface eth0)
#   netns.sh exec NAME HOST CMD…  run CMD on host HOST (h1..hN): in its network namespace and in
#                                 fresh UTS (hostname HOST), IPC (no shared SysV segments), mount
#                                 (private /dev/shm, own /proc)
#                                 and PID namespaces, so hosts share no shared memory or PIDs
#   netns.sh down NAME            kill every process left in NAME's namespaces (by PID), delete
#                                 the namespaces by name and their /etc/netns entries
#
# NAME must be unique per run (compare.sh uses zb<PID>). Never touches 192.0.2.0/24 or the root
# namespace's interfaces; never deletes namespaces it did not create (no `ip netns del -all`).
set -euo pipefail

readonly kSubnet=198.51.100

usage() { sed -n '2,14p' "$0" >&2; exit 2; }

host_names() {  # NAME -> the host namespace names that exist for it
  ip netns list | awk -v p="$1-h" 'index($1, p) == 1 {print $1}'
}

up() {
  local name=$1 count=$2 i ns
  [[ $count =~ ^[0-9]+$ && $count -ge 1 && $count -le 32 ]] || usage
  ip netns add "$name-sw"
  ip -n "$name-sw" link set lo up
  ip -n "$name-sw" link add br0 type bridge
  ip -n "$name-sw" link set br0 up
  for ((i = 1; i <= count; i++)); do
    ns=$name-h$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up  # PMIx and Open MPI's daemons need loopback
    ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$name-sw"
    ip -n "$name-sw" link set "p$i" master br0
    ip -n "$name-sw" link set "p$i" up
    ip -n "$ns" addr add "$kSubnet.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add 224.0.0.0/4 dev eth0
    mkdir -p "/etc/netns/$ns"
    {
      echo "127.0.0.1 localhost"
      for ((j = 1; j <= count; j++)); do echo "$kSubnet.$j h$j"; done
    } > "/etc/netns/$ns/hosts"
  done
}

exec_on() {
  local name=$1 host=$2
  shift 2
  [[ $host =~ ^h[0-9]+$ ]] || { echo "netns.sh: bad host '$host'" >&2; exit 2; }
  exec ip netns exec "$name-$host" unshare --uts --ipc --mount --pid --fork --kill-child --mount-proc \
    sh -c 'hostname "$0" && mount -t tmpfs -o size=512m tmpfs /dev/shm && exec "$@"' \
    "$host" "$@"
}

down() {
  local name=$1 ns pids
  for ns in $(host_names "$name") "$name-sw"; do
    ip netns list | awk '{print $1}' | grep -qx -- "$ns" || continue
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n $pids ]] && kill -9 $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    [[ $ns == "$name-sw" ]] || rm -rf "/etc/netns/$ns"
  done
}

[[ $# -ge 2 ]] || usage
cmd=$1
shift
[[ $1 =~ ^[A-Za-z0-9_.-]+$ ]] || usage
case $cmd in
  up) [[ $# -eq 2 ]] || usage; up "$@" ;;
  exec) [[ $# -ge 3 ]] || usage; exec_on "$@" ;;
  down) [[ $# -eq 1 ]] || usage; down "$@" ;;
  *) usage ;;
esac
