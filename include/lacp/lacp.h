/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IEEE 802.1AX link aggregation control protocol engine (LACP, 802.1AX-2008 clause 5.4),
 * one instance per bond: a Port with several Interfaces, its members, numbered by the caller.
 * It sits on the control thread, between the punt handler that hands it received LACPDUs and
 * the inject path that sends the ones it generates; the bond's datapath view only reads what
 * it publishes (which members may carry traffic). Pure C with no DPDK in it: frames and time
 * are arguments, so the unit tests (lacp_test.c) drive it with scripted LACPDUs, a fake clock
 * and engines wired back to back.
 *
 * The state machines are those of Open vSwitch's lib/lacp.c, itself a simplified clause 5.4:
 * Receive (a member's partner information is CURRENT, EXPIRED or DEFAULTED, aged by the
 * current-while timer), Periodic Transmission (fast 1 s or slow 30 s, as the partner's timeout
 * bit asks; a passive member whose partner is defaulted sends nothing), and Selection and Mux
 * collapsed into one "attached" decision: a member is attached when its partner information
 * is current and names the same partner system and key as the bond's lead member.
 *
 * Interface to the caller, as stp.h and rstp.h:
 *   - received LACPDUs go in with lacp_received(), as the slow protocols payload (the 110
 *     bytes after the Ethernet header, starting at the subtype); lacp_frame_parse() finds it in
 *     a whole Ethernet frame;
 *   - generated LACPDUs come out through the send callback, also as that payload;
 *     lacp_frame_build() wraps one into the frame to 01:80:c2:00:00:02. The callback must not
 *     call back into the engine (queue the frame);
 *   - time goes in with lacp_tick(), in milliseconds (every 100 ms or so); configuration
 *     changes take effect at the next tick or received LACPDU;
 *   - the caller polls lacp_state_gen() and, when it moves, rereads lacp_status(),
 *     lacp_fallback_ab_active() and lacp_member_may_enable() of each member to republish the
 *     bond's datapath view.
 */
#ifndef TRESTLE_LACP_H
#define TRESTLE_LACP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct lacp;

/* Defaults, as OVS's other_config:lacp-* columns have them. */
#define LACP_DEFAULT_SYS_PRIORITY 65534  /* lacp-system-priority of a bond of 2+ members. */
#define LACP_DEFAULT_PORT_PRIORITY 65535 /* lacp-port-priority. */
#define LACP_DEFAULT_KEY 0               /* lacp-aggregation-key: 0 is the first port id. */

/* Times, in milliseconds (802.1AX 5.4.4). */
#define LACP_FAST_PERIODIC_MS 1000  /* Fast_Periodic_Time. */
#define LACP_SLOW_PERIODIC_MS 30000 /* Slow_Periodic_Time. */
#define LACP_RX_MULTIPLIER 3        /* Short and long timeouts: three periodic times. */
#define LACP_TX_MAX_PER_FAST 3      /* LACPDUs per member per Fast_Periodic_Time (5.4.16). */

/* Wire format (5.4.2). */
#define LACP_PDU_LEN 110       /* Subtype to the end of the reserved bytes. */
#define LACP_ETH_HEADER_LEN 14 /* Destination, source, ethertype. */
#define LACP_FRAME_LEN (LACP_ETH_HEADER_LEN + LACP_PDU_LEN) /* 124: no padding needed. */
#define LACP_ETHERTYPE 0x8809                               /* Slow protocols. */
#define LACP_SUBTYPE 1                                      /* LACP. */
#define LACP_SUBTYPE_MARKER 2 /* Marker protocol: counted, not answered. */
#define LACP_VERSION 1        /* 802.1AX-2008. */
#define LACP_TLV_ACTOR 1      /* Actor information, length 20. */
#define LACP_TLV_PARTNER 2    /* Partner information, length 20. */
#define LACP_TLV_COLLECTOR 3  /* Collector information, length 16. */
#define LACP_INFO_TLV_LEN 20
#define LACP_COLLECTOR_TLV_LEN 16

/* Actor and partner state bits (5.4.2.2 item m). */
#define LACP_STATE_ACTIVITY 0x01     /* Active (1) or passive LACP. */
#define LACP_STATE_TIMEOUT 0x02      /* Short (1) or long timeout. */
#define LACP_STATE_AGGREGATION 0x04  /* Aggregatable (1) or individual. */
#define LACP_STATE_SYNC 0x08         /* In sync: attached to the right aggregator. */
#define LACP_STATE_COLLECTING 0x10   /* Collecting frames. */
#define LACP_STATE_DISTRIBUTING 0x20 /* Distributing frames. */
#define LACP_STATE_DEFAULTED 0x40    /* Using defaulted partner information. */
#define LACP_STATE_EXPIRED 0x80      /* The receive machine is in EXPIRED. */

