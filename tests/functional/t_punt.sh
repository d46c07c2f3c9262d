#!/usr/bin/env bash
# Punt and inject: frames to a claimed address (here LLDP's, claimed by punt/capture) reach the
# claim's handler on the control thread while the PMD forwards other traffic at full rate, and
# later ones take a megaflow instead of an upcall; a frame the control thread sends out of a
# port (punt/inject) is seen on the wire at the far end of a veth. Bad arguments get a clear
# error.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py
/usr/bin/python3 $PKT pcap-sized $T/in.pcap --count 64 --size 64 --dst 02:00:00:00:00:99 >/dev/null
SW=tfpsw$$; L=tfpl$$
new_ns $SW $L
SW_NS=$SW
ip netns exec $SW ip link add vp type veth peer name vq netns $L
ip netns exec $SW ip link set vp up
ip netns exec $L ip link set vq up
start_trestled || exit 1
trestle add-br br0 >/dev/null
trestle add-port br0 vp >/dev/null
trestle add-port br0 sink -- set Interface sink type=dpdk "options:dpdk-devargs=net_null_sink,no-rx=1" >/dev/null
trestle add-port br0 src -- set Interface src type=dpdk \
	"options:dpdk-devargs=net_pcap_src,rx_pcap=$T/in.pcap,infinite_rx=1" >/dev/null
trestle ofctl add-flow br0 "priority=10,in_port=src,actions=output:sink"
sleep 0.5

LLDP=01:80:c2:00:00:0e
check_contains "a capture claims LLDP frames" "capturing as claim" "$(trestle appctl punt/capture $LLDP 88cc)"
upcalls() { trestle appctl dpif-netdev/pmd-stats-show | awk -F': ' '/miss with success upcall/{s+=$2} END{print s}'; }
u0=$(upcalls)
t0=$(iface_stat sink tx_packets)
ip netns exec $L /usr/bin/python3 $PKT send vq --src 02:00:00:00:55:01 --dst $LLDP --ethertype 88cc --count 5
sleep 0.3
t1=$(iface_stat sink tx_packets)
show=$(trestle appctl punt/show)
echo "$show"
check_contains "the handler got the 5 frames" "frames=5" "$show"
check_eq "each seen arriving on vp" "5" "$(echo "$show" | grep -c 'in_port=vp len=60 0180c200000e0200000055')"
check_contains "punted counted" "punted: 5," "$show"
flows=$(trestle appctl dpctl/dump-flows)
check_contains "a megaflow punts them" "eth(dst=01:80:c2:00:00:0e),eth_type(0x88cc), packets:5, bytes:300" \
	"$(echo "$flows" | grep 'userspace(punt=')"
check_eq "one upcall for the five: later ones took the megaflow" "1" "$(($(upcalls) - u0))"
# Not a rate (that is the benchmark's): the PMD did not stop forwarding while it punted.
check_ge "the PMD kept forwarding meanwhile (frames to the sink in 0.4 s)" 10000 "$((t1 - t0))"
check_not_contains "no LLDP frame flooded to the sink or elsewhere" "0180c200000e" \
	"$(trestle appctl dpctl/dump-flows | grep -v punt)"
trestle appctl fdb/show br0 | grep -q 02:00:00:00:55:01 && fail "a claimed frame was learned" || pass "claimed frames are not learned"

# Inject three frames out of vp: tcpdump on the far end of the veth sees them.
ip netns exec $L timeout 10 tcpdump -i vq -c 3 -nn -e 'ether proto 0x88b5' >"$T/tcpdump.out" 2>/dev/null &
TCPDUMP=$!
sleep 1
FRAME=ffffffffffff02000000660188b5$(printf 'aa%.0s' $(seq 46))
for i in 1 2 3; do check_ok "punt/inject $i" trestle appctl punt/inject vp "$FRAME"; done
wait $TCPDUMP
check_eq "the injected frames are on the wire" "3" "$(grep -c '02:00:00:00:66:01 > ff:ff:ff:ff:ff:ff' "$T/tcpdump.out")"
check_contains "injected counted" "injected: 3" "$(trestle appctl punt/show)"

# Bad input: clear errors, nothing sent.
out=$(trestle appctl punt/inject vp zz 2>&1); check_contains "non-hex frame refused" "is not hexadecimal" "$out"
out=$(trestle appctl punt/inject vp 0011 2>&1); check_contains "short frame refused" "14 to 1518 bytes, not 2" "$out"
out=$(trestle appctl punt/inject nosuch "$FRAME" 2>&1); check_contains "unknown port refused" "no port named nosuch" "$out"
out=$(trestle appctl punt/capture 01:80:c2 2>&1); check_contains "bad MAC refused" "is not a MAC address" "$out"
out=$(trestle appctl punt/capture $LLDP 88cc 2>&1); check_contains "a claim twice refused" "claimed already" "$out"
check_contains "still 3 injected" "injected: 3" "$(trestle appctl punt/show)"

# Uncaptured: LLDP frames are dropped as reserved multicast again, not punted.
check_ok "uncapture" trestle appctl punt/uncapture $LLDP 88cc
ip netns exec $L /usr/bin/python3 $PKT send vq --src 02:00:00:00:55:01 --dst $LLDP --ethertype 88cc --count 2
sleep 0.3
check_contains "no more punted" "punted: 5," "$(trestle appctl punt/show)"
check_ok "daemon alive" trestle show
finish
