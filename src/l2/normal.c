/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NORMAL with VLANs (see normal.h). Runs in a PMD's upcall, off the fast path: clarity first.
 * The VLAN rules follow Open vSwitch's vswitch.xml (Port table: vlan_mode, tag, trunks,
 * other_config:priority-tags, other_config:qinq-ethtype).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "dp_actions.h"
#include "dp_drop.h"
#include "flow.h"
#include "mac_table.h"
#include "normal.h"

static inline bool
trunks_has(const struct l2_port *p, uint16_t vlan)
{
	return p->trunk_all || (p->trunks[vlan / 64] >> (vlan % 64) & 1);
}

/* Whether port p carries VLAN vlan (OVS's xbundle_includes_vlan). */
static bool
port_includes_vlan(const struct l2_port *p, uint16_t vlan)
{
	switch (p->mode) {
	case L2_VLAN_ACCESS:
	case L2_VLAN_DOT1Q_TUNNEL:
		return vlan == p->tag;
	case L2_VLAN_TRUNK:
		return trunks_has(p, vlan);
	default: /* Native modes: the native VLAN and the trunks. */
		return vlan == p->tag || trunks_has(p, vlan);
	}
}

const struct l2_port *
l2_bridge_port(const struct l2_bridge *br, uint32_t dp_port)
{
	for (unsigned i = 0; i < br->n_ports; i++) {
		const struct l2_port *p = &br->ports[i];
		if (p->dp_port == dp_port || (p->bond != NULL && l2_bond_has(p->bond, dp_port)))
			return p;
	}
	return NULL;
}

/* ---- Bonds ---- */

uint32_t
l2_bond_hash_slb(const struct rte_ether_addr *mac, uint16_t vlan, uint32_t basis)
{
	uint8_t b[8];

	memcpy(b, mac->addr_bytes, 6);
	b[6] = (uint8_t)(vlan >> 8);
	b[7] = (uint8_t)vlan;
	return rte_hash_crc(b, sizeof(b), basis);
}

/* balance-tcp: the addresses, protocol and ports of IPv4 and IPv6; else as balance-slb. */
static uint32_t
hash_tcp(const struct flow_key *key, uint16_t vlan, uint32_t basis, struct flow_key *mask)
{
	uint16_t type = rte_be_to_cpu_16(key->dl_type);
	uint32_t h;

	mask->dl_type = UINT16_MAX;
	if (type == RTE_ETHER_TYPE_IPV4) {
		mask->nw_src = mask->nw_dst = UINT32_MAX;
		h = rte_hash_crc_4byte(key->nw_src, basis);
		h = rte_hash_crc_4byte(key->nw_dst, h);
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		memset(mask->ipv6_src, 0xff, sizeof(mask->ipv6_src));
		memset(mask->ipv6_dst, 0xff, sizeof(mask->ipv6_dst));
		h = rte_hash_crc(key->ipv6_src, sizeof(key->ipv6_src), basis);
		h = rte_hash_crc(key->ipv6_dst, sizeof(key->ipv6_dst), h);
	} else {
		return l2_bond_hash_slb(&key->dl_src, vlan, basis);
	}
	mask->nw_proto = UINT8_MAX;
	h = rte_hash_crc_1byte(key->nw_proto, h);
	if (key->nw_proto == IPPROTO_TCP || key->nw_proto == IPPROTO_UDP ||
		key->nw_proto == IPPROTO_SCTP) {
		mask->tp_src = mask->tp_dst = UINT16_MAX;
		h = rte_hash_crc_2byte(key->tp_src, h);
		h = rte_hash_crc_2byte(key->tp_dst, h);
	}
	return h;
}

unsigned
l2_bond_bucket(const struct l2_bond *bond, const struct flow_key *key, uint16_t vlan,
	struct flow_key *mask)
{
	uint32_t h = bond->mode == L2_BOND_TCP ? hash_tcp(key, vlan, bond->basis, mask)
					       : l2_bond_hash_slb(&key->dl_src, vlan, bond->basis);

	return h % L2_BOND_BUCKETS;
}

uint32_t
l2_bond_choose(const struct l2_bond *bond, const struct flow_key *key, uint16_t vlan,
	struct flow_key *mask)
{
	if (bond->mode == L2_BOND_AB)
		return bond->active;
	/* dl_src and the VLAN are in every NORMAL mask already. */
	return bond->buckets[l2_bond_bucket(bond, key, vlan, mask)];
}

