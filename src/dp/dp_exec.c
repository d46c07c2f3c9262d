/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Action execution, the last stage of a burst (dp_exec.h): each packet's actions, outputs
 * buffered per port, the buffers sent through the ports' tx functions. Called by a burst's
 * stages (dp_input.c) once its packets have their flows, and for a packet the slow path
 * decided alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_actions.h"
#include "dp_drop.h"
#include "dp_exec.h"
#include "dp_flow.h"
#include "dp_rewrite.h"

#define DP_TX_RETRIES 8

void
dp_exec_flush_port(struct dp_exec *ex, uint32_t dp_no)
{
	struct dp_txbuf *tb = &ex->txb[dp_no];
	const struct dp_port_tx *port = &ex->ports[dp_no];
	struct dp_port_stats *ps = &ex->port_stats[dp_no];
	uint16_t n = tb->n, sent = 0;
	uint64_t bytes = tb->bytes;

	tb->n = 0;
	tb->bytes = 0;
	if (unlikely(port->port == NULL || !port->started || *port->down)) {
		rte_pktmbuf_free_bulk(tb->pkts, n);
		ex->drops[DP_DROP_PORT_DOWN] += n;
		ps->tx_dropped += n;
		return;
	}
	/*
	 * Frames longer than the port's MTU allows are dropped, as OVS-DPDK does before it
	 * sends. Only looked for when the burst received had a frame that could be too long
	 * once two tags are pushed: a burst of small frames, or one from a port of a smaller
	 * MTU, does not pay for it. (Everything buffered here comes from that burst.)
	 */
	if (unlikely(ex->rx_max_len + 2 * RTE_VLAN_HLEN > port->max_frame)) {
		uint16_t kept = 0;
		for (uint16_t i = 0; i < n; i++) {
			uint32_t len = rte_pktmbuf_pkt_len(tb->pkts[i]);
			if (len <= port->max_frame) {
				tb->pkts[kept++] = tb->pkts[i];
				continue;
			}
			bytes -= len;
			rte_pktmbuf_free(tb->pkts[i]);
		}
		ex->drops[DP_DROP_OVERSIZE] += n - kept;
		ps->tx_dropped += n - kept;
		n = kept;
	}
	uint16_t q = (uint16_t)(ex->txq % port->n_txq);
	if (port->tx_shared)
		rte_spinlock_lock(&port->tx_lock[q]);
	for (int retry = 0; sent < n && retry <= DP_TX_RETRIES; retry++)
		sent += port->tx(port->port, q, tb->pkts + sent, n - sent);
	if (port->tx_shared)
		rte_spinlock_unlock(&port->tx_lock[q]);

	if (unlikely(sent < n)) {
		for (uint16_t i = sent; i < n; i++)
			bytes -= rte_pktmbuf_pkt_len(tb->pkts[i]);
		rte_pktmbuf_free_bulk(tb->pkts + sent, n - sent);
		ex->drops[DP_DROP_TX_FULL] += n - sent;
		ps->tx_dropped += n - sent;
	}
	ps->tx_packets += sent;
	ps->tx_bytes += bytes;
	ex->n_tx_batches++;
	ex->n_tx_packets += n;
}

void
dp_exec_enqueue_many(struct dp_exec *ex, uint32_t dp_no, struct rte_mbuf **pkts, unsigned n,
	uint64_t bytes)
{
	if (unlikely(dp_no >= DP_PORT_MAX)) {
		rte_pktmbuf_free_bulk(pkts, n);
		ex->drops[DP_DROP_PORT_DOWN] += n;
		return;
	}
	struct dp_txbuf *tb = &ex->txb[dp_no];

	if (unlikely(tb->n + n > DP_TXBUF_SIZE)) {
		/* Does not fit: one at a time, sending each time the buffer fills. */
		for (unsigned i = 0; i < n; i++)
			dp_exec_enqueue_many(ex, dp_no, &pkts[i], 1, rte_pktmbuf_pkt_len(pkts[i]));
		return;
	}
	if (tb->n == 0)
		ex->tx_pending[ex->n_tx_pending++] = dp_no;
	memcpy(&tb->pkts[tb->n], pkts, n * sizeof(pkts[0]));
	tb->n = (uint16_t)(tb->n + n);
	tb->bytes += bytes;
	if (tb->n == DP_TXBUF_SIZE) {
		/* Full: send now; the port stays on the pending list, harmlessly empty. */
		dp_exec_flush_port(ex, dp_no);
	}
}

/* Whether an action after index i changes the packet (so an output at i needs a copy). */
static bool
dp_modified_after(const struct dp_actions *acts, unsigned i)
{
	for (unsigned j = i + 1; j < acts->n; j++)
		if (acts->a[j].type != DPA_OUTPUT)
			return true;
	return false;
}

