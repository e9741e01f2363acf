#!/bin/bash
# Builds public MPI benchmark suites and mpi4py, unmodified, with zmpi's compiler wrappers, runs
# them through zrun with small iteration counts and every run under a time limit, and prints a
# table per suite. See docs/third-party.md for the sources (commits), commands and results.
#
#   tools/third-party.sh [options] WORKDIR
#
# WORKDIR  scratch directory OUTSIDE this repository: build trees, one log per run, and
#          results/<suite>.tsv + results/summary.md (the tables this script prints)
# Sources (each optional; this script fetches nothing, see docs/third-party.md):
#   --osu SRC        OSU micro-benchmarks 7.4 (the release's tree: configure is there)
#   --imb SRC        Intel MPI Benchmarks (intel/mpi-benchmarks, tag IMB-v2021.11)
#   --mpi4py SRC     mpi4py 3.1.x (Debian 12's Cython 0.29 cannot build 4.x)
# Options:
#   --zmpi-build DIR   zmpi build or install tree: DIR/bin/mpicc, mpicxx, zrun (default build/)
#   --ranks "2 3 4"    rank counts of the blocking, non-blocking and persistent collectives
#                      and of IMB-MPI1, IMB-NBC, IMB-MPI4 (default "2 3 4")
#   --nbr-ranks "4 9"  rank counts of OSU's neighborhood collectives (default "4 9")
#   --py-ranks "1 2 3" rank counts of mpi4py's test suite (default "1 2 3")
#   --p2p-ranks "2 3 4 8"  rank counts of IMB-P2P (default "2 3 4 8": Stencil3D needs 8)
#   --timeout S        time limit of one run in seconds (default 120; mpi4py: 6 x S)
#   --python PY        interpreter for mpi4py (default /usr/bin/python3, which has Debian's
#                      cython3 and python3-dev)
#   --no-build         reuse the builds already in WORKDIR
#   --hosts            also run OSU's congestion benchmarks on 2 network-namespace hosts
#                      (tests/cluster/harness.sh; needs root, ip, unshare; see osu_hosts_run)
#   --only "osu imb mpi4py"  run only these of the given suites (osu-hosts: only the --hosts
#                      runs, in an OSU tree built before)
#
# OSU: configure --enable-mpi4 (configure would otherwise turn the MPI-4 benchmarks off
# without a word when MPI_Session_init is missing), then every benchmark of pt2pt (standard,
# persistent, congestion), startup and the blocking, non-blocking, persistent and neighborhood
# collectives with `-i 10 -x 2`, and where its -h offers them `-m 1:4096`, `-c` (validation)
# and `-T all` (char, int, float); once more at the middle rank count with `-l` (in place) and
# `-I` (session) where offered. A run passes when it exits 0 within the limit and no row says
# "Fail"; one that returns without MPI_Finalize is marked so.
# IMB: `make IMB-MPI1 IMB-P2P IMB-NBC IMB-MPI4 CC=mpicc CXX=mpicxx` (our wrappers first on
# PATH; IMB compiles with -Werror), each suite run whole at each rank count, every benchmark its
# -list names, non-default ones included (`-npmin N -iter 10 -iter_policy off -time 2 -msglog
# 0:12 <names>`; IMB-P2P, which runs all of its own: `-iter 10 -msglog 0:12`). A benchmark
# passes at N when its table was printed and the run ended normally. IMB has no run-time
# validation (only a compile-time CHECK build).
# mpi4py: `MPICC=<build>/bin/mpicc python setup.py build`, import check, then its test suite
# (`test/runtests.py -v --no-skip-mpi`, minus one-sided and I/O: test_rma, test_rma_nb,
# test_win, test_io, test_file; above one rank also test_dynproc, see py_run) under zrun at
# each --py-ranks count; the counts come from unittest's own summary, failures and errors are
# listed per test in results/mpi4py/failed.n<N>.txt.
# zrun runs with `--local --bind-to none --oversubscribe`. Builds use `nice`; runs do not: a
# niced job of spinning ranks on a loaded machine is starved (15 s instead of 0.5 s here).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
zbuild="$repo/build"
osu_src="" imb_src="" py_src=""
ranks="2 3 4"
nbr_ranks="4 9"
py_ranks="1 2 3"
p2p_ranks="2 3 4 8"
limit=120
python=/usr/bin/python3
build=yes
only="osu imb mpi4py"
while [ $# -gt 0 ]; do
  case "$1" in
    --osu) osu_src=$(cd "$2" && pwd); shift 2 ;;
    --imb) imb_src=$(cd "$2" && pwd); shift 2 ;;
    --mpi4py) py_src=$(cd "$2" && pwd); shift 2 ;;
    --zmpi-build) zbuild=$(cd "$2" && pwd); shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --nbr-ranks) nbr_ranks=$2; shift 2 ;;
    --py-ranks) py_ranks=$2; shift 2 ;;
    --p2p-ranks) p2p_ranks=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --no-build) build=no; shift ;;
    --hosts) only="$only osu-hosts"; shift ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "third-party: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 1 ]; then
  echo "usage: $0 [--osu SRC] [--imb SRC] [--mpi4py SRC] [options] WORKDIR (--help)" >&2
  exit 2
