/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Punt and inject, the control thread's side (see punt.h; pmd.c has the PMDs' side). Also the
 * commands that show it and drive it by hand: punt/show, punt/capture (a claim whose handler
 * keeps the last frames, for an operator or a test: what tcpdump cannot see, since the frames
 * never leave the switch), punt/uncapture, punt/inject.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "bridge.h"
#include "ctl.h"
#include "ds.h"
#include "flow.h"
#include "log.h"
#include "module.h"
#include "pmd.h"
#include "port.h"
#include "punt.h"

#define PUNT_CAPTURE_KEEP 16 /* Frames a capture keeps. */

struct punt_slot {
	struct punt_claim c; /* The claim; c.fn NULL: a free slot. */
	uint64_t n_frames;   /* Frames handed to its handler. */
};

static struct punt_slot slots[DP_PUNT_MAX];

static bool
punt_same_frames(const struct punt_claim *a, const struct punt_claim *b)
{
	return rte_is_same_ether_addr(&a->dst, &b->dst) && a->any_type == b->any_type &&
	       (a->any_type || a->ethertype == b->ethertype);
}

int
punt_claim_add(const struct punt_claim *c)
{
	int id = -1;

	for (int i = 0; i < DP_PUNT_MAX; i++) {
		if (slots[i].c.fn != NULL && punt_same_frames(&slots[i].c, c))
			return -EEXIST;
		if (slots[i].c.fn == NULL && id < 0)
			id = i;
	}
	if (id < 0)
		return -ENOSPC;
	slots[id] = (struct punt_slot){.c = *c};
	bridge_republish();
	return id;
}

void
punt_claim_del(int id)
{
	if (id < 0 || id >= DP_PUNT_MAX)
		return;
	slots[id].c.fn = NULL;
	bridge_republish();
}

/* The snapshot's part: every claim, for the PMDs' slow path. */
static void
punt_snapshot(struct dp_snapshot *snap)
{
	snap->n_punts = 0;
	for (int i = 0; i < DP_PUNT_MAX; i++) {
		const struct punt_claim *c = &slots[i].c;
		if (c->fn == NULL)
			continue;
		snap->punts[snap->n_punts++] = (struct dp_punt_match){.dst = c->dst,
			.any_type = c->any_type,
			.per_bridge = c->per_bridge,
			.dl_type = rte_cpu_to_be_16(c->ethertype),
			.claim = (uint32_t)i};
	}
}

/* The PMDs punted something: hand every frame to its claim's handler. */
static void
punt_drain(int fd, uint32_t events, void *arg)
{
	uint64_t v;
	struct rte_mbuf *pkts[32];

	if (read(fd, &v, sizeof(v)) < 0) {
		/* Nothing was signalled (EAGAIN): look anyway, it is cheap. */
	}
	for (unsigned p = 0; p < pmd_count(); p++) {
		unsigned n;
		while ((n = pmd_punt_take(p, pkts, RTE_DIM(pkts))) > 0) {
			for (unsigned i = 0; i < n; i++) {
				uint32_t claim = pkts[i]->hash.usr;
				/* A claim deleted after the frame was punted: dropped. */
				if (claim < DP_PUNT_MAX && slots[claim].c.fn != NULL) {
					slots[claim].n_frames++;
					slots[claim].c.fn(pkts[i]->port, pkts[i],
						slots[claim].c.arg);
				}
				rte_pktmbuf_free(pkts[i]);
			}
		}
	}
}

int
punt_inject(uint32_t dp_no, const void *data, size_t len, struct ds *err)
{
	const struct port *port = bridge_port_by_dp(dp_no);

	if (port == NULL || !port->started) {
		ds_put_format(err, "datapath port %u is not open", dp_no);
		return -ENODEV;
	}
	uint32_t room = rte_pktmbuf_data_room_size(port_mempool()) - RTE_PKTMBUF_HEADROOM;
	uint32_t max = RTE_MIN(port->max_frame, room);
	if (len < RTE_ETHER_HDR_LEN || len > max) {
		ds_put_format(err, "a frame to inject on %s is %u to %u bytes, not %zu", port->name,
			RTE_ETHER_HDR_LEN, max, len);
		return -EINVAL;
	}
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_mempool());
	if (m == NULL) {
		ds_put_cstr(err, "no packet buffer free");
		return -ENOMEM;
	}
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), data, len);
	int ret = pmd_inject(dp_no, m);
	if (ret < 0) {
		rte_pktmbuf_free(m);
		ds_put_format(err, "%s: the frame could not be queued (%s)", port->name,
			ret == -ENOBUFS ? "the PMD's inject ring is full" : "the port is down");
	}
	return ret;
}

