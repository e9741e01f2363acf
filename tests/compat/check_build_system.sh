#!/bin/sh
# A user's project finds zmpi through its build system, with only zmpi's bin/ first on PATH (and,
# for pkg-config, zmpi's lib/pkgconfig on PKG_CONFIG_PATH), builds tests/compat/mpich_binary.c
# (plain MPI C: checks that the library is zmpi) and runs it at 2 ranks through zmpi's mpiexec
# or mpirun. Projects are in tests/compat/buildsys/.
#   check_build_system.sh cmake|meson|autoconf|pkgconfig BUILD_DIR SOURCE_DIR
set -u
kind=$1 build=$2 src=$3
prog=$src/mpich_binary.c
PATH=$build/bin:$PATH
export PATH
unset MPICC MPICXX MPI_HOME MPI_ROOT CC CXX CFLAGS LDFLAGS LIBS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-buildsys.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { echo "FAILED: $1"; exit 1; }
# run LOG CMD...: runs it (bounded), shows the log on failure.
run() {
  log=$1
  shift
  timeout 300 "$@" >"$log" 2>&1 || { cat "$log"; fail "$*"; }
}
# two_ranks LAUNCHER PROGRAM: 2 ranks, each its own rank of 2, on zmpi.
two_ranks() {
  timeout 60 "$1" -n 2 "$2" >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; fail "$1 -n 2 $2"; }
  for r in 0 1; do
    grep -q "rank $r of 2\$" "$tmp/run.log" || { cat "$tmp/run.log"; fail "$2: no rank $r of 2"; }
  done
  grep -q "OK (2 ranks" "$tmp/run.log" || { cat "$tmp/run.log"; fail "$2: no OK line"; }
  pass "$2 ran on zmpi at 2 ranks through $(basename "$1")"
}
# links_zmpi PROGRAM: NEEDED libmpi.so.12 (zmpi's soname; Open MPI's is .40) and the first
# RUNPATH entry is zmpi's lib/ (ahead of anything the user named).
links_zmpi() {
  dyn=$(readelf -d "$1")
  printf '%s\n' "$dyn" | grep -q 'NEEDED.*\[libmpi\.so\.12\]' || fail "$1 does not need libmpi.so.12"
  printf '%s\n' "$dyn" | grep -q 'NEEDED.*\[libmpi\.so\.40\]' && fail "$1 needs Open MPI's libmpi.so.40"
  first=$(printf '%s\n' "$dyn" | sed -n 's/.*R[UN]*PATH.*\[\([^]:]*\).*/\1/p')
  [ "$(cd "$first" 2>/dev/null && pwd -P)" = "$(cd "$build/lib" && pwd -P)" ] ||
    fail "$1: first RUNPATH entry '$first' is not zmpi's lib/"
  pass "$(basename "$1"): NEEDED libmpi.so.12, RUNPATH starts with zmpi's lib/"
}
syslib=/usr/lib/$(cc -print-multiarch 2>/dev/null)

