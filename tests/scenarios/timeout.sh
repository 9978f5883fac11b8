# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# Every SYN dropped: the kernel gives up after its SYN retries.  With
# tcp_syn_retries=1 that takes about 3 s; how many retransmits it sends in
# that time depends on the kernel (tcp_syn_linear_timeouts since 6.5), so
# the count expected is the one the kernel's own settings give.

setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1
	server_nft 'tcp dport 8082 drop'
}

traffic() {
	in_client "$CONNBURST" -q -n 2 -c 2 "$SERVER4" 8082
}

expected() {
	want_attempts 2 timeout ETIMEDOUT "$(syn_retries_until_timeout)" "$SERVER4" 8082
	want_counter TcpActiveOpens 2
	want_counter TcpAttemptFails 2
}

check() {
	expect_each_ge "SYN retries per attempt" syn_retries 1
	expect_each_ge "time until the kernel gave up (us)" latency_us 2000000
}
