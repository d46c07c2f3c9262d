/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What Trestle would store but not act on (see db_priv.h): one table of the tables, columns,
 * map keys and values of Open vSwitch's schema that the daemon does not implement, each with
 * what to do instead. vsctl_run() checks a transaction's result against it after the last
 * command, as ovsdb judges a transaction by its result: "set ... stp_enable=true -- set ...
 * stp_enable=false" passes. find_table() and find_column() ask it why a table or column OVS
 * has is missing here. A file from an older build that holds a refused setting still loads:
 * trestled logs each one (db_unsupported_report()) and `show` lists them.
 *
 * Keys that OVS itself does not define (free-form other_config keys, all of external_ids)
 * are not listed: they stay accepted, as OVS ignores them too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "ds.h"

#define DOCS "see docs/compatibility.md"

/* ---- Well-formed values of the keys Trestle implements ---- */

/* "52:54:00:12:34:56": six bytes of one or two hex digits, unicast, not all zero. */
static bool
valid_mac(const char *s)
{
	unsigned bytes[6], n = 0;
	bool zero = true;

	for (const char *p = s; n < 6; n++) {
		unsigned v = 0, digits = 0;
		for (; digits < 2 && strchr("0123456789abcdefABCDEF", *p) && *p; p++, digits++)
			v = v * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
		if (digits == 0 || *p != (n < 5 ? ':' : '\0'))
			return false;
		bytes[n] = v;
		zero &= v == 0;
		if (n < 5)
			p++;
	}
	return !zero && !(bytes[0] & 1);
}

static bool
skip_number(const char **pp)
{
	const char *p = *pp;

	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	*pp = p;
	return true;
}

/* "QUEUE:CORE[,QUEUE:CORE]...", or empty (no queue pinned). */
static bool
valid_rxq_affinity(const char *s)
{
	const char *p = s;

	while (*p) {
		if (!skip_number(&p) || *p++ != ':' || !skip_number(&p))
			return false;
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			return false;
	}
	return true;
}

/* The value of map key of column in row r of table t, or NULL. */
static const char *
row_map_get(enum table_id t, const struct row *r, const char *column, const char *key)
{
	int ci = db_column_index(t, column);
	const struct column *c = &db_tables[t].cols[ci];
	union atom k = {.s = (char *)key};
	int i = datum_find(c, &r->d[ci], &k);

	return i >= 0 ? r->d[ci].values[i].s : NULL;
}

static unsigned
row_seconds(enum table_id t, const struct row *r, const char *key, unsigned def)
{
	const char *s = row_map_get(t, r, "other_config", key);

	/* Out of range values are refused by their own rows first. */
	return s ? (unsigned)strtoul(s, NULL, 10) : def;
}

/*
 * A bridge running STP: its hello time, max age and forward delay (or their defaults, 2, 20
 * and 15 s) must satisfy 802.1D-1998 8.10.2, 2 * (forward delay - 1) >= max age >=
 * 2 * (hello time + 1), or the engine would refuse them and keep the times in force.
 */
static bool
valid_stp_times(enum table_id t, const struct row *r, struct ds *why)
{
	const struct datum *en = &r->d[db_column_index(t, "stp_enable")];

	if (en->n == 0 || !en->keys[0].i)
		return true;
	unsigned hello = row_seconds(t, r, "stp-hello-time", 2);
	unsigned max_age = row_seconds(t, r, "stp-max-age", 20);
	unsigned fwd = row_seconds(t, r, "stp-forward-delay", 15);
	if (2 * (fwd - 1) >= max_age && max_age >= 2 * (hello + 1))
		return true;
	ds_put_format(why,
		"stp-hello-time %u s, stp-max-age %u s and stp-forward-delay %u s are not valid "
		"together (802.1D wants 2 * (forward delay - 1) >= max age >= 2 * (hello time + "
		"1); "
		"unset keys count as 2, 20 and 15 s)",
		hello, max_age, fwd);
	return false;
}

/* Whether s is a decimal integer from 0 to max that is a multiple of step. */
static bool
valid_multiple(const char *s, unsigned long max, unsigned long step)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0 && v <= max && v % step == 0;
}

/* 802.1D-2004 17.13.7: the bridge priority has 4 bits, in steps of 4096. */
static bool
valid_rstp_priority(const char *s)
{
	return valid_multiple(s, 61440, 4096);
}

/* 17.13.10: the port priority has 4 bits, in steps of 16. */
static bool
valid_rstp_port_priority(const char *s)
{
	return valid_multiple(s, 240, 16);
}

static bool
row_flag(enum table_id t, const struct row *r, const char *column)
{
	const struct datum *d = &r->d[db_column_index(t, column)];

	return d->n > 0 && d->keys[0].i;
}

/* One spanning tree per bridge: OVS refuses stp_enable and rstp_enable both true too. */
static bool
valid_stp_or_rstp(enum table_id t, const struct row *r, struct ds *why)
{
	if (!row_flag(t, r, "stp_enable") || !row_flag(t, r, "rstp_enable"))
		return true;
	ds_put_cstr(why, "stp_enable=true and rstp_enable=true are not valid together (a bridge "
			 "runs one spanning tree: set one of them false)");
	return false;
}

/*
 * A bridge running RSTP: its max age and forward delay (20 and 15 s unset) must satisfy
 * 802.1D-2004 17.14, 2 * (forward delay - 1) >= max age, or the engine would refuse them
 * (the hello time is fixed at 2 s, so max age >= 2 * (hello time + 1) is max age's range).
 */
static bool
valid_rstp_times(enum table_id t, const struct row *r, struct ds *why)
{
	if (!row_flag(t, r, "rstp_enable"))
		return true;
	unsigned max_age = row_seconds(t, r, "rstp-max-age", 20);
	unsigned fwd = row_seconds(t, r, "rstp-forward-delay", 15);
	if (2 * (fwd - 1) >= max_age)
		return true;
	ds_put_format(why,
		"rstp-max-age %u s and rstp-forward-delay %u s are not valid together (802.1D-2004 "
		"wants 2 * (forward delay - 1) >= max age; unset keys count as 20 and 15 s)",
		max_age, fwd);
	return false;
}

