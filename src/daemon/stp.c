/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spanning tree, the daemon's glue (the protocol itself is src/stp, docs/stp.md). It sits
 * beside the command's walk and the packet's: reconfigure() starts, retunes or stops one
 * engine per bridge with stp_enable=true; BPDUs reach the engine through a punt claim (never
 * through the OpenFlow tables or NORMAL) and leave it through punt_inject(); a 100 ms timer
 * gives it time and watches the links; the snapshot hook hands each port's state to NORMAL,
 * which neither learns nor forwards on a port that is not forwarding. Control thread only.
 *
 * While no bridge runs STP the claim is withdrawn, so BPDUs take the OpenFlow tables as before
 * (NORMAL drops them as reserved multicast).
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
#include "ds.h"
#include "log.h"
#include "mac_table.h"
#include "module.h"
#include "normal.h"
#include "pmd.h"
#include "port.h"
#include "punt.h"
#include "stp.h"
#include "xalloc.h"

#define STP_TICK_MS 100 /* The engine's clock; 802.1D's timers have 1 s granularity. */

/* One port of a bridge running STP. */
struct stp_mod_port {
	bool present;       /* Added to the engine (stp-enable not false). */
	bool enabled;       /* Enabled in the engine: its link is up. */
	bool cost_auto;     /* No stp-path-cost: the cost follows the link speed. */
	uint32_t dp_no;     /* Datapath port number. */
	char name[64];      /* Interface name, for stp/show. */
	char port_name[64]; /* Port name, for its status column. */
	uint64_t since_ms;  /* When it entered its state (stp_sec_in_state). */
	uint64_t rx_bad;    /* Frames to the group address that are no 802.3/LLC BPDU. */
	uint64_t tx_fail;   /* BPDUs the inject path refused (ring full, port gone). */
};

/* A bridge running STP. */
struct stp_mod_bridge {
	char name[64];                 /* Bridge name. */
	struct stp *stp;               /* Its engine. */
	struct rte_ether_addr mac;     /* Source of BPDUs on a port without a MAC of its own. */
	unsigned hello, max_age, fwd;  /* The configured times (the root's may differ). */
	uint64_t gen;                  /* stp_state_gen() as last published. */
	bool seen;                     /* Still configured (reconfigure's mark). */
	uint16_t port_of_dp[PORT_MAX]; /* STP port number by datapath number, 0: none. */
	struct stp_mod_port ports[STP_MAX_PORT + 1]; /* By STP port number. */
};

static struct stp_mod_bridge **brs;
static unsigned n_brs;
static int claim = -1;      /* The punt claim for 01:80:c2:00:00:00, while any bridge runs. */
static int timer = -1;      /* The 100 ms tick. */
static uint64_t last_ms;    /* When the engines were last ticked. */
static uint64_t rx_ignored; /* BPDUs from ports of bridges without STP, or outside it. */

static struct stp_mod_bridge *
br_find(const char *name)
{
	for (unsigned i = 0; i < n_brs; i++)
		if (!strcmp(brs[i]->name, name))
			return brs[i];
	return NULL;
}

/* The engine's send callback: frame the BPDU and queue it (never calls the engine back). */
static void
stp_send(unsigned port_no, const void *bpdu, size_t len, void *aux)
{
	struct stp_mod_bridge *br = aux;
	struct stp_mod_port *sp = &br->ports[port_no];
	const struct port *port = bridge_port_by_dp(sp->dp_no);
	const struct rte_ether_addr *src = &br->mac;
	uint8_t frame[STP_FRAME_MAX_LEN];
	struct ds err = DS_INIT;

	if (port != NULL && !rte_is_zero_ether_addr(&port->mac))
		src = &port->mac;
	size_t n = stp_frame_build(frame, src->addr_bytes, bpdu, len);
	if (punt_inject(sp->dp_no, frame, n, &err) < 0) {
		if (sp->tx_fail++ == 0)
			TLOG(WARNING, "stp %s: a BPDU on %s not sent: %s", br->name, sp->name,
				ds_cstr(&err));
	}
	ds_destroy(&err);
}

