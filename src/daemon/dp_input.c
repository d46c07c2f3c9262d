/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One burst's walk through the datapath, from the PMD loop (pmd.c):
 *
 *   dp_input()            one burst from one port, in stages:
 *     dp_extract()          parse each frame into a flow key; drop runts
 *     dp_emc_lookup()       exact-match cache
 *     dp_dpcls_lookup()     megaflow classifier, for EMC misses
 *     dp_upcall()           slow path (NORMAL, OpenFlow) for classifier misses; installs a
 *                           megaflow
 *     dp_exec_burst()       run each packet's actions (dp_exec.c); outputs go to per-port
 *                           transmit buffers, which the loop then sends
 *
 * Each PMD owns its flow table and EMC outright (no locks). It reads the published snapshot and
 * reaches shared state only through the slow path (MAC tables, which lock themselves).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_actions.h"
#include "dp_drop.h"
#include "dp_exec.h"
#include "dp_flow.h"
#include "dp_sched.h"
#include "emc.h"
#include "flow.h"
#include "mac_table.h"
#include "ofp.h"
#include "pmd.h"
#include "pmd_priv.h"

/*
 * Parses each frame, past L2 only when l3; drops the ones that cannot be switched. Returns
 * how many are left. With same (L2 parsing, no EMC), a frame whose Ethernet header is its
 * predecessor's is not parsed: its bit is set in *same, and it takes the predecessor's flow.
 */
static unsigned
dp_extract(struct pmd *pmd, uint32_t in_port, struct rte_mbuf **pkts, unsigned n,
	struct flow_key *keys, uint32_t *lens, bool l3, uint32_t *same)
{
	struct dp_port_stats *ps = &pmd->ex.port_stats[in_port];
	uint32_t max_frame = pmd->ex.ports[in_port].max_frame, max_len = 0;
	uint64_t bytes = 0;
	unsigned kept = 0;
	uint32_t runs = 0;

	ps->rx_packets += n;
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);

		bytes += len;
		if (unlikely(len > max_frame)) {
			pmd->ex.drops[DP_DROP_OVERSIZE]++;
			ps->rx_dropped++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		max_len = RTE_MAX(max_len, len);
		if (same != NULL && kept > 0 && flow_l2_same(pkts[i], pkts[kept - 1])) {
			runs |= 1u << kept;
		} else {
			enum flow_extract_result r =
				l3 ? flow_extract(pkts[i], in_port, &keys[kept])
				   : flow_extract_l2(pkts[i], in_port, &keys[kept]);
			if (unlikely(r != FLOW_OK)) {
				pmd->ex.drops[r == FLOW_RUNT ? DP_DROP_RUNT
							     : DP_DROP_VLAN_TRUNCATED]++;
				ps->rx_dropped++;
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
		}
		lens[kept] = len;
		pkts[kept++] = pkts[i];
	}
	ps->rx_bytes += bytes;
	pmd->ex.rx_max_len = max_len;
	if (same != NULL)
		*same = runs;
	return kept;
}

/*
 * Whether this burst goes through the EMC. Not when insertion is off (emc-insert-inv-prob=0,
 * as OVS), nor when the classifier has a single subtable: then a classifier lookup is one
 * hash probe over the few words its mask covers, cheaper than the EMC's hash of the whole key
 * and its probes, which would only lead to the same flow. Nor, but for one burst in
 * EMC_SAMPLE, while the EMC does not pay for itself (see dp_emc_assess()).
 */
#define EMC_SAMPLE 16
#define EMC_MIN_HIT_SHARE 4   /* The EMC pays only if one lookup in this many hits, or more... */
#define EMC_MIN_PROBES_X10 15 /* ...and the classifier takes 1.5 subtable probes or more. */

static inline bool
dp_use_emc(struct pmd *pmd)
{
	if (pmd->emc_inv_prob == 0 || dp_flow_table_n_subtables(pmd->flows) <= 1)
		return false;
	return !pmd->emc_idle || ++pmd->emc_sample % EMC_SAMPLE == 0;
}

/*
 * Once a housekeeping period, whether the EMC pays. It saves probes of the classifier's
 * subtables: nothing when the traffic's megaflows sit in the first subtable tried (the
 * subtables are ranked by hits), and nothing when nearly every lookup misses (more flows
 * than the EMC holds, 100k 5-tuples); in both cases its whole-key hash and two probes only
 * add cycles. The sampled bursts keep inserting and measuring, so that it comes back when
 * the traffic changes.
 */
void
dp_emc_assess(struct pmd *pmd)
{
	uint64_t lookups, probes;
	bool idle = pmd->emc_idle;

	dp_flow_table_take_probes(pmd->flows, &lookups, &probes);
	if (pmd->emc_lookups >= 1024)
		idle = pmd->emc_hits * EMC_MIN_HIT_SHARE < pmd->emc_lookups;
	if (lookups >= 1024 && probes * 10 < lookups * EMC_MIN_PROBES_X10)
		idle = true;
	pmd->emc_idle = idle;
	pmd->emc_lookups = 0;
	pmd->emc_hits = 0;
}