/* l2_bond_choose(), noting the bucket for the bond's load accounting (the first bond's). */
static uint32_t
bond_out(const struct l2_bond *bond, const struct flow_key *key, uint16_t vlan,
	struct flow_key *mask, struct normal_result *res)
{
	if (bond->mode == L2_BOND_AB)
		return bond->active;
	unsigned b = l2_bond_bucket(bond, key, vlan, mask);
	if (res->bond_bucket < 0)
		res->bond_bucket = (int)b;
	return bond->buckets[b];
}

/*
 * A gratuitous ARP, as OVS's is_gratuitous_arp() tells one: a host telling where it now is (a
 * VM resumed after migration). A broadcast ARP reply, or a broadcast request for the
 * sender's own address. dl_dst is in every NORMAL mask already.
 */
static bool
is_gratuitous_arp(const struct flow_key *key, struct flow_key *mask)
{
	mask->dl_type = UINT16_MAX;
	if (key->dl_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP) ||
		!rte_is_broadcast_ether_addr(&key->dl_dst))
		return false;
	mask->nw_proto = UINT8_MAX;
	if (key->nw_proto == 2)
		return true;
	if (key->nw_proto != 1)
		return false;
	mask->nw_src = mask->nw_dst = UINT32_MAX;
	return key->nw_src == key->nw_dst;
}

/*
 * Whether bond in takes the frame key, received on its member key->in_port in VLAN vlan;
 * else sets *why.
 */
static bool
bond_admits(const struct l2_bridge *br, const struct l2_port *in, const struct flow_key *key,
	uint16_t vlan, struct flow_key *mask, uint64_t now_s, enum dp_drop_reason *why)
{
	const struct l2_bond *b = in->bond;
	bool enabled = false;

	for (unsigned i = 0; i < b->n_members; i++)
		if (b->members[i] == key->in_port)
			enabled = b->enabled[i] || b->may_enable[i];
	*why = DP_DROP_BOND_INACTIVE;
	switch (b->admit) {
	case L2_BOND_ADMIT_ENABLED:
		/* Or about to be: LACP is in sync, the next tick enables it (as OVS). */
		return enabled;
	case L2_BOND_ADMIT_NONE:
		return false;
	case L2_BOND_ADMIT_ACTIVE:
		return key->in_port == b->active;
	default:
		break;
	}
	/* balance-slb without a negotiated partner: any member, as OVS. */
	if (rte_is_multicast_ether_addr(&key->dl_dst) && !b->all_members_active &&
		key->in_port != b->active)
		return false;
	/*
	 * A source learned elsewhere: our own frame, reflected upstream back into the bond;
	 * unless a gratuitous ARP no port that is no bond just sent (a host moved).
	 */
	int64_t learned = mac_table_lookup(br->macs, vlan, &key->dl_src, now_s);
	if (learned >= 0 && l2_bridge_port(br, (uint32_t)learned) != in &&
		(!is_gratuitous_arp(key, mask) ||
			mac_table_garp_locked(br->macs, vlan, &key->dl_src, now_s))) {
		*why = DP_DROP_BOND_REFLECTION;
		return false;
	}
	return true;
}

/*
 * The ingress rule: whether the frame is accepted on port p and in which VLAN. Sets *vlan and
 * *has_switch_tag (the frame's outer tag is the switch's VLAN tag, to strip before output).
 */
static bool
ingress_vlan(const struct l2_port *p, const struct flow_key *key, uint16_t *vlan,
	bool *has_switch_tag)
{
	bool tagged = flow_vlan_present(key->vlan_tci);
	uint16_t vid = tagged ? flow_vlan_vid(key->vlan_tci) : 0;

	*has_switch_tag = false;
	switch (p->mode) {
	case L2_VLAN_DOT1Q_TUNNEL:
		/* Every frame belongs to the tunnel's VLAN; its own tags are payload. */
		*vlan = p->tag;
		return true;
	case L2_VLAN_ACCESS:
		if (vid != 0)
			return false;
		*vlan = p->tag;
		*has_switch_tag = tagged; /* A priority tag. */
		return true;
	case L2_VLAN_TRUNK:
		*vlan = vid;
		*has_switch_tag = tagged;
		return trunks_has(p, vid);
	default: /* Native modes. */
		*has_switch_tag = tagged;
		if (vid == 0) {
			*vlan = p->tag;
			return true;
		}
		*vlan = vid;
		return vid == p->tag || trunks_has(p, vid);
	}
}

/* How a frame of VLAN vlan leaves port p: untagged, or with a tag (tpid, tci). */
struct egress {
	bool tagged;   /* Push a tag. */
	uint16_t tpid; /* Its TPID. */
	uint16_t tci;  /* Its TCI (VID and PCP). */
};

