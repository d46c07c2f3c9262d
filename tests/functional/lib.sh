#!/usr/bin/env bash
# Shared helpers for the functional tests: each test starts its own trestled (own --file-prefix,
# ctl socket, db and run dir under a temp dir), drives it through the real `trestle` client,
# and cleans up namespaces, veths and processes on exit, pass or fail.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
TRESTLED=$BUILD/src/trestled
TRESTLE_BIN=$BUILD/src/trestle
# A build with -Db_sanitize (build-asan): every instrumented process of this test, trestled
# and the trestle client alike, writes its AddressSanitizer and LeakSanitizer reports to
# SANITIZER_LOGS/asan.PID and its UBSan reports to SANITIZER_LOGS/ubsan.PID (two files: the
# two runtimes each open their own, and would truncate each other's). run.sh sets the
# directory, one per test file, and fails the test file for any file found there. ASan stops
# a process at its first error; UBSan lets the daemon go on (halt_on_error=0), since its
# report is in the file anyway and the rest of the test still says what else broke.
# Uninstrumented programs (dpdk-testpmd, python, ip) ignore these variables. Options already
# in the environment (meson test, from 1.3 on, sets halt_on_error=1:abort_on_error=1 when
# unset) come first, so ours win.
if ldd "$TRESTLED" 2>/dev/null | grep -qE '/lib(a|ub)san\.so'; then
	SANITIZER_LOGS=${SANITIZER_LOGS:-$BUILD/sanitizer-logs/$(basename "$0" .sh)}
	mkdir -p "$SANITIZER_LOGS"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SANITIZER_LOGS/asan:detect_leaks=1"
	export ASAN_OPTIONS="$ASAN_OPTIONS:abort_on_error=0"
	UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$SANITIZER_LOGS/ubsan:print_stacktrace=1"
	export UBSAN_OPTIONS="$UBSAN_OPTIONS:halt_on_error=0:abort_on_error=0"
fi
T=$(mktemp -d /tmp/trestle-ft.XXXXXX)
export TRESTLE_CTL=$T/trestled.ctl
DB=$T/conf.json
RUN_DIR=$T/run
LOG=$T/trestled.log
PREFIX=tft$$
TRESTLED_PID=
N_PASS=0
N_FAIL=0
CLEANUP_CMDS=()

# trestled's PMD gets core 1; peers (testpmd) use core 0 for their forwarding lcore.
TRESTLED_LCORES=${TRESTLED_LCORES:-0,1}

trestle() { "$TRESTLE_BIN" --ctl "$TRESTLE_CTL" "$@"; }

