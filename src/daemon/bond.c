/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bonds and LACP, the daemon's glue (docs/bond.md). A Port of several Interfaces, or of one
 * with lacp=active|passive, is a bond, as in OVS: NORMAL sees one port (bridge.c builds its
 * l2_port with a struct l2_bond), and this module says, in the snapshot hook, which members
 * may carry traffic, which is active, and which member each of the 256 hash buckets leaves
 * by. Around it:
 *   - LACP: one engine (src/lacp) per bond with lacp set; LACPDUs (01:80:c2:00:00:02,
 *     ethertype 0x8809) come through a per-bridge punt claim and leave through punt_inject();
 *   - links: while any bond exists, every 10 ms (carrier) or every bond-miimon-interval (miimon)
 * each member's link is read, bond_updelay and bond_downdelay applied, the LACP engines ticked;
 *   - a change of what a member may do republishes at once, and the PMDs drop only the
 *     megaflows that came in on, went out by or flooded past a member of the bond
 *     (bridge_republish_states(), as spanning tree does);
 *   - balance-slb and balance-tcp: buckets of a member that leaves go to the others at once;
 *     every bond-rebalance-interval the bytes each bucket carried (the megaflows' counters,
 *     which remember their bucket) move buckets from the most loaded member to the least;
 *   - a new active member without a negotiated LACP partner sends a learning frame (RARP)
 *     for each MAC learned elsewhere on the bridge, so the switch upstream learns the way.
 * Commands: bond/list, bond/show, bond/set-active-member, bond/enable-member,
 * bond/disable-member (and their -slave names), bond/hash, bond/migrate, lacp/show,
 * lacp/show-stats. Control thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "bridge.h"
#include "conf.h"
#include "ctl.h"
#include "dp_actions.h"
#include "dp_flow.h"
#include "ds.h"
#include "flow.h"
#include "lacp.h"
#include "log.h"
#include "mac_table.h"
#include "module.h"
#include "pmd.h"
#include "punt.h"
#include "xalloc.h"

#define BOND_TICK_MS 10            /* Carrier polling and the LACP engines' clock. */
#define BOND_MIIMON_MS 200         /* bond-miimon-interval's default, as OVS. */
#define BOND_REBALANCE_MS 10000    /* bond-rebalance-interval's default, as OVS. */
#define BOND_REBALANCE_MIN_MS 1000 /* Shorter nonzero intervals are raised to this (OVS). */
#define BOND_LEARNING_MAX 4096     /* Learning frames per active member change at most. */
#define BOND_RARP_LEN 60           /* A RARP learning frame, padded (64 with the CRC). */
#define BOND_RARP_TAGGED_LEN 64    /* The same with an 802.1Q tag. */

struct bond_member {
	char name[64]; /* Interface name. */
	unsigned no;   /* Its member number in the LACP engine, 0: not in it. */
	unsigned lacp_id, lacp_prio, lacp_key; /* What configure_members() adds it with. */
	uint32_t dp_no;                        /* Datapath port, 0 when its port is not open. */
	bool carrier;                          /* Link up, as last read. */
	bool may_enable;           /* Carrier, LACP in sync (or no LACP), not disabled by hand. */
	bool enabled;              /* Carries traffic (may_enable after the up/down delays). */
	bool admin_disabled;       /* bond/disable-member. */
	uint64_t delay_expires_ms; /* When may_enable takes effect, 0: no delay running. */
	struct rte_ether_addr mac; /* Its port's MAC (LACPDUs' source, bond_active_slave). */
};

struct bond {
	char name[64];           /* Port name. */
	char bridge[64];         /* Its bridge. */
	enum l2_bond_mode mode;  /* bond_mode as configured. */
	struct lacp *lacp;       /* NULL: lacp=off. */
	bool lacp_active;        /* lacp=active (else passive), when lacp is set. */
	bool fast;               /* lacp-time=fast. */
	bool fallback_ab;        /* lacp-fallback-ab. */
	bool all_members_active; /* all-members-active. */
	bool miimon;             /* bond-detect-mode=miimon. */
	unsigned miimon_ms;      /* bond-miimon-interval. */
	uint64_t next_miimon_ms; /* When miimon reads the links next. */
	unsigned updelay_ms, downdelay_ms;
	uint32_t basis;        /* bond-hash-basis. */
	unsigned rebalance_ms; /* bond-rebalance-interval, 0: never. */
	uint64_t next_rebalance_ms;
	char primary[64];              /* bond-primary, "" when unset. */
	struct rte_ether_addr sys_mac; /* LACP system id: lacp-system-id or the bridge's MAC. */
	unsigned n_members;
	struct bond_member m[L2_BOND_MAX_MEMBERS];
	int active;                      /* Active member index, -1: none. */
	int16_t bucket[L2_BOND_BUCKETS]; /* Member index by bucket, -1: none. */
	uint64_t load[L2_BOND_BUCKETS];  /* Bytes per bucket, halved at each rebalance. */
	bool used[L2_BOND_BUCKETS];      /* The bucket has carried traffic. */
	struct l2_bond published;        /* What the last snapshot built had of it. */
	bool published_valid;
	bool seen;                /* Still configured (reconfigure's mark). */
	bool send_learning;       /* The active member changed: learning frames due. */
	uint64_t n_learning_sent; /* Learning frames sent. */
	uint64_t n_tx_fail;       /* LACPDUs or learning frames punt_inject() refused. */
	uint64_t n_rebalanced;    /* Buckets moved by rebalancing. */
};

static struct bond **bonds;
static unsigned n_bonds;
static int claim = -1;           /* The punt claim for LACPDUs, while any bond runs LACP. */
static int timer = -1;           /* The 10 ms tick. */
static uint64_t last_ms;         /* When the engines were last ticked. */
static uint64_t lacp_rx_ignored; /* LACPDUs on ports of no LACP bond. */
static uint64_t lacp_rx_bad;     /* Frames to the slow protocols address that are no LACPDU. */

static const char *const mode_names[] = {
	[L2_BOND_AB] = "active-backup",
	[L2_BOND_SLB] = "balance-slb",
	[L2_BOND_TCP] = "balance-tcp",
};

static struct bond *
bond_find(const char *name)
{
	for (unsigned i = 0; i < n_bonds; i++)
		if (!strcmp(bonds[i]->name, name))
			return bonds[i];
	return NULL;
}

