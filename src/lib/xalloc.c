/* SPDX-License-Identifier: BSD-3-Clause */
/* Allocations that cannot fail (see xalloc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void *
check(void *p, size_t n)
{
	if (p == NULL && n != 0) {
		fprintf(stderr, "out of memory (allocating %zu bytes)\n", n);
		abort();
	}
	return p;
}

void *
xmalloc(size_t n)
{
	return check(malloc(n ? n : 1), n ? n : 1);
}

void *
xcalloc(size_t count, size_t size)
{
	if (count == 0 || size == 0)
		count = size = 1;
	return check(calloc(count, size), count * size);
}

void *
xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1), n ? n : 1);
}

char *
xstrdup(const char *s)
{
	return check(strdup(s), strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
	return check(strndup(s, n), strnlen(s, n) + 1);
}
