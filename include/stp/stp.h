/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IEEE 802.1D-1998 spanning tree protocol engine (clauses 8 and 9), one instance per
 * bridge. It sits on the control thread, between the punt handler that hands it received
 * BPDUs and the inject path that sends the BPDUs it generates; the datapath only reads the
 * port states it publishes. Pure C with no DPDK in it: frames and time are arguments, so the
 * unit tests (stp_test.c) drive it with scripted BPDUs and a fake clock.
 *
 * Interface to the caller:
 *   - received BPDUs go in with stp_received(), as the 802.2 LLC payload (the BPDU itself,
 *     starting at the protocol identifier); stp_frame_parse() finds that payload in a whole
 *     802.3 frame;
 *   - generated BPDUs come out through the send callback, also as the LLC payload;
 *     stp_frame_build() wraps one into the 802.3 frame to 01:80:c2:00:00:00. The callback must
 *     not call back into the engine (queue the frame, as punt_inject() does);
 *   - time goes in with stp_tick(), in milliseconds (every 100 ms or so);
 *   - the caller polls stp_state_gen() (or sets a state callback) to republish port states,
 *     and stp_check_and_reset_fdb_flush() to flush its MAC table.
 *
 * Port numbers are 1..STP_MAX_PORT: the low byte of the 802.1D port identifier. Times in the
 * configuration are in whole seconds, as 802.1D gives their ranges and as OVS's
 * other_config:stp-* columns are; on the wire they are in 1/256 s.
 */
#ifndef TRESTLE_STP_H
#define TRESTLE_STP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct stp;

#define STP_MAX_PORT 255 /* Port numbers are 1..255 (8 bits of the port identifier). */

/* 802.1D-1998 defaults (table 8-3 and 8-5). */
#define STP_DEFAULT_BRIDGE_PRIORITY 32768
#define STP_DEFAULT_PORT_PRIORITY 128
#define STP_DEFAULT_HELLO_TIME 2     /* Seconds. */
#define STP_DEFAULT_MAX_AGE 20       /* Seconds. */
#define STP_DEFAULT_FORWARD_DELAY 15 /* Seconds. */

/* Wire format (clause 9). */
#define STP_CONFIG_BPDU_LEN 35 /* Configuration BPDU. */
#define STP_TCN_BPDU_LEN 4     /* Topology change notification BPDU. */
#define STP_TYPE_CONFIG 0x00   /* BPDU type of a configuration BPDU. */
#define STP_TYPE_TCN 0x80      /* BPDU type of a TCN BPDU. */
#define STP_FLAG_TC 0x01       /* Topology change. */
#define STP_FLAG_TCA 0x80      /* Topology change acknowledgment. */
#define STP_ETH_HEADER_LEN 14  /* Destination, source, 802.3 length. */
#define STP_LLC_HEADER_LEN 3   /* DSAP 0x42, SSAP 0x42, control 0x03 (UI). */
#define STP_FRAME_MIN_LEN 60   /* Frames are padded to the Ethernet minimum (without FCS). */
#define STP_FRAME_MAX_LEN STP_FRAME_MIN_LEN /* 14 + 3 + 36 = 53 at most: all padded to 60. */

/* The group address BPDUs are sent to (802.1D table 7-9). */
extern const uint8_t stp_group_mac[6];

/* A port's state (802.1D 8.4). */
enum stp_state {
	STP_DISABLED,   /* Administratively or operationally down: takes no part. */
	STP_BLOCKING,   /* Receives BPDUs only: neither learns nor forwards. */
	STP_LISTENING,  /* On its way to forwarding: BPDUs only, for a forward delay. */
	STP_LEARNING,   /* Learns source addresses, does not forward yet. */
	STP_FORWARDING, /* Learns and forwards. */
};

/* A port's role, derived from the protocol's variables (OVS and the Linux bridge show it). */
enum stp_role {
	STP_ROLE_DISABLED,   /* The port is disabled. */
	STP_ROLE_ROOT,       /* The bridge's best path to the root. */
	STP_ROLE_DESIGNATED, /* This bridge is designated for the port's LAN. */
	STP_ROLE_ALTERNATE,  /* Another bridge is designated for the LAN: blocked. */
};

