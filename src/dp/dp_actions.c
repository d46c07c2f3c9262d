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
				ds_put_format(out, "push_vlan(vid=%u,pcp=%u)", tci & FLOW_VLAN_VID_MASK,
					tci >> FLOW_VLAN_PCP_SHIFT);
			break;
		case DPA_POP_VLAN:
			ds_put_cstr(out, "pop_vlan");
			break;
		default:
			ds_put_format(out, "unknown(%u)", a->type);
			break;
		}
	}
}
