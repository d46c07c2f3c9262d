/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Values in ovs-vsctl's syntax (see db_priv.h): parsing what a person types (sets "[1,2]" or
 * "1,2", maps "{k=v}", quoted strings with escapes, @name references) and printing values the
 * way ovs-vsctl does, as text, bare text or OVSDB JSON.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "ds.h"
#include "symtab.h"
#include "xalloc.h"

/* ---- Printing ---- */

static bool
string_needs_quotes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!isalpha(*p) && *p != '_')
		return true;
	for (p++; *p; p++)
		if (!isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
			return true;
	return !strcmp(s, "true") || !strcmp(s, "false") || uuid_is_valid(s);
}

void
string_format(struct ds *out, const char *s, bool bare)
{
	if (bare || !string_needs_quotes(s)) {
		ds_put_cstr(out, s);
		return;
	}
	ds_put_char(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			ds_put_cstr(out, "\\\"");
			break;
		case '\\':
			ds_put_cstr(out, "\\\\");
			break;
		case '\n':
			ds_put_cstr(out, "\\n");
			break;
		case '\t':
			ds_put_cstr(out, "\\t");
			break;
		case '\r':
			ds_put_cstr(out, "\\r");
			break;
		default:
			if (*p < 0x20)
				ds_put_format(out, "\\u%04x", *p);
			else
				ds_put_char(out, (char)*p);
		}
	}
	ds_put_char(out, '"');
}

void
atom_format(struct ds *out, enum atom_type t, const union atom *a, bool bare)
{
	switch (t) {
	case AT_INTEGER:
		ds_put_format(out, "%lld", (long long)a->i);
		break;
	case AT_BOOLEAN:
		ds_put_cstr(out, a->i ? "true" : "false");
		break;
	case AT_UUID:
		ds_put_cstr(out, a->s);
		break;
	default:
		string_format(out, a->s, bare);
		break;
	}
}

void
datum_format(struct ds *out, const struct column *c, const struct datum *d, bool bare)
{
	bool map = col_is_map(c);

	if (bare) {
		for (unsigned i = 0; i < d->n; i++) {
			if (i)
				ds_put_char(out, ' ');
			atom_format(out, c->key, &d->keys[i], true);
			if (map) {
				ds_put_char(out, '=');
				atom_format(out, c->value, &d->values[i], true);
			}
		}
		return;
	}
	if (col_is_scalar(c) && d->n == 1) {
		atom_format(out, c->key, &d->keys[0], false);
		return;
	}
	ds_put_char(out, map ? '{' : '[');
	for (unsigned i = 0; i < d->n; i++) {
		if (i)
			ds_put_cstr(out, ", ");
		atom_format(out, c->key, &d->keys[i], false);
		if (map) {
			ds_put_char(out, '=');
			atom_format(out, c->value, &d->values[i], false);
		}
	}
	ds_put_char(out, map ? '}' : ']');
}

json_t *
atom_to_json(enum atom_type t, const union atom *a)
{
	switch (t) {
	case AT_INTEGER:
		return json_integer(a->i);
	case AT_BOOLEAN:
		return json_boolean(a->i);
	case AT_UUID:
		return json_pack("[s,s]", "uuid", a->s);
	default:
		return json_string(a->s);
	}
}

json_t *
datum_to_json(const struct column *c, const struct datum *d)
{
	if (col_is_map(c)) {
		json_t *pairs = json_array();
		for (unsigned i = 0; i < d->n; i++)
			json_array_append_new(pairs,
				json_pack("[o,o]", atom_to_json(c->key, &d->keys[i]),
					atom_to_json(c->value, &d->values[i])));
		return json_pack("[s,o]", "map", pairs);
	}
	if (d->n == 1)
		return atom_to_json(c->key, &d->keys[0]);
	json_t *set = json_array();
	for (unsigned i = 0; i < d->n; i++)
		json_array_append_new(set, atom_to_json(c->key, &d->keys[i]));
	return json_pack("[s,o]", "set", set);
}

static int
atom_from_json(enum atom_type t, const json_t *j, union atom *a, struct ds *err)
{
	switch (t) {
	case AT_INTEGER:
		if (!json_is_integer(j))
			goto bad;
		a->i = json_integer_value(j);
		return 0;
	case AT_BOOLEAN:
		if (!json_is_boolean(j))
			goto bad;
		a->i = json_is_true(j);
		return 0;
	case AT_UUID: {
		const char *tag = NULL, *u = NULL;
		if (json_unpack((json_t *)j, "[s,s]", &tag, &u) < 0 || strcmp(tag, "uuid") ||
			!uuid_is_valid(u))
			goto bad;
		a->s = xstrdup(u);
		for (char *p = a->s; *p; p++) /* As atom_parse(): one row, one string. */
			*p = (char)tolower((unsigned char)*p);
		return 0;
	}
	default:
		if (!json_is_string(j))
			goto bad;
		a->s = xstrdup(json_string_value(j));
		return 0;
	}
bad:
	ds_put_cstr(err, "value of the wrong type");
	return -EINVAL;
}