/* The bond member dp_no is, with its index; NULL when none. */
static struct bond *
bond_of_dp(uint32_t dp_no, unsigned *idx)
{
	for (unsigned i = 0; i < n_bonds; i++)
		for (unsigned k = 0; k < bonds[i]->n_members; k++)
			if (dp_no != 0 && bonds[i]->m[k].dp_no == dp_no) {
				*idx = k;
				return bonds[i];
			}
	return NULL;
}

static int
member_find(const struct bond *b, const char *name)
{
	for (unsigned k = 0; k < b->n_members; k++)
		if (!strcmp(b->m[k].name, name))
			return (int)k;
	return -1;
}

static enum lacp_status
bond_lacp_status(const struct bond *b)
{
	return b->lacp ? lacp_status(b->lacp) : LACP_DISABLED;
}

/*
 * The mode frames leave by now: a LACP bond whose negotiation failed, with lacp-fallback-ab,
 * runs as active-backup (OVS's choose_output_member()).
 */
static enum l2_bond_mode
bond_running_mode(const struct bond *b)
{
	if (b->fallback_ab && bond_lacp_status(b) == LACP_CONFIGURED)
		return L2_BOND_AB;
	return b->mode;
}

static bool
bond_balanced(const struct bond *b)
{
	return bond_running_mode(b) != L2_BOND_AB;
}

static void bond_fill(const struct bond *b, struct l2_bond *lb);

/* ---- LACP ---- */

/* The engine's send callback: frame the LACPDU from the member's MAC and queue it. */
static void
lacp_send(unsigned member_no, const void *pdu, size_t len, void *aux)
{
	struct bond *b = aux;
	struct bond_member *m = NULL;
	uint8_t frame[LACP_FRAME_LEN];
	struct ds err = DS_INIT;

	for (unsigned k = 0; k < b->n_members; k++)
		if (b->m[k].no == member_no)
			m = &b->m[k];
	if (m == NULL)
		return;
	const struct rte_ether_addr *src = rte_is_zero_ether_addr(&m->mac) ? &b->sys_mac : &m->mac;
	size_t n = lacp_frame_build(frame, src->addr_bytes, pdu, len);
	if (m->dp_no == 0 || punt_inject(m->dp_no, frame, n, &err) < 0) {
		if (b->n_tx_fail++ == 0)
			TLOG(WARNING, "bond %s: a LACPDU on %s not sent: %s", b->name, m->name,
				ds_cstr(&err));
	}
	ds_destroy(&err);
}

/* The punt claim's handler: a frame to 01:80:c2:00:00:02, ethertype 0x8809. */
static void
lacp_rx(uint32_t dp_no, const struct rte_mbuf *m, void *arg)
{
	unsigned k;
	struct bond *b = bond_of_dp(dp_no, &k);
	uint8_t buf[LACP_FRAME_LEN + 64];
	const void *pdu;
	size_t pdu_len;

	(void)arg;
	if (b == NULL || b->lacp == NULL) {
		lacp_rx_ignored++;
		return;
	}
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(buf));
	const void *frame = rte_pktmbuf_read(m, 0, len, buf);
	if (frame == NULL || lacp_frame_parse(frame, len, &pdu, &pdu_len) < 0) {
		lacp_rx_bad++;
		return;
	}
	/* Malformed PDUs are counted per member by the engine (lacp/show-stats). */
	lacp_received(b->lacp, b->m[k].no, pdu, pdu_len);
}

/* ---- Members, the active member, the buckets ---- */

/* Reads member k's link into carrier (and the LACP engine's). */
static void
member_poll_link(struct bond *b, unsigned k)
{
	struct bond_member *m = &b->m[k];
	const struct port *port = m->dp_no ? bridge_port_by_dp(m->dp_no) : NULL;
	bool up = port != NULL && port->started && !port->down && port_link_up(port, NULL);

	if (port != NULL)
		m->mac = port->mac;
	if (up != m->carrier) {
		TLOG(INFO, "bond %s: member %s: link %s", b->name, m->name, up ? "up" : "down");
		m->carrier = up;
		if (b->lacp && m->no)
			lacp_member_set_carrier(b->lacp, m->no, up);
	}
}

static bool
any_enabled(const struct bond *b)
{
	for (unsigned k = 0; k < b->n_members; k++)
		if (b->m[k].enabled)
			return true;
	return false;
}

/*
 * Applies may_enable to enabled through bond_updelay and bond_downdelay (the first member up
 * of a bond with none enabled comes up at once, as OVS). Returns whether a member changed.
 */
static bool
members_update(struct bond *b, uint64_t now)
{
	bool changed = false;

	for (unsigned k = 0; k < b->n_members; k++) {
		struct bond_member *m = &b->m[k];
		m->may_enable = m->carrier && !m->admin_disabled &&
				(b->lacp == NULL || lacp_member_may_enable(b->lacp, m->no));
		if (m->may_enable == m->enabled) {
			m->delay_expires_ms = 0;
			continue;
		}
		unsigned delay = m->may_enable ? b->updelay_ms : b->downdelay_ms;
		if (m->may_enable && !any_enabled(b))
			delay = 0;
		if (m->delay_expires_ms == 0 && delay > 0) {
			m->delay_expires_ms = now + delay;
			TLOG(INFO, "bond %s: member %s: will be %s in %u ms", b->name, m->name,
				m->may_enable ? "enabled" : "disabled", delay);
		}
		if (delay > 0 && now < m->delay_expires_ms)
			continue;
		m->enabled = m->may_enable;
		m->delay_expires_ms = 0;
		changed = true;
		TLOG(INFO, "bond %s: member %s: %s", b->name, m->name,
			m->enabled ? "enabled" : "disabled");
	}
	return changed;
}

/*
 * The active member: bond-primary when it is enabled, else the one in place while it is
 * enabled, else the first enabled. A change without a negotiated LACP partner asks for
 * learning frames.
 */
static void
choose_active(struct bond *b)
{
	/* bond-primary: for active-backup, configured or fallen back to (vswitch.xml). */
	int primary = b->primary[0] && bond_running_mode(b) == L2_BOND_AB
			      ? member_find(b, b->primary)
			      : -1;
	int act = b->active;

	if (primary >= 0 && b->m[primary].enabled)
		act = primary;
	else if (act < 0 || !b->m[act].enabled) {
		act = -1;
		for (unsigned k = 0; k < b->n_members && act < 0; k++)
			if (b->m[k].enabled)
				act = (int)k;
	}
	if (act == b->active)
		return;
	if (act >= 0)
		TLOG(INFO, "bond %s: active member is now %s", b->name, b->m[act].name);
	else
		TLOG(INFO, "bond %s: all members disabled", b->name);
	b->active = act;
	if (act >= 0 && bond_lacp_status(b) != LACP_NEGOTIATED)
		b->send_learning = true;
}

