/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user backend (see port.h): librte_vhost's own API, no ethdev, so that an NFV host
 * can have hundreds of guests (DPDK's ethdev slots are 32 here). Types "dpdkvhostuser" (we are
 * the server, socket <run-dir>/<name>) and "dpdkvhostuserclient" (options:vhost-server-path;
 * librte_vhost reconnects when the guest's side comes back).
 *
 * Threads: librte_vhost calls new_device/destroy_device on its vhost-events thread (and on
 * the control thread inside rte_vhost_driver_unregister()). They find the port by socket path
 * in vhost_ports[], under vhost_lock; the control thread adds a port there before it starts
 * the socket and removes it after unregistering, when no callback can run any more.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/virtio_net.h>

#include <rte_mbuf.h>
#include <rte_vhost.h>

#include "conf.h"
#include "log.h"
#include "port.h"

/* A device's virtqueues: the guest's receive queue q is 2q, its transmit queue 2q+1. */
#define VHOST_GUEST_RXQ(q) ((uint16_t)((q)*2))
#define VHOST_GUEST_TXQ(q) ((uint16_t)((q)*2 + 1))

static pthread_mutex_t vhost_lock = PTHREAD_MUTEX_INITIALIZER;
static struct port *vhost_ports[PORT_MAX]; /* Ports with a registered socket, by dp_no. */

/* The port of device vid, or NULL (a device of a socket being unregistered). Under vhost_lock. */
static struct port *
vhost_port_of(int vid)
{
	char path[PATH_MAX];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return NULL;
	for (unsigned d = 1; d < PORT_MAX; d++)
		if (vhost_ports[d] && !strcmp(vhost_ports[d]->vhost_path, path))
			return vhost_ports[d];
	return NULL;
}

/*
 * The PMDs poll; a guest kick for every frame would only cost it a system call. (Not from
 * vring_state_changed: librte_vhost holds the queue's lock there, which this takes.)
 */
static void
vhost_quiet(int vid)
{
	for (uint16_t q = 0; q < rte_vhost_get_vring_num(vid); q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
}

static int
vhost_new_device(int vid)
{
	pthread_mutex_lock(&vhost_lock);
	struct port *port = vhost_port_of(vid);
	if (port != NULL) {
		vhost_quiet(vid);
		__atomic_store_n(&port->vhost_vid, vid, __ATOMIC_RELEASE);
		port->down = false;
		TLOG(INFO, "port %s: vhost device attached", port->name);
	}
	pthread_mutex_unlock(&vhost_lock);
	port_vhost_changed();
	return 0;
}

/*
 * librte_vhost frees the device when this returns: a PMD still inside a call with the old
 * id is waited for first (one RCU grace period).
 */
static void
vhost_destroy_device(int vid)
{
	pthread_mutex_lock(&vhost_lock);
	struct port *port = vhost_port_of(vid);
	if (port != NULL && port->vhost_vid == vid) {
		port->down = true;
		__atomic_store_n(&port->vhost_vid, -1, __ATOMIC_RELEASE);
		TLOG(INFO, "port %s: vhost device detached", port->name);
	}
	pthread_mutex_unlock(&vhost_lock);
	port_quiesce();
	port_vhost_changed();
}

static const struct rte_vhost_device_ops vhost_device_ops = {
	.new_device = vhost_new_device,
	.destroy_device = vhost_destroy_device,
};

static void
vhost_close(struct port *port)
{
	pthread_mutex_lock(&vhost_lock);
	bool registered = vhost_ports[port->dp_no] == port;
	pthread_mutex_unlock(&vhost_lock);
	if (!registered)
		return;
	/* Runs destroy_device for an attached guest, and waits out any callback in flight. */
	rte_vhost_driver_unregister(port->vhost_path);
	pthread_mutex_lock(&vhost_lock);
	vhost_ports[port->dp_no] = NULL;
	pthread_mutex_unlock(&vhost_lock);
}

static int
vhost_open(struct port *port, const struct conf_iface *cfg, unsigned n_txq)
{
	bool client = !strcmp(port->type, "dpdkvhostuserclient");
	/* No offloads: the guest hands over whole, checksummed frames (OVS without TSO). */
	const uint64_t offloads = 1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6 |
				  1ULL << VIRTIO_NET_F_HOST_ECN | 1ULL << VIRTIO_NET_F_HOST_UFO |
				  1ULL << VIRTIO_NET_F_GUEST_TSO4 |
				  1ULL << VIRTIO_NET_F_GUEST_TSO6 | 1ULL << VIRTIO_NET_F_GUEST_ECN |
				  1ULL << VIRTIO_NET_F_GUEST_UFO | 1ULL << VIRTIO_NET_F_CSUM |
				  1ULL << VIRTIO_NET_F_GUEST_CSUM;
	struct stat st;

	if (!client && stat(port->vhost_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(port->vhost_path); /* Left by an earlier run: the bind would fail. */
	if (rte_vhost_driver_register(port->vhost_path, client ? RTE_VHOST_USER_CLIENT : 0) < 0) {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (vhost-user socket %s could not be %s; "
			"see the log)",
			cfg->name, port->vhost_path, client ? "registered" : "created");
		return -EIO;
	}
	pthread_mutex_lock(&vhost_lock);
	vhost_ports[port->dp_no] = port;
	pthread_mutex_unlock(&vhost_lock);
	port->down = true; /* Until a guest attaches. */
	if (rte_vhost_driver_disable_features(port->vhost_path, offloads) < 0 ||
		rte_vhost_driver_callback_register(port->vhost_path, &vhost_device_ops) < 0 ||
		rte_vhost_driver_start(port->vhost_path) < 0) {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (vhost-user socket %s could not be "
			"started; see the log)",
			cfg->name, port->vhost_path);
		return -EIO;
	}
	/* One queue pair, shared by the PMDs: a virtqueue takes one writer at a time. */
	port->n_rxq = 1;
	port->n_txq = 1;
	port->tx_shared = n_txq > 1;
	port_set_max_frame(port, cfg->mtu_request > 0 ? cfg->mtu_request : RTE_ETHER_MTU);
	if (cfg->mac != NULL)
		rte_ether_unformat_addr(cfg->mac, &port->mac);
	return 0;
}

static void
vhost_link(const struct port *port, bool *up, uint32_t *speed)
{
	/* Up once the PMDs poll it, so that what a guest sends then is received. */
	*up = port->vhost_polled && __atomic_load_n(&port->vhost_vid, __ATOMIC_ACQUIRE) >= 0;
	*speed = 10000;
}

static uint16_t
vhost_rx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n, struct rte_mempool *mp)
{
	int vid = __atomic_load_n(&port->vhost_vid, __ATOMIC_ACQUIRE);

	if (vid < 0)
		return 0;
	return rte_vhost_dequeue_burst(vid, VHOST_GUEST_TXQ(q), mp, pkts, n);
}

/* librte_vhost copies into the guest's buffers: what it took is freed here. */
static uint16_t
vhost_tx(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	int vid = __atomic_load_n(&port->vhost_vid, __ATOMIC_ACQUIRE);

	if (vid < 0)
		return 0;
	uint16_t sent = rte_vhost_enqueue_burst(vid, VHOST_GUEST_RXQ(q), pkts, n);
	rte_pktmbuf_free_bulk(pkts, sent);
	return sent;
}

const struct port_ops port_vhost_ops = {
	.kind = "vhost-user",
	.open = vhost_open,
	.close = vhost_close,
	.link = vhost_link,
	.rx = vhost_rx,
	.tx = vhost_tx,
};
