/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the OpenFlow tables: every match field and action survives parse -> print ->
 * parse; malformed rules are refused with a message; and a randomised differential test runs
 * random packets through the datapath's megaflow classifier, filled by ofp_xlate() on misses,
 * against a reference that scans the rules linearly, also across random adds and deletes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_drop.h"
#include "dp_flow.h"
#include "dp_mem.h"
#include "ds.h"
#include "normal.h"
#include "ofp.h"
#include "ofp_priv.h"

static int64_t
names(const void *aux, const char *name)
{
	(void)aux;
	if (!strcmp(name, "p1"))
		return 1;
	if (!strcmp(name, "vnet7"))
		return 7;
	return -1;
}

static struct ofp_rule
parse_ok(const char *s)
{
	struct ofp_rule r;
	struct ds err = DS_INIT;

	if (ofp_rule_parse(&r, s, OFP_PARSE_ADD, names, NULL, &err) != 0)
		fail_msg("\"%s\" refused: %s", s, ds_cstr(&err));
	ds_destroy(&err);
	return r;
}

static char *
print(const struct ofp_rule *r)
{
	struct ds d = DS_INIT;

	if (r->table_id)
		ds_put_format(&d, "table=%u,", r->table_id);
	ofp_match_format(&d, r, true, NULL, NULL);
	ds_put_cstr(&d, d.len ? ",actions=" : "actions=");
	ofp_actions_format(&d, r, NULL, NULL);
	return ds_steal(&d);
}