static void
bond_enabled_set(const struct bond *b, bool *enabled)
{
	for (unsigned k = 0; k < b->n_members; k++)
		enabled[k] = b->m[k].enabled;
}

/* Adds the bytes each megaflow sent by a bucket of a bond since the last call to its load. */
static void
account_flow(const struct dp_flow *cf, void *aux)
{
	struct dp_flow *f = (struct dp_flow *)cf; /* acct_* are the control thread's. */
	const struct dp_actions *acts = dp_flow_actions(f);
	(void)aux;

	if (!f->in_use || f->bond_bucket < 0 || f->bond_bucket >= L2_BOND_BUCKETS)
		return;
	uint64_t bytes = f->stats.n_bytes;
	uint64_t delta =
		f->acct_seq == f->seq && bytes >= f->acct_bytes ? bytes - f->acct_bytes : bytes;
	f->acct_bytes = bytes;
	f->acct_seq = f->seq;
	for (unsigned i = 0; i < acts->n && delta > 0; i++) {
		unsigned k;
		struct bond *b;
		if (acts->a[i].type != DPA_OUTPUT || (b = bond_of_dp(acts->a[i].port, &k)) == NULL)
			continue;
		b->load[f->bond_bucket] += delta;
		b->used[f->bond_bucket] = true;
		break;
	}
}

static void
account_all(void)
{
	for (unsigned i = 0; i < pmd_count(); i++)
		dp_flow_table_foreach(pmd_flows(i), account_flow, NULL);
}

/*
 * After members came or went: the buckets of members no longer enabled go to the others at
 * once; when one came, the buckets that never carried anything are spread over all.
 */
static void
buckets_update(struct bond *b, bool member_came)
{
	bool enabled[L2_BOND_MAX_MEMBERS];

	bond_enabled_set(b, enabled);
	if (member_came)
		account_all();
	l2_bond_assign(b->bucket, b->used, enabled, b->n_members, member_came);
}

static void
rebalance(struct bond *b)
{
	bool enabled[L2_BOND_MAX_MEMBERS];

	bond_enabled_set(b, enabled);
	unsigned moved = l2_bond_rebalance(b->bucket, b->load, enabled, b->n_members);
	if (moved > 0) {
		b->n_rebalanced += moved;
		TLOG(INFO, "bond %s: rebalanced: %u buckets moved", b->name, moved);
	}
}

/* ---- Learning frames ---- */

/* How a frame of VLAN vlan leaves the bond's port lp: false if it does not carry vlan. */
static bool
bond_egress(const struct l2_port *lp, uint16_t vlan, bool *tagged)
{
	bool trunked = lp->trunk_all || (lp->trunks[vlan / 64] >> (vlan % 64) & 1);

	switch (lp->mode) {
	case L2_VLAN_ACCESS:
	case L2_VLAN_DOT1Q_TUNNEL:
		*tagged = false;
		return vlan == lp->tag;
	case L2_VLAN_TRUNK:
		*tagged = vlan != 0;
		return trunked;
	case L2_VLAN_NATIVE_UNTAGGED:
		*tagged = vlan != lp->tag;
		return vlan == lp->tag || trunked;
	default:
		*tagged = true;
		return vlan == lp->tag || trunked;
	}
}

/* The bond's l2_port in the snapshot in force, or NULL. */
static const struct l2_port *
bond_l2_port(const struct bond *b)
{
	const struct dp_snapshot *s = pmd_snapshot();

	for (unsigned i = 0; s != NULL && i < s->n_bridges; i++) {
		const struct l2_bridge *l2 = &s->bridges[i].l2;
		for (unsigned k = 0; k < l2->n_ports; k++)
			if (l2->ports[k].bond && !strcmp(l2->ports[k].bond->name, b->name))
				return &l2->ports[k];
	}
	return NULL;
}

/*
 * A RARP from each MAC the bridge learned elsewhere, out of the new active member, so that
 * the switch upstream, which learned them on the old one's link, learns them here (OVS's
 * bond_compose_learning_packet()).
 */
static void
send_learning_frames(struct bond *b)
{
	struct mac_table *macs = bridge_mac_table(b->bridge);
	const struct l2_port *lp = bond_l2_port(b);

	b->send_learning = false;
	if (macs == NULL || lp == NULL || b->active < 0)
		return;
	struct mac_table_entry *e = xcalloc(BOND_LEARNING_MAX, sizeof(*e));
	unsigned n = mac_table_snapshot(macs, bridge_now_ms() / 1000, e, BOND_LEARNING_MAX);
	unsigned sent = 0;
	for (unsigned i = 0; i < n; i++) {
		bool tagged;
		if (e[i].port == lp->dp_port || l2_bond_has(lp->bond, e[i].port) ||
			!bond_egress(lp, e[i].vlan, &tagged))
			continue;
		/* balance-slb: by the member the MAC's frames leave by (OVS does the same). */
		uint32_t out = b->m[b->active].dp_no;
		if (bond_running_mode(b) == L2_BOND_SLB) {
			int16_t k = b->bucket[l2_bond_hash_slb(&e[i].mac, e[i].vlan, b->basis) %
					      L2_BOND_BUCKETS];
			if (k < 0 || !b->m[k].enabled)
				continue;
			out = b->m[k].dp_no;
		}
		uint8_t f[BOND_RARP_TAGGED_LEN] = {0};
		unsigned o = 12;
		memset(f, 0xff, 6);
		memcpy(f + 6, e[i].mac.addr_bytes, 6);
		if (tagged) {
			f[o++] = 0x81, f[o++] = 0x00;
			f[o++] = (uint8_t)(e[i].vlan >> 8), f[o++] = (uint8_t)e[i].vlan;
		}
		/* RARP (RFC 903): Ethernet, IPv4, reverse request, sender and target our MAC. */
		static const uint8_t rarp[] = {0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00,
			0x03};
		memcpy(f + o, rarp, sizeof(rarp));
		o += sizeof(rarp);
		memcpy(f + o, e[i].mac.addr_bytes, 6);
		memcpy(f + o + 10, e[i].mac.addr_bytes, 6);
		struct ds err = DS_INIT;
		if (punt_inject(out, f, tagged ? BOND_RARP_TAGGED_LEN : BOND_RARP_LEN, &err) < 0)
			b->n_tx_fail++;
		else
			sent++;
		ds_destroy(&err);
	}
	b->n_learning_sent += sent;
	if (sent > 0 && bond_running_mode(b) == L2_BOND_SLB)
		TLOG(INFO, "bond %s: %u learning frames sent", b->name, sent);
	else if (sent > 0)
		TLOG(INFO, "bond %s: %u learning frames sent on %s", b->name, sent,
			b->m[b->active].name);
	free(e);
}

