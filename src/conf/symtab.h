/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "@name" row ids of one ovs-vsctl line ("--id=@name create ..."): vsctl.c records a row's
 * uuid under its name, and value.c resolves "@name" when it parses a reference. Private to
 * src/conf; both depend on this module, it depends on neither.
 */
#ifndef TRESTLE_SYMTAB_H
#define TRESTLE_SYMTAB_H

#include <stdbool.h>

#define SYMTAB_MAX 64

struct symtab {
	unsigned n; /* Entries in use. */
	struct {
		char name[64]; /* "@name" (truncated to 63 characters). */
		char uuid[37]; /* The row it names. */
	} e[SYMTAB_MAX];       /* The entries, in the order they were added. */
};

/* The uuid recorded under name, or NULL. */
const char *symtab_get(const struct symtab *st, const char *name);
/* Whether st has no room for another entry. */
bool symtab_full(const struct symtab *st);
/* Records uuid under name, unless st is full (then it does nothing). */
void symtab_add(struct symtab *st, const char *name, const char *uuid);

#endif
