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

# connburst gives up on an attempt once its 300 ms have passed since its
# start (taken before socket()), reports it and only then closes the socket.
# So, per attempt (matched by local port), against what connburst measured
# (its results file: start, CLOCK_REALTIME, and latency): synscope's start
# (the CSV's ts_ns, the same clock, at the connect) is not before
# connburst's, and the close synscope saw (its start plus its latency) is
# not before connburst's verdict (its start plus its latency).  Latencies
# are whole microseconds rounded down: the close came before ts_ns +
# (latency_us + 1) us, and connburst's verdict at or after its start +
# latency_us.
check() {
	while read -r port ts_ns lat_us; do
		# shellcheck disable=SC2046 # three words: start_ns outcome latency_us
		set -- $(awk -F'\t' -v p="$port" 'NR > 1 && $6 == p { print $2, $3, $5 }' "$OUT/connburst.tsv")
		if [ $# -ne 3 ]; then
			fail "port $port: no connburst result (or more than one)"
			continue
		fi
		expect_eq "port $port: connburst's outcome" "$2" aborted
		expect_ge "port $port: connburst's latency (us), its -t 300" "$3" 300000
		expect_ge "port $port: synscope's start - connburst's (ns)" $((ts_ns - $1)) 0
		expect_ge "port $port: connburst's start to the close synscope saw (ns), at least connburst's latency" \
			$((ts_ns + (lat_us + 1) * 1000 - $1)) $(($3 * 1000))
	done <<EOF
$(csv_rows "$OUT/attempts.csv" sport ts_ns latency_us)
EOF
}
