#!/usr/bin/env bash
# Spanning tree against the kernel's bridge (stp_state 1): a Linux bridge in a namespace and a
# Trestle bridge joined by two veth links, a loop. 802.1D blocks exactly one of the four link
# ends; the roles follow the bridge priorities both ways; a broadcast crosses without a storm;
# when the link in use is cut the other takes over within max age + 2 * forward delay; a
# truncated BPDU is counted as an error and changes nothing; tshark decodes Trestle's BPDUs
# without complaint. Times are the smallest 802.1D allows (hello 1 s, max age 6 s, forward
# delay 4 s) on both sides, to keep the test short.
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tfssw$$; LB=tfslb$$
new_ns $SW $LB
SW_NS=$SW
for i in 1 2; do
	ip netns exec $SW ip link add s$i type veth peer name l$i netns $LB
	ip netns exec $SW ip link set s$i up
done
ip netns exec $LB ip link add name kbr type bridge stp_state 1 priority 4096
ip netns exec $LB ip link set dev kbr type bridge forward_delay 400 hello_time 100 max_age 600
for i in 1 2; do
	ip netns exec $LB ip link set l$i master kbr
	ip netns exec $LB ip link set l$i up
done
ip netns exec $LB ip addr add 10.9.0.1/24 dev kbr
ip netns exec $LB ip link set kbr up

start_trestled || exit 1
trestle add-br br0 >/dev/null
trestle add-port br0 s1 >/dev/null
trestle add-port br0 s2 >/dev/null
ip netns exec $SW ip addr add 10.9.0.2/24 dev br0
ip netns exec $SW ip link set br0 up

# Bad values are refused before anything is saved.
out=$(trestle set Bridge br0 other_config:stp-hello-time=0 2>&1)
check_contains "stp-hello-time=0 refused" "other_config:stp-hello-time=0 is not valid (seconds, an integer from 1 to 10)" "$out"
out=$(trestle set Bridge br0 other_config:stp-max-age=41 2>&1)
check_contains "stp-max-age=41 refused" "from 6 to 40" "$out"
out=$(trestle set Port s1 other_config:stp-port-priority=300 2>&1)
check_contains "stp-port-priority=300 refused" "from 0 to 255" "$out"
check_eq "nothing saved" "{}" "$(trestle get Bridge br0 other_config)"
out=$(trestle set Bridge br0 rstp_enable=true stp_enable=true 2>&1)
check_contains "stp and rstp both on refused" "are not valid together" "$out"

check_ok "stp_enable=true with the short times" trestle set Bridge br0 stp_enable=true \
	other_config:stp-hello-time=1 other_config:stp-max-age=6 other_config:stp-forward-delay=4
out=$(trestle set Bridge br0 other_config:stp-hello-time=10 2>&1)
check_contains "times in range but not valid together refused" "are not valid together" "$out"
check_eq "hello time kept" '"1"' "$(trestle get Bridge br0 other_config:stp-hello-time)"
check_ok "stp-port-num set by hand" trestle set Port s1 other_config:stp-port-num=1 \
	-- set Port s2 other_config:stp-port-num=2

# role IFACE / state IFACE: from trestle's stp/show; kstate IFACE: from the kernel.
role() { trestle appctl stp/show br0 | awk -v p="$1" '$1 == p { print $2 }'; }
state() { trestle appctl stp/show br0 | awk -v p="$1" '$1 == p { print $3 }'; }
kstate() { ip netns exec $LB bridge link show dev "$1" | sed -nE 's/.* state ([a-z]+).*/\1/p'; }
blocked_ends() {
	local n=0 i
	for i in 1 2; do
		[ "$(state s$i)" = blocking ] && n=$((n + 1))
		[ "$(kstate l$i)" = blocking ] && n=$((n + 1))
	done
	echo $n
}
# converged: no end listening or learning, for two looks in a row half a second apart.
converged() {
	local i
	for i in 1 2; do
		case "$(state s$i) $(kstate l$i)" in *listening* | *learning* | *disabled*) return 1 ;; esac
	done
	return 0
}
wait_converged() { # TIMEOUT_S
	local t0=$SECONDS
	while [ $((SECONDS - t0)) -lt "$1" ]; do
		if converged; then sleep 0.5; converged && return 0; fi
		sleep 0.3
	done
	return 1
}

