/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the 802.1D-2004 rapid spanning tree engine, fed scripted BPDUs and time only:
 * the wire format against bytes laid out by hand from clause 9, a lone bridge's edge ports,
 * two engines wired back to back over two links (proposal and agreement, the alternate port,
 * rapid failover, a priority change), fallback to 802.1D BPDUs and mcheck, admin edge, the
 * transmit hold count, a bridge wired to itself, hostile BPDUs and the configuration checks.
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
#include "rstp.h"
#include "stp.h"

#define S 1000u /* A second, in rstp_tick()'s milliseconds. */
#define MAX_NODES 3
#define MAX_LOG 512
#define MAX_QUEUE 256
#define MAX_LINKS 4

/* A BPDU a bridge sent. */
struct sent {
	unsigned port;               /* Where. */
	uint8_t bpdu[RSTP_BPDU_LEN]; /* What (the LLC payload). */
	size_t len;                  /* Its length. */
};

/* A bridge under test. */
struct node {
	struct rstp *rstp;        /* The engine. */
	uint8_t mac[6];           /* Source MAC of its frames. */
	struct sent log[MAX_LOG]; /* BPDUs sent, oldest first (then dropped). */
	unsigned n_log;           /* Entries in log. */
};

/* A point-to-point link between two ports (of two bridges, or of one). */
struct link {
	int a, b;        /* Node indexes. */
	unsigned pa, pb; /* Their ports. */
	bool up;         /* Frames cross it. */
};

/* A frame on the wire, waiting to be delivered. */
struct frame {
	int from;                        /* Sending node. */
	unsigned port;                   /* Its port. */
	uint8_t data[STP_FRAME_MAX_LEN]; /* The 802.3 frame. */
	size_t len;                      /* Its length. */
};

static struct node nodes[MAX_NODES];
static struct link links[MAX_LINKS];
static unsigned n_links;
static struct frame queue[MAX_QUEUE];
static unsigned q_head, q_len;

static void
send_cb(unsigned port_no, const void *bpdu, size_t len, void *aux)
{
	struct node *n = aux;
	struct frame *f;

	assert_true(len == RSTP_BPDU_LEN || len == STP_CONFIG_BPDU_LEN || len == STP_TCN_BPDU_LEN);
	if (n->n_log < MAX_LOG) {
		n->log[n->n_log].port = port_no;
		memcpy(n->log[n->n_log].bpdu, bpdu, len);
		n->log[n->n_log].len = len;
		n->n_log++;
	}
	/* Queued, not delivered here: the engine must not be called back from its callback. */
	assert_true(q_len < MAX_QUEUE);
	f = &queue[(q_head + q_len++) % MAX_QUEUE];
	f->from = (int)(n - nodes);
	f->port = port_no;
	f->len = stp_frame_build(f->data, n->mac, bpdu, len);
}

static uint64_t
bridge_id(uint16_t priority, uint8_t last)
{
	return (uint64_t)priority << 48 | 0x020000000000ull | last;
}

/* Node i, bridge identifier priority.02:00:00:00:00:(i + 1), ports 1..n_ports of cost 2000. */
static struct rstp *
node_init(int i, uint16_t priority, unsigned n_ports)
{
	struct node *n = &nodes[i];
	unsigned p;

	memset(n, 0, sizeof *n);
	memcpy(n->mac, (uint8_t[6]){0x02, 0, 0, 0, 0, (uint8_t)(i + 1)}, 6);
	n->rstp = rstp_create("br0", bridge_id(priority, (uint8_t)(i + 1)), send_cb, n);
	for (p = 1; p <= n_ports; p++)
		assert_int_equal(rstp_port_add(n->rstp, p, RSTP_DEFAULT_PORT_PRIORITY,
					 RSTP_DEFAULT_PATH_COST),
			0);
	return n->rstp;
}

static int
setup(void **state)
{
	memset(nodes, 0, sizeof nodes);
	n_links = 0;
	q_head = q_len = 0;
	return 0;
}

static int
teardown(void **state)
{
	int i;

	for (i = 0; i < MAX_NODES; i++)
		rstp_destroy(nodes[i].rstp);
	memset(nodes, 0, sizeof nodes);
	return 0;
}

static struct link *
link_add(int a, unsigned pa, int b, unsigned pb)
{
	links[n_links] = (struct link){a, b, pa, pb, true};
	return &links[n_links++];
}

/* Hands each queued frame to the far end of its link (down or none: lost), until none left. */
static void
deliver(void)
{
	unsigned guard = 0;

	while (q_len) {
		struct frame f = queue[q_head];
		const void *bpdu;
		size_t len;
		unsigned i;

		q_head = (q_head + 1) % MAX_QUEUE;
		q_len--;
		assert_true(++guard < 10000); /* BPDUs answering BPDUs must die out. */
		assert_int_equal(stp_frame_parse(f.data, f.len, &bpdu, &len), 0);
		for (i = 0; i < n_links; i++) {
			struct link *l = &links[i];

			if (!l->up)
				continue;
			if (l->a == f.from && l->pa == f.port)
				rstp_received(nodes[l->b].rstp, l->pb, bpdu, len);
			else if (l->b == f.from && l->pb == f.port)
				rstp_received(nodes[l->a].rstp, l->pa, bpdu, len);
		}
	}
}

/* Runs the LAN for ms, in 100 ms ticks as the daemon will. */
static void
run(unsigned ms)
{
	unsigned t;
	int i;

	for (t = 0; t < ms; t += 100) {
		for (i = 0; i < MAX_NODES; i++)
			if (nodes[i].rstp)
				rstp_tick(nodes[i].rstp, 100);
		deliver();
	}
}

/* For tests of one bridge: BPDUs it sent are logged, never delivered. */
static void
drop_queue(void)
{
	q_head = q_len = 0;
}

