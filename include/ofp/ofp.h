/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenFlow-style flow tables: the slow path's rules, in ovs-ofctl's syntax.
 *
 * Packet's walk, slow-path part: dp_upcall_one() -> ofp_xlate() looks the packet up in table 0
 * (highest priority first), runs the rule's actions (outputs, header changes, resubmit,
 * goto_table, NORMAL), and returns the datapath actions plus the mask of every bit the lookups
 * examined. The PMD installs that as a megaflow, so packets that differ only in bits no rule
 * looked at share it.
 *
 * Rules use OpenFlow port numbers (the ofport column); keys from the datapath carry datapath
 * port numbers: struct ofp_ports translates between them.
 *
 * Tables are immutable once published: the control thread builds a new ofp_tables for every
 * change (a transaction, ofp_txn_begin()), swaps the bridge's pointer, and frees the old one
 * after the PMDs stopped using it.
 */
#ifndef TRESTLE_OFP_H
#define TRESTLE_OFP_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_actions.h"
#include "dp_flow.h"
#include "flow.h"

struct ds;
struct l2_bridge;

/* Reserved OpenFlow port numbers (OpenFlow 1.0 numbering, as ovs-ofctl prints them). */
#define OFPP_MAX 0xff00
#define OFPP_IN_PORT 0xfff8
#define OFPP_NORMAL 0xfffa
#define OFPP_FLOOD 0xfffb
#define OFPP_ALL 0xfffc
#define OFPP_CONTROLLER 0xfffd
#define OFPP_LOCAL 0xfffe
#define OFPP_NONE 0xffff

#define OFP_N_TABLES 255
#define OFP_DEFAULT_PRIORITY 32768
#define OFP_ACTIONS_MAX 32
/* Resubmit depth limit, as OVS's (a loop of resubmits ends there, dropping the packet). */
#define OFP_MAX_DEPTH 64

enum ofp_action_type {
	OFPACT_OUTPUT,       /* port: an OpenFlow port number, or OFPP_IN_PORT, _NORMAL, ... */
	OFPACT_SET_VLAN_VID, /* value: VID; pushes a tag when there is none. */
	OFPACT_SET_VLAN_PCP, /* value: PCP; pushes a tag when there is none. */
	OFPACT_STRIP_VLAN,   /* Pops the outer tag. */
	OFPACT_PUSH_VLAN,    /* value: TPID. */
	OFPACT_SET_ETH_SRC,  /* mac. */
	OFPACT_SET_ETH_DST,  /* mac. */
	OFPACT_SET_IPV4_SRC, /* ip. */
	OFPACT_SET_IPV4_DST, /* ip. */
	OFPACT_SET_IP_TOS,   /* value: the DSCP bits of the TOS byte (ECN kept). */
	OFPACT_SET_L4_SRC,   /* value: port. */
	OFPACT_SET_L4_DST,   /* value: port. */
	OFPACT_DEC_TTL,      /* Decrements the TTL; drops when it would reach zero. */
	OFPACT_RESUBMIT,     /* port (OFPP_IN_PORT: unchanged), table (OFP_N_TABLES: same). */
	OFPACT_GOTO_TABLE,   /* table. */
};

/* How set_field wrote an action, so that printing gives back what was parsed. */
enum ofp_action_syntax {
	OFPACT_SYNTAX_MOD,       /* mod_dl_src:..., mod_vlan_vid:..., ... */
	OFPACT_SYNTAX_SET_FIELD, /* set_field:VALUE->FIELD. */
};

struct ofp_action {
	uint8_t type;              /* enum ofp_action_type. */
	uint8_t syntax;            /* enum ofp_action_syntax. */
	uint8_t table;             /* RESUBMIT, GOTO_TABLE. */
	uint8_t pad;               /* Zero. */
	uint32_t port;             /* OUTPUT, RESUBMIT. */
	uint32_t value;            /* VLAN VID/PCP, TPID, TOS, L4 port. */
	rte_be32_t ip;             /* SET_IPV4_*. */
	struct rte_ether_addr mac; /* SET_ETH_*. */
	uint16_t pad2;             /* Zero. */
};

