/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the device behind each Interface row. The control thread opens and closes them
 * (bridge.c decides when); PMDs only receive from and send to ports the published snapshot
 * names, through the port's ops table (struct port_ops), never through branches on its type.
 *
 * Types and their backends:
 *   "" / "system"          a kernel interface, through DPDK's net_af_packet (port_ethdev.c)
 *   "dpdk"                 options:dpdk-devargs, any DPDK device (port_ethdev.c)
 *   "internal"             a TAP device on its own file descriptor (port_tap.c)
 *   "dpdkvhostuser"        librte_vhost, we are the server, socket <run-dir>/<name> (port_vhost.c)
 *   "dpdkvhostuserclient"  librte_vhost, options:vhost-server-path, reconnects (port_vhost.c)
 * Only the ethdev backend takes one of DPDK's RTE_MAX_ETHPORTS (32 in Debian's build) ethdev
 * slots; vhost-user and internal ports, the ones an NFV host has hundreds of, take none.
 */
#ifndef TRESTLE_PORT_H
#define TRESTLE_PORT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_meter.h>
#include <rte_spinlock.h>

#include "dp_exec.h"

struct conf_iface;
struct ds;
struct iface_status;
struct ifreq;
struct port;
struct rte_mbuf;
struct rte_mempool;

/* MTUs a port may have, as OVS-DPDK (its largest frame is 9728 bytes). */
#define PORT_MTU_MIN 68
#define PORT_MTU_MAX 9710

/* Datapath port numbers are 1..PORT_MAX-1 (0 is never a port). */
#define PORT_MAX DP_PORT_MAX

/*
 * What a kind of port does. The PMD calls rx and tx only; the rest is the control thread's.
 * A backend fills in what it has; link and counters may be NULL.
 */
struct port_ops {
	const char *kind; /* "ethdev", "vhost-user", "tap": for logs. */
	/*
	 * Opens the device for cfg (port->name, type, identity and mtu_request already set),
	 * with n_txq transmit queues wanted (one per PMD). Sets n_rxq, n_txq, tx_shared, mtu,
	 * mac. Returns 0, or a negative errno with port->error saying why.
	 */
	int (*open)(struct port *port, const struct conf_iface *cfg, unsigned n_txq);
	/* Releases what open() took; the PMDs no longer use the port. Also after a failed open. */
	void (*close)(struct port *port);
	/* Link state and speed in Mbps (0 when unknown). NULL: up while started. */
	void (*link)(const struct port *port, bool *up, uint32_t *speed);
	/* The device's own counters, added to the PMDs' (NULL: none). */
	void (*counters)(const struct port *port, uint64_t *rx_missed, uint64_t *rx_errors,
		uint64_t *tx_errors);
	/* A receive queue's file descriptor, to wait on instead of polling; -1 (or NULL): poll. */
	int (*rx_fd)(const struct port *port, uint16_t q);
	/* Receives up to n frames from queue q, into mp where the backend allocates. */
	uint16_t (*rx)(struct port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n,
		struct rte_mempool *mp);
	/*
	 * Sends up to n frames on queue q (under tx_lock[q] when tx_shared); returns how many it
	 * took, which are the backend's now. The rest stay the caller's.
	 */
	dp_port_tx_fn *tx;
};

/*
 * An Interface's ingress policer (ingress_policing_rate and _burst in kbit/s and kbit,
 * ingress_policing_kpkts_rate and _burst in 1000 packets/s and 1000 packets): DPDK's srTCM
 * meter, colour blind, a frame passes while it is green. One bucket per receive queue, each
 * with its share of the rate, used only by the PMD that polls the queue: no lock between
 * PMDs. Immutable but for the buckets; a new configuration makes a new one (the PMDs find it
 * in the next snapshot, the old is freed once none uses it).
 */
struct port_policer {
	bool bytes, pkts;                          /* Which of the two limits apply. */
	struct rte_meter_srtcm_profile bytes_prof; /* Per queue: rate / n_q, burst / n_q. */
	struct rte_meter_srtcm_profile pkts_prof;  /* Counted in frames (length 1 each). */
	uint32_t cfg[4];                           /* rate, burst, kpkts rate, kpkts burst. */
	uint16_t n_q;                              /* Receive queues. */
	struct {
		struct rte_meter_srtcm bytes, pkts;
	} q[]; /* By queue. */
};

