#!/bin/bash
# Builds and runs WRF's idealized em_quarter_ss case with zmpi and, as the reference, with
# Debian's MPICH, then compares the wrfout files (docs/wrf.md explains every step).
#
#   tools/wrf.sh source            WRF's source into $WRF_SCRATCH/wrf-zmpi and wrf-mpich
#   tools/wrf.sh build zmpi|mpich  configure (GNU dmpar) + ./compile em_quarter_ss (slow: hours)
#   tools/wrf.sh run zmpi|mpich [zrun|mpich]  ideal.exe, then wrf.exe on $WRF_NP ranks (zrun /
#                                  mpiexec.mpich; crossed: one build on the other MPI's libraries)
#   tools/wrf.sh compare [A B]     two runs' wrfout files, field by field (default: zmpi-zrun
#                                  mpich-mpich)
#   tools/wrf.sh cluster [zmpi|mpich]  ideal.exe and wrf.exe with `zrun -n auto` over 3 network
#                                  namespace hosts (tests/cluster/harness.sh; root): zrund on
#                                  each, h2 and h3 without WRF's tree or the run folder; inputs
#                                  staged, rsl/wrfout collected ($WRF_CLUSTER_CORES ranks/host)
#   tools/wrf.sh all               everything above, in that order
#
# Environment (defaults in brackets):
#   WRF_SCRATCH [/work/scratch]     where the trees go; never inside this repository
#   WRF_GIT [/work/.mirror/wrf-model+WRF/repo]  a clone of github.com/wrf-model/WRF
#   WRF_TAG [v4.3.3]                the last v4 release without git submodules (v4.4+ need
#                                   NCAR/noahmp as a submodule)
#   ZMPI_BIN [<repo>/build/bin]     zmpi's mpifort, mpicc and zrun
#   WRF_NP [4]                      ranks of the run
#   WRF_RUN_MINUTES [20]            model minutes (the case's namelist: 60, history every 30)
#   WRF_J [1]                       make jobs of the build (WRF's "J")
#   WRF_FCOPTIM [WRF's: -O2 -ftree-vectorize -funroll-loops]  Fortran optimisation; -O0
#                                   compiles several times faster on a busy machine
#   WRF_ZRUN_ARGS []                extra zrun arguments (with zrund agents: "--key-file K",
#                                   and WRF_NP=auto)
#   WRF_CLUSTER_CORES [2,1,1]       cluster: zrund --cores of h1,h2,h3 (-n auto = their sum)
#   WRF_RANK_WRAP []                run: a command put before each rank's program, e.g.
#                                   "setsid -w" (every rank its own session and so its own
#                                   scheduler autogroup, as MPICH's hydra does; docs/wrf.md)
# Needs: gfortran, gcc, csh, m4, perl, make, netCDF C and Fortran (Debian: libnetcdf-dev
# libnetcdff-dev netcdf-bin csh), Debian's mpich for the reference; python3 for `compare`.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
scratch=${WRF_SCRATCH:-/work/scratch}
wrf_git=${WRF_GIT:-/work/.mirror/wrf-model+WRF/repo}
tag=${WRF_TAG:-v4.3.3}
zmpi_bin=${ZMPI_BIN:-$here/build/bin}
export -n ZMPI_BIN # zrun warns about ZMPI_* variables it does not know
np=${WRF_NP:-4}
run_minutes=${WRF_RUN_MINUTES:-20}
jobs=${WRF_J:-1}

die() { echo "wrf.sh: $*" >&2; exit 1; }
tree() { echo "$scratch/wrf-$1"; }

# A netCDF "prefix" as WRF's configure wants it ($NETCDF/{bin,include,lib}), made of links to
# Debian's multiarch locations.
netcdf_prefix() {
  local p=$scratch/netcdf-debian
  mkdir -p "$p/bin"
  ln -sfn /usr/include "$p/include"
  ln -sfn "/usr/lib/$(gcc -print-multiarch)" "$p/lib"
  ln -sf /usr/bin/nc-config "$p/bin/nc-config"
  ln -sf /usr/bin/nf-config "$p/bin/nf-config"
  echo "$p"
}

