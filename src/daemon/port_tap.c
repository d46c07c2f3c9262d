/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TAP backend (see port.h): type "internal", a kernel TAP interface on a /dev/net/tun
 * file descriptor of our own, no ethdev (DPDK's net_tap took one of its 32 slots per port).
 * One frame per read() or write(), as net_tap and OVS's netdev-linux do. The descriptor is
 * not persistent: the interface goes with the process, however it stops.
 *
 * The PMD does not poll these descriptors: it waits on them all at once with epoll (rx_fd),
 * so that hundreds of idle internal ports cost it nothing but an occasional epoll_wait().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_tun.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "conf.h"
#include "log.h"
#include "port.h"

/* Segments one frame may take from the pool: a 9728-byte frame in 2 KiB buffers. */
#define TAP_MAX_SEGS 6
/* Frames the kernel queues for us on a TAP (its txqueuelen). */
#define TAP_TXQLEN 8192

static void
tap_close(struct port *port)
{
	if (port->tap_fd >= 0)
		close(port->tap_fd);
	port->tap_fd = -1;
}

static int
tap_fail(struct port *port, const char *what, int err)
{
	snprintf(port->error, sizeof(port->error), "could not open network device %s (%s: %s)",
		port->name, what, strerror(-err));
	return err;
}

static int
tap_open(struct port *port, const struct conf_iface *cfg, unsigned n_txq)
{
	struct ifreq ifr;
	int ret;

	if (strlen(cfg->name) >= IFNAMSIZ) {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (name longer than %d bytes)", cfg->name,
			IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	if (if_nametoindex(cfg->name) != 0) {
		/* TUNSETIFF would attach to a persistent TAP someone left (OVS leaves its
		 * bridges' TAPs behind), which is not ours to take. */
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (a kernel interface %s already exists; "
			"remove it with: ip link del %s)",
			cfg->name, cfg->name, cfg->name);
		return -EEXIST;
	}
	port->tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (port->tap_fd < 0)
		return tap_fail(port, "/dev/net/tun", -errno);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", cfg->name);
	if (ioctl(port->tap_fd, TUNSETIFF, &ifr) < 0)
		return tap_fail(port, "TUNSETIFF", -errno);

	if (cfg->mac != NULL) {
		struct rte_ether_addr mac;
		if (rte_ether_unformat_addr(cfg->mac, &mac) == 0) {
			memset(&ifr.ifr_hwaddr, 0, sizeof(ifr.ifr_hwaddr));
			ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
			memcpy(ifr.ifr_hwaddr.sa_data, mac.addr_bytes, RTE_ETHER_ADDR_LEN);
			if ((ret = port_ifreq(SIOCSIFHWADDR, &ifr)) < 0)
				return tap_fail(port, "setting its MAC", ret);
		}
	}
	if ((ret = port_ifreq(SIOCGIFHWADDR, &ifr)) == 0)
		memcpy(port->mac.addr_bytes, ifr.ifr_hwaddr.sa_data, RTE_ETHER_ADDR_LEN);
	if (cfg->mtu_request > 0) {
		ifr.ifr_mtu = (int)cfg->mtu_request;
		if ((ret = port_ifreq(SIOCSIFMTU, &ifr)) < 0)
			return tap_fail(port, "setting its MTU", ret);
	}
	port_set_max_frame(port, port_ifreq(SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : -1);
	/*
	 * What the kernel sends us waits in the TAP's queue until a PMD reads it: 1000 frames by
	 * default, a few milliseconds of a fast sender, which a PMD preempted on a busy host can
	 * miss (t_change saw 32 of 157,024 dropped there). 8192 rides that out.
	 */
	ifr.ifr_qlen = TAP_TXQLEN;
	if ((ret = port_ifreq(SIOCSIFTXQLEN, &ifr)) < 0)
		TLOG(WARNING, "%s: cannot set its queue to %d frames: %s", cfg->name, TAP_TXQLEN,
			strerror(-ret));
	/* The kernel interface starts down, as OVS's internal ports do. */
	port->internal = true;
	port->down = true;
	port->n_rxq = 1;
	port->n_txq = 1; /* write() needs no lock: one frame each. */
	port->tx_shared = false;
	return 0;
}

/* Up while the kernel interface is administratively up (port_poll_kernel()). */
static void
tap_link(const struct port *port, bool *up, uint32_t *speed)
{
	*up = !port->down;
	*speed = 10000;
}

static int
tap_rx_fd(const struct port *port, uint16_t q)
{
	return port->tap_fd;
}

/*
 * Reads one frame into a chain from pool (one segment unless the MTU is larger than a
 * buffer). Returns the frame, or NULL when there is none (or no buffer: it stays queued).
 */
static struct rte_mbuf *
tap_read_one(struct port *port, struct rte_mempool *mp)
{
	struct rte_mbuf *segs[TAP_MAX_SEGS];
	struct iovec iov[TAP_MAX_SEGS];
	uint32_t room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	unsigned n = port->max_frame / room + 1;

	if (n > TAP_MAX_SEGS)
		n = TAP_MAX_SEGS;
	if (rte_pktmbuf_alloc_bulk(mp, segs, n) < 0)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = rte_pktmbuf_mtod(segs[i], void *);
		iov[i].iov_len = room;
	}
	ssize_t len = readv(port->tap_fd, iov, (int)n);
	if (len <= 0) {
		rte_pktmbuf_free_bulk(segs, n);
		return NULL;
	}
	struct rte_mbuf *m = segs[0];
	unsigned used = (unsigned)((len + room - 1) / room);
	m->pkt_len = (uint32_t)len;
	m->nb_segs = (uint16_t)used;
	for (unsigned i = 0; i < used; i++) {
		segs[i]->data_len = (uint16_t)RTE_MIN((uint32_t)len - i * room, room);
		segs[i]->next = i + 1 < used ? segs[i + 1] : NULL;
	}
	if (used < n)
		rte_pktmbuf_free_bulk(segs + used, n - used);
	m->port = (uint16_t)port->dp_no;
	return m;
}

static uint16_t
tap_rx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n, struct rte_mempool *mp)
{
	uint16_t got = 0;

	while (got < n && (pkts[got] = tap_read_one(port, mp)) != NULL)
		got++;
	return got;
}

/* Writes each frame; stops at the first the kernel cannot take now (its queue is full). */
static uint16_t
tap_tx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		ssize_t r;

		if (m->nb_segs == 1) {
			r = write(port->tap_fd, rte_pktmbuf_mtod(m, void *), m->data_len);
		} else {
			struct iovec iov[TAP_MAX_SEGS];
			int k = 0;
			for (struct rte_mbuf *s = m; s != NULL && k < TAP_MAX_SEGS;
				s = s->next, k++) {
				iov[k].iov_base = rte_pktmbuf_mtod(s, void *);
				iov[k].iov_len = s->data_len;
			}
			r = writev(port->tap_fd, iov, k);
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* Written, or refused for good (EIO while down): either way it is done with. */
		rte_pktmbuf_free(m);
	}
	return i;
}

const struct port_ops port_tap_ops = {
	.kind = "tap",
	.open = tap_open,
	.close = tap_close,
	.link = tap_link,
	.rx_fd = tap_rx_fd,
	.rx = tap_rx,
	.tx = tap_tx,
};
