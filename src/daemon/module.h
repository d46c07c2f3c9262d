/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module registry and the control loop's services. A feature registers itself, from its
 * own file, with MODULE_REGISTER(): its start-up and shutdown, what it does when a
 * configuration is applied, what it adds to each datapath snapshot; at run time it asks the
 * control loop for timers and file-descriptor handlers. main() and the control loop walk the
 * registry; they name no feature. (grout's struct gr_module is the model.)
 *
 * Everything here runs on the control thread.
 */
#ifndef TRESTLE_MODULE_H
#define TRESTLE_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "conf.h"

struct conf;
struct db;
struct dp_snapshot;
struct ds;

/* A status hook: adds the module's keys for the named port or bridge to st. */
typedef void module_status_fn(const char *name, struct status_map *st);

struct module {
	const char *name; /* For logs: "pmd", "ports", "punt", "stp"... */
	/*
	 * Start-up order, lowest first (shutdown in reverse): the core takes 10-90 (ports and
	 * the mbuf pool 10, the PMDs 20, punt and inject 30, the saved configuration applied
	 * 90); features come between 40 and 80, after what they use.
	 */
	int order;
	/* Start-up; returns 0, or a negative errno with err saying why (trestled exits). */
	int (*init)(struct ds *err);
	/* Shutdown: the PMDs are stopped, the ports closed. */
	void (*fini)(void);
	/*
	 * A configuration is being applied: old is the one in force (NULL the first time), conf
	 * the new one. Called after the ports changed and before the snapshot is built.
	 */
	void (*reconfigure)(const struct conf *old, const struct conf *conf);
	/* Adds the module's part to a snapshot being built for the PMDs (immutable once out). */
	void (*snapshot)(struct dp_snapshot *snap);
	/*
	 * Add the module's keys to a read-only map column of the named bridge or port, before a
	 * vsctl: status[STATUS_PORT] to Port status (stp_state...), and so on (conf.h).
	 */
	module_status_fn *status[STATUS__N];
};

/* Adds a module; called before main() (see MODULE_REGISTER). */
void module_register(const struct module *m);

/* Registers a file-scope struct module at program start. */
#define MODULE_REGISTER(m) \
	RTE_INIT(module_register_##m) \
	{ \
		module_register(&m); \
	}

/* Runs every module's init in order; on a failure, the fini of those already started. */
int module_init_all(struct ds *err);
/* Runs every started module's fini, in reverse order. */
void module_fini_all(void);
/* Calls every reconfigure hook. */
void module_reconfigure_all(const struct conf *old, const struct conf *conf);
/* Calls every snapshot hook. */
void module_snapshot_all(struct dp_snapshot *snap);
/* Refreshes every read-only map column of db from every module's status hooks. */
void module_status_refresh(struct db *db);

/* ---- The control loop's services ---- */

/* A periodic function, called about every period_ms (the loop's resolution is 1 ms). */
typedef void (*loop_timer_fn)(void *arg);
/* Calls fn(arg) every period_ms from now on. Returns a timer id (>= 0) or -ENOSPC. */
int loop_timer_add(unsigned period_ms, loop_timer_fn fn, void *arg);
/* Stops timer id. */
void loop_timer_del(int id);

/* Called when fd is ready for events (EPOLLIN...). */
typedef void (*loop_fd_fn)(int fd, uint32_t events, void *arg);
/* Watches fd for events; returns 0 or a negative errno. */
int loop_fd_add(int fd, uint32_t events, loop_fd_fn fn, void *arg);
/* Stops watching fd (before it is closed). */
void loop_fd_del(int fd);

/* The epoll set behind loop_fd_add() (the ctl server adds its own sockets to it). */
int loop_epoll_fd(void);
/*
 * Waits at most until the next timer for one round of events, and runs what is due; fd
 * events for descriptors nobody registered with loop_fd_add() go to other(fd, events).
 */
void loop_run_once(void (*other)(int fd, uint32_t events, void *arg), void *arg);

#endif
