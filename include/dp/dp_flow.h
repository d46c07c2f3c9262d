/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Megaflows and the per-PMD flow table that holds them.
 *
 * A megaflow is a decision of the slow path cached for every packet that agrees with it on the
 * fields the decision looked at (its mask). Each PMD owns one dp_flow_table: the flows
 * themselves (a pool that only grows, so a pointer to a flow is never dangling while the table
 * lives) and the megaflow classifier over them (tuple space search: one subtable per distinct
 * mask, subtables tried in order of their hit counts). Only the owning PMD reads and writes it;
 * the control thread may walk the flows for a dump, reading racily (see dp_flow_table_foreach).
 */
#ifndef TRESTLE_DP_FLOW_H
#define TRESTLE_DP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_actions.h"
#include "flow.h"

struct dp_flow_table;
struct dpcls_subtable;

/* Actions that fit in a flow itself: the usual output, or a push and an output. */
#define DP_FLOW_INLINE_ACTIONS 6
#define DP_FLOW_INLINE_BYTES \
	(offsetof(struct dp_actions, a) + DP_FLOW_INLINE_ACTIONS * sizeof(struct dp_action))

struct dp_flow_stats {
	uint64_t n_packets; /* Packets that matched. */
	uint64_t n_bytes;   /* Their bytes. */
	uint64_t used_tsc;  /* TSC of the last match, 0 if never. */
};

/*
 * Counters that megaflows add to when they go away: an OpenFlow rule's, so that its counts
 * stay exact although the packets themselves only ever touch the megaflow. The owning PMD adds
 * (atomically) at removal; the control thread adds the live flows' counts when it reads them.
 */
#define DP_FLOW_MAX_CREDITS 4
struct dp_flow_credit {
	uint64_t n_packets; /* Packets of megaflows already removed. */
	uint64_t n_bytes;   /* Their bytes. */
	uint64_t used_tsc;  /* Latest use among them. */
};

struct dp_flow {
	struct flow_key key;                    /* Masked key. */
	struct flow_key mask;                   /* Fields (bits) the decision depended on. */
	struct dp_flow_stats stats;             /* Counters, written by the owning PMD. */
	const struct dp_actions *acts;          /* What to do; allocated to its exact size. */
	uint32_t hash;                          /* Hash of the masked key (subtable bucket). */
	uint32_t seq;                           /* Bumped at every removal: EMC entries check it. */
	bool in_use;                            /* In the classifier (false: on the free list). */
	uint32_t gen;                           /* *gen_ptr when built; stale once it differs. */
	const volatile uint32_t *gen_ptr;       /* Generation it depends on, NULL for none. */
	uint32_t learn_gen;                     /* *learn_gen_ptr when built (flood flows). */
	const volatile uint32_t *learn_gen_ptr; /* Learn generation (flooding), or NULL. */
	bool stp_all;        /* Depends on every spanning tree state of its bridge (a flood)... */
	uint32_t stp_port;   /* ...or on this port's too, besides in_port and outputs (0: none). */
	int16_t bond_bucket; /* NORMAL sent by this bucket of a balancing bond, -1: none. */
	/*
	 * The bond module's load accounting, written by the control thread only: the bytes
	 * already counted, for the flow of removal count acct_seq (the slot's seq).
	 */
	uint64_t acct_bytes;
	uint32_t acct_seq;
	uint8_t n_credits;                                   /* Entries in credits[]. */
	struct dp_flow_credit *credits[DP_FLOW_MAX_CREDITS]; /* Credited at removal. */
	struct dpcls_subtable *subtable;                     /* Subtable holding it. */
	struct dp_flow *next;                                /* Bucket chain, or free list. */
	/*
	 * Action storage stays with the slot (a dump on another thread may still be reading
	 * it): inline room for a few actions, else a buffer of big_cap actions (16, 64, 256,
	 * 1024 or 4096) allocated the first time the slot needs one. A slot that needs a larger
	 * one retires its old buffer to the table, which frees it at the next flush.
	 */
	struct dp_actions *big;                       /* big_cap actions, or NULL. */
	uint32_t big_cap;                             /* Actions big holds. */
	uint64_t inl[(DP_FLOW_INLINE_BYTES + 7) / 8]; /* Inline actions. */
};

/* Whether a flow was built on state that has changed since (a MAC moved, was learned...). */
static inline bool
dp_flow_is_stale(const struct dp_flow *f)
{
	return (f->gen_ptr != NULL && *f->gen_ptr != f->gen) ||
	       (f->learn_gen_ptr != NULL && *f->learn_gen_ptr != f->learn_gen);
}

