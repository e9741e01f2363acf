#!/bin/sh
# a full /dev/shm must end the job with a message that says so, not kill
# ranks with SIGBUS. Runs in a private mount namespace with a tiny tmpfs on /dev/shm (needs
# root): 8 KiB (no room for the ranks' segment headers: MPI_Init fails) and 64 KiB (headers
# fit, rings do not: the first sends fail). Each ends the job with one line of zrun's.
# Then "late": a full /dev/shm where ranks 1 and 3 fail in MPI_Init at once while ranks 0 and
# 2 (over ofi, no segment) reach MPI_Init's exchange a second later, after 1 and 3 are gone:
# the window in which a failed rank used to look finished to the launcher (the job then
# waited for it until --timeout).
# Usage: shm_full_test.sh PATH/TO/zrun PATH/TO/shm_scale_test
set -u
if [ "${SHM_TEST_PRIVATE_NS:-}" != 1 ]; then
  SHM_TEST_PRIVATE_NS=1 exec unshare -m sh "$0" "$@" || { echo "FAIL: unshare -m (root?)"; exit 1; }
fi
unset SHM_TEST_PRIVATE_NS
zrun="$1"
prog="$2"
mount --make-rprivate / 2>/dev/null
for size in 8k 64k late; do
  if [ $size = late ]; then
    mount -t tmpfs -o size=8k zmpi-test-shm /dev/shm || { echo "FAIL: mount tmpfs"; exit 1; }
    head -c 8192 /dev/zero >/dev/shm/fill 2>/dev/null  # no room left at all
    start=$(date +%s)
    # shellcheck disable=SC2016
    out=$("$zrun" -n 4 --oversubscribe --timeout 60 sh -c 'case "$PMIX_RANK" in
      0 | 2) sleep 1; ZMPI_TRANSPORT=ofi exec "$@" ;; *) exec "$@" ;; esac' sh \
      "$prog" all 256 30 2>&1)
    rc=$?
    seconds=$(($(date +%s) - start))
  else
    mount -t tmpfs -o size=$size zmpi-test-shm /dev/shm || { echo "FAIL: mount tmpfs"; exit 1; }
    out=$("$zrun" -n 4 --oversubscribe --timeout 60 "$prog" all 256 30 2>&1)
    rc=$?
  fi
  umount /dev/shm
  echo "/dev/shm of $size: zrun exited $rc"
  echo "$out" | grep -v "cores are shared"
  [ "$rc" -ne 0 ] || { echo "FAIL: the job succeeded with $size of /dev/shm"; exit 1; }
  [ "$rc" -ne 124 ] || { echo "FAIL: the job hung with $size of /dev/shm"; exit 1; }
  echo "$out" | grep -q "/dev/shm is full" || { echo "FAIL: no message about /dev/shm"; exit 1; }
  if echo "$out" | grep -qi "bus error\|SIGBUS\|signal 7"; then
    echo "FAIL: a rank died of SIGBUS"; exit 1
  fi
  lines=$(echo "$out" | grep -v "cores are shared" | grep -c "^zrun: ")
  [ "$lines" = 1 ] || { echo "FAIL: $lines lines of zrun's, not one"; exit 1; }
  # MPI_Init's failure: the rank aborts with the reason (it does not finalize its wire-up), and
  # zrun's line names the rank and that reason. A failed send: the rank aborts, and zrun's
  # line names it with the reason, over PMIx and PMI-1 alike (zrun's PMI server reads the
  # reason of PMI-1's abort and waits for it briefly after the rank's exit).
  echo "$out" | grep -Eq "^zrun: rank [0-3] on .* (failed in MPI_Init: MPI_ERR_NO_MEM: shm: /dev/shm is full|called abort with code 34 \(MPI_[A-Za-z_]+: MPI_ERR_NO_MEM: shm: /dev/shm is full)" ||
    { echo "FAIL: zrun's line does not name the failed rank and the reason"; exit 1; }
  if [ $size = late ]; then
    [ "$seconds" -lt 10 ] || { echo "FAIL: the job took $seconds s to end"; exit 1; }
  fi
done
echo PASS
