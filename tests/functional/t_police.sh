#!/usr/bin/env bash
# Ingress policing (Interface ingress_policing_rate/_burst, ingress_policing_kpkts_rate/_burst)
# measured: a pcap source offers frames far above the configured rate (the source runs as
# fast as the PMD takes it, several Mpps), NORMAL sends what passes to a null sink, and the
# sink's counters over a window give the rate delivered. For 64 B and 1500 B frames at 10 Mbit/s,
# 100 Mbit/s and 1 Gbit/s, and at 50 kpkt/s, the rate is within 2% of the configured one (a
# frame's length less its Ethernet header counts, as OVS-DPDK counts it). After idle, no more
# than the burst passes above the rate; rate 0 turns it off; policed frames are counted.
. "$(dirname "$0")/lib.sh"
hugepages_ready

PKT=$TOP/tests/functional/pkt.py
DST=02:00:00:00:00:02
/usr/bin/python3 "$PKT" pcap-sized $T/64.pcap --count 64 --size 60 --dst $DST >/dev/null
/usr/bin/python3 "$PKT" pcap-sized $T/1500.pcap --count 64 --size 1514 --dst $DST >/dev/null
/usr/bin/python3 "$PKT" pcap-sized $T/burst.pcap --count 5000 --size 1514 --dst $DST \
	--src 02:00:00:00:99:09 >/dev/null

start_trestled --vdev=net_null_sink,no-rx=1 || exit 1
trestle add-br br0 >/dev/null
trestle add-port br0 p1 -- set Interface p1 type=dpdk options:dpdk-devargs=net_null_sink >/dev/null
trestle appctl fdb/add br0 p1 0 $DST >/dev/null

# source NAME FILE [SETTINGS...]: a port replaying FILE in a loop, with the settings given.
source_port() {
	local name=$1 file=$2; shift 2
	trestle add-port br0 "$name" -- set Interface "$name" type=dpdk \
		"options:dpdk-devargs=net_pcap_$name,rx_pcap=$file,infinite_rx=1" "$@" >/dev/null
}
# rate: over a 3 s window, the sink's "PACKETS_PER_S L3_BITS_PER_S" (bytes less 14 per frame).
rate() {
	local p0 b0 p1 b1 t0 t1
	p0=$(iface_stat p1 tx_packets); b0=$(iface_stat p1 tx_bytes); t0=$(date +%s.%N)
	sleep 3
	p1=$(iface_stat p1 tx_packets); b1=$(iface_stat p1 tx_bytes); t1=$(date +%s.%N)
	awk -v p="$((p1 - p0))" -v b="$((b1 - b0))" -v s="$t0" -v e="$t1" \
		'BEGIN { printf "%.0f %.0f\n", p / (e - s), (b - 14 * p) * 8 / (e - s) }'
}
# within DESC WANT GOT: GOT within 2% of WANT.
within() {
	local d=$1 want=$2 got=$3
	if awk -v w="$want" -v g="$got" 'BEGIN { d = (g - w) / w; exit !(d < 0.02 && d > -0.02) }'; then
		pass "$d: $got for $want ($(awk -v w="$want" -v g="$got" 'BEGIN { printf "%+.2f%%", (g - w) * 100 / w }'))"
	else
		fail "$d: $got for $want"
	fi
}

# Unpoliced first: what the source offers.
source_port p0 $T/64.pcap
sleep 1
read -r pps bps <<<"$(rate)"
echo "offered, unpoliced, 64 B frames: $pps frames/s, $bps bit/s"
check_ge "the source offers at least 2x the highest rate tested (1 Gbit/s)" 2000000000 "$bps"

for size in 64 1500; do
	trestle set Interface p0 "options:dpdk-devargs=net_pcap_p0,rx_pcap=$T/$size.pcap,infinite_rx=1" >/dev/null
	for kbps in 10000 100000 1000000; do
		trestle set Interface p0 ingress_policing_rate=$kbps ingress_policing_burst=1000 >/dev/null
		sleep 1 # The burst passes, then the rate holds.
		read -r pps bps <<<"$(rate)"
		echo "$size B frames, ingress_policing_rate=$kbps: delivered $bps bit/s ($pps frames/s)"
		within "$size B at $kbps kbit/s" $((kbps * 1000)) "$bps"
	done
done
trestle set Interface p0 ingress_policing_rate=0 ingress_policing_kpkts_rate=50 \
	ingress_policing_kpkts_burst=1 >/dev/null
sleep 1
read -r pps bps <<<"$(rate)"
echo "1500 B frames, ingress_policing_kpkts_rate=50: delivered $pps frames/s"
within "50 kpkt/s" 50000 "$pps"
# Both: the lower one holds (10 Mbit/s of 1500-byte frames is 833 frames/s, under 50 kpkt/s).
trestle set Interface p0 ingress_policing_rate=10000 >/dev/null
sleep 1
read -r pps bps <<<"$(rate)"
within "both limits: the bit rate holds" 10000000 "$bps"
check_contains "policed frames counted as such" "drop_policed" \
	"$(trestle appctl coverage/show | awk '$1 == "drop_policed" && $2 > 0')"
check_ge "and in the port's rx_dropped" 1000 "$(iface_stat p0 rx_dropped)"

# Off: the source's own rate again.
trestle set Interface p0 ingress_policing_rate=0 ingress_policing_kpkts_rate=0 >/dev/null
sleep 1
read -r pps bps <<<"$(rate)"
check_ge "rate 0: policing off (more than 1 Gbit/s again)" 1000000000 "$bps"
check_contains "the log says so" "port p0: ingress policing off" "$(cat "$LOG")"
trestle del-port p0 >/dev/null

# After idle, the burst and no more: 5000 frames of 1514 B at once into 1 Mbit/s with a
# burst of 8000 kbit (1,000,000 bytes: 666 frames of 1500 bytes past the Ethernet header),
# read in well under a second (the rate adds at most a few frames).
n0=$(iface_stat p1 tx_packets)
trestle add-port br0 pb -- set Interface pb type=dpdk ingress_policing_rate=1000 \
	ingress_policing_burst=8000 "options:dpdk-devargs=net_pcap_pb,rx_pcap=$T/burst.pcap" >/dev/null
sleep 2
n1=$(iface_stat p1 tx_packets)
echo "a burst of 5000 frames after idle: $((n1 - n0)) passed"
if [ $((n1 - n0)) -ge 666 ] && [ $((n1 - n0)) -le 690 ]; then pass "the burst passes, no more ($((n1 - n0)) of 666 + a few)"; else fail "$((n1 - n0)) frames passed the burst"; fi

cp "$DB" $T/db.before
check_fails "a negative rate is refused" trestle set Interface pb ingress_policing_rate=-1
check_fails "so is one above 2^32" trestle set Interface pb ingress_policing_rate=4294967296
check_ok "the saved configuration unchanged" cmp "$DB" $T/db.before

finish
