/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ctl socket server and command registry (see ctl.h). Runs on the control thread only: the
 * registry is filled before main() and then read-only, connections are served one request at a
 * time by the epoll loop in trestled.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_debug.h>
#include <rte_log.h>

#include "ctl.h"
#include "ctl_proto.h"
#include "jsonrpc.h"
#include "log.h"

#define CTL_MAX_COMMANDS 256
#define CTL_MAX_CONNS 64

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

static const struct ctl_command list_commands_cmd = {
	"list-commands", "", 0, 0, ctl_list_commands};
static const struct ctl_command version_cmd = {"version", "", 0, 0, ctl_version};
CTL_REGISTER(list_commands_cmd)
CTL_REGISTER(version_cmd)

/* One client connection. */
struct ctl_conn {
	int fd;                   /* Connected socket, -1 when the slot is free. */
	struct jsonrpc_rxbuf rx;  /* Bytes received and not yet handled. */
};

struct ctl_server {
	int fd;                              /* Listening socket. */
	char *path;                          /* Socket file, removed at close. */
	struct ctl_conn conns[CTL_MAX_CONNS]; /* Connections; fd -1 marks a free slot. */
};

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
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno != EADDRINUSE)
			goto bind_err;
		/* Someone left a socket there: refuse if a daemon answers, else take it over. */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0;

		if (probe >= 0)
			close(probe);
		if (live) {
			ds_put_format(err,
				"%s is in use by a running trestled; stop it first or choose another "
				"socket with --ctl",
				path);
			close(fd);
			return -EADDRINUSE;
		}
		unlink(path);
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			goto bind_err;
	}
	chmod(path, 0660);
	if (listen(fd, 16) < 0) {
		ret = -errno;
		ds_put_format(err, "listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return ret;
	}
	srv = calloc(1, sizeof(*srv));
	srv->fd = fd;
	srv->path = strdup(path);
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

int
ctl_server_epoll_add(struct ctl_server *srv, int epfd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = srv->fd};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, srv->fd, &ev) < 0 ? -errno : 0;
}

static void
ctl_conn_close(struct ctl_conn *c, int epfd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	jsonrpc_rxbuf_destroy(&c->rx);
}

static void
ctl_accept(struct ctl_server *srv, int epfd)
{
	int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *c = &srv->conns[i];

		if (c->fd >= 0)
			continue;
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			break;
		c->fd = fd;
		jsonrpc_rxbuf_init(&c->rx, JSONRPC_MAX_MSG);
		/* Replies can be large (flow dumps); give a slow reader time, not forever. */
		struct timeval tv = {.tv_sec = 5};
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		return;
	}
	TLOG(WARNING, "ctl: refusing a connection, %d already open", CTL_MAX_CONNS);
	close(fd);
}

/* Sends an error reply that is not tied to a request id (bad framing) and logs it. */
static void
ctl_send_error(int fd, json_t *id, const char *msg)
{
	json_t *reply = jsonrpc_reply(NULL, msg, id ? id : json_null());

	jsonrpc_send(fd, reply);
	json_decref(reply);
}

static void
ctl_handle_request(int fd, const json_t *msg)
{
	const char *method, **params;
	char err[256];
	json_t *id;
	int argc;

	if (jsonrpc_parse_request(msg, &method, &params, &argc, &id, err, sizeof(err)) < 0) {
		TLOG(INFO, "ctl: bad request: %s", err);
		ctl_send_error(fd, json_object_get(msg, "id"), err);
		return;
	}

	const char **argv = calloc((size_t)argc + 2, sizeof(*argv));
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
	jsonrpc_send(fd, reply);
	json_decref(reply);
	ds_destroy(&out);
	free(argv);
}

static void
ctl_conn_input(struct ctl_conn *c, int epfd)
{
	char buf[65536];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		ctl_conn_close(c, epfd);
		return;
	}
	if (n < 0)
		return;
	if (jsonrpc_rxbuf_append(&c->rx, buf, (size_t)n) < 0) {
		TLOG(INFO, "ctl: request over %u bytes, closing the connection", JSONRPC_MAX_MSG);
		ctl_send_error(c->fd, NULL, "request too long");
		ctl_conn_close(c, epfd);
		return;
	}
	for (;;) {
		char err[256];
		json_t *msg;
		int ret = jsonrpc_rxbuf_next(&c->rx, &msg, err, sizeof(err));

		if (ret == 0)
			return;
		if (ret < 0) {
			TLOG(INFO, "ctl: not JSON-RPC (%s), closing the connection", err);
			char m[300];
			snprintf(m, sizeof(m), "request is not valid JSON: %s", err);
			ctl_send_error(c->fd, NULL, m);
			ctl_conn_close(c, epfd);
			return;
		}
		ctl_handle_request(c->fd, msg);
		json_decref(msg);
	}
}

int
ctl_server_handle(struct ctl_server *srv, int epfd, int fd)
{
	if (fd == srv->fd) {
		ctl_accept(srv, epfd);
		return 1;
	}
	for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
		if (srv->conns[i].fd == fd) {
			ctl_conn_input(&srv->conns[i], epfd);
			return 1;
		}
	}
	return 0;
}

void
ctl_server_close(struct ctl_server *srv)
{
	if (srv == NULL)
		return;
	for (unsigned i = 0; i < CTL_MAX_CONNS; i++) {
		if (srv->conns[i].fd >= 0) {
			close(srv->conns[i].fd);
			jsonrpc_rxbuf_destroy(&srv->conns[i].rx);
		}
	}
	close(srv->fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}
