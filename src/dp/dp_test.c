/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the datapath core: flow_extract() on well-formed, truncated and hostile frames
 * (each frame in a heap buffer of its exact size, so AddressSanitizer catches any over-read),
 * the EMC, the megaflow classifier against a linear reference on random rule sets, and the
 * header rewrites (VLAN push and pop, IPv4 fields with their checksums) and the execution of
 * actions into fake ports' transmit functions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_mbuf.h>

#include "dp_actions.h"
#include "dp_exec.h"
#include "dp_flow.h"
#include "dp_mem.h"
#include "dp_rewrite.h"
#include "dp_sched.h"
#include "emc.h"
#include "flow.h"

/* A fake single-segment mbuf over a copy of the bytes, exactly len long. */
struct fake {
	struct rte_mbuf m; /* What flow_extract() reads. */
	uint8_t *buf;      /* The frame. */
};

static void
fake_init(struct fake *f, const uint8_t *bytes, uint16_t len)
{
	memset(&f->m, 0, sizeof(f->m));
	f->buf = malloc(len ? len : 1);
	memcpy(f->buf, bytes, len);
	f->m.buf_addr = f->buf;
	f->m.data_off = 0;
	f->m.data_len = len;
	f->m.pkt_len = len;
	f->m.nb_segs = 1;
}

static void
fake_free(struct fake *f)
{
	free(f->buf);
}

static enum flow_extract_result
extract(const uint8_t *bytes, uint16_t len, struct flow_key *k)
{
	struct fake f;

	fake_init(&f, bytes, len);
	enum flow_extract_result r = flow_extract(&f.m, 3, k);
	fake_free(&f);
	return r;
}

static size_t
eth(uint8_t *p, uint16_t type)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x02}, src[6] = {0x02, 0, 0, 0, 0, 0x01};

	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = (uint8_t)(type >> 8);
	p[13] = (uint8_t)type;
	return 14;
}

static size_t
udp4(uint8_t *p)
{
	size_t n = eth(p, 0x0800);
	const uint8_t ip[20] = {0x45, 0x10, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0,
		2};
	memcpy(p + n, ip, 20);
	n += 20;
	const uint8_t udp[8] = {0x04, 0xd2, 0x00, 0x35, 0, 8, 0, 0};
	memcpy(p + n, udp, 8);
	return n + 8;
}

static void
test_ipv4_udp(void **state)
{
	uint8_t p[128];
	struct flow_key k;
	size_t n = udp4(p);

	assert_int_equal(extract(p, (uint16_t)n, &k), FLOW_OK);
	assert_int_equal(k.in_port, 3);
	assert_int_equal(rte_be_to_cpu_16(k.dl_type), 0x0800);
	assert_int_equal(k.nw_proto, 17);
	assert_int_equal(k.nw_tos, 0x10);
	assert_int_equal(k.nw_ttl, 64);
	assert_int_equal(rte_be_to_cpu_32(k.nw_src), 0x0a000001);
	assert_int_equal(rte_be_to_cpu_16(k.tp_src), 1234);
	assert_int_equal(rte_be_to_cpu_16(k.tp_dst), 53);
	assert_int_equal(k.vlan_tci, 0);
}

static void
test_vlan_stacks(void **state)
{
	uint8_t p[256];
	struct flow_key k;
	size_t n = 12;

	eth(p, 0);
	/* One tag: VID 100, PCP 5, then ARP's type. */
	const uint8_t t1[6] = {0x81, 0x00, 0xa0, 0x64, 0x08, 0x06};
	memcpy(p + 12, t1, 6);
	n = 18;
	assert_int_equal(extract(p, (uint16_t)n, &k), FLOW_OK);
	assert_true(flow_vlan_present(k.vlan_tci));
	assert_int_equal(flow_vlan_vid(k.vlan_tci), 100);
	assert_int_equal(flow_vlan_tci(k.vlan_tci) >> FLOW_VLAN_PCP_SHIFT, 5);
	assert_int_equal(rte_be_to_cpu_16(k.dl_type), 0x0806);

	/* QinQ: 0x88a8 VID 10 then 0x8100 VID 20. */
	const uint8_t qq[10] = {0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00};
	memcpy(p + 12, qq, 10);
	assert_int_equal(extract(p, 22, &k), FLOW_OK);
	assert_int_equal(rte_be_to_cpu_16(k.vlan_tpid), 0x88a8);
	assert_int_equal(flow_vlan_vid(k.vlan_tci), 10);
	assert_int_equal(flow_vlan_vid(k.cvlan_tci), 20);

	/* Ten tags: the first two are parsed, the third TPID is the type. */
	for (int i = 0; i < 10; i++) {
		p[12 + 4 * i] = 0x81;
		p[13 + 4 * i] = 0x00;
		p[14 + 4 * i] = 0;
		p[15 + 4 * i] = (uint8_t)(100 + i);
	}
	p[52] = 0x08;
	p[53] = 0x00;
	assert_int_equal(extract(p, 54, &k), FLOW_OK);
	assert_int_equal(flow_vlan_vid(k.vlan_tci), 100);
	assert_int_equal(flow_vlan_vid(k.cvlan_tci), 101);
	assert_int_equal(rte_be_to_cpu_16(k.dl_type), 0x8100);

	/* A tag cut off by the end of the frame. */
	assert_int_equal(extract(p, 15, &k), FLOW_VLAN_TRUNCATED);
	assert_int_equal(extract(p, 17, &k), FLOW_VLAN_TRUNCATED);
}

