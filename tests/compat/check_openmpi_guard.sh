#!/bin/sh
# A rank that loads Open MPI's library behind a script or an interpreter, which zrun cannot see
# before it runs: Debian's python3-mpi4py (built against Open MPI) and a program built with
# mpicc.openmpi started by `sh -c`. Each must end the job (never N one-rank worlds that exit 0)
# with ONE line of zrun's naming the rank and what to do, and none of Open MPI's help text
# (without OMPI_MCA_ess_singleton_isolated, Open MPI 4.1 loses it to ORTE_ERROR_LOG lines);
# a zmpi program behind the same script stays quiet (launcher/agent/openmpi_guard.h).
#   check_openmpi_guard.sh ZRUN ZMPI_PROGRAM HELLO_C_SOURCE
set -u
zrun=$1 prog=$2 hello_src=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-ompi-guard.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
report="^zrun: rank [01] on [^ ]+ loaded Open MPI's library instead of zmpi's .*: rebuild it with [^ ]*/mpicc "

# check NAME COMMAND...: zrun -n 2 COMMAND fails (not by the time limit) with exactly one report
# line, no Open MPI text and no one-rank world.
check() {
  name=$1
  shift
  out=$("$zrun" -n 2 --timeout 60 "$@" 2>&1)
  rc=$?
  echo "--- $name: exit $rc"
  echo "$out"
  n=$(echo "$out" | grep -Ec "$report")
  ompi=$(echo "$out" | grep -Ec "ORTE_ERROR_LOG|^-----|Component:|\*\*\*|MPI_INIT")
  [ $rc != 0 ] && [ $rc != 124 ] && [ "$n" = 1 ] && [ "$ompi" = 0 ] &&
    ! echo "$out" | grep -Eq "^(0 1|1 1)$|rank 0 of 1" &&
    pass "$name: one line says rank N loaded Open MPI's library (exit $rc)" ||
    fail "$name: exit $rc, $n report lines, $ompi lines of Open MPI's"
}

if command -v mpicc.openmpi >/dev/null; then
  mpicc.openmpi "$hello_src" -o "$tmp/hello_ompi" 2>"$tmp/log" || cat "$tmp/log"
  check "mpicc.openmpi program behind sh -c" sh -c "exec $tmp/hello_ompi"
else
  fail "no mpicc.openmpi (tools/deps.sh installs Debian's openmpi-bin and libopenmpi-dev)"
fi

# Debian's own python3 (python3-mpi4py installs for it), whatever python3 comes first on PATH.
if /usr/bin/python3 -c 'import mpi4py' 2>/dev/null; then
  check "Debian's mpi4py" /usr/bin/python3 -c \
    'from mpi4py import MPI; print(MPI.COMM_WORLD.Get_rank(), MPI.COMM_WORLD.Get_size())'
else
  fail "no mpi4py for /usr/bin/python3 (tools/deps.sh installs Debian's python3-mpi4py)"
fi

# zmpi's ranks behind the same script: nothing of the above.
out=$("$zrun" -n 2 --timeout 60 sh -c "exec $prog" 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "OK" && ! echo "$out" | grep -q "Open MPI" &&
  pass "a zmpi program behind sh -c runs, no word of Open MPI" || fail "zmpi program: rc $rc: $out"

echo "openmpi_guard: $failures failures"
[ "$failures" = 0 ]
