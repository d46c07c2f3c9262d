/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PMD threads: the packet's walk.
 *
 *   pmd_main()            poll every assigned rx queue, forever
 *     dp_input()          one burst from one port, in stages:
 *       dp_extract()        parse each frame into a flow key; drop runts
 *       dp_emc_lookup()     exact-match cache
 *       dp_dpcls_lookup()   megaflow classifier, for EMC misses
 *       dp_upcall()         slow path (NORMAL) for classifier misses; installs a megaflow
 *       dp_exec_burst()     run each packet's actions; outputs go to per-port tx buffers
 *     dp_exec_flush()     send the buffered bursts
 *
 * Action execution and the transmit buffers are the datapath library's (src/dp/dp_exec.c),
 * header rewrites too (dp_rewrite.h); this file polls, sizes bursts, classifies and keeps
 * house.
 *
 * Each PMD owns its flow table and EMC outright (no locks). It reads the published snapshot and
 * reaches shared state only through the slow path (MAC tables, which lock themselves).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_actions.h"
#include "dp_drop.h"
#include "dp_exec.h"
#include "dp_flow.h"
#include "dp_sched.h"
#include "ds.h"
#include "emc.h"
#include "flow.h"
#include "log.h"
#include "mac_table.h"
#include "normal.h"
#include "ofp.h"
#include "module.h"
#include "pmd.h"
#include "pmd_priv.h"

#define PMD_PUNT_RING 1024 /* Frames a punt or inject ring holds (a power of 2). */

static struct pmd *pmds[PMD_MAX];
static unsigned n_pmds;
static struct rte_rcu_qsbr *pmd_qsv;
static struct dp_snapshot *dp_cur;
/* Bumped by the control thread on every publish and flush; a PMD that sees it change reloads. */
static volatile uint64_t dp_epoch;
static volatile bool pmd_quit;

static struct dp_snapshot dp_empty;
/* Written by a PMD when its punt ring was empty (see pmd_punt_fd()). */
static int punt_efd = -1;

struct pmd *
pmd_get(unsigned idx)
{
	return idx < n_pmds ? pmds[idx] : NULL;
}

unsigned
pmd_count(void)
{
	return n_pmds;
}

unsigned
pmd_lcore(unsigned idx)
{
	return pmds[idx]->lcore;
}

const struct dp_snapshot *
pmd_snapshot(void)
{
	return dp_cur;
}

