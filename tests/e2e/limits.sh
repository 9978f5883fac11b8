#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bounded maps and expiry: attempts beyond --max-inflight are counted as
# dropped, never lost silently; an attempt that outlives --inflight-ttl is
# expired and counted.  And the ways a run ends: --duration, SIGTERM.
. "$(dirname "$0")/../lib.sh"

lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport { 8095, 8096 } drop'

# 40 attempts pending at once, room for 16.
start_tracer --max-inflight 16 --no-dns
expect_match "--no-dns: no DNS capture" "$(cat "$WORK/tracer.err")" 'DNS: off'
in_client "$CONNBURST" -q -n 40 -c 40 -t 1500 "$SERVER4" 8095 >/dev/null
stop_tracer TERM 24
expect_eq "the 16 followed attempts were reported" "$(attempts outcome | sort | uniq -c | xargs)" "16 aborted"
expect_match "map-full drops named" "$(grep '^events:' "$WORK/tracer.out")" 'in-flight map full 24,'
expect_eq "no DNS accounting with --no-dns" "$(grep -c '^dns:' "$WORK/tracer.out")" 0

# An attempt pending past --inflight-ttl (1 s; the kernel gives up after ~3 s).
start_tracer --inflight-ttl 1 --duration 5
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8096 >/dev/null
wait_tracer 0
expect_match "expired and counted" "$(grep '^events:' "$WORK/tracer.out")" \
	'expired 1 \(in-flight 1, connect calls 0\)'
expect_eq "its outcome never came: no row" "$(attempts outcome | wc -l)" 0
finish
