/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trestle: the command-line client. Command's walk, first step: it turns its argv into one
 * JSON-RPC request on the ctl socket and prints the reply. It parses no command grammar itself:
 *
 *   trestle [--ctl S] [--timeout N] VSCTL-ARGS...   -> method "vsctl", params = the args
 *   trestle ofctl COMMAND ARGS...                   -> method "ofctl", params = [COMMAND, ARGS]
 *   trestle appctl COMMAND ARGS...                  -> method COMMAND, params = ARGS
 *   trestle module/verb ARGS...                     -> method "module/verb" (as ovs-appctl)
 *   trestle list-commands | version                 -> those methods
 * Run through a link named ovs-vsctl, ovs-ofctl or ovs-appctl, it acts as that tool.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "jsonrpc.h"
#include "xalloc.h"

#define DEFAULT_CTL "/run/trestle/trestled.ctl"

enum mode { MODE_TRESTLE, MODE_VSCTL, MODE_OFCTL, MODE_APPCTL };

static const char *prog = "trestle";

static void
usage(void)
{
	printf("usage: %s [--ctl SOCKET] [--timeout SECS] COMMAND [ARG...]\n"
	       "  trestle [OPTIONS] VSCTL-COMMAND ...   ovs-vsctl grammar (add-br, add-port, "
	       "show,\n"
	       "                                        list, set, ... chained with --)\n"
	       "  trestle ofctl COMMAND ...             flow-table commands, as ovs-ofctl\n"
	       "  trestle appctl COMMAND ...            runtime commands, as ovs-appctl\n"
	       "  trestle MODULE/VERB ...               same as appctl (e.g. trestle fdb/show "
	       "br0)\n"
	       "  trestle list-commands | version       the daemon's commands and version\n"
	       "Options:\n"
	       "  --ctl SOCKET (appctl: -t SOCKET)      command socket (default $TRESTLE_CTL, "
	       "else\n"
	       "                                        " DEFAULT_CTL ")\n"
	       "  --timeout SECS                        give up after SECS seconds\n"
	       "  -h, --help / -V, --version\n"
	       "Installed as ovs-vsctl, ovs-ofctl or ovs-appctl, trestle behaves as that tool.\n",
		prog);
}

static int
connect_ctl(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "%s: socket path %s is too long\n", prog, path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr,
			"%s: cannot connect to %s: %s (is trestled running? use --ctl or "
			"TRESTLE_CTL)\n",
			prog, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints a reply; returns the exit status it asks for. */
static int
print_reply(const json_t *reply)
{
	json_t *error = json_object_get(reply, "error");
	json_t *result = json_object_get(reply, "result");

	if (json_is_string(error)) {
		const char *e = json_string_value(error), *msg = NULL;
		int status = ctl_proto_parse_exit_status(e, &msg);

		if (status) {
			if (*msg)
				fprintf(stderr, "%s: %s\n", prog, msg);
			return status;
		}
		fprintf(stderr, "%s: %s\n", prog, e);
		return 1;
	}
	if (json_is_string(result)) {
		fputs(json_string_value(result), stdout);
		return 0;
	}
	if (!json_is_null(error)) {
		char *s = json_dumps(error, JSON_COMPACT);
		fprintf(stderr, "%s: %s\n", prog, s ? s : "error");
		free(s);
		return 1;
	}
	return 0;
}

/* Sends the request, waits for the reply, prints it; returns the exit status. */
/* The whole of FILE ("-": standard input) as a string, or NULL with errno set. */
static char *
read_text(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t n = 0, cap = 4096;
	char *buf;

	if (f == NULL)
		return NULL;
	buf = malloc(cap);
	while (buf != NULL) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (f != stdin)
		fclose(f);
	if (buf != NULL)
		buf[n] = '\0';
	return buf;
}

static int
transact(const char *ctl, double timeout, const char *method, int argc, const char *const *argv)
{
	struct jsonrpc_rxbuf rx;
	json_t *reply = NULL;
	int fd = connect_ctl(ctl);

	if (fd < 0)
		return 1;
	json_t *req = jsonrpc_request(method, argc, argv, 0);
	int ret = jsonrpc_send(fd, req);
	json_decref(req);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot send to %s: %s\n", prog, ctl, strerror(-ret));
		close(fd);
		return 1;
	}

	double deadline = timeout > 0 ? now() + timeout : 0;
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_REPLY);
	for (;;) {
		char err[256];
		int r = jsonrpc_rxbuf_next(&rx, &reply, err, sizeof(err));

		if (r > 0)
			break;
		if (r < 0) {
			fprintf(stderr, "%s: bad reply from trestled: %s\n", prog, err);
			goto fail;
		}
		int wait_ms = -1;
		if (deadline) {
			double left = deadline - now();
			if (left <= 0) {
				fprintf(stderr,
					"%s: timed out after %g seconds waiting for trestled\n",
					prog, timeout);
				goto fail;
			}
			wait_ms = (int)(left * 1000) + 1;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
			goto fail;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		char buf[65536];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			fprintf(stderr, "%s: trestled closed the connection without a reply\n",
				prog);
			goto fail;
		}
		if (jsonrpc_rxbuf_append(&rx, buf, (size_t)n) < 0) {
			fprintf(stderr, "%s: reply over %u bytes\n", prog, JSONRPC_MAX_REPLY);
			goto fail;
		}
	}
	jsonrpc_rxbuf_destroy(&rx);
	close(fd);
	int status = print_reply(reply);
	json_decref(reply);
	return status;