/* ---- The tick ---- */

/* Runs b's state one step; returns whether what the datapath has of it must change. */
static bool
bond_run(struct bond *b, uint64_t now, unsigned ms)
{
	bool poll = !b->miimon || now >= b->next_miimon_ms;

	if (poll) {
		for (unsigned k = 0; k < b->n_members; k++)
			member_poll_link(b, k);
		b->next_miimon_ms = now + b->miimon_ms;
	}
	if (b->lacp)
		lacp_tick(b->lacp, ms);
	bool came = false, changed = false;
	bool was[L2_BOND_MAX_MEMBERS];
	for (unsigned k = 0; k < b->n_members; k++)
		was[k] = b->m[k].enabled;
	if (members_update(b, now)) {
		changed = true;
		for (unsigned k = 0; k < b->n_members; k++)
			came |= b->m[k].enabled && !was[k];
		buckets_update(b, came);
	}
	choose_active(b);
	return changed;
}

static bool
rebalance_due(const struct bond *b, uint64_t now)
{
	return bond_balanced(b) && b->rebalance_ms > 0 && now >= b->next_rebalance_ms;
}

/* Whether the datapath's view of b (the last snapshot's) differs from its state now. */
static bool
bond_dirty(const struct bond *b)
{
	struct l2_bond lb;

	if (!b->published_valid)
		return false; /* Not in a snapshot yet: the next one has it. */
	lb = b->published;
	bond_fill(b, &lb);
	return memcmp(&lb, &b->published, sizeof(lb)) != 0;
}

static void
bond_timer(void *arg)
{
	uint64_t now = bridge_now_ms();
	unsigned ms = (unsigned)RTE_MIN(now - last_ms, 10000u);
	bool learning = false, dirty = false;

	(void)arg;
	last_ms = now;
	bool due = false;
	for (unsigned i = 0; i < n_bonds; i++) {
		bond_run(bonds[i], now, ms);
		due |= rebalance_due(bonds[i], now);
	}
	/* One walk of the megaflows gives every bond due its loads. */
	if (due)
		account_all();
	for (unsigned i = 0; i < n_bonds; i++) {
		if (rebalance_due(bonds[i], now)) {
			bonds[i]->next_rebalance_ms = now + bonds[i]->rebalance_ms;
			rebalance(bonds[i]);
		}
		learning |= bonds[i]->send_learning;
		dirty |= bond_dirty(bonds[i]);
	}
	if (dirty)
		bridge_republish_states(); /* The snapshot hook marks what moved. */
	for (unsigned i = 0; learning && i < n_bonds; i++)
		if (bonds[i]->send_learning)
			send_learning_frames(bonds[i]);
}

/* ---- reconfigure ---- */

static unsigned
map_uint(const struct conf_map *m, const char *key, unsigned def)
{
	const char *s = conf_map_get(m, key);

	return s && *s ? (unsigned)strtoul(s, NULL, 10) : def;
}

static bool
map_true(const struct conf_map *m, const char *key)
{
	const char *s = conf_map_get(m, key);

	return s != NULL && !strcmp(s, "true");
}

static enum l2_bond_mode
mode_of(const struct conf_port *cp)
{
	if (cp->bond_mode && !strcmp(cp->bond_mode, "balance-slb"))
		return L2_BOND_SLB;
	if (cp->bond_mode && !strcmp(cp->bond_mode, "balance-tcp"))
		return L2_BOND_TCP;
	return L2_BOND_AB;
}

/* The LACP system id: lacp-system-id, else the bridge's MAC, else a member's. */
static struct rte_ether_addr
system_mac(const struct conf_bridge *cb, const struct conf_port *cp)
{
	const char *sid = conf_map_get(&cp->other_config, "lacp-system-id");
	const struct port *own = bridge_port_by_name(cb->name);
	struct rte_ether_addr mac = {{0}};

	if (sid != NULL && rte_ether_unformat_addr(sid, &mac) == 0)
		return mac;
	if (own != NULL)
		mac = own->mac;
	for (unsigned i = 0; i < cp->n_ifaces && rte_is_zero_ether_addr(&mac); i++) {
		const struct port *p = bridge_port_by_name(cp->ifaces[i].name);
		if (p != NULL)
			mac = p->mac;
	}
	return mac;
}

/* Applies cp's LACP settings to b, creating or dropping its engine. */
static void
configure_lacp(struct bond *b, const struct conf_port *cp)
{
	bool on = cp->lacp != NULL && strcmp(cp->lacp, "off");

	if (!on || b->lacp == NULL) {
		for (unsigned k = 0; k < b->n_members; k++)
			b->m[k].no = 0; /* Not in an engine (configure_members() adds them). */
	}
	if (!on) {
		if (b->lacp != NULL) {
			lacp_destroy(b->lacp);
			b->lacp = NULL;
		}
		return;
	}
	if (b->lacp == NULL)
		b->lacp = lacp_create(b->name, b->sys_mac.addr_bytes, lacp_send, b);
	else
		lacp_set_system_id(b->lacp, b->sys_mac.addr_bytes);
	unsigned prio = map_uint(&cp->other_config, "lacp-system-priority", 0);
	if (prio == 0) /* OVS: 65535 for a bond of one interface, 65534 for more. */
		prio = cp->n_ifaces > 1 ? LACP_DEFAULT_SYS_PRIORITY : LACP_DEFAULT_SYS_PRIORITY + 1;
	lacp_set_system_priority(b->lacp, prio, NULL);
	b->lacp_active = !strcmp(cp->lacp, "active");
	lacp_set_active(b->lacp, b->lacp_active);
	const char *t = conf_map_get(&cp->other_config, "lacp-time");
	b->fast = t != NULL && !strcmp(t, "fast");
	lacp_set_fast(b->lacp, b->fast);
	lacp_set_fallback_ab(b->lacp, b->fallback_ab);
}

/* A member number no member of b has in its engine. */
static unsigned
free_member_no(const struct bond *b)
{
	for (unsigned no = 1;; no++) {
		bool used = false;
		for (unsigned k = 0; k < b->n_members; k++)
			used |= b->m[k].no == no;
		if (!used)
			return no;
	}
}

/*
 * Applies cp's interfaces to b's members. A member that stays keeps its state and its number
 * in the LACP engine (retuned, never re-added: that would forget its partner); those gone
 * leave the engine, new ones join it.
 */
