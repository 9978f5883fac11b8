# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# Helpers of the test VM's /init and of the scenarios (busybox sh).
#
# A scenario runs in a client and a server network namespace joined by a veth
# pair, like tests/lib.sh on the host (198.18.0.0/15 and 2001:2::/48 only),
# with synscope running in the chosen attach mode.  Its result files go to
# $OUT (/results/MODE/SCENARIO) and are printed on the console, one line each,
# prefixed with "@@|MODE/SCENARIO/FILE|"; "@@+|PATH" announces a file, so that
# empty files arrive too.  Lines starting with "# " are progress for humans.

NS_C=client
NS_S=server
CLIENT4=198.18.0.1
SERVER4=198.18.0.2
CLIENT6=2001:2::1
SERVER6=2001:2::2
TRACER_PID=
BACKGROUND=

log() { echo "# $*"; }

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# since T: seconds from uptime T to now.
since() { awk -v t="$1" '{ printf "%.1f", $1 - t }' /proc/uptime; }

# This busybox runs its own applets before anything in PATH: iproute2's ip
# (for ip netns) by its path.
ip() { /usr/bin/ip "$@"; }

# --- getting results out ----------------------------------------------------

# emit_file PATH: print /results/PATH on the console.
emit_file() {
	echo "@@+|$1"
	awk -v p="@@|$1|" '{ print p $0 }' "/results/$1"
}

# emit_dir DIR: every file of /results/DIR.
emit_dir() {
	local f
	for f in "/results/$1"/*; do
		[ -f "$f" ] && emit_file "${f#/results/}"
	done
}

# --- kernel -----------------------------------------------------------------

# Modules listed in /etc/vm/modules, dependencies first (the host ordered them).
load_modules() {
	local ko out=/results/boot/modules.txt
	mkdir -p /results/boot
	: >"$out"
	while read -r ko; do
		if insmod "$ko" 2>>"$out"; then
			echo "loaded $ko" >>"$out"
		else
			echo "FAILED $ko" >>"$out"
		fi
	done </etc/vm/modules
}

kernel_check() {
	local rc=0
	mkdir -p /results/check
	synscope --check >/results/check/check.txt 2>&1 || rc=$?
	echo "$rc" >/results/check/status
	emit_dir check
}

# --- namespaces ---------------------------------------------------------------

lab_up() {
	ip netns add "$NS_C"
	ip netns add "$NS_S"
	ip link add c0 type veth peer name s0
	ip link set c0 netns "$NS_C"
	ip link set s0 netns "$NS_S"
	lab_ns_addrs "$NS_C" c0 "$CLIENT4" "$CLIENT6"
	lab_ns_addrs "$NS_S" s0 "$SERVER4" "$SERVER6"
}

lab_ns_addrs() {
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$1" -6 addr add "$4/64" dev "$2" nodad
	ip -n "$1" link set "$2" up
}

lab_down() {
	local pid
	for pid in $BACKGROUND $TRACER_PID; do
		kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	BACKGROUND=
	TRACER_PID=
	ip netns del "$NS_C" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	rm -rf "/etc/netns/$NS_C" "/etc/netns/$NS_S"
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

# start_listener ADDR PORT [listener args]: in the server namespace.
start_listener() {
	in_server listener "$@" >"$OUT/listener.$2" 2>&1 &
	BACKGROUND="$BACKGROUND $!"
	wait_for_text "$OUT/listener.$2" listening 20 $! || log "listener on $1 port $2 did not start"
}

# wait_for_text FILE TEXT SECONDS [PID]: until FILE has TEXT, or PID has exited.
wait_for_text() {
	local file="$1" text="$2" i=0
	while [ "$i" -lt $(($3 * 20)) ]; do
		grep -q -- "$text" "$file" 2>/dev/null && return 0
		[ -z "${4:-}" ] || kill -0 "$4" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# --- the tracer -------------------------------------------------------------

# start_tracer MODE [synscope args]: writes $OUT/attempts.csv, tracer.out and
# tracer.err.  If it does not start, $OUT/verbose.log gets libbpf's log (-v).
start_tracer() {
	local mode="$1"
	shift
	synscope --probe-mode "$mode" --dst 198.18.0.0/15 --dst 2001:2::/48 \
		--csv "$OUT/attempts.csv" "$@" >"$OUT/tracer.out" 2>"$OUT/tracer.err" &
	TRACER_PID=$!
	wait_for_text "$OUT/tracer.err" "tracing in" 120 "$TRACER_PID" && return 0
	kill -KILL "$TRACER_PID" 2>/dev/null
	wait "$TRACER_PID"
	TRACER_PID=
	echo "did not start" >"$OUT/status"
	synscope -v --duration 1 --probe-mode "$mode" --dst 198.18.0.0/15 --dst 2001:2::/48 \
		--csv "$OUT/verbose.csv" "$@" >"$OUT/verbose.log" 2>&1
	return 1
}

# stop_tracer: SIGINT; $OUT/status gets "exit N".
stop_tracer() {
	local rc=0
	sleep 0.3 # events are read at least every 100 ms
	kill -INT "$TRACER_PID"
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	echo "exit $rc" >"$OUT/status"
}

# --- scenarios --------------------------------------------------------------

# A scenario file (/etc/vm/scenarios/NAME.sh) defines traffic(), and may
# define setup() (run before the tracer starts) and TRACER_ARGS.
run_scenario() {
	local mode="$1" name="$2" t0
	t0=$(uptime_s)
	OUT=/results/$mode/$name
	mkdir -p "$OUT"
	(
		setup() { :; }
		TRACER_ARGS=
		# shellcheck source=/dev/null
		. "/etc/vm/scenarios/$name.sh"
		lab_up >"$OUT/lab.log" 2>&1
		setup >"$OUT/setup.log" 2>&1
		t1=$(uptime_s)
		# shellcheck disable=SC2086 # TRACER_ARGS is a list
		if start_tracer "$mode" $TRACER_ARGS; then
			log "$mode/$name: synscope started in $(since "$t1") s"
			traffic >"$OUT/traffic.log" 2>&1
			stop_tracer
		fi
		NSTAT_HISTORY=/tmp/nstat.hist in_client nstat -a -z -s 'Tcp*' 'Udp*' >"$OUT/nstat.txt" 2>&1
		lab_down
	)
	emit_dir "$mode/$name"
	log "$mode/$name: done in $(since "$t0") s"
}
