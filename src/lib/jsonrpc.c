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
#include "xalloc.h"

/* ---- Bytes taken out from the front, shared by the receive buffer and the send queue ---- */

static void
bytes_init(struct jsonrpc_bytes *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

/* The bytes not taken out yet. */
static size_t
bytes_pending(const struct jsonrpc_bytes *b)
{
	return b->len - b->head;
}

/*
 * Makes room for want bytes from the start of buf: first by moving the bytes not yet taken out
 * to the front (*moved says by how much), then by doubling buf, from 4096. 0 or -ENOMEM.
 */
static int
bytes_reserve(struct jsonrpc_bytes *b, size_t want, size_t *moved)
{
	*moved = 0;
	if (want > b->alloc && b->head > 0) {
		memmove(b->buf, b->buf + b->head, b->len - b->head);
		*moved = b->head;
		b->len -= b->head;
		b->head = 0;
		want -= *moved;
	}
	if (want > b->alloc) {
		size_t alloc = b->alloc ? b->alloc : 4096;
		while (alloc < want)
			alloc *= 2;
		char *p = realloc(b->buf, alloc);
		if (p == NULL)
			return -ENOMEM;
		b->buf = p;
		b->alloc = alloc;
	}
	return 0;
}

/* ---- Receiving ---- */

void
jsonrpc_rxbuf_init(struct jsonrpc_rxbuf *rx, size_t max)
{
	memset(rx, 0, sizeof(*rx));
	bytes_init(&rx->b, max);
}

void
jsonrpc_rxbuf_destroy(struct jsonrpc_rxbuf *rx)
{
	free(rx->b.buf);
	jsonrpc_rxbuf_init(rx, rx->b.max);
}

int
jsonrpc_rxbuf_append(struct jsonrpc_rxbuf *rx, const char *data, size_t n)
{
	size_t moved;

	if (bytes_pending(&rx->b) + n > rx->b.max)
		return -EMSGSIZE;
	/* One byte more for the NUL that ends the text. */
	if (bytes_reserve(&rx->b, rx->b.len + n + 1, &moved) < 0)
		return -ENOMEM;
	rx->scan -= moved;
	memcpy(rx->b.buf + rx->b.len, data, n);
	rx->b.len += n;
	rx->b.buf[rx->b.len] = '\0';
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
	while (rx->scan < rx->b.len) {
		char c = rx->b.buf[rx->scan++];

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
	if (rx->scan == rx->b.head) {
		/* Between messages: skip white space; a message must start with its brace. */
		while (rx->b.head < rx->b.len && is_space(rx->b.buf[rx->b.head]))
			rx->b.head++;
		rx->scan = rx->b.head;
		if (rx->b.head == rx->b.len) {
			rx->b.head = rx->b.len = rx->scan = 0;
			return 0;
		}
		/* Requests are objects: anything else in front can never become one. */
		if (rx->b.buf[rx->b.head] != '{') {
			if (err)
				snprintf(err, err_len,
					"unexpected '%c' where a JSON object should start",
					rx->b.buf[rx->b.head]);
			return -EPROTO;
		}
	}
	if (!scan_to_end(rx))
		return 0;

	/* The brackets balance: now parse it, once. Anything wrong inside is an error. */
	json_error_t jerr;
	json_t *v = json_loadb(rx->b.buf + rx->b.head, rx->scan - rx->b.head, 0, &jerr);
	if (v == NULL) {
		if (err)
			snprintf(err, err_len, "%s", jerr.text);
		return -EPROTO;
	}
	rx->b.head = rx->scan;
	*msg = v;
	return 1;
}

size_t
jsonrpc_rxbuf_pending(const struct jsonrpc_rxbuf *rx)
{
	return bytes_pending(&rx->b);
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
	const char **v = xcalloc(n + 1, sizeof(*v));
	for (size_t k = 0; k < n; k++) {
		json_t *s = json_array_get(p, k);
		if (!json_is_string(s)) {
			snprintf(err, err_len,
				"\"params\" must be an array of strings (element %zu is not)", k);
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

/* ---- Sending without blocking ---- */

void
jsonrpc_txq_init(struct jsonrpc_txq *q, size_t max)
{
	bytes_init(&q->b, max);
}

void
jsonrpc_txq_destroy(struct jsonrpc_txq *q)
{
	free(q->b.buf);
	bytes_init(&q->b, q->b.max);
}

size_t
jsonrpc_txq_len(const struct jsonrpc_txq *q)
{
	return bytes_pending(&q->b);
}

int
jsonrpc_txq_push(struct jsonrpc_txq *q, const json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	size_t moved;

	if (s == NULL)
		return -ENOMEM;
	size_t n = strlen(s);
	if (bytes_pending(&q->b) + n > q->b.max) {
		free(s);
		return -EMSGSIZE;
	}
	if (bytes_pending(&q->b) == 0) {
		/* The usual case (one reply at a time): the serialised text becomes the queue. */
		free(q->b.buf);
		q->b.buf = s;
		q->b.head = 0;
		q->b.len = q->b.alloc = n;
		return 0;
	}
	if (bytes_reserve(&q->b, q->b.len + n, &moved) < 0) {
		free(s);
		return -ENOMEM;
	}
	memcpy(q->b.buf + q->b.len, s, n);
	q->b.len += n;
	free(s);
	return 0;
}

int
jsonrpc_txq_flush(struct jsonrpc_txq *q, int fd)
{
	while (q->b.head < q->b.len) {
		ssize_t n = send(fd, q->b.buf + q->b.head, q->b.len - q->b.head,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		q->b.head += (size_t)n;
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
