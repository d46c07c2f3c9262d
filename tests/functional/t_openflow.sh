#!/usr/bin/env bash
# OpenFlow tables through the real daemon: ofctl commands, megaflow wildcarding (rules on
# dl_dst only give one megaflow for 100k distinct 5-tuples, matching no IP or L4 field), exact
# rule counters, revalidation when rules change, ofproto/trace, and refused bad rules.
. "$(dirname "$0")/lib.sh"
hugepages_ready

PCAP=$T/flows.pcap
/usr/bin/python3 "$TOP/scripts/bench_pcap.py" flows 100000 "$PCAP"
TRESTLED_OPTS="--mbufs 200000" start_trestled -m 1024 || exit 1

trestle add-br br0 -- set Bridge br0 fail_mode=standalone >/dev/null
check_contains "a new bridge starts with NORMAL" "priority=0 actions=NORMAL" "$(trestle ofctl dump-flows br0)"
trestle add-port br0 p1 -- set Interface p1 type=dpdk 'options:dpdk-devargs="net_null1,no-rx=1"' >/dev/null
trestle ofctl del-flows br0
check_eq "del-flows empties the table" "" "$(trestle ofctl dump-flows br0)"
trestle ofctl add-flow br0 "priority=100,dl_dst=02:00:00:00:00:02,actions=output:p1"
trestle ofctl add-flow br0 "priority=90,dl_dst=02:00:00:00:00:03,actions=drop"
trestle add-port br0 p0 -- set Interface p0 type=dpdk \
	"options:dpdk-devargs=\"net_pcap0,rx_pcap=$PCAP,infinite_rx=1\"" >/dev/null
sleep 2

flows=$(trestle appctl dpctl/dump-flows)
echo "$flows"
# (The host's own br0 TAP sends a few IPv6 multicast frames: their megaflows are separate.)
flows=$(echo "$flows" | grep -v 'eth(dst=33:33:')
n=$(echo "$flows" | grep -c 'actions:')
check_eq "100k distinct 5-tuples share one megaflow" "1" "$n"
check_not_contains "the megaflow matches no IP field" "ipv4(" "$flows"
check_not_contains "the megaflow matches no L4 field" "udp(" "$flows"
check_contains "the megaflow matches the destination MAC" "dst=02:00:00:00:00:02" "$flows"
tx=$(iface_stat p1 tx_packets)
[ "$tx" -gt 100000 ] && pass "traffic flows by the rule ($tx packets)" || fail "only $tx packets reached p1"
check_contains "one subtable: the EMC is bypassed, and pmd-stats-show says so" "EMC bypassed" \
	"$(trestle appctl dpif-netdev/pmd-stats-show)"
# Frames with the Ethernet header of the frame before take its megaflow without a parse or a
# lookup of their own: they must still count as hits, never as misses.
show=$(trestle appctl dpif/show | head -n 1)
hit=$(echo "$show" | sed -n 's/.*hit:\([0-9]*\).*/\1/p')
missed=$(echo "$show" | sed -n 's/.*missed:\([0-9]*\).*/\1/p')
[ "${hit:-0}" -gt 100000 ] && [ "${missed:-1}" -lt $((hit / 1000)) ] &&
	pass "one Ethernet header, one megaflow: $missed misses in $((hit + missed)) frames" ||
	fail "misses with one megaflow installed: $show"

# Exact counters: stop the traffic, then the rule must account for every packet sent to p1.
trestle del-port br0 p0
sleep 0.5
tx=$(iface_stat p1 tx_packets)
rule=$(trestle ofctl dump-flows br0 | grep 'priority=100')
check_contains "rule counter equals the packets forwarded" "n_packets=$tx," "$rule"
check_contains "rule bytes are 60 per packet" "n_bytes=$((tx * 60))," "$rule"

# Revalidation: once the rule changes, no packet follows the old one.
trestle add-port br0 p0 -- set Interface p0 type=dpdk \
	"options:dpdk-devargs=\"net_pcap0,rx_pcap=$PCAP,infinite_rx=1\"" >/dev/null
