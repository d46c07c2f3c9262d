/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing a frame into a flow key (see flow.h): the first stage of the packet's walk, run on
 * every received frame. Reads only the first segment and never past its data length.
 */
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_mbuf.h>

#include "ds.h"
#include "flow.h"

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_NONE 0x05ff /* OVS's dl_type for 802.3 frames without an Ethernet II type. */

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Parses TCP/UDP/SCTP ports or ICMP type/code at p (len bytes left). */
static void
parse_l4(struct flow_key *key, const uint8_t *p, uint32_t len)
{
	switch (key->nw_proto) {
	case 6:   /* TCP */
	case 17:  /* UDP */
	case 132: /* SCTP */
		if (len >= 4) {
			memcpy(&key->tp_src, p, 2);
			memcpy(&key->tp_dst, p + 2, 2);
		}
		break;
	case 1:  /* ICMP */
	case 58: /* ICMPv6 */
		if (len >= 2) {
			key->tp_src = rte_cpu_to_be_16(p[0]);
			key->tp_dst = rte_cpu_to_be_16(p[1]);
		}
		break;
	default:
		break;
	}
}

static void
parse_ipv4(struct flow_key *key, const uint8_t *p, uint32_t len)
{
	if (len < 20 || (p[0] >> 4) != 4)
		return;
	uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return;
	key->nw_tos = p[1];
	key->nw_ttl = p[8];
	key->nw_proto = p[9];
	memcpy(&key->nw_src, p + 12, 4);
	memcpy(&key->nw_dst, p + 16, 4);
	uint16_t frag = rd16(p + 6);
	if (frag & 0x3fff) { /* More fragments, or an offset. */
		key->nw_frag = FLOW_FRAG_ANY;
		if (frag & 0x1fff) {
			key->nw_frag |= FLOW_FRAG_LATER;
			return; /* No L4 header in later fragments. */
		}
	}
	uint32_t tot = rd16(p + 2);
	if (tot >= ihl && tot < len)
		len = tot; /* Ignore Ethernet padding. */
	parse_l4(key, p + ihl, len - ihl);
}

static void
parse_ipv6(struct flow_key *key, const uint8_t *p, uint32_t len)
{
	if (len < 40 || (p[0] >> 4) != 6)
		return;
	uint32_t vtcfl = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	key->nw_tos = (uint8_t)(vtcfl >> 20);
	key->ipv6_label = rte_cpu_to_be_32(vtcfl & 0xfffff);
	key->nw_ttl = p[7];
	memcpy(key->ipv6_src, p + 8, 16);
	memcpy(key->ipv6_dst, p + 24, 16);
	uint8_t nh = p[6];
	uint32_t off = 40;

	/* Skip extension headers to the transport protocol; at most a handful, as OVS. */
	for (int n = 0; n < 8; n++) {
		if (nh == 0 || nh == 43 || nh == 60) { /* Hop-by-hop, routing, destination. */
			if (off + 8 > len)
				goto truncated;
			nh = p[off];
			off += ((uint32_t)p[off + 1] + 1) * 8;
		} else if (nh == 51) { /* AH: length in 4-byte units, minus 2. */
			if (off + 8 > len)
				goto truncated;
			nh = p[off];
			off += ((uint32_t)p[off + 1] + 2) * 4;
		} else if (nh == 44) { /* Fragment. */
			if (off + 8 > len)
				goto truncated;
			uint16_t fo = rd16(p + off + 2);
			key->nw_frag = FLOW_FRAG_ANY;
			nh = p[off];
			off += 8;
			if (fo & 0xfff8) {
				key->nw_frag |= FLOW_FRAG_LATER;
				key->nw_proto = nh;
				return;
			}
		} else {
			break;
		}
		if (off > len)
			goto truncated;
	}
	key->nw_proto = nh;
	parse_l4(key, p + off, len - off);
	return;
truncated:
	/* The protocol stays unknown (0) when the extension headers are cut off. */
	key->nw_proto = 0;
}

static void
parse_arp(struct flow_key *key, const uint8_t *p, uint32_t len)
{
	if (len < 28 || rd16(p) != 1 || rd16(p + 2) != ETH_TYPE_IPV4 || p[4] != 6 || p[5] != 4)
		return;
	uint16_t op = rd16(p + 6);
	if (op <= 0xff)
		key->nw_proto = (uint8_t)op;
	memcpy(&key->arp_sha, p + 8, 6);
	memcpy(&key->nw_src, p + 14, 4);
	memcpy(&key->arp_tha, p + 18, 6);
	memcpy(&key->nw_dst, p + 24, 4);
}

