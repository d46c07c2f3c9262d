/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ctl socket server and command registry (see ctl.h). Runs on the control thread only: the
 * registry is filled before main() and then read-only, connections are served one request at a
 * time by the epoll loop in trestled.c, and no client can make that thread wait for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_debug.h>
#include <rte_log.h>

#include "ctl.h"
#include "ctl_admit.h"
#include "ctl_proto.h"
#include "jsonrpc.h"
#include "log.h"
#include "xalloc.h"

#define CTL_MAX_COMMANDS 256
#define CTL_MAX_CONNS 64
/*
 * Shares of the slots (ctl_admit.h): once all are taken, a process holding this many, or a
 * user, makes room with its own connections. Clients hold one connection for one command.
 */
#define CTL_CONNS_PER_PID 8
#define CTL_CONNS_PER_UID 32

static const struct ctl_command *ctl_commands[CTL_MAX_COMMANDS];
static unsigned ctl_n_commands;

void
ctl_register(const struct ctl_command *cmd)
{
	if (ctl_n_commands >= CTL_MAX_COMMANDS)
		rte_panic("too many ctl commands (raise CTL_MAX_COMMANDS)\n");
	ctl_commands[ctl_n_commands++] = cmd;
}

static const struct ctl_command *
ctl_find(const char *name)
{
	for (unsigned i = 0; i < ctl_n_commands; i++)
		if (strcmp(ctl_commands[i]->name, name) == 0)
			return ctl_commands[i];
	return NULL;
}

int
ctl_dispatch(int argc, const char *const argv[], struct ds *out)
{
	const struct ctl_command *cmd = ctl_find(argv[0]);

	if (cmd == NULL) {
		ds_put_format(out, "\"%s\" is not a valid command (use list-commands to see them)",
			argv[0]);
		return -ENOENT;
	}
	int nargs = argc - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		ds_put_format(out, "\"%s\" command takes %s %d argument%s (usage: %s %s)", argv[0],
			nargs < cmd->min_args ? "at least" : "at most",
			nargs < cmd->min_args ? cmd->min_args : cmd->max_args,
			(nargs < cmd->min_args ? cmd->min_args : cmd->max_args) == 1 ? "" : "s",
			cmd->name, cmd->usage);
		return -EINVAL;
	}
	return cmd->fn(argc, argv, out);
}

