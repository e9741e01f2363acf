#!/bin/sh
# Command 1 of the README: install what is missing, build, and run the weather example with
# zrun on every core this machine offers (-n auto).
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
exec build/bin/zrun -n auto build/bin/weather --out weather.ppm "$@"
