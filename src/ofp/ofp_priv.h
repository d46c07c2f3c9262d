/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside a set of OpenFlow tables (ofp.h declares struct ofp_tables opaque). Private to
 * src/ofp: ofp_xlate.c keeps the rules in order and builds the index, ofp_txn.c builds new
 * versions; ofp_test.c looks at the index. The daemon reads tables through ofp_tables_rule()
 * and changes them only through a transaction (ofp_txn_begin()).
 */
#ifndef TRESTLE_OFP_PRIV_H
#define TRESTLE_OFP_PRIV_H

#include "ofp.h"

struct ofp_index;

/* A set of tables: rules sorted by table, then priority (highest first), then age. */
struct ofp_tables {
	unsigned n_rules;                 /* Rules in rules[]. */
	struct ofp_rule **rules;          /* The rules (shared between versions of the tables). */
	unsigned start[OFP_N_TABLES + 1]; /* Index of each table's first rule; start[255] = n. */
	struct ofp_index *index; /* Tuple index (ofp_tables_index()), NULL when out of date. */
};

#endif
