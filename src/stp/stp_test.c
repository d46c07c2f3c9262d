/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the 802.1D spanning tree engine, fed scripted BPDUs and time only: the wire
 * format against bytes laid out by hand from clause 9, each transition of the port state
 * machine, root election among two and three bridges joined by an in-test wire, topology
 * change notification and its acknowledgment, hostile BPDUs, and the configuration checks.
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
#include "stp.h"

#define S 1000u /* A second, in stp_tick()'s milliseconds. */
#define MAX_NODES 3
#define MAX_LOG 512
#define MAX_QUEUE 256
#define MAX_LINKS 4
#define MAX_TRANSITIONS 64

/* A BPDU a bridge sent. */
struct sent {
	unsigned port;                     /* Where. */
	uint8_t bpdu[STP_CONFIG_BPDU_LEN]; /* What (the LLC payload). */
	size_t len;                        /* Its length. */
};

/* A port state change the engine reported. */
struct transition {
	unsigned port;           /* Which port. */
	enum stp_state from, to; /* Old and new state. */
};

/* A bridge under test. */
struct node {
	struct stp *stp;                          /* The engine. */
	uint8_t mac[6];                           /* Source MAC of its frames. */
	struct sent log[MAX_LOG];                 /* BPDUs sent, oldest first (then dropped). */
	unsigned n_log;                           /* Entries in log. */
	struct transition trans[MAX_TRANSITIONS]; /* State changes, oldest first. */
	unsigned n_trans;                         /* Entries in trans. */
};

/* A point-to-point link between two bridges' ports. */
struct link {
	int a, b;        /* Node indexes. */
	unsigned pa, pb; /* Their ports. */
};

/* A frame on the wire, waiting to be delivered. */
struct frame {
	int from;                        /* Sending node. */
	unsigned port;                   /* Its port. */
	uint8_t data[STP_FRAME_MAX_LEN]; /* The 802.3 frame. */
	size_t len;                      /* Its length. */
};

/* The LAN the tests build: nodes, links, and frames in flight. */
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

	assert_true(len == STP_CONFIG_BPDU_LEN || len == STP_TCN_BPDU_LEN);
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

static void
state_cb(unsigned port_no, enum stp_state from, enum stp_state to, void *aux)
{
	struct node *n = aux;

	assert_true(n->n_trans < MAX_TRANSITIONS);
	n->trans[n->n_trans++] = (struct transition){port_no, from, to};
}

static uint64_t
bridge_id(uint16_t priority, uint8_t last)
{
	return (uint64_t)priority << 48 | 0x020000000000ull | last;
}

/* Node i, bridge identifier priority.02:00:00:00:00:(i + 1), ports 1..n_ports of cost 19. */
static struct stp *
node_init(int i, uint16_t priority, unsigned n_ports)
{
	struct node *n = &nodes[i];
	unsigned p;

	memset(n, 0, sizeof *n);
	memcpy(n->mac, (uint8_t[6]){0x02, 0, 0, 0, 0, (uint8_t)(i + 1)}, 6);
	n->stp = stp_create("br", bridge_id(priority, (uint8_t)(i + 1)), send_cb, n);
	stp_set_state_callback(n->stp, state_cb, n);
	for (p = 1; p <= n_ports; p++)
		assert_int_equal(stp_port_add(n->stp, p, STP_DEFAULT_PORT_PRIORITY, 19), 0);
	return n->stp;
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
		stp_destroy(nodes[i].stp);
	memset(nodes, 0, sizeof nodes);
	return 0;
}

static void
link_add(int a, unsigned pa, int b, unsigned pb)
{
	links[n_links++] = (struct link){a, b, pa, pb};
}

/* Hands each queued frame to the far end of its link (none: it is lost), until none is left. */
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

			if (l->a == f.from && l->pa == f.port)
				stp_received(nodes[l->b].stp, l->pb, bpdu, len);
			else if (l->b == f.from && l->pb == f.port)
				stp_received(nodes[l->a].stp, l->pa, bpdu, len);
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
			if (nodes[i].stp)
				stp_tick(nodes[i].stp, 100);
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
tick_alone(struct stp *stp, unsigned ms)
{
	unsigned t;

	for (t = 0; t < ms; t += 100)
		stp_tick(stp, 100);
	drop_queue();
}

/* A configuration BPDU from another bridge, as its LLC payload. */
static size_t
config(uint8_t *buf, uint64_t root, uint32_t cost, uint64_t bridge, uint16_t port, uint16_t age_s,
	uint8_t flags)
{
	struct stp_bpdu b = {
		.type = STP_TYPE_CONFIG,
		.flags = flags,
		.root_id = root,
		.root_path_cost = cost,
		.bridge_id = bridge,
		.port_id = port,
		.message_age = age_s * 256,
		.max_age = 20 * 256,
		.hello_time = 2 * 256,
		.forward_delay = 15 * 256,
	};
	return stp_bpdu_encode(&b, buf);
}

static unsigned
count_sent(const struct node *n, unsigned from, unsigned port, uint8_t type)
{
	unsigned i, c = 0;

	for (i = from; i < n->n_log; i++)
		if (n->log[i].port == port && n->log[i].bpdu[3] == type)
			c++;
	return c;
}

