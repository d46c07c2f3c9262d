/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IEEE 802.1D-2004 rapid spanning tree protocol engine (clause 17, the 802.1w RSTP), one
 * instance per bridge. It sits where the 802.1D-1998 engine (stp.h) sits: on the control
 * thread, between the punt handler that hands it received BPDUs and the inject path that
 * sends the BPDUs it generates; the datapath only reads the port states it publishes. Pure C
 * with no DPDK in it: frames and time are arguments, so the unit tests (rstp_test.c) drive it
 * with scripted BPDUs, a fake clock, and two engines wired back to back.
 *
 * The state machines are those of 802.1D-2004 17.19 to 17.29: Port Timers, Port Receive,
 * Port Protocol Migration, Bridge Detection, Port Transmit, Port Information, Port Role
 * Selection, Port Role Transitions, Port State Transition and Topology Change; each of their
 * procedures (17.21) is a function named as the standard names it. A port that hears an
 * 802.1D-1998 configuration or TCN BPDU falls back to sending them (Port Protocol Migration)
 * until mcheck or the link going down brings it back.
 *
 * Interface to the caller, as stp.h:
 *   - received BPDUs go in with rstp_received(), as the 802.2 LLC payload (starting at the
 *     protocol identifier): RST BPDUs, and 802.1D configuration and TCN BPDUs;
 *   - generated BPDUs come out through the send callback, also as the LLC payload (36 bytes
 *     for an RST BPDU, 35 for a configuration BPDU, 4 for a TCN); stp_frame_build() frames
 *     them. The callback must not call back into the engine;
 *   - time goes in with rstp_tick(), in milliseconds (every 100 ms or so); the standard's
 *     timers run on a one-second tick, which the engine derives;
 *   - the caller polls rstp_state_gen() (or sets a state callback) to republish port states,
 *     and rstp_port_check_and_reset_flush() for each port to flush the MAC entries learnt on it
 *     (RSTP flushes per port, 17.21.7 flush).
 *
 * Port numbers are 1..RSTP_MAX_PORT: the low 12 bits of the port identifier, whose high 4 bits
 * are the port priority divided by 16. Times in the configuration are in whole seconds, as
 * OVS's other_config:rstp-* columns are; on the wire they are in 1/256 s.
 */
#ifndef TRESTLE_RSTP_H
#define TRESTLE_RSTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct rstp;

#define RSTP_MAX_PORT 4095 /* Port numbers are 1..4095 (12 bits of the port identifier). */

/* 802.1D-2004 defaults (table 17-1, 17-2), as OVS has them. */
#define RSTP_DEFAULT_BRIDGE_PRIORITY 32768 /* 0..61440 in steps of 4096. */
#define RSTP_DEFAULT_PORT_PRIORITY 128     /* 0..240 in steps of 16. */
#define RSTP_DEFAULT_HELLO_TIME 2          /* Seconds; fixed, as in OVS. */
#define RSTP_DEFAULT_MAX_AGE 20            /* Seconds, 6..40. */
#define RSTP_DEFAULT_FORWARD_DELAY 15      /* Seconds, 4..30. */
#define RSTP_DEFAULT_TRANSMIT_HOLD_COUNT 6 /* BPDUs per hello time, 1..10. */
#define RSTP_DEFAULT_AGEING_TIME 300       /* Seconds, 10..1000000. */
#define RSTP_DEFAULT_PATH_COST 2000        /* 10 Gb/s (table 17-3), OVS's default. */
#define RSTP_MIGRATE_TIME 3                /* Seconds (17.13.9). */

/* Wire format (clause 9). */
#define RSTP_BPDU_LEN 36   /* RST BPDU: the configuration BPDU's 35 bytes + version 1 length. */
#define RSTP_TYPE_RST 0x02 /* BPDU type of an RST BPDU (protocol version 2). */
#define RSTP_VERSION 2     /* Protocol version identifier of an RST BPDU. */
#define RSTP_FLAG_TC 0x01  /* Topology change. */
#define RSTP_FLAG_PROPOSAL 0x02
#define RSTP_FLAG_ROLE_MASK 0x0c /* Port role, in two bits: */
#define RSTP_FLAG_ROLE_SHIFT 2
#define RSTP_FLAG_ROLE_UNKNOWN 0    /*   unknown; */
#define RSTP_FLAG_ROLE_ALT_BACKUP 1 /*   alternate or backup; */
#define RSTP_FLAG_ROLE_ROOT 2       /*   root; */
#define RSTP_FLAG_ROLE_DESIGNATED 3 /*   designated. */
#define RSTP_FLAG_LEARNING 0x10
#define RSTP_FLAG_FORWARDING 0x20
#define RSTP_FLAG_AGREEMENT 0x40
#define RSTP_FLAG_TCA 0x80 /* Topology change acknowledgment (802.1D BPDUs only). */

