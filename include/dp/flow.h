/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow key: what the datapath knows of a packet after parsing it. It is the key of the
 * exact-match cache, and (with a mask of the same layout) of the megaflow classifier, so its
 * layout is fixed: 12 64-bit words, every padding byte zero, compared and hashed as words.
 *
 * Packet's walk: PMD rx burst -> flow_extract() -> EMC -> dpcls -> upcall (NORMAL) -> actions.
 */
#ifndef TRESTLE_FLOW_H
#define TRESTLE_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

struct rte_mbuf;

#define FLOW_WORDS 12

/* The bit of vlan_tci that says "a tag is present", as in OVS (the CFI/DEI bit is not kept). */
#define FLOW_VLAN_PRESENT 0x1000
#define FLOW_VLAN_VID_MASK 0x0fff
#define FLOW_VLAN_PCP_MASK 0xe000
#define FLOW_VLAN_PCP_SHIFT 13

/* nw_frag bits. */
#define FLOW_FRAG_ANY 0x01   /* Packet is an IP fragment. */
#define FLOW_FRAG_LATER 0x02 /* Packet is a fragment other than the first. */

struct flow_key {
	/* Word 0. */
	uint32_t in_port;    /* Datapath port number the packet arrived on. */
	rte_be16_t vlan_tci; /* Outer tag's TCI | FLOW_VLAN_PRESENT (host order... see below). */
	rte_be16_t dl_type;  /* Ethertype after the tags parsed (network order). */
	/* Words 1-2. */
	struct rte_ether_addr dl_dst; /* Destination MAC. */
	struct rte_ether_addr dl_src; /* Source MAC. */
	rte_be16_t vlan_tpid;         /* TPID of the outer tag (0x8100, 0x88a8), 0 if untagged. */
	rte_be16_t cvlan_tci;         /* Second tag's TCI | FLOW_VLAN_PRESENT, 0 if none. */
	/* Word 3. */
	rte_be32_t nw_src; /* IPv4 source, or ARP sender protocol address. */
	rte_be32_t nw_dst; /* IPv4 destination, or ARP target protocol address. */
	/* Word 4. */
	uint8_t nw_proto; /* IP protocol (IPv6: after extension headers), or ARP opcode low byte. */
	uint8_t nw_tos;   /* IPv4 TOS / IPv6 traffic class (DSCP and ECN). */
	uint8_t nw_ttl;   /* IPv4 TTL / IPv6 hop limit. */
	uint8_t nw_frag;  /* FLOW_FRAG_* bits. */
	rte_be16_t tp_src; /* TCP/UDP/SCTP source port; ICMP/ICMPv6 type (in the low byte). */
	rte_be16_t tp_dst; /* TCP/UDP/SCTP destination port; ICMP/ICMPv6 code (in the low byte). */
	/* Words 5-8. */
	uint8_t ipv6_src[16]; /* IPv6 source address. */
	uint8_t ipv6_dst[16]; /* IPv6 destination address. */
	/* Words 9-10. */
	struct rte_ether_addr arp_sha; /* ARP sender hardware address. */
	struct rte_ether_addr arp_tha; /* ARP target hardware address. */
	uint32_t pad0;                 /* Always zero. */
	/* Word 11. */
	rte_be32_t ipv6_label; /* IPv6 flow label. */
	uint32_t pad1;         /* Always zero. */
} __rte_aligned(8);

/*
 * vlan_tci and cvlan_tci are kept in network byte order like the frame, with FLOW_VLAN_PRESENT
 * applied in network order: use flow_vlan_tci() to read them in host order.
 */
/*
 * A MAC in lower case, as OVS prints them everywhere (DPDK's RTE_ETHER_ADDR_PRT_FMT is upper
 * case): ds_put_format(out, FLOW_MAC_FMT, FLOW_MAC_ARGS(&mac)).
 */
#define FLOW_MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define FLOW_MAC_ARGS(a) RTE_ETHER_ADDR_BYTES(a)

static inline uint16_t
flow_vlan_tci(rte_be16_t tci)
{
	return rte_be_to_cpu_16(tci);
}

static inline uint16_t
flow_vlan_vid(rte_be16_t tci)
{
	return rte_be_to_cpu_16(tci) & FLOW_VLAN_VID_MASK;
}

static inline bool
flow_vlan_present(rte_be16_t tci)
{
	return (rte_be_to_cpu_16(tci) & FLOW_VLAN_PRESENT) != 0;
}

/* Reasons flow_extract() refuses a frame (see dp_drop.h for the names). */
enum flow_extract_result {
	FLOW_OK = 0,
	FLOW_RUNT,           /* Shorter than an Ethernet header. */
	FLOW_VLAN_TRUNCATED, /* A VLAN tag header is cut off by the end of the frame. */
};

/*
 * Parses the frame in m (first segment; multi-segment frames are parsed as far as the first
 * segment goes) into key. Truncated or malformed L3/L4 headers are not refused: parsing stops
 * there and the remaining fields stay zero, as in OVS, so the frame is still switched on its
 * L2 fields. Never reads past the segment's data length.
 */
enum flow_extract_result flow_extract(const struct rte_mbuf *m, uint32_t in_port,
	struct flow_key *key);

/*
 * The same, but stops after the Ethernet and VLAN headers: words from FLOW_L3_WORD on stay
 * zero. For bursts whose megaflows all ignore L3 and L4 (a rule on in_port, NORMAL without
 * L3 rules): they are classified the same, for less parsing.
 */
#define FLOW_L3_WORD 3
enum flow_extract_result flow_extract_l2(const struct rte_mbuf *m, uint32_t in_port,
	struct flow_key *key);

/* Whether t (host order) is a VLAN tag protocol identifier: 802.1Q, 802.1ad, or the old QinQ. */
static inline bool
flow_is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/*
 * Whether frame m has the key, parsed at L2 only, of frame prev, received on the same port:
 * the same Ethernet header (both MACs and the type) and no VLAN tag, whose TCI and inner type
 * lie further on. Both frames must have passed flow_extract_l2() or be as long (14 bytes).
 * Two overlapping 8-byte compares instead of a parse: the frames of a burst often share their
 * Ethernet header (one guest towards its gateway, whatever the 5-tuples).
 */
static inline bool
flow_l2_same(const struct rte_mbuf *m, const struct rte_mbuf *prev)
{
	const uint8_t *a = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *b = rte_pktmbuf_mtod(prev, const uint8_t *);
	uint64_t a0, a1, b0, b1;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)
		return false;
	memcpy(&a0, a, 8);
	memcpy(&a1, a + 6, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 6, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0 && !flow_is_vlan_tpid((uint16_t)(a[12] << 8 | a[13]));
}

/* Hash of a whole key (CRC32-C over its words). */
uint32_t flow_hash(const struct flow_key *key);

/* dst = src & mask, word by word. */
void flow_key_and(struct flow_key *dst, const struct flow_key *src, const struct flow_key *mask);

/* dst |= src, word by word (a mask widened by another). */
void flow_key_or(struct flow_key *dst, const struct flow_key *src);

/* Whether a and b are equal (all words). */
bool flow_key_equal(const struct flow_key *a, const struct flow_key *b);

/* Whether key & mask == masked (masked must already be masked). */
bool flow_key_match(const struct flow_key *key, const struct flow_key *mask,
	const struct flow_key *masked);

/* Appends an OVS-style rendering ("in_port=1,vlan_tci=0x0000,dl_src=...") of key under mask. */
struct ds;
void flow_key_format(struct ds *out, const struct flow_key *key, const struct flow_key *mask);

#endif
