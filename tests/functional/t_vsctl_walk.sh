#!/usr/bin/env bash
# The walk of the Open vSwitch guides, through the real daemon: add-br, add-port of a veth,
# internal ports on VLANs, list/find/--format output, del-port, del-br, and a restart (SIGTERM
# and kill -9) that brings back exactly the saved bridges and ports. Runs in its own network
# namespace so that its "eth0" and TAP devices never meet the host's.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py

NS=tftwalk$$
ip netns add $NS
at_exit "ip netns del $NS"
ip netns exec $NS ip link set lo up
ip netns exec $NS ip link add eth0 type veth peer name eth0-peer
ip netns exec $NS ip link set eth0 up
ip netns exec $NS ip link set eth0-peer up
in_ns() { ip netns exec $NS "$@"; }
SW_NS=$NS

start_trestled || exit 1

check_ok "add-br solbr" trestle add-br solbr
out=$(trestle show)
check_contains "show lists the bridge" "    Bridge solbr" "$out"
check_contains "show lists its local port" "        Port solbr" "$out"
check_contains "local interface is internal" "                type: internal" "$out"
check_ok "bridge's local port is a kernel TAP device" in_ns ip link show solbr

check_ok "add-port solbr eth0 (a veth)" trestle add-port solbr eth0
check_contains "show lists eth0" "        Port eth0" "$(trestle show)"

# Internal ports start administratively down, as in OVS; what would be sent to a down one is
# dropped and counted, without a system call per frame; ip link set up opens it. (The peer's
# kernel sends frames of its own, hence "at least".)
check_eq "the bridge's local port starts down" "down" "$(trestle get Interface solbr link_state)"
check_fails "its kernel interface is not UP" sh -c "ip netns exec $NS ip -o link show solbr | grep -q '[<,]UP[,>]'"
tx0=$(iface_stat solbr tx_packets); dr0=$(iface_stat solbr tx_dropped)
in_ns /usr/bin/python3 "$PKT" send eth0-peer --src 02:00:00:00:aa:01 --dst ff:ff:ff:ff:ff:ff --count 3
sleep 0.3
check_eq "floods to the down local port: not sent" "$tx0" "$(iface_stat solbr tx_packets)"
check_ge "floods to the down local port: counted as tx_dropped" $((dr0 + 3)) "$(iface_stat solbr tx_dropped)"
in_ns ip link set solbr up
sleep 0.5
in_ns /usr/bin/python3 "$PKT" send eth0-peer --src 02:00:00:00:aa:01 --dst ff:ff:ff:ff:ff:ff --count 3
sleep 0.3
check_eq "after ip link set up: link_state up" "up" "$(trestle get Interface solbr link_state)"
check_ge "after ip link set up: the floods are sent (tx_packets)" $((tx0 + 3)) "$(iface_stat solbr tx_packets)"

for v in 100 192; do
	check_ok "add internal port vnet$v tag=$v" \
		trestle add-port solbr vnet$v tag=$v -- set Interface vnet$v type=internal
	check_ok "vnet$v appears as a kernel TAP interface" in_ns ip link show vnet$v
done
out=$(trestle show)
check_contains "show prints the tag" "$(printf '        Port vnet100\n            tag: 100\n            Interface vnet100\n                type: internal')" "$out"

out=$(trestle list interface vnet100)
check_contains "list interface: name" 'name                : vnet100' "$out"
check_contains "list interface: type" 'type                : internal' "$out"
ofport=$(echo "$out" | awk -F': ' '/^ofport +:/{print $2}')
if [[ "$ofport" =~ ^[0-9]+$ ]] && [ "$ofport" -ge 1 ]; then pass "list interface: live ofport ($ofport)"; else fail "list interface: ofport is '$ofport'"; fi
check_contains "list interface: live link_state" 'link_state          : ' "$out"

out=$(trestle --columns=ofport,name --format=table list Interface)
check_eq "table heading" "ofport name" "$(echo "$out" | head -n 1 | tr -s ' ' | sed 's/ $//')"
check_contains "table dashes" "------ " "$(echo "$out" | sed -n 2p)"
check_contains "table row for the local port" "65534  solbr" "$out"

out=$(trestle -f csv --no-heading -d bare --columns=name,tag,trunk list port | sort)
check_eq "csv bare list port" "$(printf 'eth0,,\nsolbr,,\nvnet100,100,\nvnet192,192,')" "$out"

out=$(trestle find Interface name=vnet100)
check_eq "find Interface name=vnet100 finds one row" "1" "$(echo "$out" | grep -c '^_uuid')"
check_contains "find returns vnet100" 'name                : vnet100' "$out"

check_ok "del-port vnet192" trestle del-port solbr vnet192
check_fails "vnet192 TAP is gone" in_ns ip link show vnet192
check_eq "list-ports after del-port" "$(printf 'eth0\nvnet100')" "$(trestle list-ports solbr)"

check_ok "add-br br2" trestle add-br br2
check_ok "del-br br2" trestle del-br br2
check_eq "list-br after del-br" "solbr" "$(trestle list-br)"
check_fails "br2 local port is gone" in_ns ip link show br2

before=$(trestle show)
saved=$(sha256sum <"$DB")
stop_trestled TERM
check_eq "SIGTERM leaves no ctl socket" "no" "$([ -S "$TRESTLE_CTL" ] && echo yes || echo no)"
check_eq "SIGTERM leaves the saved file as it was" "$saved" "$(sha256sum <"$DB")"
start_trestled || exit 1
check_eq "restart after SIGTERM brings back the same bridges and ports" "$before" "$(trestle show)"
check_ok "vnet100 TAP exists again after restart" in_ns ip link show vnet100

stop_trestled KILL
check_eq "kill -9 leaves the saved file as it was" "$saved" "$(sha256sum <"$DB")"
start_trestled || exit 1
check_eq "restart after kill -9 brings back the same bridges and ports" "$before" "$(trestle show)"
check_eq "list-ports after kill -9 restart" "$(printf 'eth0\nvnet100')" "$(trestle list-ports solbr)"

finish
