/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Oracles shared by the configuration harnesses (fuzz_vsctl, fuzz_dbload): what any database
 * the daemon may be handed must satisfy.
 */
#ifndef TRESTLE_FUZZ_CONF_H
#define TRESTLE_FUZZ_CONF_H

struct db;

/* A scratch file path for db_save()/db_load(), on tmpfs when there is one; removed at exit. */
const char *fuzz_conf_path(void);

/*
 * Checks db as the daemon would use it: conf_from_db() gives every bridge, port and
 * interface once (db_check() promises unique names and one owner each), and saving, loading
 * and saving again gives the same bytes.
 */
void fuzz_conf_check(const struct db *db);

#endif
