#!/bin/bash
# Two namespace hosts, one rank each, both ranks pinned to one CPU of this machine (what the
# scheduler sometimes does with the ranks of namespace hosts): each rank's every idle turn polls
# the network, so its spin shrinks to 8 turns, not to shm's 64 (spin_floor_test.c; p2p.cc).
#   spin_floor_test.sh ZRUND ZRUN SPIN_FLOOR_TEST
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 prog=$3
# shellcheck source=harness.sh
. "$here/harness.sh"

cluster_test_start spin-floor 2
mkdir -p "$dir/tmp"
chmod 711 "$dir"  # a root zrund runs ranks as nobody: they pass through $dir to their job folders
port=7419
for h in h1 h2; do
  read -r _ log < <(cluster_spawn "$h" env TMPDIR="$dir/tmp" XDG_RUNTIME_DIR="$dir/run" "$zrund" \
    --key-file "$key" --iface eth0 --port "$port" --cores 1 --cache-dir "$dir/cache-$h" \
    --work-dir "$dir/jobs-$h")
  cluster_wait_serving "$log" || { fail "zrund on $h did not start"; cat "$log"; exit 1; }
done
out=$(cluster_run h1 "$zrun" --key-file "$key" --host "198.51.100.1:$port,198.51.100.2:$port" \
  -n 2 --bind-to none "$prog" 8 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "spin_floor_test: OK" &&
  pass "one rank per host on one CPU: both spins shrank to 8 turns" || fail "job: exit $rc"
if [ $failures != 0 ]; then
  for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done
fi
echo "$failures failure(s)"
[ $failures = 0 ]
