#!/bin/bash
# What an owner decides about their machine (docs/owner.md), on namespace hosts
# (tests/cluster/harness.sh); agents only inside the hosts' namespaces.
#   owner_test.sh CASE ZRUND ZRUN OWNER_PROBE
# CASE:
#   confine  --cores 1: a rank (bound or --bind-to none) runs on CPU 0 only and cannot widen
#            its affinity; the mDNS offer says 1 core; a root agent runs ranks as nobody
#   limits   --max-memory (the rank is killed, one line names the limit), --max-time,
#            --max-ranks (the launch is refused)
#   pause    zrund --pause stops a running job's ranks (their output stops) and withdraws the
#            offer; --status says so; --resume continues the job to its end
#   idle     --when-idle: no offer while the owner is present (an input file touched); a job
#            runs once the owner is away, stops when they come back (--on-return pause) and
#            continues when they leave again; --on-return end ends it with one line
#   disk     --max-disk 1M: a launch staging more is refused with one line; a rank writing
#            past it into its job folder ends the job within seconds with one line; the job
#            folder is removed; a job within the limit runs
#   ask      --ask: a new client's job waits for the owner and is refused after --ask-timeout
#            with one line; denied at once by --deny; approved by --approve (then remembered)
set -u
here=$(cd "$(dirname "$0")" && pwd)
case_name=$1
zrund=$2
zrun=$3
probe=$4
# shellcheck source=harness.sh
. "$here/harness.sh"

logs() { for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; tail -n 30 "$f"; done; }
keydir=$(mktemp -d /tmp/zrund-owner.XXXXXX)
chmod 711 "$keydir"  # ranks run as nobody: they must reach the agent's PMIx directory
trap 'cluster_down; rm -rf -- "$keydir"' EXIT
cluster_up 2 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
NETNS_CLUSTER_TIMEOUT=60
key=$keydir/cluster.key
"$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
port=7411
declare -A agent alog

