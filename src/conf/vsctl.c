/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovs-vsctl command lines as one transaction (see vsctl_run() in conf.h). The line is split at
 * "--" into commands, each with its own options; every command runs on a copy of the database;
 * after the last one the copy is garbage-collected and checked. Any error drops the copy.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_priv.h"
#include "ds.h"
#include "symtab.h"
#include "xalloc.h"

#define MAX_COLS 64

enum vsctl_format { FMT_LIST, FMT_TABLE, FMT_CSV, FMT_JSON };
enum vsctl_data { DATA_STRING, DATA_BARE, DATA_JSON };

/* One command of the line with its options. */
struct vsctl_cmd {
	int argc;                /* Words, the command name first. */
	const char *const *argv; /* The words. */
	bool if_exists;          /* --if-exists. */
	bool may_exist;          /* --may-exist. */
	bool all;                /* --all (destroy). */
	bool fake_iface;         /* --fake-iface (add-bond). */
	bool with_iface;         /* --with-iface (del-port: the port of that interface). */
	const char *id;          /* --id=@name, or NULL. */
};

struct vsctl_ctx {
	struct db *db;            /* The working copy. */
	struct ds *out;           /* Output of every command, in order. */
	struct ds err;            /* The error, when a command fails. */
	bool changed;             /* A command modified the copy. */
	int exit_status;          /* Non-zero: the line's exit status (br-exists). */
	struct symtab syms;       /* --id=@name rows created so far. */
	enum vsctl_format format; /* --format. */
	enum vsctl_data data;     /* --data. */
	bool headings;            /* Not --no-headings. */
	bool oneline;             /* --oneline: each command's output on one line. */
	bool dry_run;             /* --dry-run: check the transaction, change nothing. */
	const char *columns;      /* --columns, or NULL for all. */
};

/* ---- Names ---- */

