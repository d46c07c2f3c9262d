/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The live configuration and the "vsctl" command. Command's walk: the client sends its
 * ovs-vsctl argv as method "vsctl" -> vsctl_run() computes a changed copy of the live db ->
 * db_save() writes it atomically -> bridge_reconfigure() applies it -> the copy goes live.
 * If saving fails nothing is applied, and the reply says why.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "ds.h"
#include "log.h"
#include "module.h"
#include "opts.h"

static struct db *live_db;

struct db *
cfg_db(void)
{
	return live_db;
}

static void
cfg_apply(const struct db *db)
{
	struct conf *conf = conf_from_db(db);

	bridge_reconfigure(conf);
}

int
cfg_init(const char *db_path, struct ds *err)
{
	struct ds e = DS_INIT;
	int ret = db_load(db_path, &live_db, &e);

	if (ret < 0) {
		ds_put_format(err,
			"cannot load the configuration %s: %s (fix or move the file away; "
			"trestled never overwrites a file it cannot read)",
			db_path, ds_cstr(&e));
		ds_destroy(&e);
		return ret;
	}
	ds_destroy(&e);
	/*
	 * An older build accepted settings that trestle now refuses. The file still loads (a
	 * daemon that will not start helps nobody); each one is logged, `show` lists it, and the
	 * daemon goes on ignoring it, as it always did.
	 */
	struct ds w = DS_INIT;
	if (db_unsupported_report(live_db, &w) > 0) {
		char *save = NULL;
		for (char *l = strtok_r(w.s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			TLOG(WARNING, "%s: %s; ignored", db_path, l);
	}
	ds_destroy(&w);
	cfg_apply(live_db);
	return 0;
}

void
cfg_fini(void)
{
	bridge_fini();
	db_destroy(live_db);
	live_db = NULL;
}

static int
cfg_vsctl(int argc, const char *const argv[], struct ds *out)
{
	struct db *newdb = NULL;
	int ret;

	db_refresh_status(live_db, bridge_iface_status, NULL);
	module_status_refresh(live_db);
	ret = vsctl_run(live_db, argc - 1, argv + 1, &newdb, out);
	if (ret < 0 || newdb == NULL)
		return ret;

	struct ds err = DS_INIT;
	if (db_save(newdb, trestled_opts.db_path, &err) < 0) {
		ds_clear(out);
		ds_put_format(out, "configuration not changed: cannot save %s: %s",
			trestled_opts.db_path, ds_cstr(&err));
		ds_destroy(&err);
		db_destroy(newdb);
		return -EIO;
	}
	ds_destroy(&err);
	cfg_apply(newdb);
	db_destroy(live_db);
	live_db = newdb;
	return 0;
}

static const struct ctl_command vsctl_cmd = {"vsctl",
	"[OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]...", 0, INT_MAX, cfg_vsctl};
CTL_REGISTER(vsctl_cmd)

/* The 100 ms housekeeping of the bridges (MAC aging, kernel flags, guests that came or went). */
static void
cfg_tick(void *arg)
{
	bridge_run();
}

static int
cfg_module_init(struct ds *err)
{
	int ret = cfg_init(trestled_opts.db_path, err);

	if (ret == 0 && loop_timer_add(100, cfg_tick, NULL) < 0)
		ret = -ENOSPC;
	return ret;
}

/* Last: the saved configuration is applied once every module can take its part. */
static const struct module cfg_module = {.name = "cfg",
	.order = 90,
	.init = cfg_module_init,
	.fini = cfg_fini};
MODULE_REGISTER(cfg_module)