static int
cmp_commands(const void *a, const void *b)
{
	const struct ctl_command *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int
ctl_list_commands(int argc, const char *const argv[], struct ds *out)
{
	const struct ctl_command *sorted[CTL_MAX_COMMANDS];

	memcpy(sorted, ctl_commands, ctl_n_commands * sizeof(sorted[0]));
	qsort(sorted, ctl_n_commands, sizeof(sorted[0]), cmp_commands);
	ds_put_cstr(out, "The available commands are:\n");
	for (unsigned i = 0; i < ctl_n_commands; i++)
		ds_put_format(out, "  %-32s %s\n", sorted[i]->name, sorted[i]->usage);
	return 0;
}

static int
ctl_version(int argc, const char *const argv[], struct ds *out)
{
	ds_put_cstr(out, "trestled (Trestle) " TRESTLE_VERSION "\n");
	return 0;
}

static const struct ctl_command ctl_cmds[] = {
	{"list-commands", "", 0, 0, ctl_list_commands},
	{"version", "", 0, 0, ctl_version},
};
CTL_REGISTER_ARRAY(ctl_cmds)

/*
 * Connections. The control thread serves them all and must never wait on one client: the
 * sockets are non-blocking; a reply the socket cannot take at once stays in the connection's
 * queue and leaves on EPOLLOUT; while it waits, the connection's further requests are not
 * read (backpressure), so a client that pipelines requests and never reads costs one reply.
 *
 * The server waits on a client in one of three ways (enum ctl_wait), each bounded: for a
 * request (idle: --ctl-idle-timeout), for the rest of a begun request, or for the client to
 * take its reply (both --ctl-request-timeout). Waits are measured on the ctl clock, monotonic
 * time less the time the server spent handling events (running commands, above all): a
 * client blocked on a long command, or idle while another's ran, is not charged for it.
 */
enum ctl_wait {
	CTL_WAIT_IDLE,    /* For a request: none begun since the last reply was taken. */
	CTL_WAIT_REQUEST, /* For the rest of a request whose first bytes arrived. */
	CTL_WAIT_READER,  /* For the client to take the reply queued on the connection. */
};

/* One client connection. */
struct ctl_conn {
	int fd;                  /* Connected socket, -1 when the slot is free. */
	pid_t pid;               /* Peer's process at connect (SO_PEERCRED); 0 if not visible. */
	uid_t uid;               /* Peer's user. */
	enum ctl_wait wait;      /* What the server waits on the client for. */
	uint64_t since;          /* When that wait began, on the ctl clock (ns). */
	struct jsonrpc_rxbuf rx; /* Bytes received and not yet handled. */
	struct jsonrpc_txq tx;   /* The reply the client has not taken yet. */
};

struct ctl_server {
	int fd;                               /* Listening socket. */
	int epfd;                             /* The control loop's epoll set. */
	char *path;                           /* Socket file, removed at close. */
	uint64_t idle_ns;                     /* --ctl-idle-timeout. */
	uint64_t request_ns;                  /* --ctl-request-timeout. */
	uint64_t busy_ns;                     /* Time spent handling events, charged to nobody. */
	uint64_t now;                         /* The ctl clock, frozen while an event is handled. */
	struct ctl_conn conns[CTL_MAX_CONNS]; /* Connections; fd -1 marks a free slot. */
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Starts handling an event: sets the ctl clock. Returns the time to give to ctl_leave(). */
static uint64_t
ctl_enter(struct ctl_server *srv)
{
	uint64_t t = mono_ns();

	srv->now = t - srv->busy_ns;
	return t;
}

/* Ends handling an event: the time it took does not count as waiting on any client. */
static void
ctl_leave(struct ctl_server *srv, uint64_t t)
{
	srv->busy_ns += mono_ns() - t;
}

/*
 * bind() that creates the socket file with its final mode, srw-rw---- (umask 0117 for the
 * call): no chmod() afterwards that could fail, and no moment with the caller's umask's mode.
 * umask is the process's: this runs at start-up, before any port, when no other thread of
 * ours creates files.
 */
static int
ctl_bind(int fd, const struct sockaddr_un *sun)
{
	mode_t old = umask(0117);
	int ret = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	int e = errno;

	umask(old);
	errno = e;
	return ret;
}

int
ctl_server_open(const char *path, struct ctl_server **srvp, struct ds *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct ctl_server *srv;
	int fd, ret;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		ds_put_format(err, "ctl socket path %s is too long (at most %zu bytes)", path,
			sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ds_put_format(err, "socket: %s", strerror(errno));
		return -errno;
	}
	if (ctl_bind(fd, &sun) < 0) {
		if (errno != EADDRINUSE)
			goto bind_err;
		/* Someone left a socket there: refuse if a daemon answers, else take it over. */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0;

		if (probe >= 0)
			close(probe);
		if (live) {
			ds_put_format(err,
				"%s is in use by a running trestled; stop it first or choose "
				"another "
				"socket with --ctl",
				path);
			close(fd);
			return -EADDRINUSE;
		}
		unlink(path);
		if (ctl_bind(fd, &sun) < 0)
			goto bind_err;
	}
	if (listen(fd, 16) < 0) {
		ret = -errno;
		ds_put_format(err, "listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return ret;
	}
	srv = xcalloc(1, sizeof(*srv));
	srv->fd = fd;
	srv->epfd = -1;
	srv->path = xstrdup(path);
	ctl_server_set_timeouts(srv, CTL_IDLE_TIMEOUT, CTL_REQUEST_TIMEOUT);
	for (unsigned i = 0; i < CTL_MAX_CONNS; i++)
		srv->conns[i].fd = -1;
	*srvp = srv;
	return 0;

bind_err:
	ret = -errno;
	ds_put_format(err, "cannot bind ctl socket %s: %s (does its directory exist?)", path,
		strerror(errno));
	close(fd);
	return ret;
}

void
ctl_server_set_timeouts(struct ctl_server *srv, double idle, double request)
{
	srv->idle_ns = (uint64_t)(idle * 1e9);
	srv->request_ns = (uint64_t)(request * 1e9);
}

int
ctl_server_epoll_add(struct ctl_server *srv, int epfd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = srv->fd};

	srv->epfd = epfd;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, srv->fd, &ev) < 0 ? -errno : 0;
}

/* Closes c without a word in the log (the client hung up, or was told why). */
static void
ctl_conn_drop(struct ctl_server *srv, struct ctl_conn *c)
{
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	jsonrpc_rxbuf_destroy(&c->rx);
	jsonrpc_txq_destroy(&c->tx);
}

/* Closes c, and says in the log whose connection it was and why. */
static void __rte_format_printf(3, 4)
	ctl_conn_close(struct ctl_server *srv, struct ctl_conn *c, const char *why, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, why);
	vsnprintf(msg, sizeof(msg), why, ap);
	va_end(ap);
	TLOG(INFO, "ctl: closing the connection of pid %d (uid %u): %s", (int)c->pid,
		(unsigned)c->uid, msg);
	ctl_conn_drop(srv, c);
}

