#!/usr/bin/env bash
# Spanning tree against Open vSwitch: an OVS bridge (userspace datapath, system ports on veths)
# in a namespace of its own and a Trestle bridge joined by two veth links, a loop. Both run
# 802.1D STP with the shortest times (hello 1 s, max age 6 s, forward delay 4 s). Exactly one
# of the four link ends blocks, on the side of the bridge that is not the root, both ways
# round; both agree on the root's identifier; a broadcast crosses without a storm; when the
# link in use is cut the other takes over within max age + 2 * forward delay, Trestle's
# alternate with OVS as root and OVS's with Trestle as root; a topology change OVS starts
# (stp/tcn) reaches Trestle. Then RSTP on both (hello 2 s, max age 6 s, forward delay 4 s):
# the loop forwards well before 2 x forward delay, with one alternate, discarding; rstp/show
# and the Bridge and Port rstp_status columns of both agree on the root, the roles and the
# designated bridge; the root port's link cut, the alternate is root and forwarding within a
# second, trestle's with OVS as root and OVS's with Trestle as root; swapped priorities move
# the alternate to OVS's side. Last, OVS on 802.1D against Trestle's RSTP: one blocked end,
# and Trestle sends configuration BPDUs (tshark on OVS's side).
. "$(dirname "$0")/lib.sh"
hugepages_ready

# OVS needs a namespace of its own: its userspace datapath creates TAPs (ovs-netdev, obr) by
# name, and two of them in one namespace would clash.
SW=tfosw$$; OV=tfoov$$
new_ns $SW $OV
SW_NS=$SW
# The kernel sees every frame on the veths too (the switches read them with AF_PACKET beside
# it), and would answer an ARP request for br0's or obr's address from s1, o1 and the rest
# with their own MACs: the peer then sends its pings to a link end's MAC, which works until
# that link is cut, and the failover waits for the ARP entry to go stale (20 s and more).
# Only the interface that has the address answers.
for ns in $SW $OV; do
	ip netns exec $ns sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
done
for i in 1 2; do
	ip netns exec $SW ip link add s$i type veth peer name o$i netns $OV
	ip netns exec $SW ip link set s$i up
	ip netns exec $OV ip link set o$i up
done

ovs_start $OV || exit 1

# The userspace datapath with system (AF_PACKET) ports: no DPDK, no kernel module, and no PMD
# thread (only DPDK-type ports get one), so OVS does not take a core away from trestled.
# The bridge identifiers are set by hand: by default each side takes a MAC of its own bridge,
# which is random here, and the ids printed and compared below would change from run to run.
ovs_vsctl add-br obr -- set Bridge obr datapath_type=netdev \
	other_config:stp-system-id=02:00:00:00:00:0a || { echo "FAIL: ovs-vsctl add-br"; exit 1; }
for i in 1 2; do
	ovs_vsctl add-port obr o$i -- set Port o$i other_config:stp-port-num=$i
done
ovs_vsctl set Bridge obr stp_enable=true other_config:stp-priority=4096 \
	other_config:stp-hello-time=1 other_config:stp-max-age=6 other_config:stp-forward-delay=4
ip netns exec $OV ip addr add 10.9.0.1/24 dev obr
ip netns exec $OV ip link set obr up

start_trestled || exit 1
trestle add-br br0 >/dev/null
trestle add-port br0 s1 >/dev/null
trestle add-port br0 s2 >/dev/null
ip netns exec $SW ip addr add 10.9.0.2/24 dev br0
ip netns exec $SW ip link set br0 up
check_ok "stp_enable=true with the short times" trestle set Bridge br0 stp_enable=true \
	other_config:stp-hello-time=1 other_config:stp-max-age=6 other_config:stp-forward-delay=4 \
	other_config:stp-system-id=02:00:00:00:00:0b \
	-- set Port s1 other_config:stp-port-num=1 -- set Port s2 other_config:stp-port-num=2

