# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# What the tests run, in POSIX sh so that one copy serves bash on the host
# (tests/lib.sh, tests/run-scenario.sh) and busybox sh in the test VM
# (tests/vm/guest/init): a client and a server network namespace joined by
# a veth pair, servers in them, synscope in the background, the client
# namespace's kernel counters, and one scenario of tests/scenarios/ run
# from its set-up to its expected outcomes (tests/vm/README.md says how to
# write one).  Checking results is the host's part: tests/lib/check.sh.
#
# The caller sets OUT, the directory every result file goes to, and may set
# SYNSCOPE, CONNBURST and LISTENER (default: found in PATH), PROBE_MODE
# (synscope's --probe-mode; default: synscope's own choice) and TRACER_NS
# (run synscope in that network namespace).
#
# Addresses: 198.18.0.0/15 and its IPv6 counterpart 2001:2::/48 (RFC 2544
# and RFC 5180 benchmarking ranges) only.

: "${SYNSCOPE:=synscope}" "${CONNBURST:=connburst}" "${LISTENER:=listener}"
ID=$$
NS_C=ssc$ID
NS_S=sss$ID
CLIENT4=198.18.0.1
SERVER4=198.18.0.2
CLIENT6=2001:2::1
SERVER6=2001:2::2
TRACER_PID=
BG_PIDS=

log() { printf '# %s\n' "$*"; }

# background PID: a process to kill when the namespaces go.
background() { BG_PIDS="$BG_PIDS $1"; }