static void
configure_members(struct bond *b, const struct conf_port *cp)
{
	struct bond_member old[L2_BOND_MAX_MEMBERS];
	unsigned n_old = b->n_members;
	int16_t remap[L2_BOND_MAX_MEMBERS];

	memcpy(old, b->m, sizeof(old));
	for (unsigned k = 0; k < n_old; k++) {
		bool stays = false;
		for (unsigned i = 0; i < cp->n_ifaces && i < L2_BOND_MAX_MEMBERS; i++)
			stays |= !strcmp(old[k].name, cp->ifaces[i].name);
		if (!stays && old[k].no && b->lacp)
			lacp_member_del(b->lacp, old[k].no);
	}
	b->n_members = 0;
	for (unsigned i = 0; i < cp->n_ifaces && b->n_members < L2_BOND_MAX_MEMBERS; i++) {
		const struct conf_iface *ci = &cp->ifaces[i];
		struct bond_member *m = &b->m[b->n_members];
		memset(m, 0, sizeof(*m));
		for (unsigned k = 0; k < n_old; k++)
			if (!strcmp(old[k].name, ci->name))
				*m = old[k];
		snprintf(m->name, sizeof(m->name), "%s", ci->name);
		const struct port *port = bridge_port_by_name(ci->name);
		uint32_t dp = port != NULL && port->started ? port->dp_no : 0;
		if (dp != m->dp_no) { /* Reopened or gone: its link is read afresh. */
			m->carrier = m->enabled = false;
			if (b->lacp && m->no)
				lacp_member_set_carrier(b->lacp, m->no, false);
		}
		m->dp_no = dp;
		if (port != NULL)
			m->mac = port->mac;
		b->n_members++;
		if (b->lacp == NULL)
			continue;
		unsigned id = map_uint(&ci->other_config, "lacp-port-id", 0);
		if (id == 0 || id > 65535)
			id = port != NULL && port->ofport > 0 && port->ofport < 65536
				     ? (unsigned)port->ofport
				     : 0;
		if (id == 0) {
			/* Not open: it joins the engine with its OpenFlow number, once it has one.
			 */
			if (m->no != 0)
				lacp_member_del(b->lacp, m->no);
			m->no = 0;
			continue;
		}
		unsigned prio = map_uint(&ci->other_config, "lacp-port-priority", 0);
		unsigned key = map_uint(&ci->other_config, "lacp-aggregation-key", 0);
		prio = prio ? prio : LACP_DEFAULT_PORT_PRIORITY;
		if (m->no != 0) {
			lacp_member_set(b->lacp, m->no, id, prio, key);
			continue;
		}
		/* New to the engine: a number once every staying member has its own. */
		m->no = UINT32_MAX;
		m->lacp_id = id, m->lacp_prio = prio, m->lacp_key = key;
	}
	for (unsigned k = 0; b->lacp && k < b->n_members; k++) {
		struct bond_member *m = &b->m[k];
		if (m->no != UINT32_MAX)
			continue;
		m->no = 0;
		unsigned no = free_member_no(b);
		if (lacp_member_add(b->lacp, no, m->name, m->lacp_id, m->lacp_prio, m->lacp_key) ==
			0) {
			m->no = no;
			if (m->carrier)
				lacp_member_set_carrier(b->lacp, no, true);
		}
	}
	if (cp->n_ifaces > L2_BOND_MAX_MEMBERS)
		TLOG(WARNING, "bond %s: %u interfaces, only the first %u are members", b->name,
			cp->n_ifaces, L2_BOND_MAX_MEMBERS);
	/* Buckets and the active member follow their member's new index. */
	for (unsigned k = 0; k < L2_BOND_MAX_MEMBERS; k++)
		remap[k] = -1;
	for (unsigned k = 0; k < n_old; k++)
		remap[k] = (int16_t)member_find(b, old[k].name);
	for (unsigned i = 0; i < L2_BOND_BUCKETS; i++)
		b->bucket[i] = b->bucket[i] >= 0 ? remap[b->bucket[i]] : -1;
	b->active = b->active >= 0 ? remap[b->active] : -1;
}

static void
bond_destroy(struct bond *b)
{
	if (b->lacp)
		lacp_destroy(b->lacp);
	free(b);
}

static void
bond_configure(const struct conf_bridge *cb, const struct conf_port *cp)
{
	struct bond *b = bond_find(cp->name);
	const struct conf_map *oc = &cp->other_config;
	uint64_t now = bridge_now_ms();

	if (b != NULL && strcmp(b->bridge, cb->name)) {
		/* Moved to another bridge: start over. */
		for (unsigned i = 0; i < n_bonds; i++)
			if (bonds[i] == b)
				bonds[i] = bonds[--n_bonds];
		bond_destroy(b);
		b = NULL;
	}
	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		snprintf(b->name, sizeof(b->name), "%s", cp->name);
		snprintf(b->bridge, sizeof(b->bridge), "%s", cb->name);
		b->active = -1;
		for (unsigned i = 0; i < L2_BOND_BUCKETS; i++)
			b->bucket[i] = -1;
		bonds = xrealloc(bonds, (n_bonds + 1) * sizeof(*bonds));
		bonds[n_bonds++] = b;
		TLOG(INFO, "bond %s: created on bridge %s", b->name, cb->name);
	}
	b->seen = true;
	b->mode = mode_of(cp);
	b->fallback_ab = map_true(oc, "lacp-fallback-ab");
	b->all_members_active = map_true(oc, "all-members-active");
	const char *dm = conf_map_get(oc, "bond-detect-mode");
	b->miimon = dm != NULL && !strcmp(dm, "miimon");
	b->miimon_ms = map_uint(oc, "bond-miimon-interval", BOND_MIIMON_MS);
	b->updelay_ms = (unsigned)cp->bond_updelay;
	b->downdelay_ms = (unsigned)cp->bond_downdelay;
	uint32_t basis = map_uint(oc, "bond-hash-basis", 0);
	if (basis != b->basis)
		memset(b->used, 0, sizeof(b->used)); /* Every flow hashes elsewhere now. */
	b->basis = basis;
	unsigned ri = map_uint(oc, "bond-rebalance-interval", BOND_REBALANCE_MS);
	if (ri > 0 && ri < BOND_REBALANCE_MIN_MS)
		ri = BOND_REBALANCE_MIN_MS;
	if (ri != b->rebalance_ms)
		b->next_rebalance_ms = now + ri;
	b->rebalance_ms = ri;
	const char *pr = conf_map_get(oc, "bond-primary");
	snprintf(b->primary, sizeof(b->primary), "%s", pr ? pr : "");
	b->sys_mac = system_mac(cb, cp);
	configure_lacp(b, cp);
	configure_members(b, cp);
	for (unsigned k = 0; k < b->n_members; k++)
		member_poll_link(b, k);
	b->next_miimon_ms = now + b->miimon_ms;
	members_update(b, now);
	buckets_update(b, true);
	choose_active(b);
}

