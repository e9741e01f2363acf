#!/bin/bash
# Many hosts on one machine, made of network namespaces (docs: /work/shared/CLUSTER-TESTS.md).
#
#   harness.sh up N            creates hosts h1..hN; prints the state dir. Export it as
#                              NETNS_CLUSTER_DIR for the other subcommands (or source this file
#                              and call cluster_up, which sets it).
#   harness.sh run hX CMD...   runs CMD on host hX in the foreground (bounded by
#                              NETNS_CLUSTER_TIMEOUT seconds, default 60) and returns its status.
#   harness.sh spawn hX CMD... starts CMD on hX in the background; prints "PID LOGFILE".
#                              stdout+stderr go to LOGFILE. The PID is recorded for `down`.
#   harness.sh signal PID SIG  sends SIG to the program of a spawned PID (not to its wrapper).
#   harness.sh wait PID SECS   waits up to SECS for a spawned PID to end; prints its status.
#   harness.sh ns hX           prints the network namespace name of hX.
#   harness.sh shm PID SIZE    resizes the private /dev/shm of a spawned PID (tmpfs size=SIZE).
#   harness.sh down            kills everything started (by PID), deletes the namespaces by
#                              name, removes /etc/netns/<name>, removes the state dir.
#
# Layout: a bridge br0 in its own namespace <run>sw; host hi is namespace <run>hi with eth0
# (veth, peer pi on the bridge) at 198.51.100.i/24, lo up and a route for 224.0.0.0/4.
# <run> is "z<pid of up>", so parallel runs never collide. The root namespace is never touched.
# Every process of a host runs in its own UTS+mount+PID namespace, with hostname hX and a
# private tmpfs on /dev/shm (NETNS_CLUSTER_SHM_SIZE when spawned, default 256m); killing the
# recorded PID kills the whole PID namespace.

NETNS_CLUSTER_NET=198.51.100
NETNS_CLUSTER_MAX_HOSTS=16

cluster__die() { echo "harness: $*" >&2; return 1; }

cluster__state() {
  [ -n "$NETNS_CLUSTER_DIR" ] && [ -f "$NETNS_CLUSTER_DIR/run" ] ||
    { cluster__die "NETNS_CLUSTER_DIR is not a live cluster (run 'up' first)"; return 1; }
  CLUSTER_RUN=$(cat "$NETNS_CLUSTER_DIR/run")
  CLUSTER_N=$(cat "$NETNS_CLUSTER_DIR/hosts")
}

# Maps a logical host (h2) to its namespace name (z1234h2); fails for unknown hosts.
cluster__ns() {
  local host=$1 i
  i=${host#h}
  case "$i" in '' | *[!0-9]*) cluster__die "bad host '$host'"; return 1 ;; esac
  [ "$i" -ge 1 ] && [ "$i" -le "$CLUSTER_N" ] || { cluster__die "no host '$host'"; return 1; }
  echo "${CLUSTER_RUN}h$i"
}

cluster_up() {
  local n=$1 run dir sw i ns
  case "$n" in '' | *[!0-9]*) cluster__die "usage: up N"; return 1 ;; esac
  [ "$n" -ge 1 ] && [ "$n" -le "$NETNS_CLUSTER_MAX_HOSTS" ] || { cluster__die "N in 1..16"; return 1; }
  run="z$$"
  cluster__sweep
  dir=$(mktemp -d "/tmp/zmpi-cluster-$run.XXXXXX") || return 1
  echo "$run" >"$dir/run"
  echo "$n" >"$dir/hosts"
  : >"$dir/pids"
  : >"$dir/netns"
  export NETNS_CLUSTER_DIR=$dir
  sw="${run}sw"
  cluster__add_ns "$sw" || { cluster_down; return 1; }
  ip -n "$sw" link add br0 type bridge && ip -n "$sw" link set br0 up || { cluster_down; return 1; }
  for i in $(seq 1 "$n"); do
    ns="${run}h$i"
    cluster__add_ns "$ns" || { cluster_down; return 1; }
    mkdir -p "/etc/netns/$ns"
    echo "/etc/netns/$ns" >>"$dir/etcdirs"
    { echo "127.0.0.1 localhost"
      for j in $(seq 1 "$n"); do echo "$NETNS_CLUSTER_NET.$j h$j"; done; } >"/etc/netns/$ns/hosts"
    ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$sw" &&
      ip -n "$sw" link set "p$i" master br0 && ip -n "$sw" link set "p$i" up &&
      ip -n "$ns" addr add "$NETNS_CLUSTER_NET.$i/24" dev eth0 && ip -n "$ns" link set eth0 up &&
      ip -n "$ns" route add 224.0.0.0/4 dev eth0 || { cluster_down; return 1; }
  done
  echo "$dir"
}