static unsigned
count_blocking(void)
{
	unsigned c = 0, p;
	int i;

	for (i = 0; i < MAX_NODES; i++)
		for (p = 1; nodes[i].stp && p <= STP_MAX_PORT; p++)
			if (stp_port_id(nodes[i].stp, p) &&
				stp_port_state(nodes[i].stp, p) == STP_BLOCKING)
				c++;
	return c;
}

/* Wire format. */

static void
test_encode_decode(void **state)
{
	/* 9.3.1, octet by octet: TC and TCA, root 32768.02:00:00:00:00:01 at cost 4 through
	 * bridge 32768.02:00:00:00:00:02 port 0x8001; age 1 s, max age 20 s, hello 2 s, forward
	 * delay 15 s, in 1/256 s. */
	static const uint8_t want[STP_CONFIG_BPDU_LEN] = {
		0x00, 0x00,                                     /* Protocol identifier. */
		0x00,                                           /* Version. */
		0x00,                                           /* Type: configuration. */
		0x81,                                           /* Flags: TCA, TC. */
		0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* Root identifier. */
		0x00, 0x00, 0x00, 0x04,                         /* Root path cost. */
		0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* Bridge identifier. */
		0x80, 0x01,                                     /* Port identifier. */
		0x01, 0x00,                                     /* Message age. */
		0x14, 0x00,                                     /* Max age. */
		0x02, 0x00,                                     /* Hello time. */
		0x0f, 0x00,                                     /* Forward delay. */
	};
	static const uint8_t want_tcn[STP_TCN_BPDU_LEN] = {0x00, 0x00, 0x00, 0x80};
	struct stp_bpdu b = {
		.type = STP_TYPE_CONFIG,
		.flags = STP_FLAG_TC | STP_FLAG_TCA,
		.root_id = bridge_id(32768, 1),
		.root_path_cost = 4,
		.bridge_id = bridge_id(32768, 2),
		.port_id = 0x8001,
		.message_age = 256,
		.max_age = 20 * 256,
		.hello_time = 2 * 256,
		.forward_delay = 15 * 256,
	};
	struct stp_bpdu d, tcn = {.type = STP_TYPE_TCN};
	uint8_t buf[STP_CONFIG_BPDU_LEN];
	const char *why = NULL;

	assert_int_equal(stp_bpdu_encode(&b, buf), STP_CONFIG_BPDU_LEN);
	assert_memory_equal(buf, want, sizeof want);
	assert_int_equal(stp_bpdu_decode(want, sizeof want, &d, &why), 0);
	assert_int_equal(d.type, b.type);
	assert_int_equal(d.flags, b.flags);
	assert_int_equal(d.root_id, b.root_id);
	assert_int_equal(d.root_path_cost, b.root_path_cost);
	assert_int_equal(d.bridge_id, b.bridge_id);
	assert_int_equal(d.port_id, b.port_id);
	assert_int_equal(d.message_age, b.message_age);
	assert_int_equal(d.max_age, b.max_age);
	assert_int_equal(d.hello_time, b.hello_time);
	assert_int_equal(d.forward_delay, b.forward_delay);

	assert_int_equal(stp_bpdu_encode(&tcn, buf), STP_TCN_BPDU_LEN);
	assert_memory_equal(buf, want_tcn, sizeof want_tcn);
	assert_int_equal(stp_bpdu_decode(want_tcn, sizeof want_tcn, &d, &why), 0);
	assert_int_equal(d.type, STP_TYPE_TCN);

	/* An RSTP peer's version 2 is read as 802.1D (9.3.4): only the type matters. */
	memcpy(buf, want, sizeof want);
	buf[2] = 2;
	assert_int_equal(stp_bpdu_decode(buf, sizeof buf, &d, &why), 0);
}

static void
test_frame(void **state)
{
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x09};
	static const uint8_t head[17] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, /* Destination: the bridge group address. */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x09, /* Source. */
		0x00, 0x26,                         /* 802.3 length: 3 + 35. */
		0x42, 0x42, 0x03,                   /* LLC: DSAP, SSAP, UI. */
	};
	uint8_t bpdu[STP_CONFIG_BPDU_LEN], frame[STP_FRAME_MAX_LEN], bad[STP_FRAME_MAX_LEN];
	struct stp_bpdu tcn = {.type = STP_TYPE_TCN};
	const void *p;
	size_t len, n;
	unsigned i;

	config(bpdu, bridge_id(1, 1), 0, bridge_id(1, 1), 0x8001, 0, 0);
	n = stp_frame_build(frame, src, bpdu, sizeof bpdu);
	assert_int_equal(n, STP_FRAME_MIN_LEN); /* 52 bytes, padded. */
	assert_memory_equal(frame, head, sizeof head);
	assert_memory_equal(frame + 17, bpdu, sizeof bpdu);
	for (i = 17 + sizeof bpdu; i < n; i++)
		assert_int_equal(frame[i], 0);
	assert_int_equal(stp_frame_parse(frame, n, &p, &len), 0);
	assert_ptr_equal(p, frame + 17);
	assert_int_equal(len, sizeof bpdu);

	/* A TCN: length 7, the padding left out of the payload. */
	n = stp_frame_build(frame, src, bpdu, stp_bpdu_encode(&tcn, bpdu));
	assert_int_equal(n, STP_FRAME_MIN_LEN);
	assert_int_equal(frame[12], 0);
	assert_int_equal(frame[13], 7);
	assert_int_equal(stp_frame_parse(frame, n, &p, &len), 0);
	assert_int_equal(len, STP_TCN_BPDU_LEN);

	/* Not BPDUs: other destination, Ethernet II (a VLAN tag), length past the end or below
	 * the LLC header, other LLC, runt. */
	n = stp_frame_build(frame, src, bpdu, STP_CONFIG_BPDU_LEN);
	memcpy(bad, frame, n);
	bad[5] = 0x02;
	assert_int_equal(stp_frame_parse(bad, n, &p, &len), -EINVAL);
	memcpy(bad, frame, n);
	bad[12] = 0x81;
	bad[13] = 0x00;
	assert_int_equal(stp_frame_parse(bad, n, &p, &len), -EINVAL);
	memcpy(bad, frame, n);
	bad[12] = 0x05;
	bad[13] = 0xff;
	assert_int_equal(stp_frame_parse(bad, n, &p, &len), -EINVAL);
	bad[12] = 0;
	bad[13] = 2;
	assert_int_equal(stp_frame_parse(bad, n, &p, &len), -EINVAL);
	memcpy(bad, frame, n);
	bad[16] = 0x13;
	assert_int_equal(stp_frame_parse(bad, n, &p, &len), -EINVAL);
	assert_int_equal(stp_frame_parse(frame, 16, &p, &len), -EINVAL);
	assert_int_equal(stp_frame_parse(frame, 30, &p, &len), -EINVAL); /* Cut short. */
}

