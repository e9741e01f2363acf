#!/bin/sh
# Runs a command, shows its output, and passes when it exits 0 AND printed a line matching the
# grep -E pattern (ctest's PASS_REGULAR_EXPRESSION alone would ignore the exit status).
#   expect_output.sh PATTERN COMMAND [ARGS...]
set -u
pattern=$1
shift
out=$(mktemp "${TMPDIR:-/tmp}/zmpi-expect.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
status=$?
cat "$out"
if [ "$status" -ne 0 ]; then
  echo "FAILED: exit status $status"
  exit 1
fi
if ! grep -Eq -- "$pattern" "$out"; then
  echo "FAILED: no line matches /$pattern/"
  exit 1
fi
