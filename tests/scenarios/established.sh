# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# Connects that complete: outcome, latency, source, the open gauge and the
# summary CSV.  The server closes its side at once: the client closes from
# CLOSE_WAIT, whose last ACK ends it promptly (an orphaned FIN_WAIT2 may
# wait for tcp_fin_timeout instead).

setup() {
	start_listener "$SERVER4" 8080
}
TRACER_ARGS="--summary-csv $OUT/summary.csv --interval 0.2"

traffic() {
	in_client "$CONNBURST" -q -n 5 -c 5 -H 1000 "$SERVER4" 8080 >"$OUT/connburst.out"
	sleep 0.5
}

expected() {
	want_attempts 5 established - 0 "$SERVER4" 8080
	want_counter TcpActiveOpens 5
	want_counter TcpAttemptFails 0
	want_counter TcpExtTCPSynRetrans 0
}

check() {
	expect_rows "from $CLIENT4, by connburst" "$(printf '%s\tconnburst\n' "$CLIENT4" "$CLIENT4" \
		"$CLIENT4" "$CLIENT4" "$CLIENT4")" "$(csv_rows "$OUT/attempts.csv" saddr comm)"
	expect_each_ge "handshake latency (us)" latency_us 1
	expect_each_ge "source port" sport 1024
	# While connburst held them, all five were open; at exit none is.
	expect_ge "summary rows with a peak of five open" \
		"$(csv_rows "$OUT/summary.csv" daddr dport open_peak | grep -cxF "$(printf '%s\t8080\t5' "$SERVER4")")" 1
	expect_eq "last summary row" \
		"$(csv_rows "$OUT/summary.csv" attempts established open open_peak inflight | tail -n 1)" \
		"$(printf '5\t5\t0\t5\t0')"
	expect_ge "snapshots that saw five open" "$(csv_rows "$OUT/summary.csv" open | grep -cx 5)" 1
	expect_ge "summary p50_us" "$(csv_rows "$OUT/summary.csv" p50_us | tail -n 1)" 1
	expect_match "exit summary has the destination" "$(cat "$OUT/tracer.out")" \
		'198\.18\.0\.2:8080 +- +ok +5 +5 +0 +0 +0 +0 +0'
}
