/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 802.1AX link aggregation control protocol engine (see lacp.h). Runs on the control
 * thread: LACPDUs come in from the punt handler, time from the control loop's 100 ms timer,
 * and LACPDUs go out through the send callback.
 *
 * The machines follow Open vSwitch's lib/lacp.c rather than 802.1AX's five separate ones:
 * each event (a LACPDU, a tick) runs lacp_run(), which ages partner information (Receive),
 * reselects when something it depends on changed (Selection and Mux in one pass over the
 * members, lacp_update_attached()), and sends a LACPDU on each member whose periodic timer
 * ran out or whose partner's view of us is out of date (Periodic Transmission and NTT).
 * Every pass is bounded by the number of members, so no input can make the engine loop, and
 * nothing is allocated after a member is added.
 *
 * Where this differs from OVS, it follows 802.1AX: no more than LACP_TX_MAX_PER_FAST LACPDUs
 * per member per second (5.4.16), so that a flood of LACPDUs whose partner field disagrees
 * with us is not answered one for one; and the collecting and distributing bits are set only
 * on a member in sync both ways (OVS sets them on every member until the bond negotiates),
 * and a change of them is sent at once rather than with the next periodic LACPDU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds.h"
#include "lacp.h"
#include "xalloc.h"

const uint8_t lacp_group_mac[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x02};

/* A member: one Interface of the bond. */
struct lacp_member {
	struct lacp_member *next;           /* In lacp->members, in the order added. */
	unsigned member_no;                 /* The caller's number. */
	char *name;                         /* Interface name, for lacp_format(). */
	uint16_t port_id;                   /* Actor port number. */
	uint16_t port_priority;             /* Actor port priority. */
	uint16_t key;                       /* Configured key; 0 is the port id. */
	enum lacp_member_status status;     /* Receive state. */
	bool attached;                      /* Attached to the aggregator: traffic may flow. */
	bool carrier_up;                    /* The link is up. */
	struct lacp_info partner;           /* Partner information (zeros when defaulted). */
	struct lacp_info ntt_actor;         /* What the partner last said it knows of us. */
	uint64_t tx_at;                     /* Periodic timer: next LACPDU due, ms. */
	uint64_t rx_at;                     /* Current-while timer: partner info ages out, ms. */
	uint64_t tx_window;                 /* Start of the current rate limit second, ms. */
	unsigned tx_in_window;              /* LACPDUs sent since tx_window. */
	bool pub_attached;                  /* attached as last published by the state gen. */
	bool pub_may_enable;                /* may_enable as last published. */
	enum lacp_member_status pub_status; /* status as last published. */
	struct lacp_member_stats stats;     /* Counters. */
};

/* A bond. */
struct lacp {
	char *name;                     /* For lacp_format(). */
	uint8_t sys_id[6];              /* Actor system identifier. */
	uint16_t sys_priority;          /* Actor system priority. */
	bool active;                    /* Active (true) or passive LACP. */
	bool fast;                      /* Short timeout: ask for a LACPDU every second. */
	bool fallback_ab;               /* Fall back to active-backup with no partner. */
	bool negotiated;                /* Some member has a lead partner. */
	bool update;                    /* lacp_update_attached() must run. */
	bool pub_negotiated;            /* negotiated as last published. */
	bool pub_fallback;              /* lacp_fallback_ab_active() as last published. */
	uint64_t now;                   /* Milliseconds of lacp_tick() since creation. */
	uint64_t state_gen;             /* See lacp_state_gen(). */
	lacp_send_fn *send;             /* Sends a LACPDU. */
	void *aux;                      /* Its argument. */
	struct lacp_member *members;    /* All members, in the order added. */
	struct lacp_member *key_member; /* Whose key is the bond's: the first added. */
	unsigned n_members;             /* Members in the list. */
};

static struct lacp_member *
member_lookup(const struct lacp *lacp, unsigned member_no)
{
	struct lacp_member *m;

	for (m = lacp->members; m; m = m->next)
		if (m->member_no == member_no)
			return m;
	return NULL;
}

