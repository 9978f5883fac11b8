#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Connects that complete: outcome, latency, destination, the open gauge and
# the summary CSV, cross-checked with the client namespace's counters.
. "$(dirname "$0")/../lib.sh"

lab_up
# The server closes its side at once: the client closes from CLOSE_WAIT,
# whose last ACK ends it promptly (an orphaned FIN_WAIT2 may wait for
# tcp_fin_timeout instead).
start_listener "$SERVER4" 8080
start_tracer --summary-csv "$WORK/summary.csv" --interval 0.2
in_client "$CONNBURST" -q -n 5 -c 5 -H 1000 "$SERVER4" 8080 >"$WORK/connburst.out"
sleep 0.5
stop_tracer

expect_rows "five established attempts to $SERVER4:8080" \
	"$(printf 'established\t\t0\t198.18.0.2\t8080\t198.18.0.1\tconnburst\n%.0s' 1 2 3 4 5)" \
	"$(attempts outcome errno syn_retries daddr dport saddr comm)"
for lat in $(attempts latency_us); do
	expect_ge "handshake latency (us)" "$lat" 1
done
for port in $(attempts sport); do
	expect_ge "source port" "$port" 1024
done
expect_eq "TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 5
expect_eq "TcpAttemptFails" "$(nstat_client TcpAttemptFails)" 0
expect_eq "TcpExtTCPSynRetrans" "$(nstat_client TcpExtTCPSynRetrans)" 0

# While connburst held them, all five were open; at exit none is.
cols="attempts established open open_peak inflight"
expect_match "summary peak of open connections" \
	"$(csv_rows "$WORK/summary.csv" daddr dport open_peak | sort -u)" $'198.18.0.2\t8080\t5'
expect_eq "last summary row" "$(csv_rows "$WORK/summary.csv" $cols | tail -n 1)" \
	"$(printf '5\t5\t0\t5\t0')"
expect_match "some snapshot saw five open" "$(csv_rows "$WORK/summary.csv" open)" $'(^|\n)5(\n|$)'
p50=$(csv_rows "$WORK/summary.csv" p50_us | tail -n 1)
expect_ge "summary p50_us" "$p50" 1
expect_match "exit summary has the destination" "$(cat "$WORK/tracer.out")" \
	'198\.18\.0\.2:8080 +- +ok +5 +5 +0 +0 +0 +0 +0'
finish
