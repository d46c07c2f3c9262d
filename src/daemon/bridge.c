/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Applying a configuration to the running switch (see bridge.h). Command's walk, last steps:
 * cfg.c hands the committed configuration to bridge_reconfigure(), which
 *   1. withdraws ports that go away or change device (publish without them, then close),
 *   2. opens new ports and assigns datapath and OpenFlow port numbers,
 *   3. builds each bridge's NORMAL view (VLAN settings, MAC table) and the PMDs' queues,
 *   4. publishes the snapshot; pmd_publish() returns once no PMD uses the old one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>

#include "bridge.h"
#include "conf.h"
#include "daemon.h"
#include "dp_flow.h"
#include "ds.h"
#include "flow.h"
#include "log.h"
#include "mac_table.h"
#include "normal.h"
#include "ofp.h"
#include "module.h"
#include "pmd.h"
#include "xalloc.h"
#include "port.h"

#define BRIDGE_MAX PORT_MAX /* Each has its internal port: ports run out first. */

/* A bridge's state that outlives snapshots. */
struct bridge {
	char name[64];             /* Bridge name. */
	struct mac_table *macs;    /* Its MAC learning table. */
	struct ofp_tables *tables; /* Its OpenFlow tables (PMDs read them through snapshots). */
	bool secure;               /* fail_mode was secure when its tables were last reset. */
};

static struct bridge *bridges[BRIDGE_MAX];
static unsigned n_bridges;
/* Open ports by datapath number (slot 0 unused, as OVS's datapath port 0). */
static struct port *ports[PORT_MAX];
/* Each port's NORMAL settings as last published, to notice VLAN changes. */
static struct l2_port last_l2[PORT_MAX];
static bool last_l2_valid[PORT_MAX];
/* Interfaces that got no datapath number (all taken): kept only to say why in their status. */
static struct port **refused;
static unsigned n_refused;
/* The configuration in force (owned), to rebuild the snapshot when a vhost-user guest comes. */
static struct conf *conf_in_force;

uint64_t
bridge_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Frees a bridge no snapshot refers to any more: its MAC table, rules and tables. */
static void
bridge_destroy(struct bridge *br)
{
	mac_table_destroy(br->macs);
	ofp_tables_destroy(br->tables);
	free(br);
}

static struct bridge *
bridge_find(const char *name)
{
	for (unsigned i = 0; i < n_bridges; i++)
		if (!strcmp(bridges[i]->name, name))
			return bridges[i];
	return NULL;
}

struct mac_table *
bridge_mac_table(const char *name)
{
	struct bridge *br = bridge_find(name);
	return br ? br->macs : NULL;
}

struct port *
bridge_port_by_name(const char *name)
{
	for (unsigned i = 1; i < PORT_MAX; i++)
		if (ports[i] && !strcmp(ports[i]->name, name))
			return ports[i];
	return NULL;
}

struct port *
bridge_port_by_learn_name(const char *name)
{
	for (unsigned b = 0; conf_in_force && b < conf_in_force->n_bridges; b++) {
		const struct conf_bridge *cb = &conf_in_force->bridges[b];
		for (unsigned p = 0; p < cb->n_ports; p++) {
			const struct conf_port *cp = &cb->ports[p];
			bool member = false;
			for (unsigned i = 0; i < cp->n_ifaces; i++)
				member |= !strcmp(cp->ifaces[i].name, name);
			if ((strcmp(cp->name, name) && !member) || !conf_port_is_bond(cp))
				continue;
			/* A bond learns under its first started member (snapshot_build()). */
			for (unsigned i = 0; i < cp->n_ifaces; i++) {
				struct port *port = bridge_port_by_name(cp->ifaces[i].name);
				if (port != NULL && port->started)
					return port;
			}
			return NULL;
		}
	}
	return bridge_port_by_name(name);
}

struct port *
bridge_port_by_dp(uint32_t dp_no)
{
	return dp_no < PORT_MAX ? ports[dp_no] : NULL;
}

const char *
bridge_of_port(uint32_t dp_no)
{
	const struct dp_snapshot *s = pmd_snapshot();

	if (dp_no >= PORT_MAX || s->ports[dp_no].br == NULL)
		return NULL;
	return s->ports[dp_no].br->name;
}

