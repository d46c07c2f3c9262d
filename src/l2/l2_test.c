/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of MAC learning (learn, move, aging with a fake clock, flush, static entries,
 * fairness under a flood of random source MACs) and of NORMAL's VLAN rules, table-driven:
 * for each ingress mode and tagging, the expected actions and drop reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_actions.h"
#include "dp_drop.h"
#include "dp_mem.h"
#include "ds.h"
#include "flow.h"
#include "mac_table.h"
#include "normal.h"

static struct rte_ether_addr
mac(uint8_t last)
{
	struct rte_ether_addr a = {{0x02, 0, 0, 0, 0, last}};
	return a;
}

static void
test_learn_move_age(void **state)
{
	struct mac_table *t = mac_table_create(100, 300, DP_MEM_HEAP);
	struct rte_ether_addr a = mac(1);
	uint32_t gen = *mac_table_gen_ptr(t), lgen = *mac_table_learn_gen_ptr(t);

	assert_int_equal(mac_table_learn(t, 10, &a, 1, 1000), MAC_LEARN_NEW);
	assert_int_equal(*mac_table_learn_gen_ptr(t), lgen + 1);
	assert_int_equal(mac_table_lookup(t, 10, &a, 1000), 1);
	assert_int_equal(mac_table_lookup(t, 11, &a, 1000), -1); /* Per VLAN. */
	assert_int_equal(mac_table_learn(t, 10, &a, 1, 1100), MAC_LEARN_NOOP);
	assert_int_equal(*mac_table_gen_ptr(t), gen);
	assert_int_equal(mac_table_learn(t, 10, &a, 2, 1200), MAC_LEARN_MOVED);
	assert_int_equal(*mac_table_gen_ptr(t), gen + 1);
	assert_int_equal(mac_table_lookup(t, 10, &a, 1200), 2);
	/* Aging: idle for the aging time, it is gone; touched, it stays. */
	assert_int_equal(mac_table_age(t, 1499), 0);
	mac_table_touch(t, 10, &a, 2, 1499);
	assert_int_equal(mac_table_age(t, 1700), 0);
	assert_int_equal(mac_table_age(t, 1799), 1);
	assert_int_equal(mac_table_lookup(t, 10, &a, 1799), -1);
	assert_int_equal(mac_table_count(t), 0);
	mac_table_destroy(t);
}

static void
test_static_flush_del(void **state)
{
	struct mac_table *t = mac_table_create(100, 300, DP_MEM_HEAP);
	struct rte_ether_addr a = mac(1), b = mac(2);
	struct ds out = DS_INIT;

	assert_int_equal(mac_table_add_static(t, 0, &a, 5, 0), 0);
	assert_int_equal(mac_table_learn(t, 0, &a, 6, 10), MAC_LEARN_REFUSED); /* Never moves. */
	assert_int_equal(mac_table_age(t, 100000), 0);                         /* Never ages. */
	assert_int_equal(mac_table_lookup(t, 0, &a, 100000), 5);
	mac_table_learn(t, 0, &b, 6, 100000);
	mac_table_learn(t, 7, &b, 7, 100000);
	mac_table_flush_port(t, 6);
	assert_int_equal(mac_table_count(t), 2);
	assert_int_equal(mac_table_del(t, 0, &a), 0);
	assert_int_equal(mac_table_del(t, 0, &a), -ENOENT);
	mac_table_flush(t);
	assert_int_equal(mac_table_count(t), 0);
	mac_table_format_stats(t, &out, "br0");
	assert_non_null(strstr(ds_cstr(&out), "Current/maximum MAC entries in the table: 0/100"));
	ds_destroy(&out);
	mac_table_destroy(t);
}

static void
port_name(struct ds *out, uint32_t port, void *aux)
{
	ds_put_format(out, "%5u", port);
}

static void
test_fdb_show_format(void **state)
{
	struct mac_table *t = mac_table_create(100, 300, DP_MEM_HEAP);
	struct rte_ether_addr a = {{0x50, 0x54, 0, 0, 0, 1}};
	struct ds out = DS_INIT;

	mac_table_learn(t, 100, &a, 1, 10);
	mac_table_add_static(t, 0, &a, 2, 10);
	mac_table_format(t, &out, 13, port_name, NULL);
	assert_string_equal(ds_cstr(&out), " port  VLAN  MAC                Age\n"
					   "    1   100  50:54:00:00:00:01    3\n"
					   "    2     0  50:54:00:00:00:01  static\n");
	ds_destroy(&out);
	mac_table_destroy(t);
}

