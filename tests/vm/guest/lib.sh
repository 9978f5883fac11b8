# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# The test VM's own helpers (busybox sh), beside the scenario helpers it
# shares with the host (tests/lib/scenario.sh, here /etc/vm/scenario.sh).
#
# Result files go to /results/MODE/SCENARIO and are printed on the console,
# one line each, prefixed with "@@|MODE/SCENARIO/FILE|"; "@@+|PATH"
# announces a file, so that empty files arrive too.  Lines starting with
# "# " are progress for humans.

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

# The kernel's first IPv4 and IPv6 connects turn static keys off
# (net_get_random_once(): the hash secrets), that is, patch the kernel's code
# live, from a workqueue, while the traffic that asked for them runs.  Under
# QEMU's multi-threaded TCG a vCPU once executed a breakpoint that the
# patching had already taken out again, and the guest panicked ("Oops:
# int3" in inet6_ehashfn, the first IPv6 connect of the run, 6.12).  So those
# first connects are made here, in a namespace of their own, before any
# scenario, and given a second to settle.
warm_up_once_keys() {
	ip netns add warmup
	ip -n warmup link set lo up
	ip netns exec warmup "$CONNBURST" -q -n 1 127.0.0.1 9 >/dev/null 2>&1 || true
	ip netns exec warmup "$CONNBURST" -q -n 1 ::1 9 >/dev/null 2>&1 || true
	ip netns del warmup
	sleep 1
}

kernel_check() {
	local rc=0
	mkdir -p /results/check
	synscope --check >/results/check/check.txt 2>&1 || rc=$?
	echo "$rc" >/results/check/status
	emit_dir check
}

# --- scenarios --------------------------------------------------------------

# guest_run MODE NAME COMMAND...: COMMAND in attach mode MODE, in a subshell
# with set -eu, its result files in /results/MODE/NAME, then on the console.
guest_run() {
	local t0 mode=$1 name=$2
	shift 2
	t0=$(uptime_s)
	OUT=/results/$mode/$name
	# shellcheck disable=SC2034 # read by tracer_start
	PROBE_MODE=$mode
	mkdir -p "$OUT"
	(
		set -eu
		"$@"
	) >"$OUT/run.log" 2>&1
	lab_down
	emit_dir "$mode/$name"
	log "$mode/$name: done in $(since "$t0") s"
}

# guest_scenario MODE NAME: /etc/vm/scenarios/NAME.sh in attach mode MODE
# (run_scenario in scenario.sh).
guest_scenario() { guest_run "$1" "$2" run_scenario "/etc/vm/scenarios/$2.sh"; }

# --- kill -9 ----------------------------------------------------------------

KILL9_CONNECTS=20

# kill9_ids PID: the programs, maps and links PID holds, one "prog|map|link ID" a line.
kill9_ids() {
	{ grep -hE '^(prog|map|link)_id:' /proc/"$1"/fdinfo/* 2>/dev/null || true; } |
		sed -E 's/^([a-z]+)_id:[[:space:]]*/\1 /' | sort -u
}

# kill9_state WHEN: what the kernel holds, in $OUT/*.WHEN: bpftool's listings
# of every program, map and link, the kprobes (debugfs's list has those made
# through the perf PMU too) and tracefs's kprobe_events, read through
# debugfs's automount (not where synscope or libbpf look for tracefs).
kill9_state() {
	for _kind in prog map link; do
		bpftool "$_kind" show >"$OUT/$_kind.$1" 2>&1 || echo "bpftool failed: $?" >>"$OUT/$_kind.$1"
	done
	cat /run/debug/kprobes/list >"$OUT/kprobes.$1" 2>&1 || true
	cat /run/debug/tracing/kprobe_events >"$OUT/kprobe_events.$1" 2>&1 || true
}

# kill9_left WHEN: those of $OUT/ids.tracing in bpftool's listings $OUT/*.WHEN.
kill9_left() {
	for _kind in prog map link; do
		sed -n "s/^\([0-9]*\): .*/$_kind \1/p" "$OUT/$_kind.$1"
	done | grep -Fxf "$OUT/ids.tracing" || true
}

# kill9_run: synscope traces some connects and is killed with SIGKILL; the
# kernel's state before it started, while it traced and after: once none of
# its objects is listed and the kprobes are as before, or after 10 s (the
# kernel frees them after an RCU grace period).
kill9_run() {
	step lab
	lab_up >"$OUT/lab.log" 2>&1
	step setup
	start_listener "$SERVER4" 8080 >"$OUT/setup.log" 2>&1
	kill9_state before
	step tracer
	tracer_start
	kill9_ids "$TRACER_PID" >"$OUT/ids.tracing"
	step traffic
	in_client "$CONNBURST" -q -n "$KILL9_CONNECTS" "$SERVER4" 8080 >"$OUT/traffic.log" 2>&1
	echo "$KILL9_CONNECTS" >"$OUT/connects"
	_i=0 # until the CSV has them (written every 100 ms), for up to 10 s
	while [ $(($(wc -l <"$OUT/attempts.csv") - 1)) -lt "$KILL9_CONNECTS" ] && [ "$_i" -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill9_state tracing
	step kill
	kill -KILL "$TRACER_PID"
	tracer_wait
	_t0=$(uptime_s)
	kill9_state after
	while [ -n "$(kill9_left after)" ] || ! cmp -s "$OUT/kprobes.before" "$OUT/kprobes.after"; do
		[ "$(since "$_t0" | cut -d. -f1)" -lt 10 ] || break
		sleep 0.1
		kill9_state after
	done
	step "done"
}
