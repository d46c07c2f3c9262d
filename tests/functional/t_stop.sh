#!/usr/bin/env bash
# Stopping the daemon leaves nothing behind in /dev/hugepages: not after SIGTERM, not after
# SIGKILL (trestled has the EAL unlink its hugepage files as soon as they are mapped), while
# traffic ran and tables grew in hugepage memory.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py
/usr/bin/python3 $PKT pcap-hostile $T/in.pcap --count 2000 >/dev/null
files() { ls /dev/hugepages 2>/dev/null | grep -c "^$PREFIX" ; }

for sig in TERM KILL; do
	start_trestled || exit 1
	trestle add-br br0 >/dev/null
	trestle add-port br0 sink -- set Interface sink type=dpdk \
		"options:dpdk-devargs=net_null_sink,no-rx=1" >/dev/null
	trestle add-port br0 src -- set Interface src type=dpdk \
		"options:dpdk-devargs=net_pcap_src,rx_pcap=$T/in.pcap,infinite_rx=1" >/dev/null
	sleep 1
	check_ge "SIG$sig: traffic forwarded before the stop" 1000 "$(iface_stat sink tx_packets)"
	check_eq "SIG$sig: no hugepage file of ours while running" "0" "$(files)"
	stop_trestled $sig
	check_eq "SIG$sig: no hugepage file of ours after the stop" "0" "$(files)"
done
finish
