/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow-table commands ("ofctl" method, ovs-ofctl's grammar) and ofproto/trace.
 *
 * Command's walk: trestle ofctl add-flow br0 FLOW -> method "ofctl" -> ofctl_cmd() parses every
 * rule first (any error: nothing changes), builds a new version of the bridge's tables, and
 * bridge_set_tables() puts it in force: every megaflow is dropped, and rebuilt by upcalls under
 * the new rules. Rules are not saved: as in OVS, flows live as long as the daemon, and a bridge
 * starts with "priority=0 actions=NORMAL" (none when fail_mode is secure).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "bridge.h"
#include "ctl.h"
#include "dp_flow.h"
#include "ds.h"
#include "module.h"
#include "normal.h"
#include "ofp.h"
#include "pmd.h"
#include "port.h"
#include "xalloc.h"

/* ---- Port names ---- */

static int64_t
port_by_name(const void *aux, const char *name)
{
	const char *br = aux;
	struct port *p = bridge_port_by_name(name);
	const char *in = p ? bridge_of_port(p->dp_no) : NULL;

	if (p == NULL || in == NULL || strcmp(in, br) || p->ofport <= 0)
		return -1;
	return p->ofport;
}

/* ---- Rule counters: what removed megaflows credited, plus the live ones ---- */

struct live_counts {
	unsigned n;                        /* Slots (a power of two). */
	const struct dp_flow_credit **key; /* Open addressing by credit pointer. */
	uint64_t *packets, *bytes, *used;
};

/* The slot of k: where it is, or the empty slot where it would go. */
static unsigned
live_slot(const struct live_counts *lc, const struct dp_flow_credit *k)
{
	unsigned h = (unsigned)(((uintptr_t)k >> 4) * 2654435761u) & (lc->n - 1);

	while (lc->key[h] != NULL && lc->key[h] != k)
		h = (h + 1) & (lc->n - 1);
	return h;
}

static void
live_add(const struct dp_flow *f, void *aux)
{
	struct live_counts *lc = aux;

	for (unsigned c = 0; c < f->n_credits && c < DP_FLOW_MAX_CREDITS; c++) {
		unsigned h = live_slot(lc, f->credits[c]);
		/* A flow of a rule deleted since the collection began: not ours to count. */
		if (lc->key[h] == NULL)
			continue;
		lc->packets[h] += f->stats.n_packets;
		lc->bytes[h] += f->stats.n_bytes;
		if (f->stats.used_tsc > lc->used[h])
			lc->used[h] = f->stats.used_tsc;
	}
}

static void
live_insert(struct live_counts *lc, const struct dp_flow_credit *k)
{
	lc->key[live_slot(lc, k)] = k;
}

static void
live_get(const struct live_counts *lc, const struct ofp_rule *r, uint64_t *packets, uint64_t *bytes,
	uint64_t *used_tsc)
{
	const struct dp_flow_credit *k = r->credit;
	unsigned h = live_slot(lc, k);

	*packets = __atomic_load_n(&k->n_packets, __ATOMIC_RELAXED);
	*bytes = __atomic_load_n(&k->n_bytes, __ATOMIC_RELAXED);
	*used_tsc = __atomic_load_n(&k->used_tsc, __ATOMIC_RELAXED);
	if (lc->key[h] == k) {
		*packets += lc->packets[h];
		*bytes += lc->bytes[h];
		if (lc->used[h] > *used_tsc)
			*used_tsc = lc->used[h];
	}
}

static void
live_collect(struct live_counts *lc, const struct ofp_tables *t)
{
	lc->n = 16;
	while (lc->n < 2 * ofp_tables_n_rules(t))
		lc->n *= 2;
	lc->key = xcalloc(lc->n, sizeof(*lc->key));
	lc->packets = xcalloc(lc->n, sizeof(uint64_t));
	lc->bytes = xcalloc(lc->n, sizeof(uint64_t));
	lc->used = xcalloc(lc->n, sizeof(uint64_t));
	for (unsigned i = 0; i < ofp_tables_n_rules(t); i++)
		live_insert(lc, ofp_tables_rule(t, i)->credit);
	for (unsigned i = 0; i < pmd_count(); i++)
		dp_flow_table_foreach(pmd_flows(i), live_add, lc);
}

static void
live_free(struct live_counts *lc)
{
	free(lc->key);
	free(lc->packets);
	free(lc->bytes);
	free(lc->used);
}

/* Whether a and b are the same rule: match, priority, table and actions. */
static bool
same_rule(const struct ofp_rule *a, const struct ofp_rule *b)
{
	return ofp_rule_same_match(a, b) && ofp_actions_equal(a, b);
}

/* br's tables, or NULL with ovs-ofctl's message in out. */
static const struct ofp_tables *
tables_of(const char *br, struct ds *out)
{
	const struct ofp_tables *t = bridge_tables(br);

	if (t == NULL)
		ds_put_format(out, "%s is not a bridge or a socket", br);
	return t;
}

/* ---- Changing the tables ---- */

/* Starts a new version of br's tables, or returns NULL with ovs-ofctl's message in out. */
static struct ofp_txn *
change_begin(const char *br, struct ds *out)
{
	const struct ofp_tables *cur = tables_of(br, out);

	return cur ? ofp_txn_begin(cur) : NULL;
}

/* Puts the new version in force; the rules it dropped are freed once no PMD can see them. */
static void
change_commit(const char *br, struct ofp_txn *txn)
{
	struct ofp_rule **dead;
	unsigned n_dead;
	struct ofp_tables *t = ofp_txn_finish(txn, &dead, &n_dead);

	bridge_set_tables(br, t, dead, n_dead);
	free(dead);
}

static bool
selected(const struct ofp_rule *r, const struct ofp_rule *filter, bool strict, bool has_table,
	bool has_cookie)
{
	if (has_table && r->table_id != filter->table_id)
		return false;
	if (has_cookie && r->cookie != filter->cookie)
		return false;
	if (strict)
		return r->priority == filter->priority && flow_key_equal(&r->mask, &filter->mask) &&
		       flow_key_equal(&r->match, &filter->match);
	return ofp_rule_covered_by(r, filter);
}

/* Splits text into lines without comments or blanks; each is parsed as mode. Returns the
 * number of rules, or -EINVAL with the line named in out. */
static int
parse_lines(const char *br, const char *text, struct ofp_rule **rules, struct ds *out)
{
	char *copy = xstrdup(text), *save = NULL;
	unsigned n = 0, cap = 0, lineno = 0;
	struct ofp_rule *v = NULL;
	int ret = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '\r')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		struct ds err = DS_INIT;
		if (ofp_rule_parse(&v[n], line, OFP_PARSE_ADD, port_by_name, br, &err) < 0) {
			ds_put_format(out, "line %u: %s", lineno, ds_cstr(&err));
			ds_destroy(&err);
			ret = -EINVAL;
			break;
		}
		ds_destroy(&err);
		n++;
	}
	free(copy);
	if (ret < 0) {
		free(v);
		return ret;
	}
	*rules = v;
	return (int)n;
}