static int
find_table(struct vsctl_ctx *ctx, const char *name)
{
	int found = -1, n = 0;

	for (int t = 0; t < T__N; t++)
		if (name_eq(db_tables[t].name, name, -1))
			return t;
	for (int t = 0; t < T__N; t++) {
		if (name_eq(db_tables[t].name, name, (long)strlen(name))) {
			found = t;
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n == 0 && unsupported_table(name, &ctx->err))
		return -1;
	ds_put_format(&ctx->err, n ? "multiple table names match \"%s\"" : "unknown table \"%s\"",
		name);
	return -1;
}

#define COL_UUID (-2) /* The _uuid pseudo-column. */

static int
find_column(struct vsctl_ctx *ctx, enum table_id t, const char *name, size_t len)
{
	char buf[128];
	int found = -1, n = 0;

	snprintf(buf, sizeof(buf), "%.*s", (int)len, name);
	if (!strcmp(buf, "_uuid"))
		return COL_UUID;
	for (unsigned c = 0; c < db_tables[t].n_cols; c++)
		if (name_eq(db_tables[t].cols[c].name, buf, -1))
			return (int)c;
	for (unsigned c = 0; c < db_tables[t].n_cols; c++) {
		if (name_eq(db_tables[t].cols[c].name, buf, (long)strlen(buf))) {
			found = (int)c;
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n == 0 && unsupported_column(t, buf, &ctx->err))
		return -1;
	ds_put_format(&ctx->err, "%s does not contain a column whose name matches \"%s\"",
		db_tables[t].name, buf);
	return -1;
}

/* The row REC names: "." for Open_vSwitch, a name, or a uuid. */
static struct row *
find_row(struct vsctl_ctx *ctx, enum table_id t, const char *rec, bool must_exist)
{
	struct row *r = NULL;

	if (t == T_OVS && !strcmp(rec, "."))
		r = db_root(ctx->db);
	if (r == NULL && db_tables[t].name_col >= 0)
		r = db_row_by_name(ctx->db, t, rec);
	if (r == NULL && uuid_is_valid(rec))
		r = db_row_find(ctx->db, t, rec);
	if (r == NULL && rec[0] == '@' && symtab_get(&ctx->syms, rec))
		r = db_row_find(ctx->db, t, symtab_get(&ctx->syms, rec));
	if (r == NULL && must_exist)
		ds_put_format(&ctx->err, "no row \"%s\" in table %s", rec, db_tables[t].name);
	return r;
}

static const struct column *
column(enum table_id t, const char *name)
{
	return &db_tables[t].cols[db_column_index(t, name)];
}

static struct datum *
cell(struct row *r, enum table_id t, const char *name)
{
	return &r->d[db_column_index(t, name)];
}

/* ---- Bridges and ports ---- */

static struct row *
bridge_of_port(struct vsctl_ctx *ctx, const struct row *port)
{
	union atom a = {.s = (char *)port->uuid};

	for (unsigned i = 0; i < ctx->db->n[T_BRIDGE]; i++) {
		struct row *b = ctx->db->rows[T_BRIDGE][i];
		if (datum_find(column(T_BRIDGE, "ports"), cell(b, T_BRIDGE, "ports"), &a) >= 0)
			return b;
	}
	return NULL;
}

static struct row *
port_of_iface(struct vsctl_ctx *ctx, const struct row *iface)
{
	union atom a = {.s = (char *)iface->uuid};

	for (unsigned i = 0; i < ctx->db->n[T_PORT]; i++) {
		struct row *p = ctx->db->rows[T_PORT][i];
		if (datum_find(column(T_PORT, "interfaces"), cell(p, T_PORT, "interfaces"), &a) >=
			0)
			return p;
	}
	return NULL;
}

static void
ref_add(struct row *r, enum table_id t, const char *col, const char *uuid)
{
	union atom a = {.s = (char *)uuid};

	datum_add(column(t, col), cell(r, t, col), &a, NULL);
}

static void
ref_remove(struct row *r, enum table_id t, const char *col, const char *uuid)
{
	union atom a = {.s = (char *)uuid};
	int i = datum_find(column(t, col), cell(r, t, col), &a);

	if (i >= 0)
		datum_remove_at(column(t, col), cell(r, t, col), (unsigned)i);
}

static void
set_name(struct row *r, enum table_id t, const char *name)
{
	struct datum *d = cell(r, t, "name");

	datum_free(column(t, "name"), d);
	union atom a = {.s = (char *)name};
	datum_add(column(t, "name"), d, &a, NULL);
}

/* The bridge a port or interface name is on, for error messages. */
static const char *
where_is(struct vsctl_ctx *ctx, const char *name, const char **what)
{
	struct row *p = db_row_by_name(ctx->db, T_PORT, name);
	struct row *i = db_row_by_name(ctx->db, T_IFACE, name);

	*what = p ? "port" : "interface";
	if (p == NULL && i != NULL)
		p = port_of_iface(ctx, i);
	struct row *b = p ? bridge_of_port(ctx, p) : NULL;
	if (p == NULL && i == NULL)
		return NULL;
	return b ? db_row_name(T_BRIDGE, b) : "";
}

static struct row *
need_bridge(struct vsctl_ctx *ctx, const char *name)
{
	struct row *b = db_row_by_name(ctx->db, T_BRIDGE, name);

	if (b == NULL)
		ds_put_format(&ctx->err, "no bridge named %s", name);
	return b;
}

/* Applies "COLUMN[:KEY]=VALUE" to row r. */
static int set_one(struct vsctl_ctx *ctx, enum table_id t, struct row *r, const char *arg);

/*
 * Deletes port p's row and its interfaces' at once, as ovs-vsctl does: the later commands of
 * the line no longer see them (add-br a -- del-br a -- add-br a), and a command that names
 * one of them by UUID fails the transaction.
 */
static void
delete_port_rows(struct vsctl_ctx *ctx, struct row *p)
{
	const struct datum *is = cell(p, T_PORT, "interfaces");

	for (unsigned k = 0; k < is->n; k++) {
		struct row *i = db_row_find(ctx->db, T_IFACE, is->keys[k].s);
		if (i != NULL)
			db_row_delete(ctx->db, T_IFACE, i);
	}
	db_row_delete(ctx->db, T_PORT, p);
}

static int
cmd_add_br(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	const char *name = c->argv[1];
	const char *what;

	if (name[0] == '\0') {
		ds_put_cstr(&ctx->err, "bridge name must not be empty string");
		return -EINVAL;
	}
	if (c->argc > 2) {
		ds_put_cstr(&ctx->err,
			"fake bridges (add-br BRIDGE PARENT VLAN) are not supported");
		return -ENOTSUP;
	}
	if (db_row_by_name(ctx->db, T_BRIDGE, name)) {
		if (c->may_exist)
			return 0;
		ds_put_format(&ctx->err,
			"cannot create a bridge named %s because a bridge named %s "
			"already exists",
			name, name);
		return -EEXIST;
	}
	const char *br = where_is(ctx, name, &what);
	if (br != NULL) {
		ds_put_format(&ctx->err,
			"cannot create a bridge named %s because a %s named %s "
			"already exists on bridge %s",
			name, what, name, br);
		return -EEXIST;
	}
	struct row *i = db_row_new(ctx->db, T_IFACE, NULL);
	set_name(i, T_IFACE, name);
	union atom internal = {.s = "internal"};
	datum_free(column(T_IFACE, "type"), cell(i, T_IFACE, "type"));
	datum_add(column(T_IFACE, "type"), cell(i, T_IFACE, "type"), &internal, NULL);
	struct row *p = db_row_new(ctx->db, T_PORT, NULL);
	set_name(p, T_PORT, name);
	ref_add(p, T_PORT, "interfaces", i->uuid);
	struct row *b = db_row_new(ctx->db, T_BRIDGE, NULL);
	set_name(b, T_BRIDGE, name);
	ref_add(b, T_BRIDGE, "ports", p->uuid);
	ref_add(db_root(ctx->db), T_OVS, "bridges", b->uuid);
	ctx->changed = true;
	return 0;
}

static int
cmd_del_br(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *b = db_row_by_name(ctx->db, T_BRIDGE, c->argv[1]);

	if (b == NULL) {
		if (c->if_exists)
			return 0;
		ds_put_format(&ctx->err, "no bridge named %s", c->argv[1]);
		return -ENOENT;
	}
	ref_remove(db_root(ctx->db), T_OVS, "bridges", b->uuid);
	const struct datum *ps = cell(b, T_BRIDGE, "ports");
	for (unsigned k = ps->n; k-- > 0;) {
		struct row *p = db_row_find(ctx->db, T_PORT, ps->keys[k].s);
		if (p != NULL)
			delete_port_rows(ctx, p);
	}
	db_row_delete(ctx->db, T_BRIDGE, b);
	ctx->changed = true;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
print_sorted(struct vsctl_ctx *ctx, const char **names, unsigned n)
{
	qsort(names, n, sizeof(*names), cmp_str);
	for (unsigned i = 0; i < n; i++)
		ds_put_format(ctx->out, "%s\n", names[i]);
}

/* get-fail-mode BRIDGE: the fail_mode, nothing when unset. */
static int
cmd_get_fail_mode(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *b = need_bridge(ctx, c->argv[1]);

	if (b == NULL)
		return -ENOENT;
	const struct datum *d = cell(b, T_BRIDGE, "fail_mode");
	if (d->n > 0)
		ds_put_format(ctx->out, "%s\n", d->keys[0].s);
	return 0;
}

/* set-fail-mode BRIDGE standalone|secure. */
static int
cmd_set_fail_mode(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *b = need_bridge(ctx, c->argv[1]);
	char arg[64];

	if (b == NULL)
		return -ENOENT;
	if (strcmp(c->argv[2], "standalone") && strcmp(c->argv[2], "secure")) {
		ds_put_cstr(&ctx->err, "fail-mode must be \"standalone\" or \"secure\"");
		return -EINVAL;
	}
	snprintf(arg, sizeof(arg), "fail_mode=%s", c->argv[2]);
	return set_one(ctx, T_BRIDGE, b, arg);
}

/* del-fail-mode BRIDGE. */
static int
cmd_del_fail_mode(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *b = need_bridge(ctx, c->argv[1]);

	if (b == NULL)
		return -ENOENT;
	datum_free(column(T_BRIDGE, "fail_mode"), cell(b, T_BRIDGE, "fail_mode"));
	ctx->changed = true;
	return 0;
}

/* br-set-external-id BRIDGE KEY [VALUE]: without VALUE, KEY goes. */
static int
cmd_br_set_external_id(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *b = need_bridge(ctx, c->argv[1]);

	if (b == NULL)
		return -ENOENT;
	const struct column *col = column(T_BRIDGE, "external_ids");
	struct datum *d = cell(b, T_BRIDGE, "external_ids");
	union atom k = {.s = (char *)c->argv[2]};
	int i = datum_find(col, d, &k);
	if (i >= 0)
		datum_remove_at(col, d, (unsigned)i);
	if (c->argc > 3) {
		union atom v = {.s = (char *)c->argv[3]};
		datum_add(col, d, &k, &v);
	}
	ctx->changed = true;
	return 0;
}

/* br-get-external-id BRIDGE [KEY]: its value, or every KEY=VALUE. */
static int
cmd_br_get_external_id(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *b = need_bridge(ctx, c->argv[1]);

	if (b == NULL)
		return -ENOENT;
	const struct column *col = column(T_BRIDGE, "external_ids");
	const struct datum *d = cell(b, T_BRIDGE, "external_ids");
	if (c->argc > 2) {
		union atom k = {.s = (char *)c->argv[2]};
		int i = datum_find(col, d, &k);
		if (i >= 0)
			ds_put_format(ctx->out, "%s\n", d->values[i].s);
		return 0;
	}
	/* A map's keys are kept sorted. */
	for (unsigned i = 0; i < d->n; i++)
		ds_put_format(ctx->out, "%s=%s\n", d->keys[i].s, d->values[i].s);
	return 0;
}

static int
cmd_list_br(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	const char *names[1024];
	unsigned n = 0;

	for (unsigned i = 0; i < ctx->db->n[T_BRIDGE] && n < 1024; i++)
		names[n++] = db_row_name(T_BRIDGE, ctx->db->rows[T_BRIDGE][i]);
	print_sorted(ctx, names, n);
	return 0;
}

static int
cmd_br_exists(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	if (db_row_by_name(ctx->db, T_BRIDGE, c->argv[1]) == NULL)
		ctx->exit_status = 2;
	return 0;
}

static int
list_ports_or_ifaces(struct vsctl_ctx *ctx, struct vsctl_cmd *c, bool ifaces)
{
	struct row *b = need_bridge(ctx, c->argv[1]);
	const char *names[4096];
	unsigned n = 0;

	if (b == NULL)
		return -ENOENT;
	const struct datum *ps = cell(b, T_BRIDGE, "ports");
	for (unsigned k = 0; k < ps->n; k++) {
		struct row *p = db_row_find(ctx->db, T_PORT, ps->keys[k].s);
		if (p == NULL)
			continue;
		if (!ifaces) {
			if (strcmp(db_row_name(T_PORT, p), c->argv[1]) && n < 4096)
				names[n++] = db_row_name(T_PORT, p);
			continue;
		}
		const struct datum *is = cell(p, T_PORT, "interfaces");
		for (unsigned j = 0; j < is->n; j++) {
			struct row *i = db_row_find(ctx->db, T_IFACE, is->keys[j].s);
			if (i && strcmp(db_row_name(T_IFACE, i), c->argv[1]) && n < 4096)
				names[n++] = db_row_name(T_IFACE, i);
		}
	}
	print_sorted(ctx, names, n);
	return 0;
}

static int
cmd_list_ports(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	return list_ports_or_ifaces(ctx, c, false);
}

static int
cmd_list_ifaces(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	return list_ports_or_ifaces(ctx, c, true);
}

/*
 * add-port and add-bond: port name on bridge brname with interfaces ifaces[0..n_ifaces),
 * then the settings (COLUMN[:KEY]=VALUE) for the Port row.
 */
static int
add_port(struct vsctl_ctx *ctx, struct vsctl_cmd *c, const char *brname, const char *name,
	const char *const *ifaces, int n_ifaces, const char *const *settings, int n_settings,
	bool fake_iface)
{
	const char *what;
	struct row *b = need_bridge(ctx, brname);

	if (b == NULL)
		return -ENOENT;
	if (name[0] == '\0') {
		ds_put_cstr(&ctx->err, "port name must not be empty string");
		return -EINVAL;
	}
	for (int k = 0; k < n_ifaces; k++) {
		if (ifaces[k][0] == '\0') {
			ds_put_cstr(&ctx->err, "interface name must not be empty string");
			return -EINVAL;
		}
	}
	const char *on = where_is(ctx, name, &what);
	if (on != NULL) {
		if (c->may_exist && !strcmp(on, brname) && !strcmp(what, "port"))
			return 0;
		if (c->may_exist && strcmp(on, brname))
			ds_put_format(&ctx->err,
				"\"--may-exist %s %s %s\" but %s is actually "
				"attached to bridge %s",
				c->argv[0], brname, name, name, on);
		else
			ds_put_format(&ctx->err,
				"cannot create a port named %s because a %s named %s "
				"already exists on bridge %s",
				name, what, name, on);
		return -EEXIST;
	}
	for (int k = 0; k < n_ifaces; k++) {
		on = where_is(ctx, ifaces[k], &what);
		for (int j = 0; j < k && on == NULL; j++)
			if (!strcmp(ifaces[j], ifaces[k]))
				on = brname, what = "interface";
		if (on != NULL) {
			ds_put_format(&ctx->err,
				"cannot create an interface named %s because a %s named %s "
				"already exists on bridge %s",
				ifaces[k], what, ifaces[k], on);
			return -EEXIST;
		}
	}
	struct row *p = db_row_new(ctx->db, T_PORT, NULL);
	set_name(p, T_PORT, name);
	for (int k = 0; k < n_ifaces; k++) {
		struct row *i = db_row_new(ctx->db, T_IFACE, NULL);
		set_name(i, T_IFACE, ifaces[k]);
		ref_add(p, T_PORT, "interfaces", i->uuid);
	}
	ref_add(b, T_BRIDGE, "ports", p->uuid);
	ctx->changed = true;
	if (fake_iface && set_one(ctx, T_PORT, p, "bond_fake_iface=true") < 0)
		return -EINVAL;
	for (int k = 0; k < n_settings; k++)
		if (set_one(ctx, T_PORT, p, settings[k]) < 0)
			return -EINVAL;
	return 0;
}

static int
cmd_add_port(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	return add_port(ctx, c, c->argv[1], c->argv[2], &c->argv[2], 1, &c->argv[3], c->argc - 3,
		false);
}

/* add-bond BRIDGE PORT IFACE... [COLUMN[:KEY]=VALUE]...: the interfaces end at the first '='. */
static int
cmd_add_bond(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int n_ifaces = c->argc - 3;

	for (int k = 3; k < c->argc; k++) {
		if (strchr(c->argv[k], '=')) {
			n_ifaces = k - 3;
			break;
		}
	}
	if (n_ifaces < 2) {
		ds_put_format(&ctx->err,
			"add-bond requires at least 2 interfaces, but only %d were specified",
			n_ifaces);
		return -EINVAL;
	}
	return add_port(ctx, c, c->argv[1], c->argv[2], &c->argv[3], n_ifaces,
		&c->argv[3 + n_ifaces], c->argc - 3 - n_ifaces, c->fake_iface);
}

/* add-bond-iface BOND IFACE. */
static int
cmd_add_bond_iface(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *p = db_row_by_name(ctx->db, T_PORT, c->argv[1]);
	const char *what;

	if (p == NULL) {
		ds_put_format(&ctx->err, "no port named %s", c->argv[1]);
		return -ENOENT;
	}
	struct row *i = db_row_by_name(ctx->db, T_IFACE, c->argv[2]);
	if (c->may_exist && i != NULL && port_of_iface(ctx, i) == p)
		return 0;
	const char *on = where_is(ctx, c->argv[2], &what);
	if (on != NULL) {
		ds_put_format(&ctx->err,
			"cannot create an interface named %s because a %s named %s already "
			"exists on bridge %s",
			c->argv[2], what, c->argv[2], on);
		return -EEXIST;
	}
	i = db_row_new(ctx->db, T_IFACE, NULL);
	set_name(i, T_IFACE, c->argv[2]);
	ref_add(p, T_PORT, "interfaces", i->uuid);
	ctx->changed = true;
	return 0;
}

/* del-bond-iface [BOND] IFACE. */
static int
cmd_del_bond_iface(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	const char *name = c->argv[c->argc - 1];
	struct row *i = db_row_by_name(ctx->db, T_IFACE, name);
	struct row *p = i ? port_of_iface(ctx, i) : NULL;

	if (p == NULL) {
		if (c->if_exists)
			return 0;
		ds_put_format(&ctx->err, "no interface named %s", name);
		return -ENOENT;
	}
	if (c->argc == 3 && strcmp(db_row_name(T_PORT, p), c->argv[1])) {
		ds_put_format(&ctx->err, "port %s does not have an interface %s", c->argv[1], name);
		return -ENOENT;
	}
	if (cell(p, T_PORT, "interfaces")->n < 2) {
		ds_put_format(&ctx->err, "cannot delete last interface from port %s",
			db_row_name(T_PORT, p));
		return -EINVAL;
	}
	ref_remove(p, T_PORT, "interfaces", i->uuid);
	db_row_delete(ctx->db, T_IFACE, i);
	ctx->changed = true;
	return 0;
}

static int
cmd_del_port(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	const char *name = c->argv[c->argc - 1];
	struct row *p = db_row_by_name(ctx->db, T_PORT, name);

	/* --with-iface: IFACE may name an interface, whose port goes. */
	if (p == NULL && c->with_iface) {
		struct row *i = db_row_by_name(ctx->db, T_IFACE, name);
		p = i ? port_of_iface(ctx, i) : NULL;
	}
	if (db_row_by_name(ctx->db, T_BRIDGE, name) != NULL) {
		if (c->if_exists)
			return 0;
		ds_put_format(&ctx->err,
			"cannot delete port %s because it is the local port for bridge %s "
			"(deleting this port requires deleting the entire bridge)",
			name, name);
		return -EINVAL;
	}
	if (p == NULL) {
		if (c->if_exists)
			return 0;
		ds_put_format(&ctx->err, "no port named %s", name);
		return -ENOENT;
	}
	struct row *b = bridge_of_port(ctx, p);
	if (c->argc == 3) {
		struct row *want = need_bridge(ctx, c->argv[1]);
		if (want == NULL)
			return -ENOENT;
		if (want != b) {
			ds_put_format(&ctx->err, "bridge %s does not have a port %s", c->argv[1],
				name);
			return -ENOENT;
		}
	}
	if (b)
		ref_remove(b, T_BRIDGE, "ports", p->uuid);
	delete_port_rows(ctx, p);
	ctx->changed = true;
	return 0;
}

static int
cmd_port_to_br(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *p = db_row_by_name(ctx->db, T_PORT, c->argv[1]);
	struct row *b = p ? bridge_of_port(ctx, p) : NULL;

	/* A bridge's own port is the bridge, not one of its ports (as ovs-vsctl). */
	if (b == NULL || db_row_by_name(ctx->db, T_BRIDGE, c->argv[1]) != NULL) {
		ds_put_format(&ctx->err, "no port named %s", c->argv[1]);
		return -ENOENT;
	}
	ds_put_format(ctx->out, "%s\n", db_row_name(T_BRIDGE, b));
	return 0;
}

static int
cmd_iface_to_br(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *i = db_row_by_name(ctx->db, T_IFACE, c->argv[1]);
	struct row *p = i ? port_of_iface(ctx, i) : NULL;
	struct row *b = p ? bridge_of_port(ctx, p) : NULL;

	if (b == NULL || db_row_by_name(ctx->db, T_BRIDGE, c->argv[1]) != NULL) {
		ds_put_format(&ctx->err, "no interface named %s", c->argv[1]);
		return -ENOENT;
	}
	ds_put_format(ctx->out, "%s\n", db_row_name(T_BRIDGE, b));
	return 0;
}

static int
cmd_init(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	return 0;
}

/* ---- show ---- */

static int
cmp_rows_by_name(const void *a, const void *b, void *t)
{
	return 0;
}

static void
show_rows(struct vsctl_ctx *ctx, enum table_id t, const struct datum *refs, struct row **out,
	unsigned *n)
{
	*n = 0;
	for (unsigned k = 0; k < refs->n; k++) {
		struct row *r = db_row_find(ctx->db, t, refs->keys[k].s);
		if (r)
			out[(*n)++] = r;
	}
	/* By name: a stable, readable order. */
	for (unsigned i = 1; i < *n; i++)
		for (unsigned j = i;
			j > 0 && strcmp(db_row_name(t, out[j - 1]), db_row_name(t, out[j])) > 0;
			j--) {
			struct row *tmp = out[j];
			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
}

static void
show_col(struct vsctl_ctx *ctx, struct row *r, enum table_id t, const char *col, int indent)
{
	const struct column *c = column(t, col);
	const struct datum *d = cell(r, t, col);

	if (d->n == 0 || (c->key == AT_STRING && col_is_scalar(c) && d->keys[0].s[0] == '\0'))
		return;
	if (c->key == AT_BOOLEAN && d->keys[0].i == 0)
		return;
	ds_put_format(ctx->out, "%*s%s: ", indent, "", col);
	datum_format(ctx->out, c, d, false);
	ds_put_char(ctx->out, '\n');
}

static int
cmd_show(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	struct row *root = db_root(ctx->db);
	struct row *brs[1024], *ports[4096], *ifs[64];
	unsigned nb, np, ni;

	ds_put_format(ctx->out, "%s\n", root->uuid);
	show_rows(ctx, T_BRIDGE, cell(root, T_OVS, "bridges"), brs, &nb);
	for (unsigned b = 0; b < nb; b++) {
		if (c->argc > 1 && strcmp(db_row_name(T_BRIDGE, brs[b]), c->argv[1]))
			continue;
		ds_put_format(ctx->out, "    Bridge %s\n", db_row_name(T_BRIDGE, brs[b]));
		show_col(ctx, brs[b], T_BRIDGE, "fail_mode", 8);
		show_col(ctx, brs[b], T_BRIDGE, "datapath_type", 8);
		unsupported_show(T_BRIDGE, brs[b], 8, ctx->out);
		show_rows(ctx, T_PORT, cell(brs[b], T_BRIDGE, "ports"), ports, &np);
		for (unsigned p = 0; p < np; p++) {
			ds_put_format(ctx->out, "        Port %s\n", db_row_name(T_PORT, ports[p]));
			show_col(ctx, ports[p], T_PORT, "tag", 12);
			show_col(ctx, ports[p], T_PORT, "trunks", 12);
			show_col(ctx, ports[p], T_PORT, "vlan_mode", 12);
			unsupported_show(T_PORT, ports[p], 12, ctx->out);
			show_rows(ctx, T_IFACE, cell(ports[p], T_PORT, "interfaces"), ifs, &ni);
			for (unsigned i = 0; i < ni; i++) {
				ds_put_format(ctx->out, "            Interface %s\n",
					db_row_name(T_IFACE, ifs[i]));
				show_col(ctx, ifs[i], T_IFACE, "type", 16);
				show_col(ctx, ifs[i], T_IFACE, "options", 16);
				show_col(ctx, ifs[i], T_IFACE, "error", 16);
				unsupported_show(T_IFACE, ifs[i], 16, ctx->out);
			}
		}
	}
	unsupported_show(T_OVS, root, 4, ctx->out);
	show_col(ctx, root, T_OVS, "ovs_version", 4);
	(void)cmp_rows_by_name;
	return 0;
}

/* ---- Generic database commands ---- */

/* Splits "COLUMN[:KEY]=VALUE" (or without "=VALUE" when need_value is false). */
static int
parse_column_arg(struct vsctl_ctx *ctx, enum table_id t, const char *arg, bool need_value, int *col,
	char **key, const char **value)
{
	size_t n = strcspn(arg, ":=");
	const char *p = arg + n;

	*key = NULL;
	*value = NULL;
	if ((*col = find_column(ctx, t, arg, n)) == -1)
		return -EINVAL;
	if (*p == ':') {
		p++;
		const char *start = p;
		if (*p == '"') {
			/* A quoted key. */
			p++;
			while (*p && *p != '"')
				p += (*p == '\\' && p[1]) ? 2 : 1;
			if (*p == '"')
				p++;
		} else {
			p += strcspn(p, "=");
		}
		*key = xstrndup(start, (size_t)(p - start));
		if (**key != '"' && (**key == '\0' || strpbrk(*key, "{}[],") != NULL)) {
			ds_put_format(&ctx->err,
				"%s: argument does not end in \"=\" followed by a "
				"value.",
				arg);
			free(*key);
			return -EINVAL;
		}
		if (**key == '"') {
			memmove(*key, *key + 1, strlen(*key));
			if (strlen(*key) && (*key)[strlen(*key) - 1] == '"')
				(*key)[strlen(*key) - 1] = '\0';
		}
	}
	if (*p == '=') {
		*value = p + 1;
	} else if (*p != '\0') {
		ds_put_format(&ctx->err, "%s: trailing garbage \"%s\" in argument", arg, p);
		free(*key);
		return -EINVAL;
	}
	if (need_value && (*value == NULL || **value == '\0')) {
		ds_put_format(&ctx->err, "%s: argument does not end in \"=\" followed by a value.",
			arg);
		free(*key);
		return -EINVAL;
	}
	if (*col == COL_UUID && need_value) {
		ds_put_format(&ctx->err, "cannot modify the _uuid column");
		free(*key);
		return -EINVAL;
	}
	if (*key && *col >= 0 && !col_is_map(&db_tables[t].cols[*col])) {
		ds_put_format(&ctx->err, "cannot specify key to %s for non-map column %s",
			need_value ? "set" : "get", db_tables[t].cols[*col].name);
		free(*key);
		return -EINVAL;
	}
	return 0;
}

/* A single value as typed: a quoted string is unquoted, anything else taken whole. */
static int
parse_single(struct vsctl_ctx *ctx, const struct column *c, enum atom_type t, const char *s,
	union atom *a)
{
	if (s[0] == '"' && t == AT_STRING) {
		struct datum d;
		struct column tmp = {"", AT_STRING, AT_NONE, 0, UINT32_MAX, 0, 0, NULL, -1, false};
		if (datum_parse(&tmp, s, &d, &ctx->syms, &ctx->err) < 0)
			return -EINVAL;
		if (d.n != 1) {
			datum_free(&tmp, &d);
			ds_put_format(&ctx->err, "%s: expected one value", s);
			return -EINVAL;
		}
		a->s = d.keys[0].s;
		free(d.keys);
		return 0;
	}
	return atom_parse(c, t, s, a, &ctx->syms, &ctx->err);
}

static int
set_one(struct vsctl_ctx *ctx, enum table_id t, struct row *r, const char *arg)
{
	const char *value;
	char *key;
	int col;

	if (parse_column_arg(ctx, t, arg, true, &col, &key, &value) < 0)
		return -EINVAL;
	const struct column *c = &db_tables[t].cols[col];
	if (c->status) {
		ds_put_format(&ctx->err,
			"cannot set %s: it is a read-only column of %s, filled by "
			"trestled from the running port",
			c->name, db_tables[t].name);
		free(key);
		return -EPERM;
	}
	/* A row's name is given when it is made (create, add-br...), never changed: OVS's
	 * schema has it immutable. */
	if (col == db_tables[t].name_col && r->d[col].n > 0 && r->d[col].keys[0].s[0] != '\0') {
		ds_put_format(&ctx->err, "cannot modify immutable column name in table %s",
			db_tables[t].name);
		free(key);
		return -EPERM;
	}
	if (key) {
		union atom k, v;
		if (atom_parse(c, c->key, key, &k, &ctx->syms, &ctx->err) < 0) {
			free(key);
			return -EINVAL;
		}
		free(key);
		if (parse_single(ctx, c, c->value, value, &v) < 0) {
			atom_free(c->key, &k);
			return -EINVAL;
		}
		datum_add(c, &r->d[col], &k, &v);
		atom_free(c->key, &k);
		atom_free(c->value, &v);
	} else {
		struct datum d;
		if (datum_parse(c, value, &d, &ctx->syms, &ctx->err) < 0)
			return -EINVAL;
		datum_free(c, &r->d[col]);
		r->d[col] = d;
	}
	ctx->changed = true;
	return 0;
}

static int
cmd_set(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);
	struct row *r;

	if (t < 0)
		return -EINVAL;
	if ((r = find_row(ctx, t, c->argv[2], !c->if_exists)) == NULL)
		return c->if_exists ? 0 : -ENOENT;
	for (int k = 3; k < c->argc; k++)
		if (set_one(ctx, t, r, c->argv[k]) < 0)
			return -EINVAL;
	return 0;
}

static int
cmd_get(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);
	struct row *r;

	if (t < 0)
		return -EINVAL;
	if ((r = find_row(ctx, t, c->argv[2], !c->if_exists)) == NULL)
		return c->if_exists ? 0 : -ENOENT;
	if (c->id)
		symtab_add(&ctx->syms, c->id, r->uuid);
	for (int k = 3; k < c->argc; k++) {
		const char *value;
		char *key;
		int col;
		if (parse_column_arg(ctx, t, c->argv[k], false, &col, &key, &value) < 0)
			return -EINVAL;
		if (col == COL_UUID) {
			ds_put_format(ctx->out, "%s\n", r->uuid);
			continue;
		}
		const struct column *cd = &db_tables[t].cols[col];
		if (key) {
			union atom ka;
			if (atom_parse(cd, cd->key, key, &ka, &ctx->syms, &ctx->err) < 0) {
				free(key);
				return -EINVAL;
			}
			int i = datum_find(cd, &r->d[col], &ka);
			atom_free(cd->key, &ka);
			if (i < 0) {
				if (!c->if_exists) {
					ds_put_format(&ctx->err,
						"no key \"%s\" in %s record \"%s\" column "
						"%s",
						key, db_tables[t].name, c->argv[2], cd->name);
					free(key);
					return -ENOENT;
				}
			} else {
				atom_format(ctx->out, cd->value, &r->d[col].values[i], false);
				ds_put_char(ctx->out, '\n');
			}
			free(key);
			continue;
		}
		datum_format(ctx->out, cd, &r->d[col], false);
		ds_put_char(ctx->out, '\n');
	}
	return 0;
}

static int
cmd_add(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]), col;
	struct row *r;

	if (t < 0)
		return -EINVAL;
	if ((r = find_row(ctx, t, c->argv[2], !c->if_exists)) == NULL)
		return c->if_exists ? 0 : -ENOENT;
	if ((col = find_column(ctx, t, c->argv[3], strlen(c->argv[3]))) < 0) {
		if (col == COL_UUID)
			ds_put_cstr(&ctx->err, "cannot modify the _uuid column");
		return -EINVAL;
	}
	const struct column *cd = &db_tables[t].cols[col];
	if (cd->status) {
		ds_put_format(&ctx->err, "cannot modify read-only column %s", cd->name);
		return -EPERM;
	}
	struct column loose = *cd;
	loose.min = 0;
	loose.max = UINT32_MAX;
	for (int k = 4; k < c->argc; k++) {
		struct datum d;
		if (datum_parse(&loose, c->argv[k], &d, &ctx->syms, &ctx->err) < 0)
			return -EINVAL;
		for (unsigned i = 0; i < d.n; i++) {
			if (col_is_map(cd) && datum_find(cd, &r->d[col], &d.keys[i]) >= 0)
				continue; /* add never replaces a map value, as OVS. */
			datum_add(cd, &r->d[col], &d.keys[i], d.values ? &d.values[i] : NULL);
		}
		datum_free(cd, &d);
	}
	if (datum_check(cd, &r->d[col], &ctx->err) < 0)
		return -EINVAL;
	ctx->changed = true;
	return 0;
}

