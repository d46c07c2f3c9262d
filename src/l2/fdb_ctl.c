/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The l2 feature's commands, with Open vSwitch's names and output: fdb/show, fdb/flush,
 * fdb/add, fdb/del, fdb/stats-show, fdb/stats-clear. Control-thread glue, linked into
 * trestled (not the l2 library): it reaches the bridges' MAC tables through bridge.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>

#include "bridge.h"
#include "ctl.h"
#include "ds.h"
#include "mac_table.h"
#include "pmd.h"
#include "port.h"

static uint64_t
now_s(void)
{
	return rte_get_tsc_cycles() / rte_get_tsc_hz();
}

static struct mac_table *
fdb_bridge(const char *name, struct ds *out)
{
	struct mac_table *macs = bridge_mac_table(name);

	if (macs == NULL)
		ds_put_format(out, "no such bridge");
	return macs;
}

/* Prints a port number as its name, for fdb/show. */
static void
fdb_port_name(struct ds *out, uint32_t dp_no, void *aux)
{
	struct port *p = bridge_port_by_dp(dp_no);

	if (p && p->ofport == 65534)
		ds_put_format(out, "%5s", "LOCAL");
	else if (p && p->ofport > 0)
		ds_put_format(out, "%5" PRId64, p->ofport);
	else
		ds_put_format(out, "%5s", "?");
}

static int
fdb_show(int argc, const char *const argv[], struct ds *out)
{
	struct mac_table *macs = fdb_bridge(argv[1], out);

	if (macs == NULL)
		return -ENOENT;
	mac_table_format(macs, out, now_s(), fdb_port_name, NULL);
	return 0;
}

static void
fdb_flush_one(const char *name, struct mac_table *macs, void *aux)
{
	mac_table_flush(macs);
}

static int
fdb_flush(int argc, const char *const argv[], struct ds *out)
{
	if (argc > 1) {
		struct mac_table *macs = fdb_bridge(argv[1], out);
		if (macs == NULL)
			return -ENOENT;
		mac_table_flush(macs);
	} else {
		bridge_foreach(fdb_flush_one, NULL);
	}
	/* Flows that forwarded by a flushed entry are stale now; make sure none is in use. */
	pmd_sync();
	ds_put_cstr(out, "table successfully flushed\n");
	return 0;
}

/* Parses VLAN and MAC arguments of fdb/add and fdb/del. */
static int
fdb_parse(const char *vlan_s, const char *mac_s, uint16_t *vlan, struct rte_ether_addr *mac,
	struct ds *out)
{
	char *end;
	unsigned long v = strtoul(vlan_s, &end, 10);

	if (*vlan_s == '\0' || *end != '\0' || v > 4095) {
		ds_put_format(out, "invalid vlan \"%s\" (want 0..4095)", vlan_s);
		return -EINVAL;
	}
	if (rte_ether_unformat_addr(mac_s, mac) < 0) {
		ds_put_format(out, "invalid mac \"%s\"", mac_s);
		return -EINVAL;
	}
	*vlan = (uint16_t)v;
	return 0;
}

static int
fdb_add(int argc, const char *const argv[], struct ds *out)
{
	struct mac_table *macs = fdb_bridge(argv[1], out);
	struct rte_ether_addr mac;
	uint16_t vlan;
	int ret;

	if (macs == NULL)
		return -ENOENT;
	struct port *p = bridge_port_by_learn_name(argv[2]);
	const char *br = p ? bridge_of_port(p->dp_no) : NULL;
	if (p == NULL || br == NULL || strcmp(br, argv[1])) {
		ds_put_format(out, "no such port %s in bridge %s", argv[2], argv[1]);
		return -ENOENT;
	}
	if ((ret = fdb_parse(argv[3], argv[4], &vlan, &mac, out)) < 0)
		return ret;
	ret = mac_table_add_static(macs, vlan, &mac, p->dp_no, now_s());
	if (ret < 0) {
		ds_put_format(out, "could not add static mac entry: %s", strerror(-ret));
		return ret;
	}
	pmd_sync();
	return 0;
}

static int
fdb_del(int argc, const char *const argv[], struct ds *out)
{
	struct mac_table *macs = fdb_bridge(argv[1], out);
	struct rte_ether_addr mac;
	uint16_t vlan;
	int ret;

	if (macs == NULL)
		return -ENOENT;
	if ((ret = fdb_parse(argv[2], argv[3], &vlan, &mac, out)) < 0)
		return ret;
	if (mac_table_del(macs, vlan, &mac) < 0) {
		ds_put_cstr(out, "delete of static mac entry failed: no such entry");
		return -ENOENT;
	}
	pmd_sync();
	return 0;
}

static int
fdb_stats_show(int argc, const char *const argv[], struct ds *out)
{
	struct mac_table *macs = fdb_bridge(argv[1], out);

	if (macs == NULL)
		return -ENOENT;
	mac_table_format_stats(macs, out, argv[1]);
	return 0;
}

static int
fdb_stats_clear(int argc, const char *const argv[], struct ds *out)
{
	struct mac_table *macs = fdb_bridge(argv[1], out);

	if (macs == NULL)
		return -ENOENT;
	mac_table_clear_stats(macs);
	ds_put_format(out, "statistics successfully cleared\n");
	return 0;
}

static const struct ctl_command fdb_cmds[] = {
	{"fdb/show", "BRIDGE", 1, 1, fdb_show},
	{"fdb/flush", "[BRIDGE]", 0, 1, fdb_flush},
	{"fdb/add", "BRIDGE PORT VLAN MAC", 4, 4, fdb_add},
	{"fdb/del", "BRIDGE VLAN MAC", 3, 3, fdb_del},
	{"fdb/stats-show", "BRIDGE", 1, 1, fdb_stats_show},
	{"fdb/stats-clear", "BRIDGE", 1, 1, fdb_stats_clear},
};
CTL_REGISTER_ARRAY(fdb_cmds)
