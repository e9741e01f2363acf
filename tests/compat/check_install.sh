#!/bin/sh
# `cmake --install` into a prefix chosen at install time gives the conventional layout, and the
# installed tools work from it, also after the tree is moved: mpicc builds a program that
# zrun runs at 2 ranks, find_package(zmpi) and pkg-config find it, man pages and the zrund unit
# (naming the installed zrund, not enabled) are there.
#   check_install.sh CMAKE BUILD_DIR SOURCE_DIR PKG_CONFIG
set -u
cmake=$1 build=$2 src=$3 pkgconfig=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-install.XXXXXX") || exit 1
tmp=$(cd "$tmp" && pwd -P)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

"$cmake" --install "$build" --prefix "$tmp/p" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAILED: install"; exit 1; }
p=$tmp/p
missing=
for f in bin/zrun bin/zrund bin/mpiexec bin/mpirun bin/mpicc bin/mpicxx include/mpi.h \
         lib/libmpi.so.12 lib/libmpi.so lib/libmpich.so.12 lib/libmpichcxx.so.12 \
         lib/libmpicxx.so.12 lib/pkgconfig/mpi.pc lib/pkgconfig/mpi-c.pc lib/pkgconfig/zmpi.pc \
         lib/cmake/zmpi/zmpiConfig.cmake lib/cmake/zmpi/zmpiConfigVersion.cmake \
         share/man/man1/zrun.1 share/man/man1/zrund.1 share/man/man1/mpicc.1 \
         share/man/man1/mpiexec.1 lib/systemd/system/zrund.service; do
  [ -e "$p/$f" ] || missing="$missing $f"
done
# Every header the installed mpi.h includes (mpi_functions/: one per chapter of MPI-4.1).
headers=$(sed -n 's/^#include "\(mpi_functions\/[^"]*\)".*/\1/p' "$p/include/mpi.h" 2>/dev/null)
[ -n "$headers" ] || missing="$missing include/mpi_functions/(none included by mpi.h)"
for h in $headers; do
  [ -e "$p/include/$h" ] || missing="$missing include/$h"
done
if [ -e "$build/bin/mpifort" ]; then
  for f in bin/mpifort bin/mpif90 lib/libmpifort.so.12 lib/libmpichfort.so.12 include/mpif.h \
           include/mpi.mod lib/pkgconfig/mpi-fort.pc; do
    [ -e "$p/$f" ] || missing="$missing $f"
  done
fi
[ -z "$missing" ] && pass "layout: bin, lib (sonames, MPICH names), include, pkgconfig, cmake, man, systemd" ||
  fail "missing in the install tree:$missing"
[ "$(readlink "$p/bin/mpiexec")" = zrun ] && pass "mpiexec is zrun" || fail "mpiexec link"

grep -q "^ExecStart=$p/bin/zrund " "$p/lib/systemd/system/zrund.service" &&
  pass "zrund.service runs the installed zrund" || fail "unit: $(grep ExecStart "$p/lib/systemd/system/zrund.service")"
if command -v systemd-analyze >/dev/null; then
  # A unit file check only (no systemd needed): unknown keys or a bad ExecStart are errors.
  systemd-analyze verify --man=no "$p/lib/systemd/system/zrund.service" >"$tmp/verify" 2>&1
  grep -Ei "unknown|invalid|bad|not executable" "$tmp/verify" && fail "systemd-analyze verify" ||
    pass "systemd-analyze verify finds nothing wrong with the unit"
fi
for m in zrun zrund mpicc; do
  head -1 "$p/share/man/man1/$m.1" | grep -q "^\.TH $(echo $m | tr a-z A-Z) 1" || fail "man page $m"
done
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$p/share/man/man1/zrun.1" 2>"$tmp/groff" && [ ! -s "$tmp/groff" ] &&
    pass "man pages format without warnings" || { cat "$tmp/groff"; fail "groff zrun.1"; }
fi

# The installed tools, then the same after moving the whole tree.
for where in p moved; do
  [ $where = moved ] && { mv "$tmp/p" "$tmp/moved" || exit 1; }
  q=$tmp/$where
  rm -f "$tmp/hello"
  "$q/bin/mpicc" -O2 "$src/hello_c.c" -o "$tmp/hello" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "$where: mpicc"; continue; }
  readelf -d "$tmp/hello" | grep -q "R.*PATH.*\[$q/lib\]" && pass "$where: mpicc links with the run path $q/lib" ||
    fail "$where: run path: $(readelf -d "$tmp/hello" | grep PATH)"
  out=$(timeout 60 "$q/bin/zrun" -n 2 "$tmp/hello" 2>&1)
  echo "$out" | grep -q '^hello_c: OK (2 ranks)' && pass "$where: zrun -n 2 runs it" || fail "$where: run: $out"
  out=$(timeout 60 "$q/bin/mpiexec" -n 2 "$tmp/hello" 2>&1)
  echo "$out" | grep -q '^hello_c: OK (2 ranks)' && pass "$where: mpiexec -n 2 runs it" || fail "$where: mpiexec: $out"
  inc=$(PKG_CONFIG_PATH=$q/lib/pkgconfig "$pkgconfig" --cflags mpi)
  inc=${inc%% }
  dir=$(cd "${inc#-I}" 2>/dev/null && pwd -P)
  [ "$dir" = "$q/include" ] && pass "$where: pkg-config mpi: $inc" || fail "$where: pkg-config: '$inc'"
  rm -rf "$tmp/b"
  if "$cmake" -S "$src/installed" -B "$tmp/b" -DCMAKE_PREFIX_PATH="$q" -DHELLO_SOURCE="$src/hello_c.c" \
       >"$tmp/log" 2>&1 && "$cmake" --build "$tmp/b" >>"$tmp/log" 2>&1; then
    out=$(timeout 60 "$(cat "$tmp/b/mpiexec.txt")" -n 2 "$tmp/b/hello_pkg" 2>&1)
    echo "$out" | grep -q '^hello_c: OK (2 ranks)' && ldd "$tmp/b/hello_pkg" | grep -q "libmpi.so.12 => $q/lib/" &&
      pass "$where: find_package(zmpi) builds a program that runs on the installed zmpi" ||
      fail "$where: find_package program: $out"
  else
    cat "$tmp/log"
    fail "$where: find_package(zmpi)"
  fi
done

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
