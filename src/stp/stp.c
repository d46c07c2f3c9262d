/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 802.1D-1998 spanning tree engine (see stp.h). Runs on the control thread: BPDUs come in
 * from the punt handler, time from a control loop timer, and BPDUs go out through the send
 * callback. The procedures follow clause 8.6 and their triggers clause 8.7 and 8.8, one static
 * function each, named as the standard names them, so that a reader can check one against
 * the other. All times are kept in 1/256 s, the unit of the wire, so that the values learnt
 * from the root's BPDUs are compared without rounding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpdu_wire.h"
#include "ds.h"
#include "stp.h"
#include "xalloc.h"

#define UNITS_PER_S 256u      /* Timer units (1/256 s) per second. */
#define HOLD_TIME UNITS_PER_S /* 802.1D table 8-3: at most one configuration BPDU a second. */
/*
 * Added to the root port's message age timer in relayed BPDUs (8.6.1.3.2). The Linux bridge
 * and OVS add the smallest step, 1/256 s, over the time the information has already spent
 * here; so do we, so that a mixed network ages the root's information alike.
 */
#define MESSAGE_AGE_INCREMENT 1u

const uint8_t stp_group_mac[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};

/* A timer counts up from where it was started; it expires when it reaches its timeout. */
struct stp_timer {
	bool active;    /* Running. */
	uint32_t value; /* Time since it was started (plus its start value), 1/256 s. */
};

/* A port's variables (8.5.5) and timers (8.5.6). */
struct stp_port {
	bool present;               /* Added by stp_port_add() (the array has every number). */
	unsigned port_no;           /* Its index in stp->ports, 1..STP_MAX_PORT. */
	uint16_t port_id;           /* Priority << 8 | port_no. */
	uint32_t path_cost;         /* Cost of reaching the root through this port's LAN. */
	enum stp_state state;       /* 802.1D port state. */
	uint64_t designated_root;   /* Root as the LAN's designated bridge sees it. */
	uint32_t designated_cost;   /* Root path cost of the LAN's designated port. */
	uint64_t designated_bridge; /* The LAN's designated bridge. */
	uint16_t designated_port;   /* Its port on the LAN. */
	bool topology_change_ack;   /* Set TCA in the next configuration BPDU sent here. */
	bool config_pending;        /* A configuration BPDU waits for the hold timer. */
	struct stp_timer message_age_timer;   /* Age of the information recorded here. */
	struct stp_timer forward_delay_timer; /* Time spent in listening or learning. */
	struct stp_timer hold_timer;          /* Since the last configuration BPDU sent. */
	struct stp_port_stats stats;          /* Counters. */
};

/* A bridge's variables (8.5.3) and timers (8.5.4). */
struct stp {
	char *name;                    /* For messages and stp_format(). */
	uint64_t bridge_id;            /* Priority << 48 | MAC. */
	uint64_t designated_root;      /* The root, as this bridge believes. */
	uint32_t root_path_cost;       /* Its cost from here. */
	struct stp_port *root_port;    /* NULL when this bridge is the root. */
	uint32_t max_age;              /* In use (the root's, from its BPDUs), 1/256 s. */
	uint32_t hello_time;           /* In use, 1/256 s. */
	uint32_t forward_delay;        /* In use, 1/256 s. */
	uint32_t bridge_max_age;       /* This bridge's own, used when it is the root. */
	uint32_t bridge_hello_time;    /* This bridge's own; also the TCN timer's period. */
	uint32_t bridge_forward_delay; /* This bridge's own. */
	bool topology_change_detected; /* Notifying the root until it acknowledges. */
	bool topology_change;          /* The root says the topology changes (TC flag). */
	struct stp_timer hello_timer;  /* Root only: the period of configuration BPDUs. */
	struct stp_timer tcn_timer;    /* Period of TCN BPDUs until acknowledged. */
	struct stp_timer topology_change_timer; /* Root only: how long TC stays set. */
	unsigned tick_rem;      /* ms * 256 not yet turned into a timer unit (< 1000). */
	bool fdb_flush;         /* Unread by stp_check_and_reset_fdb_flush(). */
	uint64_t state_gen;     /* Bumps on each port state change. */
	stp_send_fn *send;      /* Sends a BPDU. */
	void *aux;              /* Its argument. */
	stp_state_fn *state_fn; /* Told of port state changes, or NULL. */
	void *state_aux;        /* Its argument. */
	struct stp_port ports[STP_MAX_PORT + 1]; /* Indexed by port number; [0] unused. */
};

static void topology_change_detection(struct stp *stp);

/* Timers. */

static void
timer_start(struct stp_timer *t, uint32_t value)
{
	t->active = true;
	t->value = value;
}

static void
timer_stop(struct stp_timer *t)
{
	t->active = false;
}

/* Advances t by elapsed; true (and t stopped) if it reached timeout. */
static bool
timer_expired(struct stp_timer *t, uint32_t elapsed, uint32_t timeout)
{
	if (!t->active)
		return false;
	t->value = t->value > UINT32_MAX - elapsed ? UINT32_MAX : t->value + elapsed;
	if (t->value < timeout)
		return false;
	t->active = false;
	return true;
}

