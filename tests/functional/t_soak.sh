#!/usr/bin/env bash
# The soak and fault test of scripts/soak.sh in short, so that the suite runs the same code:
# 2 clients x 20 add/del cycles of internal, dpdk and vhost-user ports and bridges under
# traffic, 3 restarts of a testpmd guest on dpdkvhostuser ports and 3 returns of the server of
# dpdkvhostuserclient ports (forwarding checked exactly after each), then the daemon's mbufs,
# fds, TAP devices, sockets, threads, heap and RSS compared with what it held before.
. "$(dirname "$0")/../../scripts/soak.sh" --cycles 20 --clients 2 --restarts 3
