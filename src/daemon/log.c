/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's log type (see log.h), and ovs-appctl's vlog/list and vlog/set mapped onto
 * rte_log: OVS's modules are rte_log's log types ("trestle" for the daemon's own lines,
 * DPDK's "lib.eal", "pmd.net.af_packet"...; "dpdk" names all of DPDK's, as OVS's dpdk module
 * does), and there is one destination, the stream of --log-file (else stderr), so a level set
 * for console, syslog or file applies to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "ds.h"
#include "log.h"

int trestle_logtype;

void
log_init(void)
{
	trestle_logtype = rte_log_register_type_and_pick_level("trestle", RTE_LOG_INFO);
}

/* OVS's level names, by rte_log level (RTE_LOG_EMERG 1 .. RTE_LOG_DEBUG 8); 0: off. */
static const char *const level_names[] = {"off", "emer", "emer", "emer", "err", "warn", "info",
	"info", "dbg"};

static int
level_of(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} words[] = {{"off", 0}, {"emer", RTE_LOG_EMERG}, {"err", RTE_LOG_ERR},
		{"warn", RTE_LOG_WARNING}, {"info", RTE_LOG_INFO}, {"dbg", RTE_LOG_DEBUG},
		{"debug", RTE_LOG_DEBUG}};

	for (unsigned i = 0; i < RTE_DIM(words); i++)
		if (!strcasecmp(s, words[i].name))
			return words[i].level;
	return -1;
}

/*
 * Calls fn for each log type rte_log knows, with its name and level (rte_log_dump() is
 * DPDK's only way to list them: its lines are "id N: NAME, level is LEVEL").
 */
static void
each_logtype(void (*fn)(const char *name, int id, void *aux), void *aux)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return;
	rte_log_dump(f);
	fclose(f);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		int id;
		char name[128];
		if (sscanf(line, "id %d: %127[^,]", &id, name) == 2)
			fn(name, id, aux);
	}
	free(buf);
}

static void
list_one(const char *name, int id, void *aux)
{
	int level = rte_log_get_level((uint32_t)id);

	ds_put_format(aux, "%-32s %s\n", name,
		level >= 0 && level < (int)RTE_DIM(level_names) ? level_names[level] : "?");
}

static int
cmd_vlog_list(int argc, const char *const argv[], struct ds *out)
{
	(void)argc;
	(void)argv;
	ds_put_cstr(out, "module                           level\n"
			 "------                           -----\n");
	each_logtype(list_one, out);
	return 0;
}

/* Whether log type name belongs to module: ANY, dpdk (every type but trestle's), or itself. */
static bool
in_module(const char *module, const char *name)
{
	if (!strcasecmp(module, "ANY"))
		return true;
	if (!strcasecmp(module, "dpdk"))
		return strcmp(name, "trestle") != 0;
	return !strcmp(module, name);
}

struct vlog_set {
	const char *module;
	int level;
	unsigned n; /* Types set. */
};

static void
set_one(const char *name, int id, void *aux)
{
	struct vlog_set *vs = aux;

	if (in_module(vs->module, name) &&
		rte_log_set_level((uint32_t)id, (uint32_t)vs->level) == 0)
		vs->n++;
}

/*
 * vlog/set SPEC...: each SPEC is MODULE[:DESTINATION[:LEVEL]] or MODULE:LEVEL, any part ANY or
 * left out; DESTINATION is console, syslog, file or ANY (one stream here: all the same).
 */
static int
cmd_vlog_set(int argc, const char *const argv[], struct ds *out)
{
	for (int a = 1; a < argc; a++) {
		char *spec = strdup(argv[a]);
		const char *words[3] = {NULL, NULL, NULL};
		unsigned n = 0;
		for (char *w = strtok(spec, ":"); w && n < 3; w = strtok(NULL, ":"))
			words[n++] = w;
		const char *module = "ANY", *level = NULL;
		for (unsigned i = 0; i < n; i++) {
			if (!strcasecmp(words[i], "console") || !strcasecmp(words[i], "syslog") ||
				!strcasecmp(words[i], "file") ||
				(i == 1 && n == 3 && !strcasecmp(words[i], "ANY")))
				continue;
			if (level_of(words[i]) >= 0)
				level = words[i];
			else if (i == 0)
				module = words[i];
			else {
				ds_put_format(out, "%s: unknown destination or level \"%s\"",
					argv[a], words[i]);
				free(spec);
				return -EINVAL;
			}
		}
		if (!strcasecmp(module, "PATTERN")) {
			ds_put_format(out, "%s: the log's layout is rte_log's: no patterns",
				argv[a]);
			free(spec);
			return -EINVAL;
		}
		struct vlog_set vs = {module, level ? level_of(level) : (int)RTE_LOG_DEBUG, 0};
		each_logtype(set_one, &vs);
		if (!strcasecmp(module, "ANY"))
			rte_log_set_global_level((uint32_t)vs.level);
		if (vs.n == 0) {
			ds_put_format(out, "no module named %s (vlog/list lists them)", module);
			free(spec);
			return -ENOENT;
		}
		free(spec);
	}
	return 0;
}

static const struct ctl_command vlog_cmds[] = {
	{"vlog/list", "", 0, 0, cmd_vlog_list},
	{"vlog/set", "MODULE[:DESTINATION[:LEVEL]]...", 1, INT_MAX, cmd_vlog_set},
};
CTL_REGISTER_ARRAY(vlog_cmds)
