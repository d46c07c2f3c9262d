/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spanning tree glue, the 802.1D-2004 rapid spanning tree (rstp_enable=true): what the shared
 * glue (stp.c, stp_glue.h) calls for the engine of rstp.h, OVS's Bridge rstp_status and Port
 * rstp_status/rstp_statistics keys, and rstp/show, rstp/tcn. Control thread only.
 *
 * RSTP flushes per port (the engine says which); the MAC table's aging time is
 * rstp-ageing-time when set, else mac-aging-time, and the engine's shorter one while a port
 * has fallen back to 802.1D.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"
#include "conf.h"
#include "ctl.h"
#include "ds.h"
#include "log.h"
#include "mac_table.h"
#include "rstp.h"
#include "stp_glue.h"

static struct rstp *
engine(const struct stp_mod_bridge *br)
{
	return br->engine;
}

/* The engine's send callback: frame the BPDU and queue it (never calls the engine back). */
static void
send_bpdu(unsigned port_no, const void *bpdu, size_t len, void *aux)
{
	stp_mod_send(aux, port_no, bpdu, len);
}

static void
state_changed(unsigned port_no, enum rstp_state old_state, enum rstp_state new_state, void *aux)
{
	struct stp_mod_bridge *br = aux;

	TLOG(INFO, "rstp %s: port %s %s -> %s", br->name, br->ports[port_no].name,
		rstp_state_name(old_state), rstp_state_name(new_state));
	br->ports[port_no].since_ms = bridge_now_ms();
}

static void
r_create(struct stp_mod_bridge *br, uint64_t id)
{
	br->engine = rstp_create(br->name, id, send_bpdu, br);
	rstp_set_state_callback(engine(br), state_changed, br);
	br->hello = RSTP_DEFAULT_HELLO_TIME;
	br->max_age = RSTP_DEFAULT_MAX_AGE;
	br->fwd = RSTP_DEFAULT_FORWARD_DELAY;
}

static void
r_destroy(struct stp_mod_bridge *br)
{
	rstp_destroy(engine(br));
}

static uint64_t
r_bridge_id(const struct stp_mod_bridge *br)
{
	return rstp_bridge_id(engine(br));
}

static void
r_set_bridge_id(struct stp_mod_bridge *br, uint64_t id)
{
	rstp_set_bridge_id(engine(br), id);
}

/* Logs a setting the engine refused (unsupported.c should have refused it first). */
static void
warn_kept(const struct stp_mod_bridge *br, const char *what, int ret, struct ds *err)
{
	if (ret < 0)
		TLOG(WARNING, "rstp %s: %s kept: %s", br->name, what, ds_cstr(err));
	ds_clear(err);
}

static void
r_configure(struct stp_mod_bridge *br, const struct conf_bridge *cb)
{
	const struct conf_map *oc = &cb->other_config;
	unsigned max_age = stp_mod_map_num(oc, "rstp-max-age", RSTP_DEFAULT_MAX_AGE);
	unsigned fwd = stp_mod_map_num(oc, "rstp-forward-delay", RSTP_DEFAULT_FORWARD_DELAY);
	struct rstp *r = engine(br);
	struct ds err = DS_INIT;
	int ret;

	if (max_age != br->max_age || fwd != br->fwd) {
		ret = rstp_set_times(r, max_age, fwd, &err);
		if (ret == 0)
			br->max_age = max_age, br->fwd = fwd;
		warn_kept(br, "max age and forward delay", ret, &err);
	}
	ret = rstp_set_transmit_hold_count(r,
		stp_mod_map_num(oc, "rstp-transmit-hold-count", RSTP_DEFAULT_TRANSMIT_HOLD_COUNT),
		&err);
	warn_kept(br, "transmit hold count", ret, &err);
	ret = rstp_set_force_protocol_version(r,
		stp_mod_map_num(oc, "rstp-force-protocol-version", RSTP_VERSION), &err);
	warn_kept(br, "force protocol version", ret, &err);
	br->aging = stp_mod_map_num(oc, "rstp-ageing-time",
		stp_mod_map_num(oc, "mac-aging-time", RSTP_DEFAULT_AGEING_TIME));
	/* mac-aging-time may lie outside the engine's range: it gets the nearest. */
	ret = rstp_set_ageing_time(r, RTE_MAX(10u, RTE_MIN(br->aging, 1000000u)), &err);
	warn_kept(br, "ageing time", ret, &err);
	br->aging_applied = 0; /* The bridge's reconfigure set mac-aging-time: apply ours. */
	ds_destroy(&err);
}

static bool
map_bool(const struct conf_map *oc, const char *key, bool def)
{
	const char *s = conf_map_get(oc, key);

	return s ? !strcmp(s, "true") : def;
}

