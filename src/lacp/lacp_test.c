/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the 802.1AX link aggregation engine, fed scripted LACPDUs and time only: the
 * wire format against bytes laid out by hand from 5.4.2 and each refusal of the decoder, then
 * engines wired back to back over two links (active/active fast and slow, active/passive,
 * passive/passive), a partner that stops answering, fallback to active-backup, a partner
 * whose links carry different keys, hostile LACPDUs and the lacp/show layouts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ds.h"
#include "lacp.h"

#define S 1000u /* A second, in lacp_tick()'s milliseconds. */
#define MAX_NODES 3
#define MAX_QUEUE 256
#define MAX_LINKS 4

/* A bond under test. */
struct node {
	struct lacp *lacp; /* The engine. */
	uint8_t mac[6];    /* Source MAC of its frames, and its system id. */
	unsigned n_sent;   /* LACPDUs it sent. */
};

/* A point-to-point link between members of two nodes. */
struct link {
	int a, b;        /* Node indexes. */
	unsigned ma, mb; /* Their members. */
	bool up;         /* Frames cross it. */
};

/* A frame on the wire, waiting to be delivered. */
struct frame {
	int from;                     /* Sending node. */
	unsigned member;              /* Its member. */
	uint8_t data[LACP_FRAME_LEN]; /* The Ethernet frame. */
	size_t len;                   /* Its length. */
};

static struct node nodes[MAX_NODES];
static struct link links[MAX_LINKS];
static unsigned n_links;
static struct frame queue[MAX_QUEUE];
static unsigned q_head, q_len;

static void
send_cb(unsigned member_no, const void *pdu, size_t len, void *aux)
{
	struct node *n = aux;
	struct frame *f;

	assert_int_equal(len, LACP_PDU_LEN);
	n->n_sent++;
	/* Queued, not delivered here: the engine must not be called back from its callback. */
	assert_true(q_len < MAX_QUEUE);
	f = &queue[(q_head + q_len++) % MAX_QUEUE];
	f->from = (int)(n - nodes);
	f->member = member_no;
	f->len = lacp_frame_build(f->data, n->mac, pdu, len);
}

/* Node i: system id 02:00:00:00:00:(i + 1) unless mac_last says otherwise, no member. */
static struct lacp *
node_init(int i, uint8_t mac_last)
{
	struct node *n = &nodes[i];

	memset(n, 0, sizeof *n);
	memcpy(n->mac, (uint8_t[6]){0x02, 0, 0, 0, 0, mac_last}, 6);
	n->lacp = lacp_create(i ? "bond1" : "bond0", n->mac, send_cb, n);
	return n->lacp;
}

/* Adds members 1..n_members, named pM, port id M (+ 10 * i), default priority, key key. */
static void
node_members(int i, unsigned n_members, unsigned key)
{
	char name[16];
	unsigned m;

	for (m = 1; m <= n_members; m++) {
		snprintf(name, sizeof name, "p%u", m);
		assert_int_equal(lacp_member_add(nodes[i].lacp, m, name, m + 10 * (unsigned)i,
					 LACP_DEFAULT_PORT_PRIORITY, key),
			0);
	}
}

static void
link_add(int a, unsigned ma, int b, unsigned mb)
{
	links[n_links++] = (struct link){a, b, ma, mb, true};
	assert_int_equal(lacp_member_set_carrier(nodes[a].lacp, ma, true), 0);
	assert_int_equal(lacp_member_set_carrier(nodes[b].lacp, mb, true), 0);
}

static int
setup(void **state)
{
	(void)state;
	memset(nodes, 0, sizeof nodes);
	n_links = 0;
	q_head = q_len = 0;
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < MAX_NODES; i++)
		lacp_destroy(nodes[i].lacp);
	memset(nodes, 0, sizeof nodes);
	return 0;
}

/* Delivers queued frames across the links that are up, until the wire is quiet. */
static void
deliver(void)
{
	unsigned guard = 0;

	while (q_len) {
		struct frame f = queue[q_head];
		const void *pdu;
		size_t len;
		unsigned l;

		q_head = (q_head + 1) % MAX_QUEUE;
		q_len--;
		assert_true(++guard < 10000);
		assert_int_equal(lacp_frame_parse(f.data, f.len, &pdu, &len), 0);
		for (l = 0; l < n_links; l++) {
			struct link *k = &links[l];

			if (!k->up)
				continue;
			if (k->a == f.from && k->ma == f.member)
				assert_int_equal(lacp_received(nodes[k->b].lacp, k->mb, pdu, len),
					0);
			else if (k->b == f.from && k->mb == f.member)
				assert_int_equal(lacp_received(nodes[k->a].lacp, k->ma, pdu, len),
					0);
		}
	}
}