/*
 * Drops from pkts[0..n) what policer pol lets not pass on queue q (a frame's length less its
 * Ethernet header counts, as OVS-DPDK's policer counts it); returns how many remain, in order.
 */
static inline uint16_t
port_police(struct port_policer *pol, uint16_t q, struct rte_mbuf **pkts, uint16_t n,
	uint64_t now_tsc)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = rte_pktmbuf_pkt_len(m);
		bool pass = true;
		len = len > RTE_ETHER_HDR_LEN ? len - RTE_ETHER_HDR_LEN : 0;
		if (pol->bytes)
			pass = rte_meter_srtcm_color_blind_check(&pol->q[q].bytes, &pol->bytes_prof,
				       now_tsc, len) == RTE_COLOR_GREEN;
		if (pass && pol->pkts)
			pass = rte_meter_srtcm_color_blind_check(&pol->q[q].pkts, &pol->pkts_prof,
				       now_tsc, 1) == RTE_COLOR_GREEN;
		if (pass)
			pkts[kept++] = m;
		else
			rte_pktmbuf_free(m);
	}
	return kept;
}

struct port {
	char name[64];              /* Interface name. */
	char type[32];              /* Interface type as configured ("" for system). */
	const struct port_ops *ops; /* Its backend. */
	/*
	 * What makes this port this device: the devargs probed (ethdev), the socket and mode
	 * (vhost-user), the TAP name. A configuration that gives another reopens the port.
	 */
	char devargs[1024];
	bool started;              /* Opened: PMDs may use it. */
	uint16_t n_rxq;            /* Receive queues. */
	uint16_t n_txq;            /* Transmit queues. */
	bool tx_shared;            /* Fewer txqs than PMDs: transmit under tx_lock. */
	rte_spinlock_t tx_lock[8]; /* One lock per txq, used when tx_shared. */
	uint32_t dp_no;            /* Datapath port number (flow key in_port), 1..PORT_MAX-1. */
	int64_t ofport;            /* OpenFlow port number in its bridge, -1 when not open. */
	int64_t mtu;               /* MTU in use, -1 when unknown. */
	/*
	 * Longest frame the PMDs take from or give to this port: the MTU, the Ethernet header
	 * and one 802.1Q tag (OVS-DPDK's MTU_TO_FRAME_LEN, the CRC aside); UINT32_MAX when the
	 * MTU is unknown. Longer ones are dropped as oversize.
	 */
	uint32_t max_frame;
	int64_t mtu_request;       /* mtu_request it was opened with, -1 when unset. */
	struct rte_ether_addr mac; /* MAC in use. */
	bool internal;             /* An internal port: its kernel interface's flags are polled. */
	/*
	 * Nothing can be sent to it now: an internal port whose kernel interface is
	 * administratively down (the kernel would refuse each frame), a vhost-user port with no
	 * guest attached. The PMDs drop what they would send it and count it (port_down), as
	 * OVS does. Written by the control thread and the vhost events thread.
	 */
	volatile bool down;
	char error[1400];       /* Why it could not be opened, "" when fine. */
	char *rxq_affinity;     /* other_config:pmd-rxq-affinity, NULL when unset. */
	uint16_t n_rxq_request; /* options:n_rxq it was opened with (n_rxq may be fewer). */
	char *mac_request;      /* mac it was opened with, NULL when unset. */

	/* ethdev backend (port_ethdev.c). */
	char devname[64];  /* DPDK device name, for rte_eal_hotplug_remove(). */
	bool hotplugged;   /* We probed the device and must remove it at close. */
	uint16_t eth_port; /* ethdev port id, valid when started. */

