#!/usr/bin/env bash
# Ports at NFV scale: 256 vhost-user and 256 internal ports on one switch (neither takes one
# of DPDK's 32 ethdev slots), all opened with an OpenFlow number; traffic still forwarded
# among them; a guest on the 256th vhost-user port; the ethdev types past DPDK's limit, and
# ports past the datapath's, say why in their error column. Prints the memory per port.
. "$(dirname "$0")/lib.sh"
hugepages_ready
PKT=$TOP/tests/functional/pkt.py
N=256
SW=tfsc$$; L=tfscl$$
new_ns $SW $L
SW_NS=$SW
start_trestled || exit 1
pid_rss() { awk '/^VmRSS/{print $2}' /proc/$TRESTLED_PID/status; }
hp_free() { awk '/^HugePages_Free/{print $2}' /proc/meminfo; }
trestle add-br br0 >/dev/null
rss0=$(pid_rss); hp0=$(hp_free)

# One transaction each: N vhost-user server ports, then N internal ports.
args=()
for i in $(seq 1 $N); do args+=(-- add-port br0 vu$i -- set Interface vu$i type=dpdkvhostuser); done
check_ok "$N vhost-user ports added in one transaction" trestle "${args[@]:1}"
args=()
for i in $(seq 1 $N); do args+=(-- add-port br0 in$i -- set Interface in$i type=internal); done
check_ok "$N internal ports added in one transaction" trestle "${args[@]:1}"
rss1=$(pid_rss); hp1=$(hp_free)

list=$(trestle --no-heading -f csv -d bare --columns=name,ofport,error list Interface)
check_eq "every interface has an OpenFlow number" "$((2 * N + 1))" \
	"$(echo "$list" | awk -F, '$2 > 0' | wc -l)"
check_eq "no interface has an error" "0" "$(echo "$list" | awk -F, '$3 != ""' | wc -l)"
check_eq "a vhost-user socket for each" "$N" "$(ls "$RUN_DIR" | grep -c '^vu')"
check_eq "a kernel interface for each internal port" "$N" \
	"$(ip netns exec $SW ip -o link show | grep -c ': in[0-9]*:')"
echo "memory for $((2 * N)) ports: RSS $(((rss1 - rss0) / 1024)) MiB" \
	"($(((rss1 - rss0) / (2 * N))) KiB a port), hugepages $(((hp0 - hp1) * 2)) MiB"

# The kernel side of the last internal port, in a host namespace, reaches a guest on the last
# vhost-user port: frames from it come out of the guest's port (flooded by NORMAL).
ip netns exec $SW ip link set in$N netns $L
ip netns exec $L ip link set in$N up
guest_start --vdev "net_virtio_user0,path=$RUN_DIR/vu$N,mac=02:00:00:00:00:10"
wait_link_up vu$N && pass "a guest attached to the ${N}th vhost-user port" || fail "vu$N link not up"
guest_cmd "set fwd rxonly"; guest_cmd "start"
sleep 0.3
ip netns exec $L /usr/bin/python3 $PKT send in$N --src 02:00:00:00:77:01 --dst ff:ff:ff:ff:ff:ff --count 50
sleep 0.5
check_eq "frames from the ${N}th internal port received" "50" "$(iface_stat in$N rx_packets)"
check_eq "and sent to the guest on the ${N}th vhost-user port" "50" "$(iface_stat vu$N tx_packets)"
read -r grx0 _ <<<"$(guest_stats)"
check_eq "the guest received them" "50" "$grx0"
guest_cmd "stop"
check_eq "the other vhost-user ports, without a guest, counted them as dropped" "50" \
	"$(iface_stat vu1 tx_dropped)"

# DPDK's ethdev ports (types dpdk and system) run out at 32: the next one says why.
args=()
for i in $(seq 1 33); do
	args+=(-- add-port br0 nul$i -- set Interface nul$i type=dpdk "options:dpdk-devargs=net_null_s$i,no-rx=1")
done
trestle "${args[@]:1}" >/dev/null
errs=$(trestle --no-heading -f csv -d bare --columns=error find Interface type=dpdk | grep -c "ethdev ports are all in use")
[ "$errs" -ge 1 ] && pass "ethdev ports past DPDK's limit say why ($errs)" || fail "no error for ethdev ports past the limit"
check_eq "and have no OpenFlow number" "$errs" \
	"$(trestle --no-heading -f csv -d bare --columns=ofport find Interface type=dpdk | grep -c '^-1$')"

# Past the datapath's port numbers (1023 in all): the interfaces left over say why.
used=$(trestle --no-heading -f csv -d bare --columns=name list Interface | wc -l)
args=()
for i in $(seq 1 $((1023 - used + 2))); do args+=(-- add-port br0 ex$i -- set Interface ex$i type=dpdkvhostuser); done
trestle "${args[@]:1}" >/dev/null
errs=$(trestle --no-heading -f csv -d bare --columns=error list Interface | grep -c "datapath port numbers are in use")
check_eq "the two ports past the last datapath number say why" "2" "$errs"
check_ok "daemon alive" trestle show

# Everything removed: sockets and kernel interfaces go with the ports.
args=()
for i in $(seq 1 $N); do args+=(-- del-port br0 vu$i -- del-port br0 in$i); done
check_ok "all removed in one transaction" trestle "${args[@]:1}"
check_eq "vhost-user sockets removed" "0" "$(ls "$RUN_DIR" | grep -c '^vu')"
check_eq "kernel interfaces removed" "0" "$(ip netns exec $SW ip -o link show | grep -c ': in[0-9]*:')"
finish
