/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bridges: turns a configuration (struct conf) into open ports and a published datapath
 * snapshot. Control thread only.
 */
#ifndef TRESTLE_BRIDGE_H
#define TRESTLE_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

struct conf;
struct iface_status;
struct mac_table;
struct ofp_rule;
struct ofp_tables;
struct port;

/*
 * Makes the running switch match conf: closes, opens and reconfigures ports, publishes.
 * Keeps conf (and frees the one before).
 */
void bridge_reconfigure(struct conf *conf);
/* Publishes a new snapshot of the configuration in force (a module's part changed). */
void bridge_republish(void);
/*
 * The same when only spanning tree port states changed (the snapshot hook marks which, in
 * dp_snapshot.stp_moved): the PMDs drop only the megaflows whose decision read one of them.
 */
void bridge_republish_states(void);
/* Closes every port and frees every bridge (shutdown). */
void bridge_fini(void);
/* Status of interface name; false when no such port runs. */
bool bridge_iface_status(const char *name, struct iface_status *st, void *aux);

/* Looks up a bridge's MAC table by bridge name; NULL when no such bridge. */
struct mac_table *bridge_mac_table(const char *name);
/* The open port with this name, or NULL. */
struct port *bridge_port_by_name(const char *name);
/*
 * The port MAC learning knows a Port or Interface name by: for a bond or one of its members,
 * the bond's first started member; else the open port of that interface name; NULL if none.
 */
struct port *bridge_port_by_learn_name(const char *name);
/* The open port with this datapath number, or NULL. */
struct port *bridge_port_by_dp(uint32_t dp_no);
/* Name of the bridge port dp_no belongs to, or NULL. */
const char *bridge_of_port(uint32_t dp_no);
/* Calls fn for every bridge name, sorted. */
/* A bridge's OpenFlow tables as in force, or NULL when there is no such bridge. */
struct ofp_tables *bridge_tables(const char *name);
/*
 * Puts t in force for bridge name (which must exist), drops every megaflow, and once no PMD
 * can see them frees the old tables (not their rules) and the n_dead rules in dead.
 */
void bridge_set_tables(const char *name, struct ofp_tables *t, struct ofp_rule **dead,
	unsigned n_dead);
/* Monotonic clock in milliseconds (rule ages and timeouts). */
uint64_t bridge_now_ms(void);
void bridge_foreach(void (*fn)(const char *name, struct mac_table *macs, void *aux), void *aux);

#endif