# 1. The Linux bridge (priority 4096) is the root: Trestle has a root port and an alternate.
check_ok "converged with the Linux bridge as root" wait_converged 25
show=$(trestle appctl stp/show br0)
echo "$show"
check_contains "the root is the Linux bridge" "stp-priority    4096" "$(echo "$show" | sed -n '/^Root ID/,/^$/p')"
check_contains "trestle names its root port" "root-port       s1" "$show"
check_eq "s1 is trestle's root port" "root forwarding" "$(role s1) $(state s1)"
check_eq "s2 is trestle's alternate, blocked" "alternate blocking" "$(role s2) $(state s2)"
check_eq "exactly one of the four ends blocks" "1" "$(blocked_ends)"
check_eq "the kernel forwards on both its ends" "forwarding forwarding" "$(kstate l1) $(kstate l2)"
check_eq "Port status as OVS publishes it" "blocking alternate 8002" \
	"$(trestle get Port s2 status:stp_state) $(trestle get Port s2 status:stp_role) $(trestle get Port s2 status:stp_port_id | tr -d '"')"

# Bridge status and Port statistics as OVS publishes them; the identifiers as stp/show has them.
show_id() { # SECTION ("Root ID" or "Bridge ID") of the stp/show text in $show
	echo "$show" | sed -n "/^$1:/,/^\$/p" | awk '$1 == "stp-priority" { p = $2 } $1 == "stp-system-id" { m = $2 } END { gsub(":", "", m); printf "%04x.%s\n", p, m }'
}
trestle list Bridge br0 | grep -E '^(name|status) '
check_eq "Bridge status:stp_bridge_id" "$(show_id "Bridge ID")" "$(trestle get Bridge br0 status:stp_bridge_id | tr -d '"')"
check_eq "Bridge status:stp_designated_root, the Linux bridge" "$(show_id "Root ID")" \
	"$(trestle get Bridge br0 status:stp_designated_root | tr -d '"')"
check_contains "the root's priority 4096 in OVS's format" "1000." "$(trestle get Bridge br0 status:stp_designated_root)"
check_eq "Bridge status:stp_root_path_cost" "$(echo "$show" | awk '$1 == "root-path-cost" { print $2 }')" \
	"$(trestle get Bridge br0 status:stp_root_path_cost | tr -d '"')"
trestle get Port s1 statistics
rx=$(trestle get Port s1 statistics:stp_rx_count)
if [ "$rx" -gt 0 ] 2>/dev/null; then pass "Port statistics:stp_rx_count of s1 ($rx)"; else fail "stp_rx_count of s1: $rx"; fi
check_eq "Port statistics:stp_error_count of s1" "0" "$(trestle get Port s1 statistics:stp_error_count)"
out=$(trestle set Bridge br0 status:stp_bridge_id=x 2>&1); check_contains "Bridge status is read-only" "read-only" "$out"

# OpenFlow outputs honour STP as in OVS: output:s2 to the blocked port is skipped, output:s1
# is not (20 UDP frames from br0; an alternate or root port sends no BPDUs of its own).
check_ok "flow to both loop ports" trestle ofctl add-flow br0 \
	"priority=100,in_port=LOCAL,udp,tp_dst=9,actions=output:s2,output:s1"
t1_0=$(iface_stat s1 tx_packets); t2_0=$(iface_stat s2 tx_packets)
ip netns exec $SW bash -c 'for i in $(seq 20); do echo x >/dev/udp/10.9.0.1/9; done' 2>/dev/null
sleep 0.5
t1=$(($(iface_stat s1 tx_packets) - t1_0)); t2=$(($(iface_stat s2 tx_packets) - t2_0))
echo "20 frames to output:s2,output:s1: s1 sent $t1, s2 sent $t2"
if [ $t1 -ge 20 ] && [ $t2 -lt 20 ]; then pass "output:s2 skipped while s2 blocks (s1 $t1, s2 $t2)"; else fail "output to the blocked s2 not skipped (s1 $t1, s2 $t2)"; fi
check_contains "ofproto/trace says why" "STP not in forwarding state, skipping output to port" \
	"$(trestle ofproto/trace br0 in_port=LOCAL,udp,tp_dst=9 2>&1)"