/* A port leaving the forwarding and learning states forgets the MACs it learned. */
static void
stp_state_changed(unsigned port_no, enum stp_state old_state, enum stp_state new_state, void *aux)
{
	struct stp_mod_bridge *br = aux;
	struct mac_table *macs = bridge_mac_table(br->name);

	TLOG(INFO, "stp %s: port %s %s -> %s", br->name, br->ports[port_no].name,
		stp_state_name(old_state), stp_state_name(new_state));
	br->ports[port_no].since_ms = bridge_now_ms();
	if (macs != NULL && stp_learn_in_state(old_state) && !stp_learn_in_state(new_state))
		mac_table_flush_port(macs, br->ports[port_no].dp_no);
}

/*
 * After anything that ran the engine: a topology change flushes the MAC table, and new port
 * states need a new snapshot. Returns whether br needs one.
 */
static bool
br_sync(struct stp_mod_bridge *br)
{
	if (stp_check_and_reset_fdb_flush(br->stp)) {
		struct mac_table *macs = bridge_mac_table(br->name);
		if (macs != NULL)
			mac_table_flush(macs);
	}
	uint64_t gen = stp_state_gen(br->stp);
	bool moved = gen != br->gen;
	br->gen = gen;
	return moved;
}

/* Follows each port's link: enabled in the engine while it is up (802.1D 8.8.2, 8.8.3). */
static void
br_poll_links(struct stp_mod_bridge *br)
{
	for (unsigned no = 1; no <= STP_MAX_PORT; no++) {
		struct stp_mod_port *sp = &br->ports[no];
		if (!sp->present)
			continue;
		const struct port *port = bridge_port_by_dp(sp->dp_no);
		uint32_t speed = 0;
		bool up = port != NULL && !port->down && port_link_up(port, &speed);
		if (up && sp->cost_auto)
			stp_port_set_path_cost(br->stp, no, stp_path_cost_for_speed(speed));
		if (up == sp->enabled)
			continue;
		sp->enabled = up;
		if (up)
			stp_port_enable(br->stp, no);
		else
			stp_port_disable(br->stp, no);
	}
}

static void
stp_timer(void *arg)
{
	uint64_t now = bridge_now_ms();
	unsigned ms = (unsigned)RTE_MIN(now - last_ms, 10000u);
	bool republish = false;

	(void)arg;
	last_ms = now;
	for (unsigned i = 0; i < n_brs; i++) {
		br_poll_links(brs[i]);
		stp_tick(brs[i]->stp, ms);
		republish |= br_sync(brs[i]);
	}
	if (republish)
		bridge_republish();
}

/* The punt claim's handler: a frame to 01:80:c2:00:00:00 from datapath port dp_no. */
static void
stp_rx(uint32_t dp_no, const struct rte_mbuf *m, void *arg)
{
	const char *name = bridge_of_port(dp_no);
	struct stp_mod_bridge *br = name ? br_find(name) : NULL;
	unsigned no = br && dp_no < PORT_MAX ? br->port_of_dp[dp_no] : 0;
	uint8_t buf[128];

	(void)arg;
	if (no == 0) {
		rx_ignored++;
		return;
	}
	/* A BPDU frame is 60 bytes; what is past buf cannot be part of one. */
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(buf));
	const void *frame = rte_pktmbuf_read(m, 0, len, buf);
	const void *bpdu;
	size_t bpdu_len;
	if (frame == NULL || stp_frame_parse(frame, len, &bpdu, &bpdu_len) < 0) {
		br->ports[no].rx_bad++;
		return;
	}
	stp_received(br->stp, no, bpdu, bpdu_len);
	if (br_sync(br))
		bridge_republish();
}

/* ---- reconfigure ---- */

static unsigned
map_num(const struct conf_map *m, const char *key, unsigned def)
{
	const char *s = conf_map_get(m, key);

	/* unsupported.c refused values out of range before they were saved. */
	return s && *s ? (unsigned)strtoul(s, NULL, 10) : def;
}

