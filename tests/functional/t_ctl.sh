#!/usr/bin/env bash
# The ctl socket against hostile and careless clients (issue 13): 128 idle connections, a
# client that sends a byte a second, one that pipelines 3,000 requests and never reads. Other
# clients are still served within a couple of seconds, the offenders are closed after short
# timeouts (set through trestled's --ctl-idle-timeout and --ctl-request-timeout), a normal
# client still gets a reply of several MB whole, the socket is 0660 from the start, and the
# saved configuration is untouched. No PMD: the control thread is all this test needs.
TRESTLED_LCORES=0
. "$(dirname "$0")/lib.sh"
hugepages_ready

IDLE=3 REQ=2
SW=tfctl$$
new_ns $SW
SW_NS=$SW
cat >"$T/peer.py" <<'PY'
# Hostile and careless ctl clients on raw AF_UNIX sockets. Times are seconds, printed as
# "key=value" words for the shell.
import os, select, socket, sys, time

path, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]

def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s

def req(method, params, i=1):
    import json
    return json.dumps({"method": method, "params": params, "id": i}).encode()

def hung_up(socks, timeout):
    """Waits up to timeout for the server to close some of socks; returns those it closed."""
    p = select.poll()
    for s in socks:
        p.register(s, select.POLLHUP)  # Only hang-ups: unread replies must not wake us.
    by_fd = {s.fileno(): s for s in socks}
    return [by_fd[fd] for fd, ev in p.poll(timeout * 1000) if ev & (select.POLLHUP | select.POLLERR)]

if mode == "hold":
    # NPROC processes open NCONN idle connections each; reports when the server closed them,
    # and how many it closed LATE seconds or more after they were all open.
    nproc, nconn, limit, late_after = int(args[0]), int(args[1]), float(args[2]), float(args[3])
    r, w = os.pipe()
    for _ in range(nproc):
        if os.fork() == 0:
            os.close(r)
            socks = [conn() for _ in range(nconn)]
            t0 = time.monotonic()
            open_ = set(socks)
            late = 0
            while open_ and time.monotonic() - t0 < limit:
                for s in hung_up(list(open_), 0.1):
                    open_.discard(s)
                    if time.monotonic() - t0 >= late_after:
                        late += 1
                    last = time.monotonic() - t0
            os.write(w, b"%d %d %d %.2f\n" % (nconn, nconn - len(open_), late,
                                              last if len(open_) < nconn else -1))
            os._exit(0)
    os.close(w)
    lines = os.fdopen(r).read().split("\n")
    for _ in range(nproc):
        os.wait()
    rows = [list(map(float, l.split())) for l in lines if l]
    print("opened=%d closed=%d late=%d last=%.1f" % (sum(x[0] for x in rows),
          sum(x[1] for x in rows), sum(x[2] for x in rows), max(x[3] for x in rows)))
elif mode == "slow":
    # A request, one byte a second: reports when the server hung up, and how much it had got.
    s, m, sent = conn(), req("version", []), 0
    t0 = time.monotonic()
    while sent < len(m):
        try:
            s.send(m[sent:sent + 1])
        except OSError:
            break
        sent += 1
        if hung_up([s], 1.0):
            break
    t = time.monotonic() - t0
    print("closed_after=%.1f sent=%d of=%d" % (t, sent, len(m)) if sent < len(m) else
          "not_closed sent=%d" % sent)
elif mode == "pipeline":
    # N pipelined requests, never a read: reports when the server hung up.
    n, limit = int(args[0]), float(args[1])
    s = conn()
    s.settimeout(0.5)
    data = b"".join(req("vsctl", ["list", "Interface"], i) for i in range(n))
    off = 0
    try:
        while off < len(data):
            off += s.send(data[off:])
    except OSError:
        pass
    t0 = time.monotonic()
    print("sent=%d of=%d" % (off, len(data)), end=" ", flush=True)
    if hung_up([s], limit):
        print("closed_after=%.1f" % (time.monotonic() - t0))
    else:
        print("not_closed")
