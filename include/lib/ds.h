/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A growable text buffer. Command handlers write their reply (or their error message) into
 * one; the ctl server sends it back to the client. Shared by the daemon and the client.
 */
#ifndef TRESTLE_DS_H
#define TRESTLE_DS_H

#include <stdarg.h>
#include <stddef.h>

struct ds {
	char *s;      /* NUL-terminated text, or NULL before the first write. */
	size_t len;   /* Length of s, without the NUL. */
	size_t alloc; /* Bytes allocated for s. */
};

#define DS_INIT \
	{ \
		NULL, 0, 0 \
	}

void ds_init(struct ds *ds);
void ds_clear(struct ds *ds);
void ds_destroy(struct ds *ds);
void ds_put_cstr(struct ds *ds, const char *s);
void ds_put_buf(struct ds *ds, const char *buf, size_t n);
void ds_put_char(struct ds *ds, char c);
void ds_put_format(struct ds *ds, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ds_put_vformat(struct ds *ds, const char *fmt, va_list args);
/* Returns the text, never NULL (an empty buffer gives ""). */
const char *ds_cstr(const struct ds *ds);
/* Removes trailing newlines. */
void ds_chomp(struct ds *ds);
/* Shortens ds to its first len bytes (no-op when it is no longer). */
void ds_truncate(struct ds *ds, size_t len);
/* Hands the text over to the caller, who frees it; the buffer is left empty. */
char *ds_steal(struct ds *ds);

#endif
