/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration database: Open vSwitch's schema (the subset Trestle implements) held in
 * memory, changed by ovs-vsctl command lines as whole transactions, and saved as one JSON file.
 *
 * Command's walk: ctl socket -> "vsctl" handler -> vsctl_run() on the live db, which builds a
 * changed copy -> db_save() (atomic) -> the daemon applies conf_from_db(copy) to the running
 * ports -> the copy becomes the live db. Any error on the way leaves the live db and the file
 * untouched.
 *
 * Owned by the control thread; nothing here is thread-safe and the datapath never sees it.
 */
#ifndef TRESTLE_CONF_H
#define TRESTLE_CONF_H

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct db; /* Opaque: tables Open_vSwitch, Bridge, Port, Interface with OVSDB-typed columns. */

/* A new database with just the Open_vSwitch row. */
struct db *db_create(void);
void db_destroy(struct db *db);
struct db *db_clone(const struct db *db);

/*
 * Loads the database saved at path. A missing file gives a new empty database (returns 0).
 * A file that cannot be read or parsed returns a negative errno and explains it in err; the
 * file is never modified by loading.
 */
int db_load(const char *path, struct db **dbp, struct ds *err);

/*
 * Saves db at path atomically: writes path.tmp, fsyncs it, renames it over path and fsyncs the
 * directory, so a crash leaves the old or the new file, never a mix. Read-only status columns
 * (ofport, mac_in_use, link_state, admin_state, statistics, error) are not saved. The same
 * database always gives the same bytes. Returns 0 or a negative errno with err explained.
 */
int db_save(const struct db *db, const char *path, struct ds *err);

/*
 * Appends a line for each setting of db that Trestle stores but does not implement, which
 * vsctl_run() refuses ("Bridge br0: stp_enable=true is not supported yet (...)"); a file
 * written by an older build may hold some. Returns how many lines it wrote.
 */
unsigned db_unsupported_report(const struct db *db, struct ds *out);

/* Live state of one interface, filled by the daemon from the real port. */
#define IFACE_STATUS_MAX_STATS 16
struct iface_status {
	int64_t ofport;          /* OpenFlow port number, -1 when the port is not open. */
	char mac_in_use[18];     /* "aa:bb:cc:dd:ee:ff", or "" when unknown. */
	const char *link_state;  /* "up", "down", or NULL when unknown. */
	const char *admin_state; /* "up", "down", or NULL when unknown. */
	int64_t mtu;             /* Current MTU, or -1 when unknown. */
	char error[1400];        /* Why the port could not be opened, or "" when it is fine. */
	unsigned n_stats;        /* Number of entries in stats. */
	struct {
		const char *name; /* Counter name as OVS prints it: rx_packets, tx_dropped... */
		uint64_t value;   /* Its value. */
	} stats[IFACE_STATUS_MAX_STATS];
};

/* Fills st for the interface named name; returns false when the daemon has no such port. */
typedef bool (*db_status_fn)(const char *name, struct iface_status *st, void *aux);

/* Sets the status columns of every Interface row from fn (rows fn knows nothing of are cleared). */
void db_refresh_status(struct db *db, db_status_fn fn, void *aux);

/*
 * A read-only map column the daemon's modules fill, as OVS's vswitchd does: Bridge status and
 * Port status (spanning tree's stp_bridge_id, stp_state...), Port statistics (stp_tx_count...,
 * whose values are decimal integers here).
 */
#define STATUS_MAP_MAX 8
struct status_map {
	unsigned n; /* Entries in kv. */
	struct {
		char key[32];   /* "stp_state"... */
		char value[64]; /* "forwarding"... */
	} kv[STATUS_MAP_MAX];
};
/* The read-only map columns the modules fill. */
enum status_column {
	STATUS_BRIDGE,          /* Bridge status: stp_bridge_id... */
	STATUS_BRIDGE_RSTP,     /* Bridge rstp_status: rstp_bridge_id... */
	STATUS_PORT,            /* Port status: stp_state... */
	STATUS_PORT_STATISTICS, /* Port statistics: stp_tx_count... */
	STATUS_PORT_RSTP,       /* Port rstp_status: rstp_port_role... */
	STATUS_PORT_RSTP_STATS, /* Port rstp_statistics: rstp_tx_count... */
	/* Scalar columns: one entry, whose key is ignored ("true"/"false" for a boolean). */
	STATUS_PORT_BOND,  /* Port bond_active_slave: the active member's MAC. */
	STATUS_IFACE_LACP, /* Interface lacp_current: "true" or "false". */
	STATUS__N
};
/* Fills st for the row named name; returns false when there is nothing to say. */
typedef bool (*db_map_fn)(const char *name, struct status_map *st, void *aux);
/* Sets column of every row of its table from fn (cleared where fn returns false). */
void db_refresh_map(struct db *db, enum status_column column, db_map_fn fn, void *aux);

