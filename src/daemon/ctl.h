/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command channel: a Unix socket served by the control thread, speaking JSON-RPC with
 * OVS unixctl's framing (see jsonrpc.h). Modules register their commands with CTL_REGISTER;
 * a request's method names the command, its params are the command's arguments.
 *
 * Command's walk: client -> ctl_server_handle() reads a request -> ctl_dispatch() checks the
 * argument count and calls the module's handler on the control thread -> the reply is queued
 * on the connection and sent as the client reads it.
 */
#ifndef TRESTLE_CTL_H
#define TRESTLE_CTL_H

#include <rte_common.h>

#include "ds.h"

/*
 * A command handler: argv[0] is the command name, argv[1..argc-1] its arguments. Writes its
 * reply text into out and returns 0, or writes an error message a person can act on into out
 * and returns a negative errno. CTL_EXIT_STATUS(n) asks the client to exit with status n.
 */
typedef int (*ctl_handler_fn)(int argc, const char *const argv[], struct ds *out);

/* Handler return value that makes the client exit with status n (1..125) without "error". */
#define CTL_EXIT_STATUS(n) (-1000 - (n))

struct ctl_command {
	const char *name;  /* "module/verb", or a plain word for the few top-level commands. */
	const char *usage; /* Argument synopsis shown by list-commands, e.g. "BRIDGE [PORT]". */
	int min_args;      /* Fewest arguments accepted (not counting the name). */
	int max_args;      /* Most arguments accepted; INT_MAX for no limit. */
	ctl_handler_fn fn; /* The handler. */
};

/* Adds a command; called at start-up (see CTL_REGISTER), before the server runs. */
void ctl_register(const struct ctl_command *cmd);

/* Registers a file-scope struct ctl_command at program start. */
#define CTL_REGISTER(cmd) \
	RTE_INIT(ctl_register_##cmd) \
	{ \
		ctl_register(&cmd); \
	}

/* Registers each command of a file-scope array of struct ctl_command (a module's list). */
#define CTL_REGISTER_ARRAY(cmds) \
	RTE_INIT(ctl_register_##cmds) \
	{ \
		for (unsigned i = 0; i < RTE_DIM(cmds); i++) \
			ctl_register(&cmds[i]); \
	}

/* Runs the command argv[0] with its arguments; returns what the handler returned. */
int ctl_dispatch(int argc, const char *const argv[], struct ds *out);

struct ctl_server;

/*
 * Defaults of --ctl-idle-timeout and --ctl-request-timeout, in seconds. A client's own
 * commands take milliseconds to send and to read back; these only close what is stuck.
 */
#define CTL_IDLE_TIMEOUT 300
#define CTL_REQUEST_TIMEOUT 10

/*
 * Binds the socket at path. Refuses (-EADDRINUSE, err explains) when a live daemon already
 * answers there; removes a stale socket file left by a daemon that died.
 */
int ctl_server_open(const char *path, struct ctl_server **srvp, struct ds *err);
/*
 * Sets how long, in seconds, the server waits on a client: for a request when none is begun
 * (idle), and for the rest of a begun request or for the client to take its reply (request).
 */
void ctl_server_set_timeouts(struct ctl_server *srv, double idle, double request);
/* Adds the listening socket to the control loop's epoll set, which the server then uses. */
int ctl_server_epoll_add(struct ctl_server *srv, int epfd);
/* Handles readiness of fd (one of the server's); returns 1 if fd was the server's, else 0. */
int ctl_server_handle(struct ctl_server *srv, int fd);
/* Periodic work (the control loop's tick): closes the connections past their timeouts. */
void ctl_server_run(struct ctl_server *srv);
/* Sends what it can of the replies still queued, closes every connection, removes the file. */
void ctl_server_close(struct ctl_server *srv);

#endif