/* The bridge identifier: stp-priority and stp-system-id, else the bridge's own MAC. */
static uint64_t
bridge_id_of(const struct conf_bridge *cb, struct rte_ether_addr *mac)
{
	const char *sid = conf_map_get(&cb->other_config, "stp-system-id");
	const struct port *own = bridge_port_by_name(cb->name);
	uint64_t id = 0;

	memset(mac, 0, sizeof(*mac));
	if (own != NULL)
		*mac = own->mac;
	for (unsigned p = 0; p < cb->n_ports && rte_is_zero_ether_addr(mac); p++)
		for (unsigned i = 0; i < cb->ports[p].n_ifaces; i++) {
			const struct port *port = bridge_port_by_name(cb->ports[p].ifaces[i].name);
			if (port != NULL && !rte_is_zero_ether_addr(&port->mac)) {
				*mac = port->mac;
				break;
			}
		}
	struct rte_ether_addr sys = *mac;
	if (sid != NULL && rte_ether_unformat_addr(sid, &sys) < 0)
		sys = *mac;
	for (int i = 0; i < 6; i++)
		id = id << 8 | sys.addr_bytes[i];
	return (uint64_t)map_num(&cb->other_config, "stp-priority", STP_DEFAULT_BRIDGE_PRIORITY)
		       << 48 |
	       id;
}

/* One wanted STP port of a bridge. */
struct want_port {
	const struct conf_port *cp; /* Its configuration. */
	const struct port *port;    /* The open port. */
	unsigned no;                /* STP port number, 0 until assigned. */
};

/*
 * The ports of cb that take part: every started port but the bridge's own (a host's, not a
 * LAN's) and those with stp-enable=false. Numbers from stp-port-num, else the OpenFlow port
 * number when free and below 256, else the lowest free one. Returns how many.
 */
static unsigned
wanted_ports(const struct conf_bridge *cb, struct want_port *w)
{
	bool used[STP_MAX_PORT + 1] = {false};
	unsigned n = 0;

	for (unsigned p = 0; p < cb->n_ports && n < STP_MAX_PORT; p++) {
		const struct conf_port *cp = &cb->ports[p];
		const char *en = conf_map_get(&cp->other_config, "stp-enable");
		if (cp->n_ifaces != 1 || !strcmp(cp->name, cb->name) ||
			(en && !strcmp(en, "false")))
			continue;
		const struct port *port = bridge_port_by_name(cp->ifaces[0].name);
		if (port == NULL || !port->started)
			continue;
		unsigned no = map_num(&cp->other_config, "stp-port-num", 0);
		if (no != 0 && used[no]) {
			TLOG(WARNING, "stp %s: port %s: stp-port-num %u taken, another chosen",
				cb->name, cp->name, no);
			no = 0;
		}
		used[no] = no != 0;
		w[n++] = (struct want_port){cp, port, no};
	}
	for (unsigned k = 0; k < n; k++) {
		int64_t of = w[k].port->ofport;
		if (w[k].no == 0 && of > 0 && of <= STP_MAX_PORT && !used[of])
			used[w[k].no = (unsigned)of] = true;
	}
	for (unsigned k = 0, no = 1; k < n; k++) {
		while (w[k].no == 0 && no <= STP_MAX_PORT) {
			if (!used[no])
				used[w[k].no = no] = true;
			no++;
		}
	}
	return n;
}

static void
br_port_del(struct stp_mod_bridge *br, unsigned no)
{
	struct stp_mod_port *sp = &br->ports[no];

	stp_port_del(br->stp, no);
	if (sp->dp_no < PORT_MAX && br->port_of_dp[sp->dp_no] == no)
		br->port_of_dp[sp->dp_no] = 0;
	memset(sp, 0, sizeof(*sp));
}

