/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spanning tree glue, the 802.1D-1998 protocol (stp_enable=true): what the shared glue
 * (stp.c, stp_glue.h) calls for the engine of stp.h, OVS's Port status/statistics and Bridge
 * status keys, and stp/show, stp/tcn. Control thread only.
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
#include "stp.h"
#include "stp_glue.h"

static struct stp *
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

/* A port leaving the forwarding and learning states forgets the MACs it learned. */
static void
state_changed(unsigned port_no, enum stp_state old_state, enum stp_state new_state, void *aux)
{
	struct stp_mod_bridge *br = aux;
	struct mac_table *macs = bridge_mac_table(br->name);

	TLOG(INFO, "stp %s: port %s %s -> %s", br->name, br->ports[port_no].name,
		stp_state_name(old_state), stp_state_name(new_state));
	br->ports[port_no].since_ms = bridge_now_ms();
	if (macs != NULL && stp_learn_in_state(old_state) && !stp_learn_in_state(new_state))
		mac_table_flush_port(macs, br->ports[port_no].dp_no);
}

static void
d_create(struct stp_mod_bridge *br, uint64_t id)
{
	br->engine = stp_create(br->name, id, send_bpdu, br);
	stp_set_state_callback(engine(br), state_changed, br);
	br->hello = STP_DEFAULT_HELLO_TIME;
	br->max_age = STP_DEFAULT_MAX_AGE;
	br->fwd = STP_DEFAULT_FORWARD_DELAY;
}

static void
d_destroy(struct stp_mod_bridge *br)
{
	stp_destroy(engine(br));
}

static uint64_t
d_bridge_id(const struct stp_mod_bridge *br)
{
	return stp_bridge_id(engine(br));
}

static void
d_set_bridge_id(struct stp_mod_bridge *br, uint64_t id)
{
	stp_set_bridge_id(engine(br), id);
}

/* The three times (unsupported.c checked them against 802.1D 8.10.2 before they were saved). */
static void
d_configure(struct stp_mod_bridge *br, const struct conf_bridge *cb)
{
	const struct conf_map *oc = &cb->other_config;
	unsigned hello = stp_mod_map_num(oc, "stp-hello-time", STP_DEFAULT_HELLO_TIME);
	unsigned max_age = stp_mod_map_num(oc, "stp-max-age", STP_DEFAULT_MAX_AGE);
	unsigned fwd = stp_mod_map_num(oc, "stp-forward-delay", STP_DEFAULT_FORWARD_DELAY);
	struct ds err = DS_INIT;

	if (hello == br->hello && max_age == br->max_age && fwd == br->fwd)
		return;
	if (stp_set_times(engine(br), hello, max_age, fwd, &err) == 0)
		br->hello = hello, br->max_age = max_age, br->fwd = fwd;
	else
		TLOG(WARNING,
			"stp %s: times kept at hello %u s, max age %u s, forward delay %u s: %s",
			cb->name, br->hello, br->max_age, br->fwd, ds_cstr(&err));
	ds_destroy(&err);
}

static void
d_port_set(struct stp_mod_bridge *br, unsigned no, bool add, unsigned priority, unsigned cost,
	const struct conf_map *oc)
{
	(void)oc;
	if (add) {
		stp_port_add(engine(br), no, priority, cost);
		return;
	}
	stp_port_set_priority(engine(br), no, priority);
	stp_port_set_path_cost(engine(br), no, cost);
}

static void
d_port_del(struct stp_mod_bridge *br, unsigned no)
{
	stp_port_del(engine(br), no);
}

/* 802.1D 8.8.2, 8.8.3. */
static void
d_port_link(struct stp_mod_bridge *br, unsigned no, bool up)
{
	if (up)
		stp_port_enable(engine(br), no);
	else
		stp_port_disable(engine(br), no);
}

static void
d_set_path_cost(struct stp_mod_bridge *br, unsigned no, unsigned cost)
{
	stp_port_set_path_cost(engine(br), no, cost);
}

static void
d_tick(struct stp_mod_bridge *br, unsigned ms)
{
	stp_tick(engine(br), ms);
}

static void
d_received(struct stp_mod_bridge *br, unsigned no, const void *bpdu, size_t len)
{
	stp_received(engine(br), no, bpdu, len);
}

/* A topology change flushes the whole MAC table, as OVS does. */
static uint64_t
d_sync(struct stp_mod_bridge *br)
{
	if (stp_check_and_reset_fdb_flush(engine(br))) {
		struct mac_table *macs = bridge_mac_table(br->name);
		if (macs != NULL)
			mac_table_flush(macs);
	}
	return stp_state_gen(engine(br));
}

static enum l2_stp_state
d_l2_state(const struct stp_mod_bridge *br, unsigned no)
{
	enum stp_state st = stp_port_state(engine(br), no);

	return stp_forward_in_state(st) ? L2_STP_FORWARD
	       : stp_learn_in_state(st) ? L2_STP_LEARN
					: L2_STP_BLOCK;
}