/* Ports. */

static struct stp_port *
port_get(const struct stp *stp, unsigned port_no)
{
	if (port_no < 1 || port_no > STP_MAX_PORT || !stp->ports[port_no].present)
		return NULL;
	return (struct stp_port *)&stp->ports[port_no];
}

/* The enabled port after p (the first with p NULL), or NULL. */
static struct stp_port *
next_enabled(struct stp *stp, struct stp_port *p)
{
	unsigned i;

	for (i = p ? p->port_no + 1 : 1; i <= STP_MAX_PORT; i++)
		if (stp->ports[i].present && stp->ports[i].state != STP_DISABLED)
			return &stp->ports[i];
	return NULL;
}

static void
set_port_state(struct stp *stp, struct stp_port *p, enum stp_state state)
{
	enum stp_state old = p->state;

	if (old == state)
		return;
	p->state = state;
	stp->state_gen++;
	if (stp->state_fn)
		stp->state_fn(p->port_no, old, state, stp->state_aux);
}

static bool
is_designated_port(const struct stp *stp, const struct stp_port *p)
{
	return p->designated_bridge == stp->bridge_id && p->designated_port == p->port_id;
}

bool
stp_is_root(const struct stp *stp)
{
	return stp->designated_root == stp->bridge_id;
}

/* Transmission (8.6.1, 8.6.6). */

static void
send_bpdu(struct stp *stp, struct stp_port *p, const struct stp_bpdu *bpdu)
{
	uint8_t buf[STP_CONFIG_BPDU_LEN];
	size_t len = stp_bpdu_encode(bpdu, buf);

	p->stats.tx_count++;
	stp->send(p->port_no, buf, len, stp->aux);
}

/* 8.6.1: Transmit Configuration BPDU, at most one per hold time (8.6.1.3.3). */
static void
transmit_config(struct stp *stp, struct stp_port *p)
{
	struct stp_bpdu bpdu = {.type = STP_TYPE_CONFIG};
	uint32_t age;

	if (p->hold_timer.active) {
		p->config_pending = true;
		return;
	}
	if (stp_is_root(stp))
		age = 0;
	else if (stp->root_port)
		age = stp->root_port->message_age_timer.value + MESSAGE_AGE_INCREMENT;
	else
		return; /* Not reached: a bridge that is not the root has a root port. */
	/* Information that would be discarded on arrival is not sent (8.6.2.3 on the far side). */
	if (age >= stp->max_age || age > UINT16_MAX)
		return;
	bpdu.flags = (p->topology_change_ack ? STP_FLAG_TCA : 0) |
		     (stp->topology_change ? STP_FLAG_TC : 0);
	bpdu.root_id = stp->designated_root;
	bpdu.root_path_cost = stp->root_path_cost;
	bpdu.bridge_id = stp->bridge_id;
	bpdu.port_id = p->port_id;
	bpdu.message_age = age;
	bpdu.max_age = stp->max_age;
	bpdu.hello_time = stp->hello_time;
	bpdu.forward_delay = stp->forward_delay;
	p->topology_change_ack = false;
	p->config_pending = false;
	send_bpdu(stp, p, &bpdu);
	timer_start(&p->hold_timer, 0);
}

/* 8.6.6: Transmit Topology Change Notification BPDU, on the root port. */
static void
transmit_tcn(struct stp *stp)
{
	struct stp_bpdu bpdu = {.type = STP_TYPE_TCN};

	if (stp->root_port)
		send_bpdu(stp, stp->root_port, &bpdu);
}

/* 8.6.5: Configuration BPDU Generation, on every designated port. */
static void
config_bpdu_generation(struct stp *stp)
{
	struct stp_port *p;

	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p))
		if (is_designated_port(stp, p))
			transmit_config(stp, p);
}

/* Reception of configuration information (8.6.2 to 8.6.4). */

/* 8.6.2.2: whether the BPDU's information is better than what port p holds. */
static bool
supersedes_port_info(const struct stp *stp, const struct stp_port *p, const struct stp_bpdu *b)
{
	if (b->root_id != p->designated_root)
		return b->root_id < p->designated_root;
	if (b->root_path_cost != p->designated_cost)
		return b->root_path_cost < p->designated_cost;
	if (b->bridge_id != p->designated_bridge)
		return b->bridge_id < p->designated_bridge;
	/* Same bridge: another of its ports, or its newer word on the same port. */
	return b->bridge_id != stp->bridge_id || b->port_id <= p->designated_port;
}

/* 8.6.2: Record Configuration Information. */
static void
record_config_information(struct stp_port *p, const struct stp_bpdu *b)
{
	p->designated_root = b->root_id;
	p->designated_cost = b->root_path_cost;
	p->designated_bridge = b->bridge_id;
	p->designated_port = b->port_id;
	timer_start(&p->message_age_timer, b->message_age);
}

/* 8.6.3: Record Configuration Timeout Values, from the root port's BPDU. */
static void
record_config_timeout_values(struct stp *stp, const struct stp_bpdu *b)
{
	bool tc = b->flags & STP_FLAG_TC;

	stp->max_age = b->max_age;
	stp->hello_time = b->hello_time;
	stp->forward_delay = b->forward_delay;
	/* The root announces a change: flush once as it starts, then age fast while it lasts. */
	if (tc && !stp->topology_change)
		stp->fdb_flush = true;
	stp->topology_change = tc;
}