static int
mac_cmp(const uint8_t a[6], const uint8_t b[6])
{
	return memcmp(a, b, 6);
}

static bool
member_may_enable__(const struct lacp *lacp, const struct lacp_member *m)
{
	return m->attached && ((m->partner.state & LACP_STATE_SYNC) ||
				      (lacp->fallback_ab && m->status == LACP_DEFAULTED));
}

static uint16_t
bond_key(const struct lacp *lacp)
{
	const struct lacp_member *k = lacp->key_member;

	if (!k)
		return 0;
	return k->key ? k->key : k->port_id;
}

/* The information the member sends as the actor (OVS's member_get_actor()). */
static void
member_get_actor(const struct lacp *lacp, const struct lacp_member *m, struct lacp_info *actor)
{
	uint8_t state = 0;

	if (lacp->active)
		state |= LACP_STATE_ACTIVITY;
	if (lacp->fast)
		state |= LACP_STATE_TIMEOUT;
	if (m->attached)
		state |= LACP_STATE_SYNC;
	if (m->status == LACP_DEFAULTED)
		state |= LACP_STATE_DEFAULTED;
	if (m->status == LACP_EXPIRED)
		state |= LACP_STATE_EXPIRED;
	if (lacp->n_members > 1)
		state |= LACP_STATE_AGGREGATION;
	/*
	 * Collecting and distributing once in sync both ways (Mux's COLLECTING_DISTRIBUTING, with
	 * coupled control), which is when the caller enables the member. OVS also sets them on
	 * every member of a bond that has not negotiated; 802.1AX does not, nor does this.
	 */
	if (member_may_enable__(lacp, m))
		state |= LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;

	memset(actor, 0, sizeof *actor);
	actor->sys_priority = lacp->sys_priority;
	memcpy(actor->sys_id, lacp->sys_id, 6);
	actor->key = bond_key(lacp);
	actor->port_priority = m->port_priority;
	actor->port_id = m->port_id;
	actor->state = state;
}

/*
 * The link's priority: the port information of whichever of the two systems has the better
 * (lower) system priority, then MAC (OVS's member_get_priority()); key and state left out.
 */
static void
member_get_priority(const struct lacp *lacp, const struct lacp_member *m, struct lacp_info *pri)
{
	uint16_t actor_pri = lacp->sys_priority, partner_pri = m->partner.sys_priority;

	if (actor_pri < partner_pri ||
		(actor_pri == partner_pri && mac_cmp(lacp->sys_id, m->partner.sys_id) < 0))
		member_get_actor(lacp, m, pri);
	else
		*pri = m->partner;
	pri->key = 0;
	pri->state = 0;
}

/* Lower is better: system priority, system, port priority, port, as memcmp on the wire. */
static int
priority_cmp(const struct lacp_info *a, const struct lacp_info *b)
{
	int c;

	if (a->sys_priority != b->sys_priority)
		return a->sys_priority < b->sys_priority ? -1 : 1;
	c = mac_cmp(a->sys_id, b->sys_id);
	if (c)
		return c;
	if (a->port_priority != b->port_priority)
		return a->port_priority < b->port_priority ? -1 : 1;
	if (a->port_id != b->port_id)
		return a->port_id < b->port_id ? -1 : 1;
	return 0;
}

static void
member_set_defaulted(struct lacp *lacp, struct lacp_member *m)
{
	memset(&m->partner, 0, sizeof m->partner);
	m->status = LACP_DEFAULTED;
	lacp->update = true;
}

/* EXPIRED: the partner gets a short timeout more, and is out of sync meanwhile. */
static void
member_set_expired(struct lacp *lacp, struct lacp_member *m)
{
	m->status = LACP_EXPIRED;
	m->partner.state |= LACP_STATE_TIMEOUT;
	m->partner.state &= (uint8_t)~LACP_STATE_SYNC;
	m->rx_at = lacp->now + LACP_RX_MULTIPLIER * LACP_FAST_PERIODIC_MS;
	lacp->update = true;
}

