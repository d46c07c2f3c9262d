/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 802.1D-2004 rapid spanning tree engine (see rstp.h). Runs on the control thread: BPDUs
 * come in from the punt handler, time from a control loop timer, and BPDUs go out through the
 * send callback.
 *
 * Each state machine of 17.22 to 17.31 has a *_step() that evaluates the transitions out of
 * its current state and takes at most one, and, where several transitions lead to a state, an
 * *_enter() with that state's actions. States whose only exit is UCT are not kept: their
 * actions run and the machine enters the state UCT leads to, as the diagrams do in one go.
 * The variables (17.19, 17.20) and procedures (17.21) carry the standard's names in
 * snake_case, so that a reader can check one against the other. After every event (a BPDU, a
 * second, a management change) all machines run until none can move; Port Transmit runs only
 * once the others have settled, so that a BPDU carries the outcome of the event rather than a
 * half-way state.
 *
 * Where 802.1D-2004's text has known holes, the engine takes 802.1Q-2005's repair, as OVS
 * does, and says so where it does: recordDispute, a TCN's rcvdTcn, allSynced leaving the root
 * port out, DESIGNATED_DISCARD clearing disputed, Port Transmit held while the port is down.
 *
 * Times are kept in whole seconds, as clause 17's timers are; the wire's 1/256 s are
 * truncated on receipt, as OVS does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpdu_wire.h"
#include "ds.h"
#include "rstp.h"
#include "stp.h"
#include "xalloc.h"

#define MAC_MASK 0xffffffffffffull /* The Bridge Address part of a bridge identifier. */
#define PORT_NO_MASK 0x0fff        /* The Port Number part of a port identifier. */
#define TIME_UNITS 256u            /* Wire time units per second. */

/* A priority vector (17.6): compared component by component, lower is better. */
struct prio_vector {
	uint64_t root_id;              /* RootBridgeID. */
	uint32_t root_path_cost;       /* RootPathCost. */
	uint64_t designated_bridge_id; /* DesignatedBridgeID. */
	uint16_t designated_port_id;   /* DesignatedPortID. */
	uint16_t bridge_port_id;       /* BridgePortID: the port that holds or receives it. */
};

/* Timer values carried with a priority vector (17.19.22 portTimes and its kin), seconds. */
struct rstp_times {
	unsigned message_age;   /* Age of the root's information. */
	unsigned max_age;       /* When it expires. */
	unsigned forward_delay; /* FwdDelay. */
	unsigned hello_time;    /* HelloTime. */
};

/* 17.19.10 infoIs: where the port priority vector comes from. */
enum info_is { INFO_DISABLED, INFO_MINE, INFO_AGED, INFO_RECEIVED };

/* 17.21.8 rcvInfo's verdicts. */
enum rcvd_info {
	SUPERIOR_DESIGNATED_INFO,
	REPEATED_DESIGNATED_INFO,
	INFERIOR_DESIGNATED_INFO,
	INFERIOR_ROOT_ALTERNATE_INFO,
	OTHER_INFO,
};

/* The states kept by each machine (UCT-only states run through, see the top). */
enum prx_state { PRX_DISCARD, PRX_RECEIVE };
enum ppm_state { PPM_CHECKING_RSTP, PPM_SELECTING_STP, PPM_SENSING };
enum bdm_state { BDM_EDGE, BDM_NOT_EDGE };
enum ptx_state { PTX_TRANSMIT_INIT, PTX_IDLE };
enum pim_state { PIM_DISABLED, PIM_AGED, PIM_CURRENT };
enum prt_state {
	PRT_DISABLE_PORT,
	PRT_DISABLED_PORT,
	PRT_ROOT_PORT,
	PRT_DESIGNATED_PORT,
	PRT_BLOCK_PORT,
	PRT_ALTERNATE_PORT,
};
enum pst_state { PST_DISCARDING, PST_LEARNING, PST_FORWARDING };
enum tcm_state { TCM_INACTIVE, TCM_LEARNING, TCM_ACTIVE };

/* A port: its variables (17.19), timers (17.17) and the states of its machines. */
struct rstp_port {
	struct rstp_port *next;        /* In rstp->port_list, by port number. */
	unsigned port_no;              /* 1..RSTP_MAX_PORT. */
	char *name;                    /* For rstp_format(). */
	uint16_t port_id;              /* 17.19.21 portId: priority / 16 << 12 | port_no. */
	uint32_t port_path_cost;       /* 17.19.20 PortPathCost. */
	bool admin_edge;               /* 17.13.1 AdminEdgePort. */
	bool auto_edge;                /* 17.13.3 AutoEdgePort. */
	enum rstp_admin_p2p admin_p2p; /* adminPointToPointMAC; operPointToPointMAC follows. */
	enum rstp_state state;         /* What rstp_port_state() reports. */

	/* 17.19: per-port variables. */
	bool port_enabled;    /* portEnabled: the MAC is operational. */
	bool agree;           /* Ready to agree to the designated port's proposal. */
	bool agreed;          /* The far side agreed to our proposal. */
	bool disputed;        /* The designated port heard a learning designated port. */
	bool fdb_flush;       /* Flush requested, until rstp_port_check_and_reset_flush(). */
	bool forward;         /* Port Role Transitions wants the port forwarding. */
	bool forwarding;      /* Port State Transition has made it forwarding. */
	bool learn;           /* Port Role Transitions wants the port learning. */
	bool learning;        /* Port State Transition has made it learning. */
	bool mcheck;          /* Go back to RST BPDUs (rstp_port_mcheck()). */
	bool new_info;        /* A BPDU is to be sent. */
	bool oper_edge;       /* operEdge: an edge port. */
	bool proposed;        /* The designated bridge proposed that we agree. */
	bool proposing;       /* Our designated port proposes to go forwarding. */
	bool rcvd_bpdu;       /* A valid BPDU waits in rcvd. */
	bool rcvd_msg;        /* Port Receive handed it to Port Information. */
	bool rcvd_rstp;       /* The last BPDU was an RST BPDU. */
	bool rcvd_stp;        /* The last BPDU was a configuration or TCN BPDU. */
	bool rcvd_tc;         /* It had TC set. */
	bool rcvd_tc_ack;     /* It had TCA set. */
	bool rcvd_tcn;        /* It was a TCN. */
	bool re_root;         /* A new root port is coming: recent roots go discarding. */
	bool reselect;        /* Port Role Selection must run. */
	bool selected;        /* selectedRole is valid for the current information. */
	bool send_rstp;       /* Send RST BPDUs (false: configuration and TCN BPDUs). */
	bool sync;            /* Go discarding (unless edge) for a proposal upstream. */
	bool synced;          /* Discarding, or agreed, or edge: in sync with the new root. */
	bool tc_ack;          /* Set TCA in the next configuration BPDU. */
	bool tc_prop;         /* Propagate a topology change heard on another port. */
	bool updt_info;       /* Port Information must copy designatedPriority into portPriority. */
	enum info_is info_is; /* Where portPriority comes from. */
	enum rcvd_info rcvd_info;         /* rcvInfo's verdict on the last BPDU. */
	enum rstp_role role;              /* The role Port Role Transitions has reached. */
	enum rstp_role selected_role;     /* The role Port Role Selection chose. */
	unsigned tx_count;                /* BPDUs sent in the current second(s) (17.19.44). */
	struct prio_vector port_priority; /* portPriority. */
	struct prio_vector msg_priority;  /* msgPriority of the BPDU in rcvd. */
	struct prio_vector designated_priority; /* designatedPriority. */
	struct rstp_times port_times;           /* portTimes. */
	struct rstp_times msg_times;            /* msgTimes. */
	struct rstp_times designated_times;     /* designatedTimes. */
	struct rstp_bpdu rcvd;                  /* The BPDU being processed. */

	/* 17.17: timers, in seconds, counting down to 0 on the one-second tick. */
	unsigned edge_delay_while; /* Until a silent LAN makes the port an edge. */
	unsigned fd_while;         /* Forward delay: discarding → learning → forwarding. */
	unsigned hello_when;       /* Until the next periodic BPDU. */
	unsigned mdelay_while;     /* Migration delay: hold the protocol chosen. */
	unsigned rb_while;         /* Recent backup: the port was a backup port. */
	unsigned rcvd_info_while;  /* Until the received information ages out. */
	unsigned rr_while;         /* Recent root: the port was the root port. */
	unsigned tc_while;         /* Sending TC. */

	enum prx_state prx;           /* Port Receive (17.23). */
	enum ppm_state ppm;           /* Port Protocol Migration (17.24). */
	enum bdm_state bdm;           /* Bridge Detection (17.25). */
	enum ptx_state ptx;           /* Port Transmit (17.26). */
	enum pim_state pim;           /* Port Information (17.27). */
	enum prt_state prt;           /* Port Role Transitions (17.29). */
	enum pst_state pst;           /* Port State Transition (17.30). */
	enum tcm_state tcm;           /* Topology Change (17.31). */
	struct rstp_port_stats stats; /* Counters. */
};