/* ---- The burst's stages ---- */

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
	uint32_t max_frame = pmd->snap->ports[in_port].port->max_frame, max_len = 0;
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
			enum flow_extract_result r = l3 ?
				flow_extract(pkts[i], in_port, &keys[kept]) :
				flow_extract_l2(pkts[i], in_port, &keys[kept]);
			if (unlikely(r != FLOW_OK)) {
				pmd->ex.drops[r == FLOW_RUNT ? DP_DROP_RUNT : DP_DROP_VLAN_TRUNCATED]++;
				pmd->ex.port_stats[in_port].rx_dropped++;
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
#define EMC_MIN_HIT_SHARE 4  /* The EMC pays only if one lookup in this many hits, or more... */
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
static void
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
 * told apart by its destination and, where the claim names one, its ethertype.
 */
static const struct dp_punt_match *
dp_punt_find(const struct dp_snapshot *snap, const struct flow_key *key, struct flow_key *mask)
{
	if (snap->n_punts == 0)
		return NULL;
	memset(&mask->dl_dst, 0xff, sizeof(mask->dl_dst));
	for (unsigned i = 0; i < snap->n_punts; i++) {
		const struct dp_punt_match *pm = &snap->punts[i];
		if (!rte_is_same_ether_addr(&pm->dst, &key->dl_dst))
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
	dp_actions_init(acts);
	const struct dp_punt_match *pm = dp_punt_find(pmd->snap, key, &xo.mask);
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
		memcpy(acts, &xo.acts, offsetof(struct dp_actions, a) + xo.acts.n * sizeof(xo.acts.a[0]));
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
		 * Its hash was of the L2 key, that later bursts look up: no EMC entry then. (A frame
		 * that took its predecessor's miss has no key at all yet.)
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

/* One burst's walk; returns how many of its frames missed the classifier (upcalls). */
static unsigned
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

/* ---- The loop ---- */

/* Takes the newest snapshot and drops every cached decision made under the old one. */
static void
pmd_reload(struct pmd *pmd, uint64_t epoch)
{
	dp_exec_flush(&pmd->ex);
	pmd->snap = __atomic_load_n(&dp_cur, __ATOMIC_ACQUIRE);
	pmd->pool = port_mempool(); /* Created after the PMDs start; there before any port. */
	pmd->ex.pool = pmd->pool;
	pmd->ex.ports = pmd->snap->tx;
	dp_flow_table_flush(pmd->flows);
	dp_flow_table_set_limit(pmd->flows, pmd->snap->flow_limit);
	pmd->max_idle_tsc = rte_get_tsc_hz() / 1000 * pmd->snap->max_idle_ms;
	emc_clear(pmd->emc);
	pmd->emc_inv_prob = pmd->snap->n_bridges ? pmd->snap->bridges[0].emc_inv_prob : 100;
	for (unsigned q = 0; q < PMD_MAX_RXQS; q++)
		pmd->rxq[q] = (struct pmd_rxq_state){.burst = DP_BURST};
	pmd->n_busy_prev = 0;
	pmd->storm_debt = 0;

	/* A new epoll set for the queues to wait on (closing the old one drops its fds). */
	if (pmd->epfd >= 0)
		close(pmd->epfd);
	pmd->epfd = -1;
	pmd->n_ready = 0;
	const struct dp_rxq *rxqs = pmd->snap->rxqs[pmd->idx];
	unsigned n = pmd->snap->n_rxqs[pmd->idx];
	if (n > pmd->snap->n_polled[pmd->idx])
		pmd->epfd = epoll_create1(EPOLL_CLOEXEC);
	for (unsigned q = pmd->snap->n_polled[pmd->idx]; q < n && pmd->epfd >= 0; q++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = q};
		if (epoll_ctl(pmd->epfd, EPOLL_CTL_ADD, rxqs[q].fd, &ev) < 0)
			TLOG(ERR, "pmd %u: cannot wait on %s: %s", pmd->idx, rxqs[q].port->name,
				strerror(errno));
	}
	pmd->epoch = epoch;
}

/* What one iteration of the loop saw, for the storm rules (dp_sched.h). */
struct pmd_iter {
	unsigned got;          /* Frames received. */
	unsigned n_busy;       /* Polled queues that gave frames so far. */
	bool storm;            /* A storm queue was polled or skipped. */
	bool others_busy;      /* A queue that is no storm queue gave frames, now or last time. */
	uint64_t storm_cycles; /* Cycles the storm queues polled took. */
};

/* Handles one burst from rxq; returns how many of its frames missed the classifier. */
static inline unsigned
pmd_burst(struct pmd *pmd, const struct dp_rxq *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	unsigned missed = dp_input(pmd, rxq->dp_no, pkts, n);

	dp_exec_flush(&pmd->ex);
	return missed;
}

/*
 * Polls every queue of the first kind once. A queue whose bursts are mostly new flows while
 * others receive (a storm queue) is asked for fewer frames, and skips its turn while it
 * owes cycles (dp_next_burst(), dp_storm_debt()).
 */
static void
pmd_poll(struct pmd *pmd, const struct dp_rxq *rxqs, unsigned nq, struct pmd_iter *it)
{
	struct rte_mbuf *pkts[DP_BURST];

	for (unsigned q = 0; q < nq; q++) {
		const struct dp_rxq *rxq = &rxqs[q];
		struct pmd_rxq_state *st = &pmd->rxq[q];
		bool was_busy = st->busy_prev;
		uint16_t want = st->burst;
		uint64_t t0 = 0;

		st->busy_prev = false;
		if (unlikely(want < DP_BURST)) {
			it->storm = true;
			if (pmd->storm_debt > 0)
				continue;
			t0 = rte_rdtsc();
		} else {
			it->others_busy |= was_busy;
		}
		uint16_t n = rxq->port->ops->rx(rxq->port, rxq->qid, pkts, want, pmd->pool);
		if (n == 0)
			continue;
		/* Another queue gave frames: one before this one now, or any other last time. */
		bool others = it->n_busy > 0 || pmd->n_busy_prev > was_busy;
		it->got += n;
		it->n_busy++;
		st->busy_prev = true;
		it->others_busy |= want == DP_BURST;
		unsigned missed = pmd_burst(pmd, rxq, pkts, n);
		st->burst = dp_next_burst(want, n, missed, others);
		if (t0)
			it->storm_cycles += rte_rdtsc() - t0;
	}
}

/*
 * The queues to wait on (TAP descriptors): every DP_WAIT_US, one epoll_wait() over all of
 * them says which have frames; those are served until they run dry (a burst short of full),
 * every iteration meanwhile. A PMD with hundreds of idle internal ports pays one system
 * call per DP_WAIT_US, and none while they are all down.
 */
#define DP_WAIT_US 25

static void
pmd_serve_waited(struct pmd *pmd, const struct dp_rxq *rxqs, unsigned first, unsigned nq,
	uint64_t now, struct pmd_iter *it)
{
	struct rte_mbuf *pkts[DP_BURST];

	if (pmd->n_ready == 0) {
		if (now < pmd->next_wait_tsc || pmd->epfd < 0)
			return;
		pmd->next_wait_tsc = now + rte_get_tsc_hz() / 1000000 * DP_WAIT_US;
		if (__atomic_load_n(&port_n_taps_up, __ATOMIC_RELAXED) == 0)
			return; /* All down: nothing can arrive. */
		struct epoll_event evs[64];
		int r = epoll_wait(pmd->epfd, evs, RTE_DIM(evs), 0);
		for (int i = 0; i < r; i++)
			pmd->ready[pmd->n_ready++] = (uint16_t)evs[i].data.u32;
	}
	unsigned kept = 0;
	for (unsigned i = 0; i < pmd->n_ready; i++) {
		const struct dp_rxq *rxq = &rxqs[pmd->ready[i]];
		uint16_t n = rxq->port->ops->rx(rxq->port, rxq->qid, pkts, DP_BURST, pmd->pool);
		if (n == 0)
			continue;
		it->got += n;
		pmd_burst(pmd, rxq, pkts, n);
		if (n == DP_BURST)
			pmd->ready[kept++] = pmd->ready[i];
	}
	pmd->n_ready = kept;
}

/* Sends what the control thread handed this PMD (pmd_inject()). */
static void
pmd_inject_drain(struct pmd *pmd)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(pmd->inject_ring, (void **)pkts, DP_BURST, NULL);
	uint32_t max_len = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t dp_no = pkts[i]->port;
		max_len = RTE_MAX(max_len, rte_pktmbuf_pkt_len(pkts[i]));
		pmd->n_injected++;
		dp_exec_enqueue(&pmd->ex, dp_no, pkts[i]);
	}
	pmd->ex.rx_max_len = max_len;
	dp_exec_flush(&pmd->ex);
}

static int
pmd_main(void *arg)
{
	struct pmd *pmd = arg;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t last_sweep = 0;
	const int64_t debt_max = (int64_t)(hz / 1000000 * DP_STORM_DEBT_MAX_US);

	rte_rcu_qsbr_thread_register(pmd_qsv, pmd->idx);
	rte_rcu_qsbr_thread_online(pmd_qsv, pmd->idx);
	TLOG(INFO, "pmd %u on lcore %u started", pmd->idx, pmd->lcore);

	while (!pmd_quit) {
		uint64_t epoch = __atomic_load_n(&dp_epoch, __ATOMIC_ACQUIRE);
		uint64_t start = rte_rdtsc();
		struct pmd_iter it = {0};

		if (unlikely(epoch != pmd->epoch))
			pmd_reload(pmd, epoch);
		pmd->ex.now_tsc = start;
		pmd->now_s = start / hz;

		const struct dp_snapshot *snap = pmd->snap;
		const struct dp_rxq *rxqs = snap->rxqs[pmd->idx];
		unsigned n_polled = snap->n_polled[pmd->idx], nq = snap->n_rxqs[pmd->idx];
		pmd_poll(pmd, rxqs, n_polled, &it);
		if (unlikely(nq > n_polled))
			pmd_serve_waited(pmd, rxqs, n_polled, nq, start, &it);
		if (unlikely(!rte_ring_empty(pmd->inject_ring)))
			pmd_inject_drain(pmd);

		uint64_t end = rte_rdtsc();
		if (unlikely(it.storm)) {
			pmd->storm_debt = dp_storm_debt(pmd->storm_debt, it.storm_cycles, end - start,
				it.others_busy, debt_max);
		}
		pmd->n_busy_prev = it.n_busy;
		if (it.got)
			pmd->cycles_busy += end - start;
		else
			pmd->cycles_idle += end - start;
		pmd->n_iterations++;

		/*
		 * Housekeeping about every 100 ms: stale and idle megaflows, subtable ranking.
		 * A full table is swept whole, of flows idle for 100 ms, as OVS's revalidators
		 * do over the flow limit: new flows get their megaflows again soon.
		 */
		if (unlikely(end - last_sweep > hz / 10)) {
			bool full = dp_flow_table_full(pmd->flows);
			dp_flow_table_sweep(pmd->flows, end,
				full ? hz / 1000 * PMD_FULL_IDLE_MS : pmd->max_idle_tsc, full);
			dp_emc_assess(pmd);
			last_sweep = end;
		}
		rte_rcu_qsbr_quiescent(pmd_qsv, pmd->idx);
	}
	dp_exec_flush(&pmd->ex);
	if (pmd->epfd >= 0)
		close(pmd->epfd);
	pmd->epfd = -1;
	rte_rcu_qsbr_thread_offline(pmd_qsv, pmd->idx);
	rte_rcu_qsbr_thread_unregister(pmd_qsv, pmd->idx);
	return 0;
}

int
pmd_init(struct ds *err)
{
	unsigned lcore;

	dp_cur = &dp_empty;
	port_set_quiesce(pmd_sync); /* A vhost-user device is freed only once no PMD uses it. */
	punt_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (punt_efd < 0) {
		ds_put_format(err, "eventfd: %s", strerror(errno));
		return -errno;
	}
	size_t sz = rte_rcu_qsbr_get_memsize(PMD_MAX);
	pmd_qsv = rte_zmalloc("pmd_qsv", sz, RTE_CACHE_LINE_SIZE);
	if (pmd_qsv == NULL || rte_rcu_qsbr_init(pmd_qsv, PMD_MAX) < 0) {
		ds_put_cstr(err, "cannot allocate the PMDs' RCU state (hugepage memory)");
		return -ENOMEM;
	}
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (n_pmds >= PMD_MAX)
			break;
		struct pmd *pmd = rte_zmalloc_socket("pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE,
			(int)rte_lcore_to_socket_id(lcore));
		if (pmd == NULL) {
			ds_put_cstr(err, "cannot allocate PMD state (hugepage memory)");
			return -ENOMEM;
		}
		pmd->idx = n_pmds;
		pmd->lcore = lcore;
		pmd->flows = dp_flow_table_create(PMD_FLOW_LIMIT, (int)rte_lcore_to_socket_id(lcore));
		pmd->emc = emc_create((int)rte_lcore_to_socket_id(lcore));
		if (pmd->flows == NULL || pmd->emc == NULL) {
			ds_put_cstr(err, "cannot allocate a PMD's flow table");
			return -ENOMEM;
		}
		pmd->snap = &dp_empty; /* No queues: rxq[] is set by the first pmd_reload(). */
		pmd->ex.ports = dp_empty.tx;
		pmd->ex.txq = pmd->idx;
		pmd->ex.punt_efd = punt_efd;
		pmd->epfd = -1;
		char name[RTE_RING_NAMESIZE];
		int socket = (int)rte_lcore_to_socket_id(lcore);
		snprintf(name, sizeof(name), "punt%u", pmd->idx);
		pmd->ex.punt_ring = rte_ring_create(name, PMD_PUNT_RING, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "inject%u", pmd->idx);
		pmd->inject_ring = rte_ring_create(name, PMD_PUNT_RING, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (pmd->ex.punt_ring == NULL || pmd->inject_ring == NULL) {
			ds_put_cstr(err, "cannot allocate a PMD's punt and inject rings");
			return -ENOMEM;
		}
		pmds[n_pmds++] = pmd;
	}
	if (n_pmds == 0)
		TLOG(WARNING, "no worker lcore in -l: ports open but nothing forwards "
			      "(give trestled two cores, e.g. -l 0,1)");
	for (unsigned i = 0; i < n_pmds; i++)
		rte_eal_remote_launch(pmd_main, pmds[i], pmds[i]->lcore);
	return 0;
}

void
pmd_stop(void)
{
	pmd_quit = true;
	rte_eal_mp_wait_lcore();
	for (unsigned i = 0; i < n_pmds; i++) {
		struct rte_mbuf *m;
		while (rte_ring_dequeue(pmds[i]->ex.punt_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (rte_ring_dequeue(pmds[i]->inject_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(pmds[i]->ex.punt_ring);
		rte_ring_free(pmds[i]->inject_ring);
		dp_flow_table_destroy(pmds[i]->flows);
		emc_destroy(pmds[i]->emc);
		rte_free(pmds[i]);
		pmds[i] = NULL;
	}
	n_pmds = 0;
	if (dp_cur != &dp_empty && dp_cur->free_fn)
		dp_cur->free_fn(dp_cur);
	dp_cur = &dp_empty;
	rte_free(pmd_qsv);
	if (punt_efd >= 0)
		close(punt_efd);
	punt_efd = -1;
}

int
pmd_punt_fd(void)
{
	return punt_efd;
}

unsigned
pmd_punt_take(unsigned idx, struct rte_mbuf **pkts, unsigned n)
{
	return idx < n_pmds ?
		rte_ring_sc_dequeue_burst(pmds[idx]->ex.punt_ring, (void **)pkts, n, NULL) : 0;
}

int
pmd_inject(uint32_t dp_no, struct rte_mbuf *m)
{
	m->port = (uint16_t)dp_no;
	if (n_pmds > 0)
		return rte_ring_sp_enqueue(pmds[0]->inject_ring, m) == 0 ? 0 : -ENOBUFS;
	/* No PMD: nothing else sends, the control thread may. */
	struct port *port = dp_cur->ports[dp_no].port;
	if (port == NULL || !port->started || port->down || port->ops->tx(port, 0, &m, 1) != 1)
		return -EIO;
	return 0;
}

void
pmd_punt_counters(uint64_t *punted, uint64_t *dropped, uint64_t *injected)
{
	*punted = *dropped = *injected = 0;
	for (unsigned i = 0; i < n_pmds; i++) {
		*punted += pmds[i]->ex.n_punted;
		*dropped += pmds[i]->ex.drops[DP_DROP_PUNT_FULL];
		*injected += pmds[i]->n_injected;
	}
}

void
pmd_sync(void)
{
	if (n_pmds > 0 && !pmd_quit)
		rte_rcu_qsbr_synchronize(pmd_qsv, RTE_QSBR_THRID_INVALID);
}

/*
 * After an epoch bump: returns once every PMD has flushed its flows. A PMD reports quiescence
 * at the end of an iteration that may have begun before the bump; the iteration after that
 * one sees the new epoch and flushes, so it takes two grace periods. Flows credit their
 * rules' counters when flushed, so rules may be freed only after this.
 */
static void
pmd_sync_flushed(void)
{
	pmd_sync();
	pmd_sync();
}

void
pmd_publish(struct dp_snapshot *snap)
{
	struct dp_snapshot *old = dp_cur;

	__atomic_store_n(&dp_cur, snap, __ATOMIC_RELEASE);
	__atomic_add_fetch(&dp_epoch, 1, __ATOMIC_RELEASE);
	pmd_sync_flushed();
	if (old != &dp_empty && old->free_fn)
		old->free_fn(old);
}

void
pmd_flush_flows(void)
{
	__atomic_add_fetch(&dp_epoch, 1, __ATOMIC_RELEASE);
	pmd_sync_flushed();
}

void
pmd_port_stats_get(uint32_t dp_no, struct dp_port_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	if (dp_no >= PORT_MAX)
		return;
	for (unsigned i = 0; i < n_pmds; i++) {
		const struct dp_port_stats *ps = &pmds[i]->ex.port_stats[dp_no];
		sum->rx_packets += ps->rx_packets;
		sum->rx_bytes += ps->rx_bytes;
		sum->rx_dropped += ps->rx_dropped;
		sum->tx_packets += ps->tx_packets;
		sum->tx_bytes += ps->tx_bytes;
		sum->tx_dropped += ps->tx_dropped;
	}
}

void
pmd_port_stats_reset(uint32_t dp_no)
{
	if (dp_no >= PORT_MAX)
		return;
	for (unsigned i = 0; i < n_pmds; i++) {
		memset(&pmds[i]->ex.port_stats[dp_no], 0, sizeof(pmds[i]->ex.port_stats[dp_no]));
		pmds[i]->ex.txb[dp_no].n = 0;
		pmds[i]->ex.txb[dp_no].bytes = 0;
	}
}

static void
pmd_fini(void)
{
	pmd_stop();
}

/* After the mbuf pool (the PMDs receive into it), before anything that sends or publishes. */
static const struct module pmd_module = {.name = "pmd", .order = 20, .init = pmd_init,
	.fini = pmd_fini};
MODULE_REGISTER(pmd_module)