/* A port's state (802.1D-2004 17.3, and OVS's names in rstp_state_name()). */
enum rstp_state {
	RSTP_DISABLED,   /* Not enabled: takes no part. */
	RSTP_DISCARDING, /* Receives and sends BPDUs only: neither learns nor forwards. */
	RSTP_LEARNING,   /* Learns source addresses, does not forward yet. */
	RSTP_FORWARDING, /* Learns and forwards. */
};

/* A port's role (17.7). */
enum rstp_role {
	RSTP_ROLE_DISABLED,
	RSTP_ROLE_ROOT,       /* The bridge's best path to the root. */
	RSTP_ROLE_DESIGNATED, /* This bridge is designated for the port's LAN. */
	RSTP_ROLE_ALTERNATE,  /* An alternate path to the root, through another bridge. */
	RSTP_ROLE_BACKUP,     /* A backup of this bridge's own designated port on a shared LAN. */
};

/* Administrative point-to-point status of a port's MAC (adminPointToPointMAC, 6.4.3). */
enum rstp_admin_p2p {
	RSTP_P2P_FORCE_TRUE,  /* Point to point. */
	RSTP_P2P_FORCE_FALSE, /* Shared medium: no rapid transition by proposal/agreement. */
	RSTP_P2P_AUTO, /* From the link's duplex; the caller's links are full duplex: true. */
};

/* A decoded BPDU (clause 9.3); times in 1/256 s as on the wire. */
struct rstp_bpdu {
	uint8_t type;            /* STP_TYPE_CONFIG, STP_TYPE_TCN or RSTP_TYPE_RST. */
	uint8_t version;         /* Protocol version identifier: 0 (802.1D), 2 (RSTP), or more. */
	uint8_t flags;           /* RSTP_FLAG_*. The rest is for configuration and RST only. */
	uint64_t root_id;        /* Priority << 48 | MAC of the root. */
	uint32_t root_path_cost; /* Cost from the transmitting bridge to the root. */
	uint64_t bridge_id;      /* The transmitting bridge. */
	uint16_t port_id;        /* Transmitting port: (priority / 16) << 12 | port number. */
	uint16_t message_age;
	uint16_t max_age;
	uint16_t hello_time;
	uint16_t forward_delay;
};

/* Per-port counters (OVS's rstp_statistics). */
struct rstp_port_stats {
	uint64_t tx_count;    /* BPDUs sent. */
	uint64_t rx_count;    /* Well-formed BPDUs received and processed. */
	uint64_t error_count; /* BPDUs refused: malformed, or information too old. */
};

/* Called with each BPDU the engine generates: the LLC payload to send on port_no. */
typedef void rstp_send_fn(unsigned port_no, const void *bpdu, size_t len, void *aux);
/* Called on each port state change, before the rstp_*() call that caused it returns. */
typedef void rstp_state_fn(unsigned port_no, enum rstp_state old_state, enum rstp_state new_state,
	void *aux);

/* Bridge. */

/*
 * A bridge with identifier bridge_id (priority << 48 | MAC; a priority of 0 in it is priority
 * 0, unlike stp_create()), the default times and no port. Never NULL.
 */
struct rstp *rstp_create(const char *name, uint64_t bridge_id, rstp_send_fn *send, void *aux);
void rstp_destroy(struct rstp *rstp);
const char *rstp_name(const struct rstp *rstp);
/* Optional: a function told of every port state change (NULL to stop). */
void rstp_set_state_callback(struct rstp *rstp, rstp_state_fn *fn, void *aux);

/* Changes the bridge's identifier (its MAC and priority): reselects all ports (17.13). */
void rstp_set_bridge_id(struct rstp *rstp, uint64_t bridge_id);
/* The priority part: 0..61440, a multiple of 4096. 0, or -EINVAL with err explained. */
int rstp_set_bridge_priority(struct rstp *rstp, unsigned priority, struct ds *err);
/*
 * Bridge Max Age and Forward Delay in seconds (17.13.5, 17.13.8): max age 6..40, forward
 * delay 4..30, and together 2 * (forward_delay - 1) >= max_age >= 2 * (hello_time + 1). Both
 * at once, so that no order of single changes is needed. 0, or -EINVAL with err explained.
 */