# role/state IFACE: Trestle's, from its stp/show; orole/ostate IFACE: OVS's, from its Port
# status column (what ovs-vswitchd publishes from its own engine).
role() { trestle appctl stp/show br0 | awk -v p="$1" '$1 == p { print $2 }'; }
state() { trestle appctl stp/show br0 | awk -v p="$1" '$1 == p { print $3 }'; }
orole() { ovs_vsctl get Port "$1" status:stp_role 2>/dev/null; }
ostate() { ovs_vsctl get Port "$1" status:stp_state 2>/dev/null; }
blocked_ends() {
	local n=0 i
	for i in 1 2; do
		[ "$(state s$i)" = blocking ] && n=$((n + 1))
		[ "$(ostate o$i)" = blocking ] && n=$((n + 1))
	done
	echo $n
}
# converged: no end listening, learning, disabled or without a state yet (OVS publishes its
# Port status a moment after the port appears), for two looks half a second apart.
converged() {
	local i
	for i in 1 2; do
		case "$(state s$i) $(ostate o$i)" in *listening* | *learning* | *disabled* | " "* | *" ") return 1 ;; esac
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
# show_id TEXT SECTION: "1000.02000000000a" from the "Root ID" or "Bridge ID" section of an
# stp/show text, OVS's or Trestle's (the same layout), as the status columns write ids.
show_id() {
	echo "$1" | sed -n "/^$2:/,/^\$/p" | awk '$1 == "stp-priority" { p = $2 } $1 == "stp-system-id" { m = $2 } END { gsub(":", "", m); printf "%04x.%s\n", p, m }'
}
# rx_frames: frames the kernel counted in on all four link ends.
rx_frames() {
	local n=0 i
	for i in 1 2; do
		n=$((n + $(ip netns exec $SW cat /sys/class/net/s$i/statistics/rx_packets)))
		n=$((n + $(ip netns exec $OV cat /sys/class/net/o$i/statistics/rx_packets)))
	done
	echo $n
}

# 1. OVS (priority 4096) is the root: it forwards on both its ends, Trestle has a root port
# (s1, towards OVS's port 1, the lower port id) and an alternate, blocked.
check_ok "converged with OVS as root" wait_converged 25
show=$(trestle appctl stp/show br0)
oshow=$(ovs_appctl stp/show obr)
echo "$show"
echo "$oshow"
check_contains "OVS says it is the root" "This bridge is the root" "$oshow"
check_eq "the root as OVS's stp/show has it" "1000.02000000000a" "$(show_id "$oshow" "Root ID")"
check_eq "trestle's stp/show names the same root" "$(show_id "$oshow" "Root ID")" "$(show_id "$show" "Root ID")"
ovs_vsctl get Bridge obr status
trestle get Bridge br0 status
check_eq "trestle's stp_designated_root is OVS's stp_bridge_id" \
	"$(ovs_vsctl get Bridge obr status:stp_bridge_id | tr -d '"')" \
	"$(trestle get Bridge br0 status:stp_designated_root | tr -d '"')"
check_eq "and OVS's own stp_designated_root" \
	"$(ovs_vsctl get Bridge obr status:stp_designated_root | tr -d '"')" \
	"$(trestle get Bridge br0 status:stp_designated_root | tr -d '"')"
check_contains "trestle names its root port" "root-port       s1" "$show"
check_eq "s1 is trestle's root port" "root forwarding" "$(role s1) $(state s1)"
check_eq "s2 is trestle's alternate, blocked" "alternate blocking" "$(role s2) $(state s2)"
check_eq "OVS: both ends designated, forwarding" "designated forwarding designated forwarding" \
	"$(orole o1) $(ostate o1) $(orole o2) $(ostate o2)"
check_eq "exactly one of the four ends blocks" "1" "$(blocked_ends)"
check_eq "trestle's root path cost is what OVS's port adds" \
	"$(echo "$show" | awk '$1 == "s1" { print $4 }')" "$(trestle get Bridge br0 status:stp_root_path_cost | tr -d '"')"

