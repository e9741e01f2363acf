#!/bin/sh
# Debian's HDF5 for MPICH on zmpi, no rebuild (docs/mpich-binaries.md, "HDF5 for MPICH"):
# hdf5_parallel (tests/compat/hdf5_parallel.c, built by h5pcc.mpich -shlib) must need Debian's
# libhdf5_mpich.so.103, which must need libmpich.so.12, or the test proves nothing. Then:
#  1. zrun -n NP: every check passes, the MPI library is zmpi, and the file is deleted after;
#  2. zrun -n NP --keep, and the same binary under MPICH's mpiexec.mpich -n NP on MPICH's own
#     library: both pass the same number of checks and write byte-identical files.
#   check_hdf5.sh PROGRAM NP ZRUN [MPIEXEC_MPICH]
set -u
prog=$1 np=$2 zrun=$3 mpiexec=${4:-}
fail() { echo "FAILED: $1" >&2; exit 1; }
needs() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }
case " $(needs "$prog")" in
  *" libhdf5_mpich.so.103 "*) ;;
  *) fail "$prog does not need libhdf5_mpich.so.103 (needs: $(needs "$prog"))" ;;
esac
hdf5=$(ldd "$prog" | sed -n 's/^[[:space:]]*libhdf5_mpich\.so\.103 => \([^ ]*\) .*/\1/p')
[ -f "$hdf5" ] || fail "libhdf5_mpich.so.103 not found by the loader"
case " $(needs "$hdf5")" in
  *" libmpich.so.12 "*) echo "$hdf5 needs: $(needs "$hdf5")" ;;
  *) fail "$hdf5 does not need libmpich.so.12" ;;
esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-hdf5.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

# run NAME LIBRARY_PATTERN COMMAND...: the command must exit 0 and print the OK line and a
# "MPI library:" line matching the pattern; prints the number of checks.
run() {
  name=$1 lib=$2
  shift 2
  timeout 120 "$@" >"$name.log" 2>&1
  status=$?
  sed "s/^/$name: /" "$name.log" >&2
  [ "$status" -eq 0 ] || fail "$name: exit status $status"
  grep -Eq "^hdf5_parallel: MPI library: $lib" "$name.log" || fail "$name: not on $lib"
  grep -Eq "^hdf5_parallel: HDF5 [0-9.]+, $np ranks" "$name.log" || fail "$name: not $np ranks"
  sed -n 's/^hdf5_parallel: OK (\([0-9]*\) checks)$/\1/p' "$name.log" | grep . ||
    fail "$name: no OK line"
}
run zrun zmpi "$zrun" -n "$np" "$prog" >/dev/null || exit 1
[ -z "$(ls -A)" ] || [ "$(ls -A)" = "zrun.log" ] || fail "files left: $(ls -A)"
zchecks=$(run zrun-keep zmpi "$zrun" -n "$np" "$prog" --keep zmpi.h5) || exit 1
echo "ok: Debian's HDF5 for MPICH on zmpi at $np ranks, $zchecks checks"
[ -n "$mpiexec" ] || exit 0
mchecks=$(run mpich MPICH "$mpiexec" -n "$np" "$prog" --keep mpich.h5) || exit 1
[ "$mchecks" = "$zchecks" ] || fail "$zchecks checks on zmpi, $mchecks on MPICH"
cmp zmpi.h5 mpich.h5 || fail "the files written on zmpi and on MPICH differ"
echo "ok: the same binary on MPICH: $mchecks checks, byte-identical file ($(wc -c <zmpi.h5) bytes)"
