/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev backend (see port.h): types "dpdk" (any DPDK device from options:dpdk-devargs)
 * and "system" (a kernel interface through net_af_packet, whose mmap'd ring the PMD reads
 * without a system call). Virtual devices are hot-plugged with rte_dev_probe() from the
 * devargs port.c built. Each takes one of DPDK's RTE_MAX_ETHPORTS ethdev slots.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_mbuf.h>

#include "conf.h"
#include "log.h"
#include "port.h"

#define PORT_RX_DESC 1024
#define PORT_TX_DESC 1024

static int
ethdev_find(const char *devname, uint16_t *port_id)
{
	if (rte_eth_dev_get_port_by_name(devname, port_id) == 0)
		return 0;
	/* A PCI device may be named differently from its devargs (0000: prefix). */
	uint16_t pid;
	RTE_ETH_FOREACH_DEV(pid)
	{
		char name[RTE_ETH_NAME_MAX_LEN];
		if (rte_eth_dev_get_name_by_port(pid, name) == 0 && strstr(name, devname)) {
			*port_id = pid;
			return 0;
		}
	}
	return -ENODEV;
}

/*
 * Applies mtu_request. A device that has no MTU of its own to set (net_pcap) gets the
 * requested one all the same: the PMDs enforce it (max_frame), as OVS-DPDK does in software.
 * One the device refuses fails the port, with port->error saying why: a port that silently
 * kept another MTU would drop or pass frames unexpectedly.
 */
static int
ethdev_set_mtu(struct port *port, const struct conf_iface *cfg)
{
	uint16_t mtu;
	int ret;

	if (cfg->mtu_request > 0) {
		ret = rte_eth_dev_set_mtu(port->eth_port, (uint16_t)cfg->mtu_request);
		if (ret == -ENOTSUP) {
			port_set_max_frame(port, cfg->mtu_request);
			return 0;
		}
		if (ret < 0) {
			struct rte_eth_dev_info info;
			char max[64] = "";
			if (rte_eth_dev_info_get(port->eth_port, &info) == 0)
				snprintf(max, sizeof(max), "; this device takes %u to %u",
					info.min_mtu, info.max_mtu);
			snprintf(port->error, sizeof(port->error),
				"could not set MTU %" PRId64 " on %s (%s%s)", cfg->mtu_request,
				cfg->name, rte_strerror(-ret), max);
			return ret;
		}
	}
	port_set_max_frame(port, rte_eth_dev_get_mtu(port->eth_port, &mtu) == 0 ? mtu : -1);
	return 0;
}

/*
 * net_af_packet's sockets also see what the host itself sends on the interface
 * (PACKET_OUTGOING), and the PMD hands that up as received: the kernel's own frames on a
 * "system" port (IPv6 router solicitations, a raw socket's) would enter the bridge as if
 * from the wire, be learned and flooded. OVS's netdev-linux skips them; DPDK has no devarg
 * for it, so every packet socket of ours bound to the interface gets a socket filter that
 * drops them (PACKET_IGNORE_OUTGOING would not do: the PMD's sockets share a fanout group,
 * whose hook the option does not reach). Returns how many sockets took it.
 */
static unsigned
af_packet_ignore_outgoing(const char *ifname)
{
	static struct sock_filter not_outgoing[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),          /* Outgoing: none of it. */
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff), /* Else the whole frame. */
	};
	const struct sock_fprog prog = {RTE_DIM(not_outgoing), not_outgoing};
	unsigned ifindex = if_nametoindex(ifname), n = 0;
	DIR *d = ifindex ? opendir("/proc/self/fd") : NULL;
	struct dirent *e;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), domain = 0;
		socklen_t len = sizeof(domain);
		struct sockaddr_ll sll;

		if (e->d_name[0] == '.' || fd == dirfd(d) ||
			getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
			domain != AF_PACKET)
			continue;
		len = sizeof(sll);
		if (getsockname(fd, (struct sockaddr *)&sll, &len) < 0 ||
			(unsigned)sll.sll_ifindex != ifindex)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * How full the shared packet buffer pool is, for an error: a driver that fills its rings, or
 * loads a pcap file (net_pcap with infinite_rx), takes its mbufs when its queue is set up or
 * started, and fails with only "Invalid argument" when they run short.
 */
