#!/usr/bin/env bash
# Soak and fault test (issue 13): ports and bridges added and deleted by parallel clients while
# traffic flows, a dpdk-testpmd guest restarted (and killed) on a dpdkvhostuser port, the
# server of a dpdkvhostuserclient port gone and back; forwarding checked after each; then the
# daemon's resources compared with what it held before: no leak.
#
#   scripts/soak.sh [--cycles N] [--clients N] [--restarts N]     (defaults 300, 4, 50)
#
# Each of the --clients loops runs --cycles add/del cycles (internal, dpdk and vhost-user ports
# on a bridge with traffic, and a whole bridge with its own traffic source); --restarts counts
# the guest's restarts in each vhost-user mode. Takes about 15 minutes with the defaults; not in
# CI. tests/functional/t_soak.sh sources this file with small numbers, so the suite runs the
# same code in about a minute.
#
# Set up as the functional tests (tests/functional/lib.sh: own --file-prefix, ctl socket, db and
# run dir under a temp dir, trestled in a namespace of its own). The whole run is done twice:
# once with two cycles and one restart (warm-up: what the daemon allocates once and keeps, such
# as librte_vhost's threads, is allocated then), then in full; "before" is measured after the
# warm-up, "after" after the full run, both with every bridge deleted and the traffic stopped,
# so anything that grows with the number of cycles is a leak.
set -u

SOAK_CYCLES=300
SOAK_CLIENTS=4
SOAK_RESTARTS=50
while [ $# -gt 0 ]; do
	case $1 in
	--cycles) SOAK_CYCLES=$2; shift 2 ;;
	--clients) SOAK_CLIENTS=$2; shift 2 ;;
	--restarts) SOAK_RESTARTS=$2; shift 2 ;;
	-h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "usage: soak.sh [--cycles N] [--clients N] [--restarts N]" >&2; exit 2 ;;
	esac
done

. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/functional/lib.sh"
hugepages_ready
# A guest that died leaves its command fifo without a reader: writing to it must fail, not
# kill the script (SIGPIPE) before it cleans up. Interrupted, the cleanup still runs.
trap '' PIPE
trap 'exit 130' INT
trap 'exit 143' TERM
PKT=$TOP/tests/functional/pkt.py

SW=tfsk$$; H1=tfskh1$$; H2=tfskh2$$
new_ns $SW $H1 $H2
SW_NS=$SW
M0=02:00:00:00:00:10; M1=02:00:00:00:00:11 # The guest's ports (lib.sh's --eth-peer).
SINK_MAC=02:00:00:00:99:99
# Unicast to the sink, and one frame in 16 broadcast: it reaches every port added to br0.
/usr/bin/python3 "$PKT" pcap-sized "$T/in.pcap" --count 64 --size 128 --dst $SINK_MAC \
	--bcast-every 16 >/dev/null
start_trestled || exit 1

