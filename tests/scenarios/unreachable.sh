# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# The server's firewall answers SYNs with ICMP host-unreachable.  A
# non-blocking client reads the error at once (SO_ERROR) and closes the
# socket; a blocking one waits for the kernel's verdict, after one retry.

setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1
	server_nft 'tcp dport 8083 reject with icmp host-unreachable'
}

traffic() {
	in_client "$CONNBURST" -q -n 2 "$SERVER4" 8083 >"$OUT/nonblocking.out"
	in_client "$CONNBURST" -q -n 1 --blocking "$SERVER4" 8083 >"$OUT/blocking.out"
}

expected() {
	want_attempts 2 unreachable EHOSTUNREACH 0 "$SERVER4" 8083
	want_attempts 1 unreachable EHOSTUNREACH 1 "$SERVER4" 8083
	want_counter TcpActiveOpens 3
	# Only the kernel's own verdict counts as an attempt failure: the blocking one.
	want_counter TcpAttemptFails 1
}