/* The first BPDU a lone bridge sends, byte for byte. */
static void
test_first_bpdu(void **state)
{
	static const uint8_t want[STP_CONFIG_BPDU_LEN] = {
		0x00, 0x00, 0x00, 0x00, 0x00,                   /* Config, no flag. */
		0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* Root: itself. */
		0x00, 0x00, 0x00, 0x00,                         /* Cost 0. */
		0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* Bridge: itself. */
		0x80, 0x01,                                     /* Port 1, priority 128. */
		0x00, 0x00,                                     /* Message age 0. */
		0x14, 0x00, 0x02, 0x00, 0x0f, 0x00,             /* 20 s, 2 s, 15 s. */
	};
	struct stp *a = node_init(0, 0, 1); /* Priority 0 in the identifier: the default. */

	assert_int_equal(stp_bridge_id(a), bridge_id(32768, 1));
	stp_port_enable(a, 1);
	tick_alone(a, 1900);
	assert_int_equal(nodes[0].n_log, 0);
	tick_alone(a, 100); /* The hello timer: 2 s. */
	assert_int_equal(nodes[0].n_log, 1);
	assert_int_equal(nodes[0].log[0].port, 1);
	assert_int_equal(nodes[0].log[0].len, sizeof want);
	assert_memory_equal(nodes[0].log[0].bpdu, want, sizeof want);
	tick_alone(a, 2000);
	assert_int_equal(nodes[0].n_log, 2);
}

/* Port state machine. */

static void
assert_transition(const struct node *n, unsigned i, unsigned port, enum stp_state from,
	enum stp_state to)
{
	assert_true(i < n->n_trans);
	assert_int_equal(n->trans[i].port, port);
	assert_int_equal(n->trans[i].from, from);
	assert_int_equal(n->trans[i].to, to);
}