static void
r_port_set(struct stp_mod_bridge *br, unsigned no, bool add, unsigned priority, unsigned cost,
	const struct conf_map *oc)
{
	struct rstp *r = engine(br);

	if (add) {
		rstp_port_add(r, no, priority, cost);
		rstp_port_set_name(r, no, br->ports[no].name);
	} else {
		rstp_port_set_priority(r, no, priority);
		rstp_port_set_path_cost(r, no, cost);
	}
	rstp_port_set_admin_edge(r, no, map_bool(oc, "rstp-port-admin-edge", false));
	rstp_port_set_auto_edge(r, no, map_bool(oc, "rstp-port-auto-edge", true));
	const char *p2p = conf_map_get(oc, "rstp-admin-p2p-mac");
	rstp_port_set_admin_p2p(r, no,
		p2p == NULL            ? RSTP_P2P_AUTO
		: !strcmp(p2p, "true") ? RSTP_P2P_FORCE_TRUE
				       : RSTP_P2P_FORCE_FALSE);
	/* As OVS: each configuration applied with mcheck true runs a migration check. */
	if (map_bool(oc, "rstp-port-mcheck", false))
		rstp_port_mcheck(r, no);
}

static void
r_port_del(struct stp_mod_bridge *br, unsigned no)
{
	rstp_port_del(engine(br), no);
}

static void
r_port_link(struct stp_mod_bridge *br, unsigned no, bool up)
{
	if (up)
		rstp_port_enable(engine(br), no);
	else
		rstp_port_disable(engine(br), no);
}

static void
r_set_path_cost(struct stp_mod_bridge *br, unsigned no, unsigned cost)
{
	rstp_port_set_path_cost(engine(br), no, cost);
}

static void
r_tick(struct stp_mod_bridge *br, unsigned ms)
{
	rstp_tick(engine(br), ms);
}

static void
r_received(struct stp_mod_bridge *br, unsigned no, const void *bpdu, size_t len)
{
	rstp_received(engine(br), no, bpdu, len);
}

/* The flushes the engine asked for, port by port, and the aging time it wants now. */
static uint64_t
r_sync(struct stp_mod_bridge *br)
{
	struct mac_table *macs = bridge_mac_table(br->name);
	struct rstp *r = engine(br);

	for (unsigned no = 1; no <= RSTP_MAX_PORT; no++)
		if (br->ports[no].present && rstp_port_check_and_reset_flush(r, no) && macs)
			mac_table_flush_port(macs, br->ports[no].dp_no);
	/* The engine's own figure only while it shortens it (below what it was given). */
	unsigned given = RTE_MAX(10u, RTE_MIN(br->aging, 1000000u));
	unsigned aging = rstp_ageing_time(r) < given ? rstp_ageing_time(r) : br->aging;
	if (macs != NULL && aging != br->aging_applied) {
		mac_table_set_aging(macs, aging);
		br->aging_applied = aging;
	}
	return rstp_state_gen(r);
}

static enum l2_stp_state
r_l2_state(const struct stp_mod_bridge *br, unsigned no)
{
	enum rstp_state st = rstp_port_state(engine(br), no);

	return rstp_forward_in_state(st) ? L2_STP_FORWARD
	       : rstp_learn_in_state(st) ? L2_STP_LEARN
					 : L2_STP_BLOCK;
}

const struct stp_proto stp_proto_rstp = {
	.name = "rstp",
	.column = "rstp_enable",
	.key_system_id = "rstp-address",
	.key_priority = "rstp-priority",
	.key_enable = "rstp-enable",
	.key_port_num = "rstp-port-num",
	.key_port_priority = "rstp-port-priority",
	.key_path_cost = "rstp-path-cost",
	.max_port = RSTP_MAX_PORT,
	.default_priority = RSTP_DEFAULT_BRIDGE_PRIORITY,
	.default_port_priority = RSTP_DEFAULT_PORT_PRIORITY,
	.cost_for_speed = rstp_path_cost_for_speed,
	.create = r_create,
	.destroy = r_destroy,
	.bridge_id = r_bridge_id,
	.set_bridge_id = r_set_bridge_id,
	.configure = r_configure,
	.port_set = r_port_set,
	.port_del = r_port_del,
	.port_link = r_port_link,
	.set_path_cost = r_set_path_cost,
	.tick = r_tick,
	.received = r_received,
	.sync = r_sync,
	.l2_state = r_l2_state,
};

/* ---- Status columns (Bridge rstp_status, Port rstp_status and rstp_statistics) ---- */