/* Parses the L2 header, and past it when l3: the one body behind both entry points. */
static inline enum flow_extract_result
extract(const struct rte_mbuf *m, uint32_t in_port, struct flow_key *key, bool l3)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t off = 12;
	uint16_t type;

	/*
	 * Six 16-byte stores, not memset(): for 96 bytes at an offset GCC emits `rep stos`, whose
	 * start-up cost was half of this function's cycles.
	 */
	typedef uint64_t v2u64 __attribute__((vector_size(16), aligned(8), may_alias));
	v2u64 *v = (v2u64 *)key;
	const v2u64 z = {0, 0};
	v[0] = z;
	v[1] = z;
	v[2] = z;
	v[3] = z;
	v[4] = z;
	v[5] = z;
	key->in_port = in_port;
	if (unlikely(len < RTE_ETHER_HDR_LEN))
		return FLOW_RUNT;
	memcpy(&key->dl_dst, p, 6);
	memcpy(&key->dl_src, p + 6, 6);
	type = rd16(p + 12);

	if (flow_is_vlan_tpid(type)) {
		if (unlikely(len < off + 6))
			return FLOW_VLAN_TRUNCATED;
		key->vlan_tpid = rte_cpu_to_be_16(type);
		key->vlan_tci = rte_cpu_to_be_16(rd16(p + off + 2) | FLOW_VLAN_PRESENT);
		off += 4;
		type = rd16(p + off);
		if (flow_is_vlan_tpid(type)) {
			if (unlikely(len < off + 6))
				return FLOW_VLAN_TRUNCATED;
			key->cvlan_tci = rte_cpu_to_be_16(rd16(p + off + 2) | FLOW_VLAN_PRESENT);
			off += 4;
			type = rd16(p + off);
		}
	}
	off += 2;
	if (type < 0x600) /* An 802.3 length, not a type. */
		type = ETH_TYPE_NONE;
	key->dl_type = rte_cpu_to_be_16(type);
	if (!l3)
		return FLOW_OK;

	switch (type) {
	case ETH_TYPE_IPV4:
		parse_ipv4(key, p + off, len - off);
		break;
	case ETH_TYPE_IPV6:
		parse_ipv6(key, p + off, len - off);
		break;
	case ETH_TYPE_ARP:
		parse_arp(key, p + off, len - off);
		break;
	default:
		break;
	}
	return FLOW_OK;
}

enum flow_extract_result
flow_extract(const struct rte_mbuf *m, uint32_t in_port, struct flow_key *key)
{
	return extract(m, in_port, key, true);
}

enum flow_extract_result
flow_extract_l2(const struct rte_mbuf *m, uint32_t in_port, struct flow_key *key)
{
	return extract(m, in_port, key, false);
}

/*
 * Two interleaved CRC chains over words 0-4 (every frame's L2, IPv4 and L4 fields), then the
 * IPv6 and ARP words only when one is set: a chained CRC costs its latency (3 cycles a word),
 * so 12 words in one chain was a third of the cycles of a frame's whole walk.
 */
_Static_assert(sizeof(struct flow_key) == FLOW_WORDS * 8, "flow_hash() covers 12 words");

uint32_t
flow_hash(const struct flow_key *key)
{
	const uint64_t *w = (const uint64_t *)key;
	uint32_t a = rte_hash_crc_8byte(w[0], 0);
	uint32_t b = rte_hash_crc_8byte(w[1], 0x9e3779b9);

	a = rte_hash_crc_8byte(w[2], a);
	b = rte_hash_crc_8byte(w[3], b);
	a = rte_hash_crc_8byte(w[4], a);
	if (unlikely((w[5] | w[6] | w[7] | w[8] | w[9] | w[10] | w[11]) != 0)) {
		a = rte_hash_crc_8byte(w[5], a);
		b = rte_hash_crc_8byte(w[6], b);
		a = rte_hash_crc_8byte(w[7], a);
		b = rte_hash_crc_8byte(w[8], b);
		a = rte_hash_crc_8byte(w[9], a);
		b = rte_hash_crc_8byte(w[10], b);
		a = rte_hash_crc_8byte(w[11], a);
	}
	return a ^ (b << 16 | b >> 16);
}

void
flow_key_and(struct flow_key *dst, const struct flow_key *src, const struct flow_key *mask)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src, *m = (const uint64_t *)mask;

	for (int i = 0; i < FLOW_WORDS; i++)
		d[i] = s[i] & m[i];
}

