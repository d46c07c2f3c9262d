/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ctl socket's admission policy (see ctl_admit.h): a newcomer is never refused, and once
 * every slot is taken a process or a user past its share competes only with itself.
 */
#include "ctl_admit.h"

/* Which connections may make room: everyone's, the newcomer's process's, its user's. */
enum group { GROUP_ALL, GROUP_PID, GROUP_UID };

static bool
in_group(const struct ctl_admit_slot *s, enum group g, pid_t pid, uid_t uid)
{
	return s->used && (g == GROUP_ALL || (g == GROUP_PID && s->pid == pid) ||
				  (g == GROUP_UID && s->uid == uid));
}

/* The slot of g to close: nothing in flight before something, then the longest waited on. */
static unsigned
pick(const struct ctl_admit_slot *slots, unsigned n, enum group g, pid_t pid, uid_t uid,
	ctl_admit_input_fn has_input, void *arg)
{
	unsigned best = n;
	bool best_busy = true;

	for (unsigned i = 0; i < n; i++) {
		if (!in_group(&slots[i], g, pid, uid))
			continue;
		bool busy = !slots[i].idle || has_input(i, arg);
		if (best == n || (best_busy && !busy) ||
			(busy == best_busy && slots[i].since < slots[best].since)) {
			best = i;
			best_busy = busy;
		}
	}
	return best;
}

unsigned
ctl_admit(const struct ctl_admit_slot *slots, unsigned n, pid_t pid, uid_t uid,
	const struct ctl_admit_limits *lim, ctl_admit_input_fn has_input, void *arg,
	enum ctl_admit_how *how)
{
	unsigned n_pid = 0, n_uid = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!slots[i].used) {
			*how = CTL_ADMIT_FREE;
			return i;
		}
		n_pid += slots[i].pid == pid;
		n_uid += slots[i].uid == uid;
	}
	enum group g = GROUP_ALL;
	*how = CTL_ADMIT_EVICT_ANY;
	if (n_pid >= lim->per_pid) {
		g = GROUP_PID;
		*how = CTL_ADMIT_EVICT_PID;
	} else if (n_uid >= lim->per_uid) {
		g = GROUP_UID;
		*how = CTL_ADMIT_EVICT_UID;
	}
	return pick(slots, n, g, pid, uid, has_input, arg);
}
