#!/bin/bash
# zrun (one host, no agents) under readers that are slow or leave, huge -n, long lines and
# failures with a cause and its consequences. Every wait is
# bounded; everything started is ended by PID.
#   output_test.sh CASE ZRUN PMIX_CLIENT
# CASE:
#   full_pipe   stdout pipe full (reader asleep): --timeout still ends the job on time
#   ctrl_c      stdout pipe full: SIGINT still ends the job at once
#   head        `zrun ... | head -1` ends the job as SIGPIPE would (quietly, status 141)
#   many_ranks  -n 100000 fails at once with one line naming what the host offers
#   timeout_at_launch  --timeout counts from zrun's start, also while ranks are spawned
#   lines       long lines never interleave; last fragments are not glued across ranks
#   early_exit  a rank that exits 0 before MPI_Init ends the job with one line
#   drain_signal  a job that succeeded, its output stuck in a full pipe: SIGINT ends zrun at
#               once (it used to wait 10 s for the reader)
#   teardown_signal  libpmix's thread stopped (stop_pmix_thread): zrun waits on libpmix after
#               the job, and SIGTERM still ends it at once, leaving no PMIx directory
#   init_failure  a rank's MPI_Init fails after the wire-up started (over PMIx and PMI-1), at
#               once and after the others entered start-up's exchange: one line of zrun's
#               naming the rank and the reason, exit 16
#   pmi_abort   MPI_Abort over PMI-1 (ZMPI_WIREUP=pmi): zrun's line carries the reason
#   first_cause a rank's abort for a dead peer (MPI_ERR_PROC_ABORTED) does not hide that
#               peer's death: the one line printed names the real cause
set -u
case_name=$1
zrun=$2
client=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
tmp=$(mktemp -d /tmp/zrun-output-test.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf -- "$tmp"
}
trap cleanup EXIT
# wait_pid PID SECS: waits (bounded) for child PID of this shell to end; sets wait_rc to its
# status, or to "running".
wait_pid() {
  local deadline=$(($(now_ms) + $2 * 1000))
  while kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; do
    [ "$(now_ms)" -ge "$deadline" ] && { wait_rc=running; return 1; }
    sleep 0.02
  done
  wait "$1"
  wait_rc=$?
}
# 3 MB of 100-character lines, then a long sleep: more than any pipe and zrun's bound hold.
chatty='head -c 3000000 /dev/zero | tr "\0" x | fold -w 99; exec sleep 60'