static void
tick_alone(struct rstp *rstp, unsigned ms)
{
	unsigned t;

	for (t = 0; t < ms; t += 100)
		rstp_tick(rstp, 100);
	drop_queue();
}

/* A BPDU from another bridge, as its LLC payload: RST (with flags) or configuration. */
static size_t
bpdu(uint8_t *buf, uint8_t type, uint64_t root, uint32_t cost, uint64_t bridge, uint16_t port,
	uint8_t flags)
{
	struct rstp_bpdu b = {
		.type = type,
		.flags = flags,
		.root_id = root,
		.root_path_cost = cost,
		.bridge_id = bridge,
		.port_id = port,
		.message_age = 0,
		.max_age = 20 * 256,
		.hello_time = 2 * 256,
		.forward_delay = 15 * 256,
	};
	return rstp_bpdu_encode(&b, buf);
}

static unsigned
count_sent(const struct node *n, unsigned from, unsigned port, size_t len)
{
	unsigned i, c = 0;

	for (i = from; i < n->n_log; i++)
		if (n->log[i].port == port && n->log[i].len == len)
			c++;
	return c;
}

/* The last BPDU n sent on port. */
static const struct sent *
last_sent(const struct node *n, unsigned port)
{
	unsigned i;

	for (i = n->n_log; i-- > 0;)
		if (n->log[i].port == port)
			return &n->log[i];
	fail();
	return NULL;
}

/* Wire format. */

static void
test_encode_decode(void **state)
{
	/* 9.3.3, octet by octet: a designated port proposing, learning, with TC; root
	 * 4096.02:00:00:00:00:01 at cost 2000 through bridge 32768.02:00:00:00:00:02 port 0x8003;
	 * age 1 s, max age 20 s, hello 2 s, forward delay 15 s, in 1/256 s. */
	static const uint8_t want[RSTP_BPDU_LEN] = {
		0x00, 0x00,                                     /* Protocol identifier. */
		0x02,                                           /* Version: RSTP. */
		0x02,                                           /* Type: RST. */
		0x1f,                                           /* Learning, designated, P, TC. */
		0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* Root identifier. */
		0x00, 0x00, 0x07, 0xd0,                         /* Root path cost. */
		0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* Bridge identifier. */
		0x80, 0x03,                                     /* Port identifier. */
		0x01, 0x00,                                     /* Message age. */
		0x14, 0x00,                                     /* Max age. */
		0x02, 0x00,                                     /* Hello time. */
		0x0f, 0x00,                                     /* Forward delay. */
		0x00,                                           /* Version 1 length. */
	};
	struct rstp_bpdu b = {
		.type = RSTP_TYPE_RST,
		.flags = RSTP_FLAG_LEARNING | RSTP_FLAG_ROLE_DESIGNATED << RSTP_FLAG_ROLE_SHIFT |
			 RSTP_FLAG_PROPOSAL | RSTP_FLAG_TC,
		.root_id = bridge_id(4096, 1),
		.root_path_cost = 2000,
		.bridge_id = bridge_id(32768, 2),
		.port_id = 0x8003,
		.message_age = 256,
		.max_age = 20 * 256,
		.hello_time = 2 * 256,
		.forward_delay = 15 * 256,
	};
	struct rstp_bpdu d, tcn = {.type = STP_TYPE_TCN};
	uint8_t buf[RSTP_BPDU_LEN];
	const char *why = NULL;

	assert_int_equal(rstp_bpdu_encode(&b, buf), RSTP_BPDU_LEN);
	assert_memory_equal(buf, want, sizeof want);
	assert_int_equal(rstp_bpdu_decode(want, sizeof want, &d, &why), 0);
	assert_int_equal(d.type, RSTP_TYPE_RST);
	assert_int_equal(d.version, RSTP_VERSION);
	assert_int_equal(d.flags, b.flags);
	assert_int_equal(d.root_id, b.root_id);
	assert_int_equal(d.root_path_cost, b.root_path_cost);
	assert_int_equal(d.bridge_id, b.bridge_id);
	assert_int_equal(d.port_id, b.port_id);
	assert_int_equal(d.message_age, b.message_age);
	assert_int_equal(d.max_age, b.max_age);
	assert_int_equal(d.hello_time, b.hello_time);
	assert_int_equal(d.forward_delay, b.forward_delay);

	/* A configuration BPDU: version 0, 35 bytes, only TC and TCA among the flags. */
	b.type = STP_TYPE_CONFIG;
	b.flags |= RSTP_FLAG_TCA;
	assert_int_equal(rstp_bpdu_encode(&b, buf), STP_CONFIG_BPDU_LEN);
	assert_memory_equal(buf + 5, want + 5, STP_CONFIG_BPDU_LEN - 5);
	assert_int_equal(buf[2], 0);
	assert_int_equal(buf[3], STP_TYPE_CONFIG);
	assert_int_equal(buf[4], RSTP_FLAG_TCA | RSTP_FLAG_TC);
	assert_int_equal(rstp_bpdu_decode(buf, STP_CONFIG_BPDU_LEN, &d, &why), 0);
	assert_int_equal(d.type, STP_TYPE_CONFIG);

	assert_int_equal(rstp_bpdu_encode(&tcn, buf), STP_TCN_BPDU_LEN);
	assert_memory_equal(buf, ((uint8_t[]){0, 0, 0, 0x80}), STP_TCN_BPDU_LEN);
	assert_int_equal(rstp_bpdu_decode(buf, STP_TCN_BPDU_LEN, &d, &why), 0);
	assert_int_equal(d.type, STP_TYPE_TCN);

	/* A later version's RST BPDU is read as version 2 (9.3.4), longer ones too. */
	memcpy(buf, want, sizeof want);
	buf[2] = 3;
	assert_int_equal(rstp_bpdu_decode(buf, sizeof buf, &d, &why), 0);
	assert_int_equal(d.version, 3);
}

