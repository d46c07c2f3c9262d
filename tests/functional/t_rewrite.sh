#!/usr/bin/env bash
# Header rewrites through the real datapath: OpenFlow set actions on IPv4/UDP/TCP frames sent
# with scapy through two veth ports; the receiver checks every rewritten field and that the
# IPv4 and L4 checksums are still right (the PMD updates them incrementally). dec_ttl on TTL 1
# drops under a named reason; a UDP checksum of zero stays zero; truncated frames are harmless.
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tfrsw$$; A=tfra$$; B=tfrb$$
new_ns $SW $A $B
ip netns exec $SW ip link add va type veth peer name pa netns $A
ip netns exec $SW ip link add vb type veth peer name pb netns $B
for i in va vb; do ip netns exec $SW ip link set $i up; done
ip netns exec $A ip link set pa up
ip netns exec $B ip link set pb up
SW_NS=$SW
start_trestled || exit 1

trestle add-br br0 >/dev/null
trestle add-port br0 va >/dev/null
trestle add-port br0 vb >/dev/null
trestle ofctl del-flows br0
trestle ofctl add-flow br0 "priority=10,udp,in_port=va,actions=mod_nw_src:10.9.9.9,mod_tp_dst:7777,mod_nw_tos:32,dec_ttl,mod_dl_dst:02:00:00:00:00:bb,output:vb"
trestle ofctl add-flow br0 "priority=10,tcp,in_port=va,actions=mod_nw_dst:10.8.8.8,mod_tp_src:2222,output:vb"
trestle ofctl add-flow br0 "priority=5,in_port=va,actions=output:vb"

cat >$T/sniff.py <<'PY'
import json, sys
from scapy.all import IP, TCP, UDP, Ether, Raw, raw, sniff
out = []
def ok_ip(ip):
    c = ip.chksum; x = ip.copy(); del x.chksum
    return IP(raw(x)).chksum == c
def ok_l4(ip, L):
    c = ip[L].chksum
    if L is UDP and c == 0:
        return True
    x = ip.copy(); del x[L].chksum
    return IP(raw(x))[L].chksum == c
for p in sniff(iface="pb", timeout=float(sys.argv[1])):
    if IP not in p or Raw not in p or not bytes(p[Raw].load).startswith(b"T"):
        continue
    ip = p[IP]; L = UDP if UDP in ip else TCP if TCP in ip else None
    out.append(dict(tag=bytes(p[Raw].load)[:2].decode(), dst_mac=p[Ether].dst, src=ip.src,
        dst=ip.dst, tos=ip.tos, ttl=ip.ttl, ip_ok=ok_ip(ip),
        sport=ip[L].sport if L else None, dport=ip[L].dport if L else None,
        l4_ok=ok_l4(ip, L) if L else None, l4_csum=ip[L].chksum if L else None))
print(json.dumps(out))
PY
cat >$T/send.py <<'PY'
from scapy.all import IP, TCP, UDP, Ether, Raw, raw, sendp
e = Ether(src="02:00:00:00:00:aa", dst="02:00:00:00:00:cc")
pkts = [
    e / IP(src="10.0.0.1", dst="10.0.0.2", ttl=64, tos=1) / UDP(sport=1000, dport=53) / Raw(b"T1 udp"),
    e / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=3333, dport=80, flags="S") / Raw(b"T2 tcp"),
    e / IP(src="10.0.0.1", dst="10.0.0.2", ttl=1) / UDP(sport=1000, dport=53) / Raw(b"T3 ttl1"),
]
# T4: UDP without a checksum (0), which must stay 0.
u = e / IP(src="10.0.0.1", dst="10.0.0.2", ttl=9) / UDP(sport=1000, dport=53, chksum=0) / Raw(b"T4 nocsum")
pkts.append(u)
sendp(pkts, iface="pa", verbose=False)
# Truncated: an IPv4 header that says UDP, cut 4 bytes into the UDP header (the kernel pads
# the frame to 60 bytes with zeros; the IP total length still says more).
cut = raw(e / IP(src="10.0.0.1", dst="10.0.0.2", len=200) / UDP(sport=1, dport=2))[:14 + 20 + 4]
sendp([Ether(cut)] * 3, iface="pa", verbose=False)
PY
ip netns exec $B /usr/bin/python3 $T/sniff.py 4 >$T/got.json 2>$T/sniff.err &
sniffer=$!
sleep 1.5
ip netns exec $A /usr/bin/python3 $T/send.py
wait $sniffer
got=$(cat $T/got.json)
echo "received: $got"
q() { /usr/bin/python3 -c "import json,sys; d=[x for x in json.load(open('$T/got.json')) if x['tag']=='$1']; print(d[0]['$2'] if d else 'none')"; }

check_eq "UDP: source address rewritten" "10.9.9.9" "$(q T1 src)"
check_eq "UDP: destination port rewritten" "7777" "$(q T1 dport)"
check_eq "UDP: DSCP rewritten, ECN kept" "33" "$(q T1 tos)"
check_eq "UDP: TTL decremented" "63" "$(q T1 ttl)"
check_eq "UDP: destination MAC rewritten" "02:00:00:00:00:bb" "$(q T1 dst_mac)"
check_eq "UDP: IPv4 checksum valid" "True" "$(q T1 ip_ok)"
check_eq "UDP: UDP checksum valid" "True" "$(q T1 l4_ok)"
check_eq "TCP: destination address rewritten" "10.8.8.8" "$(q T2 dst)"
check_eq "TCP: source port rewritten" "2222" "$(q T2 sport)"
check_eq "TCP: IPv4 checksum valid" "True" "$(q T2 ip_ok)"
check_eq "TCP: TCP checksum valid" "True" "$(q T2 l4_ok)"
check_eq "TTL 1: dropped by dec_ttl" "none" "$(q T3 src)"
check_contains "TTL 1: counted as ttl_exceeded" "ttl_exceeded" "$(trestle coverage/show | grep -v ' 0 ')"
check_eq "UDP checksum 0 stays 0" "0" "$(q T4 l4_csum)"
check_eq "UDP checksum 0: IPv4 checksum valid" "True" "$(q T4 ip_ok)"
check_ok "truncated frames did not stop the switch" trestle appctl version
trestle ofctl dump-flows br0
finish
