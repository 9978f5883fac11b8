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

kernel_check() {
	local rc=0
	mkdir -p /results/check
	synscope --check >/results/check/check.txt 2>&1 || rc=$?
	echo "$rc" >/results/check/status
	emit_dir check
}

# --- scenarios --------------------------------------------------------------

# guest_scenario MODE NAME: /etc/vm/scenarios/NAME.sh in attach mode MODE
# (run_scenario in scenario.sh), then its results on the console.
guest_scenario() {
	local t0
	t0=$(uptime_s)
	OUT=/results/$1/$2
	# shellcheck disable=SC2034 # read by tracer_start
	PROBE_MODE=$1
	mkdir -p "$OUT"
	(
		set -eu
		run_scenario "/etc/vm/scenarios/$2.sh"
	) >"$OUT/run.log" 2>&1
	lab_down
	emit_dir "$1/$2"
	log "$1/$2: done in $(since "$t0") s"
}