trestle ofctl del-flows br0 --strict "priority=100,in_port=LOCAL,udp,tp_dst=9"

# A broadcast crosses once: ping works, and the counters of the loop's ports stay bounded.
check_ok "ping across the loop" ip netns exec $SW ping -c 3 -i 0.2 -W 2 10.9.0.1
r0=$(($(iface_stat s1 rx_packets) + $(iface_stat s2 rx_packets)))
ip netns exec $SW arping -c 3 -b -I br0 10.9.0.1 >/dev/null 2>&1
ip netns exec $LB ping -b -c 3 -i 0.2 10.9.0.255 >/dev/null 2>&1
sleep 2
r1=$(($(iface_stat s1 rx_packets) + $(iface_stat s2 rx_packets)))
echo "frames received on s1+s2 over 3 s of broadcasts: $((r1 - r0))"
if [ $((r1 - r0)) -lt 100 ]; then pass "no broadcast storm ($((r1 - r0)) frames)"; else fail "broadcast storm: $((r1 - r0)) frames in 3 s"; fi
check_contains "what the blocked port receives is dropped as stp_blocked" "drop_stp_blocked" \
	"$(trestle appctl coverage/show | awk '$1 == "drop_stp_blocked" && $2 > 0')"
check_contains "BPDUs are punted, not flooded" "userspace(punt=" \
	"$(trestle appctl dpctl/dump-flows | grep 'eth(dst=01:80:c2:00:00:00)')"

# 2. Failover: the link of trestle's root port goes down; the alternate takes over.
ip netns exec $LB ip link set l1 down
t0=$(date +%s.%N)
ok=
for _ in $(seq 100); do
	if ip netns exec $SW ping -c 1 -W 0.2 10.9.0.1 >/dev/null 2>&1; then ok=1; break; fi
	sleep 0.1
done
t1=$(date +%s.%N)
failover=$(echo "$t1 - $t0" | bc)
echo "failover time: $failover s"
[ -n "$ok" ] && pass "traffic back through s2 after $failover s" || fail "no traffic after the cut ($failover s)"
if [ "$(echo "$failover < 6 + 2 * 4 + 3" | bc)" = 1 ]; then pass "failover under max age + 2 * forward delay + 3 s"; else fail "failover took $failover s"; fi
check_eq "s2 is now the root port" "root forwarding" "$(role s2) $(state s2)"
check_eq "s1 is disabled" "disabled" "$(state s1)"
ip netns exec $LB ip link set l1 up

# 3. Trestle becomes the root (priority 4096, the kernel's 32768): the kernel blocks instead.
ip netns exec $LB ip link set dev kbr type bridge priority 32768
check_ok "stp-priority=4096" trestle set Bridge br0 other_config:stp-priority=4096
sleep 1
check_ok "converged with trestle as root" wait_converged 25
show=$(trestle appctl stp/show br0)
echo "$show"
check_contains "trestle is the root" "This bridge is the root" "$show"
check_eq "both trestle ends designated, forwarding" "designated forwarding designated forwarding" \
	"$(role s1) $(state s1) $(role s2) $(state s2)"
check_eq "the kernel blocks l2" "forwarding blocking" "$(kstate l1) $(kstate l2)"
check_eq "still exactly one blocked end" "1" "$(blocked_ends)"
check_ok "ping across the loop" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.0.1