/* Hashes each key and looks it up in the EMC; returns how many missed. */
static unsigned
dp_emc_lookup(struct pmd *pmd, const struct flow_key *keys, uint32_t *hashes,
	struct dp_flow **flows, unsigned n)
{
	unsigned missed = 0;

	for (unsigned i = 0; i < n; i++) {
		hashes[i] = flow_hash(&keys[i]);
		flows[i] = emc_lookup(pmd->emc, &keys[i], hashes[i]);
		missed += flows[i] == NULL;
	}
	pmd->n_emc_hits += n - missed;
	pmd->emc_lookups += n;
	pmd->emc_hits += n - missed;
	return missed;
}

/*
 * Looks the EMC misses up in the classifier; returns how many still miss. hashes is NULL
 * when the burst skipped the EMC. The frames in same (see dp_extract()) have no key: each
 * takes the flow of the frame before it, or misses with it.
 */
static unsigned
dp_dpcls_lookup(struct pmd *pmd, const struct flow_key *keys, const uint32_t *hashes,
	struct dp_flow **flows, unsigned n, uint32_t same)
{
	const struct flow_key *mkeys[DP_BURST];
	struct dp_flow *found[DP_BURST];
	unsigned idx[DP_BURST], m = 0, missed = 0;

	for (unsigned i = 0; i < n; i++) {
		if (flows[i] == NULL && !(same >> i & 1)) {
			idx[m] = i;
			mkeys[m++] = &keys[i];
		}
	}
	dp_flow_table_lookup(pmd->flows, mkeys, found, m);
	unsigned inv = pmd->emc_inv_prob;
	struct dp_flow *last = NULL;
	for (unsigned j = 0; j < m; j++) {
		struct dp_flow *f = found[j];
		unsigned i = idx[j];

		/* Staleness once per run of one flow: a burst is often a single flow. */
		if (f != NULL && f != last && unlikely(dp_flow_is_stale(f))) {
			dp_flow_table_remove(pmd->flows, f);
			for (unsigned k = j + 1; k < m; k++)
				if (found[k] == f)
					found[k] = NULL;
			f = NULL;
		}
		last = f;
		if (f == NULL) {
			missed++;
			continue;
		}
		flows[i] = f;
		if (hashes != NULL)
			emc_maybe_insert(pmd->emc, &keys[i], hashes[i], f, inv);
	}
	/*
	 * Bit 0 is never set. The flow is carried in a register along a run: reloading
	 * flows[i - 1], just stored, waited on that store (~5 cycles a frame).
	 */
	struct dp_flow *cur = NULL;
	for (uint32_t s = same; s != 0; s &= s - 1) {
		unsigned i = (unsigned)__builtin_ctz(s);

		if (!(same >> (i - 1) & 1))
			cur = flows[i - 1];
		flows[i] = cur;
		missed += cur == NULL;
	}
	pmd->n_megaflow_hits += m + (unsigned)__builtin_popcount(same) - missed;
	return missed;
}

/*
 * The claim of a module on key's frame, before any OpenFlow table (as OVS handles STP and
 * LACP frames), or NULL. Adds what it looked at to mask: a frame to a claimed address is
 * told apart by its destination and, where the claim names one, its ethertype; a per-bridge
 * claim by the bridge of its in_port, which the mask has already.
 */
static const struct dp_punt_match *
dp_punt_find(const struct dp_snapshot *snap, const struct dp_bridge *br, const struct flow_key *key,
	struct flow_key *mask)
{
	if (snap->n_punts == 0)
		return NULL;
	memset(&mask->dl_dst, 0xff, sizeof(mask->dl_dst));
	for (unsigned i = 0; i < snap->n_punts; i++) {
		const struct dp_punt_match *pm = &snap->punts[i];
		if (!rte_is_same_ether_addr(&pm->dst, &key->dl_dst))
			continue;
		if (pm->per_bridge && (br == NULL || !(br->punt_claims & 1u << pm->claim)))
			continue;
		mask->dl_type = UINT16_MAX;
		if (pm->any_type || pm->dl_type == key->dl_type)
			return pm;
	}
	return NULL;
}

/*
 * The slow path for one packet: NORMAL decides, the megaflow is installed. Returns the flow,
 * or NULL when none could be installed (then *acts holds what to do with this packet).
 * hash is the key's, or NULL when the burst skipped the EMC.
 */
static struct dp_flow *
dp_upcall_one(struct pmd *pmd, const struct flow_key *key, const uint32_t *hash,
	struct dp_actions *acts)
{
	const struct dp_port_ref *ref = &pmd->snap->ports[key->in_port];
	struct dp_bridge *br = ref->br;
	struct ofp_xlate_out xo;
	const volatile uint32_t *gen = NULL, *learn_gen = NULL;

