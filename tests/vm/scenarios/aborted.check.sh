# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# The abort is connburst's own 300 ms timeout: synscope measured the wait.
# connburst starts that clock before socket(); under TCG a few ms pass before
# tcp_v4_connect (where fentry and kprobe mode start theirs), hence 250 ms.
check_scenario() {
	local lat
	for lat in $(csv_rows "$1/attempts.csv" latency_us); do
		expect_ge "time waited before the abort (us)" "$lat" 250000
	done
}
