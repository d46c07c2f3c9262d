/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NORMAL action: MAC learning switching with Open vSwitch's VLAN semantics. It is the slow
 * path of the packet's walk: the PMD calls normal_xlate() for a packet no megaflow matched, and
 * installs what it returns (actions, and the mask of every field the decision looked at).
 */
#ifndef TRESTLE_NORMAL_H
#define TRESTLE_NORMAL_H

#include <stdbool.h>
#include <stdint.h>

struct dp_actions;
struct flow_key;
struct mac_table;
struct rte_ether_addr;

enum l2_vlan_mode {
	L2_VLAN_ACCESS, /* One VLAN (tag), untagged on the wire. */
	L2_VLAN_TRUNK,  /* The trunks VLANs (all when none listed), tagged; VLAN 0 untagged. */
	L2_VLAN_NATIVE_TAGGED,   /* Trunk, whose untagged frames belong to tag; sends it tagged. */
	L2_VLAN_NATIVE_UNTAGGED, /* Trunk, whose untagged frames belong to tag; sends it untagged.
				  */
	L2_VLAN_DOT1Q_TUNNEL,    /* Every frame belongs to tag, customer tags kept (QinQ). */
};

enum l2_priority_tags {
	L2_PRIO_NEVER,      /* Access ports send untagged frames. */
	L2_PRIO_IF_NONZERO, /* ... or a VID 0 tag carrying a non-zero priority. */
	L2_PRIO_ALWAYS,     /* ... or always a VID 0 tag. */
};

/*
 * What spanning tree lets a port do (802.1D 8.4); a port of a bridge without STP forwards. A
 * blocked, listening or disabled port neither learns nor forwards; a learning port learns the
 * sources of what it receives but forwards nothing, in either direction.
 */
enum l2_stp_state {
	L2_STP_FORWARD, /* Learns and forwards (also: STP off). */
	L2_STP_LEARN,   /* Learns, forwards nothing. */
	L2_STP_BLOCK,   /* Neither. */
};

/*
 * A bond (a Port of several interfaces, docs/bond.md) as NORMAL sees it: one port for MAC
 * learning and flooding, whose frames leave by one member. Filled by the bond module's
 * snapshot hook; immutable once published.
 */
#define L2_BOND_BUCKETS 256    /* Hash buckets of a balancing bond, as OVS's BOND_BUCKETS. */
#define L2_BOND_MAX_MEMBERS 16 /* Members of one bond at most. */

enum l2_bond_mode {
	L2_BOND_AB,  /* active-backup: every frame on the active member. */
	L2_BOND_SLB, /* balance-slb: by source MAC and VLAN. */
	L2_BOND_TCP, /* balance-tcp: by the 5-tuple (the megaflow matches it). */
};

/* What a bond takes in (OVS's bond_check_admissibility()). */
enum l2_bond_admit {
	L2_BOND_ADMIT_ENABLED, /* LACP negotiated: anything on an enabled member. */
	L2_BOND_ADMIT_NONE,    /* LACP without a partner and without fallback: nothing. */
	L2_BOND_ADMIT_ACTIVE,  /* Active-backup: only what comes in on the active member. */
	/*
	 * balance-slb without LACP: multicast only on the active member (unless
	 * all-members-active), and no source learned on another port (our flood reflected by
	 * the switch upstream), gratuitous ARPs aside (a host moved).
	 */
	L2_BOND_ADMIT_SLB,
};

struct l2_bond {
	char name[64];           /* Port name. */
	uint8_t mode;            /* enum l2_bond_mode running now (fallback: L2_BOND_AB). */
	uint8_t admit;           /* enum l2_bond_admit. */
	bool all_members_active; /* other_config:all-members-active (SLB without LACP). */
	uint32_t basis;          /* other_config:bond-hash-basis. */
	uint32_t active;         /* Datapath port of the active member, 0: none enabled. */
	unsigned n_members;      /* Members in members[]. */
	uint32_t members[L2_BOND_MAX_MEMBERS]; /* Their datapath ports. */
	bool enabled[L2_BOND_MAX_MEMBERS];     /* May carry traffic. */
	bool may_enable[L2_BOND_MAX_MEMBERS];  /* Will once its up delay or the next tick ends. */
	uint32_t buckets[L2_BOND_BUCKETS];     /* Member datapath port by bucket, 0: none. */
};

/* Whether dp_port is a member of bond. */
static inline bool
l2_bond_has(const struct l2_bond *bond, uint32_t dp_port)
{
	for (unsigned i = 0; i < bond->n_members; i++)
		if (bond->members[i] == dp_port)
			return true;
	return false;
}

