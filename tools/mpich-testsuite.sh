#!/bin/bash
# Runs MPICH's own test suite (test/mpi of pmodels/mpich, tag v4.3.2) against zmpi and against
# Debian's MPICH 4.0.2 in one run, and writes a table of passes per directory. See
# docs/conformance.md for the results and the exact commands.
#
#   tools/mpich-testsuite.sh [options] MPICH_SRC WORKDIR
#
# MPICH_SRC  a directory holding an MPICH source snapshot's test/mpi, confdb and
#            maint/version.m4 (this script fetches nothing; see docs/conformance.md)
# WORKDIR    scratch directory OUTSIDE this repository: one configured copy of the suite per
#            configuration, logs, TAP files and summary.md
# Options:
#   --configs "zmpi mpich"  which configurations to run (default both)
#   --dirs "init pt2pt ..." test directories (default: init pt2pt comm group errhan topo attr
#                           info datatype part session); f77, f90 and f08 (the Fortran
#                           directories, io included) configure the suite with Fortran
#   --timeout S             per-test time limit in seconds (default 60; a test's own
#                           timeLimit in its testlist wins)
#   --zmpi-build DIR        zmpi build tree (default: this repository's build/): DIR/bin/mpicc,
#                           DIR/bin/zrun
#   --dtpools               build the dtpools datatype tests too (slow; off by default)
#   --reconfigure           configure again even when WORKDIR/<config> is already configured
#   --summary-only          run nothing; write WORKDIR/results/summary.md from the last runs
#
# Configurations:
#   zmpi   MPICC=<build>/bin/mpicc (MPIF77, MPIFC: <build>/bin/mpif77, mpifort),
#          launcher `zrun --local --bind-to none --oversubscribe -n N --timeout S`
#   mpich  MPICC=mpicc.mpich (MPIF77, MPIFC: mpif77.mpich, mpifort.mpich),
#          launcher `mpiexec.mpich -n N` (runtests sets MPIEXEC_TIMEOUT)
# With Fortran, both get FFLAGS=FCFLAGS=-fallow-argument-mismatch (gfortran 10 and later reject
# the suite's mixed buffer types without it; Debian's mpifort.mpich adds it by itself).
# A test passes when it exits 0 and its whole output (stdout and stderr) is "No Errors"
# (runtests' rule), so anything a launcher prints on success fails every test.
# The runs use `nice`; the suite's tests oversubscribe the machine (up to 8+ ranks).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
configs="zmpi mpich"
dirs="init pt2pt comm group errhan topo attr info datatype part session"
timeout=60
zbuild="$repo/build"
dtpools=no
reconfigure=no
summary_only=no
while [ $# -gt 0 ]; do
  case "$1" in
    --configs) configs=$2; shift 2 ;;
    --dirs) dirs=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --zmpi-build) zbuild=$(cd "$2" && pwd); shift 2 ;;
    --dtpools) dtpools=yes; shift ;;
    --reconfigure) reconfigure=yes; shift ;;
    --summary-only) summary_only=yes; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "mpich-testsuite: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: $0 [options] MPICH_SRC WORKDIR (--help)" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)
