# Functions of benchmarks/compare.sh (sourced; uses its option variables).
# shellcheck shell=bash

readonly kSources="pt2pt/latency pt2pt/bw pt2pt/bibw pt2pt/multi_lat pt2pt/latency_mt coll/barrier coll/bcast
  coll/reduce coll/allreduce coll/allgather coll/alltoall coll/gather coll/scatter coll/gatherv
  coll/scatterv coll/allgatherv coll/alltoallv coll/reduce_scatter coll/scan coll/exscan
  launch/hello
  halo/halo2d halo/halo3d"
# Benchmarks that need derived datatypes and topologies: an MPI that cannot build them is
# reported, its rows stay empty (logged in failures.tsv), and the run goes on.
readonly kDatatypeSources="halo/halo2d halo/halo3d"
readonly kAllColl="barrier bcast reduce allreduce allgather alltoall gather scatter"
# The v-collectives and scans: a speed target of their own (lib/targets.awk), so they run in
# every mode and setting, at 2 ranks and 4 (oversubscribed on 2 cores).
readonly kVColl="gatherv scatterv allgatherv alltoallv reduce_scatter scan exscan"
readonly kTargetColl="barrier bcast allreduce"

netns_name=""
host_exec_cmd=""
agent_pids=()
zmpi_key=""

log() { echo "compare.sh: $*" >&2; }

# Prints the MPIs to compare, in run order; says clearly when zmpi is absent.
# Installs the reference MPIs and tools when missing and builds zmpi (when it is the default
# build directory; another --zmpi-build is the caller's to build).
prepare_tools() {
  "$kRepo/tools/deps.sh" openmpi-bin libopenmpi-dev mpich libmpich-dev gnuplot-nox hyperfine >&2
  [[ $zmpi_build == "$kRepo/build" ]] || return 0
  log "building zmpi (cmake --preset default; incremental)"
  (cd "$kRepo" && cmake --preset default > /dev/null && cmake --build --preset default > /dev/null) ||
    { log "zmpi build failed"; exit 1; }
}

detect_mpis() {
  local found=""
  if [[ -n $only_mpis && ,$only_mpis, != *,ompi,* ]]; then
    :
  elif command -v mpicc.openmpi > /dev/null && command -v mpirun.openmpi > /dev/null; then
    found+="ompi "
  else
    log "Open MPI (mpicc.openmpi, mpirun.openmpi) not found: skipped"
  fi
  if [[ -n $only_mpis && ,$only_mpis, != *,mpich,* ]]; then
    :
  elif command -v mpicc.mpich > /dev/null && command -v mpiexec.mpich > /dev/null; then
    found+="mpich "
  else
    log "MPICH (mpicc.mpich, mpiexec.mpich) not found: skipped"
  fi
  if [[ -n $only_mpis && ,$only_mpis, != *,zmpi,* ]]; then
    log "zmpi not included (--mpis $only_mpis)"
  elif [[ -x $zmpi_build/bin/zrun && -x $zmpi_build/bin/mpicc ]]; then
    found+="zmpi"
  else
    log "zmpi NOT INCLUDED: $zmpi_build/bin/zrun or $zmpi_build/bin/mpicc is missing" \
      "(build zmpi first, or pass --zmpi-build DIR); comparing the reference MPIs only"
  fi
  echo "$found"
}

compiler_of() {
  case $1 in
    ompi) echo mpicc.openmpi ;;
    mpich) echo mpicc.mpich ;;
    zmpi) echo "$zmpi_build/bin/mpicc" ;;
  esac
}

# Same sources, same flags, one directory per MPI: <work>/<mpi>/<benchmark>.
build_all() {
  local work=$1 mpis=$2 mpi source cc
  for mpi in $mpis; do
    mkdir -p "$work/$mpi"
    cc=$(compiler_of "$mpi")
    for source in $kSources; do
      # shellcheck disable=SC2086  # kCflags is a list of flags
      if ! "$cc" $kCflags -I"$kHere" -o "$work/$mpi/$(basename "$source")" "$kHere/$source.c" \
        "$kHere/harness.c" -lpthread; then
        [[ " $kDatatypeSources " == *" $source "* ]] ||
          { log "build failed: $cc $source"; exit 1; }
        log "build failed: $cc $source (derived datatypes or topologies missing?): NOT RUN"
      fi
    done
  done
  log "built $(echo $kSources | wc -w) benchmarks for: $mpis ($kCflags)"
}