/*
 * Periodic transmission (802.1AX-2008 5.4.13): none when both ends are passive. OVS's engine
 * goes on sending while a passive partner's information is current, so two bonds turned
 * passive after negotiating would refresh each other for good; here the information of a
 * passive partner is let expire, and the pair ends defaulted, as the standard says.
 */
static bool
member_may_tx(const struct lacp *lacp, const struct lacp_member *m)
{
	return m->carrier_up && (lacp->active || (m->status != LACP_DEFAULTED &&
							 (m->partner.state & LACP_STATE_ACTIVITY)));
}

/*
 * The state bits whose change needs a LACPDU to tell the partner: 5.4.9's, and Mux entering or
 * leaving COLLECTING_DISTRIBUTING (OVS leaves that to the periodic LACPDU).
 */
#define NTT_STATE_MASK \
	(LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_SYNC | LACP_STATE_AGGREGATION | \
		LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING)

/* Whether a and b differ in no field that needs a LACPDU to tell the partner (5.4.9). */
static bool
info_tx_equal(const struct lacp_info *a, const struct lacp_info *b)
{
	return !((a->state ^ b->state) & NTT_STATE_MASK) && a->port_id == b->port_id &&
	       a->port_priority == b->port_priority && a->key == b->key &&
	       a->sys_priority == b->sys_priority && !mac_cmp(a->sys_id, b->sys_id);
}

/*
 * Selection and Mux in one pass (OVS's lacp_update_attached()): the lead is the best current
 * attached member (its partner system is kept while it works), else the best member that can
 * attach; members whose partner system or key differ from the lead's are detached.
 */
static void
lacp_update_attached(struct lacp *lacp)
{
	struct lacp_member *lead = NULL, *lead_current = NULL, *m;
	struct lacp_info lead_pri, pri;
	bool lead_enable = false;

	lacp->update = false;
	memset(&lead_pri, 0, sizeof lead_pri);

	for (m = lacp->members; m; m = m->next) {
		if (m->status != LACP_CURRENT || !m->attached)
			continue;
		member_get_priority(lacp, m, &pri);
		if (!lead_current || priority_cmp(&pri, &lead_pri) < 0) {
			lead_current = lead = m;
			lead_pri = pri;
			lead_enable = true;
		}
	}

	for (m = lacp->members; m; m = m->next) {
		bool enable;

		m->attached = false;
		/* Loopback: the link comes back to this very bond. */
		if (!mac_cmp(m->partner.sys_id, lacp->sys_id))
			continue;
		if (m->status == LACP_DEFAULTED) {
			m->attached = lacp->fallback_ab;
			continue;
		}
		member_get_priority(lacp, m, &pri);
		enable = member_may_enable__(lacp, m);
		if (!lead_current || !mac_cmp(m->partner.sys_id, lead_current->partner.sys_id))
			m->attached = true;
		if (m->attached &&
			(!lead || enable > lead_enable ||
				(enable == lead_enable && priority_cmp(&pri, &lead_pri) < 0))) {
			lead = m;
			lead_enable = enable;
			lead_pri = pri;
		}
	}

	lacp->negotiated = lead != NULL;
	if (!lead)
		return;
	for (m = lacp->members; m; m = m->next)
		if ((lacp->fallback_ab && m->status == LACP_DEFAULTED) ||
			lead->partner.key != m->partner.key ||
			mac_cmp(lead->partner.sys_id, m->partner.sys_id))
			m->attached = false;
}

static void
member_transmit(struct lacp *lacp, struct lacp_member *m, const struct lacp_info *actor)
{
	struct lacp_pdu pdu;
	uint8_t buf[LACP_PDU_LEN];
	size_t len;

	m->ntt_actor = *actor;
	memset(&pdu, 0, sizeof pdu);
	pdu.actor = *actor;
	pdu.partner = m->partner;
	len = lacp_pdu_encode(&pdu, buf);
	m->stats.tx_pdus++;
	m->tx_in_window++;
	m->tx_at = lacp->now + ((m->partner.state & LACP_STATE_TIMEOUT) ? LACP_FAST_PERIODIC_MS
									: LACP_SLOW_PERIODIC_MS);
	lacp->send(m->member_no, buf, len, lacp->aux);
}

