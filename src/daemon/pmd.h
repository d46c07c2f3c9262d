/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PMD threads and the datapath state they read.
 *
 * The control thread builds a struct dp_snapshot (ports, bridges, which PMD polls which queue)
 * and publishes it with pmd_publish(): PMDs pick it up at the top of their next loop and flush
 * their flow caches, and pmd_publish() returns only once every PMD has passed a quiescent state
 * (rte_rcu_qsbr), so when a command is acknowledged no packet is handled by the old state.
 * PMDs never write shared state except their own counters.
 */
#ifndef TRESTLE_PMD_H
#define TRESTLE_PMD_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_exec.h"
#include "normal.h"
#include "port.h"

struct dp_flow_table;
struct ds;
struct mac_table;

#define PMD_MAX 16        /* PMD threads at most. */
#define PMD_MAX_RXQS 1024 /* Receive queues one PMD serves at most (polled or waited on). */
/* Open_vSwitch other_config:flow-limit and max-idle when unset, as OVS's defaults. */
#define PMD_FLOW_LIMIT 200000
#define PMD_MAX_IDLE_MS 10000
/* While a PMD's table is full, its megaflows idle this long are removed (OVS: 100 ms). */
#define PMD_FULL_IDLE_MS 100

/* A bridge as the datapath sees it in one snapshot. */
struct ofp_tables;

struct dp_bridge {
	char name[64];                    /* Bridge name. */
	struct ofp_tables *const *tables; /* The bridge's flow tables (swapped under RCU). */
	const struct dp_snapshot *snap;   /* The snapshot it belongs to. */
	struct l2_bridge l2;              /* NORMAL's view: ports with VLAN settings, MAC table. */
	struct mac_table *macs; /* The bridge's MAC table (lives as long as the bridge). */
	unsigned emc_inv_prob;  /* EMC insertion: 1 in this many (0: never). */
	uint32_t punt_claims;   /* Bit 1 << id: per-bridge claim id applies here (punt.h). */
};

/* Port numbering for ofp_xlate() (aux: a struct dp_bridge). */
uint32_t dp_bridge_of_to_dp(const void *aux, uint32_t ofport);
uint32_t dp_bridge_dp_to_of(const void *aux, uint32_t dp_port);

/* One datapath port number's entry in a snapshot. */
struct dp_port_ref {
	struct port *port;    /* The open port, NULL when the number is unused. */
	struct dp_bridge *br; /* Its bridge in this snapshot, NULL when none. */
};

/* One receive queue served by one PMD. */
struct port;
struct dp_rxq {
	struct port *port;            /* Its port: port->ops->rx receives. */
	uint16_t qid;                 /* Queue index. */
	uint32_t dp_no;               /* Datapath port number. */
	int fd;                       /* A queue to wait on (epoll), -1 for one to poll. */
	struct port_policer *policer; /* The port's ingress policer, NULL when none. */
};

/*
 * Frames a module claims (punt.h): to this destination MAC and, unless any_type, of this
 * ethertype. The slow path sends them to the control thread instead of the OpenFlow tables.
 */
#define DP_PUNT_MAX 16
struct dp_punt_match {
	struct rte_ether_addr dst; /* Destination MAC. */
	bool any_type;             /* Any ethertype (802.3 BPDUs have none). */
	bool per_bridge;           /* Only where dp_bridge.punt_claims has bit 1 << claim. */
	rte_be16_t dl_type;        /* The ethertype, flow_key.dl_type's byte order. */
	uint32_t claim;            /* The claim's id, in the DPA_PUNT action. */
};

