/* SPDX-License-Identifier: BSD-3-Clause */
/* Building and printing datapath action lists (see dp_actions.h). */
#include <stdio.h>

#include "dp_actions.h"
#include "dp_drop.h"
#include "ds.h"
#include "flow.h"

static struct dp_action *
dp_actions_append(struct dp_actions *acts, enum dp_action_type type)
{
	if (acts->n >= DP_ACTIONS_MAX)
		return NULL;
	struct dp_action *a = &acts->a[acts->n++];
	*a = (struct dp_action){.type = type};
	return a;
}

int
dp_actions_output(struct dp_actions *acts, uint32_t port)
{
	struct dp_action *a = dp_actions_append(acts, DPA_OUTPUT);

	if (a == NULL)
		return -1;
	a->port = port;
	return 0;
}

int
dp_actions_push_vlan(struct dp_actions *acts, uint16_t tpid, uint16_t tci)
{
	struct dp_action *a = dp_actions_append(acts, DPA_PUSH_VLAN);

	if (a == NULL)
		return -1;
	a->tpid = rte_cpu_to_be_16(tpid);
	a->tci = rte_cpu_to_be_16(tci & ~FLOW_VLAN_PRESENT);
	return 0;
}

int
dp_actions_pop_vlan(struct dp_actions *acts)
{
	return dp_actions_append(acts, DPA_POP_VLAN) ? 0 : -1;
}

int
dp_actions_set_eth(struct dp_actions *acts, enum dp_action_type type,
	const struct rte_ether_addr *mac)
{
	struct dp_action *a = dp_actions_append(acts, type);

	if (a == NULL)
		return -1;
	a->mac = *mac;
	return 0;
}

int
dp_actions_set_ipv4(struct dp_actions *acts, enum dp_action_type type, rte_be32_t ip)
{
	struct dp_action *a = dp_actions_append(acts, type);

	if (a == NULL)
		return -1;
	a->ip = ip;
	return 0;
}

int
dp_actions_set_tos(struct dp_actions *acts, uint8_t tos)
{
	struct dp_action *a = dp_actions_append(acts, DPA_SET_IPV4_TOS);

	if (a == NULL)
		return -1;
	a->tos = tos;
	return 0;
}

int
dp_actions_set_l4(struct dp_actions *acts, enum dp_action_type type, uint16_t port)
{
	struct dp_action *a = dp_actions_append(acts, type);

	if (a == NULL)
		return -1;
	a->l4 = rte_cpu_to_be_16(port);
	return 0;
}

int
dp_actions_dec_ttl(struct dp_actions *acts)
{
	return dp_actions_append(acts, DPA_DEC_TTL) ? 0 : -1;
}

void
dp_actions_punt(struct dp_actions *acts, uint32_t claim)
{
	acts->n = 1;
	acts->a[0] = (struct dp_action){.type = DPA_PUNT, .port = claim};
}

void
dp_actions_format(struct ds *out, const struct dp_actions *acts)
{
	if (acts->n == 0) {
		ds_put_cstr(out, "drop");
		return;
	}
	for (unsigned i = 0; i < acts->n; i++) {
		const struct dp_action *a = &acts->a[i];
		uint16_t tci;

		if (i > 0)
			ds_put_char(out, ',');
		switch (a->type) {
		case DPA_OUTPUT:
			ds_put_format(out, "%u", a->port);
			break;
		case DPA_PUSH_VLAN:
			tci = rte_be_to_cpu_16(a->tci);
			if (rte_be_to_cpu_16(a->tpid) != RTE_ETHER_TYPE_VLAN)
				ds_put_format(out, "push_vlan(tpid=0x%04x,vid=%u,pcp=%u)",
					rte_be_to_cpu_16(a->tpid), tci & FLOW_VLAN_VID_MASK,
					tci >> FLOW_VLAN_PCP_SHIFT);
			else
				ds_put_format(out, "push_vlan(vid=%u,pcp=%u)",
					tci & FLOW_VLAN_VID_MASK, tci >> FLOW_VLAN_PCP_SHIFT);
			break;
		case DPA_POP_VLAN:
			ds_put_cstr(out, "pop_vlan");
			break;
		case DPA_SET_ETH_SRC:
		case DPA_SET_ETH_DST:
			ds_put_format(out, "set(eth(%s=" FLOW_MAC_FMT "))",
				a->type == DPA_SET_ETH_SRC ? "src" : "dst", FLOW_MAC_ARGS(&a->mac));
			break;
		case DPA_SET_IPV4_SRC:
		case DPA_SET_IPV4_DST: {
			const uint8_t *b = (const uint8_t *)&a->ip;
			ds_put_format(out, "set(ipv4(%s=%u.%u.%u.%u))",
				a->type == DPA_SET_IPV4_SRC ? "src" : "dst", b[0], b[1], b[2],
				b[3]);
			break;
		}
		case DPA_SET_IPV4_TOS:
			ds_put_format(out, "set(ipv4(tos=0x%x/0xfc))", a->tos);
			break;
		case DPA_SET_L4_SRC:
		case DPA_SET_L4_DST:
			ds_put_format(out, "set(l4(%s=%u))",
				a->type == DPA_SET_L4_SRC ? "src" : "dst", rte_be_to_cpu_16(a->l4));
			break;
		case DPA_DEC_TTL:
			ds_put_cstr(out, "dec_ttl");
			break;
		case DPA_PUNT:
			ds_put_format(out, "userspace(punt=%u)", a->port);
			break;
		default:
			ds_put_format(out, "unknown(%u)", a->type);
			break;
		}
	}
}