case "$work/" in
  "$repo"/*) echo "mpich-testsuite: WORKDIR must be outside the repository" >&2; exit 2 ;;
esac
[ -f "$src/test/mpi/configure.ac" ] || {
  echo "mpich-testsuite: $src has no test/mpi/configure.ac" >&2; exit 2; }

results="$work/results"
mkdir -p "$results"

# launcher <config>: the -mpiexec= and -timeoutarg= values runtests is given.
launcher() {
  case "$1" in
    zmpi) echo "$zbuild/bin/zrun --local --bind-to none --oversubscribe" ;;
    mpich) echo "mpiexec.mpich" ;;
  esac
}
timeoutarg() {
  case "$1" in
    zmpi) echo " --timeout <SEC>" ;;
    mpich) echo "" ;;  # hydra reads MPIEXEC_TIMEOUT, which runtests sets
  esac
}
mpicc_of() {
  case "$1" in
    zmpi) echo "$zbuild/bin/mpicc" ;;
    mpich) command -v mpicc.mpich ;;
  esac
}
# mpif77_of / mpifort_of <config>: the Fortran wrappers (fixed form, and free form with modules).
mpif77_of() {
  case "$1" in
    zmpi) echo "$zbuild/bin/mpif77" ;;
    mpich) command -v mpif77.mpich ;;
  esac
}
mpifort_of() {
  case "$1" in
    zmpi) echo "$zbuild/bin/mpifort" ;;
    mpich) command -v mpifort.mpich ;;
  esac
}
# fortran: "yes" when a Fortran directory is asked for.
fortran=no
for d in $dirs; do
  case "$d" in f77|f77/*|f90|f90/*|f08|f08/*) fortran=yes ;; esac
done

# prepare <config>: a configured copy of the suite in $work/<config>/test/mpi.
prepare() {
  local cfg=$1 dst="$work/$1" cc
  cc=$(mpicc_of "$cfg")
  [ -x "$cc" ] || { echo "mpich-testsuite: $cfg: no compiler wrapper $cc" >&2; return 1; }
  local args=(MPICC="$cc")
  if [ "$fortran" = yes ]; then
    local f77 fc
    f77=$(mpif77_of "$cfg")
    fc=$(mpifort_of "$cfg")
    [ -x "$f77" ] && [ -x "$fc" ] || {
      echo "mpich-testsuite: $cfg: no Fortran wrappers $f77 $fc" >&2; return 1; }
    # Both wrappers named explicitly: configure would otherwise take whatever mpif77 is on PATH.
    args+=(MPIF77="$f77" MPIFC="$fc" FFLAGS=-fallow-argument-mismatch
           FCFLAGS=-fallow-argument-mismatch --enable-fortran=all)
  else
    args+=(--disable-fortran)
  fi
  args+=(--disable-cxx --enable-strictmpi --enable-part --disable-spawn --disable-rma)
  # The io directories (io, and f77/io ... under the Fortran ones) need MPI-IO (the suite calls
  # it romio); the others run without it.
  case " $dirs " in
    *" io "*|*" f77 "*|*" f90 "*|*" f08 "*|*" f77/io "*|*" f90/io "*|*" f08/io "*)
      args+=(--enable-romio) ;;
    *) args+=(--disable-romio) ;;
  esac
  [ "$dtpools" = yes ] || args+=(--disable-dtpools)
  local stamp="$dst/.zmpi-configured"
  if [ "$reconfigure" = no ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${args[*]}" ]; then
    return 0
  fi
  rm -rf "$dst"
  mkdir -p "$dst"
  (cd "$src" && tar -cf - --exclude=.git test/mpi confdb maint/version.m4) | tar -xf - -C "$dst"
  cd "$dst/test/mpi"
  if [ ! -x configure ]; then
    echo "mpich-testsuite: $cfg: autogen.sh (needs autoconf, automake, libtool)"
    ./autogen.sh > "$results/$cfg-autogen.log" 2>&1
  fi
  echo "mpich-testsuite: $cfg: configure ${args[*]}"
  nice ./configure "${args[@]}" > "$results/$cfg-configure.log" 2>&1 || {
    echo "mpich-testsuite: $cfg: configure failed, see $results/$cfg-configure.log" >&2
    return 1; }
  echo "${args[*]}" > "$stamp"
}

# run <config> <dir>: runtests on one directory; TAP file and log in $results.
run() {
  local cfg=$1 dir=$2
  cd "$work/$cfg/test/mpi"
  echo "mpich-testsuite: $cfg: $dir"
  # runtests builds each program with make as it goes, and stops a directory early after many
  # time-outs; its exit status is not the result (the TAP file is).
  MPITEST_TIMEOUT=$timeout nice ./runtests -srcdir=. -tests=testlist -testdirs="$dir" \
    -mpiexec="$(launcher "$cfg")" -timeoutarg="$(timeoutarg "$cfg")" \
    -tapfile="$results/$cfg-$dir.tap" > "$results/$cfg-$dir.log" 2>&1 || true
}

# count <config> <dir>: "<tests> <passes>" from the TAP file.
count() {
  local tap="$results/$1-$2.tap"
  if [ ! -f "$tap" ]; then echo "0 -"; return; fi
  awk '/^ok /{p++; t++} /^not ok /{t++} END {print t+0, p+0}' "$tap"
}

# reason <log> <program>: the first thing runtests' log says about a failed program.
reason() {
  awk -v p="$2" '
    $0 ~ "^Failed to build " p "[;: ]" || $0 == "Failed to build " p { print "does not build"; exit }
    $0 == "Unexpected output in " p ":" { grab = 1; next }
    grab && /^ *No Errors *$/ { next }
    grab { sub(/^ +/, ""); print substr($0, 1, 160); exit }
    $0 ~ "^Program " p " exited without No Errors" { noerr = 1 }
    END { if (!grab && noerr) print "exited without \"No Errors\"" }' "$1"
}

for cfg in $configs; do
  case "$cfg" in zmpi|mpich) ;; *) echo "mpich-testsuite: unknown config $cfg" >&2; exit 2 ;; esac
  [ "$summary_only" = no ] || continue
  if [ "$cfg" = zmpi ]; then
    # zrun must print nothing of its own on success, or every test fails on it.
    out=$($(launcher zmpi) -n 8 --timeout 30 /bin/true 2>&1) || true
    [ -z "$out" ] || echo "mpich-testsuite: warning: zrun printed: $out" >&2
  fi
  prepare "$cfg"
  date -u '+%Y-%m-%d %H:%M UTC' > "$results/$cfg.date"
  if [ "$cfg" = zmpi ]; then
    c=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$repo" diff --quiet HEAD 2>/dev/null || c="$c+uncommitted"
    echo "$c" > "$results/zmpi.commit"
  fi
  for dir in $dirs; do run "$cfg" "$dir"; done
done

# The summary: one row per directory, then every failing test of each configuration.
stamp() { cat "$results/$1" 2>/dev/null || echo "not run"; }
{
  echo "# MPICH test suite (test/mpi of MPICH v4.3.2), per-test limit ${timeout}s"
  echo
  echo "zmpi: run $(stamp zmpi.date), commit $(stamp zmpi.commit), launcher: $(launcher zmpi)."
  echo "Debian MPICH 4.0.2: run $(stamp mpich.date), launcher: $(launcher mpich)."
  echo
  echo "| Directory | Tests | zmpi pass | MPICH 4.0.2 pass |"
  echo "| --- | ---: | ---: | ---: |"
  tz=0; tm=0; tt=0
  for dir in $dirs; do
    read -r nz pz <<< "$(count zmpi "$dir")"
    read -r nm pm <<< "$(count mpich "$dir")"
    n=$(( nz > nm ? nz : nm ))
    [ "$pz" = - ] || tz=$((tz + pz))
    [ "$pm" = - ] || tm=$((tm + pm))
    tt=$((tt + n))
    echo "| $dir | $n | $pz | $pm |"
  done
  echo "| **all** | **$tt** | **$tz** | **$tm** |"
  for cfg in $configs; do
    echo
    echo "## $cfg: failures"
    echo
    for dir in $dirs; do
      tap="$results/$cfg-$dir.tap"
      [ -f "$tap" ] || continue
      log="$results/$cfg-$dir.log"
      awk '/^not ok /{print $5, $6}' "$tap" | while read -r path np; do
        echo "- $path ($np ranks): $(reason "$log" "$(basename "$path")")"
      done
    done
  done
} > "$results/summary.md"
cat "$results/summary.md"
