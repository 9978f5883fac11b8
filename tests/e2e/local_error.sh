#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Ephemeral ports exhausted: with a two-port range and two connections held,
# the third connect() fails at once with EADDRNOTAVAIL, non-blocking or not.
# A connect with no route fails before its socket has any state: its errno
# is known only with --connect-errors (the default tracepoint mode reports it
# without one).  The tracepoint mode tells EADDRNOTAVAIL from an abort by the
# socket's state, not by connect()'s return.
. "$(dirname "$0")/../lib.sh"

lab_up
echo "40000 40001" | in_client tee /proc/sys/net/ipv4/ip_local_port_range >/dev/null
start_listener "$SERVER4" 8085 --hold
start_listener "$SERVER4" 8087 --hold
start_listener "$SERVER4" 8089
start_listener "$SERVER4" 8091 --hold
start_tracer --connect-errors
in_client "$CONNBURST" -q -n 3 -c 3 -H -1 "$SERVER4" 8085 >"$WORK/nonblocking.out"
# The ports stay in TIME_WAIT for 8085: exhaust them again for another destination.
in_client "$CONNBURST" -q -n 3 -H -1 --blocking "$SERVER4" 8087 >"$WORK/blocking.out"
in_client "$CONNBURST" -q -n 1 198.19.0.9 8085 >"$WORK/noroute.out"
stop_tracer

expect_rows "per run: two established, one EADDRNOTAVAIL; no route: ENETUNREACH" \
	"$(for port in 8085 8087; do
		printf 'established\t\t198.18.0.2\t%s\n' $port $port
		printf 'local_error\tEADDRNOTAVAIL\t198.18.0.2\t%s\n' $port
	   done
	   printf 'local_error\tENETUNREACH\t198.19.0.9\t8085\n')" \
	"$(attempts outcome errno daddr dport)"
expect_eq "connburst saw the same (non-blocking)" \
	"$(grep -o 'established=[0-9]* .*local_error=[0-9]*' "$WORK/nonblocking.out")" \
	"established=2 refused=0 timeout=0 unreachable=0 aborted=0 local_error=1"
expect_eq "local errors have no source port" \
	"$(attempts outcome sport | awk '$1 == "local_error" { print $2 }' | sort -u)" 0
expect_eq "TcpActiveOpens (local errors send no SYN)" "$(nstat_client TcpActiveOpens)" 4
expect_eq "TcpAttemptFails" "$(nstat_client TcpAttemptFails)" 0
expect_match "--connect-errors names the syscall tracepoint" "$(cat "$WORK/tracer.err")" \
	'tracing in tracepoint mode \(tp_btf tracepoints, sys_exit_connect\)'

# The default mode, and a ring buffer that has wrapped: records are zeroed,
# so a local error (which has no source port) never shows an older record's.
rm -f "$WORK/attempts.csv"
sleep 1 # the held connections of the first part are gone
echo "32768 60999" | in_client tee /proc/sys/net/ipv4/ip_local_port_range >/dev/null
start_tracer --ringbuf-mb 1
in_client "$CONNBURST" -q -n 12000 -c 16 "$SERVER4" 8089 >/dev/null
echo "40000 40001" | in_client tee /proc/sys/net/ipv4/ip_local_port_range >/dev/null
# (8085's ports are in TIME_WAIT: another destination)
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
finish
