/* SPDX-License-Identifier: BSD-3-Clause */
/* Growable text buffer, used for every command reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds.h"
#include "xalloc.h"

void
ds_init(struct ds *ds)
{
	ds->s = NULL;
	ds->len = 0;
	ds->alloc = 0;
}

void
ds_clear(struct ds *ds)
{
	ds->len = 0;
	if (ds->s)
		ds->s[0] = '\0';
}

void
ds_destroy(struct ds *ds)
{
	free(ds->s);
	ds_init(ds);
}

static void
ds_reserve(struct ds *ds, size_t extra)
{
	size_t need = ds->len + extra + 1;

	if (need <= ds->alloc)
		return;
	size_t alloc = ds->alloc ? ds->alloc : 64;
	while (alloc < need)
		alloc *= 2;
	ds->s = xrealloc(ds->s, alloc);
	ds->alloc = alloc;
}

void
ds_put_buf(struct ds *ds, const char *buf, size_t n)
{
	ds_reserve(ds, n);
	memcpy(ds->s + ds->len, buf, n);
	ds->len += n;
	ds->s[ds->len] = '\0';
}

void
ds_put_cstr(struct ds *ds, const char *s)
{
	ds_put_buf(ds, s, strlen(s));
}

void
ds_put_char(struct ds *ds, char c)
{
	ds_put_buf(ds, &c, 1);
}

void
ds_put_vformat(struct ds *ds, const char *fmt, va_list args)
{
	va_list copy;

	va_copy(copy, args);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	ds_reserve(ds, (size_t)n);
	vsnprintf(ds->s + ds->len, (size_t)n + 1, fmt, args);
	ds->len += (size_t)n;
}

void
ds_put_format(struct ds *ds, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	ds_put_vformat(ds, fmt, args);
	va_end(args);
}

const char *
ds_cstr(const struct ds *ds)
{
	return ds->s ? ds->s : "";
}

void
ds_chomp(struct ds *ds)
{
	while (ds->len > 0 && ds->s[ds->len - 1] == '\n')
		ds->s[--ds->len] = '\0';
}

void
ds_truncate(struct ds *ds, size_t len)
{
	if (len < ds->len) {
		ds->len = len;
		ds->s[len] = '\0';
	}
}

char *
ds_steal(struct ds *ds)
{
	char *s = ds->s ? ds->s : xstrdup("");

	ds_init(ds);
	return s;
}