# tshark judges Trestle's BPDUs (now that its ports are designated and send them): captured on
# the kernel's end of the s1 link, decoded as STP with no malformed field or error, carrying
# the identifiers stp/show prints.
if command -v tshark >/dev/null; then
	smac=$(trestle get Interface s1 mac_in_use | tr -d '"')
	ip netns exec $LB tshark -q -i l1 -a duration:3 -f 'ether dst 01:80:c2:00:00:00' \
		-w $T/bpdu.pcap >/dev/null 2>&1
	decoded=$(tshark -r $T/bpdu.pcap -Y "eth.src == $smac" -V 2>&1)
	n=$(tshark -r $T/bpdu.pcap -Y "eth.src == $smac" 2>/dev/null | wc -l)
	echo "$decoded" | sed -n '/^Spanning Tree Protocol/,/^$/p' | head -24
	if [ "$n" -ge 2 ]; then pass "captured $n BPDUs from s1"; else fail "captured $n BPDUs from s1"; fi
	check_contains "tshark decodes them as STP" "Spanning Tree Protocol" "$decoded"
	check_contains "as configuration BPDUs" "BPDU Type: Configuration (0x00)" "$decoded"
	check_not_contains "nothing malformed" "Malformed" "$decoded"
	check_not_contains "no expert errors" "Expert Info (Error" "$decoded"
	prio=$(echo "$show" | sed -n '/^Bridge ID:/,/^$/p' | awk '$1 == "stp-priority" { print $2 }')
	sid=$(echo "$show" | sed -n '/^Bridge ID:/,/^$/p' | awk '$1 == "stp-system-id" { print $2 }')
	check_eq "tshark's bridge identifier is stp/show's" "$prio $sid" \
		"$(tshark -r $T/bpdu.pcap -Y "eth.src == $smac" -T fields -e stp.bridge.prio -e stp.bridge.hw 2>/dev/null | sort -u | tr '\t' ' ')"
	check_eq "and the root's is too (trestle is the root)" "$prio $sid" \
		"$(tshark -r $T/bpdu.pcap -Y "eth.src == $smac" -T fields -e stp.root.prio -e stp.root.hw 2>/dev/null | sort -u | tr '\t' ' ')"
	check_eq "hello time 1 s, max age 6 s, forward delay 4 s on the wire" "1 6 4" \
		"$(tshark -r $T/bpdu.pcap -Y "eth.src == $smac" -T fields -e stp.hello -e stp.max_age -e stp.forward 2>/dev/null | sort -u | tr '\t' ' ')"
else
	echo "SKIP: tshark not installed (scripts/deps.sh installs it)"
fi

# 4. A truncated BPDU (length field and LLC right, 10 bytes of BPDU) into s2: an error,
# nothing changed, the daemon answers.
errs() { trestle appctl stp/show br0 | awk -v p="$1" '$1 == p { print $NF }'; }
e0=$(errs s2)
ip netns exec $LB /usr/bin/python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("l2", 0))
llc = bytes([0x42, 0x42, 0x03]) + bytes([0, 0, 0, 0, 0, 0x80, 0, 0x02, 0, 0])
frame = bytes.fromhex("0180c2000000" "020000000099") + len(llc).to_bytes(2, "big") + llc
for _ in range(3):
    s.send(frame)
EOF
sleep 0.5
e1=$(errs s2)
check_eq "three errors counted on s2" "3" "$((e1 - e0))"
check_eq "Port statistics:stp_error_count agrees with stp/show" "$e1" "$(trestle get Port s2 statistics:stp_error_count)"
check_eq "Bridge status: trestle is its own designated root" \
	"$(trestle get Bridge br0 status:stp_bridge_id)" "$(trestle get Bridge br0 status:stp_designated_root)"
check_ok "the daemon answers" trestle appctl version
check_contains "trestle still the root" "This bridge is the root" "$(trestle appctl stp/show br0)"
check_ok "stp/tcn" trestle appctl stp/tcn br0
out=$(trestle appctl stp/show nosuch 2>&1); check_contains "unknown bridge" "no such bridge nosuch" "$out"

# STP off (one link down first: the kernel alone would not see the loop through a bridge that
# drops its BPDUs): the claim goes.
ip netns exec $SW ip link set s2 down
check_ok "stp_enable=false" trestle set Bridge br0 stp_enable=false
check_eq "stp/show empty" "" "$(trestle appctl stp/show)"
check_eq "Bridge status cleared, as OVS does" "{}" "$(trestle get Bridge br0 status)"
check_eq "Port statistics cleared" "{}" "$(trestle get Port s1 statistics)"
check_not_contains "no stp claim left" "stp" "$(trestle appctl punt/show)"
check_ok "ping still works" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.0.1
echo "t_stp: ${SECONDS} s"
finish