static void
test_runts_and_truncation(void **state)
{
	uint8_t p[128];
	struct flow_key k, full;
	size_t n = udp4(p);

	for (uint16_t len = 0; len < 14; len++)
		assert_int_equal(extract(p, len, &k), FLOW_RUNT);
	extract(p, (uint16_t)n, &full);
	/* Every shorter length parses without reading past the end, and never invents fields. */
	for (uint16_t len = 14; len < n; len++) {
		assert_int_equal(extract(p, len, &k), FLOW_OK);
		assert_int_equal(k.dl_type, full.dl_type);
		if (len < 14 + 20)
			assert_int_equal(k.nw_proto, 0);
		if (len < 14 + 20 + 4)
			assert_int_equal(k.tp_src, 0);
	}
	/* An IHL that points past the end, and one below 5. */
	p[14] = 0x4f;
	assert_int_equal(extract(p, (uint16_t)n, &k), FLOW_OK);
	assert_int_equal(k.nw_proto, 0);
	p[14] = 0x43;
	assert_int_equal(extract(p, (uint16_t)n, &k), FLOW_OK);
	assert_int_equal(k.nw_proto, 0);
}

static void
test_ipv6_ext_headers(void **state)
{
	uint8_t p[256];
	memset(p, 0, sizeof(p));
	size_t n = eth(p, 0x86dd);
	uint8_t *ip = p + n;

	ip[0] = 0x60;
	ip[6] = 0; /* Hop-by-hop. */
	ip[7] = 255;
	ip[8] = 0xfe;
	ip[39] = 1;
	uint8_t *h = ip + 40;
	h[0] = 60; /* Next: destination options. */
	h[1] = 0;  /* 8 bytes. */
	h += 8;
	h[0] = 44; /* Next: fragment. */
	h[1] = 1;  /* 16 bytes. */
	h += 16;
	h[0] = 6; /* Next: TCP; first fragment (offset 0, M=1). */
	h[3] = 1;
	h += 8;
	h[0] = 0x1f;
	h[1] = 0x90; /* Port 8080. */
	h[2] = 0;
	h[3] = 80;
	size_t len = (size_t)(h - p) + 20;
	struct flow_key k;
	assert_int_equal(extract(p, (uint16_t)len, &k), FLOW_OK);
	assert_int_equal(k.nw_proto, 6);
	assert_int_equal(k.nw_ttl, 255);
	assert_int_equal(k.nw_frag, FLOW_FRAG_ANY);
	assert_int_equal(rte_be_to_cpu_16(k.tp_src), 8080);
	assert_int_equal(rte_be_to_cpu_16(k.tp_dst), 80);
	assert_int_equal(k.ipv6_src[0], 0xfe);
	/* Cut inside the extension headers: the protocol stays unknown, nothing over-read. */
	for (size_t cut = 14 + 40; cut < len; cut++)
		assert_int_equal(extract(p, (uint16_t)cut, &k), FLOW_OK);
	assert_int_equal(extract(p, 14 + 44, &k), FLOW_OK);
	assert_int_equal(k.nw_proto, 0);
}

static void
test_arp_icmp_jumbo(void **state)
{
	uint8_t p[9018];
	struct flow_key k;
	memset(p, 0, sizeof(p));
	size_t n = eth(p, 0x0806);
	const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 10, 0, 0, 9};
	memcpy(p + n, arp, 28);
	assert_int_equal(extract(p, (uint16_t)(n + 28), &k), FLOW_OK);
	assert_int_equal(k.nw_proto, 1);
	assert_int_equal(rte_be_to_cpu_32(k.nw_dst), 0x0a000009);
	assert_int_equal(k.arp_sha.addr_bytes[5], 1);

	n = udp4(p);
	p[14 + 9] = 1; /* ICMP echo request. */
	p[34] = 8;
	p[35] = 0;
	assert_int_equal(extract(p, (uint16_t)n, &k), FLOW_OK);
	assert_int_equal(rte_be_to_cpu_16(k.tp_src), 8);

	/* A 9000-byte jumbo frame. */
	udp4(p);
	p[16] = 0x23;
	p[17] = 0x1c; /* Total length 8988. */
	assert_int_equal(extract(p, 9014, &k), FLOW_OK);
	assert_int_equal(k.nw_proto, 17);
}

static void
test_random_bytes(void **state)
{
	uint8_t p[256];
	struct flow_key k;

	srand(42);
	for (int i = 0; i < 20000; i++) {
		uint16_t len = (uint16_t)(rand() % 200);
		for (int j = 0; j < len; j++)
			p[j] = (uint8_t)rand();
		if (i % 3 == 0 && len > 14) { /* Force interesting types. */
			static const uint16_t types[] = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8};
			uint16_t t = types[rand() % 5];
			p[12] = (uint8_t)(t >> 8);
			p[13] = (uint8_t)t;
		}
		enum flow_extract_result r = extract(p, len, &k);
		assert_true(r == FLOW_OK || r == FLOW_RUNT || r == FLOW_VLAN_TRUNCATED);

		/* The L2-only parse agrees on words 0-2 and leaves the rest zero. */
		struct fake f;
		struct flow_key k2;
		memset(&k2, 0xa5, sizeof(k2));
		fake_init(&f, p, len);
		assert_int_equal(flow_extract_l2(&f.m, 3, &k2), r);
		fake_free(&f);
		const uint64_t *w = (const uint64_t *)&k, *w2 = (const uint64_t *)&k2;
		for (int j = 0; j < FLOW_WORDS; j++)
			assert_true(w2[j] == (j < FLOW_L3_WORD ? w[j] : 0));
	}
}

/* ---- EMC ---- */

