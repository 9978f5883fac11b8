#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A wall-clock step while tracing (an LD_PRELOAD moves CLOCK_REALTIME by an
# hour for synscope alone): times written after it follow the new clock,
# and every summary snapshot, the last one too, is on the clock the others
# use.
. "$(dirname "$0")/../lib.sh"

STEP_S=3600
cc -shared -fPIC -O2 -Wall -Werror -o "$WORK/clock_step.so" "$ROOT/tests/e2e/clock_step_shim.c" -ldl

# csv_epoch TIME...: each ISO time (2026-12-01T12:00:00.123456Z) in whole seconds.
csv_epoch() {
	local t
	for t in "$@"; do date -u -d "${t%.*}" +%s; done
}

lab_up
start_listener "$SERVER4" 8083
LD_PRELOAD=$WORK/clock_step.so CLOCK_STEP_FILE=$WORK/step CLOCK_STEP_S=$STEP_S \
	start_tracer --summary-csv "$WORK/summary.csv" --interval 2 --duration 5
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8083 >/dev/null
before=$(date +%s)
sleep 0.5
touch "$WORK/step"
sleep 0.5
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8083 >/dev/null
after=$(date +%s)
wait_tracer

mapfile -t ts < <(attempts ts_ns)
expect_eq "two attempts" "${#ts[@]}" 2
skew=$((${ts[0]:-0} / 1000000000 - before))
expect_match "the attempt before the step is on the old clock (skew ${skew}s)" "$skew" '^-?[01]$'
skew=$((${ts[1]:-0} / 1000000000 - after - STEP_S))
expect_match "the attempt after the step is on the new clock (skew ${skew}s)" "$skew" '^-?[01]$'
expect_match "the step was noticed" "$(cat "$WORK/tracer.err")" \
	'wall clock stepped by \+3600\.[0-9]+ s'

# Snapshots at about 2 s and 4 s, and the last one at exit (5 s): all after
# the step, on one clock.
mapfile -t snaps < <(csv_rows "$WORK/summary.csv" snapshot_ts | uniq)
mapfile -t snaps < <(csv_epoch "${snaps[@]}")
expect_ge "snapshots" "${#snaps[@]}" 3
n=${#snaps[@]}
gap=$((snaps[n - 1] - snaps[n - 2]))
expect_match "the last snapshot is on the clock of the one before (${gap}s later)" "$gap" '^[0-3]$'
skew=$((snaps[0] - before - STEP_S))
expect_match "the first snapshot follows the step (skew ${skew}s)" "$skew" '^[0-3]$'
finish
