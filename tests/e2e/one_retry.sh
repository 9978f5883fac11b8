#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Only the first SYN of each connection is dropped: established after
# exactly one SYN retransmission (about a second).
. "$(dirname "$0")/../lib.sh"

lab_up
server_nft 'tcp dport 8086 tcp flags & (syn | ack) == syn ip saddr . tcp sport != @seen add @seen { ip saddr . tcp sport } drop' \
	'set seen { type ipv4_addr . inet_service; flags dynamic,timeout; timeout 30s; }'
start_listener "$SERVER4" 8086
start_tracer --summary-csv "$WORK/summary.csv"
in_client "$CONNBURST" -q -n 2 -c 2 "$SERVER4" 8086 >/dev/null
stop_tracer

expect_rows "two attempts established after one retry" \
	"$(printf 'established\t\t1\t198.18.0.2\t8086\n%.0s' 1 2)" \
	"$(attempts outcome errno syn_retries daddr dport)"
for lat in $(attempts latency_us); do
	expect_ge "latency includes the retransmit timeout (us)" "$lat" 900000
done
expect_eq "summary: retried attempts and SYN retransmits" \
	"$(csv_rows "$WORK/summary.csv" retried_attempts syn_retransmits | tail -n 1)" "$(printf '2\t2')"
expect_eq "TcpExtTCPSynRetrans" "$(nstat_client TcpExtTCPSynRetrans)" 2
expect_eq "TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 2
expect_eq "TcpAttemptFails" "$(nstat_client TcpAttemptFails)" 0
finish