fi
mkdir -p "$1"
work=$(cd "$1" && pwd)
case "$work/" in
  "$repo"/*) echo "third-party: WORKDIR must be outside the repository" >&2; exit 2 ;;
esac
for tool in mpicc mpicxx zrun; do
  [ -x "$zbuild/bin/$tool" ] || { echo "third-party: no $zbuild/bin/$tool" >&2; exit 2; }
done
results="$work/results"
mkdir -p "$results"
zrun=("$zbuild/bin/zrun" --local --bind-to none --oversubscribe)
wants() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }

# run_limited <log> <seconds> <command...>: runs the command niced under a time limit with
# output in <log>; prints ok, timeout or rc=<n>.
run_limited() {
  local log=$1 secs=$2 rc=0
  shift 2
  timeout -k 10 "$secs" "$@" >"$log" 2>&1 || rc=$?
  case $rc in
    0) echo ok ;;
    124|137) echo timeout ;;
    *) echo "rc=$rc" ;;
  esac
}

# ---------------------------------------------------------------- OSU micro-benchmarks
osu_build() {
  local b="$work/osu"
  mkdir -p "$b"
  if [ "$build" = yes ] || [ ! -f "$b/Makefile" ]; then
    # OSU builds osu_latency_mt and osu_latency_mp only when configure finds MPI_Accumulate
    # (its test for "MPI-2"); zmpi has no one-sided communication yet, so configure is told it
    # is there: the one-sided programs then fail to link (make -k) and are not run.
    (cd "$b" && nice "$osu_src/configure" CC="$zbuild/bin/mpicc" CXX="$zbuild/bin/mpicxx" \
      --enable-mpi4 ac_cv_func_MPI_Accumulate=yes >configure.log 2>&1) || {
      echo "third-party: OSU configure failed, see $b/configure.log" >&2; return 1; }
    (cd "$b" && nice make -k -j2 >make.log 2>&1) || true
  fi
}

# osu_flags <binary>: the options this benchmark's -h offers among -i -x -m -c -T, then, after
# a "|", the extra runs it offers: in-place (-l) and session-based initialization (-I).
osu_flags() {
  local help f=() extra=()
  help=$(timeout 60 "${zrun[@]}" -n 1 "$1" -h 2>&1 || true)
  case $help in *"-i, --iterations"*) f+=(-i 10) ;; esac
  case $help in *"-x, --warmup"*) f+=(-x 2) ;; esac
  case $help in *"-m, --message-size"*) f+=(-m 1:4096) ;; esac
  case $help in *"-c, --validation"*) f+=(-c) ;; esac
  # osu_latency_mt validates only with as many sender as receiver threads.
  case $1 in */osu_latency_mt) f+=(-t 2:2) ;; esac
  case $help in *"-T, --type"*) f+=(-T all) ;; esac
  case $help in *"-l, --in-place"*) extra+=(-l) ;; esac
  case $help in *"-I, --session"*) extra+=(-I) ;; esac
  echo "${f[*]}|${extra[*]}"
}