do_source() {
  git -C "$wrf_git" rev-parse --verify -q "$tag^{commit}" >/dev/null || die "no tag $tag in $wrf_git"
  # Data tables that a partial mirror may lack are not used by em_quarter_ss (Kessler
  # microphysics, no radiation); they are left out rather than failing the archive.
  local missing=() sha path
  while read -r _ _ sha path; do
    git -C "$wrf_git" cat-file -e "$sha" 2>/dev/null || missing+=(":(exclude)$path")
  done < <(git -C "$wrf_git" ls-tree -r "$tag" | awk '$2 == "blob" {print $1, $2, $3, $4}')
  for which in zmpi mpich; do
    local d; d=$(tree $which)
    rm -rf "$d" && mkdir -p "$d"
    git -C "$wrf_git" archive "$tag" -- . "${missing[@]}" | tar -x -C "$d" || die "archive failed"
    # The build gunzips the P3 table into run/: a placeholder keeps that step from failing.
    [ -f "$d/run/p3_lookupTable_1.dat-5.3-3momI.gz" ] ||
      echo "absent from the mirror; not used by em_quarter_ss" |
        gzip >"$d/run/p3_lookupTable_1.dat-5.3-3momI.gz"
    echo "$tag ($(git -C "$wrf_git" rev-parse "$tag^{commit}")) -> $d" \
      "(${#missing[@]} absent data files left out)"
  done
}

do_build() {
  local which=$1 d; d=$(tree "$which")
  [ -x "$d/configure" ] || die "no source in $d (run: $0 source)"
  local fc cc
  case $which in
    zmpi) fc=$zmpi_bin/mpifort cc=$zmpi_bin/mpicc
          [ -x "$fc" ] || die "no $fc (build zmpi or set ZMPI_BIN)"
          export PATH=$zmpi_bin:$PATH ;;
    mpich) fc=mpifort.mpich cc=mpicc.mpich ;;
    *) die "build zmpi|mpich" ;;
  esac
  cd "$d" || exit 1
  export NETCDF; NETCDF=$(netcdf_prefix)
  export NETCDF_classic=1 # 64-bit-offset netCDF output; no HDF5 in the link
  export J="-j $jobs"
  # 34 = "GNU (gfortran/gcc)" dmpar on Linux x86_64 in v4.3.x; 1 = basic nesting.
  printf '34\n1\n' | ./configure >configure.log 2>&1 || die "configure failed: $d/configure.log"
  grep -q '^SFC *= *gfortran' configure.wrf && grep -q -- '-DDM_PARALLEL' configure.wrf ||
    die "configure did not pick GNU dmpar (see $d/configure.log)"
  # The MPI compilers: WRF's template says `mpif90 -f90=$(SFC)`, an MPICH-only option.
  sed -i -e "s|^DM_FC .*|DM_FC           =       $fc|" \
         -e "s|^DM_CC .*|DM_CC           =       $cc|" configure.wrf
  # dyn_em/module_wps_io_arw.F (read_wps, for real.exe) needs MPI_MODE_RDONLY; zmpi's mpif.h
  # has no MPI-IO constants until MPI-IO lands: give WRF's preprocessor MPICH's value.
  if [ "$which" = zmpi ] && ! grep -qi 'MPI_MODE_RDONLY' "$zmpi_bin/../include/mpif.h"; then
    sed -i 's/^ARCH_LOCAL .*/& -Dmpi_mode_rdonly=2/' configure.wrf
  fi
  [ -n "${WRF_FCOPTIM:-}" ] && sed -i "s|^FCOPTIM .*|FCOPTIM         =       $WRF_FCOPTIM|" configure.wrf
  grep -E '^(DM_FC|DM_CC|FCOPTIM|FCCOMPAT|NETCDFPATH|ARCH_LOCAL)' configure.wrf
  local t0=$SECONDS
  ./compile em_quarter_ss >compile.log 2>&1
  echo "compile: $((SECONDS - t0)) s, log $d/compile.log"
  for exe in ideal wrf; do
    [ -x "main/$exe.exe" ] || { grep -n -i -E 'error|undefined' compile.log | head -40;
                                die "main/$exe.exe not built"; }
  done
  ls -l main/ideal.exe main/wrf.exe
}