static void
pool_state(char *buf, size_t len)
{
	struct rte_mempool *mp = port_mempool();

	snprintf(buf, len,
		"the packet buffer pool has %u of %u mbufs free, and a driver may need more "
		"(trestled --mbufs)",
		rte_mempool_avail_count(mp), mp->size);
}

static int
ethdev_configure(struct port *port, const struct conf_iface *cfg, unsigned want_txq)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	uint16_t pid = port->eth_port;
	int ret;

	ret = rte_eth_dev_info_get(pid, &info);
	if (ret < 0)
		return ret;
	unsigned n_rxq = RTE_MIN(port->n_rxq_request, (unsigned)info.max_rx_queues);
	if (n_rxq < port->n_rxq_request)
		TLOG(WARNING, "%s: options:n_rxq=%u, but the device has at most %u receive queues",
			port->name, port->n_rxq_request, n_rxq);
	unsigned n_txq = RTE_MIN(RTE_MAX(want_txq, 1u), (unsigned)info.max_tx_queues);
	n_txq = RTE_MIN(n_txq, RTE_DIM(port->tx_lock));
	port->tx_shared = n_txq < want_txq;

	ret = rte_eth_dev_configure(pid, (uint16_t)n_rxq, (uint16_t)n_txq, &conf);
	if (ret < 0) {
		snprintf(port->error, sizeof(port->error),
			"could not configure network device %s with %u receive and %u transmit "
			"queues (%s)",
			cfg->name, n_rxq, n_txq, rte_strerror(-ret));
		return ret;
	}
	uint16_t nb_rxd = PORT_RX_DESC, nb_txd = PORT_TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	int socket = rte_eth_dev_socket_id(pid);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (unsigned q = 0; q < n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(pid, (uint16_t)q, nb_rxd, (unsigned)socket, NULL,
			port_mempool());
		if (ret < 0) {
			char pool[160];
			pool_state(pool, sizeof(pool));
			snprintf(port->error, sizeof(port->error),
				"could not set up receive queue %u of network device %s (%u "
				"descriptors: %s); %s",
				q, cfg->name, nb_rxd, rte_strerror(-ret), pool);
			return ret;
		}
	}
	for (unsigned q = 0; q < n_txq; q++) {
		ret = rte_eth_tx_queue_setup(pid, (uint16_t)q, nb_txd, (unsigned)socket, NULL);
		if (ret < 0) {
			snprintf(port->error, sizeof(port->error),
				"could not set up transmit queue %u of network device %s (%u "
				"descriptors: %s)",
				q, cfg->name, nb_txd, rte_strerror(-ret));
			return ret;
		}
	}
	if ((ret = ethdev_set_mtu(port, cfg)) < 0)
		return ret;
	if (cfg->mac != NULL) {
		struct rte_ether_addr mac;
		ret = rte_ether_unformat_addr(cfg->mac, &mac);
		if (ret == 0)
			ret = rte_eth_dev_default_mac_addr_set(pid, &mac);
		if (ret < 0)
			TLOG(WARNING, "%s: cannot set MAC %s: %s", port->name, cfg->mac,
				rte_strerror(-ret));
	}
	port->n_rxq = (uint16_t)n_rxq;
	port->n_txq = (uint16_t)n_txq;
	ret = rte_eth_dev_start(pid);
	if (ret < 0) {
		char pool[160];
		pool_state(pool, sizeof(pool));
		snprintf(port->error, sizeof(port->error),
			"could not start network device %s (%s); %s", cfg->name, rte_strerror(-ret),
			pool);
		return ret;
	}
	/* A switch port must see every frame, not just those for its own MAC. */
	rte_eth_promiscuous_enable(pid);
	rte_eth_allmulticast_enable(pid);
	rte_eth_macaddr_get(pid, &port->mac);
	if (!strncmp(port->devname, "net_af_packet_", 14) &&
		af_packet_ignore_outgoing(cfg->name) == 0)
		TLOG(WARNING, "%s: its packet sockets still see what the host sends on %s",
			port->name, cfg->name);
	return 0;
}

