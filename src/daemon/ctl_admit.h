/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which slot a new ctl connection takes (ctl.c calls it from accept). Nobody is refused: a
 * newcomer takes a free slot; when all are taken it takes the slot of a connection the server
 * has waited on longest: its own process's when that process holds per_pid slots or more,
 * else its own user's when that user holds per_uid or more, else anyone's. Among those,
 * connections with nothing in flight (idle, no unread input) go first. So one process, or
 * one user, that opens connections without end only ever replaces its own.
 * Pure logic, no I/O: unit-tested in ctl_admit_test.c.
 */
#ifndef TRESTLE_CTL_ADMIT_H
#define TRESTLE_CTL_ADMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What the policy needs to know of one slot. */
struct ctl_admit_slot {
	bool used;      /* A connection holds the slot. */
	bool idle;      /* The server waits for its next request (none begun, no reply queued). */
	pid_t pid;      /* Its peer's process (SO_PEERCRED); 0, one group, if not visible. */
	uid_t uid;      /* Its peer's user. */
	uint64_t since; /* When the server began waiting on it (smaller: waited longer). */
};

/* Shares of the slots past which, once all are taken, a process or a user replaces its own. */
struct ctl_admit_limits {
	unsigned per_pid; /* Slots a process may hold before it replaces its own. */
	unsigned per_uid; /* Slots a user may hold before it replaces its own. At least 1, both. */
};

/* How the slot was found. */
enum ctl_admit_how {
	CTL_ADMIT_FREE,      /* A free slot. */
	CTL_ADMIT_EVICT_PID, /* The newcomer's process holds its share: one of its own. */
	CTL_ADMIT_EVICT_UID, /* The newcomer's user holds its share: one of its own. */
	CTL_ADMIT_EVICT_ANY, /* The connection waited on longest of all. */
};

/* Whether idle slot i has input waiting to be read (then it is about to be served). */
typedef bool (*ctl_admit_input_fn)(unsigned i, void *arg);

/*
 * Returns the slot (of n, n > 0) for a connection from pid and uid, and in *how whether it is
 * free or must be closed first. has_input is asked only about idle candidates for eviction.
 */
unsigned ctl_admit(const struct ctl_admit_slot *slots, unsigned n, pid_t pid, uid_t uid,
	const struct ctl_admit_limits *lim, ctl_admit_input_fn has_input, void *arg,
	enum ctl_admit_how *how);

#endif