# write_namelist CASE_DIR FILE: the case's namelist (kept as namelist.input.orig) runs 60
# minutes with history every 30; FILE gets $run_minutes with history every 5.
write_namelist() {
  [ -f "$1/namelist.input.orig" ] || cp "$1/namelist.input" "$1/namelist.input.orig"
  sed -e "s/^ *run_hours *=.*/ run_hours = 0,/" \
      -e "s/^ *run_minutes *=.*/ run_minutes = $run_minutes,/" \
      -e "s/^ *history_interval *=.*/ history_interval = 5, 5, 5,/" \
      "$1/namelist.input.orig" >"$2"
}

# run BUILD [LAUNCHER]: BUILD's ideal.exe and wrf.exe on $np ranks. LAUNCHER: zrun (default for
# the zmpi build) or mpich (mpiexec.mpich, default for the mpich build). Crossed pairs run one
# build's binary on the other MPI's libraries (both have MPICH's ABI): zrun gives an
# MPICH-built program zmpi's libmpich.so.12/libmpichfort.so.12 itself; for mpiexec.mpich a
# directory of links gives the zmpi-built one MPICH's libraries under zmpi's sonames. The
# wrfout files and logs are kept in $scratch/wrf-results/BUILD-LAUNCHER.
do_run() {
  local which=$1 launcher=${2:-} d
  [ -n "$launcher" ] || case $which in zmpi) launcher=zrun ;; *) launcher=mpich ;; esac
  d=$(tree "$which")/test/em_quarter_ss
  [ -x "$d/wrf.exe" ] || die "no $d/wrf.exe (run: $0 build $which)"
  local out=$scratch/wrf-results/$which-$launcher${WRF_RANK_WRAP:+-wrapped}
  rm -rf "$out" && mkdir -p "$out"
  cd "$d" || exit 1
  write_namelist "$d" namelist.input
  rm -f wrfinput_d01 wrfout_d01_* rsl.out.* rsl.error.*
  local launch=()
  case $launcher in
    zrun) launch=("$zmpi_bin/zrun" ${WRF_ZRUN_ARGS:-} -n "$np") ;;
    mpich)
      if [ "$which" = zmpi ]; then
        local links=$scratch/mpich-as-zmpi-sonames m=/usr/lib/$(gcc -print-multiarch)
        mkdir -p "$links"
        ln -sf "$m/libmpich.so.12" "$links/libmpi.so.12"
        ln -sf "$m/libmpichfort.so.12" "$links/libmpifort.so.12"
        launch=(env "LD_LIBRARY_PATH=$links" mpiexec.mpich -n "$np")
      else
        launch=(mpiexec.mpich -n "$np")
      fi ;;
    *) die "run zmpi|mpich [zrun|mpich]" ;;
  esac
  local t0 t1
  t0=$(date +%s%N)
  timeout 900 "${launch[@]}" ${WRF_RANK_WRAP:-} ./ideal.exe >ideal.log 2>&1 ||
    { tail -20 ideal.log rsl.error.0000; die "ideal.exe failed"; }
  t1=$(date +%s%N)
  tail -n1 rsl.out.0000
  echo "ideal.exe ($which build, $launcher${WRF_RANK_WRAP:+ + $WRF_RANK_WRAP}, $np ranks): $(((t1 - t0) / 1000000)) ms"
  cp ideal.log rsl.out.0000 "$out/" && mv "$out/rsl.out.0000" "$out/ideal.rsl.out.0000"
  rm -f rsl.out.* rsl.error.*
  t0=$(date +%s%N)
  timeout 1800 "${launch[@]}" ${WRF_RANK_WRAP:-} ./wrf.exe >wrf.log 2>&1 ||
    { tail -20 wrf.log rsl.error.0000; die "wrf.exe failed"; }
  t1=$(date +%s%N)
  tail -n1 rsl.out.0000
  echo "wrf.exe ($which build, $launcher${WRF_RANK_WRAP:+ + $WRF_RANK_WRAP}, $np ranks, $run_minutes model minutes): $(((t1 - t0) / 1000000)) ms"
  grep -h 'Timing for main' rsl.out.0000 |
    awk '{s += $(NF-2)} END {printf "sum of the step timers of rank 0: %.2f s over %d steps\n", s, NR}'
  cp wrf.log rsl.out.* rsl.error.* wrfout_d01_* "$out/"
  ls -l "$out"/wrfout_d01_*
}

