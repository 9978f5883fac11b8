# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# The application gives up first: its own 300 ms connect timeout closes the
# socket while it is still in SYN_SENT.

setup() {
	server_nft 'tcp dport 8084 drop'
}

traffic() {
	in_client "$CONNBURST" -q -n 2 -c 2 -t 300 -o "$OUT/connburst.tsv" "$SERVER4" 8084
}

expected() {
	want_attempts 2 aborted - 0 "$SERVER4" 8084
	want_counter TcpActiveOpens 2
	want_counter TcpAttemptFails 0 # closed by the application, not failed by the kernel
	want_counter TcpExtTCPSynRetrans 0
}

# connburst starts its 300 ms before socket(), synscope its clock at the
# connect, a little later (more so under TCG): so the time from connburst's
# start (its results file, CLOCK_REALTIME) to the close synscope saw (the
# CSV's start, on the same clock, plus its latency, in whole microseconds)
# is at least 300 ms, and synscope's start is not before connburst's.
check() {
	while read -r port ts_ns lat_us; do
		start_ns=$(awk -F'\t' -v p="$port" 'NR > 1 && $6 == p { print $2 }' "$OUT/connburst.tsv")
		if [ -z "$start_ns" ]; then
			fail "no connburst result for local port $port"
			continue
		fi
		expect_ge "port $port: synscope's start - connburst's (ns)" $((ts_ns - start_ns)) 0
		expect_ge "port $port: connburst's start to the close synscope saw (us)" \
			$(((ts_ns + (lat_us + 1) * 1000 - start_ns) / 1000)) 300000
	done <<EOF
$(csv_rows "$OUT/attempts.csv" sport ts_ns latency_us)
EOF
}
