#!/bin/bash
# Hostile-LAN cases on namespace hosts (tests/cluster/harness.sh): a peer on the
# LAN without the cluster key must not be able to stop jobs. Agents and discovery run only
# inside the hosts' namespaces, never in the root namespace.
#   hostile_lan_test.sh CASE ZRUND ZRUN ZMPI_MDNS HOSTILE
# CASE:
#   announcer  fake agents (mDNS records with the public cluster id; behind them a silent
#              listener and one that answers garbage) and a busy agent: zrun -n auto skips
#              each with one warning line and runs on the others (defect 1)
#   flood      40 idle and 40 slowloris connections to an agent: 8 real jobs over ~20 s all
#              run (defect 2)
#   bigframes  32 connections announce 16 MiB frames before authenticating: the agent's
#              memory stays within a few MB, and it serves the next job (defect 3)
set -u
here=$(cd "$(dirname "$0")" && pwd)
case_name=$1
zrund=$2
zrun=$3
mdns=$4
hostile=$5
# shellcheck source=harness.sh
. "$here/harness.sh"

logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; tail -n 40 "$f"; done; }
keydir=$(mktemp -d /tmp/zrund-hostile-key.XXXXXX)
chmod 711 "$keydir"  # a root zrund runs ranks as nobody: they reach its PMIx dir and cache
trap 'cluster_down; rm -rf -- "$keydir"' EXIT
cluster_up 3 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
NETNS_CLUSTER_TIMEOUT=60
key=$keydir/cluster.key
"$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
port=7411
declare -A agent