/* ---- punt/capture: a claim that keeps the last frames ---- */

struct capture {
	int claim;     /* Its claim id, -1 when unused. */
	unsigned next; /* Where the next frame goes in frames[]. */
	struct {
		uint32_t dp_no;   /* Where it came in. */
		uint16_t len;     /* Its length. */
		uint8_t data[64]; /* Its first bytes. */
	} frames[PUNT_CAPTURE_KEEP];
	uint64_t n; /* Frames seen. */
};

static struct capture captures[DP_PUNT_MAX];

static void
capture_frame(uint32_t dp_no, const struct rte_mbuf *m, void *arg)
{
	struct capture *cap = arg;
	unsigned k = cap->next++ % PUNT_CAPTURE_KEEP;
	uint16_t len = (uint16_t)RTE_MIN(rte_pktmbuf_pkt_len(m), sizeof(cap->frames[k].data));

	cap->frames[k].dp_no = dp_no;
	cap->frames[k].len = (uint16_t)rte_pktmbuf_pkt_len(m);
	/* A pointer into the frame when its first segment holds len bytes, else into data. */
	const void *p = rte_pktmbuf_read(m, 0, len, cap->frames[k].data);
	if (p != NULL && p != cap->frames[k].data)
		memcpy(cap->frames[k].data, p, len);
	cap->n++;
}

/* Parses "MAC [ETHERTYPE]" into c; returns 0 or -EINVAL with out saying why. */
static int
parse_claim(int argc, const char *const argv[], struct punt_claim *c, struct ds *out)
{
	memset(c, 0, sizeof(*c));
	if (rte_ether_unformat_addr(argv[1], &c->dst) < 0) {
		ds_put_format(out, "\"%s\" is not a MAC address (aa:bb:cc:dd:ee:ff)", argv[1]);
		return -EINVAL;
	}
	c->any_type = argc < 3;
	if (argc >= 3) {
		char *end;
		unsigned long t = strtoul(argv[2], &end, 16);
		if (*argv[2] == '\0' || *end != '\0' || t < 0x600 || t > 0xffff) {
			ds_put_format(out, "\"%s\" is not an ethertype (hexadecimal, 0600 to ffff)",
				argv[2]);
			return -EINVAL;
		}
		c->ethertype = (uint16_t)t;
	}
	return 0;
}

static int
cmd_capture(int argc, const char *const argv[], struct ds *out)
{
	struct punt_claim c;
	int ret = parse_claim(argc, argv, &c, out);

	if (ret < 0)
		return ret;
	struct capture *cap = NULL;
	for (unsigned i = 0; i < DP_PUNT_MAX && cap == NULL; i++)
		if (captures[i].claim < 0)
			cap = &captures[i];
	if (cap == NULL) {
		ds_put_format(out, "at most %d claims", DP_PUNT_MAX);
		return -ENOSPC;
	}
	c.name = "capture";
	c.fn = capture_frame;
	c.arg = cap;
	memset(cap, 0, sizeof(*cap));
	cap->claim = punt_claim_add(&c);
	if (cap->claim < 0) {
		ret = cap->claim;
		ds_put_format(out, "%s",
			ret == -EEXIST ? "those frames are claimed already" : "at most 16 claims");
		return ret;
	}
	ds_put_format(out, "capturing as claim %d\n", cap->claim);
	return 0;
}

static int
cmd_uncapture(int argc, const char *const argv[], struct ds *out)
{
	struct punt_claim c;
	int ret = parse_claim(argc, argv, &c, out);

	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < DP_PUNT_MAX; i++) {
		struct capture *cap = &captures[i];
		if (cap->claim >= 0 && punt_same_frames(&slots[cap->claim].c, &c)) {
			punt_claim_del(cap->claim);
			cap->claim = -1;
			return 0;
		}
	}
	ds_put_cstr(out, "no capture of those frames");
	return -ENOENT;
}

static const char *
port_name(uint32_t dp_no)
{
	const struct port *p = bridge_port_by_dp(dp_no);
	return p ? p->name : "?";
}