static void
test_decode_refusals(void **state)
{
	uint8_t buf[RSTP_BPDU_LEN];
	struct rstp_bpdu d;
	const char *why;

	bpdu(buf, RSTP_TYPE_RST, bridge_id(32768, 9), 0, bridge_id(32768, 9), 0x8001, 0);
	why = NULL;
	assert_int_equal(rstp_bpdu_decode(buf, 3, &d, &why), -EINVAL);
	assert_string_equal(why, "shorter than a BPDU header");
	assert_int_equal(rstp_bpdu_decode(buf, RSTP_BPDU_LEN - 1, &d, &why), -EINVAL);
	assert_string_equal(why, "RST BPDU shorter than 36 bytes");
	buf[2] = 1;
	assert_int_equal(rstp_bpdu_decode(buf, sizeof buf, &d, &why), -EINVAL);
	assert_string_equal(why, "RST BPDU with a protocol version below 2");
	buf[2] = 2;
	buf[1] = 1;
	assert_int_equal(rstp_bpdu_decode(buf, sizeof buf, &d, &why), -EINVAL);
	assert_string_equal(why, "protocol identifier is not 0 (spanning tree)");
	buf[1] = 0;
	buf[3] = 0x55;
	assert_int_equal(rstp_bpdu_decode(buf, sizeof buf, &d, &why), -EINVAL);
	assert_string_equal(why, "unknown BPDU type");

	bpdu(buf, STP_TYPE_CONFIG, bridge_id(32768, 9), 0, bridge_id(32768, 9), 0x8001, 0);
	assert_int_equal(rstp_bpdu_decode(buf, STP_CONFIG_BPDU_LEN - 1, &d, &why), -EINVAL);
	assert_string_equal(why, "configuration BPDU shorter than 35 bytes");
	buf[27] = 20; /* Message age 20 s, max age 20 s. */
	assert_int_equal(rstp_bpdu_decode(buf, STP_CONFIG_BPDU_LEN, &d, &why), -EINVAL);
	assert_string_equal(why, "message age not below max age");
}

/* A lone bridge. */

/* Counts the state changes reported, and checks they are changes. */
static void
state_cb(unsigned port_no, enum rstp_state from, enum rstp_state to, void *aux)
{
	unsigned *n = aux;

	assert_true(port_no >= 1 && port_no <= 3);
	assert_true(from != to);
	(*n)++;
}

static void
test_lone_bridge(void **state)
{
	struct rstp *a = node_init(0, 32768, 3);
	unsigned p, changes = 0;
	uint64_t gen;

	rstp_set_state_callback(a, state_cb, &changes);
	assert_string_equal(rstp_name(a), "br0");
	assert_true(rstp_is_root(a));
	assert_int_equal(rstp_port_state(a, 1), RSTP_DISABLED);
	assert_int_equal(rstp_port_set_auto_edge(a, 3, false), 0);
	gen = rstp_state_gen(a);
	for (p = 1; p <= 3; p++)
		assert_int_equal(rstp_port_enable(a, p), 0);
	assert_int_equal(changes, 3); /* Disabled to discarding. */
	assert_true(rstp_state_gen(a) > gen);
	assert_int_equal(nodes[0].n_log, 3); /* One proposal on each port at once. */
	assert_int_equal(nodes[0].log[0].len, RSTP_BPDU_LEN);
	assert_int_equal(nodes[0].log[0].bpdu[4],
		RSTP_FLAG_ROLE_DESIGNATED << RSTP_FLAG_ROLE_SHIFT | RSTP_FLAG_PROPOSAL);
	for (p = 1; p <= 3; p++) {
		assert_int_equal(rstp_port_role(a, p), RSTP_ROLE_DESIGNATED);
		assert_int_equal(rstp_port_state(a, p), RSTP_DISCARDING);
		assert_false(rstp_port_is_edge(a, p));
	}
	assert_int_equal(rstp_root_port(a), 0);
	assert_int_equal(rstp_root_id(a), bridge_id(32768, 1));

	/* Nothing heard for the edge delay (migrate time on point to point): edge, forwarding. */
	tick_alone(a, 2 * S);
	assert_int_equal(rstp_port_state(a, 1), RSTP_DISCARDING);
	tick_alone(a, S);
	assert_true(rstp_port_is_edge(a, 1));
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_state(a, 2), RSTP_FORWARDING);
	assert_int_equal(changes, 3 + 4);      /* Through learning. */
	assert_false(rstp_topology_change(a)); /* Edge ports change no topology. */

	/* Without auto edge: max age (fdWhile from DISABLED_PORT), then a hello time each. */
	assert_false(rstp_port_is_edge(a, 3));
	tick_alone(a, 16 * S);
	assert_int_equal(rstp_port_state(a, 3), RSTP_DISCARDING);
	tick_alone(a, S);
	assert_int_equal(rstp_port_state(a, 3), RSTP_LEARNING);
	tick_alone(a, 2 * S);
	assert_int_equal(rstp_port_state(a, 3), RSTP_FORWARDING);
	assert_true(rstp_topology_change(a)); /* For a hello time plus one second. */
	tick_alone(a, 3 * S);
	assert_false(rstp_topology_change(a));

	/* Periodic hellos: one per hello time, the port's own hello (2 s) apart. */
	p = nodes[0].n_log;
	tick_alone(a, 10 * S);
	assert_int_equal(count_sent(&nodes[0], p, 1, RSTP_BPDU_LEN), 5);
}

/* Two bridges back to back. */

