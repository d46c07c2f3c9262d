/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Punt and inject, the control thread's side: how a protocol module (STP, LACP, a tunnel's
 * ARP) gets the frames it claims from the datapath and sends frames of its own.
 *
 * A claim names a destination MAC and an ethertype (or any). The slow path hands such frames
 * to the control thread over each PMD's bounded punt ring (full: dropped and counted as
 * punt_queue_full) and installs a megaflow, so that later ones are punted without another
 * upcall; the control loop calls the claim's handler for each. punt_inject() sends a frame out
 * of a port through a PMD's inject ring, never racing a PMD's transmit queue.
 */
#ifndef TRESTLE_PUNT_H
#define TRESTLE_PUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct ds;
struct rte_mbuf;

/* Called on the control thread for each claimed frame m from datapath port dp_no; freed after. */
typedef void (*punt_handler_fn)(uint32_t dp_no, const struct rte_mbuf *m, void *arg);

struct punt_claim {
	const char *name;          /* For punt/show: "stp", "lacp"... */
	struct rte_ether_addr dst; /* Destination MAC. */
	bool any_type;             /* Any ethertype (802.3 BPDUs have none)... */
	uint16_t ethertype;        /* ...or this one (host order). */
	/*
	 * Only on the bridges whose dp_bridge.punt_claims has the claim's bit (1 << id), which
	 * the module's snapshot hook sets: elsewhere the frames take the OpenFlow tables (STP's
	 * BPDUs on a bridge without it, which NORMAL floods with forward-bpdu=true).
	 */
	bool per_bridge;
	punt_handler_fn fn; /* The handler. */
	void *arg;          /* Its argument. */
};

/*
 * Claims frames; the PMDs punt them once the next snapshot is published (this publishes it).
 * Returns a claim id, or a negative errno (-ENOSPC: DP_PUNT_MAX claims already, -EEXIST: the
 * same frames claimed by another).
 */
int punt_claim_add(const struct punt_claim *c);
/* Drops claim id (published before it returns: no handler call for it after). */
void punt_claim_del(int id);
/*
 * Sends the frame data[0..len) out of datapath port dp_no. Returns 0, or a negative errno with
 * err saying why (no such port, frame too short or too long, the PMD's inject ring full).
 */
int punt_inject(uint32_t dp_no, const void *data, size_t len, struct ds *err);

#endif