elif mode == "watch":
    # inotify on the socket's directory until the file STOP exists: how often the socket
    # file was created and how often its attributes (its mode) changed.
    import ctypes, struct
    libc = ctypes.CDLL(None, use_errno=True)
    IN_ATTRIB, IN_CREATE = 0x4, 0x100
    fd = libc.inotify_init1(os.O_NONBLOCK)
    libc.inotify_add_watch(fd, os.path.dirname(path).encode(), IN_ATTRIB | IN_CREATE)
    print("ready", end=" ", flush=True)
    name, n = os.path.basename(path).encode(), {IN_ATTRIB: 0, IN_CREATE: 0}
    while True:
        stop = os.path.exists(args[0])
        try:
            buf = os.read(fd, 65536)
        except BlockingIOError:
            buf = b""
        while buf:
            wd, mask, cookie, ln = struct.unpack("iIII", buf[:16])
            if buf[16:16 + ln].rstrip(b"\0") == name:
                for m in n:
                    n[m] += bool(mask & m)
            buf = buf[16 + ln:]
        if stop:
            break
        time.sleep(0.05)
    print("create=%d attrib=%d" % (n[IN_CREATE], n[IN_ATTRIB]))
elif mode == "ask":
    # Connects, waits DELAY seconds (or until the file GO exists), then sends one request.
    delay = float(args[0])
    s = conn()
    t0 = time.monotonic()
    while time.monotonic() - t0 < delay and not (len(args) > 1 and os.path.exists(args[1])):
        time.sleep(0.05)
    try:
        s.sendall(req("version", []))
        s.settimeout(10)
        print("answered" if b"trestled" in s.recv(65536) else "closed")
    except OSError as e:
        print("closed (%s)" % e)
