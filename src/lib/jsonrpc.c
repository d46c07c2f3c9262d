/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC framing for the command channel (see jsonrpc.h), used by the daemon's ctl server
 * and the client. A message ends where a complete JSON value ends: a scan of each byte as it
 * arrives finds the closing brace, and jansson parses the message once, whole.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_proto.h"
#include "ds.h"
#include "jsonrpc.h"

void
jsonrpc_rxbuf_init(struct jsonrpc_rxbuf *rx, size_t max)
{
	memset(rx, 0, sizeof(*rx));
	rx->max = max;
}

void
jsonrpc_rxbuf_destroy(struct jsonrpc_rxbuf *rx)
{
	free(rx->buf);
	jsonrpc_rxbuf_init(rx, rx->max);
}

int
jsonrpc_rxbuf_append(struct jsonrpc_rxbuf *rx, const char *data, size_t n)
{
	if (rx->len - rx->head + n > rx->max)
		return -EMSGSIZE;
	if (rx->len + n + 1 > rx->alloc && rx->head > 0) {
		/* Out of room: drop the bytes already taken out before growing. */
		memmove(rx->buf, rx->buf + rx->head, rx->len - rx->head);
		rx->len -= rx->head;
		rx->scan -= rx->head;
		rx->head = 0;
	}
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
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Scans the bytes not yet scanned of the message at head. Returns true when its closing brace
 * is there (rx->scan just past it). A read can stop anywhere, inside an escape or a UTF-8
 * character included: the scan only looks at quotes, backslashes and brackets, which never
 * occur inside a multi-byte character, and keeps its state across reads.
 */
static bool
scan_to_end(struct jsonrpc_rxbuf *rx)
{
	while (rx->scan < rx->len) {
		char c = rx->buf[rx->scan++];

		if (rx->in_str) {
			if (rx->esc)
				rx->esc = false;
			else if (c == '\\')
				rx->esc = true;
			else if (c == '"')
				rx->in_str = false;
		} else if (c == '"') {
			rx->in_str = true;
		} else if (c == '{' || c == '[') {
			rx->depth++;
		} else if ((c == '}' || c == ']') && --rx->depth == 0) {
			return true;
		}
	}
	return false;
}

int
jsonrpc_rxbuf_next(struct jsonrpc_rxbuf *rx, json_t **msg, char *err, size_t err_len)
{
	if (rx->scan == rx->head) {
		/* Between messages: skip white space; a message must start with its brace. */
		while (rx->head < rx->len && is_space(rx->buf[rx->head]))
			rx->head++;
		rx->scan = rx->head;
		if (rx->head == rx->len) {
			rx->head = rx->len = rx->scan = 0;
			return 0;
		}
		/* Requests are objects: anything else in front can never become one. */
		if (rx->buf[rx->head] != '{') {
			if (err)
				snprintf(err, err_len,
					"unexpected '%c' where a JSON object should start",
					rx->buf[rx->head]);
			return -EPROTO;
		}
	}
	if (!scan_to_end(rx))
		return 0;

	/* The brackets balance: now parse it, once. Anything wrong inside is an error. */
	json_error_t jerr;
	json_t *v = json_loadb(rx->buf + rx->head, rx->scan - rx->head, 0, &jerr);
	if (v == NULL) {
		if (err)
			snprintf(err, err_len, "%s", jerr.text);
		return -EPROTO;
	}
	rx->head = rx->scan;
	*msg = v;
	return 1;
}

size_t
jsonrpc_rxbuf_pending(const struct jsonrpc_rxbuf *rx)
{
	return rx->len - rx->head;
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
jsonrpc_txq_init(struct jsonrpc_txq *q, size_t max)
{
	memset(q, 0, sizeof(*q));
	q->max = max;
}

void
jsonrpc_txq_destroy(struct jsonrpc_txq *q)
{
	free(q->buf);
	jsonrpc_txq_init(q, q->max);
}

size_t
jsonrpc_txq_len(const struct jsonrpc_txq *q)
{
	return q->len - q->head;
}

int
jsonrpc_txq_push(struct jsonrpc_txq *q, const json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);

	if (s == NULL)
		return -ENOMEM;
	size_t n = strlen(s);
	if (jsonrpc_txq_len(q) + n > q->max) {
		free(s);
		return -EMSGSIZE;
	}
	if (jsonrpc_txq_len(q) == 0) {
		/* The usual case (one reply at a time): the serialised text becomes the queue. */
		free(q->buf);
		q->buf = s;
		q->head = 0;
		q->len = q->alloc = n;
		return 0;
	}
	if (q->len + n > q->alloc) {
		memmove(q->buf, q->buf + q->head, q->len - q->head);
		q->len -= q->head;
		q->head = 0;
	}
	if (q->len + n > q->alloc) {
		size_t alloc = q->alloc * 2 > q->len + n ? q->alloc * 2 : q->len + n;
		char *b = realloc(q->buf, alloc);
		if (b == NULL) {
			free(s);
			return -ENOMEM;
		}
		q->buf = b;
		q->alloc = alloc;
	}
	memcpy(q->buf + q->len, s, n);
	q->len += n;
	free(s);
	return 0;
}

int
jsonrpc_txq_flush(struct jsonrpc_txq *q, int fd)
{
	while (q->head < q->len) {
		ssize_t n = send(fd, q->buf + q->head, q->len - q->head,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		q->head += (size_t)n;
	}
	/* Sent: give back the memory (a flow dump's may be tens of MB). */
	jsonrpc_txq_destroy(q);
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