/* Applies cb's ports to br: adds, renumbers, retunes, removes. */
static void
br_configure_ports(struct stp_mod_bridge *br, const struct conf_bridge *cb)
{
	struct want_port *w = xcalloc(STP_MAX_PORT, sizeof(*w));
	unsigned n = wanted_ports(cb, w);
	bool keep[STP_MAX_PORT + 1] = {false};

	for (unsigned k = 0; k < n; k++) {
		if (w[k].no == 0) {
			TLOG(WARNING, "stp %s: port %s left out: all %u port numbers taken",
				cb->name, w[k].cp->name, STP_MAX_PORT);
			continue;
		}
		keep[w[k].no] = true;
	}
	/* Ports gone, renumbered or on another datapath number go first. */
	for (unsigned no = 1; no <= STP_MAX_PORT; no++) {
		struct stp_mod_port *sp = &br->ports[no];
		bool same = false;
		for (unsigned k = 0; k < n && sp->present; k++)
			same |= w[k].no == no && w[k].port->dp_no == sp->dp_no &&
				!strcmp(w[k].port->name, sp->name);
		if (sp->present && (!keep[no] || !same))
			br_port_del(br, no);
	}
	for (unsigned k = 0; k < n; k++) {
		unsigned no = w[k].no;
		if (no == 0)
			continue;
		struct stp_mod_port *sp = &br->ports[no];
		const struct conf_map *oc = &w[k].cp->other_config;
		unsigned prio = map_num(oc, "stp-port-priority", STP_DEFAULT_PORT_PRIORITY);
		uint32_t speed = 0;
		port_link_up(w[k].port, &speed);
		unsigned cost = map_num(oc, "stp-path-cost", stp_path_cost_for_speed(speed));
		if (!sp->present) {
			stp_port_add(br->stp, no, prio, cost);
			sp->present = true;
			sp->dp_no = w[k].port->dp_no;
			snprintf(sp->name, sizeof(sp->name), "%s", w[k].port->name);
			snprintf(sp->port_name, sizeof(sp->port_name), "%s", w[k].cp->name);
			sp->since_ms = bridge_now_ms();
			br->port_of_dp[sp->dp_no] = (uint16_t)no;
		} else {
			stp_port_set_priority(br->stp, no, prio);
			stp_port_set_path_cost(br->stp, no, cost);
		}
		sp->cost_auto = conf_map_get(oc, "stp-path-cost") == NULL;
	}
	free(w);
}

/* "8000.aabbccddeeff": a bridge identifier as OVS writes it (STP_ID_FMT). */
static void
format_stp_id(char *buf, size_t size, uint64_t id)
{
	snprintf(buf, size, "%04x.%012" PRIx64, (unsigned)(id >> 48),
		id & UINT64_C(0xffffffffffff));
}

/* Creates or retunes the engine of a bridge with stp_enable=true. */
static void
br_configure(const struct conf_bridge *cb)
{
	struct stp_mod_bridge *br = br_find(cb->name);
	struct rte_ether_addr mac;
	uint64_t id = bridge_id_of(cb, &mac);

	if (br == NULL) {
		br = xcalloc(1, sizeof(*br));
		snprintf(br->name, sizeof(br->name), "%s", cb->name);
		br->stp = stp_create(cb->name, id, stp_send, br);
		stp_set_state_callback(br->stp, stp_state_changed, br);
		br->hello = STP_DEFAULT_HELLO_TIME;
		br->max_age = STP_DEFAULT_MAX_AGE;
		br->fwd = STP_DEFAULT_FORWARD_DELAY;
		brs = xrealloc(brs, (n_brs + 1) * sizeof(*brs));
		brs[n_brs++] = br;
		char idbuf[32];
		format_stp_id(idbuf, sizeof(idbuf), id);
		TLOG(INFO, "stp %s: started, bridge id %s", cb->name, idbuf);
	} else if (stp_bridge_id(br->stp) != id) {
		stp_set_bridge_id(br->stp, id);
	}
	br->mac = mac;
	br->seen = true;

	unsigned hello = map_num(&cb->other_config, "stp-hello-time", STP_DEFAULT_HELLO_TIME);
	unsigned max_age = map_num(&cb->other_config, "stp-max-age", STP_DEFAULT_MAX_AGE);
	unsigned fwd = map_num(&cb->other_config, "stp-forward-delay", STP_DEFAULT_FORWARD_DELAY);
	if (hello != br->hello || max_age != br->max_age || fwd != br->fwd) {
		struct ds err = DS_INIT;
		if (stp_set_times(br->stp, hello, max_age, fwd, &err) == 0) {
			br->hello = hello, br->max_age = max_age, br->fwd = fwd;
		} else {
			TLOG(WARNING,
				"stp %s: times kept at hello %u s, max age %u s, forward delay %u "
				"s: %s",
				cb->name, br->hello, br->max_age, br->fwd, ds_cstr(&err));
		}
		ds_destroy(&err);
	}
	br_configure_ports(br, cb);
	br_poll_links(br);
}

