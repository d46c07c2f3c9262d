/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow tables, their lookup, and the translation of a packet into datapath actions (ofp.h). */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>

#include "dp_drop.h"
#include "ds.h"
#include "normal.h"
#include "ofp.h"
#include "ofp_priv.h"
#include "xalloc.h"

#define ETH_IPV4 0x0800

/* ---- Tables ---- */

struct ofp_tables *
ofp_tables_create(void)
{
	return xcalloc(1, sizeof(struct ofp_tables));
}

static void index_free(struct ofp_index *x);

struct ofp_tables *
ofp_tables_clone(const struct ofp_tables *t)
{
	struct ofp_tables *c = xmalloc(sizeof(*c));

	*c = *t;
	c->index = NULL;
	c->rules = NULL;
	if (t->n_rules) {
		c->rules = xmalloc(t->n_rules * sizeof(*c->rules));
		memcpy(c->rules, t->rules, t->n_rules * sizeof(*c->rules));
	}
	return c;
}

void
ofp_tables_free(struct ofp_tables *t)
{
	if (t == NULL)
		return;
	index_free(t->index);
	free(t->rules);
	free(t);
}

void
ofp_tables_destroy(struct ofp_tables *t)
{
	if (t == NULL)
		return;
	for (unsigned i = 0; i < t->n_rules; i++)
		ofp_rule_free(t->rules[i]);
	ofp_tables_free(t);
}

unsigned
ofp_tables_n_rules(const struct ofp_tables *t)
{
	return t->n_rules;
}

const struct ofp_rule *
ofp_tables_rule(const struct ofp_tables *t, unsigned i)
{
	return t->rules[i];
}

struct ofp_rule **
ofp_tables_rules_dup(const struct ofp_tables *t, unsigned *n)
{
	struct ofp_rule **v = xmalloc((t->n_rules + 1) * sizeof(*v));

	if (t->n_rules)
		memcpy(v, t->rules, t->n_rules * sizeof(*v));
	*n = t->n_rules;
	return v;
}

static void
reindex(struct ofp_tables *t)
{
	unsigned i = 0;

	index_free(t->index);
	t->index = NULL;
	for (unsigned tb = 0; tb <= OFP_N_TABLES; tb++) {
		while (i < t->n_rules && t->rules[i]->table_id < tb)
			i++;
		t->start[tb] = i;
	}
	t->start[OFP_N_TABLES] = t->n_rules;
}

struct ofp_rule *
ofp_tables_add(struct ofp_tables *t, struct ofp_rule *rule)
{
	unsigned pos;

	for (unsigned i = t->start[rule->table_id]; i < t->start[rule->table_id + 1]; i++) {
		if (ofp_rule_same_match(t->rules[i], rule)) {
			struct ofp_rule *old = t->rules[i];
			t->rules[i] = rule;
			index_free(t->index);
			t->index = NULL;
			return old;
		}
	}
	/* After every rule of a lower table, or of this table with a priority at least as high. */
	for (pos = t->start[rule->table_id]; pos < t->n_rules; pos++) {
		const struct ofp_rule *r = t->rules[pos];
		if (r->table_id > rule->table_id || r->priority < rule->priority)
			break;
	}
	struct ofp_rule **nr = xrealloc(t->rules, (t->n_rules + 1) * sizeof(*nr));
	t->rules = nr;
	memmove(&nr[pos + 1], &nr[pos], (t->n_rules - pos) * sizeof(*nr));
	nr[pos] = rule;
	t->n_rules++;
	reindex(t);
	return NULL;
}

void
ofp_tables_remove(struct ofp_tables *t, unsigned i)
{
	memmove(&t->rules[i], &t->rules[i + 1], (t->n_rules - i - 1) * sizeof(t->rules[0]));
	t->n_rules--;
	reindex(t);
}

struct ofp_rule *
ofp_rule_clone(const struct ofp_rule *r)
{
	struct ofp_rule *c = xmalloc(sizeof(*c));

	*c = *r;
	c->credit = xcalloc(1, sizeof(*c->credit));
	return c;
}

void
ofp_rule_free(struct ofp_rule *r)
{
	if (r == NULL)
		return;
	free(r->credit);
	free(r);
}

/*
 * The key's fields, in the order a miss is explained: for a rule that does not match, the
 * megaflow takes the rule's mask over the first of these fields on which the packet differs.
 * Fields that vary little in real traffic come first (the port, the types, the VLAN), so that
 * megaflows stay wide on addresses and L4 ports.
 */
