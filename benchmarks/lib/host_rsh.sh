#!/usr/bin/env bash
# Remote-shell stand-in so Open MPI (--mca plm_rsh_agent) and MPICH (-launcher ssh
# -launcher-exec) start their daemons on namespace hosts:
#   host_rsh.sh [ssh options] HOST COMMAND...
# runs the shell command line COMMAND on HOST, as ssh would, through $BENCH_HOST_EXEC: a command
# prefix that takes a host name and then an argv (compare.sh sets it, e.g.
# "benchmarks/lib/netns.sh exec zb123", or the cluster harness's own per-host wrapper).
set -eu
while [ $# -gt 0 ]; do
  case $1 in
    -o | -p | -l | -i | -F | -E | -c | -m | -b) shift 2 ;;  # ssh options that take a value
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "host_rsh.sh: usage: host_rsh.sh [opts] HOST COMMAND..." >&2; exit 255; }
[ -n "${BENCH_HOST_EXEC:-}" ] || { echo "host_rsh.sh: BENCH_HOST_EXEC is not set" >&2; exit 255; }
host=$1
shift
command=$*
# Open MPI's rsh launcher starts `orted --daemonize`; a daemon that leaves the host's PID
# namespace's first process behind is killed with it, so keep orted in the foreground (as the
# child of this "remote shell", which mpirun supervises exactly like an ssh session).
command=${command//orted --daemonize /orted }
# shellcheck disable=SC2086  # BENCH_HOST_EXEC is a command prefix, split on purpose
exec $BENCH_HOST_EXEC "$host" sh -c "$command"