# A broadcast crosses once: ping works, and the frames on the loop's four ends stay bounded
# (BPDUs, 1 per second per designated port, and the few broadcasts and their answers).
check_ok "ping across the loop" ip netns exec $SW ping -c 3 -i 0.2 -W 2 10.9.0.1
check_eq "br0 reaches 10.9.0.1 at obr's own MAC, not a link end's" \
	"$(ip netns exec $OV cat /sys/class/net/obr/address)" \
	"$(ip netns exec $SW ip neigh show 10.9.0.1 dev br0 | awk '{ print $3 }')"
r0=$(rx_frames)
ip netns exec $SW arping -c 3 -b -I br0 10.9.0.1 >/dev/null 2>&1
ip netns exec $OV ping -b -c 3 -i 0.2 10.9.0.255 >/dev/null 2>&1
sleep 2
r1=$(rx_frames)
echo "frames received on the four link ends over 3 s of broadcasts: $((r1 - r0))"
if [ $((r1 - r0)) -lt 100 ]; then pass "no broadcast storm ($((r1 - r0)) frames)"; else fail "broadcast storm: $((r1 - r0)) frames in 3 s"; fi
check_contains "what trestle's blocked port receives is dropped as stp_blocked" "drop_stp_blocked" \
	"$(trestle appctl coverage/show | awk '$1 == "drop_stp_blocked" && $2 > 0')"

# A topology change OVS starts by hand (stp/tcn, as root: the TC flag in its BPDUs for max
# age + forward delay) shows in trestle's stp/show. First the one of the convergence above
# must have ended (10 s after the last port went forwarding).
tc_seen() { trestle appctl stp/show br0 | grep -q 'topology-change true'; }
t0=$SECONDS
while tc_seen && [ $((SECONDS - t0)) -lt 15 ]; do sleep 0.5; done
if ! tc_seen; then
	pass "no topology change left from the convergence"
	check_ok "OVS stp/tcn" ovs_appctl stp/tcn obr
	seen=
	for _ in $(seq 30); do tc_seen && { seen=1; break; }; sleep 0.1; done
	[ -n "$seen" ] && pass "trestle sees OVS's topology change" || fail "trestle did not see OVS's topology change in 3 s"
else
	fail "topology change still set 15 s after the convergence"
fi

# 2. Failover: the link of trestle's root port goes down (on OVS's side); trestle's alternate
# takes over, through listening and learning.
# failover NS IFACE: cuts IFACE in NS and checks that a ping from trestle's br0 to OVS's obr
# gets through again (20 s at most) within max age + 2 * forward delay, and 3 s to spare.
failover() {
	local t0 t1 secs ok=
	ip netns exec "$1" ip link set "$2" down
	t0=$(date +%s.%N)
	for _ in $(seq 100); do
		if ip netns exec $SW ping -c 1 -W 0.2 10.9.0.1 >/dev/null 2>&1; then ok=1; break; fi
		sleep 0.1
	done
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	echo "failover time, $2 cut: $secs s"
	[ -n "$ok" ] && pass "traffic back after $secs s" || fail "no traffic after the cut of $2 ($secs s)"
	if [ "$(echo "$secs < 6 + 2 * 4 + 3" | bc)" = 1 ]; then pass "failover under max age + 2 * forward delay + 3 s"; else fail "failover took $secs s"; fi
}
failover $OV o1
check_eq "s2 is now trestle's root port" "root forwarding" "$(role s2) $(state s2)"
check_eq "s1 is disabled" "disabled" "$(state s1)"
check_eq "OVS's o1 is disabled, o2 forwards" "disabled forwarding" "$(ostate o1) $(ostate o2)"
ip netns exec $OV ip link set o1 up

