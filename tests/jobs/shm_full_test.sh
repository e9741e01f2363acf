#!/bin/sh
# Issue 16, defect 7: a full /dev/shm must end the job with a message that says so, not kill
# ranks with SIGBUS. Runs in a private mount namespace with a tiny tmpfs on /dev/shm (needs
# root): 8 KiB (no room for the ranks' segment headers: MPI_Init fails) and 64 KiB (headers
# fit, rings do not: the first sends fail).
# Usage: shm_full_test.sh PATH/TO/zrun PATH/TO/shm_scale_test
set -u
if [ "${SHM_TEST_PRIVATE_NS:-}" != 1 ]; then
  SHM_TEST_PRIVATE_NS=1 exec unshare -m sh "$0" "$@" || { echo "FAIL: unshare -m (root?)"; exit 1; }
fi
unset SHM_TEST_PRIVATE_NS
zrun="$1"
prog="$2"
mount --make-rprivate / 2>/dev/null
for size in 8k 64k; do
  mount -t tmpfs -o size=$size zmpi-test-shm /dev/shm || { echo "FAIL: mount tmpfs"; exit 1; }
  out=$("$zrun" -n 4 --oversubscribe --timeout 60 "$prog" all 256 30 2>&1)
  rc=$?
  umount /dev/shm
  echo "/dev/shm of $size: zrun exited $rc"
  echo "$out" | grep -v "cores are shared"
  [ "$rc" -ne 0 ] || { echo "FAIL: the job succeeded with $size of /dev/shm"; exit 1; }
  [ "$rc" -ne 124 ] || { echo "FAIL: the job hung with $size of /dev/shm"; exit 1; }
  echo "$out" | grep -q "/dev/shm is full" || { echo "FAIL: no message about /dev/shm"; exit 1; }
  if echo "$out" | grep -qi "bus error\|SIGBUS\|signal 7"; then
    echo "FAIL: a rank died of SIGBUS"; exit 1
  fi
done
echo PASS