static const struct {
	uint8_t off, len;
} key_fields[] = {
#define F(field) \
	{ \
		offsetof(struct flow_key, field), sizeof(((struct flow_key *)0)->field) \
	}
	F(in_port),
	F(dl_type),
	F(nw_proto),
	F(vlan_tci),
	F(vlan_tpid),
	F(cvlan_tci),
	F(nw_frag),
	F(dl_dst),
	F(dl_src),
	F(tp_dst),
	F(tp_src),
	F(nw_dst),
	F(nw_src),
	F(ipv6_dst),
	F(ipv6_src),
	F(nw_tos),
	F(nw_ttl),
	F(arp_sha),
	F(arp_tha),
	F(ipv6_label),
#undef F
};

/*
 * ---- The tuple index ----
 *
 * A scan of the rules costs every upcall a pass over the whole table (1,000 ACL rules: about
 * 66,000 cycles a new megaflow). The index groups a table's rules by mask (a tuple, as the
 * datapath's subtables) and hashes each rule's match under it; a lookup probes the tuples in
 * the order of their best rule and stops once no tuple left can hold a better one. Before
 * the full probe it checks the mask's stages (in_port; then L2; then L3), each against the
 * set of its rules' partial hashes: a packet from a port, or with addresses, that no rule of
 * the tuple has misses there, and the megaflow takes only the stages looked at (OVS's staged
 * lookup), so that it stays wide on the later fields.
 */
#define OFP_STAGES 3

struct ofp_tuple {
	struct flow_key mask;              /* Mask every rule here shares. */
	unsigned best;                     /* Lowest rank (index in rules[]) among them. */
	unsigned n_stages;                 /* Stage masks before the full one. */
	struct flow_key stage[OFP_STAGES]; /* mask limited to stages 0..s, each adding bits. */
	uint32_t *sets[OFP_STAGES];        /* Partial hashes of the rules (h | 1; 0 empty). */
	uint32_t set_mask;                 /* Sets' size - 1 (a power of two). */
	unsigned n;                        /* Rules here. */
	unsigned *rank;                    /* Their ranks, ascending (chains keep that order). */
	uint32_t *hash;                    /* Their hashes under mask. */
	int *next;                         /* Bucket chains, -1 ends. */
	int *heads;                        /* n_buckets heads. */
	uint32_t bucket_mask;              /* n_buckets - 1. */
};

struct ofp_index {
	unsigned start[OFP_N_TABLES + 1]; /* Each table's first tuple. */
	unsigned n;                       /* Tuples. */
	struct ofp_tuple *tuples;         /* By table, then by best rank. */
};

/* The fields of stages 0..s, cumulative: in_port; L2; L3 (L4 is the rest). */
static void
stage_fields(struct flow_key *m, unsigned s)
{
	memset(m, 0, sizeof(*m));
	m->in_port = UINT32_MAX;
	if (s >= 1) {
		m->dl_type = m->vlan_tci = m->vlan_tpid = m->cvlan_tci = UINT16_MAX;
		memset(&m->dl_src, 0xff, sizeof(m->dl_src));
		memset(&m->dl_dst, 0xff, sizeof(m->dl_dst));
	}
	if (s >= 2) {
		m->nw_src = m->nw_dst = m->ipv6_label = UINT32_MAX;
		m->nw_proto = m->nw_tos = m->nw_ttl = m->nw_frag = UINT8_MAX;
		memset(m->ipv6_src, 0xff, sizeof(m->ipv6_src));
		memset(m->ipv6_dst, 0xff, sizeof(m->ipv6_dst));
		memset(&m->arp_sha, 0xff, sizeof(m->arp_sha));
		memset(&m->arp_tha, 0xff, sizeof(m->arp_tha));
	}
}

static uint32_t
masked_hash(const struct flow_key *key, const struct flow_key *mask)
{
	const uint64_t *k = (const uint64_t *)key, *m = (const uint64_t *)mask;
	uint32_t h = 0;

	for (unsigned i = 0; i < FLOW_WORDS; i++)
		if (m[i])
			h = rte_hash_crc_8byte(k[i] & m[i], h);
	return h;
}