/* Runs every node for ms milliseconds in 100 ms ticks, delivering after each. */
static void
run(unsigned ms)
{
	unsigned t, i;

	for (t = 0; t < ms; t += 100) {
		for (i = 0; i < MAX_NODES; i++)
			if (nodes[i].lacp)
				lacp_tick(nodes[i].lacp, 100);
		deliver();
	}
}

/* Runs until both members of nodes 0 and 1 may enable; returns the milliseconds it took. */
static unsigned
run_until_enabled(unsigned limit_ms)
{
	unsigned t;

	for (t = 0; t <= limit_ms; t += 100) {
		if (lacp_member_may_enable(nodes[0].lacp, 1) &&
			lacp_member_may_enable(nodes[0].lacp, 2) &&
			lacp_member_may_enable(nodes[1].lacp, 1) &&
			lacp_member_may_enable(nodes[1].lacp, 2))
			return t;
		run(100);
	}
	fail_msg("not negotiated within %u ms", limit_ms);
	return 0;
}

/* Two nodes, two members each, wired 1-1 and 2-2. */
static void
pair_init(bool active0, bool active1, bool fast0, bool fast1)
{
	node_init(0, 1);
	node_init(1, 2);
	lacp_set_active(nodes[0].lacp, active0);
	lacp_set_active(nodes[1].lacp, active1);
	lacp_set_fast(nodes[0].lacp, fast0);
	lacp_set_fast(nodes[1].lacp, fast1);
	node_members(0, 2, 0);
	node_members(1, 2, 0);
	link_add(0, 1, 1, 1);
	link_add(0, 2, 1, 2);
}

/* Both nodes negotiated; each member attached, collecting, distributing, knowing the other. */
static void
assert_negotiated_pair(void)
{
	int i;
	unsigned m;

	for (i = 0; i < 2; i++) {
		assert_int_equal(lacp_status(nodes[i].lacp), LACP_NEGOTIATED);
		assert_false(lacp_fallback_ab_active(nodes[i].lacp));
		for (m = 1; m <= 2; m++) {
			struct lacp_info actor, partner, far_actor;
			uint8_t want = LACP_STATE_SYNC | LACP_STATE_COLLECTING |
				       LACP_STATE_DISTRIBUTING | LACP_STATE_AGGREGATION;

			assert_true(lacp_member_may_enable(nodes[i].lacp, m));
			assert_true(lacp_member_is_attached(nodes[i].lacp, m));
			assert_int_equal(lacp_member_status(nodes[i].lacp, m), LACP_CURRENT);
			assert_int_equal(lacp_member_get_actor(nodes[i].lacp, m, &actor), 0);
			assert_int_equal(lacp_member_get_partner(nodes[i].lacp, m, &partner), 0);
			assert_int_equal(lacp_member_get_actor(nodes[1 - i].lacp, m, &far_actor),
				0);
			assert_int_equal(actor.state & want, want);
			assert_int_equal(actor.state & (LACP_STATE_DEFAULTED | LACP_STATE_EXPIRED),
				0);
			assert_int_equal(partner.state & want, want);
			assert_memory_equal(partner.sys_id, nodes[1 - i].mac, 6);
			assert_int_equal(partner.sys_priority, LACP_DEFAULT_SYS_PRIORITY);
			assert_int_equal(partner.port_id, far_actor.port_id);
			assert_int_equal(partner.port_priority, far_actor.port_priority);
			assert_int_equal(partner.key, far_actor.key);
			assert_int_equal(partner.state, far_actor.state);
		}
	}
}

/* Wire format. */

