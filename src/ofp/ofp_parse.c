/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow rules in ovs-ofctl's syntax: parsing and printing (see ofp.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds.h"
#include "ofp.h"
#include "xalloc.h"

/* MAC addresses print in lower case, as ovs-ofctl prints them. */
#define MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_ARP 0x0806

struct parse_ctx {
	struct ofp_rule *rule;
	enum ofp_parse_mode mode;
	int64_t (*port_by_name)(const void *aux, const char *name);
	const void *aux;
	struct ds *err;
};

static int perr(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
perr(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ds_put_vformat(c->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- Values ---- */

static int
parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end != '\0' || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

/*
 * Splits "VALUE/MASK" into buf (VALUE, NUL-terminated) and *mask (MASK, or NULL when there is
 * no slash). Returns -EINVAL when s does not fit in buf's size bytes.
 */
static int
split_mask(const char *s, char *buf, size_t size, const char **mask)
{
	const char *slash = strchr(s, '/');

	if (strlen(s) >= size)
		return -EINVAL;
	snprintf(buf, size, "%s", s);
	if (slash)
		buf[slash - s] = '\0';
	*mask = slash ? slash + 1 : NULL;
	return 0;
}

/* "V" or "V/M": integer with an optional mask. */
static int
parse_uint_masked(const char *s, uint64_t max, uint64_t *v, uint64_t *m)
{
	char buf[64];
	const char *mask;

	if (split_mask(s, buf, sizeof(buf), &mask) < 0)
		return -EINVAL;
	if (mask == NULL)
		*m = max;
	else if (parse_uint(mask, max, m) < 0)
		return -EINVAL;
	return parse_uint(buf, max, v);
}

static int
parse_mac(const char *s, struct rte_ether_addr *a)
{
	unsigned b[6];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		a->addr_bytes[i] = (uint8_t)b[i];
	}
	return 0;
}

static int
parse_mac_masked(const char *s, struct rte_ether_addr *v, struct rte_ether_addr *m)
{
	char buf[64];
	const char *mask;

	if (split_mask(s, buf, sizeof(buf), &mask) < 0)
		return -EINVAL;
	if (mask == NULL)
		memset(m, 0xff, sizeof(*m));
	else if (parse_mac(mask, m) < 0)
		return -EINVAL;
	return parse_mac(buf, v);
}

/* "A.B.C.D", "A.B.C.D/N" or "A.B.C.D/E.F.G.H"; network order out. */
static int
parse_ipv4_masked(const char *s, rte_be32_t *v, rte_be32_t *m)
{
	char buf[64];
	const char *mask;
	struct in_addr a;
	uint64_t n;

	if (split_mask(s, buf, sizeof(buf), &mask) < 0)
		return -EINVAL;
	*m = UINT32_MAX;
	if (mask != NULL) {
		if (parse_uint(mask, 32, &n) == 0 && !strchr(mask, '.'))
			*m = n ? rte_cpu_to_be_32(UINT32_MAX << (32 - n)) : 0;
		else if (inet_pton(AF_INET, mask, &a) == 1)
			*m = a.s_addr;
		else
			return -EINVAL;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	*v = a.s_addr;
	return 0;
}

static int
parse_ipv6_masked(const char *s, uint8_t v[16], uint8_t m[16])
{
	char buf[80];
	const char *mask;
	uint64_t n;

	if (split_mask(s, buf, sizeof(buf), &mask) < 0)
		return -EINVAL;
	memset(m, 0xff, 16);
	if (mask != NULL) {
		if (parse_uint(mask, 128, &n) == 0) {
			memset(m, 0, 16);
			for (unsigned i = 0; i < n; i++)
				m[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		} else if (inet_pton(AF_INET6, mask, m) != 1) {
			return -EINVAL;
		}
	}
	return inet_pton(AF_INET6, buf, v) == 1 ? 0 : -EINVAL;
}

static int
parse_port(struct parse_ctx *c, const char *s, uint32_t *port)
{
	static const struct {
		const char *name;
		uint32_t port;
	} reserved[] = {
		{"IN_PORT", OFPP_IN_PORT},
		{"NORMAL", OFPP_NORMAL},
		{"FLOOD", OFPP_FLOOD},
		{"ALL", OFPP_ALL},
		{"LOCAL", OFPP_LOCAL},
		{"NONE", OFPP_NONE},
		{"ANY", OFPP_NONE},
		{"CONTROLLER", OFPP_CONTROLLER},
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (!strcasecmp(s, reserved[i].name)) {
			*port = reserved[i].port;
			return 0;
		}
	}
	if (parse_uint(s, UINT16_MAX, &v) == 0) {
		*port = (uint32_t)v;
		return 0;
	}
	int64_t p = c->port_by_name ? c->port_by_name(c->aux, s) : -1;
	if (p < 0)
		return perr(c, "%s: unknown port", s);
	*port = (uint32_t)p;
	return 0;
}

/* ---- Match fields ---- */

static void
set_dl_type(struct ofp_rule *r, uint16_t type)
{
	r->match.dl_type = rte_cpu_to_be_16(type);
	r->mask.dl_type = UINT16_MAX;
}

static void
set_proto(struct ofp_rule *r, uint16_t type, uint8_t proto)
{
	set_dl_type(r, type);
	r->match.nw_proto = proto;
	r->mask.nw_proto = UINT8_MAX;
}

static const struct {
	const char *name;
	uint16_t dl_type;
	int nw_proto; /* -1: none. */
} shorthands[] = {
	{"ip", ETH_IPV4, -1},
	{"ipv6", ETH_IPV6, -1},
	{"arp", ETH_ARP, -1},
	{"icmp", ETH_IPV4, 1},
	{"tcp", ETH_IPV4, 6},
	{"udp", ETH_IPV4, 17},
	{"sctp", ETH_IPV4, 132},
	{"icmp6", ETH_IPV6, 58},
	{"tcp6", ETH_IPV6, 6},
	{"udp6", ETH_IPV6, 17},
	{"sctp6", ETH_IPV6, 132},
};

/*
 * Match keywords: one descriptor per keyword, in a table that parse_field() walks. A numeric
 * field names its largest value, and parse_field() reads the number (and its mask) before
 * the handler stores it; the other handlers read the text themselves. Errors are checked in
 * a fixed order: a mask where a packet has none (ofproto/trace), an unknown keyword, a mask
 * the field does not take, a bad number, then the handler's own.
 */

/* The parse modes a keyword is allowed in; elsewhere it is an unknown keyword. */
#define IN_ALL ((1u << OFP_PARSE_ADD) | (1u << OFP_PARSE_MATCH) | (1u << OFP_PARSE_TRACE))
#define IN_RULE ((1u << OFP_PARSE_ADD) | (1u << OFP_PARSE_MATCH)) /* Not a packet's field. */
#define IN_ADD (1u << OFP_PARSE_ADD)                              /* Only when adding a rule. */

#define F_NO_MASK 0x1 /* "/MASK" is refused. */
#define F_ARP 0x2     /* The keyword also matches dl_type=arp. */

struct match_field;

/* Stores a keyword's value in c->rule; v and m hold a numeric field's value and mask. */
typedef int match_field_fn(struct parse_ctx *c, const struct match_field *f, const char *value,
	uint64_t v, uint64_t m);

struct match_field {
	const char *name;      /* The keyword, as ovs-ofctl spells it. */
	unsigned modes;        /* IN_*: the parse modes that accept it. */
	unsigned flags;        /* F_*. */
	uint64_t max;          /* A number up to max; 0: the handler reads the text. */
	size_t off;            /* Offset in struct flow_key, for handlers shared by fields. */
	match_field_fn *parse; /* Stores the value. */
};

/* The field at f->off of the rule's match or mask. */
#define KEY_FIELD(k, f, type) ((type *)((char *)(k) + (f)->off))

static int
field_in_port(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;
	uint32_t p;

	if (parse_port(c, value, &p) < 0)
		return -EINVAL;
	r->match.in_port = p;
	r->mask.in_port = UINT32_MAX;
	return 0;
}

static int
field_mac(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	if (parse_mac_masked(value, KEY_FIELD(&r->match, f, struct rte_ether_addr),
		    KEY_FIELD(&r->mask, f, struct rte_ether_addr)) < 0)
		return perr(c, "%s: bad MAC address \"%s\"", f->name, value);
	return 0;
}

static int
field_ipv4(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	if (parse_ipv4_masked(value, KEY_FIELD(&r->match, f, rte_be32_t),
		    KEY_FIELD(&r->mask, f, rte_be32_t)) < 0)
		return perr(c, "%s: bad IPv4 address \"%s\"", f->name, value);
	return 0;
}

static int
field_ipv6(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	if (parse_ipv6_masked(value, KEY_FIELD(&r->match, f, uint8_t),
		    KEY_FIELD(&r->mask, f, uint8_t)) < 0)
		return perr(c, "%s: bad IPv6 address \"%s\"", f->name, value);
	return 0;
}

static int
field_dl_type(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	set_dl_type(c->rule, (uint16_t)v);
	return 0;
}

/* dl_vlan=VID matches a tag with that VID; dl_vlan=0xffff matches frames without a tag. */
static int
field_dl_vlan(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;
	uint16_t tci = rte_be_to_cpu_16(r->match.vlan_tci);
	uint16_t tm = rte_be_to_cpu_16(r->mask.vlan_tci);

	if (v == 0xffff) {
		tci = 0;
		tm = 0xffff;
	} else if (v <= FLOW_VLAN_VID_MASK) {
		tci = (uint16_t)((tci & ~FLOW_VLAN_VID_MASK) | v | FLOW_VLAN_PRESENT);
		tm |= FLOW_VLAN_VID_MASK | FLOW_VLAN_PRESENT;
	} else {
		return perr(c, "dl_vlan: %s is not a VLAN ID (0-4095, or 0xffff: no tag)", value);
	}
	r->match.vlan_tci = rte_cpu_to_be_16(tci);
	r->mask.vlan_tci = rte_cpu_to_be_16(tm);
	return 0;
}

static int
field_dl_vlan_pcp(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;
	uint16_t tci = rte_be_to_cpu_16(r->match.vlan_tci);
	uint16_t tm = rte_be_to_cpu_16(r->mask.vlan_tci);

	tci = (uint16_t)((tci & ~FLOW_VLAN_PCP_MASK) | (v << FLOW_VLAN_PCP_SHIFT) |
			 FLOW_VLAN_PRESENT);
	tm |= FLOW_VLAN_PCP_MASK | FLOW_VLAN_PRESENT;
	r->match.vlan_tci = rte_cpu_to_be_16(tci);
	r->mask.vlan_tci = rte_cpu_to_be_16(tm);
	return 0;
}

/* A 16-bit field in network order, with its mask (vlan_tci, tp_src, tp_dst). */
static int
field_be16_masked(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	*KEY_FIELD(&r->match, f, rte_be16_t) = rte_cpu_to_be_16((uint16_t)(v & m));
	*KEY_FIELD(&r->mask, f, rte_be16_t) = rte_cpu_to_be_16((uint16_t)m);
	return 0;
}

/* A 16-bit field in network order, exact (icmp_type, icmp_code in tp_src, tp_dst). */
static int
field_be16(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	*KEY_FIELD(&r->match, f, rte_be16_t) = rte_cpu_to_be_16((uint16_t)v);
	*KEY_FIELD(&r->mask, f, rte_be16_t) = UINT16_MAX;
	return 0;
}

/* An 8-bit field, exact (nw_proto, nw_ttl). */
static int
field_u8(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	*KEY_FIELD(&r->match, f, uint8_t) = (uint8_t)v;
	*KEY_FIELD(&r->mask, f, uint8_t) = UINT8_MAX;
	return 0;
}

/* nw_tos matches the DSCP bits only, as OVS's (the ECN bits are ignored). */
static int
field_nw_tos(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	struct ofp_rule *r = c->rule;

	r->match.nw_tos = (uint8_t)(v & 0xfc);
	r->mask.nw_tos |= 0xfc;
	return 0;
}

/* ---- The rule's own settings, written among the match fields ---- */

static int
field_priority(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	c->rule->priority = (uint16_t)v;
	return 0;
}

static int
field_table(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	c->rule->table_id = (uint8_t)v;
	return 0;
}

/* The mask of cookie=V/M is read, and ignored, as before. */
static int
field_cookie(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	c->rule->cookie = v;
	return 0;
}

static int
field_idle_timeout(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	c->rule->idle_timeout = (uint16_t)v;
	return 0;
}

static int
field_hard_timeout(struct parse_ctx *c, const struct match_field *f, const char *value, uint64_t v,
	uint64_t m)
{
	c->rule->hard_timeout = (uint16_t)v;
	return 0;
}

#define KEY(field) offsetof(struct flow_key, field)

/*
 * Every keyword, aliases as rows of their own (errors name the keyword as written). The rule's
 * settings (priority, table, cookie) are no packet's fields: ofproto/trace does not know them.
 */
static const struct match_field match_fields[] = {
	{"in_port", IN_ALL, 0, 0, 0, field_in_port},
	{"dl_src", IN_ALL, 0, 0, KEY(dl_src), field_mac},
	{"eth_src", IN_ALL, 0, 0, KEY(dl_src), field_mac},
	{"dl_dst", IN_ALL, 0, 0, KEY(dl_dst), field_mac},
	{"eth_dst", IN_ALL, 0, 0, KEY(dl_dst), field_mac},
	{"arp_sha", IN_ALL, 0, 0, KEY(arp_sha), field_mac},
	{"arp_tha", IN_ALL, 0, 0, KEY(arp_tha), field_mac},
	{"dl_type", IN_ALL, F_NO_MASK, UINT16_MAX, 0, field_dl_type},
	{"eth_type", IN_ALL, F_NO_MASK, UINT16_MAX, 0, field_dl_type},
	{"dl_vlan", IN_ALL, F_NO_MASK, UINT16_MAX, 0, field_dl_vlan},
	{"dl_vlan_pcp", IN_ALL, F_NO_MASK, 7, 0, field_dl_vlan_pcp},
	{"vlan_tci", IN_ALL, 0, UINT16_MAX, KEY(vlan_tci), field_be16_masked},
	{"nw_src", IN_ALL, 0, 0, KEY(nw_src), field_ipv4},
	{"ip_src", IN_ALL, 0, 0, KEY(nw_src), field_ipv4},
	{"arp_spa", IN_ALL, F_ARP, 0, KEY(nw_src), field_ipv4},
	{"nw_dst", IN_ALL, 0, 0, KEY(nw_dst), field_ipv4},
	{"ip_dst", IN_ALL, 0, 0, KEY(nw_dst), field_ipv4},
	{"arp_tpa", IN_ALL, F_ARP, 0, KEY(nw_dst), field_ipv4},
	{"ipv6_src", IN_ALL, 0, 0, KEY(ipv6_src), field_ipv6},
	{"ipv6_dst", IN_ALL, 0, 0, KEY(ipv6_dst), field_ipv6},
	{"nw_proto", IN_ALL, F_NO_MASK, UINT8_MAX, KEY(nw_proto), field_u8},
	{"ip_proto", IN_ALL, F_NO_MASK, UINT8_MAX, KEY(nw_proto), field_u8},
	{"arp_op", IN_ALL, F_NO_MASK | F_ARP, UINT8_MAX, KEY(nw_proto), field_u8},
	{"nw_tos", IN_ALL, F_NO_MASK, UINT8_MAX, 0, field_nw_tos},
	{"nw_ttl", IN_ALL, F_NO_MASK, UINT8_MAX, KEY(nw_ttl), field_u8},
	{"tp_src", IN_ALL, 0, UINT16_MAX, KEY(tp_src), field_be16_masked},
	{"tcp_src", IN_ALL, 0, UINT16_MAX, KEY(tp_src), field_be16_masked},
	{"udp_src", IN_ALL, 0, UINT16_MAX, KEY(tp_src), field_be16_masked},
	{"tp_dst", IN_ALL, 0, UINT16_MAX, KEY(tp_dst), field_be16_masked},
	{"tcp_dst", IN_ALL, 0, UINT16_MAX, KEY(tp_dst), field_be16_masked},
	{"udp_dst", IN_ALL, 0, UINT16_MAX, KEY(tp_dst), field_be16_masked},
	{"icmp_type", IN_ALL, F_NO_MASK, UINT8_MAX, KEY(tp_src), field_be16},
	{"icmp_code", IN_ALL, F_NO_MASK, UINT8_MAX, KEY(tp_dst), field_be16},
	{"priority", IN_RULE, F_NO_MASK, UINT16_MAX, 0, field_priority},
	{"table", IN_RULE, F_NO_MASK, OFP_N_TABLES - 1, 0, field_table},
	{"cookie", IN_RULE, 0, UINT64_MAX, 0, field_cookie},
	{"idle_timeout", IN_ADD, F_NO_MASK, UINT16_MAX, 0, field_idle_timeout},
	{"hard_timeout", IN_ADD, F_NO_MASK, UINT16_MAX, 0, field_hard_timeout},
};

#undef KEY

/* The descriptor of keyword name in mode, or NULL: an unknown keyword there. */
static const struct match_field *
match_field_find(const char *name, enum ofp_parse_mode mode)
{
	for (size_t i = 0; i < sizeof(match_fields) / sizeof(match_fields[0]); i++)
		if (!strcmp(match_fields[i].name, name))
			return match_fields[i].modes & (1u << mode) ? &match_fields[i] : NULL;
	return NULL;
}

static int
parse_field(struct parse_ctx *c, const char *name, const char *value)
{
	const struct match_field *f;
	uint64_t v = 0, m = 0;

	if (c->mode == OFP_PARSE_TRACE && strchr(value, '/'))
		return perr(c, "%s: a packet's field has no mask", name);
	if ((f = match_field_find(name, c->mode)) == NULL)
		return perr(c, "unknown keyword %s", name);
	if ((f->flags & F_NO_MASK) && strchr(value, '/'))
		return perr(c, "%s does not take a mask", name);
	if (f->max && parse_uint_masked(value, f->max, &v, &m) < 0)
		return perr(c, "%s: bad value \"%s\" (want a number up to %llu, optionally /MASK)",
			name, value, (unsigned long long)f->max);
	if (f->parse(c, f, value, v, m) < 0)
		return -EINVAL;
	if (f->flags & F_ARP)
		set_dl_type(c->rule, ETH_ARP);
	return 0;
}

/* OVS's prerequisites: L3 fields need an L3 type, L4 fields an L4 protocol. */
static int
check_prerequisites(struct parse_ctx *c)
{
	const struct ofp_rule *r = c->rule;
	uint16_t type = r->mask.dl_type ? rte_be_to_cpu_16(r->match.dl_type) : 0;
	bool ip4 = type == ETH_IPV4, ip6 = type == ETH_IPV6, arp = type == ETH_ARP;
	uint8_t proto = r->mask.nw_proto ? r->match.nw_proto : 0;
	static const uint8_t zero[16];

	if ((r->mask.nw_src || r->mask.nw_dst) && !ip4 && !arp)
		return perr(c, "nw_src/nw_dst need an IPv4 or ARP match (add \"ip\" or \"arp\")");
	if ((memcmp(r->mask.ipv6_src, zero, 16) || memcmp(r->mask.ipv6_dst, zero, 16)) && !ip6)
		return perr(c, "ipv6_src/ipv6_dst need an IPv6 match (add \"ipv6\")");
	if ((r->mask.nw_proto || r->mask.nw_tos || r->mask.nw_ttl) && !ip4 && !ip6 && !arp)
		return perr(c, "nw_proto/nw_tos/nw_ttl need an IP match (add \"ip\" or \"ipv6\")");
	if ((r->mask.tp_src || r->mask.tp_dst) &&
		(!(ip4 || ip6) ||
			!(proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58)))
		return perr(c, "tp_src/tp_dst/icmp_type/icmp_code need a transport protocol "
			       "(add \"tcp\", \"udp\", \"sctp\" or \"icmp\")");
	if (!rte_is_zero_ether_addr(&r->mask.arp_sha) || !rte_is_zero_ether_addr(&r->mask.arp_tha))
		if (!arp)
			return perr(c, "arp_sha/arp_tha need an ARP match (add \"arp\")");
	return 0;
}

/* ---- Actions ---- */

static struct ofp_action *
act_new(struct parse_ctx *c, enum ofp_action_type type)
{
	struct ofp_rule *r = c->rule;

	if (r->n_acts >= OFP_ACTIONS_MAX) {
		perr(c, "too many actions (at most %d)", OFP_ACTIONS_MAX);
		return NULL;
	}
	struct ofp_action *a = &r->acts[r->n_acts++];
	memset(a, 0, sizeof(*a));
	a->type = (uint8_t)type;
	return a;
}

static int
parse_set(struct parse_ctx *c, const char *field, const char *value, uint8_t syntax)
{
	struct ofp_action *a;
	uint64_t v;

	if (!strcmp(field, "vlan_vid") || !strcmp(field, "dl_vlan")) {
		/* set_field may carry OpenFlow 1.3's "present" bit (0x1000). */
		if (parse_uint(value, syntax == OFPACT_SYNTAX_SET_FIELD ? 0x1fff : 0xfff, &v) < 0)
			return perr(c, "%s: bad VLAN ID \"%s\"", field, value);
		if ((a = act_new(c, OFPACT_SET_VLAN_VID)) == NULL)
			return -EINVAL;
		a->value = (uint32_t)(v & FLOW_VLAN_VID_MASK);
	} else if (!strcmp(field, "vlan_pcp") || !strcmp(field, "dl_vlan_pcp")) {
		if (parse_uint(value, 7, &v) < 0)
			return perr(c, "%s: bad priority \"%s\" (0-7)", field, value);
		if ((a = act_new(c, OFPACT_SET_VLAN_PCP)) == NULL)
			return -EINVAL;
		a->value = (uint32_t)v;
	} else if (!strcmp(field, "eth_src") || !strcmp(field, "dl_src") ||
		   !strcmp(field, "eth_dst") || !strcmp(field, "dl_dst")) {
		struct rte_ether_addr mac;
		if (parse_mac(value, &mac) < 0)
			return perr(c, "%s: bad MAC address \"%s\"", field, value);
		a = act_new(c, strstr(field, "src") ? OFPACT_SET_ETH_SRC : OFPACT_SET_ETH_DST);
		if (a == NULL)
			return -EINVAL;
		a->mac = mac;
	} else if (!strcmp(field, "ip_src") || !strcmp(field, "nw_src") ||
		   !strcmp(field, "ipv4_src") || !strcmp(field, "ip_dst") ||
		   !strcmp(field, "nw_dst") || !strcmp(field, "ipv4_dst")) {
		struct in_addr ip;
		if (inet_pton(AF_INET, value, &ip) != 1)
			return perr(c, "%s: bad IPv4 address \"%s\"", field, value);
		a = act_new(c, strstr(field, "src") ? OFPACT_SET_IPV4_SRC : OFPACT_SET_IPV4_DST);
		if (a == NULL)
			return -EINVAL;
		a->ip = ip.s_addr;
	} else if (!strcmp(field, "nw_tos") || !strcmp(field, "ip_dscp")) {
		unsigned shift = !strcmp(field, "ip_dscp") ? 2 : 0;
		if (parse_uint(value, shift ? 63 : 255, &v) < 0 || (!shift && (v & 3)))
			return perr(c, "%s: bad value \"%s\"%s", field, value,
				shift ? " (0-63)" : " (a multiple of 4 up to 252)");
		if ((a = act_new(c, OFPACT_SET_IP_TOS)) == NULL)
			return -EINVAL;
		a->value = (uint32_t)(v << shift);
	} else if (!strcmp(field, "tp_src") || !strcmp(field, "tcp_src") ||
		   !strcmp(field, "udp_src") || !strcmp(field, "tp_dst") ||
		   !strcmp(field, "tcp_dst") || !strcmp(field, "udp_dst")) {
		if (parse_uint(value, UINT16_MAX, &v) < 0)
			return perr(c, "%s: bad port \"%s\"", field, value);
		a = act_new(c, strstr(field, "src") ? OFPACT_SET_L4_SRC : OFPACT_SET_L4_DST);
		if (a == NULL)
			return -EINVAL;
		a->value = (uint32_t)v;
	} else {
		return perr(c, "%s: field not supported by set_field", field);
	}
	a->syntax = syntax;
	return 0;
}

static int
parse_action(struct parse_ctx *c, char *s)
{
	struct ofp_action *a;
	uint64_t v;
	char *arg = strchr(s, ':');

	if (arg != NULL && strncmp(s, "set_field", 9) != 0)
		*arg++ = '\0';
	if (!strcasecmp(s, "drop")) {
		if (arg)
			return perr(c, "drop takes no argument");
		return 0;
	}
	if (!strcmp(s, "output") && arg) {
		uint32_t port;
		if (parse_port(c, arg, &port) < 0)
			return -EINVAL;
		/* As a bare port: "output:CONTROLLER" printed as "CONTROLLER" must parse too. */
		if (port == OFPP_CONTROLLER || port == OFPP_NONE)
			return perr(c, "%s: not supported (there is no controller)", arg);
		if ((a = act_new(c, OFPACT_OUTPUT)) == NULL)
			return -EINVAL;
		a->port = port;
		return 0;
	}
	/* The OpenFlow 1.0 mod_* actions are set_field on one field each. */
	static const struct {
		const char *action, *field;
	} mods[] = {
		{"mod_vlan_vid", "vlan_vid"},
		{"mod_vlan_pcp", "vlan_pcp"},
		{"mod_dl_src", "eth_src"},
		{"mod_dl_dst", "eth_dst"},
		{"mod_nw_src", "ip_src"},
		{"mod_nw_dst", "ip_dst"},
		{"mod_nw_tos", "nw_tos"},
		{"mod_tp_src", "tp_src"},
		{"mod_tp_dst", "tp_dst"},
	};
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (!strcmp(s, mods[i].action) && arg)
			return parse_set(c, mods[i].field, arg, OFPACT_SYNTAX_MOD);
	if ((!strcmp(s, "strip_vlan") || !strcmp(s, "pop_vlan")) && !arg)
		return act_new(c, OFPACT_STRIP_VLAN) ? 0 : -EINVAL;
	if (!strcmp(s, "push_vlan") && arg) {
		if (parse_uint(arg, UINT16_MAX, &v) < 0 || (v != 0x8100 && v != 0x88a8))
			return perr(c, "push_vlan: %s is not a VLAN ethertype (0x8100 or 0x88a8)",
				arg);
		if ((a = act_new(c, OFPACT_PUSH_VLAN)) == NULL)
			return -EINVAL;
		a->value = (uint32_t)v;
		return 0;
	}
	if (!strcmp(s, "dec_ttl") && !arg)
		return act_new(c, OFPACT_DEC_TTL) ? 0 : -EINVAL;
	if (!strcmp(s, "goto_table") && arg) {
		if (parse_uint(arg, OFP_N_TABLES - 1, &v) < 0)
			return perr(c, "goto_table: bad table \"%s\"", arg);
		if (v <= c->rule->table_id)
			return perr(c, "goto_table:%s must go to a later table than %u", arg,
				c->rule->table_id);
		if ((a = act_new(c, OFPACT_GOTO_TABLE)) == NULL)
			return -EINVAL;
		a->table = (uint8_t)v;
		return 0;
	}
	if (!strcmp(s, "resubmit") && arg) {
		if ((a = act_new(c, OFPACT_RESUBMIT)) == NULL)
			return -EINVAL;
		a->table = OFP_N_TABLES;
		return parse_port(c, arg, &a->port);
	}
	if (!strncmp(s, "resubmit(", 9) && !arg && s[strlen(s) - 1] == ')') {
		char *in = s + 9, *comma = strchr(in, ',');
		s[strlen(s) - 1] = '\0';
		if ((a = act_new(c, OFPACT_RESUBMIT)) == NULL)
			return -EINVAL;
		a->port = OFPP_IN_PORT;
		a->table = OFP_N_TABLES;
		if (comma == NULL)
			return perr(c, "resubmit(PORT,TABLE): missing comma");
		*comma = '\0';
		if (*in && parse_port(c, in, &a->port) < 0)
			return -EINVAL;
		if (comma[1]) {
			if (parse_uint(comma + 1, OFP_N_TABLES - 1, &v) < 0)
				return perr(c, "resubmit: bad table \"%s\"", comma + 1);
			a->table = (uint8_t)v;
		}
		if (!*in && !comma[1])
			return perr(c, "resubmit(,) needs a port or a table");
		return 0;
	}
	if (!strncmp(s, "set_field:", 10)) {
		char *val = s + 10, *arrow = strstr(val, "->");
		if (arrow == NULL)
			return perr(c, "set_field: want set_field:VALUE->FIELD");
		*arrow = '\0';
		return parse_set(c, arrow + 2, val, OFPACT_SYNTAX_SET_FIELD);
	}
	if (!arg) {
		/* A bare port: "2", "LOCAL", "NORMAL", a port name. */
		uint32_t port;
		if (parse_port(c, s, &port) == 0) {
			if (port == OFPP_CONTROLLER || port == OFPP_NONE)
				return perr(c, "%s: not supported (there is no controller)", s);
			if ((a = act_new(c, OFPACT_OUTPUT)) == NULL)
				return -EINVAL;
			a->port = port;
			return 0;
		}
		ds_clear(c->err);
	}
	return perr(c, "unknown action %s%s%s", s, arg ? ":" : "", arg ? arg : "");
}

static int
parse_actions(struct parse_ctx *c, char *s)
{
	int depth = 0;
	char *start = s;

	for (char *p = s;; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if ((*p == ',' && depth == 0) || *p == '\0') {
			bool end = *p == '\0';
			*p = '\0';
			while (isspace((unsigned char)*start))
				start++;
			char *e = start + strlen(start);
			while (e > start && isspace((unsigned char)e[-1]))
				*--e = '\0';
			if (*start == '\0') {
				if (!end || start != s)
					return perr(c, "empty action in \"%s\"", s);
			} else if (parse_action(c, start) < 0) {
				return -EINVAL;
			}
			if (end)
				break;
			start = p + 1;
		}
	}
	if (depth != 0)
		return perr(c, "unbalanced parentheses in actions");
	for (unsigned i = 0; i < c->rule->n_acts; i++)
		if (c->rule->acts[i].type == OFPACT_GOTO_TABLE && i != c->rule->n_acts - 1)
			return perr(c, "goto_table must be the last action");
	return 0;
}

int
ofp_rule_parse(struct ofp_rule *rule, const char *s, enum ofp_parse_mode mode,
	int64_t (*port_by_name)(const void *aux, const char *name), const void *aux, struct ds *err)
{
	struct parse_ctx c = {rule, mode, port_by_name, aux, err};
	char *copy = xstrdup(s), *acts = NULL;
	int ret = 0;

	memset(rule, 0, sizeof(*rule));
	rule->priority = OFP_DEFAULT_PRIORITY;
	/* "actions=" takes the rest of the string. */
	char *ap = strstr(copy, "actions=");
	if (ap != NULL && (ap == copy || strchr(", \t", ap[-1]))) {
		*ap = '\0';
		acts = ap + strlen("actions=");
	}
	if (mode == OFP_PARSE_ADD && acts == NULL) {
		ret = perr(&c, "must specify an action");
		goto out;
	}
	if (mode != OFP_PARSE_ADD && acts != NULL) {
		ret = perr(&c, "actions are not allowed here");
		goto out;
	}
	char *save = NULL;
	for (char *tok = strtok_r(copy, ", \t\n", &save); tok;
		tok = strtok_r(NULL, ", \t\n", &save)) {
		char *eq = strchr(tok, '=');
		if (eq == NULL) {
			size_t i;
			for (i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++)
				if (!strcmp(tok, shorthands[i].name))
					break;
			if (i == sizeof(shorthands) / sizeof(shorthands[0])) {
				ret = perr(&c, "unknown keyword %s", tok);
				goto out;
			}
			if (shorthands[i].nw_proto >= 0)
				set_proto(rule, shorthands[i].dl_type,
					(uint8_t)shorthands[i].nw_proto);
			else
				set_dl_type(rule, shorthands[i].dl_type);
			continue;
		}
		*eq = '\0';
		if (eq[1] == '\0') {
			ret = perr(&c, "%s: missing value", tok);
			goto out;
		}
		if ((ret = parse_field(&c, tok, eq + 1)) < 0)
			goto out;
	}
	if ((ret = check_prerequisites(&c)) < 0)
		goto out;
	flow_key_and(&rule->match, &rule->match, &rule->mask);
	if (acts != NULL)
		ret = parse_actions(&c, acts);
out:
	free(copy);
	return ret;
}

/* ---- Printing ---- */

static void
put_port(struct ds *out, uint32_t port, const char *(*port_name)(const void *aux, uint32_t ofport),
	const void *aux)
{
	const char *name = NULL;

	switch (port) {
	case OFPP_IN_PORT:
		name = "IN_PORT";
		break;
	case OFPP_NORMAL:
		name = "NORMAL";
		break;
	case OFPP_FLOOD:
		name = "FLOOD";
		break;
	case OFPP_ALL:
		name = "ALL";
		break;
	case OFPP_CONTROLLER:
		name = "CONTROLLER";
		break;
	case OFPP_LOCAL:
		name = "LOCAL";
		break;
	case OFPP_NONE:
		name = "NONE";
		break;
	default:
		if (port_name)
			name = port_name(aux, port);
		break;
	}
	if (name)
		ds_put_cstr(out, name);
	else
		ds_put_format(out, "%" PRIu32, port);
}

static void
put_mac(struct ds *out, const char *name, const struct rte_ether_addr *v,
	const struct rte_ether_addr *m)
{
	static const struct rte_ether_addr ones = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

	if (rte_is_zero_ether_addr(m))
		return;
	ds_put_format(out, "%s=" MAC_FMT ",", name, RTE_ETHER_ADDR_BYTES(v));
	if (!rte_is_same_ether_addr(m, &ones)) {
		out->s[--out->len] = '\0';
		ds_put_format(out, "/" MAC_FMT ",", RTE_ETHER_ADDR_BYTES(m));
	}
}

static void
put_ipv4(struct ds *out, const char *name, rte_be32_t v, rte_be32_t m)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint32_t hm = rte_be_to_cpu_32(m);

	if (m == 0)
		return;
	inet_ntop(AF_INET, &v, a, sizeof(a));
	if (hm == UINT32_MAX) {
		ds_put_format(out, "%s=%s,", name, a);
	} else if (((~hm + 1) & ~hm) == 0) {
		/* A prefix: the complement plus one is a power of two. */
		ds_put_format(out, "%s=%s/%d,", name, a, __builtin_popcount(hm));
	} else {
		inet_ntop(AF_INET, &m, b, sizeof(b));
		ds_put_format(out, "%s=%s/%s,", name, a, b);
	}
}

static void
put_ipv6(struct ds *out, const char *name, const uint8_t v[16], const uint8_t m[16])
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int bits = 0;
	bool prefix = true, any = false;

	for (int i = 0; i < 16; i++) {
		any |= m[i] != 0;
		for (int j = 7; j >= 0; j--) {
			if (m[i] & (1 << j)) {
				if (bits != i * 8 + (7 - j))
					prefix = false;
				bits++;
			}
		}
	}
	if (!any)
		return;
	inet_ntop(AF_INET6, v, a, sizeof(a));
	if (bits == 128)
		ds_put_format(out, "%s=%s,", name, a);
	else if (prefix)
		ds_put_format(out, "%s=%s/%d,", name, a, bits);
	else
		ds_put_format(out, "%s=%s/%s,", name, a, inet_ntop(AF_INET6, m, b, sizeof(b)));
}

static void
put_u16(struct ds *out, const char *name, rte_be16_t v, rte_be16_t m)
{
	if (m == 0)
		return;
	if (m == UINT16_MAX)
		ds_put_format(out, "%s=%u,", name, rte_be_to_cpu_16(v));
	else
		ds_put_format(out, "%s=0x%04x/0x%04x,", name, rte_be_to_cpu_16(v),
			rte_be_to_cpu_16(m));
}

void
ofp_match_format(struct ds *out, const struct ofp_rule *r, bool with_priority,
	const char *(*port_name)(const void *aux, uint32_t ofport), const void *aux)
{
	const struct flow_key *k = &r->match, *m = &r->mask;
	size_t start = out->len;
	uint16_t type = m->dl_type ? rte_be_to_cpu_16(k->dl_type) : 0;
	bool proto_shown = false, type_shown = false;
	bool arp = type == ETH_ARP;
	bool icmp = m->nw_proto && (k->nw_proto == 1 || k->nw_proto == 58) &&
		    (type == ETH_IPV4 || type == ETH_IPV6);

	if (with_priority && r->priority != OFP_DEFAULT_PRIORITY)
		ds_put_format(out, "priority=%u,", r->priority);
	if (m->dl_type) {
		/* "tcp" says both the type and the protocol; else "ip", "arp"...; else dl_type=. */
		for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++) {
			const int np = shorthands[i].nw_proto;
			if (shorthands[i].dl_type == type && np >= 0 && m->nw_proto &&
				k->nw_proto == np) {
				ds_put_format(out, "%s,", shorthands[i].name);
				type_shown = proto_shown = true;
				break;
			}
		}
		for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]) && !type_shown;
			i++) {
			if (shorthands[i].dl_type == type && shorthands[i].nw_proto < 0) {
				ds_put_format(out, "%s,", shorthands[i].name);
				type_shown = true;
			}
		}
	}
	if (m->in_port) {
		ds_put_cstr(out, "in_port=");
		put_port(out, k->in_port, port_name, aux);
		ds_put_char(out, ',');
	}
	uint16_t tci = rte_be_to_cpu_16(k->vlan_tci), tm = rte_be_to_cpu_16(m->vlan_tci);
	/* dl_vlan and dl_vlan_pcp say "tagged": only a match on a present tag prints so. */
	if ((tm == (FLOW_VLAN_VID_MASK | FLOW_VLAN_PRESENT) ||
		    tm == (FLOW_VLAN_PCP_MASK | FLOW_VLAN_PRESENT) || tm == 0xffff) &&
		(tci & FLOW_VLAN_PRESENT)) {
		if (tm & FLOW_VLAN_VID_MASK)
			ds_put_format(out, "dl_vlan=%u,", tci & FLOW_VLAN_VID_MASK);
		if (tm & FLOW_VLAN_PCP_MASK)
			ds_put_format(out, "dl_vlan_pcp=%u,", tci >> FLOW_VLAN_PCP_SHIFT);
	} else if (tm == 0xffff) {
		ds_put_format(out, "vlan_tci=0x%04x,", tci);
	} else if (tm) {
		ds_put_format(out, "vlan_tci=0x%04x/0x%04x,", tci, tm);
	}
	put_mac(out, "dl_src", &k->dl_src, &m->dl_src);
	put_mac(out, "dl_dst", &k->dl_dst, &m->dl_dst);
	if (m->dl_type && !type_shown)
		ds_put_format(out, "dl_type=0x%04x,", type);
	put_ipv4(out, arp ? "arp_spa" : "nw_src", k->nw_src, m->nw_src);
	put_ipv4(out, arp ? "arp_tpa" : "nw_dst", k->nw_dst, m->nw_dst);
	put_ipv6(out, "ipv6_src", k->ipv6_src, m->ipv6_src);
	put_ipv6(out, "ipv6_dst", k->ipv6_dst, m->ipv6_dst);
	if (m->nw_proto && !proto_shown)
		ds_put_format(out, "%s=%u,", arp ? "arp_op" : "nw_proto", k->nw_proto);
	if (m->nw_tos)
		ds_put_format(out, "nw_tos=%u,", k->nw_tos);
	if (m->nw_ttl)
		ds_put_format(out, "nw_ttl=%u,", k->nw_ttl);
	put_mac(out, "arp_sha", &k->arp_sha, &m->arp_sha);
	put_mac(out, "arp_tha", &k->arp_tha, &m->arp_tha);
	/* icmp_type and icmp_code take a byte and no mask: other matches print as tp_src/tp_dst. */
	if (icmp && m->tp_src == UINT16_MAX && rte_be_to_cpu_16(k->tp_src) <= UINT8_MAX)
		ds_put_format(out, "icmp_type=%u,", rte_be_to_cpu_16(k->tp_src));
	else
		put_u16(out, "tp_src", k->tp_src, m->tp_src);
	if (icmp && m->tp_dst == UINT16_MAX && rte_be_to_cpu_16(k->tp_dst) <= UINT8_MAX)
		ds_put_format(out, "icmp_code=%u,", rte_be_to_cpu_16(k->tp_dst));
	else
		put_u16(out, "tp_dst", k->tp_dst, m->tp_dst);
	if (out->len > start && out->s[out->len - 1] == ',') {
		out->len--;
		out->s[out->len] = '\0';
	}
}

