/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header rewrites that are too long to inline: the IPv4 and TCP/UDP fields, with their
 * checksums updated incrementally (RFC 1624). The short ones are in dp_rewrite.h.
 */
#include <stdbool.h>
#include <netinet/in.h>

#include "dp_rewrite.h"

/* See dp_rewrite.h. */
void
dp_set_ipv4(struct rte_mbuf *m, const struct dp_action *a)
{
	uint16_t type;
	int l3 = dp_l3_offset(m, &type);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);

	if (l3 < 0 || type != RTE_ETHER_TYPE_IPV4 || (uint32_t)l3 + 20 > len || (p[l3] >> 4) != 4)
		return;
	uint8_t *ip = p + l3;
	unaligned_uint16_t *ip_csum = (unaligned_uint16_t *)(ip + 10);
	uint32_t ihl = (ip[0] & 0xf) * 4u;
	bool first_frag = (rte_be_to_cpu_16(*(unaligned_uint16_t *)(ip + 6)) & 0x1fff) == 0;
	uint8_t *l4 = ip + ihl;
	/* A TCP or UDP header is there: first fragment, and its ports inside the frame. */
	bool has_l4 = ihl >= 20 && first_frag && (ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) &&
		      (uint32_t)l3 + ihl + 8 <= len;
	bool udp = has_l4 && ip[9] == IPPROTO_UDP;
	unaligned_uint16_t *l4_csum = NULL;

	if (udp)
		l4_csum = (unaligned_uint16_t *)(l4 + 6);
	else if (has_l4 && (uint32_t)l3 + ihl + 18 <= len)
		l4_csum = (unaligned_uint16_t *)(l4 + 16);
	/* A UDP checksum of zero means "none": leave it so. */
	if (udp && *l4_csum == 0)
		l4_csum = NULL;

	switch (a->type) {
	case DPA_SET_IPV4_SRC:
	case DPA_SET_IPV4_DST: {
		uint8_t *addr = ip + (a->type == DPA_SET_IPV4_SRC ? 12 : 16);
		*ip_csum = dp_csum_adjust(*ip_csum, addr, &a->ip, 2);
		if (l4_csum)
			*l4_csum = dp_csum_adjust(*l4_csum, addr, &a->ip, 2);
		memcpy(addr, &a->ip, 4);
		break;
	}
	case DPA_SET_IPV4_TOS: {
		uint16_t old, new;
		memcpy(&old, ip, 2);
		ip[1] = (uint8_t)((ip[1] & 3) | (a->tos & 0xfc));
		memcpy(&new, ip, 2);
		*ip_csum = dp_csum_adjust(*ip_csum, &old, &new, 1);
		break;
	}
	case DPA_DEC_TTL: {
		uint16_t old, new;
		memcpy(&old, ip + 8, 2);
		if (ip[8] > 0)
			ip[8]--;
		memcpy(&new, ip + 8, 2);
		*ip_csum = dp_csum_adjust(*ip_csum, &old, &new, 1);
		break;
	}
	case DPA_SET_L4_SRC:
	case DPA_SET_L4_DST: {
		if (!has_l4)
			return;
		uint8_t *port = l4 + (a->type == DPA_SET_L4_SRC ? 0 : 2);
		if (l4_csum)
			*l4_csum = dp_csum_adjust(*l4_csum, port, &a->l4, 1);
		memcpy(port, &a->l4, 2);
		break;
	}
	}
	if (udp && l4_csum && *l4_csum == 0)
		*l4_csum = 0xffff;
}