/* A LACPDU laid out by hand from 802.1AX-2008 figure 5-7. */
static const uint8_t golden_pdu[LACP_PDU_LEN] = {
	0x01, 0x01,                         /* Subtype LACP, version 1. */
	0x01, 0x14,                         /* Actor TLV, length 20. */
	0x80, 0x00,                         /* Actor system priority 32768. */
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55, /* Actor system. */
	0x00, 0x2a,                         /* Actor key 42. */
	0x00, 0xff,                         /* Actor port priority 255. */
	0x00, 0x07,                         /* Actor port 7. */
	0x3d,                               /* Actor state: act agg sync col dist; time. */
	0x00, 0x00, 0x00,                   /* Reserved. */
	0x02, 0x14,                         /* Partner TLV, length 20. */
	0xff, 0xfe,                         /* Partner system priority 65534. */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, /* Partner system. */
	0x01, 0x00,                         /* Partner key 256. */
	0xff, 0xff,                         /* Partner port priority 65535. */
	0x12, 0x34,                         /* Partner port 0x1234. */
	0xc2,                               /* Partner state: timeout defaulted expired. */
	0x00, 0x00, 0x00,                   /* Reserved. */
	0x03, 0x10,                         /* Collector TLV, length 16. */
	0x00, 0x05,                         /* Collector max delay 5. */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* Reserved. */
	0x00, 0x00,                         /* Terminator. */
					    /* 50 reserved bytes: zero. */
};

