/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spanning tree, the daemon's glue, inside: the part both protocols share (stp.c: the module,
 * the punt claim, the timer, port numbering, links, the snapshot) and what each protocol
 * plugs into it (struct stp_proto: stp_8021d.c drives the 802.1D-1998 engine of stp.h,
 * stp_rstp.c the 802.1D-2004 RSTP engine of rstp.h). Each protocol file also has its own
 * status columns and commands. Control thread only.
 */
#ifndef TRESTLE_STP_GLUE_H
#define TRESTLE_STP_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#include "normal.h"
#include "port.h"

struct conf_bridge;
struct conf_map;
struct ds;
struct status_map;

/* One port of a bridge running a spanning tree. */
struct stp_mod_port {
	bool present;         /* Added to the engine ({r,}stp-enable not false). */
	bool enabled;         /* Enabled in the engine: its link is up. */
	bool cost_auto;       /* No path cost configured: the cost follows the link speed. */
	uint32_t dp_no;       /* Datapath port number. */
	char name[64];        /* Interface name, for the show commands. */
	char port_name[64];   /* Port name, for its status columns. */
	uint64_t since_ms;    /* When it entered its state (stp_sec_in_state). */
	uint64_t uptime_ms;   /* When it joined the tree (rstp_uptime). */
	uint8_t l2_published; /* enum l2_stp_state in the last snapshot built. */
	uint64_t rx_bad;      /* Frames to the group address that are no 802.3/LLC BPDU. */
	uint64_t tx_fail;     /* BPDUs the inject path refused (ring full, port gone). */
};

struct stp_proto;

/* A bridge running a spanning tree. */
struct stp_mod_bridge {
	char name[64];                 /* Bridge name. */
	const struct stp_proto *proto; /* Which protocol. */
	void *engine;                  /* Its engine: a struct stp or a struct rstp. */
	struct rte_ether_addr mac;     /* Source of BPDUs on a port without a MAC of its own. */
	unsigned hello, max_age, fwd;  /* The configured times (802.1D: the root's may differ). */
	unsigned aging;                /* RSTP: the MAC table's aging time, as configured. */
	unsigned aging_applied;        /* RSTP: the one applied (shorter during STP fallback). */
	uint64_t gen;                  /* The engine's state generation as last published. */
	bool seen;                     /* Still configured (reconfigure's mark). */
	uint16_t port_of_dp[PORT_MAX]; /* Port number by datapath number, 0: none. */
	struct stp_mod_port *ports;    /* By port number, 1..proto->max_port. */
};

/* What a protocol plugs into the shared glue. */
struct stp_proto {
	const char *name;          /* "stp" or "rstp": logs. */
	const char *column;        /* The Bridge column that turns it on: "stp_enable"... */
	const char *key_system_id; /* other_config keys: "stp-system-id"... */
	const char *key_priority;  /* Bridge priority. */
	const char *key_enable;    /* Port keys: "stp-enable"... */
	const char *key_port_num;
	const char *key_port_priority;
	const char *key_path_cost;
	unsigned max_port;              /* Port numbers are 1..max_port. */
	unsigned default_priority;      /* Bridge priority. */
	unsigned default_port_priority; /* Port priority. */
	unsigned (*cost_for_speed)(uint64_t mbps);

	/* Creates br->engine with identifier id (br->name and br->mac are set). */
	void (*create)(struct stp_mod_bridge *br, uint64_t id);
	void (*destroy)(struct stp_mod_bridge *br);
	uint64_t (*bridge_id)(const struct stp_mod_bridge *br);
	void (*set_bridge_id)(struct stp_mod_bridge *br, uint64_t id);
	/* Applies cb's bridge-wide settings but the identifier: times, hold count... */
	void (*configure)(struct stp_mod_bridge *br, const struct conf_bridge *cb);
	/* Adds port no (add) or retunes it; oc is its Port other_config. */
	void (*port_set)(struct stp_mod_bridge *br, unsigned no, bool add, unsigned priority,
		unsigned cost, const struct conf_map *oc);
	void (*port_del)(struct stp_mod_bridge *br, unsigned no);
	/* Link up (with the cost for its speed when cost_auto) or down. */
	void (*port_link)(struct stp_mod_bridge *br, unsigned no, bool up);
	void (*set_path_cost)(struct stp_mod_bridge *br, unsigned no, unsigned cost);
	void (*tick)(struct stp_mod_bridge *br, unsigned ms);
	/* A BPDU (the LLC payload) received on port no. */
	void (*received)(struct stp_mod_bridge *br, unsigned no, const void *bpdu, size_t len);
	/* Does the MAC table flushes the engine asked for; returns its state generation. */
	uint64_t (*sync)(struct stp_mod_bridge *br);
	/* What port no may do in the datapath. */
	enum l2_stp_state (*l2_state)(const struct stp_mod_bridge *br, unsigned no);
};

extern const struct stp_proto stp_proto_8021d;
extern const struct stp_proto stp_proto_rstp;

/* ---- Shared by both protocols (stp.c) ---- */

/* The bridge named name running any spanning tree, or NULL. */
struct stp_mod_bridge *stp_mod_find(const char *name);
/*
 * The port of Port name in a bridge that runs proto, with its bridge and port number; NULL if
 * none.
 */
const struct stp_mod_port *stp_mod_port_named(const char *name, const struct stp_proto *proto,
	const struct stp_mod_bridge **brp, unsigned *nop);
/*
 * For a command's [BRIDGE] argument: calls fn for the bridge named by argv[1] running proto,
 * or for every bridge running proto when argc is 1. 0, or -ENOENT with out saying why (no
 * such bridge, or proto not enabled on it).
 */
int stp_mod_each(int argc, const char *const argv[], const struct stp_proto *proto,
	void (*fn)(struct stp_mod_bridge *br, struct ds *out), struct ds *out);
/* Frames the BPDU and queues it on port no of br (the engines' send callback's body). */
void stp_mod_send(struct stp_mod_bridge *br, unsigned no, const void *bpdu, size_t len);
/* After anything that ran br's engine: flushes, and republishes if the states moved. */
void stp_mod_sync(struct stp_mod_bridge *br);
/* Adds key=value to st (dropped once st is full). */
void stp_mod_status_put(struct status_map *st, const char *key, const char *value);
/* Reads a decimal other_config value; unsupported.c refused malformed ones before. */
unsigned stp_mod_map_num(const struct conf_map *m, const char *key, unsigned def);
/* OVS's "Root ID:" or "Bridge ID:" block lines: priority, system id and the three times. */
void stp_mod_put_bridge_id(struct ds *out, uint64_t id, unsigned hello, unsigned max_age,
	unsigned fwd);
/* How many BPDUs no bridge took, a line for stp/show and rstp/show (none if 0). */
void stp_mod_put_ignored(struct ds *out);

/* ---- Each protocol's status columns (stp_8021d.c, stp_rstp.c) ---- */

void stp_status_port(const char *name, struct status_map *st);
void stp_status_port_stats(const char *name, struct status_map *st);
void stp_status_bridge(const char *name, struct status_map *st);
void rstp_status_port(const char *name, struct status_map *st);
void rstp_status_port_stats(const char *name, struct status_map *st);
void rstp_status_bridge(const char *name, struct status_map *st);

#endif
