/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC framing for the command channel (see jsonrpc.h), used by the daemon's ctl server
 * and the client. A message ends where a complete JSON value ends; jansson's parser, told not
 * to expect end of input, says where.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>

#include "ctl_proto.h"
#include "ds.h"
#include "jsonrpc.h"

void
jsonrpc_rxbuf_init(struct jsonrpc_rxbuf *rx)
{
	rx->buf = NULL;
	rx->len = 0;
	rx->alloc = 0;
}

void
jsonrpc_rxbuf_destroy(struct jsonrpc_rxbuf *rx)
{
	free(rx->buf);
	jsonrpc_rxbuf_init(rx);
}

int
jsonrpc_rxbuf_append(struct jsonrpc_rxbuf *rx, const char *data, size_t n)
{
	if (rx->len + n > JSONRPC_MAX_MSG)
		return -EMSGSIZE;
	if (rx->len + n + 1 > rx->alloc) {
		size_t alloc = rx->alloc ? rx->alloc : 4096;
		while (alloc < rx->len + n + 1)
			alloc *= 2;
		char *b = realloc(rx->buf, alloc);
		if (b == NULL)
			return -ENOMEM;
		rx->buf = b;
		rx->alloc = alloc;
	}
	memcpy(rx->buf + rx->len, data, n);
	rx->len += n;
	rx->buf[rx->len] = '\0';
	return 0;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether s (n bytes, n > 0) can begin a JSON number: "-", "1.", "2e+" want more digits. */
static bool
number_prefix(const char *s, size_t n)
{
	size_t i = 0;

	if (s[i] == '-' && ++i == n)
		return true;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		if (++i == n)
			return true;
		if (s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

/*
 * How many bytes at the end of b (n bytes) may be a token cut short, which more bytes could
 * complete: an escape ("\\", "\\u12"), a UTF-8 character, or a word ("tr" of true, "nul" of
 * null, "-" or "1." of a number); 0 when there is none. jansson calls these an invalid
 * escape, invalid UTF-8 or an invalid token rather than a premature end.
 */
static size_t
cut_token_len(const char *b, size_t n)
{
	static const char *const literals[] = {"true", "false", "null"};
	size_t k = 0;

	/* An odd run of backslashes at the end: the last one starts an escape. */
	while (k < n && b[n - 1 - k] == '\\')
		k++;
	if (k % 2 == 1)
		return 1;
	/* "\\u" and fewer than four hex digits, the backslash itself not escaped. */
	for (size_t d = 0; d < 4 && d + 2 <= n; d++) {
		size_t u = n - d - 1; /* Where the 'u' would be. */
		bool digits = true;
		for (size_t i = u + 1; i < n; i++)
			digits &= is_hex(b[i]);
		if (!digits)
			break;
		if (b[u] == 'u' && b[u - 1] == '\\') {
			size_t bs = 0;
			while (bs < u && b[u - 1 - bs] == '\\')
				bs++;
			if (bs % 2 == 1)
				return d + 2;
		}
	}
	/* A UTF-8 lead byte whose continuation bytes have not all arrived. */
	for (size_t i = 1; i <= 3 && i <= n; i++) {
		unsigned char c = (unsigned char)b[n - i];
		if ((c & 0xc0) == 0x80)
			continue; /* A continuation byte: look further back. */
		size_t need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
		if (need > i)
			return i;
		break;
	}
	/* A literal or a number not yet whole. */
	for (k = 0; k < n; k++) {
		char c = b[n - 1 - k];
		if (!isalnum((unsigned char)c) && c != '.' && c != '+' && c != '-')
			break;
	}
	if (k == 0)
		return 0;
	for (size_t i = 0; i < sizeof(literals) / sizeof(literals[0]); i++)
		if (k < strlen(literals[i]) && !strncmp(b + n - k, literals[i], k))
			return k;
	return number_prefix(b + n - k, k) ? k : 0;
}

/*
 * Whether bytes that do not parse (n of them at b) may still become a message: a read can stop
 * anywhere (a 300 KB add-flows file arrives in pieces; a reply's "error":null can be cut after
 * "nu"). So when they end in a token cut short, and the bytes before it are a message not yet
 * finished, wait for more; an error before the cut token stays whatever comes next.
 */
static bool
may_complete(const char *b, size_t n)
{
	size_t cut = cut_token_len(b, n);
	json_error_t jerr;

	if (cut == 0 || cut >= n)
		return false;
	json_t *v = json_loadb(b, n - cut, JSON_DISABLE_EOF_CHECK, &jerr);
	json_decref(v);
	return v == NULL && json_error_code(&jerr) == json_error_premature_end_of_input;
}

int
jsonrpc_rxbuf_next(struct jsonrpc_rxbuf *rx, json_t **msg, char *err, size_t err_len)
{
	size_t start = 0;

	while (start < rx->len && strchr(" \t\r\n", rx->buf[start]))
		start++;
	if (start == rx->len) {
		rx->len = 0;
		return 0;
	}
	/* Requests are objects: anything else in front can never become one. */
	if (rx->buf[start] != '{') {
		if (err)
			snprintf(err, err_len, "unexpected '%c' where a JSON object should start",
				rx->buf[start]);
		return -EPROTO;
	}
	json_error_t jerr;
	json_t *v = json_loadb(rx->buf + start, rx->len - start, JSON_DISABLE_EOF_CHECK, &jerr);
	if (v == NULL) {
		/* Ran out of bytes: wait for more. Anything else: it will never parse. */
		if (json_error_code(&jerr) == json_error_premature_end_of_input ||
				may_complete(rx->buf + start, rx->len - start))
			return 0;
		if (err)
			snprintf(err, err_len, "%s", jerr.text);
		return -EPROTO;
	}
	size_t used = start + (size_t)jerr.position;
	memmove(rx->buf, rx->buf + used, rx->len - used);
	rx->len -= used;
	*msg = v;
	return 1;
}

int
jsonrpc_parse_request(const json_t *msg, const char **method, const char ***argv, int *argc,
	json_t **id, char *err, size_t err_len)
{
	json_t *m = json_object_get(msg, "method");
	json_t *p = json_object_get(msg, "params");
	json_t *i = json_object_get(msg, "id");

	if (!json_is_object(msg)) {
		snprintf(err, err_len, "request is not a JSON object");
		return -EINVAL;
	}
	if (!json_is_string(m)) {
		snprintf(err, err_len, "request has no \"method\" string");
		return -EINVAL;
	}
	if (i == NULL) {
		snprintf(err, err_len, "request has no \"id\"");
		return -EINVAL;
	}
	if (p == NULL) {
		p = json_array();
		json_object_set_new((json_t *)msg, "params", p);
	}
	if (!json_is_array(p)) {
		snprintf(err, err_len, "\"params\" must be an array of strings");
		return -EINVAL;
	}
	size_t n = json_array_size(p);
	const char **v = calloc(n + 1, sizeof(*v));
	for (size_t k = 0; k < n; k++) {
		json_t *s = json_array_get(p, k);
		if (!json_is_string(s)) {
			snprintf(err, err_len, "\"params\" must be an array of strings (element %zu is not)",
				k);
			free(v);
			return -EINVAL;
		}
		v[k] = json_string_value(s);
	}
	*method = json_string_value(m);
	*argv = v;
	*argc = (int)n;
	*id = i;
	return 0;
}

json_t *
jsonrpc_request(const char *method, int argc, const char *const *argv, json_int_t id)
{
	json_t *params = json_array();

	for (int i = 0; i < argc; i++)
		json_array_append_new(params, json_string(argv[i]));
	return json_pack("{s:s, s:o, s:I}", "method", method, "params", params, "id", id);
}

json_t *
jsonrpc_reply(const char *result, const char *error, json_t *id)
{
	json_t *r = json_object();

	json_object_set_new(r, "result", error ? json_null() : json_string(result ? result : ""));
	json_object_set_new(r, "error", error ? json_string(error) : json_null());
	json_object_set(r, "id", id ? id : json_null());
	return r;
}

int
jsonrpc_send(int fd, const json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;

	if (s == NULL)
		return -ENOMEM;
	len = strlen(s);
	while (off < len) {
		ssize_t n = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/*
			 * The daemon's sockets are non-blocking: a reply bigger than the socket
			 * buffer (dump-flows of thousands of rules) must wait for the client to
			 * read, or it was lost and the client waited for ever. A client that
			 * reads nothing for JSONRPC_SEND_WAIT_MS loses its reply.
			 */
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = {.fd = fd, .events = POLLOUT};
				int r = poll(&pfd, 1, JSONRPC_SEND_WAIT_MS);
				if (r > 0 || (r < 0 && errno == EINTR))
					continue;
				errno = r == 0 ? ETIMEDOUT : errno;
			}
			int ret = -errno;
			free(s);
			return ret;
		}
		off += (size_t)n;
	}
	free(s);
	return 0;
}

void
ctl_proto_exit_status(struct ds *out, int status, const char *msg)
{
	ds_put_format(out, CTL_PROTO_EXIT_PREFIX "%d:%s", status, msg ? msg : "");
}

int
ctl_proto_parse_exit_status(const char *err, const char **msg)
{
	size_t n = strlen(CTL_PROTO_EXIT_PREFIX);

	if (strncmp(err, CTL_PROTO_EXIT_PREFIX, n))
		return 0;
	char *end;
	long st = strtol(err + n, &end, 10);
	if (end == err + n || *end != ':' || st < 1 || st > 125)
		return 0;
	*msg = end + 1;
	return (int)st;
}
