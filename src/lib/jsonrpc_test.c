/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the command channel's JSON-RPC framing (jsonrpc.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ds.h"
#include "jsonrpc.h"

/*
 * The parser, counted: a message that arrives in many pieces must be parsed once, when it is
 * whole, not once per piece (a 4 MiB request in 64 KiB reads was parsed 64 times, 128 MiB of
 * parsing on the control thread; a reply of 32 MiB in the client, 8 GiB).
 */
json_t *__real_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
static unsigned n_parses;

json_t *
__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
	n_parses++;
	return __real_json_loadb(buffer, buflen, flags, error);
}

static const char req[] = "{\"method\":\"vsctl\",\"params\":[\"add-br\",\"br0\"],\"id\":7}";

static void
test_byte_by_byte(void **state)
{
	struct jsonrpc_rxbuf rx;
	json_t *msg = NULL;

	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
	for (size_t i = 0; i < strlen(req); i++) {
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 0);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, &req[i], 1), 0);
	}
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 1);
	assert_string_equal(json_string_value(json_object_get(msg, "method")), "vsctl");
	json_decref(msg);
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 0);
	jsonrpc_rxbuf_destroy(&rx);
}

/*
 * Feeds text to a new buffer in two reads, cut bytes then the rest, for every cut: nothing may
 * come out of the first, the whole message out of the second, which check then looks at.
 */
static void
check_every_cut(const char *text, void (*check)(const json_t *msg))
{
	for (size_t cut = 1; cut < strlen(text); cut++) {
		struct jsonrpc_rxbuf rx;
		json_t *msg = NULL;
		char err[128] = "";

		jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, text, cut), 0);
		int r = jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err));
		if (r != 0)
			fail_msg("cut at %zu (\"%.*s\"): %d (%s)", cut, (int)cut, text, r, err);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, text + cut, strlen(text) - cut), 0);
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err)), 1);
		check(msg);
		json_decref(msg);
		jsonrpc_rxbuf_destroy(&rx);
	}
}

static void
check_escaped_param(const json_t *msg)
{
	const char *p = json_string_value(json_array_get(json_object_get(msg, "params"), 2));
	assert_string_equal(p, "a\nb\\c\"d\u00e9\u20ac\u00e9\u20ac\xf0\x9f\x98\x80");
}

/* Split anywhere, also inside an escape or a UTF-8 character, a message still arrives whole. */
static void
test_split_everywhere(void **state)
{
	(void)state;
	check_every_cut("{\"method\":\"ofctl\",\"params\":[\"add-flows\",\"br0\","
			"\"a\\nb\\\\c\\\"d\\u00e9\\u20ac\u00e9\u20ac\xf0\x9f\x98\x80\"],\"id\":1}",
		check_escaped_param);
}

static void
check_error_null(const json_t *msg)
{
	assert_true(json_is_null(json_object_get(msg, "error")));
}

/*
 * Split inside true, false, null or a number: the message is whole only at its closing brace
 * (the client once read a reply cut in its "error":null as garbage; found by fuzz_jsonrpc).
 */
static void
test_split_in_words(void **state)
{
	(void)state;
	check_every_cut("{\"result\":\"ok\",\"error\":null,\"id\":-1.5e+3,"
			"\"t\":true,\"f\":[false,0.25,-0,12E-2]}",
		check_error_null);
}

static void
test_two_in_one_buffer(void **state)
{
	struct jsonrpc_rxbuf rx;
	json_t *msg;
	char two[512];

	snprintf(two, sizeof(two), "%s  \n%s", req, req);
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, two, strlen(two)), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 1);
		json_decref(msg);
	}
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 0);
	/* What is pending: a begun message, not the white space before it. */
	assert_int_equal(jsonrpc_rxbuf_pending(&rx), 0);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, " \n", 2), 0);
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 0);
	assert_int_equal(jsonrpc_rxbuf_pending(&rx), 0);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, " {\"me", 5), 0);
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 0);
	assert_int_equal(jsonrpc_rxbuf_pending(&rx), 4);
	jsonrpc_rxbuf_destroy(&rx);
}

/* A 1 MiB request with braces, brackets and escaped quotes in its strings, in 4 KiB pieces. */
static void
test_one_parse_per_message(void **state)
{
	struct ds d = DS_INIT;
	struct jsonrpc_rxbuf rx;
	json_t *msg = NULL;

	ds_put_cstr(&d, "{\"method\":\"ofctl\",\"params\":[\"add-flows\",\"br0\",\"");
	while (d.len < (1u << 20))
		ds_put_cstr(&d, "priority=1,actions=output:1 \\\"}]{[\\\\\\n");
	ds_put_cstr(&d, "\"],\"id\":3} {\"method\":\"version\",\"id\":4}");
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
	n_parses = 0;
	int got = 0;
	for (size_t off = 0; off < d.len; off += 4096) {
		size_t n = d.len - off < 4096 ? d.len - off : 4096;
		assert_int_equal(jsonrpc_rxbuf_append(&rx, ds_cstr(&d) + off, n), 0);
		int r;
		while ((r = jsonrpc_rxbuf_next(&rx, &msg, NULL, 0)) == 1) {
			got++;
			json_decref(msg);
		}
		assert_int_equal(r, 0);
	}
	assert_int_equal(got, 2);
	assert_int_equal(n_parses, 2);
	jsonrpc_rxbuf_destroy(&rx);
	ds_destroy(&d);
}