/* Selection (8.6.8 to 8.6.11). */

/* The cost of the root through p, without wrapping around on a hostile designated cost. */
static uint64_t
cost_through(const struct stp_port *p)
{
	return (uint64_t)p->designated_cost + p->path_cost;
}

/* 8.6.8.3: whether p is a better root port than best. */
static bool
better_root_port(const struct stp_port *p, const struct stp_port *best)
{
	if (p->designated_root != best->designated_root)
		return p->designated_root < best->designated_root;
	if (cost_through(p) != cost_through(best))
		return cost_through(p) < cost_through(best);
	if (p->designated_bridge != best->designated_bridge)
		return p->designated_bridge < best->designated_bridge;
	if (p->designated_port != best->designated_port)
		return p->designated_port < best->designated_port;
	return p->port_id < best->port_id;
}

/* 8.6.8: Root Selection. */
static void
root_selection(struct stp *stp)
{
	struct stp_port *p, *best = NULL;
	uint64_t cost;

	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p)) {
		if (is_designated_port(stp, p) || p->designated_root >= stp->bridge_id)
			continue;
		if (!best || better_root_port(p, best))
			best = p;
	}
	stp->root_port = best;
	if (!best) {
		stp->designated_root = stp->bridge_id;
		stp->root_path_cost = 0;
		return;
	}
	stp->designated_root = best->designated_root;
	cost = cost_through(best);
	stp->root_path_cost = cost > UINT32_MAX ? UINT32_MAX : (uint32_t)cost;
}

/* 8.6.10: Become Designated Port. */
static void
become_designated_port(struct stp *stp, struct stp_port *p)
{
	p->designated_root = stp->designated_root;
	p->designated_cost = stp->root_path_cost;
	p->designated_bridge = stp->bridge_id;
	p->designated_port = p->port_id;
}

/* 8.6.9: Designated Port Selection. */
static void
designated_port_selection(struct stp *stp)
{
	struct stp_port *p;

	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p)) {
		bool ours = is_designated_port(stp, p) ||
			    p->designated_root != stp->designated_root ||
			    stp->root_path_cost < p->designated_cost ||
			    (stp->root_path_cost == p->designated_cost &&
				    (stp->bridge_id < p->designated_bridge ||
					    (stp->bridge_id == p->designated_bridge &&
						    p->port_id <= p->designated_port)));
		if (ours)
			become_designated_port(stp, p);
	}
}

/* 8.6.7: Configuration Update. */
static void
configuration_update(struct stp *stp)
{
	root_selection(stp);
	designated_port_selection(stp);
}

/* 8.6.12: Make Forwarding (through listening and learning). */
static void
make_forwarding(struct stp *stp, struct stp_port *p)
{
	if (p->state != STP_BLOCKING)
		return;
	set_port_state(stp, p, STP_LISTENING);
	timer_start(&p->forward_delay_timer, 0);
}

/* 8.6.13: Make Blocking; a port that was learning or forwarding changes the topology. */
static void
make_blocking(struct stp *stp, struct stp_port *p)
{
	if (p->state == STP_DISABLED || p->state == STP_BLOCKING)
		return;
	if (p->state == STP_LEARNING || p->state == STP_FORWARDING)
		topology_change_detection(stp);
	set_port_state(stp, p, STP_BLOCKING);
	timer_stop(&p->forward_delay_timer);
}

/* 8.6.11: Port State Selection. */
static void
port_state_selection(struct stp *stp)
{
	struct stp_port *p;

	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p)) {
		if (p == stp->root_port) {
			p->config_pending = false;
			p->topology_change_ack = false;
			make_forwarding(stp, p);
		} else if (is_designated_port(stp, p)) {
			timer_stop(&p->message_age_timer);
			make_forwarding(stp, p);
		} else {
			p->config_pending = false;
			p->topology_change_ack = false;
			make_blocking(stp, p);
		}
	}
}

/* Topology change (8.6.14 to 8.6.16). */

/* 8.6.14: Topology Change Detection. */
static void
topology_change_detection(struct stp *stp)
{
	if (stp_is_root(stp)) {
		stp->topology_change = true;
		timer_start(&stp->topology_change_timer, 0);
	} else if (!stp->topology_change_detected) {
		transmit_tcn(stp);
		timer_start(&stp->tcn_timer, 0);
	}
	stp->topology_change_detected = true;
	stp->fdb_flush = true;
}

void
stp_topology_change_now(struct stp *stp)
{
	topology_change_detection(stp);
}

/* 8.6.15: Topology Change Acknowledged, by the root port's TCA flag. */
static void
topology_change_acknowledged(struct stp *stp)
{
	stp->topology_change_detected = false;
	timer_stop(&stp->tcn_timer);
}

/* 8.6.16: Acknowledge Topology Change, on the port a TCN came in on. */
static void
acknowledge_topology_change(struct stp *stp, struct stp_port *p)
{
	p->topology_change_ack = true;
	transmit_config(stp, p);
}

