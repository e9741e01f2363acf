#!/bin/bash
# Runs a command (bounded in time), prints its output, and checks the outcome:
#
#   expect_run.sh [--rc N|nonzero] [--lines N] [--match ERE]... [--no-match ERE]...
#                 [--sweep-shm] -- CMD...
#
# --rc: the exit code CMD must end with (default 0); --lines: how many lines it must print
# (stdout and stderr together); --match / --no-match: extended regexps its output must /
# must not contain; --sweep-shm: CMD's ranks name their shared memory with a prefix of ours
# (ZMPI_JOB_SHM_PREFIX) and we remove what is left afterwards (as zrun's agent would). Prints "expect_run: PASS" or the first check that failed, and exits 0 / 1.
set -u
want_rc=0 want_lines="" matches=() rejects=() sweep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rc) want_rc=$2; shift 2 ;;
    --lines) want_lines=$2; shift 2 ;;
    --match) matches+=("$2"); shift 2 ;;
    --no-match) rejects+=("$2"); shift 2 ;;
    --sweep-shm) sweep=zmpi-expect-$$-; export ZMPI_JOB_SHM_PREFIX=$sweep; shift ;;
    --) shift; break ;;
    *) echo "expect_run: unknown option $1"; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "expect_run: no command"; exit 2; }
out=$(timeout -k 5 "${EXPECT_RUN_TIMEOUT:-180}" "$@" 2>&1 </dev/null)
rc=$?
[ -n "$sweep" ] && rm -f /dev/shm/"$sweep"*
printf '%s\n' "$out"
fail() { echo "expect_run: FAIL: $*"; exit 1; }
if [ "$want_rc" = nonzero ]; then
  [ "$rc" -ne 0 ] || fail "exit code 0, expected non-zero"
else
  [ "$rc" -eq "$want_rc" ] || fail "exit code $rc, expected $want_rc"
fi
if [ -n "$want_lines" ]; then
  lines=$(printf '%s\n' "$out" | wc -l)
  [ "$lines" -eq "$want_lines" ] || fail "$lines lines of output, expected $want_lines"
fi
for re in ${matches[@]+"${matches[@]}"}; do
  printf '%s\n' "$out" | grep -Eq -- "$re" || fail "no line matches '$re'"
done
for re in ${rejects[@]+"${rejects[@]}"}; do
  printf '%s\n' "$out" | grep -Eq -- "$re" && fail "a line matches '$re'"
done
echo "expect_run: PASS"
