/* SPDX-License-Identifier: BSD-3-Clause */
/* The exact-match cache (see emc.h for the design). Per PMD: no locks. */
#include <string.h>

#include <rte_common.h>

#include "dp_flow.h"
#include "dp_mem.h"
#include "emc.h"
#include "flow.h"

#define EMC_MASK (EMC_ENTRIES - 1)

struct emc_entry {
	uint32_t hash;        /* Hash of the full key. */
	uint32_t seq;         /* flow->seq when cached: differs once the slot is reused. */
	struct dp_flow *flow; /* The megaflow, NULL for an empty entry. */
};

struct emc {
	struct emc_entry e[EMC_ENTRIES]; /* The entries. */
	uint32_t rng;                    /* State of the insertion coin (xorshift). */
};

/*
 * Plain aligned memory (dp_mem's C heap) rather than hugepages: 128 KiB per PMD, allocated
 * once at start, and the unit tests need no EAL.
 */
struct emc *
emc_create(int socket)
{
	(void)socket;
	struct emc *emc = dp_mem_zalloc(DP_MEM_HEAP, sizeof(*emc));
	if (emc == NULL)
		return NULL;
	emc->rng = 0x9e3779b9;
	return emc;
}

void
emc_destroy(struct emc *emc)
{
	dp_mem_free(DP_MEM_HEAP, emc);
}

static inline uint32_t
emc_way2(uint32_t hash)
{
	return (hash >> 13) & EMC_MASK;
}

static inline bool
emc_entry_hit(const struct emc_entry *e, const struct flow_key *key, uint32_t hash)
{
	const struct dp_flow *f = e->flow;

	return f != NULL && e->hash == hash && e->seq == f->seq && f->in_use &&
	       !dp_flow_is_stale(f) && flow_key_match(key, &f->mask, &f->key);
}

struct dp_flow *
emc_lookup(struct emc *emc, const struct flow_key *key, uint32_t hash)
{
	struct emc_entry *e = &emc->e[hash & EMC_MASK];

	if (emc_entry_hit(e, key, hash))
		return e->flow;
	e = &emc->e[emc_way2(hash)];
	if (emc_entry_hit(e, key, hash))
		return e->flow;
	return NULL;
}

void
emc_insert(struct emc *emc, const struct flow_key *key, uint32_t hash, struct dp_flow *flow)
{
	struct emc_entry *a = &emc->e[hash & EMC_MASK], *b = &emc->e[emc_way2(hash)];
	struct emc_entry *victim;

	/* Prefer an entry already for this hash, then an empty or dead one, then way 1. */
	if (a->hash == hash || a->flow == NULL || a->seq != a->flow->seq)
		victim = a;
	else if (b->hash == hash || b->flow == NULL || b->seq != b->flow->seq)
		victim = b;
	else
		victim = (hash & 0x80000000) ? a : b;
	victim->hash = hash;
	victim->flow = flow;
	victim->seq = flow->seq;
	(void)key;
}

void
emc_maybe_insert(struct emc *emc, const struct flow_key *key, uint32_t hash, struct dp_flow *flow,
	unsigned inv_prob)
{
	if (inv_prob == 0)
		return;
	if (inv_prob > 1) {
		uint32_t x = emc->rng;
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		emc->rng = x;
		if (x % inv_prob != 0)
			return;
	}
	emc_insert(emc, key, hash, flow);
}

void
emc_clear(struct emc *emc)
{
	memset(emc->e, 0, sizeof(emc->e));
}
