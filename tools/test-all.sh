#!/bin/sh
# Command 2 of the README (and CI): install what is missing, build with warnings as errors,
# run every test (units, multi-process jobs through zrun, network-namespace cluster tests).
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
exec ctest --preset ci -j2 "$@"
