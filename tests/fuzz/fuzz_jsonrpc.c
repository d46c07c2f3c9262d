/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness for the command channel's framing: arbitrary bytes through
 * jsonrpc_rxbuf_append()/jsonrpc_rxbuf_next() as the daemon's reads deliver them, each
 * message through jsonrpc_parse_request().
 *
 * Input: the bytes a peer sends on the socket.
 *
 * Oracles: a stream gives the same messages and the same end (waiting for more, or an error
 * after the same messages) whether it arrives whole, byte by byte, or cut anywhere (cuts
 * drawn from a hash of the input); a request that parses, rebuilt with jsonrpc_request(),
 * parses to the same method and arguments; a reply built from it reads back the same.
 */
#include <errno.h>
#include <stdbool.h>

#include "ds.h"
#include "fuzz.h"
#include "jsonrpc.h"

/* Inputs up to this long are also fed one byte at a time (quadratic work). */
#define BYTE_BY_BYTE_MAX 512

/* Reads one message back through a fresh receive buffer. */
static json_t *
reread(const json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	struct jsonrpc_rxbuf rx;
	json_t *back = NULL;
	char err[128] = "";

	FUZZ_CHECK(s != NULL, "a message that does not print");
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
	FUZZ_CHECK(jsonrpc_rxbuf_append(&rx, s, strlen(s)) == 0, "append");
	FUZZ_CHECK(jsonrpc_rxbuf_next(&rx, &back, err, sizeof(err)) == 1,
		"what jansson printed does not read back: %s (%s)", s, err);
	jsonrpc_rxbuf_destroy(&rx);
	free(s);
	return back;
}

/* What the daemon does with one message; appends an account of it to log. */
static void
handle(json_t *msg, struct ds *log)
{
	char *s = json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	const char *method, **argv;
	json_t *id;
	char err[256] = "";
	int argc;

	ds_put_format(log, "message %s\n", s ? s : "(unprintable)");
	free(s);
	int ret = jsonrpc_parse_request(msg, &method, &argv, &argc, &id, err, sizeof(err));
	if (ret < 0) {
		FUZZ_CHECK(err[0] != '\0', "a request refused without a message");
		ds_put_format(log, "refused %d\n", ret);
		json_decref(msg);
		return;
	}
	ds_put_format(log, "request %s %d\n", method, argc);

	/* The client's builder gives back the same request. */
	json_t *req = jsonrpc_request(method, argc, argv, 1);
	json_t *back = reread(req);
	const char *m2, **a2;
	json_t *id2;
	int n2;
	FUZZ_CHECK(jsonrpc_parse_request(back, &m2, &a2, &n2, &id2, err, sizeof(err)) == 0,
		"a rebuilt request is refused: %s", err);
	FUZZ_CHECK(!strcmp(method, m2) && argc == n2, "a rebuilt request differs");
	for (int i = 0; i < argc; i++)
		FUZZ_CHECK(!strcmp(argv[i], a2[i]), "argument %d differs", i);
	free(a2);
	json_decref(back);
	json_decref(req);

	/* The reply to it, both kinds, reads back the same. */
	for (int e = 0; e < 2; e++) {
		json_t *rep = jsonrpc_reply(e ? NULL : method, e ? method : NULL, id);
		back = reread(rep);
		const char *r = json_string_value(json_object_get(back, e ? "error" : "result"));
		FUZZ_CHECK(r && !strcmp(r, method), "a reply reads back differently");
		FUZZ_CHECK(json_equal(json_object_get(back, "id"), id), "a reply's id differs");
		json_decref(back);
		json_decref(rep);
	}
	free(argv);
	json_decref(msg);
}

/* Takes every whole message out of rx; returns the last jsonrpc_rxbuf_next() result. */
static int
drain(struct jsonrpc_rxbuf *rx, struct ds *log)
{
	json_t *msg;
	char err[256];
	int r;

	while ((r = jsonrpc_rxbuf_next(rx, &msg, err, sizeof(err))) == 1)
		handle(msg, log);
	if (r < 0)
		FUZZ_CHECK(err[0] != '\0', "an error without a message");
	return r;
}

/* Feeds data in pieces whose lengths next_len() draws (0: all that is left). */
static void
feed(const uint8_t *data, size_t size, size_t (*next_len)(uint64_t *), uint64_t seed,
	struct ds *log)
{
	struct jsonrpc_rxbuf rx;
	size_t off = 0;
	int r = 0;

	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
	while (off < size) {
		size_t n = next_len(&seed);
		if (n == 0 || n > size - off)
			n = size - off;
		FUZZ_CHECK(jsonrpc_rxbuf_append(&rx, (const char *)data + off, n) == 0, "append");
		off += n;
		if ((r = drain(&rx, log)) < 0)
			break;
	}
	/* What is left, but for whitespace between messages (whole or not, no matter). */
	size_t ws = 0;
	while (r == 0 && ws < rx.b.len && strchr(" \t\r\n", rx.b.buf[ws]))
		ws++;
	ds_put_format(log, "end %d, %zu bytes left\n", r, r < 0 ? (size_t)0 : rx.b.len - ws);
	jsonrpc_rxbuf_destroy(&rx);
}

static size_t
whole(uint64_t *s)
{
	return 0;
}

static size_t
one(uint64_t *s)
{
	return 1;
}

static size_t
random_cut(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return 1 + (size_t)((*s >> 8) % ((*s & 1) ? 8 : 256));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds a = DS_INIT, b = DS_INIT;
	uint64_t seed = 1469598103934665603ull; /* FNV-1a of the input: cuts it depends on. */

	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ull;
	feed(data, size, whole, 0, &a);
	feed(data, size, random_cut, seed | 1, &b);
	FUZZ_CHECK(!strcmp(ds_cstr(&a), ds_cstr(&b)), "whole:\n%s\ncut at random:\n%s", ds_cstr(&a),
		ds_cstr(&b));
	if (size <= BYTE_BY_BYTE_MAX) {
		ds_clear(&b);
		feed(data, size, one, 0, &b);
		FUZZ_CHECK(!strcmp(ds_cstr(&a), ds_cstr(&b)), "whole:\n%s\nbyte by byte:\n%s",
			ds_cstr(&a), ds_cstr(&b));
	}
	ds_destroy(&a);
	ds_destroy(&b);
	return 0;
}