/* Bridge 0 (the root) and bridge 1 joined port 1 to port 1 and port 2 to port 2, all up. */
static void
two_bridges(void)
{
	struct rstp *a = node_init(0, 32768, 2), *b = node_init(1, 32768, 2);
	unsigned p;

	link_add(0, 1, 1, 1);
	link_add(0, 2, 1, 2);
	for (p = 1; p <= 2; p++) {
		rstp_port_set_auto_edge(a, p, false);
		rstp_port_set_auto_edge(b, p, false);
		rstp_port_enable(a, p);
		rstp_port_enable(b, p);
	}
	deliver();
}

static unsigned
count_role(enum rstp_role role)
{
	unsigned c = 0, p;
	int i;

	for (i = 0; i < MAX_NODES; i++)
		for (p = 1; nodes[i].rstp && p <= 2; p++)
			if (rstp_port_role(nodes[i].rstp, p) == role)
				c++;
	return c;
}

static void
test_two_bridges(void **state)
{
	struct rstp *a, *b;

	two_bridges();
	a = nodes[0].rstp;
	b = nodes[1].rstp;
	/* Proposal and agreement: everything settled before a second has passed. */
	run(900);
	assert_true(rstp_is_root(a));
	assert_false(rstp_is_root(b));
	assert_int_equal(rstp_root_id(b), rstp_bridge_id(a));
	assert_int_equal(rstp_root_port(b), 1);
	assert_int_equal(rstp_root_path_cost(b), RSTP_DEFAULT_PATH_COST);
	assert_int_equal(rstp_designated_id(b), rstp_bridge_id(a));
	assert_int_equal(rstp_designated_port_id(b), 0x8001);
	assert_int_equal(rstp_bridge_port_id(b), 0x8001);
	assert_int_equal(rstp_port_role(b, 1), RSTP_ROLE_ROOT);
	assert_int_equal(rstp_port_state(b, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_port_state(b, 2), RSTP_DISCARDING);
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(a, 2), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(a, 2), RSTP_FORWARDING);
	assert_int_equal(count_role(RSTP_ROLE_ALTERNATE), 1);
	assert_int_equal(rstp_port_designated_bridge_id(b, 2), rstp_bridge_id(a));
	assert_int_equal(rstp_port_designated_port_id(b, 2), 0x8002);
	assert_int_equal(rstp_port_designated_path_cost(b, 2), 0);
	assert_false(rstp_port_is_edge(b, 1));

	/* And it stays so: hellos keep the information, nothing ages out. */
	run(60 * S);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_port_state(b, 2), RSTP_DISCARDING);
	assert_int_equal(rstp_port_state(b, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_state(a, 2), RSTP_FORWARDING);
}

static void
test_failover(void **state)
{
	struct rstp *a, *b;

	two_bridges();
	a = nodes[0].rstp;
	b = nodes[1].rstp;
	run(10 * S);
	rstp_port_check_and_reset_flush(b, 1);
	rstp_port_check_and_reset_flush(b, 2);

	/* The root port's link goes down on both sides. */
	links[0].up = false;
	rstp_port_disable(a, 1);
	rstp_port_disable(b, 1);
	/* At once, with no time passing: the alternate is the root port, forwarding. */
	assert_int_equal(rstp_root_port(b), 2);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_ROOT);
	assert_int_equal(rstp_port_state(b, 2), RSTP_FORWARDING);
	assert_int_equal(rstp_port_state(b, 1), RSTP_DISABLED);
	assert_int_equal(rstp_port_role(b, 1), RSTP_ROLE_DISABLED);
	/* What was learnt on the old root port goes; the new one starts a topology change. */
	assert_true(rstp_port_check_and_reset_flush(b, 1));
	assert_false(rstp_port_check_and_reset_flush(b, 1));
	assert_true(rstp_topology_change(b));
	deliver();
	assert_int_equal(rstp_port_state(a, 2), RSTP_FORWARDING);

	/* The link back: port 1 is the root port again, port 2 the alternate. */
	links[0].up = true;
	rstp_port_enable(a, 1);
	rstp_port_enable(b, 1);
	deliver();
	run(900);
	assert_int_equal(rstp_root_port(b), 1);
	assert_int_equal(rstp_port_state(b, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_port_state(b, 2), RSTP_DISCARDING);
}

static void
test_priority_swap(void **state)
{
	struct rstp *a, *b;
	struct ds err = DS_INIT;

	two_bridges();
	a = nodes[0].rstp;
	b = nodes[1].rstp;
	run(5 * S);
	assert_int_equal(rstp_set_bridge_priority(b, 4096, &err), 0);
	deliver();
	run(5 * S);
	assert_true(rstp_is_root(b));
	assert_false(rstp_is_root(a));
	assert_int_equal(rstp_root_id(a), bridge_id(4096, 2));
	assert_int_equal(rstp_root_port(a), 1);
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_ROOT);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(a, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_port_state(a, 2), RSTP_DISCARDING);
	assert_int_equal(rstp_port_role(b, 1), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(b, 2), RSTP_FORWARDING);
	assert_int_equal(count_role(RSTP_ROLE_ALTERNATE), 1);
	ds_destroy(&err);
}

