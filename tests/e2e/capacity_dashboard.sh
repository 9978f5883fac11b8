#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The dashboard's capacity column and header line, driven in tmux, against
# the lab's NAT scaled down to 50 source ports (--nat-limit 50) and a burst
# of 80 held connects: NAT% in the warning colour while the burst passes 80%
# of the capacity, then 100 in the failure colour once capped; the
# CAPACITY header line with the host's figures, capped by the service's
# NAT limit; the capacity section after q.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/capacity_lib.sh"

PORTS=50
CONNECTS=80
TMUX_SOCKET=$WORK/tmux.sock # removed with $WORK
SESSION=capdash
BURST=

tm() { tmux -S "$TMUX_SOCKET" "$@"; }
screen() { tm capture-pane -p -t "$SESSION"; }
colours() { tm capture-pane -p -e -t "$SESSION"; }
scrollback() { tm capture-pane -p -S -500 -t "$SESSION"; }
dashboard_cleanup() {
	if [ -n "$BURST" ]; then
		kill -TERM "$BURST" 2>/dev/null || true
		wait "$BURST" 2>/dev/null || true
	fi
	tm kill-server 2>/dev/null || true
	"$LAB" down >/dev/null 2>&1 || true
	cleanup
}
trap dashboard_cleanup EXIT

# wait_screen REGEX SECONDS [COLOURS]: until a line of the screen (with its
# colours' escapes when COLOURS is given) matches.
wait_screen() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		{ [ -n "${3:-}" ] && colours || screen; } | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

expect_screen() {
	if wait_screen "$2" "${3:-10}" "${4:-}"; then
		echo "ok - $TEST_NAME: $1"
	else
		fail "$1: no line matches /$2/"
		{ [ -n "${4:-}" ] && colours | cat -v || screen; } | sed 's/^/#   | /'
	fi
}

lab_up --ports-per-ip $PORTS
S=${SERVICE//./\\.}
N=${SERVICE_NAME//./\\.}
tm new-session -d -s "$SESSION" -x 200 -y 50 \
	"'$SYNSCOPE' --dashboard --dst 198.18.0.0/15 --nat-limit $PORTS -i 0.3 2>'$WORK/tracer.err'; sleep 600"
wait_for_text "$WORK/tracer.err" "tracing in" 60 || fail "synscope did not start: $(cat "$WORK/tracer.err")"
expect_screen "the CAPACITY header line before any connect" \
	"^CAPACITY host 0 concurrent of ENI 65000 x 1: 0\.0%  peak 0  demand peak 0  ENIs needed 0  NAT $PORTS x 1 address per destination, warn at 80%"
expect_screen "the NAT% column" "^HOST +ADDRESS +VERDICT( +[A-Z]+){10} +NAT% "

lab burst --connects $CONNECTS --hold 60 --out "$WORK/burst" >"$WORK/burst.out" 2>&1 &
BURST=$!
# SGR escapes: yellow 33, red 31, just before the cell (right-aligned: its
# padding follows); NAT% is the cell before P50's latency (SYNRETX, also
# yellow and past 100 here, is followed by INFL's count).
row="^$N +$S:$SERVICE_PORT +[a-z/-]+"
sgr=$'\e\\[[0-9;]*'
nat_cell() { echo "$S:$SERVICE_PORT.*${sgr}$1m *$2(${sgr}m)+ +[0-9.]+(us|ms|s) "; }
expect_screen "past 80% of the NAT capacity: NAT% in the warning colour" \
	"$(nat_cell 33 '1[0-9][0-9](\.[0-9])?')" 6 colours
# 100 from the first retransmissions on (1 s): those attempts are not carried.
expect_screen "NAT% 100 once the attempts turned away retransmit" "$row( +[0-9]+){10} +100 " 20
# Capped at the first timeout (the clients' 2 SYN retries: about 7 s), the
# first evidence after the open count has been flat for 3 s.
# The host's plateau matches no ENI limit: it is the service's (the line
# then runs past 200 columns, and its end is cut).
expect_screen "capped: the CAPACITY header line, the host capped by the service's NAT limit" \
	"^CAPACITY host $PORTS concurrent of ENI 65000 x 1: 0\\.1%  peak $PORTS  demand peak $CONNECTS  ENIs needed 1  capped at $PORTS: capped by $S:$SERVICE_PORT: NAT Gateway port allocation, 1 address  NAT $PORTS x 1 address per" 20
expect_screen "capped: NAT% in the failure colour" "$(nat_cell 31 100)" 5 colours
expect_screen "the row's counts: 50 open, 30 timed out" \
	"$row +$CONNECTS +$PORTS +$((CONNECTS - PORTS)) +$((CONNECTS - PORTS)) +0 +0 +[0-9]+ +0 +$PORTS +$PORTS +100 "

tm send-keys -t "$SESSION" q
for ((i = 0; i < 100; i++)); do
	scrollback | grep -q '^events: produced' && break
	sleep 0.1
done
expect_match "after q: the capacity section" "$(scrollback)" \
	"  $S:$SERVICE_PORT $N: capped at $PORTS open connections while attempts were turned away: NAT Gateway port allocation, 1 address"
finish