/* A bridge (17.18). */
struct rstp {
	char *name;                         /* For rstp_format(). */
	uint64_t bridge_id;                 /* BridgeIdentifier. */
	struct prio_vector bridge_priority; /* BridgePriority: {B, 0, B, 0, 0}. */
	struct rstp_times bridge_times;     /* BridgeTimes: this bridge's own, as configured. */
	struct prio_vector root_priority;   /* rootPriority. */
	struct rstp_times root_times;       /* rootTimes: in use. */
	uint16_t root_port_id;              /* rootPortId; 0 when this bridge is the root. */
	unsigned force_protocol_version;    /* ForceProtocolVersion: 0 or 2. */
	unsigned transmit_hold_count;       /* TxHoldCount. */
	unsigned ageing_time;               /* Ageing Time, seconds. */
	unsigned ms_rem;             /* Milliseconds below a whole second, for rstp_tick(). */
	uint64_t state_gen;          /* Bumps on state or role change, port add or del. */
	rstp_send_fn *send;          /* Sends a BPDU. */
	void *aux;                   /* Its argument. */
	rstp_state_fn *state_fn;     /* Told of port state changes, or NULL. */
	void *state_aux;             /* Its argument. */
	struct rstp_port *port_list; /* All ports, by port number. */
	struct rstp_port *ports[RSTP_MAX_PORT + 1]; /* Indexed by port number; [0] unused. */
};

/* 17.6: negative if a is better than b, 0 if the same, positive if worse. */
static int
prio_vector_cmp(const struct prio_vector *a, const struct prio_vector *b)
{
	if (a->root_id != b->root_id)
		return a->root_id < b->root_id ? -1 : 1;
	if (a->root_path_cost != b->root_path_cost)
		return a->root_path_cost < b->root_path_cost ? -1 : 1;
	if (a->designated_bridge_id != b->designated_bridge_id)
		return a->designated_bridge_id < b->designated_bridge_id ? -1 : 1;
	if (a->designated_port_id != b->designated_port_id)
		return a->designated_port_id < b->designated_port_id ? -1 : 1;
	if (a->bridge_port_id != b->bridge_port_id)
		return a->bridge_port_id < b->bridge_port_id ? -1 : 1;
	return 0;
}

static bool
times_equal(const struct rstp_times *a, const struct rstp_times *b)
{
	return a->message_age == b->message_age && a->max_age == b->max_age &&
	       a->forward_delay == b->forward_delay && a->hello_time == b->hello_time;
}

static struct rstp_port *
port_get(const struct rstp *rstp, unsigned port_no)
{
	if (port_no < 1 || port_no > RSTP_MAX_PORT)
		return NULL;
	return rstp->ports[port_no];
}

/* 17.20: conditions and parameters. */

/* rstpVersion: ForceProtocolVersion is 2 or more. */
static bool
rstp_version(const struct rstp *rstp)
{
	return rstp->force_protocol_version >= 2;
}

/* operPointToPointMAC: the caller's links are full duplex, so auto is true. */
static bool
oper_p2p(const struct rstp_port *p)
{
	return p->admin_p2p != RSTP_P2P_FORCE_FALSE;
}

/* 17.20.5 EdgeDelay. */
static unsigned
edge_delay(const struct rstp_port *p)
{
	return oper_p2p(p) ? RSTP_MIGRATE_TIME : p->designated_times.max_age;
}

/* 17.20.6 forwardDelay: an RSTP port steps through its states in a hello time. */
static unsigned
forward_delay(const struct rstp_port *p)
{
	return p->send_rstp ? p->designated_times.hello_time : p->designated_times.forward_delay;
}

/*
 * 17.20.3 allSynced: every port has its selected role and is synced, the root port aside
 * (802.1Q-2005: the root port is never synced, it is the one asking).
 */
static bool
all_synced(const struct rstp *rstp)
{
	const struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		if (!p->selected || p->role != p->selected_role || p->updt_info ||
			(p->role != RSTP_ROLE_ROOT && !p->synced))
			return false;
	return true;
}

/* 17.20.10 reRooted: no port but p has been root recently. */
static bool
re_rooted(const struct rstp *rstp, const struct rstp_port *p)
{
	const struct rstp_port *q;

	for (q = rstp->port_list; q; q = q->next)
		if (q != p && q->rr_while)
			return false;
	return true;
}

/* Port state publication. */

static void
publish_state(struct rstp *rstp, struct rstp_port *p)
{
	enum rstp_state old = p->state, state;

	if (!p->port_enabled)
		state = RSTP_DISABLED;
	else if (p->forwarding)
		state = RSTP_FORWARDING;
	else if (p->learning)
		state = RSTP_LEARNING;
	else
		state = RSTP_DISCARDING;
	if (state == old)
		return;
	p->state = state;
	rstp->state_gen++;
	if (rstp->state_fn)
		rstp->state_fn(p->port_no, old, state, rstp->state_aux);
}

/* 17.21: procedures. */

/* 17.21.1 betterorsameInfo. */
static bool
better_or_same_info(const struct rstp_port *p, enum info_is new_info_is)
{
	if (new_info_is == INFO_RECEIVED && p->info_is == INFO_RECEIVED)
		return prio_vector_cmp(&p->msg_priority, &p->port_priority) <= 0;
	if (new_info_is == INFO_MINE && p->info_is == INFO_MINE)
		return prio_vector_cmp(&p->designated_priority, &p->port_priority) <= 0;
	return false;
}

/* 17.21.2 clearReselectTree. */
static void
clear_reselect_tree(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		p->reselect = false;
}

/*
 * 17.21.7 newTcWhile. The flush and the TC it starts are for the LAN of this port; an
 * 802.1D neighbour hears TC for max age plus forward delay, as its own root would send it.
 */
static void
new_tc_while(struct rstp *rstp, struct rstp_port *p)
{
	if (p->tc_while)
		return;
	if (p->send_rstp) {
		p->tc_while = p->designated_times.hello_time + 1;
		p->new_info = true;
	} else {
		p->tc_while = rstp->root_times.max_age + rstp->root_times.forward_delay;
	}
}

/*
 * 17.6: the message priority vector is superior to the port's if it is better, or if it
 * comes from the same designated bridge and port (addresses and numbers, priorities aside):
 * that port's newer word replaces its older one, even when worse.
 */
static bool
superior(const struct prio_vector *msg, const struct prio_vector *port)
{
	return prio_vector_cmp(msg, port) < 0 ||
	       ((msg->designated_bridge_id & MAC_MASK) == (port->designated_bridge_id & MAC_MASK) &&
		       (msg->designated_port_id & PORT_NO_MASK) ==
			       (port->designated_port_id & PORT_NO_MASK));
}

/* The role the received BPDU conveys; a configuration BPDU's is designated (17.21.8). */
static unsigned
rcvd_role(const struct rstp_port *p)
{
	if (p->rcvd.type == STP_TYPE_CONFIG)
		return RSTP_FLAG_ROLE_DESIGNATED;
	return (p->rcvd.flags & RSTP_FLAG_ROLE_MASK) >> RSTP_FLAG_ROLE_SHIFT;
}

/* 17.21.8 rcvInfo: decodes msgPriority and msgTimes and says how they compare. */
static enum rcvd_info
rcv_info(struct rstp_port *p)
{
	const struct rstp_bpdu *b = &p->rcvd;
	unsigned role;
	int cmp;

	/* A TCN carries no priority vector; it only sets rcvdTcn (setTcFlags, in OTHER). */
	if (b->type == STP_TYPE_TCN)
		return OTHER_INFO;
	p->msg_priority = (struct prio_vector){
		.root_id = b->root_id,
		.root_path_cost = b->root_path_cost,
		.designated_bridge_id = b->bridge_id,
		.designated_port_id = b->port_id,
		.bridge_port_id = p->port_id,
	};
	p->msg_times = (struct rstp_times){
		.message_age = b->message_age / TIME_UNITS,
		.max_age = b->max_age / TIME_UNITS,
		.forward_delay = b->forward_delay / TIME_UNITS,
		.hello_time = b->hello_time / TIME_UNITS,
	};
	role = rcvd_role(p);
	cmp = prio_vector_cmp(&p->msg_priority, &p->port_priority);
	if (role == RSTP_FLAG_ROLE_DESIGNATED) {
		if (cmp == 0 && times_equal(&p->msg_times, &p->port_times))
			return REPEATED_DESIGNATED_INFO;
		if (cmp == 0 || superior(&p->msg_priority, &p->port_priority))
			return SUPERIOR_DESIGNATED_INFO;
		return INFERIOR_DESIGNATED_INFO;
	}
	if ((role == RSTP_FLAG_ROLE_ROOT || role == RSTP_FLAG_ROLE_ALT_BACKUP) && cmp >= 0)
		return INFERIOR_ROOT_ALTERNATE_INFO;
	return OTHER_INFO;
}

/* 17.21.9 recordAgreement: rapid transition needs a point-to-point link to the agreer. */
static void
record_agreement(struct rstp *rstp, struct rstp_port *p)
{
	if (rstp_version(rstp) && oper_p2p(p) && p->rcvd.type == RSTP_TYPE_RST &&
		(p->rcvd.flags & RSTP_FLAG_AGREEMENT)) {
		p->agreed = true;
		p->proposing = false;
	} else {
		p->agreed = false;
	}
}

/*
 * 17.21.10 recordDispute: an inferior designated port that is learning has not heard us;
 * ours goes discarding rather than risk a loop (802.1Q-2005's form, as OVS has it).
 */
static void
record_dispute(struct rstp_port *p)
{
	if (p->rcvd.type == RSTP_TYPE_RST && (p->rcvd.flags & RSTP_FLAG_LEARNING)) {
		p->disputed = true;
		p->agreed = false;
	}
}