static void
test_three_bridges(void **state)
{
	struct rstp *a = node_init(0, 4096, 2), *b = node_init(1, 32768, 2),
		    *c = node_init(2, 32768, 2);
	unsigned p;
	int i;

	/* A triangle: a's ports to b and c, and b's port 2 to c's port 2. */
	link_add(0, 1, 1, 1);
	link_add(0, 2, 2, 1);
	link_add(1, 2, 2, 2);
	for (i = 0; i < 3; i++)
		for (p = 1; p <= 2; p++) {
			rstp_port_set_auto_edge(nodes[i].rstp, p, false);
			rstp_port_enable(nodes[i].rstp, p);
		}
	deliver();
	run(900);
	assert_true(rstp_is_root(a));
	assert_int_equal(rstp_root_port(b), 1);
	assert_int_equal(rstp_root_port(c), 1);
	/* b, the better of the two, is designated for their link; c's end is the alternate. */
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(b, 2), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(c, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_port_state(c, 2), RSTP_DISCARDING);
	assert_int_equal(count_role(RSTP_ROLE_ALTERNATE), 1);
	for (p = 1; p <= 2; p++)
		assert_int_equal(rstp_port_state(a, p), RSTP_FORWARDING);

	/* a-b goes down: b reaches the root through c, which turns designated towards b; b's
	 * proposal and agreement with c take no forward delay either. */
	links[0].up = false;
	rstp_port_disable(a, 1);
	rstp_port_disable(b, 1);
	deliver();
	run(900);
	assert_int_equal(rstp_root_id(b), rstp_bridge_id(a));
	assert_int_equal(rstp_root_port(b), 2);
	assert_int_equal(rstp_root_path_cost(b), 2 * RSTP_DEFAULT_PATH_COST);
	assert_int_equal(rstp_port_state(b, 2), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(c, 2), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(c, 2), RSTP_FORWARDING);
	assert_int_equal(count_role(RSTP_ROLE_ALTERNATE), 0);
	run(30 * S);
	assert_int_equal(rstp_root_port(b), 2);
	assert_int_equal(rstp_port_state(c, 2), RSTP_FORWARDING);
}

static void
test_topology_change_now(void **state)
{
	struct rstp *a, *b;

	two_bridges();
	a = nodes[0].rstp;
	b = nodes[1].rstp;
	run(10 * S); /* The start-up's topology changes are over. */
	assert_false(rstp_topology_change(a));
	rstp_port_check_and_reset_flush(a, 1);
	rstp_port_check_and_reset_flush(a, 2);
	rstp_topology_change_now(a);
	/* Each forwarding port tells its LAN and has the others flushed. */
	assert_true(rstp_topology_change(a));
	assert_true(rstp_port_check_and_reset_flush(a, 1));
	assert_true(rstp_port_check_and_reset_flush(a, 2));
	assert_true(last_sent(&nodes[0], 1)->bpdu[4] & RSTP_FLAG_TC);
	deliver();
	/* For a hello time plus one second only. */
	run(4 * S);
	assert_false(rstp_topology_change(a));
	assert_false(rstp_topology_change(b));
}

static void
test_shared_medium(void **state)
{
	struct rstp *a = node_init(0, 32768, 1), *b = node_init(1, 32768, 1);

	/* A shared LAN: an agreement means nothing, the designated port waits its delays. */
	link_add(0, 1, 1, 1);
	rstp_port_set_admin_p2p(a, 1, RSTP_P2P_FORCE_FALSE);
	rstp_port_enable(a, 1);
	rstp_port_enable(b, 1);
	deliver();
	run(5 * S);
	assert_int_equal(rstp_port_role(b, 1), RSTP_ROLE_ROOT);
	assert_int_equal(rstp_port_state(b, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(a, 1), RSTP_DISCARDING);
	assert_false(rstp_port_is_edge(a, 1)); /* Edge delay is max age there, and b speaks. */
	run(20 * S);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_set_admin_p2p(a, 2, RSTP_P2P_AUTO), -ENOENT);
}

/* Compatibility with 802.1D bridges. */

static void
test_fallback(void **state)
{
	struct rstp *a = node_init(0, 32768, 1);
	uint8_t buf[RSTP_BPDU_LEN];
	unsigned from;
	size_t len;

	rstp_port_enable(a, 1);
	tick_alone(a, 4 * S); /* Past the migration delay. */
	assert_true(rstp_port_sends_rstp(a, 1));
	/* An 802.1D bridge, worse than us, on the LAN. */
	len = bpdu(buf, STP_TYPE_CONFIG, bridge_id(61440, 9), 0, bridge_id(61440, 9), 0x8001, 0);
	assert_int_equal(rstp_received(a, 1, buf, len), 0);
	assert_false(rstp_port_sends_rstp(a, 1));
	assert_false(rstp_port_is_edge(a, 1));
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
	from = nodes[0].n_log;
	tick_alone(a, 4 * S);
	assert_true(count_sent(&nodes[0], from, 1, STP_CONFIG_BPDU_LEN) >= 2);
	assert_int_equal(count_sent(&nodes[0], from, 1, RSTP_BPDU_LEN), 0);
	assert_int_equal(nodes[0].log[nodes[0].n_log - 1].bpdu[3], STP_TYPE_CONFIG);
	assert_int_equal(nodes[0].log[nodes[0].n_log - 1].bpdu[2], 0);
	/* No RSTP peer speaks up: it stays 802.1D after the migration delay too. */
	tick_alone(a, 10 * S);
	assert_false(rstp_port_sends_rstp(a, 1));

	/* mcheck: RST BPDUs again, until an 802.1D BPDU is heard after the migration delay. */
	assert_int_equal(rstp_port_mcheck(a, 1), 0);
	assert_true(rstp_port_sends_rstp(a, 1));
	from = nodes[0].n_log;
	tick_alone(a, 2 * S);
	assert_true(count_sent(&nodes[0], from, 1, RSTP_BPDU_LEN) >= 1);
	assert_int_equal(count_sent(&nodes[0], from, 1, STP_CONFIG_BPDU_LEN), 0);
	assert_int_equal(rstp_port_mcheck(a, 2), -ENOENT);
}

