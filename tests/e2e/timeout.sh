#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every SYN dropped: the kernel gives up after its SYN retries.  With
# tcp_syn_retries=1 that takes a few seconds (how many retransmits it sends
# depends on the kernel: tcp_syn_linear_timeouts since 6.5), so the count is
# checked against the kernel's own.
. "$(dirname "$0")/../lib.sh"

lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport 8082 drop'
start_tracer
in_client "$CONNBURST" -q -n 2 -c 2 "$SERVER4" 8082 >/dev/null
stop_tracer

expect_rows "two timed-out attempts" \
	"$(printf 'timeout\tETIMEDOUT\t198.18.0.2\t8082\n%.0s' 1 2)" \
	"$(attempts outcome errno daddr dport)"
retries=$(attempts syn_retries | sort -u)
expect_ge "SYN retries per attempt" "$retries" 1
expect_eq "SYN retries = TcpExtTCPSynRetrans" "$((retries * 2))" "$(nstat_client TcpExtTCPSynRetrans)"
for lat in $(attempts latency_us); do
	expect_ge "time until the kernel gave up (us)" "$lat" 2000000
done
expect_eq "TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 2
expect_eq "TcpAttemptFails" "$(nstat_client TcpAttemptFails)" 2
finish
