#!/usr/bin/env bash
# vhost-user with dpdk-testpmd over virtio-user as the guest, in server mode (dpdkvhostuser) and
# client mode (dpdkvhostuserclient, with the guest restarting). Counters must add up exactly:
# what the guest sent is what the switch received, and what the switch received is what it sent
# plus what it counted as dropped.
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tfhv$$
new_ns $SW
# new_ns keeps the bridge's own TAP port quiet, so that every frame is the guest's.
SW_NS=$SW
start_trestled || exit 1
M0=02:00:00:00:00:10; M1=02:00:00:00:00:11

# run_loop P0 P1: mac-forwarding loop for 3 s, then drain, then check the accounting.
run_loop() {
	local p0=$1 p1=$2 mode=$3
	guest_cmd "set fwd mac"
	guest_cmd "start tx_first"
	sleep 3
	guest_cmd "stop"
	sleep 0.5
	# Drain what is still in the guest's receive rings, sending nothing back.
	guest_cmd "set fwd rxonly"
	guest_cmd "start"
	sleep 1
	guest_cmd "stop"
	sleep 0.5
	read -r grx0 gtx0 grx1 gtx1 <<<"$(guest_stats)"
	local srx0 srx1 stx0 stx1 sdr0 sdr1
	srx0=$(iface_stat $p0 rx_packets); srx1=$(iface_stat $p1 rx_packets)
	stx0=$(iface_stat $p0 tx_packets); stx1=$(iface_stat $p1 tx_packets)
	sdr0=$(iface_stat $p0 tx_dropped); sdr1=$(iface_stat $p1 tx_dropped)
	echo "$mode: guest rx0=$grx0 tx0=$gtx0 rx1=$grx1 tx1=$gtx1; switch $p0 rx=$srx0 tx=$stx0 drop=$sdr0, $p1 rx=$srx1 tx=$stx1 drop=$sdr1"
	[ "${grx1:-0}" -gt 100000 ] && pass "$mode: traffic passes ($grx1 frames reached the guest's port 1)" || fail "$mode: too little traffic ($grx1)"
	check_eq "$mode: switch received every frame the guest sent on port 0" "$gtx0" "$srx0"
	check_eq "$mode: switch received every frame the guest sent on port 1" "$gtx1" "$srx1"
	check_eq "$mode: $p0 in = $p1 out + $p1 drops" "$srx0" "$((stx1 + sdr1))"
	check_eq "$mode: $p1 in = $p0 out + $p0 drops" "$srx1" "$((stx0 + sdr0))"
	check_eq "$mode: guest received every frame the switch sent on $p1" "$stx1" "$grx1"
	check_eq "$mode: guest received every frame the switch sent on $p0" "$stx0" "$grx0"
}

# add_pair TYPE P0 P1 [SET0 SET1]: vhost-user ports P0 and P1 of TYPE on br0 (with further
# Interface settings), the guest's MACs M0 and M1 pinned to them.
add_pair() {
	local type=$1 p0=$2 p1=$3
	# shellcheck disable=SC2086 # SET0 and SET1 are absent or one word each.
	trestle add-port br0 "$p0" -- set Interface "$p0" type="$type" ${4:-} >/dev/null
	# shellcheck disable=SC2086
	trestle add-port br0 "$p1" -- set Interface "$p1" type="$type" ${5:-} >/dev/null
	trestle appctl fdb/add br0 "$p0" 0 "$M0" >/dev/null
	trestle appctl fdb/add br0 "$p1" 0 "$M1" >/dev/null
}

# --- Server mode: trestled owns the sockets in its run dir.
trestle add-br br0 >/dev/null
add_pair dpdkvhostuser vhost0 vhost1
check_ok "vhost0 socket in the run dir" test -S "$RUN_DIR/vhost0"
guest_start --vdev "net_virtio_user0,path=$RUN_DIR/vhost0,mac=$M0" --vdev "net_virtio_user1,path=$RUN_DIR/vhost1,mac=$M1"
if wait_link_up vhost0 vhost1; then pass "server mode: both vhost-user ports up"; else fail "server mode: links not up"; fi
run_loop vhost0 vhost1 "server mode"
guest_stop
trestle del-port br0 vhost0 -- del-port br0 vhost1 >/dev/null

# --- Client mode: the guest is the server; trestled reconnects when it restarts.
add_pair dpdkvhostuserclient vc0 vc1 options:vhost-server-path=$T/vc0.sock options:vhost-server-path=$T/vc1.sock
guest_start --vdev "net_virtio_user0,path=$T/vc0.sock,server=1,mac=$M0" --vdev "net_virtio_user1,path=$T/vc1.sock,server=1,mac=$M1"
if wait_link_up vc0 vc1; then pass "client mode: trestled connected to the guest"; else fail "client mode: links not up"; fi
run_loop vc0 vc1 "client mode"
guest_stop
rx_before=$(iface_stat vc1 tx_packets)
guest_start --vdev "net_virtio_user0,path=$T/vc0.sock,server=1,mac=$M0" --vdev "net_virtio_user1,path=$T/vc1.sock,server=1,mac=$M1"
if wait_link_up vc0 vc1; then pass "client mode: trestled reconnected by itself after the guest restarted"; else fail "client mode: no reconnect"; fi
guest_cmd "set fwd mac"; guest_cmd "start tx_first"; sleep 2; guest_cmd "stop"; sleep 0.5
read -r grx0 gtx0 grx1 gtx1 <<<"$(guest_stats)"
[ "${grx1:-0}" -gt 10000 ] && pass "client mode: traffic passes after the reconnect ($grx1)" || fail "client mode: no traffic after reconnect ($grx1)"
guest_stop

# The guest killed in mid-flow, three times: its vhost devices go away while the PMD copies
# into and out of them (the PMD calls librte_vhost itself: trestled must wait for it before
# the library frees a device).
for k in 1 2 3; do
	guest_start --vdev "net_virtio_user0,path=$T/vc0.sock,server=1,mac=$M0" --vdev "net_virtio_user1,path=$T/vc1.sock,server=1,mac=$M1"
	wait_link_up vc0 vc1 || echo "kill round $k: links not up"
	guest_cmd "set fwd mac"; guest_cmd "start tx_first"; sleep 1
	kill -KILL "$GUEST_PID"; wait "$GUEST_PID" 2>/dev/null; GUEST_PID=
	exec {GUEST_FD}>&- 2>/dev/null
	# A killed guest leaves its listening sockets behind; the next one could not bind them.
	rm -f "$T/vc0.sock" "$T/vc1.sock"
	sleep 0.3
done
check_ok "trestled survives a guest killed in mid-flow, three times" kill -0 "$TRESTLED_PID"
check_eq "the links went down with the guest" "down down" \
	"$(trestle get Interface vc0 link_state) $(trestle get Interface vc1 link_state)"
guest_start --vdev "net_virtio_user0,path=$T/vc0.sock,server=1,mac=$M0" --vdev "net_virtio_user1,path=$T/vc1.sock,server=1,mac=$M1"
wait_link_up vc0 vc1
guest_cmd "set fwd mac"; guest_cmd "start tx_first"; sleep 2; guest_cmd "stop"; sleep 0.5
read -r grx0 gtx0 grx1 gtx1 <<<"$(guest_stats)"
[ "${grx1:-0}" -gt 10000 ] && pass "traffic passes again after the kills ($grx1)" || fail "no traffic after the kills ($grx1)"
guest_stop
finish