on_exit() {
	local rc=$?
	for ((i = ${#CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP_CMDS[$i]}" >/dev/null 2>&1 || true
	done
	stop_trestled >/dev/null 2>&1 || true
	# A DPDK process killed with SIGKILL (the kill -9 tests, a stuck guest) leaves its hugepage
	# files behind; this test's processes are all gone now, and no other test uses its prefix.
	rm -f /dev/hugepages/"$PREFIX"map_* /dev/hugepages/"$PREFIX"[a-z]map_* 2>/dev/null
	if [ "$N_FAIL" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "--- trestled log ($LOG), last 40 lines:"
		tail -n 40 "$LOG" 2>/dev/null
	fi
	rm -rf "$T"
}
trap on_exit EXIT

# new_ns NAME...: creates quiet network namespaces (no IPv6 chatter), removed at exit.
new_ns() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		at_exit "ip netns del $ns"
		ip netns exec "$ns" ip link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
}

# Runs CMD at exit (cleanup in reverse order of registration).
at_exit() { CLEANUP_CMDS+=("$*"); }

pass() { N_PASS=$((N_PASS + 1)); echo "PASS: $*"; }
fail() { N_FAIL=$((N_FAIL + 1)); echo "FAIL: $*"; }

# check DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then pass "$1"; else
		fail "$1"; echo "  expected: $(printf '%q' "$2")"; echo "  actual:   $(printf '%q' "$3")"; fi
}
# check_ge DESC MIN ACTUAL: a number at least MIN.
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then pass "$1 ($3)"; else
		fail "$1"; echo "  expected at least: $2"; echo "  actual:            $3"; fi
}
# check_contains DESC NEEDLE HAYSTACK
check_contains() {
	if [[ "$3" == *"$2"* ]]; then pass "$1"; else
		fail "$1"; echo "  expected to contain: $2"; echo "  in: $3" | head -n 30; fi
}
check_not_contains() {
	if [[ "$3" != *"$2"* ]]; then pass "$1"; else
		fail "$1"; echo "  expected not to contain: $2"; echo "  in: $3" | head -n 30; fi
}
# check_ok DESC CMD...: the command must succeed.
check_ok() {
	local d=$1; shift
	local out
	if out=$("$@" 2>&1); then pass "$d"; else fail "$d"; echo "  $* -> $out"; fi
}
# check_fails DESC CMD...: the command must fail.
check_fails() {
	local d=$1; shift
	local out
	if out=$("$@" 2>&1); then fail "$d (succeeded: $out)"; else pass "$d"; fi
}

# --- Open vSwitch as a peer (ovs_start NS), without systemd: its db, sockets, pid files and
# logs all in $T/ovs, so that nothing touches /var/run/openvswitch or a system OVS that may be
# running. It runs in network namespace NS: its userspace datapath creates TAPs (ovs-netdev,
# its bridges) by name, and two of them in one namespace would clash. Bridges get
# datapath_type=netdev with system (AF_PACKET) ports: no DPDK, no kernel module, no PMD
# thread, so OVS takes no core away from trestled. ovs_vsctl and ovs_appctl talk to it; on
# failure the test prints the end of its log.
OVS_DIR=
ovs_vsctl() { ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=10 "$@"; }
ovs_appctl() { ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" "$@"; }
# ovs_stop NAME: the daemon's pid file names it (it detached, so it is no child of ours).
ovs_stop() {
	local pid
	pid=$(cat "$OVS_DIR/$1.pid" 2>/dev/null) || return 0
	kill -CONT "$pid" 2>/dev/null
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
}
ovs_start() { # NS
	if ! command -v ovs-vswitchd >/dev/null || ! command -v ovsdb-server >/dev/null; then
		echo "FAIL: Open vSwitch not installed (ovs-vswitchd, ovsdb-server, ovs-vsctl)"
		return 1
	fi
	OVS_DIR=$T/ovs
	mkdir -p "$OVS_DIR"
	cp /usr/share/openvswitch/vswitch.ovsschema "$OVS_DIR/"
	export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_PKGDATADIR=$OVS_DIR \
		OVS_SYSCONFDIR=$OVS_DIR
	ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_DIR/vswitch.ovsschema"
	at_exit ovs_stop ovsdb-server
	ip netns exec "$1" ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovsdb-server.pid" --unixctl="$OVS_DIR/ovsdb-server.ctl" \
		--log-file="$OVS_DIR/ovsdb-server.log" --detach 2>>"$OVS_DIR/start.log" || {
		echo "FAIL: ovsdb-server did not start"; cat "$OVS_DIR/start.log"; return 1; }
	# Stopped before ovsdb-server (cleanup runs in reverse), so it does not spin reconnecting.
	at_exit ovs_stop ovs-vswitchd
	ip netns exec "$1" ovs-vswitchd "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
		--log-file="$OVS_DIR/ovs-vswitchd.log" --detach 2>>"$OVS_DIR/start.log" || {
		echo "FAIL: ovs-vswitchd did not start"; cat "$OVS_DIR/start.log"; return 1; }
	# Cleanup commands run with their output thrown away: this one writes to a copy of stdout.
	exec {OVS_OUT_FD}>&1
	at_exit '[ "$N_FAIL" -eq 0 ] || { echo "--- ovs-vswitchd log, last 30 lines:"; tail -n 30 "$OVS_DIR/ovs-vswitchd.log"; } >&$OVS_OUT_FD'
}

hugepages_ready() {
	bash "$TOP/scripts/deps.sh" >/dev/null
}

# start_trestled [EXTRA EAL ARGS...]: starts the daemon and waits until it answers.
start_trestled() {
	mkdir -p "$RUN_DIR"
	${SW_NS:+ip netns exec "$SW_NS"} "$TRESTLED" -l "$TRESTLED_LCORES" --no-pci --file-prefix="$PREFIX" --log-level=user1,info \
		-m 512 "$@" -- \
		--db "$DB" --ctl "$TRESTLE_CTL" --run-dir "$RUN_DIR" ${TRESTLED_OPTS:-} >>"$LOG" 2>&1 &
	TRESTLED_PID=$!
	for _ in $(seq 1 200); do
		if trestle appctl version >/dev/null 2>&1; then return 0; fi
		if ! kill -0 "$TRESTLED_PID" 2>/dev/null; then
			echo "trestled exited at start-up:"; tail -n 20 "$LOG"; TRESTLED_PID=; return 1
		fi
		sleep 0.1
	done
	echo "trestled did not answer within 20 s"; return 1
}

# stop_trestled [SIGNAL]: stops the daemon (default SIGTERM) and waits for it.
stop_trestled() {
	local sig=${1:-TERM}
	[ -n "$TRESTLED_PID" ] || return 0
	kill -"$sig" "$TRESTLED_PID" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$TRESTLED_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$TRESTLED_PID" 2>/dev/null
	wait "$TRESTLED_PID" 2>/dev/null
	TRESTLED_PID=
	# A killed DPDK process leaves its runtime files; a restart with the same prefix cleans them.
}

# finish: prints the closing line and exits non-zero on any failure.
finish() {
	echo "$(basename "$0"): $N_PASS passed, $N_FAIL failed"
	[ "$N_FAIL" -eq 0 ]
}

# --- A dpdk-testpmd "guest" on virtio-user, driven through a fifo on its stdin. Its forwarding
# lcore is core 0, so it never shares a core with trestled's PMD (core 1).
GUEST_PID=
GUEST_FD=
# guest_start VDEV_ARGS... : starts testpmd interactive with the given --vdev arguments.
guest_start() {
	rm -f "$T/guest.in"; mkfifo "$T/guest.in"
	stdbuf -oL dpdk-testpmd -l 0,1 --main-lcore 1 --no-pci --single-file-segments \
		--file-prefix="${PREFIX}g" -m 512 "$@" -- -i \
		--eth-peer=0,02:00:00:00:00:11 --eth-peer=1,02:00:00:00:00:10 \
		<"$T/guest.in" >>"$T/guest.log" 2>&1 &
	GUEST_PID=$!
	exec {GUEST_FD}>"$T/guest.in"
	at_exit guest_stop
	sleep 2
}
guest_cmd() { echo "$*" >&"$GUEST_FD"; }
guest_stop() {
	[ -n "$GUEST_PID" ] || return 0
	guest_cmd quit 2>/dev/null
	exec {GUEST_FD}>&- 2>/dev/null
	for _ in $(seq 50); do kill -0 "$GUEST_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$GUEST_PID" 2>/dev/null
	wait "$GUEST_PID" 2>/dev/null
	GUEST_PID=
}
# guest_stats: prints "rx0 tx0 rx1 tx1" from a fresh "show port stats all".
guest_stats() {
	local before
	before=$(wc -l <"$T/guest.log")
	guest_cmd "show port stats all"
	for _ in $(seq 50); do
		[ "$(tail -n +"$((before + 1))" "$T/guest.log" | grep -c 'NIC statistics for port')" -ge 2 ] && break
		sleep 0.1
	done
	sleep 0.2
	tail -n +"$((before + 1))" "$T/guest.log" | awk '
		/NIC statistics for port/ { for (i = 1; i < NF; i++) if ($i == "port") p = $(i + 1) + 0 }
		/RX-packets:/ { rx[p] = $2 }
		/TX-packets:/ { tx[p] = $2 }
		END { print rx[0], tx[0], rx[1], tx[1] }'
}

# iface_stat IFACE COUNTER: one statistics counter of an Interface.
iface_stat() { trestle get Interface "$1" "statistics:$2"; }

# wait_rx IFACE N: waits (5 s at most) until IFACE has received N frames (a pcap source).
wait_rx() {
	for _ in $(seq 50); do
		[ "$(iface_stat "$1" rx_packets 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_link_up IFACE...: waits (10 s at most) until every listed Interface has link_state up.
wait_link_up() {
	local i
	for _ in $(seq 100); do
		local all=1
		for i in "$@"; do [ "$(trestle get Interface "$i" link_state 2>/dev/null)" = up ] || all=0; done
		[ $all = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