static struct egress
egress_for(const struct l2_port *out, const struct l2_port *in, uint16_t vlan, uint16_t pcp)
{
	struct egress e = {false, 0, 0};
	uint16_t tpid = in->mode == L2_VLAN_DOT1Q_TUNNEL ? in->qinq_ethtype : RTE_ETHER_TYPE_VLAN;

	switch (out->mode) {
	case L2_VLAN_ACCESS:
		if (out->priority_tags == L2_PRIO_ALWAYS ||
			(out->priority_tags == L2_PRIO_IF_NONZERO && pcp != 0))
			e = (struct egress){true, RTE_ETHER_TYPE_VLAN, (uint16_t)(pcp << 13)};
		break;
	case L2_VLAN_DOT1Q_TUNNEL:
		break; /* The customer frame leaves as it came. */
	case L2_VLAN_NATIVE_UNTAGGED:
		if (vlan != out->tag)
			e = (struct egress){true, tpid, (uint16_t)(pcp << 13 | vlan)};
		break;
	case L2_VLAN_NATIVE_TAGGED:
		e = (struct egress){true, tpid, (uint16_t)(pcp << 13 | vlan)};
		break;
	default: /* Trunk: VLAN 0 leaves untagged. */
		if (vlan != 0)
			e = (struct egress){true, tpid, (uint16_t)(pcp << 13 | vlan)};
		break;
	}
	return e;
}

static bool
is_reserved_mcast(const struct rte_ether_addr *a)
{
	static const uint8_t pfx[5] = {0x01, 0x80, 0xc2, 0x00, 0x00};

	return !memcmp(a->addr_bytes, pfx, 5) && a->addr_bytes[5] <= 0x0f;
}

/*
 * Appends outputs to targets[], grouped so that the frame is modified as little as possible:
 * first the ports that take the frame as received, then the untagged payload, then each
 * distinct tag.
 */
static void
build_actions(struct dp_actions *acts, const uint32_t *outs, const struct egress *eg, unsigned n,
	const struct flow_key *key, bool has_switch_tag)
{
	bool done[L2_PORTS_MAX] = {false};
	uint16_t in_tpid = rte_be_to_cpu_16(key->vlan_tpid);
	uint16_t in_tci = flow_vlan_tci(key->vlan_tci) & ~FLOW_VLAN_PRESENT;

	/* 1. The frame as it arrived. */
	for (unsigned i = 0; i < n; i++) {
		bool same = has_switch_tag
				    ? (eg[i].tagged && eg[i].tpid == in_tpid && eg[i].tci == in_tci)
				    : !eg[i].tagged;
		if (same) {
			dp_actions_output(acts, outs[i]);
			done[i] = true;
		}
	}
	/* 2. The payload, untagged (only differs from 1 when the frame had the switch's tag). */
	bool popped = false;
	for (unsigned i = 0; i < n; i++) {
		if (done[i] || eg[i].tagged)
			continue;
		if (!popped) {
			dp_actions_pop_vlan(acts);
			popped = true;
		}
		dp_actions_output(acts, outs[i]);
		done[i] = true;
	}
	/* 3. Each distinct tag: push, output to every port that wants it, pop. */
	bool tagged_now = false;
	for (unsigned i = 0; i < n; i++) {
		if (done[i])
			continue;
		if (tagged_now)
			dp_actions_pop_vlan(acts);
		else if (has_switch_tag && !popped) {
			dp_actions_pop_vlan(acts);
			popped = true;
		}
		dp_actions_push_vlan(acts, eg[i].tpid, eg[i].tci);
		tagged_now = true;
		for (unsigned j = i; j < n; j++) {
			if (!done[j] && eg[j].tagged && eg[j].tpid == eg[i].tpid &&
				eg[j].tci == eg[i].tci) {
				dp_actions_output(acts, outs[j]);
				done[j] = true;
			}
		}
	}
}

int
normal_xlate(const struct l2_bridge *br, const struct flow_key *key, struct flow_key *mask,
	struct dp_actions *acts, uint64_t now_s, struct normal_result *res)
{
	const struct l2_port *in = l2_bridge_port(br, key->in_port);
	uint16_t vlan;
	bool has_switch_tag;

	memset(res, 0, sizeof(*res));
	res->bond_bucket = -1;
	mask->in_port = UINT32_MAX;
	if (in == NULL)
		return -EINVAL;
	/* The VLAN decision looked at the whole outer tag (presence, VID, PCP) and its TPID. */
	mask->vlan_tci = UINT16_MAX;
	mask->vlan_tpid = UINT16_MAX;
	memset(&mask->dl_dst, 0xff, sizeof(mask->dl_dst));

