#!/bin/sh
# Every OS-specific call lives in common/platform/ (DESIGN.md): this lists the Linux-only calls,
# headers and paths that appear anywhere else in the product's sources and fails if there is
# one. Tests and tools may use them (they run on Linux); comments may name them.
#   tools/check-platform.sh [source dir]
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
pattern='pidfd_open|PR_SET_|prctl\(|getrandom|/proc/|close_range|MADV_POPULATE|process_vm_(readv|writev)\(|sched_(set|get)affinity|cpu_set_t|SECCOMP_|<linux/|<sys/prctl\.h>|<sys/random\.h>|<sys/epoll\.h>|eventfd|signalfd|timerfd|memfd_create|SYS_[a-z]'
# Code lines only: drop // comments and lines that are comments.
found=$(grep -rnE "$pattern" --include='*.cc' --include='*.h' --include='*.c' \
          common mpi transport launcher compat 2>/dev/null |
        grep -v '^common/platform/' |
        sed 's|//.*||' | grep -E "$pattern")
if [ -n "$found" ]; then
  echo "Linux-only calls outside common/platform/ (move them behind platform.h):"
  echo "$found"
  exit 1
fi
echo "check-platform: no Linux-only call outside common/platform/"