describe_machine() {
  local mpis=$1
  echo "# zmpi benchmark comparison"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $kNcores cores," \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "note: shared 2-core VM, other jobs running (noisy): read medians, not single runs"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "compiler flags (all MPIs): $kCflags; reps: $reps; quick: $quick; settings: $settings"
  echo "run order: interleaved per rep and benchmark: $mpis"
  for mpi in $mpis; do
    case $mpi in
      ompi) echo "openmpi: $(mpirun.openmpi --version 2>&1 | head -1)" ;;
      mpich) echo "mpich: $(mpichversion 2>/dev/null | awk -F'\t' '/Version|Device/ {printf "%s ", $2}')" ;;
      zmpi) echo "zmpi: $(git -C "$kRepo" rev-parse --short HEAD 2>/dev/null) ($zmpi_build)" ;;
    esac
  done
  echo "gcc: $(gcc --version | head -1)"
}

# Iteration options per benchmark class and setting. Full mode keeps OSU's counts where they
# fit the time budget; see docs/benchmarks.md.
args_for() {
  local class=$1 setting=$2
  if [[ $quick -eq 1 ]]; then
    case $class in
      lat) echo "-m :1M -i 200 -x 20" ;;
      mt) echo "-m 8:64K -i 100 -x 10" ;;
      bw) echo "-m :1M -i 5 -x 1" ;;
      coll) echo "-i 50 -x 5" ;;
      over) echo "-m 8:64K -i 20 -x 5" ;;
      halo | halo_over) echo "-m :1M -i 20 -x 2" ;;
    esac
    return
  fi
  case $class in
    lat) [[ $setting == shm ]] && echo "" || echo "-i 1000 -x 100" ;;
    mt) [[ $setting == shm ]] && echo "-m :1M -i 2000 -x 200" || echo "-m :1M -i 500 -x 50" ;;
    bw) echo "" ;;
    coll) [[ $setting == shm ]] && echo "" || echo "-i 200 -x 20" ;;
    over) echo "-m 8:1M -i 50 -x 5" ;;
    # OSU latency counts (1000 per size above 8 KiB) would spend ~20 s per run at 4 MiB faces.
    halo) echo "-i 200 -x 20" ;;
    halo_over) echo "-i 50 -x 5" ;;
  esac
}

# Prints the cases of a setting, one per line: benchmark ranks args... (only the benchmarks
# --bench names, when given).
cases_for() {
  if [[ -n $only_bench ]]; then
    all_cases_for "$@" | awk -v keep=",$only_bench," 'index(keep, "," $1 ",") > 0'
  else
    all_cases_for "$@"
  fi
}

all_cases_for() {
  local setting=$1 name coll_list
  echo "latency 2 $(args_for lat "$setting")"
  echo "bw 2 $(args_for bw "$setting")"
  echo "bibw 2 $(args_for bw "$setting")"
  # MPI_THREAD_MULTIPLE ping-pong, 2 threads per rank (OSU's -t 2:2): 4 busy threads, so not
  # bound to cores (see launch_cmd).
  echo "latency_mt 2 $(args_for mt "$setting")"
  coll_list=$kAllColl
  [[ $setting == netns || $quick -eq 1 ]] && coll_list=$kTargetColl
  for name in $coll_list $kVColl; do echo "$name 2 $(args_for coll "$setting")"; done
  # 4 ranks on 2 cores (or 2 per namespace host): oversubscribed, so few iterations.
  for name in $kTargetColl $kVColl; do echo "$name 4 $(args_for over "$setting")"; done
  # Halo exchanges (derived datatypes): 1 KiB - 4 MiB faces, 2 ranks and 4 (oversubscribed here).
  for name in halo2d halo3d; do
    echo "$name 2 $(args_for halo "$setting")"
    echo "$name 4 $(args_for halo_over "$setting")"
  done
}

