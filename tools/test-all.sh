#!/bin/sh
# Command 2 of the README (and CI): install what is missing, build with warnings as errors,
# run every test (units, multi-process jobs through zrun, network-namespace cluster tests),
# then cross-build for aarch64 and run its units, zrun jobs and the weather fingerprint under
# qemu-user (tools/cross-aarch64.sh; it compares the fingerprint with this native build's),
# build again with ASan+UBSan and run the units and zrun jobs under them, build the threaded
# parts with ThreadSanitizer and run their tests (tools/tsan.sh), then build the
# portable profile (what a Haiku host builds: no libfabric, no PMIx, no Linux-only call;
# docs/haiku.md) and run its test suite. The last lines are a summary: each stage, its time,
# the tests that failed, and any test of the sanitizer or portable stages that passed only on
# its one rerun (reported as FLAKY, never hidden).
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
status=0
summary=''
# note STAGE RC SECONDS [BUILD_DIR]: one line per stage for the summary printed last (CI keeps
# only the tail of the output), with the tests ctest recorded as failed in BUILD_DIR.
note() {
  [ "$2" = 0 ] || status=$2
  line="$1: $([ "$2" = 0 ] && echo ok || echo "FAILED (exit $2)") in $3 s"
  if [ "$2" != 0 ] && [ -n "${4:-}" ] && [ -s "$4/Testing/Temporary/LastTestsFailed.log" ]; then
    line="$line; failed tests: $(cut -d: -f2 "$4/Testing/Temporary/LastTestsFailed.log" | tr '\n' ' ')"
  fi
  summary="$summary$line
"
}
# The sanitizer and portable stages rerun a failed test once (ctest --repeat until-pass:2):
# their instrumented or alternative builds run the same tests as the native stage, slower, on
# CI's 2 loaded cores. A test that passes only on its rerun is not hidden: flaky LOG DIR adds
# a summary line naming it. The native stage reruns nothing.
readonly kRerun='--repeat until-pass:2'
flaky() {
  [ -s "$1" ] || return 0
  names=$(sed -n 's/.*Test *#[0-9]*: \([^ ]*\) .*\*\*\*.*/\1/p' "$1" | sort -u)
  failed=$(cut -d: -f2 "$2/Testing/Temporary/LastTestsFailed.log" 2>/dev/null || true)
  for n in $names; do
    printf '%s\n' "$failed" | grep -qxF "$n" && continue
    summary="${summary}FLAKY in $2: $n failed, then passed on its rerun (see $1)
"
  done
}
start=$(date +%s)
rc=0; tools/cross-aarch64.sh all || rc=$?
note "aarch64 cross build and qemu tests" $rc $(($(date +%s) - start)) build-aarch64
# The same code under AddressSanitizer + UBSan (CMakePresets.json "asan", docs/sanitizers.md):
# a separate build tree; its tests are the units (ofi's included), the zrun jobs over shm and
# zrun's own tests, not the jobs' ofi twins, namespace clusters, other launchers, benchmarks and
# drop-in tests (the CI budget, and programs built elsewhere that cannot load an instrumented
# libmpi first; docs/sanitizers.md), nor the scale jobs (256 and 64 ranks, 20,000
# communicators: 3.5 minutes of the stage under ASan, for code the smaller jobs run too).
# ZMPI_ASAN=0 skips the stage.
ZMPI_ASAN_SKIP='^(bench\.|compat_|hydra\.|slurm\.|refuse\.|singleton\.|discovery_cluster_|cluster_|zrund_cluster_|hostile_lan_|fault_matrix_|owner_|ofi_netns_iface|gen_|api_|zrun_doctor)|^job\..*\.ofi$|^job\.(shm_scale_|comm_many_20k)'
if [ "${ZMPI_ASAN:-1}" != 0 ]; then
  start=$(date +%s)
  rm -f build-asan/Testing/Temporary/LastTestsFailed.log build-asan/ctest.log
  rc=0; cmake --preset asan >/dev/null && cmake --build --preset asan || rc=$?
  if [ $rc = 0 ]; then
    { r=0; ctest --preset asan -j2 $kRerun -E "$ZMPI_ASAN_SKIP" || r=$?
      echo $r >build-asan/ctest.rc; } | tee build-asan/ctest.log
    rc=$(cat build-asan/ctest.rc)
  fi
  note "asan build and tests" $rc $(($(date +%s) - start)) build-asan
  flaky build-asan/ctest.log build-asan
fi
# ThreadSanitizer over what uses threads (tools/tsan.sh, docs/sanitizers.md): its own build
# tree with libmpi, zrun and the threaded tests only, then the lock/matching/engine/shm/tcp
# units and the MPI_THREAD_MULTIPLE jobs over shm, ofi and mixed; about 4 minutes from cold
# on 2 shared cores. ZMPI_TSAN=0 skips the stage.
if [ "${ZMPI_TSAN:-1}" != 0 ]; then
  start=$(date +%s)
  rm -f build-tsan/Testing/Temporary/LastTestsFailed.log build-tsan/tsan-tests.log
  rc=0; tools/tsan.sh $kRerun || rc=$?
  note "tsan build and tests" $rc $(($(date +%s) - start)) build-tsan
  flaky build-tsan/tsan-tests.log build-tsan
fi
start=$(date +%s)
rm -f build-portable/Testing/Temporary/LastTestsFailed.log build-portable/ctest.log
# Its platform-free units (tests/CMakeLists.txt) already ran in the normal build: not again.
rc=0; cmake --preset portable -DZMPI_TEST_PLATFORM_FREE_UNITS=OFF >/dev/null &&
  cmake --build --preset portable || rc=$?
if [ $rc = 0 ]; then
  { r=0; ctest --preset portable -j2 $kRerun "$@" || r=$?
    echo $r >build-portable/ctest.rc; } | tee build-portable/ctest.log
  rc=$(cat build-portable/ctest.rc)
fi
note "portable build and tests" $rc $(($(date +%s) - start)) build-portable
flaky build-portable/ctest.log build-portable
start=$(date +%s)
rm -f build/Testing/Temporary/LastTestsFailed.log
rc=0; ctest --preset ci -j2 "$@" || rc=$?
note "native tests" $rc $(($(date +%s) - start)) build
echo "== test-all summary =="
printf '%s' "$summary"
exit "$status"
