#!/bin/sh
# Runs a program built by MPICH's wrapper (it NEEDs libmpich.so.12) through zrun and checks that
# it loaded zmpi: every rank r prints "rank r of NP" (under MPICH's own library each would be
# rank 0 of 1) and rank 0 prints the OK line. The program must really be an MPICH binary, or the
# test proves nothing.
#   check_mpich_binary.sh PROGRAM NP ZRUN [ZRUN OPTIONS...]
# MPICH_BINARY_NEEDS (default libmpich.so.12): the MPICH libraries the program must need.
set -u
prog=$1 np=$2
shift 2
fail() { echo "FAILED: $1"; exit 1; }
needed=$(readelf -d "$prog" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
for lib in ${MPICH_BINARY_NEEDS:-libmpich.so.12}; do
  case " $needed" in
    *" $lib "*) ;;
    *) fail "$prog does not need $lib (needs: $needed)" ;;
  esac
done
echo "$prog needs: $needed"
out=$(mktemp "${TMPDIR:-/tmp}/zmpi-mpich.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
timeout 60 "$@" -n "$np" "$prog" >"$out" 2>&1
status=$?
cat "$out"
[ "$status" -eq 0 ] || fail "exit status $status"
r=0
while [ "$r" -lt "$np" ]; do
  [ "$(grep -c "^mpich_binary: rank $r of $np\$" "$out")" -eq 1 ] || fail "no single 'rank $r of $np' line"
  r=$((r + 1))
done
grep -Eq "^mpich_binary: OK \\($np ranks" "$out" || fail "no OK line"
echo "ok: MPICH binary ran on zmpi at $np ranks"
