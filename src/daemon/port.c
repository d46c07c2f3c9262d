/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports (see port.h): what every kind shares. A port's type picks its backend (ops) and its
 * identity string; opening, closing and the Interface row's status go through the ops, so
 * nothing here or in the PMD branches on the type. Control thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "conf.h"
#include "daemon.h"
#include "ds.h"
#include "flow.h"
#include "log.h"
#include "module.h"
#include "port.h"
#include "xalloc.h"

#define PORT_MBUF_CACHE 256

static struct rte_mempool *port_pool;
volatile unsigned port_n_taps_up;
/* What port_quiesce() calls: pmd_sync(), set by the PMDs' module. */
static void (*port_quiesce_fn)(void);
/* Set by the vhost events thread when a guest comes or goes; read by the control thread. */
static volatile bool vhost_changed;

int
port_init(struct ds *err)
{
	/* The default (64K) is enough for the ethdev ports' rings plus bursts in flight, far
	 * below OVS-DPDK's 256K; --mbufs raises it. */
	port_pool = rte_pktmbuf_pool_create("trestle_mbufs", trestled_opts.mbufs, PORT_MBUF_CACHE,
		0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
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

void
port_vhost_changed(void)
{
	__atomic_store_n(&vhost_changed, true, __ATOMIC_RELEASE);
}

bool
port_take_vhost_changes(void)
{
	return __atomic_exchange_n(&vhost_changed, false, __ATOMIC_ACQ_REL);
}

/*
 * Picks cfg's backend and builds its identity into port->devargs (and, for ethdev, the DPDK
 * device name into port->devname). Returns the ops, or NULL with port->error set.
 */
static const struct port_ops *
port_identify(struct port *port, const struct conf_iface *cfg, const char *run_dir)
{
	const char *type = cfg->type ? cfg->type : "";
	const char *s;

	if (!strcmp(type, "") || !strcmp(type, "system")) {
		snprintf(port->devname, sizeof(port->devname), "net_af_packet_%s", cfg->name);
		snprintf(port->devargs, sizeof(port->devargs), "%s,iface=%s,qpairs=1",
			port->devname, cfg->name);
	} else if (!strcmp(type, "internal")) {
		snprintf(port->devargs, sizeof(port->devargs), "tap:%s", cfg->name);
		return &port_tap_ops;
	} else if (!strcmp(type, "dpdk")) {
		s = conf_map_get(&cfg->options, "dpdk-devargs");
		if (s == NULL || *s == '\0') {
			snprintf(port->error, sizeof(port->error),
				"'%s' is missing 'options:dpdk-devargs'. The old 'dpdk<port_id>' "
				"names are not supported",
				cfg->name);
			return NULL;
		}
		snprintf(port->devargs, sizeof(port->devargs), "%s", s);
		size_t n = strcspn(s, ",");
		snprintf(port->devname, sizeof(port->devname), "%.*s", (int)n, s);
	} else if (!strcmp(type, "dpdkvhostuser")) {
		if (snprintf(port->vhost_path, sizeof(port->vhost_path), "%s/%s", run_dir,
			    cfg->name) >= (int)sizeof(port->vhost_path))
			goto too_long;
		snprintf(port->devargs, sizeof(port->devargs), "vhost-server:%s", port->vhost_path);
		return &port_vhost_ops;
	} else if (!strcmp(type, "dpdkvhostuserclient")) {
		s = conf_map_get(&cfg->options, "vhost-server-path");
		if (s == NULL || *s == '\0') {
			snprintf(port->error, sizeof(port->error),
				"vhost-server-path must be set for vhost-user client port %s",
				cfg->name);
			return NULL;
		}
		if (snprintf(port->vhost_path, sizeof(port->vhost_path), "%s", s) >=
			(int)sizeof(port->vhost_path))
			goto too_long;
		snprintf(port->devargs, sizeof(port->devargs), "vhost-client:%s", s);
		return &port_vhost_ops;
	} else {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (Unsupported interface type %s)",
			cfg->name, type);
		return NULL;
	}
	if (strlen(port->devname) >= RTE_DEV_NAME_MAX_LEN) {
		snprintf(port->error, sizeof(port->error),
			"could not open network device %s (name too long for DPDK)", cfg->name);
		return NULL;
	}
	return &port_ethdev_ops;

too_long:
	snprintf(port->error, sizeof(port->error),
		"could not open network device %s (vhost-user socket path longer than %zu bytes)",
		cfg->name, sizeof(port->vhost_path) - 1);
	return NULL;
}

void
port_set_max_frame(struct port *port, int64_t mtu)
{
	port->mtu = mtu;
	port->max_frame = mtu > 0 ? (uint32_t)mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN : UINT32_MAX;
}

/* One srTCM profile: rate and burst per queue, at least 1 each (rte_meter wants them). */
static void
policer_profile(struct rte_meter_srtcm_profile *prof, uint64_t rate, uint64_t burst, uint16_t n_q)
{
	struct rte_meter_srtcm_params p = {
		.cir = RTE_MAX(rate / n_q, (uint64_t)1),
		.cbs = RTE_MAX(burst / n_q, (uint64_t)1),
		.ebs = 0,
	};

	rte_meter_srtcm_profile_config(prof, &p);
}

struct port_policer *
port_set_policer(struct port *port, const struct conf_iface *cfg)
{
	uint32_t want[4] = {cfg->policing_rate, cfg->policing_burst, cfg->policing_kpkts_rate,
		cfg->policing_kpkts_burst};
	struct port_policer *old = port->policer;
	uint16_t n_q = port->n_rxq ? port->n_rxq : 1;

	if (old != NULL && !memcmp(old->cfg, want, sizeof(want)) && old->n_q == n_q)
		return NULL;
	if (old == NULL && want[0] == 0 && want[2] == 0)
		return NULL;
	port->policer = NULL;
	if (want[0] != 0 || want[2] != 0) {
		struct port_policer *pol = xcalloc(1, sizeof(*pol) + n_q * sizeof(pol->q[0]));
		memcpy(pol->cfg, want, sizeof(want));
		pol->n_q = n_q;
		/* As OVS: kbit/s and kbit, a burst of 0 is 8000 kbit; kpkts bursts of 0 are 16. */
		pol->bytes = want[0] != 0;
		if (pol->bytes)
			policer_profile(&pol->bytes_prof, want[0] * 1000ULL / 8,
				(want[1] ? want[1] : 8000) * 1000ULL / 8, n_q);
		pol->pkts = want[2] != 0;
		if (pol->pkts)
			policer_profile(&pol->pkts_prof, want[2] * 1000ULL,
				(want[3] ? want[3] : 16) * 1000ULL, n_q);
		for (uint16_t q = 0; q < n_q; q++) {
			if (pol->bytes)
				rte_meter_srtcm_config(&pol->q[q].bytes, &pol->bytes_prof);
			if (pol->pkts)
				rte_meter_srtcm_config(&pol->q[q].pkts, &pol->pkts_prof);
		}
		port->policer = pol;
		TLOG(INFO,
			"port %s: ingress policing %u kbit/s (burst %u kbit), %u kpkt/s (burst %u)",
			port->name, want[0], want[0] ? (want[1] ? want[1] : 8000) : 0, want[2],
			want[2] ? (want[3] ? want[3] : 16) : 0);
	} else {
		TLOG(INFO, "port %s: ingress policing off", port->name);
	}
	return old;
}

int
port_set_internal_mac(struct port *port, const struct rte_ether_addr *mac)
{
	struct ifreq ifr;
	int ret;

	if (!port->internal || strlen(port->name) >= IFNAMSIZ)
		return -EINVAL;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, port->name, strlen(port->name));
	ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
	memcpy(ifr.ifr_hwaddr.sa_data, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	if ((ret = port_ifreq(SIOCSIFHWADDR, &ifr)) < 0)
		return ret;
	port->mac = *mac;
	return 0;
}

bool
port_mtu_valid(struct port *port, const struct conf_iface *cfg)
{
	if (cfg->mtu_request <= 0 ||
		(cfg->mtu_request >= PORT_MTU_MIN && cfg->mtu_request <= PORT_MTU_MAX))
		return true;
	snprintf(port->error, sizeof(port->error),
		"could not set MTU %" PRId64 " on %s: an MTU is from %d to %d", cfg->mtu_request,
		cfg->name, PORT_MTU_MIN, PORT_MTU_MAX);
	return false;
}

/* The receive queues cfg asks for: options:n_rxq, 1 when unset or 0. */
static uint16_t
port_n_rxq(const struct conf_iface *cfg)
{
	const char *s = conf_map_get(&cfg->options, "n_rxq");
	unsigned long n = s ? strtoul(s, NULL, 10) : 1;

	return (uint16_t)RTE_MAX(RTE_MIN(n, (unsigned long)UINT16_MAX), 1ul);
}

static struct port *
port_new(const struct conf_iface *cfg, uint32_t dp_no)
{
	struct port *port = xcalloc(1, sizeof(*port));
	const char *s;

	snprintf(port->name, sizeof(port->name), "%s", cfg->name);
	snprintf(port->type, sizeof(port->type), "%s", cfg->type ? cfg->type : "");
	port->dp_no = dp_no;
	port->ofport = -1;
	port->mtu = -1;
	port->max_frame = UINT32_MAX;
	port->mtu_request = cfg->mtu_request;
	port->n_rxq_request = port_n_rxq(cfg);
	port->mac_request = cfg->mac ? xstrdup(cfg->mac) : NULL;
	port->vhost_vid = -1;
	port->tap_fd = -1;
	for (unsigned i = 0; i < RTE_DIM(port->tx_lock); i++)
		rte_spinlock_init(&port->tx_lock[i]);
	if ((s = conf_map_get(&cfg->other_config, "pmd-rxq-affinity")) != NULL)
		port->rxq_affinity = xstrdup(s);
	return port;
}

struct port *
port_refused(const struct conf_iface *cfg, const char *why)
{
	struct port *port = port_new(cfg, 0);

	snprintf(port->error, sizeof(port->error), "could not open network device %s (%s)",
		cfg->name, why);
	TLOG(WARNING, "port %s: %s", port->name, port->error);
	return port;
}

struct port *
port_open(const struct conf_iface *cfg, const char *run_dir, unsigned n_txq, uint32_t dp_no)
{
	struct port *port = port_new(cfg, dp_no);

	port->ops = port_identify(port, cfg, run_dir);
	if (port->ops == NULL || !port_mtu_valid(port, cfg))
		goto fail;
	if (port->ops->open(port, cfg, n_txq) < 0) {
		port->ops->close(port);
		goto fail;
	}
	port->started = true;
	TLOG(INFO, "port %s: opened %s as %s (%u rxq, %u txq%s)", port->name, port->devargs,
		port->ops->kind, port->n_rxq, port->n_txq, port->tx_shared ? ", shared" : "");
	return port;

fail:
	TLOG(WARNING, "port %s: %s", port->name, port->error);
	return port;
}

int
port_ifreq(unsigned long req, struct ifreq *ifr)
{
	static int sock = -1;

	if (sock < 0 && (sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	return ioctl(sock, req, ifr) < 0 ? -errno : 0;
}

int
port_if_flags(const char *name, short *flags)
{
	struct ifreq ifr;
	int ret;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if ((ret = port_ifreq(SIOCGIFFLAGS, &ifr)) == 0)
		*flags = ifr.ifr_flags;
	return ret;
}

void
port_poll_kernel(struct port *port)
{
	short flags = 0;

	if (!port->internal || !port->started || strlen(port->name) >= IFNAMSIZ)
		return;
	bool was_down = port->down;
	if (port_if_flags(port->name, &flags) < 0)
		port->down = false;
	else
		port->down = !(flags & IFF_UP);
	if (was_down != port->down)
		__atomic_add_fetch(&port_n_taps_up, port->down ? -1u : 1u, __ATOMIC_RELEASE);
}

void
port_close(struct port *port)
{
	if (port == NULL)
		return;
	if (port->started && port->internal && !port->down)
		__atomic_sub_fetch(&port_n_taps_up, 1u, __ATOMIC_RELEASE);
	if (port->started)
		port->ops->close(port);
	if (port->started)
		TLOG(INFO, "port %s: closed", port->name);
	free(port->rxq_affinity);
	free(port->mac_request);
	free(port->policer);
	free(port);
}

bool
port_same_device(const struct port *port, const struct conf_iface *cfg, const char *run_dir)
{
	struct port *tmp = xcalloc(1, sizeof(*tmp));
	bool same;

	if (strcmp(port->type, cfg->type ? cfg->type : "") != 0 || port->dp_no == 0) {
		same = false;
	} else if (port_identify(tmp, cfg, run_dir) == NULL) {
		/* Still unopenable for the same reason: nothing to do. */
		same = port->error[0] != '\0' && !strcmp(port->error, tmp->error);
	} else {
		same = !strcmp(tmp->devargs, port->devargs);
	}
	free(tmp);
	if (!same)
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
port_link_up(const struct port *port, uint32_t *speed)
{
	bool up = port->started;
	uint32_t s = 0;

	if (port->started && port->ops->link != NULL)
		port->ops->link(port, &up, &s);
	if (speed != NULL)
		*speed = s;
	return up;
}

bool
port_rx_ready(const struct port *port)
{
	return port->started && (port->ops != &port_vhost_ops ||
					__atomic_load_n(&port->vhost_vid, __ATOMIC_ACQUIRE) >= 0);
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
port_set_quiesce(void (*fn)(void))
{
	port_quiesce_fn = fn;
}

void
port_quiesce(void)
{
	if (port_quiesce_fn != NULL)
		port_quiesce_fn();
}

void
port_tx_view(struct port *port, struct dp_port_tx *tx)
{
	*tx = (struct dp_port_tx){
		.port = port,
		.tx = port->ops->tx,
		.down = &port->down,
		.tx_lock = port->tx_lock,
		.max_frame = port->max_frame,
		.n_txq = port->n_txq,
		.started = port->started,
		.tx_shared = port->tx_shared,
	};
}

void
port_status(const struct port *port, const struct dp_port_stats *ps, struct iface_status *st)
{
	memset(st, 0, sizeof(*st));
	st->ofport = port->started ? port->ofport : -1;
	st->mtu = port->mtu;
	snprintf(st->error, sizeof(st->error), "%s", port->error);
	if (!port->started)
		return;
	snprintf(st->mac_in_use, sizeof(st->mac_in_use), FLOW_MAC_FMT, FLOW_MAC_ARGS(&port->mac));
	st->admin_state = "up";
	st->link_state = port_link_up(port, NULL) ? "up" : "down";

	uint64_t missed = 0, rx_errors = 0, tx_errors = 0;
	if (port->ops->counters != NULL)
		port->ops->counters(port, &missed, &rx_errors, &tx_errors);
	port_stat(st, "rx_packets", ps->rx_packets);
	port_stat(st, "rx_bytes", ps->rx_bytes);
	port_stat(st, "rx_dropped", ps->rx_dropped + missed);
	port_stat(st, "rx_errors", rx_errors);
	port_stat(st, "tx_packets", ps->tx_packets);
	port_stat(st, "tx_bytes", ps->tx_bytes);
	port_stat(st, "tx_dropped", ps->tx_dropped);
	port_stat(st, "tx_errors", tx_errors);
}

/* The mbuf pool, first: every port and PMD takes its buffers from it. */
static const struct module port_module = {.name = "ports",
	.order = 10,
	.init = port_init,
	.fini = port_fini};
MODULE_REGISTER(port_module)