static void
test_emc(void **state)
{
	struct dp_flow_table *tbl = dp_flow_table_create(1000, DP_MEM_HEAP);
	struct emc *emc = emc_create(0);
	struct dp_actions acts;
	struct flow_key k, mask;
	volatile uint32_t gen = 1;

	memset(&k, 0, sizeof(k));
	memset(&mask, 0, sizeof(mask));
	mask.in_port = UINT32_MAX;
	k.in_port = 1;
	k.nw_src = 5;
	dp_actions_init(&acts);
	dp_actions_output(&acts, 2);
	struct dp_flow *f = dp_flow_table_insert(tbl, &k, &mask, &acts, &gen, NULL);
	uint32_t h = flow_hash(&k);

	assert_null(emc_lookup(emc, &k, h));
	emc_insert(emc, &k, h, f);
	assert_ptr_equal(emc_lookup(emc, &k, h), f);
	/* A different packet with a colliding hash must still match the flow's mask. */
	struct flow_key other = k;
	other.in_port = 9;
	assert_null(emc_lookup(emc, &other, h));
	/* Stale flows and reused slots miss. */
	gen = 2;
	assert_null(emc_lookup(emc, &k, h));
	gen = 1;
	assert_ptr_equal(emc_lookup(emc, &k, h), f);
	dp_flow_table_remove(tbl, f);
	assert_null(emc_lookup(emc, &k, h));
	struct dp_flow *g = dp_flow_table_insert(tbl, &other, &mask, &acts, NULL, NULL);
	assert_ptr_equal(g, f);              /* Slot reused... */
	assert_null(emc_lookup(emc, &k, h)); /* ...and the old entry sees it. */
	/* Insertion probability: 0 never inserts. */
	emc_clear(emc);
	for (int i = 0; i < 100; i++)
		emc_maybe_insert(emc, &other, flow_hash(&other), g, 0);
	assert_null(emc_lookup(emc, &other, flow_hash(&other)));
	emc_maybe_insert(emc, &other, flow_hash(&other), g, 1);
	assert_ptr_equal(emc_lookup(emc, &other, flow_hash(&other)), g);
	emc_destroy(emc);
	dp_flow_table_destroy(tbl);
}

static bool
in_port_is(const struct dp_flow *f, void *aux)
{
	return f->key.in_port == *(const uint32_t *)aux;
}

/* dp_flow_table_remove_if(): what a spanning tree state change drops, and only that. */
static void
test_remove_if(void **state)
{
	struct dp_flow_table *tbl = dp_flow_table_create(1000, DP_MEM_HEAP);
	struct emc *emc = emc_create(0);
	struct dp_flow *flows[6];
	struct dp_actions acts;
	struct flow_key k, mask;
	uint32_t port = 2;

	(void)state;
	memset(&k, 0, sizeof(k));
	memset(&mask, 0, sizeof(mask));
	mask.in_port = UINT32_MAX;
	mask.nw_src = UINT32_MAX;
	dp_actions_init(&acts);
	dp_actions_output(&acts, 3);
	for (unsigned i = 0; i < 6; i++) {
		k.in_port = 1 + i % 2;
		k.nw_src = i;
		flows[i] = dp_flow_table_insert(tbl, &k, &mask, &acts, NULL, NULL);
		emc_insert(emc, &k, flow_hash(&k), flows[i]);
	}
	dp_flow_table_remove_if(tbl, in_port_is, &port);
	assert_int_equal(dp_flow_table_count(tbl), 3);
	for (unsigned i = 0; i < 6; i++) {
		k.in_port = 1 + i % 2;
		k.nw_src = i;
		const struct flow_key *kp = &k;
		struct dp_flow *out;
		dp_flow_table_lookup(tbl, &kp, &out, 1);
		/* Port 1's flows stay, in the classifier and the EMC; port 2's are gone from both.
		 */
		if (k.in_port == 1) {
			assert_ptr_equal(out, flows[i]);
			assert_ptr_equal(emc_lookup(emc, &k, flow_hash(&k)), flows[i]);
		} else {
			assert_null(out);
			assert_null(emc_lookup(emc, &k, flow_hash(&k)));
		}
	}
	emc_destroy(emc);
	dp_flow_table_destroy(tbl);
}

/* ---- Classifier: randomised differential test against a linear scan ---- */

#define N_MASKS 8
#define N_RULES 3000

struct ref_rule {
	struct flow_key key;  /* Masked key. */
	struct flow_key mask; /* Mask. */
	struct dp_flow *flow; /* The classifier's flow, NULL once removed. */
};

static void
random_key(struct flow_key *k)
{
	memset(k, 0, sizeof(*k));
	/* Small value ranges so that random packets do match rules. */
	k->in_port = (uint32_t)(rand() % 4);
	k->vlan_tci = rte_cpu_to_be_16((uint16_t)(FLOW_VLAN_PRESENT | (rand() % 3)));
	k->dl_type = rte_cpu_to_be_16(rand() % 2 ? 0x0800 : 0x86dd);
	k->dl_dst.addr_bytes[5] = (uint8_t)(rand() % 8);
	k->dl_src.addr_bytes[5] = (uint8_t)(rand() % 8);
	k->nw_src = rte_cpu_to_be_32(0x0a000000u | (uint32_t)(rand() % 16));
	k->nw_dst = rte_cpu_to_be_32(0x0a000000u | (uint32_t)(rand() % 16) << 8);
	k->nw_proto = (uint8_t)(rand() % 2 ? 6 : 17);
	k->tp_dst = rte_cpu_to_be_16((uint16_t)(rand() % 4));
}

