/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the configuration database (see conf.h): the schema, datums and rows. Private to
 * src/conf: value.c parses and prints datums, db.c holds rows, store.c saves them, vsctl.c runs
 * commands on them.
 */
#ifndef TRESTLE_DB_PRIV_H
#define TRESTLE_DB_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "conf.h"

struct ds;

enum atom_type {
	AT_NONE,    /* No value type: the column is a set or a scalar, not a map. */
	AT_INTEGER, /* 64-bit integer. */
	AT_BOOLEAN, /* true or false (kept in .i). */
	AT_STRING,  /* UTF-8 string. */
	AT_UUID,    /* Reference to a row (kept as its 36-character uuid string in .s). */
};

union atom {
	int64_t i; /* AT_INTEGER, AT_BOOLEAN. */
	char *s;   /* AT_STRING, AT_UUID (owned). */
};

enum table_id { T_OVS, T_BRIDGE, T_PORT, T_IFACE, T__N };

struct column {
	const char *name;         /* Column name. */
	enum atom_type key;       /* Type of its elements (keys, for a map). */
	enum atom_type value;     /* AT_NONE, or the map's value type. */
	unsigned min;             /* Fewest elements. */
	unsigned max;             /* Most elements (UINT32_MAX: unlimited). */
	int64_t imin, imax;       /* Integer range (keys). */
	const char *const *enums; /* Allowed string keys, NULL-terminated, or NULL. */
	int ref;                  /* Referenced table for AT_UUID keys, else -1. */
	bool status;              /* Filled by the daemon: not saved, not settable. */
};

struct table {
	const char *name;          /* Table name. */
	const struct column *cols; /* Columns, sorted by name. */
	unsigned n_cols;           /* Number of columns. */
	bool root;                 /* Rows survive without references. */
	int name_col;              /* Index of "name", or -1. */
};

extern const struct table db_tables[T__N];

/* A column's value: n atoms (sorted, no duplicates), with values for a map. */
struct datum {
	unsigned n;         /* Number of elements. */
	union atom *keys;   /* Elements, or map keys. */
	union atom *values; /* Map values, or NULL. */
};

struct row {
	char uuid[37];   /* Row's _uuid. */
	struct datum *d; /* One datum per column of its table. */
};

struct db {
	struct row **rows[T__N]; /* Rows of each table. */
	unsigned n[T__N];        /* Number of rows. */
	unsigned cap[T__N];      /* Allocated. */
};

/* Columns and atoms. */
int db_column_index(enum table_id t, const char *name);
/* Case-insensitive comparison of table or column names that takes '-' for '_', over n
 * characters (all if n < 0), as ovs-vsctl matches them. */
bool name_eq(const char *a, const char *b, long n);
bool col_is_map(const struct column *c);
bool col_is_scalar(const struct column *c);
int atom_cmp(enum atom_type t, const union atom *a, const union atom *b);
void atom_clone(enum atom_type t, union atom *dst, const union atom *src);
void atom_free(enum atom_type t, union atom *a);

/* Datums. */
void datum_init(struct datum *d);
void datum_free(const struct column *c, struct datum *d);
void datum_clone(const struct column *c, struct datum *dst, const struct datum *src);
bool datum_equal(const struct column *c, const struct datum *a, const struct datum *b);
/* Sorts and removes duplicate keys (a later map value wins). */
void datum_sort(const struct column *c, struct datum *d);
/* Adds one element (kept sorted); a map key already there gets the new value. */
void datum_add(const struct column *c, struct datum *d, const union atom *k, const union atom *v);
/* Index of key in d, or -1. */
int datum_find(const struct column *c, const struct datum *d, const union atom *k);
void datum_remove_at(const struct column *c, struct datum *d, unsigned i);
/* Checks a value against the column's constraints; message in err. */
int datum_check(const struct column *c, const struct datum *d, struct ds *err);

/* Parsing (OVS syntax) and printing. symtab resolves @name references (may be NULL). */
struct symtab;
int atom_parse(const struct column *c, enum atom_type t, const char *s, union atom *a,
	const struct symtab *st, struct ds *err);
int datum_parse(const struct column *c, const char *s, struct datum *d, const struct symtab *st,
	struct ds *err);