struct ofp_tables *
bridge_tables(const char *name)
{
	struct bridge *br = bridge_find(name);
	return br ? br->tables : NULL;
}

void
bridge_set_tables(const char *name, struct ofp_tables *t, struct ofp_rule **dead, unsigned n_dead)
{
	struct bridge *br = bridge_find(name);
	struct ofp_tables *old = br->tables;

	if (ofp_tables_index(t) < 0)
		TLOG(WARNING,
			"bridge %s: no memory for the flow table index; lookups scan the rules",
			name);
	__atomic_store_n(&br->tables, t, __ATOMIC_RELEASE);
	/* Every megaflow was decided by the old rules: drop them all (they credit their rules as
	 * they go), then free what no PMD can reach any more. */
	pmd_flush_flows();
	ofp_tables_free(old);
	for (unsigned i = 0; i < n_dead; i++)
		ofp_rule_free(dead[i]);
}

void
bridge_foreach(void (*fn)(const char *name, struct mac_table *macs, void *aux), void *aux)
{
	for (unsigned i = 0; i < n_bridges; i++)
		fn(bridges[i]->name, bridges[i]->macs, aux);
}

bool
bridge_iface_status(const char *name, struct iface_status *st, void *aux)
{
	struct port *p = bridge_port_by_name(name);

	for (unsigned i = 0; i < n_refused && p == NULL; i++)
		if (!strcmp(refused[i]->name, name))
			p = refused[i];
	if (p == NULL)
		return false;
	struct dp_port_stats ps;
	pmd_port_stats_get(p->dp_no, &ps);
	port_status(p, &ps, st);
	return true;
}

/* NORMAL's view of a configured Port (vlan_mode, tag, trunks, other_config), as OVS reads it. */
static void
l2_port_from_conf(struct l2_port *lp, uint32_t dp_port, const struct conf_port *cp)
{
	const char *m = cp->vlan_mode, *s;

	memset(lp, 0, sizeof(*lp));
	lp->dp_port = dp_port;
	lp->tag = cp->tag >= 0 && cp->tag <= 4095 ? (uint16_t)cp->tag : 0;
	if (m == NULL)
		lp->mode = cp->tag >= 0 ? L2_VLAN_ACCESS : L2_VLAN_TRUNK;
	else if (!strcmp(m, "access"))
		lp->mode = L2_VLAN_ACCESS;
	else if (!strcmp(m, "native-tagged"))
		lp->mode = L2_VLAN_NATIVE_TAGGED;
	else if (!strcmp(m, "native-untagged"))
		lp->mode = L2_VLAN_NATIVE_UNTAGGED;
	else if (!strcmp(m, "dot1q-tunnel"))
		lp->mode = L2_VLAN_DOT1Q_TUNNEL;
	else
		lp->mode = L2_VLAN_TRUNK;
	lp->trunk_all = cp->n_trunks == 0;
	for (unsigned i = 0; i < cp->n_trunks; i++)
		if (cp->trunks[i] < 4096)
			lp->trunks[cp->trunks[i] / 64] |= 1ull << (cp->trunks[i] % 64);
	lp->qinq_ethtype = 0x88a8;
	if ((s = conf_map_get(&cp->other_config, "qinq-ethtype")) && !strcmp(s, "802.1q"))
		lp->qinq_ethtype = 0x8100;
	lp->priority_tags = L2_PRIO_NEVER;
	if ((s = conf_map_get(&cp->other_config, "priority-tags")) != NULL) {
		if (!strcmp(s, "if-nonzero") || !strcmp(s, "true"))
			lp->priority_tags = L2_PRIO_IF_NONZERO;
		else if (!strcmp(s, "always"))
			lp->priority_tags = L2_PRIO_ALWAYS;
	}
}

static unsigned
map_uint(const struct conf_map *m, const char *key, unsigned def, unsigned min, unsigned max)
{
	const char *s = conf_map_get(m, key);
	char *end;

	if (s == NULL)
		return def;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		TLOG(WARNING, "ignoring other_config:%s=%s (want %u..%u)", key, s, min, max);
		return def;
	}
	return (unsigned)v;
}

