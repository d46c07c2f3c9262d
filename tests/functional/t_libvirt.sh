#!/usr/bin/env bash
# The command lines libvirt runs (src/util/virnetdevopenvswitch.c), through a link named
# ovs-vsctl, against a real trestled: attach a tap and a vhost-user interface with VLANs and
# external-ids, read statistics as JSON, look a vhost-user socket up, update VLANs, detach.
. "$(dirname "$0")/lib.sh"
hugepages_ready

SW=tflv$$
new_ns $SW
SW_NS=$SW
start_trestled || exit 1
mkdir -p $T/bin
ln -s "$TRESTLE_BIN" $T/bin/ovs-vsctl
ovs_vsctl() { TRESTLE_CTL=$TRESTLE_CTL $T/bin/ovs-vsctl "$@"; }
ip netns exec $SW ip tuntap add dev vnet0 mode tap
ip netns exec $SW ip link set vnet0 up

check_ok "ovs-vsctl add-br" ovs_vsctl --timeout=5 add-br ovsbr
# A tap interface on VLAN 42, as libvirt adds it.
check_ok "libvirt add-port with vlan and external-ids" ovs_vsctl --timeout=5 -- --if-exists del-port vnet0 \
	-- add-port ovsbr vnet0 tag=42 \
	-- set Interface vnet0 'external-ids:attached-mac="52:54:00:12:34:56"' \
	-- set Interface vnet0 'external-ids:iface-id="8a7f0b4e-65a6-4c26-b0c8-8f1f0c1fbd1d"' \
	-- set Interface vnet0 'external-ids:vm-id="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"' \
	-- set Interface vnet0 external-ids:iface-status=active
check_eq "attached-mac stored without the quotes" '"52:54:00:12:34:56"' "$(ovs_vsctl get Interface vnet0 external_ids:attached-mac)"
check_eq "iface-to-br" "ovsbr" "$(ovs_vsctl --timeout=5 iface-to-br vnet0)"
check_eq "tag set" "42" "$(ovs_vsctl get Port vnet0 tag)"
stats=$(ovs_vsctl --timeout=5 --if-exists --format=list --data=json --no-headings --columns=statistics list Interface vnet0)
check_contains "statistics as JSON map" '["map",[' "$stats"
check_contains "statistics include rx_packets" '["rx_packets",' "$stats"

# libvirt's VLAN update.
check_ok "libvirt clears and sets VLANs" ovs_vsctl --timeout=5 -- --if-exists clear Port vnet0 tag \
	-- --if-exists clear Port vnet0 trunk -- --if-exists clear Port vnet0 vlan_mode \
	-- --if-exists set Port vnet0 vlan_mode=native-untagged tag=10 trunk=10,20
check_eq "vlan_mode" "native-untagged" "$(ovs_vsctl get Port vnet0 vlan_mode)"
check_eq "trunks" "[10, 20]" "$(ovs_vsctl get Port vnet0 trunks)"

# A vhost-user client port, and libvirt's lookup of the interface by its socket path.
check_ok "libvirt adds a vhost-user client port" ovs_vsctl --timeout=5 -- --if-exists del-port vhu0 \
	-- add-port ovsbr vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
	"options:vhost-server-path=$T/vhu0.sock" \
	-- set Interface vhu0 'external-ids:attached-mac="52:54:00:aa:bb:cc"'
check_eq "find by vhost-server-path" "vhu0" \
	"$(ovs_vsctl --timeout=5 --no-headings --columns=name find Interface "options:vhost-server-path=$T/vhu0.sock" | tr -d '"')"
check_ok "set mtu_request" ovs_vsctl --timeout=5 set Interface vhu0 mtu_request=1500
check_eq "get mtu_request" "1500" "$(ovs_vsctl --timeout=5 get Interface vhu0 mtu_request)"

check_ok "libvirt del-port" ovs_vsctl --timeout=5 -- --if-exists del-port vnet0
check_ok "libvirt del-port of a port already gone" ovs_vsctl --timeout=5 -- --if-exists del-port vnet0
# Newer libvirt adds the port with --may-exist, marks it transient (for ovs-ctl, which
# vswitchd itself ignores) and records the interface name.
check_ok "newer libvirt's add-port" ovs_vsctl --timeout=5 -- --may-exist add-port ovsbr vnet0 \
	-- set Port vnet0 other_config:transient=true tag=42 \
	-- set Interface vnet0 'external-ids:attached-mac="52:54:00:12:34:56"' \
	-- set Interface vnet0 'external-ids:iface-id="8a7f0b4e-65a6-4c26-b0c8-8f1f0c1fbd1d"' \
	-- set Interface vnet0 'external-ids:vm-id="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"' \
	-- set Interface vnet0 'external-ids:ifname="vnet0"' \
	-- set Interface vnet0 external-ids:iface-status=active
check_eq "transient stored" '"true"' "$(ovs_vsctl get Port vnet0 other_config:transient)"
check_ok "newer libvirt's del-port" ovs_vsctl --timeout=5 -- --if-exists del-port vnet0
check_eq "ports left" "vhu0" "$(ovs_vsctl list-ports ovsbr)"
finish