/* The end of 8.8.3 and 8.8.4 (and of 8.7.4): this bridge has just become the root. */
static void
become_root_bridge(struct stp *stp)
{
	stp->max_age = stp->bridge_max_age;
	stp->hello_time = stp->bridge_hello_time;
	stp->forward_delay = stp->bridge_forward_delay;
	topology_change_detection(stp);
	timer_stop(&stp->tcn_timer);
	config_bpdu_generation(stp);
	timer_start(&stp->hello_timer, 0);
}

/* The reverse, as 8.7.1 says when a better root appears: the root's duties go. */
static void
stop_being_root(struct stp *stp)
{
	timer_stop(&stp->hello_timer);
	if (stp->topology_change_detected) {
		timer_stop(&stp->topology_change_timer);
		transmit_tcn(stp);
		timer_start(&stp->tcn_timer, 0);
	}
}

/* After a change to the bridge's or a port's variables: select again, and act on a new root. */
static void
reselect(struct stp *stp, bool was_root)
{
	configuration_update(stp);
	port_state_selection(stp);
	if (stp_is_root(stp) && !was_root)
		become_root_bridge(stp);
	else if (!stp_is_root(stp) && was_root)
		stop_being_root(stp);
}

/* Received BPDUs (8.7.1, 8.7.2). */

/* 8.7.1: Received Configuration BPDU. */
static void
received_config_bpdu(struct stp *stp, struct stp_port *p, const struct stp_bpdu *b)
{
	bool was_root = stp_is_root(stp);

	if (!supersedes_port_info(stp, p, b)) {
		/* Older or worse information on our own LAN: answer with ours. */
		if (is_designated_port(stp, p))
			transmit_config(stp, p);
		return;
	}
	record_config_information(p, b);
	configuration_update(stp);
	port_state_selection(stp);
	if (!stp_is_root(stp) && was_root)
		stop_being_root(stp);
	if (p == stp->root_port) {
		record_config_timeout_values(stp, b);
		config_bpdu_generation(stp);
		if (b->flags & STP_FLAG_TCA)
			topology_change_acknowledged(stp);
	}
}

/* 8.7.2: Received Topology Change Notification BPDU. */
static void
received_tcn_bpdu(struct stp *stp, struct stp_port *p)
{
	if (!is_designated_port(stp, p))
		return;
	topology_change_detection(stp);
	acknowledge_topology_change(stp, p);
}

int
stp_received(struct stp *stp, unsigned port_no, const void *bpdu, size_t len)
{
	struct stp_port *p = port_get(stp, port_no);
	struct stp_bpdu b;
	const char *why;

	if (!p)
		return -ENOENT;
	if (p->state == STP_DISABLED)
		return 0; /* 8.7.1, 8.7.2: a disabled port takes no part. */
	if (stp_bpdu_decode(bpdu, len, &b, &why) < 0) {
		p->stats.error_count++;
		return -EINVAL;
	}
	p->stats.rx_count++;
	if (b.type == STP_TYPE_CONFIG)
		received_config_bpdu(stp, p, &b);
	else
		received_tcn_bpdu(stp, p);
	return 0;
}

/* Timer expiry (8.7.3 to 8.7.8). */

/* 8.7.3: Hello Timer Expiry. */
static void
hello_timer_expiry(struct stp *stp)
{
	config_bpdu_generation(stp);
	timer_start(&stp->hello_timer, 0);
}

/* 8.7.4: Message Age Timer Expiry: the root's information on p is too old. */
static void
message_age_timer_expiry(struct stp *stp, struct stp_port *p)
{
	bool was_root = stp_is_root(stp);

	become_designated_port(stp, p);
	configuration_update(stp);
	port_state_selection(stp);
	if (stp_is_root(stp) && !was_root)
		become_root_bridge(stp);
}

/* Whether the bridge is designated on at least one of its LANs (8.7.5). */
static bool
designated_for_some_port(struct stp *stp)
{
	struct stp_port *p;

	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p))
		if (p->designated_bridge == stp->bridge_id)
			return true;
	return false;
}

/* 8.7.5: Forward Delay Timer Expiry: listening -> learning -> forwarding. */
static void
forward_delay_timer_expiry(struct stp *stp, struct stp_port *p)
{
	if (p->state == STP_LISTENING) {
		set_port_state(stp, p, STP_LEARNING);
		timer_start(&p->forward_delay_timer, 0);
	} else if (p->state == STP_LEARNING) {
		set_port_state(stp, p, STP_FORWARDING);
		if (designated_for_some_port(stp))
			topology_change_detection(stp);
	}
}

/* 8.7.6: Topology Change Notification Timer Expiry: notify again. */
static void
tcn_timer_expiry(struct stp *stp)
{
	transmit_tcn(stp);
	timer_start(&stp->tcn_timer, 0);
}

/* 8.7.7: Topology Change Timer Expiry. */
static void
topology_change_timer_expiry(struct stp *stp)
{
	stp->topology_change_detected = false;
	stp->topology_change = false;
}

/* 8.7.8: Hold Timer Expiry: send what waited. */
static void
hold_timer_expiry(struct stp *stp, struct stp_port *p)
{
	if (p->config_pending)
		transmit_config(stp, p);
}

