#!/bin/sh
# Runs the Fortran shallow-water example (examples/shallow-water-f) in each of its bindings at
# several rank counts and checks that every run prints the same diagnostics, checksum and
# fingerprint and writes the same history file; one run reads the namelist from standard input;
# a bad namelist ends every rank with an error; and, given the C example, its fingerprint on the
# same grid and steps is the Fortran one.
#   run_swm.sh "NP1 NP2 ..." ZRUN WEATHER|none SWM...
set -u
nps=$1 zrun=$2 weather=$3
shift 3
limit=${ZMPI_TEST_TIMEOUT:-120}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-swm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# 97x83 cells: no tile count used here divides both sides.
cat >"$tmp/namelist.input" <<EOF
&time_control
 run_steps = 150, history_interval = 50, history_outname = 'HISTORY',
/
&domains
 e_we = 97, e_sn = 83,
/
EOF

failed=0 passed=0 ref=''
check() { # NAME LOG HISTORY|-: compares the run with the first one
  grep -E '^(step|checksum|fingerprint) ' "$2" >"$tmp/$1.sum"
  if [ "$(grep -c '^step ' "$tmp/$1.sum")" -ne 4 ] || ! grep -q '^fingerprint ' "$tmp/$1.sum"; then
    echo "FAILED: $1: not 4 step lines and a fingerprint"
    cat "$2"
    failed=$((failed + 1))
  elif [ -z "$ref" ]; then
    ref=$1
    passed=$((passed + 1))
  elif ! cmp -s "$tmp/$ref.sum" "$tmp/$1.sum"; then
    echo "FAILED: $1 differs from $ref"
    diff "$tmp/$ref.sum" "$tmp/$1.sum"
    failed=$((failed + 1))
  elif [ "$3" != - ] && ! cmp -s "$tmp/$ref.history" "$3"; then
    echo "FAILED: $1: history file differs from $ref"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}

for swm in "$@"; do
  name=$(basename "$swm")
  for np in $nps; do
    run=$name.np$np
    sed "s|HISTORY|$tmp/$run.history|" "$tmp/namelist.input" >"$tmp/$run.nml"
    if ! timeout "$limit" "$zrun" -n "$np" "$swm" "$tmp/$run.nml" >"$tmp/$run.log" 2>&1; then
      echo "FAILED: $run: exit status $?"
      cat "$tmp/$run.log"
      failed=$((failed + 1))
      continue
    fi
    echo "$run: $(head -n1 "$tmp/$run.log")"
    check "$run" "$tmp/$run.log" "$tmp/$run.history"
  done
done
[ -n "$ref" ] && sed 's/^/    /' "$tmp/$ref.sum"
# A history record: 3 INTEGER(4) + 97 * 83 REAL(8), at steps 0, 50, 100, 150.
if [ -n "$ref" ] && [ "$(wc -c <"$tmp/$ref.history")" -ne $((4 * (12 + 97 * 83 * 8))) ]; then
  echo "FAILED: $ref: the history file is not 4 records of 97x83"
  failed=$((failed + 1))
fi

# The namelist on standard input (rank 0 reads zrun's stdin), no history file.
swm=$1
sed "s|'HISTORY'|''|" "$tmp/namelist.input" >"$tmp/stdin.nml"
if timeout "$limit" "$zrun" -n 3 "$swm" <"$tmp/stdin.nml" >"$tmp/stdin.log" 2>&1; then
  check stdin "$tmp/stdin.log" -
else
  echo "FAILED: namelist on stdin: exit status $?"
  cat "$tmp/stdin.log"
  failed=$((failed + 1))
fi

# A bad namelist: rank 0 says why and every rank ends with status 2.
printf '&domains\n e_wx = 12,\n/\n' >"$tmp/bad.nml"
timeout "$limit" "$zrun" -n 3 "$swm" "$tmp/bad.nml" >"$tmp/bad.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^swm: bad namelist in ' "$tmp/bad.log"; then
  passed=$((passed + 1))
else
  echo "FAILED: bad namelist: exit status $rc"
  cat "$tmp/bad.log"
  failed=$((failed + 1))
fi

# Same scheme and initial state as the C example: same fingerprint.
if [ "$weather" != none ] && [ -n "$ref" ]; then
  timeout "$limit" "$zrun" -n 2 "$weather" --size 97x83 --steps 150 --every 0 --no-image \
    >"$tmp/weather.log" 2>&1
  if grep -q "^$(grep '^fingerprint ' "$tmp/$ref.sum")\$" "$tmp/weather.log"; then
    echo "C weather: $(grep '^fingerprint ' "$tmp/weather.log") (the same)"
    passed=$((passed + 1))
  else
    echo "FAILED: the C example differs: $(grep '^fingerprint ' "$tmp/weather.log")"
    cat "$tmp/weather.log"
    failed=$((failed + 1))
  fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
