#!/bin/sh
# Configures and builds a project with CMake's FindMPI pointed at our mpicc, checks that it found
# zmpi's header and library, and runs the result through zrun.
#   check_findmpi.sh CMAKE GENERATOR BUILD_DIR SOURCE_DIR ZRUN
set -u
cmake=$1 generator=$2 build=$3 src=$4 zrun=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-findmpi.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAILED: $1"; exit 1; }

"$cmake" -G "$generator" -S "$src/findmpi" -B "$tmp/b" -DMPI_C_COMPILER="$build/bin/mpicc" \
  -DHELLO_SOURCE="$src/hello_c.c" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "configure"; }
inc=$(sed -n 's/^MPI_C_HEADER_DIR:[A-Z]*=//p' "$tmp/b/CMakeCache.txt")
lib=$(sed -n 's/^MPI_mpi_LIBRARY:[A-Z]*=//p' "$tmp/b/CMakeCache.txt")
echo "FindMPI: header dir '$inc', library '$lib'"
[ "$inc" = "$build/include" ] || fail "FindMPI found another mpi.h"
[ "$lib" = "$build/lib/libmpi.so" ] || fail "FindMPI found another library"
"$cmake" --build "$tmp/b" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "build"; }
timeout 60 "$zrun" -n 2 "$tmp/b/hello_findmpi" >"$tmp/log" 2>&1
status=$?
cat "$tmp/log"
[ "$status" -eq 0 ] || fail "run: exit status $status"
grep -q '^hello_c: OK (2 ranks)' "$tmp/log" || fail "no OK line"
echo "ok: FindMPI with zmpi's mpicc"
