#!/usr/bin/env bash
# Bonds and LACP against Open vSwitch (this kernel has no bonding driver): an OVS bridge
# (userspace datapath, system ports on veths) in a namespace of its own, joined to Trestle's
# br0 by two veth links, each switch with a host behind it (HA behind Trestle, HB behind OVS).
#  1. Both bonds balance-slb, lacp=active, lacp-time=fast: both reach "negotiated", each side's
#     lacp/show names the other's system, key and port as partner with the states in sync;
#     frames from 64 source MACs are spread over both members (the split printed); every
#     frame reaches HB once and none comes back to HA (no loop through the two members).
#  2. Failover: a ping every 5 ms, and the link it uses cut: the gap and the pings lost are
#     printed (under 100 ms); the link back, its buckets return within the rebalance interval.
#  3. OVS stops answering LACP (SIGSTOP): with fast timers Trestle's members leave within 3 s
#     (+ one tick); OVS back, negotiated again.
#  4. Hostile LACPDUs on a member: malformed ones counted, 10000 with flapping keys answered
#     at most 3 a second, the daemon alive and negotiated again.
#  5. lacp=passive on both ends never negotiates, and Trestle sends no LACPDU.
#  6. Without LACP: active-backup needs no partner (OVS's ports plain); bond/set-active-member
#     sends learning frames, and OVS learns HA's MAC on the new link at once; lacp=active with
#     lacp-fallback-ab=true falls back to active-backup, without it the bond carries nothing.
#  7. balance-tcp with LACP: flows of many UDP ports spread over both members.
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tlsw$$; OV=tlov$$; HA=tlha$$; HB=tlhb$$
new_ns $SW $OV $HA $HB
SW_NS=$SW
for i in 1 2; do
	ip netns exec $SW ip link add s$i type veth peer name o$i netns $OV
	ip netns exec $SW ip link set s$i up
	ip netns exec $OV ip link set o$i up
done
ip netns exec $SW ip link add sa type veth peer name ha netns $HA
ip netns exec $OV ip link add ob type veth peer name hb netns $HB
ip netns exec $SW ip link set sa up
ip netns exec $OV ip link set ob up
ip netns exec $HA ip link set ha up
ip netns exec $HB ip link set hb up
ip netns exec $HA ip addr add 10.9.0.2/24 dev ha
ip netns exec $HB ip addr add 10.9.0.1/24 dev hb
HA_MAC=$(ip netns exec $HA cat /sys/class/net/ha/address)
PKT="/usr/bin/python3 $TOP/tests/functional/pkt.py"

ovs_start $OV || exit 1
ovs_vsctl add-br obr -- set Bridge obr datapath_type=netdev \
	-- add-port obr ob \
	-- add-bond obr obond o1 o2 bond_mode=balance-slb lacp=active \
	other_config:lacp-time=fast other_config:lacp-system-id=02:00:00:00:00:0a \
	-- set Interface o1 ofport_request=1 -- set Interface o2 ofport_request=2 ||
	{ echo "FAIL: ovs-vsctl"; exit 1; }

start_trestled || exit 1
trestle add-br br0 >/dev/null
check_ok "add-port sa" trestle add-port br0 sa
check_ok "add-bond b0 s1 s2, balance-slb, lacp=active, fast" trestle add-bond br0 b0 s1 s2 \
	bond_mode=balance-slb lacp=active other_config:lacp-time=fast \
	other_config:lacp-system-id=02:00:00:00:00:0b other_config:bond-rebalance-interval=1000 \
	-- set Interface s1 ofport_request=1 -- set Interface s2 ofport_request=2
check_ok "links up" wait_link_up s1 s2 sa
cp "$DB" $T/db.before
check_fails "add-bond of one interface refused" trestle add-bond br0 b1 s3 lacp=active
check_fails "balance-tcp without LACP refused" trestle set Port b0 bond_mode=balance-tcp lacp=off
check_fails "a member already in a bond refused" trestle add-bond br0 b1 s1 s3
check_ok "the saved configuration unchanged" cmp "$DB" $T/db.before