static void
test_classifier_differential(void **state)
{
	struct flow_key masks[N_MASKS];
	struct ref_rule *rules = calloc(N_RULES, sizeof(*rules));
	struct dp_flow_table *tbl = dp_flow_table_create(N_RULES, DP_MEM_HEAP);
	struct dp_actions acts;
	unsigned n_rules = 0;

	srand(7);
	dp_actions_init(&acts);
	/* Realistic masks: L2 only (NORMAL), in_port only, 5-tuple-ish, prefixes. */
	for (int m = 0; m < N_MASKS; m++) {
		struct flow_key *k = &masks[m];
		memset(k, 0, sizeof(*k));
		k->in_port = UINT32_MAX;
		if (m & 1) {
			k->vlan_tci = UINT16_MAX;
			memset(&k->dl_dst, 0xff, 6);
			memset(&k->dl_src, 0xff, 6);
		}
		if (m & 2) {
			k->dl_type = UINT16_MAX;
			k->nw_src = rte_cpu_to_be_32(0xfffffff0u | (uint32_t)(m & 4 ? 0xf : 0));
			k->nw_proto = 0xff;
		}
		if (m & 4) {
			k->nw_dst = rte_cpu_to_be_32(0xffffff00u);
			k->tp_dst = UINT16_MAX;
		}
	}
	for (int round = 0; round < 20000; round++) {
		int op = rand() % 10;
		if (op < 3 && n_rules < N_RULES) {
			/* Insert a rule that overlaps no existing one (megaflows never overlap). */
			struct ref_rule r;
			random_key(&r.key);
			r.mask = masks[rand() % N_MASKS];
			flow_key_and(&r.key, &r.key, &r.mask);
			bool overlap = false;
			for (unsigned i = 0; i < n_rules && !overlap; i++) {
				if (rules[i].flow == NULL)
					continue;
				struct flow_key both, a, b;
				flow_key_and(&both, &r.mask, &rules[i].mask);
				flow_key_and(&a, &r.key, &both);
				flow_key_and(&b, &rules[i].key, &both);
				overlap = flow_key_equal(&a, &b);
			}
			if (overlap)
				continue;
			acts.n = 0;
			dp_actions_output(&acts, n_rules);
			r.flow = dp_flow_table_insert(tbl, &r.key, &r.mask, &acts, NULL, NULL);
			assert_non_null(r.flow);
			rules[n_rules++] = r;
		} else if (op < 4 && n_rules) {
			unsigned i = (unsigned)rand() % n_rules;
			if (rules[i].flow) {
				dp_flow_table_remove(tbl, rules[i].flow);
				rules[i].flow = NULL;
			}
		} else {
			/* A burst of random packets: same answer as the reference. */
			struct flow_key keys[32];
			const struct flow_key *kp[32];
			struct dp_flow *out[32];
			for (int j = 0; j < 32; j++) {
				random_key(&keys[j]);
				kp[j] = &keys[j];
			}
			dp_flow_table_lookup(tbl, kp, out, 32);
			for (int j = 0; j < 32; j++) {
				struct dp_flow *want = NULL;
				for (unsigned i = 0; i < n_rules; i++)
					if (rules[i].flow && flow_key_match(&keys[j],
								     &rules[i].mask, &rules[i].key))
						want = rules[i].flow;
				assert_ptr_equal(out[j], want);
			}
		}
		if (round % 1000 == 0)
			dp_flow_table_sweep(tbl, 1, UINT64_MAX, false);
	}
	unsigned live = 0;
	for (unsigned i = 0; i < n_rules; i++)
		live += rules[i].flow != NULL;
	assert_int_equal(dp_flow_table_count(tbl), live);
	assert_true(live > 100);
	dp_flow_table_flush(tbl);
	assert_int_equal(dp_flow_table_count(tbl), 0);
	assert_int_equal(dp_flow_table_n_subtables(tbl), 0);
	free(rules);
	dp_flow_table_destroy(tbl);
}

static void
test_flow_table_limit_and_staleness(void **state)
{
	struct dp_flow_table *tbl = dp_flow_table_create(10, DP_MEM_HEAP);
	struct dp_actions acts;
	struct flow_key k, mask;
	volatile uint32_t gen = 0, learn = 0;

	dp_actions_init(&acts);
	memset(&mask, 0, sizeof(mask));
	mask.in_port = UINT32_MAX;
	for (uint32_t i = 0; i < 10; i++) {
		memset(&k, 0, sizeof(k));
		k.in_port = i;
		assert_non_null(
			dp_flow_table_insert(tbl, &k, &mask, &acts, &gen, i % 2 ? &learn : NULL));
	}
	k.in_port = 99;
	assert_null(dp_flow_table_insert(tbl, &k, &mask, &acts, NULL, NULL));
	/* Replacing an existing megaflow does not need room. */
	k.in_port = 3;
	assert_non_null(dp_flow_table_insert(tbl, &k, &mask, &acts, &gen, NULL));
	assert_int_equal(dp_flow_table_count(tbl), 10);
	/* Flood flows go stale on a new MAC, all flows on a MAC table change. */
	learn++;
	dp_flow_table_sweep(tbl, 1, UINT64_MAX, false);
	assert_int_equal(dp_flow_table_count(tbl), 6);
	gen++;
	dp_flow_table_sweep(tbl, 1, UINT64_MAX, false);
	assert_int_equal(dp_flow_table_count(tbl), 0);
	/* Actions longer than the inline room. */
	for (int i = 0; i < 40; i++)
		dp_actions_output(&acts, (uint32_t)i);
	struct dp_flow *f = dp_flow_table_insert(tbl, &k, &mask, &acts, NULL, NULL);
	assert_int_equal(dp_flow_actions(f)->n, 40);
	assert_int_equal(dp_flow_actions(f)->a[39].port, 39);
	dp_flow_table_destroy(tbl);
}