static bool
set_has(const uint32_t *set, uint32_t size_mask, uint32_t h)
{
	uint32_t v = h | 1;

	for (uint32_t i = h & size_mask; set[i]; i = (i + 1) & size_mask)
		if (set[i] == v)
			return true;
	return false;
}

static void
set_add(uint32_t *set, uint32_t size_mask, uint32_t h)
{
	uint32_t v = h | 1, i = h & size_mask;

	while (set[i] && set[i] != v)
		i = (i + 1) & size_mask;
	set[i] = v;
}

static void
index_free(struct ofp_index *x)
{
	if (x == NULL)
		return;
	for (unsigned i = 0; i < x->n; i++) {
		struct ofp_tuple *tp = &x->tuples[i];
		for (unsigned s = 0; s < tp->n_stages; s++)
			free(tp->sets[s]);
		free(tp->rank);
		free(tp->hash);
		free(tp->next);
		free(tp->heads);
	}
	free(x->tuples);
	free(x);
}

static uint32_t
pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Fills tp, whose mask and best are set, with the n rules of ranks rank[] (ascending). */
static int
tuple_build(struct ofp_tuple *tp, const struct ofp_tables *t, unsigned *rank, unsigned n)
{
	struct flow_key prev;

	memset(&prev, 0, sizeof(prev));
	tp->n = n;
	tp->rank = rank;
	tp->set_mask = pow2_at_least(2 * n) - 1;
	for (unsigned s = 0; s < OFP_STAGES; s++) {
		struct flow_key f, sm;
		stage_fields(&f, s);
		flow_key_and(&sm, &tp->mask, &f);
		/* A stage that adds bits, and is not already the whole mask. */
		if (flow_key_equal(&sm, &prev) || flow_key_equal(&sm, &tp->mask))
			continue;
		prev = sm;
		unsigned k = tp->n_stages;
		tp->stage[k] = sm;
		tp->sets[k] = calloc(tp->set_mask + 1, sizeof(uint32_t));
		if (tp->sets[k] == NULL)
			return -ENOMEM;
		tp->n_stages++;
		for (unsigned i = 0; i < n; i++)
			set_add(tp->sets[k], tp->set_mask,
				masked_hash(&t->rules[rank[i]]->match, &sm));
	}
	uint32_t nb = pow2_at_least(n);
	tp->bucket_mask = nb - 1;
	tp->hash = malloc(n * sizeof(*tp->hash));
	tp->next = malloc(n * sizeof(*tp->next));
	tp->heads = malloc(nb * sizeof(*tp->heads));
	if (tp->hash == NULL || tp->next == NULL || tp->heads == NULL)
		return -ENOMEM;
	for (uint32_t b = 0; b < nb; b++)
		tp->heads[b] = -1;
	/* Appended in rank order, so that each chain runs from the best rule down. */
	for (int i = (int)n - 1; i >= 0; i--) {
		uint32_t h = masked_hash(&t->rules[rank[i]]->match, &tp->mask);
		tp->hash[i] = h;
		tp->next[i] = tp->heads[h & tp->bucket_mask];
		tp->heads[h & tp->bucket_mask] = i;
	}
	return 0;
}

int
ofp_tables_index(struct ofp_tables *t)
{
	struct ofp_index *x = calloc(1, sizeof(*x));
	unsigned *tuple_of = malloc((t->n_rules + 1) * sizeof(*tuple_of));
	unsigned *count = NULL, *map = NULL;

	index_free(t->index);
	t->index = NULL;
	if (x == NULL || tuple_of == NULL)
		goto nomem;
	x->tuples = calloc(t->n_rules + 1, sizeof(*x->tuples));
	count = calloc(t->n_rules + 1, sizeof(*count));
	if (x->tuples == NULL || count == NULL)
		goto nomem;
	/* Finds a rule's tuple by the hash of its mask: a table may have many masks. */
	uint32_t map_mask = pow2_at_least(2 * t->n_rules + 2) - 1;
	map = calloc(map_mask + 1, sizeof(*map));
	if (map == NULL)
		goto nomem;
	for (unsigned tb = 0; tb < OFP_N_TABLES; tb++) {
		unsigned first = x->n;

		x->start[tb] = first;
		/* Rules are in rank order, so tuples come out in the order of their best rule. */
		for (unsigned i = t->start[tb]; i < t->start[tb + 1]; i++) {
			const struct flow_key *m = &t->rules[i]->mask;
			uint32_t h = masked_hash(m, m) ^ tb, b = h & map_mask;
			unsigned j = x->n;
			/* map[] holds tuple + 1; a tuple of an earlier table never matches. */
			for (; map[b]; b = (b + 1) & map_mask) {
				unsigned c = map[b] - 1;
				if (c >= first && flow_key_equal(&x->tuples[c].mask, m)) {
					j = c;
					break;
				}
			}
			if (j == x->n) {
				x->tuples[j].mask = *m;
				x->tuples[j].best = i;
				x->n++;
				map[b] = j + 1;
			}
			tuple_of[i] = j;
			count[j]++;
		}
		for (unsigned j = first; j < x->n; j++) {
			unsigned *rank = malloc(count[j] * sizeof(*rank)), n = 0;
			if (rank == NULL)
				goto nomem;
			for (unsigned i = t->start[tb]; i < t->start[tb + 1]; i++)
				if (tuple_of[i] == j)
					rank[n++] = i;
			if (tuple_build(&x->tuples[j], t, rank, n) < 0)
				goto nomem;
		}
	}
	x->start[OFP_N_TABLES] = x->n;
	free(tuple_of);
	free(count);
	free(map);
	t->index = x;
	return 0;

nomem:
	index_free(x);
	free(tuple_of);
	free(count);
	free(map);
	return -ENOMEM;
}