# 3. Trestle becomes the root (priority 4096, OVS's 32768): OVS blocks instead, on o2 (its
# port towards trestle's port 2, the higher port id).
ovs_vsctl set Bridge obr other_config:stp-priority=32768
check_ok "stp-priority=4096" trestle set Bridge br0 other_config:stp-priority=4096
sleep 1
check_ok "converged with trestle as root" wait_converged 25
show=$(trestle appctl stp/show br0)
oshow=$(ovs_appctl stp/show obr)
echo "$show"
echo "$oshow"
check_contains "trestle is the root" "This bridge is the root" "$show"
check_eq "OVS's stp/show names trestle as the root" "1000.02000000000b" "$(show_id "$oshow" "Root ID")"
check_eq "OVS's stp_designated_root is trestle's stp_bridge_id" \
	"$(trestle get Bridge br0 status:stp_bridge_id | tr -d '"')" \
	"$(ovs_vsctl get Bridge obr status:stp_designated_root | tr -d '"')"
check_eq "both trestle ends designated, forwarding" "designated forwarding designated forwarding" \
	"$(role s1) $(state s1) $(role s2) $(state s2)"
check_eq "OVS: o1 root, forwarding" "root forwarding" "$(orole o1) $(ostate o1)"
check_eq "OVS: o2 alternate, blocked" "alternate blocking" "$(orole o2) $(ostate o2)"
check_eq "still exactly one blocked end" "1" "$(blocked_ends)"
check_ok "ping across the loop" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.0.1
r0=$(rx_frames)
ip netns exec $SW arping -c 3 -b -I br0 10.9.0.1 >/dev/null 2>&1
sleep 1
r1=$(rx_frames)
if [ $((r1 - r0)) -lt 100 ]; then pass "no broadcast storm, trestle as root ($((r1 - r0)) frames)"; else fail "broadcast storm: $((r1 - r0)) frames in 2 s"; fi

# The link of OVS's root port goes down, on trestle's side this time: OVS's alternate takes
# over, and trestle's s2, designated, forwards all along.
failover $SW s1
check_eq "OVS: o2 is now its root port" "root forwarding" "$(orole o2) $(ostate o2)"
check_eq "OVS: o1 is disabled" "disabled" "$(ostate o1)"
check_eq "trestle: s1 disabled, s2 designated forwarding" "disabled designated forwarding" \
	"$(state s1) $(role s2) $(state s2)"

# --- RSTP. Both links go down while the protocols change over: 802.1D on one side and RSTP
# on the other would make each fall back to the other's BPDUs (the point of step 7, not of
# this one), and nothing on one side would leave NORMAL flooding round the loop.
ip netns exec $OV ip link set o1 down
ip netns exec $OV ip link set o2 down
ovs_vsctl set Bridge obr stp_enable=false rstp_enable=true other_config:rstp-priority=4096 \
	other_config:rstp-address=02:00:00:00:00:0a other_config:rstp-max-age=6 \
	other_config:rstp-forward-delay=4 \
	-- set Port o1 other_config:rstp-port-num=1 -- set Port o2 other_config:rstp-port-num=2
check_ok "trestle: stp off, the RSTP settings" trestle set Bridge br0 stp_enable=false \
	other_config:rstp-max-age=6 other_config:rstp-forward-delay=4 \
	other_config:rstp-address=02:00:00:00:00:0b \
	-- set Port s1 other_config:rstp-port-num=1 -- set Port s2 other_config:rstp-port-num=2