/* flow-limit changes at run time; a whole sweep removes idle flows, a slice only some. */
static void
test_flow_table_set_limit_and_idle(void **state)
{
	struct dp_flow_table *tbl = dp_flow_table_create(200000, DP_MEM_HEAP);
	struct dp_actions acts;
	struct flow_key k, mask;

	dp_actions_init(&acts);
	memset(&mask, 0, sizeof(mask));
	mask.in_port = UINT32_MAX;
	dp_flow_table_set_limit(tbl, 3);
	for (uint32_t i = 0; i < 3; i++) {
		memset(&k, 0, sizeof(k));
		k.in_port = i;
		struct dp_flow *f = dp_flow_table_insert(tbl, &k, &mask, &acts, NULL, NULL);
		assert_non_null(f);
		f->stats.used_tsc = 100 + i; /* Used at 100, 101, 102. */
	}
	assert_true(dp_flow_table_full(tbl));
	k.in_port = 7;
	assert_null(dp_flow_table_insert(tbl, &k, &mask, &acts, NULL, NULL));
	dp_flow_table_set_limit(tbl, 0);
	assert_true(dp_flow_table_full(tbl));
	dp_flow_table_set_limit(tbl, 5);
	assert_false(dp_flow_table_full(tbl));
	struct dp_flow *f = dp_flow_table_insert(tbl, &k, &mask, &acts, NULL, NULL);
	assert_non_null(f);
	f->stats.used_tsc = 200;
	/* At 205, idle for more than 101: the flows used at 100 and 101 go. */
	dp_flow_table_sweep(tbl, 205, 103, true);
	assert_int_equal(dp_flow_table_count(tbl), 2);
	/* Far past their use, all go; a limit above the capacity is clamped, not refused. */
	dp_flow_table_set_limit(tbl, UINT32_MAX);
	dp_flow_table_sweep(tbl, 100000, 1000, true);
	assert_int_equal(dp_flow_table_count(tbl), 0);
	dp_flow_table_destroy(tbl);
}

/* ---- Sharing the PMD between queues (dp_sched.h) ---- */

static void
test_next_burst(void **state)
{
	uint16_t want = DP_BURST;

	/* Alone, a queue of new flows keeps whole bursts. */
	assert_int_equal(dp_next_burst(want, 32, 32, false), DP_BURST);
	/* Beside a busy queue it halves down to one frame... */
	for (int i = 0; i < 8; i++)
		want = dp_next_burst(want, want, want, true);
	assert_int_equal(want, DP_BURST_MIN);
	/* ...holds while half its frames or fewer are new... */
	assert_int_equal(dp_next_burst(8, 8, 4, true), 8);
	/* ...and doubles back up as its frames hit megaflows again. */
	for (int i = 0; i < 8; i++)
		want = dp_next_burst(want, want, 0, true);
	assert_int_equal(want, DP_BURST);
}

/*
 * A PMD with an established queue (1,100 cycles a turn) and a storm queue (3,300 cycles a
 * new flow, one a turn): the storm gets about half of the cycles, waits at most the cap,
 * and has the whole core once the established queue goes idle.
 */
static void
test_storm_debt(void **state)
{
	const int64_t max = 2000000; /* About 1 ms. */
	const uint64_t est = 1100, storm = 3300;
	uint64_t storm_total = 0, all = 0;
	int64_t debt = 0;
	unsigned wait = 0, longest = 0;

	for (int i = 0; i < 100000; i++) {
		uint64_t s = debt > 0 ? 0 : storm;
		wait = s ? 0 : wait + 1;
		longest = wait > longest ? wait : longest;
		debt = dp_storm_debt(debt, s, est + s, true, max);
		assert_true(debt >= 0 && debt <= max);
		storm_total += s;
		all += est + s;
	}
	assert_true(storm_total * 100 / all >= 45 && storm_total * 100 / all <= 55);
	assert_true(longest <= 3);

	/* One huge turn (a 50 ms stall) is charged at most the cap: about 1 ms of waiting. */
	debt = dp_storm_debt(0, 100000000, 100001100, true, max);
	assert_int_equal(debt, max);
	for (wait = 0; debt > 0; wait++)
		debt = dp_storm_debt(debt, 0, est, true, max);
	assert_int_equal(wait, (max + est - 1) / est);

	/* No established traffic: no debt, whatever the storm took. */
	assert_int_equal(dp_storm_debt(max, storm, storm, false, max), 0);
}

/* ---- Header rewrites (dp_rewrite.h) ---- */

/* A fake mbuf with headroom, as the PMD's have, so that a tag can be pushed. */
#define FAKE_HEADROOM 16

static void
fake_init_headroom(struct fake *f, const uint8_t *bytes, uint16_t len)
{
	memset(&f->m, 0, sizeof(f->m));
	f->buf = calloc(1, FAKE_HEADROOM + len);
	memcpy(f->buf + FAKE_HEADROOM, bytes, len);
	f->m.buf_addr = f->buf;
	f->m.buf_len = (uint16_t)(FAKE_HEADROOM + len);
	f->m.data_off = FAKE_HEADROOM;
	f->m.data_len = len;
	f->m.pkt_len = len;
	f->m.nb_segs = 1;
	f->m.refcnt = 1;
}