/*
 * Runs one ovs-vsctl command line (argv without the program name: global options, then
 * commands separated by "--") against db, which it does not modify.
 * On success returns 0 and writes the commands' output into out (as ovs-vsctl prints it,
 * newline-terminated); *newdb is set to a changed copy of db for the caller to save and apply,
 * or NULL when the commands changed nothing.
 * On error returns a negative errno, writes one line in out that reads like ovs-vsctl's error
 * ("no bridge named br9") and sets *newdb to NULL: nothing is changed. A command that
 * answers with an exit status (br-exists) returns VSCTL_EXIT_STATUS(n).
 */
/* vsctl_run() result asking for exit status n without an error (ovs-vsctl br-exists: 2). */
#define VSCTL_EXIT_STATUS(n) (-1000 - (n))

int vsctl_run(const struct db *db, int argc, const char *const argv[], struct db **newdb,
	struct ds *out);

/* A key=value pair of a map column (options, other_config, external_ids). */
struct conf_kv {
	char *key;   /* Map key. */
	char *value; /* Map value. */
};

struct conf_map {
	unsigned n;         /* Number of pairs, sorted by key. */
	struct conf_kv *kv; /* The pairs. */
};

/* Returns the value for key in map, or NULL. */
const char *conf_map_get(const struct conf_map *map, const char *key);

struct conf_iface {
	char *name;                    /* Interface name (unique in the database). */
	char *type;                    /* "" (system), "internal", "dpdk", "dpdkvhostuser", ... */
	struct conf_map options;       /* options column. */
	struct conf_map other_config;  /* other_config column. */
	struct conf_map external_ids;  /* external_ids column. */
	int64_t ofport_request;        /* Requested OpenFlow port number, -1 when unset. */
	int64_t mtu_request;           /* Requested MTU, -1 when unset. */
	char *mac;                     /* Requested MAC, NULL when unset. */
	uint32_t policing_rate;        /* ingress_policing_rate, kbit/s (0: off). */
	uint32_t policing_burst;       /* ingress_policing_burst, kbit (0: 8000 when a rate). */
	uint32_t policing_kpkts_rate;  /* ingress_policing_kpkts_rate, 1000 packets/s (0: off). */
	uint32_t policing_kpkts_burst; /* ingress_policing_kpkts_burst, 1000 packets (0: 16). */
};

struct conf_port {
	char *name;             /* Port name (unique in the database). */
	int tag;                /* Access or native VLAN, -1 when unset. */
	unsigned n_trunks;      /* Number of trunked VLANs; 0 means all. */
	uint16_t *trunks;       /* Trunked VLANs, sorted. */
	char *vlan_mode;        /* vlan_mode column, NULL when unset (OVS's default rules apply). */
	char *bond_mode;        /* bond_mode column, NULL when unset (active-backup). */
	char *lacp;             /* lacp column, NULL when unset (off). */
	int64_t bond_updelay;   /* bond_updelay in ms, 0 when unset. */
	int64_t bond_downdelay; /* bond_downdelay in ms, 0 when unset. */
	struct conf_map other_config; /* other_config column. */
	unsigned n_ifaces;            /* Number of interfaces (1 unless a bond). */
	struct conf_iface *ifaces;    /* The interfaces, sorted by name. */
};

struct conf_bridge {
	char *name;                   /* Bridge name. */
	char *datapath_type;          /* datapath_type column, "" when unset. */
	char *fail_mode;              /* "secure", "standalone", or NULL when unset. */
	bool stp_enable;              /* stp_enable column. */
	bool rstp_enable;             /* rstp_enable column (never both: vsctl refuses it). */
	struct conf_map other_config; /* other_config column. */
	unsigned n_ports;             /* Number of ports. */
	struct conf_port *ports;      /* The ports, sorted by name. */
};

struct conf {
	struct conf_map other_config; /* Open_vSwitch other_config. */
	unsigned n_bridges;           /* Number of bridges. */
	struct conf_bridge *bridges;  /* The bridges, sorted by name. */
};

/* Whether cp is a bond: two interfaces or more, or one with lacp=active or passive (as OVS). */
bool conf_port_is_bond(const struct conf_port *cp);

/* A plain, typed copy of what the daemon needs to run db; free it with conf_destroy(). */
struct conf *conf_from_db(const struct db *db);
void conf_destroy(struct conf *conf);

#endif
