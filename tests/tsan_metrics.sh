#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# synscope built with ThreadSanitizer (make tsan), traced and scraped: the
# scrapes themselves are the traffic (--dst 127.0.0.1/32), 200 of them, 4 at
# a time, while the loop reads their connects.  Passes when the run exits 0,
# traced every scrape's connect, and ThreadSanitizer reported nothing.
#   make tsan && sudo tests/tsan_metrics.sh        (under the shared lock)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/metrics_lib.sh"

SYNSCOPE=$ROOT/build-tsan/synscope
[ -x "$SYNSCOPE" ] || { fail "no $SYNSCOPE: make tsan first"; finish; }
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
PORT=$(free_port)
start_instance tsan --no-dns --dst 127.0.0.1/32 --dport "$PORT" --metrics "127.0.0.1:$PORT"
for i in $(seq 50); do
	(
		for j in 1 2 3 4; do
			curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" &
		done
		wait
	)
	[ "$i" = 25 ] && threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/${INSTANCE_PID[tsan]}/status")
done
wait_rows tsan 200 || true
expect_ge "scrapes traced" "$(($(wc -l <"$WORK/tsan.csv") - 1))" 200
stop_instances
expect_eq "ThreadSanitizer reports" "$(grep -c 'ThreadSanitizer' "$WORK/tsan.err")" 0
expect_eq "threads while scraped" "$threads" 1
finish