/* The IPv4 header checksum over the 20 bytes at ip, computed from scratch. */
static uint16_t
ipv4_csum(const uint8_t *ip)
{
	uint32_t s = 0;

	for (unsigned i = 0; i < 20; i += 2)
		if (i != 10)
			s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
test_rewrite_vlan(void **state)
{
	(void)state;
	uint8_t frame[64], orig[64];
	size_t len = udp4(frame);
	struct fake f;

	memcpy(orig, frame, len);
	fake_init_headroom(&f, frame, (uint16_t)len);
	struct dp_action push = {.type = DPA_PUSH_VLAN,
		.tpid = rte_cpu_to_be_16(0x8100),
		.tci = rte_cpu_to_be_16(100)};
	assert_int_equal(dp_modify(&f.m, &push), 0);
	const uint8_t *p = rte_pktmbuf_mtod(&f.m, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(&f.m), len + 4);
	assert_memory_equal(p, orig, 12); /* The MACs moved in front of the tag. */
	const uint8_t tag[4] = {0x81, 0x00, 0x00, 100};
	assert_memory_equal(p + 12, tag, 4);
	assert_memory_equal(p + 16, orig + 12, len - 12);

	/* The L3 header is found past the tag. */
	uint16_t type = 0;
	assert_int_equal(dp_l3_offset(&f.m, &type), 18);
	assert_int_equal(type, 0x0800);

	struct dp_action pop = {.type = DPA_POP_VLAN};
	assert_int_equal(dp_modify(&f.m, &pop), 0);
	assert_int_equal(rte_pktmbuf_pkt_len(&f.m), len);
	assert_memory_equal(rte_pktmbuf_mtod(&f.m, const uint8_t *), orig, len);
	fake_free(&f);

	/* No headroom: the push fails and leaves the frame alone. */
	fake_init(&f, orig, (uint16_t)len);
	assert_int_equal(dp_modify(&f.m, &push), -1);
	assert_int_equal(rte_pktmbuf_pkt_len(&f.m), len);
	assert_memory_equal(rte_pktmbuf_mtod(&f.m, const uint8_t *), orig, len);
	fake_free(&f);

	/* Too short to hold a tag: a pop leaves it alone. */
	fake_init(&f, orig, 14);
	dp_pop_vlan(&f.m);
	assert_int_equal(rte_pktmbuf_pkt_len(&f.m), 14);
	fake_free(&f);
}

static void
test_rewrite_ipv4(void **state)
{
	(void)state;
	uint8_t frame[64];
	size_t len = udp4(frame);
	struct fake f;

	/* A valid header checksum and a UDP checksum to keep right. */
	uint16_t c = ipv4_csum(frame + 14);
	frame[24] = (uint8_t)(c >> 8);
	frame[25] = (uint8_t)c;
	frame[40] = 0x12;
	frame[41] = 0x34;
	fake_init_headroom(&f, frame, (uint16_t)len);
	uint8_t *ip = rte_pktmbuf_mtod_offset(&f.m, uint8_t *, 14);

	struct dp_action src = {.type = DPA_SET_IPV4_SRC, .ip = rte_cpu_to_be_32(0xc0a80001)};
	assert_int_equal(dp_modify(&f.m, &src), 0);
	const uint8_t want_src[4] = {192, 168, 0, 1};
	assert_memory_equal(ip + 12, want_src, 4);
	assert_int_equal(ip[10] << 8 | ip[11], ipv4_csum(ip));
	/*
	 * The UDP checksum covers the pseudo-header: it moved by exactly what the address did.
	 * 10.0.0.1 -> 192.168.0.1 adds 0xc0a8 - 0x0a00 to the sum, so the checksum loses it.
	 */
	uint32_t want = (uint16_t)~0x1234u + 0xc0a8u - 0x0a00u;
	want = (want & 0xffff) + (want >> 16);
	assert_int_equal(ip[26] << 8 | ip[27], (uint16_t)~want);

	struct dp_action ttl = {.type = DPA_DEC_TTL};
	assert_int_equal(dp_modify(&f.m, &ttl), 0);
	assert_int_equal(ip[8], 63);
	assert_int_equal(ip[10] << 8 | ip[11], ipv4_csum(ip));

	struct dp_action tos = {.type = DPA_SET_IPV4_TOS, .tos = 0xb8};
	assert_int_equal(dp_modify(&f.m, &tos), 0);
	assert_int_equal(ip[1], 0xb8); /* DSCP set, ECN (0) kept. */
	assert_int_equal(ip[10] << 8 | ip[11], ipv4_csum(ip));

	struct dp_action dport = {.type = DPA_SET_L4_DST, .l4 = rte_cpu_to_be_16(5353)};
	assert_int_equal(dp_modify(&f.m, &dport), 0);
	assert_int_equal(ip[22] << 8 | ip[23], 5353);
	fake_free(&f);

	/* A UDP checksum of zero means none: it stays zero. */
	frame[40] = frame[41] = 0;
	fake_init_headroom(&f, frame, (uint16_t)len);
	ip = rte_pktmbuf_mtod_offset(&f.m, uint8_t *, 14);
	assert_int_equal(dp_modify(&f.m, &src), 0);
	assert_int_equal(ip[26] << 8 | ip[27], 0);
	assert_int_equal(ip[10] << 8 | ip[11], ipv4_csum(ip));
	fake_free(&f);

	/* Not IPv4: left alone. */
	uint8_t arp[64];
	size_t alen = eth(arp, 0x0806);
	memset(arp + alen, 0x45, 28);
	alen += 28;
	fake_init_headroom(&f, arp, (uint16_t)alen);
	assert_int_equal(dp_modify(&f.m, &src), 0);
	assert_memory_equal(rte_pktmbuf_mtod(&f.m, const uint8_t *), arp, alen);
	fake_free(&f);
}

/* The incremental update agrees with a checksum computed from scratch. */
static void
test_csum_adjust(void **state)
{
	(void)state;
	uint8_t ip[20] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};

	srand(7);
	for (int iter = 0; iter < 1000; iter++) {
		uint16_t c = ipv4_csum(ip), old[2], new[2];
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		unsigned off = 12 + (unsigned)(rand() % 2) * 4;
		memcpy(old, ip + off, 4);
		for (int b = 0; b < 4; b++)
			ip[off + b] = (uint8_t)rand();
		memcpy(new, ip + off, 4);
		uint16_t stored;
		memcpy(&stored, ip + 10, 2);
		stored = dp_csum_adjust(stored, old, new, 2);
		memcpy(ip + 10, &stored, 2);
		assert_int_equal(ip[10] << 8 | ip[11], ipv4_csum(ip));
	}
}