static void
test_port_states(void **state)
{
	struct stp *b = node_init(1, 32768, 2);
	struct node *n = &nodes[1];
	uint64_t root = bridge_id(4096, 9), other = bridge_id(32768, 8);
	uint8_t bpdu[STP_CONFIG_BPDU_LEN];
	struct stp_port_stats st;
	uint64_t gen = stp_state_gen(b);
	unsigned t, mark;

	assert_int_equal(stp_port_state(b, 1), STP_DISABLED);
	assert_int_equal(stp_port_role(b, 1), STP_ROLE_DISABLED);

	/* 8.8.2: enabled, a port is blocking, then listening as the designated port. */
	stp_port_enable(b, 1);
	assert_transition(n, 0, 1, STP_DISABLED, STP_BLOCKING);
	assert_transition(n, 1, 1, STP_BLOCKING, STP_LISTENING);
	assert_true(stp_state_gen(b) > gen);
	assert_int_equal(stp_port_role(b, 1), STP_ROLE_DESIGNATED);
	assert_false(stp_check_and_reset_fdb_flush(b));
	/* 8.7.5: a forward delay in listening, another in learning. */
	tick_alone(b, 14900);
	assert_int_equal(stp_port_state(b, 1), STP_LISTENING);
	tick_alone(b, 100);
	assert_int_equal(stp_port_state(b, 1), STP_LEARNING);
	assert_transition(n, 2, 1, STP_LISTENING, STP_LEARNING);
	assert_false(stp_learn_in_state(STP_LISTENING));
	assert_true(stp_learn_in_state(STP_LEARNING));
	assert_false(stp_forward_in_state(STP_LEARNING));
	tick_alone(b, 14900);
	assert_int_equal(stp_port_state(b, 1), STP_LEARNING);
	tick_alone(b, 100);
	assert_int_equal(stp_port_state(b, 1), STP_FORWARDING);
	assert_true(stp_forward_in_state(STP_FORWARDING));
	/* A designated port forwarding is a topology change (8.7.5); the root sets TC. */
	assert_true(stp_check_and_reset_fdb_flush(b));
	assert_false(stp_check_and_reset_fdb_flush(b));
	assert_true(stp_topology_change(b));
	assert_true(stp_is_root(b));

	/* A better root on port 1: it becomes the root port and keeps forwarding. */
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	assert_int_equal(stp_received(b, 1, bpdu, sizeof bpdu), 0);
	assert_false(stp_is_root(b));
	assert_int_equal(stp_root_id(b), root);
	assert_int_equal(stp_root_port(b), 1);
	assert_int_equal(stp_root_path_cost(b), 19);
	assert_int_equal(stp_port_role(b, 1), STP_ROLE_ROOT);
	assert_int_equal(stp_port_state(b, 1), STP_FORWARDING);
	/* No longer the root, it tells the new root of the change it had detected (8.7.1). */
	assert_int_equal(count_sent(n, 0, 1, STP_TYPE_TCN), 1);
	/* The root's times and TC are now the bridge's. */
	assert_false(stp_topology_change(b));

	/* Port 2 comes up designated and forwards. */
	stp_port_enable(b, 2);
	assert_int_equal(stp_port_state(b, 2), STP_LISTENING);
	for (t = 0; t < 30; t += 2) {
		config(bpdu, root, 0, root, 0x8001, 0, 0);
		stp_received(b, 1, bpdu, sizeof bpdu);
		tick_alone(b, 2000);
	}
	assert_int_equal(stp_port_state(b, 2), STP_FORWARDING);
	assert_int_equal(stp_port_role(b, 2), STP_ROLE_DESIGNATED);
	/* The root acknowledges the changes so far (8.6.15). */
	config(bpdu, root, 0, root, 0x8001, 0, STP_FLAG_TCA);
	stp_received(b, 1, bpdu, sizeof bpdu);
	/* A bridge with a better path to the root on port 2's LAN: port 2 blocks (8.6.13), a
	 * topology change the bridge notifies on its root port. */
	mark = n->n_log;
	stp_check_and_reset_fdb_flush(b);
	config(bpdu, root, 0, other, 0x8003, 1, 0);
	assert_int_equal(stp_received(b, 2, bpdu, sizeof bpdu), 0);
	assert_int_equal(stp_port_state(b, 2), STP_BLOCKING);
	assert_int_equal(stp_port_role(b, 2), STP_ROLE_ALTERNATE);
	assert_transition(n, n->n_trans - 1, 2, STP_FORWARDING, STP_BLOCKING);
	assert_int_equal(stp_root_port(b), 1); /* Same cost; the root itself is the better. */
	assert_true(stp_check_and_reset_fdb_flush(b));
	assert_int_equal(count_sent(n, mark, 1, STP_TYPE_TCN), 1);

	/* 8.7.4: port 2 hears nothing more; its information ages out after max age less the
	 * age it came with, and it is designated again: listening, learning, forwarding. */
	for (t = 0; t < 18; t += 2) {
		config(bpdu, root, 0, root, 0x8001, 0, STP_FLAG_TCA);
		stp_received(b, 1, bpdu, sizeof bpdu);
		tick_alone(b, 2000);
	}
	assert_int_equal(stp_port_state(b, 2), STP_BLOCKING);
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	stp_received(b, 1, bpdu, sizeof bpdu);
	tick_alone(b, 1000);
	assert_int_equal(stp_port_state(b, 2), STP_LISTENING);
	assert_int_equal(stp_port_role(b, 2), STP_ROLE_DESIGNATED);

	/* 8.8.3: disabled. */
	stp_port_disable(b, 2);
	assert_int_equal(stp_port_state(b, 2), STP_DISABLED);
	assert_int_equal(stp_port_role(b, 2), STP_ROLE_DISABLED);
	assert_transition(n, n->n_trans - 1, 2, STP_LISTENING, STP_DISABLED);
	/* A disabled port ignores BPDUs, and counts none. */
	assert_int_equal(stp_port_get_stats(b, 2, &st), 0);
	assert_int_equal(stp_received(b, 2, bpdu, sizeof bpdu), 0);
	assert_int_equal(stp_port_get_stats(b, 2, &st), 0);
	assert_int_equal(st.rx_count, 1);

	/* The root goes silent: after max age the bridge is the root again, port 1 designated. */
	tick_alone(b, 20000);
	assert_true(stp_is_root(b));
	assert_int_equal(stp_root_port(b), 0);
	assert_int_equal(stp_port_role(b, 1), STP_ROLE_DESIGNATED);
	assert_int_equal(stp_port_state(b, 1), STP_FORWARDING);
	assert_true(stp_topology_change(b));

	/* Deleted, a port is gone. */
	assert_int_equal(stp_port_del(b, 1), 0);
	assert_int_equal(stp_port_del(b, 1), -ENOENT);
	assert_int_equal(stp_port_state(b, 1), STP_DISABLED);
	assert_int_equal(stp_received(b, 1, bpdu, sizeof bpdu), -ENOENT);
}