# lacp_status BOND: "negotiated", "configured" or "off" from bond/show, Trestle's / OVS's.
lacp_status() { trestle appctl bond/show "$1" | awk '$1 == "lacp_status:" { print $2 }'; }
olacp_status() { ovs_appctl bond/show "$1" | awk '$1 == "lacp_status:" { print $2 }'; }
member_state() { trestle appctl bond/show b0 | awk -v m="$1:" '$1 == "member" && $2 == m { print $3 }'; }
wait_for() { # TIMEOUT_S CMD...: until CMD succeeds
	local t=$1 t0=$SECONDS; shift
	while [ $((SECONDS - t0)) -lt "$t" ]; do "$@" && return 0; sleep 0.1; done
	return 1
}
both_negotiated() {
	[ "$(lacp_status b0)" = negotiated ] && [ "$(olacp_status obond)" = negotiated ] &&
		[ "$(member_state s1) $(member_state s2)" = "enabled enabled" ]
}
# lacp_field TEXT MEMBER FIELD: a member's "actor key", "partner sys_id"... from lacp/show.
lacp_field() {
	echo "$1" | awk -v m="$2" -v f="$3" '
		$1 == "member:" { cur = $2; sub(":$", "", cur) }
		cur == m { line = $0; sub(/^ +/, "", line); if (index(line, f ":") == 1) { v = substr(line, length(f) + 3); print v; exit } }'
}
# tx IFACE: Trestle's tx_packets of a member.
tx() { iface_stat "$1" tx_packets; }

# --- 1. Negotiation, the split, no loop.
check_ok "both bonds negotiated within 10 s" wait_for 10 both_negotiated
# Each side's view of the other lags by a LACPDU: wait until both say distributing.
distributing() {
	[ "$(trestle appctl lacp/show b0 | grep -c 'partner state:.*distributing')" = 2 ] &&
		[ "$(ovs_appctl lacp/show obond | grep -c 'partner state:.*distributing')" = 2 ]
}
check_ok "both sides see each other distributing" wait_for 5 distributing
show=$(trestle appctl lacp/show b0)
oshow=$(ovs_appctl lacp/show obond)
echo "$show"
echo "$oshow"
check_contains "trestle: active negotiated" "status: active negotiated" "$show"
for i in 1 2; do
	check_eq "s$i: trestle's partner sys_id is OVS's actor sys_id (o$i)" \
		"$(lacp_field "$oshow" o$i "actor sys_id")" "$(lacp_field "$show" s$i "partner sys_id")"
	check_eq "o$i: OVS's partner sys_id is trestle's actor sys_id (s$i)" \
		"$(lacp_field "$show" s$i "actor sys_id")" "$(lacp_field "$oshow" o$i "partner sys_id")"
	check_eq "s$i: partner key is OVS's actor key" \
		"$(lacp_field "$oshow" o$i "actor key")" "$(lacp_field "$show" s$i "partner key")"
	check_eq "o$i: OVS's partner key is trestle's actor key" \
		"$(lacp_field "$show" s$i "actor key")" "$(lacp_field "$oshow" o$i "partner key")"
	check_eq "s$i: partner port_id is OVS's actor port_id" \
		"$(lacp_field "$oshow" o$i "actor port_id")" "$(lacp_field "$show" s$i "partner port_id")"
	check_eq "s$i: trestle's actor state" \
		"activity timeout aggregation synchronized collecting distributing" \
		"$(lacp_field "$show" s$i "actor state")"
	check_eq "o$i: OVS sees trestle's state the same" \
		"$(lacp_field "$show" s$i "actor state")" "$(lacp_field "$oshow" o$i "partner state")"
done
check_eq "trestle's actor sys_id is lacp-system-id" "02:00:00:00:00:0b" \
	"$(lacp_field "$show" s1 "actor sys_id")"
check_eq "trestle's actor key: the first member's port id" "1" "$(lacp_field "$show" s1 "actor key")"
# A transaction elsewhere (a new port) leaves LACP as it was: no member re-added, no partner
# forgotten.
check_ok "add an internal port" trestle add-port br0 x0 -- set Interface x0 type=internal
check_eq "LACP undisturbed by it" "negotiated enabled enabled" \
	"$(lacp_status b0) $(member_state s1) $(member_state s2)"
check_eq "Interface lacp_current" "true true" \
	"$(trestle get Interface s1 lacp_current) $(trestle get Interface s2 lacp_current)"
check_contains "Port bond_active_slave: a member's MAC" \
	"$(trestle get Port b0 bond_active_slave | tr -d '"')" \
	"$(ip netns exec $SW cat /sys/class/net/s1/address) $(ip netns exec $SW cat /sys/class/net/s2/address)"