/* A decoded BPDU (clause 9.3); times in 1/256 s as on the wire. */
struct stp_bpdu {
	uint8_t type;            /* STP_TYPE_CONFIG or STP_TYPE_TCN; the rest is for config only. */
	uint8_t flags;           /* STP_FLAG_TC, STP_FLAG_TCA. */
	uint64_t root_id;        /* Priority << 48 | MAC of the root. */
	uint32_t root_path_cost; /* Cost from the transmitting bridge to the root. */
	uint64_t bridge_id;      /* The transmitting bridge. */
	uint16_t port_id;        /* Port priority << 8 | port number, of the transmitting port. */
	uint16_t message_age;    /* Age of the root's information. */
	uint16_t max_age;        /* When the information expires. */
	uint16_t hello_time;     /* Period of configuration BPDUs. */
	uint16_t forward_delay;  /* Time spent in listening and in learning. */
};

/* Per-port counters. */
struct stp_port_stats {
	uint64_t tx_count;    /* BPDUs sent. */
	uint64_t rx_count;    /* Well-formed BPDUs received and processed. */
	uint64_t error_count; /* BPDUs refused: malformed, or information already too old. */
};

/* Called with each BPDU the engine generates: the LLC payload to send on port_no. */
typedef void stp_send_fn(unsigned port_no, const void *bpdu, size_t len, void *aux);
/* Called on each port state change, before the stp_*() call that caused it returns. */
typedef void stp_state_fn(unsigned port_no, enum stp_state old_state, enum stp_state new_state,
	void *aux);

/* Bridge. */

/*
 * A bridge with identifier bridge_id (priority << 48 | MAC; a priority of 0 in it takes the
 * default 32768, as OVS does), the default times and no port. Never NULL.
 */
struct stp *stp_create(const char *name, uint64_t bridge_id, stp_send_fn *send, void *aux);
void stp_destroy(struct stp *stp);
const char *stp_name(const struct stp *stp);
/* Optional: a function told of every port state change (NULL to stop). */
void stp_set_state_callback(struct stp *stp, stp_state_fn *fn, void *aux);

/* Changes the bridge's identifier (its MAC, or its priority with it): 802.1D 8.8.4. */
void stp_set_bridge_id(struct stp *stp, uint64_t bridge_id);
/* Changes the priority part of the bridge identifier. */
void stp_set_bridge_priority(struct stp *stp, uint16_t priority);
/*
 * Bridge Hello Time, Max Age and Forward Delay, in seconds (802.1D 8.8.5): each within its
 * range (hello 1..10, max age 6..40, forward delay 4..30) and together within
 * 2 * (forward_delay - 1) >= max_age >= 2 * (hello_time + 1). The single setters check the
 * new value against the other two as they are; stp_set_times() sets all three at once (for a
 * change that no order of single changes could make). 0, or -EINVAL with err explained.
 */
int stp_set_times(struct stp *stp, unsigned hello_s, unsigned max_age_s, unsigned fwd_delay_s,
	struct ds *err);
int stp_set_hello_time(struct stp *stp, unsigned s, struct ds *err);
int stp_set_max_age(struct stp *stp, unsigned s, struct ds *err);
int stp_set_forward_delay(struct stp *stp, unsigned s, struct ds *err);

/*
 * Advances the timers by ms milliseconds (any remainder below 1/256 s is kept for the next
 * call); each timer fires at most once per call.
 */
void stp_tick(struct stp *stp, unsigned ms);

uint64_t stp_bridge_id(const struct stp *stp);
uint64_t stp_root_id(const struct stp *stp);
uint32_t stp_root_path_cost(const struct stp *stp);
/* The root port's number, or 0 when this bridge is the root. */
unsigned stp_root_port(const struct stp *stp);
bool stp_is_root(const struct stp *stp);
/* The times in use (the root's, learnt from its BPDUs), in seconds. */
unsigned stp_hello_time(const struct stp *stp);
unsigned stp_max_age(const struct stp *stp);
unsigned stp_forward_delay(const struct stp *stp);
/*
 * The topology change flag: while it is set, the MAC table should age entries out after
 * the forward delay rather than its normal aging time (802.1D 8.3.5), as the Linux bridge does.
 */
bool stp_topology_change(const struct stp *stp);
/*
 * A topology change, as if a port had changed state (8.6.14): the root sets its TC flag, any
 * other bridge sends TCNs towards the root; stp_check_and_reset_fdb_flush() is true. For
 * stp/tcn, as OVS has it.
 */
void stp_topology_change_now(struct stp *stp);
/* True once after each topology change detected or announced by the root: flush the table. */
bool stp_check_and_reset_fdb_flush(struct stp *stp);
/* Bumps on every port state change and port addition or removal: republish when it moves. */
uint64_t stp_state_gen(const struct stp *stp);