/* ---- Printing ---- */

static void
format_rule(struct ds *out, const struct ofp_rule *r, const struct live_counts *lc, uint64_t now,
	bool stats)
{
	uint64_t packets, bytes, used_tsc;

	if (stats) {
		live_get(lc, r, &packets, &bytes, &used_tsc);
		uint64_t age_ms = now - r->created_ms;
		uint64_t tsc = rte_rdtsc(), hz = rte_get_tsc_hz();
		uint64_t idle = !used_tsc         ? age_ms / 1000
				: used_tsc >= tsc ? 0
						  : (tsc - used_tsc) / hz;
		ds_put_format(out,
			" cookie=0x%" PRIx64 ", duration=%" PRIu64 ".%03" PRIu64 "s, "
			"table=%u, n_packets=%" PRIu64 ", n_bytes=%" PRIu64 ", ",
			r->cookie, age_ms / 1000, age_ms % 1000, r->table_id, packets, bytes);
		if (r->idle_timeout)
			ds_put_format(out, "idle_timeout=%u, ", r->idle_timeout);
		if (r->hard_timeout)
			ds_put_format(out, "hard_timeout=%u, ", r->hard_timeout);
		ds_put_format(out, "idle_age=%" PRIu64 ", ", idle);
	} else {
		if (r->cookie)
			ds_put_format(out, "cookie=0x%" PRIx64 ", ", r->cookie);
		if (r->table_id)
			ds_put_format(out, "table=%u, ", r->table_id);
	}
	size_t before = out->len;
	ofp_match_format(out, r, true, NULL, NULL);
	ds_put_cstr(out, out->len > before ? " actions=" : "actions=");
	ofp_actions_format(out, r, NULL, NULL);
	ds_put_char(out, '\n');
}

