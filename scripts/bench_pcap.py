#!/usr/bin/python3
"""Writes the benchmark's traffic files: 64-byte Ethernet/IPv4/UDP frames in pcap format.

    bench_pcap.py flows N FILE [FIRST]
                                 N distinct UDP 5-tuples, one MAC pair (02:00:00:00:00:01 ->
                                 02:00:00:00:00:02); with FIRST, the tuples FIRST .. FIRST+N-1
                                 of the same sequence (files of one sequence never share a flow)
    bench_pcap.py macs M FILE    M distinct source MACs 02:01:xx:xx:xx:xx towards 02:00:00:00:00:02
    bench_pcap.py setup N FILE   N distinct MAC pairs (02:01:.. -> 02:02:..): each packet is a new
                                 megaflow for a switch doing NORMAL
    bench_pcap.py lacp N FILE    LACPDUs from port N of a partner system 02:00:00:00:00:99
                                 (key 7, in sync, collecting, distributing, long timeout), each
                                 after 1M LLDP frames (dropped by NORMAL): read once by a bond
                                 member, they hold LACP negotiated for 90 s. The LLDP frames
                                 make the LACPDUs arrive after the member's start: OVS expires
                                 what a member heard before its carrier came up

Written with struct, not scapy: a million frames take seconds, not minutes.
"""
import struct
import sys

SRC_MAC = bytes.fromhex("020000000001")
DST_MAC = bytes.fromhex("020000000002")


def mac(prefix, i):
    return bytes([0x02, prefix]) + struct.pack("!I", i)


def csum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(dst, src, ip_src, ip_dst, sport, dport):
    payload = bytes(60 - 14 - 20 - 8)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(payload), 0, 0, 64, 17, 0,
                     ip_src, ip_dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dst + src + b"\x08\x00" + ip + udp + payload


def ipv4(i):
    return struct.pack("!I", i)


def lacpdu(port):
    """Actor: activity, aggregation, sync, collecting, distributing (0x3d); no partner yet."""
    sys_mac = bytes.fromhex("020000000099")
    actor = struct.pack("!BBH6sHHHB3x", 1, 20, 65534, sys_mac, 7, 255, port, 0x3D)
    partner = struct.pack("!BBH6sHHHB3x", 2, 20, 0, bytes(6), 0, 0, 0, 0)
    collector = struct.pack("!BBH12x", 3, 16, 0)
    pdu = bytes([1, 1]) + actor + partner + collector + bytes(2) + bytes(50)
    return bytes.fromhex("0180c2000002") + sys_mac + b"\x88\x09" + pdu


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("flows", "macs", "setup", "lacp"):
        sys.exit(__doc__)
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "lacp":
        lldp = bytes.fromhex("0180c200000e020000000099") + b"\x88\xcc" + bytes(46)
        pdu = lacpdu(n)
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for _ in range(3):
                f.write((struct.pack("<IIII", 0, 0, len(lldp), len(lldp)) + lldp) * 1000000)
                f.write(struct.pack("<IIII", 0, 0, len(pdu), len(pdu)) + pdu)
        return
    first = int(sys.argv[4]) if len(sys.argv) == 5 else 0
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(first, first + n):
            if kind == "flows":
                # 5-tuples differ in source address (10.0.0.0/8) and source port.
                p = frame(DST_MAC, SRC_MAC, ipv4(0x0A000001 + i // 64), ipv4(0xC0A80001),
                          1024 + i % 64, 5001)
            elif kind == "macs":
                p = frame(DST_MAC, mac(1, i), ipv4(0x0A000001), ipv4(0xC0A80001), 1024, 5001)
            else:
                p = frame(mac(2, i), mac(1, i), ipv4(0x0A000001), ipv4(0xC0A80001), 1024, 5001)
            f.write(struct.pack("<IIII", 0, i, len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