# rrole/rstate IFACE: Trestle's, from its rstp/show (which leaves disabled ports out);
# orrole/orstate IFACE: OVS's, from its Port rstp_status column.
rrole() { trestle appctl rstp/show br0 | awk -v p="$1" '$1 == p { print $2 }'; }
rstate() { trestle appctl rstp/show br0 | awk -v p="$1" '$1 == p { print $3 }'; }
orrole() { ovs_vsctl get Port "$1" rstp_status:rstp_port_role 2>/dev/null; }
orstate() { ovs_vsctl get Port "$1" rstp_status:rstp_port_state 2>/dev/null; }
# rends: the four ends' "role state", Trestle's s1 s2 then OVS's o1 o2.
rends() { echo "$(rrole s1) $(rstate s1) $(rrole s2) $(rstate s2) $(orrole o1) $(orstate o1) $(orrole o2) $(orstate o2)"; }
# wait_rends EXPECTED TIMEOUT_S: until rends reads EXPECTED twice 0.2 s apart; prints the
# seconds it took from T0 (date +%s.%N, the caller's), or nothing.
wait_rends() {
	local t_end=$(($(date +%s) + $2)) t1
	while [ "$(date +%s)" -lt $t_end ]; do
		if [ "$(rends)" = "$1" ]; then
			t1=$(date +%s.%N)
			sleep 0.2
			[ "$(rends)" = "$1" ] && { echo "$t1 - $T0" | bc; return 0; }
		fi
		sleep 0.05
	done
	return 1
}
# rshow_id TEXT SECTION: "1.000.02000000000a" from an rstp/show's "Root ID" or "Bridge ID",
# OVS's or Trestle's, as the rstp_status columns write ids (priority / 4096, the 12-bit
# system id extension, the address).
rshow_id() {
	echo "$1" | sed -n "/^$2:/,/^\$/p" | awk '$1 == "stp-priority" { p = $2 } $1 == "stp-system-id" { m = $2 } END { gsub(":", "", m); printf "%x.%03x.%s\n", int(p / 4096), p % 4096, m }'
}
ovs_rstp_show() { ovs_appctl rstp/show obr; }

# 4. RSTP both sides, OVS the root (4096 against trestle's default 32768). Both run RSTP
# before the links come up: with the links up first and trestle's rstp_enable after, OVS's
# proposals arrive before trestle claims BPDUs, and the agreement waits for OVS's next hello.
# Both links forward by proposal and agreement, not after 2 x forward delay (8 s): OVS's o2
# proposes to trestle's alternate, which agrees. What the figure still holds is mostly OVS's
# hello: the kernel reports the carrier of a veth some 0.5 s late, OVS sends its proposals at
# once, and trestle, which polls the links every 100 ms, often enables its port just after
# they came and drops them (a BPDU on a disabled port), so it agrees to the next ones, 2 s on.
check_ok "rstp_enable=true" trestle set Bridge br0 rstp_enable=true
sleep 0.5
T0=$(date +%s.%N)
ip netns exec $SW ip link set s1 up
ip netns exec $OV ip link set o1 up
ip netns exec $OV ip link set o2 up
conv=$(wait_rends "Root Forwarding Alternate Discarding Designated Forwarding Designated Forwarding" 15)
echo "RSTP with OVS: converged (both links forwarding, one end discarding) ${conv:-never} s after the links came up (2 x forward delay: 8 s)"
echo "  ends: $(rends)"
if [ -n "$conv" ] && [ "$(echo "$conv < 3" | bc)" = 1 ]; then pass "rapid convergence in $conv s"; else fail "no rapid convergence (${conv:-over 15} s)"; fi
show=$(trestle appctl rstp/show br0)
oshow=$(ovs_rstp_show)
echo "$show"
echo "$oshow"
check_contains "OVS says it is the root" "This bridge is the root" "$oshow"
check_contains "trestle names its root port" "root-port       s1" "$show"
check_eq "the root as OVS's rstp/show has it" "1.000.02000000000a" "$(rshow_id "$oshow" "Root ID")"
check_eq "trestle's rstp/show names the same root" "$(rshow_id "$oshow" "Root ID")" "$(rshow_id "$show" "Root ID")"
ovs_vsctl get Bridge obr rstp_status
trestle get Bridge br0 rstp_status
check_eq "trestle's rstp_root_id is OVS's rstp_bridge_id" \
	"$(ovs_vsctl get Bridge obr rstp_status:rstp_bridge_id | tr -d '"')" \
	"$(trestle get Bridge br0 rstp_status:rstp_root_id | tr -d '"')"