static bool
any_lacp(void)
{
	for (unsigned i = 0; i < n_bonds; i++)
		if (bonds[i]->lacp != NULL)
			return true;
	return false;
}

static void
bond_reconfigure(const struct conf *old, const struct conf *conf)
{
	(void)old;
	for (unsigned i = 0; i < n_bonds; i++)
		bonds[i]->seen = false;
	for (unsigned b = 0; b < conf->n_bridges; b++)
		for (unsigned p = 0; p < conf->bridges[b].n_ports; p++)
			if (conf_port_is_bond(&conf->bridges[b].ports[p]))
				bond_configure(&conf->bridges[b], &conf->bridges[b].ports[p]);
	for (unsigned i = 0; i < n_bonds;) {
		if (bonds[i]->seen) {
			i++;
			continue;
		}
		TLOG(INFO, "bond %s: removed", bonds[i]->name);
		bond_destroy(bonds[i]);
		bonds[i] = bonds[--n_bonds];
	}
	if (n_bonds > 0 && timer < 0) {
		last_ms = bridge_now_ms();
		timer = loop_timer_add(BOND_TICK_MS, bond_timer, NULL);
		if (timer < 0)
			TLOG(ERR, "bond: no timer left: links and LACP are not followed");
	} else if (n_bonds == 0 && timer >= 0) {
		loop_timer_del(timer);
		timer = -1;
	}
	if (any_lacp() && claim < 0) {
		claim = punt_claim_add(&(struct punt_claim){.name = "lacp",
			.dst = {{0x01, 0x80, 0xc2, 0x00, 0x00, 0x02}},
			.ethertype = LACP_ETHERTYPE,
			.per_bridge = true,
			.fn = lacp_rx});
		if (claim < 0)
			TLOG(ERR, "bond: cannot claim LACPDUs (%s): LACP does not run",
				strerror(-claim));
	} else if (!any_lacp() && claim >= 0) {
		punt_claim_del(claim);
		claim = -1;
	}
}

/* ---- The snapshot ---- */

/* Fills what NORMAL needs of b into lb (its name and members are bridge.c's). */
static void
bond_fill(const struct bond *b, struct l2_bond *lb)
{
	enum lacp_status st = bond_lacp_status(b);
	enum l2_bond_mode mode = bond_running_mode(b);

	lb->mode = (uint8_t)mode;
	lb->all_members_active = b->all_members_active;
	lb->basis = b->basis;
	/* OVS's bond_check_admissibility(): by the configured mode, not the running one. */
	if (st == LACP_NEGOTIATED)
		lb->admit = L2_BOND_ADMIT_ENABLED;
	else if (st == LACP_CONFIGURED && !b->fallback_ab)
		lb->admit = L2_BOND_ADMIT_NONE;
	else if (st == LACP_DISABLED && b->mode == L2_BOND_TCP)
		lb->admit = L2_BOND_ADMIT_NONE;
	else if (b->mode == L2_BOND_SLB)
		lb->admit = L2_BOND_ADMIT_SLB;
	else
		lb->admit = L2_BOND_ADMIT_ACTIVE;
	lb->active = b->active >= 0 ? b->m[b->active].dp_no : 0;
	for (unsigned i = 0; i < lb->n_members; i++) {
		int k = -1;
		for (unsigned j = 0; j < b->n_members; j++)
			if (b->m[j].dp_no == lb->members[i])
				k = (int)j;
		lb->enabled[i] = k >= 0 && b->m[k].enabled;
		lb->may_enable[i] = k >= 0 && b->m[k].may_enable;
	}
	for (unsigned i = 0; i < L2_BOND_BUCKETS; i++) {
		int16_t k = b->bucket[i];
		lb->buckets[i] = k >= 0 && b->m[k].enabled ? b->m[k].dp_no : 0;
	}
	/* Nothing enabled: no bucket, no active member, whatever the mode. */
	if (lb->active == 0 && mode == L2_BOND_AB)
		memset(lb->buckets, 0, sizeof(lb->buckets));
}

static void
bond_snapshot(struct dp_snapshot *snap)
{
	for (unsigned i = 0; i < snap->n_bridges; i++) {
		struct dp_bridge *db = &snap->bridges[i];
		bool moved = false;
		if (claim >= 0)
			for (unsigned k = 0; k < n_bonds; k++)
				if (bonds[k]->lacp && !strcmp(bonds[k]->bridge, db->name))
					db->punt_claims |= 1u << claim;
		for (unsigned k = 0; k < db->l2.n_ports; k++) {
			const struct l2_port *lp = &db->l2.ports[k];
			struct bond *b = lp->bond ? bond_find(lp->bond->name) : NULL;
			if (b == NULL)
				continue;
			/* The snapshot is still being built: its bonds are ours to fill. */
			struct l2_bond *lb = (struct l2_bond *)lp->bond;
			bond_fill(b, lb);
			if (b->published_valid && !memcmp(&b->published, lb, sizeof(*lb)))
				continue;
			/* What bridge_republish_states() tells the PMDs moved. */
			for (unsigned j = 0; j < lb->n_members; j++) {
				uint32_t d = lb->members[j];
				snap->stp_moved[d / 64] |= UINT64_C(1) << (d % 64);
			}
			b->published = *lb;
			b->published_valid = true;
			moved = true;
		}
		for (unsigned k = 0; moved && k < db->l2.n_ports; k++) {
			const struct l2_port *lp = &db->l2.ports[k];
			for (unsigned j = 0; j < (lp->bond ? lp->bond->n_members : 1); j++) {
				uint32_t d = lp->bond ? lp->bond->members[j] : lp->dp_port;
				snap->stp_bridges[d / 64] |= UINT64_C(1) << (d % 64);
			}
		}
	}
}

/* ---- Status columns ---- */

static void
put_status(struct status_map *st, const char *key, const char *value)
{
	if (st->n >= STATUS_MAP_MAX)
		return;
	snprintf(st->kv[st->n].key, sizeof(st->kv[st->n].key), "%s", key);
	snprintf(st->kv[st->n].value, sizeof(st->kv[st->n].value), "%s", value);
	st->n++;
}

