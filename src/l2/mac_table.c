/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MAC learning table (see mac_table.h). Reached from the upcall and the control thread only.
 * Entries hang in hash chains and, unless static, in a per-port list ordered by last refresh,
 * so both aging and fair eviction take the oldest entry of a list. Entries come from a pool
 * that grows by slabs of hugepage memory (dp_mem.h): learning a new address in the PMD takes
 * one from a free list instead of a malloc() that faults in a fresh 4 KiB page now and then.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_jhash.h>
#include <rte_spinlock.h>

#include "dp_mem.h"
#include "ds.h"
#include "flow.h"
#include "mac_table.h"
#include "xalloc.h"

#define SLAB_ENTRIES 4096                     /* Entries the pool grows by. */
#define MAX_SLABS ((1u << 24) / SLAB_ENTRIES) /* Enough for the largest cap. */

struct mac_entry {
	struct rte_ether_addr mac;     /* The address. */
	uint16_t vlan;                 /* Its VLAN. */
	uint32_t port;                 /* Where it was seen. */
	uint64_t used_s;               /* Last learned or refreshed. */
	uint64_t garp_lock_s;          /* Gratuitous ARP lock: until then (0: none). */
	bool is_static;                /* fdb/add: never ages, never moves. */
	struct mac_entry *hnext;       /* Hash chain. */
	struct mac_entry *prev, *next; /* Per-port list, oldest first (not for static entries). */
};

struct port_list {
	struct mac_entry *head, *tail; /* Oldest, newest. */
	unsigned n;                    /* Entries. */
};

/* Lock: lock protects every member but gen and learn_gen, which are only written under it. */
struct mac_table {
	rte_spinlock_t lock;                         /* Taken by every function. */
	unsigned max;                                /* Cap on entries. */
	unsigned aging_s;                            /* Idle time before an entry expires. */
	unsigned count;                              /* Entries. */
	unsigned n_static;                           /* Static entries. */
	uint32_t n_buckets;                          /* Power of two. */
	struct mac_entry **buckets;                  /* Hash chains. */
	struct port_list ports[MAC_TABLE_MAX_PORTS]; /* Dynamic entries by port. */
	volatile uint32_t gen;                       /* See mac_table.h. */
	volatile uint32_t learn_gen;                 /* See mac_table.h. */
	uint64_t n_learned; /* Statistics, as fdb/stats-show prints them. */
	uint64_t n_expired;
	uint64_t n_evicted;
	uint64_t n_moved;
	int socket;                         /* Where the memory comes from (dp_mem.h). */
	struct mac_entry *free_entries;     /* The pool's unused entries, by hnext. */
	unsigned n_slabs;                   /* Allocations the pool is made of. */
	struct mac_entry *slabs[MAX_SLABS]; /* SLAB_ENTRIES entries each. */
};

static uint32_t
buckets_for(unsigned max)
{
	uint32_t n = 1024;

	while (n < max && n < (1u << 24))
		n <<= 1;
	return n;
}

/* An unused entry, zeroed, or NULL when out of memory. Caller holds the lock. */
static struct mac_entry *
entry_alloc(struct mac_table *t)
{
	if (t->free_entries == NULL && t->n_slabs < MAX_SLABS) {
		struct mac_entry *s = dp_mem_zalloc(t->socket, SLAB_ENTRIES * sizeof(*s));
		if (s == NULL)
			return NULL;
		for (unsigned i = 0; i + 1 < SLAB_ENTRIES; i++)
			s[i].hnext = &s[i + 1];
		t->free_entries = s;
		t->slabs[t->n_slabs++] = s;
	}
	struct mac_entry *e = t->free_entries;
	if (e != NULL) {
		t->free_entries = e->hnext;
		memset(e, 0, sizeof(*e));
	}
	return e;
}