check_eq "and OVS's own rstp_root_id" \
	"$(ovs_vsctl get Bridge obr rstp_status:rstp_root_id | tr -d '"')" \
	"$(trestle get Bridge br0 rstp_status:rstp_root_id | tr -d '"')"
check_eq "trestle's Port rstp_status: s1 root forwarding, s2 alternate discarding" \
	"Root Forwarding Alternate Discarding" \
	"$(trestle get Port s1 rstp_status:rstp_port_role) $(trestle get Port s1 rstp_status:rstp_port_state) $(trestle get Port s2 rstp_status:rstp_port_role) $(trestle get Port s2 rstp_status:rstp_port_state)"
check_eq "s2's designated bridge is OVS" "$(ovs_vsctl get Bridge obr rstp_status:rstp_bridge_id | tr -d '"')" \
	"$(trestle get Port s2 rstp_status:rstp_designated_bridge_id | tr -d '"')"
check_eq "OVS's designated port on o2 is the one s2 names" \
	"$(ovs_vsctl get Port o2 rstp_status:rstp_port_id | tr -d '"')" \
	"$(trestle get Port s2 rstp_status:rstp_designated_port_id | tr -d '"')"
check_ok "ping across the loop" ip netns exec $SW ping -c 3 -i 0.2 -W 2 10.9.0.1
r0=$(rx_frames)
ip netns exec $SW arping -c 3 -b -I br0 10.9.0.1 >/dev/null 2>&1
ip netns exec $OV ping -b -c 3 -i 0.2 10.9.0.255 >/dev/null 2>&1
sleep 1
r1=$(rx_frames)
if [ $((r1 - r0)) -lt 100 ]; then pass "no broadcast storm under RSTP ($((r1 - r0)) frames)"; else fail "broadcast storm: $((r1 - r0)) frames"; fi

# 5. Failover: the link of trestle's root port goes down (on OVS's side); the alternate is
# root and forwarding at once, with no forward delay.
ip netns exec $OV ip link set o1 down
T0=$(date +%s.%N)
took=
for _ in $(seq 100); do
	if [ "$(rrole s2) $(rstate s2)" = "Root Forwarding" ]; then took=$(echo "$(date +%s.%N) - $T0" | bc); break; fi
	sleep 0.02
done
echo "RSTP failover against OVS: s2 root and forwarding ${took:-never} s after o1 went down"
if [ -n "$took" ] && [ "$(echo "$took < 1" | bc)" = 1 ]; then pass "failover in $took s"; else fail "failover took ${took:-over 2} s"; fi
ok=
for _ in $(seq 30); do
	ip netns exec $SW ping -c 1 -W 0.2 10.9.0.1 >/dev/null 2>&1 && { ok=1; break; }
done
t1=$(echo "$(date +%s.%N) - $T0" | bc)
echo "traffic back through s2 $t1 s after the cut"
[ -n "$ok" ] && pass "traffic through s2 after $t1 s" || fail "no traffic after the cut of o1 ($t1 s)"
check_eq "trestle's s1 disabled" "Disabled" "$(trestle get Port s1 rstp_status:rstp_port_state)"
check_eq "OVS's o2 designated, forwarding" "Designated Forwarding" "$(orrole o2) $(orstate o2)"
ip netns exec $OV ip link set o1 up
T0=$(date +%s.%N)
back=$(wait_rends "Root Forwarding Alternate Discarding Designated Forwarding Designated Forwarding" 10)
echo "o1 back: the first tree again ${back:-never} s later"
[ -n "$back" ] && pass "s1 root again, s2 alternate, in $back s" || fail "not back to the first tree: $(rends)"

# OVS writes its Port rstp_statistics every 5 s (stats-update-interval, which it does not let
# go lower), so they are read here, some seconds after the convergence.
rx=
t_end=$(($(date +%s) + 6))
while [ "$(date +%s)" -lt $t_end ]; do
	rx=$(ovs_vsctl get Port o2 rstp_statistics:rstp_rx_count 2>/dev/null) && break
	sleep 0.5
