/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every fuzz harness shares. Each harness is one file exposing LLVMFuzzerTestOneInput(),
 * linked either with libFuzzer (clang, -Dfuzz=true: scripts/fuzz.sh) or with replay.c (every
 * build: the unit tests replay the seed corpus in tests/fuzz/corpus/<harness>/ through it).
 * A harness checks its oracles with FUZZ_CHECK(): a broken one prints why and aborts, which
 * libFuzzer reports as a crash and a replay test as a failure.
 */
#ifndef TRESTLE_FUZZ_H
#define TRESTLE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: oracle failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* A NUL-terminated copy of n bytes (the caller frees it), or NULL when they hold a NUL. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t n)
{
	if (memchr(data, '\0', n) != NULL)
		return NULL;
	char *s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

#endif