/* Bumps state_gen when anything the caller publishes moved since the last call. */
static void
lacp_publish(struct lacp *lacp)
{
	bool changed = false, fallback = lacp_fallback_ab_active(lacp);
	struct lacp_member *m;

	for (m = lacp->members; m; m = m->next) {
		bool may_enable = member_may_enable__(lacp, m);

		if (m->pub_attached != m->attached || m->pub_may_enable != may_enable ||
			m->pub_status != m->status) {
			m->pub_attached = m->attached;
			m->pub_may_enable = may_enable;
			m->pub_status = m->status;
			changed = true;
		}
	}
	if (lacp->pub_negotiated != lacp->negotiated || lacp->pub_fallback != fallback) {
		lacp->pub_negotiated = lacp->negotiated;
		lacp->pub_fallback = fallback;
		changed = true;
	}
	if (changed)
		lacp->state_gen++;
}

/* Receive timers, then selection, then transmission (OVS's lacp_run()). */
static void
lacp_run(struct lacp *lacp)
{
	struct lacp_member *m;

	for (m = lacp->members; m; m = m->next) {
		if (m->status == LACP_DEFAULTED || lacp->now < m->rx_at)
			continue;
		if (m->status == LACP_CURRENT) {
			member_set_expired(lacp, m);
			m->stats.link_expired++;
		} else {
			member_set_defaulted(lacp, m);
			m->stats.link_defaulted++;
		}
	}

	if (lacp->update)
		lacp_update_attached(lacp);

	for (m = lacp->members; m; m = m->next) {
		struct lacp_info actor;

		if (!member_may_tx(lacp, m))
			continue;
		if (lacp->now >= m->tx_window + LACP_FAST_PERIODIC_MS) {
			m->tx_window = lacp->now;
			m->tx_in_window = 0;
		}
		member_get_actor(lacp, m, &actor);
		if ((lacp->now >= m->tx_at || !info_tx_equal(&actor, &m->ntt_actor)) &&
			m->tx_in_window < LACP_TX_MAX_PER_FAST)
			member_transmit(lacp, m, &actor);
	}
	lacp_publish(lacp);
}

/* Bond. */

struct lacp *
lacp_create(const char *name, const uint8_t sys_id[6], lacp_send_fn *send, void *aux)
{
	struct lacp *lacp = xcalloc(1, sizeof *lacp);

	lacp->name = xstrdup(name);
	memcpy(lacp->sys_id, sys_id, 6);
	lacp->sys_priority = LACP_DEFAULT_SYS_PRIORITY;
	lacp->active = true;
	lacp->send = send;
	lacp->aux = aux;
	return lacp;
}

void
lacp_destroy(struct lacp *lacp)
{
	struct lacp_member *m, *next;

	if (!lacp)
		return;
	for (m = lacp->members; m; m = next) {
		next = m->next;
		free(m->name);
		free(m);
	}
	free(lacp->name);
	free(lacp);
}

const char *
lacp_name(const struct lacp *lacp)
{
	return lacp->name;
}

void
lacp_set_system_id(struct lacp *lacp, const uint8_t sys_id[6])
{
	if (mac_cmp(lacp->sys_id, sys_id)) {
		memcpy(lacp->sys_id, sys_id, 6);
		lacp->update = true;
	}
}

int
lacp_set_system_priority(struct lacp *lacp, unsigned priority, struct ds *err)
{
	if (priority < 1 || priority > 65535) {
		if (err)
			ds_put_format(err, "lacp-system-priority %u: must be 1..65535", priority);
		return -EINVAL;
	}
	if (lacp->sys_priority != priority) {
		lacp->sys_priority = (uint16_t)priority;
		lacp->update = true;
	}
	return 0;
}

void
lacp_set_active(struct lacp *lacp, bool active)
{
	lacp->active = active;
}

void
lacp_set_fast(struct lacp *lacp, bool fast)
{
	lacp->fast = fast;
}

