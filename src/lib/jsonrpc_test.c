/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the command channel's JSON-RPC framing (jsonrpc.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_proto.h"
#include "ds.h"
#include "jsonrpc.h"

static const char req[] = "{\"method\":\"vsctl\",\"params\":[\"add-br\",\"br0\"],\"id\":7}";

static void
test_byte_by_byte(void **state)
{
	struct jsonrpc_rxbuf rx;
	json_t *msg = NULL;

	jsonrpc_rxbuf_init(&rx);
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

/* Split anywhere, also inside an escape or a UTF-8 character, a message still arrives whole. */
static void
test_split_everywhere(void **state)
{
	static const char esc[] = "{\"method\":\"ofctl\",\"params\":[\"add-flows\",\"br0\","
		"\"a\\nb\\\\c\\\"d\\u00e9\\u20ac\u00e9\u20ac\xf0\x9f\x98\x80\"],\"id\":1}";

	(void)state;
	for (size_t cut = 1; cut < strlen(esc); cut++) {
		struct jsonrpc_rxbuf rx;
		json_t *msg = NULL;
		char err[128] = "";

		jsonrpc_rxbuf_init(&rx);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, esc, cut), 0);
		int r = jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err));
		if (r != 0)
			fail_msg("cut at %zu: %d (%s)", cut, r, err);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, esc + cut, strlen(esc) - cut), 0);
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err)), 1);
		const char *p = json_string_value(json_array_get(json_object_get(msg, "params"), 2));
		assert_string_equal(p, "a\nb\\c\"d\u00e9\u20ac\u00e9\u20ac\xf0\x9f\x98\x80");
		json_decref(msg);
		jsonrpc_rxbuf_destroy(&rx);
	}
}

/*
 * Split inside true, false, null or a number, where jansson says "invalid token" rather than
 * "premature end": the client read a reply cut in its "error":null as garbage (found by
 * fuzz_jsonrpc).
 */
static void
test_split_in_words(void **state)
{
	static const char words[] = "{\"result\":\"ok\",\"error\":null,\"id\":-1.5e+3,"
		"\"t\":true,\"f\":[false,0.25,-0,12E-2]}";

	(void)state;
	for (size_t cut = 1; cut < strlen(words); cut++) {
		struct jsonrpc_rxbuf rx;
		json_t *msg = NULL;
		char err[128] = "";

		jsonrpc_rxbuf_init(&rx);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, words, cut), 0);
		int r = jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err));
		if (r != 0)
			fail_msg("cut at %zu (\"%.*s\"): %d (%s)", cut, (int)cut, words, r, err);
		assert_int_equal(jsonrpc_rxbuf_append(&rx, words + cut, strlen(words) - cut), 0);
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, err, sizeof(err)), 1);
		assert_true(json_is_null(json_object_get(msg, "error")));
		json_decref(msg);
		jsonrpc_rxbuf_destroy(&rx);
	}
}

static void
test_two_in_one_buffer(void **state)
{
	struct jsonrpc_rxbuf rx;
	json_t *msg;
	char two[512];

	snprintf(two, sizeof(two), "%s  \n%s", req, req);
	jsonrpc_rxbuf_init(&rx);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, two, strlen(two)), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 1);
		json_decref(msg);
	}
	assert_int_equal(jsonrpc_rxbuf_next(&rx, &msg, NULL, 0), 0);
	jsonrpc_rxbuf_destroy(&rx);
}

static void
test_garbage(void **state)
{
	/*
	 * Words that cannot become a literal or a number, cut or not; and an error before a cut
	 * escape, UTF-8 character or word, which more bytes cannot mend (found by fuzz_jsonrpc).
	 */
	const char *bad[] = {"hello{", "[1,2]", "{\"a\":}", "{\"a\" 1}", "\x01\x02", "{\"a\":tx",
		"{\"a\":1x", "{\"a\":--", "{\"a\":1.e", "{\"a\":nulll", "{\"a\":x,\"b\":\"\\",
		"{\"a\":x,\"b\":\"\\u12", "{\"a\":x,\"b\":\"\xe2\x82", "{\"a\":x,\"b\":nul"};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jsonrpc_rxbuf rx;
		json_t *msg;
		jsonrpc_rxbuf_init(&rx);
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
	jsonrpc_rxbuf_init(&rx);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, big, JSONRPC_MAX_MSG), 0);
	assert_int_equal(jsonrpc_rxbuf_append(&rx, big, 1), -EMSGSIZE);
	jsonrpc_rxbuf_destroy(&rx);
	free(big);
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

	assert_int_equal(jsonrpc_parse_request(r, &method, &params, &argc, &id, err, sizeof(err)), 0);
	assert_string_equal(method, "vsctl");
	assert_int_equal(argc, 1);
	assert_string_equal(params[0], "show");
	json_t *rep = jsonrpc_reply("ok\n", NULL, id);
	assert_string_equal(json_string_value(json_object_get(rep, "result")), "ok\n");
	assert_true(json_is_null(json_object_get(rep, "error")));
	json_decref(rep);
	rep = jsonrpc_reply(NULL, "no bridge named br9", id);
	assert_true(json_is_null(json_object_get(rep, "result")));
	assert_string_equal(json_string_value(json_object_get(rep, "error")), "no bridge named br9");
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
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_over_long),
		cmocka_unit_test(test_request_validation),
		cmocka_unit_test(test_builders),
		cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