/* Where each wanted interface lives in the configuration. */
struct want {
	const struct conf_bridge *br; /* Its bridge. */
	const struct conf_port *cp;   /* Its port (VLAN settings). */
	const struct conf_iface *ci;  /* The interface itself. */
};

static const struct want *
want_find(const struct want *w, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(w[i].ci->name, name))
			return &w[i];
	return NULL;
}

static void
snapshot_free(struct dp_snapshot *s)
{
	for (unsigned i = 0; i < s->n_bridges; i++) {
		const struct l2_bridge *l2 = &s->bridges[i].l2;
		for (unsigned k = 0; k < l2->n_ports; k++)
			free((void *)l2->ports[k].bond);
		free((void *)l2->ports);
	}
	free(s->bridges);
	for (unsigned i = 0; i < PMD_MAX; i++)
		free(s->rxqs[i]);
	free(s);
}

/* The PMD that gets queue q of port p: its pmd-rxq-affinity, else the one with fewest queues. */
static unsigned
rxq_target(const struct dp_snapshot *s, const struct port *p, uint16_t q, unsigned np)
{
	unsigned target = UINT32_MAX;

	/* pmd-rxq-affinity="queue:core,...", as OVS. */
	if (p->rxq_affinity) {
		char *copy = xstrdup(p->rxq_affinity), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok;
			tok = strtok_r(NULL, ",", &save)) {
			unsigned qq, core;
			if (sscanf(tok, "%u:%u", &qq, &core) != 2 || qq != q)
				continue;
			for (unsigned i = 0; i < np; i++)
				if (pmd_lcore(i) == core)
					target = i;
			if (target == UINT32_MAX)
				TLOG(WARNING,
					"%s: pmd-rxq-affinity names core %u, which runs no PMD",
					p->name, core);
		}
		free(copy);
	}
	if (target == UINT32_MAX) {
		target = 0;
		for (unsigned i = 1; i < np; i++)
			if (s->n_rxqs[i] < s->n_rxqs[target])
				target = i;
	}
	return target;
}

/*
 * Spreads the receive queues of every started port over the PMDs: first the queues to poll
 * (a vhost-user port's only while a guest is attached), then those to wait on.
 */
static void
snapshot_assign_rxqs(struct dp_snapshot *s)
{
	unsigned np = pmd_count();

	for (unsigned i = 0; i < np; i++)
		s->rxqs[i] = xcalloc(PMD_MAX_RXQS, sizeof(*s->rxqs[i]));
	for (int waited = 0; waited < 2; waited++) {
		for (unsigned d = 1; d < PORT_MAX && np > 0; d++) {
			struct port *p = s->ports[d].port;

			if (p == NULL || !port_rx_ready(p))
				continue;
			for (uint16_t q = 0; q < p->n_rxq; q++) {
				int fd = p->ops->rx_fd ? p->ops->rx_fd(p, q) : -1;
				if ((fd >= 0) != waited)
					continue;
				unsigned t = rxq_target(s, p, q, np);
				if (s->n_rxqs[t] >= PMD_MAX_RXQS) {
					TLOG(ERR,
						"%s: queue %u not served, PMD %u has %u queues "
						"already",
						p->name, q, t, PMD_MAX_RXQS);
					continue;
				}
				s->rxqs[t][s->n_rxqs[t]++] = (struct dp_rxq){.port = p,
					.qid = q,
					.dp_no = d,
					.fd = fd,
					.policer = p->policer};
			}
		}
		for (unsigned i = 0; i < np && !waited; i++)
			s->n_polled[i] = s->n_rxqs[i];
	}
}

/*
 * Publishes s; then a vhost-user port is polled (its link up) exactly when s has its queue.
 */
static void
snapshot_publish(struct dp_snapshot *s)
{
	pmd_publish(s);
	for (unsigned d = 1; d < PORT_MAX; d++)
		if (ports[d] != NULL)
			ports[d]->vhost_polled = false;
	for (unsigned i = 0; i < pmd_count(); i++)
		for (unsigned q = 0; q < s->n_rxqs[i]; q++)
			s->rxqs[i][q].port->vhost_polled = true;
}

