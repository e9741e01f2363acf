#!/bin/sh
# Checks zmpi's compiler wrappers and pkg-config files, in the build tree and in an install tree.
# Needs only the wrappers and the header, not the library.
#   check_wrapper.sh CMAKE BUILD_DIR SOURCE_DIR PKG_CONFIG CC CXX [FC]
# CC, CXX and FC are the compilers the build used: the wrappers' defaults.
set -u
cmake=$1 build=$2 src=$3 pkg_config=${4:-} cc=$5 cxx=$6 fc=${7:-}
# The compilers as grep -E patterns.
re() { printf '%s' "$1" | sed 's/[].[^$()*+?{}|\\]/\\&/g'; }
cc_re=$(re "$cc") cxx_re=$(re "$cxx")
# The variables MPICH's and Open MPI's wrappers read would change every answer below.
unset ZMPI_CC ZMPI_CXX ZMPI_FC MPICH_CC MPICH_CXX MPICH_FC OMPI_CC OMPI_CXX OMPI_FC
passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-compat.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; }
# expect NAME TEXT PATTERN: TEXT matches the grep -E PATTERN.
expect() { if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1: '$2' !~ /$3/"; fi; }
# reject NAME TEXT PATTERN: TEXT does not match.
reject() { if printf '%s\n' "$2" | grep -Eq -- "$3"; then fail "$1: '$2' =~ /$3/"; else pass "$1"; fi; }

# Runs the checks for one tree: PREFIX is the directory holding bin/, include/ and lib/.
check_tree() {
  tree=$1 prefix=$2 mpicc=$2/bin/mpicc mpicxx=$2/bin/mpicxx
  [ -x "$mpicc" ] && pass "$tree: mpicc exists" || fail "$tree: $mpicc missing"
  # The library folder is lib/ in the build tree, the configured libdir (lib/ or a multiarch
  # folder below it) when installed.
  libdir=$("$mpicc" -showme:libdirs)
  expect "$tree: library dir is in the tree" "$libdir" "^$prefix/lib(/|\$)"
  link_flags="-L$libdir -Wl,-rpath,$libdir -lmpi"
  [ -f "$prefix/include/mpi.h" ] && pass "$tree: include/mpi.h exists" || fail "$tree: no mpi.h"

  show=$("$mpicc" -show)
  expect "$tree: -show names our include dir first" "$show" "^$cc_re -I$prefix/include( |\$)"
  reject "$tree: -show names no other MPI" "$show" "openmpi|mpich|/usr/include"
  # Our -L and rpath before the user's arguments (a user's -L cannot shadow our libmpi.so),
  # -lmpi after the user's objects.
  expect "$tree: link puts our -L first, -lmpi last" \
    "$("$mpicc" -show x.c -o x -L/usr/lib/x86_64-linux-gnu)" \
    "^$cc_re -I$prefix/include -L$libdir -Wl,-rpath,$libdir x\\.c -o x -L/usr/lib/x86_64-linux-gnu -lmpi\$"
  for flag in -c -E -S -M -MM; do
    reject "$tree: $flag adds no link flags" "$("$mpicc" -show "$flag" x.c)" "-lmpi|-L|rpath"
  done
  expect "$tree: mpicxx uses the build's C++ compiler" "$("$mpicxx" -show -c x.cc)" "^$cxx_re -I$prefix/include -c x\\.cc\$"
  expect "$tree: ZMPI_CC overrides" "$(ZMPI_CC='gcc -DX' "$mpicc" -show -c x.c)" "^gcc -DX -I"
  # MPICH's and Open MPI's variables, in that order after ours.
  expect "$tree: MPICH_CC overrides" "$(MPICH_CC=clang "$mpicc" -show -c x.c)" "^clang -I"
  expect "$tree: OMPI_CC overrides" "$(OMPI_CC=tcc "$mpicc" -show -c x.c)" "^tcc -I"
  expect "$tree: ZMPI_CC beats MPICH_CC and OMPI_CC" \
    "$(ZMPI_CC=gcc MPICH_CC=clang OMPI_CC=tcc "$mpicc" -show -c x.c)" "^gcc -I"
  expect "$tree: MPICH_CC beats OMPI_CC" "$(MPICH_CC=clang OMPI_CC=tcc "$mpicc" -show -c x.c)" \
    "^clang -I"
  expect "$tree: MPICH_CXX overrides" "$(MPICH_CXX=clang++ "$mpicxx" -show -c x.cc)" "^clang\\+\\+ -I"
  expect "$tree: OMPI_CXX overrides" "$(OMPI_CXX=g++-12 "$mpicxx" -show -c x.cc)" "^g\\+\\+-12 -I"
  expect "$tree: mpicc -showme:command is the build's compiler" "$("$mpicc" -showme:command)" \
    "^$cc_re\$"
  expect "$tree: arguments are quoted" "$("$mpicc" -show -c 'a b.c')" "'a b\\.c'"
  expect "$tree: -showme:compile" "$("$mpicc" -showme:compile)" "^-I$prefix/include\$"
  expect "$tree: -showme:link" "$("$mpicc" -showme:link)" "^$link_flags\$"
  # Open MPI's double-dash spellings (Meson asks these), MPICH's -compile_info/-link_info.
  expect "$tree: --showme:compile" "$("$mpicc" --showme:compile)" "^-I$prefix/include\$"
  expect "$tree: --showme:link" "$("$mpicc" --showme:link)" "^$link_flags\$"
  expect "$tree: --showme:incdirs" "$("$mpicc" --showme:incdirs)" "^$prefix/include\$"
  expect "$tree: --showme:libdirs" "$("$mpicc" --showme:libdirs)" "^$libdir\$"
  expect "$tree: --showme:libs" "$("$mpicc" --showme:libs)" "^mpi\$"
  expect "$tree: --showme:command" "$("$mpicxx" --showme:command)" "^$cxx_re\$"
  expect "$tree: --showme:version" "$("$mpicc" --showme:version)" \
    "^mpicc: zmpi [0-9]+\\.[0-9]+\\.[0-9]+ "
  expect "$tree: --showme alone" "$("$mpicc" --showme -c x.c)" "^$cc_re -I$prefix/include -c x\\.c\$"
  expect "$tree: -compile_info" "$("$mpicc" -compile_info)" "^$cc_re -I$prefix/include\$"
  expect "$tree: -link_info" "$("$mpicc" -link_info)" "^$cc_re -I$prefix/include $link_flags\$"
  if "$mpicc" --showme:bogus >"$tmp/log" 2>&1; then
    fail "$tree: --showme:bogus accepted"
  else
    expect "$tree: unknown query is named" "$(cat "$tmp/log")" "unknown query --showme:bogus"
  fi
  # --version and -v alone: our line first, then the compiler's own answer.
  version=$("$mpicc" --version)
  expect "$tree: --version names zmpi" "$(printf '%s\n' "$version" | head -n 1)" \
    "^mpicc: zmpi [0-9.]+ \\(MPI 4\\.0, MPICH ABI\\), compiler: $cc_re\$"
  expect "$tree: --version shows the compiler's" "$(printf '%s\n' "$version" | sed -n 2p)" "."
  expect "$tree: -v alone names zmpi" "$("$mpicc" -v 2>/dev/null | head -n 1)" "^mpicc: zmpi "
  expect "$tree: -v with a file is the compiler's verbose flag" "$("$mpicc" -show -v -c x.c)" \
    "^$cc_re -I$prefix/include -v -c x\\.c\$"

  # A decoy mpi.h on every implicit include path must lose against ours.
  if (CPATH=$tmp/decoy C_INCLUDE_PATH=$tmp/decoy CPLUS_INCLUDE_PATH=$tmp/decoy \
      "$mpicc" -c "$src/zmpi_only.c" -o "$tmp/zmpi_only.o") >"$tmp/log" 2>&1; then
    pass "$tree: mpicc compiles against our mpi.h only"
  else
    fail "$tree: mpicc compile: $(cat "$tmp/log")"
  fi
  if (CPATH=$tmp/decoy "$mpicxx" -x c++ -c "$src/zmpi_only.c" -o "$tmp/zmpi_only_cxx.o") \
      >"$tmp/log" 2>&1; then
    pass "$tree: mpicxx compiles mpi.h as C++"
  else
    fail "$tree: mpicxx compile: $(cat "$tmp/log")"
  fi
  # Linking without our library must fail loudly, never fall back to another MPI's libmpi.so.
  if [ ! -e "$libdir/libmpi.so" ]; then
    if "$mpicc" "$src/zmpi_only.c" -o "$tmp/no_lib" >"$tmp/log" 2>&1; then
      fail "$tree: linked without zmpi's library"
    else
      expect "$tree: missing library is reported" "$(cat "$tmp/log")" "library is missing"
    fi
  fi
  # Called through a symlink elsewhere, the wrapper still finds its own tree.
  ln -sf "$mpicc" "$tmp/linked-mpicc"
  expect "$tree: works through a symlink" "$("$tmp/linked-mpicc" -show -c x.c)" "-I$prefix/include"
  # The Fortran wrappers (there when configure found a Fortran compiler) add -lmpifort.
  for fw in mpifort mpif90 mpif77; do
    [ -x "$prefix/bin/$fw" ] || continue
    expect "$tree: $fw links -lmpifort -lmpi" "$(ZMPI_FC=gfortran "$prefix/bin/$fw" -show x.f90)" \
      "^gfortran -I$prefix/include -L$libdir -Wl,-rpath,$libdir x\\.f90 -lmpifort -lmpi\$"
  done
  if [ -x "$prefix/bin/mpifort" ]; then
    expect "$tree: mpifort --showme:libs" "$("$prefix/bin/mpifort" --showme:libs)" "^mpifort mpi\$"
    expect "$tree: ZMPI_FC overrides" "$(ZMPI_FC=f95 "$prefix/bin/mpifort" -show -c x.f)" \
      "^f95 -I$prefix/include -c x\\.f\$"
    expect "$tree: MPICH_FC overrides" "$(MPICH_FC=flang "$prefix/bin/mpifort" -show -c x.f)" \
      "^flang -I"
    expect "$tree: OMPI_FC overrides" "$(OMPI_FC=ifx "$prefix/bin/mpif90" -show -c x.f)" "^ifx -I"
    [ -z "$fc" ] || expect "$tree: mpifort uses the build's Fortran compiler" \
      "$("$prefix/bin/mpifort" -showme:command)" "^$(re "$fc")\$"
    if [ -n "$pkg_config" ]; then
      expect "$tree: pkg-config mpi-fort" \
        "$(PKG_CONFIG_PATH=$libdir/pkgconfig "$pkg_config" --cflags --libs mpi-fort)" \
        "^-I[^ ]*/include -L[^ ]*/lib[^ ]* .*-lmpifort -lmpi *\$"
    fi
  fi
  if [ -n "$pkg_config" ]; then
    for name in mpi mpi-c mpi-cxx ompi-c ompi-cxx; do
      other=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$pkg_config" --cflags --libs "$name")
      expect "$tree: pkg-config $name" "$other" "^-I[^ ]*/include -L[^ ]*/lib[^ ]* .*-lmpi"
    done
    pc=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$pkg_config" --cflags --libs zmpi)
    expect "$tree: pkg-config zmpi" "$pc" "^-I[^ ]*/include -L[^ ]*/lib[^ ]* .*-lmpi"
    inc=$(printf '%s\n' "$pc" | sed 's/^-I\([^ ]*\) .*/\1/')
    if [ "$(cd "$inc" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ]; then
      pass "$tree: pkg-config include dir is ours"
    else
      fail "$tree: pkg-config include dir $inc"
    fi
  fi
}

mkdir -p "$tmp/decoy"
printf '#define ZMPI_DECOY_HEADER 1\n#error "decoy mpi.h included"\n' >"$tmp/decoy/mpi.h"

check_tree build "$(cd "$build" && pwd -P)"

# An install tree at a prefix chosen at install time.
if "$cmake" --install "$build" --prefix "$tmp/prefix" --component compat >"$tmp/log" 2>&1; then
  pass "install: cmake --install --component compat"
  check_tree install "$(cd "$tmp/prefix" && pwd -P)"
else
  fail "install: $(cat "$tmp/log")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