void
stp_tick(struct stp *stp, unsigned ms)
{
	uint64_t acc;
	uint32_t elapsed;
	struct stp_port *p;

	/* An hour at most per call: every timer expires by then anyway. */
	if (ms > 3600 * 1000)
		ms = 3600 * 1000;
	acc = (uint64_t)ms * UNITS_PER_S + stp->tick_rem;
	elapsed = acc / 1000;
	stp->tick_rem = acc % 1000;
	if (!elapsed)
		return;

	if (timer_expired(&stp->hello_timer, elapsed, stp->hello_time))
		hello_timer_expiry(stp);
	if (timer_expired(&stp->tcn_timer, elapsed, stp->bridge_hello_time))
		tcn_timer_expiry(stp);
	/* 8.5.3.13: Topology Change Time = the root's max age + forward delay. */
	if (timer_expired(&stp->topology_change_timer, elapsed,
		    stp->bridge_max_age + stp->bridge_forward_delay))
		topology_change_timer_expiry(stp);
	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p))
		if (timer_expired(&p->message_age_timer, elapsed, stp->max_age))
			message_age_timer_expiry(stp, p);
	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p)) {
		if (timer_expired(&p->forward_delay_timer, elapsed, stp->forward_delay))
			forward_delay_timer_expiry(stp, p);
		if (timer_expired(&p->hold_timer, elapsed, HOLD_TIME))
			hold_timer_expiry(stp, p);
	}
}

/* Management (8.8). */

struct stp *
stp_create(const char *name, uint64_t bridge_id, stp_send_fn *send, void *aux)
{
	struct stp *stp = xcalloc(1, sizeof *stp);

	stp->name = xstrdup(name);
	if (!(bridge_id >> 48))
		bridge_id |= (uint64_t)STP_DEFAULT_BRIDGE_PRIORITY << 48;
	stp->send = send;
	stp->aux = aux;
	/* 8.8.1: Initialisation; there is no port yet. */
	stp->bridge_id = bridge_id;
	stp->designated_root = bridge_id;
	stp->bridge_hello_time = STP_DEFAULT_HELLO_TIME * UNITS_PER_S;
	stp->bridge_max_age = STP_DEFAULT_MAX_AGE * UNITS_PER_S;
	stp->bridge_forward_delay = STP_DEFAULT_FORWARD_DELAY * UNITS_PER_S;
	stp->hello_time = stp->bridge_hello_time;
	stp->max_age = stp->bridge_max_age;
	stp->forward_delay = stp->bridge_forward_delay;
	timer_start(&stp->hello_timer, 0);
	return stp;
}

void
stp_destroy(struct stp *stp)
{
	if (!stp)
		return;
	free(stp->name);
	free(stp);
}

const char *
stp_name(const struct stp *stp)
{
	return stp->name;
}

void
stp_set_state_callback(struct stp *stp, stp_state_fn *fn, void *aux)
{
	stp->state_fn = fn;
	stp->state_aux = aux;
}

/* 8.8.4: Set Bridge Priority (and a new MAC, which changes the identifier the same way). */
void
stp_set_bridge_id(struct stp *stp, uint64_t bridge_id)
{
	bool was_root = stp_is_root(stp);
	struct stp_port *p;

	if (bridge_id == stp->bridge_id)
		return;
	for (p = next_enabled(stp, NULL); p; p = next_enabled(stp, p))
		if (is_designated_port(stp, p))
			p->designated_bridge = bridge_id;
	stp->bridge_id = bridge_id;
	reselect(stp, was_root);
}

void
stp_set_bridge_priority(struct stp *stp, uint16_t priority)
{
	stp_set_bridge_id(stp, (stp->bridge_id & 0xffffffffffffull) | (uint64_t)priority << 48);
}

int
stp_set_times(struct stp *stp, unsigned hello_s, unsigned max_age_s, unsigned fwd_delay_s,
	struct ds *err)
{
	if (hello_s < 1 || hello_s > 10) {
		ds_put_format(err, "stp: hello time %u s is out of range (1..10 s)", hello_s);
		return -EINVAL;
	}
	if (max_age_s < 6 || max_age_s > 40) {
		ds_put_format(err, "stp: max age %u s is out of range (6..40 s)", max_age_s);
		return -EINVAL;
	}
	if (fwd_delay_s < 4 || fwd_delay_s > 30) {
		ds_put_format(err, "stp: forward delay %u s is out of range (4..30 s)",
			fwd_delay_s);
		return -EINVAL;
	}
	/* 8.10.2: ports must not forward before the old information on a loop has aged out. */
	if (2 * (fwd_delay_s - 1) < max_age_s) {
		ds_put_format(err,
			"stp: max age %u s needs a forward delay of at least %u s "
			"(2 * (forward delay - 1) >= max age), not %u s",
			max_age_s, (max_age_s + 1) / 2 + 1, fwd_delay_s);
		return -EINVAL;
	}
	/* 8.10.2: a BPDU or two lost must not age the root's information out. */
	if (max_age_s < 2 * (hello_s + 1)) {
		ds_put_format(err,
			"stp: max age %u s is below 2 * (hello time + 1) = %u s for a hello time "
			"of %u s",
			max_age_s, 2 * (hello_s + 1), hello_s);
		return -EINVAL;
	}
	/* 8.8.5 (Set Timers): they take effect now if this bridge is the root. */
	stp->bridge_hello_time = hello_s * UNITS_PER_S;
	stp->bridge_max_age = max_age_s * UNITS_PER_S;
	stp->bridge_forward_delay = fwd_delay_s * UNITS_PER_S;
	if (stp_is_root(stp)) {
		stp->hello_time = stp->bridge_hello_time;
		stp->max_age = stp->bridge_max_age;
		stp->forward_delay = stp->bridge_forward_delay;
	}
	return 0;
}

