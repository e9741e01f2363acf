#!/bin/bash
# The Fortran shallow-water example across 2 namespace hosts (tests/cluster/harness.sh): zrund
# on h1 and h2 with 2 cores each, `zrun -n 4` from h1 (2 ranks per host, rank 0 on h1 reads the
# namelist) prints the same diagnostics and fingerprint as 1 rank on h1 alone, for each binding.
#   swm_test.sh ZRUND ZRUN NAMELIST SWM...
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 namelist=$3
shift 3
# shellcheck source=harness.sh
. "$here/harness.sh"

keydir=$(mktemp -d /tmp/zmpi-swm-cluster.XXXXXX)
trap 'cluster_down; rm -rf -- "$keydir"' EXIT
cluster_up 2 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
NETNS_CLUSTER_TIMEOUT=120
key=$keydir/cluster.key
"$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
mkdir -p "$keydir/tmp"
# A root zrund runs ranks as nobody (docs/owner.md): they must pass through $keydir to their
# job folders; the agents' control sockets stay in this test's folder.
chmod 711 "$keydir"
for h in h1 h2; do
  read -r _ log < <(cluster_spawn "$h" env TMPDIR="$keydir/tmp" XDG_RUNTIME_DIR="$keydir/run" "$zrund" \
    --key-file "$key" --iface eth0 --port 7413 --cores 2 --cache-dir "$keydir/cache-$h" \
    --work-dir "$keydir/jobs-$h")
  cluster_wait_serving "$log" || { fail "zrund on $h did not start"; cat "$log"; exit 1; }
done
sleep 1.0 # unique mDNS records are probed (~0.75 s) before they are answered

sums() { grep -E '^(step|checksum|fingerprint) ' "$1"; }
for swm in "$@"; do
  name=$(basename "$swm")
  cluster_run h1 "$zrun" --local -n 1 "$swm" "$namelist" >"$keydir/$name.one" 2>&1
  cluster_run h1 "$zrun" --key-file "$key" -n 4 --tag-output sh -c \
    'echo "host $ZMPI_JOB_HOST" >&2; exec "$@"' sh "$swm" "$namelist" >"$keydir/$name.four" 2>&1
  rc=$?
  hosts=$(grep -o 'host h[0-9]' "$keydir/$name.four" | sort | uniq -c | tr -s ' ' | tr '\n' ',')
  sed 's/^\[[0-9]*\] //' "$keydir/$name.four" >"$keydir/$name.four.plain"
  cat "$keydir/$name.four.plain"
  if [ $rc = 0 ] && [ -n "$(sums "$keydir/$name.one")" ] &&
     [ "$(sums "$keydir/$name.one")" = "$(sums "$keydir/$name.four.plain")" ]; then
    pass "$name: 4 ranks on h1 and h2 ($hosts) = 1 rank ($(grep '^fingerprint' "$keydir/$name.one"))"
  else
    fail "$name: exit $rc; 1 rank: $(sums "$keydir/$name.one" | tail -n1) / 4 ranks: $(sums "$keydir/$name.four.plain" | tail -n1)"
  fi
  [ "$hosts" = " 2 host h1, 2 host h2," ] || fail "$name: ranks not 2 per host: $hosts"
done
if [ $failures != 0 ]; then for f in "$NETNS_CLUSTER_DIR"/*.log; do echo "--- $f"; cat "$f"; done; fi
echo "$failures failure(s)"
[ $failures = 0 ]
