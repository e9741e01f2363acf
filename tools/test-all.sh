#!/bin/sh
# Command 2 of the README (and CI): install what is missing, build with warnings as errors,
# run every test (units, multi-process jobs through zrun, network-namespace cluster tests),
# then cross-build for aarch64 and run its units, zrun jobs and the weather fingerprint under
# qemu-user (tools/cross-aarch64.sh; it compares the fingerprint with this native build's),
# then build the portable profile (what a Haiku host builds: no libfabric, no PMIx, no
# Linux-only call; docs/haiku.md) and run its test suite.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
status=0
start=$(date +%s)
tools/cross-aarch64.sh all || status=$?
echo "aarch64 cross build and qemu tests: $(($(date +%s) - start)) s"
start=$(date +%s)
{ cmake --preset portable >/dev/null && cmake --build --preset portable &&
  ctest --preset portable -j2 "$@"; } || status=$?
echo "portable build and tests: $(($(date +%s) - start)) s"
# ctest last, so its summary closes the output.
ctest --preset ci -j2 "$@" || status=$?
exit "$status"
