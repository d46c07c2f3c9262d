#!/usr/bin/env bash
# Correctness under change, with traffic flowing: a MAC that moves to another port, and a port
# whose VLAN changes. Frames carry "PHASE1" until the change is acknowledged (the fdb shows the
# move / the set command returned) and "PHASE2" after: no PHASE2 frame may reach the old place.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py

SW=tfcsw$$; S=tfcs$$; A=tfca$$; B=tfcb$$
new_ns $SW $S $A $B
SW_NS=$SW
start_trestled || exit 1
trestle add-br br0 >/dev/null
for p in s a b; do
	trestle add-port br0 p$p tag=100 -- set Interface p$p type=internal >/dev/null
done
ip netns exec $SW ip link set ps netns $S; ip netns exec $S ip link set ps up
ip netns exec $SW ip link set pa netns $A; ip netns exec $A ip link set pa up
ip netns exec $SW ip link set pb netns $B; ip netns exec $B ip link set pb up
MAC_S=$(ip netns exec $S cat /sys/class/net/ps/address)
OF_A=$(trestle get Interface pa ofport)
OF_B=$(trestle get Interface pb ofport)
X=02:00:00:00:0a:0a

# check_cutover OLD NEW MSG...: the counts (pkt.py count) of the place frames leave, OLD, show
# frames before the change (PHASE1) and none after it (PHASE2); those of NEW show frames after it.
check_cutover() {
	local old=$1 new=$2
	[[ "$old" =~ phase1=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] && pass "$3" || fail "$4 ($old)"
	check_contains "$5" "phase2=0" "$old"
	[[ "$new" =~ phase2=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] && pass "$6" || fail "$7 ($new)"
}

# --- A MAC moves from pa to pb under traffic.
ip netns exec $A /usr/bin/python3 $PKT send pa --src $X --dst ff:ff:ff:ff:ff:ff --count 3
check_contains "X learned on pa" "$(printf '%5s   100  %s' $OF_A $X)" "$(trestle fdb/show br0)"
ip netns exec $A /usr/bin/python3 $PKT count pa --seconds 6 --src $MAC_S >$T/a1 &
w1=$!
ip netns exec $B /usr/bin/python3 $PKT count pb --seconds 6 --src $MAC_S >$T/b1 &
w2=$!
sleep 0.5
ip netns exec $S /usr/bin/python3 $PKT stream ps --src $MAC_S --dst $X --phase-file $T/phase1 --seconds 4.5 >$T/s1 &
w3=$!
sleep 1.5
ip netns exec $B /usr/bin/python3 $PKT send pb --src $X --dst ff:ff:ff:ff:ff:ff --count 1
for _ in $(seq 50); do
	trestle fdb/show br0 | grep -q "$(printf '%5s   100  %s' $OF_B $X)" && break
	sleep 0.05
done
touch $T/phase1
wait $w1 $w2 $w3
echo "move: sender $(cat $T/s1); at pa: $(cat $T/a1); at pb: $(cat $T/b1)"
check_cutover "$(cat $T/a1)" "$(cat $T/b1)" \
	"before the move, frames for X reach pa" "no frame for X reached pa before the move" \
	"after the move is acknowledged, no frame for X reaches pa" \
	"after the move, frames for X reach pb" "frames for X do not reach pb after the move"
# Every frame for X went to exactly one port: none lost, none duplicated across the move.
s1=$(cat $T/s1)
sent=$(( $(echo "$s1" | sed -E 's/.*phase1=([0-9]+).*/\1/') + $(echo "$s1" | sed -E 's/.*phase2=([0-9]+).*/\1/') ))
got=0
for f in $T/a1 $T/b1; do
	got=$((got + $(sed -E 's/phase1=([0-9]+) phase2=([0-9]+)/\1+\2/' $f)))
done
check_eq "across the move every frame for X is delivered exactly once" "$sent" "$got"
# Where frames went, for the log: the switch's own counters, and the kernel's side of ps.
for i in ps pa pb; do echo "$i: $(trestle get Interface $i statistics)"; done
ip netns exec $S ip -s link show ps | sed -n '3,6p'
trestle appctl coverage/show | awk '$2 > 0'

# --- pb changes VLAN under broadcast traffic in VLAN 100.
ip netns exec $A /usr/bin/python3 $PKT count pa --seconds 6 --src $MAC_S >$T/a2 &
w1=$!
ip netns exec $B /usr/bin/python3 $PKT count pb --seconds 6 --src $MAC_S >$T/b2 &
w2=$!
sleep 0.5
ip netns exec $S /usr/bin/python3 $PKT stream ps --src $MAC_S --dst ff:ff:ff:ff:ff:ff --phase-file $T/phase2 --seconds 4.5 >$T/s2 &
w3=$!
sleep 1.5
trestle set port pb tag=200 && touch $T/phase2
wait $w1 $w2 $w3
echo "vlan change: sender $(cat $T/s2); at pa: $(cat $T/a2); at pb: $(cat $T/b2)"
check_cutover "$(cat $T/b2)" "$(cat $T/a2)" \
	"before the VLAN change, VLAN 100 broadcasts reach pb" "no broadcast reached pb before the change" \
	"after the VLAN change is acknowledged, no VLAN 100 frame reaches pb" \
	"unrelated port pa keeps receiving through the change" "pa stopped receiving"

finish
