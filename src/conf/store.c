/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Saving and loading the configuration: one JSON file, written atomically (temporary file,
 * fsync, rename, fsync of the directory), so a crash at any moment leaves the old or the new
 * file. Status columns are not saved; the same database always gives the same bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db_priv.h"
#include "ds.h"
#include "xalloc.h"

#define STORE_FORMAT "trestle-conf"
#define STORE_VERSION 1

static int
cmp_rows(const void *a, const void *b)
{
	return strcmp((*(struct row *const *)a)->uuid, (*(struct row *const *)b)->uuid);
}

static json_t *
db_to_json(const struct db *db)
{
	json_t *top = json_pack("{s:s, s:i}", "format", STORE_FORMAT, "version", STORE_VERSION);

	for (int t = 0; t < T__N; t++) {
		json_t *tj = json_object();
		struct row **rows = xmalloc((db->n[t] ? db->n[t] : 1) * sizeof(*rows));
		if (db->n[t]) /* A table without rows has no array: memcpy() from NULL is UB. */
			memcpy(rows, db->rows[t], db->n[t] * sizeof(*rows));
		qsort(rows, db->n[t], sizeof(*rows), cmp_rows);
		for (unsigned i = 0; i < db->n[t]; i++) {
			json_t *rj = json_object();
			for (unsigned c = 0; c < db_tables[t].n_cols; c++) {
				const struct column *col = &db_tables[t].cols[c];
				if (!col->status)
					json_object_set_new(rj, col->name,
						datum_to_json(col, &rows[i]->d[c]));
			}
			json_object_set_new(tj, rows[i]->uuid, rj);
		}
		free(rows);
		json_object_set_new(top, db_tables[t].name, tj);
	}
	return top;
}

int
db_save(const struct db *db, const char *path, struct ds *err)
{
	json_t *j = db_to_json(db);
	char *text = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1));
	char tmp[4096];
	int fd = -1, ret;

	json_decref(j);
	if (text == NULL) {
		ds_put_cstr(err, "out of memory");
		return -ENOMEM;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		goto fail;
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	char dcopy[4096];
	snprintf(dcopy, sizeof(dcopy), "%s", path);
	int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(text);
	return 0;
fail:
	ret = -errno;
	ds_put_format(err, "%s: %s", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(text);
	return ret ? ret : -EIO;
}

static int
table_by_name(const char *name)
{
	for (int t = 0; t < T__N; t++)
		if (!strcmp(db_tables[t].name, name))
			return t;
	return -1;
}

int
db_load(const char *path, struct db **dbp, struct ds *err)
{
	json_error_t jerr;
	json_t *top = json_load_file(path, 0, &jerr);

	if (top == NULL) {
		if (access(path, F_OK) < 0 && errno == ENOENT) {
			*dbp = db_create();
			return 0;
		}
		ds_put_format(err, "line %d: %s", jerr.line, jerr.text);
		return -EINVAL;
	}
	struct db *db = xcalloc(1, sizeof(*db));
	const char *fmt = json_string_value(json_object_get(top, "format"));
	json_int_t ver = json_integer_value(json_object_get(top, "version"));
	if (fmt == NULL || strcmp(fmt, STORE_FORMAT) || ver != STORE_VERSION) {
		ds_put_format(err, "not a %s file of version %d", STORE_FORMAT, STORE_VERSION);
		goto fail;
	}
	const char *key;
	json_t *tj;
	json_object_foreach(top, key, tj)
	{
		if (!strcmp(key, "format") || !strcmp(key, "version"))
			continue;
		int t = table_by_name(key);
		if (t < 0 || !json_is_object(tj)) {
			ds_put_format(err, "unknown table \"%s\"", key);
			goto fail;
		}
		const char *uuid;
		json_t *rj;
		json_object_foreach(tj, uuid, rj)
		{
			if (!uuid_is_valid(uuid) || !json_is_object(rj)) {
				ds_put_format(err, "table %s: bad row \"%s\"", key, uuid);
				goto fail;
			}
			/*
			 * Rows are found by uuid whatever its case, but sets compare them as
			 * strings: in lower case, as the commands write them, one row is one
			 * string, and a port listed by two bridges is seen as such.
			 */
			char lc[37];
			for (int i = 0; i < 37; i++)
				lc[i] = (char)tolower((unsigned char)uuid[i]);
			if (db_row_find(db, t, lc) != NULL) {
				ds_put_format(err, "table %s: row %s twice", key, lc);
				goto fail;
			}
			struct row *r = db_row_new(db, t, lc);
			const char *cname;
			json_t *cj;
			json_object_foreach(rj, cname, cj)
			{
				int c = db_column_index(t, cname);
				if (c < 0) {
					ds_put_format(err, "table %s: unknown column \"%s\"", key,
						cname);
					goto fail;
				}
				const struct column *col = &db_tables[t].cols[c];
				struct datum d;
				if (datum_from_json(col, cj, &d, err) < 0) {
					ds_put_format(err, " (table %s, row %s, column %s)", key,
						uuid, cname);
					goto fail;
				}
				datum_free(col, &r->d[c]);
				r->d[c] = d;
			}
		}
	}
	if (db->n[T_OVS] != 1) {
		ds_put_cstr(err, "there must be exactly one Open_vSwitch row");
		goto fail;
	}
	if (db_check(db, err) < 0)
		goto fail;
	json_decref(top);
	db_set_version(db);
	*dbp = db;
	return 0;
fail:
	json_decref(top);
	db_destroy(db);
	return -EINVAL;
}
