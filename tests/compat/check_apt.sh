#!/bin/sh
# The Debian package as a user installs it: cpack -G DEB makes zmpi_<version>_<arch>.deb, and
# the real apt-get installs it on this system (`apt-get install ./zmpi_*.deb`) with no package
# sources configured, so nothing can be downloaded and its Depends must be met by what is
# installed (what tools/deps.sh leaves on a clean Debian 12). Not `--no-download`: apt 2.6
# combined with a local .deb then fails ("Internal Error, Pathname to install is not
# absolute"). Then the installed /opt/zmpi/bin/mpicc builds a program and /opt/zmpi/bin/zrun
# runs it on 2 ranks (and `zrun --doctor` is content); `apt-get purge` removes it and nothing of
# it is left.
# Needs root. Refuses (fails, never skips) when some zmpi package is installed already: it
# would not be ours to replace or purge. ctest runs it under RESOURCE_LOCK zmpi_package.
#   check_apt.sh CPACK BUILD_DIR SOURCE_DIR
set -u
cpack=$1 build=$2 src=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
[ "$(id -u)" = 0 ] || { echo "FAILED: needs root (it runs apt-get install and apt-get purge)"; exit 1; }
command -v apt-get >/dev/null || { echo "FAILED: no apt-get: this test is for Debian systems"; exit 1; }
installed=$(dpkg-query -W -f='${Status} ${Version}' zmpi 2>/dev/null)
case "$installed" in
  *" installed "* | *" config-files "* | *half* | *unpacked*)
    echo "FAILED: a zmpi package is already on this system ($installed) and this test will not" \
      "replace or purge someone else's; remove it first (apt-get purge zmpi) and rerun"
    exit 1 ;;
esac
[ -e /opt/zmpi ] && { echo "FAILED: /opt/zmpi exists without a zmpi package; move it away and rerun"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-apt.XXXXXX") || exit 1
tmp=$(cd "$tmp" && pwd -P)
ours=""
cleanup() {
  # Only what this run installed, and only if it is still the package this run installed.
  if [ -n "$ours" ] && dpkg-query -W -f='${Version}' zmpi 2>/dev/null | grep -qx "$ours"; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=120 zmpi >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# No sources: apt sees only dpkg's installed packages and the .deb.
mkdir "$tmp/no-sources" && : >"$tmp/no-sources.list"
apt="apt-get -o DPkg::Lock::Timeout=120 -o Dir::Etc::SourceList=$tmp/no-sources.list
  -o Dir::Etc::SourceParts=$tmp/no-sources"
export DEBIAN_FRONTEND=noninteractive

(cd "$build" && "$cpack" -G DEB -B "$tmp/pkg") >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAILED: cpack"; exit 1; }
deb=$(ls "$tmp"/pkg/zmpi_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { cat "$tmp/log"; echo "FAILED: no zmpi_*.deb"; exit 1; }
chmod 755 "$tmp" "$tmp/pkg" && chmod 644 "$deb"  # apt's sandbox user reads local .debs
version=$(dpkg-deb -f "$deb" Version)
echo "package: $(basename "$deb") (Depends: $(dpkg-deb -f "$deb" Depends))"

# apt must find every dependency installed: the simulation installs zmpi and nothing else.
sim=$($apt install -s "$deb" 2>&1)
others=$(echo "$sim" | grep '^Inst ' | grep -v '^Inst zmpi ')
if echo "$sim" | grep -q '^Inst zmpi ' && [ -z "$others" ]; then
  pass "apt resolves the Depends line from installed packages alone"
else
  echo "$sim"
  fail "apt would need more than zmpi: ${others:-see above} (tools/deps.sh installs them)"
fi
ours=$version
$apt install -y "$deb" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "apt-get install $deb"; }
dpkg-query -W -f='${Status}' zmpi 2>/dev/null | grep -q "install ok installed" &&
  pass "apt-get install ./$(basename "$deb")" || { fail "not installed"; exit 1; }

z=/opt/zmpi
# The portable build has no doctor probe (a PMIx client over libfabric; docs/haiku.md).
probe=libexec/zmpi/zmpi-doctor-probe
grep -q '^ZMPI_PORTABLE:BOOL=ON$' "$build/CMakeCache.txt" && probe=
for f in bin/zrun bin/zrund bin/mpicc bin/mpiexec lib/libmpi.so.12 lib/libmpich.so.12 \
  $probe lib/systemd/system/zrund.service; do
  [ -e "$z/$f" ] || fail "the package did not install $z/$f"
done
"$z/bin/mpicc" -O2 "$src/hello_c.c" -o "$tmp/hello" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "mpicc"; }
ldd "$tmp/hello" | grep -q "libmpi.so.12 => $z/lib/libmpi.so.12" &&
  pass "/opt/zmpi/bin/mpicc links /opt/zmpi/lib/libmpi.so.12" || { ldd "$tmp/hello"; fail "links"; }
out=$(cd "$tmp" && timeout 60 "$z/bin/zrun" -n 2 ./hello 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && echo "$out" | grep -q '^hello_c: OK (2 ranks)' &&
  pass "/opt/zmpi/bin/zrun -n 2 runs it" || fail "2-rank job: exit $rc"
out=$(cd "$tmp" && HOME=$tmp timeout 60 "$z/bin/zrun" --doctor ./hello 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q "^ok    library .*$z/lib/libmpi.so.12" &&
  pass "the installed zrun --doctor is content" || { echo "$out"; fail "doctor: exit $rc"; }

files=$(dpkg -L zmpi | grep '^/opt/zmpi/.' )
$apt purge -y zmpi >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "apt-get purge zmpi"; }
ours=""
state=$(dpkg-query -W -f='${Status}' zmpi 2>/dev/null)
[ -z "$state" ] || echo "$state" | grep -q "not-installed" &&
  pass "apt-get purge: dpkg knows no zmpi any more" || fail "after purge: $state"
left=""
for f in $files; do [ -e "$f" ] && left="$left $f"; done
[ -z "$left" ] && [ ! -e /opt/zmpi ] && pass "nothing left: the package's $(echo "$files" | wc -l) paths and /opt/zmpi are gone" ||
  fail "left after purge:$left $(ls -d /opt/zmpi 2>/dev/null)"

[ "$failures" = 0 ] && echo "all passed" || echo "$failures failed"
[ "$failures" = 0 ]