static void
ctl_conn_wait(struct ctl_server *srv, struct ctl_conn *c, enum ctl_wait wait)
{
	c->wait = wait;
	c->since = srv->now;
}

/* Polls c for its requests, or (while a reply is queued) for room to send it. */
static void
ctl_conn_watch(struct ctl_server *srv, struct ctl_conn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.fd = c->fd};

	epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Whether bytes from c's client are waiting to be read (then it is not idle). */
static bool
ctl_conn_has_input(const struct ctl_conn *c)
{
	int n = 0;

	return ioctl(c->fd, FIONREAD, &n) == 0 && n > 0;
}

static bool
ctl_slot_has_input(unsigned i, void *srv)
{
	return ctl_conn_has_input(&((struct ctl_server *)srv)->conns[i]);
}

static const char *const ctl_wait_names[] = {
	[CTL_WAIT_IDLE] = "idle",
	[CTL_WAIT_REQUEST] = "sending a request",
	[CTL_WAIT_READER] = "not reading its reply",
};

/*
 * A new connection: never refused. When every slot is taken, ctl_admit() says whose
 * connection makes room; fairness between processes and users is its business.
 */
static void
ctl_accept(struct ctl_server *srv)
{
	static const struct ctl_admit_limits lim = {CTL_CONNS_PER_PID, CTL_CONNS_PER_UID};
	struct ctl_admit_slot slots[CTL_MAX_CONNS];
	int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct ucred cred = {0};
	socklen_t len = sizeof(cred);
	enum ctl_admit_how how;

	if (fd < 0)
		return;
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
	for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
		const struct ctl_conn *o = &srv->conns[i];
		slots[i] = (struct ctl_admit_slot){.used = o->fd >= 0,
			.idle = o->wait == CTL_WAIT_IDLE,
			.pid = o->pid,
			.uid = o->uid,
			.since = o->since};
	}
	struct ctl_conn *c = &srv->conns[ctl_admit(slots, CTL_MAX_CONNS, cred.pid, cred.uid, &lim,
		ctl_slot_has_input, srv, &how)];
	if (how != CTL_ADMIT_FREE) {
		const char *wait = ctl_wait_names[c->wait];
		double secs = (double)(srv->now - c->since) / 1e9;

		if (how == CTL_ADMIT_EVICT_PID)
			ctl_conn_close(srv, c,
				"all %d slots taken: room for a new connection of the same "
				"process, which holds %d or more (this one %s for %.1f s)",
				CTL_MAX_CONNS, CTL_CONNS_PER_PID, wait, secs);
		else if (how == CTL_ADMIT_EVICT_UID)
			ctl_conn_close(srv, c,
				"all %d slots taken: room for pid %d of the same user, who holds "
				"%d or more (this one %s for %.1f s)",
				CTL_MAX_CONNS, (int)cred.pid, CTL_CONNS_PER_UID, wait, secs);
		else
			ctl_conn_close(srv, c,
				"all %d slots taken: room for pid %d (uid %u); this one was "
				"waited on longest (%s for %.1f s)",
				CTL_MAX_CONNS, (int)cred.pid, (unsigned)cred.uid, wait, secs);
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		TLOG(WARNING, "ctl: cannot poll a new connection: %s", strerror(errno));
		close(fd);
		return;
	}
	c->fd = fd;
	c->pid = cred.pid;
	c->uid = cred.uid;
	jsonrpc_rxbuf_init(&c->rx, JSONRPC_MAX_MSG);
	jsonrpc_txq_init(&c->tx, JSONRPC_MAX_REPLY);
	ctl_conn_wait(srv, c, CTL_WAIT_IDLE);
}

