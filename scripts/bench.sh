#!/usr/bin/env bash
# Side-by-side benchmark: Trestle, OVS-DPDK 3.1 (Debian's openvswitch-switch-dpdk) and
# dpdk-testpmd io forwarding (the ceiling), each with one PMD core (core 1), taking turns on
# the same workloads. Prints a table, writes bench-out/bench-results.json and a PNG chart.
#
#   scripts/bench.sh [--no-ovs] [--reps N] [--secs S] [--only PATTERN] [--baseline REV]
#
# Each rate is the median of N windows of S seconds (default 5 x 2 s) after a 1 s warm-up,
# read from the switch's own port counters. See docs/performance.md for the method.
# --baseline REV also builds Trestle at git revision REV and measures it in the same run, each
# row taking turns with the tree's build: the table gains its figure and the change.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

OVS=1 REPS=5 SECS=2 ONLY=. BASE_REV=
while [ $# -gt 0 ]; do
	case $1 in
	--no-ovs) OVS=0 ;;
	--reps) REPS=$2; shift ;;
	--secs) SECS=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--baseline) BASE_REV=$2; shift ;;
	-h | --help) sed -n 2,9p "$0"; exit 0 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# 6 GiB of hugepages: the million-flow row holds 1M frames in mbufs (OVS-DPDK: ~4.3 GiB).
export TRESTLE_HUGEPAGES=${TRESTLE_HUGEPAGES:-3072}
if [ $OVS = 1 ]; then bash scripts/deps.sh --bench; else bash scripts/deps.sh; fi
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
# The baseline: REV's sources, built once per revision beside the results.
BASE_BUILD=
if [ -n "$BASE_REV" ]; then
	rev=$(git rev-parse --short "$BASE_REV") || { echo "bench: no revision $BASE_REV" >&2; exit 2; }
	BASE_SRC=$TOP/bench-out/base-$rev
	if [ ! -x "$BASE_SRC/build/src/trestled" ]; then
		rm -rf "$BASE_SRC"; mkdir -p "$BASE_SRC"
		git archive "$rev" | tar -x -C "$BASE_SRC"
		meson setup "$BASE_SRC/build" "$BASE_SRC" --buildtype=release >/dev/null
		ninja -C "$BASE_SRC/build" >/dev/null
	fi
	BASE_BUILD=$BASE_SRC/build
fi

OUT=$TOP/bench-out
W=/tmp/trestle-bench
mkdir -p "$OUT" "$W"
RES=$OUT/results.tsv
: >"$RES"
MBUFS=262143 # the same pool size as OVS-DPDK's default (256K), so memory compares like for like
VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
TSC_HZ=$(awk '/^cpu MHz/ { printf "%.0f\n", $4 * 1e6; exit }' /proc/cpuinfo)

