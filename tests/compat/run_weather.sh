#!/bin/sh
# Runs the weather example at several rank counts and checks that every run prints the same
# final mass/energy line and checksum, and writes the same picture.
#   run_weather.sh WEATHER "NP1 NP2 ..." LAUNCHER [LAUNCHER ARGS...]
# The launcher is called as `LAUNCHER... NP WEATHER ARGS`, e.g.
#   run_weather.sh build/bin/weather "1 4" build/bin/zrun -n
#   run_weather.sh ./weather "1 2 3 4 6" mpirun --oversubscribe -n
set -u
weather=$1 nps=$2
shift 2
# An uneven grid: no tile count used here divides both sides.
args="--size 97x83 --steps 150 --every 50"
limit=${ZMPI_TEST_TIMEOUT:-120}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-weather.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

failed=0 passed=0 ref=''
for np in $nps; do
  out=$tmp/np$np
  # shellcheck disable=SC2086 # args is a list of words
  if ! timeout "$limit" "$@" "$np" "$weather" $args --out "$out.ppm" >"$out.log" 2>&1; then
    echo "FAILED: $np ranks: exit status $?"
    cat "$out.log"
    failed=$((failed + 1))
    continue
  fi
  # The last mass/energy line and the checksum: exact for any number of ranks.
  grep -E '^step +150 ' "$out.log" | sed 's/  min h.*//' >"$out.sum"
  grep -E '^(checksum|fingerprint) ' "$out.log" >>"$out.sum"
  echo "$np ranks: $(grep '^weather:' "$out.log")"
  sed 's/^/    /' "$out.sum"
  if [ "$(wc -l <"$out.sum")" -ne 3 ]; then
    echo "FAILED: $np ranks: no final step, checksum or fingerprint line"
    cat "$out.log"
    failed=$((failed + 1))
  elif ! head -c 15 "$out.ppm" | grep -q '^P6$' ||
      [ "$(wc -c <"$out.ppm")" -ne $((13 + 97 * 83 * 3)) ]; then
    echo "FAILED: $np ranks: $out.ppm is not a 97x83 binary PPM"
    failed=$((failed + 1))
  elif [ -z "$ref" ]; then
    ref=$np
    passed=$((passed + 1))
  elif cmp -s "$tmp/np$ref.sum" "$out.sum" && cmp -s "$tmp/np$ref.ppm" "$out.ppm"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $np ranks differ from $ref ranks"
    diff "$tmp/np$ref.sum" "$out.sum"
    cmp "$tmp/np$ref.ppm" "$out.ppm"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
