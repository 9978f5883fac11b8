# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# Only the first SYN of each connection is dropped: established after
# exactly one SYN retransmission (about a second).

setup() {
	server_nft 'tcp dport 8086 tcp flags & (syn | ack) == syn ip saddr . tcp sport != @seen add @seen { ip saddr . tcp sport } drop' \
		'set seen { type ipv4_addr . inet_service; flags dynamic,timeout; timeout 30s; }'
	start_listener "$SERVER4" 8086
}
TRACER_ARGS="--summary-csv $OUT/summary.csv"

traffic() {
	in_client "$CONNBURST" -q -n 2 -c 2 "$SERVER4" 8086
}

expected() {
	want_attempts 2 established - 1 "$SERVER4" 8086
	want_counter TcpExtTCPSynRetrans 2
	want_counter TcpActiveOpens 2
	want_counter TcpAttemptFails 0
}

check() {
	# The initial RTO is 1 s of jiffies (TCP_TIMEOUT_INIT): the timer set
	# part-way through a jiffy fires at least 1 s - 1 jiffy later, and
	# timers never fire early.  1 jiffy is at most 10 ms (HZ >= 100).
	expect_each_ge "latency includes the retransmit timeout (us)" latency_us 990000
	expect_eq "summary: retried attempts and SYN retransmits" \
		"$(csv_rows "$OUT/summary.csv" retried_attempts syn_retransmits | tail -n 1)" "$(printf '2\t2')"
}