int rstp_set_times(struct rstp *rstp, unsigned max_age_s, unsigned fwd_delay_s, struct ds *err);
/* TxHoldCount (17.13.12), 1..10. 0, or -EINVAL with err explained. */
int rstp_set_transmit_hold_count(struct rstp *rstp, unsigned count, struct ds *err);
/*
 * Ageing Time (17.13.2), 10..1000000 s: the MAC table's, which the caller applies; the
 * engine reports it back through rstp_ageing_time(), shortened to the forward delay while a
 * port that runs 802.1D signals a topology change (its tcWhile runs: 802.1D bridges beyond it
 * age fast rather than flush, 17.19.7 fdbFlush for an STP-compatible port). 0 or -EINVAL.
 */
int rstp_set_ageing_time(struct rstp *rstp, unsigned s, struct ds *err);
/*
 * ForceProtocolVersion (17.13.4): 0 sends 802.1D BPDUs on every port (STP compatibility
 * mode), 2 is RSTP. 0, or -EINVAL with err explained.
 */
int rstp_set_force_protocol_version(struct rstp *rstp, unsigned version, struct ds *err);

/*
 * Advances time by ms milliseconds (the remainder below a second is kept for the next call);
 * runs the one-second tick as many times as whole seconds have passed, and the state machines
 * until nothing changes.
 */
void rstp_tick(struct rstp *rstp, unsigned ms);

uint64_t rstp_bridge_id(const struct rstp *rstp);
uint64_t rstp_root_id(const struct rstp *rstp);
uint32_t rstp_root_path_cost(const struct rstp *rstp);
/* The designated bridge and port of the root priority vector (OVS's rstp_designated_*). */
uint64_t rstp_designated_id(const struct rstp *rstp);
uint16_t rstp_designated_port_id(const struct rstp *rstp);
/* The root port's identifier as the bridge sees it (OVS's rstp_bridge_port_id); 0 if root. */
uint16_t rstp_bridge_port_id(const struct rstp *rstp);
/* The root port's number, or 0 when this bridge is the root. */
unsigned rstp_root_port(const struct rstp *rstp);
bool rstp_is_root(const struct rstp *rstp);
/* The times in use (rootTimes), in seconds. */
unsigned rstp_hello_time(const struct rstp *rstp);
unsigned rstp_max_age(const struct rstp *rstp);
unsigned rstp_forward_delay(const struct rstp *rstp);
unsigned rstp_transmit_hold_count(const struct rstp *rstp);
unsigned rstp_force_protocol_version(const struct rstp *rstp);
/* The MAC table ageing time to use now, in seconds (see rstp_set_ageing_time()). */
unsigned rstp_ageing_time(const struct rstp *rstp);
/* Whether any port's tcWhile runs: a topology change is being propagated. */
bool rstp_topology_change(const struct rstp *rstp);
/*
 * A topology change detected now, for the caller's rstp/tcn-like command: every forwarding
 * non-edge port starts its tcWhile and sends TC (17.25 as if a port became forwarding).
 */
void rstp_topology_change_now(struct rstp *rstp);
/* Bumps on every port state or role change and port addition or removal. */
uint64_t rstp_state_gen(const struct rstp *rstp);

/* Ports. */

/*
 * Adds port_no (1..RSTP_MAX_PORT) with priority (0..240, a multiple of 16) and path_cost
 * (1..200000000); the port starts disabled, admin edge false, auto edge true, admin p2p auto.
 * 0, -EINVAL for a value out of range, -EEXIST if it is already there.
 */
int rstp_port_add(struct rstp *rstp, unsigned port_no, unsigned priority, unsigned path_cost);
/* Removes it (disabling it first). 0 or -ENOENT. */
int rstp_port_del(struct rstp *rstp, unsigned port_no);
/* The name rstp_format() prints for it (OVS prints interface names). 0 or -ENOENT. */
int rstp_port_set_name(struct rstp *rstp, unsigned port_no, const char *name);
/* Link up (portEnabled true). 0 or -ENOENT. */
int rstp_port_enable(struct rstp *rstp, unsigned port_no);
/* Link down (portEnabled false). 0 or -ENOENT. */
int rstp_port_disable(struct rstp *rstp, unsigned port_no);
/* 17.13.10 (0..240, multiple of 16) and 17.13.11 (1..200000000). 0, -EINVAL or -ENOENT. */
int rstp_port_set_priority(struct rstp *rstp, unsigned port_no, unsigned priority);
int rstp_port_set_path_cost(struct rstp *rstp, unsigned port_no, unsigned path_cost);
/* AdminEdgePort (17.13.1) and AutoEdgePort (17.13.3). 0 or -ENOENT. */
int rstp_port_set_admin_edge(struct rstp *rstp, unsigned port_no, bool admin_edge);
int rstp_port_set_auto_edge(struct rstp *rstp, unsigned port_no, bool auto_edge);
/* adminPointToPointMAC (6.4.3). 0 or -ENOENT. */
int rstp_port_set_admin_p2p(struct rstp *rstp, unsigned port_no, enum rstp_admin_p2p p2p);
/* mcheck (17.19.13): go back to RSTP BPDUs and detect 802.1D bridges anew. 0 or -ENOENT. */
int rstp_port_mcheck(struct rstp *rstp, unsigned port_no);
/* The recommended path cost for a link speed (table 17-3: 20000000 / Mb/s); 0 is unknown. */
unsigned rstp_path_cost_for_speed(uint64_t mbps);

