/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Daemon-wide settings and the pieces of the control thread that other daemon files call:
 * the live configuration (cfg.c), the ports (port.c), the bridges (bridge.c), the PMDs (pmd.c).
 */
#ifndef TRESTLE_DAEMON_H
#define TRESTLE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

/* The command-line settings (trestled_opts), which every file that includes this one reads. */
#include "opts.h"

struct ds;
struct db;

/* Loads the saved configuration and applies it (start-up). Returns 0 or -errno, err explained. */
int cfg_init(const char *db_path, struct ds *err);
/* Releases the live configuration (shutdown). */
void cfg_fini(void);
/* The live database (control thread only). */
struct db *cfg_db(void);

/* Periodic control-thread work: MAC aging, status refresh. Called about every 100 ms. */
void bridge_run(void);

#endif