static void
stp_reconfigure(const struct conf *old, const struct conf *conf)
{
	(void)old;
	for (unsigned i = 0; i < n_brs; i++)
		brs[i]->seen = false;
	for (unsigned b = 0; b < conf->n_bridges; b++)
		if (conf->bridges[b].stp_enable)
			br_configure(&conf->bridges[b]);
	for (unsigned i = 0; i < n_brs;) {
		if (brs[i]->seen) {
			br_sync(brs[i]); /* The snapshot built next has the states. */
			i++;
			continue;
		}
		TLOG(INFO, "stp %s: stopped", brs[i]->name);
		stp_destroy(brs[i]->stp);
		free(brs[i]);
		brs[i] = brs[--n_brs];
	}
	if (n_brs > 0 && claim < 0) {
		claim = punt_claim_add(&(struct punt_claim){.name = "stp",
			.dst = {{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}},
			.any_type = true,
			.fn = stp_rx});
		if (claim < 0)
			TLOG(ERR, "stp: cannot claim BPDUs (%s): spanning tree does not run",
				strerror(-claim));
	} else if (n_brs == 0 && claim >= 0) {
		punt_claim_del(claim);
		claim = -1;
	}
}

/* NORMAL's part of the snapshot: what each port of an STP bridge may do. */
static void
stp_snapshot(struct dp_snapshot *snap)
{
	for (unsigned b = 0; b < snap->n_bridges; b++) {
		struct dp_bridge *db = &snap->bridges[b];
		const struct stp_mod_bridge *br = br_find(db->name);
		if (br == NULL)
			continue;
		/* The snapshot is still being built: its ports are ours to fill. */
		struct l2_port *lps = (struct l2_port *)db->l2.ports;
		for (unsigned i = 0; i < db->l2.n_ports; i++) {
			uint32_t d = lps[i].dp_port;
			unsigned no = d < PORT_MAX ? br->port_of_dp[d] : 0;
			if (no == 0)
				continue; /* Not in STP (stp-enable=false, its own port): forwards.
					   */
			enum stp_state st = stp_port_state(br->stp, no);
			lps[i].stp_state = stp_forward_in_state(st) ? L2_STP_FORWARD
					   : stp_learn_in_state(st) ? L2_STP_LEARN
								    : L2_STP_BLOCK;
		}
	}
}

/* ---- Status columns (Port status and statistics, Bridge status) ---- */

static void
status_put(struct status_map *st, const char *key, const char *value)
{
	if (st->n >= STATUS_MAP_MAX)
		return;
	snprintf(st->kv[st->n].key, sizeof(st->kv[st->n].key), "%s", key);
	snprintf(st->kv[st->n].value, sizeof(st->kv[st->n].value), "%s", value);
	st->n++;
}

/* The spanning tree port of Port name, with its bridge and STP port number; NULL if none. */
static const struct stp_mod_port *
stp_port_named(const char *name, const struct stp_mod_bridge **brp, unsigned *nop)
{
	for (unsigned i = 0; i < n_brs; i++) {
		for (unsigned no = 1; no <= STP_MAX_PORT; no++) {
			const struct stp_mod_port *sp = &brs[i]->ports[no];
			if (sp->present && !strcmp(sp->port_name, name)) {
				*brp = brs[i];
				*nop = no;
				return sp;
			}
		}
	}
	return NULL;
}

/* Port status as OVS publishes it: stp_port_id, stp_state, stp_sec_in_state, stp_role. */
static void
stp_port_status(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br;
	const struct stp_mod_port *sp;
	unsigned no;
	char v[32];

	if ((sp = stp_port_named(name, &br, &no)) == NULL)
		return;
	snprintf(v, sizeof(v), "%04x", stp_port_id(br->stp, no));
	status_put(st, "stp_port_id", v);
	status_put(st, "stp_state", stp_state_name(stp_port_state(br->stp, no)));
	snprintf(v, sizeof(v), "%" PRIu64, (bridge_now_ms() - sp->since_ms) / 1000);
	status_put(st, "stp_sec_in_state", v);
	status_put(st, "stp_role", stp_role_name(stp_port_role(br->stp, no)));
}

