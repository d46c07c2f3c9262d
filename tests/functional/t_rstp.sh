#!/usr/bin/env bash
# Rapid spanning tree between two Trestle bridges: br0 and br1 of one trestled joined by two
# veth links (a1-b1, a2-b2), a loop, with a host namespace on br1 (hb-h0). RSTP converges by
# proposal and agreement, without the forward delays; exactly one end of the loop discards;
# the roles and identifiers read the same in rstp/show, Bridge rstp_status and Port
# rstp_status; when the link in use goes down the alternate takes over in well under a second
# (printed); with 802.1D on the other side the RSTP side falls back to configuration BPDUs and
# the loop still has one blocked end; tshark decodes the RST BPDUs without complaint; hostile
# BPDUs are counted and change nothing; a state change drops the megaflows of its bridges
# only (br2, a third bridge outside the loop, keeps its own through the failover).
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tfrsw$$; H=tfrh$$; H2=tfrk$$
new_ns $SW $H $H2
SW_NS=$SW
# The second link stays down until both bridges run RSTP: NORMAL alone would storm the loop.
for i in 1 2; do
	ip netns exec $SW ip link add a$i type veth peer name b$i
	ip netns exec $SW ip link set b$i up
done
ip netns exec $SW ip link set a1 up
ip netns exec $SW ip link add hb type veth peer name h0 netns $H
ip netns exec $SW ip link set hb up
ip netns exec $H ip addr add 10.9.1.2/24 dev h0
ip netns exec $H ip link set h0 up
ip netns exec $SW ip link add c1 type veth peer name h2 netns $H2
ip netns exec $SW ip link set c1 up
ip netns exec $H2 ip addr add 10.9.2.2/24 dev h2
ip netns exec $H2 ip link set h2 up

start_trestled || exit 1
trestle add-br br0 >/dev/null
trestle add-br br1 >/dev/null
for i in 1 2; do
	trestle add-port br0 a$i >/dev/null
	trestle add-port br1 b$i >/dev/null
done
trestle add-port br1 hb >/dev/null
trestle add-br br2 >/dev/null
trestle add-port br2 c1 >/dev/null
ip netns exec $SW ip addr add 10.9.1.1/24 dev br0
ip netns exec $SW ip link set br0 up
ip netns exec $SW ip addr add 10.9.2.1/24 dev br2
ip netns exec $SW ip link set br2 up

# Bad values are refused before anything is saved.
out=$(trestle set Bridge br0 rstp_enable=true other_config:rstp-priority=4097 2>&1)
check_contains "rstp-priority=4097 refused" \
	"other_config:rstp-priority=4097 is not valid (a multiple of 4096 from 0 to 61440)" "$out"
out=$(trestle set Bridge br0 rstp_enable=true stp_enable=true 2>&1)
check_contains "stp and rstp both on refused" "stp_enable=true and rstp_enable=true are not valid together" "$out"
out=$(trestle set Port a1 other_config:rstp-port-priority=100 2>&1)
check_contains "rstp-port-priority=100 refused" "a multiple of 16 from 0 to 240" "$out"
check_eq "nothing saved" "false {}" "$(trestle get Bridge br0 rstp_enable) $(trestle get Bridge br0 other_config)"

# role BRIDGE IFACE / state BRIDGE IFACE: from rstp/show.
role() { trestle appctl rstp/show "$1" | awk -v p="$2" '$1 == p { print $2 }'; }
state() { trestle appctl rstp/show "$1" | awk -v p="$2" '$1 == p { print $3 }'; }
ends() { echo "$(state br0 a1) $(state br0 a2) $(state br1 b1) $(state br1 b2)"; }
discarding_ends() { ends | tr ' ' '\n' | grep -c Discarding; }
# converged_rstp: no end learning, exactly one discarding, for two looks 0.2 s apart.
converged_rstp() {
	case "$(ends)" in *Learning* | *Disabled* | *" "" "* | " "*) return 1 ;; esac
	[ "$(discarding_ends)" = 1 ]
}
wait_rstp() { # TIMEOUT_S
	local t0=$SECONDS
	while [ $((SECONDS - t0)) -lt "$1" ]; do
		if converged_rstp; then sleep 0.2; converged_rstp && return 0; fi
		sleep 0.1
	done
	return 1
}

