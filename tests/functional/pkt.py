#!/usr/bin/python3
"""Packet tools for the functional tests, run inside a test namespace.

  pkt.py stream IFACE --src MAC --dst MAC --phase-file F --seconds S [--vlan V]
      Sends frames as fast as a raw socket allows; the payload says "PHASE1" until F exists,
      then "PHASE2". Prints how many of each were sent.
  pkt.py count IFACE --seconds S [--src MAC]
      Counts received frames whose payload says PHASE1 / PHASE2. Prints "phase1=N phase2=M".
  pkt.py send IFACE --src MAC --dst MAC [--vlan V] [--count N] [--ethertype HEX]
      Sends N small frames (for MAC learning).
  pkt.py trunk IFACE --json SPEC
      802.1Q conversation on a trunk (scapy): sends each probe in SPEC and reports what came back.
  pkt.py hostile IFACE --count N
      Random bytes, truncated headers, deep VLAN stacks, random source MACs (the kernel pads
      frames shorter than 14 bytes, so runts need the pcap form below).
  pkt.py macs IFACE --macs K --seconds S [--size B] [--dst MAC] [--pps P]
      Frames from K source MACs (02:aa:00:00:HH:LL) in turn, each with a sequence number,
      for S seconds (at most P per second). Prints "sent=N".
  pkt.py macs-count IFACE --seconds S
      Counts the frames of "macs" received: "received=N duplicates=D" (a sequence number
      seen twice) and "first=F last=L", and "max_gap_ms=G" between two received frames.
  pkt.py udp IFACE --src MAC --dst MAC --ip-src A --ip-dst B --flows N --count M
      M IPv4/UDP frames (checksums done) over N source ports in turn (N flows of a 5-tuple).
  pkt.py lacp-hostile IFACE --src MAC --count N
      LACPDUs a partner should never send: truncated, a wrong subtype or version, TLVs of the
      wrong type or length, then N well-formed ones whose actor key changes every time.
  pkt.py pcap-hostile FILE --count N
      The same frames, written to a pcap file for a net_pcap port.
  pkt.py pcap-sized FILE --count N --size BYTES [--src MAC] [--dst MAC] [--vary-src]
                    [--bcast-every K]
      N broadcast (or --dst) frames of BYTES bytes each (jumbo frames), in a pcap file;
      with --vary-src each frame has a source MAC of its own (02:ff:..., N new flows);
      with --bcast-every K every Kth frame is broadcast whatever --dst says (a unicast
      stream that still reaches every port of the bridge now and then).
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def frame(src, dst, payload, vlan=None, ethertype=0x88B5):
    hdr = mac_bytes(dst) + mac_bytes(src)
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    body = hdr + struct.pack("!H", ethertype) + payload
    return body + b"\0" * max(0, 60 - len(body))


def raw_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    return s


def cmd_stream(a):
    s = raw_socket(a.iface)
    sent = {1: 0, 2: 0}
    end = time.time() + a.seconds
    seq = 0
    phase = 1
    while time.time() < end:
        if phase == 1 and os.path.exists(a.phase_file):
            phase = 2
        seq += 1
        try:
            s.send(frame(a.src, a.dst, b"PHASE%d %d" % (phase, seq), a.vlan))
            sent[phase] += 1
        except OSError:
            time.sleep(0.001)
        if seq % 64 == 0:
            time.sleep(0.0005)
    print("sent phase1=%d phase2=%d" % (sent[1], sent[2]))


def cmd_count(a):
    s = raw_socket(a.iface)
    # The switch delivers bursts faster than this loop reads them: with the default buffer
    # (about 200 KB) the socket itself dropped a few dozen frames in 160k, which looked like
    # frames the switch lost. Root may force a bigger one; drops are reported on stderr.
    s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
    s.settimeout(0.2)
    n = {1: 0, 2: 0}
    end = time.time() + a.seconds
    while time.time() < end:
        try:
            d = s.recv(2048)
        except socket.timeout:
            continue
        if a.src and d[6:12] != mac_bytes(a.src):
            continue
        if b"PHASE1" in d:
            n[1] += 1
        elif b"PHASE2" in d:
            n[2] += 1
    st = s.getsockopt(263, 6, 8)  # SOL_PACKET, PACKET_STATISTICS: tp_packets, tp_drops
    drops = struct.unpack("II", st)[1]
    if drops:
        print("count %s: the socket dropped %d frames" % (a.iface, drops), file=sys.stderr)
    print("phase1=%d phase2=%d" % (n[1], n[2]))


def cmd_send(a):
    s = raw_socket(a.iface)
    for i in range(a.count):
        s.send(frame(a.src, a.dst, b"LEARN %d" % i, a.vlan, int(a.ethertype, 16)))
        time.sleep(0.01)


def cmd_trunk(a):
    """SPEC: list of probes {name, vlan, kind: arp|icmp, src_mac, src_ip, dst_ip}. For each,
    sends the tagged frame and reports replies seen: [{vlan, src_mac, kind}]."""
    from scapy.all import ARP, ICMP, IP, AsyncSniffer, Dot1Q, Ether, sendp, conf
    conf.verb = 0
    spec = json.loads(a.json)
    out = {}
    for p in spec:
        sn = AsyncSniffer(iface=a.iface, store=True)
        sn.start()
        time.sleep(0.3)
        eth = Ether(src=p["src_mac"], dst=p.get("dst_mac", "ff:ff:ff:ff:ff:ff"))
        tag = Dot1Q(vlan=p["vlan"]) if p["vlan"] is not None else None
        if p["kind"] == "arp":
            l3 = ARP(op=1, hwsrc=p["src_mac"], psrc=p["src_ip"], pdst=p["dst_ip"])
        else:
            l3 = IP(src=p["src_ip"], dst=p["dst_ip"]) / ICMP(id=7, seq=1)
        pkt = eth / tag / l3 if tag else eth / l3
        for _ in range(p.get("repeat", 2)):
            sendp(pkt, iface=a.iface)
            time.sleep(0.2)
        time.sleep(0.8)
        got = sn.stop() or []
        seen = []
        for r in got:
            if r.src == p["src_mac"]:
                continue  # our own frame
            v = r[Dot1Q].vlan if Dot1Q in r else None
            kind = "arp-reply" if ARP in r and r[ARP].op == 2 else (
                "arp-request" if ARP in r else (
                    "icmp-reply" if ICMP in r and r[ICMP].type == 0 else "other"))
            seen.append({"vlan": v, "src_mac": r.src, "dst_mac": r.dst, "kind": kind,
                         "inner_vlans": len(r.getlayer(Dot1Q, 2) and [1] or [])})
        out[p["name"]] = seen
    print(json.dumps(out))


def cmd_hostile(a):
    s = raw_socket(a.iface)
    sent = 0
    for f in hostile_frames(a.count):
        try:
            s.send(f)
            sent += 1
        except OSError:
            pass
    print("sent=%d" % sent)


def hostile_frames(count, seed=1234):
    """Yields malformed and hostile frames, cycling through five kinds."""
    rnd = random.Random(seed)
    for i in range(count):
        k = i % 5
        if k == 0:  # random bytes of random length, runts included
            yield bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 200)))
        elif k == 1:  # IPv4 header cut short after 10 bytes
            yield (mac_bytes("ff:ff:ff:ff:ff:ff") + mac_bytes("02:00:00:00:aa:01") +
                   struct.pack("!H", 0x0800) + bytes([0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6]))
        elif k == 2:  # VLAN stack of depth 10
            f = mac_bytes("ff:ff:ff:ff:ff:ff") + mac_bytes("02:00:00:00:aa:02")
            for d in range(10):
                f += struct.pack("!HH", 0x8100, 100 + d)
            yield f + struct.pack("!H", 0x0800) + b"\x45" + b"\0" * 19
        elif k == 3:  # flood of random source MACs
            src = "02:%02x:%02x:%02x:%02x:%02x" % tuple(rnd.getrandbits(8) for _ in range(5))
            yield frame(src, "ff:ff:ff:ff:ff:ff", b"FLOOD")
        else:  # VLAN tag cut off by the end of the frame
            yield mac_bytes("ff:ff:ff:ff:ff:ff") + mac_bytes("02:00:00:00:aa:03") + b"\x81\x00\x00"


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        n = 0
        for fr in frames:
            f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)))
            f.write(fr)
            n += 1
    return n


def cmd_pcap_hostile(a):
    print("frames=%d" % write_pcap(a.file, hostile_frames(a.count)))


def cmd_pcap_sized(a):
    def src(i):
        return "02:ff:%02x:%02x:%02x:%02x" % tuple((i >> s) & 0xff for s in (24, 16, 8, 0)) \
            if a.vary_src else a.src
    def dst(i):
        return "ff:ff:ff:ff:ff:ff" if a.bcast_every and i % a.bcast_every == 0 else a.dst
    frames = (frame(src(i), dst(i), (b"SIZED %d " % i).ljust(a.size - 14, b"\xa5"))
              for i in range(a.count))
    print("frames=%d" % write_pcap(a.file, frames))


def cmd_macs(a):
    s = raw_socket(a.iface)
    end = time.time() + a.seconds
    seq = sent = 0
    t_next = time.time()
    while time.time() < end:
        i = seq % a.macs
        src = "02:aa:00:00:%02x:%02x" % (i >> 8, i & 0xff)
        try:
            s.send(frame(src, a.dst, (b"MACS %d " % seq).ljust(a.size - 14, b"\x5a")))
            sent += 1
        except OSError:
            time.sleep(0.001)
        seq += 1
        if a.pps:
            t_next += 1.0 / a.pps
            d = t_next - time.time()
            if d > 0:
                time.sleep(d)
    print("sent=%d" % sent)


def cmd_macs_count(a):
    s = raw_socket(a.iface)
    s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
    s.settimeout(0.05)
    end = time.time() + a.seconds
    seen = set()
    n = dup = 0
    first = last = None
    gap = 0.0
    t_last = None
    while time.time() < end:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or data[14:19] != b"MACS ":
            continue
        seq = int(data[19:data.index(b" ", 19)])
        now = time.time()
        if t_last is not None:
            gap = max(gap, now - t_last)
        t_last = now
        n += 1
        if seq in seen:
            dup += 1
        seen.add(seq)
        first = seq if first is None else first
        last = seq
    print("received=%d duplicates=%d first=%s last=%s max_gap_ms=%d"
          % (n, dup, first, last, int(gap * 1000)))


def ip_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def cmd_udp(a):
    s = raw_socket(a.iface)
    src, dst = socket.inet_aton(a.ip_src), socket.inet_aton(a.ip_dst)
    payload = b"UDPFLOWS".ljust(64, b"\0")
    for i in range(a.count):
        sport = 10000 + i % a.flows
        udp = struct.pack("!HHHH", sport, 9, 8 + len(payload), 0) + payload
        pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
        udp = udp[:6] + struct.pack("!H", ip_csum(pseudo + udp) or 0xffff) + udp[8:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0,
                         src, dst)
        ip = ip[:10] + struct.pack("!H", ip_csum(ip)) + ip[12:]
        s.send(mac_bytes(a.dst) + mac_bytes(a.src) + b"\x08\x00" + ip + udp)
        if i % 64 == 63:
            time.sleep(0.001)
    print("sent=%d" % a.count)


def lacpdu(src, key, subtype=1, version=1, actor_tlv=(1, 20), partner_tlv=(2, 20)):
    actor = struct.pack("!BBH6sHHHB3x", actor_tlv[0], actor_tlv[1], 65534, mac_bytes(src),
                        key, 255, 1, 0x05)
    partner = struct.pack("!BBH6sHHHB3x", partner_tlv[0], partner_tlv[1], 0, b"\0" * 6, 0, 0,
                          0, 0)
    collector = struct.pack("!BBH12x", 3, 16, 0)
    pdu = struct.pack("!BB", subtype, version) + actor + partner + collector + b"\0\0" + b"\0" * 50
    return mac_bytes("01:80:c2:00:00:02") + mac_bytes(src) + struct.pack("!H", 0x8809) + pdu


def cmd_lacp_hostile(a):
    s = raw_socket(a.iface)
    good = lacpdu(a.src, 1)
    bad = [good[:20], good[:14 + 30], lacpdu(a.src, 1, subtype=9), lacpdu(a.src, 1, version=0),
           lacpdu(a.src, 1, actor_tlv=(2, 20)), lacpdu(a.src, 1, actor_tlv=(1, 19)),
           lacpdu(a.src, 1, partner_tlv=(2, 200))]
    for f in bad:
        s.send(f)
    for i in range(a.count):
        s.send(lacpdu(a.src, 1 + i % 65535))
    print("sent=%d" % (len(bad) + a.count))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("stream")
    p.add_argument("iface"); p.add_argument("--src", required=True); p.add_argument("--dst", required=True)
    p.add_argument("--phase-file", required=True); p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--vlan", type=int)
    p = sub.add_parser("count")
    p.add_argument("iface"); p.add_argument("--seconds", type=float, default=3); p.add_argument("--src")
    p = sub.add_parser("send")
    p.add_argument("iface"); p.add_argument("--src", required=True); p.add_argument("--dst", required=True)
    p.add_argument("--vlan", type=int); p.add_argument("--count", type=int, default=3)
    p.add_argument("--ethertype", default="88b5")
    p = sub.add_parser("trunk")
    p.add_argument("iface"); p.add_argument("--json", required=True)
    p = sub.add_parser("pcap-hostile")
    p.add_argument("file"); p.add_argument("--count", type=int, default=10000)
    p = sub.add_parser("pcap-sized")
    p.add_argument("file"); p.add_argument("--count", type=int, default=10)
    p.add_argument("--size", type=int, default=9000)
    p.add_argument("--src", default="02:00:00:00:99:01"); p.add_argument("--dst", default="ff:ff:ff:ff:ff:ff")
    p.add_argument("--vary-src", action="store_true")
    p.add_argument("--bcast-every", type=int, default=0)
    p = sub.add_parser("macs")
    p.add_argument("iface"); p.add_argument("--macs", type=int, default=64)
    p.add_argument("--seconds", type=float, default=3); p.add_argument("--size", type=int, default=100)
    p.add_argument("--dst", default="ff:ff:ff:ff:ff:ff"); p.add_argument("--pps", type=float, default=0)
    p = sub.add_parser("macs-count")
    p.add_argument("iface"); p.add_argument("--seconds", type=float, default=3)
    p = sub.add_parser("udp")
    p.add_argument("iface"); p.add_argument("--src", required=True); p.add_argument("--dst", required=True)
    p.add_argument("--ip-src", required=True); p.add_argument("--ip-dst", required=True)
    p.add_argument("--flows", type=int, default=64); p.add_argument("--count", type=int, default=1000)
    p = sub.add_parser("lacp-hostile")
    p.add_argument("iface"); p.add_argument("--src", required=True)
    p.add_argument("--count", type=int, default=10000)
    p = sub.add_parser("hostile")
    p.add_argument("iface"); p.add_argument("--count", type=int, default=1000)
    a = ap.parse_args()
    {"stream": cmd_stream, "count": cmd_count, "send": cmd_send, "trunk": cmd_trunk,
     "hostile": cmd_hostile, "pcap-hostile": cmd_pcap_hostile,
     "pcap-sized": cmd_pcap_sized, "macs": cmd_macs, "macs-count": cmd_macs_count,
     "lacp-hostile": cmd_lacp_hostile, "udp": cmd_udp}[a.cmd](a)


if __name__ == "__main__":
    main()
