#!/bin/sh
# Runs a command that must fail with exit status STATUS, print a line matching the grep -E
# PATTERN, and print nothing from the program itself (no line starting with PROGRAM_TAG).
#   expect_refusal.sh STATUS PATTERN PROGRAM_TAG COMMAND [ARGS...]
set -u
want=$1 pattern=$2 tag=$3
shift 3
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq "$want" ] || { echo "FAILED: exit status $status, want $want"; exit 1; }
printf '%s\n' "$out" | grep -Eq -- "$pattern" || { echo "FAILED: no line matches /$pattern/"; exit 1; }
if printf '%s\n' "$out" | grep -q "^$tag"; then
  echo "FAILED: the program ran"
  exit 1
fi
echo "ok: refused"