/* 17.21.11 recordProposal. */
static void
record_proposal(struct rstp_port *p)
{
	if (p->rcvd.type == RSTP_TYPE_RST && rcvd_role(p) == RSTP_FLAG_ROLE_DESIGNATED &&
		(p->rcvd.flags & RSTP_FLAG_PROPOSAL))
		p->proposed = true;
}

/* 17.21.12 recordPriority. */
static void
record_priority(struct rstp_port *p)
{
	p->port_priority = p->msg_priority;
}

/* 17.21.13 recordTimes; a hello time below a second would make rcvdInfoWhile 0. */
static void
record_times(struct rstp_port *p)
{
	p->port_times = p->msg_times;
	if (p->port_times.hello_time < 1)
		p->port_times.hello_time = 1;
}

/* 17.21.14 setSyncTree. */
static void
set_sync_tree(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		p->sync = true;
}

/* 17.21.15 setReRootTree. */
static void
set_re_root_tree(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		p->re_root = true;
}

/* 17.21.16 setSelectedTree: only once no port asks for another selection. */
static void
set_selected_tree(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		if (p->reselect)
			return;
	for (p = rstp->port_list; p; p = p->next)
		p->selected = true;
}

/* 17.21.17 setTcFlags. */
static void
set_tc_flags(struct rstp_port *p)
{
	if (p->rcvd.type == STP_TYPE_TCN) {
		p->rcvd_tcn = true;
		return;
	}
	if (p->rcvd.flags & RSTP_FLAG_TC)
		p->rcvd_tc = true;
	if (p->rcvd.type == STP_TYPE_CONFIG && (p->rcvd.flags & RSTP_FLAG_TCA))
		p->rcvd_tc_ack = true;
}

/* 17.21.18 setTcPropTree: every other port propagates the change to its LAN. */
static void
set_tc_prop_tree(struct rstp *rstp, struct rstp_port *from)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		if (p != from)
			p->tc_prop = true;
}

static void
send_bpdu(struct rstp *rstp, struct rstp_port *p, const struct rstp_bpdu *b)
{
	uint8_t buf[RSTP_BPDU_LEN];
	size_t len = rstp_bpdu_encode(b, buf);

	p->stats.tx_count++;
	rstp->send(p->port_no, buf, len, rstp->aux);
}

/* The priority vector and times fields of a BPDU sent on p: its designated ones. */
static void
fill_bpdu(const struct rstp_port *p, struct rstp_bpdu *b)
{
	b->root_id = p->designated_priority.root_id;
	b->root_path_cost = p->designated_priority.root_path_cost;
	b->bridge_id = p->designated_priority.designated_bridge_id;
	b->port_id = p->designated_priority.designated_port_id;
	b->message_age = p->designated_times.message_age * TIME_UNITS;
	b->max_age = p->designated_times.max_age * TIME_UNITS;
	b->hello_time = p->designated_times.hello_time * TIME_UNITS;
	b->forward_delay = p->designated_times.forward_delay * TIME_UNITS;
}

/* 17.21.19 txConfig. */
static void
tx_config(struct rstp *rstp, struct rstp_port *p)
{
	struct rstp_bpdu b = {.type = STP_TYPE_CONFIG};

	fill_bpdu(p, &b);
	b.flags = (p->tc_while ? RSTP_FLAG_TC : 0) | (p->tc_ack ? RSTP_FLAG_TCA : 0);
	send_bpdu(rstp, p, &b);
}

/* The two bits of the port role in an RST BPDU's flags (9.3.3). */
static uint8_t
role_flags(enum rstp_role role)
{
	unsigned bits;

	switch (role) {
	case RSTP_ROLE_ROOT:
		bits = RSTP_FLAG_ROLE_ROOT;
		break;
	case RSTP_ROLE_DESIGNATED:
		bits = RSTP_FLAG_ROLE_DESIGNATED;
		break;
	case RSTP_ROLE_ALTERNATE:
	case RSTP_ROLE_BACKUP:
		bits = RSTP_FLAG_ROLE_ALT_BACKUP;
		break;
	default:
		bits = RSTP_FLAG_ROLE_UNKNOWN;
		break;
	}
	return (uint8_t)(bits << RSTP_FLAG_ROLE_SHIFT);
}

/* 17.21.20 txRstp. */
static void
tx_rstp(struct rstp *rstp, struct rstp_port *p)
{
	struct rstp_bpdu b = {.type = RSTP_TYPE_RST, .version = RSTP_VERSION};

	fill_bpdu(p, &b);
	b.flags = role_flags(p->role) | (p->agree ? RSTP_FLAG_AGREEMENT : 0) |
		  (p->proposing ? RSTP_FLAG_PROPOSAL : 0) | (p->tc_while ? RSTP_FLAG_TC : 0) |
		  (p->learning ? RSTP_FLAG_LEARNING : 0) |
		  (p->forwarding ? RSTP_FLAG_FORWARDING : 0);
	send_bpdu(rstp, p, &b);
}

/* 17.21.21 txTcn. */
static void
tx_tcn(struct rstp *rstp, struct rstp_port *p)
{
	struct rstp_bpdu b = {.type = STP_TYPE_TCN};

	send_bpdu(rstp, p, &b);
}

/* 17.21.22 updtBPDUVersion. */
static void
updt_bpdu_version(struct rstp_port *p)
{
	if (p->rcvd.type == RSTP_TYPE_RST)
		p->rcvd_rstp = true;
	else
		p->rcvd_stp = true;
}

/* 17.21.23 updtRcvdInfoWhile: three hellos, unless the information is already too old. */
static void
updt_rcvd_info_while(struct rstp_port *p)
{
	if (p->port_times.message_age + 1 <= p->port_times.max_age)
		p->rcvd_info_while = 3 * p->port_times.hello_time;
	else
		p->rcvd_info_while = 0;
}

/* 17.21.24 updtRoleDisabledTree. */
static void
updt_role_disabled_tree(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		p->selected_role = RSTP_ROLE_DISABLED;
}

/* The root path priority vector through p (17.6): its port priority plus its path cost. */
static struct prio_vector
root_path_priority(const struct rstp_port *p)
{
	struct prio_vector v = p->port_priority;
	uint64_t cost = (uint64_t)v.root_path_cost + p->port_path_cost;

	v.root_path_cost = cost > UINT32_MAX ? UINT32_MAX : (uint32_t)cost;
	v.bridge_port_id = p->port_id;
	return v;
}

/* 17.21.25 updtRolesTree. */
static void
updt_roles_tree(struct rstp *rstp)
{
	struct prio_vector best = rstp->bridge_priority;
	struct rstp_port *p, *root = NULL;

	/* The root priority vector: the best of ours and those received from other bridges. */
	for (p = rstp->port_list; p; p = p->next) {
		struct prio_vector v;

		if (p->info_is != INFO_RECEIVED ||
			(p->port_priority.designated_bridge_id & MAC_MASK) ==
				(rstp->bridge_id & MAC_MASK))
			continue;
		v = root_path_priority(p);
		if (prio_vector_cmp(&v, &best) < 0) {
			best = v;
			root = p;
		}
	}
	rstp->root_priority = best;
	rstp->root_port_id = root ? root->port_id : 0;
	if (root) {
		/* The root's information is a second older here than where we heard it. */
		rstp->root_times = root->port_times;
		rstp->root_times.message_age++;
	} else {
		rstp->root_times = rstp->bridge_times;
	}

	for (p = rstp->port_list; p; p = p->next) {
		int cmp;

		p->designated_priority = (struct prio_vector){
			.root_id = best.root_id,
			.root_path_cost = best.root_path_cost,
			.designated_bridge_id = rstp->bridge_id,
			.designated_port_id = p->port_id,
			.bridge_port_id = p->port_id,
		};
		/* Our hellos keep our own pace, whatever the root's (802.1Q-2005 17.21.25). */
		p->designated_times = rstp->root_times;
		p->designated_times.hello_time = rstp->bridge_times.hello_time;
		cmp = prio_vector_cmp(&p->designated_priority, &p->port_priority);
		switch (p->info_is) {
		case INFO_DISABLED:
			p->selected_role = RSTP_ROLE_DISABLED;
			break;
		case INFO_AGED:
			p->selected_role = RSTP_ROLE_DESIGNATED;
			p->updt_info = true;
			break;
		case INFO_MINE:
			p->selected_role = RSTP_ROLE_DESIGNATED;
			if (cmp != 0 || !times_equal(&p->port_times, &p->designated_times))
				p->updt_info = true;
			break;
		case INFO_RECEIVED:
			if (p == root) {
				p->selected_role = RSTP_ROLE_ROOT;
				p->updt_info = false;
			} else if (cmp >= 0) {
				/* Another port of ours on the LAN is designated: a backup of it. */
				bool ours = (p->port_priority.designated_bridge_id & MAC_MASK) ==
					    (rstp->bridge_id & MAC_MASK);

				p->selected_role = ours ? RSTP_ROLE_BACKUP : RSTP_ROLE_ALTERNATE;
				p->updt_info = false;
			} else {
				p->selected_role = RSTP_ROLE_DESIGNATED;
				p->updt_info = true;
			}
			break;
		}
	}
}

/* 17.22 Port Timers: the one-second tick. */
static void
dec(unsigned *t)
{
	if (*t)
		(*t)--;
}

static void
port_timers_tick(struct rstp_port *p)
{
	dec(&p->hello_when);
	dec(&p->tc_while);
	dec(&p->fd_while);
	dec(&p->rcvd_info_while);
	dec(&p->rr_while);
	dec(&p->rb_while);
	dec(&p->mdelay_while);
	dec(&p->edge_delay_while);
	dec(&p->tx_count);
}