sleep 1
trestle ofctl mod-flows br0 "dl_dst=02:00:00:00:00:02,actions=drop"
sleep 0.2
a=$(iface_stat p1 tx_packets); sleep 1; b=$(iface_stat p1 tx_packets)
check_eq "after mod-flows to drop, nothing more reaches p1" "$a" "$b"
check_contains "the drops are counted by reason" "openflow_drop" "$(trestle coverage/show | grep -v ' 0 ')"
trestle ofctl add-flow br0 "priority=100,dl_dst=02:00:00:00:00:02,actions=output:p1"
sleep 0.5
a=$(iface_stat p1 tx_packets); sleep 0.5; b=$(iface_stat p1 tx_packets)
[ "$b" -gt "$a" ] && pass "add-flow back: traffic flows again" || fail "no traffic after add-flow ($a -> $b)"

# A prefix rule makes megaflows match on that prefix only.
trestle ofctl add-flow br0 "priority=200,udp,nw_src=10.0.1.0/24,actions=drop"
sleep 1
flows=$(trestle appctl dpctl/dump-flows)
check_contains "megaflow for the prefix rule matches the /24 only" "src=10.0.1.0/255.255.255.0" "$flows"
check_not_contains "no megaflow matches an exact source address" "src=10.0.1.5," "$flows"
# Two subtables now, but 100k 5-tuples in an 8k-entry EMC: it would not pay, and is sampled.
check_contains "100k flows: the EMC is only sampled, and pmd-stats-show says so" "EMC sampled" \
	"$(trestle appctl dpif-netdev/pmd-stats-show)"

trace=$(trestle ofproto/trace br0 in_port=p0,dl_dst=02:00:00:00:00:02,udp,nw_src=10.0.9.9,tp_dst=5001)
echo "$trace"
check_contains "trace names the rule" "dl_dst=02:00:00:00:00:02, priority 100" "$trace"
check_contains "trace gives the datapath actions" "Datapath actions: " "$trace"
check_contains "trace gives the megaflow" "Megaflow: " "$trace"

# Bad rules: a clear error, nothing changes.
before=$(trestle ofctl dump-flows br0 | sed -E 's/duration=[^,]*, //; s/n_packets=[^,]*, n_bytes=[^,]*, idle_age=[^,]*, //')
for bad in "nw_src=10.0.0.1,actions=drop" "dl_vlan=5000,actions=drop" "in_port=nosuch,actions=drop" \
		"actions=frobnicate" "priority=1"; do
	out=$(trestle ofctl add-flow br0 "$bad" 2>&1) && fail "accepted: $bad" || pass "refused \"$bad\": $out"
done
printf 'priority=7,actions=drop\nthis is not a flow\n' >$T/bad.flows
out=$(trestle ofctl add-flows br0 $T/bad.flows 2>&1) && fail "add-flows accepted a bad file" || check_contains "add-flows names the bad line" "line 2" "$out"
after=$(trestle ofctl dump-flows br0 | sed -E 's/duration=[^,]*, //; s/n_packets=[^,]*, n_bytes=[^,]*, idle_age=[^,]*, //')
check_eq "bad rules changed nothing" "$before" "$after"

# add-flows from a file, diff-flows, replace-flows, del-flows --strict.
printf '# ACL\npriority=300,tcp,tp_dst=22,actions=drop\npriority=301,ip,nw_dst=192.168.0.0/16,actions=output:p1\n' >$T/acl.flows
trestle ofctl add-flows br0 $T/acl.flows
check_contains "add-flows added the file's rules" "priority=301,ip,nw_dst=192.168.0.0/16 actions=output:1" "$(trestle ofctl dump-flows br0)"
trestle ofctl replace-flows br0 $T/acl.flows
check_eq "replace-flows leaves exactly the file" "" "$(trestle ofctl diff-flows br0 $T/acl.flows)"
trestle ofctl del-flows br0 --strict "priority=300,tcp,tp_dst=22"
check_eq "del-flows --strict removed one rule" "1" "$(trestle ofctl dump-flows br0 | grep -c priority=)"
check_contains "dump-ports reports p1" "port  1: rx pkts=" "$(trestle ofctl dump-ports br0 p1)"
check_contains "show lists the ports" "(p1): addr:" "$(trestle ofctl show br0)"

