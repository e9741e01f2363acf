#!/bin/sh
# The ofi transport uses the interface it is given, not the provider's default: in a network
# namespace of our own with a veth interface zeth0 (198.51.100.77/24) next to lo, both
# providers must bind to 198.51.100.77 and carry traffic there. Needs root (ip netns).
# Usage: netns_iface_test.sh PATH/TO/ofi_pingpong
set -u
bench="$1"
ns="zofi-$$"
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT INT TERM
ip netns add "$ns" || { echo "FAIL: ip netns add (needs root)"; exit 1; }
ip -n "$ns" link set lo up
ip -n "$ns" link add zeth0 type veth peer name zeth1
ip -n "$ns" addr add 198.51.100.77/24 dev zeth0
ip -n "$ns" link set zeth0 up
ip -n "$ns" link set zeth1 up
out=$(timeout 60 ip netns exec "$ns" "$bench" --iface zeth0 200 2>&1)
rc=$?
echo "$out"
[ "$rc" -eq 0 ] || { echo "FAIL: ofi_pingpong exited $rc"; exit 1; }
for provider in "tcp;ofi_rxm" "net"; do
  n=$(echo "$out" | grep -F "$provider " | grep -c "on zeth0 at 198.51.100.77:")
  [ "$n" -eq 2 ] || { echo "FAIL: $provider did not bind both ranks to 198.51.100.77"; exit 1; }
done
if echo "$out" | grep -q " at 127\.\| at 192\.0\.2\."; then
  echo "FAIL: an endpoint bound to another interface"; exit 1
fi
# An interface the namespace lacks is refused with a clear message.
bad=$(timeout 20 ip netns exec "$ns" "$bench" --iface eth0 10 net 2>&1)
echo "$bad" | grep -q "'eth0' does not exist" || { echo "FAIL: bad iface: $bad"; exit 1; }
echo PASS
