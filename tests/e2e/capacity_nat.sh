#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The NAT Gateway limit, scaled down (tools/lab): one public address with
# 200 source ports, a burst of 300 held connects to the service's name.
# synscope, told --nat-limit 200, reports capped_at 200 with the NAT cause
# and 2 addresses needed (host-wide: capped by the service's NAT limit),
# in its metrics too (synscope_capacity_limit, scraped at the end of the
# burst), and its timeouts equal the NAT's count of attempts that never got
# a port and the load generator's own count.  Then a second address: no
# timeout, no plateau.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/capacity_lib.sh"

PORTS=200
CONNECTS=300

# --- one address: capped ---------------------------------------------------------
lab_up --ports-per-ip $PORTS
traced_burst one --nat-limit $PORTS -- --connects $CONNECTS
refused=$(bk one nat.attempts_refused)
expect_eq "the NAT refused the attempts beyond its ports" "$refused" $((CONNECTS - PORTS))
expect_eq "the load generator: established" "$(bk one load.service.established)" $PORTS
expect_eq "the load generator: timeouts" "$(bk one load.service.timeout)" "$refused"

cols=(attempts established timeout syn_retransmits capped_at nat_capacity nat_ips_needed cause)
expect_eq "the service's row" "$(last_row one "$SERVICE" "${cols[@]}")" \
	"$(printf '%s\t' $CONNECTS $PORTS "$refused" "$(bk one nstat.TcpExtTCPSynRetrans)" $PORTS $PORTS 2)NAT Gateway port allocation, 1 address"
expect_eq "timeouts + SYN retransmits = the NAT's port allocation errors (insert_failed)" \
	"$(last_row one "$SERVICE" timeout syn_retransmits | awk '{ print $1 + $2 }')" \
	"$(bk one nat.insert_failed)"
# Concurrent counts only what got through: the 100 turned away are taken out.
expect_eq "concurrent peak, demand peak" "$(last_row one "$SERVICE" concurrent_peak demand_peak)" \
	"$(printf '%s\t%s' $PORTS $CONNECTS)"
expect_eq "the service's verdict and host" "$(last_row one "$SERVICE" verdict host)" \
	"$(printf 'dns-ok/connect-timeout\t%s' "$SERVICE_NAME")"
expect_eq "host-wide row: capped by the service's NAT limit, not an ENI's; 1 ENI needed" \
	"$(last_row one '*' capped_at cause enis_needed eni_capacity)" \
	"$(printf '%s\tcapped by %s:%s: NAT Gateway port allocation, 1 address\t1\t65000' $PORTS "$SERVICE" "$SERVICE_PORT")"

# The verdict as metrics, at the end of the burst: the service and the host capped by the NAT.
expect_eq "metrics: the limit, per destination" "$(samples one synscope_capacity_limit)" \
	"synscope_capacity_limit{daddr=\"$SERVICE\",dport=\"$SERVICE_PORT\",host=\"$SERVICE_NAME\",limit=\"nat_gateway\"} 1"
expect_eq "metrics: the limit, host-wide" "$(samples one synscope_host_capacity_limit)" \
	'synscope_host_capacity_limit{limit="nat_gateway"} 1'
expect_eq "metrics: the figures beside it" \
	"$({ samples one synscope_connections_capped_at; samples one synscope_nat_ips_needed; } | grep "\"$SERVICE\"" | paste -sd ' ')" \
	"$(printf 'synscope_connections_capped_at{daddr="%s",dport="%s",host="%s"} %s synscope_nat_ips_needed{daddr="%s",dport="%s",host="%s"} 2' \
		"$SERVICE" "$SERVICE_PORT" "$SERVICE_NAME" $PORTS "$SERVICE" "$SERVICE_PORT" "$SERVICE_NAME")"

# The streaming text says so once; the exit report names the cause and the advice.
expect_eq "one plateau line for the service" \
	"$(capacity_lines one | grep -c "^CAPACITY $SERVICE:$SERVICE_PORT $SERVICE_NAME: capped at" || true)" 1
expect_match "the plateau line" "$(capacity_lines one)" \
	"CAPACITY $SERVICE:$SERVICE_PORT $SERVICE_NAME: capped at $PORTS open connections while attempts are turned away: NAT Gateway port allocation, 1 address; demand peak $CONNECTS needs 2 addresses of $PORTS"
expect_match "the host-wide plateau line points at the service" "$(capacity_lines one)" \
	"CAPACITY host-wide: capped at $PORTS open connections while attempts are turned away: capped by $SERVICE:$SERVICE_PORT: NAT Gateway port allocation, 1 address; demand peak $CONNECTS needs 1 ENI of 65000"
expect_match "a warning line as the burst passed 80%" "$(capacity_lines one)" \
	"CAPACITY $SERVICE:$SERVICE_PORT $SERVICE_NAME: [0-9]+ concurrent connections, [0-9.]+% of the NAT capacity $PORTS \\($PORTS x 1 address\\)"
section=$(capacity_section one)
expect_match "capacity section: the cause" "$section" \
	"  $SERVICE:$SERVICE_PORT $SERVICE_NAME: capped at $PORTS open connections while attempts were turned away: NAT Gateway port allocation, 1 address"
expect_match "capacity section: the advice" "$section" \
	"concurrent peak $PORTS, demand peak $CONNECTS \\(150.0% of the NAT capacity $PORTS\\): 2 addresses needed: add 1 secondary address to the NAT Gateway \\(--nat-ips 2\\)"
expect_match "capacity section: the host-wide cause is the service's" "$section" \
	"  host-wide: capped at $PORTS open connections while attempts were turned away: capped by $SERVICE:$SERVICE_PORT: NAT Gateway port allocation, 1 address"

# --- two addresses: carried ---------------------------------------------------------
lab_up --ports-per-ip $PORTS --nat-ips 2
traced_burst two --nat-limit $PORTS --nat-ips 2 -- --connects $CONNECTS
expect_eq "two addresses: the NAT refused none" "$(bk two nat.attempts_refused)" 0
expect_eq "two addresses: the load generator's timeouts" "$(bk two load.service.timeout)" 0
expect_eq "two addresses: the service's row" \
	"$(last_row two "$SERVICE" established timeout capped_at nat_capacity nat_ips_needed cause)" \
	"$(printf '%s\t0\t\t%s\t2\t' $CONNECTS $((PORTS * 2)))"
expect_eq "two addresses: no CAPACITY line" "$(capacity_lines two | wc -l)" 0
expect_eq "two addresses: no limit in the metrics" \
	"$(samples two synscope_capacity_limit; samples two synscope_host_capacity_limit)" ""
finish