/* 17.23 Port Receive. */

static void
prx_enter(struct rstp_port *p, enum prx_state s)
{
	p->prx = s;
	switch (s) {
	case PRX_DISCARD:
		p->rcvd_bpdu = p->rcvd_rstp = p->rcvd_stp = false;
		p->rcvd_msg = false; /* clearAllRcvdMsgs. */
		p->edge_delay_while = RSTP_MIGRATE_TIME;
		break;
	case PRX_RECEIVE:
		updt_bpdu_version(p);
		p->oper_edge = p->rcvd_bpdu = false;
		p->rcvd_msg = true;
		p->edge_delay_while = RSTP_MIGRATE_TIME;
		break;
	}
}

static bool
prx_step(struct rstp_port *p)
{
	if ((p->rcvd_bpdu || p->edge_delay_while != RSTP_MIGRATE_TIME) && !p->port_enabled) {
		prx_enter(p, PRX_DISCARD);
		return true;
	}
	if (p->rcvd_bpdu && p->port_enabled && (p->prx == PRX_DISCARD || !p->rcvd_msg)) {
		prx_enter(p, PRX_RECEIVE);
		return true;
	}
	return false;
}

/* 17.24 Port Protocol Migration. */

static void
ppm_enter(struct rstp *rstp, struct rstp_port *p, enum ppm_state s)
{
	p->ppm = s;
	switch (s) {
	case PPM_CHECKING_RSTP:
		p->mcheck = false;
		p->send_rstp = rstp_version(rstp);
		p->mdelay_while = RSTP_MIGRATE_TIME;
		break;
	case PPM_SELECTING_STP:
		p->send_rstp = false;
		p->mdelay_while = RSTP_MIGRATE_TIME;
		break;
	case PPM_SENSING:
		p->rcvd_rstp = p->rcvd_stp = false;
		break;
	}
}

static bool
ppm_step(struct rstp *rstp, struct rstp_port *p)
{
	enum ppm_state next;

	switch (p->ppm) {
	case PPM_CHECKING_RSTP:
		if (p->mdelay_while != RSTP_MIGRATE_TIME && !p->port_enabled)
			next = PPM_CHECKING_RSTP;
		else if (!p->mdelay_while)
			next = PPM_SENSING;
		else
			return false;
		break;
	case PPM_SELECTING_STP:
		if (!p->mdelay_while || !p->port_enabled || p->mcheck)
			next = PPM_SENSING;
		else
			return false;
		break;
	case PPM_SENSING:
		if (!p->port_enabled || p->mcheck ||
			(rstp_version(rstp) && !p->send_rstp && p->rcvd_rstp))
			next = PPM_CHECKING_RSTP;
		else if (p->send_rstp && p->rcvd_stp)
			next = PPM_SELECTING_STP;
		else
			return false;
		break;
	default:
		return false;
	}
	ppm_enter(rstp, p, next);
	return true;
}

/* 17.25 Bridge Detection. */

static void
bdm_enter(struct rstp_port *p, enum bdm_state s)
{
	p->bdm = s;
	p->oper_edge = s == BDM_EDGE;
}

static bool
bdm_step(struct rstp_port *p)
{
	if (p->bdm == BDM_EDGE && ((!p->port_enabled && !p->admin_edge) || !p->oper_edge)) {
		bdm_enter(p, BDM_NOT_EDGE);
		return true;
	}
	if (p->bdm == BDM_NOT_EDGE &&
		((!p->port_enabled && p->admin_edge) ||
			(!p->edge_delay_while && p->auto_edge && p->send_rstp && p->proposing))) {
		bdm_enter(p, BDM_EDGE);
		return true;
	}
	return false;
}

/* 17.26 Port Transmit. */

static void
ptx_enter_idle(struct rstp_port *p)
{
	p->ptx = PTX_IDLE;
	p->hello_when = p->designated_times.hello_time;
}

static bool
ptx_step(struct rstp *rstp, struct rstp_port *p)
{
	bool can_send;

	/* BEGIN || !portEnabled (802.1Q-2005): nothing is sent on a link that is down. */
	if (!p->port_enabled) {
		if (p->ptx == PTX_TRANSMIT_INIT)
			return false;
		p->ptx = PTX_TRANSMIT_INIT;
		p->new_info = true;
		p->tx_count = 0;
		return true;
	}
	if (p->ptx == PTX_TRANSMIT_INIT) {
		ptx_enter_idle(p);
		return true;
	}
	if (!p->selected || p->updt_info)
		return false;
	if (!p->hello_when) {
		/* TRANSMIT_PERIODIC: designated ports send hellos, root ports TCNs while TC. */
		p->new_info = p->new_info || p->role == RSTP_ROLE_DESIGNATED ||
			      (p->role == RSTP_ROLE_ROOT && p->tc_while);
		ptx_enter_idle(p);
		return true;
	}
	can_send = p->new_info && p->tx_count < rstp->transmit_hold_count;
	if (can_send && p->send_rstp) {
		/* TRANSMIT_RSTP (17.26: tcAck too, or a TCA nobody asked for goes out after a
		 * fallback). */
		p->new_info = false;
		p->tc_ack = false;
		tx_rstp(rstp, p);
		p->tx_count++;
	} else if (can_send && p->role == RSTP_ROLE_ROOT) {
		/* TRANSMIT_TCN. */
		p->new_info = false;
		tx_tcn(rstp, p);
		p->tx_count++;
	} else if (can_send && p->role == RSTP_ROLE_DESIGNATED) {
		/* TRANSMIT_CONFIG. */
		p->new_info = false;
		tx_config(rstp, p);
		p->tx_count++;
		p->tc_ack = false;
	} else {
		return false;
	}
	ptx_enter_idle(p);
	return true;
}

/* 17.27 Port Information. */

static void
pim_enter(struct rstp_port *p, enum pim_state s)
{
	p->pim = s;
	switch (s) {
	case PIM_DISABLED:
		p->rcvd_msg = false;
		p->proposing = p->proposed = p->agree = p->agreed = false;
		p->rcvd_info_while = 0;
		p->info_is = INFO_DISABLED;
		p->reselect = true;
		p->selected = false;
		break;
	case PIM_AGED:
		p->info_is = INFO_AGED;
		p->reselect = true;
		p->selected = false;
		break;
	case PIM_CURRENT:
		break;
	}
}

/* UPDATE: our designated information becomes the port's; UCT to CURRENT. */
static void
pim_update(struct rstp_port *p)
{
	p->proposing = p->proposed = false;
	p->agreed = p->agreed && better_or_same_info(p, INFO_MINE);
	p->synced = p->synced && p->agreed;
	p->port_priority = p->designated_priority;
	p->port_times = p->designated_times;
	p->updt_info = false;
	p->info_is = INFO_MINE;
	p->new_info = true;
	pim_enter(p, PIM_CURRENT);
}

/* RECEIVE and the state its verdict leads to; each UCT to CURRENT. */
static void
pim_receive(struct rstp *rstp, struct rstp_port *p)
{
	p->rcvd_info = rcv_info(p);
	switch (p->rcvd_info) {
	case SUPERIOR_DESIGNATED_INFO:
		p->agreed = p->proposing = false;
		record_proposal(p);
		set_tc_flags(p);
		p->agree = p->agree && better_or_same_info(p, INFO_RECEIVED);
		record_priority(p);
		record_times(p);
		updt_rcvd_info_while(p);
		p->info_is = INFO_RECEIVED;
		p->reselect = true;
		p->selected = false;
		break;
	case REPEATED_DESIGNATED_INFO:
		record_proposal(p);
		set_tc_flags(p);
		updt_rcvd_info_while(p);
		break;
	case INFERIOR_DESIGNATED_INFO:
		record_dispute(p);
		break;
	case INFERIOR_ROOT_ALTERNATE_INFO:
		/* NOT_DESIGNATED. */
		record_agreement(rstp, p);
		set_tc_flags(p);
		break;
	case OTHER_INFO:
		/* 802.1D-2004 loses a TCN here; 802.1Q-2005 sets rcvdTcn, as OVS does. */
		if (p->rcvd.type == STP_TYPE_TCN)
			set_tc_flags(p);
		break;
	}
	p->rcvd_msg = false;
	pim_enter(p, PIM_CURRENT);
}

static bool
pim_step(struct rstp *rstp, struct rstp_port *p)
{
	if (!p->port_enabled && p->info_is != INFO_DISABLED) {
		pim_enter(p, PIM_DISABLED);
		return true;
	}
	switch (p->pim) {
	case PIM_DISABLED:
		if (p->rcvd_msg)
			pim_enter(p, PIM_DISABLED);
		else if (p->port_enabled)
			pim_enter(p, PIM_AGED);
		else
			return false;
		return true;
	case PIM_AGED:
		if (!p->selected || !p->updt_info)
			return false;
		pim_update(p);
		return true;
	case PIM_CURRENT:
		if (p->selected && p->updt_info)
			pim_update(p);
		else if (p->info_is == INFO_RECEIVED && !p->rcvd_info_while && !p->updt_info &&
			 !p->rcvd_msg)
			pim_enter(p, PIM_AGED);
		else if (p->rcvd_msg && !p->updt_info)
			pim_receive(rstp, p);
		else
			return false;
		return true;
	}
	return false;
}