static int
cmd_remove(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]), col;
	struct row *r;

	if (t < 0)
		return -EINVAL;
	if ((r = find_row(ctx, t, c->argv[2], !c->if_exists)) == NULL)
		return c->if_exists ? 0 : -ENOENT;
	if ((col = find_column(ctx, t, c->argv[3], strlen(c->argv[3]))) < 0)
		return -EINVAL;
	const struct column *cd = &db_tables[t].cols[col];
	if (cd->status) {
		ds_put_format(&ctx->err, "cannot modify read-only column %s", cd->name);
		return -EPERM;
	}
	for (int k = 4; k < c->argc; k++) {
		const char *arg = c->argv[k];
		if (col_is_map(cd) && !strchr(arg, '=') && arg[0] != '{') {
			/* Keys only. */
			struct column keys = *cd;
			keys.value = AT_NONE;
			keys.min = 0;
			keys.max = UINT32_MAX;
			struct datum d;
			if (datum_parse(&keys, arg, &d, &ctx->syms, &ctx->err) < 0)
				return -EINVAL;
			for (unsigned i = 0; i < d.n; i++) {
				int at = datum_find(cd, &r->d[col], &d.keys[i]);
				if (at >= 0)
					datum_remove_at(cd, &r->d[col], (unsigned)at);
			}
			datum_free(&keys, &d);
			continue;
		}
		struct column loose = *cd;
		loose.min = 0;
		loose.max = UINT32_MAX;
		struct datum d;
		if (datum_parse(&loose, arg, &d, &ctx->syms, &ctx->err) < 0)
			return -EINVAL;
		for (unsigned i = 0; i < d.n; i++) {
			int at = datum_find(cd, &r->d[col], &d.keys[i]);
			if (at < 0)
				continue;
			if (col_is_map(cd) &&
				atom_cmp(cd->value, &r->d[col].values[at], &d.values[i]))
				continue;
			datum_remove_at(cd, &r->d[col], (unsigned)at);
		}
		datum_free(cd, &d);
	}
	if (datum_check(cd, &r->d[col], &ctx->err) < 0)
		return -EINVAL;
	ctx->changed = true;
	return 0;
}

