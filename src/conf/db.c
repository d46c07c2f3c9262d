/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration database's schema and rows (see db_priv.h): the subset of Open vSwitch's
 * vswitch schema that Trestle runs, with the same column types and constraints, so that values
 * parse, print and fail the way ovs-vsctl users expect.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "db_priv.h"
#include "ds.h"
#include "xalloc.h"

#define UNL UINT32_MAX
#define RTE_DIM_(a) (sizeof(a) / sizeof((a)[0]))
#define STR_OPT(n) \
	{ \
		n, AT_STRING, AT_NONE, 0, 1, 0, 0, NULL, -1, false \
	}
#define STR(n) \
	{ \
		n, AT_STRING, AT_NONE, 1, 1, 0, 0, NULL, -1, false \
	}
#define INT_OPT(n, lo, hi) \
	{ \
		n, AT_INTEGER, AT_NONE, 0, 1, lo, hi, NULL, -1, false \
	}
#define MAP(n) \
	{ \
		n, AT_STRING, AT_STRING, 0, UNL, 0, 0, NULL, -1, false \
	}
#define REFS(n, t, lo) \
	{ \
		n, AT_UUID, AT_NONE, lo, UNL, 0, 0, NULL, t, false \
	}

static const char *const fail_modes[] = {"secure", "standalone", NULL};
static const char *const vlan_modes[] = {"access", "dot1q-tunnel", "native-tagged",
	"native-untagged", "trunk", NULL};
static const char *const up_down[] = {"down", "up", NULL};
static const char *const bond_modes[] = {"active-backup", "balance-slb", "balance-tcp", NULL};
static const char *const lacp_modes[] = {"active", "off", "passive", NULL};

/* Columns are sorted by name: list prints them in this order after _uuid. */
static const struct column ovs_cols[] = {
	REFS("bridges", T_BRIDGE, 0),
	{"cur_cfg", AT_INTEGER, AT_NONE, 1, 1, INT64_MIN, INT64_MAX, NULL, -1, false},
	MAP("external_ids"),
	{"next_cfg", AT_INTEGER, AT_NONE, 1, 1, INT64_MIN, INT64_MAX, NULL, -1, false},
	MAP("other_config"),
	STR_OPT("ovs_version"),
};
static const struct column bridge_cols[] = {
	STR("datapath_type"),
	MAP("external_ids"),
	{"fail_mode", AT_STRING, AT_NONE, 0, 1, 0, 0, fail_modes, -1, false},
	STR("name"),
	MAP("other_config"),
	REFS("ports", T_PORT, 0),
	{"rstp_enable", AT_BOOLEAN, AT_NONE, 1, 1, 0, 0, NULL, -1, false},
	{"rstp_status", AT_STRING, AT_STRING, 0, UNL, 0, 0, NULL, -1, true},
	{"status", AT_STRING, AT_STRING, 0, UNL, 0, 0, NULL, -1, true},
	{"stp_enable", AT_BOOLEAN, AT_NONE, 1, 1, 0, 0, NULL, -1, false},
};
static const struct column port_cols[] = {
	{"bond_active_slave", AT_STRING, AT_NONE, 0, 1, 0, 0, NULL, -1, true},
	INT_OPT("bond_downdelay", INT64_MIN, INT64_MAX),
	{"bond_fake_iface", AT_BOOLEAN, AT_NONE, 1, 1, 0, 0, NULL, -1, false},
	{"bond_mode", AT_STRING, AT_NONE, 0, 1, 0, 0, bond_modes, -1, false},
	INT_OPT("bond_updelay", INT64_MIN, INT64_MAX),
	MAP("external_ids"),
	REFS("interfaces", T_IFACE, 1),
	{"lacp", AT_STRING, AT_NONE, 0, 1, 0, 0, lacp_modes, -1, false},
	STR("name"),
	MAP("other_config"),
	{"rstp_statistics", AT_STRING, AT_INTEGER, 0, UNL, 0, 0, NULL, -1, true},
	{"rstp_status", AT_STRING, AT_STRING, 0, UNL, 0, 0, NULL, -1, true},
	{"statistics", AT_STRING, AT_INTEGER, 0, UNL, 0, 0, NULL, -1, true},
	{"status", AT_STRING, AT_STRING, 0, UNL, 0, 0, NULL, -1, true},
	INT_OPT("tag", 0, 4095),
	{"trunks", AT_INTEGER, AT_NONE, 0, 4096, 0, 4095, NULL, -1, false},
	{"vlan_mode", AT_STRING, AT_NONE, 0, 1, 0, 0, vlan_modes, -1, false},
};
static const struct column iface_cols[] = {
	{"admin_state", AT_STRING, AT_NONE, 0, 1, 0, 0, up_down, -1, true},
	{"error", AT_STRING, AT_NONE, 0, 1, 0, 0, NULL, -1, true},
	MAP("external_ids"),
	{"ingress_policing_burst", AT_INTEGER, AT_NONE, 1, 1, 0, UINT32_MAX, NULL, -1, false},
	{"ingress_policing_kpkts_burst", AT_INTEGER, AT_NONE, 1, 1, 0, UINT32_MAX, NULL, -1, false},
	{"ingress_policing_kpkts_rate", AT_INTEGER, AT_NONE, 1, 1, 0, UINT32_MAX, NULL, -1, false},
	{"ingress_policing_rate", AT_INTEGER, AT_NONE, 1, 1, 0, UINT32_MAX, NULL, -1, false},
	{"lacp_current", AT_BOOLEAN, AT_NONE, 0, 1, 0, 0, NULL, -1, true},
	{"link_state", AT_STRING, AT_NONE, 0, 1, 0, 0, up_down, -1, true},
	STR_OPT("mac"),
	{"mac_in_use", AT_STRING, AT_NONE, 0, 1, 0, 0, NULL, -1, true},
	{"mtu", AT_INTEGER, AT_NONE, 0, 1, INT64_MIN, INT64_MAX, NULL, -1, true},
	INT_OPT("mtu_request", 1, INT64_MAX),
	STR("name"),
	{"ofport", AT_INTEGER, AT_NONE, 0, 1, INT64_MIN, INT64_MAX, NULL, -1, true},
	INT_OPT("ofport_request", 1, 65279),
	MAP("options"),
	MAP("other_config"),
	{"statistics", AT_STRING, AT_INTEGER, 0, UNL, 0, 0, NULL, -1, true},
	STR("type"),
};