static inline const struct dp_actions *
dp_flow_actions(const struct dp_flow *f)
{
	return f->acts;
}

/*
 * A table that holds at most limit flows, their memory from socket as dp_mem_zalloc() takes
 * it (hugepages, or DP_MEM_HEAP). NULL on allocation failure.
 */
struct dp_flow_table *dp_flow_table_create(unsigned limit, int socket);
void dp_flow_table_destroy(struct dp_flow_table *tbl);

/*
 * Installs a megaflow for key under mask with a copy of acts, replacing a flow with the same
 * masked key and mask. gen_ptr and learn_gen_ptr (may be NULL) are read now and kept for the
 * staleness check. Returns the flow, or NULL when the table is full.
 */
struct dp_flow *dp_flow_table_insert(struct dp_flow_table *tbl, const struct flow_key *key,
	const struct flow_key *mask, const struct dp_actions *acts,
	const volatile uint32_t *gen_ptr, const volatile uint32_t *learn_gen_ptr);
/* Records the spanning tree states f's decision read (ofp_xlate_out.stp_all, stp_port). */
void dp_flow_set_stp_reads(struct dp_flow *f, bool all, uint32_t port);
/* Sets the counters f credits when it is removed (at most DP_FLOW_MAX_CREDITS). */
void dp_flow_set_credits(struct dp_flow *f, struct dp_flow_credit *const *credits, unsigned n);

/* Removes a flow (its slot is reused later; EMC entries see its seq change). */
void dp_flow_table_remove(struct dp_flow_table *tbl, struct dp_flow *flow);
/*
 * Removes every flow, and frees the action buffers slots outgrew: only while no other thread
 * can be in dp_flow_table_foreach() (the PMD reloads while the control thread waits for it).
 */
void dp_flow_table_flush(struct dp_flow_table *tbl);
/* Removes the flows pred(flow, aux) is true of: only from the owning thread. */
void dp_flow_table_remove_if(struct dp_flow_table *tbl,
	bool (*pred)(const struct dp_flow *f, void *aux), void *aux);
/* Number of flows installed. */
unsigned dp_flow_table_count(const struct dp_flow_table *tbl);
/* Number of subtables (distinct masks). */
unsigned dp_flow_table_n_subtables(const struct dp_flow_table *tbl);

/*
 * Whether some megaflow's mask covers a field past the L2 header (from FLOW_L3_WORD on): if
 * not, keys from flow_extract_l2() classify as full keys would.
 */
bool dp_flow_table_needs_l3(const struct dp_flow_table *tbl);

/*
 * Classifies n keys: out[i] is the highest-ranked subtable's matching flow, or NULL. Returns
 * how many were found. Adds to subtables' hit counts (for ranking).
 */
unsigned dp_flow_table_lookup(struct dp_flow_table *tbl, const struct flow_key *const keys[],
	struct dp_flow *out[], unsigned n);

/*
 * Keys looked up and the subtable probes they took since the last call, and starts counting
 * again: probes per lookup tell what a cache in front of the classifier could save.
 */
void dp_flow_table_take_probes(struct dp_flow_table *tbl, uint64_t *lookups, uint64_t *probes);

/*
 * Sets how many flows the table holds at most (Open_vSwitch other_config:flow-limit), up to
 * its capacity. Flows over a lowered limit stay until they idle out; none is added meanwhile.
 */
void dp_flow_table_set_limit(struct dp_flow_table *tbl, unsigned limit);
/* Whether the table holds as many flows as its limit allows. */
bool dp_flow_table_full(const struct dp_flow_table *tbl);

/*
 * Housekeeping, called by the owning PMD about every 100 ms: removes stale flows and flows
 * idle for more than max_idle_tsc, a slice of the table per call (the whole table when all),
 * and re-ranks subtables.
 */
void dp_flow_table_sweep(struct dp_flow_table *tbl, uint64_t now_tsc, uint64_t max_idle_tsc,
	bool all);

/*
 * Calls fn for every installed flow. Safe from another thread while the owner runs: slots are
 * never freed, so the worst case is a flow seen half-updated, which a dump may print once.
 */
void dp_flow_table_foreach(const struct dp_flow_table *tbl,
	void (*fn)(const struct dp_flow *f, void *aux), void *aux);

#endif