# Bad input to the other flow-table commands: a clear error, nothing changes, the saved
# configuration is byte-identical (flows are not saved, but nothing else may be touched).
saved=$(sha256sum <"$DB")
before=$(trestle ofctl dump-flows br0 | sed -E 's/duration=[^,]*, //; s/n_packets=[^,]*, n_bytes=[^,]*, idle_age=[^,]*, //')
check_fails "ofctl: unknown command" trestle ofctl frobnicate br0
check_contains "ofctl: unknown command says so" "unknown command" "$(trestle ofctl frobnicate br0 2>&1)"
check_contains "ofctl: no such bridge" "br9 is not a bridge" "$(trestle ofctl dump-flows br9 2>&1)"
check_fails "ofctl add-flow on a missing bridge" trestle ofctl add-flow br9 actions=drop
check_fails "ofctl add-flows: missing file" trestle ofctl add-flows br0 $T/no-such-file
check_contains "trace: unknown bridge" "unknown bridge" "$(trestle ofproto/trace br9 in_port=1 2>&1)"
check_contains "trace: needs in_port" "needs in_port" "$(trestle ofproto/trace br0 udp,tp_dst=1 2>&1)"
check_contains "trace: no masks in a packet" "has no mask" "$(trestle ofproto/trace br0 in_port=1,ip,nw_src=10.0.0.0/8 2>&1)"
check_contains "trace: garbage" "unknown keyword" "$(trestle ofproto/trace br0 'in_port=1,@@@' 2>&1)"
check_ok "the daemon still answers" trestle appctl version
after=$(trestle ofctl dump-flows br0 | sed -E 's/duration=[^,]*, //; s/n_packets=[^,]*, n_bytes=[^,]*, idle_age=[^,]*, //')
check_eq "bad commands changed no rule" "$before" "$after"
check_eq "bad commands left the saved file unchanged" "$saved" "$(sha256sum <"$DB")"

# Timeouts: a hard timeout expires whatever the traffic; an idle one only without traffic.
trestle ofctl add-flow br0 "priority=400,hard_timeout=2,udp,tp_dst=5001,actions=output:p1"
trestle ofctl add-flow br0 "priority=401,idle_timeout=2,udp,tp_dst=7,actions=drop"
trestle ofctl add-flow br0 "priority=402,idle_timeout=2,udp,nw_src=10.0.0.0/8,actions=output:p1"
check_contains "timeouts are shown" "hard_timeout=2," "$(trestle ofctl dump-flows br0)"
sleep 4
flows=$(trestle ofctl dump-flows br0)
check_not_contains "hard_timeout expired the rule" "priority=400" "$flows"
check_not_contains "idle_timeout expired the unused rule" "priority=401" "$flows"
check_contains "idle_timeout kept the rule in use" "priority=402" "$flows"

# A big table: the file (about 400 KB) reaches the daemon in pieces that may split an escape,
# and the dump (over a megabyte) is more than a socket buffer holds; both must arrive whole.
awk 'BEGIN { for (i = 0; i < 5000; i++)
	printf "priority=%d,ip,nw_src=10.%d.%d.0/%d,nw_dst=172.16.%d.0/%d,actions=drop\n",
		100 + i, i % 250, i % 200, 8 + i % 25, i % 250, 8 + i % 17
	print "priority=1,actions=output:p1" }' >"$T/big.flows"
check_ok "replace-flows with 5,001 rules (a $(stat -c %s "$T/big.flows")-byte file)" \
	timeout 30 "$TRESTLE_BIN" --ctl "$TRESTLE_CTL" ofctl replace-flows br0 "$T/big.flows"
check_eq "dump-flows gives all 5,001 back" "5001" "$(timeout 30 "$TRESTLE_BIN" --ctl "$TRESTLE_CTL" ofctl dump-flows br0 | wc -l)"
a=$(iface_stat p1 tx_packets); sleep 0.5; b=$(iface_stat p1 tx_packets)
[ "$b" -gt "$a" ] && pass "traffic past 5,000 rules reaches p1 ($((b - a)) in 0.5 s)" || fail "no traffic past the big table ($a -> $b)"
finish
