#!/bin/bash
# Each rank runs on the CPUs zrun bound it to: the list --report-bindings prints for a rank
# equals the rank's own Cpus_allowed_list (/proc/self/status, what sched_getaffinity gives),
# and two ranks get two different cores. In the portable build (what a Haiku host builds)
# the binding goes through the platform layer's sched_setaffinity (common/platform/posix.cc),
# not hwloc's, and `zrun --doctor` says which call binds. --bind-to none leaves every rank
# on all allowed CPUs (so the first check can tell a bound rank from an unbound one). The same
# with hwloc's binding made a no-op (HWLOC_THISSYSTEM=0): zmpi's own call binds, not hwloc's.
#   binding_test.sh ZRUN
set -u
zrun=$1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# A rank prints "rank R cpus LIST" (PMI_RANK under PMI-1, PMIX_RANK under PMIx).
# shellcheck disable=SC2016
rank_cpus='echo "rank ${PMI_RANK:-$PMIX_RANK} cpus $(sed -n "s/^Cpus_allowed_list:[[:space:]]*//p" /proc/$$/status)"'
allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)

# bound [VAR=VALUE...]: two ranks, each bound to its own core, running where zrun says.
bound() {
  local how=${1:-plain} r line chosen core seen cores="" c0 c1
  out=$(env "$@" timeout -k 2 60 "$zrun" -n 2 --report-bindings sh -c "$rank_cpus" 2>&1)
  rc=$?
  echo "$out"
  [ $rc = 0 ] || fail "$how: zrun -n 2 --report-bindings exit $rc"
  for r in 0 1; do
    line=$(echo "$out" | grep -E "rank $r on \S+ bound to core [0-9]+ \[cpus [0-9,-]+\]")
    chosen=$(echo "$line" | sed -n 's/.*\[cpus \([0-9,-]*\)\].*/\1/p')
    core=$(echo "$line" | sed -n 's/.* bound to core \([0-9]*\) .*/\1/p')
    seen=$(echo "$out" | sed -n "s/^rank $r cpus //p")
    cores="$cores $core"
    [ -n "$chosen" ] && [ "$chosen" = "$seen" ] && [ "$seen" != "$allowed" ] &&
      pass "$how: rank $r bound to core $core [cpus $chosen]; the rank runs on cpus $seen" ||
      fail "$how: rank $r: zrun chose '$chosen', the rank runs on '$seen' (allowed: $allowed)"
  done
  read -r c0 c1 <<<"$cores"
  [ -n "$c0" ] && [ "$c0" != "$c1" ] && pass "$how: two ranks, two cores ($c0, $c1)" ||
    fail "$how: cores '$c0' and '$c1'"
}
bound
# With HWLOC_THISSYSTEM=0 hwloc's binding calls do nothing (and say they succeeded), as where
# hwloc has no binding back end (Haiku): the ranks are bound all the same, by the OS call.
bound HWLOC_THISSYSTEM=0

out=$(timeout -k 2 60 "$zrun" -n 2 --bind-to none sh -c "$rank_cpus" 2>&1)
[ "$(echo "$out" | grep -c "^rank [01] cpus $allowed\$")" = 2 ] &&
  pass "--bind-to none: both ranks on all allowed cpus ($allowed)" || fail "--bind-to none: $out"

doctor=$(timeout -k 2 60 "$zrun" --doctor 2>&1)
echo "$doctor" | grep -E "^ok +hwloc "
echo "$doctor" | grep -qE "^ok +hwloc .*; ranks are bound to cores with sched_setaffinity$" &&
  pass "zrun --doctor: ranks are bound with sched_setaffinity" || fail "no binding line in --doctor"
echo "binding: $failures failures"
[ "$failures" = 0 ]