static void
test_garbage(void **state)
{
	const char *bad[] = {"hello{", "[1,2]", "{\"a\":}", "{\"a\" 1}", "\x01\x02"};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jsonrpc_rxbuf rx;
		json_t *msg;
		jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
		jsonrpc_rxbuf_append(&rx, bad[i], strlen(bad[i]));
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err)), -EPROTO);
		assert_true(strlen(err) > 0);
		jsonrpc_rxbuf_destroy(&rx);
	}
}

static void
test_over_long(void **state)
{
	struct jsonrpc_rxbuf rx;
	char *big = malloc(JSONRPC_MAX_MSG + 1);

	memset(big, 'a', JSONRPC_MAX_MSG + 1);
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_MSG);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, big, JSONRPC_MAX_MSG), 0);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, big, 1), -EMSGSIZE);
	jsonrpc_rxbuf_destroy(&rx);
	free(big);
}

/* The client takes replies bigger than any request: a flow dump of tens of thousands of rules. */
static void
test_big_reply(void **state)
{
	static const char head[] = "{\"result\":\"", tail[] = "\",\"error\":null,\"id\":0}";
	size_t n = JSONRPC_MAX_MSG + (1u << 20);
	struct jsonrpc_rxbuf rx;
	char *text = malloc(n);
	json_t *msg;

	memset(text, 'a', n);
	memcpy(text, head, strlen(head));
	memcpy(text + n - strlen(tail), tail, strlen(tail));
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_REPLY);
	for (size_t off = 0; off < n; off += 65536) {
		size_t k = n - off < 65536 ? n - off : 65536;
		assert_int_equal(jsonrpc_rxbuf_append(&rx, text + off, k), 0);
	}
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 1);
	assert_int_equal(strlen(json_string_value(json_object_get(msg, "result"))),
		n - strlen(head) - strlen(tail));
	json_decref(msg);
	jsonrpc_rxbuf_destroy(&rx);
	assert_int_equal(rx.b.max, JSONRPC_MAX_REPLY);
	free(text);
}

/* A socket pair whose sending end takes little at a time, as a client that reads slowly. */
static void
small_pair(int sv[2])
{
	int small = 4096;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
}

/* Reads what is there on fd into rx; returns how many bytes. */
static size_t
drain(int fd, struct jsonrpc_rxbuf *rx)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		assert_int_equal(jsonrpc_rxbuf_append(rx, buf, (size_t)n), 0);
		total += (size_t)n;
	}
	return total;
}

static json_t *
big_reply(size_t n, json_int_t id)
{
	char *text = malloc(n + 1);

	memset(text, 'x', n);
	text[n] = '\0';
	json_t *idv = json_integer(id);
	json_t *r = jsonrpc_reply(text, NULL, idv);
	json_decref(idv);
	free(text);
	return r;
}

/*
 * Replies larger than the socket takes leave in pieces, one flush per writable event, never
 * blocking; the reader gets each one whole and in order.
 */
static void
test_txq_pieces_in_order(void **state)
{
	struct jsonrpc_rxbuf rx;
	struct jsonrpc_txq q;
	int sv[2];

	small_pair(sv);
	jsonrpc_txq_init(&q, JSONRPC_MAX_REPLY);
	jsonrpc_rxbuf_init(&rx, JSONRPC_MAX_REPLY);
	assert_int_equal(jsonrpc_txq_flush(&q, sv[0]), 0);
	for (json_int_t id = 1; id <= 3; id++) {
		json_t *r = big_reply(300000 * (size_t)id, id);
		assert_int_equal(jsonrpc_txq_push(&q, r), 0);
		json_decref(r);
	}
	size_t queued = jsonrpc_txq_len(&q);
	assert_true(queued > 6 * 300000);
	assert_int_equal(jsonrpc_txq_flush(&q, sv[0]), -EAGAIN);
	assert_true(jsonrpc_txq_len(&q) < queued);

	size_t got = 0;
	int flushes = 1, r;
	while ((r = jsonrpc_txq_flush(&q, sv[0])) == -EAGAIN) {
		got += drain(sv[1], &rx);
		flushes++;
	}
	assert_int_equal(r, 0);
	got += drain(sv[1], &rx);
	assert_int_equal(got, queued);
	assert_true(flushes > 10);
	for (json_int_t id = 1; id <= 3; id++) {
		json_t *msg;
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 1);
		assert_int_equal(json_integer_value(json_object_get(msg, "id")), id);
		assert_int_equal(strlen(json_string_value(json_object_get(msg, "result"))),
			300000 * (size_t)id);
		json_decref(msg);
	}
	jsonrpc_rxbuf_destroy(&rx);
	jsonrpc_txq_destroy(&q);
	close(sv[0]);
	close(sv[1]);
}

