#!/bin/sh
# Installs the Debian 12 packages zmpi needs to build and test (only what is missing), and
# any further packages named as arguments (benchmarks/compare.sh adds the reference MPIs).
set -eu
# Tests of the drop-in (tests/compat): MPICH's wrappers and library build programs that must run
# on zmpi (mpich, libmpich-dev), netpipe-mpich2 is a Debian program built against MPICH, meson
# and autoconf build user projects against zmpi.
PACKAGES="g++ cmake ninja-build pkg-config libfabric-dev libhwloc-dev libpmix-dev libmdnsd-dev
libsodium-dev libgtest-dev python3 iproute2 util-linux procps avahi-utils libavahi-core-dev
mpich libmpich-dev gfortran netpipe-mpich2 meson autoconf $*"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "zmpi: installing:$missing"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
