#!/bin/sh
# ThreadSanitizer run of everything that uses threads in zmpi (docs/sanitizers.md): builds the
# "tsan" preset (build-tsan/, -fsanitize=thread -O1 -g) for libmpi, zrun and the threaded
# tests only, then runs the unit tests of the library lock, matching, the engine and the
# context pool (core_test), the shm rings and copy assist (shm_test), the tcp endpoint
# (tcp_test), and the MPI_THREAD_MULTIPLE jobs through zrun over shm, ofi and mixed (thread,
# thread_shared, thread_objects, thread_levels_*, comm_threads, mpit). Fails when a test
# fails or any process printed a ThreadSanitizer report (one after a rank's "OK" included).
# Extra arguments go to ctest (e.g. -R 'job\.thread\.').
#   tools/tsan.sh
# Cost (2026-12-07, 2 shared cores, load 7-11): 3 min 53 s from an empty build-tsan/ without
# ccache (configure and build 167 s, 122 tests 66 s); tools/test-all.sh runs it in CI.
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
cmake --preset tsan >/dev/null
cmake --build --preset tsan --target mpi zrun core_test shm_test tcp_test thread_test \
  thread_shared_test thread_levels_test thread_objects_test comm_threads_test mpit_test
built=$(date +%s)
units='^(ThreadsTest|MatchingTest|ReadOrChunks/EngineTest|ContextPoolTest|AttributesTest|ObjectsTest|GroupTest|DataModelTest|RingTest|CopyAssistTest|ShmEndpointTest|ShmMultiProcessTest|TcpEndpoint)[./]'
jobs='^job\.(thread|thread_shared|thread_objects|thread_levels_tool|thread_levels_world|comm_threads|mpit)\.'
log=build-tsan/tsan-tests.log
status=0
ctest --preset tsan -j2 -V -R "$units|$jobs" "$@" >"$log" 2>&1 || status=$?
# The summary: failed tests (with ctest's reason) and the count line.
grep -E '\*\*\*[A-Z]|Not Run|% tests passed' "$log" || true
if grep -q 'WARNING: ThreadSanitizer' "$log"; then
  echo "tsan: ThreadSanitizer reports (full output: $log):"
  grep -A30 'WARNING: ThreadSanitizer' "$log" | head -200
  status=1
fi
end=$(date +%s)
echo "tsan build: $((built - start)) s, tests: $((end - built)) s (status $status)"
exit "$status"