/* The group address LACPDUs are sent to (802.1AX table 5-1, the slow protocols address). */
extern const uint8_t lacp_group_mac[6];

/* The bond's negotiation status, as OVS's enum lacp_status. */
enum lacp_status {
	LACP_NEGOTIATED, /* A partner answered: members attach. */
	LACP_CONFIGURED, /* LACP runs, but no partner has answered. */
	LACP_DISABLED,   /* No LACP on the bond (lacp_status(NULL)). */
};

/* A member's receive state. */
enum lacp_member_status {
	LACP_CURRENT,   /* Partner information is up to date. */
	LACP_EXPIRED,   /* It timed out once: waiting a short timeout more. */
	LACP_DEFAULTED, /* No partner: information zeroed. */
};

/* One side's information in a LACPDU (the actor or partner TLV's value). */
struct lacp_info {
	uint16_t sys_priority;  /* System priority. */
	uint8_t sys_id[6];      /* System identifier: a MAC. */
	uint16_t key;           /* Operational aggregation key. */
	uint16_t port_priority; /* Port priority. */
	uint16_t port_id;       /* Port number. */
	uint8_t state;          /* LACP_STATE_*. */
};

/* A decoded LACPDU. */
struct lacp_pdu {
	struct lacp_info actor;       /* The sender. */
	struct lacp_info partner;     /* What the sender knows of us. */
	uint16_t collector_max_delay; /* Tens of microseconds; we send 0. */
};

/* Per-member counters (OVS's lacp/show-stats). */
struct lacp_member_stats {
	uint64_t rx_pdus;         /* LACPDUs and marker PDUs received, well formed or not. */
	uint64_t rx_bad;          /* Refused as malformed (dot3adAggPortStatsIllegalRx). */
	uint64_t rx_marker;       /* Marker PDUs. */
	uint64_t tx_pdus;         /* LACPDUs sent. */
	uint64_t link_expired;    /* CURRENT to EXPIRED. */
	uint64_t link_defaulted;  /* EXPIRED to DEFAULTED. */
	uint64_t carrier_changed; /* Carrier status changes. */
};

/* Called with each LACPDU the engine generates: the LACP_PDU_LEN payload to send on member_no. */
typedef void lacp_send_fn(unsigned member_no, const void *pdu, size_t len, void *aux);

/* Bond. */

/*
 * A bond named name (for lacp_format()) with system identifier sys_id, priority
 * LACP_DEFAULT_SYS_PRIORITY, active, slow, no fallback and no member. Never NULL.
 */
struct lacp *lacp_create(const char *name, const uint8_t sys_id[6], lacp_send_fn *send, void *aux);
void lacp_destroy(struct lacp *lacp);
const char *lacp_name(const struct lacp *lacp);

/* The actor's system identifier (a MAC, not all zeros) and priority (1..65535). */
void lacp_set_system_id(struct lacp *lacp, const uint8_t sys_id[6]);
/* 0, or -EINVAL with err explained (err may be NULL). */
int lacp_set_system_priority(struct lacp *lacp, unsigned priority, struct ds *err);
/* lacp=active (true) or passive. */
void lacp_set_active(struct lacp *lacp, bool active);
/* lacp-time=fast (true) or slow: our timeout bit, asking the partner to send every second. */
void lacp_set_fast(struct lacp *lacp, bool fast);
/* lacp-fallback-ab: with no partner, the members may enable, as an active-backup bond. */
void lacp_set_fallback_ab(struct lacp *lacp, bool fallback_ab);
bool lacp_is_active(const struct lacp *lacp);

/* Advances time by ms milliseconds: ages partner information, reselects, sends what is due. */
void lacp_tick(struct lacp *lacp, unsigned ms);

/* LACP_NEGOTIATED or LACP_CONFIGURED; LACP_DISABLED when lacp is NULL (no LACP). */
enum lacp_status lacp_status(const struct lacp *lacp);
/* "negotiated", "configured", "off", as OVS names them. */
const char *lacp_status_name(enum lacp_status status);
/*
 * True when fallback-ab is on and no member has a partner (all defaulted): the caller runs
 * the bond as active-backup over the members that may enable, rather than balancing.
 */