# 1. RSTP on both, br0 the root (priority 4096), the shortest times (so that the 802.1D
# fallback of step 4 is quick): the a1-b1 link forwards by proposal and agreement, well before
# the 2 x 4 s of forward delay; then a2-b2 comes up and b2 is an alternate at once.
t0=$(date +%s.%N)
check_ok "rstp_enable=true on br0 (priority 4096) and br1" trestle set Bridge br0 rstp_enable=true \
	other_config:rstp-priority=4096 other_config:rstp-max-age=6 other_config:rstp-forward-delay=4 \
	-- set Bridge br1 rstp_enable=true other_config:rstp-max-age=6 other_config:rstp-forward-delay=4 \
	-- set Port hb other_config:rstp-port-admin-edge=true
conv=
for _ in $(seq 200); do
	if [ "$(state br0 a1) $(state br1 b1)" = "Forwarding Forwarding" ]; then
		conv=$(echo "$(date +%s.%N) - $t0" | bc)
		break
	fi
	sleep 0.05
done
echo "a1-b1 forwarding $conv s after rstp_enable (2 x forward delay: 8 s)"
if [ -n "$conv" ] && [ "$(echo "$conv < 3" | bc)" = 1 ]; then pass "forwarding by proposal/agreement in $conv s"; else fail "a1-b1 forwarding only after ${conv:-10} s"; fi
ip netns exec $SW ip link set a2 up
check_ok "converged with the loop closed" wait_rstp 5
trestle appctl rstp/show
check_contains "br0 is the root" "This bridge is the root" "$(trestle appctl rstp/show br0)"
check_contains "br1 names its root port" "root-port       b1" "$(trestle appctl rstp/show br1)"
check_eq "br0's ends designated, forwarding" "Designated Forwarding Designated Forwarding" \
	"$(role br0 a1) $(state br0 a1) $(role br0 a2) $(state br0 a2)"
check_eq "br1: b1 root, b2 alternate discarding" "Root Forwarding Alternate Discarding" \
	"$(role br1 b1) $(state br1 b1) $(role br1 b2) $(state br1 b2)"
check_eq "the edge port forwards" "Designated Forwarding" "$(role br1 hb) $(state br1 hb)"
check_ok "an internal port on br1" trestle add-port br1 int1 -- set Interface int1 type=internal
sleep 0.3
check_not_contains "internal ports take no part, as in OVS" "int1" "$(trestle appctl rstp/show br1)"
trestle list Bridge br1 | grep -E '^(name|rstp_status) '
check_eq "br1's rstp_root_id is br0's rstp_bridge_id" \
	"$(trestle get Bridge br0 rstp_status:rstp_bridge_id)" "$(trestle get Bridge br1 rstp_status:rstp_root_id)"
check_contains "OVS's id format: priority 4096 is 1.000." '"1.000.' "$(trestle get Bridge br0 rstp_status:rstp_bridge_id)"
check_eq "Port rstp_status of b2" "Alternate Discarding" \
	"$(trestle get Port b2 rstp_status:rstp_port_role) $(trestle get Port b2 rstp_status:rstp_port_state)"
check_eq "b2's designated bridge is br0" "$(trestle get Bridge br0 rstp_status:rstp_bridge_id)" \
	"$(trestle get Port b2 rstp_status:rstp_designated_bridge_id)"
trestle get Port b1 rstp_statistics
rx=$(trestle get Port b1 rstp_statistics:rstp_rx_count)
if [ "$rx" -gt 0 ] 2>/dev/null; then pass "rstp_rx_count of b1 ($rx)"; else fail "rstp_rx_count of b1: $rx"; fi
check_eq "Bridge status (802.1D's) stays empty" "{}" "$(trestle get Bridge br0 status)"

# A broadcast crosses once; traffic flows through the loop.
check_ok "ping across the loop" ip netns exec $SW ping -c 3 -i 0.2 -W 2 10.9.1.2
r0=$(($(iface_stat b1 rx_packets) + $(iface_stat b2 rx_packets)))
ip netns exec $H ping -b -c 3 -i 0.2 10.9.1.255 >/dev/null 2>&1
ip netns exec $SW arping -c 3 -b -I br0 10.9.1.2 >/dev/null 2>&1
sleep 2
r1=$(($(iface_stat b1 rx_packets) + $(iface_stat b2 rx_packets)))
echo "frames received on b1+b2 over 3 s of broadcasts: $((r1 - r0))"
if [ $((r1 - r0)) -lt 100 ]; then pass "no broadcast storm ($((r1 - r0)) frames)"; else fail "broadcast storm: $((r1 - r0)) frames"; fi