/* 17.28 Port Role Selection: ROLE_SELECTION, entered whenever a port asks to reselect. */
static bool
prs_step(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next) {
		if (p->reselect) {
			clear_reselect_tree(rstp);
			updt_roles_tree(rstp);
			set_selected_tree(rstp);
			return true;
		}
	}
	return false;
}

/* 17.29 Port Role Transitions. */

static void
prt_enter(struct rstp_port *p, enum prt_state s)
{
	p->prt = s;
	switch (s) {
	case PRT_DISABLE_PORT:
		p->role = p->selected_role;
		p->learn = p->forward = false;
		break;
	case PRT_DISABLED_PORT:
		p->fd_while = p->designated_times.max_age;
		p->synced = true;
		p->rr_while = 0;
		p->sync = p->re_root = false;
		break;
	case PRT_ROOT_PORT:
		p->role = RSTP_ROLE_ROOT;
		p->rr_while = p->designated_times.forward_delay;
		break;
	case PRT_DESIGNATED_PORT:
		p->role = RSTP_ROLE_DESIGNATED;
		break;
	case PRT_BLOCK_PORT:
		p->role = p->selected_role;
		p->learn = p->forward = false;
		break;
	case PRT_ALTERNATE_PORT:
		p->fd_while = forward_delay(p);
		p->synced = true;
		p->rr_while = 0;
		p->sync = p->re_root = false;
		break;
	}
}

/* INIT_PORT (BEGIN), UCT to DISABLE_PORT. */
static void
prt_init_port(struct rstp_port *p)
{
	p->role = RSTP_ROLE_DISABLED;
	p->learn = p->forward = false;
	p->synced = false;
	p->sync = p->re_root = true;
	p->rr_while = p->designated_times.forward_delay;
	p->fd_while = p->designated_times.max_age;
	p->rb_while = 0;
	prt_enter(p, PRT_DISABLE_PORT);
}

/* The root port's way to learning and forwarding: at once if no other port was root. */
static bool
root_may_advance(const struct rstp *rstp, const struct rstp_port *p)
{
	return !p->fd_while || (re_rooted(rstp, p) && !p->rb_while && rstp_version(rstp));
}

static bool
prt_root_step(struct rstp *rstp, struct rstp_port *p)
{
	if (p->proposed && !p->agree) {
		/* ROOT_PROPOSED: put the other ports in sync before agreeing. */
		set_sync_tree(rstp);
		p->proposed = false;
	} else if ((all_synced(rstp) && !p->agree) || (p->proposed && p->agree)) {
		/* ROOT_AGREED. */
		p->proposed = p->sync = false;
		p->agree = true;
		p->new_info = true;
	} else if (!p->forward && !p->re_root) {
		/* REROOT. */
		set_re_root_tree(rstp);
	} else if (p->rr_while != p->designated_times.forward_delay) {
		/* ROOT_PORT again, below. */
	} else if (p->re_root && p->forward) {
		/* REROOTED. */
		p->re_root = false;
	} else if (root_may_advance(rstp, p) && !p->learn) {
		/* ROOT_LEARN. */
		p->fd_while = forward_delay(p);
		p->learn = true;
	} else if (root_may_advance(rstp, p) && p->learn && !p->forward) {
		/* ROOT_FORWARD. */
		p->fd_while = 0;
		p->forward = true;
	} else {
		return false;
	}
	prt_enter(p, PRT_ROOT_PORT);
	return true;
}

static bool
prt_designated_step(struct rstp_port *p)
{
	bool may_advance = (!p->fd_while || p->agreed || p->oper_edge) &&
			   (!p->rr_while || !p->re_root) && !p->sync;

	if (!p->forward && !p->agreed && !p->proposing && !p->oper_edge) {
		/* DESIGNATED_PROPOSE. */
		p->proposing = true;
		p->edge_delay_while = edge_delay(p);
		p->new_info = true;
	} else if ((!p->learning && !p->forwarding && !p->synced) || (p->agreed && !p->synced) ||
		   (p->oper_edge && !p->synced) || (p->sync && p->synced)) {
		/* DESIGNATED_SYNCED. */
		p->rr_while = 0;
		p->synced = true;
		p->sync = false;
	} else if (!p->rr_while && p->re_root) {
		/* DESIGNATED_RETIRED. */
		p->re_root = false;
	} else if (((p->sync && !p->synced) || (p->re_root && p->rr_while) || p->disputed) &&
		   !p->oper_edge && (p->learn || p->forward)) {
		/* DESIGNATED_DISCARD; 802.1Q-2005 clears disputed, or it would hold for ever. */
		p->learn = p->forward = p->disputed = false;
		p->fd_while = forward_delay(p);
	} else if (may_advance && !p->learn) {
		/* DESIGNATED_LEARN. */
		p->learn = true;
		p->fd_while = forward_delay(p);
	} else if (may_advance && p->learn && !p->forward) {
		/* DESIGNATED_FORWARD. */
		p->forward = true;
		p->fd_while = 0;
		p->agreed = p->send_rstp;
	} else {
		return false;
	}
	prt_enter(p, PRT_DESIGNATED_PORT);
	return true;
}

static bool
prt_alternate_step(struct rstp *rstp, struct rstp_port *p)
{
	if (p->proposed && !p->agree) {
		/* ALTERNATE_PROPOSED. */
		set_sync_tree(rstp);
		p->proposed = false;
	} else if ((all_synced(rstp) && !p->agree) || (p->proposed && p->agree)) {
		/* ALTERNATE_AGREED. */
		p->proposed = false;
		p->agree = true;
		p->new_info = true;
	} else if (p->selected_role == RSTP_ROLE_BACKUP &&
		   p->rb_while != 2 * p->designated_times.hello_time) {
		/* BACKUP_PORT. */
		p->rb_while = 2 * p->designated_times.hello_time;
	} else if (p->fd_while != forward_delay(p) || p->sync || p->re_root || !p->synced) {
		/* ALTERNATE_PORT again, below. */
	} else {
		return false;
	}
	prt_enter(p, PRT_ALTERNATE_PORT);
	return true;
}

static bool
prt_step(struct rstp *rstp, struct rstp_port *p)
{
	/* All transitions but UCT are qualified by selected && !updtInfo. */
	if (!p->selected || p->updt_info)
		return false;
	if (p->role != p->selected_role) {
		switch (p->selected_role) {
		case RSTP_ROLE_DISABLED:
			prt_enter(p, PRT_DISABLE_PORT);
			break;
		case RSTP_ROLE_ROOT:
			prt_enter(p, PRT_ROOT_PORT);
			break;
		case RSTP_ROLE_DESIGNATED:
			prt_enter(p, PRT_DESIGNATED_PORT);
			break;
		case RSTP_ROLE_ALTERNATE:
		case RSTP_ROLE_BACKUP:
			prt_enter(p, PRT_BLOCK_PORT);
			break;
		}
		return true;
	}
	switch (p->prt) {
	case PRT_DISABLE_PORT:
		if (p->learning || p->forwarding)
			return false;
		prt_enter(p, PRT_DISABLED_PORT);
		return true;
	case PRT_DISABLED_PORT:
		if (p->fd_while == p->designated_times.max_age && !p->sync && !p->re_root &&
			p->synced)
			return false;
		prt_enter(p, PRT_DISABLED_PORT);
		return true;
	case PRT_ROOT_PORT:
		return prt_root_step(rstp, p);
	case PRT_DESIGNATED_PORT:
		return prt_designated_step(p);
	case PRT_BLOCK_PORT:
		if (p->learning || p->forwarding)
			return false;
		prt_enter(p, PRT_ALTERNATE_PORT);
		return true;
	case PRT_ALTERNATE_PORT:
		return prt_alternate_step(rstp, p);
	}
	return false;
}

/* 17.30 Port State Transition: learning and forwarding follow learn and forward at once. */
static bool
pst_step(struct rstp *rstp, struct rstp_port *p)
{
	switch (p->pst) {
	case PST_DISCARDING:
		if (!p->learn)
			return false;
		p->pst = PST_LEARNING;
		p->learning = true;
		break;
	case PST_LEARNING:
		if (p->forward) {
			p->pst = PST_FORWARDING;
			p->forwarding = true;
		} else if (!p->learn) {
			p->pst = PST_DISCARDING;
			p->learning = false;
		} else {
			return false;
		}
		break;
	case PST_FORWARDING:
		if (p->forward)
			return false;
		p->pst = PST_DISCARDING;
		p->learning = p->forwarding = false;
		break;
	}
	publish_state(rstp, p);
	return true;
}

/* 17.31 Topology Change. */

/*
 * The MAC table is the caller's, flushed by it on the same thread before any other call into
 * the engine: so the engine takes the flush it asks for as done (fdbFlush false again at
 * once) and leaves the request latched for rstp_port_check_and_reset_flush().
 */
static void
flush(struct rstp_port *p)
{
	p->fdb_flush = true;
}

static void
tcm_enter(struct rstp_port *p, enum tcm_state s)
{
	p->tcm = s;
	switch (s) {
	case TCM_INACTIVE:
		flush(p);
		p->tc_while = 0;
		p->tc_ack = false;
		break;
	case TCM_LEARNING:
		p->rcvd_tc = p->rcvd_tcn = p->rcvd_tc_ack = false;
		p->tc_prop = false;
		break;
	case TCM_ACTIVE:
		break;
	}
}

static bool
tc_role(const struct rstp_port *p)
{
	return p->role == RSTP_ROLE_ROOT || p->role == RSTP_ROLE_DESIGNATED;
}