void
lacp_set_fallback_ab(struct lacp *lacp, bool fallback_ab)
{
	if (lacp->fallback_ab != fallback_ab) {
		lacp->fallback_ab = fallback_ab;
		lacp->update = true;
	}
}

bool
lacp_is_active(const struct lacp *lacp)
{
	return lacp->active;
}

void
lacp_tick(struct lacp *lacp, unsigned ms)
{
	lacp->now += ms;
	lacp_run(lacp);
}

enum lacp_status
lacp_status(const struct lacp *lacp)
{
	if (!lacp)
		return LACP_DISABLED;
	return lacp->negotiated ? LACP_NEGOTIATED : LACP_CONFIGURED;
}

const char *
lacp_status_name(enum lacp_status status)
{
	switch (status) {
	case LACP_NEGOTIATED:
		return "negotiated";
	case LACP_CONFIGURED:
		return "configured";
	case LACP_DISABLED:
		return "off";
	}
	return "<unknown>";
}

bool
lacp_fallback_ab_active(const struct lacp *lacp)
{
	const struct lacp_member *m;

	if (!lacp || !lacp->fallback_ab || !lacp->members)
		return false;
	for (m = lacp->members; m; m = m->next)
		if (m->status != LACP_DEFAULTED)
			return false;
	return true;
}

uint64_t
lacp_state_gen(const struct lacp *lacp)
{
	return lacp->state_gen;
}

/* Members. */

static bool
member_args_ok(unsigned port_id, unsigned port_priority, unsigned key)
{
	return port_id >= 1 && port_id <= 65535 && port_priority >= 1 && port_priority <= 65535 &&
	       key <= 65535;
}

int
lacp_member_add(struct lacp *lacp, unsigned member_no, const char *name, unsigned port_id,
	unsigned port_priority, unsigned key)
{
	struct lacp_member *m, **tail;

	if (!member_args_ok(port_id, port_priority, key))
		return -EINVAL;
	if (member_lookup(lacp, member_no))
		return -EEXIST;
	m = xcalloc(1, sizeof *m);
	m->member_no = member_no;
	m->name = xstrdup(name);
	m->port_id = (uint16_t)port_id;
	m->port_priority = (uint16_t)port_priority;
	m->key = (uint16_t)key;
	m->pub_status = LACP_DEFAULTED;
	member_set_defaulted(lacp, m);
	for (tail = &lacp->members; *tail; tail = &(*tail)->next)
		;
	*tail = m;
	lacp->n_members++;
	if (!lacp->key_member)
		lacp->key_member = m;
	/* As OVS's first lacp_member_register(): the settings are new, so an active bond expires.
	 */
	if (lacp->active || lacp->negotiated)
		member_set_expired(lacp, m);
	lacp->state_gen++;
	return 0;
}

int
lacp_member_set(struct lacp *lacp, unsigned member_no, unsigned port_id, unsigned port_priority,
	unsigned key)
{
	struct lacp_member *m = member_lookup(lacp, member_no);

	if (!m)
		return -ENOENT;
	if (!member_args_ok(port_id, port_priority, key))
		return -EINVAL;
	if (m->port_id == port_id && m->port_priority == port_priority && m->key == key)
		return 0;
	m->port_id = (uint16_t)port_id;
	m->port_priority = (uint16_t)port_priority;
	m->key = (uint16_t)key;
	lacp->update = true;
	if (lacp->active || lacp->negotiated)
		member_set_expired(lacp, m);
	return 0;
}

int
lacp_member_del(struct lacp *lacp, unsigned member_no)
{
	struct lacp_member **p, *m;

	for (p = &lacp->members; *p && (*p)->member_no != member_no; p = &(*p)->next)
		;
	m = *p;
	if (!m)
		return -ENOENT;
	*p = m->next;
	lacp->n_members--;
	if (lacp->key_member == m)
		lacp->key_member = lacp->members;
	free(m->name);
	free(m);
	lacp->update = true;
	lacp->state_gen++;
	return 0;
}