static struct lacp_pdu
golden_struct(void)
{
	struct lacp_pdu pdu;

	memset(&pdu, 0, sizeof pdu);
	pdu.actor =
		(struct lacp_info){32768, {0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, 42, 255, 7, 0x3d};
	pdu.partner = (struct lacp_info){65534, {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}, 256, 65535,
		0x1234, 0xc2};
	pdu.collector_max_delay = 5;
	return pdu;
}

static void
test_pdu_golden(void **state)
{
	struct lacp_pdu pdu = golden_struct(), back;
	uint8_t buf[LACP_PDU_LEN + 16], frame[LACP_FRAME_LEN];
	const uint8_t src[6] = {0x02, 0, 0, 0, 0, 9};
	const char *why = NULL;
	const void *payload;
	size_t len;

	(void)state;
	assert_int_equal(lacp_pdu_encode(&pdu, buf), LACP_PDU_LEN);
	assert_memory_equal(buf, golden_pdu, LACP_PDU_LEN);
	assert_int_equal(lacp_pdu_decode(golden_pdu, LACP_PDU_LEN, &back, &why), 0);
	assert_memory_equal(&back.actor, &pdu.actor, sizeof pdu.actor);
	assert_memory_equal(&back.partner, &pdu.partner, sizeof pdu.partner);
	assert_int_equal(back.collector_max_delay, 5);
	/* Trailing padding is allowed. */
	memset(buf + LACP_PDU_LEN, 0xee, 16);
	assert_int_equal(lacp_pdu_decode(buf, sizeof buf, &back, &why), 0);

	/* The frame: to 01:80:c2:00:00:02 from src, ethertype 0x8809, then the payload. */
	assert_int_equal(lacp_frame_build(frame, src, golden_pdu, LACP_PDU_LEN), 124);
	assert_memory_equal(frame, ((uint8_t[]){0x01, 0x80, 0xc2, 0, 0, 0x02}), 6);
	assert_memory_equal(frame + 6, src, 6);
	assert_int_equal(frame[12], 0x88);
	assert_int_equal(frame[13], 0x09);
	assert_memory_equal(frame + 14, golden_pdu, LACP_PDU_LEN);
	assert_int_equal(lacp_frame_parse(frame, sizeof frame, &payload, &len), 0);
	assert_ptr_equal(payload, frame + 14);
	assert_int_equal(len, LACP_PDU_LEN);
}

static void
test_pdu_refusals(void **state)
{
	static const struct {
		size_t off;  /* Byte to change. */
		uint8_t val; /* Its new value. */
	} bad[] = {
		{0, 0x03},  /* Subtype. */
		{1, 0x02},  /* Version. */
		{2, 0x02},  /* Actor TLV type. */
		{3, 0x13},  /* Actor TLV length. */
		{22, 0x01}, /* Partner TLV type. */
		{23, 0x15}, /* Partner TLV length. */
		{42, 0x04}, /* Collector TLV type. */
		{43, 0x0f}, /* Collector TLV length. */
		{58, 0x01}, /* Terminator type. */
		{59, 0x01}, /* Terminator length. */
	};
	const char *whys[sizeof bad / sizeof bad[0] + 1];
	uint8_t buf[LACP_PDU_LEN], frame[LACP_FRAME_LEN];
	struct lacp_pdu pdu;
	const void *payload;
	size_t i, j, len;

	(void)state;
	whys[0] = NULL;
	assert_int_equal(lacp_pdu_decode(golden_pdu, LACP_PDU_LEN - 1, &pdu, &whys[0]), -EINVAL);
	assert_non_null(whys[0]);
	assert_int_equal(lacp_pdu_decode(golden_pdu, 0, &pdu, &whys[0]), -EINVAL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(buf, golden_pdu, sizeof buf);
		buf[bad[i].off] = bad[i].val;
		whys[i + 1] = NULL;
		assert_int_equal(lacp_pdu_decode(buf, sizeof buf, &pdu, &whys[i + 1]), -EINVAL);
		assert_non_null(whys[i + 1]);
	}
	/* Each field's refusal says which field: the two of one TLV share a reason. */
	for (i = 0; i < sizeof whys / sizeof whys[0]; i++)
		for (j = i + 1; j < sizeof whys / sizeof whys[0]; j++)
			if (!(i >= 3 && (i - 3) / 2 == (j - 3) / 2 && j >= 3))
				assert_string_not_equal(whys[i], whys[j]);

	/* Frames: wrong destination, wrong ethertype, a VLAN tag, too short. */
	lacp_frame_build(frame, (uint8_t[6]){2, 0, 0, 0, 0, 1}, golden_pdu, LACP_PDU_LEN);
	frame[5] = 0x00;
	assert_int_equal(lacp_frame_parse(frame, sizeof frame, &payload, &len), -EINVAL);
	frame[5] = 0x02;
	frame[13] = 0x08;
	assert_int_equal(lacp_frame_parse(frame, sizeof frame, &payload, &len), -EINVAL);
	frame[12] = 0x81;
	frame[13] = 0x00;
	assert_int_equal(lacp_frame_parse(frame, sizeof frame, &payload, &len), -EINVAL);
	frame[12] = 0x88;
	frame[13] = 0x09;
	assert_int_equal(lacp_frame_parse(frame, 13, &payload, &len), -EINVAL);
	assert_int_equal(lacp_frame_parse(frame, sizeof frame, &payload, &len), 0);
}

/* Back to back. */

static void
test_active_active_fast(void **state)
{
	(void)state;
	pair_init(true, true, true, true);
	assert_int_equal(lacp_status(nodes[0].lacp), LACP_CONFIGURED);
	assert_true(run_until_enabled(3 * S) <= 3 * S);
	run(S);
	assert_negotiated_pair();
	assert_true(lacp_member_is_current(nodes[0].lacp, 1));

	/* Steady: fast partners send one LACPDU per member per second, and nothing changes. */
	{
		unsigned sent = nodes[0].n_sent;
		uint64_t gen = lacp_state_gen(nodes[0].lacp);

		run(10 * S);
		assert_in_range(nodes[0].n_sent - sent, 18, 22);
		assert_int_equal(lacp_state_gen(nodes[0].lacp), gen);
		assert_negotiated_pair();
	}
}

static void
test_active_active_slow(void **state)
{
	unsigned sent;

	(void)state;
	pair_init(true, true, false, false);
	assert_true(run_until_enabled(5 * S) <= 5 * S);
	run(S);
	assert_negotiated_pair();
	/* Slow partners: one LACPDU per member per 30 s, and the information holds for 90 s. */
	sent = nodes[0].n_sent;
	run(120 * S);
	assert_in_range(nodes[0].n_sent - sent, 6, 10);
	assert_negotiated_pair();
}

static void
test_active_passive(void **state)
{
	(void)state;
	pair_init(true, false, true, false);
	assert_true(run_until_enabled(3 * S) <= 3 * S);
	run(S);
	assert_negotiated_pair();
	assert_int_equal(lacp_member_status(nodes[1].lacp, 1), LACP_CURRENT);
	run(30 * S);
	assert_negotiated_pair();
}

/* Both ends turned passive after negotiating stop sending and end defaulted (5.4.13). */
static void
test_turned_passive(void **state)
{
	unsigned sent;

	(void)state;
	pair_init(true, true, true, true);
	assert_true(run_until_enabled(5 * S) <= 5 * S);
	run(S);
	assert_negotiated_pair();
	lacp_set_active(nodes[0].lacp, false);
	lacp_set_active(nodes[1].lacp, false);
	run(10 * S);
	sent = nodes[0].n_sent + nodes[1].n_sent;
	run(10 * S);
	assert_int_equal(nodes[0].n_sent + nodes[1].n_sent, sent);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(lacp_status(nodes[i].lacp), LACP_CONFIGURED);
		assert_int_equal(lacp_member_status(nodes[i].lacp, 1), LACP_DEFAULTED);
	}
}