# Sets the array `cmd` to the launch command of one run of `bench` (optional): no binding when
# the ranks outnumber the cores or the benchmark runs threads of its own (latency_mt: a rank
# bound to one core would run its threads there in turns).
launch_cmd() {
  local mpi=$1 setting=$2 np=$3 bench=${4:-}
  local over=0 hosts1 hosts2
  [[ $np -gt $kNcores || $bench == latency_mt ]] && over=1
  hosts1="h1:$((np / 2)),h2:$((np - np / 2))"
  case $mpi.$setting in
    ompi.shm | ompi.tcp)
      cmd=(mpirun.openmpi --allow-run-as-root -n "$np")
      [[ $over -eq 1 ]] && cmd+=(--oversubscribe --bind-to none) || cmd+=(--bind-to core)
      [[ $setting == tcp ]] && cmd+=(--mca pml ob1 --mca btl tcp,self
        --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
      ;;
    mpich.shm | mpich.tcp)
      cmd=()
      [[ $setting == tcp ]] && cmd=(env MPIR_CVAR_NOLOCAL=1 UCX_TLS=tcp,self UCX_NET_DEVICES=lo)
      cmd+=(mpiexec.mpich -n "$np")
      [[ $over -eq 1 ]] || cmd+=(-bind-to core)
      ;;
    zmpi.shm | zmpi.tcp)
      cmd=()
      [[ $setting == tcp ]] && cmd=(env ZMPI_TRANSPORT=ofi)
      cmd+=("$zmpi_build/bin/zrun" -n "$np")
      [[ $over -eq 1 ]] && cmd+=(--bind-to none) || cmd+=(--bind-to core)
      ;;
    ompi.netns)
      # shellcheck disable=SC2206  # host_exec_cmd is a command prefix
      cmd=($host_exec_cmd h1 mpirun.openmpi --allow-run-as-root -n "$np" --host "$hosts1"
        --bind-to none --mca plm_rsh_agent "$kHere/lib/host_rsh.sh" --mca plm_rsh_no_tree_spawn 1
        --mca btl_tcp_if_include 198.51.100.0/24 --mca oob_tcp_if_include 198.51.100.0/24)
      ;;
    mpich.netns)
      # shellcheck disable=SC2206
      cmd=($host_exec_cmd h1 env UCX_NET_DEVICES=eth0 mpiexec.mpich -launcher ssh
        -launcher-exec "$kHere/lib/host_rsh.sh" -hosts "$hosts1" -n "$np")
      ;;
    zmpi.netns)
      # shellcheck disable=SC2206
      # zrun's --host takes ADDRESS[:PORT[:SLOTS]]; the agents are found by name over mDNS and
      # --map-by node alternates hosts, which gives the same split as hosts1.
      cmd=($host_exec_cmd h1 "$zmpi_build/bin/zrun" --key-file "$zmpi_key" --host h1,h2
        --map-by node -n "$np" --bind-to none)
      ;;
  esac
  return 0
}

readonly kHungAfterResults=250
readonly kExitGraceSeconds=30

# Runs argv with stdout to FILE, stderr to FILE.err, within --timeout. A run that printed its last
# line ("# verification: ...") but has not exited kExitGraceSeconds later is killed and returns
# kHungAfterResults: its measurements are complete (seen with MPICH/UCX over TCP, which sometimes
# hangs in MPI_Finalize), and waiting out the whole timeout would only cost time.
run_watched() {
  local file=$1 pid done_at=0 now rc=0
  shift
  timeout --kill-after=10 "$run_timeout" "$@" < /dev/null > "$file" 2> "$file.err" &
  pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    sleep 0.5
    if [[ $done_at -eq 0 ]] && grep -q '^# verification:' "$file"; then done_at=$SECONDS; fi
    if [[ $done_at -gt 0 && $((SECONDS - done_at)) -ge $kExitGraceSeconds ]]; then
      kill "$pid" 2> /dev/null || true
      wait "$pid" 2> /dev/null || true
      return "$kHungAfterResults"
    fi
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# One benchmark run; appends its data lines to samples.tsv, or logs the failure.
run_one() {
  local mpi=$1 setting=$2 rep=$3 work=$4 bench=$5 np=$6
  shift 6
  local file=$raw/$setting/$mpi/$bench.np$np.rep$rep.txt unit=us rc=0
  mkdir -p "$(dirname "$file")"
  if [[ ! -x $work/$mpi/$bench ]]; then
    echo -e "$setting\t$mpi\t$bench\t$np\t$rep\tnot-built" >> "$raw/failures.tsv"
    return 0
  fi
  launch_cmd "$mpi" "$setting" "$np" "$bench"
  run_watched "$file" "${cmd[@]}" "$work/$mpi/$bench" "$@" || rc=$?
  if [[ $rc -eq $kHungAfterResults ]] && grep -q -E '^# verification: (off|passed)' "$file"; then
    log "HUNG after its results ($setting $mpi $bench np=$np rep=$rep): killed, results kept"
    echo -e "$setting\t$mpi\t$bench\t$np\t$rep\thung-after-results" >> "$raw/failures.tsv"
    rc=0
  fi
  if [[ $rc -ne 0 ]] || ! grep -q -E '^# verification: (off|passed)' "$file"; then
    log "FAILED ($rc): $setting $mpi $bench np=$np rep=$rep, see $file{,.err}"
    echo -e "$setting\t$mpi\t$bench\t$np\t$rep\t$rc" >> "$raw/failures.tsv"
    return 0
  fi
  [[ $bench == bw || $bench == bibw || $bench == halo2d || $bench == halo3d ]] && unit=MB/s
  awk -v pre="$setting	$bench	$np	$mpi	$rep" -v unit="$unit" \
    '$1 ~ /^[0-9]+$/ && NF >= 2 {print pre "\t" $1 "\t" $2 "\t" unit}' "$file" >> "$raw/samples.tsv"
}

# Whole-command wall time of `<launcher> -n 2 ./hello`: hyperfine's median of a few runs.
run_launch() {
  local mpi=$1 setting=$2 rep=$3 work=$4 runs=10 json line
  [[ $quick -eq 1 ]] && runs=5
  json=$raw/$setting/$mpi/hello.rep$rep.json
  mkdir -p "$(dirname "$json")"
  launch_cmd "$mpi" "$setting" 2
  line=$(printf '%q ' "${cmd[@]}" "$work/$mpi/hello")
  if ! timeout "$run_timeout" hyperfine -S bash --runs "$runs" --warmup 1 --export-json "$json" \
    --style none -- "$line" < /dev/null > "$json.log" 2>&1; then
    log "FAILED: launch $setting $mpi rep=$rep, see $json.log"
    echo -e "$setting\t$mpi\thello\t2\t$rep\tlaunch" >> "$raw/failures.tsv"
    return 0
  fi
  awk -v pre="$setting	launch_hello	2	$mpi	$rep" -F: '/"median"/ {
      gsub(/[ ,]/, "", $2); printf "%s\t0\t%.3f\tms\n", pre, $2 * 1000; exit }' "$json" \
    >> "$raw/samples.tsv"
}

