#!/bin/sh
# zrun --doctor on this host (no agents: none are asked for): one line per check in the form
# "<ok  |warn|FAIL>  <check> <what>[ -> fix: ...]", exit 1 when a check fails. Cases: a zmpi
# program; a program built by Open MPI's wrapper (and zrun's refusal to run it); a key file
# others can read; a tiny /dev/shm
# (private mount namespace). Agents are checked in tests/cluster/files_test.sh.
#   check_doctor.sh ZRUN ZMPI_PROGRAM HELLO_C_SOURCE
set -u
zrun=$1 prog=$2 hello_src=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-doctor.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
export HOME=$tmp/home  # no cluster key unless a case makes one
mkdir -p "$HOME"

out=$("$zrun" --doctor "$prog" 2>&1)
rc=$?
echo "$out"
bad=$(echo "$out" | grep -Ev '^(ok  |warn|FAIL)  [a-z/-]+ +[^ ]')
[ $rc = 0 ] && [ -z "$bad" ] && [ "$(echo "$out" | wc -l)" -ge 8 ] &&
  for c in library pmix hwloc libfabric /dev/shm single-copy key program; do
    echo "$out" | grep -q "^....  $c " || { echo "no $c line"; false; } || break
  done && echo "$out" | grep -q "^ok    program .* needs libmpi.so.12: its ranks load zmpi's libmpi.so.12" &&
  pass "a zmpi program: every check one line, exit 0" || fail "zmpi program: rc $rc, odd lines: $bad"

if command -v mpicc.openmpi >/dev/null; then
  mpicc.openmpi "$hello_src" -o "$tmp/hello_ompi" 2>"$tmp/log" || cat "$tmp/log"
  out=$("$zrun" --doctor "$tmp/hello_ompi" 2>&1)
  rc=$?
  [ $rc = 1 ] && echo "$out" | grep -q "^FAIL  program .*needs libmpi.so.40 (Open MPI's ABI) -> fix: rebuild it with zmpi's mpicc" &&
    pass "an Open MPI program: FAIL with the fix, exit 1" || fail "Open MPI program: rc $rc: $out"
  # Run, not doctored: zrun refuses it in one line instead of N one-rank worlds that exit 0.
  out=$("$zrun" -n 2 "$tmp/hello_ompi" 2>&1)
  rc=$?
  [ $rc != 0 ] && [ "$out" = "zrun: $tmp/hello_ompi needs libmpi.so.40, Open MPI's library: zmpi cannot stand in for it, and it would run as one-rank worlds; rebuild it with zmpi's mpicc (or run it with mpirun.openmpi)" ] &&
    pass "zrun -n 2 on an Open MPI program: refused in one line (exit $rc)" || fail "zrun on Open MPI program: rc $rc: $out"
  # Started through a script (as python3 starts an mpi4py built for Open MPI), zrun cannot see
  # the library; Open MPI's own MPI_Init then fails on zrun's pml guard instead of running as
  # one-rank worlds that exit 0, and zrun says so in one line (tests/compat/
  # check_openmpi_guard.sh checks that line, and Debian's mpi4py).
  out=$("$zrun" -n 2 --timeout 60 sh -c "exec $tmp/hello_ompi" 2>&1)
  rc=$?
  [ $rc != 0 ] && [ $rc != 124 ] && ! echo "$out" | grep -q "rank 0 of 1 on" &&
    echo "$out" | grep -q "^zrun: rank [01] on .* exited with code" &&
    pass "an Open MPI program behind a script: its MPI_Init fails on the guard (exit $rc)" ||
    fail "Open MPI program behind a script: rc $rc: $out"
else
  fail "no mpicc.openmpi (tools/deps.sh installs Debian's openmpi)"
fi

"$zrun" --new-key "$tmp/k" >/dev/null && chmod 644 "$tmp/k"
out=$("$zrun" --doctor --key-file "$tmp/k" 2>&1)
rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "^FAIL  key .*mode 644.* -> fix: chmod 600 $tmp/k" &&
  pass "a readable key: FAIL with chmod 600, exit 1" || fail "key: rc $rc: $out"

out=$(unshare -m sh -c 'mount -t tmpfs -o size=1m zmpi-doctor /dev/shm && exec "$0" --doctor' "$zrun" 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^warn  /dev/shm .*1 MiB free.* -> fix: mount -o remount,size=1G /dev/shm" &&
  pass "a 1 MiB /dev/shm: a warning with the fix" || fail "small /dev/shm: rc $rc: $out"

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