case "$case_name" in
  full_pipe)
    t0=$(now_ms)
    { timeout -k 1 30 "$zrun" -n 2 --timeout 2 sh -c "$chatty" 2>"$tmp/err"
      echo "rc=$? ms=$(($(now_ms) - t0))" >"$tmp/res"; } | { sleep 12; cat >/dev/null; }
    cat "$tmp/res" "$tmp/err"
    rc=$(sed -n 's/^rc=\([0-9]*\) .*/\1/p' "$tmp/res")
    ms=$(sed -n 's/.* ms=\([0-9]*\)$/\1/p' "$tmp/res")
    # 2 s, SIGKILL 2 s after SIGTERM at most, 1 s of output at most; before the fix zrun ended
    # only when the reader woke up (12 s).
    [ "$rc" = 124 ] && [ "$ms" -lt 8000 ] &&
      pass "--timeout 2 with a full stdout pipe: exit 124 after $ms ms" ||
      fail "--timeout 2 with a full stdout pipe: exit $rc after $ms ms"
    grep -qx "zrun: the job reached its time limit of 2 s; ending the job" "$tmp/err" &&
      pass "one line says why" || fail "no time-limit line"
    ;;
  ctrl_c)
    mkfifo "$tmp/fifo"
    exec 3<>"$tmp/fifo"  # held open, never read: the pipe fills
    "$zrun" -n 2 sh -c "$chatty" >"$tmp/fifo" 2>"$tmp/err" &
    zpid=$!
    pids+=("$zpid")
    sleep 2
    t0=$(now_ms)
    kill -INT "$zpid"
    wait_pid "$zpid" 10
    rc=$wait_rc
    dt=$(($(now_ms) - t0))
    exec 3<&-
    cat "$tmp/err"
    [ "$rc" = 130 ] && [ "$dt" -lt 4000 ] && pass "SIGINT with a full stdout pipe: exit 130 after $dt ms" ||
      fail "SIGINT with a full stdout pipe: $rc after $dt ms"
    grep -qx "zrun: got signal 2 (Interrupt); ending the job" "$tmp/err" && pass "one line says why" ||
      fail "no signal line"
    ;;
  head)
    t0=$(now_ms)
    out=$(timeout -k 1 10 "$zrun" -n 2 sh -c 'while :; do echo y; done' 2>"$tmp/err" | head -n 1; echo "rc=${PIPESTATUS[0]}")
    dt=$(($(now_ms) - t0))
    echo "$out"
    cat "$tmp/err"
    [ "$out" = "y
rc=141" ] && [ "$dt" -lt 5000 ] && pass "| head -1 ends the job: exit 141 after $dt ms" ||
      fail "| head -1: $(echo "$out" | tail -n 1) after $dt ms"
    [ ! -s "$tmp/err" ] && pass "quietly, as SIGPIPE" || fail "zrun printed on stderr"
    ;;
  many_ranks)
    t0=$(now_ms)
    out=$(timeout -k 1 20 "$zrun" -n 100000 true 2>&1)
    rc=$?
    dt=$(($(now_ms) - t0))
    echo "$out"
    [ $rc = 1 ] && [ "$dt" -lt 3000 ] && pass "-n 100000 fails at once (exit 1, $dt ms)" ||
      fail "-n 100000: exit $rc after $dt ms"
    echo "$out" | grep -Eqx "zrun: 100000 ranks are more than this host can run: [0-9]+ cores offered, at most 128 ranks per core \([0-9]+ in all\)" &&
      [ "$(echo "$out" | wc -l)" = 1 ] && pass "one line names what the host offers" || fail "message"
    ;;
  timeout_at_launch)
    cores=$(nproc)
    n=$((cores * 128))
    t0=$(now_ms)
    # Busy ranks: each one started slows the start of the next (2 cores shared by all), so
    # spawning them all would take far longer than the limit.
    out=$(timeout -k 1 30 "$zrun" -n "$n" --oversubscribe --bind-to none --timeout 1 \
      sh -c 'while :; do :; done' 2>&1)
    rc=$?
    dt=$(($(now_ms) - t0))
    echo "$out" | sort | uniq -c
    [ $rc = 124 ] && [ "$dt" -lt 4500 ] && pass "-n $n --timeout 1: exit 124 after $dt ms" ||
      fail "-n $n --timeout 1: exit $rc after $dt ms"
    sleep 0.5
    [ -z "$(pgrep -f 'while :; do :; done' | grep -vx $$)" ] && pass "no rank left" || fail "ranks left"
    ;;
  lines)
    # shellcheck disable=SC2016
    long='for i in 1 2 3; do head -c 200000 /dev/zero | tr "\0" "$PMIX_RANK"; echo; done'
    "$zrun" -n 3 sh -c "$long" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/out")
    mixed=$(grep -cvE '^(0+|1+|2+)$' "$tmp/out")
    per=$(tr -d '\n' <"$tmp/out" | fold -w 1 | sort | uniq -c | awk '{print $1}' | sort -u)
    [ $rc = 0 ] && [ "$mixed" = 0 ] && [ "$per" = 600000 ] &&
      pass "3 ranks x 3 lines of 200 KB: $lines lines, none mixes ranks, every byte there" ||
      fail "long lines: exit $rc, $mixed mixed of $lines lines, per rank: $per"
    "$zrun" -n 3 --tag-output sh -c "$long" >"$tmp/out" 2>"$tmp/err"
    mixed=$(awk '{ t = substr($0, 2, 1); r = substr($0, 5); gsub(t, "", r)
                   if (substr($0, 1, 4) != "[" t "] " || r != "") bad++ } END { print bad + 0 }' \
      "$tmp/out")
    [ "$mixed" = 0 ] && pass "--tag-output: every piece tagged with its own rank" ||
      fail "--tag-output: $mixed lines mixed"
    # shellcheck disable=SC2016
    "$zrun" -n 3 sh -c 'printf "frag$PMIX_RANK"' >"$tmp/out" 2>"$tmp/err"
    [ "$(sort "$tmp/out" | tr '\n' ' ')" = "frag0 frag1 frag2 " ] &&
      pass "last fragments each end their own line" || fail "fragments: $(od -c "$tmp/out" | head -n 3)"
    ;;
  first_cause)
    # Rank 0 aborts as MPI does for a dead peer (MPI_ERR_PROC_ABORTED = 76); rank 1 really
    # dies (SIGKILL) 0.2 s later. The one line must name rank 1's death.
    # shellcheck disable=SC2016
    out=$(timeout -k 1 30 "$zrun" -n 2 sh -c 'if [ "$PMIX_RANK" = 0 ]; then exec "$0" --abort 76 --sleep 30; fi
      exec "$0" --delay 0.2 --signal 9' "$client" 2>&1 >/dev/null)
    rc=$?
    echo "$out"
    [ $rc = 137 ] && [ "$(echo "$out" | grep -c '^zrun: ')" = 1 ] &&
      echo "$out" | grep -Eqx "zrun: rank 1 on .* was killed by signal 9 \(Killed\); ending the job" &&
      pass "the peer's death is the one line, exit 137" || fail "first cause: exit $rc"
    # Without a death to find, the abort itself is reported (after the short hold).
    t0=$(now_ms)
    out=$(timeout -k 1 30 "$zrun" -n 2 "$client" --rank 0 --abort 76 --others-sleep 30 2>&1 >/dev/null)
    rc=$?
    dt=$(($(now_ms) - t0))
    echo "$out"
    [ $rc = 76 ] && [ "$dt" -lt 5000 ] && echo "$out" | grep -q "^zrun: rank 0 on .* called abort with code 76" &&
      pass "an abort for a peer with no death behind it is reported ($dt ms)" ||
      fail "lone PROC_ABORTED abort: exit $rc after $dt ms"
    ;;
  early_exit)
    # Rank 1 exits 0 without MPI_Init (before, then after the others connected to PMIx): the
    # others would wait in start-up's exchange forever.
    for pause in "" "sleep 0.5;"; do
      t0=$(now_ms)
      out=$(timeout -k 1 30 "$zrun" -n 3 --oversubscribe sh -c \
        "if [ \"\$PMIX_RANK\" = 1 ]; then $pause exit 0; fi; exec \"\$0\" --sleep 30" "$client" 2>&1 >/dev/null)
      rc=$?
      dt=$(($(now_ms) - t0))
      echo "$out"
      [ $rc = 1 ] && [ $dt -lt 5000 ] && [ "$(echo "$out" | grep -c '^zrun: ')" = 1 ] &&
        echo "$out" | grep -Eqx "zrun: rank 1 on .* exited with code 0 before MPI_Init while other ranks wait for it in MPI start-up; ending the job" &&
        pass "rank 1 exits 0 before MPI_Init (${pause:-at once}): one line, exit 1, $dt ms" ||
        fail "early exit (${pause:-at once}): exit $rc after $dt ms"
    done
    # Programs that never talk to PMIx are not MPI start-up: ranks exiting 0 early are fine.
    out=$(timeout -k 1 30 "$zrun" -n 2 sh -c '[ "$PMIX_RANK" = 1 ] || sleep 0.5' 2>&1)
    rc=$?
    [ $rc = 0 ] && [ -z "$out" ] && pass "non-MPI ranks that end at different times: exit 0" ||
      fail "non-MPI ranks: exit $rc: $out"
    ;;
  drain_signal)
    mkfifo "$tmp/fifo"
    exec 3<>"$tmp/fifo"  # held open, never read: the pipe fills
    # 2 x 100 KB: more than the pipe holds, less than zrun's queue (the ranks end)
    "$zrun" -n 2 sh -c 'head -c 100000 /dev/zero | tr "\0" x | fold -w 99' >"$tmp/fifo" 2>"$tmp/err" &
    zpid=$!
    pids+=("$zpid")
    sleep 2  # the ranks have ended; zrun waits for the reader
    t0=$(now_ms)
    kill -INT "$zpid"
    wait_pid "$zpid" 20
    rc=$wait_rc
    dt=$(($(now_ms) - t0))
    exec 3<&-
    cat "$tmp/err"
    [ "$rc" = 130 ] && [ "$dt" -lt 2000 ] &&
      pass "SIGINT while zrun drains output into a full pipe: exit 130 after $dt ms" ||
      fail "SIGINT while draining: $rc after $dt ms"
    ;;
  teardown_signal)
    stopper=$(dirname "$client")/stop_pmix_thread
    mkdir "$tmp/t"
    TMPDIR=$tmp/t "$zrun" -n 1 sleep 2 >"$tmp/out" 2>"$tmp/err" &
    zpid=$!
    pids+=("$zpid")
    # Once the rank runs (its job registered), libpmix's thread is stopped.
    deadline=$(($(now_ms) + 10000))
    until pgrep -P "$zpid" -x sleep >/dev/null || [ "$(now_ms)" -ge "$deadline" ]; do sleep 0.02; done
    "$stopper" "$zpid" 30 >"$tmp/stopper" 2>&1 &
    pids+=("$!")
    deadline=$(($(now_ms) + 5000))
    until grep -q stopped "$tmp/stopper" || [ "$(now_ms)" -ge "$deadline" ]; do sleep 0.02; done
    cat "$tmp/stopper"
    # The job ends; zrun's deregistration then waits on the stopped thread (10 s).
    deadline=$(($(now_ms) + 10000))
    while pgrep -P "$zpid" -x sleep >/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.02; done
    sleep 1
    kill -0 "$zpid" 2>/dev/null && pass "zrun waits on libpmix after the job" ||
      fail "zrun did not wait on libpmix (the case proves nothing)"
    t0=$(now_ms)
    kill -TERM "$zpid"
    wait_pid "$zpid" 20
    rc=$wait_rc
    dt=$(($(now_ms) - t0))
    cat "$tmp/err"
    [ "$rc" = 143 ] && [ "$dt" -lt 2000 ] &&
      pass "SIGTERM while zrun waits on libpmix: exit 143 after $dt ms" ||
      fail "SIGTERM while zrun waits on libpmix: $rc after $dt ms"
    grep -Eqx "zrun: got signal 15 \(Terminated\) while cleaning up after the job; .*" "$tmp/err" &&
      pass "one line says why" || fail "no signal line"
    [ -z "$(ls -A "$tmp/t")" ] && pass "no PMIx directory left" || fail "left: $(ls -A "$tmp/t")"
    ;;
  init_failure)
    hello=$(dirname "$client")/hello_c
    for wireup in pmix pmi; do
      for pause in "" "sleep 1;"; do
        t0=$(now_ms)
        # shellcheck disable=SC2016
        out=$(ZMPI_WIREUP=$wireup ZMPI_TRANSPORT=ofi timeout -k 1 60 "$zrun" -n 3 --oversubscribe \
          sh -c "if [ \"\$PMIX_RANK\$PMI_RANK\" = 1 ]; then $pause export ZMPI_OFI_IFACE=nosuch0; fi
          exec \"\$0\"" "$hello" 2>&1)
        rc=$?
        dt=$(($(now_ms) - t0))
        echo "$out"
        when="at once"
        [ -n "$pause" ] && when="a second later"
        what="$wireup, rank 1 fails $when"
        # The rank's own line once (under PMI its bootstrap prints it; the library does not).
        [ $rc = 16 ] && [ $dt -lt 10000 ] && [ "$(echo "$out" | grep -c '^zrun: ')" = 1 ] &&
          [ "$(echo "$out" | grep -c "^zmpi: .*nosuch0")" = 1 ] &&
          echo "$out" | grep -Eqx "zrun: rank 1 on .* failed in MPI_Init: MPI_ERR_ARG: ofi: network interface 'nosuch0' does not exist .*; ending the job" &&
          pass "$what: one line with the reason, exit 16, $dt ms" || fail "$what: exit $rc after $dt ms"
      done
    done
    ;;
  pmi_abort)
    probe=$(dirname "$client")/abort_probe
    for try in 1 2 3; do
      out=$(ZMPI_WIREUP=pmi timeout -k 1 60 "$zrun" -n 2 "$probe" 2>&1)
      rc=$?
      echo "$out"
      [ $rc = 7 ] && [ "$(echo "$out" | grep -c '^zrun: ')" = 1 ] &&
        echo "$out" | grep -qx "zrun: rank 1 on .* called abort with code 7 (MPI_Abort(7) called by rank 1); ending the job" &&
        pass "run $try: MPI_Abort over PMI-1 names its reason, exit 7" || fail "run $try: exit $rc"
    done
    ;;
  *)
    echo "usage: output_test.sh full_pipe|ctrl_c|head|many_ranks|timeout_at_launch|lines|first_cause|early_exit|drain_signal|teardown_signal|init_failure|pmi_abort ZRUN PMIX_CLIENT"
    exit 2
    ;;
esac
echo "$failures failure(s)"
[ $failures = 0 ]
