/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's log, through rte_log (so --log-level and --log-file reach it). */
#ifndef TRESTLE_LOG_H
#define TRESTLE_LOG_H

#include <rte_log.h>

/* The "trestle" log type, registered by log_init() (log.c). */
extern int trestle_logtype;

/* Registers the "trestle" log type; main() calls it once the EAL runs. */
void log_init(void);

#define TLOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, trestle_logtype, "TRESTLE: " fmt "\n", ##__VA_ARGS__)

#endif
