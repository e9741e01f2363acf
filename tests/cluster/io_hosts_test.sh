#!/bin/bash
# MPI-IO across 3 namespace hosts that share no file system (docs/io.md, "Files across hosts
# without a shared file system"). Every host sees the directory DATA, but h2 and h3 have a
# private tmpfs mounted over it in their agents' mount namespaces, so only h1 (where zrun and
# rank 0 run) has the real one. A 6-rank job (2 ranks per host) writes a decomposed field
# collectively and one record per rank independently, by absolute path and by a path relative
# to the ranks' working directory (DATA on h1, zrund's fresh job folder on h2 and h3), and reads
# them back. Then: both files
# on h1 equal the expected bytes exactly, and h2 and h3 have nothing in their DATA (no copy,
# no probe, no sidecar). A file in a directory only h2 has cannot be opened: one error names h1.
#   io_hosts_test.sh ZRUND ZRUN IO_HOSTS
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 prog=$3
# shellcheck source=harness.sh
. "$here/harness.sh"

cluster_test_start io-hosts 3
port=7417
data=$dir/data
mkdir -p "$data" "$dir/tmp"
chmod 711 "$dir"    # a root zrund runs ranks as nobody: they reach its PMIx dir and DATA
chmod 1777 "$data"
declare -A agent
for h in h1 h2 h3; do
  private=0
  [ "$h" != h1 ] && private=1
  # shellcheck disable=SC2016
  read -r pid log < <(cluster_spawn "$h" sh -c \
    'if [ "$1" = 1 ]; then mount -t tmpfs -o size=64m,mode=1777 tmpfs "$2" || exit 1; fi; cd "$2" && shift 2 &&
     exec "$@"' sh "$private" "$data" env TMPDIR="$dir/tmp" "$zrund" --key-file "$key" \
    --iface eth0 --port "$port" --cores 2 --cache-dir "$dir/cache-$h")
  agent[$h]=$pid
  cluster_wait_serving "$log" || { echo "FAIL: zrund on $h did not start"; cat "$log"; exit 1; }
done
hosts=198.51.100.1:$port:2,198.51.100.2:$port:2,198.51.100.3:$port:2
# The agents' own view of DATA (their mount namespace).
view() { echo "/proc/$(cluster__inner "${agent[$1]}")/root$data"; }
cluster__state || exit 1
[ -z "$(ls -A "$(view h2)")" ] && [ -z "$(ls -A "$(view h3)")" ] &&
  touch "$data/only-h1" && [ ! -e "$(view h2)/only-h1" ] && rm -f "$data/only-h1" &&
  pass "h2 and h3 have a private, empty DATA" || fail "DATA is not private on h2 and h3"

out=$(cluster_run h1 sh -c 'cd "$0" && exec "$@"' "$data" "$zrun" --key-file "$key" \
  --host "$hosts" -n 6 "$prog" "$data/field.bin" rel.bin 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "io_hosts: OK (6 ranks on 3 hosts)" &&
  echo "$out" | grep -q "io_hosts: rank 0 on h1" &&
  pass "6 ranks on 3 hosts wrote and read back both files" || fail "job: exit $rc"
"$prog" --expect 6 "$dir/expect.bin" || fail "--expect"
for f in field.bin rel.bin; do
  cmp "$data/$f" "$dir/expect.bin" && pass "$f on h1 holds every rank's bytes exactly" ||
    fail "$f on h1 differs from the expected bytes"
done
left=$(ls -A "$data" | tr '\n' ' ')
[ "$left" = "field.bin rel.bin " ] && pass "h1's DATA has the two files and nothing else" ||
  fail "h1's DATA holds: $left"
for h in h2 h3; do
  left=$(ls -A "$(view "$h")" | tr '\n' ' ')
  [ -z "$left" ] && pass "$h got no copy of anything" || fail "$h's DATA holds: $left"
done

# A directory only h2 has: rank 0 on h1 cannot create the file there, so every rank fails with
# one error naming h1, and h2 (which could have) gets nothing either.
mkdir "$(view h2)/h2dir"
out=$(cluster_run h1 sh -c 'cd "$0" && exec "$@"' "$data" "$zrun" --key-file "$key" \
  --host "$hosts" -n 6 "$prog" "$data/h2dir/x.bin" h2dir/x.bin 2>&1)
rc=$?
echo "$out" | grep -v "^io_hosts: rank" | head -n 3
[ $rc != 0 ] && echo "$out" | grep -q "zmpi: MPI_File_open: .*(rank 0, on host h1)" &&
  [ -z "$(ls -A "$(view h2)/h2dir")" ] && [ ! -e "$data/h2dir" ] &&
  pass "a file rank 0 cannot create fails everywhere, naming h1; h2 got nothing" ||
  fail "bad open: exit $rc, h2dir holds: $(ls -A "$(view h2)/h2dir")"

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
