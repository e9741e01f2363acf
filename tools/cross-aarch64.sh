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
#          fingerprint must equal the native build's (build/, when it exists).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=$top/build-aarch64
sysroot=$out/sysroot
step=${1:-all}

# Packages unpacked (not installed) for the target: each conflicts with a file of its amd64
# twin, or depends on one that does.
SYSROOT_DEBS="libpmix2:arm64 libpmix-dev:arm64 libmunge2:arm64 libmdnsd1:arm64 libmdnsd-dev:arm64"

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

case $step in
  sysroot | all) make_sysroot ;;
esac
