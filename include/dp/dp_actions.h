/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datapath actions: what a megaflow does to the packets it matches, executed in order. The slow
 * path (NORMAL, later OpenFlow tables) builds a list; the PMD executes it over a burst, cloning
 * the packet at each output that is not the last.
 */
#ifndef TRESTLE_DP_ACTIONS_H
#define TRESTLE_DP_ACTIONS_H

#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_ether.h>

struct ds;

/*
 * Room for flooding to every port (1023 at most) with a VLAN push or pop between outputs. A
 * megaflow stores only as many as it has (dp_flow.c); this is the size of a list being built.
 */
#define DP_ACTIONS_MAX 4096

enum dp_action_type {
	DPA_OUTPUT,       /* Send a copy to port. */
	DPA_PUSH_VLAN,    /* Push a tag: tpid, tci (tci without FLOW_VLAN_PRESENT). */
	DPA_POP_VLAN,     /* Pop the outer tag. */
	DPA_SET_ETH_SRC,  /* mac. */
	DPA_SET_ETH_DST,  /* mac. */
	DPA_SET_IPV4_SRC, /* ip; IPv4 and L4 checksums updated. */
	DPA_SET_IPV4_DST, /* ip; IPv4 and L4 checksums updated. */
	DPA_SET_IPV4_TOS, /* tos: DSCP bits (ECN kept). */
	DPA_SET_L4_SRC,   /* l4: TCP/UDP source port, checksum updated. */
	DPA_SET_L4_DST,   /* l4: TCP/UDP destination port, checksum updated. */
	DPA_DEC_TTL,      /* IPv4 TTL minus one, checksum updated. */
	DPA_PUNT,         /* To the control thread, for the module that claimed it (port: claim). */
};

struct dp_action {
	uint8_t type; /* enum dp_action_type. */
	uint8_t pad;  /* Zero. */
	union {
		struct {
			rte_be16_t tpid; /* DPA_PUSH_VLAN: TPID to push (network order). */
			rte_be16_t tci;  /* DPA_PUSH_VLAN: TCI to push (network order). */
			uint16_t pad2;   /* Zero. */
		};
		struct rte_ether_addr mac; /* DPA_SET_ETH_*. */
	};
	union {
		uint32_t port; /* DPA_OUTPUT: datapath port number. */
		rte_be32_t ip; /* DPA_SET_IPV4_SRC/DST. */
		rte_be16_t l4; /* DPA_SET_L4_*. */
		uint8_t tos;   /* DPA_SET_IPV4_TOS. */
	};
};

struct dp_actions {
	uint16_t n;   /* Number of actions; 0 means drop. */
	uint8_t drop; /* enum dp_drop_reason counted when n is 0. */
	struct dp_action a[DP_ACTIONS_MAX];
};

static inline void
dp_actions_init(struct dp_actions *acts)
{
	acts->n = 0;
	acts->drop = 0;
}

/* Appends an action; returns -1 (and appends nothing) when the list is full. */
int dp_actions_output(struct dp_actions *acts, uint32_t port);
int dp_actions_push_vlan(struct dp_actions *acts, uint16_t tpid, uint16_t tci);
int dp_actions_pop_vlan(struct dp_actions *acts);
int dp_actions_set_eth(struct dp_actions *acts, enum dp_action_type type,
	const struct rte_ether_addr *mac);
int dp_actions_set_ipv4(struct dp_actions *acts, enum dp_action_type type, rte_be32_t ip);
int dp_actions_set_tos(struct dp_actions *acts, uint8_t tos);
int dp_actions_set_l4(struct dp_actions *acts, enum dp_action_type type, uint16_t port);
int dp_actions_dec_ttl(struct dp_actions *acts);
/* Makes acts "punt to claim" (the whole list: a punted frame goes nowhere else). */
void dp_actions_punt(struct dp_actions *acts, uint32_t claim);
/* Appends "output:1,push_vlan(vid=100,pcp=0),output:2" or "drop" in OVS's style. */
void dp_actions_format(struct ds *out, const struct dp_actions *acts);

#endif