t1=$(tx s1); t2=$(tx s2)
ip netns exec $HB $PKT macs-count hb --seconds 4 >$T/hb.count &
cnt_hb=$!
ip netns exec $HA $PKT macs-count ha --seconds 4 >$T/ha.count &
cnt_ha=$!
sleep 0.5
sent=$(ip netns exec $HA $PKT macs ha --macs 64 --seconds 2 --pps 2000 | sed 's/sent=//')
wait $cnt_hb $cnt_ha
d1=$(($(tx s1) - t1)); d2=$(($(tx s2) - t2))
echo "64 source MACs, $sent frames from HA: s1 carried $d1, s2 carried $d2 (LACPDUs included)"
check_ge "s1 carries a share (at least 15%)" $((sent * 15 / 100)) $d1
check_ge "s2 carries a share (at least 15%)" $((sent * 15 / 100)) $d2
echo "HB: $(cat $T/hb.count); HA: $(cat $T/ha.count)"
check_contains "every frame reached HB once" "received=$sent duplicates=0" "$(cat $T/hb.count)"
check_contains "none came back to HA" "received=0 " "$(cat $T/ha.count)"
bs=$(trestle appctl bond/show b0)
echo "$bs"
check_contains "bond/show: balance-slb" "bond_mode: balance-slb" "$bs"
check_contains "bond/show: load per hash" "kB load" "$bs"

# --- 2. Failover: the member HA's pings leave by is cut while they flow, then comes back.
ip netns exec $HA ping -c 5 -i 0.05 -q 10.9.0.1 >/dev/null
HB_MAC=$(ip netns exec $HB cat /sys/class/net/hb/address)
t1=$(tx s1); t2=$(tx s2)
ip netns exec $HA ping -c 100 -i 0.005 -q 10.9.0.1 >/dev/null
if [ $(($(tx s1) - t1)) -gt $(($(tx s2) - t2)) ]; then busy=s1 other=s2; else busy=s2 other=s1; fi
echo "HA's pings leave by $busy"
ip netns exec $HA ping -D -i 0.005 -c 600 -W 1 10.9.0.1 >$T/ping.out 2>&1 &
ping_pid=$!
sleep 1
ip netns exec $SW ip link set $busy down
wait $ping_pid
# The gap: the longest time between two replies (ping -D stamps each).
gap_ms=$(awk -F'[][]' '/bytes from/ { t = $2; if (p) { d = (t - p) * 1000; if (d > m) m = d } p = t } END { printf "%d", m }' $T/ping.out)
lost=$(awk '/packets transmitted/ { print $1 - $4 }' $T/ping.out)
echo "failover of $busy: longest gap between replies ${gap_ms} ms, $lost of 600 pings lost (one every 5 ms)"
tail -n 2 $T/ping.out
if [ "$gap_ms" -lt 100 ]; then pass "failover gap under 100 ms (${gap_ms} ms)"; else fail "failover gap ${gap_ms} ms"; fi
check_eq "$busy disabled, $other enabled" "disabled enabled" "$(member_state $busy) $(member_state $other)"
check_contains "the bond log says so" "bond b0: member $busy: disabled" "$(cat $LOG)"

# Back: LACP takes it in again, and within the rebalance interval (1 s here) buckets that
# carry traffic move back to it.
ip netns exec $HA $PKT macs ha --macs 64 --seconds 9 --pps 2000 --size 1000 >/dev/null &
mac_pid=$!
sleep 1
ip netns exec $SW ip link set $busy up
check_ok "$busy enabled again" wait_for 10 sh -c "[ \"\$($TRESTLE_BIN --ctl $TRESTLE_CTL appctl bond/show b0 | awk '\$1 == \"member\" && \$2 == \"$busy:\" { print \$3 }')\" = enabled ]"
sleep 3
tb=$(tx $busy); to=$(tx $other)
sleep 1
db=$(($(tx $busy) - tb)); do_=$(($(tx $other) - to))
echo "one second, 2 s after the rebalance: $busy carried $db frames, $other $do_"
check_ge "buckets returned to $busy" 200 $db
check_contains "trestle logs the rebalancing" "bond b0: rebalanced" "$(cat $LOG)"
wait $mac_pid