bool lacp_fallback_ab_active(const struct lacp *lacp);
/* Bumps whenever a member's status, attachment or may_enable, or the bond's status changes. */
uint64_t lacp_state_gen(const struct lacp *lacp);

/* Members. */

/*
 * Adds member_no with its interface name, port id (1..65535, lacp-port-id), port priority
 * (1..65535) and aggregation key (0..65535, 0 for the default). The member starts with its
 * carrier down and no partner: defaulted in a passive bond, expired (defaulted a short timeout
 * later) in an active one, as in OVS. The bond's key is the first member's (its port id when
 * its key is 0; the next member's once it is removed), as in OVS. 0, -EINVAL for a value out
 * of range, -EEXIST.
 */
int lacp_member_add(struct lacp *lacp, unsigned member_no, const char *name, unsigned port_id,
	unsigned port_priority, unsigned key);
/* Changes them (an actual change expires an active member's partner). 0, -EINVAL or -ENOENT. */
int lacp_member_set(struct lacp *lacp, unsigned member_no, unsigned port_id, unsigned port_priority,
	unsigned key);
/* 0 or -ENOENT. */
int lacp_member_del(struct lacp *lacp, unsigned member_no);
/* Link up or down: the partner information expires, LACPDUs flow only with carrier. */
int lacp_member_set_carrier(struct lacp *lacp, unsigned member_no, bool up);

/*
 * A received slow protocols payload on member_no: 0 when processed (or ignored: a marker PDU,
 * a member whose carrier is down); -EINVAL when malformed (counted in rx_bad, changes
 * nothing); -ENOENT for an unknown member.
 */
int lacp_received(struct lacp *lacp, unsigned member_no, const void *pdu, size_t len);

/* May the member carry traffic: attached and its partner in sync (or fallback-ab defaulted). */
bool lacp_member_may_enable(const struct lacp *lacp, unsigned member_no);
/* Attached to the bond's aggregator (OVS's "attached"). */
bool lacp_member_is_attached(const struct lacp *lacp, unsigned member_no);
/* Partner information not defaulted (OVS's lacp_member_is_current()). */
bool lacp_member_is_current(const struct lacp *lacp, unsigned member_no);
/* LACP_DEFAULTED for an unknown member. */
enum lacp_member_status lacp_member_status(const struct lacp *lacp, unsigned member_no);
/* The actor information the member sends and the partner information it holds. 0 or -ENOENT. */
int lacp_member_get_actor(const struct lacp *lacp, unsigned member_no, struct lacp_info *actor);
int lacp_member_get_partner(const struct lacp *lacp, unsigned member_no, struct lacp_info *partner);
/* 0 or -ENOENT. */
int lacp_member_get_stats(const struct lacp *lacp, unsigned member_no,
	struct lacp_member_stats *stats);

/*
 * lacp/show in OVS's layout: "---- NAME ----", status, sys_id, sys_priority, aggregation key,
 * lacp_time, then each member by name: "member: NAME: current attached", port_id,
 * port_priority, may_enable, the actor and the partner blocks.
 */
void lacp_format(const struct lacp *lacp, struct ds *out);
/* lacp/show-stats: "---- NAME statistics ----" then each member's counters. */
void lacp_format_stats(const struct lacp *lacp, struct ds *out);

/* Wire format. */

/* Encodes pdu into buf (LACP_PDU_LEN bytes): subtype, version, the three TLVs, terminator. */
size_t lacp_pdu_encode(const struct lacp_pdu *pdu, uint8_t *buf);
/*
 * Decodes len bytes (at least LACP_PDU_LEN; more is padding): subtype 1, version 1, actor
 * TLV 1/20, partner TLV 2/20, collector TLV 3/16, terminator 0/0. 0, or -EINVAL with *why
 * set to a static string.
 */
int lacp_pdu_decode(const void *buf, size_t len, struct lacp_pdu *pdu, const char **why);
/* Builds the Ethernet frame (LACP_FRAME_LEN bytes) to lacp_group_mac from src_mac. */
size_t lacp_frame_build(uint8_t *frame, const uint8_t src_mac[6], const void *pdu, size_t len);
/*
 * Finds the slow protocols payload of a frame: to lacp_group_mac, ethertype 0x8809, no VLAN
 * tag. *pdu points into the frame. 0 or -EINVAL.
 */
int lacp_frame_parse(const void *frame, size_t len, const void **pdu, size_t *pdu_len);

#endif