/* ---- Commands ---- */

static int
cmd_add_flow(const char *br, const char *flow, struct ds *out)
{
	struct ofp_rule rule;
	struct ofp_txn *txn;
	int ret;

	if ((ret = ofp_rule_parse(&rule, flow, OFP_PARSE_ADD, port_by_name, br, out)) < 0)
		return ret;
	if ((txn = change_begin(br, out)) == NULL)
		return -ENOENT;
	ofp_txn_add(txn, &rule, bridge_now_ms());
	change_commit(br, txn);
	return 0;
}

static int
cmd_add_flows(const char *br, const char *text, bool replace, struct ds *out)
{
	struct ofp_rule *rules = NULL;
	struct ofp_txn *txn;
	int n;

	if ((n = parse_lines(br, text, &rules, out)) < 0)
		return n;
	if ((txn = change_begin(br, out)) == NULL) {
		free(rules);
		return -ENOENT;
	}
	const struct ofp_tables *t = ofp_txn_tables(txn);
	uint64_t now = bridge_now_ms();
	if (replace) {
		/* Keep rules that stay identical (and their counters); drop the others. */
		for (unsigned i = 0; i < ofp_tables_n_rules(t);) {
			const struct ofp_rule *r = ofp_tables_rule(t, i);
			bool keep = false;
			for (int j = 0; j < n && !keep; j++)
				keep = same_rule(r, &rules[j]) && r->cookie == rules[j].cookie;
			if (keep) {
				i++;
				continue;
			}
			ofp_txn_delete(txn, i);
		}
	}
	for (int j = 0; j < n; j++) {
		bool exists = false;
		if (replace)
			for (unsigned i = 0; i < ofp_tables_n_rules(t) && !exists; i++)
				exists = same_rule(ofp_tables_rule(t, i), &rules[j]);
		if (!exists)
			ofp_txn_add(txn, &rules[j], now);
	}
	change_commit(br, txn);
	free(rules);
	return 0;
}

static int
parse_filter(const char *br, int argc, const char *const argv[], bool *strict,
	struct ofp_rule *filter, bool *has_table, bool *has_cookie, struct ds *out)
{
	const char *match = "";

	*strict = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--strict"))
			*strict = true;
		else if (match[0] == '\0')
			match = argv[i];
		else {
			ds_put_format(out, "unexpected argument \"%s\"", argv[i]);
			return -EINVAL;
		}
	}
	int ret = ofp_rule_parse(filter, match, OFP_PARSE_MATCH, port_by_name, br, out);
	*has_table = strstr(match, "table=") != NULL;
	*has_cookie = strstr(match, "cookie=") != NULL;
	if (ret == 0 && !*strict && !strstr(match, "priority="))
		filter->priority = 0;
	return ret;
}

static int
cmd_del_flows(const char *br, int argc, const char *const argv[], struct ds *out)
{
	struct ofp_rule filter;
	bool strict, has_table, has_cookie;
	struct ofp_txn *txn;
	int ret;

	ret = parse_filter(br, argc, argv, &strict, &filter, &has_table, &has_cookie, out);
	if (ret < 0)
		return ret;
	if ((txn = change_begin(br, out)) == NULL)
		return -ENOENT;
	const struct ofp_tables *t = ofp_txn_tables(txn);
	for (unsigned i = 0; i < ofp_tables_n_rules(t);) {
		if (selected(ofp_tables_rule(t, i), &filter, strict, has_table, has_cookie))
			ofp_txn_delete(txn, i);
		else
			i++;
	}
	change_commit(br, txn);
	return 0;
}