struct mac_table *
mac_table_create(unsigned max_entries, unsigned aging_s, int socket)
{
	struct mac_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	rte_spinlock_init(&t->lock);
	t->socket = socket;
	t->max = max_entries ? max_entries : 1;
	t->aging_s = aging_s;
	t->n_buckets = buckets_for(t->max);
	t->buckets = dp_mem_zalloc(socket, t->n_buckets * sizeof(*t->buckets));
	if (t->buckets == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

static inline uint32_t
mac_hash(uint16_t vlan, const struct rte_ether_addr *mac)
{
	uint32_t a, b;

	memcpy(&a, mac->addr_bytes, 4);
	b = (uint32_t)mac->addr_bytes[4] << 8 | mac->addr_bytes[5] | (uint32_t)vlan << 16;
	return rte_jhash_2words(a, b, 0x5bd1e995);
}

static struct mac_entry **
find_slot(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac)
{
	struct mac_entry **pp = &t->buckets[mac_hash(vlan, mac) & (t->n_buckets - 1)];

	while (*pp && ((*pp)->vlan != vlan || !rte_is_same_ether_addr(&(*pp)->mac, mac)))
		pp = &(*pp)->hnext;
	return pp;
}

static void
list_unlink(struct mac_table *t, struct mac_entry *e)
{
	struct port_list *l = &t->ports[e->port];

	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NULL;
	l->n--;
}

static void
list_append(struct mac_table *t, struct mac_entry *e)
{
	struct port_list *l = &t->ports[e->port];

	e->next = NULL;
	e->prev = l->tail;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
	l->n++;
}

/* Removes and frees e (found through its hash chain). */
static void
entry_remove(struct mac_table *t, struct mac_entry *e)
{
	struct mac_entry **pp = find_slot(t, e->vlan, &e->mac);

	if (*pp == e)
		*pp = e->hnext;
	if (e->is_static)
		t->n_static--;
	else
		list_unlink(t, e);
	t->count--;
	e->hnext = t->free_entries;
	t->free_entries = e;
}

/* Makes room for one entry: the port with the most dynamic entries loses its oldest. */
static bool
evict_one(struct mac_table *t)
{
	unsigned best = MAC_TABLE_MAX_PORTS;

	for (unsigned p = 0; p < MAC_TABLE_MAX_PORTS; p++)
		if (t->ports[p].n &&
			(best == MAC_TABLE_MAX_PORTS || t->ports[p].n > t->ports[best].n))
			best = p;
	if (best == MAC_TABLE_MAX_PORTS)
		return false;
	entry_remove(t, t->ports[best].head);
	t->n_evicted++;
	t->gen++;
	return true;
}

void
mac_table_destroy(struct mac_table *t)
{
	if (t == NULL)
		return;
	mac_table_flush(t);
	for (unsigned i = 0; i < t->n_slabs; i++)
		dp_mem_free(t->socket, t->slabs[i]);
	dp_mem_free(t->socket, t->buckets);
	free(t);
}

void
mac_table_set_aging(struct mac_table *t, unsigned aging_s)
{
	rte_spinlock_lock(&t->lock);
	t->aging_s = aging_s;
	rte_spinlock_unlock(&t->lock);
}

void
mac_table_set_limits(struct mac_table *t, unsigned max_entries, unsigned aging_s)
{
	rte_spinlock_lock(&t->lock);
	t->max = max_entries ? max_entries : 1;
	t->aging_s = aging_s;
	while (t->count > t->max && evict_one(t))
		;
	uint32_t want = buckets_for(t->max);
	if (want > t->n_buckets) {
		struct mac_entry **b = dp_mem_zalloc(t->socket, want * sizeof(*b));
		if (b) {
			for (uint32_t i = 0; i < t->n_buckets; i++) {
				struct mac_entry *e = t->buckets[i], *n;
				for (; e; e = n) {
					n = e->hnext;
					uint32_t h = mac_hash(e->vlan, &e->mac) & (want - 1);
					e->hnext = b[h];
					b[h] = e;
				}
			}
			dp_mem_free(t->socket, t->buckets);
			t->buckets = b;
			t->n_buckets = want;
		}
	}
	rte_spinlock_unlock(&t->lock);
}

static bool
expired(const struct mac_table *t, const struct mac_entry *e, uint64_t now_s)
{
	return !e->is_static && now_s >= e->used_s + t->aging_s;
}

enum mac_learn_result
mac_table_learn(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac, uint32_t port,
	uint64_t now_s)
{
	return mac_table_learn_garp(t, vlan, mac, port, now_s, false, false);
}

bool
mac_table_garp_locked(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint64_t now_s)
{
	rte_spinlock_lock(&t->lock);
	struct mac_entry *e = *find_slot(t, vlan, mac);
	bool locked = e != NULL && now_s < e->garp_lock_s;
	rte_spinlock_unlock(&t->lock);
	return locked;
}

enum mac_learn_result
mac_table_learn_garp(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint32_t port, uint64_t now_s, bool garp, bool from_bond)
{
	enum mac_learn_result r;

	if (port >= MAC_TABLE_MAX_PORTS)
		return MAC_LEARN_REFUSED;
	rte_spinlock_lock(&t->lock);
	struct mac_entry *e = *find_slot(t, vlan, mac);
	if (e != NULL && garp && from_bond && now_s < e->garp_lock_s) {
		rte_spinlock_unlock(&t->lock);
		return MAC_LEARN_NOOP;
	}
	if (e != NULL && garp && !from_bond)
		e->garp_lock_s = now_s + MAC_TABLE_GARP_LOCK_S;
	if (e != NULL) {
		if (e->is_static) {
			r = e->port == port ? MAC_LEARN_NOOP : MAC_LEARN_REFUSED;
		} else if (e->port == port) {
			e->used_s = now_s;
			list_unlink(t, e);
			list_append(t, e);
			r = MAC_LEARN_NOOP;
		} else {
			list_unlink(t, e);
			e->port = port;
			e->used_s = now_s;
			list_append(t, e);
			t->n_moved++;
			t->gen++;
			r = MAC_LEARN_MOVED;
		}
		rte_spinlock_unlock(&t->lock);
		return r;
	}
	if (t->count >= t->max && !evict_one(t)) {
		rte_spinlock_unlock(&t->lock);
		return MAC_LEARN_REFUSED;
	}
	e = entry_alloc(t);
	if (e == NULL) {
		rte_spinlock_unlock(&t->lock);
		return MAC_LEARN_REFUSED;
	}
	e->mac = *mac;
	e->vlan = vlan;
	e->port = port;
	e->used_s = now_s;
	e->garp_lock_s = garp && !from_bond ? now_s + MAC_TABLE_GARP_LOCK_S : 0;
	struct mac_entry **pp = find_slot(t, vlan, mac);
	*pp = e;
	list_append(t, e);
	t->count++;
	t->n_learned++;
	t->learn_gen++;
	rte_spinlock_unlock(&t->lock);
	return MAC_LEARN_NEW;
}

int64_t
mac_table_lookup(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint64_t now_s)
{
	int64_t port = -1;

	rte_spinlock_lock(&t->lock);
	struct mac_entry *e = *find_slot(t, vlan, mac);
	if (e && !expired(t, e, now_s))
		port = e->port;
	rte_spinlock_unlock(&t->lock);
	return port;
}

void
mac_table_touch(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac, uint32_t port,
	uint64_t now_s)
{
	rte_spinlock_lock(&t->lock);
	struct mac_entry *e = *find_slot(t, vlan, mac);
	if (e && !e->is_static && e->port == port && e->used_s < now_s) {
		e->used_s = now_s;
		list_unlink(t, e);
		list_append(t, e);
	}
	rte_spinlock_unlock(&t->lock);
}

unsigned
mac_table_age(struct mac_table *t, uint64_t now_s)
{
	unsigned n = 0;

	rte_spinlock_lock(&t->lock);
	for (unsigned p = 0; p < MAC_TABLE_MAX_PORTS; p++) {
		while (t->ports[p].head && expired(t, t->ports[p].head, now_s)) {
			entry_remove(t, t->ports[p].head);
			n++;
		}
	}
	if (n) {
		t->n_expired += n;
		t->gen++;
	}
	rte_spinlock_unlock(&t->lock);
	return n;
}

/* Removes every entry for which pred holds. Caller holds the lock. */
static void
remove_if(struct mac_table *t, bool (*pred)(const struct mac_entry *, uint32_t), uint32_t arg)
{
	for (uint32_t i = 0; i < t->n_buckets; i++) {
		struct mac_entry *e = t->buckets[i], *n;
		for (; e; e = n) {
			n = e->hnext;
			if (pred(e, arg))
				entry_remove(t, e);
		}
	}
	t->gen++;
}

static bool
pred_all(const struct mac_entry *e, uint32_t arg)
{
	return true;
}

static bool
pred_port(const struct mac_entry *e, uint32_t port)
{
	return e->port == port;
}

void
mac_table_flush(struct mac_table *t)
{
	rte_spinlock_lock(&t->lock);
	remove_if(t, pred_all, 0);
	rte_spinlock_unlock(&t->lock);
}

void
mac_table_flush_port(struct mac_table *t, uint32_t port)
{
	rte_spinlock_lock(&t->lock);
	remove_if(t, pred_port, port);
	rte_spinlock_unlock(&t->lock);
}

int
mac_table_add_static(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac,
	uint32_t port, uint64_t now_s)
{
	if (port >= MAC_TABLE_MAX_PORTS || vlan > 4095)
		return -EINVAL;
	rte_spinlock_lock(&t->lock);
	struct mac_entry *e = *find_slot(t, vlan, mac);
	if (e)
		entry_remove(t, e);
	else if (t->count >= t->max && !evict_one(t)) {
		rte_spinlock_unlock(&t->lock);
		return -ENOSPC;
	}
	e = entry_alloc(t);
	if (e == NULL) {
		rte_spinlock_unlock(&t->lock);
		return -ENOMEM;
	}
	e->mac = *mac;
	e->vlan = vlan;
	e->port = port;
	e->used_s = now_s;
	e->is_static = true;
	*find_slot(t, vlan, mac) = e;
	t->count++;
	t->n_static++;
	t->gen++;
	t->learn_gen++;
	rte_spinlock_unlock(&t->lock);
	return 0;
}

int
mac_table_del(struct mac_table *t, uint16_t vlan, const struct rte_ether_addr *mac)
{
	int ret = -ENOENT;

	rte_spinlock_lock(&t->lock);
	struct mac_entry *e = *find_slot(t, vlan, mac);
	if (e) {
		entry_remove(t, e);
		t->gen++;
		ret = 0;
	}
	rte_spinlock_unlock(&t->lock);
	return ret;
}

const volatile uint32_t *
mac_table_gen_ptr(struct mac_table *t)
{
	return &t->gen;
}

const volatile uint32_t *
mac_table_learn_gen_ptr(struct mac_table *t)
{
	return &t->learn_gen;
}

unsigned
mac_table_count(struct mac_table *t)
{
	return t->count;
}

unsigned
mac_table_n_slabs(struct mac_table *t)
{
	return t->n_slabs;
}

struct fdb_row {
	uint32_t port;             /* Port. */
	uint16_t vlan;             /* VLAN. */
	struct rte_ether_addr mac; /* MAC. */
	int64_t age;               /* Seconds since last seen, -1 for static. */
};

static int
cmp_rows(const void *a, const void *b)
{
	const struct fdb_row *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	return memcmp(&x->mac, &y->mac, sizeof(x->mac));
}

void
mac_table_format(struct mac_table *t, struct ds *out, uint64_t now_s,
	void (*port_fn)(struct ds *out, uint32_t port, void *aux), void *aux)
{
	rte_spinlock_lock(&t->lock);
	struct fdb_row *rows = xcalloc(t->count ? t->count : 1, sizeof(*rows));
	unsigned n = 0;
	for (uint32_t i = 0; i < t->n_buckets; i++) {
		for (struct mac_entry *e = t->buckets[i]; e; e = e->hnext) {
			if (expired(t, e, now_s))
				continue;
			rows[n++] = (struct fdb_row){e->port, e->vlan, e->mac,
				e->is_static ? -1 : (int64_t)(now_s - e->used_s)};
		}
	}
	rte_spinlock_unlock(&t->lock);
	qsort(rows, n, sizeof(*rows), cmp_rows);
	ds_put_cstr(out, " port  VLAN  MAC                Age\n");
	for (unsigned i = 0; i < n; i++) {
		port_fn(out, rows[i].port, aux);
		ds_put_format(out, "  %4u  " FLOW_MAC_FMT "  ", rows[i].vlan,
			FLOW_MAC_ARGS(&rows[i].mac));
		if (rows[i].age < 0)
			ds_put_cstr(out, "static\n");
		else
			ds_put_format(out, "%3lld\n", (long long)rows[i].age);
	}
	free(rows);
}

unsigned
mac_table_snapshot(struct mac_table *t, uint64_t now_s, struct mac_table_entry *out, unsigned max)
{
	unsigned n = 0;

	rte_spinlock_lock(&t->lock);
	for (uint32_t i = 0; i < t->n_buckets && n < max; i++)
		for (struct mac_entry *e = t->buckets[i]; e && n < max; e = e->hnext)
			if (!expired(t, e, now_s))
				out[n++] = (struct mac_table_entry){e->mac, e->vlan, e->port};
	rte_spinlock_unlock(&t->lock);
	return n;
}

void
mac_table_format_stats(struct mac_table *t, struct ds *out, const char *bridge)
{
	rte_spinlock_lock(&t->lock);
	ds_put_format(out, "Statistics for bridge \"%s\":\n", bridge);
	ds_put_format(out, "  Current/maximum MAC entries in the table: %u/%u\n", t->count, t->max);
	ds_put_format(out, "  Current static MAC entries in the table : %u\n", t->n_static);
	ds_put_format(out, "  Total number of learned MAC entries     : %llu\n",
		(unsigned long long)t->n_learned);
	ds_put_format(out, "  Total number of expired MAC entries     : %llu\n",
		(unsigned long long)t->n_expired);
	ds_put_format(out, "  Total number of evicted MAC entries     : %llu\n",
		(unsigned long long)t->n_evicted);
	ds_put_format(out, "  Total number of port moved MAC entries  : %llu\n",
		(unsigned long long)t->n_moved);
	rte_spinlock_unlock(&t->lock);
}

void
mac_table_clear_stats(struct mac_table *t)
{
	rte_spinlock_lock(&t->lock);
	t->n_learned = t->n_expired = t->n_evicted = t->n_moved = 0;
	rte_spinlock_unlock(&t->lock);
}