int
stp_set_hello_time(struct stp *stp, unsigned s, struct ds *err)
{
	return stp_set_times(stp, s, stp->bridge_max_age / UNITS_PER_S,
		stp->bridge_forward_delay / UNITS_PER_S, err);
}

int
stp_set_max_age(struct stp *stp, unsigned s, struct ds *err)
{
	return stp_set_times(stp, stp->bridge_hello_time / UNITS_PER_S, s,
		stp->bridge_forward_delay / UNITS_PER_S, err);
}

int
stp_set_forward_delay(struct stp *stp, unsigned s, struct ds *err)
{
	return stp_set_times(stp, stp->bridge_hello_time / UNITS_PER_S,
		stp->bridge_max_age / UNITS_PER_S, s, err);
}

int
stp_port_add(struct stp *stp, unsigned port_no, unsigned priority, unsigned path_cost)
{
	struct stp_port *p;

	if (port_no < 1 || port_no > STP_MAX_PORT || priority > 255 || path_cost < 1 ||
		path_cost > 65535)
		return -EINVAL;
	p = &stp->ports[port_no];
	if (p->present)
		return -EEXIST;
	memset(p, 0, sizeof *p);
	p->present = true;
	p->port_no = port_no;
	p->port_id = priority << 8 | port_no;
	p->path_cost = path_cost;
	p->state = STP_DISABLED;
	become_designated_port(stp, p);
	stp->state_gen++;
	return 0;
}

int
stp_port_del(struct stp *stp, unsigned port_no)
{
	struct stp_port *p = port_get(stp, port_no);

	if (!p)
		return -ENOENT;
	stp_port_disable(stp, port_no);
	p->present = false;
	stp->state_gen++;
	return 0;
}

/* 8.8.2: Enable Port. */
int
stp_port_enable(struct stp *stp, unsigned port_no)
{
	struct stp_port *p = port_get(stp, port_no);

	if (!p)
		return -ENOENT;
	if (p->state != STP_DISABLED)
		return 0;
	/* 8.8.1's Initialise Port: designated for its LAN until told otherwise, blocking. */
	become_designated_port(stp, p);
	set_port_state(stp, p, STP_BLOCKING);
	p->topology_change_ack = false;
	p->config_pending = false;
	timer_stop(&p->message_age_timer);
	timer_stop(&p->forward_delay_timer);
	timer_stop(&p->hold_timer);
	port_state_selection(stp);
	return 0;
}

/* 8.8.3: Disable Port. */
int
stp_port_disable(struct stp *stp, unsigned port_no)
{
	struct stp_port *p = port_get(stp, port_no);
	bool was_root = stp_is_root(stp);

	if (!p)
		return -ENOENT;
	if (p->state == STP_DISABLED)
		return 0;
	become_designated_port(stp, p);
	set_port_state(stp, p, STP_DISABLED);
	p->topology_change_ack = false;
	p->config_pending = false;
	timer_stop(&p->message_age_timer);
	timer_stop(&p->forward_delay_timer);
	timer_stop(&p->hold_timer);
	reselect(stp, was_root);
	return 0;
}

/* 8.8.5: Set Port Priority. */
int
stp_port_set_priority(struct stp *stp, unsigned port_no, unsigned priority)
{
	struct stp_port *p = port_get(stp, port_no);
	uint16_t port_id;

	if (!p)
		return -ENOENT;
	if (priority > 255)
		return -EINVAL;
	port_id = priority << 8 | port_no;
	if (port_id == p->port_id)
		return 0;
	if (is_designated_port(stp, p))
		p->designated_port = port_id;
	p->port_id = port_id;
	if (p->state != STP_DISABLED && stp->bridge_id == p->designated_bridge &&
		p->port_id < p->designated_port) {
		become_designated_port(stp, p);
		port_state_selection(stp);
	}
	return 0;
}

/* 8.8.6: Set Path Cost. */
int
stp_port_set_path_cost(struct stp *stp, unsigned port_no, unsigned path_cost)
{
	struct stp_port *p = port_get(stp, port_no);

	if (!p)
		return -ENOENT;
	if (path_cost < 1 || path_cost > 65535)
		return -EINVAL;
	if (path_cost == p->path_cost)
		return 0;
	p->path_cost = path_cost;
	reselect(stp, stp_is_root(stp));
	return 0;
}

