#!/bin/bash
# A model's input and output files across namespace hosts (tests/cluster/harness.sh; agents
# only inside the hosts' namespaces). zrun on h1 works in a folder that h2 cannot see (h2's
# agent runs under an empty tmpfs over it); h3 sees it but, not being zrun's host, works in
# a job folder of its own as well (docs/zrund.md, "Working directory and files").
#   files_test.sh ZRUND ZRUN NAMELIST_JOB
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 job=$3
# shellcheck source=harness.sh
. "$here/harness.sh"

cluster_test_start files-test 3
work=$dir/work
mkdir -p "$work/input" "$dir/tmp"
# A root zrund runs ranks as nobody (docs/owner.md): they pass through $dir and write their
# outputs into the shared work folder, as a user's job would in the user's own folder.
chmod 711 "$dir"
chmod 1777 "$work"
printf '&domains\n time_step = 18,\n/\n' >"$work/namelist.input"
printf 'levels = 41\n' >"$work/input/levels.txt"
port=7415
declare -A log
for h in h1 h2 h3; do
  cores=1
  prefix=()
  [ $h = h1 ] && cores=2
  # shellcheck disable=SC2016
  [ $h = h2 ] && prefix=(sh -c 'mount -t tmpfs -o size=1m zrund-files "$0" && exec "$@"' "$work")
  read -r _ log[$h] < <(cluster_spawn "$h" "${prefix[@]}" env TMPDIR="$dir/tmp" XDG_RUNTIME_DIR="$dir/run" "$zrund" \
    --key-file "$key" --iface eth0 --port "$port" --cores "$cores" \
    --cache-dir "$dir/cache-$h" --work-dir "$dir/jobs-$h")
  cluster_wait_serving "${log[$h]}" || { echo "FAIL: zrund on $h did not start"; cat "${log[$h]}"; exit 1; }
done
sleep 1.0  # mDNS announcements

# 1. -n auto (discovery): rank 0 on zrun's host; staged files read everywhere; rsl.out.* back.
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work" --stage namelist.input \
  --stage input --collect 'rsl.out.*' "$job" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "^namelist_job: OK (4 ranks, rank 0 on h1, time_step 18, levels 41)" &&
  pass "staged namelist read on h1..h3, rank 0 on the launching host" || fail "run 1: exit $rc"
for r in 0 1 2 3; do
  f=$work/rsl.out.000$r
  [ -f "$f" ] || { fail "rsl.out.000$r did not come back"; continue; }
  cat "$f"
done
grep -q "host h1 .* cwd $work\$" "$work/rsl.out.0000" && grep -q "host h1 " "$work/rsl.out.0001" &&
  pass "ranks on zrun's host work in its directory" || fail "rank 0/1 cwd"
grep -q "host h2 .* cwd $dir/jobs-h2/zrun\.[0-9a-f]*\.h2\$" "$work/rsl.out.0002" &&
  grep -q "host h3 .* cwd $dir/jobs-h3/zrun\.[0-9a-f]*\.h3\$" "$work/rsl.out.0003" &&
  pass "ranks on h2/h3 worked in job folders and their rsl.out came back" || fail "rank 2/3 files"
[ "$(grep -c "staged file namelist.input received" "${log[h2]}")" = 1 ] &&
  grep -q "staged file input/levels.txt received" "${log[h2]}" &&
  pass "h2 received the staged files" || fail "h2 staging log"
grep -q "staged file" "${log[h1]}" && fail "h1 (zrun's host) was sent staged files"
[ -z "$(ls -A "$dir/jobs-h2" 2>/dev/null)" ] && [ -z "$(ls -A "$dir/jobs-h3" 2>/dev/null)" ] &&
  pass "job folders removed after the job" || fail "job folders left: $(ls "$dir"/jobs-h*)"
ls -a "$work" | grep -q zrun-collect && fail "a temporary collect file was left"