/* "8.000.aabbccddeeff": a bridge identifier as OVS writes it (RSTP_ID_FMT). */
static void
format_rstp_id(char *buf, size_t size, uint64_t id)
{
	snprintf(buf, size, "%x.%03x.%012" PRIx64, (unsigned)(id >> 60),
		(unsigned)(id >> 48) & 0xfff, id & UINT64_C(0xffffffffffff));
}

static void
put_id(struct status_map *st, const char *key, uint64_t id)
{
	char v[32];

	format_rstp_id(v, sizeof(v), id);
	stp_mod_status_put(st, key, v);
}

static void
put_num(struct status_map *st, const char *key, const char *fmt, uint64_t n)
{
	char v[32];

	snprintf(v, sizeof(v), fmt, n);
	stp_mod_status_put(st, key, v);
}

/* Bridge rstp_status, as OVS publishes it. */
void
rstp_status_bridge(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br = stp_mod_find(name);
	const struct rstp *r;

	if (br == NULL || br->proto != &stp_proto_rstp)
		return; /* RSTP off: OVS clears the column. */
	r = engine(br);
	put_id(st, "rstp_bridge_id", rstp_bridge_id(r));
	put_num(st, "rstp_root_path_cost", "%" PRIu64, rstp_root_path_cost(r));
	put_id(st, "rstp_root_id", rstp_root_id(r));
	put_id(st, "rstp_designated_id", rstp_designated_id(r));
	put_num(st, "rstp_designated_port_id", "%04" PRIx64, rstp_designated_port_id(r));
	put_num(st, "rstp_bridge_port_id", "%04" PRIx64, rstp_bridge_port_id(r));
}

/* Port rstp_status, as OVS publishes it. */
void
rstp_status_port(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br;
	const struct rstp *r;
	unsigned no;

	if (stp_mod_port_named(name, &stp_proto_rstp, &br, &no) == NULL)
		return;
	r = engine(br);
	put_num(st, "rstp_port_id", "%04" PRIx64, rstp_port_id(r, no));
	stp_mod_status_put(st, "rstp_port_role", rstp_role_name(rstp_port_role(r, no)));
	stp_mod_status_put(st, "rstp_port_state", rstp_state_name(rstp_port_state(r, no)));
	put_id(st, "rstp_designated_bridge_id", rstp_port_designated_bridge_id(r, no));
	put_num(st, "rstp_designated_port_id", "%04" PRIx64, rstp_port_designated_port_id(r, no));
	put_num(st, "rstp_designated_path_cost", "%" PRIu64, rstp_port_designated_path_cost(r, no));
}

/* Port rstp_statistics, as OVS publishes them (rstp_uptime: seconds since the port joined). */
void
rstp_status_port_stats(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br;
	const struct stp_mod_port *sp;
	struct rstp_port_stats ps;
	unsigned no;

	if ((sp = stp_mod_port_named(name, &stp_proto_rstp, &br, &no)) == NULL ||
		rstp_port_get_stats(engine(br), no, &ps) < 0)
		return;
	put_num(st, "rstp_tx_count", "%" PRIu64, ps.tx_count);
	put_num(st, "rstp_rx_count", "%" PRIu64, ps.rx_count);
	put_num(st, "rstp_uptime", "%" PRIu64, (bridge_now_ms() - sp->uptime_ms) / 1000);
	/* Frames to the group address that are no BPDU count too, as in stp/show. */
	put_num(st, "rstp_error_count", "%" PRIu64, ps.error_count + sp->rx_bad);
}

/* ---- Commands ---- */

static void
br_show(struct stp_mod_bridge *br, struct ds *out)
{
	rstp_format(engine(br), out);
}

static int
cmd_show(int argc, const char *const argv[], struct ds *out)
{
	int ret = stp_mod_each(argc, argv, &stp_proto_rstp, br_show, out);

	if (ret == 0 && argc < 2)
		stp_mod_put_ignored(out);
	return ret;
}

/* A topology change now, as rstp/tcn in OVS: every forwarding port flushes and sends TC. */
static void
br_tcn(struct stp_mod_bridge *br, struct ds *out)
{
	(void)out;
	rstp_topology_change_now(engine(br));
	stp_mod_sync(br);
}

static int
cmd_tcn(int argc, const char *const argv[], struct ds *out)
{
	int ret = stp_mod_each(argc, argv, &stp_proto_rstp, br_tcn, out);

	if (ret == 0)
		ds_put_cstr(out, "OK");
	return ret;
}

static const struct ctl_command rstp_cmds[] = {
	{"rstp/show", "[BRIDGE]", 0, 1, cmd_show},
	{"rstp/tcn", "[BRIDGE]", 0, 1, cmd_tcn},
};
CTL_REGISTER_ARRAY(rstp_cmds)
