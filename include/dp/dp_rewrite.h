/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header rewrites: the datapath actions that change a frame in place (VLAN push and pop, MAC
 * and IPv4 fields, TCP/UDP ports), with checksums updated incrementally. dp_exec.c applies
 * them between a packet's outputs. The small ones are inline here because the PMD applies
 * them per packet and they were inlined when they lived in pmd.c; dp_set_ipv4(), never
 * inlined there, is in dp_rewrite.c.
 */
#ifndef TRESTLE_DP_REWRITE_H
#define TRESTLE_DP_REWRITE_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_actions.h"

/*
 * Moves the 12 bytes of the two MACs from src to dst, 4 bytes apart either way: both loads
 * before the stores, in fixed-size copies (a memmove() call cost more).
 */
static inline void
dp_move_macs(char *dst, const char *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, 8);
	memcpy(&b, src + 8, 4);
	memcpy(dst, &a, 8);
	memcpy(dst + 8, &b, 4);
}

/* Pushes a tag (tpid, tci in network order) after the MACs; -1 when there is no headroom. */
static inline int
dp_push_vlan(struct rte_mbuf *m, rte_be16_t tpid, rte_be16_t tci)
{
	char *p = rte_pktmbuf_prepend(m, 4);

	if (p == NULL)
		return -1;
	dp_move_macs(p, p + 4);
	rte_be16_t *tag = (rte_be16_t *)(p + 2 * RTE_ETHER_ADDR_LEN);
	tag[0] = tpid;
	tag[1] = tci;
	return 0;
}

/* Pops the outer tag; a frame too short to have one is left alone. */
static inline void
dp_pop_vlan(struct rte_mbuf *m)
{
	char *p = rte_pktmbuf_mtod(m, char *);

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 4)
		return;
	dp_move_macs(p + 4, p);
	rte_pktmbuf_adj(m, 4);
}

/* Offset of the L3 header past any VLAN tags, its ethertype in *type; -1 when cut off. */
static inline int
dp_l3_offset(const struct rte_mbuf *m, uint16_t *type)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);

	for (uint32_t off = 2 * RTE_ETHER_ADDR_LEN; off + 2 <= len; off += 4) {
		uint16_t t = (uint16_t)(p[off] << 8 | p[off + 1]);
		if (t != RTE_ETHER_TYPE_VLAN && t != RTE_ETHER_TYPE_QINQ) {
			*type = t;
			return (int)off + 2;
		}
	}
	return -1;
}

/* Ones' complement update of a checksum for n 16-bit words changing from old to new (RFC 1624);
 * works on the words as stored, whatever the byte order. */
static inline uint16_t
dp_csum_adjust(uint16_t csum, const void *old, const void *new, unsigned n)
{
	const unaligned_uint16_t *o = old, *w = new;
	uint32_t s = (uint16_t)~csum;

	for (unsigned i = 0; i < n; i++)
		s += (uint16_t)~o[i] + (uint32_t)w[i];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * Header rewrites on an IPv4 packet: addresses, TOS, TTL, TCP/UDP ports. Checksums are
 * updated incrementally; a packet that is not IPv4 or too short is left alone (the slow path
 * only emits these for IPv4 flows, but the frame may be truncated).
 */
void dp_set_ipv4(struct rte_mbuf *m, const struct dp_action *a);

/*
 * Applies header action a (anything but DPA_OUTPUT and DPA_PUNT) to m. Returns 0, or -1 when
 * a tag could not be pushed (no headroom): m is unchanged and the caller drops it.
 */
static inline int
dp_modify(struct rte_mbuf *m, const struct dp_action *a)
{
	switch (a->type) {
	case DPA_PUSH_VLAN:
		return dp_push_vlan(m, a->tpid, a->tci);
	case DPA_POP_VLAN:
		dp_pop_vlan(m);
		break;
	case DPA_SET_ETH_SRC:
	case DPA_SET_ETH_DST:
		if (rte_pktmbuf_data_len(m) >= RTE_ETHER_HDR_LEN)
			memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *,
				       a->type == DPA_SET_ETH_SRC ? RTE_ETHER_ADDR_LEN : 0),
				&a->mac, RTE_ETHER_ADDR_LEN);
		break;
	default:
		dp_set_ipv4(m, a);
		break;
	}
	return 0;
}

#endif