static int
cmd_show(int argc, const char *const argv[], struct ds *out)
{
	uint64_t punted, dropped, injected;

	pmd_punt_counters(&punted, &dropped, &injected);
	ds_put_format(out,
		"punted: %" PRIu64 ", dropped (queue full): %" PRIu64 ", injected: %" PRIu64 "\n",
		punted, dropped, injected);
	for (int i = 0; i < DP_PUNT_MAX; i++) {
		const struct punt_slot *s = &slots[i];
		if (s->c.fn == NULL)
			continue;
		ds_put_format(out, "claim %d: %s dst=" FLOW_MAC_FMT, i, s->c.name,
			FLOW_MAC_ARGS(&s->c.dst));
		if (s->c.any_type)
			ds_put_cstr(out, " type=any");
		else
			ds_put_format(out, " type=0x%04x", s->c.ethertype);
		ds_put_format(out, " frames=%" PRIu64 "\n", s->n_frames);
		if (s->c.fn != capture_frame)
			continue;
		const struct capture *cap = s->c.arg;
		unsigned kept = (unsigned)RTE_MIN(cap->n, (uint64_t)PUNT_CAPTURE_KEEP);
		for (unsigned k = 0; k < kept; k++) {
			unsigned j = (cap->next - kept + k) % PUNT_CAPTURE_KEEP;
			ds_put_format(out, "  in_port=%s len=%u ", port_name(cap->frames[j].dp_no),
				cap->frames[j].len);
			for (unsigned b = 0; b < RTE_MIN(cap->frames[j].len, 64u); b++)
				ds_put_format(out, "%02x", cap->frames[j].data[b]);
			ds_put_char(out, '\n');
		}
	}
	return 0;
}

static int
hex_value(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

static int
cmd_inject(int argc, const char *const argv[], struct ds *out)
{
	const struct port *port = bridge_port_by_name(argv[1]);
	size_t n = strlen(argv[2]);
	uint8_t frame[RTE_MBUF_DEFAULT_DATAROOM];

	if (port == NULL || port->dp_no == 0) {
		ds_put_format(out, "no port named %s", argv[1]);
		return -ENOENT;
	}
	if (n % 2 != 0 || n / 2 > sizeof(frame)) {
		ds_put_format(out,
			"a frame is an even number of hexadecimal digits, %zu bytes at most",
			sizeof(frame));
		return -EINVAL;
	}
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value((unsigned char)argv[2][2 * i]);
		int lo = hex_value((unsigned char)argv[2][2 * i + 1]);
		if (hi < 0 || lo < 0) {
			ds_put_format(out, "\"%c%c\" at byte %zu is not hexadecimal",
				argv[2][2 * i], argv[2][2 * i + 1], i);
			return -EINVAL;
		}
		frame[i] = (uint8_t)(hi << 4 | lo);
	}
	return punt_inject(port->dp_no, frame, n / 2, out);
}

static const struct ctl_command show_cmd = {"punt/show", "", 0, 0, cmd_show};
static const struct ctl_command capture_cmd = {"punt/capture", "MAC [ETHERTYPE]", 1, 2,
	cmd_capture};
static const struct ctl_command uncapture_cmd = {"punt/uncapture", "MAC [ETHERTYPE]", 1, 2,
	cmd_uncapture};
static const struct ctl_command inject_cmd = {"punt/inject", "PORT HEXFRAME", 2, 2, cmd_inject};
CTL_REGISTER(show_cmd)
CTL_REGISTER(capture_cmd)
CTL_REGISTER(uncapture_cmd)
CTL_REGISTER(inject_cmd)

static int
punt_init(struct ds *err)
{
	for (unsigned i = 0; i < DP_PUNT_MAX; i++)
		captures[i].claim = -1;
	int ret = loop_fd_add(pmd_punt_fd(), EPOLLIN, punt_drain, NULL);
	if (ret < 0)
		ds_put_format(err, "cannot watch the punt eventfd: %s", strerror(-ret));
	return ret;
}

static void
punt_fini(void)
{
	loop_fd_del(pmd_punt_fd());
}

/* After the PMDs (their rings and eventfd), before the features that claim frames. */
static const struct module punt_module = {.name = "punt",
	.order = 30,
	.init = punt_init,
	.fini = punt_fini,
	.snapshot = punt_snapshot};
MODULE_REGISTER(punt_module)
