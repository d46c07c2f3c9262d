/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-PMD flow table and megaflow classifier (see dp_flow.h).
 *
 * Tuple space search: one subtable per distinct mask. A subtable knows which of the key's 12
 * words its mask covers and hashes only those; its buckets chain flows. A lookup tries the
 * subtables in rank order (most hits first) and stops at the first match: megaflows installed
 * by the slow path never overlap, so the first match is the only one.
 *
 * Our own table rather than rte_hash: the key is masked per subtable (rte_hash would need a
 * full 96-byte masked copy per probe and compares all 96 bytes), we need removal while
 * iterating and a pool whose slots outlive removal (the EMC holds pointers), and the table is
 * single-threaded. Written for the switch's design, as STYLE.md allows for the classifier.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>

#include "dp_flow.h"
#include "dp_mem.h"

#define CHUNK_FLOWS 4096
#define MAX_CHUNKS 1024
#define MAX_SUBTABLES 256
#define SWEEP_SLICE 4096

struct dpcls_subtable {
	struct flow_key mask;      /* The mask every flow here shares. */
	uint8_t n_words;           /* Words of the key the mask covers. */
	uint8_t words[FLOW_WORDS]; /* Their indexes. */
	bool l3;                   /* Covers a word from FLOW_L3_WORD on. */
	uint32_t n_flows;          /* Flows in the subtable. */
	uint32_t n_buckets;        /* Power of two. */
	struct dp_flow **buckets;  /* Chains of flows by hash. */
	uint64_t hits;             /* Lookups it answered since the last ranking. */
};

struct dp_flow_table {
	unsigned limit;                                  /* Most flows allowed. */
	unsigned count;                                  /* Flows installed. */
	unsigned n_chunks;                               /* Chunks allocated. */
	struct dp_flow *chunks[MAX_CHUNKS];              /* The pool, CHUNK_FLOWS flows each. */
	struct dp_flow *free_list;                       /* Unused slots. */
	unsigned n_subtables;                            /* Subtables in use. */
	unsigned n_l3_subtables;                         /* Those whose masks reach past L2. */
	struct dpcls_subtable *subtables[MAX_SUBTABLES]; /* In rank order. */
	unsigned sweep_pos;                              /* Where the next sweep slice starts. */
	uint64_t n_lookups;                              /* Keys looked up, since the last read. */
	uint64_t n_probes;                               /* Subtable probes they took. */
	int socket; /* Where flows and buckets come from (dp_mem.h). */
	/*
	 * Action buffers slots outgrew: a dump on the control thread may still read one, so
	 * they are freed at the next flush, which runs while the control thread waits for it.
	 */
	struct dp_actions **retired;
	unsigned n_retired;
};

struct dp_flow_table *
dp_flow_table_create(unsigned limit, int socket)
{
	struct dp_flow_table *tbl = calloc(1, sizeof(*tbl));

	if (tbl) {
		tbl->limit = RTE_MIN(limit, (unsigned)(CHUNK_FLOWS * MAX_CHUNKS));
		tbl->socket = socket;
	}
	return tbl;
}

static void
subtable_free(const struct dp_flow_table *tbl, struct dpcls_subtable *st)
{
	dp_mem_free(tbl->socket, st->buckets);
	free(st);
}

void
dp_flow_table_destroy(struct dp_flow_table *tbl)
{
	if (tbl == NULL)
		return;
	dp_flow_table_flush(tbl);
	for (unsigned c = 0; c < tbl->n_chunks; c++) {
		for (unsigned i = 0; i < CHUNK_FLOWS; i++)
			free(tbl->chunks[c][i].big);
		dp_mem_free(tbl->socket, tbl->chunks[c]);
	}
	free(tbl);
}

static inline uint32_t
subtable_hash(const struct dpcls_subtable *st, const struct flow_key *key)
{
	const uint64_t *k = (const uint64_t *)key, *m = (const uint64_t *)&st->mask;
	uint32_t h = 0;

	for (unsigned i = 0; i < st->n_words; i++) {
		unsigned w = st->words[i];
		h = rte_hash_crc_8byte(k[w] & m[w], h);
	}
	return h;
}

/* Whether key under the subtable's mask equals flow's masked key. */
static inline bool
subtable_match(const struct dpcls_subtable *st, const struct flow_key *key, const struct dp_flow *f)
{
	const uint64_t *k = (const uint64_t *)key, *m = (const uint64_t *)&st->mask;
	const uint64_t *v = (const uint64_t *)&f->key;
	uint64_t diff = 0;

	for (unsigned i = 0; i < st->n_words; i++) {
		unsigned w = st->words[i];
		diff |= (k[w] & m[w]) ^ v[w];
	}
	return diff == 0;
}

