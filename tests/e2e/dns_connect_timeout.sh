#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The failure synscope exists for: the name resolves fine, the connects that
# follow it time out.  Once with the kernel's own SYN timeout, once with the
# application's shorter one; both rows say dns-ok/connect-timeout and name
# the host.
. "$(dirname "$0")/../lib.sh"

lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport { 8082, 8083 } drop'
start_dns --address=/api.test/198.18.0.2 --address=/api2.test/198.18.0.2
start_tracer --dns-csv "$WORK/dns.csv" --summary-csv "$WORK/summary.csv"
in_client "$CONNBURST" -q -4 -n 3 -c 3 api.test 8082 >/dev/null &
BACKGROUND+=($!)
sleep 0.5 # api.test's connects are in flight when api2.test resolves to the same address
in_client "$CONNBURST" -q -4 -n 2 -c 2 -t 300 api2.test 8083 >/dev/null
wait "${BACKGROUND[-1]}"
stop_tracer

row() { csv_rows "$WORK/summary.csv" daddr dport host attempts timeout aborted dns_ok dns_failed verdict |
	awk -F'\t' -v p="$1" '$2 == p' | tail -n 1; }
expect_eq "kernel timeout: the destination's row" "$(row 8082)" \
	"$(printf '198.18.0.2\t8082\tapi.test\t3\t3\t0\t1\t0\tdns-ok/connect-timeout')"
expect_eq "application timeout: the destination's row" "$(row 8083)" \
	"$(printf '198.18.0.2\t8083\tapi2.test\t2\t0\t2\t1\t0\tdns-ok/connect-timeout')"
expect_rows "each attempt carries its host" \
	"$(printf 'api.test\t8082\ttimeout\napi.test\t8082\ttimeout\napi.test\t8082\ttimeout\napi2.test\t8083\taborted\napi2.test\t8083\taborted')" \
	"$(attempts host dport outcome)"
for age in $(attempts dns_age_us); do
	expect_ge "answer came before the connect (us)" "$age" 0
done
expect_match "the text output names host and verdict" "$(cat "$WORK/tracer.out")" \
	'198\.18\.0\.2:8082 +api\.test +timeout +ETIMEDOUT .* dns-ok/connect-timeout'
expect_match "lookups were fine" "$(lookups qname result | sort -u)" $'api.test\tok'
finish
