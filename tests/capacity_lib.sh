# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared by the capacity tests (tests/e2e/capacity_*.sh), after lib.sh:
# synscope running around a burst of tools/lab, its own lab instance
# (SYNLAB_PREFIX, SYNLAB_BLOCK), the summary CSV read with its quoting, its
# /metrics scraped at the end of the burst, and the burst's own counts.
# SYNSCOPE_LAB names another tools/lab.

# shellcheck source=metrics_lib.sh
. "$ROOT/tests/metrics_lib.sh"

LAB=${SYNSCOPE_LAB:-$ROOT/tools/lab}
export SYNLAB_PREFIX=scap$ID- SYNLAB_BLOCK=5
trap '"$LAB" down >/dev/null 2>&1 || true; cleanup' EXIT

lab() { "$LAB" "$@"; }

# kv FILE KEY: the value of KEY in a key=value file.
kv() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# lab_up ARGS...: the lab as ARGS say; SERVICE and DIRECT are its destinations.
lab_up() {
	lab up "$@" >"$WORK/lab-up.out" || {
		fail "lab up $*: $(cat "$WORK/lab-up.out")"
		finish
	}
	lab status --format kv >"$WORK/lab.kv"
	# shellcheck disable=SC2034 # read by the tests
	{
		SERVICE=$(kv "$WORK/lab.kv" service.addr)
		DIRECT=$(kv "$WORK/lab.kv" direct.addr)
		SERVICE_NAME=$(kv "$WORK/lab.kv" service.name)
		SERVICE_PORT=$(kv "$WORK/lab.kv" service.port)
	}
}

# traced_burst NAME [SYNSCOPE-ARGS...] -- [BURST-ARGS...]: synscope around
# a lab burst.  Its summary CSV is $WORK/NAME.csv, its output $WORK/NAME.out,
# its /metrics at the end of the burst $WORK/NAME.prom, the burst's counts
# $WORK/NAME/burst.kv.
traced_burst() {
	local name=$1 args=() port
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	port=$(free_port)
	start_tracer --summary-csv "$WORK/$name.csv" --metrics "127.0.0.1:$port" "${args[@]}"
	lab burst --out "$WORK/$name" "$@" >"$WORK/$name.burst" 2>&1 ||
		fail "lab burst $*: $(cat "$WORK/$name.burst")"
	scrape "$name" "$port"
	stop_tracer
	cp "$WORK/tracer.out" "$WORK/$name.out"
}

# scrape NAME PORT: synscope's /metrics into $WORK/NAME.prom once its
# per-attempt CSV holds every attempt of burst NAME (the collector had them
# all: rows are written after), and promtool's verdict on it.
scrape() {
	local want i
	want=$(awk -F= '/^load\.[a-z]+\.attempts=/ { s += $2 } END { print s + 0 }' \
		"$WORK/$1/burst.kv" 2>/dev/null || echo 0)
	for ((i = 0; i < 200; i++)); do
		[ "$(($(wc -l <"$WORK/attempts.csv") - 1))" -ge "$want" ] && break
		sleep 0.05
	done
	expect_ge "$1: the per-attempt CSV holds the burst's attempts" \
		"$(($(wc -l <"$WORK/attempts.csv") - 1))" "$want"
	curl -sf "http://127.0.0.1:$2/metrics" >"$WORK/$1.prom" || fail "$1: scrape of port $2"
	expect_eq "$1: promtool check metrics" "$(promtool check metrics <"$WORK/$1.prom" 2>&1)" ""
}

# samples NAME FAMILY: the samples of FAMILY in the scrape of run NAME, sorted.
samples() { grep "^$2[{ ]" "$WORK/$1.prom" | sort || true; }

# bk NAME KEY: a count of burst NAME (the load generator's, the NAT's, the ENIs').
bk() { kv "$WORK/$1/burst.kv" "$2"; }

# csv_select FILE COL...: the named columns, tab-separated, unquoted.
csv_select() { "$ROOT/tools/csv-columns" "$@"; }

# last_row NAME DADDR COL...: the columns of DADDR's row ("*": the host's) in
# the last snapshot of $WORK/NAME.csv, the one written at exit.
last_row() {
	local name=$1 daddr=$2
	shift 2
	csv_select "$WORK/$name.csv" daddr "$@" | awk -F'\t' -v a="$daddr" '$1 == a' | tail -n 1 |
		cut -f 2-
}

# capacity_lines NAME: the streaming CAPACITY lines of run NAME, without their time.
capacity_lines() { awk '$4 == "CAPACITY"' "$WORK/$1.out" | cut -c 14- | sed 's/^[- ]*//'; }

# capacity_section NAME: the capacity: section of run NAME's exit report.
capacity_section() { sed -n '/^capacity:/,/^events:/p' "$WORK/$1.out" | sed '$d'; }
