/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module registry and the control loop's timers and descriptors (see module.h). Control
 * thread only: modules register before main(), timers and descriptors from the control thread.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <rte_debug.h>

#include "conf.h"
#include "ds.h"
#include "log.h"
#include "module.h"
#include "xalloc.h"

#define MODULE_MAX 64
#define LOOP_TIMERS_MAX 64

static const struct module *modules[MODULE_MAX]; /* Sorted by order once main() starts them. */
static unsigned n_modules;
static unsigned n_started; /* modules[0..n_started-1] have run init. */

void
module_register(const struct module *m)
{
	if (n_modules >= MODULE_MAX)
		rte_panic("too many modules (raise MODULE_MAX)\n");
	modules[n_modules++] = m;
}

static int
cmp_order(const void *a, const void *b)
{
	const struct module *x = *(const struct module *const *)a;
	const struct module *y = *(const struct module *const *)b;

	return x->order != y->order ? (x->order > y->order) - (x->order < y->order)
				    : strcmp(x->name, y->name);
}

int
module_init_all(struct ds *err)
{
	qsort(modules, n_modules, sizeof(modules[0]), cmp_order);
	for (n_started = 0; n_started < n_modules; n_started++) {
		const struct module *m = modules[n_started];
		int ret = m->init ? m->init(err) : 0;

		if (ret < 0) {
			if (err->len == 0)
				ds_put_format(err, "module %s failed to start: %s", m->name,
					strerror(-ret));
			module_fini_all();
			return ret;
		}
	}
	return 0;
}

void
module_fini_all(void)
{
	while (n_started > 0) {
		const struct module *m = modules[--n_started];
		if (m->fini)
			m->fini();
	}
}

void
module_reconfigure_all(const struct conf *old, const struct conf *conf)
{
	for (unsigned i = 0; i < n_started; i++)
		if (modules[i]->reconfigure)
			modules[i]->reconfigure(old, conf);
}

void
module_snapshot_all(struct dp_snapshot *snap)
{
	for (unsigned i = 0; i < n_started; i++)
		if (modules[i]->snapshot)
			modules[i]->snapshot(snap);
}

/* A db_map_fn: every started module's hook for the column *aux, for object name. */
static bool
status_all(const char *name, struct status_map *st, void *aux)
{
	const enum status_column *column = aux;

	st->n = 0;
	for (unsigned i = 0; i < n_started; i++)
		if (modules[i]->status[*column])
			modules[i]->status[*column](name, st);
	return st->n > 0;
}

void
module_status_refresh(struct db *db)
{
	for (enum status_column c = 0; c < STATUS__N; c++)
		db_refresh_map(db, c, status_all, &c);
}

/* ---- The control loop ---- */

struct loop_timer {
	loop_timer_fn fn;   /* NULL: a free slot. */
	void *arg;          /* Its argument. */
	uint64_t period_ms; /* How often. */
	uint64_t next_ms;   /* When next. */
};

struct loop_fd {
	loop_fd_fn fn; /* NULL: not ours. */
	void *arg;     /* Its argument. */
};

static struct loop_timer timers[LOOP_TIMERS_MAX];
static struct loop_fd *fds; /* By descriptor number. */
static unsigned n_fds;      /* Entries in fds[]. */
static int loop_epfd = -1;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
loop_epoll_fd(void)
{
	if (loop_epfd < 0 && (loop_epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		rte_panic("epoll_create1: %s\n", strerror(errno));
	return loop_epfd;
}

int
loop_timer_add(unsigned period_ms, loop_timer_fn fn, void *arg)
{
	for (int i = 0; i < LOOP_TIMERS_MAX; i++) {
		if (timers[i].fn != NULL)
			continue;
		timers[i] = (struct loop_timer){fn, arg, period_ms ? period_ms : 1,
			now_ms() + (period_ms ? period_ms : 1)};
		return i;
	}
	return -ENOSPC;
}

void
loop_timer_del(int id)
{
	if (id >= 0 && id < LOOP_TIMERS_MAX)
		timers[id].fn = NULL;
}

int
loop_fd_add(int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	if (fd < 0)
		return -EBADF;
	if ((unsigned)fd >= n_fds) {
		unsigned n = n_fds ? n_fds : 64;
		while (n <= (unsigned)fd)
			n *= 2;
		fds = xrealloc(fds, n * sizeof(*fds));
		memset(fds + n_fds, 0, (n - n_fds) * sizeof(*fds));
		n_fds = n;
	}
	if (epoll_ctl(loop_epoll_fd(), EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	fds[fd] = (struct loop_fd){fn, arg};
	return 0;
}

void
loop_fd_del(int fd)
{
	if (fd < 0 || (unsigned)fd >= n_fds || fds[fd].fn == NULL)
		return;
	epoll_ctl(loop_epoll_fd(), EPOLL_CTL_DEL, fd, NULL);
	fds[fd].fn = NULL;
}

void
loop_run_once(void (*other)(int fd, uint32_t events, void *arg), void *arg)
{
	uint64_t now = now_ms(), next = now + 1000;
	struct epoll_event evs[16];

	for (int i = 0; i < LOOP_TIMERS_MAX; i++)
		if (timers[i].fn != NULL && timers[i].next_ms < next)
			next = timers[i].next_ms;
	int n = epoll_wait(loop_epoll_fd(), evs, RTE_DIM(evs), next > now ? (int)(next - now) : 0);

	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;

		if ((unsigned)fd < n_fds && fds[fd].fn != NULL)
			fds[fd].fn(fd, evs[i].events, fds[fd].arg);
		else if (other != NULL)
			other(fd, evs[i].events, arg);
	}
	now = now_ms();
	for (int i = 0; i < LOOP_TIMERS_MAX; i++) {
		struct loop_timer *t = &timers[i];
		if (t->fn == NULL || t->next_ms > now)
			continue;
		/* Late (a long command): once, then back on its period from now. */
		t->next_ms = t->next_ms + t->period_ms > now ? t->next_ms + t->period_ms
							     : now + t->period_ms;
		t->fn(t->arg);
	}
}
