#!/bin/sh
# zrun's standard input, --version, its mpiexec/mpirun names and where a plain run goes, through
# the real binary on this machine (no agent is ever started: the runs that would need one must
# stop with a message first).
#   check_zrun_cli.sh ZRUN_DIR   (holding zrun, mpiexec, mpirun)
set -u
bin=$1
zrun=$bin/zrun
passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; }
# same NAME GOT WANT
same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi; }
# Runs zrun (bounded), stdout sorted (ranks print in any order) into $out, status in $status.
z() {
  timeout 60 "$zrun" --oversubscribe "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
  out=$(sort "$tmp/out")
}
count='n=$(cat | wc -c); echo "$n"'

# --- stdin: rank 0 by default, --stdin RANK|all|none.
printf 'line 1\nline 2\n' >"$tmp/two_lines"
z -n 3 --tag-output sh -c "$count" <"$tmp/two_lines"
same "a file on stdin reaches rank 0 only" "$(echo $out)" "[0] 14 [1] 0 [2] 0"
z -n 3 --tag-output --stdin 2 sh -c "$count" <"$tmp/two_lines"
same "--stdin 2" "$(echo $out)" "[0] 0 [1] 0 [2] 14"
z -n 3 --tag-output --stdin none sh -c "$count" <"$tmp/two_lines"
same "--stdin none" "$(echo $out)" "[0] 0 [1] 0 [2] 0"
out=$(printf 'line 1\nline 2\n' | timeout 60 "$zrun" -n 3 --stdin all --oversubscribe --tag-output \
  sh -c "$count" 2>/dev/null | sort)
same "--stdin all from a pipe" "$(echo $out)" "[0] 14 [1] 14 [2] 14"
# 2 MiB through the feeder to two ranks, byte for byte.
head -c 2097152 /dev/urandom >"$tmp/big"
want=$(cksum <"$tmp/big")
out=$(cat "$tmp/big" | timeout 60 "$zrun" -n 2 --stdin all --tag-output sh -c cksum 2>/dev/null | sort)
same "2 MiB to every rank" "$(echo $out)" "[0] $want [1] $want"
out=$(cat "$tmp/big" | timeout 60 "$zrun" -n 2 --tag-output sh -c cksum 2>/dev/null | sort | head -n 1)
same "2 MiB through a pipe to rank 0" "$out" "[0] $want"
# A rank that stops reading (and exits) must not hold the job or zrun.
if out=$(yes | timeout 30 "$zrun" -n 2 --stdin all --tag-output head -n 1 2>&1); then
  same "readers that stop early" "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "[0] y [1] y "
else
  fail "readers that stop early: exit $? ($out)"
fi
z -n 2 --stdin 2 true </dev/null
same "--stdin past the last rank fails" "$status" "1"
grep -q -- "--stdin 2: no such rank (the job has 2)" "$tmp/err" && pass "... saying so" ||
  fail "--stdin 2 message: $(cat "$tmp/err")"
# A terminal: a rank in its own process group cannot read it, so zrun's feeder does.
if command -v script >/dev/null; then
  out=$( (sleep 1; printf 'typed\n'; sleep 1; printf '\004') |
    timeout 30 script -qec "$zrun -n 2 --tag-output sh -c 'read a; echo got:\$a'" /dev/null |
    tr -d '\r' | grep '^\[' | sort | tr '\n' ' ')
  same "a terminal on stdin reaches rank 0" "$out" "[0] got:typed [1] got: "
else
  fail "no script(1) to make a terminal (util-linux)"
fi

# --- names and --version.
for name in zrun mpiexec mpirun; do
  v=$("$bin/$name" --version | head -n 1)
  case $v in
    "$name (zmpi) "[0-9]*.[0-9]*.[0-9]*) pass "$name --version: $v" ;;
    *) fail "$name --version: '$v'" ;;
  esac
done
same "-V" "$("$zrun" -V | head -n 1 | cut -d' ' -f1-2)" "zrun (zmpi)"
"$bin/mpiexec" --mca btl self -n 1 true 2>"$tmp/err"
same "mpiexec refuses an unknown option" "$?" "2"
same "... in one line" "$(cat "$tmp/err")" \
  "mpiexec: unknown option '--mca' (mpiexec --help lists the options)"
out=$(timeout 60 "$bin/mpirun" -np 2 -l -wd "$tmp" -genv ZMPI_CLI_A 1 -genvlist HOME -- \
  sh -c 'echo "$ZMPI_CLI_A $HOME $(pwd)"' 2>/dev/null | sort | tr '\n' ' ')
same "mpirun -np -l -wd -genv -genvlist --" "$out" \
  "[0] 1 $HOME $(cd "$tmp" && pwd -P) [1] 1 $HOME $(cd "$tmp" && pwd -P) "
out=$(timeout 60 "$bin/mpiexec" -ppn 3 --oversubscribe -l sh -c 'echo x' 2>/dev/null | wc -l)
same "-ppn 3 alone runs 3 ranks here" "$out" "3"

# --- local unless many hosts are asked for, with the next step in every message.
home=$tmp/home
mkdir -p "$home"
out=$(HOME=$home "$zrun" --new-key "$home/.config/zmpi/cluster.key")
printf '%s\n' "$out" | grep -q "next: copy it to every machine.*zrun -n auto prog.*this machine only" &&
  pass "--new-key says the next step" || fail "--new-key: $out"
out=$(HOME=$home timeout 30 "$zrun" -n 2 --tag-output sh -c 'echo here' 2>&1 | sort | tr '\n' ' ')
same "with a cluster key, -n 2 still runs here" "$out" "[0] here [1] here "
rm "$home/.config/zmpi/cluster.key"
HOME=$home timeout 30 "$zrun" --host localhost -n 2 true 2>"$tmp/err"
same "--host without a key stops" "$?" "2"
grep -q "to run on this machine, leave them out (zrun -n N prog)" "$tmp/err" &&
  grep -q "zrun --new-key" "$tmp/err" && pass "... saying how to run here or get a key" ||
  fail "--host message: $(cat "$tmp/err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
