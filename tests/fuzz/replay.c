/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs a fuzz harness without libFuzzer: every file named on the command line, or found in a
 * directory named there, goes once through LLVMFuzzerTestOneInput(), each in a heap buffer of
 * its exact size (so AddressSanitizer catches a harness or parser reading past the input). The
 * unit tests run it on the seed corpus; `replay_flow crash-1234` reproduces a fuzzer's crash
 * in a gcc build. Exits non-zero when it found no input at all (a wrong corpus path).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads the whole file at path into a buffer of its exact size; -errno on failure. */
static int
read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (f == NULL)
		return -errno;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *b = realloc(buf, cap);
			if (b == NULL) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = b;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (err < 0) {
		free(buf);
		return err;
	}
	/* The exact size: a read one byte past the input is out of bounds. */
	*data = malloc(n ? n : 1);
	if (*data == NULL) {
		free(buf);
		return -ENOMEM;
	}
	memcpy(*data, buf, n);
	free(buf);
	*size = n;
	return 0;
}

static int
run_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int ret = read_file(path, &data, &size);

	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
		return ret;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir, in name order; returns how many, or -1 on an error. */
static long
run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	long done = 0;
	struct dirent *e;

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **v = realloc(names, cap * sizeof(*v));
			if (v == NULL)
				abort();
			names = v;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (names[n] == NULL)
			abort();
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (done >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			done = run_file(names[i]) < 0 ? -1 : done + 1;
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("%ld inputs replayed\n", total);
	return total > 0 ? 0 : 1;
}
