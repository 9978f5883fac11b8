# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034 # TRACER_ARGS is read by run_scenario
# Ephemeral ports exhausted: with a two-port range and two connections held,
# the third connect() fails at once with EADDRNOTAVAIL, non-blocking or not.
# A connect with no route fails before its socket has any state: its errno
# comes from the call's return (fentry, kprobe; the tracepoint mode with
# --connect-errors, which also mounts tracefs).  The default tracepoint mode,
# without it: tests/e2e/local_error_default.sh.

TRACER_ARGS=--connect-errors

setup() {
	echo "40000 40001" | in_client tee /proc/sys/net/ipv4/ip_local_port_range
	start_listener "$SERVER4" 8085 --hold
	start_listener "$SERVER4" 8087 --hold
}

traffic() {
	in_client "$CONNBURST" -q -n 3 -c 3 -H -1 "$SERVER4" 8085 >"$OUT/nonblocking.out"
	# The ports stay in TIME_WAIT for 8085: exhaust them again for another destination.
	in_client "$CONNBURST" -q -n 3 -H -1 --blocking "$SERVER4" 8087 >"$OUT/blocking.out"
	in_client "$CONNBURST" -q -n 1 198.19.0.9 8085 >"$OUT/noroute.out"
}

expected() {
	want_attempts 2 established - 0 "$SERVER4" 8085
	want_attempts 1 local_error EADDRNOTAVAIL 0 "$SERVER4" 8085
	want_attempts 2 established - 0 "$SERVER4" 8087
	want_attempts 1 local_error EADDRNOTAVAIL 0 "$SERVER4" 8087
	want_attempts 1 local_error ENETUNREACH 0 198.19.0.9 8085
	want_counter TcpActiveOpens 4 # local errors send no SYN
	want_counter TcpAttemptFails 0
}

check() {
	expect_eq "connburst saw the same (non-blocking)" \
		"$(grep -o 'established=[0-9]* .*local_error=[0-9]*' "$OUT/nonblocking.out")" \
		"established=2 refused=0 timeout=0 unreachable=0 aborted=0 local_error=1"
	expect_eq "local errors have no source port" \
		"$(csv_rows "$OUT/attempts.csv" outcome sport | awk '$1 == "local_error" { print $2 }' | sort -u)" 0
	expect_match "--connect-errors adds the syscall tracepoint in the tracepoint mode only" \
		"$(grep 'tracing in' "$OUT/tracer.err")" \
		'tracing in (tracepoint mode \(tp_btf tracepoints, sys_exit_connect\)|(fentry|kprobe) mode \(tp_btf tracepoints\))'
}
