/* SPDX-License-Identifier: BSD-3-Clause */
/* trestled's command-line settings and their defaults (see opts.h); trestled.c parses them. */
#include "ctl.h"
#include "opts.h"

struct trestled_opts trestled_opts = {
	.db_path = "/var/lib/trestle/conf.json",
	.ctl_path = "/run/trestle/trestled.ctl",
	.run_dir = "/run/trestle",
	.mbufs = 64 * 1024 - 1,
	.ctl_idle_timeout = CTL_IDLE_TIMEOUT,
	.ctl_request_timeout = CTL_REQUEST_TIMEOUT,
};