	memset(&xo.mask, 0, sizeof(xo.mask));
	xo.mask.in_port = UINT32_MAX;
	xo.n_credits = 0;
	xo.stp_all = false;
	xo.stp_port = 0;
	xo.bond_bucket = -1;
	dp_actions_init(acts);
	const struct dp_punt_match *pm = dp_punt_find(pmd->snap, br, key, &xo.mask);
	if (pm != NULL) {
		dp_actions_punt(acts, pm->claim);
	} else if (br == NULL) {
		acts->drop = DP_DROP_NO_BRIDGE;
	} else {
		const struct ofp_xlate_in xin = {
			.tables = __atomic_load_n(br->tables, __ATOMIC_ACQUIRE),
			.l2 = &br->l2,
			.ports = {dp_bridge_of_to_dp, dp_bridge_dp_to_of, br},
			.now_s = pmd->now_s,
		};
		if (ofp_xlate(&xin, key, &xo) < 0) {
			acts->drop = DP_DROP_UPCALL_ERROR;
			pmd->n_upcall_errors++;
			return NULL;
		}
		memcpy(acts, &xo.acts,
			offsetof(struct dp_actions, a) + xo.acts.n * sizeof(xo.acts.a[0]));
		if (xo.normal)
			gen = mac_table_gen_ptr(br->macs);
		if (xo.flooded)
			learn_gen = mac_table_learn_gen_ptr(br->macs);
	}
	pmd->n_upcalls++;
	struct dp_flow *f = dp_flow_table_insert(pmd->flows, key, &xo.mask, acts, gen, learn_gen);
	if (f == NULL) {
		/*
		 * Table full: the packet is still sent where the slow path said, as OVS does,
		 * and its rules are credited directly; idle megaflows make room (pmd_main()).
		 */
		for (unsigned i = 0; i < xo.n_credits; i++)
			__atomic_add_fetch(&xo.credits[i]->n_packets, 1, __ATOMIC_RELAXED);
		pmd->n_flow_limit_hits++;
		return NULL;
	}
	dp_flow_set_credits(f, xo.credits, xo.n_credits);
	dp_flow_set_stp_reads(f, xo.stp_all, xo.stp_port);
	f->bond_bucket = (int16_t)xo.bond_bucket;
	if (hash != NULL)
		emc_maybe_insert(pmd->emc, key, *hash, f, pmd->emc_inv_prob);
	return f;
}

/*
 * Runs the slow path for classifier misses and executes those packets right away. The slow
 * path sees whole keys: a key parsed at L2 only (l3 false) is parsed again in full.
 */
static void
dp_upcall(struct pmd *pmd, uint32_t in_port, struct rte_mbuf **pkts, struct flow_key *keys,
	const uint32_t *hashes, struct dp_flow **flows, unsigned n, bool l3)
{
	for (unsigned i = 0; i < n; i++) {
		if (flows[i] != NULL)
			continue;
		/*
		 * Its hash was of the L2 key, that later bursts look up: no EMC entry then. (A
		 * frame that took its predecessor's miss has no key at all yet.)
		 */
		if (!l3)
			flow_extract(pkts[i], in_port, &keys[i]);
		/* An earlier packet of this burst may have installed the flow. */
		const struct flow_key *k = &keys[i];
		struct dp_flow *f = NULL;
		dp_flow_table_lookup(pmd->flows, &k, &f, 1);
		if (f != NULL && !dp_flow_is_stale(f)) {
			flows[i] = f;
			pmd->n_megaflow_hits++;
			continue;
		}
		if (f != NULL)
			dp_flow_table_remove(pmd->flows, f);
		struct dp_actions acts;
		f = dp_upcall_one(pmd, k, hashes && l3 ? &hashes[i] : NULL, &acts);
		if (f == NULL) {
			/* Not installed: act on this packet alone, as OVS does. */
			dp_exec_one(&pmd->ex, pkts[i], &acts);
			pkts[i] = NULL;
		}
		flows[i] = f;
	}
}

unsigned
dp_input(struct pmd *pmd, uint32_t in_port, struct rte_mbuf **pkts, unsigned n)
{
	struct flow_key keys[DP_BURST];
	uint32_t hash_buf[DP_BURST], *hashes = NULL;
	struct dp_flow *flows[DP_BURST];
	uint32_t lens[DP_BURST];
	unsigned missed;

	pmd->n_packets += n;
	pmd->ex.in_port = in_port;

	bool l3 = dp_flow_table_needs_l3(pmd->flows);
	bool emc = dp_use_emc(pmd);
	uint32_t same = 0;

	n = dp_extract(pmd, in_port, pkts, n, keys, lens, l3, l3 || emc ? NULL : &same);
	if (emc) {
		hashes = hash_buf;
		missed = dp_emc_lookup(pmd, keys, hashes, flows, n);
	} else {
		for (unsigned i = 0; i < n; i++)
			flows[i] = NULL;
		missed = n;
	}
	if (missed)
		missed = dp_dpcls_lookup(pmd, keys, hashes, flows, n, same);
	if (missed) {
		pmd->n_misses += missed;
		dp_upcall(pmd, in_port, pkts, keys, hashes, flows, n, l3);
	}
	dp_exec_burst(&pmd->ex, pkts, flows, lens, n);
	return missed;
}