/* The last number is the index of "name" in the sorted columns (conf_test checks it). */
const struct table db_tables[T__N] = {
	[T_OVS] = {"Open_vSwitch", ovs_cols, RTE_DIM_(ovs_cols), true, -1},
	[T_BRIDGE] = {"Bridge", bridge_cols, RTE_DIM_(bridge_cols), false, 3},
	[T_PORT] = {"Port", port_cols, RTE_DIM_(port_cols), false, 8},
	[T_IFACE] = {"Interface", iface_cols, RTE_DIM_(iface_cols), false, 13},
};

int
db_column_index(enum table_id t, const char *name)
{
	for (unsigned i = 0; i < db_tables[t].n_cols; i++)
		if (!strcmp(db_tables[t].cols[i].name, name))
			return (int)i;
	return -1;
}

bool
name_eq(const char *a, const char *b, long n)
{
	for (long i = 0; n < 0 || i < n; i++) {
		char x = a[i] == '-' ? '_' : (char)tolower((unsigned char)a[i]);
		char y = b[i] == '-' ? '_' : (char)tolower((unsigned char)b[i]);
		if (x != y)
			return false;
		if (x == '\0')
			return true;
	}
	return true;
}

bool
col_is_map(const struct column *c)
{
	return c->value != AT_NONE;
}

bool
col_is_scalar(const struct column *c)
{
	return c->value == AT_NONE && c->max == 1;
}

/* ---- Atoms ---- */

int
atom_cmp(enum atom_type t, const union atom *a, const union atom *b)
{
	if (t == AT_STRING || t == AT_UUID)
		return strcmp(a->s, b->s);
	return a->i < b->i ? -1 : a->i > b->i;
}

void
atom_clone(enum atom_type t, union atom *dst, const union atom *src)
{
	if (t == AT_STRING || t == AT_UUID)
		dst->s = xstrdup(src->s);
	else
		dst->i = src->i;
}

