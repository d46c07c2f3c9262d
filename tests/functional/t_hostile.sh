#!/usr/bin/env bash
# Malformed and hostile traffic: random bytes (runts included), truncated headers, VLAN stacks
# of depth 10, truncated tags, a flood of random source MACs, replayed from a pcap port. The PMD
# must survive, count the drops by reason, leak no mbufs, and keep a legitimate MAC entry.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py
/usr/bin/python3 $PKT pcap-hostile $T/hostile.pcap --count 20000 >/dev/null

SW=tfhsw$$; L=tfhl$$
new_ns $SW $L
SW_NS=$SW
start_trestled || exit 1
trestle add-br br0 -- set Bridge br0 other_config:mac-table-size=1000 >/dev/null
trestle add-port br0 sink -- set Interface sink type=dpdk "options:dpdk-devargs=net_null_sink,no-rx=1" >/dev/null
trestle add-port br0 legit -- set Interface legit type=internal >/dev/null
ip netns exec $SW ip link set legit netns $L; ip netns exec $L ip link set legit up
LEGIT=02:00:00:00:11:11
ip netns exec $L /usr/bin/python3 $PKT send legit --src $LEGIT --dst ff:ff:ff:ff:ff:ff --count 2
check_contains "legitimate MAC learned" "$LEGIT" "$(trestle fdb/show br0)"

inuse() { trestle appctl coverage/show | awk '/^mbufs in use/{print $4}'; }
base=$(inuse)
trestle add-port br0 hostile -- set Interface hostile type=dpdk \
	"options:dpdk-devargs=net_pcap_hostile,rx_pcap=$T/hostile.pcap" >/dev/null
# Wait until the whole file went through (received count stops growing).
prev=-1
for _ in $(seq 100); do
	rx=$(trestle get Interface hostile statistics:rx_packets 2>/dev/null || echo 0)
	[ "$rx" = "$prev" ] && [ "$rx" != 0 ] && break
	prev=$rx; sleep 0.2
done
check_eq "every hostile frame was received" "20000" "$rx"
check_ok "daemon alive after the hostile traffic" trestle show
cov=$(trestle appctl coverage/show)
echo "$cov"
cnt() { echo "$cov" | awk -v k="drop_$1" '$1==k{print $2}'; }
[ "$(cnt runt)" -gt 0 ] && pass "runts dropped and counted ($(cnt runt))" || fail "runts not counted"
[ "$(cnt vlan_truncated)" -gt 0 ] && pass "truncated tags dropped and counted ($(cnt vlan_truncated))" || fail "truncated tags not counted"
stats=$(trestle appctl fdb/stats-show br0)
cur=$(echo "$stats" | awk -F': *' '/Current\/maximum/{split($2,a,"/"); print a[1]}')
[ -n "$cur" ] && [ "$cur" -le 1000 ] && pass "MAC table stays within mac-table-size ($cur/1000)" || fail "MAC table over its cap: $stats"
check_contains "the source-MAC flood did not evict the legitimate entry" "$LEGIT" "$(trestle fdb/show br0)"

trestle del-port br0 hostile >/dev/null
sleep 0.5
check_eq "mbufs in use back to the baseline" "$base" "$(inuse)"
finish
