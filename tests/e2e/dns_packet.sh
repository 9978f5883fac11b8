#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Without cgroup v2, DNS is captured with an AF_PACKET socket in synscope's
# own network namespace: run it inside the client namespace.
. "$(dirname "$0")/../lib.sh"

lab_up
start_dns --address=/web.test/198.18.0.2 --address=/nx.test/
start_listener "$SERVER4" 8080
TRACER_NS=$NS_C start_tracer --dns-capture packet --dns-csv "$WORK/dns.csv"
expect_match "start-up says which capture" "$(cat "$WORK/tracer.err")" 'DNS: AF_PACKET'
in_client "$CONNBURST" -q -4 web.test 8080 >/dev/null
in_client "$CONNBURST" -q -4 nx.test 8080 >/dev/null 2>&1 || true
stop_tracer

expect_rows "lookups seen through the packet socket" \
	"$(printf 'web.test\tA\tok\t198.18.0.2\nnx.test\tA\tnxdomain\t')" \
	"$(lookups qname qtype result answers)"
expect_eq "named connect" "$(attempts host outcome)" "$(printf 'web.test\testablished')"
finish