# Removes what clusters of dead runs left (a run killed before its EXIT trap): namespaces
# named z<pid>sw / z<pid>h<i> whose <pid> is no live process and in which nothing runs.
cluster__sweep() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    case "$ns" in z*sw | z*h*) ;; *) continue ;; esac
    pid=${ns#z}
    pid=${pid%%[!0-9]*}
    [ -n "$pid" ] || continue
    case "${ns#z"${pid}"}" in sw | h[0-9] | h[0-9][0-9]) ;; *) continue ;; esac
    kill -0 "$pid" 2>/dev/null && continue
    [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || continue
    ip netns del "$ns" 2>/dev/null && rm -rf "/etc/netns/$ns"
  done
}

cluster__add_ns() {
  ip netns add "$1" || return 1
  echo "$1" >>"$NETNS_CLUSTER_DIR/netns"
  ip -n "$1" link set lo up
}

# The command line that runs "$@" as a process of host $1 (namespace $2).
cluster__wrap() {
  local host=$1 ns=$2
  shift 2
  # shellcheck disable=SC2016
  set -- ip netns exec "$ns" unshare --uts --ipc --mount --pid --fork --kill-child --mount-proc \
    sh -c 'h=$0 s=$1 && shift && hostname "$h" && mount -t tmpfs -o "size=$s" tmpfs /dev/shm &&
      exec "$@"' "$host" "${NETNS_CLUSTER_SHM_SIZE:-256m}" "$@"
  CLUSTER_CMD=("$@")
}

cluster_run() {
  cluster__state || return 1
  local host=$1 ns
  ns=$(cluster__ns "$host") || return 1
  shift
  cluster__wrap "$host" "$ns" "$@"
  timeout -k 5 "${NETNS_CLUSTER_TIMEOUT:-60}" "${CLUSTER_CMD[@]}"
}

cluster_spawn() {
  cluster__state || return 1
  local host=$1 ns seq log pid
  ns=$(cluster__ns "$host") || return 1
  shift
  cluster__wrap "$host" "$ns" "$@"
  seq=$(wc -l <"$NETNS_CLUSTER_DIR/pids")
  log="$NETNS_CLUSTER_DIR/$host.$seq.log"
  # setsid: the process outlives this shell (for the CLI form) and is not in our process group.
  setsid "${CLUSTER_CMD[@]}" </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >>"$NETNS_CLUSTER_DIR/pids"
  echo "$pid $log"
}