log() { echo "bench: $*" >&2; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
best() { tr ' ' '\n' | grep . | sort -g | tail -n 1; }

# ---------------------------------------------------------------- the switches under test
# Both take ovs-vsctl grammar, so one workload script configures either: $VS is the vsctl
# command, $AP the appctl command of the switch being measured.
SW= VS= AP= OF= SW_PID=

trestle_start() { # [BUILD_DIR]: the tree's build, or another (the baseline)
	local b=${1:-build}
	rm -rf "$W/tr"; mkdir -p "$W/tr"
	"$b"/src/trestled -l 0,1 --no-pci --file-prefix=tbench -- --db "$W/tr/conf.json" \
		--ctl "$W/tr/ctl" --run-dir "$W/tr" --pidfile "$W/tr/pid" --log-file "$W/tr/log" \
		--mbufs $MBUFS --detach
	SW=trestle SW_PID=$(cat "$W/tr/pid")
	VS="$b/src/trestle --ctl $W/tr/ctl"
	AP="$b/src/trestle --ctl $W/tr/ctl appctl"
	OF="$b/src/trestle --ctl $W/tr/ctl ofctl"
}

ovs_start() {
	rm -rf "$W/ovs"; mkdir -p "$W/ovs"
	export OVS_RUNDIR=$W/ovs OVS_LOGDIR=$W/ovs OVS_DBDIR=$W/ovs
	ovsdb-tool create "$W/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	ovsdb-server "$W/ovs/conf.db" --remote="punix:$W/ovs/db.sock" --pidfile="$W/ovs/ovsdb.pid" \
		--detach --log-file="$W/ovs/ovsdb.log"
	VS="ovs-vsctl --db=unix:$W/ovs/db.sock --timeout=30"
	$VS --no-wait init
	$VS --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		other_config:dpdk-extra="--no-pci --file-prefix=obench" \
		other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x2
	$VSWITCHD "unix:$W/ovs/db.sock" --pidfile="$W/ovs/vswitchd.pid" --detach \
		--log-file="$W/ovs/vswitchd.log" >/dev/null 2>&1
	SW=ovs SW_PID=$(cat "$W/ovs/vswitchd.pid")
	OF=ovs-ofctl
	AP="ovs-appctl -t $W/ovs/ovs-vswitchd-dpdk.$SW_PID.ctl"
	$VS wait-until Open_vSwitch . dpdk_initialized=true
}

sw_start() { if [ "$1" = trestle ]; then trestle_start; else ovs_start; fi; }

sw_stop() {
	[ -n "$SW_PID" ] || return 0
	if [ "$SW" = ovs ]; then
		$AP exit >/dev/null 2>&1 || kill "$SW_PID" 2>/dev/null || true
	else
		kill "$SW_PID" 2>/dev/null || true
	fi
	for _ in $(seq 100); do kill -0 "$SW_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$SW_PID" 2>/dev/null || true
	if [ "$SW" = ovs ]; then
		kill "$(cat "$W/ovs/ovsdb.pid")" 2>/dev/null || true
		# OVS leaves its bridge's TAP behind (persistent); Trestle's own br0 needs the name.
		ip link del br0 2>/dev/null || true
	fi
	SW_PID=
}

# tx_count PORT...: packets the switch has sent on those ports, live. For OVS through
# ovs-ofctl dump-ports. "guest": packets the testpmd guest received, from its own counters
# (OVS 3.1 cannot read its vhost-user ports' counters here: "Protocol error").
tx_count() {
	local s=0 p n
	if [ "$1" = guest ]; then guest_rx; return; fi
	for p in "$@"; do
		if [ "$SW" = ovs ]; then
			n=$(ovs-ofctl dump-ports br0 "$p" | awk '/tx pkts=/ { sub(/.*tx pkts=/, ""); sub(/,.*/, ""); print }')
		else
			n=$($VS get Interface "$p" statistics:tx_packets)
		fi
		s=$((s + n))
	done
	echo $s
}

# pmd_stat KEY: a figure from dpif-netdev/pmd-stats-show ("processing cycles", ...).
pmd_stat() {
	$AP dpif-netdev/pmd-stats-show | awk -v k="$1" '
		index($0, k ":") { sub(".*" k ": *", ""); print $1 + 0; exit }'
}

# measure PORT...: prints "MPPS CYCLES_PER_PACKET BEST_MPPS": medians over $REPS windows, and
# the best window. Packets sent on the ports, or with COUNT=port_rx received on one.
measure() {
	local rates="" cpps="" i c0 c1 t0 t1
	sleep 1
	for i in $(seq "$REPS"); do
		$AP dpif-netdev/pmd-stats-clear >/dev/null
		c0=$(${COUNT:-tx_count} "$@"); t0=$(date +%s.%N)
		sleep "$SECS"
		c1=$(${COUNT:-tx_count} "$@"); t1=$(date +%s.%N)
		rates="$rates $(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.3f", (b - a) / (e - s) / 1e6 }')"
		cpps="$cpps $(pmd_stat "avg processing cycles per packet")"
	done
	log "  $SW windows (Mpps):$rates"
	echo "$(echo "$rates" | median) $(echo "$cpps" | median) $(echo "$rates" | best)"
}

# hugepages_mib / rss_mib: memory of the switch being measured. Hugepages are counted from the
# process's own mappings (OVS runs DPDK --in-memory: no files in /dev/hugepages to count).
hugepages_mib() { awk '/_Hugetlb:/ { s += $2 } END { printf "%d", s / 1024 }' "/proc/$SW_PID/smaps"; }
rss_mib() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$SW_PID/status"; }

# ---------------------------------------------------------------- workloads
pcap_file() { # KIND N [FIRST]: the traffic file, written once
	local f=$W/$1-$2${3:+-from-$3}.pcap
	[ -s "$f" ] || /usr/bin/python3 scripts/bench_pcap.py "$1" "$2" "$f" ${3:+"$3"}
	echo "$f"
}

add_bridge() {
	$VS add-br br0 -- set Bridge br0 datapath_type=netdev "$@"
}

# pcap_to_null FILE P0_ARGS P1_ARGS: p1 a null sink, p0 the pcap source (added last, so
# traffic starts only once its destination exists).
pcap_to_null() {
	local file=$1 p0=$2 p1=$3
	# shellcheck disable=SC2086
	$VS add-port br0 p1 $p1 -- set Interface p1 type=dpdk "options:dpdk-devargs=\"net_null1,no-rx=1\""
	# shellcheck disable=SC2086
	$VS add-port br0 p0 $p0 -- set Interface p0 type=dpdk \
		"options:dpdk-devargs=\"net_pcap0,rx_pcap=$file,infinite_rx=1\""
}

# The rule pipeline: in_port=p0 actions=output:p1, the same ovs-ofctl commands on both.
wl_rule() { # N
	local f; f=$(pcap_file flows "$1")
	add_bridge
	pcap_to_null "$f" "" ""
	$OF del-flows br0
	$OF add-flow br0 in_port=p0,actions=output:p1
	measure p1
}

