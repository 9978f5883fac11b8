#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --metrics against bad input and hostile clients: invalid values exit 2 in
# one line; a port in use is one line, exit 1, and nothing was loaded; the
# addresses listened on; paths and methods; no threads; clients that connect
# and send nothing fill the connection limit without stalling the tracing,
# further ones are refused, and the server recovers after the idle timeout;
# a flood of connections does not stall the tracing either, and with
# oversized requests leaves memory bounded.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../metrics_lib.sh"

for bad in 9464 :0 :65536 :-1 : localhost:9464 300.1.2.3:9464 ::1:9464 '[::1' '[::1]' \
	'[198.18.0.1]:9464' '127.0.0.1:94x'; do
	expect_usage_error --metrics "$bad"
done
expect_usage_error --metrics-max-destinations 0
expect_usage_error --metrics-max-destinations many

# hold PORT [ADDR]: a listening socket on ADDR:PORT held by a process of its own.
hold() {
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET)
s.bind((sys.argv[2], int(sys.argv[1]))); s.listen(1); print("listening", flush=True); time.sleep(600)' \
		"$1" "${2:-127.0.0.1}" >"$WORK/hold.$1" &
	BACKGROUND+=($!)
	wait_for_text "$WORK/hold.$1" listening 10 || fail "could not hold port $1"
}

# Our programs' names as the kernel keeps them (15 characters).
our_programs() {
	local o
	for o in "$ROOT"/build/*.bpf.o; do
		readelf -sW "$o" 2>/dev/null | awk '$4 == "FUNC" && $5 == "GLOBAL" { print substr($8, 1, 15) }'
	done | sort -u
}
loaded_programs() {
	bpftool prog show 2>/dev/null | sed -n 's/^[0-9]*: [a-z_]*  name \([^ ]*\) .*/\1/p' | sort -u
}

# --- a port in use: one line, exit 1, nothing attached --------------------------------
busy=$(free_port)
hold "$busy"
before=$(comm -12 <(our_programs) <(loaded_programs))
rc=0
out=$(strace -f -qq -e trace=bpf -o "$WORK/strace.txt" "$SYNSCOPE" --metrics "127.0.0.1:$busy" \
	--csv "$WORK/busy.csv" -d 5 2>&1 >/dev/null) || rc=$?
expect_eq "port in use: exit status" "$rc" 1
expect_eq "port in use: one line" "$(wc -l <<<"$out")" 1
expect_match "port in use: names the option, the address and why" "$out" \
	"^synscope: --metrics 127\\.0\\.0\\.1:$busy: cannot listen: Address already in use\$"
# The kernel probes' test programs come before (probe.c, libbpf's): none of ours, nothing attached.
expect_eq "port in use: none of synscope's programs was loaded" \
	"$(grep -o 'prog_name="[^"]*"' "$WORK/strace.txt" | sed 's/prog_name="//; s/"$//' | sort -u |
		comm -12 - <(our_programs))" ""
expect_eq "port in use: nothing attached" \
	"$(grep -c -E 'BPF_LINK_CREATE|BPF_RAW_TRACEPOINT_OPEN|BPF_PROG_ATTACH|PERF_EVENT_IOC_SET_BPF' "$WORK/strace.txt")" 0
expect_eq "port in use: none of ours in bpftool prog show" \
	"$(comm -12 <(our_programs) <(loaded_programs))" "$before"

# --- the addresses ------------------------------------------------------------------------
# reach ADDR PORT: whether a TCP connect to ADDR:PORT gets through.
reach() {
	python3 -c 'import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close(); print("yes")
except OSError:
    print("no")' "$1" "$2"
}

lab_up
start_listener "$SERVER4" 8080
P4=$(free_port)
P6=$(free_port)
PALL=$(free_port)
start_instance v6 --no-dns --dst "$SERVER6/128" --metrics "[::1]:$P6"
start_instance all --no-dns --dst "$SERVER6/128" --metrics ":$PALL"
start_instance main --dst "$SERVER4/32" --metrics "127.0.0.1:$P4" --metrics-max-destinations 2
expect_eq "127.0.0.1:PORT: IPv4 loopback" "$(reach 127.0.0.1 "$P4")" yes
expect_eq "127.0.0.1:PORT: not IPv6" "$(reach ::1 "$P4")" no
expect_eq "[::1]:PORT: IPv6 loopback" "$(reach ::1 "$P6")" yes
expect_eq "[::1]:PORT: not IPv4" "$(reach 127.0.0.1 "$P6")" no
expect_eq ":PORT: IPv4" "$(reach 127.0.0.1 "$PALL")" yes
expect_eq ":PORT: IPv6" "$(reach ::1 "$PALL")" yes
expect_match ":PORT: one socket on every address" "$(ss -Hltn "sport = :$PALL")" "\\*:$PALL|\\[::\\]:$PALL"