void
atom_free(enum atom_type t, union atom *a)
{
	if (t == AT_STRING || t == AT_UUID)
		free(a->s);
}

/* ---- Datums ---- */

void
datum_init(struct datum *d)
{
	d->n = 0;
	d->keys = NULL;
	d->values = NULL;
}

void
datum_free(const struct column *c, struct datum *d)
{
	for (unsigned i = 0; i < d->n; i++) {
		atom_free(c->key, &d->keys[i]);
		if (d->values)
			atom_free(c->value, &d->values[i]);
	}
	free(d->keys);
	free(d->values);
	datum_init(d);
}

void
datum_clone(const struct column *c, struct datum *dst, const struct datum *src)
{
	datum_init(dst);
	dst->n = src->n;
	if (src->n == 0)
		return;
	dst->keys = xcalloc(src->n, sizeof(union atom));
	for (unsigned i = 0; i < src->n; i++)
		atom_clone(c->key, &dst->keys[i], &src->keys[i]);
	if (col_is_map(c)) {
		dst->values = xcalloc(src->n, sizeof(union atom));
		for (unsigned i = 0; i < src->n; i++)
			atom_clone(c->value, &dst->values[i], &src->values[i]);
	}
}

bool
datum_equal(const struct column *c, const struct datum *a, const struct datum *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n; i++) {
		if (atom_cmp(c->key, &a->keys[i], &b->keys[i]))
			return false;
		if (col_is_map(c) && atom_cmp(c->value, &a->values[i], &b->values[i]))
			return false;
	}
	return true;
}

int
datum_find(const struct column *c, const struct datum *d, const union atom *k)
{
	for (unsigned i = 0; i < d->n; i++)
		if (!atom_cmp(c->key, &d->keys[i], k))
			return (int)i;
	return -1;
}

void
datum_remove_at(const struct column *c, struct datum *d, unsigned i)
{
	atom_free(c->key, &d->keys[i]);
	memmove(&d->keys[i], &d->keys[i + 1], (d->n - i - 1) * sizeof(union atom));
	if (d->values) {
		atom_free(c->value, &d->values[i]);
		memmove(&d->values[i], &d->values[i + 1], (d->n - i - 1) * sizeof(union atom));
	}
	d->n--;
}

void
datum_add(const struct column *c, struct datum *d, const union atom *k, const union atom *v)
{
	int i = datum_find(c, d, k);

	if (i >= 0) {
		if (col_is_map(c)) {
			atom_free(c->value, &d->values[i]);
			atom_clone(c->value, &d->values[i], v);
		}
		return;
	}
	unsigned pos = 0;
	while (pos < d->n && atom_cmp(c->key, &d->keys[pos], k) < 0)
		pos++;
	d->keys = xrealloc(d->keys, (d->n + 1) * sizeof(union atom));
	memmove(&d->keys[pos + 1], &d->keys[pos], (d->n - pos) * sizeof(union atom));
	atom_clone(c->key, &d->keys[pos], k);
	if (col_is_map(c)) {
		d->values = xrealloc(d->values, (d->n + 1) * sizeof(union atom));
		memmove(&d->values[pos + 1], &d->values[pos], (d->n - pos) * sizeof(union atom));
		atom_clone(c->value, &d->values[pos], v);
	}
	d->n++;
}

void
datum_sort(const struct column *c, struct datum *d)
{
	struct datum out;

	datum_init(&out);
	for (unsigned i = 0; i < d->n; i++)
		datum_add(c, &out, &d->keys[i], d->values ? &d->values[i] : NULL);
	datum_free(c, d);
	*d = out;
}