/* balance-slb's hash of a source MAC and VLAN (bond/hash prints its bucket). */
uint32_t l2_bond_hash_slb(const struct rte_ether_addr *mac, uint16_t vlan, uint32_t basis);
/*
 * The member a frame of key in VLAN vlan leaves bond by (0: none enabled); ORs into mask the
 * fields the choice read.
 */
uint32_t l2_bond_choose(const struct l2_bond *bond, const struct flow_key *key, uint16_t vlan,
	struct flow_key *mask);
/* The bucket l2_bond_choose() reads for key (balancing modes). */
unsigned l2_bond_bucket(const struct l2_bond *bond, const struct flow_key *key, uint16_t vlan,
	struct flow_key *mask);

/*
 * Gives every bucket whose member (an index below n, -1: none) is not enabled, and with
 * spread_unused every bucket that carried nothing (used[b] false), to the enabled members in
 * turn; -1 when none is. Returns how many buckets changed member.
 */
unsigned l2_bond_assign(int16_t *bucket, const bool *used, const bool *enabled, unsigned n,
	bool spread_unused);
/*
 * Moves buckets from the most loaded enabled member to the least loaded while that narrows
 * the gap (load[b]: bucket b's bytes in the interval), then halves every load. Returns how
 * many buckets moved.
 */
unsigned l2_bond_rebalance(int16_t *bucket, uint64_t *load, const bool *enabled, unsigned n);

/* A bridge port as NORMAL sees it. Immutable once published. */
struct l2_port {
	uint32_t dp_port;      /* Datapath port number (flow_key.in_port). */
	uint8_t mode;          /* enum l2_vlan_mode. */
	uint8_t priority_tags; /* enum l2_priority_tags (access ports). */
	uint16_t qinq_ethtype; /* Outer TPID a dot1q-tunnel port pushes (0x88a8 or 0x8100). */
	uint16_t tag;          /* Access / native / tunnel VLAN (0 when unset). */
	bool trunk_all;        /* No trunks listed: every VLAN. */
	uint8_t stp_state;     /* enum l2_stp_state, set by the STP module's snapshot hook. */
	/*
	 * A bond, or NULL: then dp_port is the bond's identity for MAC learning (its first
	 * member's), and in_port may be any member.
	 */
	const struct l2_bond *bond;
	uint64_t trunks[4096 / 64]; /* Trunked VLANs, a bitmap. */
};

/* Ports NORMAL floods to at most: every datapath port number (the daemon's PORT_MAX). */
#define L2_PORTS_MAX 1024

/* A bridge as NORMAL sees it. */
struct l2_bridge {
	unsigned n_ports;            /* Ports in ports[]. */
	const struct l2_port *ports; /* The bridge's ports. */
	struct mac_table *macs;      /* Its MAC table. */
	bool forward_bpdu;           /* other_config:forward-bpdu: flood 01:80:c2:00:00:0x. */
	bool has_bond;               /* A port is a bond: gratuitous ARPs lock their entries. */
	bool dry_run;                /* Learn nothing (ofproto/trace). */
};

/* What normal_xlate() found out, for the caller's cache invalidation. */
struct normal_result {
	bool flooded;      /* Flooded for an unknown unicast destination. */
	bool learned;      /* A new MAC was learned. */
	bool moved;        /* A MAC moved to this port. */
	bool stp_all;      /* Read every port's spanning tree state (a flood). */
	uint32_t stp_port; /* Read the state of this port and sent it nothing (0: none). */
	int bond_bucket;   /* The bucket of a balancing bond the frame left by, -1: none. */
};

/* The l2_port of dp_port in br (a bond's for any member), or NULL. */
const struct l2_port *l2_bridge_port(const struct l2_bridge *br, uint32_t dp_port);

/*
 * Decides what NORMAL does with a packet whose parsed key is key: learns its source, applies
 * the ingress port's VLAN rule, forwards to the learned port or floods within the VLAN (never
 * back out of the ingress port). Appends the actions to acts (acts->drop says why when there
 * are none) and ORs into mask every field the decision depended on. Returns 0, or -EINVAL when
 * the ingress port is not in br.
 */
int normal_xlate(const struct l2_bridge *br, const struct flow_key *key, struct flow_key *mask,
	struct dp_actions *acts, uint64_t now_s, struct normal_result *res);

/*
 * Refreshes the MAC entry that a still-used megaflow (masked key) keeps alive, as OVS's
 * revalidators do: traffic through cached flows never reaches the slow path.
 */
void normal_refresh(const struct l2_bridge *br, const struct flow_key *key, uint64_t now_s);

#endif