/* The queue's bound: a message that would pass it is refused and nothing of it is queued. */
static void
test_txq_bound(void **state)
{
	struct jsonrpc_txq q;
	json_t *small = big_reply(100, 1), *big = big_reply(2000, 2);

	jsonrpc_txq_init(&q, 1000);
	assert_int_equal(jsonrpc_txq_push(&q, big), -EMSGSIZE);
	assert_int_equal(jsonrpc_txq_len(&q), 0);
	assert_int_equal(jsonrpc_txq_push(&q, small), 0);
	size_t one = jsonrpc_txq_len(&q);
	assert_true(one > 100 && one < 200);
	while (jsonrpc_txq_len(&q) + one <= 1000)
		assert_int_equal(jsonrpc_txq_push(&q, small), 0);
	assert_int_equal(jsonrpc_txq_push(&q, small), -EMSGSIZE);
	assert_true(jsonrpc_txq_len(&q) <= 1000);
	json_decref(small);
	json_decref(big);
	jsonrpc_txq_destroy(&q);
}

/* A peer that went away: an error, not a SIGPIPE, and not a wait. */
static void
test_txq_peer_gone(void **state)
{
	struct jsonrpc_txq q;
	json_t *r = big_reply(10, 1);
	int sv[2];

	small_pair(sv);
	close(sv[1]);
	jsonrpc_txq_init(&q, JSONRPC_MAX_REPLY);
	assert_int_equal(jsonrpc_txq_push(&q, r), 0);
	assert_int_equal(jsonrpc_txq_flush(&q, sv[0]), -EPIPE);
	json_decref(r);
	jsonrpc_txq_destroy(&q);
	close(sv[0]);
}

static void
check_request(const char *text, int want, const char *want_err)
{
	json_t *msg = json_loads(text, 0, NULL);
	const char *method, **argv = NULL;
	json_t *id;
	char err[128] = "";
	int argc;

	assert_non_null(msg);
	assert_int_equal(jsonrpc_parse_request(msg, &method, &argv, &argc, &id, err, sizeof(err)),
		want);
	if (want_err)
		assert_non_null(strstr(err, want_err));
	free(argv);
	json_decref(msg);
}

static void
test_request_validation(void **state)
{
	check_request(req, 0, NULL);
	check_request("{\"method\":\"vsctl\",\"params\":[1,2],\"id\":1}", -EINVAL, "strings");
	check_request("{\"params\":[],\"id\":1}", -EINVAL, "method");
	check_request("{\"method\":\"x\",\"params\":[]}", -EINVAL, "id");
	check_request("{\"method\":\"x\",\"params\":{},\"id\":1}", -EINVAL, "array");
	check_request("{\"method\":3,\"params\":[],\"id\":1}", -EINVAL, "method");
}

static void
test_builders(void **state)
{
	const char *argv[] = {"show"};
	json_t *r = jsonrpc_request("vsctl", 1, argv, 5);
	const char *method, **params;
	json_t *id;
	char err[64];
	int argc;

	assert_int_equal(jsonrpc_parse_request(r, &method, &params, &argc, &id, err, sizeof(err)),
		0);
	assert_string_equal(method, "vsctl");
	assert_int_equal(argc, 1);
	assert_string_equal(params[0], "show");
	json_t *rep = jsonrpc_reply("ok\n", NULL, id);
	assert_string_equal(json_string_value(json_object_get(rep, "result")), "ok\n");
	assert_true(json_is_null(json_object_get(rep, "error")));
	json_decref(rep);
	rep = jsonrpc_reply(NULL, "no bridge named br9", id);
	assert_true(json_is_null(json_object_get(rep, "result")));
	assert_string_equal(json_string_value(json_object_get(rep, "error")),
		"no bridge named br9");
	json_decref(rep);
	free(params);
	json_decref(r);
}

static void
test_exit_status(void **state)
{
	struct ds d = DS_INIT;
	const char *msg;

	ctl_proto_exit_status(&d, 2, "");
	assert_int_equal(ctl_proto_parse_exit_status(ds_cstr(&d), &msg), 2);
	assert_string_equal(msg, "");
	assert_int_equal(ctl_proto_parse_exit_status("no bridge named br9", &msg), 0);
	assert_int_equal(ctl_proto_parse_exit_status("exit-status:x:", &msg), 0);
	ds_destroy(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_split_in_words),
		cmocka_unit_test(test_two_in_one_buffer),
		cmocka_unit_test(test_one_parse_per_message),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_over_long),
		cmocka_unit_test(test_big_reply),
		cmocka_unit_test(test_txq_pieces_in_order),
		cmocka_unit_test(test_txq_bound),
		cmocka_unit_test(test_txq_peer_gone),
		cmocka_unit_test(test_request_validation),
		cmocka_unit_test(test_builders),
		cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