int
datum_check(const struct column *c, const struct datum *d, struct ds *err)
{
	if (d->n < c->min) {
		ds_put_format(err, "%u value(s) specified but the minimum number is %u", d->n,
			c->min);
		return -EINVAL;
	}
	if (d->n > c->max) {
		ds_put_format(err, "%u value(s) specified but the maximum number is %u", d->n,
			c->max);
		return -EINVAL;
	}
	for (unsigned i = 0; i < d->n; i++) {
		const union atom *a = &d->keys[i];
		if (c->key == AT_INTEGER && (a->i < c->imin || a->i > c->imax)) {
			if (c->imax == INT64_MAX)
				ds_put_format(err,
					"constraint violation: %lld is less than minimum "
					"allowed value %lld",
					(long long)a->i, (long long)c->imin);
			else
				ds_put_format(err,
					"constraint violation: %lld is not in the valid range "
					"%lld to %lld (inclusive)",
					(long long)a->i, (long long)c->imin, (long long)c->imax);
			return -ERANGE;
		}
		if (c->key == AT_STRING && c->enums) {
			bool ok = false;
			for (const char *const *e = c->enums; *e; e++)
				ok |= !strcmp(*e, a->s);
			if (!ok) {
				ds_put_format(err,
					"constraint violation: %s is not one of the allowed "
					"values ([",
					a->s);
				for (const char *const *e = c->enums; *e; e++)
					ds_put_format(err, "%s%s", e == c->enums ? "" : ", ", *e);
				ds_put_cstr(err, "])");
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- Rows ---- */

void
uuid_generate(char out[37])
{
	uint8_t b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		for (int i = 0; i < 16; i++)
			b[i] = (uint8_t)random();
	}
	if (fd >= 0)
		close(fd);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		b[13], b[14], b[15]);
}

bool
uuid_is_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

struct row *
db_row_new(struct db *db, enum table_id t, const char *uuid)
{
	struct row *r = xcalloc(1, sizeof(*r));
	const struct table *tb = &db_tables[t];

	if (uuid)
		snprintf(r->uuid, sizeof(r->uuid), "%s", uuid);
	else
		uuid_generate(r->uuid);
	r->d = xcalloc(tb->n_cols, sizeof(struct datum));
	/* Required scalars start at their default: "", 0, false. */
	for (unsigned i = 0; i < tb->n_cols; i++) {
		const struct column *c = &tb->cols[i];
		if (c->min == 1 && c->max == 1) {
			union atom a = {0};
			if (c->key == AT_STRING)
				a.s = "";
			datum_add(c, &r->d[i], &a, NULL);
		}
	}
	if (db->n[t] == db->cap[t]) {
		db->cap[t] = db->cap[t] ? db->cap[t] * 2 : 8;
		db->rows[t] = xrealloc(db->rows[t], db->cap[t] * sizeof(struct row *));
	}
	db->rows[t][db->n[t]++] = r;
	return r;
}

struct row *
db_row_find(const struct db *db, enum table_id t, const char *uuid)
{
	for (unsigned i = 0; i < db->n[t]; i++)
		if (!strcasecmp(db->rows[t][i]->uuid, uuid))
			return db->rows[t][i];
	return NULL;
}

const char *
db_row_name(enum table_id t, const struct row *r)
{
	int nc = db_tables[t].name_col;

	return nc >= 0 && r->d[nc].n ? r->d[nc].keys[0].s : NULL;
}

struct row *
db_row_by_name(const struct db *db, enum table_id t, const char *name)
{
	for (unsigned i = 0; i < db->n[t]; i++) {
		const char *n = db_row_name(t, db->rows[t][i]);
		if (n && !strcmp(n, name))
			return db->rows[t][i];
	}
	return NULL;
}

static void
row_free(enum table_id t, struct row *r)
{
	for (unsigned i = 0; i < db_tables[t].n_cols; i++)
		datum_free(&db_tables[t].cols[i], &r->d[i]);
	free(r->d);
	free(r);
}

void
db_row_delete(struct db *db, enum table_id t, struct row *r)
{
	for (unsigned i = 0; i < db->n[t]; i++) {
		if (db->rows[t][i] == r) {
			db->rows[t][i] = db->rows[t][--db->n[t]];
			row_free(t, r);
			return;
		}
	}
}

struct row *
db_root(const struct db *db)
{
	return db->n[T_OVS] ? db->rows[T_OVS][0] : NULL;
}

void
db_set_version(struct db *db)
{
	struct row *root = db_root(db);
	int c = db_column_index(T_OVS, "ovs_version");
	union atom v = {.s = TRESTLE_VERSION};

	datum_free(&db_tables[T_OVS].cols[c], &root->d[c]);
	datum_add(&db_tables[T_OVS].cols[c], &root->d[c], &v, NULL);
}

struct db *
db_create(void)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db_row_new(db, T_OVS, NULL);
	db_set_version(db);
	return db;
}

void
db_destroy(struct db *db)
{
	if (db == NULL)
		return;
	for (int t = 0; t < T__N; t++) {
		for (unsigned i = 0; i < db->n[t]; i++)
			row_free(t, db->rows[t][i]);
		free(db->rows[t]);
	}
	free(db);
}

struct db *
db_clone(const struct db *src)
{
	struct db *db = xcalloc(1, sizeof(*db));

	for (int t = 0; t < T__N; t++) {
		for (unsigned i = 0; i < src->n[t]; i++) {
			const struct row *s = src->rows[t][i];
			struct row *r = db_row_new(db, t, s->uuid);
			for (unsigned c = 0; c < db_tables[t].n_cols; c++) {
				datum_free(&db_tables[t].cols[c], &r->d[c]);
				datum_clone(&db_tables[t].cols[c], &r->d[c], &s->d[c]);
			}
		}
	}
	return db;
}

/* Whether some row references uuid (a row of table target). */
static bool
is_referenced(const struct db *db, enum table_id target, const char *uuid)
{
	for (int t = 0; t < T__N; t++) {
		for (unsigned c = 0; c < db_tables[t].n_cols; c++) {
			const struct column *col = &db_tables[t].cols[c];
			if (col->key != AT_UUID || col->ref != (int)target)
				continue;
			for (unsigned i = 0; i < db->n[t]; i++) {
				const struct datum *d = &db->rows[t][i]->d[c];
				for (unsigned k = 0; k < d->n; k++)
					if (!strcasecmp(d->keys[k].s, uuid))
						return true;
			}
		}
	}
	return false;
}

void
db_gc(struct db *db)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (int t = 0; t < T__N; t++) {
			if (db_tables[t].root)
				continue;
			for (unsigned i = 0; i < db->n[t];) {
				if (!is_referenced(db, t, db->rows[t][i]->uuid)) {
					db_row_delete(db, t, db->rows[t][i]);
					changed = true;
				} else {
					i++;
				}
			}
		}
	}
}