# --- 3. OVS stops answering (SIGSTOP): fast timers let Trestle's members go within 3 s.
ovs_pid=$(cat "$OVS_DIR/ovs-vswitchd.pid")
kill -STOP "$ovs_pid"
t0=$(date +%s%N)
wait_for 8 sh -c "$TRESTLE_BIN --ctl $TRESTLE_CTL appctl bond/show b0 | grep -q 'active member mac: 00:00:00:00:00:00(none)'"
el=$((($(date +%s%N) - t0) / 1000000))
echo "OVS silent: both of trestle's members disabled after $el ms"
if [ "$el" -le 3600 ] && [ "$el" -ge 2500 ]; then pass "partner loss detected in 3 s ($el ms)"; else fail "partner loss after $el ms"; fi
check_contains "lacp/show: the partners expired or defaulted" "expired" "$(trestle appctl lacp/show b0)$(trestle appctl lacp/show-stats b0)"
kill -CONT "$ovs_pid"
check_ok "OVS back: negotiated again" wait_for 10 both_negotiated

# --- 4. Hostile LACPDUs on s1 (from OVS's end of the link).
st0=$(trestle appctl lacp/show-stats b0)
tx0=$(echo "$st0" | awk '/member: s1:/ { m = 1 } m && $1 == "TX" { print $3; exit }')
t0=$SECONDS
ip netns exec $OV $PKT lacp-hostile o1 --src 02:00:00:00:00:66 --count 10000
st1=$(trestle appctl lacp/show-stats)
el=$((SECONDS - t0 + 1))
echo "$st1"
tx1=$(echo "$st1" | awk '/member: s1:/ { m = 1 } m && $1 == "TX" { print $3; exit }')
bad=$(echo "$st1" | awk '/member: s1:/ { m = 1 } m && $1 == "RX" && $2 == "Bad" { print $4; exit }')
glob=$(echo "$st1" | sed -n 's/.*that are no LACPDU: \([0-9]*\).*/\1/p')
check_ge "malformed LACPDUs counted (per member and too short to be one)" 7 $((bad + ${glob:-0}))
check_ok "trestled alive" trestle appctl version
if [ $((tx1 - tx0)) -le $((3 * el + 3)) ]; then pass "10000 flapping LACPDUs got $((tx1 - tx0)) answers in ${el} s"; else fail "$((tx1 - tx0)) LACPDUs sent in ${el} s"; fi
check_ok "negotiated again after the flood" wait_for 10 both_negotiated

# --- 5. Passive on both ends: no one starts, never negotiated.
trestle set Port b0 lacp=passive >/dev/null
ovs_vsctl set Port obond lacp=passive
not_negotiated() { [ "$(lacp_status b0)" = configured ] && [ "$(olacp_status obond)" = configured ]; }
# Each side lets the other's information expire, then default: four short timeouts at most.
check_ok "passive-passive: both configured, not negotiated" wait_for 20 not_negotiated
txp=$(trestle appctl lacp/show-stats b0 | awk '$1 == "TX" { n += $3 } END { print n }')
sleep 3
check_eq "passive-passive: still not negotiated 3 s on" "configured configured" "$(lacp_status b0) $(olacp_status obond)"
check_eq "and trestle sent no LACPDU" "$txp" "$(trestle appctl lacp/show-stats b0 | awk '$1 == "TX" { n += $3 } END { print n }')"
check_fails "no traffic crosses a bond LACP did not negotiate" ip netns exec $HA ping -c 2 -i 0.2 -W 1 -q 10.9.0.1

# --- 6. No LACP: OVS's ends are plain ports, a switch that knows nothing of bonds.
ovs_vsctl del-port obond -- add-port obr o1 -- add-port obr o2
check_ok "active-backup without LACP" trestle set Port b0 lacp=off bond_mode=active-backup
active=$(trestle appctl bond/show b0 | awk '$1 == "member" { m = $2 } /active member$/ { sub(":", "", m); print m }')
if [ "$active" = s1 ]; then backup=s2; else backup=s1; fi
check_ok "active-backup: ping across, no partner" ip netns exec $HA ping -c 3 -i 0.2 -W 2 -q 10.9.0.1
ta=$(tx $active); tb=$(tx $backup)
ip netns exec $HA ping -c 50 -i 0.01 -q 10.9.0.1 >/dev/null
echo "50 pings: active $active sent $(($(tx $active) - ta)), backup $backup $(($(tx $backup) - tb))"
check_ge "the active member carries them" 50 $(($(tx $active) - ta))
check_eq "the backup sends nothing" "0" "$(($(tx $backup) - tb))"
ip netns exec $HA arping -c 2 -w 2 -I ha 10.9.0.1 >/dev/null 2>&1
check_contains "OVS's floods back in through the backup are dropped" "drop_bond_member_inactive" \
	"$(trestle appctl coverage/show | awk '$1 == "drop_bond_member_inactive" && $2 > 0')"