/* A scalar string column's value, or NULL when empty. */
static const char *
row_string(enum table_id t, const struct row *r, const char *column)
{
	const struct datum *d = &r->d[db_column_index(t, column)];

	return d->n ? d->keys[0].s : NULL;
}

/*
 * A Port's bond settings: a bond is a port of two interfaces or more, or of one with LACP
 * (OVS runs LACP on a single interface for its partner's sake). bond_mode elsewhere would be
 * stored and ignored; balance-tcp needs LACP, as in OVS, where it otherwise sends nothing.
 */
static bool
valid_bond(enum table_id t, const struct row *r, struct ds *why)
{
	static const char *const bond_keys[] = {"bond-hash-basis", "bond-rebalance-interval",
		"bond-detect-mode", "bond-miimon-interval", "bond-primary", "all-members-active",
		"lacp-time", "lacp-system-id", "lacp-system-priority", "lacp-fallback-ab", NULL};
	const char *mode = row_string(t, r, "bond_mode");
	const char *lacp = row_string(t, r, "lacp");
	unsigned n = r->d[db_column_index(t, "interfaces")].n;
	bool lacp_on = lacp != NULL && strcmp(lacp, "off");
	const char *what = mode ? "bond_mode" : NULL;

	if (n > 16) {
		ds_put_format(why, "%u interfaces are not valid (a bond has 16 members at most)",
			n);
		return false;
	}
	for (const char *const *k = bond_keys; what == NULL && *k; k++)
		if (row_map_get(t, r, "other_config", *k) != NULL)
			what = *k;
	for (int i = 0; i < 2 && what == NULL; i++) {
		const char *col = i ? "bond_downdelay" : "bond_updelay";
		const struct datum *d = &r->d[db_column_index(t, col)];
		if (d->n > 0 && d->keys[0].i != 0)
			what = col;
	}
	if (what != NULL && n < 2 && !lacp_on) {
		ds_put_format(why,
			"%s has no effect on a port of one interface (add-bond makes a bond of two "
			"or more, lacp=active a bond of one; del-bond-iface leaves settings a bond "
			"of one cannot use: clear them)",
			what);
		return false;
	}
	if (mode != NULL && !strcmp(mode, "balance-tcp") && !lacp_on) {
		ds_put_cstr(why, "bond_mode=balance-tcp needs lacp=active or lacp=passive (without "
				 "a negotiated partner such a bond carries nothing, as in OVS)");
		return false;
	}
	return true;
}

/* ---- The table ---- */

static const char *const v_true[] = {"true", NULL};
static const char *const v_false[] = {"false", NULL};
static const char *const v_bool[] = {"true", "false", NULL};
static const char *const v_zero[] = {"0", NULL};
static const char *const v_one[] = {"1", NULL};
static const char *const v_rstp_versions[] = {"0", "2", NULL};
static const char *const v_empty[] = {"", NULL};
static const char *const v_trunk[] = {"trunk", NULL};
static const char *const v_access[] = {"access", "dot1q-tunnel", NULL};
static const char *const dpdk_init[] = {"true", "try", NULL};
static const char *const rxq_assign[] = {"roundrobin", NULL};
static const char *const vlan_limit[] = {"0", "2", NULL};
static const char *const datapath_types[] = {"", "netdev", NULL};
static const char *const qinq_ethtypes[] = {"802.1ad", "802.1q", NULL};
static const char *const detect_modes[] = {"carrier", "miimon", NULL};
static const char *const lacp_times[] = {"fast", "slow", NULL};
static const char *const priority_tags[] = {"never", "if-nonzero", "always", "true", "false", NULL};
static const char *const tx_steering[] = {"thread", NULL};
/* The types port.c opens (port_devargs()). */
static const char *const iface_types[] = {"", "system", "internal", "dpdk", "dpdkvhostuser",
	"dpdkvhostuserclient", NULL};

static const char no_mcast[] = "Trestle has no multicast snooping: NORMAL floods multicast "
			       "within the VLAN";
static const char no_tunnel[] = "Trestle has no tunnels";
static const char no_cfm[] = "Trestle has no CFM";
static const char no_bfd[] = "Trestle has no BFD";
static const char no_qos[] = "Trestle has no QoS tables yet: Interface ingress_policing_rate and "
			     "ingress_policing_kpkts_rate police what a port receives";
static const char no_offload[] = "Trestle has no flow offload";
static const char no_controller[] = "Trestle has no OpenFlow controller connection; trestle "
				    "ofctl edits the flow tables";
static const char no_sampling[] = "Trestle has no flow sampling or export";
static const char no_ct[] = "Trestle has no connection tracking";
static const char no_ipsec[] = "Trestle has no IPsec";
static const char eal[] = "EAL options go on trestled's command line, before \"--\"";
static const char not_reported[] = "Trestle does not report it";
static const char auto_lb[] = "queues are not moved between PMDs by their load";
static const char revalidate[] = "the PMDs revalidate their own flows, every 100 ms";