/*
 * Queues reply on c. One bigger than a client accepts (JSONRPC_MAX_REPLY, also the queue's
 * bound) is replaced by an error that says so. Returns 0 or a negative errno.
 */
static int
ctl_queue(struct ctl_conn *c, const json_t *reply, const char *method)
{
	int ret = jsonrpc_txq_push(&c->tx, reply);

	if (ret == -EMSGSIZE) {
		char msg[256];

		TLOG(WARNING, "ctl: the reply to %s for pid %d is over %u bytes: an error instead",
			method, (int)c->pid, JSONRPC_MAX_REPLY);
		snprintf(msg, sizeof(msg),
			"the reply is over the %u-byte limit of the ctl socket; ask for less (for "
			"flows, one table or a match)",
			JSONRPC_MAX_REPLY);
		json_t *e = jsonrpc_reply(NULL, msg, json_object_get(reply, "id"));
		ret = jsonrpc_txq_push(&c->tx, e);
		json_decref(e);
	}
	return ret;
}

/* Sends an error reply that is not tied to a request id (bad framing), as far as it goes. */
static void
ctl_send_error(struct ctl_conn *c, const char *msg)
{
	json_t *reply = jsonrpc_reply(NULL, msg, json_null());

	if (jsonrpc_txq_push(&c->tx, reply) == 0)
		jsonrpc_txq_flush(&c->tx, c->fd);
	json_decref(reply);
}

/* Runs the request msg and queues its reply on c. Returns 0 or a negative errno. */
static int
ctl_handle_request(struct ctl_conn *c, const json_t *msg)
{
	const char *method, **params;
	char err[256];
	json_t *id;
	int argc;

	if (jsonrpc_parse_request(msg, &method, &params, &argc, &id, err, sizeof(err)) < 0) {
		TLOG(INFO, "ctl: bad request: %s", err);
		json_t *rid = json_object_get(msg, "id");
		json_t *reply = jsonrpc_reply(NULL, err, rid ? rid : json_null());
		int ret = ctl_queue(c, reply, "a bad request");
		json_decref(reply);
		return ret;
	}

	const char **argv = xcalloc((size_t)argc + 2, sizeof(*argv));
	argv[0] = method;
	memcpy(argv + 1, params, (size_t)argc * sizeof(*argv));
	free(params);

	struct ds out = DS_INIT;
	int ret = ctl_dispatch(argc + 1, argv, &out);
	json_t *reply;
	if (ret >= 0) {
		reply = jsonrpc_reply(ds_cstr(&out), NULL, id);
	} else if (ret <= CTL_EXIT_STATUS(1) && ret >= CTL_EXIT_STATUS(125)) {
		struct ds e = DS_INIT;
		ctl_proto_exit_status(&e, CTL_EXIT_STATUS(0) - ret, ds_cstr(&out));
		reply = jsonrpc_reply(NULL, ds_cstr(&e), id);
		ds_destroy(&e);
	} else {
		if (out.len == 0)
			ds_put_cstr(&out, strerror(-ret));
		ds_chomp(&out);
		reply = jsonrpc_reply(NULL, ds_cstr(&out), id);
	}
	ds_destroy(&out);
	ret = ctl_queue(c, reply, method);
	json_decref(reply);
	free(argv);
	return ret;
}

/*
 * Serves the requests buffered on c, one at a time, while each reply leaves at once. A reply
 * the socket cannot take stays queued and the requests after it wait until it is taken.
 */