static const struct ofp_rule *
index_lookup(const struct ofp_tables *t, uint8_t table, const struct flow_key *key,
	struct flow_key *wc)
{
	const struct ofp_index *x = t->index;
	unsigned best = UINT32_MAX;

	for (unsigned j = x->start[table]; j < x->start[table + 1]; j++) {
		const struct ofp_tuple *tp = &x->tuples[j];
		unsigned s;

		if (tp->best > best)
			break; /* Neither this tuple nor a later one holds a better rule. */
		for (s = 0; s < tp->n_stages; s++)
			if (!set_has(tp->sets[s], tp->set_mask, masked_hash(key, &tp->stage[s])))
				break;
		if (s < tp->n_stages) {
			flow_key_or(wc, &tp->stage[s]);
			continue;
		}
		flow_key_or(wc, &tp->mask);
		uint32_t h = masked_hash(key, &tp->mask);
		for (int i = tp->heads[h & tp->bucket_mask]; i >= 0; i = tp->next[i]) {
			const struct ofp_rule *r = t->rules[tp->rank[i]];
			if (tp->hash[i] == h && flow_key_match(key, &r->mask, &r->match)) {
				if (tp->rank[i] < best)
					best = tp->rank[i];
				break;
			}
		}
	}
	return best == UINT32_MAX ? NULL : t->rules[best];
}

const struct ofp_rule *
ofp_tables_lookup(const struct ofp_tables *t, uint8_t table, const struct flow_key *key,
	struct flow_key *wc)
{
	if (t->index != NULL)
		return index_lookup(t, table, key, wc);

	for (unsigned i = t->start[table]; i < t->start[table + 1]; i++) {
		const struct ofp_rule *r = t->rules[i];

		if (flow_key_match(key, &r->mask, &r->match)) {
			flow_key_or(wc, &r->mask);
			return r;
		}
		/* Packets that agree with this one on the rule's bits of one field where it
		 * differs cannot match r either. */
		const uint8_t *kb = (const uint8_t *)key, *mb = (const uint8_t *)&r->mask;
		const uint8_t *vb = (const uint8_t *)&r->match;
		uint8_t *wb = (uint8_t *)wc;
		for (size_t f = 0; f < sizeof(key_fields) / sizeof(key_fields[0]); f++) {
			unsigned off = key_fields[f].off, len = key_fields[f].len;
			bool differs = false;
			for (unsigned b = off; b < off + len; b++)
				differs |= (kb[b] & mb[b]) != vb[b];
			if (differs) {
				for (unsigned b = off; b < off + len; b++)
					wb[b] |= mb[b];
				break;
			}
		}
	}
	return NULL;
}

/* ---- Translation ---- */

struct xctx {
	const struct ofp_xlate_in *in;
	struct ofp_xlate_out *out;
	struct flow_key key; /* The packet as the actions so far left it (dp in_port). */
	unsigned depth;      /* Resubmit depth. */
	bool stop;           /* dec_ttl dropped the packet: no more actions. */
	bool stp_skipped;    /* An output went nowhere: spanning tree blocks its port. */
};

