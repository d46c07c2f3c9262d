/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions on OpenFlow tables (see ofp.h): how ofctl's add-flow, del-flows, mod-flows,
 * replace-flows and the rule timeouts build the next version of a bridge's tables. The
 * version in force is never written: the transaction works on a copy that shares its rules,
 * and remembers each rule it takes out, for the caller to free after the PMDs let go of it.
 */
#include <stdlib.h>
#include <string.h>

#include "ofp_priv.h"
#include "xalloc.h"

struct ofp_txn {
	struct ofp_tables *t;   /* The version being built (never indexed before the end). */
	struct ofp_rule **dead; /* Rules removed or replaced, to free once no PMD sees them. */
	unsigned n_dead;        /* Entries in dead[]. */
	unsigned cap_dead;      /* Allocated entries of dead[]. */
};

struct ofp_txn *
ofp_txn_begin(const struct ofp_tables *cur)
{
	struct ofp_txn *txn = xcalloc(1, sizeof(*txn));

	txn->t = ofp_tables_clone(cur);
	return txn;
}

const struct ofp_tables *
ofp_txn_tables(const struct ofp_txn *txn)
{
	return txn->t;
}

/* Keeps r, which the new version no longer holds, until the caller can free it. */
static void
txn_kill(struct ofp_txn *txn, struct ofp_rule *r)
{
	if (txn->n_dead == txn->cap_dead) {
		txn->cap_dead = txn->cap_dead ? 2 * txn->cap_dead : 16;
		txn->dead = xrealloc(txn->dead, txn->cap_dead * sizeof(*txn->dead));
	}
	txn->dead[txn->n_dead++] = r;
}

void
ofp_txn_add(struct ofp_txn *txn, const struct ofp_rule *parsed, uint64_t now_ms)
{
	struct ofp_rule *r = ofp_rule_clone(parsed);

	r->created_ms = r->modified_ms = now_ms;
	struct ofp_rule *old = ofp_tables_add(txn->t, r);
	if (old)
		txn_kill(txn, old);
}

void
ofp_txn_delete(struct ofp_txn *txn, unsigned i)
{
	txn_kill(txn, txn->t->rules[i]);
	ofp_tables_remove(txn->t, i);
}

void
ofp_txn_modify_actions(struct ofp_txn *txn, unsigned i, const struct ofp_rule *mod)
{
	struct ofp_rule *r = txn->t->rules[i];
	struct ofp_rule *n = xmalloc(sizeof(*n));

	/*
	 * New actions, same counters: the credit moves to the new version of the rule. The
	 * order does not change, and the copy has no index to invalidate.
	 */
	*n = *r;
	n->n_acts = mod->n_acts;
	memcpy(n->acts, mod->acts, sizeof(n->acts));
	r->credit = NULL;
	txn->t->rules[i] = n;
	txn_kill(txn, r);
}

struct ofp_tables *
ofp_txn_finish(struct ofp_txn *txn, struct ofp_rule ***dead, unsigned *n_dead)
{
	struct ofp_tables *t = txn->t;

	*dead = txn->dead;
	*n_dead = txn->n_dead;
	free(txn);
	return t;
}