static void
ethdev_close(struct port *port)
{
	if (port->started) {
		rte_eth_dev_stop(port->eth_port);
		rte_eth_dev_close(port->eth_port);
	}
	if (port->hotplugged) {
		if (!port->started)
			rte_eth_dev_close(port->eth_port);
		if (rte_eal_hotplug_remove("vdev", port->devname) < 0)
			rte_eal_hotplug_remove("pci", port->devname);
		port->hotplugged = false;
	}
}

static int
ethdev_open(struct port *port, const struct conf_iface *cfg, unsigned n_txq)
{
	uint16_t pid;
	int ret;

	if (port->type[0] == '\0' || !strcmp(port->type, "system")) {
		if (if_nametoindex(cfg->name) == 0) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s (No such device)", cfg->name);
			return -ENODEV;
		}
	}
	if (ethdev_find(port->devname, &pid) == 0) {
		/* Already probed (a PCI device bound at start-up). */
		port->eth_port = pid;
	} else {
		if (rte_eth_dev_count_total() >= RTE_MAX_ETHPORTS) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s: DPDK's %u ethdev ports are all "
				"in "
				"use (types dpdk and system take one each; internal and vhost-user "
				"ports take none)",
				cfg->name, RTE_MAX_ETHPORTS);
			return -ENOSPC;
		}
		ret = rte_dev_probe(port->devargs);
		if (ret < 0) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s (%s): check the device string "
				"\"%s\"",
				cfg->name, rte_strerror(-ret), port->devargs);
			return ret;
		}
		port->hotplugged = true;
		if (ethdev_find(port->devname, &pid) < 0) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s (probed \"%s\" but found no "
				"ethdev named %s)",
				cfg->name, port->devargs, port->devname);
			return -ENODEV;
		}
		port->eth_port = pid;
	}
	ret = ethdev_configure(port, cfg, n_txq);
	if (ret < 0 && port->error[0] == '\0')
		snprintf(port->error, sizeof(port->error),
			"could not configure network device %s (%s)", cfg->name,
			rte_strerror(-ret));
	return ret;
}

/*
 * net_af_packet says its link is up from start to stop, whatever the kernel interface does;
 * the interface's carrier (IFF_RUNNING) is the link, as OVS reports it for system ports, so
 * that spanning tree sees a cut cable at once rather than a max age later. Leaves *up as it
 * is when the kernel cannot be asked.
 */
static void
kernel_carrier(const char *name, bool *up)
{
	short flags;

	if (port_if_flags(name, &flags) == 0)
		*up = (flags & IFF_UP) && (flags & IFF_RUNNING);
}

static void
ethdev_link(const struct port *port, bool *up, uint32_t *speed)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(port->eth_port, &link) < 0) {
		*up = false;
		return;
	}
	*up = link.link_status == RTE_ETH_LINK_UP;
	if (*up && (port->type[0] == '\0' || !strcmp(port->type, "system")))
		kernel_carrier(port->name, up);
	if (link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
		*speed = link.link_speed;
}

static void
ethdev_counters(const struct port *port, uint64_t *rx_missed, uint64_t *rx_errors,
	uint64_t *tx_errors)
{
	struct rte_eth_stats es;

	if (rte_eth_stats_get(port->eth_port, &es) < 0)
		return;
	*rx_missed = es.imissed;
	*rx_errors = es.ierrors;
	*tx_errors = es.oerrors;
}

static uint16_t
ethdev_rx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n, struct rte_mempool *mp)
{
	return rte_eth_rx_burst(port->eth_port, q, pkts, n);
}

static uint16_t
ethdev_tx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_tx_burst(port->eth_port, q, pkts, n);
}

const struct port_ops port_ethdev_ops = {
	.kind = "ethdev",
	.open = ethdev_open,
	.close = ethdev_close,
	.link = ethdev_link,
	.counters = ethdev_counters,
	.rx = ethdev_rx,
	.tx = ethdev_tx,
};
