#!/bin/bash
# Debian's HDF5 for MPICH on zmpi across 2 namespace hosts that share no file system
# (docs/mpich-binaries.md "HDF5 for MPICH", docs/io.md "Files across hosts"). hdf5_parallel
# (tests/compat/hdf5_parallel.c, built by h5pcc.mpich: NEEDED libhdf5_mpich.so.103 ->
# libmpich.so.12) runs with 4 ranks, 2 on each host, through the zrund agents. The directory
# DATA is private to h1 (h2's agent has an empty tmpfs over it), so the ranks on h2 reach the
# file through rank 0. Then: the file on h1 is byte-identical to the one 4 ranks on h1 alone
# write, and h2's DATA stays empty; without --keep the file is deleted again.
#   hdf5_hosts_test.sh ZRUND ZRUN HDF5_PARALLEL
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 prog=$3
# shellcheck source=harness.sh
. "$here/harness.sh"

cluster_test_start hdf5-hosts 2
port=7423
data=$dir/data
mkdir -p "$data" "$dir/tmp"
chmod 711 "$dir"    # a root zrund runs ranks as nobody: they reach its PMIx dir and DATA
chmod 1777 "$data"
declare -A agent
for h in h1 h2; do
  private=0
  [ "$h" = h2 ] && private=1
  # shellcheck disable=SC2016
  read -r pid log < <(cluster_spawn "$h" sh -c \
    'if [ "$1" = 1 ]; then mount -t tmpfs -o size=64m,mode=1777 tmpfs "$2" || exit 1; fi; shift 2 &&
     exec "$@"' sh "$private" "$data" env TMPDIR="$dir/tmp" XDG_RUNTIME_DIR="$dir/xdg-$h" \
    "$zrund" --key-file "$key" --iface eth0 --port "$port" --cores 2 --cache-dir "$dir/cache-$h" \
    --work-dir "$dir/jobs-$h")
  agent[$h]=$pid
  cluster_wait_serving "$log" || { echo "FAIL: zrund on $h did not start"; cat "$log"; exit 1; }
done
hosts=198.51.100.1:$port:2,198.51.100.2:$port:2
cluster__state || exit 1
h2data=/proc/$(cluster__inner "${agent[h2]}")/root$data
[ -z "$(ls -A "$h2data")" ] && touch "$data/only-h1" && [ ! -e "$h2data/only-h1" ] &&
  rm -f "$data/only-h1" && pass "h2 has a private, empty DATA" || fail "DATA is not private on h2"

# The reference: 4 ranks on h1 alone (zrun's local launch, no agent).
out=$(cluster_run h1 "$zrun" --local -n 4 "$prog" --keep "$dir/local.h5" 2>&1)
rc=$?
echo "$out" | sed 's/^/local: /'
[ $rc = 0 ] && echo "$out" | grep -q "^hdf5_parallel: OK (" &&
  pass "4 ranks on h1 alone" || fail "local run: exit $rc"

out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 4 --tag-output sh -c \
  'echo "host $ZMPI_JOB_HOST"; exec "$@"' sh "$prog" --keep "$data/hosts.h5" 2>&1)
rc=$?
echo "$out" | sed 's/^/hosts: /'
placed=$(echo "$out" | grep -o 'host h[0-9]' | sort | uniq -c | tr -s ' ' | tr '\n' ',')
[ $rc = 0 ] && echo "$out" | grep -q "hdf5_parallel: OK (" &&
  echo "$out" | grep -q "MPI library: zmpi" && [ "$placed" = " 2 host h1, 2 host h2," ] &&
  pass "4 ranks on h1 and h2 ($placed) wrote and read back the file" ||
  fail "hosts run: exit $rc, placement '$placed'"
cmp "$data/hosts.h5" "$dir/local.h5" &&
  pass "the file on h1 is byte-identical to the one-host run's ($(wc -c <"$dir/local.h5") bytes)" ||
  fail "the file on h1 differs from the one-host run's"
left=$(ls -A "$h2data" | tr '\n' ' ')
[ -z "$left" ] && pass "h2 got no copy of anything" || fail "h2's DATA holds: $left"

# Without --keep rank 0 deletes the file (MPI_File_delete on h1).
out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 4 "$prog" "$data/gone.h5" 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^hdf5_parallel: OK (" && [ ! -e "$data/gone.h5" ] &&
  [ -z "$(ls -A "$h2data")" ] && pass "without --keep the file is gone from h1, h2 untouched" ||
  fail "delete run: exit $rc; $(echo "$out" | tail -n 3)"

if [ "$failures" != 0 ]; then for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done; fi
[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