# tshark judges the RST BPDUs br0 sends on a1.
if command -v tshark >/dev/null; then
	smac=$(trestle get Interface a1 mac_in_use | tr -d '"')
	ip netns exec $SW tshark -q -i b1 -a duration:3 -f 'ether dst 01:80:c2:00:00:00' \
		-w $T/rst.pcap >/dev/null 2>&1
	decoded=$(tshark -r $T/rst.pcap -Y "eth.src == $smac" -V 2>&1)
	echo "$decoded" | sed -n '/^Spanning Tree Protocol/,/^$/p' | head -30
	n=$(tshark -r $T/rst.pcap -Y "eth.src == $smac" 2>/dev/null | wc -l)
	if [ "$n" -ge 1 ]; then pass "captured $n RST BPDUs from a1"; else fail "captured $n BPDUs from a1"; fi
	check_contains "decoded as RST BPDUs" "BPDU Type: Rapid/Multiple Spanning Tree (0x02)" "$decoded"
	check_contains "protocol version 2" "Protocol Version Identifier: Rapid Spanning Tree (2)" "$decoded"
	check_contains "sent by a designated port" "Port Role: Designated" "$decoded"
	check_not_contains "nothing malformed" "Malformed" "$decoded"
	check_not_contains "no expert errors" "Expert Info (Error" "$decoded"
else
	echo "SKIP: tshark not installed (scripts/deps.sh installs it)"
fi

# rstp-ageing-time is the MAC table's aging time while RSTP runs: a MAC br1 learns on hb
# (one frame from the host) is gone after 10 s, where mac-aging-time's 300 s would keep it.
check_ok "rstp-ageing-time=10 on br1" trestle set Bridge br1 other_config:rstp-ageing-time=10
ip netns exec $H /usr/bin/python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("h0", 0))
s.send(bytes.fromhex("ffffffffffff" "020000000066" "88b5") + bytes(46))
EOF
sleep 0.5
check_contains "br1 learned 02:00:00:00:00:66" "02:00:00:00:00:66" "$(trestle appctl fdb/show br1)"
t0=$SECONDS
while trestle appctl fdb/show br1 | grep -q 02:00:00:00:00:66 && [ $((SECONDS - t0)) -lt 20 ]; do sleep 0.5; done
echo "02:00:00:00:00:66 aged out of br1 after $((SECONDS - t0)) s (rstp-ageing-time 10 s)"
if [ $((SECONDS - t0)) -ge 8 ] && [ $((SECONDS - t0)) -lt 14 ]; then pass "aged out after rstp-ageing-time"; else fail "aged out after $((SECONDS - t0)) s"; fi