# The rule pipeline with ingress policing on p0 at KBPS kbit/s (burst 8000 kbit). Above the
# offered load (100 Gbit/s): what checking each frame against a policer costs, against
# rule-1k-flows. Below it (1 Gbit/s): the rate is the frames p0 takes in (policed ones
# included), what a core can police; both switches pass exactly 1 Gbit/s (t_police checks
# Trestle's accuracy).
wl_rule_policed() { # N KBPS
	local f; f=$(pcap_file flows "$1")
	add_bridge
	pcap_to_null "$f" "" ""
	$VS set Interface p0 ingress_policing_rate="$2" ingress_policing_burst=8000
	$OF del-flows br0
	$OF add-flow br0 in_port=p0,actions=output:p1
	if [ "$2" -ge 100000000 ]; then measure p1; else COUNT=port_rx measure p0; fi
	log "  $SW: p1 sent $(tx_count p1) frames"
}

# The rule pipeline with 256 vhost-user and 256 internal ports configured beside p0 and p1
# (no guest, internal ports down, as on an NFV host between guest starts): the 512 must not
# slow the two ports that carry the traffic.
wl_rule_many_ports() { # N
	local f i args=(); f=$(pcap_file flows "$1")
	add_bridge
	for i in $(seq 256); do
		args+=(-- add-port br0 vu$i -- set Interface vu$i type=dpdkvhostuser)
		args+=(-- add-port br0 in$i -- set Interface in$i type=internal)
	done
	$VS --timeout=300 "${args[@]:1}" || log "  $SW: the 512 ports could not be added"
	pcap_to_null "$f" "" ""
	$OF del-flows br0
	$OF add-flow br0 in_port=p0,actions=output:p1
	measure p1
}

# A million flows from pcap files. A pcap source holds all its frames in mbufs (infinite_rx),
# and one OVS-DPDK mempool holds 256K, so the N flows come from four sources of N/4 flows
# each, p0 p2 p3 p4 (one PMD polls all four), with MTUs 1500, 2500, 3500 and 4500: OVS-DPDK
# shares a pool only between ports of one buffer-size class (1 KiB steps), so each source
# gets a pool of its own. Trestle has one pool of the same total (MBUFS for the row).
SPLIT_MTUS="1500 2500 3500 4500"
wl_rule_split() { # N
	local q=$(($1 / 4)) k=0 f mtu p
	add_bridge
	$VS add-port br0 p1 -- set Interface p1 type=dpdk "options:dpdk-devargs=\"net_null1,no-rx=1\""
	for mtu in $SPLIT_MTUS; do
		p=p$((k ? k + 1 : 0))
		f=$(pcap_file flows $q $((k * q)))
		$VS add-port br0 $p -- set Interface $p type=dpdk mtu_request="$mtu" \
			"options:dpdk-devargs=\"net_pcap$((k + 10)),rx_pcap=$f,infinite_rx=1\""
		k=$((k + 1))
	done
	$OF del-flows br0
	for p in p0 p2 p3 p4; do $OF add-flow br0 "in_port=$p,actions=output:p1"; done
	measure p1
}

# An ACL: 1,000 rules on source and destination prefixes and the destination port, that the
# traffic (N flows) must get past to the final allow rule (acl_file writes them).
wl_acl() { # N
	local f; f=$(pcap_file flows "$1")
	acl_file
	add_bridge
	pcap_to_null "$f" "" ""
	$OF del-flows br0
	$OF add-flows br0 "$W/acl.flows"
	measure p1
}
acl_file() {
	[ -s "$W/acl.flows" ] || awk 'BEGIN {
		for (i = 0; i < 1000; i++)
			printf "priority=%d,udp,nw_src=10.%d.0.0/16,nw_dst=192.168.%d.0/24,tp_dst=%d,actions=drop\n",
				1000 + i, i % 250 + 1, i % 4, 5000 + i % 8
		print "priority=1,actions=output:p1" }' >"$W/acl.flows"
}

wl_access_trunk() { # N: access port tag 100 -> trunk, destination MAC known on the trunk
	local f; f=$(pcap_file flows "$1")
	add_bridge
	pcap_to_null "$f" "tag=100" "trunks=100,200"
	$AP fdb/add br0 p1 100 02:00:00:00:00:02 >/dev/null
	measure p1
}