static void execute_rule(struct xctx *x, const struct ofp_rule *r, uint8_t table);

static void
trace_indent(struct xctx *x)
{
	for (unsigned i = 0; i <= x->depth; i++)
		ds_put_cstr(x->in->trace, "    ");
}

static void
credit(struct xctx *x, const struct ofp_rule *r)
{
	struct ofp_xlate_out *o = x->out;

	if (r->credit == NULL)
		return;
	for (unsigned i = 0; i < o->n_credits; i++)
		if (o->credits[i] == r->credit)
			return;
	if (o->n_credits < OFP_XLATE_MAX_CREDITS)
		o->credits[o->n_credits++] = r->credit;
}

static void
lookup_and_execute(struct xctx *x, uint8_t table, uint32_t in_ofport)
{
	struct flow_key k = x->key;

	k.in_port = in_ofport;
	const struct ofp_rule *r = ofp_tables_lookup(x->in->tables, table, &k, &x->out->mask);
	if (x->in->trace) {
		ds_put_char(x->in->trace, '\n');
		for (unsigned i = 0; i < x->depth; i++)
			ds_put_cstr(x->in->trace, "    ");
		ds_put_format(x->in->trace, "%2u. ", table);
		if (r == NULL) {
			ds_put_cstr(x->in->trace, "No match.\n");
			trace_indent(x);
			ds_put_cstr(x->in->trace, "drop");
		} else {
			size_t before = x->in->trace->len;
			ofp_match_format(x->in->trace, r, false, NULL, NULL);
			if (x->in->trace->len == before)
				ds_put_cstr(x->in->trace, "(any)");
			ds_put_format(x->in->trace, ", priority %u", r->priority);
			if (r->cookie)
				ds_put_format(x->in->trace, ", cookie %#" PRIx64, r->cookie);
		}
	}
	if (r == NULL)
		return;
	credit(x, r);
	execute_rule(x, r, table);
}

static void
output(struct xctx *x, uint32_t dp_port)
{
	if (dp_actions_output(&x->out->acts, dp_port) < 0)
		x->stop = true;
}

/*
 * Whether spanning tree lets dp_port forward, as OVS's check_stp: a port outside the bridge's
 * L2 view (or a bridge without one) does. The state is no packet field, so the megaflow
 * masks nothing for it: a state change republishes, which drops every megaflow.
 */
static bool
stp_forwards(const struct ofp_xlate_in *in, uint32_t dp_port)
{
	const struct l2_port *lp = in->l2 ? l2_bridge_port(in->l2, dp_port) : NULL;

	return lp == NULL || lp->stp_state == L2_STP_FORWARD;
}

/* The decision read dp_port's spanning tree state and sent it nothing. */
static void
stp_read(struct ofp_xlate_out *out, uint32_t dp_port)
{
	if (out->stp_port != 0 && out->stp_port != dp_port)
		out->stp_all = true; /* Two of them: as good as all, for a rare case. */
	out->stp_port = dp_port;
}

/* An output that spanning tree did not allow. */
static void
output_stp_skipped(struct xctx *x, uint32_t ofport)
{
	x->stp_skipped = true;
	if (x->in->trace) {
		ds_put_char(x->in->trace, '\n');
		trace_indent(x);
		ds_put_format(x->in->trace,
			"-> STP not in forwarding state, skipping output to port %u", ofport);
	}
}

/* An output that spanning tree allows (OFPP_ALL does not ask, as in OVS). */
static void
output_checked(struct xctx *x, uint32_t dp_port, uint32_t ofport)
{
	if (stp_forwards(x->in, dp_port)) {
		output(x, dp_port);
	} else {
		stp_read(x->out, dp_port);
		output_stp_skipped(x, ofport);
	}
}

