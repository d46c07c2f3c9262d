/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PMD threads: the loop, and the control thread's side of them.
 *
 *   pmd_main()            forever: take a new snapshot if one was published, then
 *     pmd_poll()          poll every polled rx queue once, sizing storm queues' bursts
 *     pmd_serve_waited()  serve the waited-on queues (TAP) that epoll says are ready
 *       dp_input()          one burst's stages (dp_input.c): parse, EMC, classifier,
 *                           upcall, execute (dp_exec.c)
 *       dp_exec_flush()     send the buffered bursts
 *     pmd_inject_drain()  send what the control thread handed over
 *     housekeeping        every 100 ms: sweep megaflows, judge the EMC
 *
 * The burst sizing and storm rules are dp_sched.h's; this file applies them.
 *
 * Each PMD owns its flow table and EMC outright (no locks). It reads the published snapshot and
 * reaches shared state only through the slow path (MAC tables, which lock themselves).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_drop.h"
#include "dp_exec.h"
#include "dp_flow.h"
#include "dp_sched.h"
#include "ds.h"
#include "emc.h"
#include "log.h"
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

struct dp_flow_table *
pmd_flows(unsigned idx)
{
	return idx < n_pmds ? pmds[idx]->flows : NULL;
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

/* ---- The loop ---- */

static bool
port_in(const uint64_t *set, uint32_t p)
{
	return p >= PORT_MAX || (set[p / 64] >> (p % 64) & 1);
}

/* Whether megaflow f's decision read a spanning tree state the new snapshot (aux) moved. */
static bool
flow_reads_moved_state(const struct dp_flow *f, void *aux)
{
	const struct dp_snapshot *snap = aux;
	const struct dp_actions *acts = dp_flow_actions(f);

	if (port_in(snap->stp_moved, f->key.in_port) ||
		(f->stp_port != 0 && port_in(snap->stp_moved, f->stp_port)) ||
		(f->stp_all && port_in(snap->stp_bridges, f->key.in_port)))
		return true;
	for (unsigned i = 0; i < acts->n; i++)
		if (acts->a[i].type == DPA_OUTPUT && port_in(snap->stp_moved, acts->a[i].port))
			return true;
	return false;
}

/*
 * Takes the newest snapshot and drops every cached decision made under the old one; for a
 * snapshot that only changed spanning tree states (delta_of), those of the bridges concerned.
 */
static void
pmd_reload(struct pmd *pmd, uint64_t epoch)
{
	const struct dp_snapshot *old = pmd->snap;

	dp_exec_flush(&pmd->ex);
	pmd->snap = __atomic_load_n(&dp_cur, __ATOMIC_ACQUIRE);
	pmd->ex.pool = port_mempool(); /* Created after the PMDs start; there before any port. */
	pmd->ex.ports = pmd->snap->tx;
	if (pmd->snap->delta_of != NULL && pmd->snap->delta_of == old) {
		/* EMC entries of the flows removed see their seq change. */
		dp_flow_table_remove_if(pmd->flows, flow_reads_moved_state, (void *)pmd->snap);
	} else {
		dp_flow_table_flush(pmd->flows);
		emc_clear(pmd->emc);
	}
	dp_flow_table_set_limit(pmd->flows, pmd->snap->flow_limit);
	pmd->max_idle_tsc = rte_get_tsc_hz() / 1000 * pmd->snap->max_idle_ms;
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

/*
 * The ingress policer of rxq's port on a burst: returns how many frames pass (the rest are
 * freed and counted: drop reason policed, and the port's rx_dropped).
 */
static uint16_t
pmd_police(struct pmd *pmd, const struct dp_rxq *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept =
		port_police(rxq->policer, rxq->qid % rxq->policer->n_q, pkts, n, rte_rdtsc());
	struct dp_port_stats *ps = &pmd->ex.port_stats[rxq->dp_no];

	ps->rx_packets += n - kept;
	ps->rx_dropped += n - kept;
	pmd->ex.drops[DP_DROP_POLICED] += n - kept;
	return kept;
}

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
		uint16_t n = rxq->port->ops->rx(rxq->port, rxq->qid, pkts, want, pmd->ex.pool);
		if (unlikely(rxq->policer != NULL) && n > 0)
			n = pmd_police(pmd, rxq, pkts, n);
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
		uint16_t n = rxq->port->ops->rx(rxq->port, rxq->qid, pkts, DP_BURST, pmd->ex.pool);
		uint16_t got = n;
		if (unlikely(rxq->policer != NULL) && n > 0)
			n = pmd_police(pmd, rxq, pkts, n);
		if (n == 0 && got == 0)
			continue;
		it->got += n;
		if (n > 0)
			pmd_burst(pmd, rxq, pkts, n);
		n = got;
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
			pmd->storm_debt = dp_storm_debt(pmd->storm_debt, it.storm_cycles,
				end - start, it.others_busy, debt_max);
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
		pmd->flows =
			dp_flow_table_create(PMD_FLOW_LIMIT, (int)rte_lcore_to_socket_id(lcore));
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
		pmd->ex.punt_ring =
			rte_ring_create(name, PMD_PUNT_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "inject%u", pmd->idx);
		pmd->inject_ring =
			rte_ring_create(name, PMD_PUNT_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
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
	return idx < n_pmds
		       ? rte_ring_sc_dequeue_burst(pmds[idx]->ex.punt_ring, (void **)pkts, n, NULL)
		       : 0;
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
static const struct module pmd_module = {.name = "pmd",
	.order = 20,
	.init = pmd_init,
	.fini = pmd_fini};
MODULE_REGISTER(pmd_module)
