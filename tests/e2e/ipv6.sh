#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# IPv6: established, refused and timeout, like their IPv4 scenarios.
. "$(dirname "$0")/../lib.sh"

lab_up
client_sysctl net.ipv6.conf.all.disable_ipv6=0
client_sysctl net.ipv4.tcp_syn_retries=1 # also governs IPv6
server_nft 'tcp dport 8092 drop'
start_listener "$SERVER6" 8090
start_tracer -6
in_client "$CONNBURST" -q -n 2 "$SERVER6" 8090 >/dev/null
in_client "$CONNBURST" -q -n 2 "$SERVER6" 8091 >/dev/null
in_client "$CONNBURST" -q -n 1 "$SERVER6" 8092 >/dev/null
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8091 >/dev/null # filtered out by -6
stop_tracer

expect_rows "IPv6 outcomes" \
	"$(printf 'ipv6\testablished\t\t2001:2::2\t8090\t2001:2::1\n%.0s' 1 2
	   printf 'ipv6\trefused\tECONNREFUSED\t2001:2::2\t8091\t2001:2::1\n%.0s' 1 2
	   printf 'ipv6\ttimeout\tETIMEDOUT\t2001:2::2\t8092\t2001:2::1\n')" \
	"$(attempts family outcome errno daddr dport saddr)"
retries=$(attempts outcome syn_retries | awk '$1 == "timeout" { print $2 }')
expect_ge "timeout SYN retries" "$retries" 1
expect_eq "SYN retries = TcpExtTCPSynRetrans" "$retries" "$(nstat_client TcpExtTCPSynRetrans)"
expect_eq "TcpActiveOpens (IPv4 and IPv6)" "$(nstat_client TcpActiveOpens)" 6
expect_eq "TcpAttemptFails" "$(nstat_client TcpAttemptFails)" 4
expect_match "text output shows bracketed IPv6 endpoints" "$(cat "$WORK/tracer.out")" \
	'\[2001:2::2\]:8090 +- +established'
finish
