#!/bin/sh
# cpack -G DEB makes zmpi_<version>_<arch>.deb; dpkg installs it into a scratch root (not the
# real system: dpkg --root, with the dependencies taken as present), everything lands under
# /opt/zmpi, the installed mpicc and zrun build and run a 2-rank job from there, and dpkg
# removes it again without leaving files.
#   check_deb.sh CPACK BUILD_DIR SOURCE_DIR
set -u
cpack=$1 build=$2 src=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-deb.XXXXXX") || exit 1
tmp=$(cd "$tmp" && pwd -P)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

(cd "$build" && "$cpack" -G DEB -B "$tmp/pkg") >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAILED: cpack"; exit 1; }
deb=$(ls "$tmp"/pkg/zmpi_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { cat "$tmp/log"; echo "FAILED: no zmpi_*.deb"; exit 1; }
echo "package: $(basename "$deb")"
info=$(dpkg-deb -f "$deb" Package Version Architecture Depends)
echo "$info"
echo "$info" | grep -q "^Package: zmpi$" && echo "$info" | grep -q "^Depends: .*libpmix2" &&
  pass "control: name zmpi, depends on libpmix2 ..." || fail "control fields"
outside=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '^\./$' | grep -v '^\./opt/' | grep -v '^\./opt$')
[ -z "$outside" ] && pass "every file is under /opt/zmpi" || fail "files outside /opt/zmpi: $outside"

root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/tmp"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
dpkg --root="$root" --force-depends --force-script-chrootless --log=/dev/null -i "$deb" >"$tmp/log" 2>&1 ||
  { cat "$tmp/log"; fail "dpkg -i"; }
dpkg --root="$root" -s zmpi 2>/dev/null | grep -q "^Status: install ok installed" &&
  pass "dpkg installs it (scratch root)" || fail "dpkg status"
z=$root/opt/zmpi
"$z/bin/mpicc" -O2 "$src/hello_c.c" -o "$tmp/hello" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "mpicc"; }
out=$(timeout 60 "$z/bin/zrun" -n 2 "$tmp/hello" 2>&1)
echo "$out"
echo "$out" | grep -q '^hello_c: OK (2 ranks)' && ldd "$tmp/hello" | grep -q "libmpi.so.12 => $z/lib/" &&
  pass "the packaged mpicc and zrun build and run a 2-rank job" || fail "packaged job"
grep -q "^ExecStart=/opt/zmpi/bin/zrund " "$z/lib/systemd/system/zrund.service" &&
  pass "the unit names /opt/zmpi/bin/zrund" || fail "unit in the package"
dpkg --root="$root" --force-script-chrootless --log=/dev/null -r zmpi >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "dpkg -r"; }
left=$(find "$root/opt" -type f 2>/dev/null)
[ -z "$left" ] && pass "dpkg -r removes every file" || fail "left after removal: $left"

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