static void
test_tcn_from_stp_neighbour(void **state)
{
	struct rstp *a = node_init(0, 32768, 2);
	uint8_t buf[RSTP_BPDU_LEN];
	const struct sent *last;
	size_t len;

	rstp_port_set_auto_edge(a, 2, false);
	rstp_port_enable(a, 1);
	rstp_port_enable(a, 2);
	tick_alone(a, 4 * S);
	len = bpdu(buf, STP_TYPE_CONFIG, bridge_id(61440, 9), 0, bridge_id(61440, 9), 0x8001, 0);
	rstp_received(a, 1, buf, len);
	tick_alone(a, 30 * S); /* Through listening and learning, 802.1D's way. */
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	rstp_port_check_and_reset_flush(a, 2);
	/* Its TCN is acknowledged in our next configuration BPDU and flushes the other port. */
	len = bpdu(buf, STP_TYPE_TCN, 0, 0, 0, 0, 0);
	assert_int_equal(rstp_received(a, 1, buf, len), 0);
	assert_true(rstp_topology_change(a));
	assert_int_equal(rstp_ageing_time(a), RSTP_DEFAULT_FORWARD_DELAY);
	/* 17.31 NOTIFIED_TC sets tcAck for the next hello (1998 answered at once). */
	tick_alone(a, 2 * S);
	last = last_sent(&nodes[0], 1);
	assert_int_equal(last->len, STP_CONFIG_BPDU_LEN);
	assert_int_equal(last->bpdu[4], RSTP_FLAG_TCA | RSTP_FLAG_TC);
	tick_alone(a, 2 * S);
	last = last_sent(&nodes[0], 1);
	assert_int_equal(last->bpdu[4], RSTP_FLAG_TC); /* Acknowledged once. */
	assert_true(rstp_port_check_and_reset_flush(a, 2));
}

/* Edge ports. */

static void
test_admin_edge(void **state)
{
	struct rstp *a = node_init(0, 32768, 1);
	uint8_t buf[RSTP_BPDU_LEN];
	size_t len;

	assert_int_equal(rstp_port_set_admin_edge(a, 1, true), 0);
	assert_int_equal(rstp_port_enable(a, 1), 0);
	assert_true(rstp_port_is_edge(a, 1));
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	/* A BPDU says a bridge is there after all: no longer an edge. */
	len = bpdu(buf, RSTP_TYPE_RST, bridge_id(61440, 9), 0, bridge_id(61440, 9), 0x8001,
		RSTP_FLAG_ROLE_DESIGNATED << RSTP_FLAG_ROLE_SHIFT);
	assert_int_equal(rstp_received(a, 1, buf, len), 0);
	assert_false(rstp_port_is_edge(a, 1));
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_set_admin_edge(a, 2, true), -ENOENT);
}

/* Transmission limits. */

static void
test_hold_count(void **state)
{
	struct rstp *a = node_init(0, 32768, 1);
	struct ds err = DS_INIT;

	assert_int_equal(rstp_set_transmit_hold_count(a, 2, &err), 0);
	assert_int_equal(rstp_transmit_hold_count(a), 2);
	rstp_port_enable(a, 1);
	assert_int_equal(count_sent(&nodes[0], 0, 1, RSTP_BPDU_LEN), 1);
	/* Three changes of what the port says within one second: one more BPDU only. */
	rstp_set_bridge_priority(a, 4096, &err);
	rstp_set_bridge_priority(a, 8192, &err);
	rstp_set_bridge_priority(a, 12288, &err);
	assert_int_equal(count_sent(&nodes[0], 0, 1, RSTP_BPDU_LEN), 2);
	/* The next second lets the latest word out. */
	tick_alone(a, S);
	assert_int_equal(count_sent(&nodes[0], 0, 1, RSTP_BPDU_LEN), 3);
	assert_int_equal(nodes[0].log[2].bpdu[5], 0x30); /* Root priority 12288. */
	ds_destroy(&err);
}

/* One bridge wired to itself. */

static void
test_self_loop(void **state)
{
	struct rstp *a = node_init(0, 32768, 2);
	struct rstp_port_stats st;
	uint8_t buf[RSTP_BPDU_LEN];
	size_t len;

	/* Its own BPDU back on the port that sent it changes nothing. */
	rstp_port_enable(a, 1);
	len = bpdu(buf, RSTP_TYPE_RST, rstp_bridge_id(a), 0, rstp_bridge_id(a), 0x8001,
		RSTP_FLAG_ROLE_DESIGNATED << RSTP_FLAG_ROLE_SHIFT | RSTP_FLAG_PROPOSAL);
	assert_int_equal(rstp_received(a, 1, buf, len), 0);
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
	rstp_port_get_stats(a, 1, &st);
	assert_int_equal(st.rx_count, 0);
	drop_queue();

	/* Ports 1 and 2 on one LAN: port 2 backs port 1 up. */
	link_add(0, 1, 0, 2);
	rstp_port_enable(a, 2);
	deliver();
	run(5 * S);
	assert_true(rstp_is_root(a));
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(a, 2), RSTP_ROLE_BACKUP);
	assert_int_equal(rstp_port_state(a, 2), RSTP_DISCARDING);
	assert_false(rstp_port_is_edge(a, 2));
}

/* Hostile input. */

