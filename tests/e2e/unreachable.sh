#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The server's firewall answers SYNs with ICMP host-unreachable.  A
# non-blocking client reads the error at once (SO_ERROR) and closes the
# socket; a blocking one waits for the kernel to give up after a retry.
. "$(dirname "$0")/../lib.sh"

lab_up
server_nft 'tcp dport 8083 reject with icmp host-unreachable'
start_tracer
in_client "$CONNBURST" -q -n 2 "$SERVER4" 8083 >"$WORK/nonblocking.out"
in_client "$CONNBURST" -q -n 1 --blocking "$SERVER4" 8083 >"$WORK/blocking.out"
stop_tracer

expect_rows "three unreachable attempts" \
	"$(printf 'unreachable\tEHOSTUNREACH\t198.18.0.2\t8083\n%.0s' 1 2 3)" \
	"$(attempts outcome errno daddr dport)"
retries=$(attempts syn_retries | awk "{ s += \$1 } END { print s }")
expect_eq "SYN retries = TcpExtTCPSynRetrans" "$retries" "$(nstat_client TcpExtTCPSynRetrans)"
expect_eq "TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 3
# Only the kernel's own verdict counts as an attempt failure.
expect_eq "TcpAttemptFails (the blocking one)" "$(nstat_client TcpAttemptFails)" 1
finish
