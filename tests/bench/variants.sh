#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What each step of synscope's per-socket bookkeeping costs alone: for each
# set of programs of tests/bench/variants.bpf.c (build/tests/benchbpf
# variant), one window of make bench's connect loop (tools/benchloop on
# CPU 0, in a namespace of its own) with the set attached from CPU 1 and
# kernel.bpf_stats_enabled on; prints each program's runs, ns per run and
# ns per connection.  Root, under the shared lock:
#     flock -o /tmp/synscope-heavy.lock tests/bench/variants.sh \
#         storage_new storage_fill task_fill "hash_insert hash_delete" \
#         "slot_claim slot_release" spin_pair destroy_empty
# One argument is one set (programs separated by spaces).  Knobs:
# VARIANTS_WINDOW_S=3 seconds per window, VARIANTS_ROUNDS=1 passes over
# the sets.  bpf_stats' own floor per run: hooks_connect4 of `benchbpf
# floor`, or destroy_empty here for tcp_destroy_sock.
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$BENCH_DIR/../lib.sh"
# shellcheck source=SCRIPTDIR/measure.sh
. "$BENCH_DIR/measure.sh"

WINDOW_S=${VARIANTS_WINDOW_S:-3}
ROUNDS=${VARIANTS_ROUNDS:-1}
BENCHLOOP=$ROOT/build/tools/benchloop
BENCHBPF=$ROOT/build/tests/benchbpf
BENCH_ADDR=198.18.0.1
BENCH_PORT=8080

[ $# -gt 0 ] || {
	echo "usage: tests/bench/variants.sh 'PROGRAM...' ..." >&2
	exit 2
}
if [ ! -x "$BENCHLOOP" ] || [ ! -x "$BENCHBPF" ]; then
	echo "tests/bench/variants.sh: build first (make all build/tests/benchbpf)" >&2
	exit 1
fi
STATS_SAVED=$(sysctl -n kernel.bpf_stats_enabled)
trap 'rc=$?; sysctl -q -w kernel.bpf_stats_enabled="$STATS_SAVED"; cleanup "$rc"' EXIT
loopback_client_ns "$BENCH_ADDR"

loop() {
	taskset -c 0 ip netns exec "$NS_C" "$BENCHLOOP" connect "$BENCH_ADDR" "$BENCH_PORT" -d "$1" |
		sed -n 's/.* ops=\([0-9]*\) .*/\1/p'
}

# variant_window SET: one stats window with the programs of SET attached.
variant_window() {
	local ops i
	rm -f "$WORK/variant.err"
	# shellcheck disable=SC2086 # a list of program names
	taskset -c 1 "$BENCHBPF" variant "$(cgroup2_root)" $1 2>"$WORK/variant.err" &
	TRACER_PID=$!
	for ((i = 0; i < 200; i++)); do
		grep -qs "variant: attached" "$WORK/variant.err" && break
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.05
	done
	grep -qs "variant: attached" "$WORK/variant.err" || {
		cat "$WORK/variant.err" >&2
		exit 1
	}
	sysctl -q -w kernel.bpf_stats_enabled=1
	snapshot_progs "$TRACER_PID" "$WORK/before"
	ops=$(loop "$WINDOW_S")
	snapshot_progs "$TRACER_PID" "$WORK/after"
	sysctl -q -w kernel.bpf_stats_enabled=0
	kill -INT "$TRACER_PID"
	wait "$TRACER_PID"
	TRACER_PID=
	awk -v ops="$ops" 'NR == FNR { cnt[$1] = $4; ns[$1] = $5; next }
		{ c = $4 - cnt[$1]; t = $5 - ns[$1]
		  printf "%-15s runs per connection %5.2f  ns per run %6.0f  ns per connection %6.0f\n",
			$3, c / ops, c ? t / c : 0, t / ops }' "$WORK/before" "$WORK/after"
}

loop 1 >/dev/null # warm-up
for ((round = 1; round <= ROUNDS; round++)); do
	for set in "$@"; do
		echo "# round $round: $set"
		variant_window "$set"
	done
done
