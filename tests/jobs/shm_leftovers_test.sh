#!/bin/sh
# kill -9 of zrun leaves its ranks' /dev/shm segments; the next zrun must
# remove them, and must not touch the segments of a job that is still running. Runs in a
# private mount namespace with its own tmpfs on /dev/shm (needs root), so other jobs on this
# machine are neither seen nor touched.
# Usage: shm_leftovers_test.sh PATH/TO/zrun PATH/TO/shm_scale_test
set -u
if [ "${SHM_TEST_PRIVATE_NS:-}" != 1 ]; then
  SHM_TEST_PRIVATE_NS=1 exec unshare -m sh "$0" "$@" || { echo "FAIL: unshare -m (root?)"; exit 1; }
fi
unset SHM_TEST_PRIVATE_NS
zrun="$1"
prog="$2"
work=$(mktemp -d) || exit 1
pids=""
cleanup() {
  for p in $pids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mount --make-rprivate / 2>/dev/null
mount -t tmpfs -o size=256m zmpi-test-shm /dev/shm || { echo "FAIL: mount tmpfs"; exit 1; }

# Waits (at most 20 s) until FILE contains "holding".
wait_holding() {
  for _ in $(seq 200); do
    grep -q holding "$1" && return 0
    sleep 0.1
  done
  echo "FAIL: the job never reached its hold: $(cat "$1")"
  exit 1
}
count() { ls /dev/shm | grep -c '^zmpi-'; }

# 1. A job killed with its launcher: zrun is SIGKILLed, its ranks die, segments stay.
"$zrun" -n 3 --timeout 60 "$prog" all 256 30 30 > "$work/a.out" 2>&1 &
a=$!
pids="$a"
wait_holding "$work/a.out"
kill -9 "$a"
for _ in $(seq 100); do
  pgrep -f "$prog all 256 30 30" > /dev/null || break
  sleep 0.1
done
dead=$(ls /dev/shm | grep '^zmpi-')
echo "after kill -9 of zrun, left in /dev/shm: $(echo $dead)"
[ "$(count)" -eq 3 ] || { echo "FAIL: expected the killed job's 3 segments to be left"; exit 1; }

# 2. A job that keeps running while another zrun starts: its segments must stay. It holds
# longer than step 3 can take on a loaded machine, and is interrupted afterwards.
"$zrun" -n 2 --timeout 90 "$prog" all 256 30 80 > "$work/b.out" 2>&1 &
b=$!
pids="$pids $b"
wait_holding "$work/b.out"
live=$(ls /dev/shm | grep '^zmpi-' | grep -v -F "$dead")
[ -n "$live" ] || { echo "FAIL: the running job has no segments"; exit 1; }

# 3. The next zrun removes the dead job's leftovers at start (and its own at the end).
out=$("$zrun" -n 2 --timeout 60 "$prog" all 256 30 2>&1)
echo "$out" | grep -q "shm_scale: OK" || { echo "FAIL: the next job failed: $out"; exit 1; }
for s in $dead; do
  [ ! -e "/dev/shm/$s" ] || { echo "FAIL: the dead job's $s was not removed"; exit 1; }
done
for s in $live; do
  [ -e "/dev/shm/$s" ] || { echo "FAIL: the running job's $s was removed"; exit 1; }
done
kill -0 "$b" 2>/dev/null || { echo "FAIL: the running job ended before the check: $(cat "$work/b.out")"; exit 1; }
kill -INT "$b"  # Ctrl-C: zrun ends its job and removes its segments
wait "$b"
[ "$(count)" -eq 0 ] || { echo "FAIL: left in /dev/shm: $(ls /dev/shm | tr '\n' ' ')"; exit 1; }
echo PASS
