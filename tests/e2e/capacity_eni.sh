#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Hyperplane ENI limit, scaled down (tools/lab --eni-cap): one subnet
# whose ENI carries 300 connections, a burst of 200 connects to the service
# (through the NAT, by name) and 200 to the direct destination at once.
# synscope, told --eni-limit 300, finds the host-wide plateau at 300 with
# the ENI cause and 2 ENIs needed, in its metrics too; neither destination
# is given the NAT cause; the timeouts are the attempts the ENI refused.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/capacity_lib.sh"

CAP=300
EACH=200

lab_up --eni-cap $CAP
traced_burst eni --eni-limit $CAP -- --connects $EACH --direct $EACH
refused=$(bk eni eni.1.attempts_refused)
expect_eq "the ENI refused the attempts beyond its cap" "$refused" $((2 * EACH - CAP))
expect_eq "the load generator's timeouts" \
	"$(($(bk eni load.service.timeout) + $(bk eni load.direct.timeout)))" "$refused"
expect_eq "not the NAT" "$(bk eni nat.attempts_refused)" 0

expect_eq "host-wide row" \
	"$(last_row eni '*' attempts timeout capped_at eni_capacity enis_needed demand_peak cause)" \
	"$(printf '%s\t' $((2 * EACH)) "$refused" $CAP $CAP 2 $((2 * EACH)))Hyperplane ENI, 1 ENI"
expect_eq "host-wide concurrent peak: what the ENI carried" \
	"$(last_row eni '*' concurrent_peak)" $CAP
for dst in "$SERVICE" "$DIRECT"; do
	expect_eq "$dst: no NAT cause" "$(last_row eni "$dst" cause)" ""
done
expect_eq "metrics: the ENI, host-wide" "$(samples eni synscope_host_capacity_limit)" \
	'synscope_host_capacity_limit{limit="eni"} 1'
expect_eq "metrics: no destination capped by the NAT" \
	"$(samples eni synscope_capacity_limit | grep -c 'limit="nat_gateway"' || true)" 0
expect_eq "each destination's timeouts add up" \
	"$(($(last_row eni "$SERVICE" timeout) + $(last_row eni "$DIRECT" timeout)))" "$refused"

expect_eq "one host-wide plateau line" \
	"$(capacity_lines eni | grep -c '^CAPACITY host-wide: capped at' || true)" 1
expect_match "the plateau line" "$(capacity_lines eni)" \
	"CAPACITY host-wide: capped at $CAP open connections while attempts are turned away: Hyperplane ENI, 1 ENI; demand peak $((2 * EACH)) needs 2 ENIs of $CAP"
section=$(capacity_section eni)
expect_match "capacity section: the cause" "$section" \
	"  host-wide: capped at $CAP open connections while attempts were turned away: Hyperplane ENI, 1 ENI"
expect_match "capacity section: the advice" "$section" \
	"2 ENIs needed: add 1 private subnet \\(each adds an ENI\\)"
finish
