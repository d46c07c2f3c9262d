/* SPDX-License-Identifier: BSD-3-Clause */
/* Oracles shared by the configuration harnesses (see fuzz_conf.h). */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "conf.h"
#include "ds.h"
#include "fuzz.h"
#include "fuzz_conf.h"

static char dir[64], path[96], path_tmp[112];

static void
cleanup(void)
{
	unlink(path);
	unlink(path_tmp);
	rmdir(dir);
}

const char *
fuzz_conf_path(void)
{
	if (path[0])
		return path;
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof(dir), "%s/trestle-fuzz.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/conf.json", dir);
	snprintf(path_tmp, sizeof(path_tmp), "%s.tmp", path);
	atexit(cleanup);
	return path;
}

/* The saved file's bytes (the caller frees them). */
static char *
slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	struct ds d = DS_INIT;
	char buf[4096];
	size_t n;

	FUZZ_CHECK(f != NULL, "%s: %s", p, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		ds_put_buf(&d, buf, n);
	fclose(f);
	return ds_steal(&d);
}

static bool
seen(char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void
check_names(const struct db *db)
{
	struct conf *c = conf_from_db(db);
	unsigned nb = 0, np = 0, ni = 0, cap = 0;

	for (unsigned b = 0; b < c->n_bridges; b++) {
		cap += c->bridges[b].n_ports;
		for (unsigned p = 0; p < c->bridges[b].n_ports; p++)
			cap += c->bridges[b].ports[p].n_ifaces;
	}
	char **brs = calloc(c->n_bridges + 1, sizeof(char *));
	char **ports = calloc(cap + 1, sizeof(char *)), **ifaces = calloc(cap + 1, sizeof(char *));
	for (unsigned b = 0; b < c->n_bridges; b++) {
		const struct conf_bridge *cb = &c->bridges[b];
		FUZZ_CHECK(cb->name && !seen(brs, nb, cb->name), "bridge %s twice", cb->name);
		brs[nb++] = cb->name;
		for (unsigned p = 0; p < cb->n_ports; p++) {
			const struct conf_port *cp = &cb->ports[p];
			FUZZ_CHECK(cp->name && !seen(ports, np, cp->name), "port %s in two places",
				cp->name);
			ports[np++] = cp->name;
			FUZZ_CHECK(cp->tag >= -1 && cp->tag <= 4095, "port %s tag %d", cp->name,
				cp->tag);
			for (unsigned i = 0; i < cp->n_ifaces; i++) {
				const struct conf_iface *ci = &cp->ifaces[i];
				FUZZ_CHECK(ci->name && !seen(ifaces, ni, ci->name),
					"interface %s in two places", ci->name);
				ifaces[ni++] = ci->name;
			}
		}
	}
	free(brs);
	free(ports);
	free(ifaces);
	conf_destroy(c);
}

void
fuzz_conf_check(const struct db *db)
{
	const char *p = fuzz_conf_path();
	struct ds err = DS_INIT;
	struct db *back = NULL;

	check_names(db);
	FUZZ_CHECK(db_save(db, p, &err) == 0, "db_save: %s", ds_cstr(&err));
	char *first = slurp(p);
	FUZZ_CHECK(db_load(p, &back, &err) == 0, "what db_save wrote does not load: %s\n%s",
		ds_cstr(&err), first);
	check_names(back);
	FUZZ_CHECK(db_save(back, p, &err) == 0, "db_save: %s", ds_cstr(&err));
	char *second = slurp(p);
	FUZZ_CHECK(!strcmp(first, second),
		"saved, loaded and saved again, it changed:\n%s\n---\n%s", first, second);
	free(first);
	free(second);
	db_destroy(back);
	ds_destroy(&err);
}
