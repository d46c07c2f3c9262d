/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opening and closing the DPDK devices behind Interface rows (see port.h). Control thread only.
 * Every type becomes an ethdev, so the PMD loop has one way to receive and transmit: virtual
 * devices are hot-plugged with rte_dev_probe() from a devargs string built here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <net/if.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "conf.h"
#include "daemon.h"
#include "ds.h"
#include "log.h"
#include "pmd.h"
#include "port.h"

#define PORT_RX_DESC 1024
#define PORT_TX_DESC 1024
#define PORT_MBUF_CACHE 256

static struct rte_mempool *port_pool;

int
port_init(struct ds *err)
{
	/* The default (64K) is enough for 32 ports' rings plus bursts in flight, far below
	 * OVS-DPDK's 256K; --mbufs raises it. */
	port_pool = rte_pktmbuf_pool_create("trestle_mbufs", trestled_opts.mbufs, PORT_MBUF_CACHE, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (port_pool == NULL) {
		ds_put_format(err,
			"cannot allocate %u packet buffers (%s): reserve more hugepages "
			"(echo 2048 > /proc/sys/vm/nr_hugepages) or give the EAL more memory (-m)",
			trestled_opts.mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

void
port_fini(void)
{
	rte_mempool_free(port_pool);
	port_pool = NULL;
}

struct rte_mempool *
port_mempool(void)
{
	return port_pool;
}

/*
 * Builds the DPDK device string for cfg into port->devargs and its device name into
 * port->devname. Returns 0, or -EINVAL with port->error set.
 */
static int
port_devargs(struct port *port, const struct conf_iface *cfg, const char *run_dir)
{
	const char *type = cfg->type ? cfg->type : "";
	const char *s;

	if (!strcmp(type, "") || !strcmp(type, "system")) {
		snprintf(port->devname, sizeof(port->devname), "net_af_packet_%s", cfg->name);
		snprintf(port->devargs, sizeof(port->devargs), "%s,iface=%s,qpairs=1",
			port->devname, cfg->name);
	} else if (!strcmp(type, "internal")) {
		snprintf(port->devname, sizeof(port->devname), "net_tap_%s", cfg->name);
		snprintf(port->devargs, sizeof(port->devargs), "%s,iface=%s", port->devname,
			cfg->name);
	} else if (!strcmp(type, "dpdk")) {
		s = conf_map_get(&cfg->options, "dpdk-devargs");
		if (s == NULL || *s == '\0') {
			snprintf(port->error, sizeof(port->error),
				"'%s' is missing 'options:dpdk-devargs'. The old 'dpdk<port_id>' "
				"names are not supported",
				cfg->name);
			return -EINVAL;
		}
		snprintf(port->devargs, sizeof(port->devargs), "%s", s);
		size_t n = strcspn(s, ",");
		snprintf(port->devname, sizeof(port->devname), "%.*s", (int)n, s);
	} else if (!strcmp(type, "dpdkvhostuser")) {
		snprintf(port->devname, sizeof(port->devname), "net_vhost_%s", cfg->name);
		snprintf(port->devargs, sizeof(port->devargs), "%s,iface=%s/%s,queues=1,client=0",
			port->devname, run_dir, cfg->name);
	} else if (!strcmp(type, "dpdkvhostuserclient")) {
		s = conf_map_get(&cfg->options, "vhost-server-path");
		if (s == NULL || *s == '\0') {
			snprintf(port->error, sizeof(port->error),
				"vhost-server-path must be set for vhost-user client port %s",
				cfg->name);
			return -EINVAL;
		}
		snprintf(port->devname, sizeof(port->devname), "net_vhost_%s", cfg->name);
		snprintf(port->devargs, sizeof(port->devargs), "%s,iface=%s,queues=1,client=1",
			port->devname, s);
	} else {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (Unsupported interface type %s)",
			cfg->name, type);
		return -EINVAL;
	}
	if (strlen(port->devname) >= RTE_DEV_NAME_MAX_LEN) {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (name too long for DPDK)", cfg->name);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int
port_find_ethdev(const char *devname, uint16_t *port_id)
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
 * Link changes of a vhost-user port (net_vhost raises them from its new_device and
 * destroy_device callbacks, on the vhost-events thread): takes the attached device's id, or
 * drops it. librte_vhost frees the device when destroy_device returns, so a PMD still inside
 * a call with the old id is waited for first.
 */
static int
port_vhost_event(uint16_t pid, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	struct port *port = arg;
	struct rte_eth_link link;
	int vid = -1;

	(void)type;
	(void)ret_param;
	if (rte_eth_link_get_nowait(pid, &link) == 0 && link.link_status == RTE_ETH_LINK_UP)
		vid = rte_eth_vhost_get_vid_from_port_id(pid);
	if (vid == port->vhost_vid)
		return 0;
	__atomic_store_n(&port->vhost_vid, vid, __ATOMIC_RELEASE);
	if (vid < 0)
		pmd_sync();
	TLOG(INFO, "port %s: vhost device %s", port->name, vid < 0 ? "detached" : "attached");
	return 0;
}

/*
 * Applies mtu_request. A device that has no MTU of its own to set (net_pcap, net_vhost) gets
 * the requested one all the same: the PMDs enforce it (max_frame), as OVS-DPDK does in
 * software. An MTU out of range or that the device refuses fails the port, with port->error
 * saying why: a port that silently kept another MTU would drop or pass frames unexpectedly.
 */
static int
port_set_mtu(struct port *port, const struct conf_iface *cfg)
{
	int ret;

	if (cfg->mtu_request <= 0)
		return 0;
	if (cfg->mtu_request < PORT_MTU_MIN || cfg->mtu_request > PORT_MTU_MAX) {
		snprintf(port->error, sizeof(port->error),
			"could not set MTU %" PRId64 " on %s: an MTU is from %d to %d",
			cfg->mtu_request, cfg->name, PORT_MTU_MIN, PORT_MTU_MAX);
		return -EINVAL;
	}
	ret = rte_eth_dev_set_mtu(port->eth_port, (uint16_t)cfg->mtu_request);
	if (ret == -ENOTSUP) {
		port->mtu = cfg->mtu_request;
		return 0;
	}
	if (ret < 0) {
		struct rte_eth_dev_info info;
		char max[64] = "";
		if (rte_eth_dev_info_get(port->eth_port, &info) == 0)
			snprintf(max, sizeof(max), "; this device takes %u to %u", info.min_mtu,
				info.max_mtu);
		snprintf(port->error, sizeof(port->error), "could not set MTU %" PRId64 " on %s (%s%s)",
			cfg->mtu_request, cfg->name, rte_strerror(-ret), max);
		return ret;
	}
	return 0;
}

/* The receive queues cfg asks for: options:n_rxq, 1 when unset or 0. */
static uint16_t
port_n_rxq(const struct conf_iface *cfg)
{
	const char *s = conf_map_get(&cfg->options, "n_rxq");
	unsigned long n = s ? strtoul(s, NULL, 10) : 1;

	return (uint16_t)RTE_MAX(RTE_MIN(n, (unsigned long)UINT16_MAX), 1ul);
}

static int
port_configure(struct port *port, const struct conf_iface *cfg, unsigned want_txq)
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
	for (unsigned i = 0; i < RTE_DIM(port->tx_lock); i++)
		rte_spinlock_init(&port->tx_lock[i]);

	ret = rte_eth_dev_configure(pid, (uint16_t)n_rxq, (uint16_t)n_txq, &conf);
	if (ret < 0)
		return ret;
	uint16_t nb_rxd = PORT_RX_DESC, nb_txd = PORT_TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	int socket = rte_eth_dev_socket_id(pid);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (unsigned q = 0; q < n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(pid, (uint16_t)q, nb_rxd, (unsigned)socket, NULL,
			port_pool);
		if (ret < 0)
			return ret;
	}
	for (unsigned q = 0; q < n_txq; q++) {
		ret = rte_eth_tx_queue_setup(pid, (uint16_t)q, nb_txd, (unsigned)socket, NULL);
		if (ret < 0)
			return ret;
	}
	if ((ret = port_set_mtu(port, cfg)) < 0)
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
	port->vhost_vid = -1;
	if (port->vhost) {
		ret = rte_eth_dev_callback_register(pid, RTE_ETH_EVENT_INTR_LSC, port_vhost_event,
			port);
		if (ret < 0)
			return ret;
	}
	ret = rte_eth_dev_start(pid);
	if (ret < 0)
		return ret;
	/* A guest attached before the start raised its event before there were queues. */
	if (port->vhost)
		port_vhost_event(pid, RTE_ETH_EVENT_INTR_LSC, port, NULL);
	/* A switch port must see every frame, not just those for its own MAC. */
	rte_eth_promiscuous_enable(pid);
	rte_eth_allmulticast_enable(pid);
	rte_eth_macaddr_get(pid, &port->mac);
	uint16_t mtu;
	if (port->mtu < 0)
		port->mtu = rte_eth_dev_get_mtu(pid, &mtu) == 0 ? mtu : -1;
	port->max_frame = port->mtu > 0 ?
		(uint32_t)port->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN : UINT32_MAX;
	return 0;
}

/* Stops the link events before the port is freed; waits out one that is running. */
static void
port_vhost_unregister(struct port *port)
{
	if (!port->vhost || port->eth_port >= RTE_MAX_ETHPORTS)
		return;
	while (rte_eth_dev_callback_unregister(port->eth_port, RTE_ETH_EVENT_INTR_LSC,
			       port_vhost_event, port) == -EAGAIN)
		rte_pause();
}

struct port *
port_open(const struct conf_iface *cfg, const char *run_dir, unsigned n_txq, uint32_t dp_no)
{
	struct port *port = calloc(1, sizeof(*port));
	const char *s;
	int ret;

	snprintf(port->name, sizeof(port->name), "%s", cfg->name);
	snprintf(port->type, sizeof(port->type), "%s", cfg->type ? cfg->type : "");
	port->dp_no = dp_no;
	port->ofport = -1;
	port->mtu = -1;
	port->max_frame = UINT32_MAX;
	port->mtu_request = cfg->mtu_request;
	port->n_rxq_request = port_n_rxq(cfg);
	port->mac_request = cfg->mac ? strdup(cfg->mac) : NULL;
	if ((s = conf_map_get(&cfg->other_config, "pmd-rxq-affinity")) != NULL)
		port->rxq_affinity = strdup(s);

	if (port_devargs(port, cfg, run_dir) < 0)
		goto fail;
	port->vhost = !strcmp(port->type, "dpdkvhostuser") ||
		!strcmp(port->type, "dpdkvhostuserclient");

	if (!strcmp(port->type, "system") || !strcmp(port->type, "")) {
		if (if_nametoindex(cfg->name) == 0) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s (No such device)", cfg->name);
			goto fail;
		}
	}
	if (!strcmp(port->type, "internal") && if_nametoindex(cfg->name) != 0) {
		/* The TAP driver cannot take over an existing interface (OVS leaves persistent
		 * TAPs behind, for one). */
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (a kernel interface %s already exists; "
			"remove it with: ip link del %s)", cfg->name, cfg->name, cfg->name);
		goto fail;
	}
	if (!strcmp(port->type, "dpdkvhostuser")) {
		/* A socket file left by an earlier run would make the bind fail. */
		char path[1100];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", run_dir, cfg->name);
		if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
	}

	uint16_t pid;
	if (port_find_ethdev(port->devname, &pid) == 0) {
		/* Already probed (a PCI device bound at start-up). */
		port->eth_port = pid;
	} else {
		ret = rte_dev_probe(port->devargs);
		if (ret < 0) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s (%s): check the device string "
				"\"%s\"",
				cfg->name, rte_strerror(-ret), port->devargs);
			goto fail;
		}
		port->hotplugged = true;
		if (port_find_ethdev(port->devname, &pid) < 0) {
			snprintf(port->error, sizeof(port->error),
				"could not open network device %s (probed \"%s\" but found no "
				"ethdev named %s)",
				cfg->name, port->devargs, port->devname);
			goto fail;
		}
		port->eth_port = pid;
	}
	ret = port_configure(port, cfg, n_txq);
	if (ret < 0) {
		if (port->error[0] == '\0')
			snprintf(port->error, sizeof(port->error),
				"could not configure network device %s (%s)", cfg->name,
				rte_strerror(-ret));
		goto fail;
	}
	port->started = true;
	if (!strcmp(port->type, "internal")) {
		/* The TAP driver brings the interface up; OVS leaves internal ports down until
		 * the administrator brings them up (ip link set NAME up). */
		port->internal = true;
		rte_eth_dev_set_link_down(port->eth_port);
		port_poll_kernel(port);
	}
	TLOG(INFO, "port %s: opened %s as ethdev %u (%u rxq, %u txq%s)", port->name,
		port->devargs, port->eth_port, port->n_rxq, port->n_txq,
		port->tx_shared ? ", shared" : "");
	return port;

fail:
	TLOG(WARNING, "port %s: %s", port->name, port->error);
	port_vhost_unregister(port);
	if (port->hotplugged) {
		rte_eth_dev_close(port->eth_port);
		rte_eal_hotplug_remove("vdev", port->devname);
		port->hotplugged = false;
	}
	return port;
}

void
port_poll_kernel(struct port *port)
{
	static int sock = -1;
	struct ifreq ifr;

	if (!port->internal || !port->started || strlen(port->name) >= IFNAMSIZ) {
		port->kernel_down = false;
		return;
	}
	if (sock < 0 && (sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		port->kernel_down = false;
		return;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, port->name, strlen(port->name));
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		port->kernel_down = false;
	else
		port->kernel_down = !(ifr.ifr_flags & IFF_UP);
}

void
port_close(struct port *port)
{
	if (port == NULL)
		return;
	port_vhost_unregister(port);
	if (port->started) {
		rte_eth_dev_stop(port->eth_port);
		rte_eth_dev_close(port->eth_port);
	}
	if (port->hotplugged) {
		struct rte_dev_iterator it;
		(void)it;
		if (rte_eal_hotplug_remove("vdev", port->devname) < 0)
			rte_eal_hotplug_remove("pci", port->devname);
	}
	if (!strcmp(port->type, "dpdkvhostuser")) {
		/* The vhost library removes its socket; make sure nothing stale is left. */
	}
	TLOG(INFO, "port %s: closed", port->name);
	free(port->rxq_affinity);
	free(port->mac_request);
	free(port);
}

bool
port_same_device(const struct port *port, const struct conf_iface *cfg, const char *run_dir)
{
	struct port tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (strcmp(port->type, cfg->type ? cfg->type : ""))
		return false;
	if (port_devargs(&tmp, cfg, run_dir) < 0)
		return port->error[0] != '\0' && !strcmp(port->error, tmp.error);
	if (strcmp(tmp.devargs, port->devargs))
		return false;
	/*
	 * Options read only at open time: a new MTU, MAC or number of queues reopens the device
	 * with it. What was asked is compared, not what the device took, or a port asking for
	 * more queues than it has would be reopened at every change of the configuration.
	 */
	if (cfg->mtu_request != port->mtu_request)
		return false;
	if ((cfg->mac == NULL) != (port->mac_request == NULL) ||
			(cfg->mac && strcmp(cfg->mac, port->mac_request)))
		return false;
	if (port_n_rxq(cfg) != port->n_rxq_request && port->started)
		return false;
	const char *aff = conf_map_get(&cfg->other_config, "pmd-rxq-affinity");
	if ((aff == NULL) != (port->rxq_affinity == NULL) ||
			(aff && strcmp(aff, port->rxq_affinity)))
		return false;
	/* A failed system port is retried when the configuration is applied again. */
	return port->started || strcmp(port->type, "") != 0;
}

bool
port_link_up(const struct port *port)
{
	struct rte_eth_link link;

	if (!port->started || rte_eth_link_get_nowait(port->eth_port, &link) < 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

static void
port_stat(struct iface_status *st, const char *name, uint64_t value)
{
	if (st->n_stats >= IFACE_STATUS_MAX_STATS)
		return;
	st->stats[st->n_stats].name = name;
	st->stats[st->n_stats].value = value;
	st->n_stats++;
}

void
port_status(const struct port *port, struct iface_status *st)
{
	memset(st, 0, sizeof(*st));
	st->ofport = port->started ? port->ofport : -1;
	st->mtu = port->mtu;
	snprintf(st->error, sizeof(st->error), "%s", port->error);
	if (!port->started)
		return;
	rte_ether_format_addr(st->mac_in_use, sizeof(st->mac_in_use), &port->mac);
	st->admin_state = "up";
	st->link_state = port_link_up(port) ? "up" : "down";

	struct pmd_port_stats ps;
	struct rte_eth_stats es;
	pmd_port_stats_get(port->dp_no, &ps);
	if (rte_eth_stats_get(port->eth_port, &es) < 0)
		memset(&es, 0, sizeof(es));
	port_stat(st, "rx_packets", ps.rx_packets);
	port_stat(st, "rx_bytes", ps.rx_bytes);
	port_stat(st, "rx_dropped", ps.rx_dropped + es.imissed);
	port_stat(st, "rx_errors", es.ierrors);
	port_stat(st, "tx_packets", ps.tx_packets);
	port_stat(st, "tx_bytes", ps.tx_bytes);
	port_stat(st, "tx_dropped", ps.tx_dropped);
	port_stat(st, "tx_errors", es.oerrors);
}