static void
test_passive_passive(void **state)
{
	struct lacp_member_stats st;
	unsigned i, m;

	(void)state;
	pair_init(false, false, true, true);
	run(100 * S);
	for (i = 0; i < 2; i++) {
		assert_int_equal(nodes[i].n_sent, 0);
		assert_int_equal(lacp_status(nodes[i].lacp), LACP_CONFIGURED);
		for (m = 1; m <= 2; m++) {
			assert_false(lacp_member_may_enable(nodes[i].lacp, m));
			assert_false(lacp_member_is_attached(nodes[i].lacp, m));
			assert_int_equal(lacp_member_status(nodes[i].lacp, m), LACP_DEFAULTED);
			assert_int_equal(lacp_member_get_stats(nodes[i].lacp, m, &st), 0);
			assert_int_equal(st.tx_pdus, 0);
		}
	}
}

static void
test_partner_stops(void **state)
{
	struct lacp_info actor, partner;
	struct lacp_member_stats st;
	uint64_t gen;

	(void)state;
	pair_init(true, true, true, true);
	run_until_enabled(3 * S);
	run(S);
	gen = lacp_state_gen(nodes[0].lacp);
	links[0].up = false; /* Member 1's partner goes silent, carrier stays up. */

	run(2 * S);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_CURRENT);
	run(1500);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_EXPIRED);
	assert_false(lacp_member_may_enable(nodes[0].lacp, 1));
	/* The actor says so, and stops collecting and distributing. */
	assert_int_equal(lacp_member_get_actor(nodes[0].lacp, 1, &actor), 0);
	assert_int_equal(actor.state & (LACP_STATE_EXPIRED | LACP_STATE_COLLECTING |
					       LACP_STATE_DISTRIBUTING | LACP_STATE_DEFAULTED),
		LACP_STATE_EXPIRED);
	assert_true(lacp_member_may_enable(nodes[0].lacp, 2));
	assert_true(lacp_state_gen(nodes[0].lacp) > gen);
	run(3 * S);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_DEFAULTED);
	assert_false(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_false(lacp_member_is_attached(nodes[0].lacp, 1));
	assert_false(lacp_member_is_current(nodes[0].lacp, 1));
	assert_int_equal(lacp_member_get_actor(nodes[0].lacp, 1, &actor), 0);
	assert_int_equal(actor.state & (LACP_STATE_EXPIRED | LACP_STATE_SYNC |
					       LACP_STATE_COLLECTING | LACP_STATE_DEFAULTED),
		LACP_STATE_DEFAULTED);
	assert_int_equal(lacp_member_get_partner(nodes[0].lacp, 1, &partner), 0);
	assert_int_equal(partner.sys_priority | partner.key | partner.port_id | partner.state, 0);
	assert_true(lacp_member_may_enable(nodes[0].lacp, 2));
	assert_int_equal(lacp_status(nodes[0].lacp), LACP_NEGOTIATED);
	assert_int_equal(lacp_member_get_stats(nodes[0].lacp, 1, &st), 0);
	assert_int_equal(st.link_expired, 1);
	assert_int_equal(st.link_defaulted, 1);

	/*
	 * The partner comes back: member 1 renegotiates, within a slow periodic time, since with
	 * defaulted partner information (timeout bit clear) both sides send every 30 s.
	 */
	links[0].up = true;
	assert_true(run_until_enabled(31 * S) > 3 * S);
	run(S);
	assert_negotiated_pair();
}

