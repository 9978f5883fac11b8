#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Local errors in this host's default mode (tracepoint, without
# --connect-errors: tests/scenarios/local_error.sh has them with it), after
# the ring buffer has wrapped.  The tracepoint mode tells EADDRNOTAVAIL from
# an abort by the socket's state, not by connect()'s return; a connect with
# no route fails before its socket has any state, so its errno is not
# known.  Records are zeroed, so a local error (which has no source port)
# never shows an older record's.
. "$(dirname "$0")/../lib.sh"

lab_up
start_listener "$SERVER4" 8089
start_listener "$SERVER4" 8091 --hold
start_tracer --ringbuf-mb 1
in_client "$CONNBURST" -q -n 12000 -c 16 "$SERVER4" 8089 >/dev/null
echo "40000 40001" | in_client tee /proc/sys/net/ipv4/ip_local_port_range >/dev/null
in_client "$CONNBURST" -q -n 3 -c 3 -H -1 "$SERVER4" 8091 >/dev/null
in_client "$CONNBURST" -q -n 1 198.19.0.9 8085 >/dev/null
stop_tracer
expect_rows "default mode: EADDRNOTAVAIL from the socket; no route: no errno" \
	"$(printf 'established\t\t198.18.0.2\t8091\n%.0s' 1 2
	   printf 'local_error\tEADDRNOTAVAIL\t198.18.0.2\t8091\n'
	   printf 'local_error\t\t198.19.0.9\t8085\n')" \
	"$(attempts outcome errno daddr dport | grep -v 8089)"
expect_eq "the ring wrapped: 12000 attempts before the local errors" \
	"$(attempts dport | grep -c 8089)" 12000
expect_eq "local errors have no source port after the ring wrapped" \
	"$(attempts outcome sport | awk '$1 == "local_error" { print $2 }' | sort -u)" 0
expect_eq "no syscall tracepoint in the default mode" \
	"$(grep -c sys_exit_connect "$WORK/tracer.err")" 0
expect_eq "TcpActiveOpens (local errors send no SYN)" "$(nstat_client TcpActiveOpens)" 12002
finish