fail:
	jsonrpc_rxbuf_destroy(&rx);
	close(fd);
	return 1;
}

static int
parse_timeout(const char *s, double *t)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "%s: invalid timeout \"%s\"\n", prog, s);
		return -1;
	}
	*t = v;
	return 0;
}

/* What a command line asks of the daemon. */
struct request {
	enum mode mode;     /* Which tool's grammar. */
	const char *ctl;    /* The daemon's socket. */
	double timeout;     /* Seconds to wait at most, 0 for ever. */
	const char *method; /* "vsctl", "ofctl", or the appctl command. */
};

/* The tool's grammar from the program's name (trestle, or a link named ovs-vsctl...). */
static enum mode
mode_of(const char *base)
{
	if (!strcmp(base, "ovs-vsctl"))
		return MODE_VSCTL;
	if (!strcmp(base, "ovs-ofctl"))
		return MODE_OFCTL;
	if (!strcmp(base, "ovs-appctl"))
		return MODE_APPCTL;
	return MODE_TRESTLE;
}

/*
 * Client options come first; *i ends at the first argument that is not one. Everything else
 * is forwarded unchanged: vsctl's own global options (--format, --if-exists, "--"
 * separators...) are the daemon's to parse. Returns -1 to go on, else the exit status.
 */
static int
parse_client_options(int argc, char **argv, int *i, struct request *r)
{
	for (; *i < argc; (*i)++) {
		const char *a = argv[*i];

		if (!strcmp(a, "--ctl") ||
			(r->mode == MODE_APPCTL && (!strcmp(a, "-t") || !strcmp(a, "--target")))) {
			if (++*i >= argc) {
				fprintf(stderr, "%s: %s needs an argument\n", prog, a);
				return 2;
			}
			r->ctl = argv[*i];
		} else if (!strncmp(a, "--ctl=", 6) || !strncmp(a, "--target=", 9)) {
			r->ctl = strchr(a, '=') + 1;
		} else if (!strcmp(a, "--timeout") ||
			   (!strcmp(a, "-t") && r->mode != MODE_APPCTL)) {
			if (++*i >= argc || parse_timeout(argv[*i], &r->timeout) < 0)
				return 2;
		} else if (!strncmp(a, "--timeout=", 10)) {
			if (parse_timeout(a + 10, &r->timeout) < 0)
				return 2;
		} else if (!strncmp(a, "--db=", 5) || !strcmp(a, "--no-wait") || !strcmp(a, "-v") ||
			   !strncmp(a, "--verbose", 9)) {
			/* ovs-vsctl options that mean nothing here (libvirt passes some). */
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("%s (Trestle) %s\n", prog, TRESTLE_VERSION);
			return 0;
		} else {
			return -1;
		}
	}
	return -1;
}

