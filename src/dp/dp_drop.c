/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the datapath's drop reasons, kept in step with the enum by DP_DROP_REASONS. */
#include "dp_drop.h"

static const char *const dp_drop_names[] = {
#define DP_DROP_NAME(e, name, doc) [DP_DROP_##e] = name,
	DP_DROP_REASONS(DP_DROP_NAME)
#undef DP_DROP_NAME
};

static const char *const dp_drop_docs[] = {
#define DP_DROP_DOC(e, name, doc) [DP_DROP_##e] = doc,
	DP_DROP_REASONS(DP_DROP_DOC)
#undef DP_DROP_DOC
};

const char *
dp_drop_name(enum dp_drop_reason r)
{
	return r < DP_DROP__MAX ? dp_drop_names[r] : "unknown";
}

const char *
dp_drop_doc(enum dp_drop_reason r)
{
	return r < DP_DROP__MAX ? dp_drop_docs[r] : "unknown";
}