	/*
	 * vhost-user backend (port_vhost.c): vhost_vid is librte_vhost's device while a guest is
	 * attached, else -1; set by the vhost events thread, which waits for the PMDs (RCU)
	 * before librte_vhost frees a device. Its queues are polled only once a snapshot that
	 * has them is published (vhost_polled), so hundreds of unattached ports cost nothing.
	 */
	char vhost_path[108]; /* The socket (a Unix socket path has 107 bytes at most). */
	volatile int vhost_vid;
	bool vhost_polled; /* Its receive queue is in the snapshot in force. */

	/* TAP backend (port_tap.c). */
	int tap_fd; /* /dev/net/tun file descriptor, -1 when closed. */

	struct port_policer *policer; /* ingress_policing_*, NULL when off. */
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
/* A port that is not opened at all (no datapath number left): error says why. */
struct port *port_refused(const struct conf_iface *cfg, const char *why);
/* Stops and closes the device; the PMDs must no longer use it. */
void port_close(struct port *port);
/* Whether cfg asks for the same device as port was opened with (else close and reopen). */
bool port_same_device(const struct port *port, const struct conf_iface *cfg, const char *run_dir);
/*
 * Reads an internal port's kernel interface flags into down; called every 100 ms. An
 * interface this process cannot see (moved to another network namespace) counts as up.
 */
void port_poll_kernel(struct port *port);
/* An ioctl (SIOCGIFFLAGS, SIOCSIFMTU...) through a socket of the port layer: 0 or -errno. */
int port_ifreq(unsigned long req, struct ifreq *ifr);
/* The flags (IFF_UP, IFF_RUNNING...) of kernel interface name: 0 or -errno. */
int port_if_flags(const char *name, short *flags);
/* What the transmit path needs of port, for a snapshot (dp_exec.h). */
void port_tx_view(struct port *port, struct dp_port_tx *tx);
/*
 * Live status for the Interface row's read-only columns; ps is what the PMDs counted for the
 * port (pmd_port_stats_get()), added to the device's own counters.
 */
void port_status(const struct port *port, const struct dp_port_stats *ps, struct iface_status *st);
/* Current link state, and its speed in Mbps (0 when unknown; speed may be NULL). */
bool port_link_up(const struct port *port, uint32_t *speed);
/* Whether the port's receive queues are to be polled now (a vhost-user port: a guest is there). */
bool port_rx_ready(const struct port *port);
/* Whether a vhost-user guest came or went since the last call (the snapshot must follow). */
bool port_take_vhost_changes(void);

/*
 * Internal ports whose kernel interface is up, on the whole switch (port_poll_kernel() keeps
 * it): while none is, a PMD has nothing to wait for on its TAP descriptors, and one read of
 * this tells it so without looking at each port.
 */
extern volatile unsigned port_n_taps_up;

/*
 * Waits until no PMD uses what it read of a port before the call (a vhost-user device about
 * to be freed). The PMDs' module registers how (pmd_sync()) with port_set_quiesce(), so that
 * the ports need not know the PMDs; before it does, or with no PMD, returns at once.
 */
void port_quiesce(void);
void port_set_quiesce(void (*fn)(void));

/* For the backends (port_ethdev.c, port_vhost.c, port_tap.c). */
extern const struct port_ops port_ethdev_ops;
extern const struct port_ops port_vhost_ops;
extern const struct port_ops port_tap_ops;
/* Applies the MTU the device reported or took (mtu, -1 when unknown) to port->mtu and max_frame. */
void port_set_max_frame(struct port *port, int64_t mtu);
/*
 * Applies cfg's ingress_policing_* to port: when they changed, port->policer is a new policer
 * (or NULL) and the one it replaces is returned, to free with free() once no PMD can use it;
 * else NULL.
 */
struct port_policer *port_set_policer(struct port *port, const struct conf_iface *cfg);
/* Gives an internal port's kernel interface the MAC mac, in place: 0 or -errno. */
int port_set_internal_mac(struct port *port, const struct rte_ether_addr *mac);
/* Whether cfg's mtu_request is within PORT_MTU_MIN..MAX; else sets port->error. */
bool port_mtu_valid(struct port *port, const struct conf_iface *cfg);
/* Tells the control thread that a vhost-user guest came or went (vhost events thread). */
void port_vhost_changed(void);

#endif