static int
cmd_clear(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);
	struct row *r;

	if (t < 0)
		return -EINVAL;
	if ((r = find_row(ctx, t, c->argv[2], !c->if_exists)) == NULL)
		return c->if_exists ? 0 : -ENOENT;
	for (int k = 3; k < c->argc; k++) {
		int col = find_column(ctx, t, c->argv[k], strlen(c->argv[k]));
		if (col < 0)
			return -EINVAL;
		const struct column *cd = &db_tables[t].cols[col];
		if (cd->status || cd->min > 0) {
			ds_put_format(&ctx->err,
				"\"clear\" operation cannot be applied to column %s "
				"of table %s, which is not allowed to be empty",
				cd->name, db_tables[t].name);
			return -EINVAL;
		}
		datum_free(cd, &r->d[col]);
	}
	ctx->changed = true;
	return 0;
}

/* ---- list, find: output formats ---- */

/* Columns to print for table t: --columns, or _uuid then every column. */
static int
output_columns(struct vsctl_ctx *ctx, enum table_id t, int *cols)
{
	int n = 0;

	if (ctx->columns == NULL) {
		cols[n++] = COL_UUID;
		for (unsigned c = 0; c < db_tables[t].n_cols; c++)
			cols[n++] = (int)c;
		return n;
	}
	const char *p = ctx->columns;
	while (*p && n < MAX_COLS) {
		size_t len = strcspn(p, ",");
		int c = find_column(ctx, t, p, len);
		if (c == -1)
			return -1;
		cols[n++] = c;
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

static void
format_cell(struct vsctl_ctx *ctx, struct ds *out, enum table_id t, const struct row *r, int col)
{
	if (col == COL_UUID) {
		if (ctx->data == DATA_JSON || ctx->format == FMT_JSON) {
			ds_put_format(out, "[\"uuid\",\"%s\"]", r->uuid);
		} else {
			ds_put_cstr(out, r->uuid);
		}
		return;
	}
	const struct column *c = &db_tables[t].cols[col];
	if (ctx->data == DATA_JSON || ctx->format == FMT_JSON) {
		json_t *j = datum_to_json(c, &r->d[col]);
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		ds_put_cstr(out, s);
		free(s);
		json_decref(j);
		return;
	}
	datum_format(out, c, &r->d[col], ctx->data == DATA_BARE);
}

static const char *
col_name(enum table_id t, int col)
{
	return col == COL_UUID ? "_uuid" : db_tables[t].cols[col].name;
}

static void
put_csv(struct ds *out, const char *s)
{
	if (strpbrk(s, ",\"\n") == NULL) {
		ds_put_cstr(out, s);
		return;
	}
	ds_put_char(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			ds_put_char(out, '"');
		ds_put_char(out, *s);
	}
	ds_put_char(out, '"');
}

static int
cmp_row_order(const void *a, const void *b)
{
	return strcmp((*(struct row *const *)a)->uuid, (*(struct row *const *)b)->uuid);
}

static void
print_rows(struct vsctl_ctx *ctx, enum table_id t, struct row **rows, unsigned n, const int *cols,
	int ncols)
{
	struct ds *out = ctx->out;

	if (ctx->format == FMT_LIST) {
		for (unsigned i = 0; i < n; i++) {
			if (i)
				ds_put_char(out, '\n');
			for (int k = 0; k < ncols; k++) {
				if (ctx->headings)
					ds_put_format(out, "%-20s: ", col_name(t, cols[k]));
				format_cell(ctx, out, t, rows[i], cols[k]);
				ds_put_char(out, '\n');
			}
		}
		return;
	}
	if (ctx->format == FMT_JSON) {
		json_t *top = json_object(), *data = json_array(), *heads = json_array();
		for (unsigned i = 0; i < n; i++) {
			json_t *row = json_array();
			for (int k = 0; k < ncols; k++) {
				if (cols[k] == COL_UUID)
					json_array_append_new(row,
						json_pack("[s,s]", "uuid", rows[i]->uuid));
				else
					json_array_append_new(row,
						datum_to_json(&db_tables[t].cols[cols[k]],
							&rows[i]->d[cols[k]]));
			}
			json_array_append_new(data, row);
		}
		for (int k = 0; k < ncols; k++)
			json_array_append_new(heads, json_string(col_name(t, cols[k])));
		json_object_set_new(top, "data", data);
		json_object_set_new(top, "headings", heads);
		char *s = json_dumps(top, JSON_COMPACT | JSON_PRESERVE_ORDER);
		ds_put_format(out, "%s\n", s);
		free(s);
		json_decref(top);
		return;
	}
	/* Table and CSV: format every cell first. */
	char **cells = xcalloc((size_t)(n + 1) * (size_t)ncols, sizeof(char *));
	size_t width[MAX_COLS] = {0};
	for (int k = 0; k < ncols; k++) {
		cells[k] = xstrdup(col_name(t, cols[k]));
		width[k] = strlen(cells[k]);
	}
	for (unsigned i = 0; i < n; i++) {
		for (int k = 0; k < ncols; k++) {
			struct ds s = DS_INIT;
			format_cell(ctx, &s, t, rows[i], cols[k]);
			cells[(i + 1) * (size_t)ncols + (size_t)k] = ds_steal(&s);
			size_t w = strlen(cells[(i + 1) * (size_t)ncols + (size_t)k]);
			if (w > width[k])
				width[k] = w;
		}
	}
	for (unsigned i = ctx->headings ? 0 : 1; i <= n; i++) {
		for (int k = 0; k < ncols; k++) {
			const char *s = cells[i * (size_t)ncols + (size_t)k];
			if (ctx->format == FMT_CSV) {
				if (k)
					ds_put_char(out, ',');
				put_csv(out, s);
			} else if (k == ncols - 1) {
				ds_put_cstr(out, s);
			} else {
				ds_put_format(out, "%-*s ", (int)width[k], s);
			}
		}
		ds_put_char(out, '\n');
		if (i == 0 && ctx->format == FMT_TABLE) {
			for (int k = 0; k < ncols; k++) {
				for (size_t w = 0; w < width[k]; w++)
					ds_put_char(out, '-');
				ds_put_char(out, k == ncols - 1 ? '\n' : ' ');
			}
		}
	}
	for (size_t i = 0; i < (size_t)(n + 1) * (size_t)ncols; i++)
		free(cells[i]);
	free(cells);
}

static int
cmd_list(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);
	int cols[MAX_COLS + 1], ncols;

	if (t < 0)
		return -EINVAL;
	if ((ncols = output_columns(ctx, t, cols)) < 0)
		return -EINVAL;
	unsigned n = 0;
	struct row **rows = xcalloc(ctx->db->n[t] + (unsigned)c->argc, sizeof(*rows));
	if (c->argc > 2) {
		for (int k = 2; k < c->argc; k++) {
			struct row *r = find_row(ctx, t, c->argv[k], !c->if_exists);
			if (r)
				rows[n++] = r;
			else if (!c->if_exists) {
				free(rows);
				return -ENOENT;
			}
		}
	} else {
		n = ctx->db->n[t];
		if (n) /* A table without rows has no array: memcpy() from NULL is UB. */
			memcpy(rows, ctx->db->rows[t], n * sizeof(*rows));
		qsort(rows, n, sizeof(*rows), cmp_row_order);
	}
	print_rows(ctx, t, rows, n, cols, ncols);
	free(rows);
	return 0;
}

/* Whether row r satisfies "COLUMN[:KEY]OP VALUE". */
static int
match_condition(struct vsctl_ctx *ctx, enum table_id t, struct row *r, const char *cond,
	bool *match)
{
	static const char *const ops[] = {"{not-in}", "{in}", "{!=}", "{>=}", "{<=}", "{=}", "{>}",
		"{<}", "!=", ">=", "<=", "=", ">", "<"};
	const char *op = NULL, *at = NULL;

	/* The operator is the first one found after the column (and key) name. */
	for (const char *p = cond; *p && !op; p++) {
		for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			if (!strncmp(p, ops[i], strlen(ops[i]))) {
				op = ops[i];
				at = p;
				break;
			}
		}
	}
	if (op == NULL) {
		ds_put_format(&ctx->err, "%s: missing comparison operator", cond);
		return -EINVAL;
	}
	const char *colon = memchr(cond, ':', (size_t)(at - cond));
	size_t nlen = (size_t)((colon ? colon : at) - cond);
	int col = find_column(ctx, t, cond, nlen);
	if (col == -1)
		return -EINVAL;
	const char *value = at + strlen(op);
	if (col == COL_UUID) {
		*match = !strcasecmp(r->uuid, value) == !strcmp(op, "=");
		return 0;
	}
	const struct column *cd = &db_tables[t].cols[col];
	const struct datum *have = &r->d[col];
	struct datum keyed;
	datum_init(&keyed);
	struct column vcol = *cd;
	if (colon) {
		if (!col_is_map(cd)) {
			ds_put_format(&ctx->err, "cannot specify key for non-map column %s",
				cd->name);
			return -EINVAL;
		}
		char *key = xstrndup(colon + 1, (size_t)(at - colon - 1));
		union atom ka;
		int rc = parse_single(ctx, cd, cd->key, key, &ka);
		free(key);
		if (rc < 0)
			return -EINVAL;
		int i = datum_find(cd, have, &ka);
		atom_free(cd->key, &ka);
		if (i < 0) {
			/* A key the map does not have: no condition on it holds (as ovs-vsctl). */
			*match = false;
			return 0;
		}
		vcol = (struct column){cd->name, cd->value, AT_NONE, 0, 1, INT64_MIN, INT64_MAX,
			NULL, -1, false};
		if (i >= 0)
			datum_add(&vcol, &keyed, &have->values[i], NULL);
		have = &keyed;
	}
	struct datum want;
	vcol.min = 0;
	vcol.max = UINT32_MAX;
	vcol.enums = NULL;
	int rc;
	if (colon) {
		union atom va;
		datum_init(&want);
		rc = parse_single(ctx, &vcol, vcol.key, value, &va);
		if (rc == 0) {
			datum_add(&vcol, &want, &va, NULL);
			atom_free(vcol.key, &va);
		}
	} else {
		rc = datum_parse(&vcol, value, &want, &ctx->syms, &ctx->err);
	}
	if (rc < 0) {
		datum_free(&vcol, &keyed);
		return -EINVAL;
	}
	bool eq = datum_equal(&vcol, have, &want);
	bool subset = true, superset = true;
	for (unsigned i = 0; i < have->n; i++)
		subset &= datum_find(&vcol, &want, &have->keys[i]) >= 0;
	for (unsigned i = 0; i < want.n; i++)
		superset &= datum_find(&vcol, have, &want.keys[i]) >= 0;
	int cmp = 0;
	if (have->n == 1 && want.n == 1)
		cmp = atom_cmp(vcol.key, &have->keys[0], &want.keys[0]);
	bool none = true; /* No element of the column is in the value. */
	for (unsigned i = 0; i < have->n; i++)
		none &= datum_find(&vcol, &want, &have->keys[i]) < 0;
	if (!strcmp(op, "{in}"))
		*match = subset; /* Every element of the column is in the value. */
	else if (!strcmp(op, "{not-in}"))
		*match = none;
	else if (!strcmp(op, "=") || !strcmp(op, "{=}"))
		*match = eq;
	else if (!strcmp(op, "!=") || !strcmp(op, "{!=}"))
		*match = !eq;
	else if (!strcmp(op, "{<=}"))
		*match = subset;
	else if (!strcmp(op, "{>=}"))
		*match = superset;
	else if (!strcmp(op, "{<}"))
		*match = subset && !eq;
	else if (!strcmp(op, "{>}"))
		*match = superset && !eq;
	else if (have->n == 1 && want.n == 1)
		*match = !strcmp(op, "<")    ? cmp < 0
			 : !strcmp(op, ">")  ? cmp > 0
			 : !strcmp(op, "<=") ? cmp <= 0
					     : cmp >= 0;
	else
		*match = false;
	datum_free(&vcol, &want);
	datum_free(&vcol, &keyed);
	return 0;
}