int
db_check(const struct db *db, struct ds *err)
{
	for (int t = 0; t < T__N; t++) {
		for (unsigned i = 0; i < db->n[t]; i++) {
			const struct row *r = db->rows[t][i];
			for (unsigned c = 0; c < db_tables[t].n_cols; c++) {
				const struct column *col = &db_tables[t].cols[c];
				if (datum_check(col, &r->d[c], err) < 0)
					return -EINVAL;
				if (col->key != AT_UUID)
					continue;
				for (unsigned k = 0; k < r->d[c].n; k++) {
					if (!db_row_find(db, col->ref, r->d[c].keys[k].s)) {
						ds_put_format(err,
							"transaction error: table %s column %s "
							"row %s references nonexistent row %s in "
							"table %s "
							"(referential integrity violation)",
							db_tables[t].name, col->name, r->uuid,
							r->d[c].keys[k].s,
							db_tables[col->ref].name);
						return -EINVAL;
					}
				}
			}
			const char *name = db_row_name(t, r);
			for (unsigned j = i + 1; name && j < db->n[t]; j++) {
				const char *other = db_row_name(t, db->rows[t][j]);
				if (other && !strcmp(name, other)) {
					ds_put_format(err,
						"transaction error: two %s rows are named %s "
						"(names must be unique)",
						db_tables[t].name, name);
					return -EEXIST;
				}
			}
		}
	}
	/* A port and an interface belong to one bridge / port only. */
	for (int t = T_BRIDGE; t <= T_PORT; t++) {
		int c = db_column_index(t, t == T_BRIDGE ? "ports" : "interfaces");
		for (unsigned i = 0; i < db->n[t]; i++) {
			const struct datum *d = &db->rows[t][i]->d[c];
			for (unsigned k = 0; k < d->n; k++) {
				for (unsigned j = i + 1; j < db->n[t]; j++) {
					if (datum_find(&db_tables[t].cols[c], &db->rows[t][j]->d[c],
						    &d->keys[k]) >= 0) {
						ds_put_format(err,
							"transaction error: %s %s is in two "
							"%s rows",
							t == T_BRIDGE ? "port" : "interface",
							d->keys[k].s, db_tables[t].name);
						return -EINVAL;
					}
				}
			}
		}
	}
	return 0;
}

