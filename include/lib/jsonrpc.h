/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC framing of the command channel, as Open vSwitch's unixctl speaks it: JSON values sent
 * back to back on a stream socket, no length prefix. A request is
 * {"method": "...", "params": ["string", ...], "id": N}; a reply is
 * {"result": "text", "error": null, "id": N} or {"result": null, "error": "text", "id": N}.
 * Used by the daemon's ctl server and by the trestle client.
 */
#ifndef TRESTLE_JSONRPC_H
#define TRESTLE_JSONRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Largest request accepted, in bytes. A client that sends more is cut off. */
#define JSONRPC_MAX_MSG (4u << 20)
/*
 * Largest reply accepted, in bytes. The biggest replies are flow dumps: ~140 bytes a rule for
 * an IPv4 5-tuple, over 300 with IPv6 addresses and rewrites, so 14,000 such rules already
 * passed the request limit, and the client refused the dump.
 */
#define JSONRPC_MAX_REPLY (32u << 20)

/*
 * Bytes in a buffer of bounded length, taken out from the front: what a receive buffer and a
 * send queue (below) both hold. Only jsonrpc.c and its tests read the members.
 */
struct jsonrpc_bytes {
	char *buf;    /* The bytes; those before head are taken out already. */
	size_t head;  /* First byte not taken out (not yet parsed, or not yet sent). */
	size_t len;   /* End of the bytes. */
	size_t alloc; /* Size of buf. */
	size_t max;   /* Most bytes from head to len at once: a message's limit. */
};

/*
 * A receive buffer that collects bytes until a whole JSON value has arrived. Each byte is
 * scanned once (strings, escapes, nesting) to find where the value ends, and the value is
 * parsed once, when it is whole: a message that arrives in many reads costs no more than one
 * that arrives in one.
 */
struct jsonrpc_rxbuf {
	struct jsonrpc_bytes b; /* Bytes received; those before b.head are already taken out. */
	size_t scan;            /* How far the scan for the end of the message at b.head has got. */
	unsigned depth;         /* Objects and arrays open at scan, outside strings. */
	bool in_str;            /* scan is inside a string. */
	bool esc;               /* ... right after a backslash that escapes the next byte. */
};

/* An empty buffer that holds at most max bytes not yet taken out (a message's limit). */
void jsonrpc_rxbuf_init(struct jsonrpc_rxbuf *rx, size_t max);
void jsonrpc_rxbuf_destroy(struct jsonrpc_rxbuf *rx);
/* Appends n received bytes. Returns 0, or -EMSGSIZE when the buffer would pass its max. */
int jsonrpc_rxbuf_append(struct jsonrpc_rxbuf *rx, const char *data, size_t n);
/*
 * Takes the first complete JSON value out of the buffer. Returns 1 and sets *msg (the caller
 * owns it) when one was there, 0 when more bytes are needed, -EPROTO when the bytes cannot
 * be JSON (err, if not NULL, gets jansson's message): at once when they do not start with an
 * object's brace, else when the object's brackets balance and its text does not parse.
 */
int jsonrpc_rxbuf_next(struct jsonrpc_rxbuf *rx, json_t **msg, char *err, size_t err_len);
/*
 * Bytes buffered and not taken out yet. After jsonrpc_rxbuf_next() returned 0, those of a
 * message not yet whole (white space between messages is not counted).
 */
size_t jsonrpc_rxbuf_pending(const struct jsonrpc_rxbuf *rx);

/*
 * Checks that msg is a well-formed request and extracts its parts. params must be an array
 * of strings. Returns 0, or -EINVAL with a message in err.
 */
int jsonrpc_parse_request(const json_t *msg, const char **method, const char ***argv, int *argc,
	json_t **id, char *err, size_t err_len);

/* Builds a request; argv may be NULL when argc is 0. */
json_t *jsonrpc_request(const char *method, int argc, const char *const *argv, json_int_t id);
/* Builds a reply: result text on success, or error text when error is not NULL. */
json_t *jsonrpc_reply(const char *result, const char *error, json_t *id);
/* Serialises msg and writes all of it to fd, a blocking socket (the client's). 0 or -errno. */
int jsonrpc_send(int fd, const json_t *msg);

/*
 * The messages a peer has not taken yet (the daemon's replies to a client that reads slowly,
 * or not at all): sent from without ever blocking, as far as the socket takes them, and
 * bounded: a message that would take the queue past max is refused.
 */
struct jsonrpc_txq {
	struct jsonrpc_bytes b; /* Serialised messages; b.head to b.len not sent yet. */
};

void jsonrpc_txq_init(struct jsonrpc_txq *q, size_t max);
void jsonrpc_txq_destroy(struct jsonrpc_txq *q);
/* Queues msg, serialised. Returns 0, -EMSGSIZE (nothing queued) past max, or -ENOMEM. */
int jsonrpc_txq_push(struct jsonrpc_txq *q, const json_t *msg);
/*
 * Sends what fd takes now. Returns 0 when the queue is empty, -EAGAIN when bytes are left
 * (wait until fd is writable), another -errno when the peer is gone (EPIPE, ECONNRESET).
 */
int jsonrpc_txq_flush(struct jsonrpc_txq *q, int fd);
/* Bytes queued and not sent yet. */
size_t jsonrpc_txq_len(const struct jsonrpc_txq *q);

#endif