static int
cmd_mod_flows(const char *br, int argc, const char *const argv[], struct ds *out)
{
	struct ofp_rule mod;
	bool strict = false;
	const char *flow = NULL;
	struct ofp_txn *txn;
	int ret, hits = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--strict"))
			strict = true;
		else
			flow = argv[i];
	}
	if (flow == NULL) {
		ds_put_cstr(out, "mod-flows needs a flow");
		return -EINVAL;
	}
	if ((ret = ofp_rule_parse(&mod, flow, OFP_PARSE_ADD, port_by_name, br, out)) < 0)
		return ret;
	if (!strict && !strstr(flow, "priority="))
		mod.priority = 0;
	if ((txn = change_begin(br, out)) == NULL)
		return -ENOENT;
	const struct ofp_tables *t = ofp_txn_tables(txn);
	bool has_table = strstr(flow, "table=") != NULL;
	for (unsigned i = 0; i < ofp_tables_n_rules(t); i++) {
		if (!selected(ofp_tables_rule(t, i), &mod, strict, has_table, false))
			continue;
		/* New actions, same counters. */
		ofp_txn_modify_actions(txn, i, &mod);
		hits++;
	}
	/* As OpenFlow 1.0: modifying nothing adds the flow. */
	if (hits == 0)
		ofp_txn_add(txn, &mod, bridge_now_ms());
	change_commit(br, txn);
	return 0;
}

static int
cmd_dump_flows(const char *br, int argc, const char *const argv[], struct ds *out)
{
	const struct ofp_tables *t = tables_of(br, out);
	struct ofp_rule filter;
	bool strict, has_table, has_cookie;
	struct live_counts lc;
	int ret;

	if (t == NULL)
		return -ENOENT;
	ret = parse_filter(br, argc, argv, &strict, &filter, &has_table, &has_cookie, out);
	if (ret < 0)
		return ret;
	live_collect(&lc, t);
	uint64_t now = bridge_now_ms();
	for (unsigned i = 0; i < ofp_tables_n_rules(t); i++)
		if (selected(ofp_tables_rule(t, i), &filter, strict, has_table, has_cookie))
			format_rule(out, ofp_tables_rule(t, i), &lc, now, true);
	live_free(&lc);
	return 0;
}

/* The bridge's ports, in OpenFlow number order, LOCAL last. */
static unsigned
bridge_ports(const char *br, struct port **v)
{
	unsigned n = 0;

	for (uint32_t d = 1; d < PORT_MAX; d++) {
		struct port *p = bridge_port_by_dp(d);
		const char *b = p ? bridge_of_port(d) : NULL;
		if (b && !strcmp(b, br) && p->ofport > 0)
			v[n++] = p;
	}
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1]->ofport > v[j]->ofport; j--) {
			struct port *tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	return n;
}

static void
put_ofport(struct ds *out, int64_t ofport, int width)
{
	if (ofport == OFPP_LOCAL)
		ds_put_format(out, "%*s", width, "LOCAL");
	else
		ds_put_format(out, "%*" PRId64, width, ofport);
}

