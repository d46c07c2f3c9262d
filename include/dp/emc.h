/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exact-match cache: the first lookup of the packet's walk.
 *
 * Design. Each PMD has one EMC of EMC_ENTRIES entries in two ways: a key's hash picks two
 * candidate slots, and an entry remembers (hash, flow, flow's seq). A hit needs the hash to
 * match, the flow slot not to have been reused since (seq), the flow not to be stale, and the
 * packet's key to match the flow under its mask; so the EMC is a shortcut to a megaflow, never a
 * decision of its own, and it cannot be wrong when it is out of date, only slower. It stores
 * no key (the flow has the masked key), which keeps it at 16 bytes an entry, 128 KiB in all.
 *
 * Inserting on every megaflow hit would thrash the cache when there are more flows than
 * entries, so a hit is inserted with probability 1/inv_prob (other_config:emc-insert-inv-prob,
 * default 100, as OVS; 0 never inserts).
 */
#ifndef TRESTLE_EMC_H
#define TRESTLE_EMC_H

#include <stdint.h>

struct dp_flow;
struct emc;
struct flow_key;

#define EMC_ENTRIES 8192

/* A new, empty cache on NUMA socket socket (SOCKET_ID_ANY is fine). NULL on failure. */
struct emc *emc_create(int socket);
void emc_destroy(struct emc *emc);
/* The flow cached for key, or NULL. */
struct dp_flow *emc_lookup(struct emc *emc, const struct flow_key *key, uint32_t hash);
/* Caches flow for key, replacing the older of the two candidate entries. */
void emc_insert(struct emc *emc, const struct flow_key *key, uint32_t hash, struct dp_flow *flow);
/* Inserts with probability 1/inv_prob (0: never, 1: always). */
void emc_maybe_insert(struct emc *emc, const struct flow_key *key, uint32_t hash,
	struct dp_flow *flow, unsigned inv_prob);
/* Forgets everything. */
void emc_clear(struct emc *emc);

#endif