# The same with 802.1D spanning tree on the bridge (the shortest times 802.1D allows): no peer
# bridge, so both ports become designated and forward after 2 x forward delay; the frames then
# go through NORMAL's port-state check. Against normal-access-trunk-1: what STP costs.
wl_access_trunk_stp() { # N
	local f; f=$(pcap_file flows "$1")
	add_bridge stp_enable=true other_config:stp-hello-time=1 other_config:stp-max-age=6 \
		other_config:stp-forward-delay=4
	pcap_to_null "$f" "tag=100" "trunks=100,200"
	sleep 10
	$AP fdb/add br0 p1 100 02:00:00:00:00:02 >/dev/null
	measure p1
}
# The same with RSTP: no peer bridge, so both ports become edge ports (auto edge: no BPDU heard
# for the migrate time, 3 s) and forward. Against normal-access-trunk-1: what RSTP costs.
wl_access_trunk_rstp() { # N
	local f; f=$(pcap_file flows "$1")
	add_bridge rstp_enable=true
	pcap_to_null "$f" "tag=100" "trunks=100,200"
	sleep 6
	$AP fdb/add br0 p1 100 02:00:00:00:00:02 >/dev/null
	measure p1
}
# A bond of two members, OVS's and Trestle's configured alike: MODE balance-slb (64 source
# MACs: the hash reads the source MAC and VLAN) or balance-tcp (N UDP 5-tuples from one MAC
# pair), LACP active. Each member's device is a pcap file of a partner's LACPDUs with the long
# timeout, read once (bench_pcap.py lacp): LACP is negotiated and holds for 90 s, longer than
# the row; what the members send is dropped (net_pcap without a tx file). The destination is
# known on the bond (fdb/add on a member, which both switches take for the bond).
wl_bond() { # MODE N
	local f i lacp=()
	if [ "$1" = balance-slb ]; then f=$(pcap_file macs 64); else f=$(pcap_file flows "$2"); fi
	for i in 1 2; do
		lacp[i]=$W/lacp-$i.pcap
		[ -s "${lacp[i]}" ] || /usr/bin/python3 scripts/bench_pcap.py lacp $i "${lacp[i]}"
	done
	add_bridge
	$VS add-bond br0 b0 m1 m2 bond_mode="$1" lacp=active \
		other_config:lacp-system-id=02:00:00:00:00:0b \
		-- set Interface m1 type=dpdk "options:dpdk-devargs=\"net_pcap1,rx_pcap=${lacp[1]}\"" \
		-- set Interface m2 type=dpdk "options:dpdk-devargs=\"net_pcap2,rx_pcap=${lacp[2]}\""
	for i in $(seq 50); do
		[ "$($AP bond/show b0 2>/dev/null | grep -c "may_enable: true")" = 2 ] && break
		sleep 0.2
	done
	[ "$($AP bond/show b0 | grep -c "may_enable: true")" = 2 ] ||
		log "  $SW: bond b0 not negotiated: $($AP bond/show b0 | grep -E 'lacp_status|member')"
	$AP fdb/add br0 m1 0 02:00:00:00:00:02 >/dev/null
	$VS add-port br0 p0 -- set Interface p0 type=dpdk \
		"options:dpdk-devargs=\"net_pcap0,rx_pcap=$f,infinite_rx=1\""
	measure m1 m2
	log "  $SW: members m1 $(tx_count m1), m2 $(tx_count m2) frames"
}

wl_macs() { # M: M source MACs learned, destination known
	local f; f=$(pcap_file macs "$1")
	add_bridge other_config:mac-table-size=262144
	pcap_to_null "$f" "" ""
	$AP fdb/add br0 p1 0 02:00:00:00:00:02 >/dev/null
	measure p1
}

# Flow setup: N frames, each a new MAC pair (a new megaflow under NORMAL), replayed once.
# Rate = megaflows installed / PMD busy time, both from the PMD's own counters.
wl_setup() { # N [acl]: with acl, the ACL's 1,000 rules come before NORMAL
	local f n=$1 i last=-1 cur ups cyc
	f=$(pcap_file setup "$n")
	add_bridge other_config:mac-table-size=262144
	$VS add-port br0 p1 -- set Interface p1 type=dpdk "options:dpdk-devargs=\"net_null1,no-rx=1\""
	if [ "${2:-}" = acl ]; then
		acl_file
		sed 's/actions=output:p1/actions=NORMAL/' "$W/acl.flows" >"$W/acl-normal.flows"
		$OF del-flows br0
		$OF add-flows br0 "$W/acl-normal.flows"
	fi
	$AP dpif-netdev/pmd-stats-clear >/dev/null
	$VS add-port br0 p0 -- set Interface p0 type=dpdk "options:dpdk-devargs=\"net_pcap0,rx_pcap=$f\""
	for i in $(seq 300); do
		sleep 0.2
		cur=$(pmd_stat "packets received")
		[ "$cur" -ge "$n" ] && [ "$cur" = "$last" ] && break
		last=$cur
	done
	ups=$(pmd_stat "miss with success upcall")
	cyc=$(pmd_stat "processing cycles")
	log "  $SW: $cur packets, $ups megaflows installed in $cyc busy cycles"
	awk -v u="$ups" -v c="$cyc" -v hz="$TSC_HZ" -v p="$cur" 'BEGIN {
		if (c > 0) printf "%.3f %.1f\n", u / (c / hz) / 1e6, c / p; else print "0 0" }'
}

# port_rx PORT: packets the switch has received on PORT, live.
port_rx() {
	if [ "$SW" = ovs ]; then
		ovs-ofctl dump-ports br0 "$1" | awk '/rx pkts=/ { sub(/.*rx pkts=/, ""); sub(/,.*/, ""); print }'
	else
		$VS get Interface "$1" statistics:rx_packets
	fi
}