setup_netns() {
  local work=$1 mpis=$2 h
  if [[ -n $host_exec ]]; then
    host_exec_cmd=$host_exec
  else
    netns_name=zb$$
    "$kHere/lib/netns.sh" up "$netns_name" 2
    host_exec_cmd="$kHere/lib/netns.sh exec $netns_name"
  fi
  export BENCH_HOST_EXEC=$host_exec_cmd
  [[ $mpis == *zmpi* ]] || return 0
  if [[ ! -x $zmpi_build/bin/zrund ]]; then
    log "zmpi skipped in netns: $zmpi_build/bin/zrund missing"
    return 1
  fi
  zmpi_key=$work/cluster.key
  "$zmpi_build/bin/zrun" --new-key "$zmpi_key" || { log "zrun --new-key failed"; return 1; }
  # A root zrund runs jobs as nobody, who cannot read this run's private work folder: as root,
  # the agents run the benchmarks as root, as Open MPI's and MPICH's launchers do here.
  local as_root=()
  [[ $(id -u) -eq 0 ]] && as_root=(--run-as-root)
  for h in h1 h2; do
    # shellcheck disable=SC2086
    $host_exec_cmd "$h" "$zmpi_build/bin/zrund" --key-file "$zmpi_key" --name "$h" \
      "${as_root[@]}" > "$raw/zrund.$h.log" 2>&1 &
    agent_pids+=($!)
  done
  sleep 2
}

teardown_netns() {
  local pid
  # The recorded PIDs are the unshare wrappers, which ignore SIGTERM while their child runs:
  # `netns.sh down` kills every process of the namespaces (agents included) first, then the
  # wrappers can be reaped.
  if [[ -n $netns_name ]]; then
    "$kHere/lib/netns.sh" down "$netns_name" || true
    netns_name=""
  fi
  for pid in "${agent_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${agent_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  agent_pids=()
}

cleanup() { teardown_netns; }