/* Port bond_active_slave: the active member's MAC, as OVS. */
static void
status_active(const char *name, struct status_map *st)
{
	const struct bond *b = bond_find(name);
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	if (b == NULL || b->active < 0)
		return;
	snprintf(mac, sizeof(mac), FLOW_MAC_FMT, FLOW_MAC_ARGS(&b->m[b->active].mac));
	put_status(st, "", mac);
}

/* Interface lacp_current: whether a LACP member's partner information is current. */
static void
status_lacp_current(const char *name, struct status_map *st)
{
	for (unsigned i = 0; i < n_bonds; i++) {
		int k = member_find(bonds[i], name);
		if (k >= 0 && bonds[i]->lacp) {
			put_status(st, "",
				lacp_member_is_current(bonds[i]->lacp, bonds[i]->m[k].no)
					? "true"
					: "false");
			return;
		}
	}
}

/* ---- Commands ---- */

static int
cmd_list(int argc, const char *const argv[], struct ds *out)
{
	(void)argc;
	(void)argv;
	ds_put_cstr(out, "bond\ttype\trecircID\tmembers\n");
	for (unsigned i = 0; i < n_bonds; i++) {
		const struct bond *b = bonds[i];
		ds_put_format(out, "%s\t%s\t-1\t", b->name, mode_names[b->mode]);
		for (unsigned k = 0; k < b->n_members; k++)
			ds_put_format(out, "%s%s", k ? ", " : "", b->m[k].name);
		ds_put_char(out, '\n');
	}
	return 0;
}

static int
cmp_members(const void *x, const void *y)
{
	return strcmp(((const struct bond_member *const *)x)[0]->name,
		((const struct bond_member *const *)y)[0]->name);
}

/* bond/show for one bond, in OVS's layout (ofproto/bond.c bond_print_details()). */
static void
bond_show(const struct bond *b, struct ds *out)
{
	uint64_t now = bridge_now_ms();
	char mac[RTE_ETHER_ADDR_FMT_SIZE] = "00:00:00:00:00:00";

	ds_put_format(out, "---- %s ----\n", b->name);
	ds_put_format(out, "bond_mode: %s\n", mode_names[b->mode]);
	ds_put_cstr(out, "bond may use recirculation: no, Recirc-ID : -1\n");
	ds_put_format(out, "bond-hash-basis: %" PRIu32 "\n", b->basis);
	ds_put_cstr(out, "lb_output action: disabled, bond-id: -1\n");
	if (b->mode == L2_BOND_SLB)
		ds_put_format(out, "all members active: %s\n",
			b->all_members_active ? "true" : "false");
	ds_put_format(out, "updelay: %u ms\n", b->updelay_ms);
	ds_put_format(out, "downdelay: %u ms\n", b->downdelay_ms);
	if (bond_balanced(b) && b->rebalance_ms > 0)
		ds_put_format(out, "next rebalance: %lld ms\n",
			(long long)(b->next_rebalance_ms - now));
	ds_put_format(out, "lacp_status: %s\n", lacp_status_name(bond_lacp_status(b)));
	ds_put_format(out, "lacp_fallback_ab: %s\n", b->fallback_ab ? "true" : "false");
	int primary = b->primary[0] ? member_find(b, b->primary) : -1;
	ds_put_format(out, "active-backup primary: %s%s\n", b->primary[0] ? b->primary : "<none>",
		b->primary[0] && primary < 0 ? " (no such member)" : "");
	if (b->active >= 0)
		snprintf(mac, sizeof(mac), FLOW_MAC_FMT, FLOW_MAC_ARGS(&b->m[b->active].mac));
	ds_put_format(out, "active member mac: %s(%s)\n", mac,
		b->active >= 0 ? b->m[b->active].name : "none");

	const struct bond_member *sorted[L2_BOND_MAX_MEMBERS];
	for (unsigned k = 0; k < b->n_members; k++)
		sorted[k] = &b->m[k];
	qsort(sorted, b->n_members, sizeof(sorted[0]), cmp_members);
	for (unsigned s = 0; s < b->n_members; s++) {
		const struct bond_member *m = sorted[s];
		int k = (int)(m - b->m);
		ds_put_format(out, "\nmember %s: %s\n", m->name,
			m->enabled ? "enabled" : "disabled");
		if (k == b->active)
			ds_put_cstr(out, "  active member\n");
		if (m->delay_expires_ms != 0)
			ds_put_format(out, "  %s expires in %lld ms\n",
				m->enabled ? "downdelay" : "updelay",
				(long long)(m->delay_expires_ms - now));
		ds_put_format(out, "  may_enable: %s\n", m->may_enable ? "true" : "false");
		if (!bond_balanced(b) || b->rebalance_ms == 0)
			continue;
		for (unsigned h = 0; h < L2_BOND_BUCKETS; h++)
			if (b->bucket[h] == k && b->load[h] / 1024 > 0)
				ds_put_format(out, "  hash %u: %" PRIu64 " kB load\n", h,
					b->load[h] / 1024);
	}
	ds_put_char(out, '\n');
}

static int
cmd_show(int argc, const char *const argv[], struct ds *out)
{
	if (argc > 1) {
		const struct bond *b = bond_find(argv[1]);
		if (b == NULL) {
			ds_put_cstr(out, "no such bond");
			return -ENOENT;
		}
		bond_show(b, out);
		return 0;
	}
	for (unsigned i = 0; i < n_bonds; i++)
		bond_show(bonds[i], out);
	return 0;
}

/* The bond argv[1] and its member argv[2], or an error in out. */
static struct bond *
bond_and_member(const char *const argv[], int *k, struct ds *out)
{
	struct bond *b = bond_find(argv[1]);

	if (b == NULL) {
		ds_put_cstr(out, "no such bond");
		return NULL;
	}
	*k = member_find(b, argv[2]);
	if (*k < 0) {
		ds_put_cstr(out, "no such member");
		return NULL;
	}
	return b;
}

static int
cmd_set_active(int argc, const char *const argv[], struct ds *out)
{
	int k;
	struct bond *b = bond_and_member(argv, &k, out);

	(void)argc;
	if (b == NULL)
		return -ENOENT;
	if (!b->m[k].enabled) {
		ds_put_cstr(out, "cannot make disabled member active");
		return -EINVAL;
	}
	if (b->active == k) {
		ds_put_cstr(out, "no change");
		return 0;
	}
	TLOG(INFO, "bond %s: active member is now %s", b->name, b->m[k].name);
	b->active = k;
	bridge_republish_states();
	if (bond_lacp_status(b) != LACP_NEGOTIATED)
		send_learning_frames(b);
	ds_put_cstr(out, "done");
	return 0;
}

