#!/usr/bin/env bash
# Settings that were stored and then not acted on, against a real trestled: an ofport_request
# above 127, a requested number another port had by chance, a new mac on an open port, an
# n_rxq above what the device has (which reopened the port at every later change), and a
# fail_mode changed on an existing bridge (OVS flushes its flows, and standalone puts NORMAL
# back). Runs in its own network namespace, for its veth and TAP devices.
. "$(dirname "$0")/lib.sh"
hugepages_ready

NS=tftap$$
new_ns $NS
ip netns exec $NS ip link add eth0 type veth peer name eth0-peer
ip netns exec $NS ip link set eth0 up
ip netns exec $NS ip link set eth0-peer up
SW_NS=$NS
start_trestled || exit 1

trestle add-br br0 >/dev/null
trestle add-port br0 pa -- set Interface pa type=internal >/dev/null
trestle add-port br0 pb -- set Interface pb type=internal >/dev/null

# ofport_request over the whole schema range.
check_ok "ofport_request=1000" trestle add-port br0 pc -- set Interface pc type=internal \
	ofport_request=1000
check_eq "pc has OpenFlow port 1000" "1000" "$(trestle get Interface pc ofport)"
check_ok "ofport_request=65279" trestle set Interface pc ofport_request=65279
check_eq "pc moves to 65279" "65279" "$(trestle get Interface pc ofport)"

# A number requested by another port is taken back from the port that had it by chance.
a=$(trestle get Interface pa ofport)
check_ok "pb asks for pa's number ($a)" trestle set Interface pb ofport_request="$a"
check_eq "pb has it" "$a" "$(trestle get Interface pb ofport)"
b=$(trestle get Interface pa ofport)
if [ "$b" -ge 1 ] && [ "$b" != "$a" ]; then pass "pa got another number ($b)"; else fail "pa has $b"; fi

# A new mac on an open port.
check_ok "set a mac on an open port" trestle set Interface pa 'mac="02:00:00:00:12:34"'
check_eq "mac_in_use follows" '"02:00:00:00:12:34"' "$(trestle get Interface pa mac_in_use)"
check_contains "the kernel interface has it" "02:00:00:00:12:34" \
	"$(ip netns exec $NS ip link show pa)"

# n_rxq above what an af_packet port has (one queue): opened once, not at every change.
check_ok "add-port eth0 with n_rxq=4" trestle add-port br0 eth0 -- set Interface eth0 \
	options:n_rxq=4
check_contains "the cap is logged" "eth0: options:n_rxq=4, but the device has at most 1" \
	"$(cat "$LOG")"
opened=$(grep -c "port eth0: opened" "$LOG")
trestle set Bridge br0 other_config:mac-aging-time=60 >/dev/null
trestle add-port br0 pd -- set Interface pd type=internal >/dev/null
check_eq "eth0 was not reopened by later changes" "$opened" "$(grep -c "port eth0: opened" "$LOG")"

# fail_mode on an existing bridge.
check_contains "standalone: NORMAL" "priority=0 actions=NORMAL" "$(trestle ofctl dump-flows br0)"
trestle ofctl add-flow br0 "priority=5,dl_dst=02:00:00:00:00:09,actions=drop"
check_ok "fail_mode=secure" trestle set Bridge br0 fail_mode=secure
check_eq "secure: the flows are flushed, NORMAL too" "" "$(trestle ofctl dump-flows br0)"
trestle ofctl add-flow br0 "priority=5,dl_dst=02:00:00:00:00:09,actions=drop"
check_ok "fail_mode=standalone" trestle set Bridge br0 fail_mode=standalone
flows=$(trestle ofctl dump-flows br0)
check_contains "standalone: NORMAL is back" "priority=0 actions=NORMAL" "$flows"
check_not_contains "standalone: the secure bridge's flows are gone" "priority=5" "$flows"
trestle ofctl add-flow br0 "priority=5,dl_dst=02:00:00:00:00:09,actions=drop"
check_ok "clear fail_mode (standalone, no change)" trestle clear Bridge br0 fail_mode
check_contains "no change: the flows are kept" "priority=5" "$(trestle ofctl dump-flows br0)"

check_ok "daemon alive" trestle show
finish