/* Builds the snapshot for conf from the open ports; ports in skip[] are left out. */
static struct dp_snapshot *
snapshot_build(const struct conf *conf, const bool *skip)
{
	struct dp_snapshot *s = xcalloc(1, sizeof(*s));

	s->free_fn = snapshot_free;
	s->flow_limit = map_uint(&conf->other_config, "flow-limit", PMD_FLOW_LIMIT, 0, UINT32_MAX);
	s->max_idle_ms =
		map_uint(&conf->other_config, "max-idle", PMD_MAX_IDLE_MS, 500, UINT32_MAX);
	s->bridges = xcalloc(conf->n_bridges ? conf->n_bridges : 1, sizeof(*s->bridges));
	for (unsigned b = 0; b < conf->n_bridges; b++) {
		const struct conf_bridge *cb = &conf->bridges[b];
		struct bridge *br = bridge_find(cb->name);
		struct dp_bridge *db = &s->bridges[s->n_bridges];

		if (br == NULL)
			continue;
		s->n_bridges++;
		snprintf(db->name, sizeof(db->name), "%s", cb->name);
		db->macs = br->macs;
		db->tables = &br->tables;
		db->snap = s;
		db->emc_inv_prob =
			map_uint(&conf->other_config, "emc-insert-inv-prob", 100, 0, UINT32_MAX);
		unsigned n = 0, cap = 0;
		for (unsigned p = 0; p < cb->n_ports; p++)
			cap += cb->ports[p].n_ifaces;
		struct l2_port *lps = xcalloc(cap ? cap : 1, sizeof(*lps));
		for (unsigned p = 0; p < cb->n_ports; p++) {
			const struct conf_port *cp = &cb->ports[p];
			struct l2_bond *bond = NULL;
			for (unsigned i = 0; i < cp->n_ifaces; i++) {
				struct port *port = bridge_port_by_name(cp->ifaces[i].name);
				if (port == NULL || skip[port->dp_no])
					continue;
				s->ports[port->dp_no].port = port;
				port_tx_view(port, &s->tx[port->dp_no]);
				if (!port->started)
					continue;
				s->ports[port->dp_no].br = db;
				if (!conf_port_is_bond(cp)) {
					l2_port_from_conf(&lps[n++], port->dp_no, cp);
					continue;
				}
				/*
				 * A bond is one port: its members in order, its identity the first
				 * one's; the bond module's snapshot hook says which may carry what.
				 */
				if (bond == NULL) {
					db->l2.has_bond = true;
					bond = xcalloc(1, sizeof(*bond));
					snprintf(bond->name, sizeof(bond->name), "%s", cp->name);
					l2_port_from_conf(&lps[n], port->dp_no, cp);
					lps[n++].bond = bond;
				}
				if (bond->n_members < L2_BOND_MAX_MEMBERS)
					bond->members[bond->n_members++] = port->dp_no;
			}
		}
		db->l2.ports = lps;
		db->l2.n_ports = n;
		db->l2.macs = br->macs;
		const char *fb = conf_map_get(&cb->other_config, "forward-bpdu");
		db->l2.forward_bpdu = fb != NULL && !strcmp(fb, "true");
	}
	snapshot_assign_rxqs(s);
	module_snapshot_all(s);
	return s;
}

static uint32_t
dp_no_alloc(void)
{
	for (uint32_t d = 1; d < PORT_MAX; d++)
		if (ports[d] == NULL)
			return d;
	return 0;
}

/* Usable OpenFlow port numbers, 1 to OFPP_MAX - 1 (ofport_request's range), as a bitmap. */
struct ofport_set {
	uint64_t bits[OFPP_MAX / 64];
};

static bool
ofport_valid(int64_t o)
{
	return o > 0 && o < OFPP_MAX;
}

static bool
ofport_test(const struct ofport_set *s, int64_t o)
{
	return s->bits[o / 64] >> (o % 64) & 1;
}

static void
ofport_mark(struct ofport_set *s, int64_t o)
{
	s->bits[o / 64] |= 1ull << (o % 64);
}

/*
 * OpenFlow numbers of one bridge: its own port is LOCAL, the others keep theirs, else get
 * their ofport_request, else the lowest number free. As in OVS, a number that another port
 * requests is taken back from a port that only had it by chance.
 */