const struct refusal refusals[] = {
	/* Open_vSwitch. */
	{"Open_vSwitch", "other_config", "dpdk-init", REFUSE_OTHERS, .values = dpdk_init,
		.why = "Trestle always runs on DPDK"},
	{"Open_vSwitch", "other_config", "dpdk-lcore-mask", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "dpdk-socket-mem", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "dpdk-alloc-mem", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "dpdk-socket-limit", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "dpdk-hugepage-dir", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "dpdk-extra", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "dpdk-probe-at-init", REFUSE_ANY, .why = eal},
	{"Open_vSwitch", "other_config", "pmd-cpu-mask", REFUSE_ANY,
		.why = "PMD threads run on the lcores of trestled's -l after the first"},
	{"Open_vSwitch", "other_config", "pmd-rxq-assign", REFUSE_OTHERS, .values = rxq_assign,
		.why = "each queue goes to the PMD with the fewest, unless "
		       "Interface other_config:pmd-rxq-affinity pins it"},
	{"Open_vSwitch", "other_config", "pmd-rxq-isolate", REFUSE_VALUES, .values = v_true,
		.why = "a PMD that polls a pinned queue may poll others too"},
	{"Open_vSwitch", "other_config", "pmd-auto-lb", REFUSE_VALUES, .values = v_true,
		.why = auto_lb},
	{"Open_vSwitch", "other_config", "pmd-auto-lb-rebal-interval", REFUSE_ANY, .why = auto_lb},
	{"Open_vSwitch", "other_config", "pmd-auto-lb-load-threshold", REFUSE_ANY, .why = auto_lb},
	{"Open_vSwitch", "other_config", "pmd-auto-lb-improvement-threshold", REFUSE_ANY,
		.why = auto_lb},
	{"Open_vSwitch", "other_config", "pmd-sleep-max", REFUSE_OTHERS, .values = v_zero,
		.why = "PMDs poll without sleeping"},
	{"Open_vSwitch", "other_config", "pmd-perf-metrics", REFUSE_VALUES, .values = v_true,
		.why = "trestle appctl dpif-netdev/pmd-stats-show has the PMDs' figures"},
	{"Open_vSwitch", "other_config", "smc-enable", REFUSE_VALUES, .values = v_true,
		.why = "Trestle has no signature match cache"},
	{"Open_vSwitch", "other_config", "emc-insert-inv-prob", REFUSE_RANGE, .min = 0,
		.max = 4294967295, .why = "an integer from 0 to 4294967295"},
	{"Open_vSwitch", "other_config", "tx-flush-interval", REFUSE_OTHERS, .values = v_zero,
		.why = "every burst is sent as soon as it is built"},
	{"Open_vSwitch", "other_config", "n-handler-threads", REFUSE_ANY,
		.why = "the PMDs handle their own upcalls"},
	{"Open_vSwitch", "other_config", "n-revalidator-threads", REFUSE_ANY, .why = revalidate},
	{"Open_vSwitch", "other_config", "flow-limit", REFUSE_RANGE, .min = 0, .max = 4294967295,
		.why = "megaflows per PMD, an integer from 0 to 4294967295"},
	{"Open_vSwitch", "other_config", "max-idle", REFUSE_RANGE, .min = 500, .max = 4294967295,
		.why = "milliseconds, an integer from 500 to 4294967295"},
	{"Open_vSwitch", "other_config", "max-revalidator", REFUSE_ANY, .why = revalidate},
	{"Open_vSwitch", "other_config", "min-revalidate-pps", REFUSE_ANY, .why = revalidate},
	{"Open_vSwitch", "other_config", "stats-update-interval", REFUSE_ANY,
		.why = "statistics are read from the ports at every command"},
	{"Open_vSwitch", "other_config", "enable-statistics", REFUSE_VALUES, .values = v_true,
		.why = "Trestle keeps no Open_vSwitch statistics"},
	{"Open_vSwitch", "other_config", "flow-restore-wait", REFUSE_VALUES, .values = v_true,
		.why = "flows are not kept across a restart"},
	{"Open_vSwitch", "other_config", "hw-offload", REFUSE_VALUES, .values = v_true,
		.why = no_offload},
	{"Open_vSwitch", "other_config", "hw-offload-priority", REFUSE_ANY, .why = no_offload},
	{"Open_vSwitch", "other_config", "n-offload-threads", REFUSE_ANY, .why = no_offload},
	{"Open_vSwitch", "other_config", "tc-policy", REFUSE_ANY, .why = no_offload},
	{"Open_vSwitch", "other_config", "offloaded-stats-delay", REFUSE_ANY, .why = no_offload},
	{"Open_vSwitch", "other_config", "offload-rebalance", REFUSE_VALUES, .values = v_true,
		.why = no_offload},
	{"Open_vSwitch", "other_config", "vhost-sock-dir", REFUSE_ANY,
		.why = "vhost-user server sockets go in trestled's --run-dir"},
	{"Open_vSwitch", "other_config", "vhost-iommu-support", REFUSE_VALUES, .values = v_true,
		.why = "Trestle's vhost-user ports have no IOMMU support"},
	{"Open_vSwitch", "other_config", "vhost-postcopy-support", REFUSE_VALUES, .values = v_true,
		.why = "Trestle's vhost-user ports have no post-copy migration"},
	{"Open_vSwitch", "other_config", "per-port-memory", REFUSE_VALUES, .values = v_true,
		.why = "every port takes its buffers from one pool (trestled --mbufs)"},
	{"Open_vSwitch", "other_config", "shared-mempool-config", REFUSE_ANY,
		.why = "every port takes its buffers from one pool (trestled --mbufs)"},
	{"Open_vSwitch", "other_config", "userspace-tso-enable", REFUSE_VALUES, .values = v_true,
		.why = "Trestle has no TCP segmentation offload"},
	{"Open_vSwitch", "other_config", "vlan-limit", REFUSE_OTHERS, .values = vlan_limit,
		.why = "Trestle parses and matches up to two VLAN headers"},
	{"Open_vSwitch", "other_config", "bundle-idle-timeout", REFUSE_ANY, .why = no_controller},
	{"Open_vSwitch", "other_config", "explicit-sampled-drops", REFUSE_VALUES, .values = v_true,
		.why = no_sampling},
	{"Open_vSwitch", "other_config", "private_key", REFUSE_ANY, .why = no_ipsec},
	{"Open_vSwitch", "other_config", "certificate", REFUSE_ANY, .why = no_ipsec},
	{"Open_vSwitch", "other_config", "ca_cert", REFUSE_ANY, .why = no_ipsec},
	{"Open_vSwitch", "other_config", "ipsec_skb_mark", REFUSE_ANY, .why = no_ipsec},
	{"Open_vSwitch", "ssl", NULL, REFUSE_ABSENT,
		.why = "Trestle has no SSL: its ctl socket is a local Unix socket"},
	{"Open_vSwitch", "manager_options", NULL, REFUSE_ABSENT,
		.why = "Trestle has no OVSDB manager connections"},
	{"Open_vSwitch", "datapaths", NULL, REFUSE_ABSENT, .why = no_ct},
	{"Open_vSwitch", "statistics", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Open_vSwitch", "capabilities", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Open_vSwitch", "datapath_types", NULL, REFUSE_ABSENT,
		.why = "Trestle has one datapath type, netdev"},
	{"Open_vSwitch", "iface_types", NULL, REFUSE_ABSENT,
		.why = "Trestle's interface types are system, internal, dpdk, dpdkvhostuser and "
		       "dpdkvhostuserclient"},
	{"Open_vSwitch", "dpdk_initialized", NULL, REFUSE_ABSENT,
		.why = "Trestle always runs on DPDK"},
	{"Open_vSwitch", "dpdk_version", NULL, REFUSE_ABSENT,
		.why = "trestle appctl version names the build"},
	{"Open_vSwitch", "db_version", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Open_vSwitch", "system_type", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Open_vSwitch", "system_version", NULL, REFUSE_ABSENT, .why = not_reported},

	/* Bridge. */
	{"Bridge", "datapath_type", NULL, REFUSE_OTHERS, .values = datapath_types,
		.why = "Trestle is a userspace datapath: netdev, or empty"},
	/* Spanning tree (src/daemon/stp.c): the ranges of 802.1D-1998 8.10.2, as OVS has them. */
	{"Bridge", "other_config", "stp-system-id", REFUSE_FORMAT, .valid = valid_mac,
		.why = "a unicast MAC such as 52:54:00:12:34:56"},
	{"Bridge", "other_config", "stp-priority", REFUSE_RANGE, .min = 0, .max = 65535,
		.why = "an integer from 0 to 65535"},
	{"Bridge", "other_config", "stp-hello-time", REFUSE_RANGE, .min = 1, .max = 10,
		.why = "seconds, an integer from 1 to 10"},
	{"Bridge", "other_config", "stp-max-age", REFUSE_RANGE, .min = 6, .max = 40,
		.why = "seconds, an integer from 6 to 40"},
	{"Bridge", "other_config", "stp-forward-delay", REFUSE_RANGE, .min = 4, .max = 30,
		.why = "seconds, an integer from 4 to 30"},
	{"Bridge", "other_config", NULL, REFUSE_ROW, .row_valid = valid_stp_times,
		.why = "802.1D-1998 8.10.2 relates the three times"},
	{"Bridge", "stp_enable", NULL, REFUSE_ROW, .row_valid = valid_stp_or_rstp,
		.why = "one spanning tree per bridge"},
	/* Rapid spanning tree: the ranges of 802.1D-2004 17.13 and 17.14, as OVS has them. */
	{"Bridge", "other_config", "rstp-address", REFUSE_FORMAT, .valid = valid_mac,
		.why = "a unicast MAC such as 52:54:00:12:34:56"},
	{"Bridge", "other_config", "rstp-priority", REFUSE_FORMAT, .valid = valid_rstp_priority,
		.why = "a multiple of 4096 from 0 to 61440"},
	{"Bridge", "other_config", "rstp-ageing-time", REFUSE_RANGE, .min = 10, .max = 1000000,
		.why = "seconds, an integer from 10 to 1000000"},
	{"Bridge", "other_config", "rstp-force-protocol-version", REFUSE_INVALID,
		.values = v_rstp_versions, .why = "0 (802.1D BPDUs) or 2 (RSTP)"},
	{"Bridge", "other_config", "rstp-max-age", REFUSE_RANGE, .min = 6, .max = 40,
		.why = "seconds, an integer from 6 to 40"},
	{"Bridge", "other_config", "rstp-forward-delay", REFUSE_RANGE, .min = 4, .max = 30,
		.why = "seconds, an integer from 4 to 30"},
	{"Bridge", "other_config", "rstp-transmit-hold-count", REFUSE_RANGE, .min = 1, .max = 10,
		.why = "BPDUs per second, an integer from 1 to 10"},
	{"Bridge", "rstp_enable", NULL, REFUSE_ROW, .row_valid = valid_rstp_times,
		.why = "802.1D-2004 17.14 relates the two times"},
	{"Bridge", "other_config", "mcast-snooping-aging-time", REFUSE_ANY, .why = no_mcast},
	{"Bridge", "other_config", "mcast-snooping-table-size", REFUSE_ANY, .why = no_mcast},
	{"Bridge", "other_config", "mcast-snooping-disable-flood-unregistered", REFUSE_ANY,
		.why = no_mcast},
	{"Bridge", "other_config", "datapath-id", REFUSE_ANY,
		.why = "the datapath ID comes from the ports' MACs (trestle ofctl show)"},
	{"Bridge", "other_config", "dp-desc", REFUSE_ANY, .why = no_controller},
	{"Bridge", "other_config", "dp-sn", REFUSE_ANY, .why = no_controller},
	{"Bridge", "other_config", "in-band-queue", REFUSE_ANY, .why = no_controller},
	{"Bridge", "other_config", "controller-queue-size", REFUSE_ANY, .why = no_controller},
	{"Bridge", "other_config", "hwaddr", REFUSE_FORMAT, .valid = valid_mac,
		.why = "a unicast MAC such as 52:54:00:12:34:56"},
	{"Bridge", "other_config", "forward-bpdu", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Bridge", "other_config", "mac-table-size", REFUSE_RANGE, .min = 1, .max = 1 << 24,
		.why = "an integer from 1 to 16777216"},
	{"Bridge", "other_config", "mac-aging-time", REFUSE_RANGE, .min = 1, .max = 1 << 30,
		.why = "seconds, an integer from 1 to 1073741824"},
	{"Bridge", "mcast_snooping_enable", NULL, REFUSE_ABSENT, .why = no_mcast},
	{"Bridge", "mirrors", NULL, REFUSE_ABSENT, .why = "Trestle has no port mirroring"},
	{"Bridge", "netflow", NULL, REFUSE_ABSENT, .why = no_sampling},
	{"Bridge", "sflow", NULL, REFUSE_ABSENT, .why = no_sampling},
	{"Bridge", "ipfix", NULL, REFUSE_ABSENT, .why = no_sampling},
	{"Bridge", "controller", NULL, REFUSE_ABSENT, .why = no_controller},
	{"Bridge", "protocols", NULL, REFUSE_ABSENT, .why = no_controller},
	{"Bridge", "flood_vlans", NULL, REFUSE_ABSENT, .why = "NORMAL learns on every VLAN"},
	{"Bridge", "flow_tables", NULL, REFUSE_ABSENT,
		.why = "flow tables have no limits or names here"},
	{"Bridge", "auto_attach", NULL, REFUSE_ABSENT, .why = "Trestle has no Auto Attach"},
	{"Bridge", "datapath_id", NULL, REFUSE_ABSENT,
		.why = "trestle ofctl show BRIDGE prints the datapath ID"},
	{"Bridge", "datapath_version", NULL, REFUSE_ABSENT, .why = not_reported},

	/* Port. */
	{"Port", "bond_mode", NULL, REFUSE_ROW, .row_valid = valid_bond,
		.why = "a bond is a port of two interfaces or more"},
	{"Port", "tag", NULL, REFUSE_ANY, .when = {{"vlan_mode", v_trunk}},
		.why = "a trunk port has no native VLAN: use vlan_mode=native-untagged or "
		       "native-tagged, or clear tag"},
	{"Port", "trunks", NULL, REFUSE_ANY, .when = {{"vlan_mode", v_access}},
		.why = "such a port carries only its tag's VLAN"},
	{"Port", "trunks", NULL, REFUSE_ANY, .when = {{"vlan_mode", v_empty}, {"tag", NULL}},
		.why = "a tag without vlan_mode makes an access port: use "
		       "vlan_mode=native-untagged or native-tagged"},
	{"Port", "other_config", "qinq-ethtype", REFUSE_INVALID, .values = qinq_ethtypes,
		.why = "802.1ad or 802.1q"},
	{"Port", "other_config", "priority-tags", REFUSE_INVALID, .values = priority_tags,
		.why = "never, if-nonzero or always"},
	/* Bonds and LACP (docs/bond.md). */
	{"Port", "other_config", "bond-hash-basis", REFUSE_RANGE, .min = 0, .max = UINT32_MAX,
		.why = "an integer from 0 to 4294967295"},
	{"Port", "other_config", "lb-output-action", REFUSE_OTHERS, .values = v_false,
		.why = "balance-tcp here hashes in the slow path and its megaflows match the "
		       "5-tuple: there is no lb_output action to turn on"},
	{"Port", "other_config", "all-members-active", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "bond-detect-mode", REFUSE_INVALID, .values = detect_modes,
		.why = "carrier or miimon"},
	{"Port", "other_config", "bond-miimon-interval", REFUSE_RANGE, .min = 1, .max = 2147483647,
		.why = "milliseconds, an integer from 1 to 2147483647"},
	{"Port", "other_config", "bond-rebalance-interval", REFUSE_RANGE, .min = 0,
		.max = 2147483647, .why = "milliseconds, an integer from 0 to 2147483647"},
	{"Port", "other_config", "lacp-system-id", REFUSE_FORMAT, .valid = valid_mac,
		.why = "a unicast MAC such as 52:54:00:12:34:56"},
	{"Port", "other_config", "lacp-system-priority", REFUSE_RANGE, .min = 1, .max = 65535,
		.why = "an integer from 1 to 65535"},
	{"Port", "other_config", "lacp-time", REFUSE_INVALID, .values = lacp_times,
		.why = "fast or slow"},
	{"Port", "other_config", "lacp-fallback-ab", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "stp-enable", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "stp-port-num", REFUSE_RANGE, .min = 1, .max = 255,
		.why = "an integer from 1 to 255"},
	{"Port", "other_config", "stp-port-priority", REFUSE_RANGE, .min = 0, .max = 255,
		.why = "an integer from 0 to 255"},
	{"Port", "other_config", "stp-path-cost", REFUSE_RANGE, .min = 1, .max = 65535,
		.why = "an integer from 1 to 65535"},
	{"Port", "other_config", "rstp-enable", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "rstp-port-priority", REFUSE_FORMAT,
		.valid = valid_rstp_port_priority, .why = "a multiple of 16 from 0 to 240"},
	{"Port", "other_config", "rstp-port-num", REFUSE_RANGE, .min = 1, .max = 4095,
		.why = "an integer from 1 to 4095"},
	{"Port", "other_config", "rstp-path-cost", REFUSE_RANGE, .min = 1, .max = 200000000,
		.why = "an integer from 1 to 200000000"},
	{"Port", "other_config", "rstp-port-admin-edge", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "rstp-port-auto-edge", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "rstp-admin-p2p-mac", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "rstp-port-mcheck", REFUSE_INVALID, .values = v_bool,
		.why = "true or false"},
	{"Port", "other_config", "mcast-snooping-flood", REFUSE_ANY, .why = no_mcast},
	{"Port", "other_config", "mcast-snooping-flood-reports", REFUSE_ANY, .why = no_mcast},
	{"Port", "bond_updelay", NULL, REFUSE_RANGE, .min = 0, .max = 2147483647,
		.why = "milliseconds, an integer from 0 to 2147483647"},
	{"Port", "bond_downdelay", NULL, REFUSE_RANGE, .min = 0, .max = 2147483647,
		.why = "milliseconds, an integer from 0 to 2147483647"},
	{"Port", "bond_fake_iface", NULL, REFUSE_VALUES, .values = v_true,
		.why = "Trestle has no fake bond interface: the bond's members are its ports"},
	{"Port", "mac", NULL, REFUSE_ABSENT,
		.why = "Trestle does not use a Port's mac: set the Interface's mac (a bond's LACP "
		       "system id: other_config:lacp-system-id)"},
	{"Port", "qos", NULL, REFUSE_ABSENT, .why = no_qos},
	{"Port", "cvlans", NULL, REFUSE_ABSENT,
		.why = "a dot1q-tunnel port takes every customer VLAN"},
	{"Port", "protected", NULL, REFUSE_ABSENT, .why = "Trestle has no protected ports"},
	{"Port", "fake_bridge", NULL, REFUSE_ABSENT, .why = "Trestle has no fake bridges"},

	/* Interface. */
	{"Interface", "type", NULL, REFUSE_OTHERS, .values = iface_types,
		.why = "Trestle's interface types are system, internal, dpdk, dpdkvhostuser and "
		       "dpdkvhostuserclient"},
	{"Interface", "mac", NULL, REFUSE_FORMAT, .valid = valid_mac,
		.why = "a unicast Ethernet address, as 52:54:00:12:34:56"},
	{"Interface", "options", "n_rxq", REFUSE_RANGE, .min = 0, .max = 1024,
		.why = "an integer from 0 to 1024 (0 means 1)"},
	{"Interface", "options", "vhost-max-queue-pairs", REFUSE_OTHERS, .values = v_one,
		.why = "Trestle's vhost-user ports have one queue pair"},
	{"Interface", "options", "tx-retries-max", REFUSE_ANY,
		.why = "vhost-user transmit retries are built in"},
	{"Interface", "options", "n_rxq_desc", REFUSE_ANY, .why = "rings have 1024 descriptors"},
	{"Interface", "options", "n_txq_desc", REFUSE_ANY, .why = "rings have 1024 descriptors"},
	{"Interface", "options", "dpdk-vf-mac", REFUSE_ANY, .why = "Trestle does not set up VFs"},
	{"Interface", "options", "rx-steering", REFUSE_ANY,
		.why = "Trestle leaves receive steering to the device"},
	{"Interface", "options", "rx-flow-ctrl", REFUSE_ANY,
		.why = "Trestle leaves flow control to the device"},
	{"Interface", "options", "tx-flow-ctrl", REFUSE_ANY,
		.why = "Trestle leaves flow control to the device"},
	{"Interface", "options", "flow-ctrl-autoneg", REFUSE_ANY,
		.why = "Trestle leaves flow control to the device"},
	{"Interface", "options", "dpdk-lsc-interrupt", REFUSE_ANY,
		.why = "Trestle polls the link state"},
	{"Interface", "options", "xdp-mode", REFUSE_ANY, .why = "Trestle has no AF_XDP ports"},
	{"Interface", "options", "peer", REFUSE_ANY, .why = "Trestle has no patch ports"},
	{"Interface", "options", "remote_ip", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "local_ip", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "in_key", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "out_key", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "key", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "dst_port", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "tos", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "ttl", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "df_default", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "egress_pkt_mark", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "exts", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "packet_type", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "seq", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "csum", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "psk", REFUSE_ANY, .why = no_ipsec},
	{"Interface", "options", "remote_cert", REFUSE_ANY, .why = no_ipsec},
	{"Interface", "options", "remote_name", REFUSE_ANY, .why = no_ipsec},
	{"Interface", "options", "erspan_idx", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "erspan_ver", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "erspan_dir", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "erspan_hwid", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "payload_type", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "srv6_segs", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "options", "srv6_flowlabel", REFUSE_ANY, .why = no_tunnel},
	{"Interface", "other_config", "pmd-rxq-affinity", REFUSE_FORMAT,
		.valid = valid_rxq_affinity, .why = "QUEUE:CORE pairs, as 0:3,1:7"},
	{"Interface", "other_config", "tx-steering", REFUSE_OTHERS, .values = tx_steering,
		.why = "each PMD has its own transmit queue, or shares one under a lock"},
	{"Interface", "other_config", "emc-enable", REFUSE_VALUES, .values = v_false,
		.why = "Open_vSwitch other_config:emc-insert-inv-prob=0 turns the EMC off for "
		       "every port"},
	{"Interface", "other_config", "cfm_interval", REFUSE_ANY, .why = no_cfm},
	{"Interface", "other_config", "cfm_extended", REFUSE_ANY, .why = no_cfm},
	{"Interface", "other_config", "cfm_demand", REFUSE_ANY, .why = no_cfm},
	{"Interface", "other_config", "cfm_opstate", REFUSE_ANY, .why = no_cfm},
	{"Interface", "other_config", "cfm_ccm_vlan", REFUSE_ANY, .why = no_cfm},
	{"Interface", "other_config", "cfm_ccm_pcp", REFUSE_ANY, .why = no_cfm},
	{"Interface", "other_config", "lacp-port-id", REFUSE_RANGE, .min = 1, .max = 65535,
		.why = "an integer from 1 to 65535"},
	{"Interface", "other_config", "lacp-port-priority", REFUSE_RANGE, .min = 1, .max = 65535,
		.why = "an integer from 1 to 65535"},
	{"Interface", "other_config", "lacp-aggregation-key", REFUSE_RANGE, .min = 1, .max = 65535,
		.why = "an integer from 1 to 65535"},
	{"Interface", "other_config", "hw-offload-priority", REFUSE_ANY, .why = no_offload},
	{"Interface", "bfd", NULL, REFUSE_ABSENT, .why = no_bfd},
	{"Interface", "bfd_status", NULL, REFUSE_ABSENT, .why = no_bfd},
	{"Interface", "cfm_mpid", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "cfm_remote_mpids", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "cfm_flap_count", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "cfm_fault", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "cfm_fault_status", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "cfm_remote_opstate", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "cfm_health", NULL, REFUSE_ABSENT, .why = no_cfm},
	{"Interface", "lldp", NULL, REFUSE_ABSENT, .why = "Trestle has no LLDP"},
	{"Interface", "ifindex", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Interface", "link_resets", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Interface", "link_speed", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Interface", "duplex", NULL, REFUSE_ABSENT, .why = not_reported},
	{"Interface", "status", NULL, REFUSE_ABSENT,
		.why = "the error, link_state and mtu columns say how the port is"},

	/* Tables. */
	{"QoS", NULL, NULL, REFUSE_ABSENT, .why = no_qos},
	{"Queue", NULL, NULL, REFUSE_ABSENT, .why = no_qos},
	{"Mirror", NULL, NULL, REFUSE_ABSENT, .why = "Trestle has no port mirroring"},
	{"NetFlow", NULL, NULL, REFUSE_ABSENT, .why = no_sampling},
	{"sFlow", NULL, NULL, REFUSE_ABSENT, .why = no_sampling},
	{"IPFIX", NULL, NULL, REFUSE_ABSENT, .why = no_sampling},
	{"Flow_Sample_Collector_Set", NULL, NULL, REFUSE_ABSENT, .why = no_sampling},
	{"Controller", NULL, NULL, REFUSE_ABSENT, .why = no_controller},
	{"Manager", NULL, NULL, REFUSE_ABSENT, .why = "Trestle has no OVSDB manager connections"},
	{"SSL", NULL, NULL, REFUSE_ABSENT,
		.why = "Trestle has no SSL: its ctl socket is a local Unix socket"},
	{"AutoAttach", NULL, NULL, REFUSE_ABSENT, .why = "Trestle has no Auto Attach"},
	{"Flow_Table", NULL, NULL, REFUSE_ABSENT,
		.why = "flow tables have no limits or names here"},
	{"Datapath", NULL, NULL, REFUSE_ABSENT, .why = no_ct},
	{"CT_Zone", NULL, NULL, REFUSE_ABSENT, .why = no_ct},
	{"CT_Timeout_Policy", NULL, NULL, REFUSE_ABSENT, .why = no_ct},
};
const unsigned n_refusals = sizeof(refusals) / sizeof(refusals[0]);

/* ---- Matching a row ---- */

static bool
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* Whether value, a decimal integer, is from min to max. */
static bool
in_range(const char *value, int64_t min, int64_t max)
{
	char *end;
	long long v;

	if (value[0] < '0' || value[0] > '9')
		return false;
	errno = 0;
	v = strtoll(value, &end, 10);
	return *end == '\0' && errno == 0 && v >= min && v <= max;
}

/* A key or value as typed: bare, unless it would not read back as one word. */
static void
put_word(struct ds *out, const char *s)
{
	if (*s == '\0' || strpbrk(s, " \t,{}[]=\"\\") != NULL)
		string_format(out, s, false);
	else
		ds_put_cstr(out, s);
}

/*
 * "column=value" as ovs-vsctl takes it ("column:key=value" for a map key); value is the
 * scalar's or the key's value, NULL for a set, which prints as a set.
 */
static void
put_setting(struct ds *out, const struct column *c, const struct datum *d, const char *key,
	const char *value)
{
	ds_put_cstr(out, c->name);
	if (key) {
		ds_put_char(out, ':');
		put_word(out, key);
	}
	ds_put_char(out, '=');
	if (value)
		put_word(out, value);
	else
		datum_format(out, c, d, false);
}

/* Whether condition w holds of row r (table t); if so describes it in out. */
static bool
when_holds(const struct refusal_when *w, enum table_id t, const struct row *r, struct ds *out)
{
	int ci = db_column_index(t, w->column);
	const struct column *c = &db_tables[t].cols[ci];
	const struct datum *d = &r->d[ci];

	if (d->n == 0) {
		if (w->values == NULL || !in_list(w->values, ""))
			return false;
		ds_put_format(out, "no %s", c->name);
		return true;
	}
	struct ds v = DS_INIT;
	bool scalar = col_is_scalar(c);
	if (scalar)
		atom_format(&v, c->key, &d->keys[0], true);
	bool hit = w->values == NULL || (scalar && in_list(w->values, ds_cstr(&v)));
	if (hit)
		put_setting(out, c, d, NULL, scalar ? ds_cstr(&v) : NULL);
	ds_destroy(&v);
	return hit;
}

/* Whether f refuses malformed values of a key Trestle implements, rather than a feature. */
static bool
refuses_invalid(const struct refusal *f)
{
	return f->kind == REFUSE_INVALID || f->kind == REFUSE_RANGE || f->kind == REFUSE_FORMAT ||
	       f->kind == REFUSE_ROW;
}

/*
 * Whether refusal f refuses what row r of table t holds; if so writes why into out, without
 * the row's name: "stp_enable=true is not supported yet (Trestle has no spanning tree; ...)".
 */
static bool
refuses(const struct refusal *f, enum table_id t, const struct row *r, struct ds *out)
{
	int ci = db_column_index(t, f->column);
	const struct column *c = &db_tables[t].cols[ci];
	const struct datum *d = &r->d[ci];
	struct ds value = DS_INIT, conds = DS_INIT;
	bool present, hit = false;

	if (f->key) {
		union atom k = {.s = (char *)f->key};
		int i = datum_find(c, d, &k);
		present = i >= 0;
		if (present)
			ds_put_cstr(&value, d->values[i].s);
	} else {
		present = d->n > 0;
		if (present && col_is_scalar(c))
			atom_format(&value, c->key, &d->keys[0], true);
	}
	switch (f->kind) {
	case REFUSE_ANY:
		hit = present;
		break;
	case REFUSE_VALUES:
		hit = present && in_list(f->values, ds_cstr(&value));
		break;
	case REFUSE_OTHERS:
	case REFUSE_INVALID:
		hit = present && !in_list(f->values, ds_cstr(&value));
		break;
	case REFUSE_RANGE:
		hit = present && !in_range(ds_cstr(&value), f->min, f->max);
		break;
	case REFUSE_FORMAT:
		hit = present && !f->valid(ds_cstr(&value));
		break;
	case REFUSE_MANY:
		hit = d->n > 1;
		break;
	case REFUSE_ROW:
		ds_clear(&value);
		hit = !f->row_valid(t, r, &value);
		break;
	case REFUSE_ABSENT:
		break;
	}
	for (unsigned w = 0; hit && w < 2 && f->when[w].column; w++) {
		if (w)
			ds_put_cstr(&conds, " and ");
		hit = when_holds(&f->when[w], t, r, &conds);
	}
	if (hit) {
		if (f->kind == REFUSE_MANY)
			ds_put_format(out, "%u %s are not supported yet (%s; " DOCS ")", d->n,
				c->name, f->why);
		else if (f->kind == REFUSE_ROW)
			ds_put_cstr(out, ds_cstr(&value));
		else {
			bool word = f->key || col_is_scalar(c);
			put_setting(out, c, d, f->key, word ? ds_cstr(&value) : NULL);
			if (conds.len)
				ds_put_format(out, " has no effect with %s (%s)", ds_cstr(&conds),
					f->why);
			else if (refuses_invalid(f))
				ds_put_format(out, " is not valid (%s)", f->why);
			else
				ds_put_format(out, " is not supported yet (%s; " DOCS ")", f->why);
		}
	}
	ds_destroy(&value);
	ds_destroy(&conds);
	return hit;
}

static bool
applies_to(const struct refusal *f, enum table_id t)
{
	return f->kind != REFUSE_ABSENT && !strcmp(f->table, db_tables[t].name);
}

/* "Bridge br0: ", "Open_vSwitch: ", or the uuid of a row without a name. */
static void
put_row(struct ds *out, enum table_id t, const struct row *r)
{
	const char *name = db_row_name(t, r);

	if (t == T_OVS)
		ds_put_format(out, "%s: ", db_tables[t].name);
	else
		ds_put_format(out, "%s %s: ", db_tables[t].name, name && *name ? name : r->uuid);
}

int
unsupported_check(const struct db *db, const struct db *before, struct ds *err)
{
	struct ds why = DS_INIT, was = DS_INIT;

	for (int t = 0; t < T__N; t++) {
		for (unsigned i = 0; i < db->n[t]; i++) {
			const struct row *r = db->rows[t][i];
			const struct row *old = before ? db_row_find(before, t, r->uuid) : NULL;
			for (unsigned k = 0; k < n_refusals; k++) {
				const struct refusal *f = &refusals[k];
				if (!applies_to(f, t))
					continue;
				ds_clear(&why);
				ds_clear(&was);
				if (!refuses(f, t, r, &why))
					continue;
				/* Held before this transaction: an older build accepted it. */
				if (old && refuses(f, t, old, &was) &&
					!strcmp(ds_cstr(&why), ds_cstr(&was)))
					continue;
				put_row(err, t, r);
				ds_put_cstr(err, ds_cstr(&why));
				bool invalid = refuses_invalid(f) || f->when[0].column;
				ds_destroy(&why);
				ds_destroy(&was);
				return invalid ? -EINVAL : -ENOTSUP;
			}
		}
	}
	ds_destroy(&why);
	ds_destroy(&was);
	return 0;
}

bool
unsupported_table(const char *name, struct ds *err)
{
	for (unsigned k = 0; k < n_refusals; k++) {
		const struct refusal *f = &refusals[k];
		if (f->column == NULL && name_eq(f->table, name, -1)) {
			ds_put_format(err, "table %s is not supported yet (%s; " DOCS ")", f->table,
				f->why);
			return true;
		}
	}
	return false;
}

bool
unsupported_column(enum table_id t, const char *name, struct ds *err)
{
	for (unsigned k = 0; k < n_refusals; k++) {
		const struct refusal *f = &refusals[k];
		if (f->kind == REFUSE_ABSENT && f->column && !strcmp(f->table, db_tables[t].name) &&
			name_eq(f->column, name, -1)) {
			ds_put_format(err, "%s column %s is not supported yet (%s; " DOCS ")",
				f->table, f->column, f->why);
			return true;
		}
	}
	return false;
}

void
unsupported_show(enum table_id t, const struct row *r, int indent, struct ds *out)
{
	for (unsigned k = 0; k < n_refusals; k++) {
		if (!applies_to(&refusals[k], t))
			continue;
		struct ds why = DS_INIT;
		if (refuses(&refusals[k], t, r, &why))
			ds_put_format(out, "%*signored: %s\n", indent, "", ds_cstr(&why));
		ds_destroy(&why);
	}
}

unsigned
db_unsupported_report(const struct db *db, struct ds *out)
{
	unsigned n = 0;

	for (int t = 0; t < T__N; t++) {
		for (unsigned i = 0; i < db->n[t]; i++) {
			for (unsigned k = 0; k < n_refusals; k++) {
				if (!applies_to(&refusals[k], t))
					continue;
				struct ds why = DS_INIT;
				if (refuses(&refusals[k], t, db->rows[t][i], &why)) {
					put_row(out, t, db->rows[t][i]);
					ds_put_format(out, "%s\n", ds_cstr(&why));
					n++;
				}
				ds_destroy(&why);
			}
		}
	}
	return n;
}