/* Counters of a rule, credited by the datapath (see dp_flow_credit). */
struct ofp_rule {
	struct flow_key match; /* Values, already masked; in_port is an OpenFlow number. */
	struct flow_key mask;  /* Bits the rule matches on. */
	uint16_t priority;     /* Higher wins. */
	uint8_t table_id;      /* Table 0..254. */
	uint64_t cookie;       /* Opaque to the switch. */
	uint16_t idle_timeout; /* Seconds without a packet before removal; 0: never. */
	uint16_t hard_timeout; /* Seconds after installation before removal; 0: never. */
	unsigned n_acts;       /* Actions in acts; 0 means drop. */
	struct ofp_action acts[OFP_ACTIONS_MAX];
	/* Run-time state (not parsed, not compared). */
	uint64_t created_ms;  /* When added (monotonic ms). */
	uint64_t modified_ms; /* When last added or modified (monotonic ms): hard timeout. */
	uint64_t used_ms;     /* Last time a packet matched, as far as known. */
	struct dp_flow_credit *credit; /* Where the datapath credits the rule's packets. */
};

/*
 * A set of tables: rules sorted by table, then priority (highest first), then age. Opaque
 * (src/ofp/ofp_priv.h): read it with ofp_tables_rule(), change it with a transaction.
 */
struct ofp_tables;

/* Port numbers: OpenFlow <-> datapath, for one bridge. */
struct ofp_ports {
	/* Datapath number of an OpenFlow port of the bridge, or 0 when there is none. */
	uint32_t (*of_to_dp)(const void *aux, uint32_t ofport);
	/* OpenFlow number of a datapath port, or OFPP_NONE. */
	uint32_t (*dp_to_of)(const void *aux, uint32_t dp_port);
	const void *aux;
};

/* ---- Parsing and printing (ovs-ofctl syntax) ---- */

/* What a flow string may contain. */
enum ofp_parse_mode {
	OFP_PARSE_ADD, /* add-flow: match, priority, cookie, timeouts, table, actions (required). */
	OFP_PARSE_MATCH, /* del-flows, dump-flows: match, priority, table, cookie; no actions. */
	OFP_PARSE_TRACE, /* ofproto/trace: field values only, no masks or priority. */
};
/*
 * Parses s into rule (zeroed first; priority defaults to 32768). Port names are resolved by
 * port_by_name (may be NULL: numbers only), which returns an OpenFlow number or -1. Returns 0,
 * or -EINVAL with an ovs-ofctl-like message in err.
 */
int ofp_rule_parse(struct ofp_rule *rule, const char *s, enum ofp_parse_mode mode,
	int64_t (*port_by_name)(const void *aux, const char *name), const void *aux,
	struct ds *err);
/* Appends the match as ovs-ofctl prints it ("priority=10,ip,in_port=1,nw_src=10.0.0.0/8"). */
void ofp_match_format(struct ds *out, const struct ofp_rule *rule, bool with_priority,
	const char *(*port_name)(const void *aux, uint32_t ofport), const void *aux);
/* Appends the actions ("output:2,mod_vlan_vid:10" or "drop"). */
void ofp_actions_format(struct ds *out, const struct ofp_rule *rule,
	const char *(*port_name)(const void *aux, uint32_t ofport), const void *aux);
/* Whether two rules have the same match (including priority and table when strict). */
bool ofp_rule_same_match(const struct ofp_rule *a, const struct ofp_rule *b);
/* Whether rule falls under the (loose) match of filter: every bit filter matches, rule matches
 * with the same value. */
bool ofp_rule_covered_by(const struct ofp_rule *rule, const struct ofp_rule *filter);
/* Whether the actions of a and b are the same. */
bool ofp_actions_equal(const struct ofp_rule *a, const struct ofp_rule *b);

/* ---- Tables ---- */

/* An empty set of tables. */
struct ofp_tables *ofp_tables_create(void);
/* A copy sharing the rules (the copy's array is its own). */
struct ofp_tables *ofp_tables_clone(const struct ofp_tables *t);
/* Frees the array, not the rules. */
void ofp_tables_free(struct ofp_tables *t);
/* Frees t and its rules (the last version of a bridge's tables, which no PMD can see). */
void ofp_tables_destroy(struct ofp_tables *t);
/* Number of rules in t. */
unsigned ofp_tables_n_rules(const struct ofp_tables *t);
/* The rule at index i (below ofp_tables_n_rules()), in the tables' order. */
const struct ofp_rule *ofp_tables_rule(const struct ofp_tables *t, unsigned i);
/*
 * Every rule of t, in a new array (free it) of *n: for a caller that retires them all with t
 * (a flush), to free once no PMD can see them.
 */
struct ofp_rule **ofp_tables_rules_dup(const struct ofp_tables *t, unsigned *n);
/* Adds rule (ownership passes), keeping the order. Returns the rule it replaced (same table,
 * priority and match), which the caller frees once no PMD can see it, or NULL. */