/* ---- Status columns ---- */

static void
set_string(struct row *r, enum table_id t, const char *col, const char *v)
{
	int c = db_column_index(t, col);
	const struct column *cd = &db_tables[t].cols[c];

	datum_free(cd, &r->d[c]);
	if (v) {
		union atom a = {.s = (char *)v};
		datum_add(cd, &r->d[c], &a, NULL);
	}
}

static void
set_int(struct row *r, enum table_id t, const char *col, bool present, int64_t v)
{
	int c = db_column_index(t, col);
	const struct column *cd = &db_tables[t].cols[c];

	datum_free(cd, &r->d[c]);
	if (present) {
		union atom a = {.i = v};
		datum_add(cd, &r->d[c], &a, NULL);
	}
}

void
db_refresh_status(struct db *db, db_status_fn fn, void *aux)
{
	int sc = db_column_index(T_IFACE, "statistics");
	const struct column *scol = &db_tables[T_IFACE].cols[sc];

	for (unsigned i = 0; i < db->n[T_IFACE]; i++) {
		struct row *r = db->rows[T_IFACE][i];
		struct iface_status st;
		bool known = fn(db_row_name(T_IFACE, r), &st, aux);

		set_int(r, T_IFACE, "ofport", known, known ? st.ofport : 0);
		set_string(r, T_IFACE, "mac_in_use",
			known && st.mac_in_use[0] ? st.mac_in_use : NULL);
		set_string(r, T_IFACE, "link_state", known ? st.link_state : NULL);
		set_string(r, T_IFACE, "admin_state", known ? st.admin_state : NULL);
		set_int(r, T_IFACE, "mtu", known && st.mtu >= 0, known ? st.mtu : 0);
		set_string(r, T_IFACE, "error", known && st.error[0] ? st.error : NULL);
		datum_free(scol, &r->d[sc]);
		for (unsigned k = 0; known && k < st.n_stats; k++) {
			union atom key = {.s = (char *)st.stats[k].name};
			union atom val = {.i = (int64_t)st.stats[k].value};
			datum_add(scol, &r->d[sc], &key, &val);
		}
	}
}

/* Sets column of every row of table t from fn; integer values are parsed from their text. */
static void
refresh_map(struct db *db, enum table_id t, const char *column, db_map_fn fn, void *aux)
{
	int sc = db_column_index(t, column);
	const struct column *scol = &db_tables[t].cols[sc];

	for (unsigned i = 0; i < db->n[t]; i++) {
		struct row *r = db->rows[t][i];
		struct status_map st = {.n = 0};

		datum_free(scol, &r->d[sc]);
		if (!fn(db_row_name(t, r), &st, aux))
			continue;
		if (scol->value == AT_NONE) {
			/* A scalar column (bond_active_slave, lacp_current): the one value. */
			union atom a = {.s = st.kv[0].value};
			if (scol->key == AT_BOOLEAN)
				a.i = !strcmp(st.kv[0].value, "true");
			if (st.n > 0)
				datum_add(scol, &r->d[sc], &a, NULL);
			continue;
		}
		for (unsigned k = 0; k < st.n && k < STATUS_MAP_MAX; k++) {
			union atom key = {.s = st.kv[k].key};
			union atom val = {.s = st.kv[k].value};
			if (scol->value == AT_INTEGER)
				val.i = strtoll(st.kv[k].value, NULL, 10);
			datum_add(scol, &r->d[sc], &key, &val);
		}
	}
}

void
db_refresh_map(struct db *db, enum status_column column, db_map_fn fn, void *aux)
{
	static const struct {
		enum table_id table;
		const char *column;
	} where[STATUS__N] = {
		[STATUS_BRIDGE] = {T_BRIDGE, "status"},
		[STATUS_BRIDGE_RSTP] = {T_BRIDGE, "rstp_status"},
		[STATUS_PORT] = {T_PORT, "status"},
		[STATUS_PORT_STATISTICS] = {T_PORT, "statistics"},
		[STATUS_PORT_RSTP] = {T_PORT, "rstp_status"},
		[STATUS_PORT_RSTP_STATS] = {T_PORT, "rstp_statistics"},
		[STATUS_PORT_BOND] = {T_PORT, "bond_active_slave"},
		[STATUS_IFACE_LACP] = {T_IFACE, "lacp_current"},
	};

	refresh_map(db, where[column].table, where[column].column, fn, aux);
}