static void
test_round_trip(void **state)
{
	static const char *const flows[] = {
		"actions=NORMAL",
		"priority=0,actions=NORMAL",
		"priority=100,in_port=1,actions=output:2",
		"in_port=p1,actions=output:vnet7",
		"in_port=LOCAL,actions=LOCAL",
		"dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
		"eth_dst=ff:ff:ff:ff:ff:ff,actions=FLOOD",
		"dl_type=0x88cc,actions=ALL",
		"dl_vlan=100,actions=strip_vlan,output:3",
		"dl_vlan=0xffff,actions=mod_vlan_vid:200,output:3",
		"dl_vlan=5,dl_vlan_pcp=3,actions=mod_vlan_pcp:5,IN_PORT",
		"dl_vlan_pcp=7,actions=push_vlan:0x88a8,output:1",
		"vlan_tci=0x1000/0x1000,actions=pop_vlan,output:2",
		/* No present bit: not "dl_vlan=5", which would match a tag (found by fuzz_ofp). */
		"vlan_tci=0x0005,actions=drop",
		"vlan_tci=0x0000/0x1fff,actions=drop",
		"vlan_tci=0x2000/0xf000,actions=drop",
		"ip,nw_src=10.0.0.0/"
		"8,nw_dst=192.168.1.1,actions=mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8,output:1",
		"ip,nw_src=10.1.0.0/255.255.0.255,actions=output:1",
		"ip,nw_tos=32,nw_ttl=64,actions=mod_nw_tos:16,dec_ttl,output:1",
		"tcp,tp_src=80,tp_dst=0x1000/"
		"0xf000,actions=mod_tp_src:8080,mod_tp_dst:443,output:1",
		"udp,nw_dst=10.0.0.1,tp_dst=53,actions=output:1",
		"sctp,tp_dst=9,actions=drop",
		"icmp,icmp_type=8,icmp_code=0,actions=output:1",
		"ipv6,ipv6_src=2001:db8::/32,ipv6_dst=2001:db8::1,actions=output:1",
		"icmp6,icmp_type=135,actions=NORMAL",
		/* Not an icmp_type: a mask, or more than a byte. */
		"icmp,tp_src=8/0xf,icmp_code=3,actions=drop",
		"icmp,tp_src=300,tp_dst=0x100/0x100,actions=drop",
		"tcp6,tp_dst=22,actions=drop",
		"arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=1,actions=NORMAL",
		"arp,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00,actions=NORMAL",
		"nw_proto=17,ip,actions=output:1",
		"table=1,priority=5,actions=resubmit(,2)",
		"actions=resubmit:3,resubmit(1,1),resubmit(,4),goto_table:9",
		"actions=set_field:02:00:00:00:00:09->eth_src,set_field:7->vlan_vid,output:1",
		"ip,actions=set_field:10.0.0.9->ip_dst,set_field:8->nw_tos,output:1",
		"udp,actions=set_field:99->tp_dst,mod_dl_dst:02:00:00:00:00:08,output:1",
		"priority=65535,cookie=0x10,idle_timeout=10,hard_timeout=20,actions=output:4",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		struct ofp_rule a = parse_ok(flows[i]);
		char *text = print(&a);
		struct ofp_rule b = parse_ok(text);
		char *again = print(&b);
		if (!ofp_rule_same_match(&a, &b) || !ofp_actions_equal(&a, &b))
			fail_msg("\"%s\" printed as \"%s\" parses differently", flows[i], text);
		assert_string_equal(text, again);
		free(text);
		free(again);
	}
	/* What the printer says, for a few. */
	struct ofp_rule r = parse_ok("tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=output:2");
	char *t = print(&r);
	assert_string_equal(t, "tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=output:2");
	free(t);
	r = parse_ok("vlan_tci=5,actions=drop");
	t = print(&r);
	assert_string_equal(t, "vlan_tci=0x0005,actions=drop"); /* An exact match, no mask. */
	free(t);
	r = parse_ok("priority=0,actions=NORMAL");
	t = print(&r);
	assert_string_equal(t, "priority=0,actions=NORMAL");
	free(t);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"in_port=1",          /* no actions */
		"in_port=1,actions=", /* empty action list is fine? no: */
		"bogus=1,actions=drop",
		"dl_src=02:00:00:00:00,actions=drop",
		"dl_src=02:00:00:00:00:0g,actions=drop",
		"nw_src=10.0.0.1,actions=drop", /* prerequisite: ip */
		"ip,nw_src=10.0.0.300,actions=drop",
		"ip,nw_src=10.0.0.0/33,actions=drop",
		"tp_dst=80,actions=drop", /* prerequisite: tcp/udp */
		"ip,tp_dst=80,actions=drop",
		"ipv6_src=::1,actions=drop",
		"dl_vlan=4096,actions=drop",
		"dl_vlan_pcp=8,actions=drop",
		"priority=65536,actions=drop",
		"table=255,actions=drop",
		"in_port=nosuchport,actions=drop",
		"actions=output:nosuchport",
		"actions=bogus",
		"actions=mod_vlan_vid:5000",
		"actions=push_vlan:0x0800",
		"actions=resubmit(1",
		"actions=goto_table:0",
		"actions=goto_table:3,output:1",
		"actions=set_field:1->nosuchfield",
		"actions=set_field:1",
		"actions=CONTROLLER",
		"actions=output:CONTROLLER", /* It would print as the above. */
		"actions=output:NONE",
		"actions=mod_nw_tos:3",
		"dl_type=0x8000/0xf000,actions=drop",
		"arp,arp_sha=zz,actions=drop",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ofp_rule r;
		struct ds err = DS_INIT;
		int ret = ofp_rule_parse(&r, bad[i], OFP_PARSE_ADD, names, NULL, &err);
		if (i == 1) {
			/* "actions=" with nothing after it is a drop rule, as in ovs-ofctl. */
			assert_int_equal(ret, 0);
			assert_int_equal(r.n_acts, 0);
		} else {
			if (ret == 0)
				fail_msg("\"%s\" was accepted", bad[i]);
			assert_true(err.len > 0);
		}
		ds_destroy(&err);
	}
	/* Match-only strings refuse actions; trace strings refuse masks. */
	struct ofp_rule r;
	struct ds err = DS_INIT;
	assert_int_not_equal(ofp_rule_parse(&r, "ip,actions=drop", OFP_PARSE_MATCH, NULL, NULL,
				     &err),
		0);
	ds_clear(&err);
	assert_int_not_equal(ofp_rule_parse(&r, "ip,nw_src=10.0.0.0/8", OFP_PARSE_TRACE, NULL, NULL,
				     &err),
		0);
	ds_destroy(&err);
}

/* ---- The differential test ---- */

#define N_INPORTS 8