# wait_for_text FILE TEXT SECONDS [PID]: until FILE has TEXT, or PID has exited.
wait_for_text() {
	_i=0
	while [ "$_i" -lt $(($3 * 20)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		[ -z "${4:-}" ] || kill -0 "$4" 2>/dev/null || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# --- namespaces ---------------------------------------------------------------

lab_up() {
	ip netns add "$NS_C"
	ip netns add "$NS_S"
	ip link add "c$ID" type veth peer name "s$ID"
	ip link set "c$ID" netns "$NS_C"
	ip link set "s$ID" netns "$NS_S"
	lab_ns_addrs "$NS_C" "c$ID" "$CLIENT4" "$CLIENT6"
	lab_ns_addrs "$NS_S" "s$ID" "$SERVER4" "$SERVER6"
}

# lab_ns_addrs NS DEV ADDR4 ADDR6
lab_ns_addrs() {
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$1" -6 addr add "$4/64" dev "$2" nodad
	ip -n "$1" link set "$2" up
}

# lab_down: the tracer, the background processes and whatever else runs in
# the namespaces (listeners, dnsmasq), then the namespaces.
lab_down() {
	[ -n "$TRACER_PID" ] || TRACER_PID=$(cat "$OUT/tracer.pid" 2>/dev/null) || true
	# Without the shell's notes on the jobs killed here ("Killed ...").
	{
		for _pid in $BG_PIDS $TRACER_PID; do
			kill -KILL "$_pid" || true
		done
		for _ns in "$NS_C" "$NS_S"; do
			for _pid in $(ip netns pids "$_ns"); do
				kill -KILL "$_pid" || true
			done
		done
		wait || true
	} 2>/dev/null
	BG_PIDS=
	TRACER_PID=
	rm -f "$OUT/tracer.pid"
	ip netns del "$NS_C" 2>/dev/null || true
	ip netns del "$NS_S" 2>/dev/null || true
	rm -rf "/etc/netns/$NS_C"
}

# loopback_client_ns ADDR: the client namespace NS_C with ADDR on its
# loopback only, for the benchmarks: every port, TIME_WAIT reused at once
# where the kernel lets it (6.13+; the client closes first), so that no
# window's port search depends on how long ago the last one ended, and an
# accept queue that never overflows.
loopback_client_ns() {
	ip netns add "$NS_C"
	ip -n "$NS_C" link set lo up
	ip -n "$NS_C" addr add "$1/32" dev lo
	client_sysctl net.ipv4.ip_local_port_range="1024 65535"
	client_sysctl net.ipv4.tcp_tw_reuse=1
	client_sysctl net.ipv4.tcp_tw_reuse_delay=1 2>/dev/null || true
	client_sysctl net.core.somaxconn=65535
}

in_client() { ip netns exec "$NS_C" "$@"; }
in_server() { ip netns exec "$NS_S" "$@"; }

client_sysctl() { in_client sysctl -q -w "$1"; }

# server_nft 'RULES' ['SET DEFINITIONS']: an inet table "t" with an input chain holding RULES.
server_nft() {
	in_server nft -f - <<EOF
table inet t {
	${2:-}
	chain input {
		type filter hook input priority 0; policy accept;
		$1
	}
}
EOF
}

# start_listener ADDR PORT [listener args]: the test listener in the server namespace.
start_listener() {
	in_server "$LISTENER" "$@" >"$OUT/listener.$2" 2>&1 &
	background $!
	wait_for_text "$OUT/listener.$2" listening 20 $! && return 0
	echo "listener on $1 port $2 did not start: $(cat "$OUT/listener.$2")" >&2
	return 1
}

# start_dns ARGS...: dnsmasq on $SERVER4:53 in the server namespace (extra
# dnsmasq arguments define the records); the client resolves through it,
# giving up after one second.
start_dns() {
	mkdir -p "/etc/netns/$NS_C"
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$SERVER4" >"/etc/netns/$NS_C/resolv.conf"
	in_server dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
		--listen-address="$SERVER4" --log-queries "$@" >"$OUT/dnsmasq.log" 2>&1 &
	background $!
	wait_for_text "$OUT/dnsmasq.log" started 20 $! && return 0
	echo "dnsmasq did not start: $(cat "$OUT/dnsmasq.log")" >&2
	return 1
}

# exits STATUS COMMAND...: COMMAND must exit with STATUS (a lookup that fails, say).
exits() {
	_want=$1
	shift
	_rc=0
	"$@" || _rc=$?
	[ "$_rc" -eq "$_want" ] && return 0
	echo "exit status $_rc, expected $_want: $*" >&2
	return 1
}

# --- the tracer -------------------------------------------------------------

# tracer_start [synscope args]: traces the test networks only, writing
# $OUT/attempts.csv, tracer.out, tracer.err and tracer.pid.  If it does not
# start, returns 1 with libbpf's log (-v) in $OUT/verbose.log.
tracer_start() {
	# Not the previous run's "tracing in": remove its files first.
	rm -f "$OUT/tracer.out" "$OUT/tracer.err" "$OUT/status"
	# shellcheck disable=SC2086 # TRACER_NS: words of a command
	${TRACER_NS:+ip netns exec $TRACER_NS} "$SYNSCOPE" ${PROBE_MODE:+--probe-mode "$PROBE_MODE"} \
		--dst 198.18.0.0/15 --dst 2001:2::/48 --csv "$OUT/attempts.csv" "$@" \
		>"$OUT/tracer.out" 2>"$OUT/tracer.err" &
	TRACER_PID=$!
	echo "$TRACER_PID" >"$OUT/tracer.pid"
	wait_for_text "$OUT/tracer.err" "tracing in" 120 "$TRACER_PID" && return 0
	kill -KILL "$TRACER_PID" 2>/dev/null || true
	wait "$TRACER_PID" || true
	TRACER_PID=
	rm -f "$OUT/tracer.pid"
	echo "did not start" >"$OUT/status"
	# shellcheck disable=SC2086
	${TRACER_NS:+ip netns exec $TRACER_NS} "$SYNSCOPE" -v --duration 1 \
		${PROBE_MODE:+--probe-mode "$PROBE_MODE"} --dst 198.18.0.0/15 --dst 2001:2::/48 \
		--csv "$OUT/verbose.csv" "$@" >"$OUT/verbose.log" 2>&1 || true
	return 1
}

# tracer_stop SIGNAL: stop it with SIGNAL (INT, TERM), then tracer_wait.
tracer_stop() {
	sleep 0.3 # events are read at least every 100 ms
	kill -"$1" "$TRACER_PID"
	tracer_wait
}

# tracer_wait: until synscope exits; $OUT/status gets "exit N".
tracer_wait() {
	_rc=0
	wait "$TRACER_PID" || _rc=$?
	TRACER_PID=
	rm -f "$OUT/tracer.pid"
	echo "exit $_rc" >"$OUT/status"
}

# --- CSV and kernel counters ------------------------------------------------

# csv_rows FILE COL...: the named columns of every row, tab-separated.
# The tests' data holds no quoted fields.
csv_rows() {
	_file=$1
	shift
	tr -d '\r' <"$_file" | awk -F, -v cols="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; n = split(cols, want, " ");
			  for (i = 1; i <= n; i++) if (!(want[i] in idx)) { print "no column " want[i] > "/dev/stderr"; exit 1 } next }
		{ line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") $(idx[want[i]]); print line }'
}

# nstat_client NAME: absolute value of a counter in the client namespace
# (a fresh namespace starts at zero).
nstat_client() {
	in_client env NSTAT_HISTORY="$OUT/nstat.hist" nstat -a -z -s "$1" | awk -v n="$1" '$1 == n { print $2 }'
}

# client_sysctl_value NAME: a sysctl of the client namespace, empty if the kernel has none.
client_sysctl_value() {
	in_client cat "/proc/sys/$(echo "$1" | tr . /)" 2>/dev/null || true
}

# syn_retries_until_timeout: how many SYN retransmits the client namespace's
# kernel sends before a connect whose SYNs all go unanswered times out
# (ETIMEDOUT), from its own settings.  The kernel gives up once
# (2^(tcp_syn_retries + 1) - 1) initial RTOs (1 s) have passed since the
# first SYN; it retransmits whenever its timer fires before that.  The
# timer doubles after each retransmit, except the first
# tcp_syn_linear_timeouts ones (6.5 and later; 4 by default), which wait
# one RTO each.  tcp_syn_retries=1: one retransmit on 6.1 (at 1 s, giving
# up at 3 s), two with linear timeouts (at 1 s and 2 s).
syn_retries_until_timeout() {
	_n=$(client_sysctl_value net.ipv4.tcp_syn_retries)
	_linear=$(client_sysctl_value net.ipv4.tcp_syn_linear_timeouts)
	_limit=$(((2 << _n) - 1))
	_t=0
	_rto=1
	_sent=0
	while [ $((_t + _rto)) -lt "$_limit" ]; do
		_t=$((_t + _rto))
		_sent=$((_sent + 1))
		[ "$_sent" -le "${_linear:-0}" ] || _rto=$((_rto * 2))
	done
	echo "$_sent"
}

# --- scenarios --------------------------------------------------------------

# What a scenario's expected() prints, one line each:
# want_attempts COUNT OUTCOME ERRNO SYN_RETRIES DADDR DPORT: COUNT attempts
# with those columns in the CSV ("-": no errno);
want_attempts() { echo "attempts $*"; }
# want_counter NAME VALUE: the client namespace's nstat counter NAME.
want_counter() { echo "counter $1 $2"; }

# step NAME: the scenario's current step, in $OUT/step; "done" at the end.
step() { echo "$1" >"$OUT/step"; }

# run_scenario FILE: one scenario (tests/vm/README.md), its result files in
# $OUT.  The caller runs it in a subshell with set -eu, so that a failing
# command stops it and $OUT/step names where, and calls lab_down after it.
run_scenario() {
	setup() { :; }
	TRACER_ARGS=
	# shellcheck source=/dev/null
	. "$1"
	step lab
	lab_up >"$OUT/lab.log" 2>&1
	step setup
	setup >"$OUT/setup.log" 2>&1
	step tracer
	# shellcheck disable=SC2086 # TRACER_ARGS is a list
	tracer_start $TRACER_ARGS
	step traffic
	traffic >"$OUT/traffic.log" 2>&1
	step stop
	tracer_stop INT
	step counters
	in_client env NSTAT_HISTORY="$OUT/nstat.hist" nstat -a -z -s >"$OUT/nstat.txt" 2>"$OUT/counters.log"
	step expected
	expected >"$OUT/expected.txt" 2>"$OUT/expected.log"
	step "done"
}
