#!/usr/bin/env bash
# The bridge's own interface takes its MAC as OVS picks it: the lowest universal MAC among the
# bridge's ports that are not internal (a host's NIC), following them as they come and go;
# other_config:hwaddr when set; never a locally administered one (veths', by default). Then
# the seeds' walk: a DHCP server (dnsmasq) behind the uplink knows the NIC's MAC, and dhclient
# on the bridge gets the NIC's lease through the switch; ping works.
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tbsw$$; H=tbh$$
new_ns $SW $H
SW_NS=$SW
# u0, u1: uplinks with universal MACs (NICs'); l0: a veth's own, locally administered.
ip netns exec $SW ip link add u0 address 00:0c:29:b3:b0:05 type veth peer name d0 netns $H
ip netns exec $SW ip link add u1 address 00:0c:29:b3:b0:09 type veth peer name d1 netns $H
ip netns exec $SW ip link add l0 address 02:0c:29:00:00:01 type veth peer name d2 netns $H
for i in u0 u1 l0; do ip netns exec $SW ip link set $i up; done
for i in d0 d1 d2; do ip netns exec $H ip link set $i up; done

start_trestled || exit 1
bmac() { ip netns exec $SW cat /sys/class/net/mybr/address; }
check_ok "add-br mybr" trestle add-br mybr
random=$(bmac)
check_ok "add-port l0 (locally administered)" trestle add-port mybr l0
check_eq "a locally administered MAC is not taken" "$random" "$(bmac)"
check_ok "add-port u1" trestle add-port mybr u1
check_eq "the bridge takes u1's MAC" "00:0c:29:b3:b0:09" "$(bmac)"
check_ok "add-port u0" trestle add-port mybr u0
check_eq "then the lowest: u0's" "00:0c:29:b3:b0:05" "$(bmac)"
check_eq "mac_in_use says so, in lower case as OVS" '"00:0c:29:b3:b0:05"' \
	"$(trestle get Interface mybr mac_in_use)"
check_contains "the datapath ID follows" "dpid:0000000c29b3b005" "$(trestle ofctl show mybr)"
check_ok "del-port u0" trestle del-port u0
check_eq "u0 gone: u1's again" "00:0c:29:b3:b0:09" "$(bmac)"
check_ok "other_config:hwaddr" trestle set Bridge mybr other_config:hwaddr=00:0c:29:00:00:77
check_eq "hwaddr wins" "00:0c:29:00:00:77" "$(bmac)"
check_fails "a multicast hwaddr is refused" trestle set Bridge mybr other_config:hwaddr=01:00:5e:00:00:01
check_ok "hwaddr cleared" trestle remove Bridge mybr other_config hwaddr
check_ok "u0 back" trestle add-port mybr u0
check_eq "the lowest again" "00:0c:29:b3:b0:05" "$(bmac)"

# The seeds' walk: the NIC's address moves to the bridge, and its DHCP lease with it. The
# server knows the NIC by its MAC. d0's UDP checksums are left for "hardware" by the veth: off.
ip netns exec $H ip link del d1
ip netns exec $H ip link del d2
ip netns exec $H ip addr add 10.9.9.1/24 dev d0
ip netns exec $H ethtool -K d0 tx off >/dev/null
ip netns exec $H dnsmasq --no-daemon --port=0 --interface=d0 --bind-interfaces \
	--dhcp-range=10.9.9.100,10.9.9.200 --dhcp-host=00:0c:29:b3:b0:05,10.9.9.50 \
	--dhcp-leasefile=$T/leases --pid-file=$T/dnsmasq.pid >$T/dnsmasq.log 2>&1 &
at_exit "kill $! 2>/dev/null"
ip netns exec $SW ip link set mybr up
if ip netns exec $SW timeout 20 dhclient -1 -v -pf $T/dhclient.pid -lf $T/dhclient.leases \
	mybr >$T/dhclient.log 2>&1; then
	pass "dhclient mybr got a lease through the switch"
else
	fail "dhclient mybr"; tail -n 5 $T/dhclient.log; tail -n 5 $T/dnsmasq.log
fi
at_exit "ip netns exec $SW dhclient -x -pf $T/dhclient.pid mybr"
check_contains "the NIC's address: the server knew the bridge by the NIC's MAC" "10.9.9.50/24" \
	"$(ip netns exec $SW ip -4 addr show mybr)"
check_ok "ping the server through the switch" ip netns exec $SW ping -c 3 -i 0.2 -W 2 10.9.9.1

finish