static struct dpcls_subtable *
subtable_find(struct dp_flow_table *tbl, const struct flow_key *mask, bool create)
{
	for (unsigned i = 0; i < tbl->n_subtables; i++)
		if (flow_key_equal(&tbl->subtables[i]->mask, mask))
			return tbl->subtables[i];
	if (!create || tbl->n_subtables >= MAX_SUBTABLES)
		return NULL;
	struct dpcls_subtable *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return NULL;
	st->mask = *mask;
	const uint64_t *m = (const uint64_t *)mask;
	for (unsigned w = 0; w < FLOW_WORDS; w++) {
		if (m[w]) {
			st->words[st->n_words++] = (uint8_t)w;
			st->l3 |= w >= FLOW_L3_WORD;
		}
	}
	st->n_buckets = 64;
	st->buckets = dp_mem_zalloc(tbl->socket, st->n_buckets * sizeof(*st->buckets));
	if (st->buckets == NULL) {
		free(st);
		return NULL;
	}
	tbl->subtables[tbl->n_subtables++] = st;
	tbl->n_l3_subtables += st->l3;
	return st;
}

static void
subtable_remove(struct dp_flow_table *tbl, struct dpcls_subtable *st)
{
	for (unsigned i = 0; i < tbl->n_subtables; i++) {
		if (tbl->subtables[i] == st) {
			memmove(&tbl->subtables[i], &tbl->subtables[i + 1],
				(tbl->n_subtables - i - 1) * sizeof(st));
			tbl->n_subtables--;
			tbl->n_l3_subtables -= st->l3;
			break;
		}
	}
	subtable_free(tbl, st);
}

