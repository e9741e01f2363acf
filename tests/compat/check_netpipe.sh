#!/bin/sh
# Debian's NetPIPE built against MPICH (NPmpich2, NEEDED libmpich.so.12) in its integrity-check
# mode, two ranks through zrun: every message size must pass, and both ranks must have started
# (NetPIPE prints "<rank>: <host>" per rank; on MPICH's library under zrun it would be rank 0
# twice and stop).
#   check_netpipe.sh NPMPICH2 ZRUN
set -u
np=$1 zrun=$2
fail() { echo "FAILED: $1"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-netpipe.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
timeout 120 "$zrun" -n 2 "$np" -i -u 262144 -p 0 -o "$tmp/np.out" >"$tmp/log" 2>&1
status=$?
cat "$tmp/log"
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q '^0: ' "$tmp/log" && grep -q '^1: ' "$tmp/log" || fail "not ranks 0 and 1"
passed=$(grep -c 'Integrity check passed' "$tmp/log")
[ "$passed" -ge 20 ] || fail "only $passed sizes passed the integrity check"
! grep -qi 'integrity check failed' "$tmp/log" || fail "an integrity check failed"
echo "ok: NPmpich2 on zmpi, $passed sizes checked"