/* Ports. */

/*
 * Adds port_no (1..STP_MAX_PORT) with priority (0..255) and path_cost (1..65535); the port
 * starts disabled. 0, -EINVAL for a value out of range, -EEXIST if it is already there.
 */
int stp_port_add(struct stp *stp, unsigned port_no, unsigned priority, unsigned path_cost);
/* Removes it (disabling it first). 0 or -ENOENT. */
int stp_port_del(struct stp *stp, unsigned port_no);
/* Link up, or STP turned on for the port: 802.1D 8.8.2. 0 or -ENOENT. */
int stp_port_enable(struct stp *stp, unsigned port_no);
/* Link down, or STP turned off for the port: 802.1D 8.8.3. 0 or -ENOENT. */
int stp_port_disable(struct stp *stp, unsigned port_no);
/* 802.1D 8.8.5 (priority 0..255) and 8.8.6 (cost 1..65535). 0, -EINVAL or -ENOENT. */
int stp_port_set_priority(struct stp *stp, unsigned port_no, unsigned priority);
int stp_port_set_path_cost(struct stp *stp, unsigned port_no, unsigned path_cost);
/* The recommended path cost for a link speed (802.1D-1998 table 8-5); 0 is unknown: 2. */
unsigned stp_path_cost_for_speed(uint64_t mbps);

/*
 * A received BPDU (the LLC payload) on port_no. 0 when processed or ignored as 802.1D says
 * (a disabled port); -EINVAL when malformed or too old (counted in the port's error_count);
 * -ENOENT for an unknown port.
 */
int stp_received(struct stp *stp, unsigned port_no, const void *bpdu, size_t len);

/* The port's state; STP_DISABLED for an unknown port. */
enum stp_state stp_port_state(const struct stp *stp, unsigned port_no);
enum stp_role stp_port_role(const struct stp *stp, unsigned port_no);
/* The port identifier (priority << 8 | number); 0 for an unknown port. */
uint16_t stp_port_id(const struct stp *stp, unsigned port_no);
/* The port's path cost; 0 for an unknown port. */
unsigned stp_port_path_cost(const struct stp *stp, unsigned port_no);
/* 0 or -ENOENT. */
int stp_port_get_stats(const struct stp *stp, unsigned port_no, struct stp_port_stats *stats);
/* Whether a port in this state forwards frames, and whether it learns their source. */
bool stp_forward_in_state(enum stp_state state);
bool stp_learn_in_state(enum stp_state state);
const char *stp_state_name(enum stp_state state);
const char *stp_role_name(enum stp_role role);

/* Writes the bridge and its ports, for stp/show. */
void stp_format(const struct stp *stp, struct ds *out);

/* Wire format. */

/*
 * Encodes bpdu into buf (at least STP_CONFIG_BPDU_LEN bytes); returns the length, 35 for a
 * configuration BPDU or 4 for a TCN.
 */
size_t stp_bpdu_encode(const struct stp_bpdu *bpdu, uint8_t *buf);
/*
 * Decodes an LLC payload of len bytes. 0, or -EINVAL with *why set to a static string (too
 * short for its type, protocol identifier not 0, unknown type, message age not below max age).
 * Versions other than 0 are accepted, as 802.1D 9.3.4 asks (an RSTP BPDU carries the
 * configuration BPDU's fields).
 */
int stp_bpdu_decode(const void *buf, size_t len, struct stp_bpdu *bpdu, const char **why);
/*
 * Builds the 802.3 frame of an LLC payload: to stp_group_mac from src_mac, length field, LLC
 * header 42 42 03, the payload, zero padding to STP_FRAME_MIN_LEN. frame has room for
 * STP_FRAME_MAX_LEN bytes and len is at most STP_FRAME_MAX_LEN - 17 (43: an RST BPDU's 36
 * fits, rstp.h). Returns the frame's length.
 */
size_t stp_frame_build(uint8_t *frame, const uint8_t src_mac[6], const void *bpdu, size_t len);
/*
 * Finds the LLC payload of an 802.3 frame: to stp_group_mac, a length field (below 0x600)
 * that fits in the frame, LLC header 42 42 03. *bpdu points into the frame and *bpdu_len
 * stops at the length field (padding excluded). 0 or -EINVAL.
 */
int stp_frame_parse(const void *frame, size_t len, const void **bpdu, size_t *bpdu_len);

#endif
