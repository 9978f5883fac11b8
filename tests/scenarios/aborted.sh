# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# The application gives up first: its own 300 ms connect timeout closes the
# socket while it is still in SYN_SENT.

setup() {
	server_nft 'tcp dport 8084 drop'
}

traffic() {
	in_client "$CONNBURST" -q -n 2 -c 2 -t 300 "$SERVER4" 8084
}

expected() {
	want_attempts 2 aborted - 0 "$SERVER4" 8084
	want_counter TcpActiveOpens 2
	want_counter TcpAttemptFails 0 # closed by the application, not failed by the kernel
	want_counter TcpExtTCPSynRetrans 0
}

# connburst starts its clock before socket(); where synscope's starts later
# (tcp_v4_connect, in fentry and kprobe mode, a few ms later under TCG) the
# runner says by how much at most (CLOCK_SLACK_US).
check() {
	expect_each_ge "time waited before the abort (us)" latency_us $((300000 - CLOCK_SLACK_US))
}
