# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# The connects are named by the lookups before them; the lookups are in the
# DNS CSV; the dropped destination's row says dns-ok/connect-timeout.
check_scenario() {
	expect_rows "connects named" "$(printf 'name.test\t8095\nname.test\t8095\ndrop.test\t8096')" \
		"$(csv_rows "$1/attempts.csv" host dport)"
	expect_rows "lookups" \
		"$(printf 'drop.test\tA\tok\t198.18.0.2\nname.test\tA\tok\t198.18.0.2\nnx.test\tA\tnxdomain\t')" \
		"$(csv_rows "$1/dns.csv" qname qtype result answers | sort -u)"
	expect_eq "verdict of the dropped destination" \
		"$(csv_rows "$1/summary.csv" dport host verdict | awk -F'\t' '$1 == 8096' | tail -n 1)" \
		"$(printf '8096\tdrop.test\tdns-ok/connect-timeout')"
}
