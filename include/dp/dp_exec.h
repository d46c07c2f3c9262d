/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Action execution: what a PMD does with a burst once each packet has its flow. Header
 * changes (dp_rewrite.h), outputs into per-port transmit buffers, punts to the control thread;
 * then the buffers are sent, one burst per port, through the port's tx function.
 *
 * A struct dp_exec is one PMD's (embedded in struct pmd, pmd_priv.h) and is written by that
 * PMD only: no locks, but a shared transmit queue's spinlock. The control thread reads its
 * counters racily (64-bit counters written by one thread). The datapath sees a port only
 * through the struct dp_port_tx the daemon puts in each snapshot; struct port stays opaque.
 */
#ifndef TRESTLE_DP_EXEC_H
#define TRESTLE_DP_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "dp_drop.h"

struct dp_actions;
struct dp_flow;
struct port;
struct rte_mbuf;
struct rte_mempool;
struct rte_ring;

/* Datapath port numbers are 1..DP_PORT_MAX-1 (0 is never a port); port.h's PORT_MAX. */
#define DP_PORT_MAX 1024
/* Frames buffered for one port before they are sent. */
#define DP_TXBUF_SIZE 32

/* A port backend's send (struct port_ops' tx): returns how many of the n frames it took. */
typedef uint16_t dp_port_tx_fn(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n);

/*
 * What the transmit path needs of one port, filled in by the control thread when it builds a
 * snapshot (port_tx_view()). All but down are fixed while the port is in a snapshot.
 */
struct dp_port_tx {
	struct port *port;         /* Handed to tx; NULL when the number is unused. */
	dp_port_tx_fn *tx;         /* The backend's send. */
	const volatile bool *down; /* Live: nothing can be sent to it now (port.h). */
	rte_spinlock_t *tx_lock;   /* One lock per transmit queue, taken when tx_shared. */
	uint32_t max_frame;        /* Longest frame it takes; longer ones are dropped. */
	uint16_t n_txq;            /* Transmit queues. */
	bool started;              /* Opened: frames may be sent. */
	bool tx_shared;            /* Fewer queues than PMDs: send under tx_lock. */
};

/* Per-port counters one PMD keeps; summed over PMDs for the statistics column. */
struct dp_port_stats {
	uint64_t rx_packets; /* Frames received. */
	uint64_t rx_bytes;   /* Bytes received. */
	uint64_t rx_dropped; /* Received frames dropped (malformed, no bridge...). */
	uint64_t tx_packets; /* Frames the device accepted. */
	uint64_t tx_bytes;   /* Bytes the device accepted. */
	uint64_t tx_dropped; /* Frames the device refused (ring full, link down). */
};

/* Frames waiting to be sent to one port. */
struct dp_txbuf {
	uint16_t n;                           /* Frames buffered. */
	uint64_t bytes;                       /* Their bytes. */
	struct rte_mbuf *pkts[DP_TXBUF_SIZE]; /* The frames. */
};

/* One PMD's execution state. */
struct dp_exec {
	/* Set by the PMD: at start, or when it takes a new snapshot. */
	const struct dp_port_tx *ports; /* The snapshot's ports, by datapath number. */
	struct rte_mempool *pool;       /* Copies for a second output; vhost-user receives. */
	struct rte_ring *punt_ring;     /* Punted frames, to the control thread. */
	int punt_efd;                   /* Written when punt_ring was empty (pmd_punt_fd()). */
	unsigned txq;                   /* The PMD's index: it sends on queue txq % n_txq. */
	/* Set by the PMD for each burst. */
	uint32_t rx_max_len; /* Longest frame of the burst being handled. */
	uint32_t in_port;    /* Datapath port of the burst being handled. */
	uint64_t now_tsc;    /* TSC of this iteration (flows' last use). */

	unsigned n_tx_pending;            /* Ports with buffered frames. */
	uint32_t tx_pending[DP_PORT_MAX]; /* Their datapath port numbers. */
	struct dp_txbuf txb[DP_PORT_MAX]; /* Per-port transmit buffers. */

	/* Counters. */
	struct dp_port_stats port_stats[DP_PORT_MAX]; /* Per datapath port. */
	uint64_t drops[DP_DROP__MAX];                 /* Drops by reason. */
	uint64_t n_punted;                            /* Frames handed to the control thread. */
	uint64_t n_tx_batches;                        /* Bursts handed to devices. */
	uint64_t n_tx_packets;                        /* Frames in those bursts. */
};

/* Sends what is buffered for datapath port dp_no; frames the device refuses are dropped. */
void dp_exec_flush_port(struct dp_exec *ex, uint32_t dp_no);

/* Sends every buffered burst. */
static inline void
dp_exec_flush(struct dp_exec *ex)
{
	while (ex->n_tx_pending > 0) {
		uint32_t dp_no = ex->tx_pending[--ex->n_tx_pending];
		dp_exec_flush_port(ex, dp_no);
	}
}

/*
 * Buffers n frames of bytes bytes in all for datapath port dp_no (one flow's share of a
 * burst, or a single frame), sending when the buffer fills.
 */
void dp_exec_enqueue_many(struct dp_exec *ex, uint32_t dp_no, struct rte_mbuf **pkts, unsigned n,
	uint64_t bytes);

/* Buffers frame m for datapath port dp_no. */
static inline void
dp_exec_enqueue(struct dp_exec *ex, uint32_t dp_no, struct rte_mbuf *m)
{
	dp_exec_enqueue_many(ex, dp_no, &m, 1, rte_pktmbuf_pkt_len(m));
}

/* Runs acts on m, which it consumes. */
void dp_exec_one(struct dp_exec *ex, struct rte_mbuf *m, const struct dp_actions *acts);

/*
 * Executes each packet's flow, crediting the flow's counters; a NULL packet (handled already)
 * is skipped. Consecutive packets of one flow are counted once and, when the flow ends in its
 * only output, buffered for transmit together. lens are the packets' lengths as received.
 */
void dp_exec_burst(struct dp_exec *ex, struct rte_mbuf **pkts, struct dp_flow **flows,
	const uint32_t *lens, unsigned n);

#endif