ofp_of() { ovs_vsctl get Interface "$1" ofport; }
ovs_port_of_ha() { ovs_appctl fdb/show obr | awk -v m="$HA_MAC" '$3 == m { print $1 }'; }
check_eq "OVS learned HA on the active member's link" "$(ofp_of ${active/s/o})" "$(ovs_port_of_ha)"
check_eq "bond/set-active-member" "done" "$(trestle appctl bond/set-active-member b0 $backup)"
ha_on_new_link() { [ "$(ovs_port_of_ha)" = "$(ofp_of ${backup/s/o})" ]; }
t0=$(date +%s%N)
check_ok "OVS learned HA on the new active link (a learning frame)" wait_for 2 ha_on_new_link
echo "OVS had HA's MAC on the new link $((($(date +%s%N) - t0) / 1000000)) ms after bond/set-active-member"
check_contains "trestle logs the learning frames" "learning frames sent on $backup" "$(cat $LOG)"
check_ok "ping across by the new active member" ip netns exec $HA ping -c 3 -i 0.2 -W 2 -q 10.9.0.1
check_eq "bond/set-active-slave (the older name): no change" "no change" \
	"$(trestle appctl bond/set-active-slave b0 $backup)"

check_ok "lacp=active, balance-tcp, lacp-fallback-ab=true" trestle set Port b0 lacp=active \
	bond_mode=balance-tcp other_config:lacp-fallback-ab=true
fallback_ok() { ip netns exec $HA ping -c 1 -W 1 -q 10.9.0.1 >/dev/null 2>&1; }
check_ok "no partner: falls back to active-backup, ping across" wait_for 10 fallback_ok
check_eq "bond/show: configured, fallback" "configured true" \
	"$(trestle appctl bond/show b0 | awk '$1 == "lacp_status:" { s = $2 } $1 == "lacp_fallback_ab:" { f = $2 } END { print s, f }')"
trestle set Port b0 other_config:lacp-fallback-ab=false >/dev/null
sleep 0.3
check_fails "without fallback the bond carries nothing" ip netns exec $HA ping -c 2 -i 0.2 -W 1 -q 10.9.0.1

# --- 7. balance-tcp with LACP: many UDP flows from one MAC spread over both members.
ovs_vsctl del-port o1 -- del-port o2 -- add-bond obr obond o1 o2 bond_mode=balance-slb \
	lacp=active other_config:lacp-time=fast other_config:lacp-system-id=02:00:00:00:00:0a
check_ok "OVS's bond back" wait_for 10 both_negotiated
check_ok "ping across balance-tcp" ip netns exec $HA ping -c 3 -i 0.2 -W 2 -q 10.9.0.1
t1=$(tx s1); t2=$(tx s2)
ip netns exec $HA $PKT udp ha --src $HA_MAC --dst $HB_MAC --ip-src 10.9.0.2 --ip-dst 10.9.0.1 \
	--flows 64 --count 3200 >/dev/null
d1=$(($(tx s1) - t1)); d2=$(($(tx s2) - t2))
echo "64 UDP flows, 3200 frames from one MAC: s1 carried $d1, s2 carried $d2"
check_ge "balance-tcp: s1 carries a share" 480 $d1
check_ge "balance-tcp: s2 carries a share" 480 $d2
flows=$(trestle appctl dpctl/dump-flows)
check_contains "the megaflows match the 5-tuple the hash read" "udp(src=" "$(echo "$flows" | head -n 3)"
check_eq "bond/hash prints a bucket" "1" "$(trestle appctl bond/hash 02:00:00:00:00:01 | grep -cE '^[0-9]+$')"
check_fails "bond/show of no such bond" trestle appctl bond/show nope
check_contains "bond/list" "b0	balance-tcp	-1	s1, s2" "$(trestle appctl bond/list)"

finish