static void
test_fallback_ab(void **state)
{
	(void)state;
	node_init(0, 1);
	lacp_set_fast(nodes[0].lacp, true);
	node_members(0, 2, 0);
	lacp_member_set_carrier(nodes[0].lacp, 1, true);
	lacp_member_set_carrier(nodes[0].lacp, 2, true);

	/* No fallback: nobody answers, nobody may enable. */
	run(4 * S);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_DEFAULTED);
	assert_int_equal(lacp_status(nodes[0].lacp), LACP_CONFIGURED);
	assert_false(lacp_fallback_ab_active(nodes[0].lacp));
	assert_false(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_false(lacp_member_may_enable(nodes[0].lacp, 2));

	/* Fallback: the bond is active-backup, over members that may enable. */
	lacp_set_fallback_ab(nodes[0].lacp, true);
	run(100);
	assert_true(lacp_fallback_ab_active(nodes[0].lacp));
	assert_int_equal(lacp_status(nodes[0].lacp), LACP_CONFIGURED);
	assert_true(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_true(lacp_member_may_enable(nodes[0].lacp, 2));
	/* Still sending LACPDUs, in case a partner appears. */
	assert_true(nodes[0].n_sent > 0);

	/* A partner appears on both links: LACP takes over from the fallback. */
	node_init(1, 2);
	lacp_set_fast(nodes[1].lacp, true);
	node_members(1, 2, 0);
	link_add(0, 1, 1, 1);
	link_add(0, 2, 1, 2);
	run_until_enabled(4 * S);
	run(S);
	assert_false(lacp_fallback_ab_active(nodes[0].lacp));
	assert_negotiated_pair();
}

static void
test_keys_differ(void **state)
{
	unsigned attached = 0, m;
	uint64_t gen;

	(void)state;
	/* Node 0's two links go to two bonds of one system (the same MAC), keys 10 and 20. */
	node_init(0, 1);
	node_init(1, 2);
	node_init(2, 2);
	node_members(0, 2, 0);
	node_members(1, 2, 10);
	node_members(2, 2, 20);
	lacp_set_fast(nodes[0].lacp, true);
	link_add(0, 1, 1, 1);
	link_add(0, 2, 2, 1);
	run(5 * S);

	assert_int_equal(lacp_status(nodes[0].lacp), LACP_NEGOTIATED);
	for (m = 1; m <= 2; m++) {
		assert_int_equal(lacp_member_status(nodes[0].lacp, m), LACP_CURRENT);
		assert_int_equal(lacp_member_is_attached(nodes[0].lacp, m),
			lacp_member_may_enable(nodes[0].lacp, m));
		attached += lacp_member_is_attached(nodes[0].lacp, m);
	}
	assert_int_equal(attached, 1);
	/* Member 1 has the better port id (node 0 has the better system): its key wins. */
	assert_true(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_true(lacp_member_may_enable(nodes[1].lacp, 1));
	assert_false(lacp_member_may_enable(nodes[2].lacp, 1));

	/* Stable: no flapping between the two. */
	gen = lacp_state_gen(nodes[0].lacp);
	run(30 * S);
	assert_int_equal(lacp_state_gen(nodes[0].lacp), gen);
	assert_true(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_false(lacp_member_may_enable(nodes[0].lacp, 2));
}

/* A LACPDU as node 1's member 1 would send it, with the actor key given. */
static void
hostile_pdu(uint8_t *buf, uint16_t key, const uint8_t sys_id[6])
{
	struct lacp_pdu pdu;

	memset(&pdu, 0, sizeof pdu);
	pdu.actor = (struct lacp_info){LACP_DEFAULT_SYS_PRIORITY, {0}, key, 65535, 11,
		LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION |
			LACP_STATE_SYNC};
	memcpy(pdu.actor.sys_id, sys_id, 6);
	lacp_pdu_encode(&pdu, buf);
}

static void
test_hostile(void **state)
{
	struct lacp_member_stats st0, st;
	uint8_t buf[LACP_PDU_LEN + 1];
	uint64_t gen;
	unsigned i, sent;

	(void)state;
	pair_init(true, true, true, true);
	run_until_enabled(3 * S);
	run(S);
	gen = lacp_state_gen(nodes[0].lacp);
	assert_int_equal(lacp_member_get_stats(nodes[0].lacp, 1, &st0), 0);

	/* Malformed: counted, nothing changes. */
	memcpy(buf, golden_pdu, LACP_PDU_LEN);
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, 50), -EINVAL);
	buf[1] = 9;
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, LACP_PDU_LEN), -EINVAL);
	buf[1] = 1;
	buf[3] = 0;
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, LACP_PDU_LEN), -EINVAL);
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, 0), -EINVAL);
	assert_int_equal(lacp_received(nodes[0].lacp, 9, golden_pdu, LACP_PDU_LEN), -ENOENT);
	/* A marker PDU is counted apart, and not answered. */
	buf[0] = LACP_SUBTYPE_MARKER;
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, LACP_PDU_LEN), 0);
	assert_int_equal(lacp_member_get_stats(nodes[0].lacp, 1, &st), 0);
	assert_int_equal(st.rx_bad, st0.rx_bad + 4);
	assert_int_equal(st.rx_marker, st0.rx_marker + 1);
	assert_int_equal(st.rx_pdus, st0.rx_pdus + 5);
	assert_int_equal(lacp_state_gen(nodes[0].lacp), gen);
	assert_int_equal(q_len, 0);
	assert_negotiated_pair();

	/* A flood whose key flaps on every LACPDU: bounded work, bounded answers. */
	sent = nodes[0].n_sent;
	for (i = 0; i < 10000; i++) {
		hostile_pdu(buf, (uint16_t)(i & 1 ? 11 : 99), nodes[1].mac);
		assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, LACP_PDU_LEN), 0);
		q_head = q_len = 0; /* Dropped on the floor: the flood does not hear back. */
	}
	assert_true(nodes[0].n_sent - sent <= LACP_TX_MAX_PER_FAST * 2);
	/* The flood stops: the real partner takes over again. */
	run(5 * S);
	assert_negotiated_pair();

	/* Our own LACPDU looped back: never attaches. */
	hostile_pdu(buf, 11, nodes[0].mac);
	links[0].up = false;
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, LACP_PDU_LEN), 0);
	assert_false(lacp_member_is_attached(nodes[0].lacp, 1));
	assert_false(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_true(lacp_member_may_enable(nodes[0].lacp, 2));
}