int
lacp_member_set_carrier(struct lacp *lacp, unsigned member_no, bool up)
{
	struct lacp_member *m = member_lookup(lacp, member_no);

	if (!m)
		return -ENOENT;
	if (m->status == LACP_CURRENT || lacp->active)
		member_set_expired(lacp, m);
	if (m->carrier_up != up) {
		m->carrier_up = up;
		m->stats.carrier_changed++;
	}
	return 0;
}

int
lacp_received(struct lacp *lacp, unsigned member_no, const void *buf, size_t len)
{
	struct lacp_member *m = member_lookup(lacp, member_no);
	struct lacp_pdu pdu;
	const char *why;

	if (!m)
		return -ENOENT;
	m->stats.rx_pdus++;
	if (len >= 1 && *(const uint8_t *)buf == LACP_SUBTYPE_MARKER) {
		m->stats.rx_marker++;
		return 0;
	}
	if (lacp_pdu_decode(buf, len, &pdu, &why)) {
		m->stats.rx_bad++;
		return -EINVAL;
	}
	/* A LACPDU before the glue has seen the link up: wait for the carrier, as OVS does. */
	if (!m->carrier_up)
		return 0;

	m->status = LACP_CURRENT;
	m->rx_at = lacp->now + LACP_RX_MULTIPLIER *
				       (lacp->fast ? LACP_FAST_PERIODIC_MS : LACP_SLOW_PERIODIC_MS);
	m->ntt_actor = pdu.partner;
	if (memcmp(&m->partner, &pdu.actor, sizeof pdu.actor)) {
		m->partner = pdu.actor;
		lacp->update = true;
	}
	lacp_run(lacp);
	return 0;
}

bool
lacp_member_may_enable(const struct lacp *lacp, unsigned member_no)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	return m && member_may_enable__(lacp, m);
}

bool
lacp_member_is_attached(const struct lacp *lacp, unsigned member_no)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	return m && m->attached;
}

bool
lacp_member_is_current(const struct lacp *lacp, unsigned member_no)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	return m && m->status != LACP_DEFAULTED;
}

enum lacp_member_status
lacp_member_status(const struct lacp *lacp, unsigned member_no)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	return m ? m->status : LACP_DEFAULTED;
}

int
lacp_member_get_actor(const struct lacp *lacp, unsigned member_no, struct lacp_info *actor)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	if (!m)
		return -ENOENT;
	member_get_actor(lacp, m, actor);
	return 0;
}

int
lacp_member_get_partner(const struct lacp *lacp, unsigned member_no, struct lacp_info *partner)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	if (!m)
		return -ENOENT;
	*partner = m->partner;
	return 0;
}

int
lacp_member_get_stats(const struct lacp *lacp, unsigned member_no, struct lacp_member_stats *stats)
{
	const struct lacp_member *m = member_lookup(lacp, member_no);

	if (!m)
		return -ENOENT;
	*stats = m->stats;
	return 0;
}

/* Formatting. */

static void
put_state(struct ds *out, uint8_t state)
{
	static const char *const names[8] = {"activity", "timeout", "aggregation", "synchronized",
		"collecting", "distributing", "defaulted", "expired"};
	unsigned i;

	for (i = 0; i < 8; i++)
		if (state & (1u << i))
			ds_put_format(out, " %s", names[i]);
}

static void
put_mac(struct ds *out, const uint8_t mac[6])
{
	ds_put_format(out, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		mac[5]);
}

static int
member_name_cmp(const void *a_, const void *b_)
{
	const struct lacp_member *const *a = a_, *const *b = b_;

	return strcmp((*a)->name, (*b)->name);
}

/* The members sorted by name, as OVS prints them; the caller frees the array. */
static const struct lacp_member **
members_by_name(const struct lacp *lacp)
{
	const struct lacp_member **v = xcalloc(lacp->n_members + 1, sizeof *v);
	const struct lacp_member *m;
	size_t n = 0;

	for (m = lacp->members; m; m = m->next)
		v[n++] = m;
	qsort(v, n, sizeof *v, member_name_cmp);
	return v;
}