static void
output_ofport(struct xctx *x, uint32_t ofport)
{
	const struct ofp_ports *p = &x->in->ports;
	uint32_t in_dp = x->key.in_port;

	switch (ofport) {
	case OFPP_IN_PORT:
		output(x, in_dp);
		break;
	case OFPP_NORMAL: {
		struct normal_result res;
		if (x->in->l2 == NULL)
			break;
		if (normal_xlate(x->in->l2, &x->key, &x->out->mask, &x->out->acts, x->in->now_s,
			    &res) == 0) {
			x->out->normal = true;
			x->out->flooded |= res.flooded;
			x->out->stp_all |= res.stp_all;
			if (res.stp_port != 0)
				stp_read(x->out, res.stp_port);
			if (x->out->bond_bucket < 0)
				x->out->bond_bucket = res.bond_bucket;
		}
		break;
	}
	case OFPP_FLOOD:
	case OFPP_ALL:
		if (x->in->l2 == NULL)
			break;
		/* The port's state is at hand: no lookup per port (stp_forwards()). */
		x->out->stp_all |= ofport == OFPP_FLOOD;
		/* Every OpenFlow port: a bond's members each (OVS's flood_packets()). */
		for (unsigned i = 0; i < x->in->l2->n_ports; i++) {
			const struct l2_port *lp = &x->in->l2->ports[i];
			unsigned n = lp->bond ? lp->bond->n_members : 1;
			for (unsigned k = 0; k < n; k++) {
				uint32_t d = lp->bond ? lp->bond->members[k] : lp->dp_port;
				if (d == in_dp)
					continue;
				if (ofport == OFPP_ALL || lp->stp_state == L2_STP_FORWARD)
					output(x, d);
				else
					output_stp_skipped(x, p->dp_to_of(p->aux, d));
			}
		}
		break;
	default: {
		uint32_t dp = p->of_to_dp(p->aux, ofport);
		/* As OpenFlow says, never back out of the ingress port unless asked (IN_PORT). */
		if (dp != 0 && dp != in_dp)
			output_checked(x, dp, ofport);
		else if (x->in->trace) {
			ds_put_char(x->in->trace, '\n');
			trace_indent(x);
			ds_put_format(x->in->trace, "-> output to %s port %u skipped",
				dp ? "ingress" : "unknown", ofport);
		}
		break;
	}
	}
}

static void
set_tci(struct xctx *x, uint16_t tci)
{
	/* Replacing the outer tag: pop it, push the new one with the same TPID. */
	uint16_t tpid = rte_be_to_cpu_16(x->key.vlan_tpid);

	dp_actions_pop_vlan(&x->out->acts);
	dp_actions_push_vlan(&x->out->acts, tpid ? tpid : RTE_ETHER_TYPE_VLAN, tci);
	x->key.vlan_tci = rte_cpu_to_be_16(tci | FLOW_VLAN_PRESENT);
}

static void
push_tag(struct xctx *x, uint16_t tpid, uint16_t tci)
{
	dp_actions_push_vlan(&x->out->acts, tpid, tci);
	x->key.cvlan_tci = x->key.vlan_tci;
	x->key.vlan_tci = rte_cpu_to_be_16(tci | FLOW_VLAN_PRESENT);
	x->key.vlan_tpid = rte_cpu_to_be_16(tpid);
}

static bool
is_ipv4(struct xctx *x)
{
	x->out->mask.dl_type = UINT16_MAX;
	return x->key.dl_type == rte_cpu_to_be_16(ETH_IPV4);
}

static bool
is_tcp_udp(struct xctx *x)
{
	if (!is_ipv4(x))
		return false;
	x->out->mask.nw_proto = UINT8_MAX;
	x->out->mask.nw_frag = UINT8_MAX;
	return (x->key.nw_proto == 6 || x->key.nw_proto == 17) &&
	       !(x->key.nw_frag & FLOW_FRAG_LATER);
}

/* The VLAN actions: set the outer tag's VID or PCP (pushing one if none), strip, push. */
static void
execute_vlan(struct xctx *x, const struct ofp_action *a)
{
	struct flow_key *k = &x->key;
	uint16_t tci = flow_vlan_tci(k->vlan_tci);
	bool tagged = flow_vlan_present(k->vlan_tci);

	x->out->mask.vlan_tci = UINT16_MAX;
	switch ((enum ofp_action_type)a->type) {
	case OFPACT_SET_VLAN_VID:
		x->out->mask.vlan_tpid = UINT16_MAX;
		if (tagged)
			set_tci(x, (uint16_t)((tci & FLOW_VLAN_PCP_MASK) | a->value));
		else
			push_tag(x, RTE_ETHER_TYPE_VLAN, (uint16_t)a->value);
		break;
	case OFPACT_SET_VLAN_PCP:
		x->out->mask.vlan_tpid = UINT16_MAX;
		if (tagged)
			set_tci(x, (uint16_t)((tci & FLOW_VLAN_VID_MASK) |
					      (a->value << FLOW_VLAN_PCP_SHIFT)));
		else
			push_tag(x, RTE_ETHER_TYPE_VLAN,
				(uint16_t)(a->value << FLOW_VLAN_PCP_SHIFT));
		break;
	case OFPACT_STRIP_VLAN:
		if (tagged) {
			x->out->mask.cvlan_tci = UINT16_MAX;
			dp_actions_pop_vlan(&x->out->acts);
			k->vlan_tci = k->cvlan_tci;
			k->cvlan_tci = 0;
			k->vlan_tpid = flow_vlan_present(k->vlan_tci)
					       ? rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)
					       : 0;
		}
		break;
	default: /* OFPACT_PUSH_VLAN */
		push_tag(x, (uint16_t)a->value, tagged ? (uint16_t)(tci & ~FLOW_VLAN_PRESENT) : 0);
		break;
	}
}

