#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A cap that matches no limit (tools/lab --backlog): the service's listener
# never accepts and its accept queue holds 101 connections (backlog 100,
# plus one), the NAT and the ENI have room.  A burst of 200 connects, 200 a
# second so that the queue fills one handshake at a time: synscope reports
# capped_at 101 with an empty cause (limit="unknown" in its metrics), the
# host the same, and the advice of a destination far from its NAT
# capacity.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/capacity_lib.sh"

BACKLOG=100
CONNECTS=200

lab_up --backlog $BACKLOG
traced_burst backlog -- --connects $CONNECTS --rate $CONNECTS
held=$(bk backlog load.service.established)
expect_eq "the accept queue holds backlog + 1" "$held" $((BACKLOG + 1))
expect_eq "not the NAT" "$(bk backlog nat.attempts_refused)" 0
expect_eq "not the ENI" "$(bk backlog eni.1.attempts_refused)" 0
expect_eq "the service's row" \
	"$(last_row backlog "$SERVICE" established timeout capped_at nat_ips_needed cause)" \
	"$(printf '%s\t%s\t%s\t1\t' "$held" "$(bk backlog load.service.timeout)" "$held")"
expect_eq "the host-wide row: the same plateau, no cause (the service's names none)" \
	"$(last_row backlog '*' capped_at cause)" "$(printf '%s\t' "$held")"
expect_eq "metrics: the limit is unknown, per destination" \
	"$(samples backlog synscope_capacity_limit)" \
	"synscope_capacity_limit{daddr=\"$SERVICE\",dport=\"$SERVICE_PORT\",host=\"$SERVICE_NAME\",limit=\"unknown\"} 1"
expect_eq "metrics: and host-wide" "$(samples backlog synscope_host_capacity_limit)" \
	'synscope_host_capacity_limit{limit="unknown"} 1'
expect_match "the plateau line" "$(capacity_lines backlog)" \
	"CAPACITY $SERVICE:$SERVICE_PORT $SERVICE_NAME: capped at $held open connections while attempts are turned away: no known limit matches; demand peak $CONNECTS needs 1 address of 55000"
expect_match "capacity section" "$(capacity_section backlog)" \
	"  $SERVICE:$SERVICE_PORT $SERVICE_NAME: capped at $held open connections while attempts were turned away: no known limit matches \\(a firewall's connection limit, a server's full backlog, ...\\)"
finish