void
flow_key_or(struct flow_key *dst, const struct flow_key *src)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;

	for (int i = 0; i < FLOW_WORDS; i++)
		d[i] |= s[i];
}

bool
flow_key_equal(const struct flow_key *a, const struct flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

bool
flow_key_match(const struct flow_key *key, const struct flow_key *mask,
	const struct flow_key *masked)
{
	const uint64_t *k = (const uint64_t *)key, *m = (const uint64_t *)mask;
	const uint64_t *v = (const uint64_t *)masked;
	uint64_t diff = 0;

	for (int i = 0; i < FLOW_WORDS; i++)
		diff |= (k[i] & m[i]) ^ v[i];
	return diff == 0;
}

/* ---- Formatting, as `ovs-appctl dpctl/dump-flows` prints a megaflow ---- */

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool
all_ones(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

static void
put_mac(struct ds *out, const char *name, const struct rte_ether_addr *v,
	const struct rte_ether_addr *m)
{
	const uint8_t *a = v->addr_bytes, *b = m->addr_bytes;

	ds_put_format(out, "%s=%02x:%02x:%02x:%02x:%02x:%02x", name, a[0], a[1], a[2], a[3], a[4],
		a[5]);
	if (!all_ones(m, 6))
		ds_put_format(out, "/%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
			b[5]);
}

static void
put_ip4(struct ds *out, const char *name, rte_be32_t v, rte_be32_t m)
{
	const uint8_t *a = (const uint8_t *)&v, *b = (const uint8_t *)&m;

	ds_put_format(out, "%s=%u.%u.%u.%u", name, a[0], a[1], a[2], a[3]);
	if (m != UINT32_MAX)
		ds_put_format(out, "/%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static void
put_ip6(struct ds *out, const char *name, const uint8_t *v, const uint8_t *m)
{
	ds_put_format(out, "%s=", name);
	for (int i = 0; i < 16; i += 2)
		ds_put_format(out, "%s%x", i ? ":" : "", (unsigned)(v[i] << 8 | v[i + 1]));
	if (!all_ones(m, 16)) {
		ds_put_char(out, '/');
		for (int i = 0; i < 16; i += 2)
			ds_put_format(out, "%s%x", i ? ":" : "", (unsigned)(m[i] << 8 | m[i + 1]));
	}
}

static void
put_u(struct ds *out, bool *first, const char *name, unsigned v, unsigned m, unsigned full)
{
	if (m == 0)
		return;
	ds_put_format(out, "%s%s=%u", *first ? "" : ",", name, v);
	if (m != full)
		ds_put_format(out, "/0x%x", m);
	*first = false;
}

/* eth(src=...,dst=...), the outer and inner VLANs, eth_type: what the mask covers of L2. */
static void
format_l2(struct ds *out, const struct flow_key *k, const struct flow_key *m)
{
	if (!all_zero(&m->dl_src, 6) || !all_zero(&m->dl_dst, 6)) {
		ds_put_cstr(out, ",eth(");
		if (!all_zero(&m->dl_src, 6))
			put_mac(out, "src", &k->dl_src, &m->dl_src);
		if (!all_zero(&m->dl_dst, 6)) {
			if (!all_zero(&m->dl_src, 6))
				ds_put_char(out, ',');
			put_mac(out, "dst", &k->dl_dst, &m->dl_dst);
		}
		ds_put_char(out, ')');
	}
	if (m->vlan_tci) {
		uint16_t tci = flow_vlan_tci(k->vlan_tci), mt = flow_vlan_tci(m->vlan_tci);
		if (!(tci & FLOW_VLAN_PRESENT))
			ds_put_cstr(out, ",vlan(none)");
		else if ((mt & FLOW_VLAN_VID_MASK) == 0)
			ds_put_cstr(out, ",vlan(any)");
		else {
			ds_put_format(out, ",vlan(vid=%u", tci & FLOW_VLAN_VID_MASK);
			if (mt & FLOW_VLAN_PCP_MASK)
				ds_put_format(out, ",pcp=%u", tci >> FLOW_VLAN_PCP_SHIFT);
			ds_put_char(out, ')');
		}
	}
	if (m->cvlan_tci) {
		uint16_t tci = flow_vlan_tci(k->cvlan_tci);
		if (tci & FLOW_VLAN_PRESENT)
			ds_put_format(out, ",cvlan(vid=%u)", tci & FLOW_VLAN_VID_MASK);
		else
			ds_put_cstr(out, ",cvlan(none)");
	}
	if (m->dl_type)
		ds_put_format(out, ",eth_type(0x%04x)", rte_be_to_cpu_16(k->dl_type));
}

/* "src=A,dst=B" of two IPv4 addresses under their masks, as far as the mask covers them. */
static void
format_ip4_pair(struct ds *out, bool *first, const char *a, const char *b, const struct flow_key *k,
	const struct flow_key *m)
{
	if (m->nw_src) {
		put_ip4(out, a, k->nw_src, m->nw_src);
		*first = false;
	}
	if (m->nw_dst) {
		if (!*first)
			ds_put_char(out, ',');
		put_ip4(out, b, k->nw_dst, m->nw_dst);
		*first = false;
	}
}

/* ipv4(...), ipv6(...) or arp(...), for the frame's ethertype. */
static void
format_l3(struct ds *out, const struct flow_key *k, const struct flow_key *m)
{
	uint16_t type = rte_be_to_cpu_16(k->dl_type);
	bool first = true;

	if (type == ETH_TYPE_IPV4 &&
		(m->nw_src || m->nw_dst || m->nw_proto || m->nw_tos || m->nw_ttl || m->nw_frag)) {
		ds_put_cstr(out, ",ipv4(");
		format_ip4_pair(out, &first, "src", "dst", k, m);
		put_u(out, &first, "proto", k->nw_proto, m->nw_proto, 0xff);
		put_u(out, &first, "tos", k->nw_tos, m->nw_tos, 0xff);
		put_u(out, &first, "ttl", k->nw_ttl, m->nw_ttl, 0xff);
		if (m->nw_frag)
			ds_put_format(out, "%sfrag=%s", first ? "" : ",",
				!(k->nw_frag & FLOW_FRAG_ANY)    ? "no"
				: (k->nw_frag & FLOW_FRAG_LATER) ? "later"
								 : "first");
		ds_put_char(out, ')');
	} else if (type == ETH_TYPE_IPV6 &&
		   (!all_zero(m->ipv6_src, 16) || !all_zero(m->ipv6_dst, 16) || m->nw_proto)) {
		ds_put_cstr(out, ",ipv6(");
		if (!all_zero(m->ipv6_src, 16)) {
			put_ip6(out, "src", k->ipv6_src, m->ipv6_src);
			first = false;
		}
		if (!all_zero(m->ipv6_dst, 16)) {
			if (!first)
				ds_put_char(out, ',');
			put_ip6(out, "dst", k->ipv6_dst, m->ipv6_dst);
			first = false;
		}
		put_u(out, &first, "proto", k->nw_proto, m->nw_proto, 0xff);
		ds_put_char(out, ')');
	} else if (type == ETH_TYPE_ARP && (m->nw_src || m->nw_dst || m->nw_proto)) {
		ds_put_cstr(out, ",arp(");
		format_ip4_pair(out, &first, "sip", "tip", k, m);
		put_u(out, &first, "op", k->nw_proto, m->nw_proto, 0xff);
		ds_put_char(out, ')');
	}
}

/* tcp(src,dst), udp, sctp, icmp(type,code), icmpv6... */
static void
format_l4(struct ds *out, const struct flow_key *k, const struct flow_key *m)
{
	if (!m->tp_src && !m->tp_dst)
		return;
	const char *l4 = k->nw_proto == 6     ? "tcp"
			 : k->nw_proto == 17  ? "udp"
			 : k->nw_proto == 132 ? "sctp"
			 : k->nw_proto == 1   ? "icmp"
			 : k->nw_proto == 58  ? "icmpv6"
					      : "l4";
	bool icmp = k->nw_proto == 1 || k->nw_proto == 58, first = true;
	ds_put_format(out, ",%s(", l4);
	put_u(out, &first, icmp ? "type" : "src", rte_be_to_cpu_16(k->tp_src),
		rte_be_to_cpu_16(m->tp_src), icmp ? 0xff : 0xffff);
	put_u(out, &first, icmp ? "code" : "dst", rte_be_to_cpu_16(k->tp_dst),
		rte_be_to_cpu_16(m->tp_dst), icmp ? 0xff : 0xffff);
	ds_put_char(out, ')');
}

void
flow_key_format(struct ds *out, const struct flow_key *k, const struct flow_key *m)
{
	ds_put_format(out, "in_port(%u)", k->in_port);
	format_l2(out, k, m);
	if (!m->dl_type)
		return;
	format_l3(out, k, m);
	format_l4(out, k, m);
}