osu_run() {
  local b="$work/osu/c/mpi" out="$results/osu.tsv" logs="$results/osu"
  mkdir -p "$logs"
  : >"$out"
  # <directory>|<rank counts>|<benchmarks> (* = every program its Makefile.am lists)
  local plan=(
    "pt2pt/standard|2|osu_latency osu_bw osu_bibw osu_latency_mt osu_latency_mp"
    "pt2pt/standard|2 4|osu_mbw_mr osu_multi_lat"
    "pt2pt/persistent|2|osu_latency_persistent osu_bw_persistent osu_bibw_persistent"
    "pt2pt/congestion|3 4|osu_bw_fan_in osu_bw_fan_out"
    "startup|2 4|osu_init osu_hello"
    "collective/blocking|$ranks|*"
    "collective/non_blocking|$ranks|*"
    "collective/persistent|$ranks|*"
    "collective/neighborhood|$nbr_ranks|*")
  local entry dir counts names name n flags extra x
  for entry in "${plan[@]}"; do
    IFS='|' read -r dir counts names <<<"$entry"
    if [ "$names" = "*" ]; then
      names=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$osu_src/c/mpi/$dir/Makefile.am" |
        grep '_PROGRAMS' | grep -o 'osu_[a-z_]*' | sort -u)
    fi
    for name in $names; do
      if [ ! -x "$b/$dir/$name" ]; then
        printf '%s\t%s\tno\tmain\t-\t-\t-\n' "$dir" "$name" >>"$out"
        continue
      fi
      IFS='|' read -r flags extra <<<"$(osu_flags "$b/$dir/$name")"
      for n in $counts; do
        osu_one "$dir" "$name" "$n" main "$flags"
      done
      # In-place and session-initialized runs once, at the middle rank count.
      # shellcheck disable=SC2086 # counts are words
      n=$(set -- $counts; shift $(($# / 2)); echo "$1")
      for x in $extra; do
        osu_one "$dir" "$name" "$n" "$x" "$flags $x"
      done
    done
  done
}

# osu_one <dir> <name> <ranks> <variant> <flags>: one run, one row of results/osu.tsv.
osu_one() {
  local dir=$1 name=$2 n=$3 variant=$4 flags=$5 log st val
  log="$results/osu/$name.n$n${variant/main/}.log"
  # shellcheck disable=SC2086 # flags are words
  st=$(run_limited "$log" "$limit" "${zrun[@]}" -n "$n" "$work/osu/c/mpi/$dir/$name" $flags)
  val=-
  case " $flags " in
    *" -c "*)
      if grep -qw Fail "$log"; then val=fail
      elif grep -qw Pass "$log"; then val=pass
      else val=none; fi ;;
  esac
  if [ "$st" = ok ] && [ "$val" = fail ]; then st=fail; fi
  # A program that returns from main without MPI_Finalize: zrun (like Open MPI's mpirun) ends
  # the job with status 1; the row says so rather than "rc=1".
  if [ "$st" != ok ] && grep -q 'without calling PMIx_Finalize (MPI_Finalize)' "$log"; then
    st="no MPI_Finalize"
  fi
  printf '%s\t%s\tyes\t%s\t%s\t%s\t%s\n' "$dir" "$name" "$variant" "$n" "$st" "$val" \
    >>"$results/osu.tsv"
  echo "osu $name -n $n $flags: $st (validation $val)"
}

# OSU's congestion benchmarks (osu_bw_fan_in, osu_bw_fan_out) refuse to run on one host (they
# compare MPI_Get_processor_name). With --hosts they run on two hosts made of network
# namespaces by tests/cluster/harness.sh (a zrund on each, 2 ranks per host, as in the job
# tests there); everything started is removed at the end.
osu_hosts_run() {
  local b="$work/osu/c/mpi/pt2pt/congestion"
  mkdir -p "$results/osu"
  [ -f "$results/osu.tsv" ] && sed -i '/\thosts\t/d' "$results/osu.tsv"
  (
    # shellcheck disable=SC1091 # sourced from the repository at run time
    . "$repo/tests/cluster/harness.sh"
    hdir=$(mktemp -d /tmp/zmpi-third-party.XXXXXX)
    trap 'cluster_down; rm -rf -- "$hdir"' EXIT
    cluster_up 2 >/dev/null || { echo "third-party: cluster_up failed" >&2; exit 1; }
    export -n NETNS_CLUSTER_DIR
    # shellcheck disable=SC2034 # read by harness.sh's cluster_run
    NETNS_CLUSTER_TIMEOUT=$limit
    key=$hdir/cluster.key
    "$zbuild/bin/zrun" --new-key "$key" >/dev/null || exit 1
    chmod 711 "$hdir" # a root zrund runs ranks as nobody
    port=7431
    for h in h1 h2; do
      read -r _ log < <(cluster_spawn "$h" "$zbuild/bin/zrund" --key-file "$key" --iface eth0 \
        --port "$port" --cores 2 --cache-dir "$hdir/cache-$h")
      deadline=$((SECONDS + 20))
      until grep -q "serving on" "$log" 2>/dev/null; do
        [ $SECONDS -ge $deadline ] && { echo "third-party: zrund on $h did not start" >&2; exit 1; }
        sleep 0.1
      done
    done
    hosts=198.51.100.1:$port:2,198.51.100.2:$port:2
    for name in osu_bw_fan_in osu_bw_fan_out; do
      [ -x "$b/$name" ] || continue
      log="$results/osu/$name.hosts2.log"
      rc=0
      # Their -h needs two hosts too; it lists -i, -x and -m but no -c.
      flags="-i 10 -x 2 -m 1:4096"
      # shellcheck disable=SC2086 # flags are words
      cluster_run h1 "$zbuild/bin/zrun" --key-file "$key" --host "$hosts" -n 4 "$b/$name" \
        $flags >"$log" 2>&1 || rc=$?
      case $rc in 0) st=ok ;; 124|137) st=timeout ;; *) st="rc=$rc" ;; esac
      val=-
      case " $flags " in
        *" -c "*)
          val=none
          if grep -qw Fail "$log"; then val=fail; st=fail
          elif grep -qw Pass "$log"; then val=pass; fi ;;
      esac
      printf 'pt2pt/congestion\t%s\tyes\thosts\t4\t%s\t%s\n' "$name" "$st" "$val" \
        >>"$results/osu.tsv"
      echo "osu $name -n 4 on 2 namespace hosts: $st (validation $val)"
    done
  )
}