# trestle with a bound on the wait: a hung daemon fails the command, not the script.
tctl() { "$TRESTLE_BIN" --ctl "$TRESTLE_CTL" --timeout 30 "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }
alive() { kill -0 "$TRESTLED_PID" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# What the daemon holds. measure NAME stores each figure in the array M as M[NAME.key].

declare -A M
MKEYS=(mbufs fds taps unix sockfiles threads ethdevs heap_n heap_b huge_mib rss_kib sys_huge)
declare -A MDESC=(
	[mbufs]="mbufs in use (pool)" [fds]="open fds" [taps]="TAP devices"
	[unix]="Unix sockets held" [sockfiles]="vhost-user socket files" [threads]="threads"
	[ethdevs]="ethdev ports" [heap_n]="DPDK heap allocations" [heap_b]="DPDK heap bytes"
	[huge_mib]="hugepages mapped, MiB" [rss_kib]="RSS KiB" [sys_huge]="host HugePages_Free"
)
# Growth allowed from "before" to "after": none, but for three rows. RSS may grow by 8 MiB:
# glibc keeps freed memory in its arenas and does not return fragmented pages, so the C heap's
# resident pages drift without a leak (+0.15 MiB over a default run here). A default run opens
# 7,200 ports in some 10,000 reconfigurations: one struct port (2.7 KiB) kept per port opened
# would be 19 MiB, one snapshot kept per reconfiguration far more. (The short run of t_soak.sh
# opens too few ports for RSS to tell; its other rows are exact.) HugePages_Free is the whole
# machine's, which other DPDK processes share: shown, not judged; the daemon's own hugepages
# are the "hugepages mapped" row.
#
# One leak is DPDK's, not ours, and is allowed exactly: net_null (DPDK 22.11, and still in
# DPDK's main branch) allocates a 64-byte buffer in each queue's setup (eth_rx_queue_setup(),
# eth_tx_queue_setup()) and frees it only in its queue-release ops, which rte_eth_dev_close()
# never calls (its eth_dev_close() releases nothing; rte_eth_dev_release_port() frees the
# queue arrays, not the queues). So every net_null port closed leaves 2 rte_malloc()
# allocations of 192 bytes each (the buffer with rte_malloc's header and trailer) behind.
# NULL_CLOSED counts them between "before" and "after"; any other allocation left fails.
# The heap's bytes are bounded, not exact: rte_malloc does not split a free element when less
# than MALLOC_ELEM_OVERHEAD + MIN_DATA_SIZE (192 bytes here) would remain, so any allocation
# may hold up to that much more than the same request did before.
NULL_LEAK_BYTES=192
ELEM_SLACK=192
declare -A ALLOWED=(
	[mbufs]=0 [fds]=0 [taps]=0 [unix]=0 [sockfiles]=0 [threads]=0 [ethdevs]=0 [heap_n]=0
	[heap_b]=0 [huge_mib]=0 [rss_kib]=8192 [sys_huge]=-
)
# Against an AddressSanitizer build (build-asan), RSS says nothing: ASan keeps freed memory in
# its quarantine (256 MiB by default; +140 MiB over t_soak.sh) before it reuses it. There
# LeakSanitizer checks the C heap instead, exactly, when the daemon exits (lib.sh, run.sh).
if ldd "$TRESTLED" 2>/dev/null | grep -q '/libasan\.so'; then
	ALLOWED[rss_kib]=-
fi

# DPDK telemetry (the EAL's socket in the daemon's runtime dir): "allocations bytes ethdevs".
telemetry() {
	/usr/bin/python3 - "/var/run/dpdk/$PREFIX/dpdk_telemetry.v2" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(1 << 16)
def q(cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(1 << 20).decode())[cmd.split(",")[0]]
n = size = 0
for h in q("/eal/heap_list"):
    info = q("/eal/heap_info,%d" % h)
    n += info["Alloc_count"]
    size += info["Alloc_size"]
print(n, size, len(q("/ethdev/list")))
EOF
}

measure() {
	local m=$1 p=/proc/$TRESTLED_PID inodes ns
	# A guest that quit leaves its hugepage files (testpmd cannot unlink them with
	# --single-file-segments); the next guest would reuse them. None runs now: free them, so
	# that the host's count is the daemon's and other processes'.
	rm -f /dev/hugepages/"$PREFIX"gmap_*
	M[$m.mbufs]=$(tctl appctl coverage/show | awk '/^mbufs in use/{print $4}')
	M[$m.fds]=$(ls $p/fd | wc -l)
	# Its own namespace's, and those of the hosts two of them were moved to.
	M[$m.taps]=$(for ns in $SW $H1 $H2; do ip netns exec $ns ip -o link show type tun; done | wc -l)
	inodes=$(ls -l $p/fd 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p')
	M[$m.unix]=$(awk 'NR == FNR { held[$1] = 1; next } FNR > 1 && held[$7] { n++ }
		END { print n + 0 }' <(echo "$inodes") $p/net/unix)
	M[$m.sockfiles]=$(find "$RUN_DIR" -type s | wc -l)
	M[$m.threads]=$(awk '/^Threads:/{print $2}' $p/status)
	read -r M[$m.heap_n] M[$m.heap_b] M[$m.ethdevs] <<<"$(telemetry)"
	M[$m.huge_mib]=$(($(awk '/^HugetlbPages:/{print $2}' $p/status) / 1024))
	M[$m.rss_kib]=$(awk '/^VmRSS:/{print $2}' $p/status)
	M[$m.sys_huge]=$(awk '/^HugePages_Free:/{print $2}' /proc/meminfo)
}

# report NOTE: prints the table of fresh / before / after and NOTE, then fails each row that
# grew past its allowance.
report() {
	local k f b a d
	printf '%-26s %10s %10s %10s %8s %8s\n' resource fresh before after change allowed
	for k in "${MKEYS[@]}"; do
		f=${M[fresh.$k]}; b=${M[before.$k]}; a=${M[after.$k]}
		d=$((a - b))
		printf '%-26s %10s %10s %10s %+8d %8s\n' "${MDESC[$k]}" "$f" "$b" "$a" $d "${ALLOWED[$k]}"
	done
	echo "$1" | fold -s -w 96
	for k in "${MKEYS[@]}"; do
		[ "${ALLOWED[$k]}" = - ] && continue
		d=$((${M[after.$k]} - ${M[before.$k]}))
		if [ $d -le "${ALLOWED[$k]}" ]; then
			pass "no leak: ${MDESC[$k]} ${M[before.$k]} -> ${M[after.$k]}"
		else
			fail "leak: ${MDESC[$k]} grew from ${M[before.$k]} to ${M[after.$k]} (allowed +${ALLOWED[$k]})"
		fi
	done
}

# ---------------------------------------------------------------------------------------------
# Traffic for the whole run: a pcap source at full rate into br0 (unicast to a sink, now and
# then broadcast), and pings between two namespaces through two internal ports of brk.

PING_PID=
WATCH_PID=
traffic_start() {
	tctl add-br br0 -- add-port br0 sink -- set Interface sink type=dpdk \
		"options:dpdk-devargs=net_null_sink,no-rx=1" -- add-port br0 src -- set Interface src \
		type=dpdk "options:dpdk-devargs=net_pcap_src,rx_pcap=$T/in.pcap,infinite_rx=1" \
		>/dev/null || { fail "traffic bridge br0 not set up"; return 1; }
	tctl appctl fdb/add br0 sink 0 $SINK_MAC >/dev/null
	tctl add-br brk -- add-port brk hin1 -- set Interface hin1 type=internal \
		-- add-port brk hin2 -- set Interface hin2 type=internal >/dev/null ||
		{ fail "ping bridge brk not set up"; return 1; }
	ip netns exec $SW ip link set hin1 netns $H1
	ip netns exec $SW ip link set hin2 netns $H2
	ip netns exec $H1 ip addr add 10.77.0.1/24 dev hin1
	ip netns exec $H2 ip addr add 10.77.0.2/24 dev hin2
	ip netns exec $H1 ip link set hin1 up
	ip netns exec $H2 ip link set hin2 up
	# Server mode: trestled owns the sockets. Client mode: the guest's, in $T.
	tctl add-br brg -- add-port brg vhost0 -- set Interface vhost0 type=dpdkvhostuser \
		-- add-port brg vhost1 -- set Interface vhost1 type=dpdkvhostuser \
		-- add-br brc -- add-port brc vc0 -- set Interface vc0 type=dpdkvhostuserclient \
		"options:vhost-server-path=$T/vc0.sock" -- add-port brc vc1 -- set Interface vc1 \
		type=dpdkvhostuserclient "options:vhost-server-path=$T/vc1.sock" >/dev/null ||
		{ fail "guest bridges not set up"; return 1; }
	tctl appctl fdb/add brg vhost0 0 $M0 >/dev/null; tctl appctl fdb/add brg vhost1 0 $M1 >/dev/null
	tctl appctl fdb/add brc vc0 0 $M0 >/dev/null; tctl appctl fdb/add brc vc1 0 $M1 >/dev/null
	ip netns exec $H1 ping -q -i 0.02 10.77.0.2 >"$T/ping.out" 2>&1 &
	PING_PID=$!
	at_exit "kill $PING_PID"
	# The watchdog: the daemon must answer every 0.25 s, at worst within a few seconds.
	rm -f "$T/watch.stop" "$T/watch.res"
	watchdog &
	WATCH_PID=$!
	at_exit "kill $WATCH_PID"
	sleep 1
	check_ge "traffic: the pcap source reaches the sink" 1000 "$(tctl get Interface sink statistics:tx_packets)"
}

# Writes "probes failed slowest_ms" to $T/watch.res until $T/watch.stop exists.
watchdog() {
	local n=0 bad=0 max=0 t0 ms
	while [ ! -e "$T/watch.stop" ]; do
		t0=$(date +%s%N)
		"$TRESTLE_BIN" --ctl "$TRESTLE_CTL" --timeout 10 appctl version >/dev/null 2>&1 || bad=$((bad + 1))
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ $ms -gt $max ] && max=$ms
		n=$((n + 1))
		echo "$n $bad $max" >"$T/watch.res"
		sleep 0.25
	done
}

# Counts of the traffic that must keep flowing: "sink_tx hin2_rx".
flow_counts() { echo "$(tctl get Interface sink statistics:tx_packets) $(tctl get Interface hin2 statistics:rx_packets)"; }

# check_flowing LABEL BEFORE: the pcap frames and the pings kept going since BEFORE.
check_flowing() {
	local s0 p0 s1 p1
	read -r s0 p0 <<<"$2"
	read -r s1 p1 <<<"$(flow_counts)"
	if [ "$((s1 - s0))" -gt 1000 ] && [ "$((p1 - p0))" -gt 0 ]; then
		pass "$1: traffic flowed throughout ($((s1 - s0)) frames to the sink, $((p1 - p0)) through the internal ports)"
	else
		fail "$1: traffic stopped (sink +$((s1 - s0)), internal port +$((p1 - p0)))"
	fi
}

traffic_stop() {
	local tx rx w n bad max
	kill -INT "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null
	touch "$T/watch.stop"; wait "$WATCH_PID" 2>/dev/null
	read -r tx rx <<<"$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$T/ping.out")"
	# Reconfigurations flush the megaflows, never the MAC table: pings are not lost.
	if [ "${tx:-0}" -gt 0 ] && [ "$((rx * 100))" -ge "$((tx * 95))" ]; then
		pass "pings through two internal ports all along: $rx of $tx answered"
	else
		fail "pings lost: ${rx:-?} of ${tx:-?} answered"
	fi
	read -r w <<<"$(cat "$T/watch.res" 2>/dev/null)"
	read -r n bad max <<<"${w:-0 0 0}"
	if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ] && [ "$max" -lt 5000 ]; then
		pass "the daemon answered throughout: $n probes, the slowest in $max ms"
	else
		fail "the daemon did not always answer: $bad of $n probes failed, the slowest took $max ms"
	fi
	check_ok "every bridge deleted" tctl del-br br0 -- del-br brk -- del-br brg -- del-br brc
	# TAP devices moved to the host namespaces go with the daemon's descriptor.
	sleep 1
}

# ---------------------------------------------------------------------------------------------
# Phase 1: each client loop adds and deletes, N times: a bridge with a pcap source and a
# vhost-user port, and an internal, a dpdk (net_null) and a vhost-user port on br0, which
# the broadcast frames of its source reach. Every command's status is checked.

# client_loop K N: writes "commands failed" to $T/client.K.res, failures to $T/client.K.err.
client_loop() {
	local k=$1 n=$2 i cmds=0 bad=0 out b sp sv ti tn tv rows
	local err=$T/client.$k.err
	: >"$err"
	# run CMD...: runs and counts a command; a failure is written down.
	run() {
		cmds=$((cmds + 1))
		if ! out=$("$@" 2>&1); then
			bad=$((bad + 1))
			echo "client $k cycle $i: $* -> ${out:-failed}" >>"$err"
		fi
	}
	for i in $(seq 1 "$n"); do
		b=sb${k}c$i sp=sp${k}c$i sv=sv${k}c$i ti=ti${k}c$i tn=tn${k}c$i tv=tv${k}c$i
		run tctl add-br $b -- add-port $b $sp -- set Interface $sp type=dpdk \
			"options:dpdk-devargs=net_pcap_$sp,rx_pcap=$T/in.pcap,infinite_rx=1" \
			-- add-port $b $sv -- set Interface $sv type=dpdkvhostuser
		run tctl add-port br0 $ti -- set Interface $ti type=internal \
			-- add-port br0 $tn -- set Interface $tn type=dpdk "options:dpdk-devargs=net_null_$tn,no-rx=1" \
			-- add-port br0 $tv -- set Interface $tv type=dpdkvhostuser
		# Every interface opened, with an OpenFlow number and no error.
		rows=$(tctl --no-heading -f csv -d bare --columns=name,ofport,error list Interface $b $sp $sv $ti $tn $tv 2>&1)
		cmds=$((cmds + 1))
		if [ "$(echo "$rows" | awk -F, '$2 > 0 && $3 == ""' | wc -l)" != 6 ]; then
			bad=$((bad + 1))
			echo "client $k cycle $i: not every interface opened: $(echo $rows)" >>"$err"
		fi
		run test -S "$RUN_DIR/$sv"
		run test -S "$RUN_DIR/$tv"
		# Every other cycle the internal port is up: frames are written to the kernel.
		[ $((i % 2)) = 0 ] && run ip netns exec $SW ip link set $ti up
		run tctl appctl fdb/show $b
		# Deleted in one transaction, or one command each, in another order.
		if [ $((i % 2)) = 0 ]; then
			run tctl del-br $b -- del-port br0 $ti -- del-port br0 $tn -- del-port br0 $tv
		else
			run tctl del-port br0 $tv
			run tctl del-port $tn
			run tctl del-br $b
			run tctl del-port br0 $ti
		fi
		run test ! -e "$RUN_DIR/$sv"
		run test ! -e "$RUN_DIR/$tv"
		echo "$cmds $bad" >"$T/client.$k.res"
		# A daemon that is gone fails everything: stop early.
		[ $bad -ge 10 ] && break
	done
	echo "$cmds $bad" >"$T/client.$k.res"
}

phase_ports() {
	local n=$1 k pids=() cmds bad t0 f0
	t0=$(now); f0=$(flow_counts)
	for k in $(seq 1 "$SOAK_CLIENTS"); do
		client_loop $k "$n" &
		pids+=($!)
		at_exit "kill ${pids[-1]}"
	done
	wait "${pids[@]}"
	for k in $(seq 1 "$SOAK_CLIENTS"); do
		read -r cmds bad <"$T/client.$k.res"
		if [ "$bad" = 0 ]; then
			pass "client $k: $n add/del cycles, $cmds commands, all succeeded"
		else
			fail "client $k: $bad of $cmds commands failed:"
			head -n 5 "$T/client.$k.err" | sed 's/^/  /'
		fi
	done
	check_ok "daemon alive after the add/del cycles" alive
	check_eq "no cycle's interface left" "" \
		"$(tctl --no-heading -f csv -d bare --columns=name list Interface | grep -E '^(sb|sp|sv|ti|tn|tv)[0-9]+c[0-9]+$')"
	check_flowing "add/del cycles" "$f0"
	PHASE_TIMES+=("$SOAK_LABEL: $SOAK_CLIENTS clients x $n add/del cycles: $(secs "$t0" "$(now)") s")
}

# ---------------------------------------------------------------------------------------------
# Phases 2 and 3: a testpmd guest with two virtio-user ports in a MAC-forwarding loop through
# the switch (port 0 sends to M1, the switch forwards to port 1, and back).

# sw_counts P0 P1: "rx0 tx0 drop0 rx1 tx1 drop1" of the switch's two interfaces.
sw_counts() {
	echo $(tctl get Interface "$1" statistics:rx_packets statistics:tx_packets statistics:tx_dropped \
		-- get Interface "$2" statistics:rx_packets statistics:tx_packets statistics:tx_dropped)
}

# wait_link_down IFACE...: waits (10 s at most) until every listed Interface is down.
wait_link_down() {
	local i all
	for _ in $(seq 100); do
		all=1
		for i in "$@"; do [ "$(tctl get Interface "$i" link_state 2>/dev/null)" = down ] || all=0; done
		[ $all = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# guest_round LABEL P0 P1 KILL VDEV...: starts the guest, checks forwarding through the switch
# exactly, then stops it (KILL=1: SIGKILL in mid-flow, else quit) and waits for the links to go.
guest_round() {
	local label=$1 p0=$2 p1=$3 kill=$4
	shift 4
	local a_rx0 a_tx0 a_dr0 a_rx1 a_tx1 a_dr1 b_rx0 b_tx0 b_dr0 b_rx1 b_tx1 b_dr1
	local grx0 gtx0 grx1 gtx1 why=
	read -r a_rx0 a_tx0 a_dr0 a_rx1 a_tx1 a_dr1 <<<"$(sw_counts $p0 $p1)"
	guest_start "$@"
	if ! kill -0 "$GUEST_PID" 2>/dev/null; then
		fail "$label: the guest did not start:"
		tail -n 5 "$T/guest.log" | sed 's/^/  /'
		GUEST_PID=
		return 1
	fi
	if ! wait_link_up $p0 $p1; then
		fail "$label: links not up"
		guest_stop
		return 0
	fi
	# Frames injected before both ends are up would be lost: only now does the guest send.
	guest_cmd "set fwd mac"; guest_cmd "start tx_first"
	sleep 1
	guest_cmd "stop"; sleep 0.3
	# Drain what is still in the guest's receive rings, sending nothing back.
	guest_cmd "set fwd rxonly"; guest_cmd "start"; sleep 0.5; guest_cmd "stop"; sleep 0.3
	read -r grx0 gtx0 grx1 gtx1 <<<"$(guest_stats)"
	read -r b_rx0 b_tx0 b_dr0 b_rx1 b_tx1 b_dr1 <<<"$(sw_counts $p0 $p1)"
	local rx0=$((b_rx0 - a_rx0)) tx0=$((b_tx0 - a_tx0)) dr0=$((b_dr0 - a_dr0))
	local rx1=$((b_rx1 - a_rx1)) tx1=$((b_tx1 - a_tx1)) dr1=$((b_dr1 - a_dr1))
	[ "${grx1:-0}" -ge 1000 ] || why+=" too little traffic;"
	[ "$gtx0" = $rx0 ] && [ "$gtx1" = $rx1 ] || why+=" the switch did not receive what the guest sent;"
	[ "$grx1" = $tx1 ] && [ "$grx0" = $tx0 ] || why+=" the guest did not receive what the switch sent;"
	[ $rx0 = $((tx1 + dr1)) ] && [ $rx1 = $((tx0 + dr0)) ] || why+=" frames unaccounted for in the switch;"
	if [ -z "$why" ]; then
		pass "$label: forwarding ($grx1 frames to the guest's port 1, $gtx0 + $gtx1 from it, all counted)"
	else
		fail "$label:$why"
		echo "  guest rx0=$grx0 tx0=$gtx0 rx1=$grx1 tx1=$gtx1;" \
			"switch $p0 rx=$rx0 tx=$tx0 drop=$dr0, $p1 rx=$rx1 tx=$tx1 drop=$dr1"
	fi
	if [ "$kill" = 1 ]; then
		# Killed while the PMD copies into and out of its rings.
		guest_cmd "set fwd mac"; guest_cmd "start tx_first"; sleep 0.5
		kill -KILL "$GUEST_PID"; wait "$GUEST_PID" 2>/dev/null; GUEST_PID=
		exec {GUEST_FD}>&- 2>/dev/null
	else
		guest_stop
	fi
	wait_link_down $p0 $p1 || fail "$label: links still up after the guest went"
}

phase_guest() {
	local mode=$1 n=$2 r t0 f0 kill
	t0=$(now); f0=$(flow_counts)
	for r in $(seq 1 "$n"); do
		kill=$((r % 2 == 0))
		if [ "$mode" = server ]; then
			guest_round "dpdkvhostuser, guest start $r/$n$([ $kill = 1 ] && echo ', then killed')" \
				vhost0 vhost1 $kill \
				--vdev "net_virtio_user0,path=$RUN_DIR/vhost0,mac=$M0" \
				--vdev "net_virtio_user1,path=$RUN_DIR/vhost1,mac=$M1" || return 1
		else
			# A server killed leaves its socket files: the next could not bind them.
			rm -f "$T/vc0.sock" "$T/vc1.sock"
			guest_round "dpdkvhostuserclient, server back $r/$n$([ $kill = 1 ] && echo ', then killed')" \
				vc0 vc1 $kill \
				--vdev "net_virtio_user0,path=$T/vc0.sock,server=1,mac=$M0" \
				--vdev "net_virtio_user1,path=$T/vc1.sock,server=1,mac=$M1" || return 1
		fi
		alive || { fail "trestled died"; return 1; }
	done
	rm -f "$T/vc0.sock" "$T/vc1.sock"
	check_flowing "$mode-mode guest restarts" "$f0"
	PHASE_TIMES+=("$SOAK_LABEL: $n guest restarts, vhost-user $mode mode: $(secs "$t0" "$(now)") s")
}

# soak_round LABEL CYCLES RESTARTS: the whole run once.
soak_round() {
	SOAK_LABEL=$1
	echo "--- $1: $SOAK_CLIENTS clients x $2 cycles, $3 guest restarts in each mode"
	traffic_start || return 1
	phase_ports "$2" || return 1
	phase_guest server "$3" || return 1
	phase_guest client "$3" || return 1
	traffic_stop
	check_ok "daemon alive after the $1" alive
}

PHASE_TIMES=()
t_start=$(now)
measure fresh
soak_round warm-up 2 1 && measure before &&
	soak_round soak "$SOAK_CYCLES" "$SOAK_RESTARTS" && measure after && {
	# The net_null ports closed between the two: each cycle's, and the traffic sink.
	NULL_CLOSED=$((SOAK_CLIENTS * SOAK_CYCLES + 1))
	ALLOWED[heap_n]=$((2 * NULL_CLOSED))
	ALLOWED[heap_b]=$((2 * NULL_CLOSED * (NULL_LEAK_BYTES + ELEM_SLACK) + M[before.heap_n] * ELEM_SLACK))
	echo "--- trestled before and after ($SOAK_CLIENTS clients x $SOAK_CYCLES cycles," \
		"$SOAK_RESTARTS guest restarts in each mode)"
	report "DPDK heap: the growth allowed is DPDK's net_null leak, 2 allocations of $NULL_LEAK_BYTES bytes for each of the $NULL_CLOSED net_null ports closed, and up to $ELEM_SLACK bytes more in any allocation (see ALLOWED in scripts/soak.sh)"
}
echo "--- time per phase"
printf '  %s\n' "${PHASE_TIMES[@]}"
echo "  in all: $(secs "$t_start" "$(now)") s"
if [ "$N_FAIL" -gt 0 ]; then
	keep=$(mktemp -d /tmp/trestle-soak-logs.XXXXXX)
	cp "$LOG" "$T/guest.log" "$keep/" 2>/dev/null
	echo "logs kept in $keep"
fi
finish