static void
put_info(struct ds *out, const char *who, const struct lacp_info *info)
{
	ds_put_format(out, "  %s sys_id: ", who);
	put_mac(out, info->sys_id);
	ds_put_format(out, "\n  %s sys_priority: %u\n", who, info->sys_priority);
	ds_put_format(out, "  %s port_id: %u\n", who, info->port_id);
	ds_put_format(out, "  %s port_priority: %u\n", who, info->port_priority);
	ds_put_format(out, "  %s key: %u\n", who, info->key);
	ds_put_format(out, "  %s state:", who);
	put_state(out, info->state);
	ds_put_char(out, '\n');
}

void
lacp_format(const struct lacp *lacp, struct ds *out)
{
	static const char *const status_names[] = {"current", "expired", "defaulted"};
	const struct lacp_member **v;
	size_t i;

	ds_put_format(out, "---- %s ----\n", lacp->name);
	ds_put_format(out, "  status: %s%s\n", lacp->active ? "active" : "passive",
		lacp->negotiated ? " negotiated" : "");
	ds_put_cstr(out, "  sys_id: ");
	put_mac(out, lacp->sys_id);
	ds_put_format(out, "\n  sys_priority: %u\n", lacp->sys_priority);
	if (lacp->key_member)
		ds_put_format(out, "  aggregation key: %u\n", bond_key(lacp));
	else
		ds_put_cstr(out, "  aggregation key: none\n");
	ds_put_format(out, "  lacp_time: %s\n", lacp->fast ? "fast" : "slow");

	v = members_by_name(lacp);
	for (i = 0; i < lacp->n_members; i++) {
		const struct lacp_member *m = v[i];
		struct lacp_info actor;

		member_get_actor(lacp, m, &actor);
		ds_put_format(out, "\nmember: %s: %s %s\n", m->name, status_names[m->status],
			m->attached ? "attached" : "detached");
		ds_put_format(out, "  port_id: %u\n", m->port_id);
		ds_put_format(out, "  port_priority: %u\n", m->port_priority);
		ds_put_format(out, "  may_enable: %s\n\n",
			member_may_enable__(lacp, m) ? "true" : "false");
		put_info(out, "actor", &actor);
		ds_put_char(out, '\n');
		put_info(out, "partner", &m->partner);
	}
	free(v);
}

void
lacp_format_stats(const struct lacp *lacp, struct ds *out)
{
	const struct lacp_member **v;
	size_t i;

	ds_put_format(out, "---- %s statistics ----\n", lacp->name);
	v = members_by_name(lacp);
	for (i = 0; i < lacp->n_members; i++) {
		const struct lacp_member_stats *s = &v[i]->stats;

		ds_put_format(out, "\nmember: %s:\n", v[i]->name);
		ds_put_format(out, "  TX PDUs: %llu\n", (unsigned long long)s->tx_pdus);
		ds_put_format(out, "  RX PDUs: %llu\n", (unsigned long long)s->rx_pdus);
		ds_put_format(out, "  RX Bad PDUs: %llu\n", (unsigned long long)s->rx_bad);
		ds_put_format(out, "  RX Marker Request PDUs: %llu\n",
			(unsigned long long)s->rx_marker);
		ds_put_format(out, "  Link Expired: %llu\n", (unsigned long long)s->link_expired);
		ds_put_format(out, "  Link Defaulted: %llu\n",
			(unsigned long long)s->link_defaulted);
		ds_put_format(out, "  Carrier Status Changed: %llu\n",
			(unsigned long long)s->carrier_changed);
	}
	free(v);
}

/* Wire format. */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Offsets in the payload (5.4.2.2). */
#define OFF_ACTOR 2       /* Actor TLV: type, length, 18 bytes of value and reserved. */
#define OFF_PARTNER 22    /* Partner TLV. */
#define OFF_COLLECTOR 42  /* Collector TLV: type, length, max delay, 12 reserved. */
#define OFF_TERMINATOR 58 /* Terminator TLV: type 0, length 0, then 50 reserved bytes. */

