#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus/ and the dictionaries tests/fuzz/*.dict
(run from anywhere; deterministic).

Each harness's directory also holds seeds this script does not write: saved configurations
made by trestled (corpus/dbload/saved-*.json) and inputs the fuzzer found (found-*), which are
kept as they are. The frames, flows and command lines below are taken from the unit and
functional tests (src/*/..._test.c, tests/functional/*.sh, scripts/run.sh).
"""
import json
import os
import struct

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(harness, name, data):
    d = os.path.join(TOP, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- flow: 2 bytes of segment layout (first segment, later segments; 0 = all), then a frame

DST = bytes.fromhex("020000000002")
SRC = bytes.fromhex("020000000001")


def eth(t, dst=DST, src=SRC):
    return dst + src + struct.pack("!H", t)


def vlan(tpid, tci):
    return struct.pack("!HH", tpid, tci)


def ipv4(proto, payload, tos=0x10, ttl=64, frag=0, opts=b"", src="10.0.0.1", dst="10.0.0.2"):
    ihl = 5 + len(opts) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, 4 * ihl + len(payload), 0x1234, frag,
                      ttl, proto, 0, bytes(map(int, src.split("."))),
                      bytes(map(int, dst.split("."))))
    return hdr + opts + payload


def ipv6(nh, payload, tc=0, label=0x12345, hlim=64):
    vtcfl = 6 << 28 | tc << 20 | label
    return (struct.pack("!IHBB", vtcfl, len(payload), nh, hlim) +
            bytes.fromhex("20010db8000000000000000000000001") +
            bytes.fromhex("20010db8000000000000000000000002") + payload)


def udp(sp=1234, dp=53, data=b"hello"):
    return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data


def tcp(sp=40000, dp=80):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 0x50, 0x02, 65535, 0, 0)


def icmp(t=8, c=0):
    return struct.pack("!BBHHH", t, c, 0, 1, 1) + b"ping"


def arp(op, sha=SRC, spa="10.0.0.1", tha=b"\0" * 6, tpa="10.0.0.2"):
    return (struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + bytes(map(int, spa.split("."))) +
            tha + bytes(map(int, tpa.split("."))))


def pad(f, n=60):
    return f + b"\0" * max(0, n - len(f))


def flow(name, frame, first=0, later=0):
    put("flow", name, bytes([first, later]) + frame)


udp4 = eth(0x0800) + ipv4(17, udp())
tcp4 = eth(0x0800) + ipv4(6, tcp())
flow("ipv4-udp", udp4)
flow("ipv4-udp-padded", pad(eth(0x0800) + ipv4(17, udp(data=b""))))
flow("ipv4-tcp", tcp4)
flow("ipv4-tcp-options", eth(0x0800) + ipv4(6, tcp(), opts=bytes.fromhex("01010101")))
flow("ipv4-icmp-echo", eth(0x0800) + ipv4(1, icmp()))
flow("ipv4-sctp", eth(0x0800) + ipv4(132, struct.pack("!HHII", 5000, 9, 0, 0)))
flow("ipv4-frag-first", eth(0x0800) + ipv4(17, udp(), frag=0x2000))
flow("ipv4-frag-later", eth(0x0800) + ipv4(17, b"\0" * 16, frag=0x00b9))
flow("ipv4-ttl1-dscp", eth(0x0800) + ipv4(17, udp(), tos=0xb8, ttl=1))
flow("ipv4-bad-ihl", eth(0x0800) + b"\x43" + ipv4(17, udp())[1:])
flow("ipv4-bad-version", eth(0x0800) + b"\x55" + ipv4(17, udp())[1:])
flow("ipv6-udp", eth(0x86dd) + ipv6(17, udp()))
flow("ipv6-tcp", eth(0x86dd) + ipv6(6, tcp(), tc=0x2e))
flow("ipv6-icmpv6-ns", eth(0x86dd, dst=bytes.fromhex("3333ff000002")) +
     ipv6(58, struct.pack("!BBHI", 135, 0, 0, 0) + bytes(16), hlim=255))
# Hop-by-hop, destination options, routing, then UDP.
ext = (bytes([60, 0]) + bytes(6) + bytes([43, 0]) + bytes(6) + bytes([17, 0, 0, 0]) + bytes(4))
flow("ipv6-ext-udp", eth(0x86dd) + ipv6(0, ext + udp()))
flow("ipv6-frag-first", eth(0x86dd) + ipv6(44, bytes([17, 0, 0, 1]) + bytes(4) + udp()))
flow("ipv6-frag-later", eth(0x86dd) + ipv6(44, bytes([17, 0, 0x05, 0x01]) + bytes(4) + bytes(16)))
flow("ipv6-ah-tcp", eth(0x86dd) + ipv6(51, bytes([6, 1, 0, 0]) + bytes(8) + tcp()))
flow("ipv6-ext-cut", eth(0x86dd) + ipv6(0, bytes([17, 8]) + bytes(6)))
flow("arp-request", pad(eth(0x0806, dst=b"\xff" * 6) + arp(1)))
flow("arp-reply", pad(eth(0x0806) + arp(2, sha=DST, spa="10.0.0.2", tha=SRC, tpa="10.0.0.1")))
flow("arp-not-ethernet", pad(eth(0x0806) + b"\x00\x06" + arp(1)[2:]))
flow("vlan-ipv4-udp", eth(0x8100)[:12] + vlan(0x8100, 0xa064) + struct.pack("!H", 0x0800) +
     ipv4(17, udp()))
flow("vlan-arp", pad(eth(0)[:12] + vlan(0x8100, 0x0064) + struct.pack("!H", 0x0806) + arp(1)))
flow("qinq-ipv4-tcp", eth(0)[:12] + vlan(0x88a8, 0x00c8) + vlan(0x8100, 0x0064) +
     struct.pack("!H", 0x0800) + ipv4(6, tcp()))
flow("qinq-9100", eth(0)[:12] + vlan(0x9100, 0x0005) + vlan(0x8100, 0x0006) +
     struct.pack("!H", 0x86dd) + ipv6(17, udp()))
flow("three-tags", eth(0)[:12] + vlan(0x88a8, 1) + vlan(0x8100, 2) + vlan(0x8100, 3) +
     struct.pack("!H", 0x0800) + ipv4(17, udp()))
flow("llc-8023", pad(eth(0x0026) + bytes.fromhex("424203000000")))
flow("lldp", pad(eth(0x88cc, dst=bytes.fromhex("0180c200000e")) + bytes.fromhex("0207") +
     SRC + b"\x01"))
flow("runt-13", udp4[:13])
flow("empty", b"")
flow("eth-only", udp4[:14])
flow("vlan-truncated", eth(0)[:12] + vlan(0x8100, 0x0064)[:3])
flow("qinq-truncated", eth(0)[:12] + vlan(0x88a8, 1) + vlan(0x8100, 2)[:3])
flow("ipv4-cut-in-header", udp4[:30])
flow("ipv4-cut-in-udp", udp4[:36])
flow("tcp-cut", tcp4[:40])
flow("ipv6-cut", (eth(0x86dd) + ipv6(6, tcp()))[:50])
flow("jumbo-udp", eth(0x0800) + ipv4(17, udp(data=bytes(range(256)) * 6)))
# Chains: only the first segment is parsed (dp's segments of an mbuf chain).
flow("seg-eth-then-ip", tcp4, first=14, later=0)
flow("seg-cut-in-ip", udp4, first=20, later=8)
flow("seg-vlan-split", eth(0)[:12] + vlan(0x8100, 0x0064) + struct.pack("!H", 0x0800) +
     ipv4(17, udp()), first=16, later=3)
flow("seg-jumbo-64", eth(0x0800) + ipv4(17, udp(data=bytes(1400))), first=64, later=64)
flow("seg-many-1", udp4, first=40, later=1)

# ---- ofp: lines of ovs-ofctl flows (add-flow, del-flows matches, ofproto/trace packets)

ofp_seeds = {
    # src/ofp/ofp_test.c, the round trip
    "normal": "actions=NORMAL",
    "priority0": "priority=0,actions=NORMAL",
    "in-port-output": "priority=100,in_port=1,actions=output:2",
    "names": "in_port=p1,actions=output:vnet7",
    "local": "in_port=LOCAL,actions=LOCAL",
    "macs": "dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
    "flood": "eth_dst=ff:ff:ff:ff:ff:ff,actions=FLOOD",
    "dl-type": "dl_type=0x88cc,actions=ALL",
    "vlan-strip": "dl_vlan=100,actions=strip_vlan,output:3",
    "vlan-none": "dl_vlan=0xffff,actions=mod_vlan_vid:200,output:3",
    "vlan-pcp": "dl_vlan=5,dl_vlan_pcp=3,actions=mod_vlan_pcp:5,IN_PORT",
    "push-vlan": "dl_vlan_pcp=7,actions=push_vlan:0x88a8,output:1",
    "vlan-tci": "vlan_tci=0x1000/0x1000,actions=pop_vlan,output:2",
    "nw-rewrite": "ip,nw_src=10.0.0.0/8,nw_dst=192.168.1.1,actions=mod_nw_src:1.2.3.4,"
                  "mod_nw_dst:5.6.7.8,output:1",
    "nw-mask": "ip,nw_src=10.1.0.0/255.255.0.255,actions=output:1",
    "tos-ttl": "ip,nw_tos=32,nw_ttl=64,actions=mod_nw_tos:16,dec_ttl,output:1",
    "tcp-ports": "tcp,tp_src=80,tp_dst=0x1000/0xf000,actions=mod_tp_src:8080,mod_tp_dst:443,"
                 "output:1",
    "udp": "udp,nw_dst=10.0.0.1,tp_dst=53,actions=output:1",
    "sctp": "sctp,tp_dst=9,actions=drop",
    "icmp": "icmp,icmp_type=8,icmp_code=0,actions=output:1",
    "ipv6": "ipv6,ipv6_src=2001:db8::/32,ipv6_dst=2001:db8::1,actions=output:1",
    "icmp6": "icmp6,icmp_type=135,actions=NORMAL",
    "tcp6": "tcp6,tp_dst=22,actions=drop",
    "arp": "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=1,actions=NORMAL",
    "arp-macs": "arp,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00,actions=NORMAL",
    "proto-first": "nw_proto=17,ip,actions=output:1",
    "resubmit-table": "table=1,priority=5,actions=resubmit(,2)",
    "resubmits": "actions=resubmit:3,resubmit(1,1),resubmit(,4),goto_table:9",
    "set-field-l2": "actions=set_field:02:00:00:00:00:09->eth_src,set_field:7->vlan_vid,output:1",
    "set-field-ip": "ip,actions=set_field:10.0.0.9->ip_dst,set_field:8->nw_tos,output:1",
    "set-field-l4": "udp,actions=set_field:99->tp_dst,mod_dl_dst:02:00:00:00:00:08,output:1",
    "cookie-timeouts": "priority=65535,cookie=0x10,idle_timeout=10,hard_timeout=20,"
                       "actions=output:4",
    # tests/functional/t_openflow.sh, t_rewrite.sh, t_jumbo.sh
    "ft-dl-dst": "priority=100,dl_dst=02:00:00:00:00:02,actions=output:p1",
    "ft-drop": "priority=90,dl_dst=02:00:00:00:00:03,actions=drop",
    "ft-prefix": "priority=200,udp,nw_src=10.0.1.0/24,actions=drop",
    "ft-rewrite-udp": "priority=10,udp,in_port=vnet7,actions=mod_nw_src:10.9.9.9,"
                      "mod_tp_dst:7777,mod_nw_tos:32,dec_ttl,mod_dl_dst:02:00:00:00:00:bb,"
                      "output:p1",
    "ft-rewrite-tcp": "priority=10,tcp,in_port=vnet7,actions=mod_nw_dst:10.8.8.8,"
                      "mod_tp_src:2222,output:p1",
    "ft-three-outputs": "priority=10,dl_src=02:00:00:00:99:01,actions=output:1,output:7,"
                        "mod_vlan_vid:5,output:12",
    "ft-timeouts": "priority=400,hard_timeout=2,udp,tp_dst=5001,actions=output:p1\n"
                   "priority=401,idle_timeout=2,udp,tp_dst=7,actions=drop\n"
                   "priority=402,idle_timeout=2,udp,nw_src=10.0.0.0/8,actions=output:p1\n",
    "ft-acl-file": "# ACL\npriority=300,tcp,tp_dst=22,actions=drop\n"
                   "priority=301,ip,nw_dst=192.168.0.0/16,actions=output:p1\n",
    "ft-trace": "in_port=1,dl_dst=02:00:00:00:00:02,udp,nw_src=10.0.9.9,tp_dst=5001",
    "ft-del-strict": "priority=300,tcp,tp_dst=22",
    "ft-bad": "nw_src=10.0.0.1,actions=drop\ndl_vlan=5000,actions=drop\n"
              "in_port=nosuch,actions=drop\nactions=frobnicate\npriority=1\n"
              "this is not a flow\nin_port=1,@@@\n",
    # A table to translate through: resubmits, goto_table, VLAN stacking, rewrites.
    "pipeline": "table=0,priority=10,in_port=1,actions=push_vlan:0x8100,mod_vlan_vid:10,"
                "resubmit(,1)\n"
                "table=0,priority=5,actions=goto_table:2\n"
                "table=1,dl_vlan=10,actions=mod_vlan_pcp:3,output:7,strip_vlan,output:12\n"
                "table=2,priority=20,ip,nw_ttl=1,actions=dec_ttl,output:1\n"
                "table=2,priority=10,tcp,actions=mod_tp_dst:8080,set_field:1.2.3.4->ip_src,"
                "output:IN_PORT\n"
                "table=2,priority=1,actions=resubmit(,2)\n",
    "loop": "actions=resubmit(,0),output:1\n",
}
for name, text in ofp_seeds.items():
    put("ofp", name, text if text.endswith("\n") else text + "\n")

# ---- vsctl: one argument a line, transactions separated by a blank line


def vsctl(name, *txns):
    put("vsctl", name, "\n\n".join("\n".join(t) for t in txns) + "\n")


vsctl("add-br", ["add-br", "br0"])
vsctl("walk",
      ["add-br", "solbr"],
      ["add-port", "solbr", "eth0"],
      ["add-port", "solbr", "vnet100", "tag=100", "--", "set", "Interface", "vnet100",
       "type=internal"],
      ["add-port", "solbr", "vnet192", "tag=192", "--", "set", "Interface", "vnet192",
       "type=internal"],
      ["show"],
      ["list", "interface", "vnet100"],
      ["--columns=ofport,name", "--format=table", "list", "Interface"],
      ["-f", "csv", "--no-heading", "-d", "bare", "--columns=name,tag,trunk", "list", "port"],
      ["find", "Interface", "name=vnet100"],
      ["del-port", "solbr", "vnet192"],
      ["list-ports", "solbr"],
      ["add-br", "br2"], ["del-br", "br2"], ["list-br"])
vsctl("libvirt",
      ["--timeout=5", "add-br", "ovsbr"],
      ["--timeout=5", "--", "--if-exists", "del-port", "vnet0", "--", "add-port", "ovsbr",
       "vnet0", "tag=42", "--", "set", "Interface", "vnet0",
       'external-ids:attached-mac="52:54:00:12:34:56"', "--", "set", "Interface", "vnet0",
       'external-ids:iface-id="8a7f0b4e-65a6-4c26-b0c8-8f1f0c1fbd1d"', "--", "set",
       "Interface", "vnet0", "external-ids:iface-status=active"],
      ["get", "Interface", "vnet0", "external_ids:attached-mac"],
      ["--timeout=5", "iface-to-br", "vnet0"],
      ["--timeout=5", "--if-exists", "--format=list", "--data=json", "--no-headings",
       "--columns=statistics", "list", "Interface", "vnet0"],
      ["--timeout=5", "--", "--if-exists", "clear", "Port", "vnet0", "tag", "--",
       "--if-exists", "clear", "Port", "vnet0", "trunk", "--", "--if-exists", "clear", "Port",
       "vnet0", "vlan_mode", "--", "--if-exists", "set", "Port", "vnet0",
       "vlan_mode=native-untagged", "tag=10", "trunk=10,20"],
      ["get", "Port", "vnet0", "trunks"],
      ["--timeout=5", "--", "--if-exists", "del-port", "vhu0", "--", "add-port", "ovsbr",
       "vhu0", "--", "set", "Interface", "vhu0", "type=dpdkvhostuserclient",
       "options:vhost-server-path=/tmp/vhu0.sock"],
      ["--timeout=5", "--no-headings", "--columns=name", "find", "Interface",
       "options:vhost-server-path=/tmp/vhu0.sock"],
      ["--timeout=5", "set", "Interface", "vhu0", "mtu_request=1500"],
      ["--timeout=5", "get", "Interface", "vhu0", "mtu_request"],
      ["--timeout=5", "--", "--if-exists", "del-port", "vnet0"],
      ["list-ports", "ovsbr"])
vsctl("run-demo",
      ["add-br", "solbr"],
      ["add-port", "solbr", "uplink", "trunks=100,192"],
      ["add-port", "solbr", "vnet100", "tag=100", "--", "set", "Interface", "vnet100",
       "type=internal"],
      ["add-port", "solbr", "vhost0", "--", "set", "Interface", "vhost0", "type=dpdkvhostuser"],
      ["add-port", "solbr", "p0", "--", "set", "Interface", "p0", "type=dpdk",
       "options:dpdk-devargs=net_pcap0,rx_pcap=/tmp/in.pcap,infinite_rx=1"],
      ["set", "port", "uplink", "trunks=100,192"],
      ["show"])
vsctl("bad-input",
      ["add-br", "br0"],
      ["add-port", "br0", "p1", "tag=10", "--", "set", "Interface", "p1", "type=internal"],
      ["set", "port", "p1", "tag=abc"], ["set", "port", "p1", "tag=5000"],
      ["set", "port", "p1", "trunks=1,2,9999"], ["set", "Interface", "p1", "options:{a=b"],
      ["set", "port", "p1", "vlan_mode=sideways"], ["list", "nosuch"],
      ["set", "Bridge", "br0", "nosuchcol=1"], ["add-br", "br0"], ["del-br", "br9"],
      ["--if-exists", "del-port", "br0", "nope"], ["--may-exist", "add-br", "br0"],
      ["br-exists", "br9"], ["add-br", "br1", "--", "add-port", "br9", "x"])
vsctl("flow-limit",
      ["add-br", "br0", "--", "set", "Bridge", "br0", "other_config:mac-table-size=1000"],
      ["set", "Open_vSwitch", ".", "other_config:flow-limit=1000"],
      ["remove", "Open_vSwitch", ".", "other_config", "flow-limit"],
      ["set", "Open_vSwitch", ".", "other_config:max-idle=1500"],
      ["add-port", "br0", "sink", "--", "set", "Interface", "sink", "type=dpdk",
       "options:dpdk-devargs=net_null_sink,no-rx=1", "mtu_request=9000"],
      ["get", "Interface", "sink", "mtu"], ["get", "Interface", "sink", "statistics:rx_packets"])
vsctl("fail-mode", ["add-br", "br0", "--", "set", "Bridge", "br0", "fail_mode=standalone"],
      ["add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dpdk",
       'options:dpdk-devargs="net_null1,no-rx=1"'])
vsctl("create-ref",
      ["add-br", "br0"],
      ["--", "--id=@i", "create", "Interface", "name=i1", "type=internal", "--",
       "--id=@p", "create", "Port", "name=p1", "interfaces=@i", "--", "add", "Bridge", "br0",
       "ports", "@p"],
      ["add", "Port", "p1", "trunks", "1", "2", "3"],
      ["remove", "Port", "p1", "trunks", "2"],
      ["clear", "Port", "p1", "trunks"],
      ["--all", "destroy", "Interface"],
      ["destroy", "Port", "p1"],
      ["port-to-br", "p1"], ["list-ifaces", "br0"], ["init"])
vsctl("formats",
      ["add-br", "br0", "--", "add-port", "br0", "x1", "--", "add-port", "br0", "dead"],
      ["--format=table", "list", "Bridge"], ["--format=csv", "list", "Port"],
      ["--format=json", "list", "Interface"], ["--bare", "list", "Interface"],
      ["-d", "json", "find", "Interface", "ofport>0"],
      ["find", "Port", "tag!=5"], ["find", "Interface", "statistics:rx_packets>=7"],
      ["get", "Interface", "dead", "link_state", "error", "ofport"],
      ["get", "Open_vSwitch", ".", "ovs_version", "next_cfg"])
vsctl("empty-args", ["add-br", ""], ["set", "Bridge", "br0", "other_config:={}"])
# One command each on a bridge with an access port, a trunk and an interface gone (no status).
SETUP = ["add-br", "br0", "--", "add-port", "br0", "p1", "tag=10", "--", "set", "Interface",
         "p1", "type=internal", "--", "add-port", "br0", "t1", "trunks=100,192", "--",
         "add-port", "br0", "zgone"]
one = {
    "list-br": ["list-br"], "br-exists": ["br-exists", "br0"],
    "list-ports": ["list-ports", "br0"], "list-ifaces": ["list-ifaces", "br0"],
    "port-to-br": ["port-to-br", "p1"], "iface-to-br": ["iface-to-br", "zgone"],
    "show-br": ["show", "br0"], "del-br": ["del-br", "br0"],
    "del-port-br": ["del-port", "br0", "t1"], "del-port": ["del-port", "p1"],
    "get-key": ["get", "Interface", "p1", "statistics:rx_packets"],
    "get-uuid": ["get", "Bridge", "br0", "_uuid"],
    "set-many": ["set", "Port", "t1", "vlan_mode=native-tagged", "tag=5", "trunks=[]",
                 "other_config:priority-tags=true"],
    "set-quoted-key": ["set", "Interface", "p1", 'external_ids:"a b"="c d"'],
    "add-map": ["add", "Bridge", "br0", "other_config", "a=1", "b=2"],
    "remove-map-key": ["remove", "Bridge", "br0", "other_config", "a"],
    "remove-map-pair": ["remove", "Bridge", "br0", "other_config", "a=1"],
    "clear": ["clear", "Port", "t1", "trunks", "tag"],
    "find-set": ["find", "Port", "trunks{>=}100"], "find-map": ["find", "Interface",
                                                               "type=internal"],
    "find-uuid-col": ["--columns=_uuid,name", "find", "Port", "tag<11"],
    "list-table": ["--format=table", "--columns=name,tag,trunks", "list", "Port"],
    "list-csv-bare": ["--format=csv", "--data=bare", "--no-headings", "list", "Bridge"],
    "list-json": ["-f", "json", "-d", "json", "list", "Open_vSwitch"],
    "destroy-if-exists": ["--if-exists", "destroy", "Port", "nosuch"],
    "add-port-bond": ["add-port", "br0", "p1", "--", "set", "Port", "p1", "tag=4096"],
    "may-exist-port": ["--may-exist", "add-port", "br0", "p1"],
    "add-br-fake": ["add-br", "vlan10", "br0", "10"],
    "mtu-request": ["set", "Interface", "p1", "mtu_request=9000", "ofport_request=7",
                    'mac="02:00:00:00:00:07"'],
    "options-devargs": ["set", "Interface", "zgone", "type=dpdk",
                        'options:dpdk-devargs="net_null0,no-rx=1"'],
    "set-status": ["set", "Interface", "p1", "ofport=3"],
    "uuid-ref": ["--id=@p", "create", "Port", "name=p9", "interfaces=@i", "--", "--id=@i",
                 "create", "Interface", "name=p9"],
}
for name, cmd in one.items():
    vsctl("one-" + name, SETUP, cmd)

# ---- value: "Table:column", a newline, the value as typed after "column="

values = {
    "trunks": ("Port:trunks", "[10, 20]"),
    "trunks-bare": ("Port:trunks", "10,20,4095"),
    "trunks-empty": ("Port:trunks", "[]"),
    "trunks-range": ("Port:trunks", "1,2,9999"),
    "tag": ("Port:tag", "100"),
    "tag-bad": ("Port:tag", "abc"),
    "vlan-mode": ("Port:vlan_mode", "native-untagged"),
    "vlan-mode-bad": ("Port:vlan_mode", "sideways"),
    "options": ("Interface:options", '{dpdk-devargs="net_null0,no-rx=1"}'),
    "options-path": ("Interface:options", "{vhost-server-path=/tmp/vhu0.sock}"),
    "options-open": ("Interface:options", "{a=b"),
    "external-ids": ("Interface:external_ids",
                     '{attached-mac="52:54:00:12:34:56", iface-id="8a7f0b4e-65a6-4c26-b0c8-'
                     '8f1f0c1fbd1d", iface-status=active}'),
    "escapes": ("Bridge:other_config", '{"a\\"b"="c\\\\d\\n\\te", x="true"}'),
    "type": ("Interface:type", "dpdkvhostuserclient"),
    "type-quoted": ("Interface:type", '"internal"'),
    "type-empty": ("Interface:type", '""'),
    "mtu-request": ("Interface:mtu_request", "1500"),
    "mtu-request-0": ("Interface:mtu_request", "0"),
    "ofport-request": ("Interface:ofport_request", "65279"),
    "stp": ("Bridge:stp_enable", "true"),
    "fail-mode": ("Bridge:fail_mode", "standalone"),
    "ports-uuid": ("Bridge:ports", "[0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0]"),
    "interfaces-ref": ("Port:interfaces", "@i"),
    "next-cfg": ("Open_vSwitch:next_cfg", "-9223372036854775808"),
    "mac": ("Interface:mac", '"02:00:00:00:00:01"'),
    "statistics": ("Interface:statistics", "{rx_packets=7, tx_bytes=0}"),
    "name-space": ("Bridge:name", "br 0"),
    "utf8": ("Bridge:external_ids", '{"cl\u00e9"="\u20ac"}'),
}
for name, (col, v) in values.items():
    put("value", name, col + "\n" + v)

# ---- dbload: corrupt versions of a saved configuration (the real ones are saved-*.json)

base_path = os.path.join(TOP, "dbload", "saved-vlans.json")
if os.path.exists(base_path):
    base = open(base_path, "rb").read()
    put("dbload", "cut-half", base[:len(base) // 2])
    put("dbload", "cut-last-byte", base[:-2])
    doc = json.loads(base)
    doc["version"] = 2
    put("dbload", "version-2", json.dumps(doc))
    doc = json.loads(base)
    del doc["Open_vSwitch"]
    put("dbload", "no-root", json.dumps(doc))
    doc = json.loads(base)
    doc["Bridge"] = {"not-a-uuid": {}}
    put("dbload", "bad-row-uuid", json.dumps(doc))
    doc = json.loads(base)
    for row in doc["Port"].values():
        row["tag"] = ["set", [1, 2]]
    put("dbload", "tag-two-values", json.dumps(doc))
    doc = json.loads(base)
    for row in doc["Interface"].values():
        row["type"] = ["set", []]
        break
    put("dbload", "type-empty-set", json.dumps(doc))
    doc = json.loads(base)
    for row in doc["Bridge"].values():
        row["ports"] = ["set", [["uuid", "00000000-0000-4000-8000-000000000000"]]]
    put("dbload", "dangling-ref", json.dumps(doc))
    doc = json.loads(base)
    for row in doc["Port"].values():
        row["nosuchcol"] = 1
        break
    put("dbload", "unknown-column", json.dumps(doc))
put("dbload", "empty", b"")
put("dbload", "not-json", b"hello")
put("dbload", "wrong-format", json.dumps({"format": "ovsdb", "version": 1}))
put("dbload", "minimal", json.dumps({"format": "trestle-conf", "version": 1, "Open_vSwitch": {
    "5d0fa7b4-4f3a-4bb0-9c8e-6e0a6a5b1a11": {}}}))

# ---- jsonrpc: bytes on the ctl socket, as the client and peers send them

req = '{"method":"vsctl","params":["add-br","br0"],"id":7}'
jsonrpc = {
    "vsctl": req,
    "two-back-to-back": req + "  \n" + req,
    "escapes": '{"method":"ofctl","params":["add-flows","br0","a\\nb\\\\c\\"d\\u00e9\\u20ac'
               '\u00e9\u20ac\U0001F600"],"id":1}',
    "surrogates": '{"method":"x","params":["\\ud83d\\ude00"],"id":2}',
    "no-params": '{"method":"appctl","id":3}',
    "params-not-strings": '{"method":"vsctl","params":[1,2],"id":7}',
    "no-method": '{"params":[],"id":8}',
    "no-id": '{"method":"x","params":[]}',
    "params-object": '{"method":"x","params":{},"id":1}',
    "garbage": "hello, this is not json{",
    # Words cut short: a reply's "error":null cut after "nu" was taken for garbage.
    "reply-ok": '{"result":"ok\\n","error":null,"id":0}',
    "reply-error": '{"result":null,"error":"no bridge named br9","id":0}',
    "literals": '{"method":"x","params":[],"id":null,"a":true,"b":false}',
    "numbers": '{"method":"x","params":[],"id":-1.5e+3}',
    "id-object": '{"id":{"a":[1,2,{"b":null}]},"method":"m","params":["p"]}',
    "array": "[1,2]",
    "whitespace": ' \t\r\n{ "method" : "x" , "params" : [ "a" ] , "id" : 1 }\n\n',
    "cut": req[:-5],
    "nul-between": req + "\0" + req,
    "bad-utf8": '{"method":"x","params":["\xff"],"id":1}'.encode("latin-1"),
    "cut-utf8": '{"method":"x","params":["\u20ac'.encode()[:-1],
    "ofctl-add-flow": '{"method":"ofctl","params":["add-flow","br0","priority=10,udp,'
                      'actions=output:1"],"id":0}',
    "appctl": '{"method":"fdb/show","params":["br0"],"id":0}',
    "trace": '{"method":"ofproto/trace","params":["br0","in_port=1,udp"],"id":0}',
    "empty-object": "{}",
    "nested-deep": '{"method":"x","params":[],"id":' + "[" * 40 + "]" * 40 + "}",
}
for name, data in jsonrpc.items():
    put("jsonrpc", name, data)

# ---- Dictionaries (libFuzzer -dict=tests/fuzz/NAME.dict): the words each parser knows


def dictionary(harness, header, words):
    out = ["# " + header]
    for w in dict.fromkeys(words):
        b = w.encode("latin-1") if isinstance(w, str) else w
        esc = "".join(chr(c) if 0x20 <= c < 0x7f and c not in (0x22, 0x5c) else
                      "\\" + chr(c) if c in (0x22, 0x5c) else "\\x%02x" % c for c in b)
        out.append('"' + esc + '"')
    with open(os.path.join(os.path.dirname(TOP), harness + ".dict"), "w") as f:
        f.write("\n".join(out) + "\n")


dictionary("ofp", "fuzz_ofp: the words of ovs-ofctl's flow syntax", [
    "actions=", "priority=", "table=", "cookie=", "idle_timeout=", "hard_timeout=",
    "in_port=", "dl_src=", "eth_src=", "dl_dst=", "eth_dst=", "arp_sha=", "arp_tha=",
    "dl_type=", "eth_type=", "dl_vlan=", "dl_vlan_pcp=", "vlan_tci=", "nw_src=", "ip_src=",
    "arp_spa=", "nw_dst=", "ip_dst=", "arp_tpa=", "ipv6_src=", "ipv6_dst=", "nw_proto=",
    "ip_proto=", "arp_op=", "nw_tos=", "nw_ttl=", "tp_src=", "tcp_src=", "udp_src=",
    "tp_dst=", "tcp_dst=", "udp_dst=", "icmp_type=", "icmp_code=",
    "ip", "ipv6", "arp", "icmp", "tcp", "udp", "sctp", "icmp6", "tcp6", "udp6", "sctp6",
    "output:", "drop", "strip_vlan", "pop_vlan", "push_vlan:", "dec_ttl", "goto_table:",
    "resubmit:", "resubmit(", "set_field:", "->", "mod_vlan_vid:", "mod_vlan_pcp:",
    "mod_dl_src:", "mod_dl_dst:", "mod_nw_src:", "mod_nw_dst:", "mod_nw_tos:",
    "mod_tp_src:", "mod_tp_dst:", "vlan_vid", "vlan_pcp", "ipv4_src", "ipv4_dst", "ip_dscp",
    "IN_PORT", "NORMAL", "FLOOD", "ALL", "LOCAL", "NONE", "ANY", "CONTROLLER",
    "p1", "vnet7", "eth0", "br0", "0x", "0xffff", "0x1000", "0x8100", "0x88a8", "/",
    "02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", "10.0.0.0/8", "255.255.255.0", "2001:db8::1",
    "::/64", "\n"])

TABLES = ["Open_vSwitch", "Bridge", "Port", "Interface"]
COLUMNS = ["bridges", "cur_cfg", "external_ids", "next_cfg", "other_config", "ovs_version",
           "datapath_type", "fail_mode", "name", "ports", "stp_enable", "interfaces", "tag",
           "trunks", "vlan_mode", "admin_state", "error", "link_state", "mac", "mac_in_use",
           "mtu", "mtu_request", "ofport", "ofport_request", "options", "statistics", "type"]
dictionary("vsctl", "fuzz_vsctl: ovs-vsctl's commands, options, tables and columns", [
    "init", "show", "add-br", "del-br", "list-br", "br-exists", "add-port", "del-port",
    "list-ports", "list-ifaces", "port-to-br", "iface-to-br", "get", "set", "add", "remove",
    "clear", "list", "find", "create", "destroy", "--", "--if-exists", "--may-exist",
    "--all", "--id=@", "@", "--no-headings", "--bare", "--columns=", "--format=", "-f",
    "table", "csv", "json", "html", "--data=", "-d", "string", "bare", "--timeout=5", "-t",
    "--no-wait", "--oneline", "--dry-run", "--with-iface", "-v", "internal", "dpdk",
    "dpdkvhostuser", "dpdkvhostuserclient", "system", "netdev", "native-untagged",
    "native-tagged", "access", "trunk", "dot1q-tunnel", "secure", "standalone", "true",
    "false", "dpdk-devargs", "vhost-server-path", "flow-limit", "max-idle", "mac-table-size",
    "emc-insert-inv-prob", "attached-mac", "rx_packets", "=", ":", "{", "}", "[", "]", ",",
    "\"", "\\", "!=", "<", ">", "<=", ">=", "{=}", "{<}", "{>}", "{<=}", "{>=}", "{!=}",
    "\n\n", "\n", "\0", ".", "_uuid"] + TABLES + [t.lower() for t in TABLES] + COLUMNS)

dictionary("value", "fuzz_value: Table:column heads and the value syntax",
           [t + ":" + c + "\n" for t in TABLES for c in COLUMNS] + [
               "{", "}", "[", "]", "=", ",", " ", "\"", "\\\"", "\\n", "\\t", "\\u0001", "\\\\",
               "@", "true", "false", "-", "9223372036854775807", "4095", "4096",
               "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "native-untagged", "secure", "up",
               "\xc3\xa9"])

dictionary("dbload", "fuzz_dbload: the saved configuration's JSON", [
    "{", "}", "[", "]", ",", ":", "\"format\"", "\"trestle-conf\"", "\"version\"", "1",
    "[\"set\",[", "[\"map\",[", "[\"uuid\",\"", "\"5d0fa7b4-4f3a-4bb0-9c8e-6e0a6a5b1a11\"",
    "\"5D0FA7B4-4F3A-4BB0-9C8E-6E0A6A5B1A11\"", "[]", "null", "true", "false", "\"\"",
    "-9223372036854775808"] + ["\"" + t + "\"" for t in TABLES] +
    ["\"" + c + "\"" for c in COLUMNS])

dictionary("jsonrpc", "fuzz_jsonrpc: JSON-RPC's words", [
    "{", "}", "[", "]", ",", ":", "\"method\"", "\"params\"", "\"id\"", "\"result\"",
    "\"error\"", "\"vsctl\"", "\"ofctl\"", "null", "true", "false", "-", "1e+", ".5", "\\u",
    "\\ud83d\\ude00", "\\\"", "\\\\", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", " ", "\n",
    "\0"])