case $kind in
  cmake)
    run "$tmp/cfg.log" cmake -G Ninja -S "$src/buildsys/cmake" -B "$tmp/b" -DCHECK_SOURCE="$prog"
    cache() { sed -n "s/^$1:[A-Z]*=//p" "$tmp/b/CMakeCache.txt"; }
    echo "FindMPI: MPIEXEC_EXECUTABLE=$(cache MPIEXEC_EXECUTABLE) MPI_C_COMPILER=$(cache MPI_C_COMPILER)" \
      "MPI_CXX_COMPILER=$(cache MPI_CXX_COMPILER)"
    [ "$(cache MPIEXEC_EXECUTABLE)" = "$build/bin/mpiexec" ] || fail "FindMPI picked another mpiexec"
    pass "FindMPI: MPIEXEC_EXECUTABLE is zmpi's mpiexec"
    [ "$(cache MPI_C_COMPILER)" = "$build/bin/mpicc" ] || fail "FindMPI picked another mpicc"
    case $(cache MPI_CXX_COMPILER) in
      "$build/bin/mpicxx" | "$build/bin/mpic++") ;;
      *) fail "FindMPI picked another C++ wrapper" ;;
    esac
    pass "FindMPI: zmpi's mpicc and mpicxx"
    [ "$(cache MPI_C_HEADER_DIR)" = "$build/include" ] || fail "FindMPI found another mpi.h"
    run "$tmp/build.log" cmake --build "$tmp/b"
    links_zmpi "$tmp/b/check_c"
    links_zmpi "$tmp/b/check_cxx"
    run "$tmp/ctest.log" ctest --test-dir "$tmp/b" --output-on-failure
    grep -q "100% tests passed, 0 tests failed out of 2" "$tmp/ctest.log" || fail "ctest"
    pass "ctest ran both through \${MPIEXEC_EXECUTABLE} -n 2"
    ;;
  cmake_fortran)
    run "$tmp/cfg.log" cmake -G Ninja -S "$src/buildsys/cmake_fortran" -B "$tmp/b" \
      -DCHECK_SOURCE="$src/hello_fortran.f90"
    cache() { sed -n "s/^$1:[A-Z]*=//p" "$tmp/b/CMakeCache.txt"; }
    grep "zmpi check:" "$tmp/cfg.log"
    echo "FindMPI: MPIEXEC_EXECUTABLE=$(cache MPIEXEC_EXECUTABLE) MPI_Fortran_COMPILER=$(cache MPI_Fortran_COMPILER)"
    [ "$(cache MPIEXEC_EXECUTABLE)" = "$build/bin/mpiexec" ] || fail "FindMPI picked another mpiexec"
    case $(cache MPI_Fortran_COMPILER) in  # FindMPI tries mpif90 first, then mpifort
      "$build/bin/mpifort" | "$build/bin/mpif90" | "$build/bin/mpif77") ;;
      *) fail "FindMPI picked another Fortran wrapper" ;;
    esac
    pass "FindMPI: zmpi's mpiexec and Fortran wrapper"
    run "$tmp/build.log" cmake --build "$tmp/b"
    dyn=$(readelf -d "$tmp/b/check_fortran")
    printf '%s\n' "$dyn" | grep -q 'NEEDED.*\[libmpifort\.so\.12\]' || fail "check_fortran does not need libmpifort.so.12"
    printf '%s\n' "$dyn" | grep -q 'NEEDED.*libmpi_mpifh\|NEEDED.*libmpi\.so\.40\|NEEDED.*libmpich' &&
      fail "check_fortran needs another MPI's library"
    pass "MPI::MPI_Fortran links zmpi's libmpifort.so.12"
    run "$tmp/ctest.log" ctest --test-dir "$tmp/b" --output-on-failure
    grep -q "100% tests passed, 0 tests failed out of 1" "$tmp/ctest.log" || fail "ctest"
    pass "ctest ran it through \${MPIEXEC_EXECUTABLE} -n 2"
    ;;
  meson)
    mkdir "$tmp/no-pc"
    # Through pkg-config (Meson asks for ompi-c first), then through the mpicc on PATH.
    for way in pkgconfig config-tool; do
      if [ "$way" = pkgconfig ]; then
        set -- env PKG_CONFIG_PATH="$build/lib/pkgconfig"
      else
        set -- env PKG_CONFIG_LIBDIR="$tmp/no-pc" PKG_CONFIG_PATH=
      fi
      run "$tmp/$way.log" "$@" meson setup "$tmp/$way" "$src/buildsys/meson" \
        -Dcheck_source="$prog"
      grep -E "Run-time dependency MPI for c found: YES" "$tmp/$way.log" || fail "meson: $way: no mpi"
      found=no
      for dir in $(grep -o -- '-I/[^ "]*' "$tmp/$way/compile_commands.json" | cut -c3-); do
        [ "$(cd "$dir" 2>/dev/null && pwd -P)" = "$(cd "$build/include" && pwd -P)" ] && found=yes
      done
      [ "$found" = yes ] || fail "meson: $way: zmpi's include dir not used"
      run "$tmp/$way-build.log" "$@" meson compile -C "$tmp/$way"
      links_zmpi "$tmp/$way/check_c"
      two_ranks "$build/bin/mpiexec" "$tmp/$way/check_c"
      pass "meson dependency('mpi') through $way"
    done
    ;;
  autoconf)
    cp -r "$src/buildsys/autoconf" "$tmp/ac"
    (cd "$tmp/ac" && autoconf) >"$tmp/autoconf.log" 2>&1 || { cat "$tmp/autoconf.log"; fail autoconf; }
    # LDFLAGS names the system library directory, where another MPI's libmpi.so may be.
    (cd "$tmp/ac" && ./configure CC=mpicc LDFLAGS="-L$syslib") >"$tmp/configure.log" 2>&1 ||
      { cat "$tmp/configure.log" "$tmp/ac/config.log"; fail configure; }
    grep -E "checking (for library containing MPI_Init|whether mpi.h is zmpi's)" "$tmp/configure.log"
    run "$tmp/make.log" make -C "$tmp/ac" CHECK_SOURCE="$prog"
    links_zmpi "$tmp/ac/check_c"
    two_ranks "$build/bin/mpirun" "$tmp/ac/check_c"
    # By hand, the way the issue reports it: mpicc prog.c -L<system lib dir>.
    run "$tmp/cc.log" mpicc "$prog" -L"$syslib" -o "$tmp/by_hand"
    links_zmpi "$tmp/by_hand"
    two_ranks "$build/bin/mpiexec" "$tmp/by_hand"
    ;;
  pkgconfig)
    for name in mpi-c mpi zmpi; do
      flags=$(PKG_CONFIG_PATH=$build/lib/pkgconfig pkg-config --cflags "$name") || fail "$name"
      libs=$(PKG_CONFIG_PATH=$build/lib/pkgconfig pkg-config --libs "$name") || fail "$name"
      # shellcheck disable=SC2086 # flags are lists of words
      run "$tmp/cc.log" cc $flags "$prog" -o "$tmp/pc_$name" $libs
      links_zmpi "$tmp/pc_$name"
    done
    two_ranks "$build/bin/mpiexec" "$tmp/pc_mpi-c"
    ;;
  *) fail "unknown kind $kind" ;;
esac
echo "$kind: $passed checks passed"