int
datum_from_json(const struct column *c, const json_t *j, struct datum *d, struct ds *err)
{
	datum_init(d);
	if (json_is_array(j) && json_array_size(j) == 2 && json_is_string(json_array_get(j, 0)) &&
		(!strcmp(json_string_value(json_array_get(j, 0)), "set") ||
			!strcmp(json_string_value(json_array_get(j, 0)), "map"))) {
		bool map = !strcmp(json_string_value(json_array_get(j, 0)), "map");
		const json_t *elems = json_array_get(j, 1);
		if (map != col_is_map(c) || !json_is_array(elems))
			goto bad;
		for (size_t i = 0; i < json_array_size(elems); i++) {
			const json_t *e = json_array_get(elems, i);
			union atom k, v;
			if (map) {
				if (!json_is_array(e) || json_array_size(e) != 2)
					goto bad;
				if (atom_from_json(c->key, json_array_get(e, 0), &k, err) < 0)
					goto bad;
				if (atom_from_json(c->value, json_array_get(e, 1), &v, err) < 0) {
					atom_free(c->key, &k);
					goto bad;
				}
				datum_add(c, d, &k, &v);
				atom_free(c->key, &k);
				atom_free(c->value, &v);
			} else {
				if (atom_from_json(c->key, e, &k, err) < 0)
					goto bad;
				datum_add(c, d, &k, NULL);
				atom_free(c->key, &k);
			}
		}
		return 0;
	}
	if (col_is_map(c))
		goto bad;
	union atom k;
	if (atom_from_json(c->key, j, &k, err) < 0)
		goto bad;
	datum_add(c, d, &k, NULL);
	atom_free(c->key, &k);
	return 0;
bad:
	datum_free(c, d);
	if (err->len == 0)
		ds_put_cstr(err, "malformed value");
	return -EINVAL;
}

/* ---- Parsing ---- */

/* Characters that end an unquoted token inside a set or map. */
static bool
is_delim(char c, bool in_key)
{
	return c == '\0' || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' ||
	       isspace((unsigned char)c) || (in_key && c == '=');
}

/* The value of the four hex digits at p, or -1. */
static long
hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i];
		int d = isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * Undoes the "\uXXXX" escape at *pp (the 'u'), or a surrogate pair "\uD83D\uDE00", as JSON
 * does: string_format() prints control characters so. Appends the character in UTF-8 and
 * leaves *pp on the escape's last digit; -1 for a malformed escape or a NUL.
 */
static int
read_u_escape(const char **pp, struct ds *tok)
{
	const char *p = *pp;
	long c = hex4(p + 1);

	if (c <= 0)
		return -1;
	p += 4;
	if (c >= 0xd800 && c < 0xdc00) {
		long lo = p[1] == '\\' && p[2] == 'u' ? hex4(p + 3) : -1;
		if (lo < 0xdc00 || lo >= 0xe000)
			return -1;
		c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	} else if (c >= 0xdc00 && c < 0xe000) {
		return -1;
	}
	if (c < 0x80) {
		ds_put_char(tok, (char)c);
	} else if (c < 0x800) {
		ds_put_char(tok, (char)(0xc0 | c >> 6));
		ds_put_char(tok, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		ds_put_char(tok, (char)(0xe0 | c >> 12));
		ds_put_char(tok, (char)(0x80 | (c >> 6 & 0x3f)));
		ds_put_char(tok, (char)(0x80 | (c & 0x3f)));
	} else {
		ds_put_char(tok, (char)(0xf0 | c >> 18));
		ds_put_char(tok, (char)(0x80 | (c >> 12 & 0x3f)));
		ds_put_char(tok, (char)(0x80 | (c >> 6 & 0x3f)));
		ds_put_char(tok, (char)(0x80 | (c & 0x3f)));
	}
	*pp = p;
	return 0;
}

/*
 * Reads one token at *pp: a quoted string (escapes undone, as in a JSON string, which is how
 * OVS reads it) or a run of characters up to a delimiter. Returns a new string, or NULL with
 * err set.
 */
static char *
read_token(const char **pp, bool in_key, struct ds *err)
{
	const char *p = *pp;
	struct ds tok = DS_INIT;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				switch (*p) {
				case 'n':
					ds_put_char(&tok, '\n');
					break;
				case 't':
					ds_put_char(&tok, '\t');
					break;
				case 'r':
					ds_put_char(&tok, '\r');
					break;
				case 'b':
					ds_put_char(&tok, '\b');
					break;
				case 'f':
					ds_put_char(&tok, '\f');
					break;
				case 'u':
					if (read_u_escape(&p, &tok) < 0) {
						ds_put_format(err,
							"%s: bad \\u escape (want "
							"\\u and four hex digits, not 0000)",
							*pp);
						ds_destroy(&tok);
						return NULL;
					}
					break;
				default:
					ds_put_char(&tok, *p);
				}
			} else {
				ds_put_char(&tok, *p);
			}
		}
		if (*p != '"') {
			ds_put_format(err, "%s: quoted string extends past end of argument", *pp);
			ds_destroy(&tok);
			return NULL;
		}
		p++;
	} else {
		while (!is_delim(*p, in_key))
			ds_put_char(&tok, *p++);
	}
	*pp = p;
	return ds_steal(&tok);
}