static int
cmd_find(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);
	int cols[MAX_COLS + 1], ncols;

	if (t < 0)
		return -EINVAL;
	if ((ncols = output_columns(ctx, t, cols)) < 0)
		return -EINVAL;
	struct row **rows = xcalloc(ctx->db->n[t] + 1, sizeof(*rows));
	unsigned n = 0;
	for (unsigned i = 0; i < ctx->db->n[t]; i++) {
		bool all = true;
		for (int k = 2; k < c->argc && all; k++) {
			bool m;
			if (match_condition(ctx, t, ctx->db->rows[t][i], c->argv[k], &m) < 0) {
				free(rows);
				return -EINVAL;
			}
			all = m;
		}
		if (all)
			rows[n++] = ctx->db->rows[t][i];
	}
	qsort(rows, n, sizeof(*rows), cmp_row_order);
	print_rows(ctx, t, rows, n, cols, ncols);
	free(rows);
	return 0;
}

static int
cmd_create(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);

	if (t < 0)
		return -EINVAL;
	if (t == T_OVS) {
		ds_put_cstr(&ctx->err, "there is already an Open_vSwitch row; use set");
		return -EEXIST;
	}
	struct row *r = db_row_new(ctx->db, t, NULL);
	if (c->id) {
		if (c->id[0] != '@' || symtab_get(&ctx->syms, c->id) || symtab_full(&ctx->syms)) {
			ds_put_format(&ctx->err,
				"row id \"%s\" must start with \"@\" and be used once", c->id);
			return -EINVAL;
		}
		symtab_add(&ctx->syms, c->id, r->uuid);
	}
	ctx->changed = true;
	for (int k = 2; k < c->argc; k++)
		if (set_one(ctx, t, r, c->argv[k]) < 0)
			return -EINVAL;
	ds_put_format(ctx->out, "%s\n", r->uuid);
	return 0;
}

