#!/bin/bash
# A real single-node Slurm (munged + slurmctld + slurmd, Debian's slurm-wlm 22.05) started for
# one srun, inside private network/UTS/PID/mount namespaces: the daemons listen on the
# namespace's loopback only, and when this script ends the kernel kills every process it
# started (unshare --kill-child ends the PID namespace).
#
#   slurm_test.sh MPI_TYPE RANKS PROGRAM [ARG...]
#
# runs `srun --mpi=MPI_TYPE -n RANKS PROGRAM ARG...`, prints its output and exits with its exit
# code (125 when Slurm itself could not be started; then the daemons' logs follow).
# expect_run.sh judges the result (see CMakeLists.txt). Needs root (namespaces, daemons as
# root). PROGRAM must not live under /tmp, which is private here (Slurm's PMIx plugin keeps
# its directories there).
set -u
if [ "${1:-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "slurm_test: needs root (namespaces)"; exit 125; }
  for tool in unshare munged slurmctld slurmd srun sinfo; do
    command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
    command -v "$tool" >/dev/null || { echo "slurm_test: $tool missing (tools/deps.sh)"; exit 125; }
  done
  exec timeout -k 5 150 unshare --net --uts --ipc --mount --pid --fork --kill-child \
    --mount-proc "$0" --inside "$@"
fi
shift
mpi_type=$1 ranks=$2
shift 2
PATH=$PATH:/usr/sbin
hostname node1
ip link set lo up
# getaddrinfo(AI_ADDRCONFIG), as the daemons bind, wants one address beyond loopback.
ip link add eth0 type veth peer name eth1 && ip addr add 198.51.100.1/24 dev eth0 &&
  ip link set eth0 up && ip link set eth1 up
mount -t tmpfs -o size=256m tmpfs /dev/shm
# A private /tmp: Slurm's PMIx plugin makes /tmp/spmix_appdir_<uid>_<job>.<step> there.
mount -t tmpfs -o size=64m tmpfs /tmp
dir=$(mktemp -d /tmp/zmpi-slurm.XXXXXX)
chmod 711 "$dir"
printf '127.0.0.1 localhost\n127.0.0.1 node1\n' >"$dir/hosts"
mount --bind "$dir/hosts" /etc/hosts
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chmod 711 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"

log() { echo "slurm_test: $*"; }
fail() {
  log "$*"
  for f in munged slurmctld slurmd slurmctld.out slurmd.out; do
    f=$dir/$f; [ -f "$f" ] || f=$f.log; [ -s "$f" ] && { echo "--- $f (tail)"; tail -n 20 "$f"; }
  done
  exit 1
}

munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munged.log" \
  --seed-file="$dir/munge/munge.seed" || fail "munged did not start"

cat >"$dir/slurm.conf" <<CONF
ClusterName=zmpitest
SlurmctldHost=node1(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SrunPortRange=16900-16999
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=node1 NodeAddr=127.0.0.1 CPUs=8 Sockets=1 CoresPerSocket=8 ThreadsPerCore=1 RealMemory=500 State=UNKNOWN
PartitionName=debug Nodes=node1 Default=YES MaxTime=10 State=UP
CONF
export SLURM_CONF=$dir/slurm.conf

slurmctld -i -D >"$dir/slurmctld.out" 2>&1 &
slurmd -D -N node1 >"$dir/slurmd.out" 2>&1 &
ready=""
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
  state=$(timeout 5 sinfo -h -N -o %t 2>&1)
  case "$state" in idle*) ready=1; break ;; esac
  sleep 0.2
done
[ -n "$ready" ] || fail "node1 did not become idle within 30 s (sinfo: '${state:-}')"

log "srun --mpi=$mpi_type -n $ranks $*"
timeout -k 5 90 srun --mpi="$mpi_type" -n "$ranks" --time=2 "$@"
rc=$?
log "srun exit code $rc"
[ -n "${SLURM_TEST_LOGS:-}" ] && fail "logs (SLURM_TEST_LOGS is set)"
exit $rc