static int
cmd_show(const char *br, struct ds *out)
{
	struct port *v[PORT_MAX];
	unsigned n = bridge_ports(br, v);
	uint64_t dpid = 0;

	if (tables_of(br, out) == NULL)
		return -ENOENT;
	for (unsigned i = 0; i < n; i++)
		if (v[i]->ofport == OFPP_LOCAL)
			for (int b = 0; b < RTE_ETHER_ADDR_LEN; b++)
				dpid = dpid << 8 | v[i]->mac.addr_bytes[b];
	ds_put_format(out, "OFPT_FEATURES_REPLY (xid=0x2): dpid:%016" PRIx64 "\n", dpid);
	ds_put_cstr(out,
		"n_tables:254, n_buffers:0\n"
		"capabilities: FLOW_STATS TABLE_STATS PORT_STATS ARP_MATCH_IP\n"
		"actions: output set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst "
		"mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst\n");
	for (unsigned i = 0; i < n; i++) {
		struct port *p = v[i];
		uint32_t speed = 0;
		bool up = port_link_up(p, &speed);
		ds_put_char(out, ' ');
		put_ofport(out, p->ofport, 0);
		ds_put_format(out, "(%s): addr:%02x:%02x:%02x:%02x:%02x:%02x\n", p->name,
			RTE_ETHER_ADDR_BYTES(&p->mac));
		ds_put_format(out, "     config:     %s\n", p->started ? "0" : "PORT_DOWN");
		ds_put_format(out, "     state:      %s\n", up ? "0" : "LINK_DOWN");
		if (up && speed != 0)
			ds_put_format(out, "     speed: %u Mbps now, %u Mbps max\n", speed, speed);
	}
	ds_put_cstr(out, "OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0\n");
	return 0;
}

