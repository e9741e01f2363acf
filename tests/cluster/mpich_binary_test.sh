#!/bin/bash
# MPICH-built programs across namespace hosts (tests/cluster/harness.sh): Debian's NPmpich2
# (integrity check) and tests/compat/mpich_binary (built by mpicc.mpich), one rank on each of two
# hosts through their zrund agents, which put zmpi's lib/ (with libmpich.so.12) first for the
# ranks. Agents run only inside the hosts' namespaces.
# A Fortran one (mpifort.mpich: needs libmpichfort.so.12) runs on zmpi's Fortran library across
# the hosts; without it (zmpi configured with no Fortran compiler) it is refused before any agent
# starts a rank.
#   mpich_binary_test.sh ZRUND ZRUN MPICH_BINARY NPMPICH2 MPICH_FORTRAN
set -u
here=$(cd "$(dirname "$0")" && pwd)
zrund=$1 zrun=$2 mpich_binary=$3 npmpich2=$4 mpich_fortran=$5
# shellcheck source=harness.sh
. "$here/harness.sh"

dir=$(mktemp -d /tmp/zmpi-mpich-cluster.XXXXXX)
chmod 711 "$dir"  # a root zrund runs ranks as nobody: they reach its PMIx dir and cache
trap 'cluster_down; rm -rf -- "$dir"' EXIT
cluster_up 2 >/dev/null || { echo "FAIL: cluster_up"; exit 1; }
export -n NETNS_CLUSTER_DIR
NETNS_CLUSTER_TIMEOUT=120
key=$dir/cluster.key
"$zrun" --new-key "$key" >/dev/null || { echo "FAIL: zrun --new-key"; exit 1; }
port=7413
mkdir -p "$dir/tmp"
for h in h1 h2; do
  read -r _ log < <(cluster_spawn "$h" env TMPDIR="$dir/tmp" XDG_RUNTIME_DIR="$dir/run" "$zrund" --key-file "$key" \
    --iface eth0 --port "$port" --cores 1 --cache-dir "$dir/cache-$h")
  cluster_wait_serving "$log" || { echo "FAIL: zrund on $h did not start"; cat "$log"; exit 1; }
done
hosts=198.51.100.1:$port:1,198.51.100.2:$port:1

out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 2 "$mpich_binary" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "^mpich_binary: OK (2 ranks" &&
  echo "$out" | grep -q "^mpich_binary: rank 1 of 2" &&
  pass "mpich_binary (mpicc.mpich) across 2 hosts on zmpi" || fail "mpich_binary: exit $rc"

# DT_RPATH at MPICH's directory: only an LD_PRELOAD of zmpi's library wins; the agents set it.
out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 2 "${mpich_binary}_rpath" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q "^mpich_binary: OK (2 ranks" &&
  echo "$out" | grep -q "^mpich_binary: rank 1 of 2" && ! echo "$out" | grep -q "warning" &&
  pass "mpich_binary with a DT_RPATH across 2 hosts on zmpi (agents preload)" ||
  fail "mpich_binary_rpath: exit $rc"

mkdir -p "$dir/out" && chmod 1777 "$dir/out"  # the ranks (nobody) write NPmpich2's output file
out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 2 "$npmpich2" -i -u 65536 -p 0 \
  -o "$dir/out/np.out" 2>&1)
rc=$?
echo "$out" | tail -n 5
n=$(echo "$out" | grep -c "Integrity check passed")
[ $rc = 0 ] && [ "$n" -ge 15 ] && ! echo "$out" | grep -qi "integrity check failed" &&
  echo "$out" | grep -q "^1: h2" &&
  pass "NPmpich2 integrity check between h1 and h2: $n sizes" || fail "NPmpich2: exit $rc, $n sizes"

out=$(cluster_run h1 "$zrun" --key-file "$key" --host "$hosts" -n 2 "$mpich_fortran" 2>&1)
rc=$?
echo "$out"
if [ -e "$(dirname "$zrun")/../lib/libmpichfort.so.12" ]; then
  [ $rc = 0 ] && echo "$out" | grep -q "^mpich_fortran: rank 0 of 2$" &&
    echo "$out" | grep -q "^mpich_fortran: rank 1 of 2$" &&
    pass "a program needing libmpichfort.so.12 runs across hosts" || fail "fortran: exit $rc"
else
  [ $rc = 1 ] && echo "$out" | grep -q "needs libmpichfort.so.12" &&
    ! echo "$out" | grep -q "^mpich_fortran:" &&
    pass "a program needing libmpichfort.so.12 is refused across hosts" || fail "fortran: exit $rc"
fi

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
