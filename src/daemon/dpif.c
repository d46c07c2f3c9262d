/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runtime commands of the datapath, with Open vSwitch's names and output: the dpctl, dpif,
 * dpif-netdev and coverage families (the fdb commands are the l2 feature's: src/l2/fdb_ctl.c).
 * They run on the control thread and read the PMDs' counters and flow tables without stopping
 * them.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "bridge.h"
#include "ctl.h"
#include "dp_actions.h"
#include "dp_drop.h"
#include "dp_flow.h"
#include "ds.h"
#include "flow.h"
#include "mac_table.h"
#include "pmd.h"
#include "pmd_priv.h"
#include "port.h"

/* ---- dpctl ---- */

struct dump_ctx {
	struct ds *out;   /* Where flows go. */
	bool more;        /* -m: print the full mask, even of wildcarded fields. */
	uint64_t now_tsc; /* For "used". */
	uint64_t hz;      /* TSC frequency. */
	unsigned n;       /* Flows printed. */
};

static void
dump_flow(const struct dp_flow *f, void *aux)
{
	struct dump_ctx *c = aux;

	if (dp_flow_is_stale(f))
		return;
	flow_key_format(c->out, &f->key, &f->mask);
	ds_put_format(c->out, ", packets:%" PRIu64 ", bytes:%" PRIu64 ", used:", f->stats.n_packets,
		f->stats.n_bytes);
	if (f->stats.used_tsc == 0)
		ds_put_cstr(c->out, "never");
	else
		ds_put_format(c->out, "%.3fs",
			(double)(c->now_tsc - RTE_MIN(f->stats.used_tsc, c->now_tsc)) /
				(double)c->hz);
	ds_put_cstr(c->out, ", actions:");
	dp_actions_format(c->out, dp_flow_actions(f));
	ds_put_char(c->out, '\n');
	c->n++;
}

static int
dpctl_dump_flows(int argc, const char *const argv[], struct ds *out)
{
	struct dump_ctx c = {.out = out, .now_tsc = rte_get_tsc_cycles(), .hz = rte_get_tsc_hz()};

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "--more"))
			c.more = true;
	}
	for (unsigned i = 0; i < pmd_count(); i++) {
		struct pmd *pmd = pmd_get(i);
		ds_put_format(out, "flow-dump from pmd on cpu core: %u\n", pmd->lcore);
		dp_flow_table_foreach(pmd->flows, dump_flow, &c);
	}
	return 0;
}

static int
dpctl_del_flows(int argc, const char *const argv[], struct ds *out)
{
	pmd_flush_flows();
	return 0;
}

static const struct ctl_command dpctl_cmds[] = {
	{"dpctl/dump-flows", "[-m] [DP]", 0, 3, dpctl_dump_flows},
	{"dpctl/del-flows", "[DP]", 0, 1, dpctl_del_flows},
};
CTL_REGISTER_ARRAY(dpctl_cmds)

/* ---- dpif ---- */

static int
dpif_show(int argc, const char *const argv[], struct ds *out)
{
	const struct dp_snapshot *s = pmd_snapshot();
	uint64_t hit = 0, missed = 0;

	for (unsigned i = 0; i < pmd_count(); i++) {
		struct pmd *pmd = pmd_get(i);
		hit += pmd->n_emc_hits + pmd->n_megaflow_hits;
		missed += pmd->n_misses;
	}
	ds_put_format(out, "netdev@trestle-netdev: hit:%" PRIu64 " missed:%" PRIu64 "\n", hit,
		missed);
	for (unsigned b = 0; b < s->n_bridges; b++) {
		const struct dp_bridge *br = &s->bridges[b];
		ds_put_format(out, "  %s:\n", br->name);
		for (unsigned d = 1; d < PORT_MAX; d++) {
			struct port *p = s->ports[d].port;
			if (p == NULL || s->ports[d].br != br)
				continue;
			ds_put_format(out, "    %s %" PRId64 "/%u: (%s", p->name, p->ofport, d,
				p->type[0] ? p->type : "system");
			if (!strcmp(p->type, "dpdk") || !strcmp(p->type, "dpdkvhostuser") ||
				!strcmp(p->type, "dpdkvhostuserclient"))
				ds_put_format(out,
					": configured_rx_queues=%u, configured_tx_queues=%u",
					p->n_rxq, p->n_txq);
			ds_put_cstr(out, ")\n");
		}
	}
	return 0;
}