# start_agent HOST ZRUND_OPTIONS...: zrund on HOST with its control socket at $keydir/HOST.sock;
# waits (bounded) until it serves.
start_agent() {
  local pid log deadline h=$1
  shift
  mkdir -p "$keydir/tmp"
  chmod 711 "$keydir/tmp"
  read -r pid log < <(cluster_spawn "$h" env TMPDIR="$keydir/tmp" "$zrund" --key-file "$key" \
    --iface eth0 --port "$port" --cache-dir "$keydir/cache-$h" --control "$keydir/$h.sock" "$@")
  agent[$h]=$pid
  alog[$h]=$log
  cluster_wait_serving "$log" || { fail "zrund on $h did not start"; logs; return 1; }
  sleep 1.0  # unique mDNS records are probed (~0.75 s) before they are answered
}
# control HOST COMMAND...: zrund's control client, run inside HOST.
control() {
  local h=$1
  shift
  cluster_run "$h" "$zrund" --control "$keydir/$h.sock" "$@"
}
# zrun_on HOST ARGS...: zrun on HOST (stdout+stderr), its status in $rc and time in $dt (ms).
zrun_on() {
  local h=$1 t0
  shift
  t0=$(now_ms)
  out=$(cluster_run "$h" "$zrun" --key-file "$key" "$@" 2>&1)
  rc=$?
  dt=$(($(now_ms) - t0))
  echo "$out"
}
# one_line REGEX: $out has exactly one "zrun: " line and it matches REGEX (grep -Ex).
one_line() {
  [ "$(echo "$out" | grep -c '^zrun: ')" = 1 ] && echo "$out" | grep '^zrun: ' | grep -Eqx "$1"
}
# wait_for FILE REGEX SECS: until FILE has a line matching REGEX (grep -E).
wait_for() {
  local deadline=$(($(now_ms) + $3 * 1000))
  until grep -Eq "$2" "$1" 2>/dev/null; do
    [ "$(now_ms)" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}
ticks() { grep -c '^tick ' "$1"; }
# stays_still FILE MS: FILE's tick count does not change over MS.
stays_still() {
  local before
  before=$(ticks "$1")
  sleep "$(echo "scale=3; $2 / 1000" | bc)"
  [ "$(ticks "$1")" = "$before" ]
}
direct="198.51.100.1:$port"
# asked_soon: within 5 s, h1's --status shows a waiting question from $client.
asked_soon() {
  local deadline=$(($(now_ms) + 5000))
  until control h1 --status | grep -q "question: may $client"; do
    [ "$(now_ms)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

case "$case_name" in
  confine)
    start_agent h1 --cores 1 || exit 1
    grep -q "1 cores (cpus 0, confined by affinity" "${alog[h1]}" &&
      pass "start-up line: 1 core, cpus 0, confinement by affinity" || fail "start-up line: $(head -n1 "${alog[h1]}")"
    grep -q "jobs run as nobody (uid 65534); the cluster key lets its holders run any program as nobody" \
      "${alog[h1]}" && pass "start-up line: jobs run as nobody, and what the key allows" ||
      fail "no job-user line: $(cat "${alog[h1]}")"
    zrun_on h1 --discover
    echo "$out" | grep -q "^h1 198.51.100.1:$port .* cores=1 used=0" &&
      pass "mDNS offer: 1 core" || fail "mDNS offer"
    for bind in core none; do
      zrun_on h1 --host h1 -n 1 --bind-to "$bind" "$probe" info
      [ $rc = 0 ] && echo "$out" | grep -qx "uid=65534 euid=65534 cpus=0 escape=0" &&
        pass "--bind-to $bind: the rank runs as nobody on cpu 0 and cannot widen it" ||
        fail "--bind-to $bind: exit $rc"
    done
    # A client that claims more cores than offered is refused by the agent.
    zrun_on h1 --host "$direct:2" -n 2 --bind-to none "$probe" info
    [ $rc = 1 ] && one_line "zrun: cannot launch on 198.51.100.1: asked for 2 cores, h1 offers 1" &&
      pass "ranks beyond the offer are refused with one line" || fail "beyond the offer: exit $rc"
    ;;
  disk)
    start_agent h1 --cores 2 --max-disk 1M || exit 1
    grep -q "disk 1 MiB per job" "${alog[h1]}" && pass "start-up line names the disk limit" ||
      fail "start-up line: $(grep 'owner control' "${alog[h1]}")"
    mkdir -p "$keydir/run"
    head -c $((1536 * 1024)) /dev/urandom >"$keydir/run/big.bin"
    echo small >"$keydir/run/small.txt"
    cd "$keydir/run" || exit 1
    # zrun on h2, the ranks on h1: they work in a job folder there (the limit's subject).
    zrun_on h2 --host h1 -n 1 --stage big.bin "$probe" count 1
    [ $rc = 1 ] &&
      one_line "zrun: cannot launch on h1: h1 takes at most 1 MiB of program and staged files per job \(its owner's limit, zrund --max-disk\); this job brings 1\.[0-9] MiB" &&
      ! echo "$out" | grep -q tick &&
      pass "1.5 MiB of staged files over --max-disk 1M: refused with one line" ||
      fail "staging over the limit: exit $rc"
    grep -q "staged file big.bin received" "${alog[h1]}" && fail "h1 received the file anyway"
    zrun_on h2 --host h1 -n 1 --stage small.txt "$probe" write 64
    [ $rc = 1 ] && [ $dt -lt 10000 ] &&
      one_line "zrun: the job's folder on h1 holds [0-9.]+ MiB, more than the owner's disk limit \(1 MiB per job, zrund --max-disk\); ending the job" &&
      ! echo "$out" | grep -q written &&
      pass "a rank writing 64 MiB into its folder: ended after $dt ms with one line, exit 1" ||
      fail "writing over --max-disk: exit $rc after $dt ms"
    left=$(find "$keydir/jobs" -mindepth 1 -maxdepth 1 2>/dev/null)
    [ -z "$left" ] && pass "the job folder is removed" || fail "job folders left: $left"
    zrun_on h2 --host h1 -n 1 --stage small.txt "$probe" count 3
    [ $rc = 0 ] && [ "$(echo "$out" | grep -c '^tick ')" = 3 ] &&
      pass "a job within --max-disk runs" || fail "job within the limit: exit $rc"
    ;;
  limits)
    start_agent h1 --cores 2 --max-memory 64M --max-time 3 --max-ranks 1 || exit 1
    zrun_on h1 --host h1 -n 1 "$probe" alloc 1024
    [ $rc = 137 ] && [ $dt -lt 10000 ] &&
      one_line "zrun: rank 0 on h1 exceeded the owner's memory limit \(64 MiB per rank, zrund --max-memory\): [0-9.]+ MiB resident; ending the job" &&
      ! echo "$out" | grep -q allocated &&
      pass "--max-memory 64M: the rank is killed, one line, exit 137 after $dt ms" ||
      fail "--max-memory: exit $rc after $dt ms"
    # 60 s of ticks against the 3 s limit: the bound leaves room for a slow start on a
    # loaded machine (8.6 s at load 30) and still tells the limit from the job's own end.
    zrun_on h1 --host h1 -n 1 "$probe" count 600
    [ $rc = 124 ] && [ $dt -lt 20000 ] &&
      one_line "zrun: the job reached the owner's time limit on h1 \(3 s, zrund --max-time\); ending the job" &&
      pass "--max-time 3: the job ends after $dt ms with one line, exit 124" ||
      fail "--max-time: exit $rc after $dt ms"
    zrun_on h1 --discover
    echo "$out" | grep -q "^h1 .* cores=1 used=0" && pass "--max-ranks 1: the offer says 1" ||
      fail "--max-ranks offer"
    zrun_on h1 --host "$direct:2" -n 2 "$probe" info
    [ $rc = 1 ] && one_line "zrun: cannot launch on .*h1 runs at most 1 ranks of a job \(its owner's limit, zrund --max-ranks\); this job asked for 2" &&
      pass "--max-ranks 1: a 2-rank launch is refused with one line" || fail "--max-ranks: exit $rc"
    zrun_on h1 --host h1 -n 1 "$probe" count 3
    [ $rc = 0 ] && [ "$(echo "$out" | grep -c '^tick')" = 3 ] && pass "a job within the limits runs" ||
      fail "job within limits: exit $rc"
    ;;
  pause)
    start_agent h1 --cores 1 || exit 1
    read -r zpid zlog < <(cluster_spawn h1 "$zrun" --key-file "$key" --host h1 -n 1 "$probe" count 40)
    wait_for "$zlog" '^tick 5$' 10 || fail "the job did not start: $(cat "$zlog")"
    control h1 --pause
    [ $? = 0 ] && pass "zrund --pause answers" || fail "zrund --pause"
    wait_for "$zlog" "zrund on h1: the owner paused the agent \(zrund --pause\): ranks 0 are stopped" 3 &&
      pass "zrun is told why its ranks stop" || fail "no pause notice at zrun: $(cat "$zlog")"
    stays_still "$zlog" 1500 && pass "the paused rank prints nothing for 1.5 s" || fail "ticks went on while paused"
    st=$(control h1 --status)
    echo "$st"
    echo "$st" | grep -q "not offering: agent h1 is paused by its owner" &&
      echo "$st" | grep -q "ranks 0 stopped by the owner" && pass "--status: paused, ranks stopped" ||
      fail "--status while paused"
    zrun_on h1 --discover
    # zrun lists no agent that offers no cores (the check after --resume shows h1 listed).
    ! echo "$out" | grep -q "^h1 .* cores=[1-9]" && pass "the mDNS offer is withdrawn" ||
      fail "offer while paused"
    control h1 --resume >/dev/null
    [ "$(cluster_wait "$zpid" 15)" = exited ] && wait "$zpid" 2>/dev/null
    [ "$(ticks "$zlog")" = 40 ] && grep -q "zrund on h1: ranks 0 continue" "$zlog" &&
      pass "after --resume the job continues to its end (40 ticks)" ||
      fail "after resume: $(ticks "$zlog") ticks: $(tail -n 3 "$zlog")"
    zrun_on h1 --discover
    echo "$out" | grep -q "^h1 .* cores=1 " && pass "the offer is back after --resume" || fail "offer after resume"
    ;;
  idle)
    tty=$keydir/tty
    touch "$tty"
    # The owner's "terminal" is a file the test touches; load is off (the test machine is shared).
    start_agent h1 --cores 1 --when-idle --idle-after 2 --idle-load off --idle-input "$tty" || exit 1
    zrun_on h1 --host "$direct:1" -n 1 "$probe" info
    [ $rc = 1 ] && one_line "zrun: cannot launch on .*agent h1 offers its cores only while its owner is away \(zrund --when-idle\), and the owner is using it" &&
      pass "owner present: a launch is refused with one line" || fail "launch while present: exit $rc"
    wait_for "${alog[h1]}" "the owner is away" 6 && pass "the agent sees the owner leave" ||
      fail "owner never away: $(cat "${alog[h1]}")"
    sleep 1.5  # mDNS multicasts a changed record at most once a second (RFC 6762 6)
    read -r zpid zlog < <(cluster_spawn h1 "$zrun" --key-file "$key" --host h1 -n 1 "$probe" count 50)
    wait_for "$zlog" '^tick 5$' 10 || fail "the job did not start: $(cat "$zlog")"
    touch "$tty"  # the owner is back
    wait_for "$zlog" "the owner is back at the machine \(zrund --when-idle\): ranks 0 are stopped" 3 &&
      pass "owner back: zrun is told why its ranks stop" || fail "no notice: $(cat "$zlog")"
    for _ in 1 2 3 4 5 6; do touch "$tty"; sleep 0.25; done  # still typing
    stays_still "$zlog" 500 && pass "the rank stays stopped while the owner works" || fail "ticks went on"
    [ "$(cluster_wait "$zpid" 20)" = exited ] && wait "$zpid" 2>/dev/null
    [ "$(ticks "$zlog")" = 50 ] && grep -q "ranks 0 continue" "$zlog" &&
      pass "the owner left again: the job continues to its end" || fail "after idle: $(ticks "$zlog") ticks"
    # --on-return end on h2.
    start_agent h2 --cores 1 --when-idle --idle-after 1 --idle-load off --idle-input "$tty" \
      --on-return end || exit 1
    wait_for "${alog[h2]}" "the owner is away" 6 || fail "h2: owner never away"
    sleep 1.5
    read -r zpid zlog < <(cluster_spawn h2 "$zrun" --key-file "$key" --host h2 -n 1 "$probe" count 100)
    wait_for "$zlog" '^tick 3$' 10 || fail "the job did not start on h2: $(cat "$zlog")"
    touch "$tty"
    [ "$(cluster_wait "$zpid" 5)" = exited ] && pass "--on-return end: the job ends within 5 s" ||
      fail "--on-return end: still running"
    grep -q "^zrun: the owner of h2 is back at the machine (zrund --when-idle --on-return end); ending the job$" "$zlog" &&
      pass "--on-return end: one line names the cause" || fail "no line: $(tail -n 3 "$zlog")"
    ;;
  ask)
    start_agent h1 --cores 1 --ask --ask-timeout 3 || exit 1
    zrun_on h1 --host h1 -n 1 "$probe" info
    [ $rc = 1 ] && [ $dt -ge 3000 ] && [ $dt -lt 8000 ] &&
      one_line "zrun: cannot launch on h1: the owner of h1 did not answer within 3 s whether client [^ ]+@198.51.100.1 may run jobs there \(zrund --ask\); job refused" &&
      pass "no answer: refused after $dt ms with one line" || fail "ask timeout: exit $rc after $dt ms"
    grep -q "zrund: question: may client .*@198.51.100.1 run jobs here?" "${alog[h1]}" &&
      pass "the owner was asked on the agent's terminal" || fail "no question printed"
    client=$(sed -n 's/.*question: may client \([^ ]*\) run jobs here.*/\1/p' "${alog[h1]}" | head -n1)
    # Denied while it waits.
    read -r zpid zlog < <(cluster_spawn h1 "$zrun" --key-file "$key" --host h1 -n 1 "$probe" info)
    asked_soon || fail "no question while the job waits"
    control h1 --deny "$client" | grep -q "^denied $client" && pass "--deny answers" || fail "--deny"
    [ "$(cluster_wait "$zpid" 5)" = exited ]
    grep -q "^zrun: cannot launch on h1: the owner of h1 denied client $client (zrund --ask)$" "$zlog" &&
      pass "denied: one line at zrun" || fail "deny: $(cat "$zlog")"
    # Approved while it waits; then remembered.
    read -r zpid zlog < <(cluster_spawn h1 "$zrun" --key-file "$key" --host h1 -n 1 "$probe" info)
    asked_soon || fail "no question while the job waits"
    control h1 --approve "$client" | grep -q "^approved $client" && pass "--approve answers" || fail "--approve"
    [ "$(cluster_wait "$zpid" 10)" = exited ]
    grep -q "^uid=65534" "$zlog" && pass "approved: the job runs" || fail "approve: $(cat "$zlog")"
    zrun_on h1 --host h1 -n 1 "$probe" info
    [ $rc = 0 ] && [ $dt -lt 3000 ] && pass "the approved client runs again without a question" ||
      fail "second job: exit $rc after $dt ms"
    ;;
  *)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
[ $failures = 0 ] || logs
[ $failures = 0 ] && echo "PASS: owner $case_name" || echo "FAILED: $failures checks"
exit $failures
