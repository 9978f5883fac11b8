#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A connect pending longer than --stall-ms is reported while still pending,
# then resolved with its outcome.
. "$(dirname "$0")/../lib.sh"

lab_up
server_nft 'tcp dport 8093 drop'
start_tracer --stall-ms 400
in_client "$CONNBURST" -q -n 1 -t 4000 "$SERVER4" 8093 >/dev/null &
client=$!
background "$client"
if wait_for_text "$WORK/tracer.out" STALLED 3; then
	if kill -0 "$client" 2>/dev/null; then
		echo "ok - $TEST_NAME: stall reported while the connect is pending"
	else
		fail "stall reported only after the connect ended"
	fi
else
	fail "no stall reported within 3 s"
fi
wait "$client"
stop_tracer

stall=$(grep STALLED "$WORK/tracer.out")
expect_eq "one stall line" "$(wc -l <<<"$stall")" 1
expect_match "stall line names the destination and its age" "$stall" \
	'connburst +198\.18\.0\.2:8093 +- +STALLED +- +[0-9]+ [0-9.]+ms +\(pending\) +198\.18\.0\.1:[0-9]+$'
expect_rows "then its outcome: aborted after 4 s" "$(printf 'aborted\t198.18.0.2\t8093')" \
	"$(attempts outcome daddr dport)"
expect_ge "waited (us)" "$(attempts latency_us)" 4000000
finish