/*
 * A received BPDU (the LLC payload) on port_no: RST, configuration or TCN. 0 when processed,
 * or ignored as the standard says (a disabled port; ForceProtocolVersion 0 ignores RST
 * BPDUs' RSTP fields); -EINVAL when malformed (counted in the port's error_count, as
 * rstp_bpdu_decode() says why); -ENOENT for an unknown port.
 */
int rstp_received(struct rstp *rstp, unsigned port_no, const void *bpdu, size_t len);

/* The port's state; RSTP_DISABLED for an unknown port. */
enum rstp_state rstp_port_state(const struct rstp *rstp, unsigned port_no);
/* The port's role (selectedRole as Port Role Transitions has reached it). */
enum rstp_role rstp_port_role(const struct rstp *rstp, unsigned port_no);
/* The port identifier; 0 for an unknown port. */
uint16_t rstp_port_id(const struct rstp *rstp, unsigned port_no);
unsigned rstp_port_path_cost(const struct rstp *rstp, unsigned port_no);
/* The designated priority vector of the port (portPriority): bridge, port, root path cost. */
uint64_t rstp_port_designated_bridge_id(const struct rstp *rstp, unsigned port_no);
uint16_t rstp_port_designated_port_id(const struct rstp *rstp, unsigned port_no);
uint32_t rstp_port_designated_path_cost(const struct rstp *rstp, unsigned port_no);
/* operEdge: the port is an edge port (admin edge, or auto edge and no BPDU heard). */
bool rstp_port_is_edge(const struct rstp *rstp, unsigned port_no);
/* sendRSTP: false while the port has fallen back to 802.1D BPDUs. */
bool rstp_port_sends_rstp(const struct rstp *rstp, unsigned port_no);
/* 0 or -ENOENT. */
int rstp_port_get_stats(const struct rstp *rstp, unsigned port_no, struct rstp_port_stats *stats);
/*
 * True once after the engine asked for the MAC entries learnt on port_no to be flushed
 * (flush, 17.21.7 / 17.19.12): the caller flushes them, then the engine goes on.
 */
bool rstp_port_check_and_reset_flush(struct rstp *rstp, unsigned port_no);
/* Whether a port in this state forwards frames, and whether it learns their source. */
bool rstp_forward_in_state(enum rstp_state state);
bool rstp_learn_in_state(enum rstp_state state);
/* "Disabled", "Discarding", "Learning", "Forwarding", as OVS names them. */
const char *rstp_state_name(enum rstp_state state);
/* "Disabled", "Root", "Designated", "Alternate", "Backup". */
const char *rstp_role_name(enum rstp_role role);

/*
 * Writes the bridge and its ports for rstp/show, in OVS's layout: "---- NAME ----", the Root
 * ID block (stp-priority, stp-system-id, stp-hello-time, stp-max-age, stp-fwd-delay, then
 * "This bridge is the root" or root-port and root-path-cost), the Bridge ID block, and the
 * table of enabled ports (Interface, Role, State, Cost, Pri.Nbr).
 */
void rstp_format(const struct rstp *rstp, struct ds *out);

/* Wire format. */

/*
 * Encodes bpdu into buf (at least RSTP_BPDU_LEN bytes) as its type says; returns the length:
 * 36 for an RST BPDU (version 2, version 1 length 0), 35 for a configuration BPDU (version 0,
 * flags TC and TCA only), 4 for a TCN.
 */
size_t rstp_bpdu_encode(const struct rstp_bpdu *bpdu, uint8_t *buf);
/*
 * Decodes and validates an LLC payload of len bytes as 802.1D-2004 9.3.4 says: a type 0x00
 * BPDU of at least 35 bytes with message age below max age, a type 0x80 of at least 4, a type
 * 0x02 with version 2 or more of at least 36 bytes. 0, or -EINVAL with *why set to a static
 * string.
 */
int rstp_bpdu_decode(const void *buf, size_t len, struct rstp_bpdu *bpdu, const char **why);

#endif