# ---------------------------------------------------------------- Intel MPI Benchmarks
imb_build() {
  local b="$work/imb"
  if [ "$build" = yes ] || [ ! -d "$b" ]; then
    rm -rf "$b"
    cp -a "$imb_src" "$b"
    (cd "$b" && PATH="$zbuild/bin:$PATH" nice make -k IMB-MPI1 IMB-P2P IMB-NBC IMB-MPI4 \
      CC=mpicc CXX=mpicxx >make.log 2>&1) || true
  fi
}

imb_run() {
  local b="$work/imb" out="$results/imb.tsv" logs="$results/imb"
  mkdir -p "$logs"
  : >"$out"
  local suite n st log bench names counts
  for suite in IMB-MPI1 IMB-P2P IMB-NBC IMB-MPI4; do
    if [ ! -x "$b/$suite" ]; then
      printf '%s\t-\tno\t-\t-\n' "$suite" >>"$out"
      continue
    fi
    # Every benchmark the suite lists, the non-default ones too (named on the command line).
    names=()
    if [ "$suite" != IMB-P2P ]; then
      mapfile -t names < <(timeout 60 "${zrun[@]}" -n 1 "$b/$suite" -list 2>/dev/null |
        sed -n 's/^    \([A-Za-z_0-9]*\).*/\1/p')
    fi
    counts=$ranks
    [ "$suite" = IMB-P2P ] && counts=$p2p_ranks
    for n in $counts; do
      log="$logs/$suite.n$n.log"
      if [ "$suite" = IMB-P2P ]; then
        st=$(run_limited "$log" "$limit" "${zrun[@]}" -n "$n" "$b/$suite" -iter 10 -msglog 0:12)
      else
        st=$(run_limited "$log" "$limit" "${zrun[@]}" -n "$n" "$b/$suite" -npmin "$n" \
          -iter 10 -iter_policy off -time 2 -msglog 0:12 "${names[@]}")
      fi
      echo "imb $suite -n $n: $st"
      # One row per benchmark the run started; the last one started in a failed run failed.
      local started last
      started=$(sed -n 's/^# Benchmarking \([A-Za-z_0-9-]*\).*/\1/p' "$log" | awk '!s[$0]++')
      last=$(printf '%s\n' "$started" | tail -n 1)
      for bench in $started; do
        if [ "$st" = ok ] || [ "$bench" != "$last" ]; then
          printf '%s\t%s\tyes\t%s\tok\n' "$suite" "$bench" "$n" >>"$out"
        else
          printf '%s\t%s\tyes\t%s\t%s\n' "$suite" "$bench" "$n" "$st" >>"$out"
        fi
      done
      # IMB's own rule: "# !! Benchmark X is invalid for N processes !!" (e.g. IMB-P2P's
      # PingPong at odd N, Stencil3D below 8).
      sed -n 's/^# !! Benchmark \([A-Za-z_0-9-]*\) is invalid for .*/\1/p' "$log" |
        while read -r bench; do
          printf '%s\t%s\tyes\t%s\tinvalid\n' "$suite" "$bench" "$n" >>"$out"
        done
      for bench in "${names[@]}"; do
        grep -qx "$bench" <<<"$started" || grep -q "Benchmark $bench is invalid" "$log" ||
          printf '%s\t%s\tyes\t%s\tnot reached\n' "$suite" "$bench" "$n" >>"$out"
      done
      [ -n "$started" ] || printf '%s\t(start)\tyes\t%s\t%s\n' "$suite" "$n" "$st" >>"$out"
    done
  done
}

