/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness for the ovs-vsctl command parser and the commands: vsctl_run() on a fresh
 * database, as the daemon's "vsctl" handler calls it (status columns refreshed first).
 *
 * Input: transactions separated by a blank line; in each, one argument a line (a NUL also
 * ends an argument, so arguments may be empty). Only UTF-8: the arguments arrive as JSON
 * strings. Each transaction that commits changes the database the next one runs on.
 *
 * Oracles: vsctl_run() never changes the database it is given; an error commits nothing and
 * says why; a committed database has unique names and one owner for each port and interface,
 * and saves, loads and saves again to the same bytes.
 */
#include <stdbool.h>

#include "conf.h"
#include "db_priv.h"
#include "ds.h"
#include "fuzz.h"
#include "fuzz_conf.h"

#define MAX_ARGS 256
#define MAX_TXNS 16

/* What the daemon's ports would report: deterministic, from the name. */
static bool
status(const char *name, struct iface_status *st, void *aux)
{
	if (name == NULL || name[0] == 'z')
		return false; /* No such port in the daemon. */
	memset(st, 0, sizeof(*st));
	st->ofport = name[0] == 'x' ? -1 : (int64_t)strlen(name);
	snprintf(st->mac_in_use, sizeof(st->mac_in_use), "02:00:00:00:00:%02x",
		(unsigned)strlen(name) & 0xff);
	st->link_state = name[0] == 'd' ? "down" : "up";
	st->admin_state = "up";
	st->mtu = 1500;
	if (name[0] == 'x')
		snprintf(st->error, sizeof(st->error), "could not open network device %s", name);
	st->n_stats = 2;
	st->stats[0].name = "rx_packets";
	st->stats[0].value = 7;
	st->stats[1].name = "tx_bytes";
	st->stats[1].value = UINT64_MAX;
	return true;
}

static bool
db_equal(const struct db *a, const struct db *b)
{
	for (int t = 0; t < T__N; t++) {
		if (a->n[t] != b->n[t])
			return false;
		for (unsigned i = 0; i < a->n[t]; i++) {
			const struct row *x = a->rows[t][i], *y = b->rows[t][i];
			if (strcmp(x->uuid, y->uuid))
				return false;
			for (unsigned c = 0; c < db_tables[t].n_cols; c++)
				if (!datum_equal(&db_tables[t].cols[c], &x->d[c], &y->d[c]))
					return false;
		}
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *utf8 = json_stringn((const char *)data, size); /* NULs pass: they end arguments. */
	const char *argv[MAX_ARGS];
	struct ds out = DS_INIT;
	bool committed = false;
	size_t p = 0;

	if (utf8 == NULL)
		return 0;
	json_decref(utf8);
	char *text = malloc(size + 1);
	struct db *db = db_create();
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	for (int txn = 0; txn < MAX_TXNS && p < size; txn++) {
		int argc = 0;
		/* One transaction: arguments up to a blank line or the end. */
		while (p < size && argc < MAX_ARGS) {
			size_t e = p;
			while (e < size && text[e] != '\n' && text[e] != '\0')
				e++;
			bool blank = e == p && text[e] == '\n';
			text[e] = '\0';
			if (!blank)
				argv[argc++] = &text[p];
			p = e + 1;
			if (blank)
				break;
		}
		if (argc == 0)
			continue;
		db_refresh_status(db, status, NULL);
		struct db *before = db_clone(db), *newdb = (struct db *)1;
		ds_clear(&out);
		int ret = vsctl_run(db, argc, argv, &newdb, &out);
		FUZZ_CHECK(db_equal(db, before), "vsctl_run() changed the database it was given");
		db_destroy(before);
		if (ret < 0) {
			FUZZ_CHECK(newdb == NULL, "an error (%d) with a new database", ret);
			FUZZ_CHECK(ret <= VSCTL_EXIT_STATUS(0) || out.len > 0,
				"error %d, no message", ret);
			continue;
		}
		FUZZ_CHECK(ret == 0, "vsctl_run() returned %d", ret);
		if (newdb != NULL) {
			db_destroy(db);
			db = newdb;
			committed = true;
		}
	}
	if (committed)
		fuzz_conf_check(db);
	ds_destroy(&out);
	db_destroy(db);
	free(text);
	return 0;
}
