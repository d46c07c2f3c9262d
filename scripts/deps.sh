#!/usr/bin/env bash
# Installs what building and testing Trestle needs on Debian 12, and reserves hugepages.
# Idempotent: a second run installs nothing and changes nothing.
set -euo pipefail

# The functional tests' peers: Open vSwitch's userspace datapath (t_stp_ovs, t_lacp), dnsmasq
# and dhclient (t_bridge_mac: a lease through the switch), ethtool (checksum offload off).
PKGS="build-essential pkg-config meson ninja-build dpdk dpdk-dev libdpdk-dev libnuma-dev
      libjansson-dev libcmocka-dev clang-format iproute2 iputils-ping iputils-arping python3-scapy tcpdump tshark jq procps
      openvswitch-switch dnsmasq-base isc-dhcp-client ethtool"
if [ "${1:-}" = "--bench" ]; then
	PKGS="$PKGS openvswitch-switch-dpdk gnuplot-nox"
fi

# tshark (t_stp decodes our BPDUs with it) asks whether non-root users may capture: no, and
# without asking (DEBIAN_FRONTEND=noninteractive would take the same default).
if command -v debconf-set-selections >/dev/null; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
fi

. "$(dirname "$0")/pkgs.sh"
# shellcheck disable=SC2086 # PKGS is a list of words.
pkgs_install deps $PKGS

# DPDK needs hugepages; a new machine has none.
want=${TRESTLE_HUGEPAGES:-2048}
have=$(cat /proc/sys/vm/nr_hugepages)
if [ "$have" -lt "$want" ]; then
	echo "$want" > /proc/sys/vm/nr_hugepages
	have=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$have" -lt 256 ]; then
		echo "deps: could reserve only $have 2 MiB hugepages; free memory and retry" >&2
		exit 1
	fi
fi
if ! mountpoint -q /dev/hugepages; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
fi
