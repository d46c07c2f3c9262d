/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Daemon-wide settings and the pieces of the control thread that other daemon files call:
 * the live configuration (cfg.c), the ports (port.c), the bridges (bridge.c), the PMDs (pmd.c).
 */
#ifndef TRESTLE_DAEMON_H
#define TRESTLE_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct db;

/* Command-line settings of trestled (after the EAL's "--"). */
struct trestled_opts {
	const char *db_path;        /* Saved configuration (--db). */
	const char *ctl_path;       /* Command socket (--ctl). */
	const char *run_dir;        /* vhost-user server sockets live here (--run-dir). */
	const char *pidfile;        /* --pidfile, or NULL. */
	const char *log_file;       /* --log-file, or NULL for stderr. */
	bool detach;                /* --detach: run in the background once ready. */
	unsigned int mbufs;         /* --mbufs: packet buffers in the shared pool. */
	double ctl_idle_timeout;    /* --ctl-idle-timeout: seconds a client may begin nothing. */
	double ctl_request_timeout; /* --ctl-request-timeout: to send a request, read a reply. */
};

extern struct trestled_opts trestled_opts;

/* Loads the saved configuration and applies it (start-up). Returns 0 or -errno, err explained. */
int cfg_init(const char *db_path, struct ds *err);
/* Releases the live configuration (shutdown). */
void cfg_fini(void);
/* The live database (control thread only). */
struct db *cfg_db(void);

/* Periodic control-thread work: MAC aging, status refresh. Called about every 100 ms. */
void bridge_run(void);

#endif
