#!/usr/bin/env bash
# Jumbo frames: 9000-byte frames arrive as chains of mbufs (the pool's buffers hold 2 KiB).
# Flooded to two outputs, every segment is shared, not just the first: each sink sends exactly
# what came in and the pool's in-use count returns to its baseline. A frame longer than the
# ingress port's MTU is dropped and counted (oversize), as a NIC would; one longer than an
# egress port's MTU is dropped there and counted, as OVS-DPDK does.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py
/usr/bin/python3 $PKT pcap-sized $T/jumbo.pcap --count 10 --size 9000 >/dev/null
/usr/bin/python3 $PKT pcap-sized $T/jumbo2.pcap --count 10 --size 9000 --src 02:00:00:00:99:02 >/dev/null
/usr/bin/python3 $PKT pcap-sized $T/mtu.pcap --count 10 --size 1518 --src 02:00:00:00:99:03 >/dev/null

start_trestled || exit 1
trestle add-br br0 >/dev/null
for s in sink1 sink2; do
	trestle add-port br0 $s -- set Interface $s type=dpdk mtu_request=9000 \
		"options:dpdk-devargs=net_null_$s,no-rx=1" >/dev/null
done
check_eq "sink MTU 9000 in use" "9000" "$(trestle get Interface sink1 mtu)"

inuse() { trestle appctl coverage/show | awk '/^mbufs in use/{print $4}'; }
drops() { trestle appctl coverage/show | awk -v k="drop_$1" '$1==k{print $2}'; }
base=$(inuse)

# 1. Ten 9000-byte frames flooded to both sinks.
trestle add-port br0 jin -- set Interface jin type=dpdk mtu_request=9000 \
	"options:dpdk-devargs=net_pcap_jin,rx_pcap=$T/jumbo.pcap" >/dev/null
wait_rx jin 10
check_eq "jumbo frames received" "10" "$(iface_stat jin rx_packets)"
sleep 0.3
check_eq "sink1 sent each jumbo frame once" "10" "$(iface_stat sink1 tx_packets)"
check_eq "sink2 sent each jumbo frame once" "10" "$(iface_stat sink2 tx_packets)"
check_eq "sink1 sent 90000 bytes" "90000" "$(iface_stat sink1 tx_bytes)"
trestle del-port br0 jin >/dev/null
sleep 0.3
check_eq "mbufs in use back to the baseline after flooding chained frames" "$base" "$(inuse)"

# 2. The same frames on a port whose MTU is 1500: dropped at the door, counted.
trestle add-port br0 small -- set Interface small type=dpdk \
	"options:dpdk-devargs=net_pcap_small,rx_pcap=$T/jumbo.pcap" >/dev/null
check_eq "pcap port MTU defaults to 1500" "1500" "$(trestle get Interface small mtu)"
wait_rx small 10
sleep 0.3
check_eq "oversize frames counted by reason" "10" "$(drops oversize)"
check_eq "oversize frames counted as rx_dropped" "10" "$(iface_stat small rx_dropped)"
check_eq "no oversize frame forwarded" "10" "$(iface_stat sink1 tx_packets)"
trestle del-port br0 small >/dev/null

# 3. A 1518-byte frame (1500 bytes of payload and one 802.1Q tag's worth) fits an MTU of 1500.
trestle add-port br0 fits -- set Interface fits type=dpdk \
	"options:dpdk-devargs=net_pcap_fits,rx_pcap=$T/mtu.pcap" >/dev/null
wait_rx fits 10
sleep 0.3
check_eq "frames of MTU + 18 bytes pass" "20" "$(iface_stat sink1 tx_packets)"
trestle del-port br0 fits >/dev/null

# 4. An egress port with MTU 1500: jumbo frames are dropped there, the others still get them.
trestle add-port br0 sink3 -- set Interface sink3 type=dpdk \
	"options:dpdk-devargs=net_null_sink3,no-rx=1" >/dev/null
trestle add-port br0 jin2 -- set Interface jin2 type=dpdk mtu_request=9000 \
	"options:dpdk-devargs=net_pcap_jin2,rx_pcap=$T/jumbo2.pcap" >/dev/null
wait_rx jin2 10
sleep 0.3
check_eq "9000-MTU sinks got the jumbo frames" "30 30" \
	"$(iface_stat sink1 tx_packets) $(iface_stat sink2 tx_packets)"
check_eq "1500-MTU sink sent none" "0" "$(iface_stat sink3 tx_packets)"
check_eq "1500-MTU sink counted them as tx_dropped" "10" "$(iface_stat sink3 tx_dropped)"
check_eq "egress oversize counted by reason" "20" "$(drops oversize)"
trestle del-port br0 jin2 >/dev/null

# 5. A new mtu_request on an open port takes effect: sink3 now sends jumbo frames too.
trestle set Interface sink3 mtu_request=9000
check_eq "MTU changed in place" "9000" "$(trestle get Interface sink3 mtu)"
# 6. OpenFlow: two outputs sharing the chain, a tag pushed on a copy, a third output.
check_ok "flow with three outputs added" trestle ofctl add-flow br0 "priority=10,dl_src=02:00:00:00:99:01,actions=output:sink1,output:sink2,mod_vlan_vid:5,output:sink3"
trestle add-port br0 jin3 -- set Interface jin3 type=dpdk mtu_request=9000 \
	"options:dpdk-devargs=net_pcap_jin3,rx_pcap=$T/jumbo.pcap" >/dev/null
wait_rx jin3 10
sleep 0.3
check_eq "three outputs, one tagged copy: each sink sent 10 more" "40 40 10" \
	"$(iface_stat sink1 tx_packets) $(iface_stat sink2 tx_packets) $(iface_stat sink3 tx_packets)"
check_eq "the tagged copies are 4 bytes longer" "90040" "$(iface_stat sink3 tx_bytes)"
trestle del-port br0 jin3 >/dev/null
sleep 0.3
check_eq "mbufs in use back to the baseline at the end" "$base" "$(inuse)"

# 7. An MTU out of range: the port is not opened, and says why.
trestle add-port br0 huge -- set Interface huge type=dpdk mtu_request=20000 \
	"options:dpdk-devargs=net_null_huge,no-rx=1" >/dev/null
check_contains "MTU out of range: error column says why" "could not set MTU 20000 on huge: an MTU is from 68 to 9710" \
	"$(trestle get Interface huge error)"
check_eq "MTU out of range: ofport -1" "-1" "$(trestle get Interface huge ofport)"
check_ok "daemon alive" trestle show

# A pcap source whose file holds more frames than the pool has mbufs (net_pcap with infinite_rx
# loads it all at start): the error column says what ran out, not just "Invalid argument".
/usr/bin/python3 $PKT pcap-sized $T/big.pcap --count 70000 --size 60 >/dev/null
trestle add-port br0 pbig -- set Interface pbig type=dpdk \
	"options:dpdk-devargs=net_pcap_big,rx_pcap=$T/big.pcap,infinite_rx=1" >/dev/null
check_contains "a pcap file larger than the pool: error says the pool ran short" "mbufs free" \
	"$(trestle get Interface pbig error)"
check_ok "daemon alive" trestle show
finish
