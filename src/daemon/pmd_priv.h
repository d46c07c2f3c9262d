/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One PMD thread's state. Private to the daemon: pmd.c runs it, dp_input.c handles its bursts
 * (its struct dp_exec, dp_exec.h, executes them), the runtime commands (dpif.c) read its
 * counters and flow table from the control thread, racily but safely (64-bit counters written
 * by one thread; flows are never freed while the PMD lives).
 */
#ifndef TRESTLE_PMD_PRIV_H
#define TRESTLE_PMD_PRIV_H

#include <stdint.h>

#include <rte_common.h>

#include "dp_drop.h"
#include "dp_exec.h"
#include "pmd.h"

struct dp_flow_table;
struct emc;
struct rte_mbuf;

/* What a PMD keeps of one polled receive queue between iterations. */
struct pmd_rxq_state {
	uint16_t burst; /* Frames to ask of it next (dp_next_burst()). */
	bool busy_prev; /* It gave frames last iteration. */
};

struct pmd {
	unsigned idx;                           /* PMD index (RCU thread id), 0..n_pmds-1. */
	unsigned lcore;                         /* lcore it runs on. */
	uint64_t epoch;                         /* dp_epoch last acted on. */
	const struct dp_snapshot *snap;         /* Snapshot in use. */
	struct dp_flow_table *flows;            /* This PMD's megaflows and classifier. */
	struct emc *emc;                        /* This PMD's exact-match cache. */
	unsigned emc_inv_prob;                  /* EMC insertion probability, 1 in this many. */
	bool emc_idle;                          /* The EMC did not pay last period: sampled only. */
	unsigned emc_sample;                    /* Bursts counted while emc_idle. */
	uint64_t emc_lookups;                   /* EMC lookups this period. */
	uint64_t emc_hits;                      /* Their hits. */
	struct pmd_rxq_state rxq[PMD_MAX_RXQS]; /* By index in the snapshot's polled queues. */
	unsigned n_busy_prev;                   /* Polled queues that gave frames last iteration. */
	int epfd;                     /* epoll set of the queues to wait on, -1 if none. */
	uint64_t next_wait_tsc;       /* When to look at them next. */
	unsigned n_ready;             /* Of them, those to serve this iteration... */
	uint16_t ready[PMD_MAX_RXQS]; /* ...by index in the snapshot's queues. */
	int64_t storm_debt;           /* Cycles storm queues had beyond the others' (dp_sched.h). */
	uint64_t now_s;               /* ex.now_tsc in seconds (MAC aging clock). */
	uint64_t max_idle_tsc;        /* Megaflows idle this long are removed (max-idle). */
	struct rte_ring *inject_ring; /* Frames from the control thread, to send. */

	/*
	 * Action execution: transmit buffers, the punt ring, the per-port and drop counters,
	 * the TSC of this iteration (ex.now_tsc) and the burst being handled (dp_exec.h).
	 */
	struct dp_exec ex;

	/* Counters, written by this PMD only (the rest are in ex). */
	uint64_t n_packets;         /* Frames received. */
	uint64_t n_emc_hits;        /* Found in the EMC. */
	uint64_t n_megaflow_hits;   /* Found in the classifier. */
	uint64_t n_misses;          /* Missed both (went to the slow path). */
	uint64_t n_upcalls;         /* Slow-path calls that installed a megaflow. */
	uint64_t n_upcall_errors;   /* Slow-path calls that failed. */
	uint64_t n_flow_limit_hits; /* Upcalls executed without a megaflow: table full. */
	uint64_t n_injected;        /* Frames the control thread had this PMD send. */
	uint64_t n_iterations;      /* Loop iterations. */
	uint64_t cycles_busy;       /* TSC cycles in iterations that received frames. */
	uint64_t cycles_idle;       /* TSC cycles in iterations that received nothing. */
} __rte_cache_aligned;

/* One burst's walk (dp_input.c); returns how many of its frames missed the classifier. */
unsigned dp_input(struct pmd *pmd, uint32_t in_port, struct rte_mbuf **pkts, unsigned n);
/* Once a housekeeping period: whether the EMC pays for itself (dp_input.c). */
void dp_emc_assess(struct pmd *pmd);

/* PMD idx, or NULL. */
struct pmd *pmd_get(unsigned idx);

#endif
