#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# No listener: the SYN is answered with a RST.
. "$(dirname "$0")/../lib.sh"

lab_up
start_tracer
in_client "$CONNBURST" -q -n 3 "$SERVER4" 8081 >/dev/null
stop_tracer

expect_rows "three refused attempts" \
	"$(printf 'refused\tECONNREFUSED\t0\t198.18.0.2\t8081\n%.0s' 1 2 3)" \
	"$(attempts outcome errno syn_retries daddr dport)"
expect_eq "TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 3
expect_eq "TcpAttemptFails" "$(nstat_client TcpAttemptFails)" 3
expect_eq "TcpExtTCPSynRetrans" "$(nstat_client TcpExtTCPSynRetrans)" 0
finish
