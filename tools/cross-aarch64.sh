#!/bin/sh
# Cross-builds zmpi for aarch64 Linux and runs what proves it there, under qemu-user:
#   tools/cross-aarch64.sh [sysroot|build|test|all]      (default: all)
# sysroot: unpacks the arm64 packages that cannot co-install with their amd64 twins (PMIx,
#          libmdnsd and munge, which PMIx needs at run time) into build-aarch64/sysroot; the
#          others are multiarch packages that tools/deps.sh installs.
# build:   configures the `aarch64` preset and builds only what the qemu tests need.
# test:    in a private user namespace with qemu-aarch64 registered in its own binfmt_misc (so
#          zrun can exec aarch64 ranks; the machine's binfmt_misc is not touched), runs the
#          unit tests, zrun jobs, the shm ordering stress test and the weather example, whose
#          fingerprint must equal the native build's (build/, when it exists); then, as root,
#          one job across network-namespace hosts where one host runs the aarch64 zrund and
#          its ranks under qemu beside two x86-64 hosts (tests/cluster/mixed_arch_test.sh).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=$top/build-aarch64
sysroot=$out/sysroot
step=${1:-all}

# Packages unpacked (not installed) for the target: each conflicts with a file of its amd64
# twin, or depends on one that does; libevent's two are libpmix's own dependencies (a fresh
# Debian 12 machine has no arm64 libevent, and zrun's link failed without them).
SYSROOT_DEBS="libpmix2:arm64 libpmix-dev:arm64 libmunge2:arm64 libmdnsd1:arm64 libmdnsd-dev:arm64
libevent-core-2.1-7:arm64 libevent-pthreads-2.1-7:arm64"

make_sysroot() {
  stamp=$sysroot/.debs
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$SYSROOT_DEBS" ] && return 0
  rm -rf "$sysroot" "$out/debs"
  mkdir -p "$sysroot" "$out/debs"
  # apt-get download writes into the current directory, as the calling user.
  (cd "$out/debs" && apt-get download $SYSROOT_DEBS >/dev/null 2>&1) || {
    echo "zmpi: apt-get download $SYSROOT_DEBS failed (run apt-get update?)" >&2
    exit 1
  }
  for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  # pmix.pc names absolute paths under /usr/lib/aarch64-linux-gnu/pmix2: point them at the
  # sysroot, and drop its -I/usr/include (the compiler's own search path already has it).
  pc=$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig/pmix.pc
  sed -i -e "s#/usr/lib/aarch64-linux-gnu/pmix2#$sysroot/usr/lib/aarch64-linux-gnu/pmix2#g" \
    -e 's# -I/usr/include##' "$pc"
  echo "$SYSROOT_DEBS" >"$stamp"
}

# What the qemu tests need: the unit test binaries, the library, zrun, zrund (the mixed job's
# aarch64 agent), two job programs and the weather example. Nothing else of the tree is built
# for aarch64.
UNIT_TESTS=${UNIT_TESTS:-"common_test shm_test proto_test discovery_test agent_test
zrun_options_test zrun_process_test zrund_admission_test zrund_restart_test ofi_test
topo_shapes_test op_test sched_test datatype_engine_test core_test
bootstrap_test"}
# Unit tests that run natively only: three observe libpmix from outside (procfs views of its
# threads, select on high descriptors) in ways qemu-user does not emulate, one is too slow to
# emulate. Named on every run, never dropped silently.
QEMU_UNFIT="agent_job_test: its client aborts under qemu with 'bit out of range 0 - FD_SETSIZE on fd_set'
zrund_job_test: its libpmix freezer cannot see an emulated thread waiting in epoll, and it runs the host's /bin/sleep, which the agent's ELF check refuses on an aarch64 agent
pmix_stall_test: same freezer
coll_algos_test: minutes of CPU under emulation (over 3 here), too long for CI's budget"
PROGRAMS="mpi zrun zrund weather p2p_test coll_test"

build() {
  [ -f "$sysroot/.debs" ] || make_sysroot
  launcher=""
  command -v ccache >/dev/null 2>&1 && launcher="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
  # shellcheck disable=SC2086 # launcher is a list of words
  cmake --preset aarch64 $launcher >/dev/null
  # shellcheck disable=SC2086
  cmake --build --preset aarch64 --target $UNIT_TESTS $PROGRAMS
}

# The steps below run inside `unshare --user --map-root-user --mount`: binfmt_misc is mounted
# fresh in that namespace (Linux >= 6.7 gives each user namespace its own) and qemu is
# registered there with the F flag (the kernel opens the interpreter now, so it is found in any
# mount namespace below), so an aarch64 ELF that zrun execs runs under qemu. Nothing outside
# the namespace changes.
register_binfmt() {
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || return 1
  magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf ':qemu-aarch64:M::%s:%s:%s:F\n' "$magic" "$mask" "$qemu" \
    >/proc/sys/fs/binfmt_misc/register 2>/dev/null
}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "aarch64 ok: $1"; }
fail() { failed=$((failed + 1)); echo "aarch64 FAILED: $1"; }

# The weather example's last step, checksum and fingerprint lines, at `np` ranks through `zrun`.
weather_sums() {
  zrun=$1 weather=$2 np=$3 out=$4
  timeout 300 "$zrun" -n "$np" --timeout 240 "$weather" --size 97x83 --steps 150 --every 50 \
    --out "$out.ppm" >"$out.log" 2>&1 || return 1
  { grep -E '^step +150 ' "$out.log" | sed 's/  min h.*//'
    grep -E '^(checksum|fingerprint) ' "$out.log"; } >"$out.sum"
  [ "$(wc -l <"$out.sum")" -eq 3 ]
}

