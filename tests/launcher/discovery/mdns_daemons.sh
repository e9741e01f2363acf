#!/bin/sh
# Runs a private D-Bus system bus and avahi-daemon as one namespace host's mDNS daemon, for the
# dns_sd.h back end's tests (dnssd_cluster_test.sh). Start it through the harness
# (cluster_spawn), which gives it the host's network, UTS, mount and PID namespaces: it becomes
# PID 1 there, so killing it (the harness does, by PID) ends the bus too.
#   mdns_daemons.sh STATE_DIR HOST
# The bus listens on STATE_DIR/HOST.bus; clients on that host reach it with
# DBUS_SYSTEM_BUS_ADDRESS=unix:path=STATE_DIR/HOST.bus. /run is a private tmpfs (avahi's pid
# file and socket), so nothing is written outside STATE_DIR and this host's mounts.
set -eu
dir=$1
host=$2
bus=$dir/$host.bus
mount -t tmpfs -o size=1m tmpfs /run
mkdir -p /run/avahi-daemon /run/dbus
cat >"$dir/$host.bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
cat >"$dir/$host.avahi.conf" <<CONF
[server]
host-name=$host
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
publish-aaaa-on-ipv4=no
[reflector]
enable-reflector=no
[rlimits]
CONF
dbus-daemon --config-file="$dir/$host.bus.conf" --nofork --nopidfile &
i=0
while [ ! -S "$bus" ]; do
  i=$((i + 1))
  [ "$i" -le 100 ] || { echo "mdns_daemons: no bus at $bus after 5 s" >&2; exit 1; }
  sleep 0.05
done
echo "mdns_daemons: bus at $bus"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$bus"
# As root without dropping privileges or chroot: the bus and the daemon exist only here.
exec avahi-daemon -f "$dir/$host.avahi.conf" --no-drop-root --no-chroot --no-rlimits \
  --no-proc-title