static int
cmd_destroy(struct vsctl_ctx *ctx, struct vsctl_cmd *c)
{
	int t = find_table(ctx, c->argv[1]);

	if (t < 0)
		return -EINVAL;
	if (t == T_OVS) {
		ds_put_cstr(&ctx->err, "cannot destroy the Open_vSwitch row");
		return -EINVAL;
	}
	if (c->all) {
		while (ctx->db->n[t])
			db_row_delete(ctx->db, t, ctx->db->rows[t][0]);
		ctx->changed = true;
		return 0;
	}
	for (int k = 2; k < c->argc; k++) {
		struct row *r = find_row(ctx, t, c->argv[k], !c->if_exists);
		if (r == NULL) {
			if (c->if_exists)
				continue;
			return -ENOENT;
		}
		db_row_delete(ctx->db, t, r);
		ctx->changed = true;
	}
	return 0;
}

/* ---- The command line ---- */

struct vsctl_command_def {
	const char *name; /* Command name. */
	int min, max;     /* Arguments, not counting the name. */
	int (*fn)(struct vsctl_ctx *, struct vsctl_cmd *);
};

static const struct vsctl_command_def commands[] = {
	{"init", 0, 0, cmd_init},
	{"show", 0, 1, cmd_show},
	{"add-br", 1, 3, cmd_add_br},
	{"del-br", 1, 1, cmd_del_br},
	{"list-br", 0, 0, cmd_list_br},
	{"get-fail-mode", 1, 1, cmd_get_fail_mode},
	{"set-fail-mode", 2, 2, cmd_set_fail_mode},
	{"del-fail-mode", 1, 1, cmd_del_fail_mode},
	{"br-set-external-id", 2, 3, cmd_br_set_external_id},
	{"br-get-external-id", 1, 2, cmd_br_get_external_id},
	{"br-exists", 1, 1, cmd_br_exists},
	{"add-port", 2, 1000, cmd_add_port},
	{"add-bond", 4, 1000, cmd_add_bond},
	{"add-bond-iface", 2, 2, cmd_add_bond_iface},
	{"del-bond-iface", 1, 2, cmd_del_bond_iface},
	{"del-port", 1, 2, cmd_del_port},
	{"list-ports", 1, 1, cmd_list_ports},
	{"list-ifaces", 1, 1, cmd_list_ifaces},
	{"port-to-br", 1, 1, cmd_port_to_br},
	{"iface-to-br", 1, 1, cmd_iface_to_br},
	{"get", 3, 1000, cmd_get},
	{"set", 3, 1000, cmd_set},
	{"add", 4, 1000, cmd_add},
	{"remove", 4, 1000, cmd_remove},
	{"clear", 3, 1000, cmd_clear},
	{"list", 1, 1000, cmd_list},
	{"find", 1, 1000, cmd_find},
	{"create", 2, 1000, cmd_create},
	{"destroy", 1, 1000, cmd_destroy},
};