static uint32_t
ident(const void *aux, uint32_t p)
{
	(void)aux;
	return p;
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static rte_be32_t
prefix(unsigned len)
{
	return len ? rte_cpu_to_be_32(UINT32_MAX << (32 - len)) : 0;
}

/* A random packet key, in the few values each field takes so that rules overlap. */
static void
random_key(struct flow_key *k)
{
	static const uint16_t types[] = {0x0800, 0x0800, 0x0806, 0x86dd};

	memset(k, 0, sizeof(*k));
	k->in_port = 1 + rnd() % N_INPORTS;
	k->vlan_tci = rnd() % 2 ? rte_cpu_to_be_16((uint16_t)(FLOW_VLAN_PRESENT | rnd() % 4)) : 0;
	k->dl_dst.addr_bytes[5] = (uint8_t)(rnd() % 8);
	k->dl_src.addr_bytes[5] = (uint8_t)(rnd() % 8);
	k->dl_type = rte_cpu_to_be_16(types[rnd() % 4]);
	k->nw_src =
		rte_cpu_to_be_32(0x0a000000u | (uint32_t)(rnd() % 4) << 16 | (uint32_t)(rnd() % 4));
	k->nw_dst = rte_cpu_to_be_32(0xc0a80000u | (uint32_t)(rnd() % 16));
	k->nw_proto = rnd() % 2 ? 6 : 17;
	k->tp_src = rte_cpu_to_be_16((uint16_t)(1024 + rnd() % 4));
	k->tp_dst = rte_cpu_to_be_16((uint16_t)(rnd() % 2 ? 80 : 443 + rnd() % 4));
}

/* A random rule: a few of the fields, some with prefixes; actions output:(1000 + id). */
static struct ofp_rule *
random_rule(unsigned id, uint16_t priority)
{
	struct ofp_rule tmpl;
	struct flow_key k;

	memset(&tmpl, 0, sizeof(tmpl));
	random_key(&k);
	unsigned fields = (unsigned)rnd();
	if (fields & 1)
		tmpl.mask.in_port = UINT32_MAX;
	if (fields & 2)
		tmpl.mask.vlan_tci = rte_cpu_to_be_16(rnd() % 2 ? 0xffff : FLOW_VLAN_PRESENT);
	if (fields & 4)
		memset(&tmpl.mask.dl_dst, 0xff, 6);
	if (fields & 8)
		tmpl.mask.dl_type = UINT16_MAX;
	if (fields & 16)
		tmpl.mask.nw_src = prefix(8 + rnd() % 25);
	if (fields & 32)
		tmpl.mask.nw_dst = prefix(24 + rnd() % 9);
	if (fields & 64)
		tmpl.mask.nw_proto = UINT8_MAX;
	if (fields & 128)
		tmpl.mask.tp_dst = rte_cpu_to_be_16(rnd() % 2 ? 0xffff : 0xfffc);
	if (fields & 256)
		tmpl.mask.tp_src = UINT16_MAX;
	flow_key_and(&tmpl.match, &k, &tmpl.mask);
	tmpl.priority = priority;
	tmpl.n_acts = 1;
	tmpl.acts[0].type = OFPACT_OUTPUT;
	tmpl.acts[0].port = 1000 + id;
	return ofp_rule_clone(&tmpl);
}

/* The reference: the highest-priority rule of table 0 that matches, by a plain scan. */
static const struct ofp_rule *
reference(struct ofp_rule *const *rules, unsigned n, const struct flow_key *k)
{
	const struct ofp_rule *best = NULL;

	for (unsigned i = 0; i < n; i++)
		if (flow_key_match(k, &rules[i]->mask, &rules[i]->match) &&
			(best == NULL || rules[i]->priority > best->priority))
			best = rules[i];
	return best;
}

static uint32_t
decision(const struct dp_actions *a)
{
	return a->n == 1 && a->a[0].type == DPA_OUTPUT ? a->a[0].port : 0;
}

/* Adds a random rule at a priority no live rule has, unless the one drawn is taken. */
static void
add_random_rule(struct ofp_tables *t, struct ofp_rule **live, unsigned *n_live, unsigned *next_id,
	bool *used_prio)
{
	uint16_t p = (uint16_t)(1 + rnd() % 65534);

	if (used_prio[p])
		return;
	used_prio[p] = true;
	live[*n_live] = random_rule((*next_id)++, p);
	ofp_tables_add(t, live[(*n_live)++]);
}

/*
 * Random rules and packets through ofp_xlate() and the datapath's classifier against the
 * reference; indexed: the tables' tuple index (what the daemon uses), else the rule scan.
 */
static void
run_differential(bool indexed)
{
	enum { N_RULES = 3000, ROUNDS = 40, PACKETS = 2000 };
	struct ofp_rule **live = calloc(N_RULES * 2, sizeof(*live));
	unsigned n_live = 0, next_id = 0;
	bool used_prio[65536] = {false};
	struct ofp_tables *t = ofp_tables_create();
	struct dp_flow_table *ft = dp_flow_table_create(1u << 20, DP_MEM_HEAP);
	unsigned hits = 0, misses = 0, megaflows_max = 0;

	/* Distinct priorities: OpenFlow leaves overlapping equal-priority rules undefined. */
	while (n_live < N_RULES)
		add_random_rule(t, live, &n_live, &next_id, used_prio);
	for (unsigned round = 0; round < ROUNDS; round++) {
		const struct ofp_xlate_in xin = {.tables = t, .ports = {ident, ident, NULL}};

		if (indexed)
			assert_int_equal(ofp_tables_index(t), 0);
		assert_true((t->index != NULL) == indexed);
		uint64_t seed = rng_state;
		/* Each packet twice: the second pass must hit the megaflows the first installed. */
		for (unsigned i = 0; i < 2 * PACKETS; i++) {
			struct flow_key k;
			if (i == PACKETS)
				rng_state = seed;
			random_key(&k);
			const struct flow_key *kp = &k;
			struct dp_flow *f = NULL;
			uint32_t got;

			dp_flow_table_lookup(ft, &kp, &f, 1);
			if (f != NULL) {
				hits++;
				got = decision(dp_flow_actions(f));
			} else {
				struct ofp_xlate_out xo;
				if (i >= PACKETS)
					fail_msg("round %u: a replayed packet missed the megaflows",
						round);
				misses++;
				assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
				got = decision(&xo.acts);
				assert_non_null(dp_flow_table_insert(ft, &k, &xo.mask, &xo.acts,
					NULL, NULL));
			}
			const struct ofp_rule *want = reference(live, n_live, &k);
			uint32_t expect = want ? 1000 + (want->acts[0].port - 1000) : 0;
			if (got != expect)
				fail_msg(
					"round %u packet %u: datapath says output %u, reference %u",
					round, i, got, expect);
		}
		if (dp_flow_table_count(ft) > megaflows_max)
			megaflows_max = dp_flow_table_count(ft);
		/* Random deletes and adds; the daemon drops every megaflow on a change. */
		struct ofp_tables *nt = ofp_tables_clone(t);
		for (unsigned d = 0; d < 100 && n_live > 0; d++) {
			unsigned victim = (unsigned)(rnd() % n_live);
			struct ofp_rule *r = live[victim];
			for (unsigned i = 0; i < nt->n_rules; i++)
				if (nt->rules[i] == r) {
					ofp_tables_remove(nt, i);
					break;
				}
			used_prio[r->priority] = false;
			live[victim] = live[--n_live];
			ofp_rule_free(r);
		}
		for (unsigned a = 0; a < 100; a++)
			add_random_rule(nt, live, &n_live, &next_id, used_prio);
		ofp_tables_free(t);
		t = nt;
		dp_flow_table_flush(ft);
	}
	print_message("differential (%s): %u rules, %u packets, %u megaflow hits, %u upcalls, "
		      "at most %u megaflows\n",
		indexed ? "tuple index" : "rule scan", n_live, 2 * ROUNDS * PACKETS, hits, misses,
		megaflows_max);
	/* Beyond the replays, megaflows made for one packet served others. */
	assert_true(hits > ROUNDS * PACKETS);
	for (unsigned i = 0; i < n_live; i++)
		ofp_rule_free(live[i]);
	ofp_tables_free(t);
	dp_flow_table_destroy(ft);
	free(live);
}

static void
test_differential(void **state)
{
	(void)state;
	run_differential(true);
}

static void
test_differential_scan(void **state)
{
	(void)state;
	run_differential(false);
}

/* Rules on dl_dst only: the megaflow matches no IP or L4 field, so 100k 5-tuples share it. */
static void
test_wildcarding(void **state)
{
	struct ofp_tables *t = ofp_tables_create();
	struct ofp_rule r1 = parse_ok("priority=10,dl_dst=02:00:00:00:00:02,actions=output:2");
	struct ofp_rule r2 = parse_ok("priority=5,dl_dst=02:00:00:00:00:03,actions=output:3");
	struct ofp_rule *a = ofp_rule_clone(&r1), *b = ofp_rule_clone(&r2);
	struct dp_flow_table *ft = dp_flow_table_create(1u << 20, DP_MEM_HEAP);
	const struct ofp_xlate_in xin = {.tables = t, .ports = {ident, ident, NULL}};

	(void)state;
	ofp_tables_add(t, a);
	ofp_tables_add(t, b);
	assert_int_equal(ofp_tables_index(t), 0); /* As the daemon publishes them. */
	for (unsigned i = 0; i < 100000; i++) {
		struct flow_key k;
		memset(&k, 0, sizeof(k));
		k.in_port = 1;
		k.dl_dst.addr_bytes[0] = 2;
		k.dl_dst.addr_bytes[5] = 2;
		k.dl_type = rte_cpu_to_be_16(0x0800);
		k.nw_src = rte_cpu_to_be_32(0x0a000000u + i / 64);
		k.nw_dst = rte_cpu_to_be_32(0xc0a80001u);
		k.nw_proto = 17;
		k.tp_src = rte_cpu_to_be_16((uint16_t)(1024 + i % 64));
		k.tp_dst = rte_cpu_to_be_16(5001);
		const struct flow_key *kp = &k;
		struct dp_flow *f = NULL;
		dp_flow_table_lookup(ft, &kp, &f, 1);
		if (f == NULL) {
			struct ofp_xlate_out xo;
			assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
			assert_int_equal(decision(&xo.acts), 2);
			assert_int_equal(xo.mask.nw_src, 0);
			assert_int_equal(xo.mask.nw_dst, 0);
			assert_int_equal(xo.mask.tp_src, 0);
			assert_int_equal(xo.mask.tp_dst, 0);
			assert_int_equal(xo.mask.dl_type, 0);
			assert_non_null(
				dp_flow_table_insert(ft, &k, &xo.mask, &xo.acts, NULL, NULL));
		} else {
			assert_int_equal(decision(dp_flow_actions(f)), 2);
		}
	}
	assert_int_equal(dp_flow_table_count(ft), 1);
	ofp_rule_free(a);
	ofp_rule_free(b);
	ofp_tables_free(t);
	dp_flow_table_destroy(ft);
}

/* Header rewrites and resubmits produce the datapath actions OVS would. */
static void
test_xlate_actions(void **state)
{
	struct ofp_tables *t = ofp_tables_create();
	const char *flows[] = {
		"priority=10,in_port=1,actions=mod_vlan_vid:10,resubmit(,1)",
		"table=1,priority=10,dl_vlan=10,actions=mod_dl_dst:02:00:00:00:00:99,output:2",
		"priority=10,in_port=3,ip,actions=dec_ttl,mod_nw_dst:10.9.9.9,output:4",
	};
	struct ofp_rule *rules[3];
	const struct ofp_xlate_in xin = {.tables = t, .ports = {ident, ident, NULL}};
	struct ofp_xlate_out xo;
	struct flow_key k;
	struct ds d = DS_INIT;

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct ofp_rule r = parse_ok(flows[i]);
		rules[i] = ofp_rule_clone(&r);
		ofp_tables_add(t, rules[i]);
	}
	memset(&k, 0, sizeof(k));
	k.in_port = 1;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	dp_actions_format(&d, &xo.acts);
	assert_string_equal(ds_cstr(&d),
		"push_vlan(vid=10,pcp=0),set(eth(dst=02:00:00:00:00:99)),2");
	assert_int_equal(xo.n_credits, 2);
	ds_clear(&d);
	k.in_port = 3;
	k.dl_type = rte_cpu_to_be_16(0x0800);
	k.nw_ttl = 5;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	dp_actions_format(&d, &xo.acts);
	assert_string_equal(ds_cstr(&d), "dec_ttl,set(ipv4(dst=10.9.9.9)),4");
	assert_int_equal(xo.mask.nw_ttl, 0xff);
	ds_clear(&d);
	k.nw_ttl = 1;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	/* Dropped (the rewrites before it are no use without an output), under its reason. */
	assert_int_equal(xo.acts.n, 0);
	assert_int_equal(xo.acts.drop, DP_DROP_TTL_EXCEEDED);
	ds_destroy(&d);
	for (int i = 0; i < 3; i++)
		ofp_rule_free(rules[i]);
	ofp_tables_free(t);
}

