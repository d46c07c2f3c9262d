#!/usr/bin/env bash
# VLANs through the real daemon with real peers: internal ports moved into namespaces, a trunk
# (a veth, type system) whose peer namespace speaks 802.1Q through scapy (this kernel has no
# 8021q module). Same subnet on every port, so only the switch's VLANs keep them apart.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py

SW=tfvsw$$; A=tfva$$; B=tfvb$$; C=tfvc$$; UP=tfvup$$
new_ns $SW $A $B $C $UP
ip netns exec $SW ip link add trunk0 type veth peer name up0 netns $UP
ip netns exec $SW ip link set trunk0 up
ip netns exec $UP ip link set up0 up
SW_NS=$SW
start_trestled || exit 1

trestle add-br br0 >/dev/null
trestle add-port br0 trunk0 trunks=100,192 >/dev/null
trestle add-port br0 a100 tag=100 -- set Interface a100 type=internal >/dev/null
trestle add-port br0 b100 tag=100 -- set Interface b100 type=internal >/dev/null
trestle add-port br0 c192 tag=192 -- set Interface c192 type=internal >/dev/null
place() { # IFACE NS ADDR
	ip netns exec $SW ip link set "$1" netns "$2"
	ip netns exec "$2" ip addr add "$3" dev "$1"
	ip netns exec "$2" ip link set "$1" up
}
place a100 $A 10.1.0.1/24
place b100 $B 10.1.0.2/24
place c192 $C 10.1.0.3/24
MAC_A=$(ip netns exec $A cat /sys/class/net/a100/address)
MAC_C=$(ip netns exec $C cat /sys/class/net/c192/address)

check_ok "VLAN 100: a pings b" ip netns exec $A ping -c 3 -i 0.2 -W 2 10.1.0.2
check_fails "VLAN 192 port does not reach VLAN 100 (a)" ip netns exec $C ping -c 2 -i 0.2 -W 1 10.1.0.1
check_fails "VLAN 192 port does not reach VLAN 100 (b)" ip netns exec $C ping -c 2 -i 0.2 -W 1 10.1.0.2

# Broadcast stays in its VLAN: a's ARP requests reach b, never c.
ip netns exec $C timeout 4 tcpdump -l -nn -i c192 "arp and ether src $MAC_A" >$T/arp_c 2>/dev/null &
p1=$!
ip netns exec $B timeout 4 tcpdump -l -nn -i b100 "arp and ether src $MAC_A" >$T/arp_b 2>/dev/null &
p2=$!
sleep 1
command -v arping >/dev/null || fail "arping is missing (scripts/deps.sh installs iputils-arping)"
ip netns exec $A arping -c 3 -w 3 -I a100 10.1.0.77 >/dev/null 2>&1 || true
wait $p1 $p2
check_eq "a's ARP broadcast never reaches VLAN 192" "0" "$(grep -c 'Request' $T/arp_c)"
if [ "$(grep -c 'Request' $T/arp_b)" -ge 1 ]; then pass "a's ARP broadcast reaches b in VLAN 100"; else fail "a's ARP broadcast did not reach b"; fi

# The trunk: 802.1Q probes from the upstream namespace.
ip netns exec $A ip neigh replace 10.1.0.50 lladdr 02:00:00:00:01:01 dev a100
spec='[
 {"name":"arp100","vlan":100,"kind":"arp","src_mac":"02:00:00:00:01:01","src_ip":"10.1.0.50","dst_ip":"10.1.0.1"},
 {"name":"arp192","vlan":192,"kind":"arp","src_mac":"02:00:00:00:01:02","src_ip":"10.1.0.51","dst_ip":"10.1.0.3"},
 {"name":"wrongvlan","vlan":100,"kind":"arp","src_mac":"02:00:00:00:01:03","src_ip":"10.1.0.52","dst_ip":"10.1.0.3"},
 {"name":"vlan300","vlan":300,"kind":"arp","src_mac":"02:00:00:00:01:04","src_ip":"10.1.0.53","dst_ip":"10.1.0.1"},
 {"name":"untagged","vlan":null,"kind":"arp","src_mac":"02:00:00:00:01:05","src_ip":"10.1.0.54","dst_ip":"10.1.0.1"},
 {"name":"icmp100","vlan":100,"kind":"icmp","src_mac":"02:00:00:00:01:01","dst_mac":"'$MAC_A'","src_ip":"10.1.0.50","dst_ip":"10.1.0.1"}
]'
res=$(ip netns exec $UP /usr/bin/python3 "$PKT" trunk up0 --json "$spec")
echo "trunk probes: $res"
q() { echo "$res" | /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
check_eq "ARP on VLAN 100 answered by a, tagged 100" "True" \
	"$(q "any(x['kind']=='arp-reply' and x['vlan']==100 and x['src_mac']=='$MAC_A' for x in r['arp100'])")"
check_eq "ARP on VLAN 100 gets nothing tagged 192" "False" "$(q "any(x['vlan']==192 for x in r['arp100'])")"
check_eq "ARP on VLAN 192 answered by c, tagged 192" "True" \
	"$(q "any(x['kind']=='arp-reply' and x['vlan']==192 and x['src_mac']=='$MAC_C' for x in r['arp192'])")"
check_eq "ARP for c's address on VLAN 100 gets no reply" "False" "$(q "any(x['kind']=='arp-reply' for x in r['wrongvlan'])")"
check_eq "VLAN 300 (not trunked) gets no reply" "False" "$(q "any(x['kind']!='other' for x in r['vlan300'])")"
check_eq "untagged frame on a trunk without native VLAN gets no reply" "False" "$(q "any(x['kind']!='other' for x in r['untagged'])")"
check_eq "ICMP echo on VLAN 100 answered, tagged 100" "True" \
	"$(q "any(x['kind']=='icmp-reply' and x['vlan']==100 for x in r['icmp100'])")"
check_eq "nothing leaves the trunk untagged" "False" \
	"$(q "any(x['vlan'] is None for k in r for x in r[k])")"

cov=$(trestle appctl coverage/show)
n=$(echo "$cov" | awk '$1=="drop_vlan_invalid"{print $2}')
if [ "${n:-0}" -ge 1 ]; then pass "drops of untrunked VLANs are counted (drop_vlan_invalid $n)"; else fail "drop_vlan_invalid not counted: $cov"; fi

fdb=$(trestle fdb/show br0)
check_contains "fdb/show heading" " port  VLAN  MAC                Age" "$fdb"
check_contains "fdb/show learned a on VLAN 100" "$MAC_A" "$fdb"

finish
