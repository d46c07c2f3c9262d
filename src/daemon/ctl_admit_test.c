/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the ctl socket's admission policy (ctl_admit.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_admit.h"

#define N 8

static const struct ctl_admit_limits lim = {.per_pid = 3, .per_uid = 5};
static bool input[N];  /* Slots whose client has sent bytes not read yet. */
static unsigned asked; /* How often the policy asked about input. */

static bool
has_input(unsigned i, void *arg)
{
	(void)arg;
	asked++;
	return input[i];
}

static struct ctl_admit_slot slots[N];

static void
set(unsigned i, pid_t pid, uid_t uid, uint64_t since)
{
	slots[i] = (struct ctl_admit_slot){.used = true,
		.idle = true,
		.pid = pid,
		.uid = uid,
		.since = since};
}

static int
setup(void **state)
{
	memset(slots, 0, sizeof(slots));
	memset(input, 0, sizeof(input));
	asked = 0;
	return 0;
}

/* A newcomer of pid and uid must get slot want, in the way want_how. */
static void
expect_admit(pid_t pid, uid_t uid, unsigned want, enum ctl_admit_how want_how)
{
	enum ctl_admit_how how;

	assert_int_equal(ctl_admit(slots, N, pid, uid, &lim, has_input, NULL, &how), want);
	assert_int_equal(how, want_how);
}

/* With a free slot, the shares do not matter: one process may hold every free slot. */
static void
test_free_slot_first(void **state)
{
	for (unsigned i = 0; i < N - 1; i++)
		set(i, 100, 0, 10 + i);
	expect_admit(100, 0, N - 1, CTL_ADMIT_FREE);
	assert_int_equal(asked, 0);
}

/* Full, and the newcomer's process holds its share: it replaces its own, never another's. */
static void
test_process_replaces_its_own(void **state)
{
	for (unsigned i = 0; i < N; i++)
		set(i, i < 5 ? 200 + i : 100, i < 5 ? 1000 : 0, 50 + i);
	set(0, 201, 1000, 1); /* Another process's, idle far longer. */
	expect_admit(100, 0, 5, CTL_ADMIT_EVICT_PID);
}

/* Full, process under its share, user over it: the user's own connection waited on longest. */
static void
test_user_replaces_its_own(void **state)
{
	for (unsigned i = 0; i < N; i++)
		set(i, 300 + i, i < 6 ? 0 : 1000, 50 - i);
	/* Slots 6 and 7 (uid 1000) waited longest, but uid 0 holds 6 >= 5. */
	expect_admit(999, 0, 5, CTL_ADMIT_EVICT_UID);
}

/* Full, newcomer under both shares: the connection waited on longest of all. */
static void
test_longest_of_all(void **state)
{
	for (unsigned i = 0; i < N; i++)
		set(i, 400 + i, 1000 + i % 2, 50 + ((i + 3) * 5) % N);
	unsigned want = 0;
	for (unsigned i = 1; i < N; i++)
		if (slots[i].since < slots[want].since)
			want = i;
	expect_admit(500, 7, want, CTL_ADMIT_EVICT_ANY);
}

/*
 * Connections with something in flight (a request begun, a reply queued, or input not read
 * yet) are replaced only when every candidate has: then the one waited on longest.
 */
static void
test_nothing_in_flight_first(void **state)
{
	for (unsigned i = 0; i < N; i++)
		set(i, 400 + i, 1000 + i, 50 + i);
	slots[0].idle = false; /* Waited longest, but a reply is queued. */
	input[1] = true;       /* Next, idle but its request is there to read. */
	expect_admit(500, 7, 2, CTL_ADMIT_EVICT_ANY);
	for (unsigned i = 2; i < N; i++)
		input[i] = true;
	expect_admit(500, 7, 0, CTL_ADMIT_EVICT_ANY);
}

/* Peers in another pid namespace (pid 0) share one process's share. */
static void
test_invisible_pids_are_one_process(void **state)
{
	for (unsigned i = 0; i < N; i++)
		set(i, i < 3 ? 0 : 600 + i, 2000 + i, 50 - i);
	expect_admit(0, 4000, 2, CTL_ADMIT_EVICT_PID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_free_slot_first, setup),
		cmocka_unit_test_setup(test_process_replaces_its_own, setup),
		cmocka_unit_test_setup(test_user_replaces_its_own, setup),
		cmocka_unit_test_setup(test_longest_of_all, setup),
		cmocka_unit_test_setup(test_nothing_in_flight_first, setup),
		cmocka_unit_test_setup(test_invisible_pids_are_one_process, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