/* Everything the PMDs read; immutable once published. */
struct dp_snapshot {
	struct dp_port_ref ports[PORT_MAX]; /* By datapath port number. */
	struct dp_port_tx tx[PORT_MAX];     /* The same, as the transmit path sees them. */
	unsigned n_bridges;                 /* Number of bridges. */
	struct dp_bridge *bridges;          /* The bridges (array owned by the snapshot). */
	/*
	 * The queues each PMD serves, by PMD index: those it polls every iteration first
	 * (n_polled: ethdev, vhost-user with a guest), then those it waits on with epoll (TAP).
	 */
	unsigned n_rxqs[PMD_MAX];
	unsigned n_polled[PMD_MAX];
	struct dp_rxq *rxqs[PMD_MAX];
	unsigned n_punts;                        /* Entries in punts[]. */
	struct dp_punt_match punts[DP_PUNT_MAX]; /* Frames claimed by modules (punt.h). */
	unsigned flow_limit;                     /* Megaflows per PMD at most (flow-limit). */
	unsigned max_idle_ms;                    /* Megaflows idle this long go (max-idle). */
	/*
	 * Set when the snapshot differs from delta_of only in the spanning tree states of the
	 * ports in stp_moved (bridge_republish_states()): a PMD that had delta_of keeps its
	 * megaflows but those that came in on, output to or read the state of such a port, and
	 * the floods of their bridges (stp_bridges: every port of a bridge with a moved port; a
	 * flow only outputs within its in_port's bridge). delta_of is compared with the PMD's
	 * previous snapshot, never dereferenced. The spanning tree's snapshot hook fills both.
	 */
	const struct dp_snapshot *delta_of;
	uint64_t stp_moved[(PORT_MAX + 63) / 64];
	uint64_t stp_bridges[(PORT_MAX + 63) / 64];
	void (*free_fn)(struct dp_snapshot *); /* Frees the snapshot once no PMD uses it. */
};

/* Starts the RCU state; PMD threads start on every worker lcore. */
int pmd_init(struct ds *err);
/* Stops the PMD threads and waits for them. */
void pmd_stop(void);
/* Number of PMD threads. */
unsigned pmd_count(void);
/* lcore id of PMD idx. */
unsigned pmd_lcore(unsigned idx);
/*
 * PMD idx's megaflow table, for the control thread to walk (dp_flow_table_foreach(): rule
 * counters, MAC aging); flows are never freed while the PMD lives.
 */
struct dp_flow_table *pmd_flows(unsigned idx);

/* Publishes snap to the PMDs and returns once none uses the previous one (freed then). */
void pmd_publish(struct dp_snapshot *snap);
/* The snapshot in force (control thread). */
const struct dp_snapshot *pmd_snapshot(void);
/* Makes every PMD drop its megaflows and EMC, and waits until they have. */
void pmd_flush_flows(void);
/* Waits until every PMD has passed a quiescent state (packets in flight are done). */
void pmd_sync(void);

/*
 * Punt and inject, the PMDs' side (punt.c is the control thread's). Each PMD has a ring of
 * punted frames (it produces, the control thread consumes; m->port is the ingress datapath
 * port, m->hash.usr the claim) and a ring of frames to send (the control thread produces;
 * m->port is the egress datapath port), which it drains every iteration, so that no frame
 * the control thread sends races a PMD's transmit queue.
 */
/* An eventfd that becomes readable when a punt ring goes from empty to non-empty. */
int pmd_punt_fd(void);
/* Takes up to n punted frames of PMD idx. */
unsigned pmd_punt_take(unsigned idx, struct rte_mbuf **pkts, unsigned n);
/* Hands m to a PMD to send out of dp_no (or sends it itself when there is no PMD). */
int pmd_inject(uint32_t dp_no, struct rte_mbuf *m);
/* Frames punted, dropped for a full ring, and injected, summed over the PMDs. */
void pmd_punt_counters(uint64_t *punted, uint64_t *dropped, uint64_t *injected);

/* Sum of every PMD's counters for datapath port dp_no. */
void pmd_port_stats_get(uint32_t dp_no, struct dp_port_stats *sum);
/* Zeroes the counters of dp_no (for a number being reused; PMDs must not be using it). */
void pmd_port_stats_reset(uint32_t dp_no);

#endif