/* The hold timer: configuration BPDUs at most one a second per port (8.6.1.3.3). */
static void
test_hold_timer(void **state)
{
	struct stp *b = node_init(1, 32768, 1);
	uint8_t bpdu[STP_CONFIG_BPDU_LEN];
	unsigned i;

	stp_port_enable(b, 1);
	/* Worse information on a LAN it is designated for: it answers, once per hold time. */
	config(bpdu, bridge_id(40000, 9), 0, bridge_id(40000, 9), 0x8001, 0, 0);
	for (i = 0; i < 50; i++)
		stp_received(b, 1, bpdu, sizeof bpdu);
	assert_int_equal(nodes[1].n_log, 1);
	tick_alone(b, 900);
	assert_int_equal(nodes[1].n_log, 1);
	tick_alone(b, 100); /* The pending one goes out. */
	assert_int_equal(nodes[1].n_log, 2);
	assert_true(stp_is_root(b));
}

/* Root election. */

static void
test_two_bridges_two_links(void **state)
{
	struct stp *a = node_init(0, 32768, 2), *b = node_init(1, 32768, 2);
	unsigned p;

	link_add(0, 1, 1, 1);
	link_add(0, 2, 1, 2);
	for (p = 1; p <= 2; p++) {
		stp_port_enable(a, p);
		stp_port_enable(b, p);
	}
	run(60 * S);
	/* The lower MAC wins; B's root port is the one facing A's lower port identifier. */
	assert_true(stp_is_root(a));
	assert_false(stp_is_root(b));
	assert_int_equal(stp_root_id(b), stp_bridge_id(a));
	assert_int_equal(stp_root_port(b), 1);
	assert_int_equal(stp_root_path_cost(b), 19);
	assert_int_equal(stp_port_state(a, 1), STP_FORWARDING);
	assert_int_equal(stp_port_state(a, 2), STP_FORWARDING);
	assert_int_equal(stp_port_state(b, 1), STP_FORWARDING);
	assert_int_equal(stp_port_state(b, 2), STP_BLOCKING);
	assert_int_equal(stp_port_role(b, 2), STP_ROLE_ALTERNATE);
	assert_int_equal(count_blocking(), 1);

	/* 8.8.4: B's priority lowered, B is the root and A blocks its port 2. */
	stp_set_bridge_priority(b, 4096);
	run(60 * S);
	assert_true(stp_is_root(b));
	assert_false(stp_is_root(a));
	assert_int_equal(stp_root_id(a), bridge_id(4096, 2));
	assert_int_equal(stp_root_port(a), 1);
	assert_int_equal(stp_port_state(b, 1), STP_FORWARDING);
	assert_int_equal(stp_port_state(b, 2), STP_FORWARDING);
	assert_int_equal(stp_port_state(a, 2), STP_BLOCKING);
	assert_int_equal(count_blocking(), 1);

	/* 8.8.5: B's port 2 given a better priority, A's root port moves to the link on B's
	 * now lower port identifier. */
	assert_int_equal(stp_port_set_priority(b, 2, 16), 0);
	assert_int_equal(stp_port_id(b, 2), 0x1002);
	run(60 * S);
	assert_int_equal(stp_root_port(a), 2);
	assert_int_equal(stp_port_state(a, 1), STP_BLOCKING);
	assert_int_equal(stp_port_state(a, 2), STP_FORWARDING);
	assert_int_equal(count_blocking(), 1);

	/* 8.8.6: a cheaper path cost on A's port 1 takes it back. */
	assert_int_equal(stp_port_set_path_cost(a, 1, 4), 0);
	assert_int_equal(stp_root_port(a), 1);
	assert_int_equal(stp_root_path_cost(a), 4);
	run(60 * S);
	assert_int_equal(stp_port_state(a, 1), STP_FORWARDING);
	assert_int_equal(stp_port_state(a, 2), STP_BLOCKING);
	assert_int_equal(count_blocking(), 1);
}

static void
test_three_bridges(void **state)
{
	/* A triangle: A1-B1, B2-C1, C2-A2. */
	struct stp *a = node_init(0, 32768, 2), *b = node_init(1, 32768, 2);
	struct stp *c = node_init(2, 32768, 2);
	unsigned p;

	link_add(0, 1, 1, 1);
	link_add(1, 2, 2, 1);
	link_add(2, 2, 0, 2);
	for (p = 1; p <= 2; p++) {
		stp_port_enable(a, p);
		stp_port_enable(b, p);
		stp_port_enable(c, p);
	}
	run(60 * S);
	assert_true(stp_is_root(a));
	assert_int_equal(stp_root_id(b), stp_bridge_id(a));
	assert_int_equal(stp_root_id(c), stp_bridge_id(a));
	assert_int_equal(stp_root_port(b), 1);
	assert_int_equal(stp_root_port(c), 2);
	/* On the B-C LAN both are 19 from the root: B, the lower identifier, is designated. */
	assert_int_equal(stp_port_role(b, 2), STP_ROLE_DESIGNATED);
	assert_int_equal(stp_port_state(b, 2), STP_FORWARDING);
	assert_int_equal(stp_port_state(c, 1), STP_BLOCKING);
	assert_int_equal(count_blocking(), 1);

	/* The C-A link goes down: C reaches the root through B, at cost 38. */
	stp_port_disable(c, 2);
	stp_port_disable(a, 2);
	run(60 * S);
	assert_int_equal(stp_root_port(c), 1);
	assert_int_equal(stp_root_path_cost(c), 38);
	assert_int_equal(stp_port_state(c, 1), STP_FORWARDING);
	assert_int_equal(count_blocking(), 0);
}

