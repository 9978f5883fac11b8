# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared by the end-to-end tests: a client and a server network namespace
# joined by a veth pair, the tracer running in the background, the CSV it
# writes, the client namespace's kernel counters, and assertions.
#
# Addresses: 198.18.0.0/15 and its IPv6 counterpart 2001:2::/48 (RFC 2544 and
# RFC 5180 benchmarking ranges) only.  Everything is removed on exit.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYNSCOPE=${SYNSCOPE:-$ROOT/synscope}
CONNBURST=$ROOT/build/tools/connburst
LISTENER=$ROOT/build/tools/listener
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/synscope-$TEST_NAME.XXXXXX")
ID=$$
NS_C=ssc$ID
NS_S=sss$ID
CLIENT4=198.18.0.1
SERVER4=198.18.0.2
CLIENT6=2001:2::1
SERVER6=2001:2::2
TRACER_PID=
FAILURES=0
BACKGROUND=()

log() { printf '# %s\n' "$*"; }

cleanup() {
	local pid
	for pid in "${BACKGROUND[@]}" $TRACER_PID; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	# Whatever still runs in the namespaces (listeners, dnsmasq), then them.
	local ns
	for ns in "$NS_C" "$NS_S"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ip netns del "$NS_C" 2>/dev/null || true
	ip netns del "$NS_S" 2>/dev/null || true
	rm -rf "/etc/netns/$NS_C"
	if [ "$FAILURES" -eq 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "# kept $WORK"
	fi
}
trap cleanup EXIT

# --- namespaces ---------------------------------------------------------

lab_up() {
	ip netns add "$NS_C"
	ip netns add "$NS_S"
	ip link add "c$ID" type veth peer name "s$ID"
	ip link set "c$ID" netns "$NS_C"
	ip link set "s$ID" netns "$NS_S"
	lab_ns_addrs "$NS_C" "c$ID" "$CLIENT4" "$CLIENT6"
	lab_ns_addrs "$NS_S" "s$ID" "$SERVER4" "$SERVER6"
}

lab_ns_addrs() {
	local ns=$1 dev=$2 a4=$3 a6=$4
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$a4/24" dev "$dev"
	ip -n "$ns" -6 addr add "$a6/64" dev "$dev" nodad
	ip -n "$ns" link set "$dev" up
}

in_client() { ip netns exec "$NS_C" "$@"; }
in_server() { ip netns exec "$NS_S" "$@"; }

client_sysctl() { in_client sysctl -q -w "$1"; }

# server_nft 'RULES': an inet table "t" with an input chain holding RULES.
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

# Start the test listener in the server namespace: ADDR PORT [listener args].
start_listener() {
	local out=$WORK/listener.$2
	in_server "$LISTENER" "$@" >"$out" 2>&1 &
	BACKGROUND+=($!)
	wait_for_text "$out" listening 10 || fail "listener on $1 port $2 did not start"
}

# --- the tracer -----------------------------------------------------------

wait_for_text() {
	local file=$1 text=$2 seconds=$3 i
	for ((i = 0; i < seconds * 20; i++)); do
		grep -q -- "$text" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# start_tracer [synscope args]: traces the test's networks only, writing
# $WORK/attempts.csv, $WORK/tracer.out and $WORK/tracer.err.
# TRACER_NS=NS runs it inside namespace NS.
start_tracer() {
	# Not the previous run's "tracing in": remove its files first.
	rm -f "$WORK/tracer.out" "$WORK/tracer.err"
	${TRACER_NS:+ip netns exec "$TRACER_NS"} "$SYNSCOPE" --dst 198.18.0.0/15 --dst 2001:2::/48 --csv "$WORK/attempts.csv" "$@" \
		>"$WORK/tracer.out" 2>"$WORK/tracer.err" &
	TRACER_PID=$!
	if ! wait_for_text "$WORK/tracer.err" "tracing in" 60; then
		cat "$WORK/tracer.err" >&2
		fail "synscope did not start"
		exit 1
	fi
}

# stop_tracer [SIGNAL [DROPPED]]: stop it (SIGINT by default), then wait_tracer.
stop_tracer() {
	sleep 0.3 # events are read at least every 100 ms
	kill -"${1:-INT}" "$TRACER_PID"
	wait_tracer "${2:-0}"
}

# wait_tracer [DROPPED]: expect exit 0 and an event accounting in which
# every event produced was delivered but the DROPPED ones (0 by default).
wait_tracer() {
	local rc=0 acct produced delivered
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	expect_eq "synscope exit status" "$rc" 0
	acct=$(grep '^events:' "$WORK/tracer.out" || true)
	expect_match "event accounting printed" "$acct" '^events: produced [0-9]+'
	expect_match "events dropped: ${1:-0}" "$acct" "dropped ${1:-0} "
	produced=$(sed -n 's/^events: produced \([0-9]*\).*/\1/p' <<<"$acct")
	delivered=$(sed -n 's/.*delivered \([0-9]*\).*/\1/p' <<<"$acct")
	expect_eq "events delivered = produced" "$delivered" "$produced"
}

# --- CSV ------------------------------------------------------------------

# csv_rows FILE COL... : the named columns of every row, tab-separated.
# The tests' data holds no quoted fields.
csv_rows() {
	local file=$1
	shift
	tr -d '\r' <"$file" | awk -F, -v cols="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; n = split(cols, want, " ");
			  for (i = 1; i <= n; i++) if (!(want[i] in idx)) { print "no column " want[i] > "/dev/stderr"; exit 1 } next }
		{ line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") $(idx[want[i]]); print line }'
}

# attempts COL... : columns of $WORK/attempts.csv
attempts() { csv_rows "$WORK/attempts.csv" "$@"; }

# --- kernel counters --------------------------------------------------------

# nstat_client NAME: absolute value of a counter in the client namespace
# (a fresh namespace starts at zero).
nstat_client() {
	NSTAT_HISTORY=$WORK/nstat.hist in_client nstat -a -z -s "$1" | awk -v n="$1" '$1 == n { print $2 }'
}

# --- assertions -----------------------------------------------------------

fail() {
	echo "not ok - $TEST_NAME: $*"
	FAILURES=$((FAILURES + 1))
}

expect_eq() {
	if [ "$2" == "$3" ]; then
		echo "ok - $TEST_NAME: $1 = $3"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

expect_match() {
	if [[ $2 =~ $3 ]]; then
		echo "ok - $TEST_NAME: $1"
	else
		fail "$1: '$2' does not match /$3/"
	fi
}

# expect_ge NAME ACTUAL MIN
expect_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		echo "ok - $TEST_NAME: $1 = $2 >= $3"
	else
		fail "$1: got '$2', expected at least $3"
	fi
}

# expect_lines NAME EXPECTED-TEXT ACTUAL-TEXT (sorted comparison)
expect_rows() {
	local want got
	want=$(sort <<<"$2")
	got=$(sort <<<"$3")
	if [ "$want" == "$got" ]; then
		echo "ok - $TEST_NAME: $1"
	else
		fail "$1"
		diff <(echo "$want") <(echo "$got") | sed 's/^/#   /' || true
	fi
}

# expect_usage_error ARGS...: synscope ARGS is bad input: exit status 2 and one
# line naming the option.
expect_usage_error() {
	local out rc=0
	out=$("$SYNSCOPE" "$@" 2>&1 >/dev/null) || rc=$?
	expect_eq "exit status of: synscope $*" "$rc" 2
	expect_eq "one line for: synscope $*" "$(wc -l <<<"$out")" 1
	expect_match "message names the option: synscope $*" "$out" "^synscope: .*${1%%=*}"
}

finish() {
	if [ "$FAILURES" -ne 0 ]; then
		log "tracer stderr:"
		sed 's/^/#   /' "$WORK/tracer.err" 2>/dev/null || true
		log "tracer stdout:"
		sed 's/^/#   /' "$WORK/tracer.out" 2>/dev/null || true
		exit 1
	fi
	exit 0
}

# --- DNS ----------------------------------------------------------------

# start_dns ARGS...: dnsmasq on $SERVER4:53 in the server namespace (extra
# dnsmasq arguments define the records); the client resolves through it,
# giving up after one second.
start_dns() {
	mkdir -p "/etc/netns/$NS_C"
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$SERVER4" >"/etc/netns/$NS_C/resolv.conf"
	in_server dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
		--listen-address="$SERVER4" --log-queries "$@" >"$WORK/dnsmasq.log" 2>&1 &
	BACKGROUND+=($!)
	wait_for_text "$WORK/dnsmasq.log" "started" 10 || fail "dnsmasq did not start"
}

# lookups COL... : columns of $WORK/dns.csv
lookups() { csv_rows "$WORK/dns.csv" "$@"; }