/*
 * Spanning tree, as OVS's check_stp: output:N and FLOOD skip a port that is not forwarding,
 * ALL does not ask, and what a non-forwarding port receives goes nowhere.
 */
static void
test_xlate_stp(void **state)
{
	struct ofp_tables *t = ofp_tables_create();
	const char *flows[] = {
		"priority=10,in_port=1,actions=output:2,output:3",
		"priority=10,in_port=2,actions=output:1",
		"priority=10,in_port=3,actions=output:1",
		"priority=10,in_port=4,actions=output:2",
		"priority=10,in_port=5,actions=FLOOD",
		"priority=10,in_port=6,actions=ALL",
	};
	enum { N = sizeof(flows) / sizeof(flows[0]) };
	struct ofp_rule *rules[N];
	struct l2_port ports[6];
	struct l2_bridge l2 = {.n_ports = 6, .ports = ports};
	const struct ofp_xlate_in xin = {.tables = t, .l2 = &l2, .ports = {ident, ident, NULL}};
	struct ofp_xlate_out xo;
	struct flow_key k;
	struct ds d = DS_INIT;

	(void)state;
	memset(ports, 0, sizeof(ports));
	for (unsigned i = 0; i < 6; i++)
		ports[i].dp_port = i + 1;
	ports[1].stp_state = L2_STP_BLOCK; /* 2 */
	ports[2].stp_state = L2_STP_LEARN; /* 3 */
	for (unsigned i = 0; i < N; i++) {
		struct ofp_rule r = parse_ok(flows[i]);
		rules[i] = ofp_rule_clone(&r);
		ofp_tables_add(t, rules[i]);
	}
	memset(&k, 0, sizeof(k));
	k.in_port = 1;
	k.dl_dst.addr_bytes[5] = 9;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	assert_int_equal(xo.acts.n, 0); /* Both outputs go to ports that do not forward. */
	assert_int_equal(xo.acts.drop, DP_DROP_STP_BLOCKED);
	k.in_port = 2; /* Received on a blocked port, ... */
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	assert_int_equal(xo.acts.n, 0);
	assert_int_equal(xo.acts.drop, DP_DROP_STP_BLOCKED);
	assert_int_equal(xo.n_credits, 1); /* ... it went through the tables all the same. */
	/* ... or on a learning one. */
	k.in_port = 3;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	assert_int_equal(xo.acts.n, 0);
	assert_int_equal(xo.acts.drop, DP_DROP_STP_BLOCKED);
	k.in_port = 5;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	dp_actions_format(&d, &xo.acts);
	assert_string_equal(ds_cstr(&d), "1,4,6");
	ds_clear(&d);
	k.in_port = 6;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	dp_actions_format(&d, &xo.acts);
	assert_string_equal(ds_cstr(&d), "1,2,3,4,5");
	ds_clear(&d);
	/* Without STP every port forwards. */
	ports[1].stp_state = ports[2].stp_state = L2_STP_FORWARD;
	k.in_port = 1;
	assert_int_equal(ofp_xlate(&xin, &k, &xo), 0);
	dp_actions_format(&d, &xo.acts);
	assert_string_equal(ds_cstr(&d), "2,3");
	/* The trace says why an output went nowhere. */
	ports[1].stp_state = L2_STP_BLOCK;
	ds_clear(&d);
	const struct ofp_xlate_in txin = {.tables = t,
		.l2 = &l2,
		.ports = {ident, ident, NULL},
		.trace = &d};
	k.in_port = 4;
	assert_int_equal(ofp_xlate(&txin, &k, &xo), 0);
	assert_non_null(
		strstr(ds_cstr(&d), "STP not in forwarding state, skipping output to port 2"));
	ds_destroy(&d);
	for (unsigned i = 0; i < N; i++)
		ofp_rule_free(rules[i]);
	ofp_tables_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_xlate_actions),
		cmocka_unit_test(test_xlate_stp),
		cmocka_unit_test(test_wildcarding),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_differential_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