void atom_format(struct ds *out, enum atom_type t, const union atom *a, bool bare);
void datum_format(struct ds *out, const struct column *c, const struct datum *d, bool bare);
json_t *atom_to_json(enum atom_type t, const union atom *a);
json_t *datum_to_json(const struct column *c, const struct datum *d);
int datum_from_json(const struct column *c, const json_t *j, struct datum *d, struct ds *err);
/* Quotes s if OVS would. */
void string_format(struct ds *out, const char *s, bool bare);

/* Rows. */
struct row *db_row_new(struct db *db, enum table_id t, const char *uuid);
struct row *db_row_find(const struct db *db, enum table_id t, const char *uuid);
struct row *db_row_by_name(const struct db *db, enum table_id t, const char *name);
void db_row_delete(struct db *db, enum table_id t, struct row *r);
const char *db_row_name(enum table_id t, const struct row *r);
struct row *db_root(const struct db *db);
/* Sets Open_vSwitch ovs_version to this build's version. */
void db_set_version(struct db *db);
void uuid_generate(char out[37]);
bool uuid_is_valid(const char *s);
/* Removes unreferenced non-root rows. */
void db_gc(struct db *db);
/* Checks references and unique names; 0 or -EINVAL with err explained. */
int db_check(const struct db *db, struct ds *err);

/* ---- What Trestle stores but does not implement (unsupported.c) ---- */

/* Which values of a column or map key a refusal applies to. */
enum refuse {
	REFUSE_ANY,     /* Any value: the map key is present, or the column is not empty. */
	REFUSE_VALUES,  /* The values listed. */
	REFUSE_OTHERS,  /* Every value but those listed (OVS defines more, Trestle lacks them). */
	REFUSE_INVALID, /* Every value but those listed, which are all there are (a typo). */
	REFUSE_RANGE,   /* Any value that is not a decimal integer from min to max. */
	REFUSE_FORMAT,  /* Any value that valid() rejects. */
	REFUSE_MANY,    /* More than one element (a Port's interfaces: a bond). */
	REFUSE_ROW,     /* Values that row_valid() rejects together (STP's three times). */
	REFUSE_ABSENT,  /* A table or column of OVS's schema that Trestle's leaves out. */
};

/* A condition on another column of the same row. */
struct refusal_when {
	const char *column;        /* The column, or NULL for no condition. */
	const char *const *values; /* Its values that make the condition hold ("" for an empty
				    * column), NULL-terminated; NULL: any value, not empty. */
};

/* One line of the table: a setting of OVS's schema that Trestle would store and ignore. */
struct refusal {
	const char *table;                /* Table, as OVS spells it. */
	const char *column;               /* Column, or NULL: the whole table (REFUSE_ABSENT). */
	const char *key;                  /* Map key, or NULL: the column's own value. */
	enum refuse kind;                 /* Which values are refused. */
	const char *const *values;        /* REFUSE_VALUES, _OTHERS, _INVALID: NULL-terminated. */
	int64_t min, max;                 /* REFUSE_RANGE: the integers accepted. */
	bool (*valid)(const char *value); /* REFUSE_FORMAT: whether value is well formed. */
	/* REFUSE_ROW: whether row r of table t is consistent; if not, why says what is wrong. */
	bool (*row_valid)(enum table_id t, const struct row *r, struct ds *why);
	struct refusal_when when[2]; /* Applies only while both hold (a trunk port's tag). */
	const char *why;             /* What Trestle does instead, or the form it wants. */
};

extern const struct refusal refusals[];
extern const unsigned n_refusals;

/*
 * Checks db, the result of a transaction on before, against the refusals: the first setting
 * that one refuses fails the transaction, unless the same row of before already held it (a
 * file from an older build, which accepted it, can still be changed). Returns 0, or -ENOTSUP
 * (not implemented) or -EINVAL (not a valid value) with err explained.
 */
int unsupported_check(const struct db *db, const struct db *before, struct ds *err);
/* Whether name is a table of OVS's schema that Trestle leaves out; if so err says why. */
bool unsupported_table(const char *name, struct ds *err);
/* Whether name is a column of OVS's table t that Trestle leaves out; if so err says why. */
bool unsupported_column(enum table_id t, const char *name, struct ds *err);
/* Appends a line "<indent>ignored: <why>" for each refused setting row r of table t holds. */
void unsupported_show(enum table_id t, const struct row *r, int indent, struct ds *out);

#endif