/* DETECTED, UCT to ACTIVE: this port starts forwarding and tells every other port. */
static void
tcm_detected(struct rstp *rstp, struct rstp_port *p)
{
	new_tc_while(rstp, p);
	set_tc_prop_tree(rstp, p);
	p->new_info = true;
	tcm_enter(p, TCM_ACTIVE);
}

static bool
tcm_step(struct rstp *rstp, struct rstp_port *p)
{
	switch (p->tcm) {
	case TCM_INACTIVE:
		if (!p->learn)
			return false;
		tcm_enter(p, TCM_LEARNING);
		return true;
	case TCM_LEARNING:
		if (tc_role(p) && p->forward && !p->oper_edge)
			tcm_detected(rstp, p);
		else if (p->rcvd_tc || p->rcvd_tcn || p->rcvd_tc_ack || p->tc_prop)
			tcm_enter(p, TCM_LEARNING);
		else if (!tc_role(p) && !p->learn && !p->learning)
			tcm_enter(p, TCM_INACTIVE);
		else
			return false;
		return true;
	case TCM_ACTIVE:
		if (!tc_role(p) || p->oper_edge) {
			tcm_enter(p, TCM_LEARNING);
		} else if (p->rcvd_tcn || p->rcvd_tc) {
			/* NOTIFIED_TCN (an 802.1D bridge's TCN starts our TC), then NOTIFIED_TC. */
			if (p->rcvd_tcn)
				new_tc_while(rstp, p);
			p->rcvd_tcn = p->rcvd_tc = false;
			if (p->role == RSTP_ROLE_DESIGNATED)
				p->tc_ack = true;
			set_tc_prop_tree(rstp, p);
		} else if (p->tc_prop && !p->oper_edge) {
			/* PROPAGATING. */
			new_tc_while(rstp, p);
			flush(p);
			p->tc_prop = false;
		} else if (p->rcvd_tc_ack) {
			/* ACKNOWLEDGED. */
			p->tc_while = 0;
			p->rcvd_tc_ack = false;
		} else {
			return false;
		}
		return true;
	}
	return false;
}

/* Runs every machine until none moves; Port Transmit once the others have settled. */
static void
run_machines(struct rstp *rstp)
{
	struct rstp_port *p;
	bool moved, sent;
	unsigned guard = 0;

	do {
		do {
			moved = false;
			for (p = rstp->port_list; p; p = p->next) {
				moved |= prx_step(p);
				moved |= ppm_step(rstp, p);
				moved |= bdm_step(p);
				/*
				 * Port Information to its own rest before Role Selection looks:
				 * information received as old as its max age (updtRcvdInfoWhile
				 * gives it 0) replaces what the port held, as 17.21.8 wants, and is
				 * aged out at once, so it never wins the root election for a
				 * second (a hostile or too distant sender could otherwise unseat
				 * the root at every hello).
				 */
				while (pim_step(rstp, p))
					moved = true;
			}
			moved |= prs_step(rstp);
			for (p = rstp->port_list; p; p = p->next) {
				enum rstp_role role = p->role;

				moved |= prt_step(rstp, p);
				moved |= pst_step(rstp, p);
				moved |= tcm_step(rstp, p);
				if (p->role != role)
					rstp->state_gen++;
			}
			/* They settle in a few passes: one that never does is a bug in this file,
			 * better stopped loudly than left spinning the control thread. */
			if (++guard > 10000)
				abort();
		} while (moved);
		sent = false;
		for (p = rstp->port_list; p; p = p->next)
			sent |= ptx_step(rstp, p);
	} while (sent);
}

/* BEGIN for one port: every machine in its initial state. */
static void
port_begin(struct rstp *rstp, struct rstp_port *p)
{
	p->designated_times = rstp->root_times;
	p->port_times = rstp->root_times;
	p->tc_prop = p->rcvd_tc = p->rcvd_tcn = p->rcvd_tc_ack = false;
	p->disputed = false;
	p->tx_count = 0;
	/* INIT_BRIDGE's updtRoleDisabledTree: or a port restarted by a change of protocol
	 * version keeps its old role as selectedRole, and Port Role Transitions never leaves
	 * DISABLED_PORT. */
	p->selected_role = RSTP_ROLE_DISABLED;
	prx_enter(p, PRX_DISCARD);
	ppm_enter(rstp, p, PPM_CHECKING_RSTP);
	bdm_enter(p, p->admin_edge ? BDM_EDGE : BDM_NOT_EDGE);
	p->ptx = PTX_TRANSMIT_INIT;
	p->new_info = true;
	pim_enter(p, PIM_DISABLED);
	prt_init_port(p);
	p->pst = PST_DISCARDING;
	p->learning = p->forwarding = false;
	tcm_enter(p, TCM_INACTIVE);
	publish_state(rstp, p);
}

/* Asks Port Role Selection to run again, for a change of the bridge's or a port's values. */
static void
reselect_all(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next) {
		p->reselect = true;
		p->selected = false;
	}
}

/* Bridge. */

static void
set_bridge_priority_vector(struct rstp *rstp)
{
	rstp->bridge_priority = (struct prio_vector){
		.root_id = rstp->bridge_id,
		.designated_bridge_id = rstp->bridge_id,
	};
}

struct rstp *
rstp_create(const char *name, uint64_t bridge_id, rstp_send_fn *send, void *aux)
{
	struct rstp *rstp = xcalloc(1, sizeof *rstp);

	rstp->name = xstrdup(name);
	rstp->send = send;
	rstp->aux = aux;
	rstp->bridge_id = bridge_id;
	set_bridge_priority_vector(rstp);
	rstp->bridge_times = (struct rstp_times){
		.max_age = RSTP_DEFAULT_MAX_AGE,
		.forward_delay = RSTP_DEFAULT_FORWARD_DELAY,
		.hello_time = RSTP_DEFAULT_HELLO_TIME,
	};
	rstp->force_protocol_version = RSTP_VERSION;
	rstp->transmit_hold_count = RSTP_DEFAULT_TRANSMIT_HOLD_COUNT;
	rstp->ageing_time = RSTP_DEFAULT_AGEING_TIME;
	/* INIT_BRIDGE, then ROLE_SELECTION with no port: the bridge is the root. */
	updt_role_disabled_tree(rstp);
	updt_roles_tree(rstp);
	return rstp;
}

void
rstp_destroy(struct rstp *rstp)
{
	struct rstp_port *p, *next;

	if (!rstp)
		return;
	for (p = rstp->port_list; p; p = next) {
		next = p->next;
		free(p->name);
		free(p);
	}
	free(rstp->name);
	free(rstp);
}

const char *
rstp_name(const struct rstp *rstp)
{
	return rstp->name;
}

void
rstp_set_state_callback(struct rstp *rstp, rstp_state_fn *fn, void *aux)
{
	rstp->state_fn = fn;
	rstp->state_aux = aux;
}

void
rstp_set_bridge_id(struct rstp *rstp, uint64_t bridge_id)
{
	if (bridge_id == rstp->bridge_id)
		return;
	rstp->bridge_id = bridge_id;
	set_bridge_priority_vector(rstp);
	reselect_all(rstp);
	run_machines(rstp);
}

int
rstp_set_bridge_priority(struct rstp *rstp, unsigned priority, struct ds *err)
{
	if (priority > 61440 || priority % 4096) {
		ds_put_format(err, "rstp: bridge priority %u is not a multiple of 4096 in 0..61440",
			priority);
		return -EINVAL;
	}
	rstp_set_bridge_id(rstp, (rstp->bridge_id & MAC_MASK) | (uint64_t)priority << 48);
	return 0;
}

int
rstp_set_times(struct rstp *rstp, unsigned max_age_s, unsigned fwd_delay_s, struct ds *err)
{
	unsigned hello_s = rstp->bridge_times.hello_time;

	if (max_age_s < 6 || max_age_s > 40) {
		ds_put_format(err, "rstp: max age %u s is out of range (6..40 s)", max_age_s);
		return -EINVAL;
	}
	if (fwd_delay_s < 4 || fwd_delay_s > 30) {
		ds_put_format(err, "rstp: forward delay %u s is out of range (4..30 s)",
			fwd_delay_s);
		return -EINVAL;
	}
	/* 17.14: ports must not forward before old information on a loop has aged out. */
	if (2 * (fwd_delay_s - 1) < max_age_s) {
		ds_put_format(err,
			"rstp: max age %u s needs a forward delay of at least %u s "
			"(2 * (forward delay - 1) >= max age), not %u s",
			max_age_s, (max_age_s + 1) / 2 + 1, fwd_delay_s);
		return -EINVAL;
	}
	/* 17.14: a BPDU or two lost must not age the root's information out. */
	if (max_age_s < 2 * (hello_s + 1)) {
		ds_put_format(err,
			"rstp: max age %u s is below 2 * (hello time + 1) = %u s for a hello time "
			"of %u s",
			max_age_s, 2 * (hello_s + 1), hello_s);
		return -EINVAL;
	}
	rstp->bridge_times.max_age = max_age_s;
	rstp->bridge_times.forward_delay = fwd_delay_s;
	/* 17.13.5, 17.13.8: rootTimes and every designatedTimes follow through selection. */
	reselect_all(rstp);
	run_machines(rstp);
	return 0;
}