unsigned
stp_path_cost_for_speed(uint64_t mbps)
{
	/* 802.1D-1998 table 8-5, recommended values. */
	if (mbps >= 10000)
		return 2;
	if (mbps >= 1000)
		return 4;
	if (mbps >= 100)
		return 19;
	if (mbps >= 16)
		return 62;
	if (mbps >= 10)
		return 100;
	if (mbps >= 4)
		return 250;
	/* Slower still: the table's last value. Unknown (0): 10 Gb/s, as OVS guesses; DPDK ports
	 * are rarely slower. */
	return mbps ? 250 : 2;
}

/* Queries. */

uint64_t
stp_bridge_id(const struct stp *stp)
{
	return stp->bridge_id;
}

uint64_t
stp_root_id(const struct stp *stp)
{
	return stp->designated_root;
}

uint32_t
stp_root_path_cost(const struct stp *stp)
{
	return stp->root_path_cost;
}

unsigned
stp_root_port(const struct stp *stp)
{
	return stp->root_port ? stp->root_port->port_no : 0;
}

unsigned
stp_hello_time(const struct stp *stp)
{
	return stp->hello_time / UNITS_PER_S;
}

unsigned
stp_max_age(const struct stp *stp)
{
	return stp->max_age / UNITS_PER_S;
}

unsigned
stp_forward_delay(const struct stp *stp)
{
	return stp->forward_delay / UNITS_PER_S;
}

bool
stp_topology_change(const struct stp *stp)
{
	return stp->topology_change;
}

bool
stp_check_and_reset_fdb_flush(struct stp *stp)
{
	bool flush = stp->fdb_flush;

	stp->fdb_flush = false;
	return flush;
}

uint64_t
stp_state_gen(const struct stp *stp)
{
	return stp->state_gen;
}

enum stp_state
stp_port_state(const struct stp *stp, unsigned port_no)
{
	const struct stp_port *p = port_get(stp, port_no);

	return p ? p->state : STP_DISABLED;
}

enum stp_role
stp_port_role(const struct stp *stp, unsigned port_no)
{
	const struct stp_port *p = port_get(stp, port_no);

	if (!p || p->state == STP_DISABLED)
		return STP_ROLE_DISABLED;
	if (p == stp->root_port)
		return STP_ROLE_ROOT;
	if (is_designated_port(stp, p))
		return STP_ROLE_DESIGNATED;
	return STP_ROLE_ALTERNATE;
}

uint16_t
stp_port_id(const struct stp *stp, unsigned port_no)
{
	const struct stp_port *p = port_get(stp, port_no);

	return p ? p->port_id : 0;
}

unsigned
stp_port_path_cost(const struct stp *stp, unsigned port_no)
{
	const struct stp_port *p = port_get(stp, port_no);

	return p ? p->path_cost : 0;
}

int
stp_port_get_stats(const struct stp *stp, unsigned port_no, struct stp_port_stats *stats)
{
	const struct stp_port *p = port_get(stp, port_no);

	if (!p)
		return -ENOENT;
	*stats = p->stats;
	return 0;
}

bool
stp_forward_in_state(enum stp_state state)
{
	return state == STP_FORWARDING;
}

bool
stp_learn_in_state(enum stp_state state)
{
	return state == STP_LEARNING || state == STP_FORWARDING;
}

const char *
stp_state_name(enum stp_state state)
{
	switch (state) {
	case STP_DISABLED:
		return "disabled";
	case STP_BLOCKING:
		return "blocking";
	case STP_LISTENING:
		return "listening";
	case STP_LEARNING:
		return "learning";
	case STP_FORWARDING:
		return "forwarding";
	}
	return "unknown";
}

const char *
stp_role_name(enum stp_role role)
{
	switch (role) {
	case STP_ROLE_DISABLED:
		return "disabled";
	case STP_ROLE_ROOT:
		return "root";
	case STP_ROLE_DESIGNATED:
		return "designated";
	case STP_ROLE_ALTERNATE:
		return "alternate";
	}
	return "unknown";
}

static void
put_id(struct ds *out, uint64_t id)
{
	ds_put_format(out, "%u.%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(id >> 48),
		(unsigned)(id >> 40) & 0xff, (unsigned)(id >> 32) & 0xff,
		(unsigned)(id >> 24) & 0xff, (unsigned)(id >> 16) & 0xff,
		(unsigned)(id >> 8) & 0xff, (unsigned)id & 0xff);
}

void
stp_format(const struct stp *stp, struct ds *out)
{
	unsigned i;

	ds_put_format(out, "---- %s ----\n  Root ID: ", stp->name);
	put_id(out, stp->designated_root);
	if (stp_is_root(stp))
		ds_put_cstr(out, " (this bridge is the root)");
	ds_put_format(out,
		"\n  Root path cost: %u, root port: %u\n  Bridge ID: ", stp->root_path_cost,
		stp_root_port(stp));
	put_id(out, stp->bridge_id);
	ds_put_format(out, "\n  Hello time %u s, max age %u s, forward delay %u s%s\n",
		stp_hello_time(stp), stp_max_age(stp), stp_forward_delay(stp),
		stp->topology_change ? ", topology change" : "");
	ds_put_cstr(out, "  port  id    state       role         cost  tx  rx  errors\n");
	for (i = 1; i <= STP_MAX_PORT; i++) {
		const struct stp_port *p = &stp->ports[i];

		if (!p->present)
			continue;
		ds_put_format(out, "  %-4u  %04x  %-10s  %-11s  %5u  %llu  %llu  %llu\n", i,
			p->port_id, stp_state_name(p->state), stp_role_name(stp_port_role(stp, i)),
			p->path_cost, (unsigned long long)p->stats.tx_count,
			(unsigned long long)p->stats.rx_count,
			(unsigned long long)p->stats.error_count);
	}
}

