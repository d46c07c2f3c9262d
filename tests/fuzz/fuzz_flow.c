/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness for the first stage of the packet's walk: flow_extract() and flow_extract_l2()
 * on arbitrary frames, in single- and multi-segment mbufs built without an EAL (as dp_test.c
 * does), each segment in a heap buffer of its exact size so that AddressSanitizer catches any
 * read past a segment.
 *
 * Input: byte 0 is the first segment's length (0: the whole frame in one segment), byte 1 the
 * length of each later segment (0: the rest in one), then the frame.
 *
 * Oracles: only the first segment is parsed (the key is that of its bytes alone); the L2
 * parse is the full parse's first words with zeros after; a refused frame has no L3 fields;
 * padding stays zero; frames that flow_l2_same() calls equal get equal L2 keys.
 */
#include <rte_mbuf.h>

#include "ds.h"
#include "flow.h"
#include "fuzz.h"

#define MAX_SEGS 64

/* A fake mbuf over its own copy of some bytes. */
struct seg {
	struct rte_mbuf m; /* What flow_extract() reads. */
	uint8_t *buf;      /* The bytes, exactly as long as the segment. */
};

static void
seg_init(struct seg *s, const uint8_t *bytes, uint16_t len)
{
	memset(&s->m, 0, sizeof(s->m));
	s->buf = malloc(len ? len : 1);
	if (s->buf == NULL)
		abort();
	memcpy(s->buf, bytes, len);
	s->m.buf_addr = s->buf;
	s->m.buf_len = len;
	s->m.data_off = 0;
	s->m.data_len = len;
	s->m.pkt_len = len;
	s->m.nb_segs = 1;
}

/* Chains n segments: the first one carries the packet's length and count. */
static void
chain(struct seg *s, unsigned n)
{
	uint32_t pkt_len = 0;

	for (unsigned i = 0; i < n; i++) {
		pkt_len += s[i].m.data_len;
		s[i].m.next = i + 1 < n ? &s[i + 1].m : NULL;
	}
	s[0].m.pkt_len = pkt_len;
	s[0].m.nb_segs = (uint16_t)n;
}

static bool
words_zero(const struct flow_key *k, unsigned from)
{
	const uint64_t *w = (const uint64_t *)k;

	for (unsigned i = from; i < FLOW_WORDS; i++)
		if (w[i])
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seg segs[MAX_SEGS], first_only, other;
	struct flow_key k, k2, kf, ko, mask, masked;
	unsigned n = 0;

	if (size < 2 || size - 2 > UINT16_MAX)
		return 0;
	size_t first = data[0], later = data[1], len = size - 2, off = 0;
	const uint8_t *frame = data + 2;

	/* Cut the frame into segments. */
	do {
		size_t want = n == 0 ? first : later;
		size_t take = want == 0 || want > len - off || n == MAX_SEGS - 1 ? len - off : want;
		seg_init(&segs[n++], frame + off, (uint16_t)take);
		off += take;
	} while (off < len);
	chain(segs, n);
	const struct rte_mbuf *m = &segs[0].m;
	uint16_t seg_len = m->data_len;

	enum flow_extract_result r = flow_extract(m, 3, &k);
	enum flow_extract_result r2 = flow_extract_l2(m, 3, &k2);

	FUZZ_CHECK(r == r2, "flow_extract %d, flow_extract_l2 %d", r, r2);
	FUZZ_CHECK(k.in_port == 3 && k2.in_port == 3, "in_port %u", k.in_port);
	FUZZ_CHECK((r == FLOW_RUNT) == (seg_len < RTE_ETHER_HDR_LEN), "runt: %d, length %u", r,
		seg_len);
	FUZZ_CHECK(k.pad0 == 0 && k.pad1 == 0, "padding not zero");
	FUZZ_CHECK(memcmp(&k, &k2, FLOW_L3_WORD * 8) == 0, "L2 words differ from the full parse");
	FUZZ_CHECK(words_zero(&k2, FLOW_L3_WORD), "flow_extract_l2 set words past L2");
	if (r != FLOW_OK)
		FUZZ_CHECK(words_zero(&k, FLOW_L3_WORD), "a refused frame has L3 fields");

	/* Only the first segment counts: the same bytes alone give the same key. */
	seg_init(&first_only, segs[0].buf, seg_len);
	FUZZ_CHECK(flow_extract(&first_only.m, 3, &kf) == r, "first segment alone: other result");
	FUZZ_CHECK(flow_key_equal(&k, &kf), "the key depends on bytes past the first segment");
	free(first_only.buf);

	/*
	 * flow_l2_same(): a frame with the same 14 bytes in front (and anything after) is given
	 * the L2 key of this one without a parse, so it must be the key a parse would give.
	 */
	if (seg_len >= RTE_ETHER_HDR_LEN) {
		uint8_t *b = malloc(seg_len + 7u);
		if (b == NULL)
			abort();
		memcpy(b, segs[0].buf, RTE_ETHER_HDR_LEN);
		for (unsigned i = RTE_ETHER_HDR_LEN; i < seg_len + 7u; i++)
			b[i] = (uint8_t) ~(i < seg_len ? segs[0].buf[i] : i);
		seg_init(&other, b, (uint16_t)(seg_len + 7u));
		free(b);
		if (flow_l2_same(&other.m, m)) {
			FUZZ_CHECK(flow_extract_l2(&other.m, 3, &ko) == FLOW_OK,
				"the same L2 header, refused");
			FUZZ_CHECK(flow_key_equal(&ko, &k2), "flow_l2_same() but other L2 keys");
		}
		uint16_t type = (uint16_t)(segs[0].buf[12] << 8 | segs[0].buf[13]);
		FUZZ_CHECK(flow_l2_same(&other.m, m) == !flow_is_vlan_tpid(type),
			"flow_l2_same() of equal headers, type 0x%04x", type);
		free(other.buf);
	}

	/* The key hashes, masks and prints whatever it holds. */
	memset(&mask, 0xff, sizeof(mask));
	flow_key_and(&masked, &k, &mask);
	FUZZ_CHECK(flow_key_match(&k, &mask, &masked), "a key does not match itself");
	flow_key_and(&masked, &k, &k2);
	FUZZ_CHECK(flow_key_match(&k, &k2, &masked), "a key does not match itself under a mask");
	FUZZ_CHECK(flow_hash(&k) == flow_hash(&kf), "equal keys, other hashes");
	struct ds d = DS_INIT;
	flow_key_format(&d, &k, &mask);
	flow_key_format(&d, &k, &k);
	ds_destroy(&d);

	for (unsigned i = 0; i < n; i++)
		free(segs[i].buf);
	return 0;
}