int
rstp_set_transmit_hold_count(struct rstp *rstp, unsigned count, struct ds *err)
{
	if (count < 1 || count > 10) {
		ds_put_format(err, "rstp: transmit hold count %u is out of range (1..10)", count);
		return -EINVAL;
	}
	if (count == rstp->transmit_hold_count)
		return 0;
	/* 17.13.12: takes effect at once, and every port's txCount starts again from 0. */
	rstp->transmit_hold_count = count;
	for (struct rstp_port *p = rstp->port_list; p; p = p->next)
		p->tx_count = 0;
	run_machines(rstp);
	return 0;
}

int
rstp_set_ageing_time(struct rstp *rstp, unsigned s, struct ds *err)
{
	if (s < 10 || s > 1000000) {
		ds_put_format(err, "rstp: ageing time %u s is out of range (10..1000000 s)", s);
		return -EINVAL;
	}
	rstp->ageing_time = s;
	return 0;
}

int
rstp_set_force_protocol_version(struct rstp *rstp, unsigned version, struct ds *err)
{
	struct rstp_port *p;

	if (version != 0 && version != RSTP_VERSION) {
		ds_put_format(err,
			"rstp: force protocol version %u is neither 0 (STP compatibility) nor 2 "
			"(RSTP)",
			version);
		return -EINVAL;
	}
	if (version == rstp->force_protocol_version)
		return 0;
	rstp->force_protocol_version = version;
	/* 17.13.4: the protocol changes under every port: BEGIN, keeping the links as they are. */
	for (p = rstp->port_list; p; p = p->next)
		port_begin(rstp, p);
	rstp->state_gen++; /* Every role went back to disabled. */
	run_machines(rstp);
	return 0;
}

void
rstp_tick(struct rstp *rstp, unsigned ms)
{
	struct rstp_port *p;

	rstp->ms_rem += ms;
	while (rstp->ms_rem >= 1000) {
		rstp->ms_rem -= 1000;
		for (p = rstp->port_list; p; p = p->next)
			port_timers_tick(p);
		run_machines(rstp);
	}
	run_machines(rstp);
}

/* Queries. */

uint64_t
rstp_bridge_id(const struct rstp *rstp)
{
	return rstp->bridge_id;
}

uint64_t
rstp_root_id(const struct rstp *rstp)
{
	return rstp->root_priority.root_id;
}

uint32_t
rstp_root_path_cost(const struct rstp *rstp)
{
	return rstp->root_priority.root_path_cost;
}

uint64_t
rstp_designated_id(const struct rstp *rstp)
{
	return rstp->root_priority.designated_bridge_id;
}

uint16_t
rstp_designated_port_id(const struct rstp *rstp)
{
	return rstp->root_priority.designated_port_id;
}

uint16_t
rstp_bridge_port_id(const struct rstp *rstp)
{
	return rstp->root_port_id;
}

unsigned
rstp_root_port(const struct rstp *rstp)
{
	return rstp->root_port_id & PORT_NO_MASK;
}

bool
rstp_is_root(const struct rstp *rstp)
{
	return rstp->root_priority.root_id == rstp->bridge_id;
}

unsigned
rstp_hello_time(const struct rstp *rstp)
{
	return rstp->root_times.hello_time;
}

unsigned
rstp_max_age(const struct rstp *rstp)
{
	return rstp->root_times.max_age;
}

unsigned
rstp_forward_delay(const struct rstp *rstp)
{
	return rstp->root_times.forward_delay;
}

unsigned
rstp_transmit_hold_count(const struct rstp *rstp)
{
	return rstp->transmit_hold_count;
}

unsigned
rstp_force_protocol_version(const struct rstp *rstp)
{
	return rstp->force_protocol_version;
}

unsigned
rstp_ageing_time(const struct rstp *rstp)
{
	const struct rstp_port *p;

	/* An 802.1D neighbour is told of a change by TC alone: age fast while it lasts. */
	for (p = rstp->port_list; p; p = p->next)
		if (p->port_enabled && !p->send_rstp && p->tc_while)
			return rstp->root_times.forward_delay;
	return rstp->ageing_time;
}

bool
rstp_topology_change(const struct rstp *rstp)
{
	const struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next)
		if (p->tc_while)
			return true;
	return false;
}

void
rstp_topology_change_now(struct rstp *rstp)
{
	struct rstp_port *p;

	for (p = rstp->port_list; p; p = p->next) {
		if (p->forwarding && !p->oper_edge && tc_role(p)) {
			new_tc_while(rstp, p);
			set_tc_prop_tree(rstp, p);
			p->new_info = true;
		}
	}
	run_machines(rstp);
}

uint64_t
rstp_state_gen(const struct rstp *rstp)
{
	return rstp->state_gen;
}

/* Ports. */

static bool
valid_port_priority(unsigned priority)
{
	return priority <= 240 && priority % 16 == 0;
}

static bool
valid_path_cost(unsigned cost)
{
	return cost >= 1 && cost <= 200000000;
}

int
rstp_port_add(struct rstp *rstp, unsigned port_no, unsigned priority, unsigned path_cost)
{
	struct rstp_port *p, **where;
	char name[16];

	if (port_no < 1 || port_no > RSTP_MAX_PORT || !valid_port_priority(priority) ||
		!valid_path_cost(path_cost))
		return -EINVAL;
	if (rstp->ports[port_no])
		return -EEXIST;
	p = xcalloc(1, sizeof *p);
	p->port_no = port_no;
	snprintf(name, sizeof name, "%u", port_no);
	p->name = xstrdup(name);
	p->port_id = (uint16_t)((priority / 16) << 12 | port_no);
	p->port_path_cost = path_cost;
	p->auto_edge = true;
	p->admin_p2p = RSTP_P2P_AUTO;
	p->state = RSTP_DISABLED;
	for (where = &rstp->port_list; *where && (*where)->port_no < port_no;
		where = &(*where)->next)
		;
	p->next = *where;
	*where = p;
	rstp->ports[port_no] = p;
	port_begin(rstp, p);
	p->fdb_flush = false; /* Nothing has been learnt on a new port. */
	rstp->state_gen++;
	run_machines(rstp);
	return 0;
}

int
rstp_port_del(struct rstp *rstp, unsigned port_no)
{
	struct rstp_port *p = port_get(rstp, port_no), **where;

	if (!p)
		return -ENOENT;
	rstp_port_disable(rstp, port_no);
	for (where = &rstp->port_list; *where != p; where = &(*where)->next)
		;
	*where = p->next;
	rstp->ports[port_no] = NULL;
	free(p->name);
	free(p);
	rstp->state_gen++;
	/* The others may have been waiting for it (allSynced, reRooted). */
	reselect_all(rstp);
	run_machines(rstp);
	return 0;
}

int
rstp_port_set_name(struct rstp *rstp, unsigned port_no, const char *name)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	free(p->name);
	p->name = xstrdup(name);
	return 0;
}

int
rstp_port_enable(struct rstp *rstp, unsigned port_no)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	p->port_enabled = true;
	run_machines(rstp);
	publish_state(rstp, p);
	return 0;
}

int
rstp_port_disable(struct rstp *rstp, unsigned port_no)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	p->port_enabled = false;
	run_machines(rstp);
	publish_state(rstp, p);
	return 0;
}

int
rstp_port_set_priority(struct rstp *rstp, unsigned port_no, unsigned priority)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	if (!valid_port_priority(priority))
		return -EINVAL;
	/* 17.13.10: a new portId; the vectors that carry it follow through selection. */
	p->port_id = (uint16_t)((priority / 16) << 12 | port_no);
	p->port_priority.bridge_port_id = p->port_id;
	p->reselect = true;
	p->selected = false;
	run_machines(rstp);
	return 0;
}

int
rstp_port_set_path_cost(struct rstp *rstp, unsigned port_no, unsigned path_cost)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	if (!valid_path_cost(path_cost))
		return -EINVAL;
	/* 17.13.11. */
	p->port_path_cost = path_cost;
	p->reselect = true;
	p->selected = false;
	run_machines(rstp);
	return 0;
}

int
rstp_port_set_admin_edge(struct rstp *rstp, unsigned port_no, bool admin_edge)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	if (admin_edge == p->admin_edge)
		return 0;
	/* Bridge Detection reads AdminEdgePort at BEGIN only: a management change is one. */
	p->admin_edge = admin_edge;
	bdm_enter(p, admin_edge ? BDM_EDGE : BDM_NOT_EDGE);
	run_machines(rstp);
	return 0;
}

int
rstp_port_set_auto_edge(struct rstp *rstp, unsigned port_no, bool auto_edge)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	p->auto_edge = auto_edge;
	run_machines(rstp);
	return 0;
}

int
rstp_port_set_admin_p2p(struct rstp *rstp, unsigned port_no, enum rstp_admin_p2p p2p)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	p->admin_p2p = p2p;
	run_machines(rstp);
	return 0;
}

int
rstp_port_mcheck(struct rstp *rstp, unsigned port_no)
{
	struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	/* 17.19.13: meaningful only when the bridge runs RSTP. */
	if (rstp_version(rstp)) {
		p->mcheck = true;
		run_machines(rstp);
	}
	return 0;
}

unsigned
rstp_path_cost_for_speed(uint64_t mbps)
{
	uint64_t cost;

	/* Table 17-3's recommended values are 20000000 / speed in Mb/s; 0 is unknown. */
	if (!mbps)
		return RSTP_DEFAULT_PATH_COST;
	cost = 20000000 / mbps;
	return cost < 1 ? 1 : (unsigned)cost;
}

