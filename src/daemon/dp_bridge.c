/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port numbering in one snapshot's bridge, for ofp_xlate(): OpenFlow port numbers to datapath
 * port numbers and back. The PMDs' slow path (dp_input.c's upcall) and the control thread's
 * ofproto/trace (src/ofp/ofctl.c) call it; it reads only the snapshot (pmd.h), so that the
 * PMDs need nothing of bridge.c.
 */
#include <stdint.h>

#include "ofp.h"
#include "pmd.h"
#include "port.h"

uint32_t
dp_bridge_of_to_dp(const void *aux, uint32_t ofport)
{
	const struct dp_bridge *db = aux;

	for (unsigned i = 0; i < db->l2.n_ports; i++) {
		uint32_t d = db->l2.ports[i].dp_port;
		const struct port *p = db->snap->ports[d].port;
		if (p != NULL && p->ofport == (int64_t)ofport)
			return d;
	}
	return 0;
}

uint32_t
dp_bridge_dp_to_of(const void *aux, uint32_t dp_port)
{
	const struct dp_bridge *db = aux;

	if (dp_port >= PORT_MAX || db->snap->ports[dp_port].br != db)
		return OFPP_NONE;
	const struct port *p = db->snap->ports[dp_port].port;
	return p != NULL && p->ofport > 0 ? (uint32_t)p->ofport : OFPP_NONE;
}