/* Topology change: TCN up to the root, TCA back, TC down from the root, then it ends. */
static void
test_topology_change(void **state)
{
	/* A chain A1-B1, B2-C1; C's port 2 is an edge with no bridge on it. */
	struct stp *a = node_init(0, 32768, 1), *b = node_init(1, 32768, 2);
	struct stp *c = node_init(2, 32768, 2);
	unsigned mark_b, mark_c;
	int i;

	link_add(0, 1, 1, 1);
	link_add(1, 2, 2, 1);
	stp_port_enable(a, 1);
	stp_port_enable(b, 1);
	stp_port_enable(b, 2);
	stp_port_enable(c, 1);
	run(90 * S); /* The first changes (ports forwarding) come and go. */
	for (i = 0; i < MAX_NODES; i++) {
		stp_check_and_reset_fdb_flush(nodes[i].stp);
		assert_false(stp_topology_change(nodes[i].stp));
	}
	mark_b = nodes[1].n_log;
	mark_c = nodes[2].n_log;

	/* C's edge port forwards after two forward delays: a topology change. */
	stp_port_enable(c, 2);
	run(30 * S);
	assert_int_equal(stp_port_state(c, 2), STP_FORWARDING);
	run(3 * S); /* A hold time or two for the acknowledgments, a hello for TC. */
	assert_int_equal(count_sent(&nodes[2], mark_c, 1, STP_TYPE_TCN), 1); /* Acked at once. */
	assert_int_equal(count_sent(&nodes[1], mark_b, 1, STP_TYPE_TCN), 1);
	for (i = 0; i < MAX_NODES; i++) {
		assert_true(stp_check_and_reset_fdb_flush(nodes[i].stp));
		assert_true(stp_topology_change(nodes[i].stp));
	}
	/* The root keeps TC for its max age plus forward delay (35 s), then all clear it. */
	run(30 * S);
	assert_true(stp_topology_change(c));
	run(10 * S);
	for (i = 0; i < MAX_NODES; i++) {
		assert_false(stp_topology_change(nodes[i].stp));
		assert_false(stp_check_and_reset_fdb_flush(nodes[i].stp));
	}
	/* Acknowledged, nobody notified again. */
	assert_int_equal(count_sent(&nodes[2], mark_c, 1, STP_TYPE_TCN), 1);
	assert_int_equal(count_sent(&nodes[1], mark_b, 1, STP_TYPE_TCN), 1);
}

/* An unacknowledged TCN is sent again every hello time (8.7.6). */
static void
test_tcn_retransmit(void **state)
{
	struct stp *b = node_init(1, 32768, 2);
	uint64_t root = bridge_id(4096, 9);
	uint8_t bpdu[STP_CONFIG_BPDU_LEN];
	unsigned mark, t;

	stp_port_enable(b, 1);
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	stp_received(b, 1, bpdu, sizeof bpdu);
	stp_port_enable(b, 2);
	for (t = 0; t < 30; t += 2) {
		stp_received(b, 1, bpdu, sizeof bpdu);
		tick_alone(b, 2000);
	}
	assert_int_equal(stp_port_state(b, 2), STP_FORWARDING);
	mark = nodes[1].n_log;
	for (t = 0; t < 10; t += 2) {
		stp_received(b, 1, bpdu, sizeof bpdu);
		tick_alone(b, 2000);
	}
	/* The TCN at 30 s and one each 2 s after it: no TCA came back. */
	assert_true(count_sent(&nodes[1], mark, 1, STP_TYPE_TCN) >= 4);
	config(bpdu, root, 0, root, 0x8001, 0, STP_FLAG_TCA);
	stp_received(b, 1, bpdu, sizeof bpdu);
	mark = nodes[1].n_log;
	tick_alone(b, 10000);
	assert_int_equal(count_sent(&nodes[1], mark, 1, STP_TYPE_TCN), 0);
}

/* stp/tcn's topology change: the root raises TC, another bridge notifies the root. */
static void
test_topology_change_now(void **state)
{
	struct stp *a = node_init(0, 32768, 1), *b = node_init(1, 32768, 2);
	uint64_t root = bridge_id(4096, 9);
	uint8_t bpdu[STP_CONFIG_BPDU_LEN];
	unsigned mark;

	stp_port_enable(a, 1);
	stp_check_and_reset_fdb_flush(a);
	assert_false(stp_topology_change(a));
	stp_topology_change_now(a);
	assert_true(stp_topology_change(a));
	assert_true(stp_check_and_reset_fdb_flush(a));
	assert_false(stp_check_and_reset_fdb_flush(a));

	stp_port_enable(b, 1);
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	stp_received(b, 1, bpdu, sizeof bpdu);
	assert_false(stp_is_root(b));
	stp_check_and_reset_fdb_flush(b);
	mark = nodes[1].n_log;
	stp_topology_change_now(b);
	assert_int_equal(count_sent(&nodes[1], mark, 1, STP_TYPE_TCN), 1);
	assert_true(stp_check_and_reset_fdb_flush(b));
	assert_int_equal(stp_port_path_cost(b, 1), 19);
	assert_int_equal(stp_port_set_path_cost(b, 1, 100), 0);
	assert_int_equal(stp_port_path_cost(b, 1), 100);
	assert_int_equal(stp_port_path_cost(b, 200), 0);
}