/* Handles an option; returns 1 if it was one, 0 if not, -1 on error. */
static int
parse_option(struct vsctl_ctx *ctx, struct vsctl_cmd *cmd, const char *a, const char *next,
	int *used)
{
	*used = 0;
	if (!strcmp(a, "--if-exists"))
		cmd->if_exists = true;
	else if (!strcmp(a, "--may-exist"))
		cmd->may_exist = true;
	else if (!strcmp(a, "--all"))
		cmd->all = true;
	else if (!strcmp(a, "--fake-iface"))
		cmd->fake_iface = true;
	else if (!strcmp(a, "--with-iface"))
		cmd->with_iface = true;
	else if (!strcmp(a, "--oneline"))
		ctx->oneline = true;
	else if (!strcmp(a, "--dry-run"))
		ctx->dry_run = true;
	else if (!strncmp(a, "--id=", 5))
		cmd->id = a + 5;
	else if (!strcmp(a, "--no-headings") || !strcmp(a, "--no-heading"))
		ctx->headings = false;
	else if (!strcmp(a, "--bare")) {
		ctx->format = FMT_TABLE;
		ctx->data = DATA_BARE;
		ctx->headings = false;
	} else if (!strncmp(a, "--columns=", 10)) {
		ctx->columns = a + 10;
	} else if (!strcmp(a, "--columns")) {
		if (next == NULL) {
			ds_put_cstr(&ctx->err, "option '--columns' requires an argument");
			return -1;
		}
		ctx->columns = next;
		*used = 1;
	} else if (!strncmp(a, "--format=", 9) || !strcmp(a, "-f") || !strcmp(a, "--format")) {
		const char *v = strchr(a, '=') ? strchr(a, '=') + 1 : next;
		*used = strchr(a, '=') ? 0 : 1;
		if (v == NULL || !strcmp(v, "list"))
			ctx->format = FMT_LIST;
		if (v && !strcmp(v, "table"))
			ctx->format = FMT_TABLE;
		else if (v && !strcmp(v, "csv"))
			ctx->format = FMT_CSV;
		else if (v && !strcmp(v, "json"))
			ctx->format = FMT_JSON;
		else if (v == NULL || (strcmp(v, "list") && strcmp(v, "html"))) {
			ds_put_format(&ctx->err,
				"unknown output format \"%s\" (use table, list, csv "
				"or json)",
				v ? v : "");
			return -1;
		}
	} else if (!strncmp(a, "--data=", 7) || !strcmp(a, "-d") || !strcmp(a, "--data")) {
		const char *v = strchr(a, '=') ? strchr(a, '=') + 1 : next;
		*used = strchr(a, '=') ? 0 : 1;
		if (v && !strcmp(v, "string"))
			ctx->data = DATA_STRING;
		else if (v && !strcmp(v, "bare"))
			ctx->data = DATA_BARE;
		else if (v && !strcmp(v, "json"))
			ctx->data = DATA_JSON;
		else {
			ds_put_format(&ctx->err,
				"unknown data format \"%s\" (use string, bare or "
				"json)",
				v ? v : "");
			return -1;
		}
	} else if (!strncmp(a, "--timeout", 9) || !strcmp(a, "-t")) {
		*used = strchr(a, '=') ? 0 : 1; /* The client enforces it. */
	} else if (!strcmp(a, "--no-wait") || !strncmp(a, "--db", 4) || !strcmp(a, "--no-syslog") ||
		   !strncmp(a, "-v", 2)) {
		/*
		 * Nothing to do here: every change is applied before the reply (--no-wait), there
		 * is one database (--db), and logging is trestled's (--no-syslog, -v).
		 */
	} else {
		return 0;
	}
	return 1;
}

