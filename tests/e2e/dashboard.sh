#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The live dashboard (--dashboard), driven inside tmux: the rows, verdicts and
# counts of a scenario with known outcomes, the stalls panel while a connect
# is pending, sorting, filtering, pausing, the detail view, a resize, -n, and
# the terminal restored after q, SIGTERM and SIGSEGV.  Without a terminal it
# falls back to streaming text; -n without --dashboard is a usage error.
. "$(dirname "$0")/../lib.sh"

# Our own /24 inside 198.18.0.0/15, so that rows of other tests running at the
# same time (their DNS-only rows, say) cannot be mistaken for ours.
NET=198.19.$((ID % 250 + 1))
# shellcheck disable=SC2034 # read by lab_up
CLIENT4=$NET.1
SERVER4=$NET.2
S4=${SERVER4//./\\.} # for regular expressions
TMUX_SOCKET=$WORK/tmux.sock # removed with $WORK
SESSION=dash

tm() { tmux -S "$TMUX_SOCKET" "$@"; }
screen() { tm capture-pane -p -t "$SESSION"; }
scrollback() { tm capture-pane -p -S -500 -t "$SESSION"; }
keys() { tm send-keys -t "$SESSION" "$@"; }
dashboard_pid() { pgrep -P "$(tm display -p -t "$SESSION" '#{pane_pid}')" -x synscope; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

# tm_stop: the last run's tmux server, gone.  kill-server returns before the
# server has exited, and a new-session that reaches the dying server fails
# with "server exited unexpectedly": wait for its process to end.
tm_stop() {
	local pid i
	pid=$(tm display -p '#{pid}' 2>/dev/null) || return 0
	tm kill-server 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	fail "tmux server $pid still running 5 s after kill-server"
}

# run_in_tmux CMD...: a 200x50 terminal running CMD, then its exit status.
run_in_tmux() {
	tm_stop
	rm -f "$WORK/exit" "$WORK/tracer.err"
	tm new-session -d -s "$SESSION" -x 200 -y 50 \
		"ulimit -c 0; stty -g >'$WORK/stty.before'; $*; echo \$? >'$WORK/exit'; stty -g >'$WORK/stty.after'; sleep 600"
}

start_dashboard() {
	run_in_tmux "'$SYNSCOPE' --dashboard --dst 198.18.0.0/15 --stall-ms 300 -i 0.3 2>'$WORK/tracer.err'"
	wait_for_text "$WORK/tracer.err" "tracing in" 60 || {
		fail "synscope did not start: $(cat "$WORK/tracer.err")"
		finish
	}
	wait_screen 'DESTINATIONS' 5 || fail "no dashboard on the screen"
}

# wait_screen REGEX SECONDS: until a line of the screen matches.
wait_screen() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

expect_screen() {
	if wait_screen "$2" 5; then
		echo "ok - $TEST_NAME: $1"
	else
		fail "$1: no line matches /$2/"
		screen | sed 's/^/#   | /'
	fi
}

expect_not_screen() {
	sleep 0.5
	if screen | grep -qE -- "$2"; then
		fail "$1: a line matches /$2/"
		screen | sed 's/^/#   | /'
	else
		echo "ok - $TEST_NAME: $1"
	fi
}

# row PORT VERDICT ATTEMPTS ESTAB FAIL TIMEOUT REFUSED OTHER: a table row's regex.
row() {
	local port=$1 verdict=$2
	shift 2
	printf '%s' "^[^ ]+ +$S4:$port +$verdict"
	printf ' +%s' "$@"
	printf ' '
}

# line_of REGEX: the screen line number of the first match.
line_of() { screen | grep -nE -- "$1" | head -n 1 | cut -d: -f1; }

# wait_exit SECONDS: the exit status of what runs in tmux.
wait_exit() {
	wait_for_text "$WORK/exit" '[0-9]' "$1" && cat "$WORK/exit"
}

expect_terminal_restored() {
	expect_eq "$1: alternate screen left" "$(tm display -p -t "$SESSION" '#{alternate_on}')" 0
	expect_eq "$1: cursor shown" "$(tm display -p -t "$SESSION" '#{cursor_flag}')" 1
	wait_for_text "$WORK/stty.after" . 5
	expect_eq "$1: tty modes restored" "$(cat "$WORK/stty.after")" "$(cat "$WORK/stty.before")"
}

lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport { 8082, 8093 } drop'
start_listener "$SERVER4" 8080
start_dns --address=/svc.test/"$SERVER4" --address=/api.test/"$SERVER4"

start_dashboard
in_client "$CONNBURST" -q -4 -n 5 svc.test 8080 >/dev/null
in_client "$CONNBURST" -q -n 3 "$SERVER4" 8081 >/dev/null
in_client "$CONNBURST" -q -4 -n 2 -c 2 api.test 8082 >/dev/null &
timeouts=$!
BACKGROUND+=("$timeouts")
in_client "$CONNBURST" -q -n 1 -t 2000 "$SERVER4" 8093 >/dev/null &
stalled=$!
BACKGROUND+=("$stalled")

# --- stalls panel, while the connects are pending ---------------------------
expect_screen "stalls panel counts the pending connects" '^STALLS +[0-9]+ connects? pending longer than 300ms'
expect_screen "stalls panel lists the connect to 8093" "^ *[0-9.]+m?s +[0-9]+ connburst +[0-9]+ +$S4:8093( |$)"
expect_screen "stalls panel lists the connects to 8082" "^ *[0-9.]+m?s +[0-9]+ connburst +[0-9]+ +$S4:8082( |$)"
if kill -0 "$stalled" 2>/dev/null; then
	echo "ok - $TEST_NAME: ... while the connect is still pending"
else
	fail "the connect to 8093 ended before the stall was seen"
fi
expect_screen "its row shows it in flight" "$(row 8093 '[a-z-]+' 0 0 0 0 0 0 '[0-9]+') +1 "
wait "$stalled" "$timeouts"

# --- the table: rows, verdicts and counts -------------------------------------
#                                                     ATT EST FAIL TMO REF OTHER
expect_screen "established row" "$(row 8080 ok 5 5 0 0 0 0)"
expect_screen "refused row" "$(row 8081 dns-ok/connect-refused 3 0 3 0 3 0)"
expect_screen "timeout row" "$(row 8082 dns-ok/connect-timeout 2 0 2 2 0 0)"
expect_screen "aborted row (other failures)" "$(row 8093 dns-ok/connect-timeout 1 0 1 0 0 1)"
expect_match "SYN retransmits of the timeouts" "$(screen | grep -E "$S4:8082 ")" \
	"$S4:8082 +dns-ok/connect-timeout( +[0-9]+){6} +[1-9][0-9]* "
expect_screen "stalls panel empty again" '^STALLS +none'
expect_screen "host name" "^svc\.test +$S4:8080 +ok "
expect_screen "the headline: resolved fine, connects time out" "^api\.test +$S4:8082 +dns-ok/connect-timeout "
expect_screen "header counts the lookups" "^DNS +ok [1-9]"
expect_screen "sorted by failures" 'sort: failures, highest first'
l81=$(line_of "$S4:8081 ")
l82=$(line_of "$S4:8082 ")
l93=$(line_of "$S4:8093 ")
l80=$(line_of "$S4:8080 ")
if [ "$l81" -lt "$l82" ] && [ "$l82" -lt "$l93" ] && [ "$l93" -lt "$l80" ]; then
	echo "ok - $TEST_NAME: most failures first: 8081, 8082, 8093, 8080"
else
	fail "failure order: lines 8081=$l81 8082=$l82 8093=$l93 8080=$l80"
fi

# --- sort: S goes back one column, to established ------------------------------
keys S
expect_screen "S sorts by established" 'sort: established, highest first'
if [ "$(line_of "$S4:8080 ")" -lt "$(line_of "$S4:8081 ")" ]; then
	echo "ok - $TEST_NAME: 8080 now above 8081"
else
	fail "sort by established did not move 8080 up"
fi
keys s
expect_screen "s sorts by failures again" 'sort: failures, highest first'

# --- filter ---------------------------------------------------------------------
keys / "$NET.2:8081" Enter
expect_screen "filter shown" "filter: $S4:8081"
expect_screen "filter keeps the matching row" "$(row 8081 dns-ok/connect-refused 3 0 3 0 3 0)"
expect_screen "filter: one destination" '^DESTINATIONS 1 of [0-9]+'
expect_not_screen "filter hides the others" "$S4:8080 "

# --- detail view of the filtered row -------------------------------------------
keys Enter
expect_screen "detail title" "^ svc\.test +$S4:8081 +dns-ok/connect-refused"
expect_screen "detail counts" '^attempts 3  established 0  refused 3  timeout 0'
expect_screen "detail sparkline" '^failures +\|.*\| +max [1-9][0-9]*/s'
expect_screen "detail retries: three with none" ' 0 #+ +3 +100%'
expect_screen "detail last failures" '^LAST FAILURES'
n=$(screen | grep -cE '^[0-9:.]+ +[0-9]+ connburst +refused +ECONNREFUSED +0 ')
expect_eq "detail lists the three refusals" "$n" 3
expect_screen "detail DNS" '^DNS LOOKUPS +(none seen|lookups)'
keys Escape
expect_screen "Esc: back to the table" '^DESTINATIONS 1 of'
keys Escape
expect_screen "Esc clears the filter" "$S4:8080 "

keys / "$NET.2:8080" Enter Enter
expect_screen "latency histogram title" '^HANDSHAKE LATENCY \(5 established\)'
expect_screen "latency histogram bars" '^ +[0-9]+(us|ms)-[0-9]+(us|ms) #+ +[1-5] +[0-9]+%'
expect_screen "latency percentiles" 'latency p50 [0-9.]+(us|ms) p90'
expect_screen "no failures" '^none$'
keys Enter Escape

# --- pause: the view stops, collection goes on ------------------------------------
keys p
expect_screen "paused" 'PAUSED'
in_client "$CONNBURST" -q -n 2 "$SERVER4" 8081 >/dev/null
sleep 1
expect_screen "paused view keeps the old count" "$(row 8081 dns-ok/connect-refused 3 0 3 0 3 0)"
keys p
expect_screen "resumed view has the new count" "$(row 8081 dns-ok/connect-refused 5 0 5 0 5 0)"

# --- resize -------------------------------------------------------------------------
tm resize-window -t "$SESSION" -x 100 -y 30
expect_screen "resized: help line at the bottom" '^ q quit'
expect_eq "resized: 30 lines" "$(screen | wc -l)" 30
expect_eq "resized: help line is the last" "$(screen | grep -n '^ q quit' | cut -d: -f1)" 30
expect_screen "resized: rows still shown" "$S4:8081 +dns-ok/connect-refused"

# --- q: the terminal back, the summary after it --------------------------------------
keys q
rc=$(wait_exit 10)
expect_eq "q: exit status" "$rc" 0
expect_terminal_restored "q"
if scrollback | grep -qE "^$S4:8081 "; then
	echo "ok - $TEST_NAME: summary printed after the dashboard"
else
	fail "no summary row for $SERVER4:8081 after the dashboard"
fi
expect_screen "accounting printed" '^events: produced [0-9]+'

# --- colours, and NO_COLOR ------------------------------------------------------------
start_dashboard
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8081 >/dev/null
expect_screen "a new session: a new table" "$(row 8081 connect-refused 1 0 1 0 1 0)"
if tm capture-pane -p -e -t "$SESSION" | grep -E "$S4:8081" | grep -q $'\e\\[[0-9;]*31m'; then
	echo "ok - $TEST_NAME: failures in red"
else
	fail "no red on the refused row"
fi
kill -TERM "$(dashboard_pid)"
rc=$(wait_exit 10)
expect_eq "SIGTERM: exit status" "$rc" 0
expect_terminal_restored "SIGTERM"

run_in_tmux "NO_COLOR=1 '$SYNSCOPE' --dashboard --dst 198.18.0.0/15 -i 0.3 -n 20 2>'$WORK/tracer.err'"
wait_for_text "$WORK/tracer.err" "tracing in" 60 || true
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8081 >/dev/null
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8080 >/dev/null
wait_screen "$S4:8080 +ok" 5 || fail "NO_COLOR: no rows"
if tm capture-pane -p -e -t "$SESSION" | grep -q $'\e\\[[0-9;]*3[0-7]m'; then
	fail "NO_COLOR: colours on the screen"
else
	echo "ok - $TEST_NAME: NO_COLOR: no colours"
fi
# --- -n: exits after ITER refreshes ----------------------------------------------------
rc=$(wait_exit 20)
expect_eq "-n 20: exit status" "$rc" 0
expect_terminal_restored "-n"

# --- Ctrl-C: SIGINT stops the session like q -------------------------------------------
start_dashboard
keys C-c
rc=$(wait_exit 10)
expect_eq "Ctrl-C: exit status" "$rc" 0
expect_terminal_restored "Ctrl-C"

# --- a fatal signal: the terminal is restored, then the signal does its work ------------
start_dashboard
kill -SEGV "$(dashboard_pid)"
rc=$(wait_exit 10)
expect_eq "SIGSEGV: killed by it" "$rc" 139
expect_terminal_restored "SIGSEGV"

# --- no terminal: one line, then streaming text ------------------------------------------
rc=0
"$SYNSCOPE" --dashboard --dst 198.18.0.0/15 -i 0.2 -n 3 >"$WORK/fallback.out" \
	2>"$WORK/fallback.err" </dev/null || rc=$?
expect_eq "no terminal: exit status" "$rc" 0
expect_eq "no terminal: one line about it" \
	"$(grep -c 'dashboard' "$WORK/fallback.err")" 1
expect_match "no terminal: says why" "$(cat "$WORK/fallback.err")" \
	'synscope: --dashboard: standard output is not a terminal; streaming text instead'
expect_match "no terminal: streaming text header" "$(head -n 1 "$WORK/fallback.out")" '^TIME +PID +COMM'

# --- -n without --dashboard ------------------------------------------------------------------
rc=0
out=$("$SYNSCOPE" -n 3 2>&1 >/dev/null) || rc=$?
expect_eq "-n without --dashboard: exit status" "$rc" 2
expect_eq "-n without --dashboard: one line" "$(wc -l <<<"$out")" 1
expect_match "-n without --dashboard: names the option" "$out" '^synscope: --iterations'
rc=0
"$SYNSCOPE" --dashboard -n 0 >/dev/null 2>&1 || rc=$?
expect_eq "-n 0: exit status" "$rc" 2
finish