/* Doubles the bucket array when the subtable holds more flows than buckets. */
static void
subtable_grow(const struct dp_flow_table *tbl, struct dpcls_subtable *st)
{
	uint32_t n = st->n_buckets * 2;
	struct dp_flow **b = dp_mem_zalloc(tbl->socket, n * sizeof(*b));

	if (b == NULL)
		return; /* Longer chains, still correct. */
	for (uint32_t i = 0; i < st->n_buckets; i++) {
		struct dp_flow *f = st->buckets[i], *next;
		for (; f; f = next) {
			next = f->next;
			f->next = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	}
	dp_mem_free(tbl->socket, st->buckets);
	st->buckets = b;
	st->n_buckets = n;
}

static struct dp_flow *
flow_alloc(struct dp_flow_table *tbl)
{
	if (tbl->free_list == NULL) {
		if (tbl->n_chunks >= MAX_CHUNKS)
			return NULL;
		struct dp_flow *c = dp_mem_zalloc(tbl->socket, CHUNK_FLOWS * sizeof(*c));
		if (c == NULL)
			return NULL;
		tbl->chunks[tbl->n_chunks++] = c;
		for (int i = CHUNK_FLOWS - 1; i >= 0; i--) {
			c[i].next = tbl->free_list;
			tbl->free_list = &c[i];
		}
	}
	struct dp_flow *f = tbl->free_list;
	tbl->free_list = f->next;
	return f;
}

void
dp_flow_set_credits(struct dp_flow *f, struct dp_flow_credit *const *credits, unsigned n)
{
	if (n > DP_FLOW_MAX_CREDITS)
		n = DP_FLOW_MAX_CREDITS;
	for (unsigned i = 0; i < n; i++)
		f->credits[i] = credits[i];
	f->n_credits = (uint8_t)n;
}

void
dp_flow_table_remove(struct dp_flow_table *tbl, struct dp_flow *f)
{
	struct dpcls_subtable *st = f->subtable;

	if (!f->in_use)
		return;
	struct dp_flow **pp = &st->buckets[f->hash & (st->n_buckets - 1)];
	while (*pp && *pp != f)
		pp = &(*pp)->next;
	if (*pp)
		*pp = f->next;
	for (unsigned i = 0; i < f->n_credits; i++) {
		struct dp_flow_credit *c = f->credits[i];
		__atomic_add_fetch(&c->n_packets, f->stats.n_packets, __ATOMIC_RELAXED);
		__atomic_add_fetch(&c->n_bytes, f->stats.n_bytes, __ATOMIC_RELAXED);
		if (f->stats.used_tsc > __atomic_load_n(&c->used_tsc, __ATOMIC_RELAXED))
			__atomic_store_n(&c->used_tsc, f->stats.used_tsc, __ATOMIC_RELAXED);
	}
	f->n_credits = 0;
	f->in_use = false;
	f->seq++;
	f->next = tbl->free_list;
	tbl->free_list = f;
	tbl->count--;
	if (--st->n_flows == 0)
		subtable_remove(tbl, st);
}

/* Gives f an action buffer for n actions at least, retiring the one it had. */
static int
flow_grow_big(struct dp_flow_table *tbl, struct dp_flow *f, unsigned n)
{
	uint32_t cap = 16;

	while (cap < n)
		cap *= 4;
	struct dp_actions *b = malloc(offsetof(struct dp_actions, a) + cap * sizeof(b->a[0]));
	if (b == NULL)
		return -ENOMEM;
	if (f->big != NULL) {
		struct dp_actions **r = realloc(tbl->retired, (tbl->n_retired + 1) * sizeof(*r));
		if (r == NULL) {
			free(b);
			return -ENOMEM;
		}
		tbl->retired = r;
		tbl->retired[tbl->n_retired++] = f->big;
	}
	f->big = b;
	f->big_cap = cap;
	return 0;
}

struct dp_flow *
dp_flow_table_insert(struct dp_flow_table *tbl, const struct flow_key *key,
	const struct flow_key *mask, const struct dp_actions *acts,
	const volatile uint32_t *gen_ptr, const volatile uint32_t *learn_gen_ptr)
{
	struct dpcls_subtable *st = subtable_find(tbl, mask, true);

	if (st == NULL)
		return NULL;
	uint32_t hash = subtable_hash(st, key);
	for (struct dp_flow *f = st->buckets[hash & (st->n_buckets - 1)]; f; f = f->next) {
		if (f->hash == hash && subtable_match(st, key, f)) {
			dp_flow_table_remove(tbl, f);
			/* The subtable may be gone with its last flow. */
			return dp_flow_table_insert(tbl, key, mask, acts, gen_ptr, learn_gen_ptr);
		}
	}
	if (tbl->count >= tbl->limit)
		goto full;
	size_t asz = offsetof(struct dp_actions, a) + acts->n * sizeof(acts->a[0]);
	struct dp_flow *f = flow_alloc(tbl);
	if (f == NULL)
		goto full;
	struct dp_actions *copy = (struct dp_actions *)f->inl;
	if (asz > sizeof(f->inl)) {
		if (f->big_cap < acts->n && flow_grow_big(tbl, f, acts->n) < 0) {
			f->next = tbl->free_list;
			tbl->free_list = f;
			goto full;
		}
		copy = f->big;
	}
	memcpy(copy, acts, asz);
	uint32_t seq = f->seq;
	memset(f, 0, offsetof(struct dp_flow, big));
	f->seq = seq + 1;
	flow_key_and(&f->key, key, mask);
	f->mask = *mask;
	f->acts = copy;
	f->hash = hash;
	f->gen_ptr = gen_ptr;
	f->gen = gen_ptr ? *gen_ptr : 0;
	f->learn_gen_ptr = learn_gen_ptr;
	f->learn_gen = learn_gen_ptr ? *learn_gen_ptr : 0;
	f->stp_all = false;
	f->stp_port = 0;
	f->bond_bucket = -1;
	f->subtable = st;
	f->in_use = true;
	f->next = st->buckets[hash & (st->n_buckets - 1)];
	st->buckets[hash & (st->n_buckets - 1)] = f;
	st->n_flows++;
	tbl->count++;
	if (st->n_flows > st->n_buckets)
		subtable_grow(tbl, st);
	return f;

full:
	if (st->n_flows == 0)
		subtable_remove(tbl, st);
	return NULL;
}

void
dp_flow_table_flush(struct dp_flow_table *tbl)
{
	for (unsigned c = 0; c < tbl->n_chunks; c++)
		for (unsigned i = 0; i < CHUNK_FLOWS; i++)
			if (tbl->chunks[c][i].in_use)
				dp_flow_table_remove(tbl, &tbl->chunks[c][i]);
	for (unsigned i = 0; i < tbl->n_retired; i++)
		free(tbl->retired[i]);
	free(tbl->retired);
	tbl->retired = NULL;
	tbl->n_retired = 0;
}

void
dp_flow_set_stp_reads(struct dp_flow *f, bool all, uint32_t port)
{
	f->stp_all = all;
	f->stp_port = port;
}

void
dp_flow_table_remove_if(struct dp_flow_table *tbl, bool (*pred)(const struct dp_flow *f, void *aux),
	void *aux)
{
	for (unsigned c = 0; c < tbl->n_chunks; c++)
		for (unsigned i = 0; i < CHUNK_FLOWS; i++) {
			struct dp_flow *f = &tbl->chunks[c][i];
			if (f->in_use && pred(f, aux))
				dp_flow_table_remove(tbl, f);
		}
}

unsigned
dp_flow_table_count(const struct dp_flow_table *tbl)
{
	return tbl->count;
}

unsigned
dp_flow_table_n_subtables(const struct dp_flow_table *tbl)
{
	return tbl->n_subtables;
}

bool
dp_flow_table_needs_l3(const struct dp_flow_table *tbl)
{
	return tbl->n_l3_subtables > 0;
}

unsigned
dp_flow_table_lookup(struct dp_flow_table *tbl, const struct flow_key *const keys[],
	struct dp_flow *out[], unsigned n)
{
	unsigned found = 0;

	for (unsigned i = 0; i < n; i++)
		out[i] = NULL;
	tbl->n_lookups += n;
	for (unsigned s = 0; s < tbl->n_subtables && found < n; s++) {
		struct dpcls_subtable *st = tbl->subtables[s];
		uint32_t mask = st->n_buckets - 1;

		tbl->n_probes += n - found;
		for (unsigned i = 0; i < n; i++) {
			if (out[i] != NULL)
				continue;
			/*
			 * Frames of a burst often belong to the flow of the frame before: a
			 * compare of the covered words settles it without the hash and the chain.
			 */
			struct dp_flow *prev = i > 0 ? out[i - 1] : NULL;
			if (prev != NULL && prev->subtable == st &&
				subtable_match(st, keys[i], prev)) {
				out[i] = prev;
				found++;
				st->hits++;
				continue;
			}
			uint32_t h = subtable_hash(st, keys[i]);
			for (struct dp_flow *f = st->buckets[h & mask]; f; f = f->next) {
				if (f->hash == h && subtable_match(st, keys[i], f)) {
					out[i] = f;
					found++;
					st->hits++;
					break;
				}
			}
		}
	}
	return found;
}

void
dp_flow_table_take_probes(struct dp_flow_table *tbl, uint64_t *lookups, uint64_t *probes)
{
	*lookups = tbl->n_lookups;
	*probes = tbl->n_probes;
	tbl->n_lookups = 0;
	tbl->n_probes = 0;
}

static int
cmp_hits(const void *a, const void *b)
{
	const struct dpcls_subtable *x = *(struct dpcls_subtable *const *)a;
	const struct dpcls_subtable *y = *(struct dpcls_subtable *const *)b;

	return x->hits < y->hits ? 1 : x->hits > y->hits ? -1 : 0;
}

void
dp_flow_table_set_limit(struct dp_flow_table *tbl, unsigned limit)
{
	tbl->limit = RTE_MIN(limit, (unsigned)(CHUNK_FLOWS * MAX_CHUNKS));
}

bool
dp_flow_table_full(const struct dp_flow_table *tbl)
{
	return tbl->count >= tbl->limit;
}

void
dp_flow_table_sweep(struct dp_flow_table *tbl, uint64_t now_tsc, uint64_t max_idle_tsc, bool all)
{
	unsigned total = tbl->n_chunks * CHUNK_FLOWS;
	unsigned visit = all ? total : SWEEP_SLICE;

	for (unsigned k = 0; k < visit && total; k++) {
		unsigned pos = tbl->sweep_pos++ % total;
		struct dp_flow *f = &tbl->chunks[pos / CHUNK_FLOWS][pos % CHUNK_FLOWS];

		if (!f->in_use)
			continue;
		uint64_t last = f->stats.used_tsc;
		if (dp_flow_is_stale(f) || (last && now_tsc - last > max_idle_tsc))
			dp_flow_table_remove(tbl, f);
	}
	if (tbl->sweep_pos >= total)
		tbl->sweep_pos = 0;
	/* Rank subtables by the hits since the last sweep. */
	qsort(tbl->subtables, tbl->n_subtables, sizeof(tbl->subtables[0]), cmp_hits);
	for (unsigned i = 0; i < tbl->n_subtables; i++)
		tbl->subtables[i]->hits = 0;
}

void
dp_flow_table_foreach(const struct dp_flow_table *tbl,
	void (*fn)(const struct dp_flow *f, void *aux), void *aux)
{
	unsigned n_chunks = __atomic_load_n(&tbl->n_chunks, __ATOMIC_ACQUIRE);

	for (unsigned c = 0; c < n_chunks; c++) {
		const struct dp_flow *chunk = tbl->chunks[c];
		for (unsigned i = 0; i < CHUNK_FLOWS; i++) {
			struct dp_flow copy;
			struct dp_actions acts;

			memcpy(&copy, &chunk[i], offsetof(struct dp_flow, big));
			if (!copy.in_use || copy.acts == NULL)
				continue;
			/* Copy the actions now: the owner may reuse the slot right after. */
			const struct dp_actions *a = copy.acts;
			size_t n = RTE_MIN((size_t)a->n, (size_t)DP_ACTIONS_MAX);
			acts.n = (uint16_t)n;
			acts.drop = a->drop;
			memcpy(acts.a, a->a, n * sizeof(acts.a[0]));
			if (chunk[i].seq != copy.seq)
				continue;
			copy.acts = &acts;
			fn(&copy, aux);
		}
	}
}
