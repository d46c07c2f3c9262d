/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness for loading the saved configuration (db_load(), what trestled does first):
 * a corrupt or hand-edited conf.json must be refused with a message, never crash the daemon
 * then or later.
 *
 * Input: the file's bytes.
 *
 * Oracles: a refused file leaves no database and says why; a loaded one passes the checks
 * any committed database passes (fuzz_conf_check()), and the commands the daemon runs on it
 * next (status refresh, show, list, a transaction that commits) work on it.
 */
#include <errno.h>
#include <stdbool.h>

#include "conf.h"
#include "ds.h"
#include "fuzz.h"
#include "fuzz_conf.h"

static bool
status(const char *name, struct iface_status *st, void *aux)
{
	memset(st, 0, sizeof(*st));
	st->ofport = 1;
	st->link_state = "up";
	st->mtu = -1;
	return true;
}

/* Runs one command line (words separated by spaces) on *db, committing what it changes. */
static void
run(struct db **db, const char *line)
{
	char *copy = strdup(line), *save = NULL;
	const char *argv[16];
	int argc = 0;
	struct ds out = DS_INIT;
	struct db *newdb = NULL;

	for (char *w = strtok_r(copy, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	db_refresh_status(*db, status, NULL);
	int ret = vsctl_run(*db, argc, argv, &newdb, &out);
	FUZZ_CHECK(ret == 0 || (ret < 0 && out.len > 0), "'%s' on a loaded database: %d", line,
		ret);
	if (newdb) {
		db_destroy(*db);
		*db = newdb;
	}
	ds_destroy(&out);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_conf_path();
	struct db *db = (struct db *)1;
	struct ds err = DS_INIT;
	FILE *f = fopen(path, "wb");

	FUZZ_CHECK(f != NULL, "%s: %s", path, strerror(errno));
	FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "%s: %s", path,
		strerror(errno));
	if (db_load(path, &db, &err) < 0) {
		FUZZ_CHECK(db == (struct db *)1, "a refused file gave a database");
		FUZZ_CHECK(err.len > 0, "a refused file, no message");
		ds_destroy(&err);
		return 0;
	}
	fuzz_conf_check(db);
	run(&db, "show");
	run(&db, "--format=json list Interface");
	run(&db, "list Port");
	run(&db, "--may-exist add-br fuzzbr0 -- --may-exist add-port fuzzbr0 fuzzp0");
	fuzz_conf_check(db);
	db_destroy(db);
	ds_destroy(&err);
	return 0;
}
