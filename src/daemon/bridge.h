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
struct port;

/* Makes the running switch match conf: closes, opens and reconfigures ports, publishes. */
void bridge_reconfigure(const struct conf *conf);
/* Closes every port and frees every bridge (shutdown). */
void bridge_fini(void);
/* Status of interface name; false when no such port runs. */
bool bridge_iface_status(const char *name, struct iface_status *st, void *aux);

/* Looks up a bridge's MAC table by bridge name; NULL when no such bridge. */
struct mac_table *bridge_mac_table(const char *name);
/* The open port with this name, or NULL. */
struct port *bridge_port_by_name(const char *name);
/* The open port with this datapath number, or NULL. */
struct port *bridge_port_by_dp(uint32_t dp_no);
/* Name of the bridge port dp_no belongs to, or NULL. */
const char *bridge_of_port(uint32_t dp_no);
/* Calls fn for every bridge name, sorted. */
void bridge_foreach(void (*fn)(const char *name, struct mac_table *macs, void *aux), void *aux);

#endif
