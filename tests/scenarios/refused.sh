# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# No listener: the SYN is answered with a RST.

traffic() {
	in_client "$CONNBURST" -q -n 3 "$SERVER4" 8081
}

expected() {
	want_attempts 3 refused ECONNREFUSED 0 "$SERVER4" 8081
	want_counter TcpActiveOpens 3
	want_counter TcpAttemptFails 3
	want_counter TcpExtTCPSynRetrans 0
}