PY
peer() { /usr/bin/python3 "$T/peer.py" "$TRESTLE_CTL" "$@"; }
# secs CMD...: runs CMD with its output discarded and prints how long it took, and its status.
secs() {
	local t0 rc
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1; rc=$?
	printf '%.2f %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$rc"
}
# within DESC MAX "SECONDS STATUS": the command succeeded in at most MAX seconds.
within() {
	local t=${3% *} rc=${3#* }
	if [ "$rc" = 0 ] && [ "$(echo "$t <= $2" | bc)" = 1 ]; then pass "$1 (${t}s)"; else
		fail "$1 (status $rc after ${t}s)"; fi
}
# between DESC LO HI VALUE
between() {
	if [ -n "$4" ] && [ "$(echo "$4 >= $2 && $4 <= $3" | bc)" = 1 ]; then pass "$1 ($4)"; else
		fail "$1: expected $2..$3, got '${4}'"; fi
}
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# log_has DESC TEXT: trestled's log has TEXT, at least once.
log_has() { check_ge "$1" 1 "$(grep -c -- "$2" "$LOG")"; }

# (e) The socket file is created with its final mode: it is never changed afterwards (no
# chmod, so no moment with another mode), and the daemon's umask is back to ours.
peer watch "$T/watch.stop" >"$T/watch.out" &
WATCH=$!
for _ in $(seq 50); do [ -s "$T/watch.out" ] && break; sleep 0.1; done
TRESTLED_OPTS="--ctl-idle-timeout $IDLE --ctl-request-timeout $REQ" start_trestled || exit 1
touch "$T/watch.stop"
wait $WATCH
check_eq "ctl socket is srw-rw---- right after start" "srw-rw----" "$(stat -c %A "$TRESTLE_CTL")"
check_eq "its mode was never changed after bind" "ready create=1 attrib=0" "$(cat "$T/watch.out")"
check_eq "the daemon's umask is restored after bind" "$(umask)" \
	"$(awk '/^Umask:/{print $2}' /proc/"$TRESTLED_PID"/status)"

trestle add-br br0 >/dev/null
trestle add-port br0 p1 -- set Interface p1 type=internal >/dev/null
saved=$(sha256sum <"$DB")


# (a) 128 idle connections from 4 processes: more than every slot. Others still get in.
peer hold 4 32 $((IDLE + 6)) $((IDLE - 1)) >"$T/hold.out" &
HOLD=$!
sleep 1.5
within "trestle show answers beside 128 idle connections" 2 "$(secs trestle --timeout 5 show)"
check_eq "and an idle client that asks within the idle timeout is served" "answered" \
	"$(peer ask $((IDLE - 1)))"
wait $HOLD
hold=$(cat "$T/hold.out")
check_eq "every idle connection was closed by the server" "$(kv opened "$hold")" "$(kv closed "$hold")"
check_ge "some lived until the idle timeout (the others made room for newcomers)" 32 \
	"$(kv late "$hold")"
between "the last idle ones closed after the ${IDLE}s idle timeout" $((IDLE - 1)) $((IDLE + 3)) \
	"$(kv last "$hold")"
log_has "idle closes are logged" "): idle for"

# (b) A byte a second: closed once the request has taken longer than the request timeout.
slow=$(peer slow)
between "a client sending a byte a second is closed after the ${REQ}s request timeout" \
	$((REQ - 1)) $((REQ + 2)) "$(kv closed_after "$slow")"
log_has "the slow request is logged" "): request not complete after"

# (c) 3,000 pipelined requests and no read: the others do not wait on it, it is closed.
peer pipeline 3000 $((REQ + 8)) >"$T/pipe.out" &
PIPE=$!
sleep 1
within "trestle show answers beside a pipelining non-reader" 2 "$(secs trestle --timeout 5 show)"
wait $PIPE
pipe=$(cat "$T/pipe.out")
echo "  non-reader: $pipe"
between "the non-reader is closed once its reply waits past the ${REQ}s bound" 0 $((REQ + 2)) \
	"$(kv closed_after "$pipe")"
log_has "the unread reply is logged" "): reply not taken after"
check_ok "the daemon is alive" kill -0 "$TRESTLED_PID"

# (d) A reply of several MB reaches a client that reads normally: a flow dump past the old
# 4 MiB message limit. The add-flows keeps the server busy for seconds, about the request
# timeout: neither its own client, waiting for the reply, nor a connection idle since just
# before it may be charged for that time.
/usr/bin/python3 - "$T/flows" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(14000):
        a, b = i >> 8, i & 255
        f.write("priority=%d,tcp6,dl_src=02:00:00:%02x:%02x:01,dl_dst=02:00:00:%02x:%02x:02,"
                "ipv6_src=2001:db8:1111:2222:3333:4444:%x:%x,"
                "ipv6_dst=2001:db8:aaaa:bbbb:cccc:dddd:%x:%x,tp_dst=%d,"
                "actions=mod_vlan_vid:100,mod_dl_src:02:00:00:00:00:aa,output:1\n"
                % (100 + i % 1000, a, b, a, b, a, b, a, b, 1000 + i % 5000))
PY
rm -f "$T/go"
peer ask 20 "$T/go" >"$T/ask.out" &
ASK=$!
sleep $((IDLE - 1))
t=$(secs trestle --timeout 30 ofctl add-flows br0 "$T/flows")
within "add-flows of 14,000 rules ($(wc -c <"$T/flows") bytes)" 30 "$t"
touch "$T/go"
wait $ASK
check_eq "a connection idle $((IDLE - 1))s before a ${t% *}s command is served after it" \
	"answered" "$(cat "$T/ask.out")"
trestle --timeout 30 ofctl dump-flows br0 >"$T/dump" 2>"$T/dump.err"
check_eq "dump-flows of a $(wc -c <"$T/dump")-byte table arrives whole" "14001 0" \
	"$(grep -c 'actions=' "$T/dump") $(wc -c <"$T/dump.err")"

# Replies that carry an exit status, and the exit command, still work.
rc=0; trestle br-exists nope >/dev/null 2>&1 || rc=$?
check_eq "br-exists of a missing bridge still exits 2" "2" "$rc"

# ovs-appctl's vlog, memory and ofproto commands, mapped onto rte_log and the daemon.
check_contains "vlog/list names trestle's own log type" "trestle " "$(trestle appctl vlog/list)"
check_ok "vlog/set trestle:file:dbg" trestle appctl vlog/set trestle:file:dbg
check_contains "vlog/list says dbg" "dbg" "$(trestle appctl vlog/list | awk '$1 == "trestle"')"
check_ok "vlog/set dpdk:warn (every DPDK log type)" trestle appctl vlog/set dpdk:warn
check_contains "DPDK's log types at warn" "warn" "$(trestle appctl vlog/list | awk '$1 == "lib.eal"')"
check_ok "vlog/set ANY:info" trestle appctl vlog/set ANY:info
check_contains "trestle back at info" "info" "$(trestle appctl vlog/list | awk '$1 == "trestle"')"
check_fails "vlog/set of no such module" trestle appctl vlog/set nosuch:dbg
check_fails "vlog/set of no such level" trestle appctl vlog/set trestle:console:loud
check_eq "ofproto/list" "br0" "$(trestle appctl ofproto/list)"
check_contains "memory/show" "bridges:1 " "$(trestle appctl memory/show)"

# (f) None of this changed the saved configuration.
check_eq "the saved configuration is unchanged" "$saved" "$(sha256sum <"$DB")"
check_eq "and the bridge is still there" "br0" "$(trestle list-br)"
check_ok "appctl exit answers" trestle --timeout 5 appctl exit
for _ in $(seq 50); do kill -0 "$TRESTLED_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$TRESTLED_PID" 2>/dev/null && fail "the daemon is still running after exit" ||
	pass "the daemon exits on the exit command"
finish