done
ovs_vsctl get Port o2 rstp_statistics
if [ "${rx:-0}" -gt 0 ] 2>/dev/null; then pass "OVS counts RST BPDUs from trestle on o2 ($rx)"; else fail "OVS's rstp_rx_count on o2: ${rx:-none}"; fi
check_eq "OVS counts no errors from trestle" "0" "$(ovs_vsctl get Port o2 rstp_statistics:rstp_error_count 2>&1)"

# 6. The priorities swap (trestle 4096 first, a tie that OVS's lower address still wins,
# then OVS 32768): the alternate moves to OVS's side, on o2 (towards trestle's port 2), and
# trestle's ends are both designated, forwarding. OVS's two BPDUs with its new identifier
# reach trestle's two ends one after the other, and between them trestle still holds OVS's
# old 4096 on one end and offers it as the root on the other: that root, which no longer
# exists, goes round the loop until its message age reaches max age (RSTP's count to
# infinity, six hops here, a few milliseconds). OVS's next BPDU on o2 then carries it at
# message age 6 = max age, which replaces what trestle's s2 holds from that port (17.21.8:
# same designated bridge and port) and is aged out at the next tick (17.21.23: rcvdInfoWhile
# 0), so the tree settles within a second or two. Bound: under 2 x forward delay, the 802.1D
# path.
check_ok "rstp-priority=4096" trestle set Bridge br0 other_config:rstp-priority=4096
sleep 1
T0=$(date +%s.%N)
ovs_vsctl set Bridge obr other_config:rstp-priority=32768
swap=$(wait_rends "Designated Forwarding Designated Forwarding Root Forwarding Alternate Discarding" 15)
echo "priorities swapped: converged ${swap:-never} s after OVS's rstp-priority=32768"
echo "  ends: $(rends)"
if [ -n "$swap" ] && [ "$(echo "$swap < 8" | bc)" = 1 ]; then pass "roles swapped in $swap s"; else fail "roles not swapped in 2 x forward delay (${swap:-over 15} s)"; fi
show=$(trestle appctl rstp/show br0)
oshow=$(ovs_rstp_show)
echo "$show"
echo "$oshow"
check_contains "trestle is the root" "This bridge is the root" "$show"
check_eq "OVS's rstp/show names trestle as the root" "1.000.02000000000b" "$(rshow_id "$oshow" "Root ID")"
check_eq "OVS's rstp_root_id is trestle's rstp_bridge_id" \
	"$(trestle get Bridge br0 rstp_status:rstp_bridge_id | tr -d '"')" \
	"$(ovs_vsctl get Bridge obr rstp_status:rstp_root_id | tr -d '"')"
check_eq "OVS's Port rstp_status: o2 alternate" "Alternate" "$(orrole o2)"
check_eq "o2's designated bridge, for OVS, is trestle" \
	"$(trestle get Bridge br0 rstp_status:rstp_bridge_id | tr -d '"')" \
	"$(ovs_vsctl get Port o2 rstp_status:rstp_designated_bridge_id | tr -d '"')"
check_ok "ping across the loop" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.0.1

# OVS's failover, trestle's s1 cut: OVS's alternate takes over while trestle's s2, designated,
# forwards all along.
ip netns exec $SW ip link set s1 down
T0=$(date +%s.%N)
took=
for _ in $(seq 100); do
	if [ "$(orrole o2) $(orstate o2)" = "Root Forwarding" ]; then took=$(echo "$(date +%s.%N) - $T0" | bc); break; fi
	sleep 0.02
done
echo "RSTP failover in OVS: o2 root and forwarding ${took:-never} s after s1 went down"
if [ -n "$took" ] && [ "$(echo "$took < 1" | bc)" = 1 ]; then pass "OVS's failover in $took s"; else fail "OVS's failover took ${took:-over 2} s"; fi
# Trestle sees the cut at its next link poll (100 ms): a ping sent before goes out on s1.
ok=
for _ in $(seq 30); do
	ip netns exec $SW ping -c 1 -W 0.2 10.9.0.1 >/dev/null 2>&1 && { ok=1; break; }