static void
ctl_conn_serve(struct ctl_server *srv, struct ctl_conn *c)
{
	while (jsonrpc_txq_len(&c->tx) == 0) {
		char err[256];
		json_t *msg;
		int ret = jsonrpc_rxbuf_next(&c->rx, &msg, err, sizeof(err));

		if (ret == 0)
			break;
		if (ret < 0) {
			char m[300];
			snprintf(m, sizeof(m), "request is not valid JSON: %s", err);
			ctl_send_error(c, m);
			ctl_conn_close(srv, c, "not JSON-RPC (%s)", err);
			return;
		}
		ret = ctl_handle_request(c, msg);
		json_decref(msg);
		if (ret == 0)
			ret = jsonrpc_txq_flush(&c->tx, c->fd);
		if (ret == -EAGAIN) {
			ctl_conn_wait(srv, c, CTL_WAIT_READER);
			ctl_conn_watch(srv, c, EPOLLOUT);
			return;
		}
		if (ret < 0) {
			ctl_conn_close(srv, c, "cannot send the reply: %s", strerror(-ret));
			return;
		}
		ctl_conn_wait(srv, c, CTL_WAIT_IDLE);
	}
	if (jsonrpc_rxbuf_pending(&c->rx) > 0 && c->wait == CTL_WAIT_IDLE)
		ctl_conn_wait(srv, c, CTL_WAIT_REQUEST);
}

static void
ctl_conn_input(struct ctl_server *srv, struct ctl_conn *c)
{
	static char buf[65536];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		ctl_conn_drop(srv, c);
		return;
	}
	if (n < 0)
		return;
	int ret = jsonrpc_rxbuf_append(&c->rx, buf, (size_t)n);
	if (ret == -EMSGSIZE) {
		ctl_send_error(c, "request too long");
		ctl_conn_close(srv, c, "request over %u bytes", JSONRPC_MAX_MSG);
		return;
	} else if (ret < 0) {
		ctl_conn_close(srv, c, "cannot take its request: %s", strerror(-ret));
		return;
	}
	ctl_conn_serve(srv, c);
}

/* Room on c's socket: more of its queued reply goes; once it is all gone, the next requests. */
static void
ctl_conn_output(struct ctl_server *srv, struct ctl_conn *c)
{
	int ret = jsonrpc_txq_flush(&c->tx, c->fd);

	if (ret == -EAGAIN)
		return;
	if (ret < 0) {
		ctl_conn_close(srv, c, "gone before taking its reply: %s", strerror(-ret));
		return;
	}
	ctl_conn_watch(srv, c, EPOLLIN);
	ctl_conn_wait(srv, c, CTL_WAIT_IDLE);
	ctl_conn_serve(srv, c);
}

int
ctl_server_handle(struct ctl_server *srv, int fd)
{
	struct ctl_conn *c = NULL;

	if (fd != srv->fd) {
		for (unsigned i = 0; i < CTL_MAX_CONNS && c == NULL; i++)
			if (srv->conns[i].fd == fd)
				c = &srv->conns[i];
		if (c == NULL)
			return 0;
	}
	uint64_t t = ctl_enter(srv);
	if (c == NULL)
		ctl_accept(srv);
	else if (jsonrpc_txq_len(&c->tx) > 0)
		ctl_conn_output(srv, c);
	else
		ctl_conn_input(srv, c);
	ctl_leave(srv, t);
	return 1;
}

void
ctl_server_run(struct ctl_server *srv)
{
	uint64_t t = ctl_enter(srv);

	for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *c = &srv->conns[i];

		if (c->fd < 0)
			continue;
		uint64_t waited = srv->now - c->since;
		double secs = (double)waited / 1e9;

		if (c->wait == CTL_WAIT_IDLE && waited >= srv->idle_ns && !ctl_conn_has_input(c))
			ctl_conn_close(srv, c, "idle for %.1f s", secs);
		else if (c->wait == CTL_WAIT_REQUEST && waited >= srv->request_ns)
			ctl_conn_close(srv, c, "request not complete after %.1f s (%zu bytes)",
				secs, jsonrpc_rxbuf_pending(&c->rx));
		else if (c->wait == CTL_WAIT_READER && waited >= srv->request_ns)
			ctl_conn_close(srv, c, "reply not taken after %.1f s (%zu bytes unread)",
				secs, jsonrpc_txq_len(&c->tx));
	}
	ctl_leave(srv, t);
}

void
ctl_server_close(struct ctl_server *srv)
{
	if (srv == NULL)
		return;
	for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *c = &srv->conns[i];

		if (c->fd < 0)
			continue;
		/* The reply to "exit", say: it goes if the socket takes it now. */
		jsonrpc_txq_flush(&c->tx, c->fd);
		close(c->fd);
		jsonrpc_rxbuf_destroy(&c->rx);
		jsonrpc_txq_destroy(&c->tx);
	}
	close(srv->fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}