static const struct ctl_command dpif_show_cmd = {"dpif/show", "", 0, 0, dpif_show};
CTL_REGISTER(dpif_show_cmd)

/* Counters at the last pmd-stats-clear; subtracted when showing (PMDs own the counters). */
static struct pmd pmd_base[PMD_MAX];

static void
put_ratio(struct ds *out, const char *label, uint64_t part, uint64_t whole)
{
	ds_put_format(out, "  %s: %" PRIu64 " (%.2f%%)\n", label, part,
		whole ? 100.0 * (double)part / (double)whole : 0.0);
}

/* Why the EMC hit count is what it is (see dp_use_emc() in pmd.c); read racily. */
static const char *
pmd_emc_state(const struct pmd *p)
{
	if (p->emc_inv_prob == 0)
		return "EMC off: emc-insert-inv-prob=0";
	if (dp_flow_table_n_subtables(p->flows) <= 1)
		return "EMC bypassed: one classifier subtable";
	if (p->emc_idle)
		return "EMC sampled, 1 burst in 16: it did not pay in the last 100 ms";
	return "EMC in use";
}

static int
pmd_stats_show(int argc, const char *const argv[], struct ds *out)
{
	for (unsigned i = 0; i < pmd_count(); i++) {
		const struct pmd *p = pmd_get(i), *b = &pmd_base[i];
		uint64_t pkts = p->n_packets - b->n_packets;
		uint64_t emc = p->n_emc_hits - b->n_emc_hits;
		uint64_t mf = p->n_megaflow_hits - b->n_megaflow_hits;
		uint64_t miss = p->n_misses - b->n_misses;
		uint64_t up = p->n_upcalls - b->n_upcalls;
		uint64_t busy = p->cycles_busy - b->cycles_busy;
		uint64_t idle = p->cycles_idle - b->cycles_idle;
		uint64_t batches = p->ex.n_tx_batches - b->ex.n_tx_batches;
		uint64_t txp = p->ex.n_tx_packets - b->ex.n_tx_packets;

		ds_put_format(out, "pmd thread numa_id %u core_id %u:\n",
			rte_lcore_to_socket_id(p->lcore), p->lcore);
		ds_put_format(out, "  packets received: %" PRIu64 "\n", pkts);
		ds_put_format(out, "  emc hits: %" PRIu64 " (%s)\n", emc, pmd_emc_state(p));
		ds_put_format(out, "  megaflow hits: %" PRIu64 "\n", mf);
		ds_put_format(out, "  miss with success upcall: %" PRIu64 "\n", up);
		ds_put_format(out, "  miss with failed upcall: %" PRIu64 "\n",
			miss >= up ? miss - up : 0);
		ds_put_format(out, "  miss not cached (flow-limit): %" PRIu64 "\n",
			p->n_flow_limit_hits - b->n_flow_limit_hits);
		ds_put_format(out, "  avg. packets per output batch: %.2f\n",
			batches ? (double)txp / (double)batches : 0.0);
		put_ratio(out, "idle cycles", idle, idle + busy);
		put_ratio(out, "processing cycles", busy, idle + busy);
		if (pkts)
			ds_put_format(out,
				"  avg cycles per packet: %.2f (%" PRIu64 "/%" PRIu64 ")\n",
				(double)(busy + idle) / (double)pkts, busy + idle, pkts);
		if (pkts)
			ds_put_format(out,
				"  avg processing cycles per packet: %.2f (%" PRIu64 "/%" PRIu64
				")\n",
				(double)busy / (double)pkts, busy, pkts);
	}
	return 0;
}

static int
pmd_stats_clear(int argc, const char *const argv[], struct ds *out)
{
	for (unsigned i = 0; i < pmd_count(); i++)
		memcpy(&pmd_base[i], pmd_get(i), sizeof(pmd_base[i]));
	return 0;
}

static int
pmd_rxq_show(int argc, const char *const argv[], struct ds *out)
{
	const struct dp_snapshot *s = pmd_snapshot();

	for (unsigned i = 0; i < pmd_count(); i++) {
		struct pmd *p = pmd_get(i);
		ds_put_format(out, "pmd thread numa_id %u core_id %u:\n",
			rte_lcore_to_socket_id(p->lcore), p->lcore);
		ds_put_cstr(out, "  isolated : false\n");
		for (unsigned q = 0; q < s->n_rxqs[i]; q++) {
			const struct dp_rxq *rxq = &s->rxqs[i][q];
			struct port *port = s->ports[rxq->dp_no].port;
			ds_put_format(out, "  port: %-16s queue-id: %2u (enabled)\n",
				port ? port->name : "?", rxq->qid);
		}
	}
	return 0;
}

