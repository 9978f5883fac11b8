#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The application gives up first: its own 300 ms connect timeout closes the
# socket while it is still in SYN_SENT.
. "$(dirname "$0")/../lib.sh"

lab_up
server_nft 'tcp dport 8084 drop'
start_tracer
in_client "$CONNBURST" -q -n 2 -c 2 -t 300 "$SERVER4" 8084 >/dev/null
stop_tracer

expect_rows "two aborted attempts, no errno, no retry yet" \
	"$(printf 'aborted\t\t0\t198.18.0.2\t8084\n%.0s' 1 2)" \
	"$(attempts outcome errno syn_retries daddr dport)"
for lat in $(attempts latency_us); do
	expect_ge "time waited before the abort (us)" "$lat" 300000
done
expect_eq "TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 2
expect_eq "TcpExtTCPSynRetrans" "$(nstat_client TcpExtTCPSynRetrans)" 0
finish