/* Port statistics as OVS publishes them: stp_tx_count, stp_rx_count, stp_error_count. */
static void
stp_port_statistics(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br;
	const struct stp_mod_port *sp;
	struct stp_port_stats ps;
	unsigned no;
	char v[32];

	if ((sp = stp_port_named(name, &br, &no)) == NULL ||
		stp_port_get_stats(br->stp, no, &ps) < 0)
		return;
	snprintf(v, sizeof(v), "%" PRIu64, ps.tx_count);
	status_put(st, "stp_tx_count", v);
	snprintf(v, sizeof(v), "%" PRIu64, ps.rx_count);
	status_put(st, "stp_rx_count", v);
	/* What stp/show counts as errors: frames that are no BPDU too. */
	snprintf(v, sizeof(v), "%" PRIu64, ps.error_count + sp->rx_bad);
	status_put(st, "stp_error_count", v);
}

/* Bridge status as OVS publishes it: stp_bridge_id, stp_designated_root, stp_root_path_cost. */
static void
stp_bridge_status(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br = br_find(name);
	char v[32];

	if (br == NULL)
		return; /* STP off: OVS clears the column. */
	format_stp_id(v, sizeof(v), stp_bridge_id(br->stp));
	status_put(st, "stp_bridge_id", v);
	format_stp_id(v, sizeof(v), stp_root_id(br->stp));
	status_put(st, "stp_designated_root", v);
	snprintf(v, sizeof(v), "%u", stp_root_path_cost(br->stp));
	status_put(st, "stp_root_path_cost", v);
}

/* ---- Commands ---- */

/* "32768" and "aa:bb:cc:dd:ee:ff" of a bridge identifier, with the times, as OVS prints. */
static void
put_bridge_id(struct ds *out, uint64_t id, unsigned hello, unsigned max_age, unsigned fwd)
{
	ds_put_format(out, "  stp-priority    %u\n", (unsigned)(id >> 48));
	ds_put_format(out, "  stp-system-id   %02x:%02x:%02x:%02x:%02x:%02x\n",
		(unsigned)(id >> 40 & 0xff), (unsigned)(id >> 32 & 0xff),
		(unsigned)(id >> 24 & 0xff), (unsigned)(id >> 16 & 0xff),
		(unsigned)(id >> 8 & 0xff), (unsigned)(id & 0xff));
	ds_put_format(out, "  stp-hello-time  %us\n", hello);
	ds_put_format(out, "  stp-max-age     %us\n", max_age);
	ds_put_format(out, "  stp-fwd-delay   %us\n", fwd);
}

/* One bridge, in OVS's stp/show layout, with each port's BPDU counters after its columns. */
static void
br_show(const struct stp_mod_bridge *br, struct ds *out)
{
	const struct stp *stp = br->stp;

	ds_put_format(out, "---- %s ----\nRoot ID:\n", br->name);
	put_bridge_id(out, stp_root_id(stp), stp_hello_time(stp), stp_max_age(stp),
		stp_forward_delay(stp));
	if (stp_is_root(stp)) {
		ds_put_cstr(out, "  This bridge is the root\n");
	} else {
		ds_put_format(out, "  root-port       %s\n", br->ports[stp_root_port(stp)].name);
		ds_put_format(out, "  root-path-cost  %u\n", stp_root_path_cost(stp));
	}
	if (stp_topology_change(stp))
		ds_put_cstr(out, "  topology-change true\n");
	ds_put_cstr(out, "\nBridge ID:\n");
	put_bridge_id(out, stp_bridge_id(stp), br->hello, br->max_age, br->fwd);
	ds_put_format(out, "\n  %-11s%-11s%-11s%-9s%-8s%-8s%-8s%s\n", "Interface", "Role", "State",
		"Cost", "Pri.Nbr", "Tx", "Rx", "Errors");
	ds_put_cstr(out, "  ---------- ---------- ---------- -------- ------- ------- ------- "
			 "-------\n");
	for (unsigned no = 1; no <= STP_MAX_PORT; no++) {
		const struct stp_mod_port *sp = &br->ports[no];
		struct stp_port_stats st;
		if (!sp->present || stp_port_get_stats(stp, no, &st) < 0)
			continue;
		uint16_t pid = stp_port_id(stp, no);
		char prio[16];
		snprintf(prio, sizeof(prio), "%u.%u", pid >> 8, no);
		ds_put_format(out,
			"  %-11.10s%-11s%-11s%-9u%-8s%-8" PRIu64 "%-8" PRIu64 "%" PRIu64 "\n",
			sp->name, stp_role_name(stp_port_role(stp, no)),
			stp_state_name(stp_port_state(stp, no)), stp_port_path_cost(stp, no), prio,
			st.tx_count, st.rx_count, st.error_count + sp->rx_bad);
	}
	ds_put_char(out, '\n');
}

