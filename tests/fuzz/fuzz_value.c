/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness for the value parser of ovs-vsctl's syntax (datum_parse(): what `set`, `add`,
 * `remove` and `find` take after "column="), column by column of the schema.
 *
 * Input: "Table:column", a newline, then the value as a person would type it, e.g.
 * "Port:trunks\n[10, 20]" or "Interface:options\n{dpdk-devargs=\"net_null0,no-rx=1\"}".
 * Only UTF-8 without NULs: values arrive as JSON strings (the ctl socket, the saved file).
 *
 * Oracles: a value that parses meets its column's constraints; printed as `get` prints it,
 * it parses back to the same value; through JSON (as saved) it comes back the same.
 */
#include "db_priv.h"
#include "ds.h"
#include "fuzz.h"

static const struct column *
find_column(const char *name)
{
	const char *colon = strchr(name, ':');

	if (colon == NULL)
		return NULL;
	for (int t = 0; t < T__N; t++) {
		if (strncmp(db_tables[t].name, name, (size_t)(colon - name)) ||
			db_tables[t].name[colon - name] != '\0')
			continue;
		int c = db_column_index(t, colon + 1);
		return c < 0 ? NULL : &db_tables[t].cols[c];
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct ds err = DS_INIT, out = DS_INIT;
	struct datum d, back;

	json_t *utf8 = text ? json_stringn(text, size) : NULL;

	if (utf8 == NULL) {
		free(text);
		return 0;
	}
	json_decref(utf8);
	char *nl = strchr(text, '\n');
	const struct column *c = NULL;
	if (nl != NULL) {
		*nl = '\0';
		c = find_column(text);
	}
	if (c == NULL || datum_parse(c, nl + 1, &d, NULL, &err) < 0) {
		FUZZ_CHECK(c == NULL || err.len > 0, "\"%s\" refused without a message", nl + 1);
		free(text);
		ds_destroy(&err);
		return 0;
	}
	ds_clear(&err);
	FUZZ_CHECK(datum_check(c, &d, &err) == 0, "\"%s\" parsed, but: %s", nl + 1, ds_cstr(&err));

	/* As `get` and `list` print it, and back. */
	datum_format(&out, c, &d, false);
	if (datum_parse(c, ds_cstr(&out), &back, NULL, &err) < 0)
		FUZZ_CHECK(false, "%s \"%s\" printed as %s, which is refused: %s", text, nl + 1,
			ds_cstr(&out), ds_cstr(&err));
	FUZZ_CHECK(datum_equal(c, &d, &back), "%s \"%s\" printed as %s parses differently", text,
		nl + 1, ds_cstr(&out));
	datum_free(c, &back);

	/* As the store saves it, and back. */
	json_t *j = datum_to_json(c, &d);
	FUZZ_CHECK(j != NULL, "%s \"%s\" has no JSON form", text, nl + 1);
	FUZZ_CHECK(datum_from_json(c, j, &back, &err) == 0, "%s \"%s\": its JSON is refused: %s",
		text, nl + 1, ds_cstr(&err));
	FUZZ_CHECK(datum_equal(c, &d, &back), "%s \"%s\" comes back from JSON changed", text,
		nl + 1);
	json_decref(j);
	datum_free(c, &back);

	/* --data=bare just prints. */
	ds_clear(&out);
	datum_format(&out, c, &d, true);
	datum_free(c, &d);
	ds_destroy(&out);
	ds_destroy(&err);
	free(text);
	return 0;
}