static void
test_malformed(void **state)
{
	struct rstp *a = node_init(0, 32768, 1);
	struct rstp_port_stats st;
	uint8_t buf[RSTP_BPDU_LEN];
	uint64_t gen;
	size_t len;

	rstp_port_enable(a, 1);
	gen = rstp_state_gen(a);
	/* A superior root, but cut short, or with a foreign protocol identifier. */
	len = bpdu(buf, RSTP_TYPE_RST, bridge_id(0, 9), 0, bridge_id(0, 9), 0x8001,
		RSTP_FLAG_ROLE_DESIGNATED << RSTP_FLAG_ROLE_SHIFT);
	assert_int_equal(rstp_received(a, 1, buf, len - 1), -EINVAL);
	buf[0] = 0x42;
	assert_int_equal(rstp_received(a, 1, buf, len), -EINVAL);
	assert_int_equal(rstp_received(a, 1, buf, 2), -EINVAL);
	rstp_port_get_stats(a, 1, &st);
	assert_int_equal(st.error_count, 3);
	assert_int_equal(st.rx_count, 0);
	assert_true(rstp_is_root(a));
	assert_int_equal(rstp_state_gen(a), gen);
	assert_int_equal(rstp_received(a, 7, buf, len), -ENOENT);

	/* The same, well formed, is taken. */
	buf[0] = 0;
	assert_int_equal(rstp_received(a, 1, buf, len), 0);
	rstp_port_get_stats(a, 1, &st);
	assert_int_equal(st.rx_count, 1);
	assert_int_equal(rstp_root_id(a), bridge_id(0, 9));
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_ROOT);
	/* Nothing more heard: after three hellos the information ages out. */
	tick_alone(a, 7 * S);
	assert_true(rstp_is_root(a));
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);

	/* Well formed but as old as its max age: it says nothing, and the root stays. */
	len = bpdu(buf, RSTP_TYPE_RST, bridge_id(0, 9), 0, bridge_id(0, 9), 0x8001,
		RSTP_FLAG_ROLE_DESIGNATED << RSTP_FLAG_ROLE_SHIFT);
	buf[27] = 0;
	buf[28] = 0; /* Max age 0, message age 0. */
	buf[29] = 0;
	buf[30] = 0;
	assert_int_equal(rstp_received(a, 1, buf, len), 0);
	assert_true(rstp_is_root(a));
	assert_int_equal(rstp_port_role(a, 1), RSTP_ROLE_DESIGNATED);
}

/* A change of ForceProtocolVersion restarts the ports: they must forward again. */
static void
test_version_change(void **state)
{
	struct rstp *a, *b;

	two_bridges();
	a = nodes[0].rstp;
	b = nodes[1].rstp;
	run(10 * S);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_set_force_protocol_version(a, 0, NULL), 0);
	run(60 * S);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_state(b, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_set_force_protocol_version(a, 2, NULL), 0);
	run(60 * S);
	assert_int_equal(rstp_port_state(a, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_state(a, 2), RSTP_FORWARDING);
	assert_int_equal(rstp_port_state(b, 1), RSTP_FORWARDING);
	assert_int_equal(rstp_port_role(b, 2), RSTP_ROLE_ALTERNATE);
	assert_int_equal(rstp_port_state(b, 2), RSTP_DISCARDING);
}

/* Configuration. */

static void
test_config_checks(void **state)
{
	struct rstp *a = node_init(0, 32768, 1);
	struct ds err = DS_INIT;

	assert_int_equal(rstp_set_bridge_priority(a, 4097, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err),
		"rstp: bridge priority 4097 is not a multiple of 4096 in 0..61440");
	ds_clear(&err);
	assert_int_equal(rstp_set_bridge_priority(a, 65536, &err), -EINVAL);
	ds_clear(&err);
	assert_int_equal(rstp_set_times(a, 41, 30, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err), "rstp: max age 41 s is out of range (6..40 s)");
	ds_clear(&err);
	assert_int_equal(rstp_set_times(a, 20, 31, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err), "rstp: forward delay 31 s is out of range (4..30 s)");
	ds_clear(&err);
	assert_int_equal(rstp_set_times(a, 30, 10, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err),
		"rstp: max age 30 s needs a forward delay of at least 16 s "
		"(2 * (forward delay - 1) >= max age), not 10 s");
	ds_clear(&err);
	assert_int_equal(rstp_set_transmit_hold_count(a, 0, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err), "rstp: transmit hold count 0 is out of range (1..10)");
	ds_clear(&err);
	assert_int_equal(rstp_set_transmit_hold_count(a, 11, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err), "rstp: transmit hold count 11 is out of range (1..10)");
	ds_clear(&err);
	assert_int_equal(rstp_set_ageing_time(a, 9, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err), "rstp: ageing time 9 s is out of range (10..1000000 s)");
	ds_clear(&err);
	assert_int_equal(rstp_set_force_protocol_version(a, 1, &err), -EINVAL);
	assert_string_equal(ds_cstr(&err),
		"rstp: force protocol version 1 is neither 0 (STP compatibility) nor 2 (RSTP)");
	ds_clear(&err);

	/* Nothing refused changed anything; what is accepted shows. */
	assert_int_equal(rstp_bridge_id(a) >> 48, 32768);
	assert_int_equal(rstp_max_age(a), RSTP_DEFAULT_MAX_AGE);
	assert_int_equal(rstp_forward_delay(a), RSTP_DEFAULT_FORWARD_DELAY);
	assert_int_equal(rstp_hello_time(a), RSTP_DEFAULT_HELLO_TIME);
	assert_int_equal(rstp_transmit_hold_count(a), RSTP_DEFAULT_TRANSMIT_HOLD_COUNT);
	assert_int_equal(rstp_ageing_time(a), RSTP_DEFAULT_AGEING_TIME);
	assert_int_equal(rstp_set_times(a, 30, 16, &err), 0);
	assert_int_equal(rstp_max_age(a), 30);
	assert_int_equal(rstp_forward_delay(a), 16);
	assert_int_equal(rstp_set_ageing_time(a, 10, &err), 0);
	assert_int_equal(rstp_ageing_time(a), 10);
	assert_string_equal(ds_cstr(&err), "");

	/* STP compatibility on every port. */
	rstp_port_enable(a, 1);
	assert_int_equal(rstp_set_force_protocol_version(a, 0, &err), 0);
	assert_int_equal(rstp_force_protocol_version(a), 0);
	assert_false(rstp_port_sends_rstp(a, 1));
	assert_int_equal(nodes[0].log[nodes[0].n_log - 1].len, STP_CONFIG_BPDU_LEN);
	assert_int_equal(rstp_set_force_protocol_version(a, 2, &err), 0);
	assert_true(rstp_port_sends_rstp(a, 1));

	/* Ports. */
	assert_int_equal(rstp_port_add(a, 1, 128, 2000), -EEXIST);
	assert_int_equal(rstp_port_add(a, 0, 128, 2000), -EINVAL);
	assert_int_equal(rstp_port_add(a, RSTP_MAX_PORT + 1, 128, 2000), -EINVAL);
	assert_int_equal(rstp_port_add(a, 2, 129, 2000), -EINVAL);
	assert_int_equal(rstp_port_add(a, 2, 128, 0), -EINVAL);
	assert_int_equal(rstp_port_add(a, 2, 128, 200000001), -EINVAL);
	assert_int_equal(rstp_port_add(a, RSTP_MAX_PORT, 240, 200000000), 0);
	assert_int_equal(rstp_port_id(a, RSTP_MAX_PORT), 0xffff);
	assert_int_equal(rstp_port_set_priority(a, 1, 250), -EINVAL);
	assert_int_equal(rstp_port_set_priority(a, 1, 16), 0);
	assert_int_equal(rstp_port_id(a, 1), 0x1001);
	assert_int_equal(rstp_port_set_path_cost(a, 1, 0), -EINVAL);
	assert_int_equal(rstp_port_set_path_cost(a, 1, 20000), 0);
	assert_int_equal(rstp_port_path_cost(a, 1), 20000);
	assert_int_equal(rstp_port_set_path_cost(a, 9, 20000), -ENOENT);
	assert_int_equal(rstp_port_del(a, RSTP_MAX_PORT), 0);
	assert_int_equal(rstp_port_del(a, RSTP_MAX_PORT), -ENOENT);
	assert_int_equal(rstp_port_id(a, RSTP_MAX_PORT), 0);
	assert_int_equal(rstp_path_cost_for_speed(10000), 2000);
	assert_int_equal(rstp_path_cost_for_speed(100), 200000);
	assert_int_equal(rstp_path_cost_for_speed(0), RSTP_DEFAULT_PATH_COST);
	assert_string_equal(rstp_state_name(RSTP_DISCARDING), "Discarding");
	assert_string_equal(rstp_role_name(RSTP_ROLE_BACKUP), "Backup");
	assert_true(rstp_forward_in_state(RSTP_FORWARDING));
	assert_false(rstp_forward_in_state(RSTP_LEARNING));
	assert_true(rstp_learn_in_state(RSTP_LEARNING));
	assert_false(rstp_learn_in_state(RSTP_DISCARDING));
	ds_destroy(&err);
}