/* Wire format (clause 9, bpdu_wire.h). */

size_t
stp_bpdu_encode(const struct stp_bpdu *b, uint8_t *buf)
{
	put16(buf, 0); /* Protocol identifier: spanning tree. */
	buf[2] = 0;    /* Version: 802.1D. */
	buf[3] = b->type;
	if (b->type == STP_TYPE_TCN)
		return STP_TCN_BPDU_LEN;
	buf[OFF_FLAGS] = b->flags;
	put64(buf + OFF_ROOT_ID, b->root_id);
	put32(buf + OFF_ROOT_PATH_COST, b->root_path_cost);
	put64(buf + OFF_BRIDGE_ID, b->bridge_id);
	put16(buf + OFF_PORT_ID, b->port_id);
	put16(buf + OFF_MESSAGE_AGE, b->message_age);
	put16(buf + OFF_MAX_AGE, b->max_age);
	put16(buf + OFF_HELLO_TIME, b->hello_time);
	put16(buf + OFF_FORWARD_DELAY, b->forward_delay);
	return STP_CONFIG_BPDU_LEN;
}

int
stp_bpdu_decode(const void *buf_, size_t len, struct stp_bpdu *b, const char **why)
{
	const uint8_t *buf = buf_;

	memset(b, 0, sizeof *b);
	if (len < STP_TCN_BPDU_LEN) {
		*why = "shorter than a BPDU header";
		return -EINVAL;
	}
	if (get16(buf) != 0) {
		*why = "protocol identifier is not 0 (spanning tree)";
		return -EINVAL;
	}
	b->type = buf[3];
	if (b->type == STP_TYPE_TCN)
		return 0;
	if (b->type != STP_TYPE_CONFIG) {
		*why = "unknown BPDU type";
		return -EINVAL;
	}
	if (len < STP_CONFIG_BPDU_LEN) {
		*why = "configuration BPDU shorter than 35 bytes";
		return -EINVAL;
	}
	b->flags = buf[OFF_FLAGS];
	b->root_id = get64(buf + OFF_ROOT_ID);
	b->root_path_cost = get32(buf + OFF_ROOT_PATH_COST);
	b->bridge_id = get64(buf + OFF_BRIDGE_ID);
	b->port_id = get16(buf + OFF_PORT_ID);
	b->message_age = get16(buf + OFF_MESSAGE_AGE);
	b->max_age = get16(buf + OFF_MAX_AGE);
	b->hello_time = get16(buf + OFF_HELLO_TIME);
	b->forward_delay = get16(buf + OFF_FORWARD_DELAY);
	/* 8.7.1 via 8.6.2.3: information that old has expired already (and max age 0 always). */
	if (b->message_age >= b->max_age) {
		*why = "message age not below max age";
		return -EINVAL;
	}
	return 0;
}

size_t
stp_frame_build(uint8_t *frame, const uint8_t src_mac[6], const void *bpdu, size_t len)
{
	size_t n = STP_ETH_HEADER_LEN + STP_LLC_HEADER_LEN + len;

	memcpy(frame, stp_group_mac, 6);
	memcpy(frame + 6, src_mac, 6);
	put16(frame + 12, STP_LLC_HEADER_LEN + len); /* 802.3 length: LLC header and BPDU. */
	frame[14] = 0x42;                            /* DSAP: bridge spanning tree protocol. */
	frame[15] = 0x42;                            /* SSAP. */
	frame[16] = 0x03;                            /* Control: unnumbered information. */
	memcpy(frame + 17, bpdu, len);
	if (n < STP_FRAME_MIN_LEN) {
		memset(frame + n, 0, STP_FRAME_MIN_LEN - n);
		n = STP_FRAME_MIN_LEN;
	}
	return n;
}

int
stp_frame_parse(const void *frame_, size_t len, const void **bpdu, size_t *bpdu_len)
{
	const uint8_t *frame = frame_;
	uint16_t length;

	if (len < STP_ETH_HEADER_LEN + STP_LLC_HEADER_LEN || memcmp(frame, stp_group_mac, 6))
		return -EINVAL;
	length = get16(frame + 12);
	/* 0x600 and above is an Ethernet II type (a VLAN tag among them), not an 802.3 length. */
	if (length >= 0x600 || length < STP_LLC_HEADER_LEN || length > len - STP_ETH_HEADER_LEN)
		return -EINVAL;
	if (frame[14] != 0x42 || frame[15] != 0x42 || frame[16] != 0x03)
		return -EINVAL;
	*bpdu = frame + STP_ETH_HEADER_LEN + STP_LLC_HEADER_LEN;
	*bpdu_len = length - STP_LLC_HEADER_LEN;
	return 0;
}