/*
 * The header rewrites: Ethernet addresses always, IPv4 fields on IPv4 only, ports on TCP and
 * UDP only (what was looked at goes into the mask). The translated key follows each change.
 */
static void
execute_set_field(struct xctx *x, const struct ofp_action *a)
{
	struct dp_actions *acts = &x->out->acts;
	struct flow_key *k = &x->key;

	switch ((enum ofp_action_type)a->type) {
	case OFPACT_SET_ETH_SRC:
		dp_actions_set_eth(acts, DPA_SET_ETH_SRC, &a->mac);
		k->dl_src = a->mac;
		break;
	case OFPACT_SET_ETH_DST:
		dp_actions_set_eth(acts, DPA_SET_ETH_DST, &a->mac);
		k->dl_dst = a->mac;
		break;
	case OFPACT_SET_IPV4_SRC:
		if (is_ipv4(x)) {
			dp_actions_set_ipv4(acts, DPA_SET_IPV4_SRC, a->ip);
			k->nw_src = a->ip;
		}
		break;
	case OFPACT_SET_IPV4_DST:
		if (is_ipv4(x)) {
			dp_actions_set_ipv4(acts, DPA_SET_IPV4_DST, a->ip);
			k->nw_dst = a->ip;
		}
		break;
	case OFPACT_SET_IP_TOS:
		if (is_ipv4(x)) {
			dp_actions_set_tos(acts, (uint8_t)a->value);
			k->nw_tos = (uint8_t)((k->nw_tos & 3) | (a->value & 0xfc));
		}
		break;
	case OFPACT_SET_L4_SRC:
		if (is_tcp_udp(x)) {
			dp_actions_set_l4(acts, DPA_SET_L4_SRC, (uint16_t)a->value);
			k->tp_src = rte_cpu_to_be_16((uint16_t)a->value);
		}
		break;
	default: /* OFPACT_SET_L4_DST */
		if (is_tcp_udp(x)) {
			dp_actions_set_l4(acts, DPA_SET_L4_DST, (uint16_t)a->value);
			k->tp_dst = rte_cpu_to_be_16((uint16_t)a->value);
		}
		break;
	}
}

/* dec_ttl: a TTL of 1 or 0 ends the translation with a drop (OVS would tell a controller). */
static void
execute_dec_ttl(struct xctx *x)
{
	if (!is_ipv4(x))
		return;
	x->out->mask.nw_ttl = UINT8_MAX;
	if (x->key.nw_ttl <= 1) {
		x->stop = true;
		x->out->acts.drop = DP_DROP_TTL_EXCEEDED;
		return;
	}
	dp_actions_dec_ttl(&x->out->acts);
	x->key.nw_ttl--;
}

/* resubmit and goto_table: another table's lookup, at most OFP_MAX_DEPTH deep. */
static void
execute_resubmit(struct xctx *x, const struct ofp_action *a, uint8_t table)
{
	uint8_t t = a->table == OFP_N_TABLES ? table : a->table;
	uint32_t in = x->in->ports.dp_to_of(x->in->ports.aux, x->key.in_port);

	if (a->type == OFPACT_RESUBMIT && a->port != OFPP_IN_PORT)
		in = a->port;
	if (x->depth >= OFP_MAX_DEPTH) {
		x->stop = true;
		return;
	}
	x->depth++;
	lookup_and_execute(x, t, in);
	x->depth--;
}

