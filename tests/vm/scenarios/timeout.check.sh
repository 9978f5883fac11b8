# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# SYN at 0 s, retransmit at 1 s, ETIMEDOUT at 3 s (tcp_syn_retries=1, 6.1 timers).
check_scenario() {
	local lat
	for lat in $(csv_rows "$1/attempts.csv" latency_us); do
		expect_ge "time until the kernel gave up (us)" "$lat" 2000000
	done
}
