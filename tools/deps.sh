#!/bin/sh
# Installs the Debian 12 packages zmpi needs to build and test (only what is missing), and
# any further packages named as arguments (benchmarks/compare.sh adds the reference MPIs).
# mpich, slurmd, slurmctld, slurm-client and munge are launchers the tests run zmpi programs
# under (tests/bootstrap); nothing of zmpi links against them.
set -eu
# Tests of the drop-in (tests/compat): MPICH's wrappers and library build programs that must run
# on zmpi (mpich, libmpich-dev), netpipe-mpich2 is a Debian program built against MPICH, meson
# and autoconf build user projects against zmpi. libhdf5-mpich-dev: Debian's parallel HDF5 built
# against MPICH (libhdf5_mpich.so.103 NEEDs libmpich.so.12), run on zmpi by compat_hdf5.
# libavahi-compat-libdnssd-dev: dns_sd.h for the dnssd discovery back end (launcher/discovery);
# its tests run avahi-daemon on a private dbus-daemon inside namespace hosts.
# openmpi-bin, libopenmpi-dev, python3-mpi4py (Debian's, built against Open MPI): programs and
# an interpreter that load Open MPI's library, which zrun must refuse in one line
# (tests/compat/check_openmpi_guard.sh, tests/launcher/zrun/check_doctor.sh).
PACKAGES="g++ cmake ninja-build pkg-config libfabric-dev libhwloc-dev libpmix-dev libmdnsd-dev
libsodium-dev libgtest-dev python3 iproute2 util-linux procps avahi-utils libavahi-core-dev
mpich libmpich-dev gfortran netpipe-mpich2 libhdf5-mpich-dev meson autoconf slurmd slurmctld
slurm-client munge zlib1g-dev libavahi-compat-libdnssd-dev avahi-daemon dbus-daemon
openmpi-bin libopenmpi-dev python3-mpi4py $*"
# The aarch64 cross build and its tests under qemu-user (tools/cross-aarch64.sh): the cross
# compilers, qemu, and the arm64 libraries that co-install with their amd64 twins (multiarch).
# PMIx, libmdnsd and munge do not (their arm64 packages would remove the amd64 ones): the
# script unpacks those into a sysroot with `apt-get download`, which needs the arm64 lists.
PACKAGES="$PACKAGES g++-aarch64-linux-gnu gfortran-aarch64-linux-gnu qemu-user-static
libfabric-dev:arm64 libhwloc-dev:arm64 libsodium-dev:arm64 libgtest-dev:arm64
libavahi-core-dev:arm64 zlib1g-dev:arm64 libstdc++6:arm64"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
update=""
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
  update=yes
fi
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ] || [ -n "$update" ]; then
  $SUDO apt-get update -qq
fi
if [ -n "$missing" ]; then
  echo "zmpi: installing:$missing"
  # avahi-daemon (and munge) are daemons: nothing here may start them in this machine's own
  # network namespace (tests start their own inside namespace hosts). policy-rc.d stops the
  # packages' scripts from starting services; units they enabled are disabled again.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    guard=yes
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing ||
    status=$?
  [ -z "$guard" ] || $SUDO rm -f /usr/sbin/policy-rc.d
  case " $missing " in
    *" avahi-daemon "* | *" avahi-utils "*)
      if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now avahi-daemon.socket avahi-daemon.service 2>/dev/null || true
      fi ;;
  esac
  [ "${status:-0}" = 0 ] || exit "$status"
fi
