/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every reason the datapath drops a packet, with the name `coverage/show` and the drop counters
 * print. The datapath never fails: it drops with one of these and counts it per PMD.
 */
#ifndef TRESTLE_DP_DROP_H
#define TRESTLE_DP_DROP_H

#define DP_DROP_REASONS(X) \
	X(RUNT, "runt", "frame shorter than an Ethernet header") \
	X(OVERSIZE, "oversize", \
		"frame longer than the port's MTU allows (MTU + 18: header and one 802.1Q tag)") \
	X(VLAN_TRUNCATED, "vlan_truncated", "802.1Q tag cut off by the end of the frame") \
	X(NO_BRIDGE, "port_not_in_bridge", "ingress port belongs to no bridge") \
	X(VLAN_INVALID, "vlan_invalid", "tagged frame on an access port, or VLAN not trunked") \
	X(NO_OUTPUT, "no_output", \
		"nowhere to send: learned on the ingress port, or no other port in the VLAN") \
	X(RESERVED_MCAST, "reserved_multicast", \
		"IEEE 802.1D reserved multicast (BPDU, LACP) not forwarded") \
	X(STP_BLOCKED, "stp_blocked", \
		"received on a port spanning tree does not let forward (blocking, listening, " \
		"learning), or sent by OpenFlow only to such ports") \
	X(ACTION_DROP, "action_drop", "a flow's actions dropped it") \
	X(UPCALL_ERROR, "upcall_error", "slow path failed to translate the packet") \
	X(NO_MBUF, "mbuf_alloc_failed", "no mbuf for a copy (flooding, mirroring)") \
	X(TX_FULL, "tx_full", "port's transmit queue full after retries") \
	X(PORT_DOWN, "port_down", "output port not running") \
	X(OF_DROP, "openflow_drop", "no OpenFlow rule matched, or the rule's actions drop") \
	X(TTL_EXCEEDED, "ttl_exceeded", "dec_ttl on a packet whose TTL was 1 or 0") \
	X(PUNT_FULL, "punt_queue_full", \
		"a control frame (BPDU, LACPDU...) found the control thread's queue full") \
	X(BOND_INACTIVE, "bond_member_inactive", \
		"received on a bond member that may not carry traffic: link down, LACP not in " \
		"sync or not negotiated, a backup member, or multicast on a balance-slb bond's " \
		"non-active member") \
	X(BOND_REFLECTION, "bond_reflection", \
		"received on a balance-slb bond from a source learned on another port: our " \
		"own flood come back through another member") \
	X(BOND_DOWN, "bond_down", "sent only to a bond none of whose members is enabled") \
	X(POLICED, "policed", \
		"received above the port's ingress_policing_rate or ingress_policing_kpkts_rate")

/* clang-format cannot tell that the X-macro's expansion ends in a comma. */
/* clang-format off */
enum dp_drop_reason {
#define DP_DROP_ENUM(e, name, doc) DP_DROP_##e,
	DP_DROP_REASONS(DP_DROP_ENUM)
#undef DP_DROP_ENUM
	DP_DROP__MAX
};
/* clang-format on */

/* Name of a drop reason, as `coverage/show` prints it. */
const char *dp_drop_name(enum dp_drop_reason r);
/* One-line description of a drop reason. */
const char *dp_drop_doc(enum dp_drop_reason r);

#endif