# --- paths and methods --------------------------------------------------------------------
URL=http://127.0.0.1:$P4
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect_eq "GET /metrics" "$(status "$URL/metrics")" 200
expect_eq "GET /metrics: the text format" \
	"$(curl -s -o /dev/null -w '%{content_type}' "$URL/metrics")" "text/plain; version=0.0.4; charset=utf-8"
expect_eq "HEAD /metrics" "$(status -I "$URL/metrics")" 200
expect_eq "GET /metrics?x=1 (a query string)" "$(status "$URL/metrics?x=1")" 200
expect_eq "GET /" "$(status "$URL/")" 200
expect_match "/ links to /metrics" "$(curl -s "$URL/")" '<a href="/metrics">'
for path in /nope /metrics/ /metrics/x /metricsx /favicon.ico /..%2fmetrics; do
	expect_eq "GET $path" "$(status "$URL$path")" 404
done
for method in POST PUT DELETE OPTIONS PATCH; do
	expect_eq "$method /metrics" "$(status -X "$method" "$URL/metrics")" 405
done
expect_match "405 says what is allowed" "$(curl -s -i -X POST "$URL/metrics")" $'Allow: GET, HEAD'
expect_match "a request line of garbage: 400, or closed" "$(printf 'GARBAGE\r\n\r\n' | python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(sys.stdin.buffer.read()); r = s.recv(64); print(r.split(b" ")[1].decode() if r else "closed")' "$P4")" '^(400|closed)$'
expect_eq "and the server goes on" "$(status "$URL/metrics")" 200
expect_eq "the server runs in synscope's one thread" \
	"$(awk '$1 == "Threads:" { print $2 }' "/proc/${INSTANCE_PID[main]}/status")" 1

# --- past --metrics-max-destinations 2: the rest summed into daddr="other" ---------------
for port in 8080 8081 8082 8083; do
	in_client "$CONNBURST" -q -4 -n 2 "$SERVER4" "$port" >/dev/null
done
wait_rows main 8 || fail "not every attempt traced"
sleep 0.3
curl -s "$URL/metrics" >"$WORK/folded.txt"
sample() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/folded.txt"; }
expect_eq "destinations folded" "$(sample synscope_destinations_folded)" 2
expect_eq "series of their own: the first two" \
	"$(grep -c '^synscope_connect_attempts_total{daddr="198.18.0.2",.*outcome="refused"}' "$WORK/folded.txt")" 2
expect_eq "the other two summed into daddr=\"other\"" \
	"$(sample 'synscope_connect_attempts_total{daddr="other",dport="",host="",outcome="refused"}')" \
	"$(($(csv_rows "$WORK/main.csv" outcome | grep -c refused) - $(grep '^synscope_connect_attempts_total{daddr="198.18.0.2",.*outcome="refused"}' "$WORK/folded.txt" | awk '{ s += $2 } END { print s }')))"
expect_eq "all attempts, own and folded" \
	"$(grep '^synscope_connect_attempts_total{' "$WORK/folded.txt" | awk '{ s += $2 } END { print s }')" 8

# --- idle clients, a connection flood, oversized requests -------------------------------
cat >"$WORK/clients.py" <<'EOF'
# clients.py PORT ACTION...: hostile clients of 127.0.0.1:PORT.
#   idle N FROM    N connections from address FROM that send nothing; "held N" once
#                  they are open, then wait for the server to close them: "closed K S"
#   refused FROM   one more connection with a request: "refused" if it gets no answer
#   flood N STOP   N connections at once, each sending half a request: "flooding"
#                  once they have; held until file STOP exists, then gone:
#                  "flooded N"
#   big N          N requests with a 1 MiB header each: the status codes seen
import os, resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
port = int(sys.argv[1])
def conn(src="127.0.0.1"):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s
action = sys.argv[2]
if action == "idle":
    n, src = int(sys.argv[3]), sys.argv[4]
    socks = [conn(src) for _ in range(n)]
    print("held", n, flush=True)
    t0, closed = time.time(), 0
    for s in socks:
        try:
            if s.recv(1) == b"":
                closed += 1
        except (ConnectionResetError, socket.timeout):
            closed += 1
    print("closed", closed, round(time.time() - t0), flush=True)
elif action == "refused":
    try:
        s = conn(sys.argv[3])
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(1)
        data = s.recv(16)
        print("answered" if data.startswith(b"HTTP/") else "refused")
    except (ConnectionResetError, socket.timeout, OSError):
        print("refused")
elif action == "flood":
    socks = []
    for i in range(int(sys.argv[3])):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            pass
    time.sleep(0.5)
    for s in socks:
        try:
            s.send(b"GET /metrics HTTP/1.1\r\nHost:")
        except OSError:
            pass
    print("flooding", flush=True)
    while not os.path.exists(sys.argv[4]):
        time.sleep(0.05)
    for s in socks:
        s.close()
    print("flooded", len(socks))