/* rstp/show. */

static void
test_format(void **state)
{
	static const char want_root[] = "---- br0 ----\n"
					"Root ID:\n"
					"  stp-priority    32768\n"
					"  stp-system-id   02:00:00:00:00:01\n"
					"  stp-hello-time  2s\n"
					"  stp-max-age     20s\n"
					"  stp-fwd-delay   15s\n"
					"  This bridge is the root\n"
					"\n"
					"Bridge ID:\n"
					"  stp-priority    32768\n"
					"  stp-system-id   02:00:00:00:00:01\n"
					"  stp-hello-time  2s\n"
					"  stp-max-age     20s\n"
					"  stp-fwd-delay   15s\n"
					"\n"
					"  Interface  Role       State      Cost     Pri.Nbr \n"
					"  ---------- ---------- ---------- -------- -------\n"
					"  p1         Designated Forwarding 2000     128.1\n"
					"  p2         Designated Forwarding 2000     128.2\n"
					"\n";
	static const char want_other[] = "---- br0 ----\n"
					 "Root ID:\n"
					 "  stp-priority    32768\n"
					 "  stp-system-id   02:00:00:00:00:01\n"
					 "  stp-hello-time  2s\n"
					 "  stp-max-age     20s\n"
					 "  stp-fwd-delay   15s\n"
					 "  root-port       eth-one-long-name\n"
					 "  root-path-cost  2000\n"
					 "\n"
					 "Bridge ID:\n"
					 "  stp-priority    32768\n"
					 "  stp-system-id   02:00:00:00:00:02\n"
					 "  stp-hello-time  2s\n"
					 "  stp-max-age     20s\n"
					 "  stp-fwd-delay   15s\n"
					 "\n"
					 "  Interface  Role       State      Cost     Pri.Nbr \n"
					 "  ---------- ---------- ---------- -------- -------\n"
					 "  eth-one-lo Root       Forwarding 2000     128.1\n"
					 "\n";
	struct ds out = DS_INIT;
	struct rstp *a, *b;

	two_bridges();
	a = nodes[0].rstp;
	b = nodes[1].rstp;
	rstp_port_set_name(a, 1, "p1");
	rstp_port_set_name(a, 2, "p2");
	rstp_port_set_name(b, 1, "eth-one-long-name");
	rstp_port_set_name(b, 2, "q2");
	assert_int_equal(rstp_port_set_name(b, 3, "x"), -ENOENT);
	run(S);
	rstp_format(a, &out);
	assert_string_equal(ds_cstr(&out), want_root);
	ds_clear(&out);
	rstp_port_disable(b, 2); /* Not shown: disabled. */
	rstp_format(b, &out);
	assert_string_equal(ds_cstr(&out), want_other);
	ds_destroy(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test_setup_teardown(test_lone_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_bridges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_bridges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_change_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_medium, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcn_from_stp_neighbour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