/* ---- Action execution and transmit (dp_exec.h) ---- */

/* What the fake ports were sent: by port, the frames of each tx call. */
#define FAKE_PORTS 4
static char fake_dev[FAKE_PORTS];
static struct rte_mbuf *fake_sent[FAKE_PORTS][64];
static unsigned fake_n_sent[FAKE_PORTS], fake_calls[FAKE_PORTS], fake_last_q[FAKE_PORTS];
static unsigned fake_take = UINT32_MAX; /* Frames a tx call takes at most. */
static rte_spinlock_t fake_locks[FAKE_PORTS][8];
static bool fake_locked_in_tx;

static uint16_t
fake_tx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	unsigned i = (unsigned)((char *)port - fake_dev);
	uint16_t took = n < fake_take ? n : (uint16_t)fake_take;

	fake_calls[i]++;
	fake_last_q[i] = q;
	fake_locked_in_tx = rte_spinlock_is_locked(&fake_locks[i][q]);
	for (uint16_t k = 0; k < took; k++)
		fake_sent[i][fake_n_sent[i]++] = pkts[k];
	return took;
}

static bool fake_down[FAKE_PORTS];

/* The fixture of the execution tests: a state over FAKE_PORTS fake ports, every one up. */
struct exec_fixture {
	struct dp_port_tx ports[DP_PORT_MAX];
	struct dp_exec ex;
	uint8_t frame[1600]; /* A UDP frame of len bytes, zeros after it. */
	size_t len;
};

/* An execution state over FAKE_PORTS fake ports, every one up, 2 queues each. */
static int
exec_setup(void **state)
{
	struct exec_fixture *fx = calloc(1, sizeof(*fx));
	struct dp_port_tx *ports = fx->ports;
	struct dp_exec *ex = &fx->ex;

	memset(fake_n_sent, 0, sizeof(fake_n_sent));
	memset(fake_calls, 0, sizeof(fake_calls));
	memset(fake_down, 0, sizeof(fake_down));
	fake_take = UINT32_MAX;
	for (unsigned i = 1; i < FAKE_PORTS; i++) {
		for (unsigned q = 0; q < 8; q++)
			rte_spinlock_init(&fake_locks[i][q]);
		ports[i] = (struct dp_port_tx){.port = (struct port *)&fake_dev[i],
			.tx = fake_tx,
			.down = &fake_down[i],
			.tx_lock = fake_locks[i],
			.max_frame = 1518,
			.n_txq = 2,
			.started = true};
	}
	ex->ports = ports;
	ex->txq = 3;
	ex->rx_max_len = 64;
	fx->len = udp4(fx->frame);
	*state = fx;
	return 0;
}

static int
exec_teardown(void **state)
{
	free(*state);
	return 0;
}

static void
test_exec_outputs(void **state)
{
	struct exec_fixture *fx = *state;
	struct dp_port_tx *ports = fx->ports;
	struct dp_exec *ex = &fx->ex;
	uint8_t *frame = fx->frame;
	size_t len = fx->len;
	struct fake f[3];
	struct dp_actions acts;

	/* One output: buffered, then sent in one call on queue txq % n_txq. */
	dp_actions_init(&acts);
	dp_actions_output(&acts, 2);
	fake_init_headroom(&f[0], frame, (uint16_t)len);
	dp_exec_one(ex, &f[0].m, &acts);
	assert_int_equal(ex->txb[2].n, 1);
	assert_int_equal(fake_calls[2], 0);
	dp_exec_flush(ex);
	assert_int_equal(fake_calls[2], 1);
	assert_int_equal(fake_last_q[2], 1);
	assert_ptr_equal(fake_sent[2][0], &f[0].m);
	assert_int_equal(ex->port_stats[2].tx_packets, 1);
	assert_int_equal(ex->port_stats[2].tx_bytes, len);
	assert_int_equal(ex->n_tx_batches, 1);
	assert_int_equal(ex->n_tx_pending, 0);

	/* A push then an output: the frame leaves tagged. */
	dp_actions_init(&acts);
	dp_actions_push_vlan(&acts, 0x8100, 10);
	dp_actions_output(&acts, 3);
	fake_init_headroom(&f[1], frame, (uint16_t)len);
	dp_exec_one(ex, &f[1].m, &acts);
	dp_exec_flush(ex);
	assert_int_equal(fake_n_sent[3], 1);
	assert_int_equal(rte_pktmbuf_pkt_len(fake_sent[3][0]), len + 4);
	assert_int_equal(rte_pktmbuf_mtod(fake_sent[3][0], uint8_t *)[12], 0x81);

	/* Two outputs and nothing changed between: one buffer, held twice. */
	dp_actions_init(&acts);
	dp_actions_output(&acts, 1);
	dp_actions_output(&acts, 2);
	fake_init_headroom(&f[2], frame, (uint16_t)len);
	dp_exec_one(ex, &f[2].m, &acts);
	dp_exec_flush(ex);
	assert_ptr_equal(fake_sent[1][0], &f[2].m);
	assert_ptr_equal(fake_sent[2][1], &f[2].m);
	assert_int_equal(rte_mbuf_refcnt_read(&f[2].m), 2);

	/* A shared queue is sent under its lock, released after. */
	ports[1].tx_shared = true;
	dp_actions_init(&acts);
	dp_actions_output(&acts, 1);
	dp_exec_one(ex, &f[0].m, &acts);
	dp_exec_flush(ex);
	assert_true(fake_locked_in_tx);
	assert_false(rte_spinlock_is_locked(&fake_locks[1][1]));

	for (unsigned i = 0; i < 3; i++)
		fake_free(&f[i]);
}