# 2. Failover: the root port's link goes down; the alternate is root and forwarding at once.
# Meanwhile two pings every 50 ms whose megaflows read no state the failover moves: through
# br2, a bridge outside the loop, and through br1 itself from int1 to hb by OpenFlow rules
# (no MAC table, so the topology change's flush leaves them be). Their packet counts keep
# growing through the failover, where a flush would restart them.
h2mac=$(ip netns exec $H2 cat /sys/class/net/h2/address)
flow_packets() { # GREP_PATTERN: the packets of the megaflows whose line matches
	trestle appctl dpctl/dump-flows | grep -i "$1" | sed -nE 's/.*packets:([0-9]+),.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}
ip netns exec $SW ip addr add 10.9.3.1/24 dev int1
ip netns exec $SW ip link set int1 up
ip netns exec $H ip addr add 10.9.3.2/24 dev h0
ip netns exec $SW ip neigh replace 10.9.3.2 lladdr "$(ip netns exec $H cat /sys/class/net/h0/address)" dev int1
ip netns exec $H ip neigh replace 10.9.3.1 lladdr "$(trestle get Interface int1 mac_in_use | tr -d '"')" dev h0
printf '%s\n' "priority=100,in_port=int1,ip,nw_dst=10.9.3.2,actions=output:hb" \
	"priority=100,in_port=hb,ip,nw_dst=10.9.3.1,actions=output:int1" >"$T/flows"
check_ok "OpenFlow rules between int1 and hb" trestle ofctl add-flows br1 "$T/flows"
ip netns exec $SW ping -q -i 0.05 -c 100 10.9.2.2 >/dev/null 2>&1 &
PING2=$!
at_exit "kill $PING2 2>/dev/null"
ip netns exec $SW ping -q -i 0.05 -c 100 -I int1 10.9.3.2 >/dev/null 2>&1 &
PING3=$!
at_exit "kill $PING3 2>/dev/null"
sleep 2
p0=$(flow_packets "$h2mac")
q0=$(flow_packets "10.9.3.")
ip netns exec $SW ip link set a1 down
t0=$(date +%s.%N)
took=
for _ in $(seq 100); do
	if [ "$(role br1 b2) $(state br1 b2)" = "Root Forwarding" ]; then
		took=$(echo "$(date +%s.%N) - $t0" | bc)
		break
	fi
	sleep 0.02
done
echo "RSTP failover: b2 root and forwarding $took s after the link went down"
if [ -n "$took" ] && [ "$(echo "$took < 1" | bc)" = 1 ]; then pass "failover in $took s"; else fail "failover took ${took:-over 2} s"; fi
ok=
for _ in $(seq 20); do
	ip netns exec $SW ping -c 1 -W 0.2 10.9.1.2 >/dev/null 2>&1 && { ok=1; break; }
done
t1=$(echo "$(date +%s.%N) - $t0" | bc)
echo "traffic back through b2 $t1 s after the cut"
[ -n "$ok" ] && pass "traffic through b2 after $t1 s" || fail "no traffic after the cut"
sleep 0.5
p1=$(flow_packets "$h2mac")
q1=$(flow_packets "10.9.3.")
echo "br2's megaflows for $h2mac: $p0 packets before the failover, $p1 after"
echo "br1's megaflows int1 <-> hb: $q0 packets before, $q1 after"
if [ "$p0" -gt 20 ] && [ "$p1" -gt "$p0" ]; then pass "br2's megaflows kept through the failover ($p0 -> $p1 packets)"; else fail "br2's megaflows restarted: $p0 -> $p1 packets"; fi
if [ "$q0" -gt 20 ] && [ "$q1" -gt "$q0" ]; then pass "br1's int1-hb megaflows kept through br1's own failover ($q0 -> $q1)"; else fail "br1's int1-hb megaflows restarted: $q0 -> $q1 packets"; fi
wait $PING2 $PING3 2>/dev/null
ip netns exec $SW ip link set a1 up
check_ok "reconverged with a1 back" wait_rstp 10

# 3. Hostile BPDUs into b2, sent by the host on a2 (br0's a2 must not take them for received:
# an af_packet port ignores what the host sends on its interface): truncated RST, bad
# protocol id (both counted as errors),
# a superior RST BPDU with max age 0 (valid by 9.3.4, but information as old as its max age
# says nothing: the engine does not let it unseat the root for a second), a TCN flood. The
# root stays, the tree comes back as it was, the daemon answers.
e0=$(trestle get Port b2 rstp_statistics:rstp_error_count)
a0=$(trestle get Port a2 rstp_statistics:rstp_error_count)
ar0=$(iface_stat a2 rx_packets)
ip netns exec $SW /usr/bin/python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("a2", 0))
def frame(bpdu):
    llc = bytes([0x42, 0x42, 0x03]) + bpdu
    f = bytes.fromhex("0180c2000000" "020000000099") + len(llc).to_bytes(2, "big") + llc
    return f + bytes(max(0, 60 - len(f)))
rst = bytes.fromhex("0000" "02" "02" "3c" "0000020000000099" "00000000" "0000020000000099" "8001"
                    "0000" "1400" "0200" "0f00" "00")
bad = [rst[:30],                                   # truncated
       rst[:29] + bytes.fromhex("0000") + rst[31:],  # max age 0: message age not below it
       bytes.fromhex("0001") + rst[2:]]            # protocol identifier 1
for b in bad:
    s.send(frame(b))
for _ in range(300):                               # a TCN flood
    s.send(frame(bytes.fromhex("00000080")))
EOF
sleep 0.5
e1=$(trestle get Port b2 rstp_statistics:rstp_error_count)
check_eq "two malformed BPDUs counted on b2" "2" "$((e1 - e0))"
check_eq "br0's a2 took none of what the host sent on it" "0 0" \
	"$(($(trestle get Port a2 rstp_statistics:rstp_error_count) - a0)) $(($(iface_stat a2 rx_packets) - ar0 > 50 ? 1 : 0))"
check_ok "the daemon answers" trestle appctl version
check_contains "br0 still the root (the max age 0 BPDU said nothing)" "This bridge is the root" \
	"$(trestle appctl rstp/show br0)"
check_ok "the tree is as it was" wait_rstp 5
check_ok "ping across the loop" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.1.2
check_ok "rstp/tcn" trestle appctl rstp/tcn br0
out=$(trestle appctl rstp/show nosuch 2>&1); check_contains "unknown bridge" "no such bridge nosuch" "$out"

# 4. br1 goes 802.1D (the short times, priority default): br0's ports hear configuration
# BPDUs and fall back to them; the loop still has exactly one blocked end, on br1.
check_ok "br1: stp instead of rstp" trestle set Bridge br1 rstp_enable=false stp_enable=true \
	other_config:stp-hello-time=1 other_config:stp-max-age=6 other_config:stp-forward-delay=4