# Flow setup beside established traffic on the same PMD: p0 sends one flow without end to a
# MAC known on p1; then p2 replays 100k frames, each a new MAC pair (flooded to p1 too),
# once. Prints the established flow's Mpps during that storm (p1's transmit count less the
# storm's floods, sampled until p2 has received all 100k), and logs the rate before it.
wl_setup_load() {
	local n=100000 f e before t0 t1 tx0 tx1 rx0 rx1 t tx rx
	f=$(pcap_file setup $n)
	e=$(pcap_file flows 1)
	add_bridge other_config:mac-table-size=262144
	$VS add-port br0 p1 -- set Interface p1 type=dpdk "options:dpdk-devargs=\"net_null1,no-rx=1\""
	$VS add-port br0 p0 -- set Interface p0 type=dpdk \
		"options:dpdk-devargs=\"net_pcap0,rx_pcap=$e,infinite_rx=1\""
	$AP fdb/add br0 p1 0 02:00:00:00:00:02 >/dev/null
	before=$(REPS=3 measure p1)
	$VS add-port br0 p2 -- set Interface p2 type=dpdk "options:dpdk-devargs=\"net_pcap2,rx_pcap=$f\""
	t0= rx=0
	for _ in $(seq 20000); do
		t=$(date +%s.%N); tx=$(tx_count p1); rx=$(port_rx p2)
		if [ -z "$t0" ]; then
			[ "${rx:-0}" -gt 0 ] && t0=$t tx0=$tx rx0=$rx
		elif [ "$rx" -ge $n ]; then
			t1=$t tx1=$tx rx1=$rx
			break
		fi
	done
	if [ -z "$t0" ] || [ -z "${t1:-}" ]; then
		log "  $SW: the storm was not seen (p2 received $rx)"
		echo "0 0"
		return
	fi
	log "  $SW: established flow ${before%% *} Mpps before; storm of $((rx1 - rx0)) new flows seen over $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
	awk -v t0="$t0" -v t1="$t1" -v a="$tx0" -v b="$tx1" -v r0="$rx0" -v r1="$rx1" 'BEGIN {
		printf "%.3f -\n", ((b - a) - (r1 - r0)) / (t1 - t0) / 1e6 }'
}

# vhost-user loop: two vhost-user server ports; a testpmd guest on virtio-user (forwarding lcore
# on core 0, mac mode so that NORMAL learns each port's MAC) circulates 2 x 512 frames.
GUEST_PID=
guest_start() { # SOCK0 SOCK1
	rm -f "$W/guest.in"; mkfifo "$W/guest.in"
	stdbuf -oL dpdk-testpmd -l 0,1 --main-lcore 1 --no-pci --single-file-segments \
		--file-prefix=gbench --in-memory -m 1024 \
		--vdev "net_virtio_user0,path=$1,mac=02:00:00:00:00:10" \
		--vdev "net_virtio_user1,path=$2,mac=02:00:00:00:00:11" -- -i \
		--forward-mode=mac --eth-peer=0,02:00:00:00:00:11 --eth-peer=1,02:00:00:00:00:10 \
		<"$W/guest.in" >"$W/guest.log" 2>&1 &
	GUEST_PID=$!
	exec 7>"$W/guest.in"
}
guest_stop() {
	[ -n "$GUEST_PID" ] || return 0
	echo quit >&7 2>/dev/null || true
	exec 7>&- 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$GUEST_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$GUEST_PID" 2>/dev/null || true
	wait "$GUEST_PID" 2>/dev/null || true
	GUEST_PID=
}
# guest_rx: packets received on both guest ports, from a fresh "show port stats all".
guest_rx() {
	local before
	before=$(wc -l <"$W/guest.log")
	echo "show port stats all" >&7
	for _ in $(seq 50); do
		[ "$(tail -n +"$((before + 1))" "$W/guest.log" | grep -c 'Tx-pps')" -ge 2 ] && break
		sleep 0.05
	done
	tail -n +"$((before + 1))" "$W/guest.log" | awk '/RX-packets:/ { s += $2 } END { print s + 0 }'
}
wl_vhost() {
	local dir
	add_bridge
	if [ "$SW" = ovs ]; then dir=$W/ovs; else dir=$W/tr; fi
	$VS add-port br0 vhost0 -- set Interface vhost0 type=dpdkvhostuser
	$VS add-port br0 vhost1 -- set Interface vhost1 type=dpdkvhostuser
	guest_start "$dir/vhost0" "$dir/vhost1"
	sleep 3
	echo "start tx_first 16" >&7
	local r; r=$(measure guest)
	guest_stop
	echo "$r"
}

