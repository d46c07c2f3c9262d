/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bridge's MAC learning table: (VLAN, MAC) -> datapath port.
 *
 * Written by PMDs in their upcalls (learning) and by the control thread (aging, fdb commands),
 * so every function takes the table's spinlock; none is called per packet. Two generation
 * counters tell the datapath when cached decisions went out of date:
 *   gen        bumps when an entry moves, is deleted, flushed or ages out (unicast megaflows
 *              built on it may now be wrong);
 *   learn_gen  bumps when a new entry is learned (megaflows that flooded for an unknown
 *              destination may now be unicast).
 * Size cap with fairness, as OVS: when full, the port with the most entries gives up its
 * least recently refreshed one, so a flood of source MACs from one port evicts only its own.
 */
#ifndef TRESTLE_MAC_TABLE_H
#define TRESTLE_MAC_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct ds;
struct mac_table;
struct rte_ether_addr;

/* Datapath port numbers must be below this: every one (DP_PORT_MAX, bridge.c checks). */
#define MAC_TABLE_MAX_PORTS 1024
/* How long a gratuitous ARP learned on a port that is no bond keeps its entry (OVS: 5 s). */
#define MAC_TABLE_GARP_LOCK_S 5

enum mac_learn_result {
	MAC_LEARN_NOOP,    /* Known on this port: refreshed. */
	MAC_LEARN_NEW,     /* Learned. */
	MAC_LEARN_MOVED,   /* Was on another port: moved. */
	MAC_LEARN_REFUSED, /* Static entry elsewhere, or port number out of range. */
};

/*
 * A table of at most max_entries, its memory from socket as dp_mem_zalloc() takes it.
 * NULL on allocation failure.
 */
struct mac_table *mac_table_create(unsigned max_entries, unsigned aging_s, int socket);
void mac_table_destroy(struct mac_table *t);
/* Changes the cap (evicting fairly if now over it) and the aging time. */
void mac_table_set_limits(struct mac_table *t, unsigned max_entries, unsigned aging_s);
/* Changes only the aging time (RSTP's rstp-ageing-time, and its shortening). */
void mac_table_set_aging(struct mac_table *t, unsigned aging_s);

enum mac_learn_result mac_table_learn(struct mac_table *t, uint16_t vlan,
	const struct rte_ether_addr *mac, uint32_t port, uint64_t now_s);
/* Port of (vlan, mac), or -1 when unknown or expired. */
/*
 * mac_table_learn() for a frame that may be a gratuitous ARP (garp) from a port that may be
 * a bond (from_bond), as OVS: a gratuitous ARP from a port that is no bond locks its entry
 * for MAC_TABLE_GARP_LOCK_S, and a gratuitous ARP from a bond does not move a locked entry
 * (the same ARP, flooded upstream, reflected back through another member). NOOP then.
 */
enum mac_learn_result mac_table_learn_garp(struct mac_table *t, uint16_t vlan,
	const struct rte_ether_addr *mac, uint32_t port, uint64_t now_s, bool garp, bool from_bond);
/* Whether the entry of (vlan, mac) is under a gratuitous ARP lock. */
bool mac_table_garp_locked(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint64_t now_s);
int64_t mac_table_lookup(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint64_t now_s);
/* Refreshes (vlan, mac) if it is still on port (traffic seen through a cached flow). */
void mac_table_touch(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint32_t port, uint64_t now_s);
/* Removes entries idle for longer than the aging time; returns how many. */
unsigned mac_table_age(struct mac_table *t, uint64_t now_s);
/* Removes every entry, static ones included. */
void mac_table_flush(struct mac_table *t);
/* Removes every entry on port, static ones included. */
void mac_table_flush_port(struct mac_table *t, uint32_t port);
/* fdb/add: a static entry (never ages, never moves by learning). 0 or -errno. */
int mac_table_add_static(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint32_t port, uint64_t now_s);
/* fdb/del: removes (vlan, mac). 0, or -ENOENT. */
int mac_table_del(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac);

const volatile uint32_t *mac_table_gen_ptr(struct mac_table *t);
const volatile uint32_t *mac_table_learn_gen_ptr(struct mac_table *t);

/* Number of entries. */
unsigned mac_table_count(struct mac_table *t);
/* Slabs of entries allocated so far (they are kept until the table is destroyed). */
unsigned mac_table_n_slabs(struct mac_table *t);
/* One learned address, as mac_table_snapshot() copies it. */
struct mac_table_entry {
	struct rte_ether_addr mac; /* The address. */
	uint16_t vlan;             /* Its VLAN. */
	uint32_t port;             /* Where it was seen. */
};
/* Copies at most max live entries into out; returns how many. */
unsigned mac_table_snapshot(struct mac_table *t, uint64_t now_s, struct mac_table_entry *out,
	unsigned max);
/* fdb/show: port_fn prints a port number as ovs-appctl does (5 columns). */
void mac_table_format(struct mac_table *t, struct ds *out, uint64_t now_s,
	void (*port_fn)(struct ds *out, uint32_t port, void *aux), void *aux);
/* fdb/stats-show, in OVS's words. */
void mac_table_format_stats(struct mac_table *t, struct ds *out, const char *bridge);
void mac_table_clear_stats(struct mac_table *t);

#endif
