# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared by the host's tests (tests/e2e/*.sh, tests/run-scenario.sh, the
# benchmark): the helpers of tests/lib/scenario.sh (namespaces, servers, the
# tracer; POSIX sh, shared with the test VM) and tests/lib/check.sh
# (assertions), with this host's programs, a working directory $WORK (also
# $OUT, where result files go), and everything removed on exit.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYNSCOPE=${SYNSCOPE:-$ROOT/synscope}
CONNBURST=$ROOT/build/tools/connburst
LISTENER=$ROOT/build/tools/listener
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
WORK=$(mktemp -d "/tmp/synscope-$TEST_NAME.XXXXXX")
OUT=$WORK
BACKGROUND=() # more processes to kill at the end (see also `background PID`)
# shellcheck source=lib/scenario.sh
. "$ROOT/tests/lib/scenario.sh"
# shellcheck source=lib/check.sh
. "$ROOT/tests/lib/check.sh"

# A tmux server of the test's own, killed on exit: tm ARGS... runs tmux on it.
TMUX_SOCKET=$WORK/tmux.sock
tm() { tmux -S "$TMUX_SOCKET" "$@"; }

# own_subnet: the client and the server in a /24 of the test's own (NET),
# so that rows of other tests cannot be mistaken for its own; before lab_up.
own_subnet() {
	NET=198.19.$((ID % 250 + 1))
	CLIENT4=$NET.1
	SERVER4=$NET.2
}

# cleanup [STATUS]: at exit (STATUS: the script's, for traps that run more first).
cleanup() {
	local rc=${1:-$?} pid
	[ ! -S "$TMUX_SOCKET" ] || tm kill-server 2>/dev/null || true
	for pid in "${BACKGROUND[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	lab_down
	if [ "$rc" -eq 0 ] && [ "$FAILURES" -eq 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "# kept $WORK"
	fi
}
trap cleanup EXIT

# --- the tracer, checked ------------------------------------------------------

# start_tracer [synscope args]: tracer_start, or the test fails here.
start_tracer() {
	tracer_start "$@" && return 0
	show "$WORK/tracer.err" "$WORK/verbose.log" >&2
	fail "synscope did not start"
	exit 1
}

# stop_tracer [SIGNAL [DROPPED]]: stop it (SIGINT by default) and expect exit
# 0 and an event accounting in which every event produced was delivered but
# the DROPPED ones (a regular expression, 0 by default).
stop_tracer() {
	tracer_stop "${1:-INT}"
	check_tracer_exit "${2:-0}"
}

# wait_tracer [DROPPED]: the same for a synscope that exits by itself (--duration).
wait_tracer() {
	tracer_wait
	check_tracer_exit "${1:-0}"
}

check_tracer_exit() {
	expect_eq "synscope exit status" "$(cat "$WORK/status")" "exit 0"
	check_accounting "$WORK/tracer.out" "$1"
}

# attempts COL... : columns of $WORK/attempts.csv
attempts() { csv_rows "$WORK/attempts.csv" "$@"; }

# lookups COL... : columns of $WORK/dns.csv
lookups() { csv_rows "$WORK/dns.csv" "$@"; }

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
		show "$WORK/tracer.err" "$WORK/tracer.out"
		exit 1
	fi
	exit 0
}

# expect_whole_rows NAME FILE FIELDS: every line of FILE ends with CRLF and has FIELDS fields.
expect_whole_rows() {
	expect_eq "$1: every row whole ($3 fields, CRLF)" \
		"$(tr -d '\r' <"$2" | awk -F, -v n="$3" 'NF != n' | wc -l),$(grep -vc $'\r$' "$2")" "0,0"
}

# burst_then SIGNAL PID CONNBURST-ARGS...: connects from the client in the
# background ($BURST), and SIGNAL to PID a second later.
burst_then() {
	local sig=$1 pid=$2
	shift 2
	in_client "$CONNBURST" -q "$@" >/dev/null 2>&1 &
	BURST=$!
	BACKGROUND+=("$BURST")
	sleep 1
	kill -"$sig" "$pid"
}

# --- BPF objects ------------------------------------------------------------

# bpf_ids PID: the programs, maps and links PID holds, one "prog|map|link ID" a line.
bpf_ids() {
	{ grep -hE '^(prog|map|link)_id:' /proc/"$1"/fdinfo/* 2>/dev/null || true; } |
		sed -E 's/^([a-z]+)_id:[[:space:]]*/\1 /' | sort -u
}

# bpf_left IDS: those of IDS (bpf_ids lines) the kernel still has after up
# to 10 s (freeing waits for an RCU grace period); empty when none.
bpf_left() {
	local i left kind id
	for ((i = 0; i < 100; i++)); do
		left=$(while read -r kind id; do
			[ -n "$id" ] && bpftool "$kind" show id "$id" >/dev/null 2>&1 && echo "$kind $id"
		done <<<"$1")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "$left"
}

# slots_taken PID: how many slots of the socks map PID holds are taken by a
# socket (a slot is given back once nothing is followed on its socket).
slots_taken() {
	local kind id
	while read -r kind id; do
		[ "$kind" = map ] || continue
		bpftool -j map show id "$id" | jq -e '.name == "socks"' >/dev/null || continue
		bpftool -j map dump id "$id" | jq '[.[] | (.formatted // .) | select(.value.cookie != 0)] | length'
		return 0
	done <<<"$(bpf_ids "$1")"
	echo "no socks map"
}

# synscope_progs: the IDs of loaded programs that carry one of synscope's names.
synscope_progs() {
	bpftool prog show 2>/dev/null |
		sed -nE 's/^([0-9]+): .* name (btf_inet_sock_set_state|btf_tcp_retransmit_skb|btf_tcp_destroy_sock|cgroup_connect[46]|cgroup_getsockopt|tp_sys_exit_connect|dns_egress|dns_ingress|dns_socket_filter|fentry_tcp_v[46]_connect|fexit_tcp_v[46]_connect|kprobe_tcp_v[46]_connect|kretprobe_tcp_v[46]_connect)(_takeover)? .*/\1/p' |
		sort -n
}