# Many flows through vhost-user: a pcap source must hold all its frames in mbufs at once
# (infinite_rx), which a million flows cannot do in OVS-DPDK's 256K pool, so the 1M-flow row
# takes its traffic from testpmd's flowgen mode (a new destination address each frame,
# cycling through N) on a virtio-user port, the generator's lcore on core 0.
GEN_PID=
gen_start() { # SOCK N
	stdbuf -oL dpdk-testpmd -l 0,1 --main-lcore 1 --no-pci --single-file-segments \
		--file-prefix=gbench --in-memory -m 1024 \
		--vdev "net_virtio_user0,path=$1,mac=02:00:00:00:00:10" -- \
		--forward-mode=flowgen --flowgen-flows="$2" --eth-peer=0,02:00:00:00:00:02 \
		--stats-period 1 </dev/null >"$W/gen.log" 2>&1 &
	GEN_PID=$!
}
gen_stop() {
	[ -n "$GEN_PID" ] || return 0
	kill -INT "$GEN_PID" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$GEN_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$GEN_PID" 2>/dev/null || true
	wait "$GEN_PID" 2>/dev/null || true
	GEN_PID=
}
wl_flowgen() { # N: in_port=vhost0,actions=output:p1 (null), N flows from the generator
	local dir r
	add_bridge
	if [ "$SW" = ovs ]; then dir=$W/ovs; else dir=$W/tr; fi
	$VS add-port br0 p1 -- set Interface p1 type=dpdk "options:dpdk-devargs=\"net_null1,no-rx=1\""
	$VS add-port br0 vhost0 -- set Interface vhost0 type=dpdkvhostuser
	$OF del-flows br0
	$OF add-flow br0 in_port=vhost0,actions=output:p1
	gen_start "$dir/vhost0" "$1"
	sleep 3
	r=$(measure p1)
	gen_stop
	echo "$r"
}

# ---------------------------------------------------------------- the ceiling
# testpmd io forwarding on core 1 between the same virtual ports; Tx-pps of its stats lines.
ceiling() { # WORKLOAD ARGS
	local log=$W/ceiling.log vdevs="" pid t=$((2 + REPS * SECS))
	case $1 in
	vhost)
		vdevs="--vdev net_vhost0,iface=$W/cv0 --vdev net_vhost1,iface=$W/cv1"
		;;
	flowgen)
		vdevs="--vdev net_vhost0,iface=$W/cv0 --vdev net_null1,no-rx=1"
		;;
	split)
		local k q=$(($2 / 4))
		for k in 0 1 2 3; do
			vdevs="$vdevs --vdev net_pcap$((k + 10)),rx_pcap=$(pcap_file flows $q $((k * q))),infinite_rx=1"
			vdevs="$vdevs --vdev net_null$((k + 20)),no-rx=1"
		done
		;;
	*)
		vdevs="--vdev net_pcap0,rx_pcap=$2,infinite_rx=1 --vdev net_null1,no-rx=1"
		;;
	esac
	rm -f "$W"/cv0 "$W"/cv1
	# shellcheck disable=SC2086
	timeout -s INT $((t + 30)) stdbuf -oL dpdk-testpmd -l 0,1 --no-pci --in-memory --file-prefix=pbench \
		-m $((MBUFS / 400 + 512)) \
		$vdevs -- --forward-mode=io --total-num-mbufs=$MBUFS --stats-period "$SECS" \
		>"$log" 2>&1 </dev/null &
	pid=$!
	if [ "$1" = vhost ]; then
		# Counted like the switches: packets the guest received, over the same windows.
		sleep 2
		guest_start "$W/cv0" "$W/cv1"
		# Frames sent before both vhost-user queues are up are lost: wait for testpmd to see
		# the two ports' links come up.
		for _ in $(seq 100); do
			[ "$(grep -c 'link state change event' "$log" || true)" -ge 2 ] && break
			sleep 0.1
		done
		sleep 1
		echo "start tx_first 16" >&7
		local r
		r=$(SW=testpmd AP=: measure guest)
		guest_stop
		kill -INT $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		echo "$r" | awk '{ print $1, $3 }'
		return
	fi
	[ "$1" = flowgen ] && { sleep 2; gen_start "$W/cv0" "$2"; }
	sleep $((t + 2))
	gen_stop
	kill -INT $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	# Sum Tx-pps over the ports per stats period; skip the first two (start-up).
	awk '/NIC statistics for port/ { for (i = 1; i < NF; i++) if ($i == "port") p = $(i + 1) }
		/Tx-pps:/ { if (p == 0) n++; s[n] += $2 }
		END { for (i = 3; i <= n; i++) printf "%.3f ", s[i] / 1e6 }' "$log" >"$W/ceiling.rates"
	echo "$(median <"$W/ceiling.rates") $(best <"$W/ceiling.rates")"
}