out=$(trestle appctl rstp/show br1 2>&1); check_contains "rstp/show br1 says it runs stp" "runs stp, not rstp" "$out"
sstate() { trestle appctl stp/show br1 | awk -v p="$1" '$1 == p { print $3 }'; }
fallback_converged() {
	case "$(state br0 a1) $(state br0 a2) $(sstate b1) $(sstate b2)" in
	"Forwarding Forwarding forwarding blocking" | "Forwarding Forwarding blocking forwarding") return 0 ;;
	esac
	return 1
}
t0=$SECONDS
until fallback_converged || [ $((SECONDS - t0)) -gt 30 ]; do sleep 0.3; done
echo "after $((SECONDS - t0)) s: br0 $(state br0 a1) $(state br0 a2), br1 $(sstate b1) $(sstate b2)"
check_ok "one blocked end, on the 802.1D side" fallback_converged
trestle appctl stp/show br1
if command -v tshark >/dev/null; then
	smac=$(trestle get Interface a1 mac_in_use | tr -d '"')
	ip netns exec $SW tshark -q -i b1 -a duration:3 -f 'ether dst 01:80:c2:00:00:00' \
		-w $T/fallback.pcap >/dev/null 2>&1
	types=$(tshark -r $T/fallback.pcap -Y "eth.src == $smac" -T fields -e stp.type 2>/dev/null | sort -u | tr '\n' ' ')
	check_eq "br0 now sends 802.1D configuration BPDUs on a1" "0x00 " "$types"
	check_not_contains "nothing malformed" "Malformed" "$(tshark -r $T/fallback.pcap -V 2>&1)"
fi
check_ok "ping across the loop" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.1.2

# 5. forward-bpdu on br1, which runs no spanning tree while br0 still runs RSTP (a2 down:
# no loop): a BPDU from the host crosses br1 as data (the claim is br0's alone) and reaches
# br0's engine on a1; without forward-bpdu br1's NORMAL drops it, as OVS does.
ip netns exec $SW ip link set a2 down
check_ok "br1: no spanning tree, forward-bpdu=true" trestle set Bridge br1 stp_enable=false \
	other_config:forward-bpdu=true
inject_bpdus() { # N: inferior RST BPDUs (priority 61440) from h0
	ip netns exec $H /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("h0", 0))
bpdu = bytes.fromhex("0000" "02" "02" "3c" "f000020000000077" "00000000" "f000020000000077" "8001"
                     "0000" "0600" "0200" "0400" "00")
llc = bytes([0x42, 0x42, 0x03]) + bpdu
f = bytes.fromhex("0180c2000000" "020000000077") + len(llc).to_bytes(2, "big") + llc
for _ in range(int(sys.argv[1])):
    s.send(f + bytes(60 - len(f)))
EOF
}
rx0=$(trestle get Port a1 rstp_statistics:rstp_rx_count)
inject_bpdus 5
sleep 0.5
rx1=$(trestle get Port a1 rstp_statistics:rstp_rx_count)
if [ $((rx1 - rx0)) -ge 5 ]; then pass "5 BPDUs from the host crossed br1 to br0's a1 ($((rx1 - rx0)) received)"; else fail "a1 received $((rx1 - rx0)) of the 5 BPDUs"; fi
check_contains "br0 still the root" "This bridge is the root" "$(trestle appctl rstp/show br0)"
check_ok "forward-bpdu=false" trestle set Bridge br1 other_config:forward-bpdu=false
drops0=$(trestle appctl coverage/show | awk '$1 == "drop_reserved_multicast" { print $2 }')
inject_bpdus 5
sleep 0.5
drops1=$(trestle appctl coverage/show | awk '$1 == "drop_reserved_multicast" { print $2 }')
echo "without forward-bpdu: drop_reserved_multicast +$((${drops1:-0} - ${drops0:-0}))"
if [ $((${drops1:-0} - ${drops0:-0})) -ge 5 ]; then pass "br1 dropped the 5 BPDUs as reserved multicast"; else fail "br1 dropped $((${drops1:-0} - ${drops0:-0})) of 5"; fi

# RSTP off: the claim goes with the last spanning tree.
check_ok "all off" trestle set Bridge br0 rstp_enable=false
check_eq "Bridge rstp_status cleared" "{}" "$(trestle get Bridge br0 rstp_status)"
check_eq "Port rstp_statistics cleared" "{}" "$(trestle get Port a1 rstp_statistics)"
check_not_contains "no stp claim left" "stp" "$(trestle appctl punt/show)"
echo "t_rstp: ${SECONDS} s"
finish