static int
enable_member(const char *const argv[], bool enable, struct ds *out)
{
	int k;
	struct bond *b = bond_and_member(argv, &k, out);

	if (b == NULL)
		return -ENOENT;
	b->m[k].admin_disabled = !enable;
	/* At once, without the up and down delays, as OVS. */
	b->m[k].may_enable = b->m[k].carrier && enable &&
			     (b->lacp == NULL || lacp_member_may_enable(b->lacp, b->m[k].no));
	bool came = b->m[k].may_enable && !b->m[k].enabled;
	b->m[k].enabled = b->m[k].may_enable;
	b->m[k].delay_expires_ms = 0;
	buckets_update(b, came);
	choose_active(b);
	bridge_republish_states();
	if (b->send_learning)
		send_learning_frames(b);
	ds_put_cstr(out, enable ? "enabled" : "disabled");
	return 0;
}

static int
cmd_enable(int argc, const char *const argv[], struct ds *out)
{
	(void)argc;
	return enable_member(argv, true, out);
}

static int
cmd_disable(int argc, const char *const argv[], struct ds *out)
{
	(void)argc;
	return enable_member(argv, false, out);
}

static int
cmd_hash(int argc, const char *const argv[], struct ds *out)
{
	struct rte_ether_addr mac;
	unsigned long vlan = 0, basis = 0;
	char *end;

	if (argc > 2) {
		vlan = strtoul(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || vlan > 4095) {
			ds_put_cstr(out, "invalid vlan");
			return -EINVAL;
		}
	}
	if (argc > 3) {
		basis = strtoul(argv[3], &end, 10);
		if (*argv[3] == '\0' || *end != '\0' || basis > UINT32_MAX) {
			ds_put_cstr(out, "invalid basis");
			return -EINVAL;
		}
	}
	if (rte_ether_unformat_addr(argv[1], &mac) < 0) {
		ds_put_cstr(out, "invalid mac");
		return -EINVAL;
	}
	ds_put_format(out, "%u",
		l2_bond_hash_slb(&mac, (uint16_t)vlan, (uint32_t)basis) % L2_BOND_BUCKETS);
	return 0;
}

/* bond/migrate PORT HASH MEMBER: bucket HASH now leaves by MEMBER. */
static int
cmd_migrate(int argc, const char *const argv[], struct ds *out)
{
	const char *const bm[] = {argv[0], argv[1], argv[3]};
	int k;
	struct bond *b = bond_and_member(bm, &k, out);
	char *end;

	(void)argc;
	if (b == NULL)
		return -ENOENT;
	unsigned long h = strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || h >= L2_BOND_BUCKETS) {
		ds_put_cstr(out, "bad hash");
		return -EINVAL;
	}
	if (!bond_balanced(b)) {
		ds_put_cstr(out, "not an SLB or TCP bond");
		return -EINVAL;
	}
	if (!b->m[k].enabled) {
		ds_put_cstr(out, "cannot migrate to disabled member");
		return -EINVAL;
	}
	b->bucket[h] = (int16_t)k;
	b->used[h] = true; /* Stays there when a member comes back (buckets_update()). */
	bridge_republish_states();
	ds_put_cstr(out, "migrated");
	return 0;
}

/* lacp/show and lacp/show-stats: every LACP bond, or the one named. */
static int
lacp_each(int argc, const char *const argv[], void (*fn)(const struct lacp *, struct ds *),
	struct ds *out)
{
	if (argc > 1) {
		const struct bond *b = bond_find(argv[1]);
		if (b == NULL || b->lacp == NULL) {
			ds_put_format(out, "%s: no such port", argv[1]);
			return -ENOENT;
		}
		fn(b->lacp, out);
		return 0;
	}
	for (unsigned i = 0; i < n_bonds; i++)
		if (bonds[i]->lacp)
			fn(bonds[i]->lacp, out);
	if (lacp_rx_ignored + lacp_rx_bad > 0 && fn == lacp_format_stats)
		ds_put_format(out,
			"LACPDUs dropped on ports of no LACP bond: %" PRIu64
			"; frames to the slow protocols address that are no LACPDU: %" PRIu64 "\n",
			lacp_rx_ignored, lacp_rx_bad);
	return 0;
}

static int
cmd_lacp_show(int argc, const char *const argv[], struct ds *out)
{
	return lacp_each(argc, argv, lacp_format, out);
}

static int
cmd_lacp_stats(int argc, const char *const argv[], struct ds *out)
{
	return lacp_each(argc, argv, lacp_format_stats, out);
}

static const struct ctl_command bond_cmds[] = {
	{"bond/list", "", 0, 0, cmd_list},
	{"bond/show", "[PORT]", 0, 1, cmd_show},
	{"bond/set-active-member", "PORT MEMBER", 2, 2, cmd_set_active},
	{"bond/set-active-slave", "PORT MEMBER", 2, 2, cmd_set_active},
	{"bond/enable-member", "PORT MEMBER", 2, 2, cmd_enable},
	{"bond/enable-slave", "PORT MEMBER", 2, 2, cmd_enable},
	{"bond/disable-member", "PORT MEMBER", 2, 2, cmd_disable},
	{"bond/disable-slave", "PORT MEMBER", 2, 2, cmd_disable},
	{"bond/hash", "MAC [VLAN] [BASIS]", 1, 3, cmd_hash},
	{"bond/migrate", "PORT HASH MEMBER", 3, 3, cmd_migrate},
	{"lacp/show", "[PORT]", 0, 1, cmd_lacp_show},
	{"lacp/show-stats", "[PORT]", 0, 1, cmd_lacp_stats},
};
CTL_REGISTER_ARRAY(bond_cmds)

/* ---- The module ---- */

static void
bond_fini(void)
{
	if (timer >= 0)
		loop_timer_del(timer);
	timer = -1;
	if (claim >= 0)
		punt_claim_del(claim);
	claim = -1;
	for (unsigned i = 0; i < n_bonds; i++)
		bond_destroy(bonds[i]);
	free(bonds);
	bonds = NULL;
	n_bonds = 0;
}

/* After punt and inject (30), which it uses. */
static const struct module bond_module = {.name = "bond",
	.order = 45,
	.fini = bond_fini,
	.reconfigure = bond_reconfigure,
	.snapshot = bond_snapshot,
	.status = {[STATUS_PORT_BOND] = status_active, [STATUS_IFACE_LACP] = status_lacp_current}};
MODULE_REGISTER(bond_module)