# ---------------------------------------------------------------- driver
# run NAME FUNCTION ARGS: each switch in turn, then the ceiling; one line in $RES.
# Rows with a testpmd guest or generator on core 0 keep both cores busy, and this machine's
# clock then wanders (rates halve and recover within a run, for testpmd alone too): those rows
# take $ROUNDS turns of all three and quote the median turn of each.
ROUNDS=3
median_row() { sort -g | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
# median_turn FIELD: of the turns' lines on stdin, the median one (by rate), with the best of
# field FIELD (each turn's best window) over all turns in that field.
median_turn() {
	local lines b
	lines=$(cat)
	b=$(printf '%s\n' "$lines" | awk -v f="$1" '{ print $f }' | best)
	printf '%s\n' "$lines" | median_row | awk -v f="$1" -v b="$b" '{ $f = b; print }'
}

run() {
	local name=$1 fn=$2; shift 2
	echo "$name" | grep -qE "$ONLY" || return 0
	log "== $name"
	local tr ov="- -" ceil mem_t="" mem_o="" rounds=1 k trs="" ovs="" ceils="" bs="" bt="- - -"
	case $fn in wl_vhost | wl_flowgen) rounds=$ROUNDS ;; esac
	for k in $(seq $rounds); do
		trestle_start
		tr=$($fn "$@")
		mem_t="$(hugepages_mib) $(rss_mib)"
		sw_stop
		trs="$trs$tr"$'\n'
		if [ -n "$BASE_BUILD" ]; then
			trestle_start "$BASE_BUILD"
			bt=$($fn "$@")
			sw_stop
			bs="$bs$bt"$'\n'
		fi
		if [ $OVS = 1 ]; then
			ovs_start
			ov=$($fn "$@")
			mem_o="$(hugepages_mib) $(rss_mib)"
			sw_stop
			ovs="$ovs$ov"$'\n'
		fi
		case $fn in
		wl_vhost) ceil=$(ceiling vhost) ;;
		wl_setup | wl_setup_load) ceil=- ;;
		wl_flowgen) ceil=$(ceiling flowgen "$1") ;;
		wl_rule_split) ceil=$(ceiling split "$1") ;;
		wl_macs) ceil=$(ceiling pcap "$(pcap_file macs "$1")") ;;
		wl_rule_policed) ceil=$(ceiling pcap "$(pcap_file flows "$1")") ;;
		wl_bond) if [ "$1" = balance-slb ]; then ceil=$(ceiling pcap "$(pcap_file macs 64)")
			else ceil=$(ceiling pcap "$(pcap_file flows "$2")"); fi ;;
		*) ceil=$(ceiling pcap "$(pcap_file flows "$1")") ;;
		esac
		ceils="$ceils$ceil"$'\n'
		[ $rounds = 1 ] || log "  turn $k: trestle $tr | ovs $ov | ceiling $ceil"
	done
	# The median turn, with the best window of all turns in its third field.
	tr=$(printf '%s' "$trs" | median_turn 3)
	[ -n "$BASE_BUILD" ] && bt=$(printf '%s' "$bs" | median_turn 3)
	[ $OVS = 1 ] && ov=$(printf '%s' "$ovs" | median_turn 3)
	[ "$ceil" = - ] || ceil=$(printf '%s' "$ceils" | median_turn 2)
	log "  trestle $tr | ovs $ov | ceiling $ceil | memory (hugepages MiB, RSS MiB) trestle $mem_t ovs $mem_o${BASE_BUILD:+ | baseline $bt}"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tr" "$ov" "$ceil" "$mem_t" "$mem_o" \
		"${BASE_BUILD:+$bt}" >>"$RES"
}

cleanup() {
	guest_stop
	gen_stop
	sw_stop
	pkill -f "file-prefix=(tbench|obench|pbench|gbench)" 2>/dev/null || true
}
trap cleanup EXIT
pkill -f "file-prefix=(tbench|obench|pbench|gbench)" 2>/dev/null || true

log "one PMD core each (core 1); $REPS windows of $SECS s per figure; TSC $TSC_HZ Hz"
run rule-1-flow wl_rule 1
run rule-1-flow-512-ports wl_rule_many_ports 1
run rule-1k-flows wl_rule 1000
run rule-1k-flows-policed-100g wl_rule_policed 1000 100000000
run rule-1k-flows-policed-1g wl_rule_policed 1000 1000000
run rule-100k-flows wl_rule 100000
MBUFS=$((4 * 262144 - 1)) run rule-1m-flows wl_rule_split 1000000
run rule-1m-flows-vhost wl_flowgen 1000000
run acl-1k-rules-100k-flows wl_acl 100000
run normal-access-trunk-1 wl_access_trunk 1
run normal-access-trunk-1k wl_access_trunk 1000
run normal-access-trunk-1-stp wl_access_trunk_stp 1
run normal-access-trunk-1-rstp wl_access_trunk_rstp 1
run normal-bond-slb-64macs wl_bond balance-slb 64
run normal-bond-tcp-1k wl_bond balance-tcp 1000
run normal-1k-macs wl_macs 1000
run normal-100k-macs wl_macs 100000
run flow-setup-100k wl_setup 100000
run flow-setup-100k-acl wl_setup 100000 acl
run established-during-setup wl_setup_load
run vhost-loop wl_vhost