static void
assign_bridge_ofports(const struct conf_bridge *cb)
{
	struct ofport_set used, requested;
	const struct conf_iface *cis[PORT_MAX];
	struct port *ps[PORT_MAX];
	unsigned n = 0;

	memset(&used, 0, sizeof(used));
	memset(&requested, 0, sizeof(requested));
	for (unsigned p = 0; p < cb->n_ports; p++) {
		for (unsigned i = 0; i < cb->ports[p].n_ifaces; i++) {
			const struct conf_iface *ci = &cb->ports[p].ifaces[i];
			struct port *port = bridge_port_by_name(ci->name);

			if (port == NULL || !port->started || n == PORT_MAX)
				continue;
			if (!strcmp(ci->name, cb->name)) {
				port->ofport = OFPP_LOCAL;
				continue;
			}
			if (ofport_valid(ci->ofport_request))
				ofport_mark(&requested, ci->ofport_request);
			cis[n] = ci;
			ps[n++] = port;
		}
	}
	/* Keep the numbers already given, unless another port asks for one, or its own port
	 * for another. */
	for (unsigned k = 0; k < n; k++) {
		int64_t have = ps[k]->ofport, req = cis[k]->ofport_request;
		bool keep = ofport_valid(have) && !ofport_test(&used, have) &&
			    (req < 0 ? !ofport_test(&requested, have) : req == have);

		if (keep)
			ofport_mark(&used, have);
		else
			ps[k]->ofport = -1;
	}
	/* Then the requests. */
	for (unsigned k = 0; k < n; k++) {
		int64_t req = cis[k]->ofport_request;

		if (ps[k]->ofport < 0 && ofport_valid(req) && !ofport_test(&used, req)) {
			ofport_mark(&used, req);
			ps[k]->ofport = req;
		}
	}
	/* Then the lowest number that nobody has or asks for. */
	int64_t o = 1;
	for (unsigned k = 0; k < n; k++) {
		if (ps[k]->ofport >= 0)
			continue;
		while (o < OFPP_MAX && (ofport_test(&used, o) || ofport_test(&requested, o)))
			o++;
		if (o < OFPP_MAX) {
			ofport_mark(&used, o);
			ps[k]->ofport = o;
		}
	}
}

static void
assign_ofports(const struct conf *conf)
{
	for (unsigned b = 0; b < conf->n_bridges; b++)
		assign_bridge_ofports(&conf->bridges[b]);
}

/* A MAC OVS would take for a bridge: unicast, universal (not locally administered), not 0. */
static bool
universal_mac(const struct rte_ether_addr *a)
{
	return rte_is_unicast_ether_addr(a) && rte_is_universal_ether_addr(a) &&
	       !rte_is_zero_ether_addr(a);
}

/*
 * The MAC of each bridge's own interface, as OVS picks it (bridge_pick_local_hw_addr()):
 * other_config:hwaddr when set; else the lowest universal MAC among its ports that are not
 * internal (a host's NIC: the seeds' "mybridge HWaddr" is its eth0's), following ports as
 * they come and go; else the one it has. A mac column on the bridge's Interface wins.
 */
static void
pick_bridge_macs(const struct conf *conf)
{
	for (unsigned b = 0; b < conf->n_bridges; b++) {
		const struct conf_bridge *cb = &conf->bridges[b];
		struct port *own = bridge_port_by_name(cb->name);
		const struct conf_iface *own_ci = NULL;
		struct rte_ether_addr want = {{0}};
		bool found = false;

		for (unsigned p = 0; p < cb->n_ports; p++) {
			for (unsigned i = 0; i < cb->ports[p].n_ifaces; i++) {
				const struct conf_iface *ci = &cb->ports[p].ifaces[i];
				const struct port *port = bridge_port_by_name(ci->name);
				if (!strcmp(ci->name, cb->name)) {
					own_ci = ci;
					continue;
				}
				if (port == NULL || !port->started ||
					!strcmp(ci->type, "internal") || !universal_mac(&port->mac))
					continue;
				if (!found || memcmp(port->mac.addr_bytes, want.addr_bytes, 6) < 0)
					want = port->mac;
				found = true;
			}
		}
		const char *hw = conf_map_get(&cb->other_config, "hwaddr");
		if (hw != NULL && rte_ether_unformat_addr(hw, &want) == 0)
			found = true;
		if (own == NULL || !own->started || !own->internal || !found ||
			(own_ci != NULL && own_ci->mac != NULL) ||
			rte_is_same_ether_addr(&own->mac, &want))
			continue;
		char mac[18];
		snprintf(mac, sizeof(mac), FLOW_MAC_FMT, FLOW_MAC_ARGS(&want));
		int ret = port_set_internal_mac(own, &want);
		if (ret < 0)
			TLOG(WARNING, "bridge %s: cannot take MAC %s: %s", cb->name, mac,
				strerror(-ret));
		else
			TLOG(INFO, "bridge %s: MAC %s", cb->name, mac);
	}
}