# start_agent HOST CORES: zrund on HOST; waits (bounded) until it serves.
start_agent() {
  local pid log deadline h=$1
  mkdir -p "$keydir/tmp"
  read -r pid log < <(cluster_spawn "$h" env TMPDIR="$keydir/tmp" XDG_RUNTIME_DIR="$keydir/run" "$zrund" --key-file "$key" \
    --iface eth0 --port "$port" --cores "$2" --cache-dir "$keydir/cache-$h")
  agent[$h]=$pid
  cluster_wait_serving "$log" || { fail "zrund on $h did not start"; logs; return 1; }
}
# wait_log FILE REGEX SECS: waits (bounded) until FILE has a line matching REGEX.
wait_log() {
  local deadline=$(($(now_ms) + $3 * 1000))
  until grep -Eq "$2" "$1" 2>/dev/null; do
    [ "$(now_ms)" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}
# rss_kb HOST: resident memory of HOST's zrund in KiB.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$(cluster__inner "${agent[$1]}")/status"; }

case "$case_name" in
  announcer)
    start_agent h1 2 || exit 1
    start_agent h2 2 || exit 1
    # Two fakes on h3, announcing the public cluster id (the key file is only the test's way to
    # learn that id; the fakes never read the key) with many cores, so -n auto wants them.
    read -r _ silent_log < <(cluster_spawn h3 "$hostile" silent 7420 60)
    read -r _ garbage_log < <(cluster_spawn h3 "$hostile" garbage 7421 60)
    wait_log "$silent_log" listening 5 && wait_log "$garbage_log" listening 5 ||
      { fail "fake listeners did not start"; logs; exit 1; }
    cluster_spawn h3 "$mdns" publish --key-file "$key" --port 7420 --name fake-silent --cores 8 >/dev/null
    cluster_spawn h3 "$mdns" publish --key-file "$key" --port 7421 --name fake-garbage --cores 8 >/dev/null
    sleep 1.5  # unique mDNS records are probed (~0.75 s) before they are answered
    out=$(cluster_run h1 "$zrun" --key-file "$key" --discover 2>&1)
    echo "$out"
    [ "$(echo "$out" | grep -c "^fake-")" = 2 ] && pass "zrun --discover sees both fakes" ||
      fail "the fakes are not announced"
    t0=$(now_ms)
    # shellcheck disable=SC2016
    out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto --tag-output sh -c 'echo "$ZMPI_JOB_HOST"' 2>&1)
    rc=$?
    dt=$(($(now_ms) - t0))
    echo "$out"
    [ $rc = 0 ] && [ "$(echo "$out" | grep '^\[' | sort | tr '\n' ' ')" = "[0] h1 [1] h1 [2] h2 [3] h2 " ] &&
      pass "-n auto ran 4 ranks on h1,h2 next to the fakes (exit 0, $dt ms)" ||
      fail "-n auto next to fakes: exit $rc after $dt ms"
    [ "$(echo "$out" | grep -c '^zrun: warning: skipped the agent fake-silent .*within')" = 1 ] &&
      pass "one warning line for the silent fake" || fail "no single warning for the silent fake"
    [ "$(echo "$out" | grep -c '^zrun: warning: skipped the agent fake-garbage ')" = 1 ] &&
      pass "one warning line for the garbage fake" || fail "no single warning for the garbage fake"
    [ "$(echo "$out" | grep -c '^zrun: ')" = 2 ] && pass "no other zrun line" || fail "other zrun lines"
    [ $dt -lt 8000 ] && pass "the fakes cost at most the handshake budget ($dt ms)" ||
      fail "job next to fakes took $dt ms"
    # A named fake is not skipped: the user asked for it.
    out=$(cluster_run h1 "$zrun" --key-file "$key" --host h1,fake-silent -n 2 true 2>&1)
    rc=$?
    echo "$out"
    [ $rc = 1 ] && echo "$out" | grep -q "^zrun: cannot use the agent on fake-silent" &&
      pass "--host fake-silent fails with one line" || fail "--host fake-silent: exit $rc"
    # A busy agent: h2 runs a job; -n auto skips it and runs on h1.
    read -r busy_pid busy_log < <(cluster_spawn h3 "$zrun" --key-file "$key" --host h2 -n 2 sleep 20)
    deadline=$(($(now_ms) + 10000))
    until grep -q "zrund: job" "$NETNS_CLUSTER_DIR"/h2.*.log; do
      [ "$(now_ms)" -ge "$deadline" ] && { fail "the busy job did not start on h2"; logs; break; }
      sleep 0.05
    done
    # shellcheck disable=SC2016
    out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto --tag-output sh -c 'echo "$ZMPI_JOB_HOST"' 2>&1)
    rc=$?
    echo "$out"
    [ $rc = 0 ] && [ "$(echo "$out" | grep '^\[' | sort | tr '\n' ' ')" = "[0] h1 [1] h1 " ] &&
      echo "$out" | grep -q "^zrun: warning: skipped the agent h2 .*busy" &&
      pass "-n auto skipped the busy h2 with a warning and ran on h1" || fail "busy agent: exit $rc"
    cluster_signal "$busy_pid" INT
    cluster_wait "$busy_pid" 10 >/dev/null
    ;;
  flood)
    start_agent h2 2 || exit 1
    read -r _ idle_log < <(cluster_spawn h3 "$hostile" idle 198.51.100.2 "$port" 40 30)
    read -r _ slow_log < <(cluster_spawn h3 "$hostile" slow 198.51.100.2 "$port" 40 30)
    sleep 2
    ok=0
    t0=$(now_ms)
    for job in 1 2 3 4 5 6 7 8; do
      out=$(cluster_run h1 "$zrun" --key-file "$key" --host h2 -n 1 true 2>&1) && ok=$((ok + 1)) ||
        echo "job $job: $out"
      sleep 1.5
    done
    echo "8 jobs over $(($(now_ms) - t0)) ms"
    [ $ok = 8 ] && pass "8 of 8 jobs ran under 40 idle + 40 slowloris connections" ||
      fail "$ok of 8 jobs ran under the flood"
    lines=$(grep -c "zrund: refused" "$NETNS_CLUSTER_DIR"/h2.*.log)
    [ "$lines" -le 200 ] && pass "the agent logged $lines refusal lines (bounded)" ||
      fail "the agent logged $lines refusal lines"
    ;;
  bigframes)
    start_agent h2 2 || exit 1
    before=$(rss_kb h2)
    # 4 connections (within the per-source limit, so the frame limit alone stops them), then
    # 32 (the per-source limit replaces most of them as well).
    for n in 4 32; do
      read -r big_pid big_log < <(cluster_spawn h3 "$hostile" big 198.51.100.2 "$port" "$n" 4)
      peak=$before
      deadline=$(($(now_ms) + 4000))
      while [ "$(now_ms)" -lt "$deadline" ]; do
        r=$(rss_kb h2)
        [ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
        sleep 0.1
      done
      cluster_wait "$big_pid" 5 >/dev/null
      cat "$big_log"
      echo "zrund RSS: $before KiB before, peak $peak KiB under $n connections of 16 MiB frames"
      [ $((peak - before)) -lt 16384 ] &&
        pass "$n connections: the agent grew by $(((peak - before) / 1024)) MiB (< 16)" ||
        fail "$n connections: the agent grew by $(((peak - before) / 1024)) MiB"
      if [ "$n" = 4 ]; then
        grep -q "exceeds the limit of [0-9]* bytes before authentication" "$NETNS_CLUSTER_DIR"/h2.*.log &&
          pass "the agent refused the frames from their header, before authentication" ||
          fail "no refusal of a pre-auth frame logged"
      fi
    done
    out=$(cluster_run h1 "$zrun" --key-file "$key" --host h2 -n 1 true 2>&1)
    [ $? = 0 ] && pass "the agent serves the next job" || fail "next job: $out"
    ;;
  *)
    echo "usage: hostile_lan_test.sh announcer|flood|bigframes ZRUND ZRUN ZMPI_MDNS HOSTILE"
    exit 2
    ;;
esac
[ $failures = 0 ] || logs
echo "$failures failure(s)"
[ $failures = 0 ]