static int
cmd_dump_ports(const char *br, const char *which, struct ds *out)
{
	struct port *v[PORT_MAX];
	unsigned n = bridge_ports(br, v), shown = 0;
	struct ds body = DS_INIT;
	int64_t want = -1;

	if (tables_of(br, out) == NULL)
		return -ENOENT;
	if (which != NULL) {
		want = port_by_name(br, which);
		if (want < 0) {
			char *end;
			long long x = strtoll(which, &end, 10);
			want = *end == '\0' && x > 0
				       ? x
				       : (!strcasecmp(which, "LOCAL") ? OFPP_LOCAL : -1);
		}
		if (want < 0) {
			ds_put_format(out, "%s: unknown port", which);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct dp_port_stats st;
		if (want >= 0 && v[i]->ofport != want)
			continue;
		pmd_port_stats_get(v[i]->dp_no, &st);
		ds_put_cstr(&body, "  port ");
		put_ofport(&body, v[i]->ofport, 2);
		ds_put_format(&body,
			": rx pkts=%" PRIu64 ", bytes=%" PRIu64 ", drop=%" PRIu64
			", errs=0, frame=0, over=0, crc=0\n",
			st.rx_packets, st.rx_bytes, st.rx_dropped);
		ds_put_format(&body,
			"           tx pkts=%" PRIu64 ", bytes=%" PRIu64 ", drop=%" PRIu64
			", errs=0, coll=0\n",
			st.tx_packets, st.tx_bytes, st.tx_dropped);
		shown++;
	}
	ds_put_format(out, "OFPST_PORT reply (xid=0x2): %u ports\n%s", shown, body.s ? body.s : "");
	ds_destroy(&body);
	return 0;
}

/* diff-flows BR TEXT: "-" lines are in the bridge only, "+" lines in the text only. */
static int
cmd_diff_flows(const char *br, const char *text, struct ds *out)
{
	const struct ofp_tables *t = tables_of(br, out);
	struct ofp_rule *rules = NULL;
	int n;

	if (t == NULL)
		return -ENOENT;
	if ((n = parse_lines(br, text, &rules, out)) < 0)
		return n;
	for (unsigned i = 0; i < ofp_tables_n_rules(t); i++) {
		bool found = false;
		for (int j = 0; j < n && !found; j++)
			found = same_rule(ofp_tables_rule(t, i), &rules[j]);
		if (!found) {
			ds_put_char(out, '-');
			format_rule(out, ofp_tables_rule(t, i), NULL, 0, false);
		}
	}
	for (int j = 0; j < n; j++) {
		bool found = false;
		for (unsigned i = 0; i < ofp_tables_n_rules(t) && !found; i++)
			found = same_rule(ofp_tables_rule(t, i), &rules[j]);
		if (!found) {
			ds_put_char(out, '+');
			format_rule(out, &rules[j], NULL, 0, false);
		}
	}
	free(rules);
	return 0;
}

static int
ofctl_cmd(int argc, const char *const argv[], struct ds *out)
{
	const char *cmd = argv[1];

	if (argc < 3) {
		ds_put_format(out, "'%s' command requires at least 1 arguments", cmd);
		return -EINVAL;
	}
	const char *br = argv[2];
	int nargs = argc - 3;
	const char *const *args = argv + 3;

	if (!strcmp(cmd, "add-flow") && nargs == 1)
		return cmd_add_flow(br, args[0], out);
	if (!strcmp(cmd, "add-flows") && nargs == 1)
		return cmd_add_flows(br, args[0], false, out);
	if (!strcmp(cmd, "replace-flows") && nargs == 1)
		return cmd_add_flows(br, args[0], true, out);
	if (!strcmp(cmd, "diff-flows") && nargs == 1)
		return cmd_diff_flows(br, args[0], out);
	if (!strcmp(cmd, "del-flows") && nargs <= 2)
		return cmd_del_flows(br, nargs, args, out);
	if (!strcmp(cmd, "mod-flows") && nargs >= 1 && nargs <= 2)
		return cmd_mod_flows(br, nargs, args, out);
	if (!strcmp(cmd, "dump-flows") && nargs <= 2)
		return cmd_dump_flows(br, nargs, args, out);
	if (!strcmp(cmd, "show") && nargs == 0)
		return cmd_show(br, out);
	if (!strcmp(cmd, "dump-ports") && nargs <= 1)
		return cmd_dump_ports(br, nargs ? args[0] : NULL, out);
	ds_put_format(out, "unknown command '%s' or wrong number of arguments; use --help for help",
		cmd);
	return -EINVAL;
}

static const struct ctl_command ofctl_command = {"ofctl", "COMMAND BRIDGE [ARG...]", 1, INT_MAX,
	ofctl_cmd};
CTL_REGISTER(ofctl_command)

/* ---- Timeouts ---- */

/* Removes the bridge's rules whose idle or hard timeout has passed. */
static void
expire_bridge(const char *br, struct mac_table *macs, void *aux)
{
	const struct ofp_tables *t = bridge_tables(br);
	uint64_t now = bridge_now_ms(), tsc = rte_rdtsc(), hz = rte_get_tsc_hz();
	bool any = false;

	(void)macs;
	(void)aux;
	for (unsigned i = 0; i < ofp_tables_n_rules(t) && !any; i++)
		any = ofp_tables_rule(t, i)->idle_timeout || ofp_tables_rule(t, i)->hard_timeout;
	if (!any)
		return;
	struct live_counts lc;
	bool *expired = xcalloc(ofp_tables_n_rules(t), sizeof(*expired));
	unsigned n_expired = 0;
	live_collect(&lc, t);
	for (unsigned i = 0; i < ofp_tables_n_rules(t); i++) {
		const struct ofp_rule *r = ofp_tables_rule(t, i);
		uint64_t packets, bytes, used_tsc;
		if (r->hard_timeout && now - r->modified_ms >= r->hard_timeout * 1000ull)
			expired[i] = true;
		if (r->idle_timeout) {
			live_get(&lc, r, &packets, &bytes, &used_tsc);
			/* A use after tsc was read (the PMD runs on) is a use now. */
			uint64_t idle_ms = !used_tsc         ? now - r->created_ms
					   : used_tsc >= tsc ? 0
							     : (tsc - used_tsc) * 1000 / hz;
			if (idle_ms >= r->idle_timeout * 1000ull)
				expired[i] = true;
		}
		n_expired += expired[i];
	}
	live_free(&lc);
	if (n_expired) {
		struct ofp_txn *txn = ofp_txn_begin(t);
		/* Same order as t: walk backwards so indexes stay valid. */
		for (unsigned i = ofp_tables_n_rules(t); i-- > 0;)
			if (expired[i])
				ofp_txn_delete(txn, i);
		change_commit(br, txn);
	}
	free(expired);
}

/*
 * Once a second, as OVS's revalidators do: idle times come from the megaflows' last use
 * (traffic through them never reaches the slow path).
 */
static void
ofctl_expire_tick(void *arg)
{
	(void)arg;
	bridge_foreach(expire_bridge, NULL);
}

static int expire_timer = -1;

static int
ofctl_module_init(struct ds *err)
{
	(void)err;
	expire_timer = loop_timer_add(1000, ofctl_expire_tick, NULL);
	return expire_timer < 0 ? expire_timer : 0;
}

static void
ofctl_module_fini(void)
{
	loop_timer_del(expire_timer);
	expire_timer = -1;
}

/* The rule timeouts; before cfg (90), which applies the saved configuration. */
static const struct module ofctl_module = {.name = "ofctl",
	.order = 80,
	.init = ofctl_module_init,
	.fini = ofctl_module_fini};
MODULE_REGISTER(ofctl_module)

/* ---- ofproto/trace ---- */

static int
ofproto_trace(int argc, const char *const argv[], struct ds *out)
{
	const char *br = argv[1];
	const char *flow = NULL;
	const struct dp_snapshot *s = pmd_snapshot();
	const struct dp_bridge *db = NULL;
	struct ofp_rule pkt;
	struct ds err = DS_INIT;

	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--generate"))
			flow = argv[i];
	for (unsigned b = 0; b < s->n_bridges; b++)
		if (!strcmp(s->bridges[b].name, br))
			db = &s->bridges[b];
	if (db == NULL) {
		ds_put_format(out, "%s: unknown bridge", br);
		return -ENOENT;
	}
	if (flow == NULL) {
		ds_put_cstr(out, "ofproto/trace needs a flow");
		return -EINVAL;
	}
	if (ofp_rule_parse(&pkt, flow, OFP_PARSE_TRACE, port_by_name, br, &err) < 0) {
		ds_put_format(out, "%s", ds_cstr(&err));
		ds_destroy(&err);
		return -EINVAL;
	}
	ds_destroy(&err);
	if (!pkt.mask.in_port) {
		ds_put_cstr(out, "ofproto/trace needs in_port=");
		return -EINVAL;
	}
	struct flow_key key = pkt.match;
	key.in_port = dp_bridge_of_to_dp(db, pkt.match.in_port);
	if (key.in_port == 0) {
		ds_put_format(out, "in_port=%u: no such port in %s", pkt.match.in_port, br);
		return -EINVAL;
	}
	/* NORMAL reads the MAC table but learns nothing from a trace. */
	struct dp_bridge view = *db;
	view.l2.dry_run = true;
	struct ds steps = DS_INIT;
	struct ofp_xlate_out xo;
	const struct ofp_xlate_in xin = {
		.tables = bridge_tables(br),
		.l2 = &view.l2,
		.ports = {dp_bridge_of_to_dp, dp_bridge_dp_to_of, db},
		.now_s = rte_rdtsc() / rte_get_tsc_hz(),
		.trace = &steps,
	};
	struct flow_key all;
	memset(&all, 0xff, sizeof(all));
	ds_put_cstr(out, "Flow: ");
	flow_key_format(out, &key, &all);
	ds_put_format(out, "\n\nbridge(\"%s\")\n", br);
	for (size_t i = 0; i < strlen(br) + 10; i++)
		ds_put_char(out, '-');
	ofp_xlate(&xin, &key, &xo);
	ds_put_format(out, "%s\n", steps.s ? steps.s : "\n");
	ds_destroy(&steps);
	ds_put_cstr(out, "Megaflow: ");
	flow_key_format(out, &key, &xo.mask);
	ds_put_cstr(out, "\nDatapath actions: ");
	dp_actions_format(out, &xo.acts);
	ds_put_char(out, '\n');
	return 0;
}

static const struct ctl_command trace_cmd = {"ofproto/trace", "BRIDGE FLOW [--generate]", 2, 3,
	ofproto_trace};
CTL_REGISTER(trace_cmd)