/* The root's TC flag: one flush as it rises, the flag itself while it lasts (8.3.5). */
static void
test_tc_from_root(void **state)
{
	struct stp *b = node_init(1, 32768, 1);
	uint64_t root = bridge_id(4096, 9);
	uint8_t bpdu[STP_CONFIG_BPDU_LEN];
	unsigned i;

	stp_port_enable(b, 1);
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	stp_received(b, 1, bpdu, sizeof bpdu);
	stp_check_and_reset_fdb_flush(b);
	assert_false(stp_topology_change(b));
	for (i = 0; i < 3; i++) {
		config(bpdu, root, 0, root, 0x8001, 0, STP_FLAG_TC);
		stp_received(b, 1, bpdu, sizeof bpdu);
		assert_true(stp_topology_change(b));
		assert_int_equal(stp_check_and_reset_fdb_flush(b), i == 0);
	}
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	stp_received(b, 1, bpdu, sizeof bpdu);
	assert_false(stp_topology_change(b));
	assert_false(stp_check_and_reset_fdb_flush(b));
	config(bpdu, root, 0, root, 0x8001, 0, STP_FLAG_TC);
	stp_received(b, 1, bpdu, sizeof bpdu);
	assert_true(stp_check_and_reset_fdb_flush(b));
}

/* Hostile input. */

static void
assert_refused(struct stp *stp, unsigned port, const void *bpdu, size_t len, uint64_t *errors)
{
	struct stp_port_stats st;

	assert_int_equal(stp_received(stp, port, bpdu, len), -EINVAL);
	stp_port_get_stats(stp, port, &st);
	assert_int_equal(st.error_count, ++*errors);
}

static void
test_hostile(void **state)
{
	struct stp *b = node_init(1, 32768, 2);
	uint64_t root = bridge_id(0, 9), errors = 0;
	uint8_t bpdu[64], good[STP_CONFIG_BPDU_LEN];
	struct stp_port_stats st;
	const char *why;
	struct stp_bpdu d;
	unsigned i;

	stp_port_enable(b, 1);
	config(good, root, 0, root, 0x8001, 0, 0);
	assert_refused(b, 1, good, 0, &errors);
	assert_refused(b, 1, good, 3, &errors);
	memcpy(bpdu, good, sizeof good);
	bpdu[1] = 1; /* Protocol identifier 1. */
	assert_refused(b, 1, bpdu, sizeof good, &errors);
	memcpy(bpdu, good, sizeof good);
	bpdu[3] = 0x02; /* An RST BPDU: not 802.1D-1998's. */
	assert_refused(b, 1, bpdu, 36, &errors);
	bpdu[3] = 0x33;
	assert_refused(b, 1, bpdu, sizeof good, &errors);
	assert_refused(b, 1, good, STP_CONFIG_BPDU_LEN - 1, &errors);
	config(bpdu, root, 0, root, 0x8001, 20, 0); /* Message age = max age. */
	assert_refused(b, 1, bpdu, STP_CONFIG_BPDU_LEN, &errors);
	assert_int_equal(stp_bpdu_decode(bpdu, STP_CONFIG_BPDU_LEN, &d, &why), -EINVAL);
	assert_non_null(strstr(why, "message age"));
	config(bpdu, root, 0, root, 0x8001, 0, 0);
	bpdu[29] = bpdu[30] = 0; /* Max age 0. */
	assert_refused(b, 1, bpdu, STP_CONFIG_BPDU_LEN, &errors);
	/* None of them changed anything. */
	assert_true(stp_is_root(b));
	assert_int_equal(stp_port_state(b, 1), STP_LISTENING);
	assert_int_equal(stp_received(b, 7, good, sizeof good), -ENOENT);

	/* Longer than needed is fine (a TCN with its padding). */
	memset(bpdu, 0, sizeof bpdu);
	bpdu[3] = STP_TYPE_TCN;
	assert_int_equal(stp_received(b, 1, bpdu, 40), 0);

	/* A flood of TCNs on a designated port: one acknowledgment now, one per hold time. */
	drop_queue();
	nodes[1].n_log = 0;
	tick_alone(b, 1000);
	nodes[1].n_log = 0;
	for (i = 0; i < 100000; i++)
		assert_int_equal(stp_received(b, 1, bpdu, STP_TCN_BPDU_LEN), 0);
	assert_int_equal(nodes[1].n_log, 1);
	assert_int_equal(nodes[1].log[0].bpdu[4], STP_FLAG_TCA | STP_FLAG_TC);
	tick_alone(b, 1000);
	assert_int_equal(nodes[1].n_log, 2);
	stp_port_get_stats(b, 1, &st);
	assert_int_equal(st.rx_count, 100001);

	/* A root whose cost would wrap around, and whose hello time is 0: no wrap, no loop. */
	config(bpdu, root, UINT32_MAX, root, 0x8001, 0, 0);
	bpdu[31] = bpdu[32] = 0;
	assert_int_equal(stp_received(b, 1, bpdu, STP_CONFIG_BPDU_LEN), 0);
	assert_int_equal(stp_root_port(b), 1);
	assert_int_equal(stp_root_path_cost(b), UINT32_MAX);
	stp_port_enable(b, 2);
	nodes[1].n_log = 0;
	tick_alone(b, 10000);
	assert_true(nodes[1].n_log <= 12); /* Relayed on port 2, held to one a second. */

	/* Random bytes: whatever they say, no crash. */
	srand(14);
	for (i = 0; i < 200000; i++) {
		size_t len = (size_t)rand() % sizeof bpdu, j;

		for (j = 0; j < len; j++)
			bpdu[j] = (uint8_t)rand();
		if (len > 3 && rand() % 2) {
			bpdu[0] = bpdu[1] = bpdu[2] = 0;
			bpdu[3] = rand() % 2 ? STP_TYPE_CONFIG : STP_TYPE_TCN;
		}
		stp_received(b, 1 + (unsigned)rand() % 2, bpdu, len);
		if (i % 1000 == 0)
			tick_alone(b, 100);
		drop_queue();
	}
}