/usr/bin/python3 - "$RES" "$OUT" "$BASE_REV" <<'EOF'
import json, subprocess, sys
res, out, base_rev = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for line in open(res):
    name, tr, ov, ceil, mt, mo, bt = (line.rstrip("\n").split("\t") + [""] * 7)[:7]
    num = lambda s: None if s in ("", "-") else float(s)
    t, tc, tb = (tr.split() + ["-", "-", "-"])[:3]
    o, oc, ob = (ov.split() + ["-", "-", "-"])[:3]
    ceil, cb = (ceil.split() + ["-", "-"])[:2]
    rows.append(dict(workload=name, trestle_mpps=num(t), ovs_mpps=num(o), ceiling_mpps=num(ceil),
                     trestle_cycles_per_packet=num(tc), ovs_cycles_per_packet=num(oc),
                     trestle_best_mpps=num(tb), ovs_best_mpps=num(ob), ceiling_best_mpps=num(cb),
                     trestle_hugepages_mib=num((mt.split() + ["-"])[0]),
                     trestle_rss_mib=num((mt.split() + ["-", "-"])[1]),
                     ovs_hugepages_mib=num((mo.split() + ["-"])[0]),
                     ovs_rss_mib=num((mo.split() + ["-", "-"])[1]),
                     baseline_mpps=num((bt.split() + ["-"])[0]),
                     baseline_cycles_per_packet=num((bt.split() + ["-", "-"])[1])))
for r in rows:
    t, o, c = r["trestle_mpps"], r["ovs_mpps"], r["ceiling_mpps"]
    r["ratio"] = round(t / o, 2) if t and o else None
    r["ceiling_share"] = round(t / c, 2) if t and c else None
json.dump(rows, open(out + "/bench-results.json", "w"), indent=1)
f = lambda v, w, p=3: ("%*.*f" % (w, p, v)) if v is not None else "%*s" % (w, "-")
print("%-26s %8s %8s %6s %8s %8s %6s %8s" % ("workload", "Trestle", "OVS-DPDK", "ratio", "testpmd",
                                             "cyc/pkt", "share", "OVS"))
print("%-26s %8s %8s %6s %8s %8s %6s %8s" % ("", "Mpps", "Mpps", "", "Mpps", "", "ceil.",
                                             "cyc/pkt"))
for r in rows:
    print("%-26s %s %s %s %s %s %s %s" % (r["workload"], f(r["trestle_mpps"], 8), f(r["ovs_mpps"], 8),
          f(r["ratio"], 5, 2) + "x" if r["ratio"] else f(None, 6), f(r["ceiling_mpps"], 8),
          f(r["trestle_cycles_per_packet"], 8, 1),
          ("%5d%%" % round(100 * r["ceiling_share"])) if r["ceiling_share"] else f(None, 6),
          f(r["ovs_cycles_per_packet"], 8, 1)))
print("(flow-setup: million new megaflows per second of PMD busy time; cyc/pkt: the PMD's busy")
print(" TSC cycles per packet, from each switch's pmd-stats-show: the per-core cost when the")
print(" source, not the switch, limits the rate, as in the vhost-user rows)")
print("best window (Mpps), rows with a guest or generator on core 0 (see docs/performance.md):")
for r in rows:
    if "vhost" in r["workload"]:
        tb, ob, cb = r["trestle_best_mpps"], r["ovs_best_mpps"], r["ceiling_best_mpps"]
        print("  %-22s Trestle %s  OVS-DPDK %s  ratio %s  testpmd %s" % (r["workload"], f(tb, 7),
              f(ob, 7), (f(tb / ob, 5, 2) + "x") if tb and ob else f(None, 6), f(cb, 7)))
if base_rev:
    print("the same rows, this tree against Trestle at %s (built from git, taking turns):" % base_rev)
    print("  %-22s %8s %8s %7s %8s %8s" % ("workload", "before", "after", "change", "cyc/pkt", "cyc/pkt"))
    for r in rows:
        b, t = r["baseline_mpps"], r["trestle_mpps"]
        print("  %-22s %s %s %s %s %s" % (r["workload"], f(b, 8), f(t, 8),
              ("%+6.1f%%" % (100 * (t - b) / b)) if b and t else f(None, 7),
              f(r["baseline_cycles_per_packet"], 8, 1), f(r["trestle_cycles_per_packet"], 8, 1)))
print("memory (hugepages MiB / RSS MiB), same ports:")
for r in rows:
    if r["trestle_hugepages_mib"] is not None:
        print("  %-22s Trestle %5s / %4s   OVS-DPDK %5s / %4s" % (r["workload"],
              f(r["trestle_hugepages_mib"], 0, 0), f(r["trestle_rss_mib"], 0, 0),
              f(r["ovs_hugepages_mib"], 0, 0), f(r["ovs_rss_mib"], 0, 0)))
with open(out + "/chart.dat", "w") as d:
    for r in rows:
        if r["workload"].startswith("flow-setup"):
            continue
        d.write("%s %s %s %s\n" % (r["workload"], r["trestle_mpps"] or 0, r["ovs_mpps"] or 0,
                                   r["ceiling_mpps"] or 0))
subprocess.run(["gnuplot", "-e", """
set terminal pngcairo size 1000,500; set output '%s/bench.png';
set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8;
set ylabel 'Mpps, one PMD core'; set xtics rotate by -25; set key top right; set grid ytics;
plot '%s/chart.dat' using 2:xtic(1) title 'Trestle', '' using 3 title 'OVS-DPDK 3.1',
     '' using 4 title 'testpmd io (ceiling)'""" % (out, out)], check=False)
print("wrote %s/bench-results.json and %s/bench.png" % (out, out))
EOF