const struct stp_proto stp_proto_8021d = {
	.name = "stp",
	.column = "stp_enable",
	.key_system_id = "stp-system-id",
	.key_priority = "stp-priority",
	.key_enable = "stp-enable",
	.key_port_num = "stp-port-num",
	.key_port_priority = "stp-port-priority",
	.key_path_cost = "stp-path-cost",
	.max_port = STP_MAX_PORT,
	.default_priority = STP_DEFAULT_BRIDGE_PRIORITY,
	.default_port_priority = STP_DEFAULT_PORT_PRIORITY,
	.cost_for_speed = stp_path_cost_for_speed,
	.create = d_create,
	.destroy = d_destroy,
	.bridge_id = d_bridge_id,
	.set_bridge_id = d_set_bridge_id,
	.configure = d_configure,
	.port_set = d_port_set,
	.port_del = d_port_del,
	.port_link = d_port_link,
	.set_path_cost = d_set_path_cost,
	.tick = d_tick,
	.received = d_received,
	.sync = d_sync,
	.l2_state = d_l2_state,
};

/* ---- Status columns (Port status and statistics, Bridge status) ---- */

/* "8000.aabbccddeeff": a bridge identifier as OVS writes it (STP_ID_FMT). */
static void
format_stp_id(char *buf, size_t size, uint64_t id)
{
	snprintf(buf, size, "%04x.%012" PRIx64, (unsigned)(id >> 48),
		id & UINT64_C(0xffffffffffff));
}

/* Port status as OVS publishes it: stp_port_id, stp_state, stp_sec_in_state, stp_role. */
void
stp_status_port(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br;
	const struct stp_mod_port *sp;
	unsigned no;
	char v[32];

	if ((sp = stp_mod_port_named(name, &stp_proto_8021d, &br, &no)) == NULL)
		return;
	snprintf(v, sizeof(v), "%04x", stp_port_id(engine(br), no));
	stp_mod_status_put(st, "stp_port_id", v);
	stp_mod_status_put(st, "stp_state", stp_state_name(stp_port_state(engine(br), no)));
	snprintf(v, sizeof(v), "%" PRIu64, (bridge_now_ms() - sp->since_ms) / 1000);
	stp_mod_status_put(st, "stp_sec_in_state", v);
	stp_mod_status_put(st, "stp_role", stp_role_name(stp_port_role(engine(br), no)));
}

/* Port statistics as OVS publishes them: stp_tx_count, stp_rx_count, stp_error_count. */
void
stp_status_port_stats(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br;
	const struct stp_mod_port *sp;
	struct stp_port_stats ps;
	unsigned no;
	char v[32];

	if ((sp = stp_mod_port_named(name, &stp_proto_8021d, &br, &no)) == NULL ||
		stp_port_get_stats(engine(br), no, &ps) < 0)
		return;
	snprintf(v, sizeof(v), "%" PRIu64, ps.tx_count);
	stp_mod_status_put(st, "stp_tx_count", v);
	snprintf(v, sizeof(v), "%" PRIu64, ps.rx_count);
	stp_mod_status_put(st, "stp_rx_count", v);
	/* What stp/show counts as errors: frames that are no BPDU too. */
	snprintf(v, sizeof(v), "%" PRIu64, ps.error_count + sp->rx_bad);
	stp_mod_status_put(st, "stp_error_count", v);
}

/* Bridge status as OVS publishes it: stp_bridge_id, stp_designated_root, stp_root_path_cost. */
void
stp_status_bridge(const char *name, struct status_map *st)
{
	const struct stp_mod_bridge *br = stp_mod_find(name);
	char v[32];

	if (br == NULL || br->proto != &stp_proto_8021d)
		return; /* STP off: OVS clears the column. */
	format_stp_id(v, sizeof(v), stp_bridge_id(engine(br)));
	stp_mod_status_put(st, "stp_bridge_id", v);
	format_stp_id(v, sizeof(v), stp_root_id(engine(br)));
	stp_mod_status_put(st, "stp_designated_root", v);
	snprintf(v, sizeof(v), "%u", stp_root_path_cost(engine(br)));
	stp_mod_status_put(st, "stp_root_path_cost", v);
}

/* ---- Commands ---- */

/* One bridge, in OVS's stp/show layout, with each port's BPDU counters after its columns. */
static void
br_show(struct stp_mod_bridge *br, struct ds *out)
{
	const struct stp *stp = engine(br);

	ds_put_format(out, "---- %s ----\nRoot ID:\n", br->name);
	stp_mod_put_bridge_id(out, stp_root_id(stp), stp_hello_time(stp), stp_max_age(stp),
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
	stp_mod_put_bridge_id(out, stp_bridge_id(stp), br->hello, br->max_age, br->fwd);
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

static int
cmd_show(int argc, const char *const argv[], struct ds *out)
{
	int ret = stp_mod_each(argc, argv, &stp_proto_8021d, br_show, out);

	if (ret == 0 && argc < 2)
		stp_mod_put_ignored(out);
	return ret;
}

/* A topology change now, as stp/tcn in OVS: the MAC table flushed, TCNs or TC towards others. */
static void
br_tcn(struct stp_mod_bridge *br, struct ds *out)
{
	(void)out;
	stp_topology_change_now(engine(br));
	stp_mod_sync(br);
}

static int
cmd_tcn(int argc, const char *const argv[], struct ds *out)
{
	int ret = stp_mod_each(argc, argv, &stp_proto_8021d, br_tcn, out);

	if (ret == 0)
		ds_put_cstr(out, "OK");
	return ret;
}

static const struct ctl_command stp_cmds[] = {
	{"stp/show", "[BRIDGE]", 0, 1, cmd_show},
	{"stp/tcn", "[BRIDGE]", 0, 1, cmd_tcn},
};
CTL_REGISTER_ARRAY(stp_cmds)