static void
info_encode(uint8_t *p, uint8_t type, const struct lacp_info *info)
{
	p[0] = type;
	p[1] = LACP_INFO_TLV_LEN;
	put16(p + 2, info->sys_priority);
	memcpy(p + 4, info->sys_id, 6);
	put16(p + 10, info->key);
	put16(p + 12, info->port_priority);
	put16(p + 14, info->port_id);
	p[16] = info->state;
	/* p[17..19] reserved, zero. */
}

static void
info_decode(const uint8_t *p, struct lacp_info *info)
{
	memset(info, 0, sizeof *info);
	info->sys_priority = get16(p + 2);
	memcpy(info->sys_id, p + 4, 6);
	info->key = get16(p + 10);
	info->port_priority = get16(p + 12);
	info->port_id = get16(p + 14);
	info->state = p[16];
}

size_t
lacp_pdu_encode(const struct lacp_pdu *pdu, uint8_t *buf)
{
	memset(buf, 0, LACP_PDU_LEN);
	buf[0] = LACP_SUBTYPE;
	buf[1] = LACP_VERSION;
	info_encode(buf + OFF_ACTOR, LACP_TLV_ACTOR, &pdu->actor);
	info_encode(buf + OFF_PARTNER, LACP_TLV_PARTNER, &pdu->partner);
	buf[OFF_COLLECTOR] = LACP_TLV_COLLECTOR;
	buf[OFF_COLLECTOR + 1] = LACP_COLLECTOR_TLV_LEN;
	put16(buf + OFF_COLLECTOR + 2, pdu->collector_max_delay);
	/* Terminator type and length are 0, as the reserved bytes after it. */
	return LACP_PDU_LEN;
}

int
lacp_pdu_decode(const void *buf_, size_t len, struct lacp_pdu *pdu, const char **why)
{
	const uint8_t *buf = buf_;
	const char *w = NULL;

	if (len < LACP_PDU_LEN)
		w = "truncated LACPDU";
	else if (buf[0] != LACP_SUBTYPE)
		w = "not a LACPDU (slow protocols subtype is not 1)";
	else if (buf[1] != LACP_VERSION)
		w = "unsupported LACP version";
	else if (buf[OFF_ACTOR] != LACP_TLV_ACTOR || buf[OFF_ACTOR + 1] != LACP_INFO_TLV_LEN)
		w = "bad actor information TLV";
	else if (buf[OFF_PARTNER] != LACP_TLV_PARTNER || buf[OFF_PARTNER + 1] != LACP_INFO_TLV_LEN)
		w = "bad partner information TLV";
	else if (buf[OFF_COLLECTOR] != LACP_TLV_COLLECTOR ||
		 buf[OFF_COLLECTOR + 1] != LACP_COLLECTOR_TLV_LEN)
		w = "bad collector information TLV";
	else if (buf[OFF_TERMINATOR] != 0 || buf[OFF_TERMINATOR + 1] != 0)
		w = "bad terminator TLV";
	if (w) {
		if (why)
			*why = w;
		return -EINVAL;
	}
	memset(pdu, 0, sizeof *pdu);
	info_decode(buf + OFF_ACTOR, &pdu->actor);
	info_decode(buf + OFF_PARTNER, &pdu->partner);
	pdu->collector_max_delay = get16(buf + OFF_COLLECTOR + 2);
	return 0;
}

size_t
lacp_frame_build(uint8_t *frame, const uint8_t src_mac[6], const void *pdu, size_t len)
{
	memcpy(frame, lacp_group_mac, 6);
	memcpy(frame + 6, src_mac, 6);
	put16(frame + 12, LACP_ETHERTYPE);
	memcpy(frame + LACP_ETH_HEADER_LEN, pdu, len);
	return LACP_ETH_HEADER_LEN + len;
}

int
lacp_frame_parse(const void *frame_, size_t len, const void **pdu, size_t *pdu_len)
{
	const uint8_t *frame = frame_;

	if (len < LACP_ETH_HEADER_LEN || memcmp(frame, lacp_group_mac, 6) ||
		get16(frame + 12) != LACP_ETHERTYPE)
		return -EINVAL;
	*pdu = frame + LACP_ETH_HEADER_LEN;
	*pdu_len = len - LACP_ETH_HEADER_LEN;
	return 0;
}
