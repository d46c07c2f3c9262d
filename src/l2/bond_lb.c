/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A balancing bond's buckets (normal.h): which member each of the L2_BOND_BUCKETS hashes
 * leaves by, and how they move. Pure C; the bond module (src/daemon/bond.c) measures the
 * loads and publishes the result. The rebalancing is the one OVS's ofproto/bond.c describes:
 * move buckets from the most loaded member to the least loaded while that narrows the gap,
 * then halve the loads (an exponential average over the intervals).
 */
#include <stdint.h>
#include <string.h>

#include "normal.h"

unsigned
l2_bond_assign(int16_t *bucket, const bool *used, const bool *enabled, unsigned n,
	bool spread_unused)
{
	unsigned n_enabled = 0, next = 0, moved = 0;

	for (unsigned i = 0; i < n; i++)
		n_enabled += enabled[i];
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++) {
		bool orphan = bucket[b] < 0 || (unsigned)bucket[b] >= n || !enabled[bucket[b]];
		if (!orphan && !(spread_unused && !used[b]))
			continue;
		int16_t to = -1;
		for (unsigned k = 0; k < n && n_enabled > 0; k++) {
			unsigned i = (next + k) % n;
			if (enabled[i]) {
				to = (int16_t)i;
				next = i + 1;
				break;
			}
		}
		moved += bucket[b] != to;
		bucket[b] = to;
	}
	return moved;
}

unsigned
l2_bond_rebalance(int16_t *bucket, uint64_t *load, const bool *enabled, unsigned n)
{
	uint64_t member_load[L2_BOND_MAX_MEMBERS] = {0};
	bool done[L2_BOND_MAX_MEMBERS] = {false};
	unsigned moved = 0;

	n = n < L2_BOND_MAX_MEMBERS ? n : L2_BOND_MAX_MEMBERS;
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		if (bucket[b] >= 0 && (unsigned)bucket[b] < n)
			member_load[bucket[b]] += load[b];
	for (unsigned iter = 0; iter < L2_BOND_BUCKETS; iter++) {
		int from = -1, to = -1;
		for (unsigned i = 0; i < n; i++) {
			if (!enabled[i])
				continue;
			if (!done[i] && (from < 0 || member_load[i] > member_load[from]))
				from = (int)i;
			if (to < 0 || member_load[i] < member_load[to])
				to = (int)i;
		}
		if (from < 0 || to < 0 || from == to)
			break;
		uint64_t gap = member_load[from] - member_load[to];
		/* Less than ~3% of the lighter one's load, or under 100 kB: balanced enough. */
		if (gap < member_load[to] / 32 || gap < 100000)
			break;
		/* The bucket whose move leaves the smallest gap: load closest to gap / 2. */
		int best = -1;
		uint64_t best_left = gap;
		for (unsigned b = 0; b < L2_BOND_BUCKETS; b++) {
			if (bucket[b] != from || load[b] == 0 || load[b] >= gap)
				continue;
			uint64_t left = gap > 2 * load[b] ? gap - 2 * load[b] : 2 * load[b] - gap;
			if (left < best_left) {
				best_left = left;
				best = (int)b;
			}
		}
		if (best < 0) {
			done[from] = true; /* Nothing of it fits: try the next most loaded. */
			continue;
		}
		bucket[best] = (int16_t)to;
		member_load[from] -= load[best];
		member_load[to] += load[best];
		moved++;
	}
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		load[b] /= 2;
	return moved;
}
