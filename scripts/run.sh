#!/usr/bin/env bash
# The main job: installs what is missing, builds, and starts trestled with a demo host that
# needs no NIC, shaped like the Open vSwitch guides' host:
#   bridge solbr
#     uplink   trunk (VLANs 100, 192), a veth to namespace "upstream" (the upstream switch)
#     vnet100  internal port, VLAN 100, in namespace "vm100a" as 10.100.0.1/24
#     vnet101  internal port, VLAN 100, in namespace "vm100b" as 10.100.0.2/24
#     vnet192  internal port, VLAN 192, in namespace "vm192"  as 10.100.0.3/24 (same subnet,
#              other VLAN: must not reach the two above)
#     vnet193  internal port, VLAN 192, in namespace "vm192b" as 10.100.0.4/24
#     vhost0, vhost1  vhost-user server ports, ready for guests
# It prints `trestle show`, pings within each VLAN, shows the VLAN isolation and the tagged
# frames on the trunk, and says how to attach a QEMU guest. trestled keeps running afterwards;
# `scripts/run.sh stop` stops it and removes the namespaces.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

STATE=${TRESTLE_DEMO_DIR:-/run/trestle-demo}
CTL=$STATE/trestled.ctl
export TRESTLE_CTL=$CTL
T() { build/src/trestle --ctl "$CTL" "$@"; }
NSS="upstream vm100a vm100b vm192 vm192b"

stop() {
	local pid
	if [ -f "$STATE/trestled.pid" ]; then
		pid=$(cat "$STATE/trestled.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	for ns in $NSS; do ip netns del "$ns" 2>/dev/null || true; done
	ip link del uplink 2>/dev/null || true
	rm -rf "$STATE"
}
if [ "${1:-}" = stop ]; then stop; echo "demo stopped"; exit 0; fi

bash scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

stop
mkdir -p "$STATE"
for ns in $NSS; do ip netns add "$ns"; ip netns exec "$ns" ip link set lo up; done
ip link add uplink type veth peer name eth0 netns upstream
ip link set uplink up
ip netns exec upstream ip link set eth0 up

echo "== starting trestled (control thread on core 0, one PMD on core 1)"
build/src/trestled -l 0,1 --no-pci --file-prefix=trestle-demo -m 512 -- \
	--db "$STATE/conf.json" --ctl "$CTL" --run-dir "$STATE" \
	--pidfile "$STATE/trestled.pid" --log-file "$STATE/trestled.log" --detach

T add-br solbr
T add-port solbr uplink trunks=100,192
T add-port solbr vnet100 tag=100 -- set Interface vnet100 type=internal
T add-port solbr vnet101 tag=100 -- set Interface vnet101 type=internal
T add-port solbr vnet192 tag=192 -- set Interface vnet192 type=internal
T add-port solbr vnet193 tag=192 -- set Interface vnet193 type=internal
T add-port solbr vhost0 -- set Interface vhost0 type=dpdkvhostuser
T add-port solbr vhost1 -- set Interface vhost1 type=dpdkvhostuser

place() { # IFACE NS ADDR
	ip link set "$1" netns "$2"
	ip netns exec "$2" ip addr add "$3" dev "$1"
	ip netns exec "$2" ip link set "$1" up
}
place vnet100 vm100a 10.100.0.1/24
place vnet101 vm100b 10.100.0.2/24
place vnet192 vm192 10.100.0.3/24
place vnet193 vm192b 10.100.0.4/24

echo
echo "== trestle show"
T show

echo "== VLAN 100: vm100a (10.100.0.1) pings vm100b (10.100.0.2)"
ip netns exec vm100a ping -c 3 -i 0.2 -W 1 10.100.0.2 | tail -n 2
echo "== VLAN 192: vm192 (10.100.0.3) pings vm192b (10.100.0.4)"
ip netns exec vm192 ping -c 3 -i 0.2 -W 1 10.100.0.4 | tail -n 2
echo "== VLAN 192 is isolated: vm192 (10.100.0.3) cannot reach 10.100.0.1 (same subnet, other VLAN)"
if ip netns exec vm192 ping -c 2 -i 0.2 -W 1 10.100.0.1 >/dev/null 2>&1; then
	echo "UNEXPECTED: VLAN 192 reached VLAN 100"; exit 1
else
	echo "no reply, as it should be"
fi
echo "== the uplink trunk carries both VLANs tagged (frames seen by the upstream switch):"
ip netns exec upstream timeout 3 tcpdump -c 4 -nn -e -i eth0 vlan 2>/dev/null &
sleep 0.5
ip netns exec vm100a ping -c 1 -W 1 10.100.0.99 >/dev/null 2>&1 || true
ip netns exec vm192 ping -c 1 -W 1 10.100.0.98 >/dev/null 2>&1 || true
wait || true

echo
echo "== MAC table and datapath"
T fdb/show solbr
T appctl dpif-netdev/pmd-stats-show

cat <<EOM

trestled is running (log: $STATE/trestled.log). Try:
  export TRESTLE_CTL=$CTL
  build/src/trestle show
  build/src/trestle appctl dpctl/dump-flows

Attach a QEMU guest to a vhost-user port (trestled is the server, QEMU the client):
  qemu-system-x86_64 -m 1G -object memory-backend-file,id=mem,size=1G,mem-path=/dev/hugepages,share=on \\
    -numa node,memdev=mem -chardev socket,id=char0,path=$STATE/vhost0 \\
    -netdev type=vhost-user,id=net0,chardev=char0 -device virtio-net-pci,netdev=net0 ...
or a DPDK guest for a quick test:
  dpdk-testpmd -l 0,1 --main-lcore 1 --no-pci --single-file-segments --file-prefix=guest \\
    --vdev net_virtio_user0,path=$STATE/vhost0 --vdev net_virtio_user1,path=$STATE/vhost1 -- -i
Stop everything with: scripts/run.sh stop
EOM
