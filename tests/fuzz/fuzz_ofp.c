/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness for the OpenFlow rules: the ovs-ofctl flow and action parser, its printer, the
 * tables' tuple index and the translation, on arbitrary text.
 *
 * Input: lines of text, each a flow as `ovs-ofctl add-flow` (or add-flows, one a line) takes
 * it; every line is also tried as a del-flows match and as an ofproto/trace packet.
 *
 * Oracles: whatever parses prints as text that parses back to the same rule and prints the
 * same again (in each mode); in a table of every rule that parsed, a lookup with the index
 * finds what a scan finds, each rule's own match finds a rule at least as high, and the
 * translation of a packet is the same for every packet that agrees with it on the mask the
 * translation returned (the megaflow's promise).
 */
#include <stdbool.h>

#include "ds.h"
#include "fuzz.h"
#include "ofp.h"

#define MAX_LINES 64

/* Port names, both ways: the parser resolves them, the printer writes them back. */
static const struct {
	const char *name;
	uint32_t ofport;
} port_names[] = {{"p1", 1}, {"vnet7", 7}, {"eth0", 12}, {"br0", OFPP_LOCAL}};

static int64_t
port_by_name(const void *aux, const char *name)
{
	for (size_t i = 0; i < sizeof(port_names) / sizeof(port_names[0]); i++)
		if (!strcmp(port_names[i].name, name))
			return port_names[i].ofport;
	return -1;
}

static const char *
port_name(const void *aux, uint32_t ofport)
{
	for (size_t i = 0; i < sizeof(port_names) / sizeof(port_names[0]); i++)
		if (port_names[i].ofport == ofport && ofport != OFPP_LOCAL)
			return port_names[i].name;
	return NULL;
}

/* Datapath numbers: LOCAL is 1, OpenFlow port p is p + 1. */
static uint32_t
of_to_dp(const void *aux, uint32_t of)
{
	if (of == OFPP_LOCAL)
		return 1;
	return of >= 1 && of < OFPP_MAX ? of + 1 : 0;
}

static uint32_t
dp_to_of(const void *aux, uint32_t dp)
{
	if (dp == 1)
		return OFPP_LOCAL;
	return dp >= 2 && dp <= OFPP_MAX ? dp - 1 : OFPP_NONE;
}

/* The rule as dump-flows would print it, with what only the stats form shows. */
static char *
print(const struct ofp_rule *r, enum ofp_parse_mode mode)
{
	struct ds d = DS_INIT;

	if (mode != OFP_PARSE_TRACE) {
		if (r->cookie)
			ds_put_format(&d, "cookie=0x%llx,", (unsigned long long)r->cookie);
		if (r->table_id)
			ds_put_format(&d, "table=%u,", r->table_id);
	}
	if (mode == OFP_PARSE_ADD && r->idle_timeout)
		ds_put_format(&d, "idle_timeout=%u,", r->idle_timeout);
	if (mode == OFP_PARSE_ADD && r->hard_timeout)
		ds_put_format(&d, "hard_timeout=%u,", r->hard_timeout);
	ofp_match_format(&d, r, mode != OFP_PARSE_TRACE, port_name, NULL);
	if (d.len && d.s[d.len - 1] == ',')
		d.s[--d.len] = '\0';
	if (mode == OFP_PARSE_ADD) {
		ds_put_cstr(&d, d.len ? " actions=" : "actions=");
		ofp_actions_format(&d, r, port_name, NULL);
	}
	return ds_steal(&d);
}

static bool
same_rule(const struct ofp_rule *a, const struct ofp_rule *b)
{
	return ofp_rule_same_match(a, b) && ofp_actions_equal(a, b) && a->cookie == b->cookie &&
	       a->idle_timeout == b->idle_timeout && a->hard_timeout == b->hard_timeout;
}

/* Parses line in mode; when it parses, checks the round trip and returns true. */
static bool
round_trip(const char *line, enum ofp_parse_mode mode, struct ofp_rule *a)
{
	static const char *const names[] = {"add-flow", "del-flows", "ofproto/trace"};
	struct ofp_rule b;
	struct ds err = DS_INIT;

	if (ofp_rule_parse(a, line, mode, port_by_name, NULL, &err) < 0) {
		FUZZ_CHECK(err.len > 0, "%s \"%s\" refused without a message", names[mode], line);
		ds_destroy(&err);
		return false;
	}
	char *text = print(a, mode);
	ds_clear(&err);
	if (ofp_rule_parse(&b, text, mode, port_by_name, NULL, &err) < 0)
		FUZZ_CHECK(false, "%s \"%s\" printed as \"%s\", which is refused: %s", names[mode],
			line, text, ds_cstr(&err));
	FUZZ_CHECK(same_rule(a, &b), "%s \"%s\" printed as \"%s\" parses differently", names[mode],
		line, text);
	char *again = print(&b, mode);
	FUZZ_CHECK(!strcmp(text, again), "%s \"%s\" printed as \"%s\", then \"%s\"", names[mode],
		line, text, again);
	free(text);
	free(again);
	ds_destroy(&err);
	return true;
}

static bool
same_actions(const struct ofp_xlate_out *a, const struct ofp_xlate_out *b)
{
	return a->acts.n == b->acts.n && a->acts.drop == b->acts.drop &&
	       !memcmp(a->acts.a, b->acts.a, a->acts.n * sizeof(a->acts.a[0]));
}

/* Checks the lookups and the translation of the packet that is rule r's own match. */
static void
check_tables(const struct ofp_tables *scan, const struct ofp_tables *indexed,
	const struct ofp_rule *r)
{
	struct flow_key key = r->match, wc1, wc2;

	memset(&wc1, 0, sizeof(wc1));
	memset(&wc2, 0, sizeof(wc2));
	const struct ofp_rule *s = ofp_tables_lookup(scan, r->table_id, &key, &wc1);
	const struct ofp_rule *x = ofp_tables_lookup(indexed, r->table_id, &key, &wc2);
	FUZZ_CHECK(s == x, "the index finds another rule than the scan");
	FUZZ_CHECK(s != NULL && s->priority >= r->priority, "a rule's match finds no rule as high");

	/* The translation, from table 0, of that packet and of one that differs off the mask. */
	uint32_t in_dp = of_to_dp(NULL, key.in_port);
	if (in_dp == 0)
		return;
	const struct ofp_xlate_in in = {.tables = indexed, .ports = {of_to_dp, dp_to_of, NULL}};
	struct ofp_xlate_out o1, o2;
	key.in_port = in_dp;
	FUZZ_CHECK(ofp_xlate(&in, &key, &o1) == 0, "xlate refused port %u", in_dp);
	FUZZ_CHECK(o1.acts.n <= DP_ACTIONS_MAX, "%u actions", o1.acts.n);
	FUZZ_CHECK(o1.mask.in_port == UINT32_MAX, "a megaflow that ignores in_port");
	struct flow_key other = key;
	uint64_t *w = (uint64_t *)&other;
	const uint64_t *m = (const uint64_t *)&o1.mask;
	for (unsigned i = 0; i < FLOW_WORDS; i++)
		w[i] ^= ~m[i];
	FUZZ_CHECK(ofp_xlate(&in, &other, &o2) == 0, "xlate refused");
	FUZZ_CHECK(same_actions(&o1, &o2),
		"packets that agree on the megaflow's mask are "
		"translated differently (rule in table %u)",
		r->table_id);
	struct ds trace = DS_INIT;
	const struct ofp_xlate_in tin = {.tables = scan,
		.ports = {of_to_dp, dp_to_of, NULL},
		.trace = &trace};
	FUZZ_CHECK(ofp_xlate(&tin, &key, &o2) == 0, "xlate refused");
	FUZZ_CHECK(same_actions(&o1, &o2), "with a trace, another translation");
	ds_destroy(&trace);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *save = NULL;
	unsigned n = 0;

	if (text == NULL)
		return 0;
	struct ofp_tables *t = ofp_tables_create();
	for (char *line = strtok_r(text, "\n", &save); line && n < MAX_LINES;
		line = strtok_r(NULL, "\n", &save)) {
		struct ofp_rule r;
		round_trip(line, OFP_PARSE_MATCH, &r);
		round_trip(line, OFP_PARSE_TRACE, &r);
		if (round_trip(line, OFP_PARSE_ADD, &r))
			ofp_rule_free(ofp_tables_add(t, ofp_rule_clone(&r)));
		n++;
	}
	struct ofp_tables *indexed = ofp_tables_clone(t);
	FUZZ_CHECK(ofp_tables_index(indexed) == 0, "ofp_tables_index() failed");
	for (unsigned i = 0; i < ofp_tables_n_rules(t); i++)
		check_tables(t, indexed, ofp_tables_rule(t, i));
	ofp_tables_free(indexed);
	ofp_tables_destroy(t);
	free(text);
	return 0;
}