/* Configuration checks. */

static void
assert_times_refused(struct stp *stp, unsigned h, unsigned m, unsigned f, const char *what)
{
	struct ds err = DS_INIT;

	assert_int_equal(stp_set_times(stp, h, m, f, &err), -EINVAL);
	if (!strstr(ds_cstr(&err), what))
		fail_msg("\"%s\" does not say \"%s\"", ds_cstr(&err), what);
	ds_destroy(&err);
}

static void
test_config_checks(void **state)
{
	struct stp *a = node_init(0, 32768, 1);
	struct ds err = DS_INIT;
	struct ds out = DS_INIT;

	assert_times_refused(a, 0, 20, 15, "hello time 0 s is out of range (1..10 s)");
	assert_times_refused(a, 11, 20, 15, "hello time 11 s");
	assert_times_refused(a, 2, 5, 15, "max age 5 s is out of range (6..40 s)");
	assert_times_refused(a, 2, 41, 15, "max age 41 s");
	assert_times_refused(a, 2, 20, 3, "forward delay 3 s is out of range (4..30 s)");
	assert_times_refused(a, 2, 20, 31, "forward delay 31 s");
	assert_times_refused(a, 2, 20, 10, "forward delay of at least 11 s");
	assert_times_refused(a, 10, 20, 15, "below 2 * (hello time + 1) = 22 s");
	/* Refused, nothing changed. */
	assert_int_equal(stp_hello_time(a), 2);
	assert_int_equal(stp_max_age(a), 20);
	assert_int_equal(stp_forward_delay(a), 15);

	/* The smallest legal set, and the largest. */
	assert_int_equal(stp_set_times(a, 2, 6, 4, &err), 0);
	assert_int_equal(stp_set_times(a, 10, 40, 30, &err), 0);
	assert_int_equal(stp_max_age(a), 40); /* The root uses its own at once. */
	assert_int_equal(stp_set_times(a, 2, 20, 15, &err), 0);
	/* One at a time, each against the other two. */
	assert_int_equal(stp_set_max_age(a, 40, &err), -EINVAL);
	ds_clear(&err);
	assert_int_equal(stp_set_forward_delay(a, 21, &err), 0);
	assert_int_equal(stp_set_max_age(a, 40, &err), 0);
	assert_int_equal(stp_set_hello_time(a, 10, &err), 0);
	assert_int_equal(stp_set_hello_time(a, 20, &err), -EINVAL);
	assert_int_equal(stp_hello_time(a), 10);
	assert_int_equal(err.len > 0, 1);

	/* Ports. */
	assert_int_equal(stp_port_add(a, 0, 128, 19), -EINVAL);
	assert_int_equal(stp_port_add(a, STP_MAX_PORT + 1, 128, 19), -EINVAL);
	assert_int_equal(stp_port_add(a, 2, 256, 19), -EINVAL);
	assert_int_equal(stp_port_add(a, 2, 128, 0), -EINVAL);
	assert_int_equal(stp_port_add(a, 2, 128, 65536), -EINVAL);
	assert_int_equal(stp_port_add(a, 1, 128, 19), -EEXIST);
	assert_int_equal(stp_port_add(a, STP_MAX_PORT, 0, 65535), 0);
	assert_int_equal(stp_port_id(a, STP_MAX_PORT), 0x00ff);
	assert_int_equal(stp_port_set_priority(a, 1, 256), -EINVAL);
	assert_int_equal(stp_port_set_priority(a, 9, 1), -ENOENT);
	assert_int_equal(stp_port_set_path_cost(a, 1, 0), -EINVAL);
	assert_int_equal(stp_port_enable(a, 9), -ENOENT);
	assert_int_equal(stp_port_disable(a, 9), -ENOENT);
	assert_int_equal(stp_path_cost_for_speed(10000), 2);
	assert_int_equal(stp_path_cost_for_speed(1000), 4);
	assert_int_equal(stp_path_cost_for_speed(100), 19);
	assert_int_equal(stp_path_cost_for_speed(10), 100);
	assert_int_equal(stp_path_cost_for_speed(0), 2);

	stp_port_enable(a, 1);
	stp_format(a, &out);
	assert_non_null(strstr(ds_cstr(&out), "Root ID: 32768.02:00:00:00:00:01 (this bridge"));
	assert_non_null(strstr(ds_cstr(&out), "listening   designated"));
	assert_string_equal(stp_state_name(STP_BLOCKING), "blocking");
	assert_string_equal(stp_role_name(STP_ROLE_ALTERNATE), "alternate");
	ds_destroy(&out);
	ds_destroy(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_frame),
		cmocka_unit_test_setup_teardown(test_first_bpdu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_bridges_two_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_bridges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcn_retransmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tc_from_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_change_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_checks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