int
atom_parse(const struct column *c, enum atom_type t, const char *s, union atom *a,
	const struct symtab *st, struct ds *err)
{
	char *end;

	switch (t) {
	case AT_INTEGER:
		errno = 0;
		a->i = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || errno) {
			ds_put_format(err, "\"%s\" is not a valid integer or range", s);
			return -EINVAL;
		}
		return 0;
	case AT_BOOLEAN:
		if (!strcmp(s, "true"))
			a->i = 1;
		else if (!strcmp(s, "false"))
			a->i = 0;
		else {
			ds_put_format(err,
				"\"%s\" is not a valid boolean (use \"true\" or \"false\")", s);
			return -EINVAL;
		}
		return 0;
	case AT_UUID:
		if (s[0] == '@') {
			const char *u = st ? symtab_get(st, s) : NULL;
			if (u == NULL) {
				ds_put_format(err,
					"row id \"%s\" is referenced but never created (e.g. "
					"with \"-- --id=%s create ...\")",
					s, s);
				return -EINVAL;
			}
			a->s = xstrdup(u);
			return 0;
		}
		if (!uuid_is_valid(s)) {
			ds_put_format(err, "\"%s\" is not a valid UUID", s);
			return -EINVAL;
		}
		a->s = xstrdup(s);
		for (char *p = a->s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return 0;
	default:
		a->s = xstrdup(s);
		return 0;
	}
}

static void
skip_space(const char **pp)
{
	while (isspace((unsigned char)**pp))
		(*pp)++;
}

int
datum_parse(const struct column *c, const char *s, struct datum *d, const struct symtab *st,
	struct ds *err)
{
	bool map = col_is_map(c);
	const char *p = s;
	char close = 0;

	datum_init(d);
	skip_space(&p);
	if (*p == (map ? '{' : '[')) {
		close = map ? '}' : ']';
		p++;
	} else if (*p == '[' || *p == '{') {
		ds_put_format(err, "%s: syntax error: expected a %s", s, map ? "map" : "set");
		return -EINVAL;
	}
	skip_space(&p);
	/* A scalar column given one unquoted value takes the whole argument. */
	if (!close && !map && col_is_scalar(c) && *p != '"') {
		union atom a;
		if (*p == '\0') {
			if (c->key == AT_STRING) {
				ds_put_format(err, "%s: empty value (quote it: \"\")", s);
				return -EINVAL;
			}
			ds_put_format(err, "\"\" is not a valid %s",
				c->key == AT_INTEGER ? "integer or range" : "value");
			return -EINVAL;
		}
		if (atom_parse(c, c->key, p, &a, st, err) < 0)
			return -EINVAL;
		datum_add(c, d, &a, NULL);
		atom_free(c->key, &a);
		return datum_check(c, d, err) < 0 ? (datum_free(c, d), -EINVAL) : 0;
	}
	while (*p && *p != close) {
		char *k = read_token(&p, map, err), *v = NULL;
		union atom ka, va;
		if (k == NULL)
			goto fail;
		if (map) {
			skip_space(&p);
			if (*p != '=') {
				ds_put_format(err,
					"%s: syntax error: missing \"=\" after key \"%s\"", s, k);
				free(k);
				goto fail;
			}
			p++;
			skip_space(&p);
			v = read_token(&p, false, err);
			if (v == NULL) {
				free(k);
				goto fail;
			}
		}
		if (atom_parse(c, c->key, k, &ka, st, err) < 0) {
			free(k);
			free(v);
			goto fail;
		}
		if (map && atom_parse(c, c->value, v, &va, st, err) < 0) {
			atom_free(c->key, &ka);
			free(k);
			free(v);
			goto fail;
		}
		datum_add(c, d, &ka, map ? &va : NULL);
		atom_free(c->key, &ka);
		if (map)
			atom_free(c->value, &va);
		free(k);
		free(v);
		skip_space(&p);
		if (*p == ',') {
			p++;
			skip_space(&p);
		} else if (*p && *p != close) {
			ds_put_format(err, "%s: syntax error: unexpected \"%c\"", s, *p);
			goto fail;
		}
	}
	if (close) {
		if (*p != close) {
			ds_put_format(err, "%s: syntax error: missing \"%c\"", s, close);
			goto fail;
		}
		p++;
		skip_space(&p);
	}
	if (*p) {
		ds_put_format(err, "%s: syntax error: trailing characters", s);
		goto fail;
	}
	if (datum_check(c, d, err) < 0)
		goto fail;
	return 0;
fail:
	datum_free(c, d);
	return -EINVAL;
}
