# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# The failure synscope exists for: the name resolves fine, the connects that
# follow it time out.  Once with the kernel's own SYN timeout (api.test),
# once with the application's shorter one (api2.test, resolving to the same
# address while api.test's connects are in flight); both rows say
# dns-ok/connect-timeout and name the host.  Beside them a name that
# resolves and connects, and one that does not resolve.  Lookups go through
# dnsmasq and are captured by cgroup_skb on the cgroup v2 root (or the
# host's hybrid layout).

setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1
	server_nft 'tcp dport { 8082, 8083 } drop'
	start_listener "$SERVER4" 8080
	start_dns --address=/web.test/"$SERVER4" --address=/api.test/"$SERVER4" \
		--address=/api2.test/"$SERVER4" --address=/nx.test/
}
TRACER_ARGS="--dns-csv $OUT/dns.csv --summary-csv $OUT/summary.csv"

traffic() {
	in_client "$CONNBURST" -q -4 -n 2 web.test 8080
	exits 3 in_client "$CONNBURST" -q -4 -n 1 nx.test 8080 # cannot resolve: no attempt
	in_client "$CONNBURST" -q -4 -n 3 -c 3 api.test 8082 &
	kernel_timeouts=$!
	sleep 0.5 # api.test's connects are in flight when api2.test resolves to the same address
	in_client "$CONNBURST" -q -4 -n 2 -c 2 -t 300 api2.test 8083
	wait "$kernel_timeouts"
}

expected() {
	want_attempts 2 established - 0 "$SERVER4" 8080
	want_attempts 3 timeout ETIMEDOUT "$(syn_retries_until_timeout)" "$SERVER4" 8082
	want_attempts 2 aborted - 0 "$SERVER4" 8083
	want_counter TcpActiveOpens 7
	want_counter TcpAttemptFails 3
}

check() {
	expect_rows "each attempt carries its host" \
		"$(printf 'web.test\t8080\testablished\nweb.test\t8080\testablished\n'
		   printf 'api.test\t8082\ttimeout\napi.test\t8082\ttimeout\napi.test\t8082\ttimeout\n'
		   printf 'api2.test\t8083\taborted\napi2.test\t8083\taborted')" \
		"$(csv_rows "$OUT/attempts.csv" host dport outcome)"
	expect_each_ge "answer came before the connect (us)" dns_age_us 0
	expect_rows "lookups" \
		"$(printf 'api.test\tA\tok\t%s\napi2.test\tA\tok\t%s\nweb.test\tA\tok\t%s\nnx.test\tA\tnxdomain\t' \
			"$SERVER4" "$SERVER4" "$SERVER4")" \
		"$(csv_rows "$OUT/dns.csv" qname qtype result answers | sort -u)"
	expect_eq "kernel timeout: the destination's row" "$(summary_row 8082)" \
		"$(printf '%s\t8082\tapi.test\t3\t3\t0\t1\t0\tdns-ok/connect-timeout' "$SERVER4")"
	expect_eq "application timeout: the destination's row" "$(summary_row 8083)" \
		"$(printf '%s\t8083\tapi2.test\t2\t0\t2\t1\t0\tdns-ok/connect-timeout' "$SERVER4")"
	expect_match "the text output names host and verdict" "$(cat "$OUT/tracer.out")" \
		'198\.18\.0\.2:8082 +api\.test +timeout +ETIMEDOUT .* dns-ok/connect-timeout'
}

# summary_row PORT: the last summary CSV row of $SERVER4:PORT.
summary_row() {
	csv_rows "$OUT/summary.csv" daddr dport host attempts timeout aborted dns_ok dns_failed verdict |
		awk -F'\t' -v p="$1" '$2 == p' | tail -n 1
}
