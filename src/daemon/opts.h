/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trestled's command-line settings (after the EAL's "--"): main() parses them into
 * trestled_opts before any module starts; the modules only read them. Control thread only.
 */
#ifndef TRESTLE_OPTS_H
#define TRESTLE_OPTS_H

#include <stdbool.h>

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

/* The settings in force; holds the defaults until main() has parsed the command line. */
extern struct trestled_opts trestled_opts;

#endif