static void
test_flood_fairness(void **state)
{
	struct mac_table *t = mac_table_create(8192, 300, DP_MEM_HEAP);
	struct rte_ether_addr legit = mac(0xaa);

	/* Entries on other ports, then 100k random source MACs from port 9. */
	for (uint8_t p = 1; p <= 4; p++) {
		struct rte_ether_addr m = mac(p);
		mac_table_learn(t, 1, &m, p, 0);
	}
	mac_table_learn(t, 1, &legit, 5, 0);
	srand(3);
	for (int i = 0; i < 100000; i++) {
		struct rte_ether_addr m = {{0x02, (uint8_t)rand(), (uint8_t)rand(), (uint8_t)rand(),
			(uint8_t)rand(), (uint8_t)rand()}};
		mac_table_learn(t, 1, &m, 9, (uint64_t)i / 1000);
	}
	assert_true(mac_table_count(t) <= 8192);
	assert_int_equal(mac_table_lookup(t, 1, &legit, 100), 5);
	for (uint8_t p = 1; p <= 4; p++) {
		struct rte_ether_addr m = mac(p);
		assert_int_equal(mac_table_lookup(t, 1, &m, 100), p);
	}
	mac_table_destroy(t);
}

/* Entries come from a pool that grows by slabs and takes back what is removed. */
static void
test_entry_pool(void **state)
{
	struct mac_table *t = mac_table_create(16384, 300, DP_MEM_HEAP);

	for (int round = 0; round < 2; round++) {
		for (unsigned i = 0; i < 10000; i++) {
			struct rte_ether_addr m = {
				{0x02, 0, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
			assert_int_equal(mac_table_learn(t, 1, &m, 1 + i % 3, 0), MAC_LEARN_NEW);
		}
		assert_int_equal(mac_table_count(t), 10000);
		for (unsigned i = 0; i < 10000; i++) {
			struct rte_ether_addr m = {
				{0x02, 0, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
			assert_int_equal(mac_table_lookup(t, 1, &m, 0), 1 + i % 3);
		}
		/* 10000 entries: three slabs, and the second round reuses them. */
		assert_int_equal(mac_table_n_slabs(t), 3);
		mac_table_flush(t);
		assert_int_equal(mac_table_count(t), 0);
	}
	mac_table_destroy(t);
}

/* ---- NORMAL and VLANs ---- */

enum {
	P_ACCESS10 = 1,
	P_ACCESS20,
	P_TRUNK_ALL,
	P_TRUNK10,
	P_NATIVE_UNTAGGED,
	P_NATIVE_TAGGED,
	P_TUNNEL,
	P_ACCESS10B,
	N_PORTS = P_ACCESS10B
};

static struct l2_port ports[N_PORTS];
static struct l2_bridge br;

static void
setup_ports(struct mac_table *macs)
{
	memset(ports, 0, sizeof(ports));
	for (int i = 0; i < N_PORTS; i++)
		ports[i].dp_port = (uint32_t)(i + 1);
	ports[0].mode = L2_VLAN_ACCESS, ports[0].tag = 10;
	ports[1].mode = L2_VLAN_ACCESS, ports[1].tag = 20;
	ports[2].mode = L2_VLAN_TRUNK, ports[2].trunk_all = true;
	ports[3].mode = L2_VLAN_TRUNK, ports[3].trunks[0] = 1ull << 10;
	ports[4].mode = L2_VLAN_NATIVE_UNTAGGED, ports[4].tag = 10, ports[4].trunks[0] = 1ull << 20;
	ports[5].mode = L2_VLAN_NATIVE_TAGGED, ports[5].tag = 10, ports[5].trunks[0] = 1ull << 20;
	ports[6].mode = L2_VLAN_DOT1Q_TUNNEL, ports[6].tag = 30, ports[6].qinq_ethtype = 0x88a8;
	ports[7].mode = L2_VLAN_ACCESS, ports[7].tag = 10;
	br = (struct l2_bridge){.n_ports = N_PORTS, .ports = ports, .macs = macs};
}

static struct flow_key
frame(uint32_t in, int vid, uint8_t pcp)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.in_port = in;
	k.dl_src = mac((uint8_t)(0x40 + in));
	k.dl_dst = (struct rte_ether_addr){{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	k.dl_type = rte_cpu_to_be_16(0x0800);
	if (vid >= 0) {
		k.vlan_tpid = rte_cpu_to_be_16(0x8100);
		k.vlan_tci = rte_cpu_to_be_16((uint16_t)(FLOW_VLAN_PRESENT | pcp << 13 | vid));
	}
	return k;
}

/* Runs NORMAL on a broadcast and returns its actions as text. */
static const char *
xlate(uint32_t in, int vid, uint8_t pcp, uint8_t *drop)
{
	static struct ds out = DS_INIT;
	struct flow_key k = frame(in, vid, pcp), mask;
	struct dp_actions acts;
	struct normal_result res;

	memset(&mask, 0, sizeof(mask));
	dp_actions_init(&acts);
	assert_int_equal(normal_xlate(&br, &k, &mask, &acts, 0, &res), 0);
	assert_int_equal(mask.in_port, UINT32_MAX);
	assert_int_equal(mask.vlan_tci, UINT16_MAX);
	ds_clear(&out);
	dp_actions_format(&out, &acts);
	*drop = acts.drop;
	return ds_cstr(&out);
}

static void
test_vlan_rules(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	uint8_t drop;

	setup_ports(macs);
	static const struct {
		uint32_t in;      /* Ingress port. */
		int vid;          /* Frame's VID, -1 untagged. */
		uint8_t pcp;      /* Frame's PCP. */
		const char *acts; /* Expected actions ("drop" with the reason below). */
		uint8_t drop;     /* Expected drop reason. */
	} cases[] = {
		/* Access 10, untagged: to the other access-10 port and the native-untagged port as
		 * they are, tagged 10 to the trunks, the native-tagged port. Never back to port 1,
		 * never to access 20 or the tunnel (VLAN 30). */
		{P_ACCESS10, -1, 0, "5,8,push_vlan(vid=10,pcp=0),3,4,6", 0},
		/* Priority-tagged (VID 0) on access is accepted; the priority tag is stripped. */
		{P_ACCESS10, 0, 3, "pop_vlan,5,8,push_vlan(vid=10,pcp=3),3,4,6", 0},
		/* Tagged with a real VID on an access port: dropped. */
		{P_ACCESS10, 10, 0, "drop", DP_DROP_VLAN_INVALID},
		/* Trunk (all), tagged 10: as is to trunks and native-tagged, untagged to access. */
		{P_TRUNK_ALL, 10, 0, "4,6,pop_vlan,1,5,8", 0},
		/* Trunk (all), tagged 20: access 20; native ports trunk 20 (native-untagged sends
		 * it tagged, it is not its native VLAN). */
		{P_TRUNK_ALL, 20, 0, "5,6,pop_vlan,2", 0},
		/* Trunk (all), untagged = VLAN 0: to nobody who carries VLAN 0 but trunk-all. */
		{P_TRUNK_ALL, -1, 0, "drop", DP_DROP_NO_OUTPUT},
		/* Trunk with trunks=10 only: VLAN 20 is refused, untagged too. */
		{P_TRUNK10, 20, 0, "drop", DP_DROP_VLAN_INVALID},
		{P_TRUNK10, -1, 0, "drop", DP_DROP_VLAN_INVALID},
		/* Native-untagged (native 10): untagged frames are VLAN 10. */
		{P_NATIVE_UNTAGGED, -1, 0, "1,8,push_vlan(vid=10,pcp=0),3,4,6", 0},
		/* ... and a tag of its native VLAN is accepted too. */
		{P_NATIVE_UNTAGGED, 10, 0, "3,4,6,pop_vlan,1,8", 0},
		/* ... VLAN 30 is not trunked there. */
		{P_NATIVE_UNTAGGED, 30, 0, "drop", DP_DROP_VLAN_INVALID},
		/* Native-tagged: untagged frames are VLAN 10, and leave native-tagged tagged. */
		{P_NATIVE_TAGGED, -1, 0, "1,5,8,push_vlan(vid=10,pcp=0),3,4", 0},
		/* dot1q-tunnel (S-VLAN 30): a customer-tagged frame gets an 802.1ad outer tag on
		 * trunks; the customer tag is kept. */
		{P_TUNNEL, 7, 0, "push_vlan(tpid=0x88a8,vid=30,pcp=0),3", 0},
		{P_TUNNEL, -1, 0, "push_vlan(tpid=0x88a8,vid=30,pcp=0),3", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = xlate(cases[i].in, cases[i].vid, cases[i].pcp, &drop);
		if (strcmp(got, cases[i].acts) || drop != cases[i].drop)
			fail_msg("case %zu (in %u vid %d): got '%s' drop %u, want '%s' drop %u", i,
				cases[i].in, cases[i].vid, got, drop, cases[i].acts, cases[i].drop);
	}
	mac_table_destroy(macs);
}

static void
test_priority_tags_and_reserved(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	uint8_t drop;

	setup_ports(macs);
	ports[7].priority_tags = L2_PRIO_IF_NONZERO;
	/* From a trunk, VLAN 10 PCP 5: port 8 keeps the priority in a VID 0 tag. */
	assert_string_equal(xlate(P_TRUNK_ALL, 10, 5, &drop),
		"4,6,pop_vlan,1,5,push_vlan(vid=0,pcp=5),8");
	struct flow_key k = frame(P_ACCESS10, -1, 0), mask;
	struct dp_actions acts;
	struct normal_result res;
	k.dl_dst = (struct rte_ether_addr){{0x01, 0x80, 0xc2, 0, 0, 0}}; /* STP BPDU. */
	memset(&mask, 0, sizeof(mask));
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_int_equal(acts.n, 0);
	assert_int_equal(acts.drop, DP_DROP_RESERVED_MCAST);
	/* other_config:forward-bpdu=true: flooded in its VLAN like any multicast. */
	br.forward_bpdu = true;
	memset(&mask, 0, sizeof(mask));
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_int_equal(acts.drop, 0);
	assert_true(acts.n > 0);
	br.forward_bpdu = false;
	mac_table_destroy(macs);
}

static void
test_learning_and_unicast(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	struct dp_actions acts;
	struct normal_result res;
	struct flow_key k, mask;
	struct ds out = DS_INIT;

	setup_ports(macs);
	/* Host A on port 1 (access 10) talks to unknown B: flood, learn A. */
	k = frame(P_ACCESS10, -1, 0);
	k.dl_dst = mac(0x99);
	memset(&mask, 0, sizeof(mask));
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_true(res.flooded);
	assert_true(res.learned);
	assert_true(acts.n > 1);
	/* The decision looked at the MACs, not at IP. */
	assert_int_equal(mask.dl_type, 0);
	assert_int_equal(mask.nw_src, 0);
	assert_int_equal(mask.dl_src.addr_bytes[0], 0xff);
	/* B answers from the trunk, tagged 10: unicast to port 1, untagged. */
	k = frame(P_TRUNK_ALL, 10, 0);
	k.dl_src = mac(0x99);
	k.dl_dst = mac(0x40 + P_ACCESS10);
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	dp_actions_format(&out, &acts);
	assert_string_equal(ds_cstr(&out), "pop_vlan,1");
	assert_false(res.flooded);
	/* A frame to a MAC learned on the ingress port goes nowhere (no hairpin). */
	k = frame(P_ACCESS10B, -1, 0);
	k.dl_dst = k.dl_src;
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_int_equal(acts.n, 0);
	assert_int_equal(acts.drop, DP_DROP_NO_OUTPUT);
	/* A MAC learned in VLAN 10 is unknown in VLAN 20. */
	k = frame(P_ACCESS20, -1, 0);
	k.dl_dst = mac(0x99);
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_true(res.flooded);
	ds_destroy(&out);
	mac_table_destroy(macs);
}

/* Spanning tree's port states: a blocked port neither learns nor forwards, a learning one learns.
 */
static void
test_stp_states(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	struct dp_actions acts;
	struct normal_result res;
	struct flow_key k, mask;
	uint8_t drop;

	setup_ports(macs);
	ports[P_NATIVE_UNTAGGED - 1].stp_state = L2_STP_BLOCK;
	ports[P_ACCESS10B - 1].stp_state = L2_STP_LEARN;
	/* A flood skips both: the blocked port and the learning one. */
	assert_string_equal(xlate(P_ACCESS10, -1, 0, &drop), "push_vlan(vid=10,pcp=0),3,4,6");
	/* From the blocked port: dropped, its source not learned. */
	assert_string_equal(xlate(P_NATIVE_UNTAGGED, -1, 0, &drop), "drop");
	assert_int_equal(drop, DP_DROP_STP_BLOCKED);
	k = frame(P_NATIVE_UNTAGGED, -1, 0);
	assert_true(mac_table_lookup(macs, 10, &k.dl_src, 0) < 0);
	/* From the learning port: dropped, its source learned. */
	assert_string_equal(xlate(P_ACCESS10B, -1, 0, &drop), "drop");
	assert_int_equal(drop, DP_DROP_STP_BLOCKED);
	k = frame(P_ACCESS10B, -1, 0);
	assert_int_equal(mac_table_lookup(macs, 10, &k.dl_src, 0), P_ACCESS10B);
	/* Unicast to the MAC learned there goes nowhere until the port forwards. */
	k = frame(P_ACCESS10, -1, 0);
	k.dl_dst = mac(0x40 + P_ACCESS10B);
	memset(&mask, 0, sizeof(mask));
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_int_equal(acts.n, 0);
	assert_int_equal(acts.drop, DP_DROP_NO_OUTPUT);
	/* The decision read that port's state and sent it nothing: its megaflow depends on it. */
	assert_int_equal(res.stp_port, P_ACCESS10B);
	assert_false(res.stp_all);
	/* Forwarding again: unicast reaches it, and the output says what the flow depends on. */
	ports[P_ACCESS10B - 1].stp_state = L2_STP_FORWARD;
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_int_equal(acts.n, 1);
	assert_int_equal(res.stp_port, 0);
	assert_false(res.stp_all);
	/* A flood read every port's state. */
	k.dl_dst = mac(0x99);
	dp_actions_init(&acts);
	normal_xlate(&br, &k, &mask, &acts, 0, &res);
	assert_true(res.stp_all);
	mac_table_destroy(macs);
}

/*
 * Bonds: a bridge of an access port (1) and a trunk bond of members 2 and 3, whose identity
 * is member 2's. Returns the actions of a frame from in to dst (NULL: broadcast) as text.
 */
static struct l2_bond bond;
static struct l2_port bports[2];

static void
setup_bond(struct mac_table *macs, uint8_t mode, uint8_t admit)
{
	memset(bports, 0, sizeof(bports));
	memset(&bond, 0, sizeof(bond));
	bports[0] = (struct l2_port){.dp_port = 1, .mode = L2_VLAN_ACCESS, .tag = 0};
	bports[1] = (struct l2_port){.dp_port = 2,
		.mode = L2_VLAN_TRUNK,
		.trunk_all = true,
		.bond = &bond};
	bond.mode = mode;
	bond.admit = admit;
	bond.n_members = 2;
	bond.members[0] = 2, bond.members[1] = 3;
	bond.enabled[0] = bond.enabled[1] = true;
	bond.active = 2;
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		bond.buckets[b] = 2 + b % 2;
	br = (struct l2_bridge){.n_ports = 2, .ports = bports, .macs = macs};
}

static const char *
bxlate(struct flow_key *k, struct flow_key *mask, uint8_t *drop)
{
	static struct ds out = DS_INIT;
	struct dp_actions acts;
	struct normal_result res;

	memset(mask, 0, sizeof(*mask));
	dp_actions_init(&acts);
	assert_int_equal(normal_xlate(&br, k, mask, &acts, 0, &res), 0);
	ds_clear(&out);
	dp_actions_format(&out, &acts);
	*drop = acts.drop;
	return ds_cstr(&out);
}

static void
test_bond_forwarding(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	struct flow_key k, mask;
	uint8_t drop;
	unsigned on[4] = {0};

	(void)state;
	setup_bond(macs, L2_BOND_SLB, L2_BOND_ADMIT_ENABLED);
	/* A flood from port 1 leaves by one member, the one its source's bucket names. */
	for (uint8_t i = 0; i < 64; i++) {
		k = frame(1, -1, 0);
		k.dl_src = mac(i);
		const char *a = bxlate(&k, &mask, &drop);
		assert_true(!strcmp(a, "2") || !strcmp(a, "3"));
		on[a[0] - '0']++;
		unsigned b = l2_bond_hash_slb(&k.dl_src, 0, 0) % L2_BOND_BUCKETS;
		assert_int_equal(a[0] - '0', 2 + b % 2);
	}
	assert_true(on[2] > 10 && on[3] > 10);
	/* What comes in on member 3 is learned on the bond (member 2's number) ... */
	k = frame(3, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "1");
	assert_int_equal(mac_table_lookup(macs, 0, &k.dl_src, 0), 2);
	/* ... and never flooded back into the bond: from member 2 it only reaches port 1. */
	k = frame(2, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "1");
	/* A disabled member takes nothing in, once LACP negotiated. */
	bond.enabled[1] = false;
	k = frame(3, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_INACTIVE);
	/* No member enabled: unicast to the bond is dropped as bond_down. */
	bond.enabled[0] = false;
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		bond.buckets[b] = 0;
	k = frame(1, -1, 0);
	k.dl_dst = mac(0x43); /* Learned on the bond above. */
	assert_string_equal(bxlate(&k, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_DOWN);
	mac_table_destroy(macs);
}

static void
test_bond_admission(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	struct flow_key k, mask;
	uint8_t drop;

	(void)state;
	/* Active-backup: only the active member's frames get in. */
	setup_bond(macs, L2_BOND_AB, L2_BOND_ADMIT_ACTIVE);
	k = frame(3, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_INACTIVE);
	k = frame(2, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "1");
	/* And everything leaves by the active member. */
	k = frame(1, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "2");
	/* LACP configured, no partner, no fallback: nothing. */
	setup_bond(macs, L2_BOND_SLB, L2_BOND_ADMIT_NONE);
	k = frame(2, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_INACTIVE);
	/* balance-slb without LACP: multicast only on the active member... */
	setup_bond(macs, L2_BOND_SLB, L2_BOND_ADMIT_SLB);
	k = frame(3, -1, 0);
	assert_string_equal(bxlate(&k, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_INACTIVE);
	bond.all_members_active = true;
	assert_string_equal(bxlate(&k, &mask, &drop), "1");
	/* ... and a source learned on port 1 coming back by the bond is a reflection. */
	k = frame(1, -1, 0);
	bxlate(&k, &mask, &drop);
	struct flow_key back = k;
	back.in_port = 3;
	back.dl_dst = mac(0x77);
	assert_string_equal(bxlate(&back, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_REFLECTION);
	/* Unless it is a gratuitous ARP: the host moved behind the bond. */
	back.dl_dst = (struct rte_ether_addr){{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	back.dl_type = rte_cpu_to_be_16(0x0806);
	back.nw_proto = 1;
	back.nw_src = back.nw_dst = rte_cpu_to_be_32(0x0a000001);
	assert_string_equal(bxlate(&back, &mask, &drop), "1");
	assert_int_equal(mask.nw_src, UINT32_MAX);
	mac_table_destroy(macs);
}

/* A gratuitous ARP from a port that is no bond locks its entry against its own reflection. */
static void
test_bond_garp_lock(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	struct flow_key k, mask;
	uint8_t drop;

	(void)state;
	setup_bond(macs, L2_BOND_SLB, L2_BOND_ADMIT_SLB);
	br.has_bond = true;
	k = frame(1, -1, 0);
	k.dl_type = rte_cpu_to_be_16(0x0806);
	k.nw_proto = 1;
	k.nw_src = k.nw_dst = rte_cpu_to_be_32(0x0a000001);
	const char *a = bxlate(&k, &mask, &drop);
	assert_true(!strcmp(a, "2") || !strcmp(a, "3"));
	assert_true(mac_table_garp_locked(macs, 0, &k.dl_src, 0));
	/* The same ARP back through member 3 (all members active for multicast): dropped. */
	bond.all_members_active = true;
	struct flow_key back = k;
	back.in_port = 3;
	assert_string_equal(bxlate(&back, &mask, &drop), "drop");
	assert_int_equal(drop, DP_DROP_BOND_REFLECTION);
	assert_int_equal(mac_table_lookup(macs, 0, &k.dl_src, 0), 1);
	/* After the lock (5 s), the host may have moved behind the bond. */
	memset(&mask, 0, sizeof(mask));
	struct dp_actions acts;
	struct normal_result res;
	dp_actions_init(&acts);
	assert_int_equal(normal_xlate(&br, &back, &mask, &acts, MAC_TABLE_GARP_LOCK_S, &res), 0);
	assert_int_equal(acts.drop, 0);
	assert_int_equal(mac_table_lookup(macs, 0, &k.dl_src, MAC_TABLE_GARP_LOCK_S), 2);
	mac_table_destroy(macs);
}

/* Every datapath port number learns (the table once stopped at 64). */
static void
test_learn_high_port(void **state)
{
	struct mac_table *t = mac_table_create(100, 300, DP_MEM_HEAP);
	struct rte_ether_addr a = mac(7);

	(void)state;
	assert_int_equal(mac_table_learn(t, 0, &a, 1000, 1), MAC_LEARN_NEW);
	assert_int_equal(mac_table_lookup(t, 0, &a, 1), 1000);
	assert_int_equal(mac_table_learn(t, 0, &a, MAC_TABLE_MAX_PORTS, 1), MAC_LEARN_REFUSED);
	mac_table_destroy(t);
}

static void
test_bond_tcp_hash(void **state)
{
	struct mac_table *macs = mac_table_create(100, 300, DP_MEM_HEAP);
	struct flow_key k, mask;
	uint8_t drop;
	unsigned on[4] = {0};

	(void)state;
	setup_bond(macs, L2_BOND_TCP, L2_BOND_ADMIT_ENABLED);
	/* One source MAC, 64 UDP ports: spread, and the megaflow matches the 5-tuple. */
	for (uint16_t p = 0; p < 64; p++) {
		k = frame(1, -1, 0);
		k.nw_proto = 17;
		k.nw_src = rte_cpu_to_be_32(0x0a000002);
		k.nw_dst = rte_cpu_to_be_32(0x0a000001);
		k.tp_src = rte_cpu_to_be_16((uint16_t)(10000 + p));
		k.tp_dst = rte_cpu_to_be_16(9);
		const char *a = bxlate(&k, &mask, &drop);
		on[a[0] - '0']++;
		assert_int_equal(mask.tp_src, UINT16_MAX);
		assert_int_equal(mask.tp_dst, UINT16_MAX);
		assert_int_equal(mask.nw_src, UINT32_MAX);
		assert_int_equal(mask.nw_proto, UINT8_MAX);
	}
	assert_true(on[2] > 10 && on[3] > 10);
	mac_table_destroy(macs);
}

static void
test_bond_buckets(void **state)
{
	int16_t bucket[L2_BOND_BUCKETS];
	uint64_t load[L2_BOND_BUCKETS] = {0};
	bool used[L2_BOND_BUCKETS] = {false};
	bool en[2] = {true, true};
	unsigned n0 = 0;

	(void)state;
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		bucket[b] = -1;
	/* Unassigned buckets go round the enabled members. */
	assert_int_equal(l2_bond_assign(bucket, used, en, 2, false), L2_BOND_BUCKETS);
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		n0 += bucket[b] == 0;
	assert_int_equal(n0, L2_BOND_BUCKETS / 2);
	/* Member 1 leaves: all its buckets move to member 0 at once. */
	en[1] = false;
	assert_int_equal(l2_bond_assign(bucket, used, en, 2, false), L2_BOND_BUCKETS / 2);
	for (unsigned b = 0; b < L2_BOND_BUCKETS; b++)
		assert_int_equal(bucket[b], 0);
	/* It comes back: the used buckets stay, the unused are spread again. */
	en[1] = true;
	for (unsigned b = 0; b < 8; b++)
		used[b] = true, load[b] = 1000000;
	l2_bond_assign(bucket, used, en, 2, true);
	for (unsigned b = 0; b < 8; b++)
		assert_int_equal(bucket[b], 0);
	/* Rebalancing moves half the load to it, and halves the loads. */
	assert_int_equal(l2_bond_rebalance(bucket, load, en, 2), 4);
	unsigned moved = 0;
	for (unsigned b = 0; b < 8; b++)
		moved += bucket[b] == 1;
	assert_int_equal(moved, 4);
	assert_int_equal(load[0], 500000);
	/* Balanced (or too little to matter): nothing moves. */
	assert_int_equal(l2_bond_rebalance(bucket, load, en, 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_move_age),
		cmocka_unit_test(test_static_flush_del),
		cmocka_unit_test(test_fdb_show_format),
		cmocka_unit_test(test_flood_fairness),
		cmocka_unit_test(test_entry_pool),
		cmocka_unit_test(test_vlan_rules),
		cmocka_unit_test(test_priority_tags_and_reserved),
		cmocka_unit_test(test_learning_and_unicast),
		cmocka_unit_test(test_stp_states),
		cmocka_unit_test(test_bond_forwarding),
		cmocka_unit_test(test_bond_admission),
		cmocka_unit_test(test_bond_tcp_hash),
		cmocka_unit_test(test_bond_garp_lock),
		cmocka_unit_test(test_learn_high_port),
		cmocka_unit_test(test_bond_buckets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