/*
 * As trestle, the first word picks the grammar: "ofctl", "appctl" (with its own -t and
 * --timeout after it), a "module/verb" command, or else vsctl. Then the method. Returns -1
 * to go on, else the exit status.
 */
static int
pick_method(int argc, char **argv, int *i, struct request *r)
{
	if (r->mode == MODE_TRESTLE) {
		const char *cmd = argv[*i];

		if (!strcmp(cmd, "ofctl")) {
			r->mode = MODE_OFCTL;
			(*i)++;
		} else if (!strcmp(cmd, "appctl")) {
			r->mode = MODE_APPCTL;
			for ((*i)++; *i < argc; (*i)++) {
				if ((!strcmp(argv[*i], "-t") || !strcmp(argv[*i], "--target")) &&
					*i + 1 < argc) {
					r->ctl = argv[++*i];
				} else if (!strcmp(argv[*i], "--timeout") && *i + 1 < argc) {
					if (parse_timeout(argv[++*i], &r->timeout) < 0)
						return 2;
				} else {
					break;
				}
			}
		} else if (strchr(cmd, '/') || !strcmp(cmd, "list-commands") ||
			   !strcmp(cmd, "version")) {
			r->mode = MODE_APPCTL;
		}
	}
	r->method = "vsctl";
	if (r->mode == MODE_OFCTL) {
		r->method = "ofctl";
	} else if (r->mode == MODE_APPCTL) {
		if (*i >= argc) {
			fprintf(stderr, "%s: missing command name; use --help for help\n", prog);
			return 2;
		}
		r->method = argv[(*i)++];
	}
	return -1;
}

/* The arguments for the daemon, into fwd[]; ovs-ofctl's options that do not apply are left out. */
static int
forward_args(int argc, char **argv, int i, enum mode mode, const char **fwd)
{
	int n = 0;

	for (; i < argc; i++) {
		if (mode == MODE_OFCTL) {
			/* OpenFlow versions and name display do not apply: accepted, ignored. */
			if (!strcmp(argv[i], "-O") || !strcmp(argv[i], "--protocols")) {
				i++;
				continue;
			}
			if (!strncmp(argv[i], "-O", 2) || !strncmp(argv[i], "--protocols=", 12) ||
				!strcmp(argv[i], "--names") || !strcmp(argv[i], "--no-names") ||
				!strcmp(argv[i], "--readd"))
				continue;
		}
		fwd[n++] = argv[i];
	}
	return n;
}

int
main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct request r = {.mode = mode_of(base),
		.ctl = getenv("TRESTLE_CTL") ? getenv("TRESTLE_CTL") : DEFAULT_CTL};
	int i = 1, st;

	if (r.mode != MODE_TRESTLE)
		prog = base;
	if ((st = parse_client_options(argc, argv, &i, &r)) >= 0)
		return st;
	if (i >= argc) {
		fprintf(stderr, "%s: missing command name; use --help for help\n", prog);
		return 2;
	}
	if ((st = pick_method(argc, argv, &i, &r)) >= 0)
		return st;

	const char **fwd = xcalloc((size_t)argc + 1, sizeof(*fwd));
	int nfwd = forward_args(argc, argv, i, r.mode, fwd);
	char *text = NULL;
	/* add-flows, replace-flows, diff-flows BR FILE: the daemon gets the file's text. */
	if (r.mode == MODE_OFCTL && nfwd == 3 &&
		(!strcmp(fwd[0], "add-flows") || !strcmp(fwd[0], "replace-flows") ||
			!strcmp(fwd[0], "diff-flows"))) {
		text = read_text(fwd[2]);
		if (text == NULL) {
			fprintf(stderr, "%s: %s: %s\n", prog, fwd[2], strerror(errno));
			free(fwd);
			return 1;
		}
		fwd[2] = text;
	}
	st = transact(r.ctl, r.timeout, r.method, nfwd, (const char *const *)fwd);
	free(fwd);
	free(text);
	return st;
}