/*
 * A bridge's tables when it has no rules of its own: as OVS with no controller, NORMAL at
 * priority 0, unless fail_mode is secure (then nothing: every frame is dropped).
 */
static struct ofp_tables *
default_tables(bool secure)
{
	struct ofp_tables *t = ofp_tables_create();

	if (!secure) {
		struct ofp_rule tmpl = {.priority = 0, .n_acts = 1};
		tmpl.acts[0] = (struct ofp_action){.type = OFPACT_OUTPUT, .port = OFPP_NORMAL};
		struct ofp_rule *r = ofp_rule_clone(&tmpl);
		r->created_ms = r->modified_ms = bridge_now_ms();
		ofp_tables_add(t, r);
	}
	return t;
}

/* Every interface conf wants, with its bridge and port (free it). */
static struct want *
wants_of(const struct conf *conf, unsigned *n_want)
{
	struct want *want = NULL;
	unsigned n = 0, cap = 0;

	for (unsigned b = 0; b < conf->n_bridges; b++) {
		const struct conf_bridge *cb = &conf->bridges[b];
		for (unsigned p = 0; p < cb->n_ports; p++) {
			for (unsigned i = 0; i < cb->ports[p].n_ifaces; i++) {
				if (n == cap) {
					cap = cap ? cap * 2 : 16;
					want = xrealloc(want, cap * sizeof(*want));
				}
				want[n++] =
					(struct want){cb, &cb->ports[p], &cb->ports[p].ifaces[i]};
			}
		}
	}
	*n_want = n;
	return want;
}

/*
 * Step 1: ports that go away or need another device are withdrawn from the PMDs (a
 * snapshot without them), then closed.
 */
static void
close_unwanted_ports(const struct conf *conf, const struct want *want, unsigned n_want)
{
	bool closing[PORT_MAX] = {false};
	bool any = false;

	for (unsigned d = 1; d < PORT_MAX; d++) {
		if (ports[d] == NULL)
			continue;
		const struct want *w = want_find(want, n_want, ports[d]->name);
		if (w == NULL || !port_same_device(ports[d], w->ci, trestled_opts.run_dir))
			any = closing[d] = true;
	}
	if (!any)
		return;
	snapshot_publish(snapshot_build(conf, closing));
	for (unsigned d = 1; d < PORT_MAX; d++) {
		if (!closing[d])
			continue;
		for (unsigned b = 0; b < n_bridges; b++)
			mac_table_flush_port(bridges[b]->macs, d);
		port_close(ports[d]);
		ports[d] = NULL;
		last_l2_valid[d] = false;
		pmd_port_stats_reset(d);
	}
}

/*
 * As OVS with no controller (connmgr_set_fail_mode()): a new fail_mode flushes the bridge's
 * flows, and standalone puts NORMAL back.
 */
static void
bridge_set_fail_mode(struct bridge *br, bool secure)
{
	unsigned n_dead;
	struct ofp_rule **dead = ofp_tables_rules_dup(br->tables, &n_dead);

	br->secure = secure;
	bridge_set_tables(br->name, default_tables(secure), dead, n_dead);
	free(dead);
	TLOG(INFO, "bridge %s: fail_mode %s, %u flows flushed", br->name,
		secure ? "secure" : "standalone", n_dead);
}