run_setting() {
  local setting=$1 work=$2 mpis=$3 rep mpi line
  if [[ $setting == netns ]]; then
    setup_netns "$work" "$mpis" || mpis=${mpis/zmpi/}
  fi
  log "setting $setting: $reps reps of $(cases_for "$setting" | wc -l) benchmarks + launch, MPIs: $mpis"
  for ((rep = 1; rep <= reps; rep++)); do
    while read -r line; do
      for mpi in $mpis; do
        # shellcheck disable=SC2086  # line is "benchmark ranks args..."
        run_one "$mpi" "$setting" "$rep" "$work" $line
      done
    done < <(cases_for "$setting")
    if [[ -z $only_bench || ,$only_bench, == *,hello,* ]]; then
      for mpi in $mpis; do run_launch "$mpi" "$setting" "$rep" "$work"; done
    fi
    log "setting $setting: rep $rep/$reps done (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  [[ $setting == netns ]] && teardown_netns
  return 0
}

# compare.png: one row per setting: latency and bandwidth against message size, and the
# collectives the speed targets cover (time per call, clustered per MPI).
plot() {
  local dir=$1 work=$2 setting bench rows=0 script=$work/plot.gp
  command -v gnuplot > /dev/null || { log "gnuplot missing: no plot"; return 0; }
  for setting in shm tcp netns; do
    grep -q "^$setting,latency," "$dir/medians.csv" || continue
    rows=$((rows + 1))
    for bench in latency bw; do
      awk -F, -v s="$setting" -v b="$bench" '$1 == s && $2 == b {
          printf "%s %s %s %s\n", $4, ($6 == "" ? "?" : $6), ($7 == "" ? "?" : $7),
            ($8 == "" ? "?" : $8) }' "$dir/medians.csv" > "$work/$setting.$bench.dat"
    done
    awk -F, -v s="$setting" '$1 == s && ($2 == "barrier" ||
          (($2 == "bcast" || $2 == "allreduce") && ($4 == 8 || $4 == 1048576))) {
          size = $4 == 1048576 ? " 1M" : ($2 == "barrier" ? "" : " 8B")
          printf "\"%s%s n%s\" %s %s %s\n", $2, size, $3, ($6 == "" ? "?" : $6),
            ($7 == "" ? "?" : $7), ($8 == "" ? "?" : $8) }' "$dir/medians.csv" \
      > "$work/$setting.coll.dat"
  done
  [[ $rows -gt 0 ]] || return 0
  {
    echo "set terminal pngcairo size 2000,$((rows * 420)) font ',10'"
    echo "set output '$dir/compare.png'"
    echo "set datafile missing '?'"
    echo "set multiplot layout $rows,3 title 'zmpi vs Open MPI vs MPICH, medians of $reps runs ($(date -u +%Y-%m-%d), $kNcores-core VM, noisy)'"
    echo "set logscale xy; set grid; set key top left"
    echo "set xrange [0.4:8e6]; set xtics ('0' 0.5, '1' 1, '16' 16, '256' 256, '4K' 4096, '64K' 65536, '1M' 1048576, '4M' 4194304)"
    echo "set xlabel 'message size, bytes (0 drawn at 0.5)'"
    for setting in shm tcp netns; do
      [[ -f $work/$setting.latency.dat ]] || continue
      echo "set title '$setting: ping-pong latency (lower is better)'; set ylabel 'us'"
      echo "plot '$work/$setting.latency.dat' u (\$1>0?\$1:0.5):2 w lp t 'Open MPI', '' u (\$1>0?\$1:0.5):3 w lp t 'MPICH', '' u (\$1>0?\$1:0.5):4 w lp t 'zmpi'"
      echo "set title '$setting: bandwidth, window 64 (higher is better)'; set ylabel 'MB/s'"
      echo "plot '$work/$setting.bw.dat' u 1:2 w lp t 'Open MPI', '' u 1:3 w lp t 'MPICH', '' u 1:4 w lp t 'zmpi'"
      echo "set title '$setting: collectives, time per call (lower is better)'; set ylabel 'us'"
      echo "set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8"
      echo "unset logscale x; set logscale y; set autoscale x; set xtics rotate by -35 auto; unset xlabel"
      echo "plot '$work/$setting.coll.dat' u 2:xtic(1) t 'Open MPI', '' u 3 t 'MPICH', '' u 4 t 'zmpi'"
      echo "set style data linespoints; set logscale xy; set xrange [0.4:8e6]; set xtics norotate"
      echo "set xtics ('0' 0.5, '1' 1, '16' 16, '256' 256, '4K' 4096, '64K' 65536, '1M' 1048576, '4M' 4194304)"
      echo "set xlabel 'message size, bytes (0 drawn at 0.5)'"
    done
    echo "unset multiplot"
  } > "$script"
  gnuplot "$script" 2> "$work/gnuplot.log" || log "gnuplot failed: $(head -3 "$work/gnuplot.log")"
}
