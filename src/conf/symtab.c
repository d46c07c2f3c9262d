/* SPDX-License-Identifier: BSD-3-Clause */
/* The "@name" row ids of one ovs-vsctl line (see symtab.h). */
#include <stdio.h>
#include <string.h>

#include "symtab.h"

const char *
symtab_get(const struct symtab *st, const char *name)
{
	for (unsigned i = 0; i < st->n; i++)
		if (!strcmp(st->e[i].name, name))
			return st->e[i].uuid;
	return NULL;
}

bool
symtab_full(const struct symtab *st)
{
	return st->n >= SYMTAB_MAX;
}

void
symtab_add(struct symtab *st, const char *name, const char *uuid)
{
	if (symtab_full(st))
		return;
	snprintf(st->e[st->n].name, sizeof(st->e[st->n].name), "%s", name);
	snprintf(st->e[st->n].uuid, sizeof(st->e[st->n].uuid), "%s", uuid);
	st->n++;
}