elif action == "big":
    codes = set()
    for i in range(int(sys.argv[3])):
        s = conn()
        try:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
        except OSError:
            pass
        try:
            data = s.recv(64)
            codes.add(data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "closed")
        except OSError:
            codes.add("closed")
        s.close()
    print(" ".join(sorted(codes)))
EOF
clients() { python3 "$WORK/clients.py" "$P4" "$@"; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/${INSTANCE_PID[main]}/status"; }
rows() { echo $(($(wc -l <"$WORK/main.csv") - 1)); }

# The limit per address first, then the total (two addresses of loopback).
clients idle "$METRICS_PER_IP" 127.0.0.1 >"$WORK/idle.1" &
BACKGROUND+=($!)
IDLE1=$!
wait_for_text "$WORK/idle.1" held 10 || fail "idle clients did not connect"
expect_eq "one connection over the limit of an address is refused" "$(clients refused 127.0.0.1)" refused
expect_eq "another address is served meanwhile" "$(status --interface 127.0.0.2 "$URL/metrics")" 200
# That connection gone on the server's side too, before 127.0.0.2 takes its share.
for ((i = 0; i < 100; i++)); do
	[ -z "$(ss -Htn state established "( sport = :$P4 and dst 127.0.0.2 )")" ] && break
	sleep 0.05
done
clients idle "$METRICS_PER_IP" 127.0.0.2 >"$WORK/idle.2" &
BACKGROUND+=($!)
IDLE2=$!
wait_for_text "$WORK/idle.2" held 10 || fail "idle clients did not connect"
expect_eq "with every connection taken, one more is refused" "$(clients refused 127.0.0.3)" refused
rows0=$(rows)
in_client "$CONNBURST" -q -4 -n 20 -c 4 "$SERVER4" 8080 >/dev/null
wait_rows main $((rows0 + 20)) || true
expect_eq "with every connection held by idle clients, tracing goes on" "$(($(rows) - rows0))" 20
expect_match "and the text output reports the attempts" "$(tail -n 3 "$WORK/main.out")" \
	"198\\.18\\.0\\.2:8080 .* established"
wait "$IDLE1" "$IDLE2" || true
expect_match "the server closed the idle clients after its timeout (${METRICS_TIMEOUT_S} s)" \
	"$(cat "$WORK/idle.1" "$WORK/idle.2" | grep closed | tr '\n' ' ')" \
	"^closed $METRICS_PER_IP [$((METRICS_TIMEOUT_S - 1))-9] closed $METRICS_PER_IP [$((METRICS_TIMEOUT_S - 1))-9] \$"
expect_eq "then a scrape is served again" "$(status "$URL/metrics")" 200

rss0=$(rss_kb)
clients flood 3000 "$WORK/flood.stop" >"$WORK/flood" &
BACKGROUND+=($!)
FLOOD=$!
wait_for_text "$WORK/flood" flooding 10 || fail "the flood did not start"
rows0=$(rows)
in_client "$CONNBURST" -q -4 -n 10 -c 2 "$SERVER4" 8080 >/dev/null
wait_rows main $((rows0 + 10)) || true
expect_eq "tracing during the flood" "$(($(rows) - rows0))" 10
touch "$WORK/flood.stop"
wait "$FLOOD"
expect_match "a flood of 3000 half requests" "$(tail -n 1 "$WORK/flood")" '^flooded'
expect_match "requests with a 1 MiB header are refused" "$(clients big 50)" '^(431|413|closed)( (431|413|closed))*$'
sleep 0.5
expect_eq "a scrape is served after the flood" "$(status --max-time 5 "$URL/metrics")" 200
rss1=$(rss_kb)
if [ "$((rss1 - rss0))" -lt 16384 ]; then
	echo "ok - $TEST_NAME: memory after the flood: $rss0 -> $rss1 kB"
else
	fail "memory grew from $rss0 to $rss1 kB with the flood"
fi
rows0=$(rows)
in_client "$CONNBURST" -q -4 -n 10 -c 2 "$SERVER4" 8080 >/dev/null
wait_rows main $((rows0 + 10)) || true
expect_eq "tracing after the flood" "$(($(rows) - rows0))" 10
promtool check metrics < <(curl -s "$URL/metrics") >"$WORK/promtool.txt" 2>&1 || true
expect_eq "promtool check metrics" "$(cat "$WORK/promtool.txt")" ""
# The flood's own 3000 loopback connects make the kernel skip nested runs of
# the tracer's programs (whatever --dst says): counted, and allowed here.
STOP_ALLOW_SKIPPED=1 stop_instances
finish
