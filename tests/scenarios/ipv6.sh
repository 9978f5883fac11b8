# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# IPv6 (tcp_v6_connect): established, refused and timeout, like their IPv4
# scenarios, traced with -6.

setup() {
	client_sysctl net.ipv6.conf.all.disable_ipv6=0
	client_sysctl net.ipv4.tcp_syn_retries=1 # also governs IPv6
	server_nft 'tcp dport 8092 drop'
	start_listener "$SERVER6" 8090
}
TRACER_ARGS=-6

traffic() {
	in_client "$CONNBURST" -q -n 2 "$SERVER6" 8090
	in_client "$CONNBURST" -q -n 2 "$SERVER6" 8091
	in_client "$CONNBURST" -q -n 1 "$SERVER6" 8092
}

expected() {
	want_attempts 2 established - 0 "$SERVER6" 8090
	want_attempts 2 refused ECONNREFUSED 0 "$SERVER6" 8091
	want_attempts 1 timeout ETIMEDOUT "$(syn_retries_until_timeout)" "$SERVER6" 8092
	want_counter TcpActiveOpens 5
	want_counter TcpAttemptFails 3
}

check() {
	expect_eq "IPv6, from $CLIENT6" "$(csv_rows "$OUT/attempts.csv" family saddr | sort | uniq -c | xargs)" \
		"5 ipv6 $CLIENT6"
	expect_ge "timeout SYN retries" \
		"$(csv_rows "$OUT/attempts.csv" outcome syn_retries | awk '$1 == "timeout" { print $2 }')" 1
	expect_match "text output shows bracketed IPv6 endpoints" "$(cat "$OUT/tracer.out")" \
		'\[2001:2::2\]:8090 +- +established'
}