static void
execute_action(struct xctx *x, const struct ofp_action *a, uint8_t table)
{
	switch ((enum ofp_action_type)a->type) {
	case OFPACT_OUTPUT:
		output_ofport(x, a->port);
		break;
	case OFPACT_SET_VLAN_VID:
	case OFPACT_SET_VLAN_PCP:
	case OFPACT_STRIP_VLAN:
	case OFPACT_PUSH_VLAN:
		execute_vlan(x, a);
		break;
	case OFPACT_SET_ETH_SRC:
	case OFPACT_SET_ETH_DST:
	case OFPACT_SET_IPV4_SRC:
	case OFPACT_SET_IPV4_DST:
	case OFPACT_SET_IP_TOS:
	case OFPACT_SET_L4_SRC:
	case OFPACT_SET_L4_DST:
		execute_set_field(x, a);
		break;
	case OFPACT_DEC_TTL:
		execute_dec_ttl(x);
		break;
	case OFPACT_RESUBMIT:
	case OFPACT_GOTO_TABLE:
		execute_resubmit(x, a, table);
		break;
	}
}

static void
execute_rule(struct xctx *x, const struct ofp_rule *r, uint8_t table)
{
	for (unsigned i = 0; i < r->n_acts && !x->stop; i++) {
		if (x->in->trace && r->acts[i].type != OFPACT_RESUBMIT &&
			r->acts[i].type != OFPACT_GOTO_TABLE) {
			struct ofp_rule one = {.n_acts = 1};
			one.acts[0] = r->acts[i];
			ds_put_char(x->in->trace, '\n');
			trace_indent(x);
			ofp_actions_format(x->in->trace, &one, NULL, NULL);
		}
		execute_action(x, &r->acts[i], table);
	}
	if (r->n_acts == 0 && x->in->trace) {
		ds_put_char(x->in->trace, '\n');
		trace_indent(x);
		ds_put_cstr(x->in->trace, "drop");
	}
}

int
ofp_xlate(const struct ofp_xlate_in *in, const struct flow_key *key, struct ofp_xlate_out *out)
{
	struct xctx x = {.in = in, .out = out, .key = *key};

	memset(&out->mask, 0, sizeof(out->mask));
	dp_actions_init(&out->acts);
	out->normal = out->flooded = out->stp_all = false;
	out->stp_port = 0;
	out->bond_bucket = -1;
	out->n_credits = 0;
	uint32_t in_of = in->ports.dp_to_of(in->ports.aux, key->in_port);
	if (in_of == OFPP_NONE)
		return -EINVAL;
	lookup_and_execute(&x, 0, in_of);
	/*
	 * A frame received on a port that spanning tree does not let forward went through the
	 * tables (NORMAL learned from it on a learning port) but goes nowhere, as in OVS. BPDUs
	 * never get here while STP runs: the STP module's punt claim takes them first.
	 */
	if (!stp_forwards(in, key->in_port)) {
		out->acts.n = 0;
		out->acts.drop = DP_DROP_STP_BLOCKED;
		if (in->trace)
			ds_put_cstr(in->trace,
				"\n\nSTP not in forwarding state on the ingress port, "
				"dropping");
	}
	out->mask.in_port = UINT32_MAX;
	/*
	 * A megaflow on L3 fields also matches the ethertype, and one on L4 ports the protocol,
	 * as in OVS: not needed for the decision (a miss is explained by the field that differs),
	 * but without it a dump would print nw_src bits with no ethertype to read them by.
	 */
	const uint64_t *mw = (const uint64_t *)&out->mask;
	bool l3 = false;
	for (unsigned i = FLOW_L3_WORD; i < FLOW_WORDS; i++)
		l3 |= mw[i] != 0;
	if (l3)
		out->mask.dl_type = UINT16_MAX;
	if (out->mask.tp_src || out->mask.tp_dst)
		out->mask.nw_proto = UINT8_MAX;
	/* Header changes that no output follows are no use: the packet is dropped, and counted
	 * under the reason recorded on the way (or as an OpenFlow drop). */
	bool outputs = false;
	for (unsigned i = 0; i < out->acts.n && !outputs; i++)
		outputs = out->acts.a[i].type == DPA_OUTPUT;
	if (!outputs)
		out->acts.n = 0;
	if (out->acts.n == 0 && out->acts.drop == 0)
		out->acts.drop = x.stp_skipped ? DP_DROP_STP_BLOCKED : DP_DROP_OF_DROP;
	if (in->trace)
		ds_put_char(in->trace, '\n');
	return 0;
}