/* ---- The typed view ---- */

const char *
conf_map_get(const struct conf_map *map, const char *key)
{
	for (unsigned i = 0; i < map->n; i++)
		if (!strcmp(map->kv[i].key, key))
			return map->kv[i].value;
	return NULL;
}

static void
map_from(struct conf_map *m, const struct row *r, enum table_id t, const char *col)
{
	const struct datum *d = &r->d[db_column_index(t, col)];

	m->n = d->n;
	m->kv = xcalloc(d->n ? d->n : 1, sizeof(*m->kv));
	for (unsigned i = 0; i < d->n; i++) {
		m->kv[i].key = xstrdup(d->keys[i].s);
		m->kv[i].value = xstrdup(d->values[i].s);
	}
}

static void
map_free(struct conf_map *m)
{
	for (unsigned i = 0; i < m->n; i++) {
		free(m->kv[i].key);
		free(m->kv[i].value);
	}
	free(m->kv);
}

static const struct datum *
col(const struct row *r, enum table_id t, const char *name)
{
	return &r->d[db_column_index(t, name)];
}

static char *
str_or_null(const struct datum *d)
{
	return d->n ? xstrdup(d->keys[0].s) : NULL;
}

static int
cmp_bridges(const void *a, const void *b)
{
	return strcmp(((const struct conf_bridge *)a)->name, ((const struct conf_bridge *)b)->name);
}

static int
cmp_ports(const void *a, const void *b)
{
	return strcmp(((const struct conf_port *)a)->name, ((const struct conf_port *)b)->name);
}

static int
cmp_ifaces(const void *a, const void *b)
{
	return strcmp(((const struct conf_iface *)a)->name, ((const struct conf_iface *)b)->name);
}

bool
conf_port_is_bond(const struct conf_port *cp)
{
	return cp->n_ifaces > 1 || (cp->lacp != NULL && strcmp(cp->lacp, "off"));
}