struct ofp_rule *ofp_tables_add(struct ofp_tables *t, struct ofp_rule *rule);
/* Removes the rule at index i (the caller frees it later). */
void ofp_tables_remove(struct ofp_tables *t, unsigned i);
/* A new rule: a copy of r with fresh run-time state (a new credit). */
struct ofp_rule *ofp_rule_clone(const struct ofp_rule *r);
void ofp_rule_free(struct ofp_rule *r);

/*
 * Builds the lookup index of t (one tuple per distinct mask in a table, rules hashed by their
 * masked match, with staged partial hashes). Call it before the tables are published: a
 * lookup on tables changed since falls back to a scan of the rules. Returns 0, or -ENOMEM
 * (the tables still work, by the scan).
 */
int ofp_tables_index(struct ofp_tables *t);

/*
 * The highest-priority rule of table that matches key (in_port an OpenFlow number), or NULL;
 * between equal priorities, the one added first. ORs into wc the bits the lookup looked at,
 * enough that every packet agreeing with key on them gets the same answer. With the index:
 * each tuple probed adds its mask, or, when a stage of its mask (in_port; L2; L3) already
 * finds no rule, only that stage's part; tuples that cannot hold a better rule than the one
 * found are not probed. Without it: the rule found's mask and, for each higher-priority rule
 * that did not match, its mask over the first field where the packet differs.
 */
const struct ofp_rule *ofp_tables_lookup(const struct ofp_tables *t, uint8_t table,
	const struct flow_key *key, struct flow_key *wc);

/* ---- Changing tables in force: a transaction ---- */

/*
 * A new version of a set of tables, built from a copy of the version in force, which stays
 * untouched (the PMDs may be reading it). Rules are named by their index in the version being
 * built (ofp_txn_tables()); the rules that the transaction removes or replaces are kept, for
 * the caller to free once no PMD can see them. Control thread only.
 */
struct ofp_txn;

/* Starts a transaction on a copy of cur. */
struct ofp_txn *ofp_txn_begin(const struct ofp_tables *cur);
/* The version being built, to read. */
const struct ofp_tables *ofp_txn_tables(const struct ofp_txn *txn);
/*
 * Adds a copy of parsed (fresh counters; created and modified at now_ms). A rule with the same
 * table, priority and match is replaced, as ovs-ofctl add-flow does.
 */
void ofp_txn_add(struct ofp_txn *txn, const struct ofp_rule *parsed, uint64_t now_ms);
/* Removes the rule at index i. */
void ofp_txn_delete(struct ofp_txn *txn, unsigned i);
/* Gives the rule at index i the actions of mod; its counters and ages stay. */
void ofp_txn_modify_actions(struct ofp_txn *txn, unsigned i, const struct ofp_rule *mod);
/*
 * Ends the transaction: returns the new version of the tables, and in *dead (an array to free)
 * the *n_dead rules it removed or replaced.
 */
struct ofp_tables *ofp_txn_finish(struct ofp_txn *txn, struct ofp_rule ***dead, unsigned *n_dead);

/* ---- Translation ---- */

#define OFP_XLATE_MAX_CREDITS DP_FLOW_MAX_CREDITS

struct ofp_xlate_in {
	const struct ofp_tables *tables; /* The bridge's tables. */
	const struct l2_bridge *l2;      /* For NORMAL and FLOOD/ALL; may be NULL. */
	struct ofp_ports ports;          /* Port numbering. */
	uint64_t now_s;                  /* Clock for NORMAL's MAC learning. */
	struct ds *trace;                /* When not NULL, a step-by-step account goes here. */
};

struct ofp_xlate_out {
	struct dp_actions acts; /* Datapath actions. */
	struct flow_key mask;   /* Bits the decision depended on. */
	bool normal;            /* NORMAL ran (the flow depends on the MAC table). */
	bool flooded;           /* NORMAL flooded an unknown unicast destination. */
	/*
	 * The ports whose spanning tree state the decision read besides its in_port and the
	 * ports it outputs to (a blocked destination, an output skipped): every port's
	 * (stp_all: a flood), else stp_port (0: none). A state change of one of them, and of
	 * nothing else, makes the megaflow wrong.
	 */
	bool stp_all;
	uint32_t stp_port;
	int bond_bucket;    /* NORMAL's: the balancing bond bucket it sent by, -1: none. */
	unsigned n_credits; /* Rules the packet went through ... */
	struct dp_flow_credit *credits[OFP_XLATE_MAX_CREDITS]; /* ... their counters. */
};

/*
 * Translates a packet with key (in_port a datapath number) through the tables, starting at
 * table 0. Returns 0 or -EINVAL when the ingress port is not the bridge's.
 */
int ofp_xlate(const struct ofp_xlate_in *in, const struct flow_key *key, struct ofp_xlate_out *out);

#endif
