/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Allocation on the control thread and in the client: the x* functions never return NULL.
 * Out of memory there, nothing sensible is left to do (a half-applied configuration would be
 * worse), so they print why and abort, as OVS's xmalloc() does. The datapath never uses them:
 * it drops and counts instead (dp_drop.h).
 */
#ifndef TRESTLE_XALLOC_H
#define TRESTLE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The first n characters of s at most, NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif
