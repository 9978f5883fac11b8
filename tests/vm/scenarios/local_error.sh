# SPDX-License-Identifier: GPL-2.0-only
# Ephemeral ports exhausted: with a two-port range and two connections held,
# the third connect() fails at once with EADDRNOTAVAIL, non-blocking or not.
# A connect with no route fails before its socket has any state: its errno
# comes from the call's return (fentry, kprobe; the tracepoint mode with
# --connect-errors, which also mounts tracefs).
TRACER_ARGS=--connect-errors
setup() {
	in_client sh -c 'echo "40000 40001" >/proc/sys/net/ipv4/ip_local_port_range'
	start_listener "$SERVER4" 8085 --hold
	start_listener "$SERVER4" 8087 --hold
}

traffic() {
	in_client connburst -q -n 3 -c 3 -H -1 "$SERVER4" 8085
	# The ports stay in TIME_WAIT for 8085: exhaust them again for another destination.
	in_client connburst -q -n 3 -H -1 --blocking "$SERVER4" 8087
	in_client connburst -q -n 1 198.19.0.9 8085
}
