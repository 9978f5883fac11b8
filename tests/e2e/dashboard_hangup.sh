#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The dashboard's terminal goes away while SIGHUP is ignored (trap '' HUP,
# as nohup or a careless wrapper leaves it): synscope notices on its own,
# stops as on SIGTERM (CSV written and closed, summary, exit 0) and does
# not spin on a keyboard that is no longer there.
. "$(dirname "$0")/../lib.sh"

own_subnet

# cpu_ticks PID: user + system time so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

lab_up
start_listener "$SERVER4" 8084
tm new-session -d -s hup -x 160 -y 40 \
	"trap '' HUP; '$SYNSCOPE' --dashboard --dst $NET.0/24 --csv '$WORK/attempts.csv' -i 0.2 \
		2>'$WORK/tracer.err'; echo \$? >'$WORK/exit'"
wait_for_text "$WORK/tracer.err" "tracing in" 60 || fail "synscope did not start: $(cat "$WORK/tracer.err")"
pid=$(pgrep -P "$(tm display -p -t hup '#{pane_pid}')" -x "$(basename "$SYNSCOPE")" || true)
[ -n "$pid" ] || { fail "no synscope process in the tmux pane"; finish; }
# Killed on exit whatever happens: one that spins would otherwise outlive the test.
BACKGROUND+=("$pid")
in_client "$CONNBURST" -q -n 3 "$SERVER4" 8084 >/dev/null
sleep 0.5

before=$(cpu_ticks "$pid")
used=0
tm kill-server
# Up to 5 s for it to end, its CPU time read while it runs.
for ((i = 0; i < 50; i++)); do
	[ -s "$WORK/exit" ] && break
	now=$(cpu_ticks "$pid")
	[ "$now" -gt 0 ] && used=$((now - before))
	sleep 0.1
done
if [ -s "$WORK/exit" ]; then
	expect_eq "exit status after the terminal went away" "$(cat "$WORK/exit")" 0
else
	fail "synscope still runs 5 s after its terminal went away"
fi
# Clock ticks are 1/100 s: a second of CPU in those 5 s would be a spin.
if [ "$used" -lt 100 ]; then
	echo "ok - $TEST_NAME: CPU from the hangup to the exit (or 5 s): $used ticks"
else
	fail "CPU from the hangup on: $used ticks in $((i / 10)) s (a spin)"
fi
expect_match "says why it stopped" "$(cat "$WORK/tracer.err")" 'terminal .*gone'
expect_eq "the CSV was written and closed" "$(attempts outcome | sort | uniq -c | xargs)" "3 established"
finish