static void
test_carrier(void **state)
{
	struct lacp_member_stats st;
	uint8_t buf[LACP_PDU_LEN];

	(void)state;
	pair_init(true, true, true, true);
	run_until_enabled(3 * S);
	run(S);

	/* Carrier down: the partner expires at once, nothing is sent on the member any more. */
	links[0].up = false;
	assert_int_equal(lacp_member_set_carrier(nodes[0].lacp, 1, false), 0);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_EXPIRED);
	assert_false(lacp_member_may_enable(nodes[0].lacp, 1));
	run(10 * S);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_DEFAULTED);
	assert_int_equal(lacp_member_get_stats(nodes[0].lacp, 1, &st), 0);
	assert_int_equal(st.carrier_changed, 2);

	/* A LACPDU before the carrier is seen up: counted, ignored. */
	hostile_pdu(buf, 11, nodes[1].mac);
	assert_int_equal(lacp_received(nodes[0].lacp, 1, buf, sizeof buf), 0);
	assert_int_equal(lacp_member_status(nodes[0].lacp, 1), LACP_DEFAULTED);
	assert_int_equal(lacp_member_get_stats(nodes[0].lacp, 1, &st), 0);
	assert_int_equal(st.rx_bad, 0);

	/* Carrier back: renegotiates. */
	links[0].up = true;
	assert_int_equal(lacp_member_set_carrier(nodes[0].lacp, 1, true), 0);
	run_until_enabled(3 * S);
	run(S);
	assert_negotiated_pair();

	/* The far member 2 goes away: member 1 carries on alone, member 2 defaults. */
	links[1].up = false;
	assert_int_equal(lacp_member_del(nodes[1].lacp, 2), 0);
	run(5 * S);
	assert_true(lacp_member_may_enable(nodes[0].lacp, 1));
	assert_false(lacp_member_may_enable(nodes[0].lacp, 2));
	assert_true(lacp_member_may_enable(nodes[1].lacp, 1));
}

static void
test_config(void **state)
{
	struct lacp *lacp;
	struct ds err = DS_INIT;
	struct lacp_member_stats st;

	(void)state;
	lacp = node_init(0, 1);
	assert_int_equal(lacp_member_add(lacp, 1, "p1", 0, 1, 0), -EINVAL);
	assert_int_equal(lacp_member_add(lacp, 1, "p1", 65536, 1, 0), -EINVAL);
	assert_int_equal(lacp_member_add(lacp, 1, "p1", 1, 0, 0), -EINVAL);
	assert_int_equal(lacp_member_add(lacp, 1, "p1", 1, 1, 65536), -EINVAL);
	assert_int_equal(lacp_member_add(lacp, 1, "p1", 1, 1, 0), 0);
	assert_int_equal(lacp_member_add(lacp, 1, "p1", 1, 1, 0), -EEXIST);
	assert_int_equal(lacp_member_set(lacp, 2, 1, 1, 0), -ENOENT);
	assert_int_equal(lacp_member_set(lacp, 1, 0, 1, 0), -EINVAL);
	assert_int_equal(lacp_member_set(lacp, 1, 5, 1, 0), 0);
	assert_int_equal(lacp_member_set_carrier(lacp, 2, true), -ENOENT);
	assert_int_equal(lacp_member_get_stats(lacp, 2, &st), -ENOENT);
	assert_int_equal(lacp_set_system_priority(lacp, 0, &err), -EINVAL);
	assert_non_null(strstr(ds_cstr(&err), "65535"));
	assert_int_equal(lacp_set_system_priority(lacp, 65536, NULL), -EINVAL);
	assert_int_equal(lacp_set_system_priority(lacp, 100, NULL), 0);
	/* The bond's key is the first member's (its port id, key 0), then the next one's. */
	assert_int_equal(lacp_member_add(lacp, 2, "p2", 7, 1, 0), 0);
	lacp_format(lacp, &err);
	assert_non_null(strstr(ds_cstr(&err), "  aggregation key: 5\n"));
	assert_int_equal(lacp_member_del(lacp, 1), 0);
	assert_int_equal(lacp_member_del(lacp, 1), -ENOENT);
	ds_clear(&err);
	lacp_format(lacp, &err);
	assert_non_null(strstr(ds_cstr(&err), "  aggregation key: 7\n"));
	assert_int_equal(lacp_member_set(lacp, 2, 7, 1, 300), 0);
	ds_clear(&err);
	lacp_format(lacp, &err);
	assert_non_null(strstr(ds_cstr(&err), "  aggregation key: 300\n"));
	assert_int_equal(lacp_status(NULL), LACP_DISABLED);
	assert_string_equal(lacp_status_name(LACP_DISABLED), "off");
	assert_string_equal(lacp_status_name(LACP_NEGOTIATED), "negotiated");
	assert_false(lacp_member_may_enable(lacp, 1));
	ds_destroy(&err);
}