/* Step 2a: a bridge of conf created, or retuned (MAC table limits, fail_mode). */
static void
bridge_update(const struct conf_bridge *cb)
{
	struct bridge *br = bridge_find(cb->name);
	bool secure = cb->fail_mode != NULL && !strcmp(cb->fail_mode, "secure");
	unsigned size = map_uint(&cb->other_config, "mac-table-size", 8192, 1, 1u << 24);
	unsigned aging = map_uint(&cb->other_config, "mac-aging-time", 300, 1, 1u << 30);

	if (br != NULL) {
		mac_table_set_limits(br->macs, size, aging);
		if (br->secure != secure)
			bridge_set_fail_mode(br, secure);
		return;
	}
	if (n_bridges >= BRIDGE_MAX) {
		TLOG(ERR, "bridge %s not created: at most %u bridges", cb->name, BRIDGE_MAX);
		return;
	}
	br = xcalloc(1, sizeof(*br));
	snprintf(br->name, sizeof(br->name), "%s", cb->name);
	br->macs = mac_table_create(size, aging, SOCKET_ID_ANY);
	br->secure = secure;
	br->tables = default_tables(secure);
	ofp_tables_index(br->tables);
	bridges[n_bridges++] = br;
	TLOG(INFO, "bridge %s: created", br->name);
}

/* Step 2b: bridges conf no longer has leave the list, into retired[]; returns how many. */
static unsigned
bridges_retire(const struct conf *conf, struct bridge **retired)
{
	unsigned n_retired = 0;

	for (unsigned b = 0; b < n_bridges;) {
		bool found = false;
		for (unsigned c = 0; c < conf->n_bridges; c++)
			found |= !strcmp(conf->bridges[c].name, bridges[b]->name);
		if (found) {
			b++;
			continue;
		}
		retired[n_retired++] = bridges[b];
		bridges[b] = bridges[--n_bridges];
	}
	return n_retired;
}

/* Step 3: the interfaces not open yet get a datapath number and their device. */
static void
open_new_ports(const struct want *want, unsigned n_want)
{
	unsigned n_txq = pmd_count() ? pmd_count() : 1;

	for (unsigned i = 0; i < n_refused; i++)
		port_close(refused[i]);
	n_refused = 0;
	for (unsigned i = 0; i < n_want; i++) {
		if (bridge_port_by_name(want[i].ci->name) != NULL)
			continue;
		uint32_t d = dp_no_alloc();
		if (d == 0) {
			char why[96];
			snprintf(why, sizeof(why), "all %u datapath port numbers are in use",
				PORT_MAX - 1);
			refused = xrealloc(refused, (n_refused + 1) * sizeof(*refused));
			refused[n_refused++] = port_refused(want[i].ci, why);
			continue;
		}
		pmd_port_stats_reset(d);
		ports[d] = port_open(want[i].ci, trestled_opts.run_dir, n_txq, d);
	}
}

/* Step 4: MACs learned on a port whose VLAN settings change in s are forgotten. */
static void
flush_macs_of_changed_vlans(const struct dp_snapshot *s)
{
	for (unsigned b = 0; b < s->n_bridges; b++) {
		const struct dp_bridge *db = &s->bridges[b];
		for (unsigned i = 0; i < db->l2.n_ports; i++) {
			struct l2_port lp = db->l2.ports[i];
			uint32_t d = lp.dp_port;
			lp.bond =
				NULL; /* A bond's members and their states are not VLAN settings. */
			if (last_l2_valid[d] && memcmp(&last_l2[d], &lp, sizeof(lp)) != 0)
				mac_table_flush_port(db->macs, d);
			last_l2[d] = lp;
			last_l2_valid[d] = true;
		}
	}
}

void
bridge_reconfigure(struct conf *conf)
{
	struct bridge *retired[BRIDGE_MAX];
	unsigned n_want;
	struct want *want = wants_of(conf, &n_want);

	close_unwanted_ports(conf, want, n_want);
	for (unsigned b = 0; b < conf->n_bridges; b++)
		bridge_update(&conf->bridges[b]);
	unsigned n_retired = bridges_retire(conf, retired);
	open_new_ports(want, n_want);
	assign_ofports(conf);
	pick_bridge_macs(conf);
	/* Policers replaced now are freed once the snapshot without them is out. */
	struct port_policer **old_pols = xcalloc(n_want ? n_want : 1, sizeof(*old_pols));
	for (unsigned i = 0; i < n_want; i++) {
		struct port *port = bridge_port_by_name(want[i].ci->name);
		if (port != NULL && port->started)
			old_pols[i] = port_set_policer(port, want[i].ci);
	}

	/* The modules take their part; the snapshot is published. */
	module_reconfigure_all(conf_in_force, conf);
	bool none[PORT_MAX] = {false};
	struct dp_snapshot *s = snapshot_build(conf, none);
	flush_macs_of_changed_vlans(s);
	snapshot_publish(s);
	for (unsigned i = 0; i < n_want; i++)
		free(old_pols[i]);
	free(old_pols);
	conf_destroy(conf_in_force);
	conf_in_force = conf;

	for (unsigned b = 0; b < n_retired; b++) {
		TLOG(INFO, "bridge %s: deleted", retired[b]->name);
		bridge_destroy(retired[b]);
	}
	free(want);
}

