/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the DPDK device behind each Interface row. The control thread opens and closes them
 * (bridge.c decides when); PMDs only poll and transmit on ports the published snapshot names.
 *
 * Types: "" and "system" (a kernel interface, through net_af_packet), "internal" (a TAP device
 * through net_tap), "dpdk" (options:dpdk-devargs), "dpdkvhostuser" (we are the vhost-user server,
 * socket <run-dir>/<name>), "dpdkvhostuserclient" (options:vhost-server-path, reconnects).
 */
#ifndef TRESTLE_PORT_H
#define TRESTLE_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_spinlock.h>

struct conf_iface;
struct ds;
struct iface_status;
struct rte_mempool;

/* MTUs a port may have, as OVS-DPDK (its largest frame is 9728 bytes). */
#define PORT_MTU_MIN 68
#define PORT_MTU_MAX 9710

/* Highest number of ports (DPDK's RTE_MAX_ETHPORTS in Debian's build). */
#define PORT_MAX 32

struct port {
	char name[64];              /* Interface name. */
	char type[32];              /* Interface type as configured ("" for system). */
	char devargs[1024];        /* Device string probed (or the devargs we were given). */
	char devname[64];           /* DPDK device name, for rte_eal_hotplug_remove(). */
	bool hotplugged;            /* We probed the device and must remove it at close. */
	bool started;               /* rte_eth_dev_start() succeeded: PMDs may use it. */
	uint16_t eth_port;          /* ethdev port id, valid when started. */
	uint16_t n_rxq;             /* Receive queues configured. */
	uint16_t n_txq;             /* Transmit queues configured. */
	bool tx_shared;             /* Fewer txqs than PMDs: transmit under tx_lock. */
	rte_spinlock_t tx_lock[8];  /* One lock per txq, used when tx_shared. */
	uint32_t dp_no;             /* Datapath port number (flow key in_port), 1..PORT_MAX-1. */
	int64_t ofport;             /* OpenFlow port number in its bridge, -1 when not open. */
	int64_t mtu;                /* MTU in use, -1 when unknown. */
	/*
	 * Longest frame the PMDs take from or give to this port: the MTU, the Ethernet header
	 * and one 802.1Q tag (OVS-DPDK's MTU_TO_FRAME_LEN, the CRC aside); UINT32_MAX when the
	 * MTU is unknown. Longer ones are dropped as oversize.
	 */
	uint32_t max_frame;
	int64_t mtu_request;        /* mtu_request it was opened with, -1 when unset. */
	struct rte_ether_addr mac;  /* MAC in use. */
	bool internal;              /* TAP-backed internal port. */
	/*
	 * An internal port whose kernel interface is administratively down: the kernel would
	 * refuse what the PMDs send it (EIO, after a system call per frame), so they drop it
	 * and count it, as OVS does. Written by the control thread (port_poll_kernel()).
	 */
	volatile bool kernel_down;
	/*
	 * vhost-user ports: the PMDs call librte_vhost themselves, past the net_vhost PMD (whose
	 * per-frame loops, and its per-frame free after a copy, were ~12% of a vhost-user loop's
	 * cycles); net_vhost still owns the socket, the negotiation and the link. vhost_vid is
	 * the vhost device while a guest is attached, else -1: port_vhost_event() keeps it, and
	 * waits for the PMDs (RCU) before librte_vhost frees a device.
	 */
	bool vhost;
	volatile int vhost_vid;
	char error[1400];           /* Why it could not be opened, "" when fine. */
	char *rxq_affinity;         /* other_config:pmd-rxq-affinity, NULL when unset. */
	uint16_t n_rxq_request;     /* options:n_rxq it was opened with (n_rxq may be fewer). */
	char *mac_request;          /* mac it was opened with, NULL when unset. */
};

/* Creates the shared mbuf pool; called once at start-up. */
int port_init(struct ds *err);
/* Frees the mbuf pool. */
void port_fini(void);
/* The mbuf pool every port receives into and the datapath copies from. */
struct rte_mempool *port_mempool(void);

/*
 * Opens the device for cfg with n_txq transmit queues wanted (one per PMD). Always returns a
 * port: on failure it is not started and error says why (the Interface's error column), as
 * OVS keeps a failed interface in the database.
 */
struct port *port_open(const struct conf_iface *cfg, const char *run_dir, unsigned n_txq,
	uint32_t dp_no);
/* Stops and closes the device; the PMDs must no longer use it. */
void port_close(struct port *port);
/* Whether cfg asks for the same device as port was opened with (else close and reopen). */
bool port_same_device(const struct port *port, const struct conf_iface *cfg,
	const char *run_dir);
/*
 * Reads an internal port's kernel interface flags into kernel_down; called every 100 ms. An
 * interface this process cannot see (moved to another network namespace) counts as up.
 */
void port_poll_kernel(struct port *port);
/* Live status for the Interface row's read-only columns. */
void port_status(const struct port *port, struct iface_status *st);
/* Current link state. */
bool port_link_up(const struct port *port);

#endif
