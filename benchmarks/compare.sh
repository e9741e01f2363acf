#!/usr/bin/env bash
# Side-by-side benchmark run: zmpi against Debian's Open MPI and MPICH (docs/benchmarks.md).
#
#   benchmarks/compare.sh [--quick] [--reps N] [--settings shm,tcp,netns] [--out DIR]
#                         [--zmpi-build DIR] [--host-exec CMD] [--mpis ompi,mpich,zmpi]
#                         [--timeout SEC] [--keep] [--no-prepare] [--bench LIST]
#
# From a fresh clone it first installs what is missing (tools/deps.sh plus the reference MPIs,
# gnuplot and hyperfine: Debian packages, as root or with sudo) and builds zmpi into build/
# (incremental); --no-prepare skips both.
#
# Builds the same benchmark sources with each MPI's compiler wrapper and the same flags, runs them
# interleaved (Open MPI, MPICH, zmpi, Open MPI, MPICH, zmpi, ...) --reps times per setting, and
# writes into --out (default benchmarks/results): medians.csv (median per MPI, setting, benchmark,
# ranks and size, with zmpi's ratios), summary.txt (the table printed at the end, then the speed
# targets with zmpi's worst case for each), machine.txt
# (what was measured where) and compare.png (latency and bandwidth plots). Raw outputs go to
# <out>/raw/ (not committed).
#
# Settings: shm   one host, each MPI's default (shared memory);
#           tcp   one host, forced over TCP on loopback;
#           netns two hosts made of network namespaces (198.51.100.0/24), one rank per host for
#                 point-to-point. --host-exec CMD gives the cluster harness's per-host wrapper
#                 ("CMD HOST argv..."); without it this script makes its own (lib/netns.sh).
# --bench gatherv,scan,hello runs only these benchmarks (names as in medians.csv; hello is the
# launch test), e.g. to re-measure one target's rows.
# zmpi is included when <zmpi-build>/bin/zrun and <zmpi-build>/bin/mpicc exist (default build
# dir: <repo>/build); otherwise the run says so and compares Open MPI with MPICH only.
set -euo pipefail

readonly kHere=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly kRepo=$(cd "$kHere/.." && pwd)
readonly kCflags="-O2 -std=c99"
readonly kNcores=$(nproc)
readonly kMpis="ompi mpich zmpi"

reps=5
quick=0
settings=shm,tcp,netns
out=$kHere/results
zmpi_build=$kRepo/build
host_exec=""
keep=0
prepare=1
only_mpis=""
run_timeout=600
only_bench=""

usage() { sed -n '2,/^set /{/^#/p}' "$0"; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1; reps=3 ;;
    --reps) reps=$2; shift ;;
    --settings) settings=$2; shift ;;
    --out) out=$2; shift ;;
    --zmpi-build) zmpi_build=$2; shift ;;
    --host-exec) host_exec=$2; shift ;;
    --keep) keep=1 ;;
    --no-prepare) prepare=0 ;;
    --mpis) only_mpis=$2; shift ;;
    --timeout) run_timeout=$2; shift ;;
    --bench) only_bench=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --reps needs a positive number" >&2; exit 2; }

source "$kHere/lib/compare_lib.sh"

main() {
  local work mpis setting
  work=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-compare.XXXXXX")
  raw=$out/raw
  rm -rf "$raw"
  mkdir -p "$raw" "$out"
  trap 'cleanup' EXIT
  trap 'exit 130' INT TERM
  [[ $prepare -eq 1 ]] && prepare_tools
  mpis=$(detect_mpis)
  build_all "$work" "$mpis"
  describe_machine "$mpis" > "$out/machine.txt"
  : > "$raw/samples.tsv"
  for setting in ${settings//,/ }; do
    run_setting "$setting" "$work" "$mpis"
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
  awk -f "$kHere/lib/medians.awk" "$raw/samples.tsv" > "$out/medians.csv"
  { awk -F, -f "$kHere/lib/summary.awk" "$out/medians.csv"
    awk -F, -f "$kHere/lib/targets.awk" "$out/medians.csv"; } | tee "$out/summary.txt"
  plot "$out" "$work"
  [[ $keep -eq 1 ]] && echo "compare.sh: builds kept in $work" || rm -rf "$work"
  echo "compare.sh: wrote $out/medians.csv, summary.txt, machine.txt, compare.png"
}

main
