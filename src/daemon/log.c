/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's log type (see log.h). */
#include "log.h"

int trestle_logtype;

void
log_init(void)
{
	trestle_logtype = rte_log_register_type_and_pick_level("trestle", RTE_LOG_INFO);
}