/*
 * The drops. Each frame holds one reference more than the datapath's, so that a free only
 * takes it back (a fake mbuf has no pool to return to): a refcnt of 1 afterwards means freed.
 */
static void
test_exec_drops(void **state)
{
	struct exec_fixture *fx = *state;
	struct dp_exec *ex = &fx->ex;
	uint8_t *frame = fx->frame;
	size_t len = fx->len;
	struct fake small, big, f[40];

	/* A port that is down gets nothing: counted, freed, no call. */
	fake_init_headroom(&small, frame, (uint16_t)len);
	rte_mbuf_refcnt_set(&small.m, 2);
	fake_down[2] = true;
	dp_exec_enqueue(ex, 2, &small.m);
	dp_exec_flush(ex);
	assert_int_equal(fake_calls[2], 0);
	assert_int_equal(ex->drops[DP_DROP_PORT_DOWN], 1);
	assert_int_equal(ex->port_stats[2].tx_dropped, 1);
	assert_int_equal(rte_mbuf_refcnt_read(&small.m), 1);
	fake_down[2] = false;

	/* Longer than the port takes: dropped as oversize, the others sent. */
	fake_init_headroom(&big, frame, 1600);
	rte_mbuf_refcnt_set(&big.m, 2);
	rte_mbuf_refcnt_set(&small.m, 2);
	ex->rx_max_len = 1600;
	dp_exec_enqueue(ex, 3, &big.m);
	dp_exec_enqueue(ex, 3, &small.m);
	dp_exec_flush(ex);
	assert_int_equal(ex->drops[DP_DROP_OVERSIZE], 1);
	assert_int_equal(rte_mbuf_refcnt_read(&big.m), 1);
	assert_int_equal(fake_n_sent[3], 1);
	assert_ptr_equal(fake_sent[3][0], &small.m);
	assert_int_equal(ex->port_stats[3].tx_bytes, len);
	ex->rx_max_len = 64;

	/* A full buffer is sent at once; what the device refuses after the retries is dropped. */
	for (unsigned i = 0; i < 40; i++) {
		fake_init_headroom(&f[i], frame, (uint16_t)len);
		rte_mbuf_refcnt_set(&f[i].m, 2);
	}
	fake_take = 4;
	for (unsigned i = 0; i < 40; i++)
		dp_exec_enqueue(ex, 1, &f[i].m);
	assert_int_equal(fake_n_sent[1], 32); /* 8 calls of 4 on the full buffer. */
	assert_int_equal(ex->txb[1].n, 8);
	fake_take = 0;
	dp_exec_flush(ex);
	assert_int_equal(ex->drops[DP_DROP_TX_FULL], 8);
	assert_int_equal(ex->port_stats[1].tx_packets, 32);
	assert_int_equal(ex->port_stats[1].tx_dropped, 8);
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(rte_mbuf_refcnt_read(&f[i].m), i < 32 ? 2 : 1);

	/* No actions: dropped for the reason the flow gives. */
	struct dp_actions acts;
	dp_actions_init(&acts);
	acts.drop = DP_DROP_NO_OUTPUT;
	rte_mbuf_refcnt_set(&small.m, 2);
	dp_exec_one(ex, &small.m, &acts);
	assert_int_equal(ex->drops[DP_DROP_NO_OUTPUT], 1);
	assert_int_equal(rte_mbuf_refcnt_read(&small.m), 1);

	fake_free(&small);
	fake_free(&big);
	for (unsigned i = 0; i < 40; i++)
		fake_free(&f[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_udp),
		cmocka_unit_test(test_vlan_stacks),
		cmocka_unit_test(test_runts_and_truncation),
		cmocka_unit_test(test_ipv6_ext_headers),
		cmocka_unit_test(test_arp_icmp_jumbo),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_emc),
		cmocka_unit_test(test_remove_if),
		cmocka_unit_test(test_classifier_differential),
		cmocka_unit_test(test_flow_table_limit_and_staleness),
		cmocka_unit_test(test_flow_table_set_limit_and_idle),
		cmocka_unit_test(test_next_burst),
		cmocka_unit_test(test_storm_debt),
		cmocka_unit_test(test_rewrite_vlan),
		cmocka_unit_test(test_rewrite_ipv4),
		cmocka_unit_test(test_csum_adjust),
		cmocka_unit_test_setup_teardown(test_exec_outputs, exec_setup, exec_teardown),
		cmocka_unit_test_setup_teardown(test_exec_drops, exec_setup, exec_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