/*
 * Splits argv into commands at "--"; options before each command name belong to it (or are
 * global). Returns how many, or -1 with ctx->err saying why.
 */
static int
split_commands(struct vsctl_ctx *ctx, int argc, const char *const argv[], struct vsctl_cmd *cmds)
{
	int ncmds = 0, i = 0;

	while (i < argc) {
		struct vsctl_cmd *c = &cmds[ncmds];
		while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--")) {
			int used;
			int r = parse_option(ctx, c, argv[i], i + 1 < argc ? argv[i + 1] : NULL,
				&used);
			if (r < 0)
				return -1;
			if (r == 0) {
				ds_put_format(&ctx->err, "unrecognized option '%s'", argv[i]);
				return -1;
			}
			i += 1 + used;
		}
		if (i < argc && !strcmp(argv[i], "--")) {
			i++;
			continue; /* Options-only group, e.g. "--timeout=5 --". */
		}
		if (i >= argc)
			break;
		c->argv = &argv[i];
		while (i < argc && strcmp(argv[i], "--"))
			i++;
		c->argc = (int)(&argv[i] - c->argv);
		if (i < argc)
			i++;
		ncmds++;
	}
	if (ncmds == 0) {
		ds_put_cstr(&ctx->err, "missing command name (use --help for help)");
		return -1;
	}
	return ncmds;
}

/* Finds each command's definition and checks its argument count, before any runs. */
static int
check_commands(struct vsctl_ctx *ctx, const struct vsctl_cmd *cmds, int ncmds,
	const struct vsctl_command_def **defs)
{
	for (int k = 0; k < ncmds; k++) {
		defs[k] = NULL;
		for (unsigned d = 0; d < sizeof(commands) / sizeof(commands[0]); d++)
			if (!strcmp(commands[d].name, cmds[k].argv[0]))
				defs[k] = &commands[d];
		if (defs[k] == NULL) {
			ds_put_format(&ctx->err, "unknown command '%s'; use --help for help",
				cmds[k].argv[0]);
			return -1;
		}
		int nargs = cmds[k].argc - 1;
		if (nargs < defs[k]->min || nargs > defs[k]->max) {
			ds_put_format(&ctx->err, "'%s' command requires at %s %d arguments",
				cmds[k].argv[0], nargs < defs[k]->min ? "least" : "most",
				nargs < defs[k]->min ? defs[k]->min : defs[k]->max);
			return -1;
		}
	}
	return 0;
}

/*
 * The changed copy checked as a whole (references, names, what is not implemented: judged
 * by the result, as ovsdb does, so a value set and unset again passes) and its cfg counters
 * moved on. Returns 0 or a negative errno with ctx->err saying why.
 */
static int
check_result(struct vsctl_ctx *ctx, const struct db *db)
{
	int ret;

	db_gc(ctx->db);
	if (db_check(ctx->db, &ctx->err) < 0)
		return -EINVAL;
	if ((ret = unsupported_check(ctx->db, db, &ctx->err)) < 0)
		return ret;
	struct row *root = db_root(ctx->db);
	int nc = db_column_index(T_OVS, "next_cfg"), cc = db_column_index(T_OVS, "cur_cfg");
	root->d[nc].keys[0].i++;
	root->d[cc].keys[0].i = root->d[nc].keys[0].i;
	return 0;
}

/*
 * --oneline: the output a command wrote from start on, as one line: backslashes doubled, the
 * newlines between its lines written as \n (ovs-vsctl's manual).
 */
static void
oneline(struct ds *out, size_t start)
{
	struct ds one = DS_INIT;
	const char *s = ds_cstr(out) + start;
	size_t n = out->len - start;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			ds_put_cstr(&one, "\\\\");
		else if (s[i] == '\n')
			ds_put_cstr(&one, "\\n");
		else
			ds_put_char(&one, s[i]);
	}
	ds_put_char(&one, '\n');
	ds_truncate(out, start);
	ds_put_cstr(out, ds_cstr(&one));
	ds_destroy(&one);
}

int
vsctl_run(const struct db *db, int argc, const char *const argv[], struct db **newdb,
	struct ds *out)
{
	struct vsctl_ctx ctx = {.out = out,
		.format = FMT_LIST,
		.data = DATA_STRING,
		.headings = true,
		.db = NULL};
	int ncmds, ret = 0, max_cmds = 1;

	*newdb = NULL;
	ds_init(&ctx.err);
	/* As many commands as "--" separators and one: libvirt and scripts chain hundreds. */
	for (int k = 0; k < argc; k++)
		max_cmds += !strcmp(argv[k], "--");
	struct vsctl_cmd *cmds = xcalloc((size_t)max_cmds, sizeof(*cmds));
	const struct vsctl_command_def **defs = xcalloc((size_t)max_cmds, sizeof(*defs));

	if ((ncmds = split_commands(&ctx, argc, argv, cmds)) < 0 ||
		check_commands(&ctx, cmds, ncmds, defs) < 0)
		goto error;
	ctx.db = db_clone(db);
	for (int k = 0; k < ncmds; k++) {
		size_t start = out->len;
		if ((ret = defs[k]->fn(&ctx, &cmds[k])) < 0)
			goto error;
		if (ctx.oneline)
			oneline(out, start);
	}
	ret = 0;
	if (ctx.exit_status) {
		/* br-exists and friends answer with a status; nothing to commit. */
		ret = VSCTL_EXIT_STATUS(ctx.exit_status);
		db_destroy(ctx.db);
	} else if (ctx.changed) {
		if ((ret = check_result(&ctx, db)) < 0)
			goto error;
		if (ctx.dry_run)
			db_destroy(ctx.db); /* Valid, and not committed. */
		else
			*newdb = ctx.db;
	} else {
		db_destroy(ctx.db);
	}
	ds_destroy(&ctx.err);
	free(cmds);
	free(defs);
	return ret;

error:
	ds_clear(out);
	ds_put_cstr(out, ds_cstr(&ctx.err));
	if (out->len == 0)
		ds_put_cstr(out, "command failed");
	ds_destroy(&ctx.err);
	db_destroy(ctx.db);
	*newdb = NULL;
	free(cmds);
	free(defs);
	return ret < 0 ? ret : -EINVAL;
}