int
rstp_received(struct rstp *rstp, unsigned port_no, const void *buf, size_t len)
{
	struct rstp_port *p = port_get(rstp, port_no);
	struct rstp_bpdu b;
	const char *why;

	if (!p)
		return -ENOENT;
	if (rstp_bpdu_decode(buf, len, &b, &why)) {
		p->stats.error_count++;
		return -EINVAL;
	}
	/* 17.23: a disabled port's MAC hands nothing up. */
	if (!p->port_enabled)
		return 0;
	/* Our own BPDU back on the port that sent it: a looped cable says nothing new. */
	if (b.type != STP_TYPE_TCN && b.bridge_id == rstp->bridge_id && b.port_id == p->port_id)
		return 0;
	/* In STP compatibility mode an RST BPDU is read as the configuration BPDU it carries. */
	if (!rstp_version(rstp) && b.type == RSTP_TYPE_RST) {
		b.type = STP_TYPE_CONFIG;
		b.flags &= RSTP_FLAG_TC | RSTP_FLAG_TCA;
	}
	p->stats.rx_count++;
	p->rcvd = b;
	p->rcvd_bpdu = true;
	run_machines(rstp);
	return 0;
}

enum rstp_state
rstp_port_state(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->state : RSTP_DISABLED;
}

enum rstp_role
rstp_port_role(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->role : RSTP_ROLE_DISABLED;
}

uint16_t
rstp_port_id(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->port_id : 0;
}

unsigned
rstp_port_path_cost(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->port_path_cost : 0;
}

uint64_t
rstp_port_designated_bridge_id(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->port_priority.designated_bridge_id : 0;
}

uint16_t
rstp_port_designated_port_id(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->port_priority.designated_port_id : 0;
}

uint32_t
rstp_port_designated_path_cost(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p ? p->port_priority.root_path_cost : 0;
}

bool
rstp_port_is_edge(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p && p->oper_edge;
}

bool
rstp_port_sends_rstp(const struct rstp *rstp, unsigned port_no)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	return p && p->send_rstp;
}

int
rstp_port_get_stats(const struct rstp *rstp, unsigned port_no, struct rstp_port_stats *stats)
{
	const struct rstp_port *p = port_get(rstp, port_no);

	if (!p)
		return -ENOENT;
	*stats = p->stats;
	return 0;
}

bool
rstp_port_check_and_reset_flush(struct rstp *rstp, unsigned port_no)
{
	struct rstp_port *p = port_get(rstp, port_no);
	bool flush;

	if (!p)
		return false;
	flush = p->fdb_flush;
	p->fdb_flush = false;
	return flush;
}

bool
rstp_forward_in_state(enum rstp_state state)
{
	return state == RSTP_FORWARDING;
}

bool
rstp_learn_in_state(enum rstp_state state)
{
	return state == RSTP_LEARNING || state == RSTP_FORWARDING;
}

const char *
rstp_state_name(enum rstp_state state)
{
	switch (state) {
	case RSTP_DISABLED:
		return "Disabled";
	case RSTP_DISCARDING:
		return "Discarding";
	case RSTP_LEARNING:
		return "Learning";
	case RSTP_FORWARDING:
		return "Forwarding";
	}
	return "Unknown";
}

const char *
rstp_role_name(enum rstp_role role)
{
	switch (role) {
	case RSTP_ROLE_DISABLED:
		return "Disabled";
	case RSTP_ROLE_ROOT:
		return "Root";
	case RSTP_ROLE_DESIGNATED:
		return "Designated";
	case RSTP_ROLE_ALTERNATE:
		return "Alternate";
	case RSTP_ROLE_BACKUP:
		return "Backup";
	}
	return "Unknown";
}

/* One identifier and its times, as OVS's rstp_bridge_id_details() lays them out. */
static void
put_id_details(struct ds *out, uint64_t id, const struct rstp_times *t)
{
	ds_put_format(out, "  stp-priority    %u\n", (unsigned)(id >> 48));
	ds_put_format(out, "  stp-system-id   %02x:%02x:%02x:%02x:%02x:%02x\n",
		(unsigned)(id >> 40) & 0xff, (unsigned)(id >> 32) & 0xff,
		(unsigned)(id >> 24) & 0xff, (unsigned)(id >> 16) & 0xff,
		(unsigned)(id >> 8) & 0xff, (unsigned)id & 0xff);
	ds_put_format(out, "  stp-hello-time  %us\n", t->hello_time);
	ds_put_format(out, "  stp-max-age     %us\n", t->max_age);
	ds_put_format(out, "  stp-fwd-delay   %us\n", t->forward_delay);
}

void
rstp_format(const struct rstp *rstp, struct ds *out)
{
	const struct rstp_port *p, *root = port_get(rstp, rstp_root_port(rstp));

	ds_put_format(out, "---- %s ----\n", rstp->name);
	ds_put_cstr(out, "Root ID:\n");
	if (rstp_is_root(rstp) || !root) {
		put_id_details(out, rstp->bridge_id, &rstp->bridge_times);
		ds_put_cstr(out, "  This bridge is the root\n");
	} else {
		put_id_details(out, rstp->root_priority.root_id, &root->designated_times);
		ds_put_format(out, "  root-port       %s\n", root->name);
		ds_put_format(out, "  root-path-cost  %u\n", rstp->root_priority.root_path_cost);
	}
	ds_put_cstr(out, "\nBridge ID:\n");
	put_id_details(out, rstp->bridge_id, &rstp->bridge_times);
	ds_put_cstr(out, "\n");
	ds_put_format(out, "  %-11.10s%-11.10s%-11.10s%-9.8s%-8.7s\n", "Interface", "Role", "State",
		"Cost", "Pri.Nbr");
	ds_put_cstr(out, "  ---------- ---------- ---------- -------- -------\n");
	for (p = rstp->port_list; p; p = p->next) {
		if (p->state == RSTP_DISABLED)
			continue;
		ds_put_format(out, "  %-11.10s%-11.10s%-11.10s%-9u%u.%u\n", p->name,
			rstp_role_name(p->role), rstp_state_name(p->state), p->port_path_cost,
			(unsigned)(p->port_id >> 12) * 16, p->port_no);
	}
	ds_put_cstr(out, "\n");
}

/* Wire format (clause 9, bpdu_wire.h). */

size_t
rstp_bpdu_encode(const struct rstp_bpdu *b, uint8_t *buf)
{
	bool rst = b->type == RSTP_TYPE_RST;

	put16(buf, 0); /* Protocol identifier: spanning tree. */
	buf[2] = rst ? RSTP_VERSION : 0;
	buf[3] = b->type;
	if (b->type == STP_TYPE_TCN)
		return STP_TCN_BPDU_LEN;
	buf[OFF_FLAGS] = rst ? b->flags : b->flags & (RSTP_FLAG_TC | RSTP_FLAG_TCA);
	put64(buf + OFF_ROOT_ID, b->root_id);
	put32(buf + OFF_ROOT_PATH_COST, b->root_path_cost);
	put64(buf + OFF_BRIDGE_ID, b->bridge_id);
	put16(buf + OFF_PORT_ID, b->port_id);
	put16(buf + OFF_MESSAGE_AGE, b->message_age);
	put16(buf + OFF_MAX_AGE, b->max_age);
	put16(buf + OFF_HELLO_TIME, b->hello_time);
	put16(buf + OFF_FORWARD_DELAY, b->forward_delay);
	if (!rst)
		return STP_CONFIG_BPDU_LEN;
	buf[OFF_VERSION1_LENGTH] = 0;
	return RSTP_BPDU_LEN;
}

int
rstp_bpdu_decode(const void *buf_, size_t len, struct rstp_bpdu *b, const char **why)
{
	const uint8_t *buf = buf_;

	memset(b, 0, sizeof *b);
	if (len < STP_TCN_BPDU_LEN) {
		*why = "shorter than a BPDU header";
		return -EINVAL;
	}
	if (get16(buf) != 0) {
		*why = "protocol identifier is not 0 (spanning tree)";
		return -EINVAL;
	}
	b->version = buf[2];
	b->type = buf[3];
	switch (b->type) {
	case STP_TYPE_TCN:
		return 0;
	case STP_TYPE_CONFIG:
		if (len < STP_CONFIG_BPDU_LEN) {
			*why = "configuration BPDU shorter than 35 bytes";
			return -EINVAL;
		}
		break;
	case RSTP_TYPE_RST:
		if (b->version < RSTP_VERSION) {
			*why = "RST BPDU with a protocol version below 2";
			return -EINVAL;
		}
		if (len < RSTP_BPDU_LEN) {
			*why = "RST BPDU shorter than 36 bytes";
			return -EINVAL;
		}
		break;
	default:
		*why = "unknown BPDU type";
		return -EINVAL;
	}
	b->flags = buf[OFF_FLAGS];
	b->root_id = get64(buf + OFF_ROOT_ID);
	b->root_path_cost = get32(buf + OFF_ROOT_PATH_COST);
	b->bridge_id = get64(buf + OFF_BRIDGE_ID);
	b->port_id = get16(buf + OFF_PORT_ID);
	b->message_age = get16(buf + OFF_MESSAGE_AGE);
	b->max_age = get16(buf + OFF_MAX_AGE);
	b->hello_time = get16(buf + OFF_HELLO_TIME);
	b->forward_delay = get16(buf + OFF_FORWARD_DELAY);
	/* 9.3.4 a): configuration information that old has expired already. */
	if (b->type == STP_TYPE_CONFIG && b->message_age >= b->max_age) {
		*why = "message age not below max age";
		return -EINVAL;
	}
	return 0;
}