/* The bridge named by argv[1], or every one when argc is 1; NULL and out saying why. */
static int
br_arg(int argc, const char *const argv[], struct stp_mod_bridge **br, struct ds *out)
{
	*br = NULL;
	if (argc < 2)
		return 0;
	*br = br_find(argv[1]);
	if (*br == NULL) {
		if (bridge_mac_table(argv[1]) != NULL)
			ds_put_format(out, "%s: spanning tree is not enabled (stp_enable=false)",
				argv[1]);
		else
			ds_put_format(out, "no such bridge %s", argv[1]);
		return -ENOENT;
	}
	return 0;
}

static int
cmd_show(int argc, const char *const argv[], struct ds *out)
{
	struct stp_mod_bridge *br;
	int ret = br_arg(argc, argv, &br, out);

	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < n_brs; i++)
		if (br == NULL || brs[i] == br)
			br_show(brs[i], out);
	if (br == NULL && n_brs > 0 && rx_ignored > 0)
		ds_put_format(out,
			"BPDUs dropped from ports outside any spanning tree: %" PRIu64 "\n",
			rx_ignored);
	return 0;
}

/* stp/tcn: as OVS, a topology change now (the MAC tables flushed, TCNs or TC towards others). */
static int
cmd_tcn(int argc, const char *const argv[], struct ds *out)
{
	struct stp_mod_bridge *br;
	int ret = br_arg(argc, argv, &br, out);
	bool republish = false;

	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < n_brs; i++) {
		if (br != NULL && brs[i] != br)
			continue;
		stp_topology_change_now(brs[i]->stp);
		republish |= br_sync(brs[i]);
	}
	if (republish)
		bridge_republish();
	ds_put_cstr(out, "OK");
	return 0;
}

static const struct ctl_command stp_cmds[] = {
	{"stp/show", "[BRIDGE]", 0, 1, cmd_show},
	{"stp/tcn", "[BRIDGE]", 0, 1, cmd_tcn},
};
CTL_REGISTER_ARRAY(stp_cmds)

/* ---- The module ---- */

static int
stp_init(struct ds *err)
{
	last_ms = bridge_now_ms();
	timer = loop_timer_add(STP_TICK_MS, stp_timer, NULL);
	if (timer < 0) {
		ds_put_cstr(err, "stp: no timer left");
		return timer;
	}
	return 0;
}

static void
stp_fini(void)
{
	loop_timer_del(timer);
	timer = -1;
	if (claim >= 0)
		punt_claim_del(claim);
	claim = -1;
	for (unsigned i = 0; i < n_brs; i++) {
		stp_destroy(brs[i]->stp);
		free(brs[i]);
	}
	free(brs);
	brs = NULL;
	n_brs = 0;
}

/* After punt and inject (30), which it uses. */
static const struct module stp_module = {.name = "stp",
	.order = 40,
	.init = stp_init,
	.fini = stp_fini,
	.reconfigure = stp_reconfigure,
	.snapshot = stp_snapshot,
	.status = {[STATUS_PORT] = stp_port_status,
		[STATUS_PORT_STATISTICS] = stp_port_statistics,
		[STATUS_BRIDGE] = stp_bridge_status}};
MODULE_REGISTER(stp_module)
