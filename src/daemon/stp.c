/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spanning tree, the daemon's glue (the protocols themselves are src/stp, docs/stp.md): the
 * part 802.1D-1998 STP and 802.1D-2004 RSTP share (stp_glue.h). It sits beside the command's
 * walk and the packet's: reconfigure() starts, retunes or stops one engine per bridge with
 * stp_enable=true or rstp_enable=true; BPDUs reach the engine through a punt claim (never
 * through the OpenFlow tables or NORMAL) and leave it through punt_inject(); a 100 ms timer
 * gives it time and watches the links; the snapshot hook hands each port's state to NORMAL,
 * which neither learns nor forwards on a port that is not forwarding. What differs between
 * the protocols goes through struct stp_proto (stp_8021d.c, stp_rstp.c). Control thread only.
 *
 * While no bridge runs a spanning tree the claim is withdrawn, so BPDUs take the OpenFlow
 * tables as before (NORMAL drops them as reserved multicast).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "bridge.h"
#include "conf.h"
#include "ds.h"
#include "log.h"
#include "module.h"
#include "pmd.h"
#include "punt.h"
#include "stp.h"
#include "stp_glue.h"
#include "xalloc.h"

#define STP_TICK_MS 100 /* The engines' clock; their timers have 1 s granularity. */

static struct stp_mod_bridge **brs;
static unsigned n_brs;
static int claim = -1;      /* The punt claim for 01:80:c2:00:00:00, while any bridge runs. */
static int timer = -1;      /* The 100 ms tick. */
static uint64_t last_ms;    /* When the engines were last ticked. */
static uint64_t rx_ignored; /* BPDUs from ports of bridges without STP, or outside it. */

struct stp_mod_bridge *
stp_mod_find(const char *name)
{
	for (unsigned i = 0; i < n_brs; i++)
		if (!strcmp(brs[i]->name, name))
			return brs[i];
	return NULL;
}