# 2. Again: h2 has the files (cache), and rsl.out.0002/3 exist here: never replaced.
cp "$work/rsl.out.0002" "$dir/first.0002"
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work" --stage namelist.input \
  --stage input --collect 'rsl.*' "$job" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "^namelist_job: OK (4 ranks" &&
  [ "$(grep -c "staged file namelist.input received" "${log[h2]}")" = 1 ] &&
  pass "second job: h2 used its cached copy" || fail "run 2: exit $rc"
echo "$out" | grep -qx "zrun: warning: rsl.out.0002 from h2 saved as rsl.out.0002.h2: rsl.out.0002 exists here" &&
  cmp -s "$work/rsl.out.0002" "$dir/first.0002" && grep -q "host h2" "$work/rsl.out.0002.h2" &&
  [ -f "$work/rsl.out.0003.h3" ] &&
  pass "a clash is saved as NAME.HOST with one line, the old file untouched" || fail "clash handling"

# 3. Without --stage the remote ranks find no namelist: one line naming it, exit 3.
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work" "$job" 2>&1)
rc=$?
echo "$out"
[ $rc = 3 ] && echo "$out" | grep -Eq "namelist_job: rank [23]: cannot open namelist.input" &&
  pass "without --stage a remote rank says what is missing" || fail "run 3: exit $rc"

# 4. --host with the launching host last: rank 0 follows --host order (documented).
# The outputs collected before are root's (zrun runs as root here); the ranks (nobody) could
# not overwrite them.
rm -f "$work"/rsl.out.*
hosts=198.51.100.2:$port:1,198.51.100.1:$port:2
out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 3 -wdir "$work" \
  --stage namelist.input --stage input "$job" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "^namelist_job: OK (3 ranks, rank 0 on h2" &&
  pass "--host order puts rank 0 on the first host named" || fail "run 4: exit $rc"

# 5. Bounds and mistakes, refused before any agent is asked (exit 2, one line).
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work" --stage nosuch "$job" 2>&1)
rc=$?
[ $rc = 2 ] && [ "$out" = "zrun: --stage nosuch: No such file or directory" ] &&
  pass "a missing --stage file: one line, exit 2" || fail "missing stage: $rc '$out'"
truncate -s 5G "$work/huge.bin"
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work" --stage huge.bin "$job" 2>&1)
rc=$?
rm -f "$work/huge.bin"
[ $rc = 2 ] && echo "$out" | grep -q "^zrun: --stage: 5.0 GiB in all (with huge.bin) is more than zrun stages (4.0 GiB)$" &&
  pass "over 4 GiB: one line, exit 2" || fail "huge stage: $rc '$out'"
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work" --collect ../x "$job" 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "^zrun: --collect: '../x' must not contain" &&
  pass "a --collect pattern leaving the folder is refused" || fail "collect ..: $rc '$out'"

# 6. Standard input reaches rank 0 (on h1, through its agent), or the rank --stdin names on
# another host, whole; 3 MB pass the 1 MiB window; a rank that never reads does not hang zrun.
head -c 3000000 /dev/urandom >"$dir/in.bin"
sum=$(md5sum <"$dir/in.bin" | cut -d' ' -f1)
# shellcheck disable=SC2016
reader='echo "rank $PMIX_RANK on $(hostname): $(md5sum | cut -d" " -f1)"'
out=$(cluster_run h1 sh -c "\"\$0\" --key-file $key -n auto sh -c '$reader' <$dir/in.bin" "$zrun" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -qx "rank 0 on h1: $sum" &&
  [ "$(echo "$out" | grep -c "d41d8cd98f00b204e9800998ecf8427e")" = 3 ] &&
  pass "stdin (3 MB) reaches rank 0 through its agent; the others read nothing" || fail "stdin rank 0: $rc"
out=$(cluster_run h1 sh -c "\"\$0\" --key-file $key -n auto --stdin 3 sh -c '$reader' <$dir/in.bin" "$zrun" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -qx "rank 3 on h3: $sum" &&
  pass "--stdin 3 sends it to rank 3 on h3" || fail "stdin rank 3: $rc"
out=$(cluster_run h1 sh -c "\"\$0\" --key-file $key -n auto --stdin all sh -c '$reader' <$dir/in.bin" "$zrun" 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(echo "$out" | grep -c ": $sum\$")" = 4 ] &&
  pass "--stdin all: every rank on every host gets all of it" || fail "stdin all: $rc $out"
start=$(now_ms)
out=$(cluster_run h1 sh -c "yes | \"\$0\" --key-file $key -n auto true" "$zrun" 2>&1)
rc=$?
[ $rc = 0 ] && [ $(($(now_ms) - start)) -lt 20000 ] &&
  pass "endless stdin to a rank that never reads: the job ends ($rc)" || fail "yes | zrun: $rc $out"

# 7. -ppn across hosts: N ranks on each, filled host by host; a host offering fewer refused.
# shellcheck disable=SC2016
out=$(cluster_run h1 "$zrun" --key-file "$key" -ppn 1 sh -c 'echo "rank $PMIX_RANK on $(hostname)"' 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && [ "$(echo "$out" | sort)" = "$(printf 'rank 0 on h1\nrank 1 on h2\nrank 2 on h3')" ] &&
  pass "-ppn 1: one rank on each of h1..h3" || fail "-ppn 1: $rc"
out=$(cluster_run h1 "$zrun" --key-file "$key" -ppn 2 true 2>&1)
rc=$?
[ $rc = 2 ] && echo "$out" | grep -Eqx "zrun: -ppn 2: h[23] offers 1 cores" &&
  pass "-ppn 2 with a 1-core host: one line, exit 2" || fail "-ppn 2: $rc '$out'"

# 8. zrun --doctor checks the agents only when asked (-n auto with a key, --host): every agent
# answers; a wrong key is one FAIL line per agent with the fix.
out=$(cluster_run h1 "$zrun" --doctor --key-file "$key" "$job" 2>&1)
rc=$?
[ $rc = 0 ] && ! echo "$out" | grep -q " agent" && pass "--doctor without -n auto/--host asks no agent" ||
  fail "doctor local: $rc $out"
out=$(cluster_run h1 "$zrun" --doctor --key-file "$key" -n auto "$job" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && [ "$(echo "$out" | grep -c "^ok    agent .* answers and holds the key$")" = 3 ] &&
  pass "--doctor -n auto: h1..h3 answer and hold the key" || fail "doctor agents: $rc"
"$zrun" --new-key "$dir/other.key" >/dev/null
out=$(cluster_run h1 "$zrun" --doctor --key-file "$dir/other.key" --host 198.51.100.2:$port "$job" 2>&1)
rc=$?
echo "$out" | tail -n 2
[ $rc = 1 ] && echo "$out" | grep -q "^FAIL  agent .*-> fix: check that zrund there uses the same key file" &&
  pass "--doctor with another cluster's key: FAIL line with the fix, exit 1" || fail "doctor wrong key: $rc"

# 9. --shared-fs: every rank works in zrun's directory; h2 does not have it (under its empty
# tmpfs, $work/input does not exist): one line, exit 1.
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto -wdir "$work/input" --shared-fs "$job" 2>&1)
rc=$?
echo "$out"
[ $rc = 1 ] && echo "$out" | grep -q "^zrun: cannot launch on h2: .*the working directory $work/input is not on h2" &&
  pass "--shared-fs with a host lacking the directory: one line, exit 1" || fail "shared-fs: $rc"
out=$(cluster_run h1 "$zrun" --key-file "$key" -n auto --shared-fs --stage x "$job" 2>&1)
[ $? = 2 ] && echo "$out" | grep -q "^zrun: --shared-fs: " && pass "--shared-fs with --stage is refused" ||
  fail "shared-fs + stage: $out"

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