done
t1=$(echo "$(date +%s.%N) - $T0" | bc)
echo "traffic back through o2 $t1 s after the cut"
[ -n "$ok" ] && pass "traffic through o2 after $t1 s" || fail "no traffic after the cut of s1 ($t1 s)"
check_eq "trestle's s2 designated, forwarding" "Designated Forwarding" "$(rrole s2) $(rstate s2)"
ip netns exec $SW ip link set s1 up
T0=$(date +%s.%N)
check_ok "s1 back: the swapped tree again" \
	wait_rends "Designated Forwarding Designated Forwarding Root Forwarding Alternate Discarding" 10

# 7. Mixed: OVS goes back to 802.1D (hello 1 s, max age 6 s, forward delay 4 s, priority
# 32768, still in its other_config), trestle stays on RSTP as the root. Trestle's ends hear
# configuration BPDUs and send them from then on (Port Protocol Migration); the loop has one
# blocked end, OVS's o2, once OVS's ports have been through listening and learning.
T0=$(date +%s.%N)
ovs_vsctl set Bridge obr rstp_enable=false stp_enable=true
mixed_ok() {
	[ "$(rrole s1) $(rstate s1) $(rrole s2) $(rstate s2) $(orole o1) $(ostate o1) $(orole o2) $(ostate o2)" = \
		"Designated Forwarding Designated Forwarding root forwarding alternate blocking" ]
}
mixed=
t_end=$(($(date +%s) + 30))
while [ "$(date +%s)" -lt $t_end ]; do
	if mixed_ok; then sleep 0.5; mixed_ok && { mixed=$(echo "$(date +%s.%N) - $T0" | bc); break; }; fi
	sleep 0.3
done
echo "mixed 802.1D/RSTP: converged ${mixed:-never} s after OVS's stp_enable"
echo "  trestle: $(rrole s1) $(rstate s1) $(rrole s2) $(rstate s2); OVS: $(orole o1) $(ostate o1) $(orole o2) $(ostate o2)"
[ -n "$mixed" ] && pass "one blocked end, OVS's o2, with 802.1D against RSTP" || fail "mixed 802.1D/RSTP did not converge"
trestle appctl rstp/show br0
oshow=$(ovs_appctl stp/show obr)
echo "$oshow"
check_eq "OVS's stp/show names trestle as the root" "1000.02000000000b" "$(show_id "$oshow" "Root ID")"
smac1=$(trestle get Interface s1 mac_in_use | tr -d '"')
smac2=$(trestle get Interface s2 mac_in_use | tr -d '"')
ip netns exec $OV tshark -q -i o1 -i o2 -a duration:3 -f 'ether dst 01:80:c2:00:00:00' \
	-w $T/mixed.pcap >/dev/null 2>&1
types=$(tshark -r $T/mixed.pcap -Y "eth.src == $smac1 || eth.src == $smac2" -T fields -e stp.type 2>/dev/null | sort -u | tr '\n' ' ')
n=$(tshark -r $T/mixed.pcap -Y "eth.src == $smac1 || eth.src == $smac2" 2>/dev/null | wc -l)
echo "BPDUs from trestle in 3 s: $n, types: $types"
check_ge "configuration BPDUs from trestle's ends in 3 s (RSTP's hello, 2 s)" 2 "$n"
check_eq "trestle sends only 802.1D configuration BPDUs" "0x00 " "$types"
check_not_contains "nothing malformed" "Malformed" "$(tshark -r $T/mixed.pcap -V 2>&1)"
check_ok "ping across the loop" ip netns exec $SW ping -c 2 -i 0.2 -W 2 10.9.0.1
echo "t_stp_ovs: ${SECONDS} s"
finish