void
bridge_fini(void)
{
	struct dp_snapshot *s = xcalloc(1, sizeof(*s));

	s->free_fn = snapshot_free;
	s->bridges = xcalloc(1, sizeof(*s->bridges));
	pmd_publish(s);
	for (unsigned d = 1; d < PORT_MAX; d++) {
		port_close(ports[d]);
		ports[d] = NULL;
	}
	for (unsigned i = 0; i < n_refused; i++)
		port_close(refused[i]);
	free(refused);
	refused = NULL;
	n_refused = 0;
	conf_destroy(conf_in_force);
	conf_in_force = NULL;
	for (unsigned b = 0; b < n_bridges; b++)
		bridge_destroy(bridges[b]);
	n_bridges = 0;
}

/* What refresh_flow() needs. */
struct refresh_ctx {
	const struct dp_snapshot *snap; /* Snapshot in force. */
	uint64_t now_tsc;               /* Now. */
	uint64_t window_tsc;            /* A flow used within this is active. */
	uint64_t now_s;                 /* MAC table clock. */
};

static void
refresh_flow(const struct dp_flow *f, void *aux)
{
	const struct refresh_ctx *c = aux;
	uint32_t in = f->key.in_port;

	if (in >= PORT_MAX || c->snap->ports[in].br == NULL || f->stats.used_tsc == 0 ||
		c->now_tsc - f->stats.used_tsc > c->window_tsc)
		return;
	normal_refresh(&c->snap->ports[in].br->l2, &f->key, c->now_s);
}

void
bridge_run(void)
{
	static uint64_t last_refresh;
	uint64_t hz = rte_get_tsc_hz(), now = rte_get_tsc_cycles();
	uint64_t now_s = now / hz;

	/*
	 * Once a second, from the megaflows' last use (traffic through them never reaches the
	 * slow path), as OVS's revalidators do: refresh the source MACs they keep alive. (ofctl.c
	 * expires OpenFlow rules on a timer of its own.)
	 */
	if (now - last_refresh >= hz) {
		struct refresh_ctx c = {pmd_snapshot(), now, 2 * hz, now_s};
		for (unsigned i = 0; i < pmd_count(); i++)
			dp_flow_table_foreach(pmd_flows(i), refresh_flow, &c);
		last_refresh = now;
	}
	for (unsigned b = 0; b < n_bridges; b++)
		mac_table_age(bridges[b]->macs, now_s);
	for (unsigned d = 0; d < PORT_MAX; d++)
		if (ports[d] != NULL)
			port_poll_kernel(ports[d]);
	/* A vhost-user guest came or went: poll its queue, or stop. */
	if (port_take_vhost_changes())
		bridge_republish();
}

void
bridge_republish(void)
{
	bool none[PORT_MAX] = {false};

	if (conf_in_force != NULL)
		snapshot_publish(snapshot_build(conf_in_force, none));
}

void
bridge_republish_states(void)
{
	bool none[PORT_MAX] = {false};

	if (conf_in_force == NULL)
		return;
	struct dp_snapshot *s = snapshot_build(conf_in_force, none);
	s->delta_of = pmd_snapshot();
	snapshot_publish(s);
}

_Static_assert(L2_PORTS_MAX >= PORT_MAX, "NORMAL must be able to flood to every port");
_Static_assert(MAC_TABLE_MAX_PORTS >= PORT_MAX, "MAC learning must know every port");
_Static_assert(DP_ACTIONS_MAX >= 3 * PORT_MAX, "a flood needs an output and a push or pop a port");