# ---------------------------------------------------------------- mpi4py
py_build() {
  local b="$work/mpi4py"
  if [ "$build" = yes ] || [ ! -d "$b" ]; then
    rm -rf "$b"
    cp -a "$py_src" "$b"
    (cd "$b" && MPICC="$zbuild/bin/mpicc" nice "$python" setup.py build >build.log 2>&1) || {
      echo "third-party: mpi4py build failed, see $b/build.log" >&2; return 1; }
  fi
}

py_run() {
  local b="$work/mpi4py" out="$results/mpi4py.tsv" logs="$results/mpi4py"
  mkdir -p "$logs"
  : >"$out"
  local ext lib
  ext=$(find "$b/build" -name 'MPI.cpython*.so' | head -n 1)
  lib=$(ldd "$ext" | awk '/libmpi/ {print $3}')
  echo "mpi4py: $ext loads $lib"
  case $lib in
    "$zbuild"/lib/*) ;;
    *) echo "third-party: mpi4py's extension does not load $zbuild/lib's libmpi" >&2; return 1 ;;
  esac
  local n st log ran skipped failures errors summary
  local extra
  for n in $py_ranks; do
    log="$logs/runtests.n$n.log"
    # test_dynproc above one rank: rank 0's MPI_Open_port fails (zmpi has no dynamic
    # processes; mpi4py's stand-in raises NotImplementedError) while the other ranks wait in
    # the broadcast of its port name for ever.
    extra=()
    [ "$n" -gt 1 ] && extra=(-e test_dynproc)
    st=$(run_limited "$log" $((limit * 6)) "${zrun[@]}" -n "$n" "$python" \
      "$b/test/runtests.py" -v --no-skip-mpi \
      -e test_rma -e test_rma_nb -e test_win -e test_io -e test_file "${extra[@]}")
    # unittest prints, per rank: "Ran N tests in ..." then "OK (skipped=K)" or
    # "FAILED (failures=F, errors=E, skipped=K)"; rank 0's (the first) counts.
    ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in.*/\1/p' "$log" | head -n 1)
    summary=$(grep -E '^(OK|FAILED)( |$)' "$log" | head -n 1 || true)
    skipped=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' <<<"$summary")
    failures=$(sed -n 's/.*failures=\([0-9]*\).*/\1/p' <<<"$summary")
    errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$summary")
    ran=${ran:-0} skipped=${skipped:-0} failures=${failures:-0} errors=${errors:-0}
    printf 'mpi4py\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$st" "$ran" \
      $((ran - skipped - failures - errors)) "$failures" "$errors" "$skipped" >>"$out"
    echo "mpi4py -n $n: $st, ran $ran, failures $failures, errors $errors, skipped $skipped"
    grep -E '^(FAIL|ERROR): ' "$log" | sort | uniq -c >"$logs/failed.n$n.txt" || true
  done
}