/* Applies header action a to m. Returns false when m could not be changed: it is freed. */
static inline bool
dp_apply(struct dp_exec *ex, struct rte_mbuf *m, const struct dp_action *a)
{
	if (unlikely(dp_modify(m, a) < 0)) {
		ex->drops[DP_DROP_NO_MBUF]++;
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/*
 * Hands m to the control thread for claim. The eventfd is written only when the ring was
 * empty: a burst of control frames costs one system call, a steady trickle one each.
 */
static void
dp_punt(struct dp_exec *ex, struct rte_mbuf *m, uint32_t claim)
{
	m->port = (uint16_t)ex->in_port;
	m->hash.usr = claim;
	bool was_empty = rte_ring_empty(ex->punt_ring);
	if (unlikely(rte_ring_sp_enqueue(ex->punt_ring, m) != 0)) {
		ex->drops[DP_DROP_PUNT_FULL]++;
		rte_pktmbuf_free(m);
		return;
	}
	ex->n_punted++;
	if (was_empty) {
		uint64_t one = 1;
		if (write(ex->punt_efd, &one, sizeof(one)) < 0) {
			/* The counter cannot overflow here; nothing to do. */
		}
	}
}

void
dp_exec_one(struct dp_exec *ex, struct rte_mbuf *m, const struct dp_actions *acts)
{
	unsigned n = acts->n;

	/* The common case: one output. */
	if (likely(n == 1 && acts->a[0].type == DPA_OUTPUT)) {
		dp_exec_enqueue(ex, acts->a[0].port, m);
		return;
	}
	if (n == 1 && acts->a[0].type == DPA_PUNT) {
		dp_punt(ex, m, acts->a[0].port);
		return;
	}
	if (n == 0) {
		ex->drops[acts->drop < DP_DROP__MAX ? acts->drop : DP_DROP_ACTION_DROP]++;
		rte_pktmbuf_free(m);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct dp_action *a = &acts->a[i];
		struct rte_mbuf *c;

		if (a->type != DPA_OUTPUT) {
			if (!dp_apply(ex, m, a))
				return;
			continue;
		}
		if (i == n - 1) {
			dp_exec_enqueue(ex, a->port, m);
			return;
		}
		if (dp_modified_after(acts, i)) {
			c = rte_pktmbuf_copy(m, ex->pool, 0, UINT32_MAX);
			if (c == NULL) {
				ex->drops[DP_DROP_NO_MBUF]++;
				continue;
			}
		} else {
			/*
			 * Only outputs follow: the devices can share one buffer. Every segment
			 * of a chained (jumbo) frame is freed once per holder, so every one is
			 * counted, not just the first.
			 */
			rte_pktmbuf_refcnt_update(m, 1);
			c = m;
		}
		dp_exec_enqueue(ex, a->port, c);
	}
	/* The list did not end with an output. */
	rte_pktmbuf_free(m);
}

/* Whether acts is header changes (maybe none) then one output, the output last. */
static inline bool
dp_single_output(const struct dp_actions *acts)
{
	unsigned n = acts->n;

	if (n == 0 || acts->a[n - 1].type != DPA_OUTPUT)
		return false;
	for (unsigned i = 0; i + 1 < n; i++)
		if (acts->a[i].type == DPA_OUTPUT)
			return false;
	return true;
}

/*
 * Runs acts, a single output after header changes, on the n frames of one flow, buffering
 * them for transmit together.
 */
static void
dp_exec_many(struct dp_exec *ex, struct rte_mbuf **pkts, unsigned n, const struct dp_actions *acts,
	uint64_t bytes)
{
	unsigned na = acts->n, kept = 0;

	if (na > 1) {
		bytes = 0;
		for (unsigned k = 0; k < n; k++) {
			struct rte_mbuf *m = pkts[k];
			unsigned a;

			for (a = 0; a + 1 < na; a++)
				if (!dp_apply(ex, m, &acts->a[a]))
					break;
			if (a + 1 < na)
				continue;
			pkts[kept++] = m;
			bytes += rte_pktmbuf_pkt_len(m);
		}
		n = kept;
	}
	dp_exec_enqueue_many(ex, acts->a[na - 1].port, pkts, n, bytes);
}

void
dp_exec_burst(struct dp_exec *ex, struct rte_mbuf **pkts, struct dp_flow **flows,
	const uint32_t *lens, unsigned n)
{
	unsigned i = 0;

	while (i < n) {
		struct dp_flow *f = flows[i];

		if (pkts[i] == NULL) {
			i++;
			continue;
		}
		unsigned j = i + 1;
		uint64_t bytes = lens[i];
		while (j < n && flows[j] == f && pkts[j] != NULL)
			bytes += lens[j++];
		f->stats.n_packets += j - i;
		f->stats.n_bytes += bytes;
		f->stats.used_tsc = ex->now_tsc;

		const struct dp_actions *acts = dp_flow_actions(f);
		if (likely(dp_single_output(acts))) {
			dp_exec_many(ex, &pkts[i], j - i, acts, bytes);
		} else {
			for (unsigned k = i; k < j; k++)
				dp_exec_one(ex, pkts[k], acts);
		}
		i = j;
	}
}