const struct stp_mod_port *
stp_mod_port_named(const char *name, const struct stp_proto *proto,
	const struct stp_mod_bridge **brp, unsigned *nop)
{
	for (unsigned i = 0; i < n_brs; i++) {
		if (brs[i]->proto != proto)
			continue;
		for (unsigned no = 1; no <= proto->max_port; no++) {
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

int
stp_mod_each(int argc, const char *const argv[], const struct stp_proto *proto,
	void (*fn)(struct stp_mod_bridge *br, struct ds *out), struct ds *out)
{
	struct stp_mod_bridge *br = argc < 2 ? NULL : stp_mod_find(argv[1]);

	if (argc < 2) {
		for (unsigned i = 0; i < n_brs; i++)
			if (brs[i]->proto == proto)
				fn(brs[i], out);
		return 0;
	}
	if (br != NULL && br->proto == proto) {
		fn(br, out);
		return 0;
	}
	if (br != NULL)
		ds_put_format(out, "%s: runs %s, not %s (%s=false)", argv[1], br->proto->name,
			proto->name, proto->column);
	else if (bridge_mac_table(argv[1]) != NULL)
		ds_put_format(out, "%s: spanning tree is not enabled (%s=false)", argv[1],
			proto->column);
	else
		ds_put_format(out, "no such bridge %s", argv[1]);
	return -ENOENT;
}

void
stp_mod_send(struct stp_mod_bridge *br, unsigned no, const void *bpdu, size_t len)
{
	struct stp_mod_port *sp = &br->ports[no];
	const struct port *port = bridge_port_by_dp(sp->dp_no);
	const struct rte_ether_addr *src = &br->mac;
	uint8_t frame[STP_FRAME_MAX_LEN];
	struct ds err = DS_INIT;

	if (port != NULL && !rte_is_zero_ether_addr(&port->mac))
		src = &port->mac;
	size_t n = stp_frame_build(frame, src->addr_bytes, bpdu, len);
	if (punt_inject(sp->dp_no, frame, n, &err) < 0) {
		if (sp->tx_fail++ == 0)
			TLOG(WARNING, "%s %s: a BPDU on %s not sent: %s", br->proto->name, br->name,
				sp->name, ds_cstr(&err));
	}
	ds_destroy(&err);
}

/* Whether br's port states moved since the snapshot in force (after its flushes). */
static bool
br_sync(struct stp_mod_bridge *br)
{
	uint64_t gen = br->proto->sync(br);
	bool moved = gen != br->gen;

	br->gen = gen;
	return moved;
}

void
stp_mod_sync(struct stp_mod_bridge *br)
{
	if (br_sync(br))
		bridge_republish_states();
}

void
stp_mod_status_put(struct status_map *st, const char *key, const char *value)
{
	if (st->n >= STATUS_MAP_MAX)
		return;
	snprintf(st->kv[st->n].key, sizeof(st->kv[st->n].key), "%s", key);
	snprintf(st->kv[st->n].value, sizeof(st->kv[st->n].value), "%s", value);
	st->n++;
}

unsigned
stp_mod_map_num(const struct conf_map *m, const char *key, unsigned def)
{
	const char *s = conf_map_get(m, key);

	return s && *s ? (unsigned)strtoul(s, NULL, 10) : def;
}

void
stp_mod_put_bridge_id(struct ds *out, uint64_t id, unsigned hello, unsigned max_age, unsigned fwd)
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

/* Follows each port's link: enabled in the engine while it is up. */
static void
br_poll_links(struct stp_mod_bridge *br)
{
	const struct stp_proto *proto = br->proto;

	for (unsigned no = 1; no <= proto->max_port; no++) {
		struct stp_mod_port *sp = &br->ports[no];
		if (!sp->present)
			continue;
		const struct port *port = bridge_port_by_dp(sp->dp_no);
		uint32_t speed = 0;
		bool up = port != NULL && !port->down && port_link_up(port, &speed);
		if (up && sp->cost_auto)
			proto->set_path_cost(br, no, proto->cost_for_speed(speed));
		if (up == sp->enabled)
			continue;
		sp->enabled = up;
		proto->port_link(br, no, up);
	}
}

static void
stp_timer(void *arg)
{
	uint64_t now = bridge_now_ms();
	unsigned ms = (unsigned)RTE_MIN(now - last_ms, 10000u);
	bool moved = false;

	(void)arg;
	last_ms = now;
	for (unsigned i = 0; i < n_brs; i++) {
		br_poll_links(brs[i]);
		brs[i]->proto->tick(brs[i], ms);
		moved |= br_sync(brs[i]);
	}
	if (moved)
		bridge_republish_states();
}

/* The punt claim's handler: a frame to 01:80:c2:00:00:00 from datapath port dp_no. */
static void
stp_rx(uint32_t dp_no, const struct rte_mbuf *m, void *arg)
{
	const char *name = bridge_of_port(dp_no);
	struct stp_mod_bridge *br = name ? stp_mod_find(name) : NULL;
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
	/*
	 * A BPDU on a port the engine still has down: its link came up since the last tick. The
	 * engine would drop it (a disabled port hears nothing), and a peer's first proposal
	 * would wait for its next hello.
	 */
	if (!br->ports[no].enabled)
		br_poll_links(br);
	br->proto->received(br, no, bpdu, bpdu_len);
	stp_mod_sync(br);
}

/* ---- reconfigure ---- */

/* The bridge identifier: priority and system id keys, else the bridge's own MAC. */
static uint64_t
bridge_id_of(const struct stp_proto *proto, const struct conf_bridge *cb,
	struct rte_ether_addr *mac)
{
	const char *sid = conf_map_get(&cb->other_config, proto->key_system_id);
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
	return (uint64_t)stp_mod_map_num(&cb->other_config, proto->key_priority,
		       proto->default_priority)
		       << 48 |
	       id;
}

/* One wanted port of a bridge. */
struct want_port {
	const struct conf_port *cp; /* Its configuration. */
	const struct port *port;    /* The open port. */
	unsigned no;                /* Port number, 0 until assigned. */
};

/*
 * The ports of cb that take part: every started port but internal ones (the host's, not a
 * LAN's: OVS leaves them out too) and those with {r,}stp-enable=false. Numbers from
 * {r,}stp-port-num, else the OpenFlow port number when free and in range, else the lowest
 * free one. Returns how many.
 */
static unsigned
wanted_ports(const struct stp_proto *proto, const struct conf_bridge *cb, struct want_port *w)
{
	bool *used = xcalloc(proto->max_port + 1, sizeof(*used));
	unsigned n = 0;

	for (unsigned p = 0; p < cb->n_ports && n < proto->max_port; p++) {
		const struct conf_port *cp = &cb->ports[p];
		const char *en = conf_map_get(&cp->other_config, proto->key_enable);
		if (cp->n_ifaces != 1 || !strcmp(cp->name, cb->name) ||
			!strcmp(cp->ifaces[0].type, "internal") || (en && !strcmp(en, "false")))
			continue;
		const struct port *port = bridge_port_by_name(cp->ifaces[0].name);
		if (port == NULL || !port->started)
			continue;
		unsigned no = stp_mod_map_num(&cp->other_config, proto->key_port_num, 0);
		if (no != 0 && used[no]) {
			TLOG(WARNING, "%s %s: port %s: %s %u taken, another chosen", proto->name,
				cb->name, cp->name, proto->key_port_num, no);
			no = 0;
		}
		used[no] = no != 0;
		w[n++] = (struct want_port){cp, port, no};
	}
	for (unsigned k = 0; k < n; k++) {
		int64_t of = w[k].port->ofport;
		if (w[k].no == 0 && of > 0 && of <= proto->max_port && !used[of])
			used[w[k].no = (unsigned)of] = true;
	}
	for (unsigned k = 0, no = 1; k < n; k++) {
		while (w[k].no == 0 && no <= proto->max_port) {
			if (!used[no])
				used[w[k].no = no] = true;
			no++;
		}
	}
	free(used);
	return n;
}

static void
br_port_del(struct stp_mod_bridge *br, unsigned no)
{
	struct stp_mod_port *sp = &br->ports[no];

	br->proto->port_del(br, no);
	if (sp->dp_no < PORT_MAX && br->port_of_dp[sp->dp_no] == no)
		br->port_of_dp[sp->dp_no] = 0;
	memset(sp, 0, sizeof(*sp));
}

/* Applies cb's ports to br: adds, renumbers, retunes, removes. */
static void
br_configure_ports(struct stp_mod_bridge *br, const struct conf_bridge *cb)
{
	const struct stp_proto *proto = br->proto;
	struct want_port *w = xcalloc(proto->max_port, sizeof(*w));
	unsigned n = wanted_ports(proto, cb, w);
	bool *keep = xcalloc(proto->max_port + 1, sizeof(*keep));

	for (unsigned k = 0; k < n; k++) {
		if (w[k].no == 0) {
			TLOG(WARNING, "%s %s: port %s left out: all %u port numbers taken",
				proto->name, cb->name, w[k].cp->name, proto->max_port);
			continue;
		}
		keep[w[k].no] = true;
	}
	/* Ports gone, renumbered or on another datapath number go first. */
	for (unsigned no = 1; no <= proto->max_port; no++) {
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
		unsigned prio =
			stp_mod_map_num(oc, proto->key_port_priority, proto->default_port_priority);
		uint32_t speed = 0;
		port_link_up(w[k].port, &speed);
		unsigned cost =
			stp_mod_map_num(oc, proto->key_path_cost, proto->cost_for_speed(speed));
		bool add = !sp->present;
		if (add) {
			sp->present = true;
			sp->dp_no = w[k].port->dp_no;
			snprintf(sp->name, sizeof(sp->name), "%s", w[k].port->name);
			snprintf(sp->port_name, sizeof(sp->port_name), "%s", w[k].cp->name);
			sp->since_ms = sp->uptime_ms = bridge_now_ms();
			br->port_of_dp[sp->dp_no] = (uint16_t)no;
		}
		proto->port_set(br, no, add, prio, cost, oc);
		sp->cost_auto = conf_map_get(oc, proto->key_path_cost) == NULL;
	}
	free(keep);
	free(w);
}

static void
br_destroy(struct stp_mod_bridge *br)
{
	br->proto->destroy(br);
	free(br->ports);
	free(br);
}

/* Creates, retunes or (for a change of protocol) restarts the engine of bridge cb. */
static void
br_configure(const struct stp_proto *proto, const struct conf_bridge *cb)
{
	struct stp_mod_bridge *br = stp_mod_find(cb->name);
	struct rte_ether_addr mac;
	uint64_t id = bridge_id_of(proto, cb, &mac);

	if (br != NULL && br->proto != proto) {
		TLOG(INFO, "%s %s: stopped for %s", br->proto->name, br->name, proto->name);
		for (unsigned i = 0; i < n_brs; i++)
			if (brs[i] == br)
				brs[i] = brs[--n_brs];
		br_destroy(br);
		br = NULL;
	}
	if (br == NULL) {
		br = xcalloc(1, sizeof(*br));
		snprintf(br->name, sizeof(br->name), "%s", cb->name);
		br->proto = proto;
		br->mac = mac;
		br->ports = xcalloc(proto->max_port + 1, sizeof(*br->ports));
		proto->create(br, id);
		brs = xrealloc(brs, (n_brs + 1) * sizeof(*brs));
		brs[n_brs++] = br;
		TLOG(INFO, "%s %s: started, bridge id %04x.%012" PRIx64, proto->name, cb->name,
			(unsigned)(id >> 48), id & UINT64_C(0xffffffffffff));
	} else if (proto->bridge_id(br) != id) {
		proto->set_bridge_id(br, id);
	}
	br->mac = mac;
	br->seen = true;
	proto->configure(br, cb);
	br_configure_ports(br, cb);
	/*
	 * The links are polled by the next tick, 100 ms on: by then the snapshot with the claim
	 * is out, and the first BPDUs (RSTP's proposals) reach the far side's engine rather than
	 * its NORMAL, which drops them until its own claim is published.
	 */
}

static void
stp_reconfigure(const struct conf *old, const struct conf *conf)
{
	(void)old;
	for (unsigned i = 0; i < n_brs; i++)
		brs[i]->seen = false;
	for (unsigned b = 0; b < conf->n_bridges; b++) {
		const struct conf_bridge *cb = &conf->bridges[b];
		/* vsctl refuses both at once. */
		if (cb->stp_enable)
			br_configure(&stp_proto_8021d, cb);
		else if (cb->rstp_enable)
			br_configure(&stp_proto_rstp, cb);
	}
	for (unsigned i = 0; i < n_brs;) {
		if (brs[i]->seen) {
			br_sync(brs[i]); /* The snapshot built next has the states. */
			i++;
			continue;
		}
		TLOG(INFO, "%s %s: stopped", brs[i]->proto->name, brs[i]->name);
		br_destroy(brs[i]);
		brs[i] = brs[--n_brs];
	}
	if (n_brs > 0 && claim < 0) {
		claim = punt_claim_add(&(struct punt_claim){.name = "stp",
			.dst = {{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}},
			.any_type = true,
			.per_bridge = true,
			.fn = stp_rx});
		if (claim < 0)
			TLOG(ERR, "stp: cannot claim BPDUs (%s): spanning tree does not run",
				strerror(-claim));
	} else if (n_brs == 0 && claim >= 0) {
		punt_claim_del(claim);
		claim = -1;
	}
}

/* NORMAL's part of the snapshot: what each port of a spanning tree bridge may do. */
static void
stp_snapshot(struct dp_snapshot *snap)
{
	for (unsigned b = 0; b < snap->n_bridges; b++) {
		struct dp_bridge *db = &snap->bridges[b];
		struct stp_mod_bridge *br = stp_mod_find(db->name);
		if (br == NULL || claim < 0)
			continue;
		db->punt_claims |= 1u << claim;
		/* The snapshot is still being built: its ports are ours to fill. */
		struct l2_port *lps = (struct l2_port *)db->l2.ports;
		bool moved = false;
		for (unsigned i = 0; i < db->l2.n_ports; i++) {
			uint32_t d = lps[i].dp_port;
			unsigned no = d < PORT_MAX ? br->port_of_dp[d] : 0;
			/* Not in the tree ({r,}stp-enable=false, its own port): forwards. */
			if (no == 0)
				continue;
			struct stp_mod_port *sp = &br->ports[no];
			lps[i].stp_state = br->proto->l2_state(br, no);
			/* What bridge_republish_states() tells the PMDs moved since the last one.
			 */
			if (lps[i].stp_state != sp->l2_published) {
				snap->stp_moved[d / 64] |= UINT64_C(1) << (d % 64);
				sp->l2_published = lps[i].stp_state;
				moved = true;
			}
		}
		/* Every port of the bridge, a bond's members each (any of them is an in_port). */
		for (unsigned i = 0; moved && i < db->l2.n_ports; i++) {
			unsigned n = lps[i].bond ? lps[i].bond->n_members : 1;
			for (unsigned k = 0; k < n; k++) {
				uint32_t d = lps[i].bond ? lps[i].bond->members[k] : lps[i].dp_port;
				snap->stp_bridges[d / 64] |= UINT64_C(1) << (d % 64);
			}
		}
	}
}

void
stp_mod_put_ignored(struct ds *out)
{
	if (rx_ignored > 0)
		ds_put_format(out,
			"BPDUs dropped from ports outside any spanning tree: %" PRIu64 "\n",
			rx_ignored);
}

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
	for (unsigned i = 0; i < n_brs; i++)
		br_destroy(brs[i]);
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
	.status = {[STATUS_PORT] = stp_status_port,
		[STATUS_PORT_STATISTICS] = stp_status_port_stats,
		[STATUS_BRIDGE] = stp_status_bridge,
		[STATUS_PORT_RSTP] = rstp_status_port,
		[STATUS_PORT_RSTP_STATS] = rstp_status_port_stats,
		[STATUS_BRIDGE_RSTP] = rstp_status_bridge}};
MODULE_REGISTER(stp_module)
