#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Signals.  SIGINT or SIGTERM at any moment (during start-up, under a burst,
# with the dashboard on) ends with the CSV files written, the summary and
# status 0; a reader of stdout that goes away (synscope | head) ends it
# quietly with status 0; SIGHUP reopens the CSV files at their paths with
# no row lost or written twice; after kill -9 the kernel holds nothing of
# synscope's.
. "$(dirname "$0")/../lib.sh"

TMUX_SOCKET=$WORK/tmux.sock
tm() { tmux -S "$TMUX_SOCKET" "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

lab_up
start_listener "$SERVER4" 8080
baseline_progs=$(synscope_progs)

# expect_no_leftovers WHAT: no program of synscope's names but those loaded before the test.
expect_no_leftovers() {
	local i extra
	for ((i = 0; i < 100; i++)); do
		extra=$(comm -13 <(echo "$baseline_progs") <(synscope_progs))
		[ -z "$extra" ] && break
		sleep 0.1
	done
	expect_eq "$1: no program of synscope's left" "$extra" ""
}

# --- start-up: a signal while it probes, loads, attaches --------------------
# The handlers come first, before any BPF call: a script's background job
# inherits SIGINT ignored, and a SIGINT before them would be lost.
strace -f -qq -e trace=rt_sigaction,bpf -o "$WORK/strace.out" \
	"$SYNSCOPE" --dst 198.18.0.0/15 -d 0.2 >/dev/null 2>&1 || true
first_handler=$(grep -n -m1 'rt_sigaction(SIGINT, {sa_handler=0x' "$WORK/strace.out" | cut -d: -f1)
first_bpf=$(grep -n -m1 ' bpf(' "$WORK/strace.out" | cut -d: -f1)
expect_match "SIGINT handled before the first bpf() call (lines ${first_handler:-none} < ${first_bpf:-none})" \
	"$((${first_handler:-999999} < ${first_bpf:-0}))" '^1$'

# caught PID: SIGINT (2) and SIGTERM (15) have handlers.
caught() {
	local mask
	mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$mask" ] && (((0x$mask & 0x4002) == 0x4002))
}

for sig_delay in INT:0 INT:0.02 TERM:0.05 INT:0.1 TERM:0.25 INT:0.5 TERM:0.8 INT:1.2; do
	sig=${sig_delay%:*} delay=${sig_delay#*:}
	rm -f "$WORK/start.csv"
	"$SYNSCOPE" --dst 198.18.0.0/15 --csv "$WORK/start.csv" >"$WORK/start.out" 2>"$WORK/start.err" &
	pid=$!
	for ((i = 0; i < 2000; i++)); do caught "$pid" && break; sleep 0.005; done
	sleep "$delay"
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	expect_eq "SIG$sig ${delay}s after start: exit status" "$rc" 0
	expect_match "SIG$sig ${delay}s after start: event accounting printed" "$(cat "$WORK/start.out")" $'(^|\n)events: produced 0, delivered 0, dropped 0 '
	expect_eq "SIG$sig ${delay}s after start: CSV header" "$(head -c 7 "$WORK/start.csv")" "ts_iso,"
	expect_eq "SIG$sig ${delay}s after start: nothing on stderr but the start" \
		"$(grep -v '^synscope: tracing in ' "$WORK/start.err" || true)" ""
done
expect_no_leftovers "signals during start-up"

# --- SIGTERM under a burst ----------------------------------------------------
start_tracer --summary-csv "$WORK/summary.csv" -i 0.2
ids=$(bpf_ids "$TRACER_PID")
# 2 s of connects, the signal after 1.
burst_then TERM "$TRACER_PID" -n 8000 -c 50 -r 4000 "$SERVER4" 8080
wait_tracer
# shellcheck disable=SC2153 # set by burst_then
wait "$BURST"
rows=$(($(wc -l <"$WORK/attempts.csv") - 1))
expect_ge "attempts written under the burst" "$rows" 1000
expect_whole_rows "SIGTERM" "$WORK/attempts.csv" 19
expect_match "summary printed" "$(cat "$WORK/tracer.out")" $'\nDESTINATION +'
# Each snapshot ends with the host-wide row (daddr *): the one before it.
expect_match "last snapshot has the destination" "$(tail -n 2 "$WORK/summary.csv" | head -n 1)" \
	",ipv4,$SERVER4,8080,"
expect_match "last snapshot ends with the host-wide row" "$(tail -n 1 "$WORK/summary.csv")" ",,\\*,,"
expect_eq "SIGTERM: programs, maps and links released" "$(bpf_left "$ids")" ""

# --- SIGPIPE: synscope | head -n 3 ------------------------------------------
{
	timeout 20 "$SYNSCOPE" --dst 198.18.0.0/15 --csv "$WORK/pipe.csv" 2>"$WORK/pipe.err" |
		head -n 3 >"$WORK/head.out"
	echo "${PIPESTATUS[0]}" >"$WORK/pipe.rc"
} &
pipeline=$!
wait_for_text "$WORK/pipe.err" "tracing in" 60 || fail "synscope | head did not start"
pid=$(pgrep -f -- "^$SYNSCOPE --dst 198.18.0.0/15 --csv $WORK/pipe.csv")
BACKGROUND+=("$pid")
ids=$(bpf_ids "$pid")
# Two attempt lines after the header: head exits, nothing more is printed.
in_client "$CONNBURST" -q -n 2 "$SERVER4" 8080 >/dev/null
wait "$pipeline"
expect_eq "synscope | head -n 3: synscope's exit status" "$(cat "$WORK/pipe.rc")" 0
expect_eq "head got the header and two attempts" "$(wc -l <"$WORK/head.out")" 3
expect_eq "synscope | head: quiet" "$(grep -v '^synscope: tracing in ' "$WORK/pipe.err" || true)" ""
expect_eq "synscope | head: the CSV has both attempts" "$(($(wc -l <"$WORK/pipe.csv") - 1))" 2
expect_eq "synscope | head: programs, maps and links released" "$(bpf_left "$ids")" ""

# --- SIGHUP: log rotation ---------------------------------------------------
start_tracer --summary-csv "$WORK/summary.csv" --dns-csv "$WORK/dns.csv" -i 0.2
in_client "$CONNBURST" -q -n 900 -r 300 -o "$WORK/results.tsv" "$SERVER4" 8080 >/dev/null &
burst=$!
BACKGROUND+=("$burst")
sleep 1
mv "$WORK/attempts.csv" "$WORK/attempts.csv.1"
mv "$WORK/summary.csv" "$WORK/summary.csv.1"
kill -HUP "$TRACER_PID"
sleep 0.5
kill -HUP "$TRACER_PID" # not moved: appended to, no second header
sleep 0.5
mv "$WORK/attempts.csv" "$WORK/attempts.csv.2"
kill -HUP "$TRACER_PID"
wait "$burst"
stop_tracer
for f in attempts.csv.1 attempts.csv.2 attempts.csv; do
	expect_eq "$f: one header, on top" "$(grep -n '^ts_iso,' "$WORK/$f" | cut -d: -f1)" 1
	expect_ge "$f: rows" "$(($(wc -l <"$WORK/$f") - 1))" 1
done
expect_eq "summary.csv.1 and summary.csv: a header each" \
	"$(head -qn 1 "$WORK/summary.csv.1" "$WORK/summary.csv" | cut -d, -f1 | tr '\n' ' ')" "snapshot_ts snapshot_ts "
expect_eq "dns.csv: one header" "$(grep -c '^ts_iso,' "$WORK/dns.csv")" 1
rows=$(for f in attempts.csv.1 attempts.csv.2 attempts.csv; do csv_rows "$WORK/$f" sport ts_ns; done)
expect_eq "rows in the three files = attempts made" "$(wc -l <<<"$rows")" 900
expect_eq "no row written twice" "$(sort <<<"$rows" | uniq -d)" ""
# Source ports come back (the server closes first): compared as lists.
expect_rows "the rows' source ports are the generator's" \
	"$(awk -F'\t' 'NR > 1 { print $6 }' "$WORK/results.tsv")" "$(cut -f1 <<<"$rows")"

# --- SIGINT under a burst, dashboard in tmux --------------------------------
rm -f "$WORK/attempts.csv" "$WORK/tracer.err"
tm new-session -d -s dash -x 200 -y 50 \
	"'$SYNSCOPE' --dashboard --dst 198.18.0.0/15 -i 0.3 --csv '$WORK/attempts.csv' 2>'$WORK/tracer.err'; echo \$? >'$WORK/dash.rc'; sleep 600"
wait_for_text "$WORK/tracer.err" "tracing in" 60 || fail "the dashboard did not start"
pid=$(pgrep -f -- "^$SYNSCOPE --dashboard --dst 198.18.0.0/15 -i 0.3 --csv $WORK/attempts.csv")
BACKGROUND+=("$pid")
ids=$(bpf_ids "$pid")
burst_then INT "$pid" -n 6000 -c 50 -r 3000 "$SERVER4" 8080
wait_for_text "$WORK/dash.rc" '[0-9]' 20
wait "$BURST"
expect_eq "dashboard, SIGINT: exit status" "$(cat "$WORK/dash.rc")" 0
acct=$(tm capture-pane -p -J -S -100 -t dash | grep '^events:' || true)
produced=$(sed -n 's/^events: produced \([0-9]*\).*/\1/p' <<<"$acct")
expect_match "dashboard, SIGINT: the accounting printed after the terminal came back" "$acct" '^events: produced [0-9]+, delivered [0-9]+, dropped 0 '
expect_eq "dashboard, SIGINT: delivered = produced" "$(sed -n 's/.*delivered \([0-9]*\).*/\1/p' <<<"$acct")" "$produced"
expect_ge "dashboard, SIGINT: attempts written" "$(($(wc -l <"$WORK/attempts.csv") - 1))" 1000
expect_whole_rows "dashboard, SIGINT" "$WORK/attempts.csv" 19
expect_eq "dashboard, SIGINT: programs, maps and links released" "$(bpf_left "$ids")" ""
tm kill-server

# --- kill -9: nothing of synscope stays in the kernel -----------------------
kill_args=("" "--dns-capture packet")
[ -d /sys/kernel/tracing/events/syscalls ] && kill_args+=("--connect-errors")
for args in "${kill_args[@]}"; do
	# shellcheck disable=SC2086 # the options, word-split on purpose
	start_tracer $args
	ids=$(bpf_ids "$TRACER_PID")
	expect_match "kill -9 ${args:-(defaults)}: programs, maps and links seen" "$(tr '\n' ' ' <<<"$ids")" 'link [0-9]+ .*map [0-9]+ .*prog [0-9]+'
	in_client "$CONNBURST" -q -n 20 "$SERVER4" 8080 >/dev/null
	kill -KILL "$TRACER_PID"
	wait "$TRACER_PID" 2>/dev/null || true
	TRACER_PID=
	expect_eq "kill -9 ${args:-(defaults)}: no program, map or link left" "$(bpf_left "$ids")" ""
done
expect_no_leftovers "kill -9"
finish