# ---------------------------------------------------------------- tables
summarize() {
  local s="$results/summary.md"
  {
    echo "zmpi: $zbuild ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    if [ -s "$results/osu.tsv" ]; then
      echo
      echo "| OSU 7.4 benchmark | built | passed at ranks | failed at ranks | validation (-c) | in-place (-l) | session init (-I) |"
      echo "| --- | --- | --- | --- | --- | --- | --- |"
      # Columns: dir name built variant ranks status validation.
      awk -F'\t' '
        function add(a, k, s) { a[k] = (a[k] == "" ? s : a[k] " " s) }
        { key = $1 "/" $2; if (!(key in built)) { order[++k] = key; built[key] = $3 }
          if ($3 != "yes") next
          res = ($6 == "ok") ? "ok at " $5 : $6 " at " $5
          if ($4 == "main" || $4 == "hosts") {
            n = ($4 == "hosts") ? $5 " (2 hosts)" : $5
            if ($6 == "ok") add(ok, key, n); else add(bad, key, n " (" $6 ")")
            if ($7 != "-") vc[key, $7]++
          } else if ($4 == "-l") add(inplace, key, res); else if ($4 == "-I") add(sess, key, res) }
        END { for (i = 1; i <= k; i++) { x = order[i]
          printf "| %s | %s | %s | %s | %s | %s | %s |\n", x, built[x],
            (ok[x] == "" ? "-" : ok[x]), (bad[x] == "" ? "-" : bad[x]),
            ((x, "fail") in vc ? "fail" : (x, "pass") in vc ? ((x, "none") in vc ? \
              "pass where it ran" : "pass") : (x, "none") in vc ? "none printed" : \
              (built[x] == "yes" ? "not offered" : "-")),
            (inplace[x] == "" ? "-" : inplace[x]), (sess[x] == "" ? "-" : sess[x]) } }' \
        "$results/osu.tsv"
    fi
    if [ -s "$results/imb.tsv" ]; then
      echo
      echo "| IMB benchmark | built | passed at ranks | failed at ranks | IMB: invalid for |"
      echo "| --- | --- | --- | --- | --- |"
      awk -F'\t' '
        function add(a, k, s) { a[k] = (a[k] == "" ? s : a[k] " " s) }
        { key = $1 " " $2; if (!(key in built)) { order[++k] = key; built[key] = $3 }
          if ($3 == "yes") { if ($5 == "ok") add(ok, key, $4); else if ($5 == "invalid")
                             add(inv, key, $4); else add(bad, key, $4 " (" $5 ")") } }
        END { for (i = 1; i <= k; i++) { x = order[i]
          printf "| %s | %s | %s | %s | %s |\n", x, built[x], (ok[x] == "" ? "-" : ok[x]),
            (bad[x] == "" ? "-" : bad[x]), (inv[x] == "" ? "-" : inv[x]) } }' "$results/imb.tsv"
    fi
    if [ -s "$results/mpi4py.tsv" ]; then
      echo
      echo "| mpi4py ranks | run | tests | passed | failures | errors | skipped |"
      echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
      awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8 }' \
        "$results/mpi4py.tsv"
    fi
  } >"$s"
  cat "$s"
}

if [ -n "$osu_src" ] && wants osu; then osu_build && osu_run; fi
if [ -n "$osu_src" ] && wants osu-hosts; then osu_hosts_run; fi
if [ -n "$imb_src" ] && wants imb; then imb_build && imb_run; fi
if [ -n "$py_src" ] && wants mpi4py; then py_build && py_run; fi
summarize