# compare [A B]: wrfout of two runs (names of $scratch/wrf-results/*; default zmpi-zrun and
# mpich-mpich).
do_compare() {
  local a b
  a=$(ls "$scratch/wrf-results/${1:-zmpi-zrun}"/wrfout_d01_* 2>/dev/null | head -1)
  b=$(ls "$scratch/wrf-results/${2:-mpich-mpich}"/wrfout_d01_* 2>/dev/null | head -1)
  [ -f "$a" ] && [ -f "$b" ] || die "run both first"
  echo "A: $a"
  echo "B: $b"
  cmp -s "$a" "$b" && echo "wrfout files are byte-identical"
  /usr/bin/python3 "$here/tools/wrf_compare.py" "$a" "$b"
}

# cluster [BUILD]: BUILD's ideal.exe and wrf.exe with `zrun -n auto` over 3 network-namespace
# hosts (tests/cluster/harness.sh; root; agents only inside the namespaces). zrun and rank 0
# run on h1 in a fresh run folder holding only namelist.input and input_sounding. h2 and h3
# see neither that folder nor WRF's tree (an empty tmpfs over each in their agents' mount
# namespaces): the programs reach them through zrun's program cache, the inputs through
# --stage, and their rsl files come back through --collect. A root zrund runs ranks as nobody
# (docs/owner.md): the run folder is world-writable, the test folder 0711. Results go to
# $scratch/wrf-results/BUILD-cluster.
do_cluster() {
  local which=${1:-zmpi} d case_dir
  d=$(tree "$which")
  case_dir=$d/test/em_quarter_ss
  [ -x "$d/main/wrf.exe" ] || die "no $d/main/wrf.exe (run: $0 build $which)"
  [ "$(id -u)" = 0 ] || die "cluster needs root (network namespaces)"
  local zrun=$zmpi_bin/zrun zrund=$zmpi_bin/zrund
  [ -x "$zrund" ] || die "no $zrund (build zmpi or set ZMPI_BIN)"
  # shellcheck source=../tests/cluster/harness.sh
  . "$here/tests/cluster/harness.sh"
  local dir key run out port=7421
  dir=$(mktemp -d /tmp/zmpi-wrf-cluster.XXXXXX) || exit 1
  # shellcheck disable=SC2064
  trap "cluster_down; rm -rf -- '$dir'" EXIT
  cluster_up 3 >/dev/null || die "cluster_up failed"
  export -n NETNS_CLUSTER_DIR
  NETNS_CLUSTER_TIMEOUT=2700
  key=$dir/cluster.key run=$dir/run out=$scratch/wrf-results/$which-cluster
  "$zrun" --new-key "$key" >/dev/null || die "zrun --new-key failed"
  mkdir -p "$run" "$dir/tmp"
  chmod 711 "$dir"
  chmod 1777 "$run"
  write_namelist "$case_dir" "$run/namelist.input"
  cp "$case_dir/input_sounding" "$run/"
  rm -rf "$out" && mkdir -p "$out"
  local cores h i=0 log pid
  IFS=, read -r -a cores <<<"${WRF_CLUSTER_CORES:-2,1,1}"
  for h in h1 h2 h3; do
    local prefix=()
    # shellcheck disable=SC2016
    [ $h != h1 ] && prefix=(sh -c 'mount -t tmpfs -o size=1m,mode=1777 none "$0" &&
      mount -t tmpfs -o size=1m none "$1" && shift && exec "$@"' "$run" "$d")
    read -r pid log < <(cluster_spawn "$h" "${prefix[@]}" env TMPDIR="$dir/tmp" \
      XDG_RUNTIME_DIR="$dir/xdg-$h" "$zrund" --key-file "$key" --iface eth0 --port "$port" \
      --cores "${cores[$i]}" --cache-dir "$dir/cache-$h" --work-dir "$dir/jobs-$h")
    i=$((i + 1))
    local deadline=$((SECONDS + 10))
    until grep -q "serving on" "$log" 2>/dev/null; do
      [ $SECONDS -ge $deadline ] && { cat "$log"; die "zrund on $h did not start"; }
      sleep 0.1
    done
    echo "zrund on $h (pid $pid): --cores ${cores[$((i - 1))]}"
  done
  [ ! -e "/proc/$(cluster__inner "$pid")/root$d/main/wrf.exe" ] &&
    [ ! -e "/proc/$(cluster__inner "$pid")/root$run/namelist.input" ] ||
    die "h3 sees WRF's tree or the run folder"
  sleep 1.0 # unique mDNS records are probed (~0.75 s) before they are answered
  local zr=(cluster_run h1 sh -c 'cd "$0" && exec "$@"' "$run" "$zrun" --key-file "$key"
            -n auto -wdir "$run" ${WRF_ZRUN_ARGS:-})
  local t0 t1 step exe extra=()
  for step in ideal wrf; do
    exe=$d/main/$step.exe
    if [ $step = ideal ]; then
      extra=(--stage namelist.input --stage input_sounding --collect 'rsl.*')
    else
      extra=(--stage namelist.input --collect 'rsl.*' --collect 'wrfout*')
    fi
    echo "\$ zrun --key-file K -n auto -wdir RUN ${extra[*]} $exe"
    t0=$(date +%s%N)
    "${zr[@]}" "${extra[@]}" "$exe" >"$out/$step.log" 2>&1 ||
      { cat "$out/$step.log"; tail -20 "$run/rsl.error.0000"; die "$step.exe failed"; }
    t1=$(date +%s%N)
    cat "$out/$step.log"
    tail -n1 "$run/rsl.out.0000"
    echo "$step.exe ($which build, zrun -n auto, 3 hosts, $(ls "$run"/rsl.out.* | wc -l) ranks):" \
      "$(((t1 - t0) / 1000000)) ms"
    for f in "$run"/rsl.*; do mv "$f" "$out/$([ $step = ideal ] && echo ideal.)$(basename "$f")"; done
  done
  grep -h 'Timing for main' "$out/rsl.out.0000" |
    awk '{s += $(NF-2)} END {printf "sum of the step timers of rank 0: %.2f s over %d steps\n", s, NR}'
  cp "$run"/wrfout_d01_* "$out/"
  echo "run folder on h1: $(cd "$run" && ls | tr '\n' ' ')"
  for h in h1 h2 h3; do
    cp "$NETNS_CLUSTER_DIR/$h".*.log "$out/zrund-$h.log"
    echo "zrund on $h: ranks per job: $(grep -o '[0-9]* of [0-9]* ranks' "$out/zrund-$h.log" |
      sed 's/ ranks//' | paste -sd, -);" \
      "$(grep -c 'program .* received' "$out/zrund-$h.log") programs and" \
      "$(grep -c 'staged file .* received' "$out/zrund-$h.log") staged files received"
  done
  ls -l "$out"/wrfout_d01_*
}

case ${1:-} in
  source) do_source ;;
  build) do_build "${2:-}" ;;
  run) do_run "${2:-}" "${3:-}" ;;
  compare) do_compare "${2:-}" "${3:-}" ;;
  cluster) do_cluster "${2:-}" ;;
  all) (do_source) && (do_build zmpi) && (do_build mpich) && (do_run zmpi) && (do_run mpich) &&
       do_compare ;;
  *) sed -n '2,35p' "$0"; exit 2 ;;
esac