static const struct ctl_command pmd_cmds[] = {
	{"dpif-netdev/pmd-stats-show", "", 0, 2, pmd_stats_show},
	{"dpif-netdev/pmd-stats-clear", "", 0, 2, pmd_stats_clear},
	{"dpif-netdev/pmd-rxq-show", "", 0, 2, pmd_rxq_show},
};
CTL_REGISTER_ARRAY(pmd_cmds)

/* coverage/show: the drop counters by reason, summed over PMDs, and mbufs in use. */
static int
coverage_show(int argc, const char *const argv[], struct ds *out)
{
	uint64_t total[DP_DROP__MAX] = {0}, limit_hits = 0;

	for (unsigned i = 0; i < pmd_count(); i++) {
		for (unsigned r = 0; r < DP_DROP__MAX; r++)
			total[r] += pmd_get(i)->ex.drops[r];
		limit_hits += pmd_get(i)->n_flow_limit_hits;
	}
	ds_put_cstr(out, "Datapath drops by reason (totals since start):\n");
	for (unsigned r = 0; r < DP_DROP__MAX; r++)
		ds_put_format(out, "drop_%-28s %12" PRIu64 "   %s\n", dp_drop_name(r), total[r],
			dp_drop_doc(r));
	ds_put_cstr(out, "Datapath events (totals since start):\n");
	ds_put_format(out, "%-33s %12" PRIu64 "   %s\n", "upcall_flow_limit_hit", limit_hits,
		"packet forwarded by the slow path without a megaflow: PMD flow table full "
		"(other_config:flow-limit)");
	struct rte_mempool *mp = port_mempool();
	if (mp)
		ds_put_format(out, "mbufs in use: %u of %u\n", rte_mempool_in_use_count(mp),
			mp->size);
	return 0;
}

static const struct ctl_command coverage_show_cmd = {"coverage/show", "", 0, 0, coverage_show};
CTL_REGISTER(coverage_show_cmd)

static void
count_bridge(const char *name, struct mac_table *macs, void *aux)
{
	unsigned *n = aux;

	(void)name;
	n[0]++;
	n[1] += mac_table_count(macs);
}

static void
list_bridge(const char *name, struct mac_table *macs, void *aux)
{
	(void)macs;
	ds_put_format(aux, "%s\n", name);
}

/* ofproto/list: the bridges, one per line, as OVS. */
static int
ofproto_list(int argc, const char *const argv[], struct ds *out)
{
	(void)argc;
	(void)argv;
	bridge_foreach(list_bridge, out);
	return 0;
}

/*
 * memory/show: what the daemon holds, in OVS's one-line KEY:VALUE layout: bridges, ports,
 * MAC entries, megaflows over the PMDs, mbufs in use, and the process's resident memory.
 */
static int
memory_show(int argc, const char *const argv[], struct ds *out)
{
	unsigned n[2] = {0, 0}, ports = 0, flows = 0;
	long rss_kb = 0;
	char line[256];

	(void)argc;
	(void)argv;
	bridge_foreach(count_bridge, n);
	for (uint32_t d = 1; d < PORT_MAX; d++)
		ports += bridge_port_by_dp(d) != NULL;
	for (unsigned i = 0; i < pmd_count(); i++)
		flows += dp_flow_table_count(pmd_flows(i));
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &rss_kb) == 1)
			break;
	if (f)
		fclose(f);
	struct rte_mempool *mp = port_mempool();
	ds_put_format(out, "bridges:%u mac_entries:%u megaflows:%u ports:%u rss_kb:%ld", n[0], n[1],
		flows, ports, rss_kb);
	if (mp)
		ds_put_format(out, " mbufs_in_use:%u mbufs:%u", rte_mempool_in_use_count(mp),
			mp->size);
	ds_put_char(out, '\n');
	return 0;
}

static const struct ctl_command info_cmds[] = {
	{"ofproto/list", "", 0, 0, ofproto_list},
	{"memory/show", "", 0, 0, memory_show},
};
CTL_REGISTER_ARRAY(info_cmds)
