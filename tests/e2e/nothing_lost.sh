#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# SIGINT in the middle of a burst loses nothing: every attempt the load
# generator saw resolve before the signal is in the per-attempt CSV, the
# attempts still pending are in flight in the summary, and every event the
# kernel produced was delivered (synscope detaches first, then drains).
. "$(dirname "$0")/../lib.sh"

PENDING=20

lab_up
client_sysctl net.ipv4.tcp_syn_retries=6 # pending for two minutes
server_nft 'tcp dport 8082 drop'
start_listener "$SERVER4" 8080
start_tracer --summary-csv "$WORK/summary.csv" -i 0.5

# Attempts that stay pending through the signal.
in_client "$CONNBURST" -q -n "$PENDING" -c "$PENDING" "$SERVER4" 8082 >/dev/null 2>&1 &
BACKGROUND+=($!)
for ((i = 0; i < 100; i++)); do
	[ "$(in_client ss -Htn state syn-sent dport = :8082 | wc -l)" -eq "$PENDING" ] && break
	sleep 0.05
done
expect_eq "connects pending to 8082" "$(in_client ss -Htn state syn-sent dport = :8082 | wc -l)" "$PENDING"

# The burst (3 s), and SIGINT in its middle.
in_client "$CONNBURST" -q -n 12000 -c 64 -r 4000 -o "$WORK/results.tsv" "$SERVER4" 8080 >/dev/null 2>&1 &
burst=$!
BACKGROUND+=("$burst")
sleep 1.5
signal_ns=$(date +%s%N)
kill -INT "$TRACER_PID"
wait_tracer
wait "$burst"
expect_whole_rows "SIGINT" "$WORK/attempts.csv" 19

# Resolved before the signal, as the generator saw it: start + latency.
# Source ports come back (the server closes first), so an attempt is its
# port and its start: a CSV row matches it if the tracer's start lies
# between the generator's start and the generator's resolution (a connect()
# preempted under load reaches the tracer's hook milliseconds late).
awk -F'\t' -v t="$signal_ns" 'NR > 1 && $2 + $5 * 1000 < t { print $6, $2, $3, $5 }' \
	"$WORK/results.tsv" >"$WORK/before.txt"
before=$(wc -l <"$WORK/before.txt")
expect_ge "attempts resolved before the signal" "$before" 1000
attempts sport ts_ns outcome dport | awk -F'\t' '$4 == 8080 { print $1, $2, $3 }' >"$WORK/csv.txt"
missing=$(awk 'NR == FNR { n[$1]++; ts[$1, n[$1]] = $2; out[$1, n[$1]] = $3; next }
	{ found = 0
	  for (i = 1; i <= n[$1]; i++) {
		# synscope stamps the attempt inside connect(): after connburst
		# took its start, before connburst saw it resolve.
		d = ts[$1, i] - $2
		if (d >= 0 && d <= $4 * 1000 && out[$1, i] == $3) { ts[$1, i] = -1e30; found = 1; break }
	  }
	  if (!found) print }' "$WORK/csv.txt" "$WORK/before.txt")
expect_eq "every attempt resolved before the signal is in the CSV" "$(head -n 5 <<<"$missing")" ""
expect_ge "attempts in the CSV" "$(wc -l <"$WORK/csv.txt")" "$before"

# The pending ones: in flight in the last snapshot and in the summary.
last=$(tail -n 1 "$WORK/summary.csv" | cut -d, -f1)
expect_eq "summary CSV, 8082: attempts,inflight" \
	"$(csv_rows "$WORK/summary.csv" snapshot_ts dport attempts inflight |
		awk -F'\t' -v s="$last" '$1 == s && $2 == 8082 { print $3 "," $4 }')" "0,$PENDING"
row=$(grep -E "^$SERVER4:8082 " "$WORK/tracer.out" || true)
expect_match "summary table has 8082" "$row" "^$SERVER4:8082 "
inflight_col=$(awk '/^DESTINATION / { for (i = 1; i <= NF; i++) if ($i == "INFLIGHT") print i }' "$WORK/tracer.out")
expect_eq "summary table, 8082: the INFLIGHT column" "$(awk -v c="$inflight_col" '{ print $c }' <<<"$row")" "$PENDING"
finish