	/* As OVS: 802.1D's reserved group addresses stay on the link unless forward-bpdu. */
	if (is_reserved_mcast(&key->dl_dst) && !br->forward_bpdu) {
		acts->drop = DP_DROP_RESERVED_MCAST;
		return 0;
	}
	if (!ingress_vlan(in, key, &vlan, &has_switch_tag)) {
		acts->drop = DP_DROP_VLAN_INVALID;
		return 0;
	}
	uint16_t pcp = flow_vlan_present(key->vlan_tci) && in->mode != L2_VLAN_DOT1Q_TUNNEL
			       ? flow_vlan_tci(key->vlan_tci) >> FLOW_VLAN_PCP_SHIFT
			       : 0;
	enum dp_drop_reason why;
	memset(&mask->dl_src, 0xff, sizeof(mask->dl_src));
	if (in->bond != NULL && !bond_admits(br, in, key, vlan, mask, now_s, &why)) {
		acts->drop = why;
		return 0;
	}

	/* Spanning tree: a blocked port takes no frame, a learning one only learns from it. */
	if (in->stp_state == L2_STP_BLOCK) {
		acts->drop = DP_DROP_STP_BLOCKED;
		return 0;
	}

	/* Learn the source. */
	memset(&mask->dl_src, 0xff, sizeof(mask->dl_src));
	if (!rte_is_multicast_ether_addr(&key->dl_src) && !br->dry_run) {
		/* On a bridge with a bond, gratuitous ARPs lock their entry (mac_table.h). */
		bool garp = br->has_bond && is_gratuitous_arp(key, mask);
		enum mac_learn_result r = mac_table_learn_garp(br->macs, vlan, &key->dl_src,
			in->dp_port, now_s, garp, in->bond != NULL);
		res->learned = r == MAC_LEARN_NEW;
		res->moved = r == MAC_LEARN_MOVED;
	}
	if (in->stp_state != L2_STP_FORWARD) {
		acts->drop = DP_DROP_STP_BLOCKED;
		return 0;
	}

	/* Where to: the learned port, or every other port of the VLAN. */
	uint32_t outs[L2_PORTS_MAX];
	struct egress eg[L2_PORTS_MAX];
	unsigned n = 0;
	bool bond_down = false;
	int64_t dst = -1;
	if (!rte_is_multicast_ether_addr(&key->dl_dst))
		dst = mac_table_lookup(br->macs, vlan, &key->dl_dst, now_s);
	const struct l2_port *dport = dst >= 0 ? l2_bridge_port(br, (uint32_t)dst) : NULL;
	if (dport != NULL && port_includes_vlan(dport, vlan)) {
		/* A learned port that spanning tree blocks now gets nothing (not a flood). */
		if (dport != in && dport->stp_state == L2_STP_FORWARD) {
			uint32_t o = dport->bond ? bond_out(dport->bond, key, vlan, mask, res)
						 : dport->dp_port;
			if (o != 0) {
				outs[n] = o;
				eg[n++] = egress_for(dport, in, vlan, pcp);
			} else {
				/* A bond none of whose members is enabled: its state was read. */
				res->stp_port = dport->dp_port;
				bond_down = true;
			}
		} else if (dport != in) {
			res->stp_port = dport->dp_port;
		}
	} else {
		res->flooded = !rte_is_multicast_ether_addr(&key->dl_dst);
		res->stp_all = true;
		for (unsigned i = 0; i < br->n_ports && n < L2_PORTS_MAX; i++) {
			const struct l2_port *p = &br->ports[i];
			if (p == in || p->stp_state != L2_STP_FORWARD ||
				!port_includes_vlan(p, vlan))
				continue;
			/* A bond floods on one member: the one its hash picks. */
			uint32_t o = p->bond ? bond_out(p->bond, key, vlan, mask, res) : p->dp_port;
			if (o == 0)
				continue;
			outs[n] = o;
			eg[n++] = egress_for(p, in, vlan, pcp);
		}
	}
	if (n == 0) {
		acts->drop = bond_down ? DP_DROP_BOND_DOWN : DP_DROP_NO_OUTPUT;
		return 0;
	}
	build_actions(acts, outs, eg, n, key, has_switch_tag);
	return 0;
}

void
normal_refresh(const struct l2_bridge *br, const struct flow_key *key, uint64_t now_s)
{
	const struct l2_port *in = l2_bridge_port(br, key->in_port);
	uint16_t vlan;
	bool tag;

	if (in == NULL || rte_is_multicast_ether_addr(&key->dl_src) ||
		!ingress_vlan(in, key, &vlan, &tag))
		return;
	mac_table_touch(br->macs, vlan, &key->dl_src, in->dp_port, now_s);
}