static void
test_format(void **state)
{
	struct ds out = DS_INIT;
	static const char want[] =
		"---- bond0 ----\n"
		"  status: active negotiated\n"
		"  sys_id: 02:00:00:00:00:01\n"
		"  sys_priority: 65534\n"
		"  aggregation key: 1\n"
		"  lacp_time: fast\n"
		"\n"
		"member: p1: current attached\n"
		"  port_id: 1\n"
		"  port_priority: 65535\n"
		"  may_enable: true\n"
		"\n"
		"  actor sys_id: 02:00:00:00:00:01\n"
		"  actor sys_priority: 65534\n"
		"  actor port_id: 1\n"
		"  actor port_priority: 65535\n"
		"  actor key: 1\n"
		"  actor state: activity timeout aggregation synchronized collecting "
		"distributing\n"
		"\n"
		"  partner sys_id: 02:00:00:00:00:02\n"
		"  partner sys_priority: 65534\n"
		"  partner port_id: 11\n"
		"  partner port_priority: 65535\n"
		"  partner key: 11\n"
		"  partner state: activity timeout aggregation synchronized collecting "
		"distributing\n"
		"\n"
		"member: p2: current attached\n";
	static const char want_stats[] = "---- bond0 statistics ----\n"
					 "\n"
					 "member: p1:\n"
					 "  TX PDUs: ";

	(void)state;
	pair_init(true, true, true, true);
	run_until_enabled(3 * S);
	run(S);
	lacp_format(nodes[0].lacp, &out);
	assert_true(out.len > sizeof want - 1);
	assert_memory_equal(ds_cstr(&out), want, sizeof want - 1);
	ds_clear(&out);
	lacp_format_stats(nodes[0].lacp, &out);
	assert_memory_equal(ds_cstr(&out), want_stats, sizeof want_stats - 1);
	assert_non_null(strstr(ds_cstr(&out), "  RX Bad PDUs: 0\n  RX Marker Request PDUs: 0\n"
					      "  Link Expired: 0\n  Link Defaulted: 0\n"
					      "  Carrier Status Changed: 1\n\nmember: p2:\n"));
	ds_destroy(&out);

	/* A passive bond with no member. */
	lacp_destroy(nodes[0].lacp);
	nodes[0].lacp = lacp_create("bond9", nodes[0].mac, send_cb, &nodes[0]);
	lacp_set_active(nodes[0].lacp, false);
	lacp_format(nodes[0].lacp, &out);
	assert_string_equal(ds_cstr(&out), "---- bond9 ----\n"
					   "  status: passive\n"
					   "  sys_id: 02:00:00:00:00:01\n"
					   "  sys_priority: 65534\n"
					   "  aggregation key: none\n"
					   "  lacp_time: slow\n");
	ds_destroy(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdu_golden),
		cmocka_unit_test(test_pdu_refusals),
		cmocka_unit_test_setup_teardown(test_active_active_fast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_active_active_slow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_active_passive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passive_passive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turned_passive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partner_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_ab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_differ, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carrier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
