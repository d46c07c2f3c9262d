#!/usr/bin/env bash
# A PMD's megaflow table full: packets are still forwarded, from the slow path's translation,
# without a megaflow (counted as upcall_flow_limit_hit, not as a drop), and idle megaflows are
# evicted after 100 ms instead of max-idle while the table is full, as OVS's revalidators do.
# Open_vSwitch other_config:flow-limit and max-idle are honoured.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py
/usr/bin/python3 $PKT pcap-sized $T/flood.pcap --count 5000 --size 60 --vary-src >/dev/null
/usr/bin/python3 $PKT pcap-sized $T/few.pcap --count 100 --size 60 --vary-src >/dev/null

start_trestled || exit 1
trestle add-br br0 >/dev/null
trestle add-port br0 sink -- set Interface sink type=dpdk \
	"options:dpdk-devargs=net_null_sink,no-rx=1" >/dev/null
trestle set Open_vSwitch . other_config:flow-limit=1000
n_flows() { trestle appctl dpctl/dump-flows | grep -c '^in_port(' ; }
counter() { trestle appctl coverage/show | awk -v k="$1" '$1==k{print $2}'; }

# 1. 5000 new flows (each frame from a source MAC of its own) into a table of 1000.
trestle add-port br0 flood -- set Interface flood type=dpdk \
	"options:dpdk-devargs=net_pcap_flood,rx_pcap=$T/flood.pcap" >/dev/null
wait_rx flood 5000
sleep 0.05
check_eq "every frame forwarded though the table was full" "5000" "$(iface_stat sink tx_packets)"
flows=$(n_flows)
[ "$flows" -le 1000 ] && pass "megaflows within flow-limit ($flows/1000)" || fail "megaflows over flow-limit: $flows"
stat() { trestle appctl dpif-netdev/pmd-stats-show | awk -F': ' -v k="$1" '$1 ~ k {s += $2} END {print s}'; }
upcalls=$(stat "miss with success upcall"); hits=$(stat "miss not cached")
check_eq "one upcall for each new flow, with a megaflow or without" "5000" "$upcalls"
check_ge "forwarded without a megaflow: upcall_flow_limit_hit" 1 "$(counter upcall_flow_limit_hit)"
check_not_contains "not counted as a drop" "flow_table_full" "$(trestle appctl coverage/show)"
check_contains "no failed upcall" "miss with failed upcall: 0" "$(trestle appctl dpif-netdev/pmd-stats-show)"
# While the table is full, megaflows idle for 100 ms go (OVS's revalidators over the flow
# limit); below the limit, max-idle again. So 0.3 s after the flood the table is no longer full.
sleep 0.3
left=$(n_flows)
[ "$left" -lt 1000 ] && pass "idle megaflows of the full table evicted ($left left)" ||
	fail "the full table kept its idle megaflows ($left)"
trestle del-port br0 flood >/dev/null

# 2. max-idle: 100 flows in a table far from full live until max-idle, then go.
trestle remove Open_vSwitch . other_config flow-limit
trestle set Open_vSwitch . other_config:max-idle=1500
trestle add-port br0 few -- set Interface few type=dpdk \
	"options:dpdk-devargs=net_pcap_few,rx_pcap=$T/few.pcap" >/dev/null
wait_rx few 100
check_eq "100 megaflows installed" "100" "$(n_flows)"
sleep 0.7
check_eq "still there before max-idle" "100" "$(n_flows)"
sleep 2.5
check_eq "gone after max-idle=1500" "0" "$(n_flows)"
check_ok "daemon alive" trestle show
finish