in_namespace() {
  register_binfmt || {
    echo "aarch64 FAILED: cannot register qemu-aarch64 in a private binfmt_misc (Linux >= 6.7" \
      "and user namespaces are needed)"
    exit 1
  }
  # The unpacked libraries' own dependencies (libpmix needs libmunge) are not covered by the
  # binaries' RUNPATH; the loader skips them for x86-64 programs (wrong ELF class).
  export LD_LIBRARY_PATH="$sysroot/usr/lib/aarch64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-aarch64.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  "$out/bin/common_test" --gtest_brief=1 >"$tmp/probe.log" 2>&1 &&
    [ "$(od -An -tx1 -j18 -N2 "$out/bin/common_test" | tr -d " ")" = b700 ] &&
    pass "binfmt runs aarch64 binaries ($(uname -m) host)" ||
    { fail "binfmt: $(cat "$tmp/probe.log")"; exit 1; }

  start=$(date +%s)
  for t in $UNIT_TESTS; do
    if (cd "$out" && timeout 600 "$out/bin/$t" --gtest_brief=1) >"$tmp/$t.log" 2>&1; then
      pass "$t ($(grep -Eo '[0-9]+ tests? from [0-9]+ test suites? ran' "$tmp/$t.log"))"
    else
      fail "$t"
      grep -vE '^\[ +(OK|RUN) ' "$tmp/$t.log" | tail -40
    fi
  done
  grep -h '^note: ' "$tmp"/*.log | sort -u
  printf '%s\n' "$QEMU_UNFIT" | sed 's/^/aarch64: not run under qemu (native only): /'
  echo "aarch64: unit tests took $(($(date +%s) - start)) s"

  start=$(date +%s)
  for spec in "p2p_test 3 shm" "p2p_test 2 ofi" "coll_test 4 shm"; do
    set -- $spec
    if timeout 300 "$out/bin/zrun" -n "$2" --timeout 240 -x ZMPI_TRANSPORT="$3" \
      "$out/tests/bin/$1" >"$tmp/job.log" 2>&1 && grep -q ': OK (' "$tmp/job.log"; then
      pass "zrun -n $2 $1 over $3: $(grep ': OK (' "$tmp/job.log")"
    else
      fail "zrun -n $2 $1 over $3"
      tail -30 "$tmp/job.log"
    fi
  done
  echo "aarch64: zrun jobs took $(($(date +%s) - start)) s"

  start=$(date +%s)
  if weather_sums "$out/bin/zrun" "$out/bin/weather" 3 "$tmp/arm"; then
    sed 's/^/    /' "$tmp/arm.sum"
    native="$top/build/bin"
    if [ -x "$native/weather" ] && [ -x "$native/zrun" ]; then
      if ! weather_sums "$native/zrun" "$native/weather" 2 "$tmp/x86"; then
        fail "weather on the native build: $(tail -5 "$tmp/x86.log")"
      elif cmp -s "$tmp/arm.sum" "$tmp/x86.sum" && cmp -s "$tmp/arm.ppm" "$tmp/x86.ppm"; then
        pass "weather: aarch64 (3 ranks) = $(uname -m) (2 ranks): mass, energy, checksum, fingerprint, picture"
      else
        fail "weather: aarch64 differs from $(uname -m)"
        diff "$tmp/x86.sum" "$tmp/arm.sum"
      fi
    else
      fail "weather: no native build in $native to compare with (run the native build first)"
    fi
  else
    fail "weather under qemu: $(tail -20 "$tmp/arm.log")"
  fi
  echo "aarch64: weather took $(($(date +%s) - start)) s"
  echo "aarch64: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

run_tests() {
  qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64) || {
    echo "zmpi: qemu-aarch64-static is missing (tools/deps.sh installs qemu-user-static)" >&2
    exit 1
  }
  export qemu top out
  status=0
  unshare --user --map-root-user --mount --propagation private sh "$0" in-namespace || status=1
  mixed_job || status=1
  return "$status"
}

# One job, three namespace hosts: two x86-64 agents and an aarch64 one under qemu (its own
# user namespace and binfmt_misc: tests/cluster/mixed_arch_test.sh), found over mDNS.
mixed_job() {
  start=$(date +%s)
  if [ "$(id -u)" != 0 ]; then
    echo "aarch64 FAILED: the mixed-architecture job needs root (network namespaces)"
    return 1
  fi
  if timeout 300 "$top/tests/cluster/mixed_arch_test.sh" "$top/build" "$out" "$qemu" \
    >"$out/mixed_arch.log" 2>&1; then
    grep '^ok: ' "$out/mixed_arch.log" | sed 's/^ok: /aarch64 ok: mixed job: /'
    rc=0
  else
    echo "aarch64 FAILED: mixed job (x86_64 and aarch64 hosts):"
    sed 's/^/    /' "$out/mixed_arch.log" | tail -80
    rc=1
  fi
  echo "aarch64: mixed-architecture job took $(($(date +%s) - start)) s"
  return "$rc"
}

case $step in
  sysroot) make_sysroot ;;
  build) build ;;
  test) run_tests ;;
  in-namespace) in_namespace ;;
  all)
    t0=$(date +%s)
    make_sysroot
    build
    echo "aarch64: cross build took $(($(date +%s) - t0)) s"
    run_tests
    ;;
  *)
    echo "usage: $0 [sysroot|build|test|all]" >&2
    exit 2
    ;;
esac