void
ofp_actions_format(struct ds *out, const struct ofp_rule *r,
	const char *(*port_name)(const void *aux, uint32_t ofport), const void *aux)
{
	char ip[INET_ADDRSTRLEN];

	if (r->n_acts == 0) {
		ds_put_cstr(out, "drop");
		return;
	}
	for (unsigned i = 0; i < r->n_acts; i++) {
		const struct ofp_action *a = &r->acts[i];
		bool sf = a->syntax == OFPACT_SYNTAX_SET_FIELD;

		if (i)
			ds_put_char(out, ',');
		switch ((enum ofp_action_type)a->type) {
		case OFPACT_OUTPUT:
			if (a->port >= OFPP_MAX) {
				put_port(out, a->port, NULL, NULL);
			} else {
				ds_put_cstr(out, "output:");
				put_port(out, a->port, port_name, aux);
			}
			break;
		case OFPACT_SET_VLAN_VID:
			ds_put_format(out, sf ? "set_field:%u->vlan_vid" : "mod_vlan_vid:%u",
				a->value);
			break;
		case OFPACT_SET_VLAN_PCP:
			ds_put_format(out, sf ? "set_field:%u->vlan_pcp" : "mod_vlan_pcp:%u",
				a->value);
			break;
		case OFPACT_STRIP_VLAN:
			ds_put_cstr(out, "strip_vlan");
			break;
		case OFPACT_PUSH_VLAN:
			ds_put_format(out, "push_vlan:0x%04x", a->value);
			break;
		case OFPACT_SET_ETH_SRC:
		case OFPACT_SET_ETH_DST: {
			bool src = a->type == OFPACT_SET_ETH_SRC;
			if (sf)
				ds_put_format(out, "set_field:" MAC_FMT "->%s",
					RTE_ETHER_ADDR_BYTES(&a->mac), src ? "eth_src" : "eth_dst");
			else
				ds_put_format(out, "%s:" MAC_FMT, src ? "mod_dl_src" : "mod_dl_dst",
					RTE_ETHER_ADDR_BYTES(&a->mac));
			break;
		}
		case OFPACT_SET_IPV4_SRC:
		case OFPACT_SET_IPV4_DST: {
			bool src = a->type == OFPACT_SET_IPV4_SRC;
			inet_ntop(AF_INET, &a->ip, ip, sizeof(ip));
			if (sf)
				ds_put_format(out, "set_field:%s->%s", ip,
					src ? "ip_src" : "ip_dst");
			else
				ds_put_format(out, "%s:%s", src ? "mod_nw_src" : "mod_nw_dst", ip);
			break;
		}
		case OFPACT_SET_IP_TOS:
			if (sf)
				ds_put_format(out, "set_field:%u->nw_tos", a->value);
			else
				ds_put_format(out, "mod_nw_tos:%u", a->value);
			break;
		case OFPACT_SET_L4_SRC:
		case OFPACT_SET_L4_DST: {
			bool src = a->type == OFPACT_SET_L4_SRC;
			if (sf)
				ds_put_format(out, "set_field:%u->%s", a->value,
					src ? "tp_src" : "tp_dst");
			else
				ds_put_format(out, "%s:%u", src ? "mod_tp_src" : "mod_tp_dst",
					a->value);
			break;
		}
		case OFPACT_DEC_TTL:
			ds_put_cstr(out, "dec_ttl");
			break;
		case OFPACT_RESUBMIT:
			if (a->table == OFP_N_TABLES) {
				ds_put_cstr(out, "resubmit:");
				put_port(out, a->port, port_name, aux);
			} else {
				ds_put_cstr(out, "resubmit(");
				if (a->port != OFPP_IN_PORT)
					put_port(out, a->port, port_name, aux);
				ds_put_format(out, ",%u)", a->table);
			}
			break;
		case OFPACT_GOTO_TABLE:
			ds_put_format(out, "goto_table:%u", a->table);
			break;
		}
	}
}

bool
ofp_rule_same_match(const struct ofp_rule *a, const struct ofp_rule *b)
{
	return a->priority == b->priority && a->table_id == b->table_id &&
	       flow_key_equal(&a->mask, &b->mask) && flow_key_equal(&a->match, &b->match);
}

bool
ofp_rule_covered_by(const struct ofp_rule *rule, const struct ofp_rule *filter)
{
	const uint64_t *rm = (const uint64_t *)&rule->mask;
	const uint64_t *rv = (const uint64_t *)&rule->match;
	const uint64_t *fm = (const uint64_t *)&filter->mask;
	const uint64_t *fv = (const uint64_t *)&filter->match;

	for (unsigned w = 0; w < FLOW_WORDS; w++) {
		/* The rule must match at least the filter's bits, with the filter's values. */
		if ((rm[w] & fm[w]) != fm[w] || (rv[w] & fm[w]) != fv[w])
			return false;
	}
	return true;
}

bool
ofp_actions_equal(const struct ofp_rule *a, const struct ofp_rule *b)
{
	return a->n_acts == b->n_acts && !memcmp(a->acts, b->acts, a->n_acts * sizeof(a->acts[0]));
}