# The program of a spawned PID: the child of unshare (PID 1 of the host's PID namespace).
cluster__inner() {
  local deadline=$((SECONDS + 5)) child
  while [ $SECONDS -le $deadline ]; do
    child=$(ps -o pid= --ppid "$1" | head -n1 | tr -d ' ')
    [ -n "$child" ] && { echo "$child"; return 0; }
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

cluster_signal() {
  cluster__state || return 1
  grep -qx "$1" "$NETNS_CLUSTER_DIR/pids" || { cluster__die "PID $1 was not spawned here"; return 1; }
  local inner
  inner=$(cluster__inner "$1") || { cluster__die "PID $1 has no program"; return 1; }
  kill "-${2:-TERM}" "$inner"
}

# Waits up to $2 seconds for spawned PID $1 to end. Prints "exited" or "running".
cluster_wait() {
  local deadline
  deadline=$(($(date +%s%N) / 1000000 + ${2:-10} * 1000))
  while kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; do
    [ $(($(date +%s%N) / 1000000)) -ge "$deadline" ] && { echo running; return 1; }
    sleep 0.02
  done
  echo exited
}

# Resizes the /dev/shm of spawned PID $1 to $2 (e.g. after a test made it small).
cluster_shm() {
  cluster__state || return 1
  grep -qx "$1" "$NETNS_CLUSTER_DIR/pids" || { cluster__die "PID $1 was not spawned here"; return 1; }
  local inner
  inner=$(cluster__inner "$1") || { cluster__die "PID $1 has no program"; return 1; }
  nsenter -t "$inner" -m mount -o "remount,size=$2" /dev/shm
}

cluster_down() {
  [ -n "$NETNS_CLUSTER_DIR" ] && [ -d "$NETNS_CLUSTER_DIR" ] || return 0
  local dir=$NETNS_CLUSTER_DIR pid ns p
  if [ -f "$dir/pids" ]; then
    # unshare ignores SIGTERM while it waits for its child: ask the program itself.
    while read -r pid; do
      for p in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
      kill -TERM "$pid" 2>/dev/null
    done <"$dir/pids"
    while read -r pid; do
      cluster_wait "$pid" 3 >/dev/null || kill -KILL "$pid" 2>/dev/null
    done <"$dir/pids"
  fi
  if [ -f "$dir/netns" ]; then
    while read -r ns; do
      # Anything still running in one of our namespaces was started through it by us.
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    done <"$dir/netns"
    while read -r ns; do ip netns del "$ns" 2>/dev/null; done <"$dir/netns"
  fi
  if [ -f "$dir/etcdirs" ]; then
    while read -r p; do
      case "$p" in /etc/netns/z[0-9]*) rm -rf -- "$p" ;; esac
    done <"$dir/etcdirs"
  fi
  rm -rf -- "$dir"
  unset NETNS_CLUSTER_DIR
}

# For the test scripts that source this file: a failure count, one-line verdicts, a clock.
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
# The common start of a job test: a scratch folder $dir (removed at exit, with the hosts), N
# hosts up, the harness's time limit per command at 120 s and a fresh cluster key $key made
# by $zrun.
#   cluster_test_start NAME N
cluster_test_start() {
  dir=$(mktemp -d "/tmp/zmpi-$1.XXXXXX")
  trap 'cluster_down; rm -rf -- "$dir"' EXIT
  cluster_up "$2" >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
  export -n NETNS_CLUSTER_DIR
  NETNS_CLUSTER_TIMEOUT=120
  key=$dir/cluster.key
  "$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# cluster_wait_serving LOG [SECONDS]: until the zrund writing LOG says it serves (at most
# SECONDS, default 5); returns 1 if it does not.
cluster_wait_serving() {
  local deadline=$(($(now_ms) + ${2:-5} * 1000))
  until grep -q "serving on" "$1" 2>/dev/null; do
    [ "$(now_ms)" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}

cluster_main() {
  local cmd=$1
  shift
  case "$cmd" in
    up) cluster_up "$@" ;;
    run) cluster_run "$@" ;;
    spawn) cluster_spawn "$@" ;;
    signal) cluster_signal "$@" ;;
    wait) cluster_wait "$@" ;;
    ns) cluster__state && cluster__ns "$@" ;;
    shm) cluster_shm "$@" ;;
    down) cluster_down ;;
    *) cluster__die "usage: harness.sh up N | run hX CMD... | spawn hX CMD... |" \
         "signal PID SIG | wait PID SECS | ns hX | shm PID SIZE | down" ;;
  esac
}

# Executed (not sourced): dispatch the subcommand.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cluster_main "$@"
fi