struct conf *
conf_from_db(const struct db *db)
{
	struct conf *conf = xcalloc(1, sizeof(*conf));
	const struct row *root = db_root(db);

	map_from(&conf->other_config, root, T_OVS, "other_config");
	const struct datum *brs = col(root, T_OVS, "bridges");
	conf->bridges = xcalloc(brs->n ? brs->n : 1, sizeof(*conf->bridges));
	for (unsigned b = 0; b < brs->n; b++) {
		const struct row *br = db_row_find(db, T_BRIDGE, brs->keys[b].s);
		if (br == NULL)
			continue;
		struct conf_bridge *cb = &conf->bridges[conf->n_bridges++];
		cb->name = xstrdup(db_row_name(T_BRIDGE, br));
		cb->datapath_type = xstrdup(col(br, T_BRIDGE, "datapath_type")->keys[0].s);
		cb->fail_mode = str_or_null(col(br, T_BRIDGE, "fail_mode"));
		cb->stp_enable = col(br, T_BRIDGE, "stp_enable")->keys[0].i != 0;
		cb->rstp_enable = col(br, T_BRIDGE, "rstp_enable")->keys[0].i != 0;
		map_from(&cb->other_config, br, T_BRIDGE, "other_config");
		const struct datum *ps = col(br, T_BRIDGE, "ports");
		cb->ports = xcalloc(ps->n ? ps->n : 1, sizeof(*cb->ports));
		for (unsigned p = 0; p < ps->n; p++) {
			const struct row *pr = db_row_find(db, T_PORT, ps->keys[p].s);
			if (pr == NULL)
				continue;
			struct conf_port *cp = &cb->ports[cb->n_ports++];
			cp->name = xstrdup(db_row_name(T_PORT, pr));
			const struct datum *tag = col(pr, T_PORT, "tag");
			cp->tag = tag->n ? (int)tag->keys[0].i : -1;
			const struct datum *tr = col(pr, T_PORT, "trunks");
			cp->n_trunks = tr->n;
			cp->trunks = xcalloc(tr->n ? tr->n : 1, sizeof(uint16_t));
			for (unsigned k = 0; k < tr->n; k++)
				cp->trunks[k] = (uint16_t)tr->keys[k].i;
			cp->vlan_mode = str_or_null(col(pr, T_PORT, "vlan_mode"));
			cp->bond_mode = str_or_null(col(pr, T_PORT, "bond_mode"));
			cp->lacp = str_or_null(col(pr, T_PORT, "lacp"));
			const struct datum *ud = col(pr, T_PORT, "bond_updelay");
			cp->bond_updelay = ud->n ? ud->keys[0].i : 0;
			ud = col(pr, T_PORT, "bond_downdelay");
			cp->bond_downdelay = ud->n ? ud->keys[0].i : 0;
			map_from(&cp->other_config, pr, T_PORT, "other_config");
			const struct datum *is = col(pr, T_PORT, "interfaces");
			cp->ifaces = xcalloc(is->n ? is->n : 1, sizeof(*cp->ifaces));
			for (unsigned i = 0; i < is->n; i++) {
				const struct row *ir = db_row_find(db, T_IFACE, is->keys[i].s);
				if (ir == NULL)
					continue;
				struct conf_iface *ci = &cp->ifaces[cp->n_ifaces++];
				ci->name = xstrdup(db_row_name(T_IFACE, ir));
				ci->type = xstrdup(col(ir, T_IFACE, "type")->keys[0].s);
				map_from(&ci->options, ir, T_IFACE, "options");
				map_from(&ci->other_config, ir, T_IFACE, "other_config");
				map_from(&ci->external_ids, ir, T_IFACE, "external_ids");
				const struct datum *o = col(ir, T_IFACE, "ofport_request");
				ci->ofport_request = o->n ? o->keys[0].i : -1;
				const struct datum *m = col(ir, T_IFACE, "mtu_request");
				ci->mtu_request = m->n ? m->keys[0].i : -1;
				ci->mac = str_or_null(col(ir, T_IFACE, "mac"));
				ci->policing_rate =
					(uint32_t)col(ir, T_IFACE, "ingress_policing_rate")
						->keys[0]
						.i;
				ci->policing_burst =
					(uint32_t)col(ir, T_IFACE, "ingress_policing_burst")
						->keys[0]
						.i;
				ci->policing_kpkts_rate =
					(uint32_t)col(ir, T_IFACE, "ingress_policing_kpkts_rate")
						->keys[0]
						.i;
				ci->policing_kpkts_burst =
					(uint32_t)col(ir, T_IFACE, "ingress_policing_kpkts_burst")
						->keys[0]
						.i;
			}
			/* A bond's members by name: its first is the same from run to run. */
			qsort(cp->ifaces, cp->n_ifaces, sizeof(*cp->ifaces), cmp_ifaces);
		}
		qsort(cb->ports, cb->n_ports, sizeof(*cb->ports), cmp_ports);
	}
	qsort(conf->bridges, conf->n_bridges, sizeof(*conf->bridges), cmp_bridges);
	return conf;
}

void
conf_destroy(struct conf *conf)
{
	if (conf == NULL)
		return;
	for (unsigned b = 0; b < conf->n_bridges; b++) {
		struct conf_bridge *cb = &conf->bridges[b];
		for (unsigned p = 0; p < cb->n_ports; p++) {
			struct conf_port *cp = &cb->ports[p];
			for (unsigned i = 0; i < cp->n_ifaces; i++) {
				struct conf_iface *ci = &cp->ifaces[i];
				free(ci->name);
				free(ci->type);
				free(ci->mac);
				map_free(&ci->options);
				map_free(&ci->other_config);
				map_free(&ci->external_ids);
			}
			free(cp->ifaces);
			free(cp->name);
			free(cp->trunks);
			free(cp->vlan_mode);
			free(cp->bond_mode);
			free(cp->lacp);
			map_free(&cp->other_config);
		}
		free(cb->ports);
		free(cb->name);
		free(cb->datapath_type);
		free(cb->fail_mode);
		map_free(&cb->other_config);
	}
	free(conf->bridges);
	map_free(&conf->other_config);
	free(conf);
}
