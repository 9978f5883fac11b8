#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Two load-test hosts and a real Prometheus: two synscope instances, each
# with its own --dst filter and load generator (-c), each its own known
# traffic (established, established after one SYN retry, refused, timed out,
# names through dnsmasq), and both holding connections to one shared
# destination.  Debian's prometheus scrapes both every second with the fleet
# rules of contrib/prometheus/; through its HTTP API: the attempts by outcome
# summed over both equal the known counts, histogram_quantile over the
# handshake histogram lands in the bucket of the CSVs' own quantile, the
# recording rules give the fleet-wide sums, and promtool finds nothing wrong
# with a scrape, the rules or their unit tests (each alert).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../metrics_lib.sh"

SHARED4=198.18.0.4
SECOND4=198.18.0.3

# The rules, and each alert firing and not, in promtool's unit tests.
expect_match "promtool check rules" \
	"$(promtool check rules "$ROOT/contrib/prometheus/synscope.rules.yml" 2>&1)" 'SUCCESS: [0-9]+ rules found'
expect_match "promtool test rules" \
	"$(cd "$ROOT/contrib/prometheus" && promtool test rules synscope.rules.test.yml 2>&1)" \
	$'Unit Testing:  synscope.rules.test.yml\n  SUCCESS'

lab_up
ip -n "$NS_S" addr add "$SECOND4/24" dev "s$ID"
ip -n "$NS_S" addr add "$SHARED4/24" dev "s$ID"
client_sysctl net.ipv4.tcp_syn_retries=1
# 8082: every SYN dropped (timeout); 8083: the first SYN of each connection dropped (one retry).
server_nft 'tcp dport 8082 drop
	tcp dport 8083 tcp flags & (syn | ack) == syn ip saddr . tcp sport != @seen add @seen { ip saddr . tcp sport } drop' \
	'set seen { type ipv4_addr . inet_service; flags dynamic,timeout; timeout 60s; }'
for addr in "$SERVER4" "$SECOND4"; do
	start_listener "$addr" 8080
	start_listener "$addr" 8083
done
start_listener "$SHARED4" 8080 --hold
start_dns --address=/a.test/$SERVER4 --address=/b.test/$SECOND4 --address=/shared.test/$SHARED4 \
	--address=/nx.test/

# Host a: loadgen-a to a.test (198.18.0.2); host b: loadgen-b to b.test (198.18.0.3).
cp "$CONNBURST" "$WORK/loadgen-a"
cp "$CONNBURST" "$WORK/loadgen-b"
PORT_A=$(free_port)
PORT_B=$(free_port)
start_instance a -c loadgen-a --dst "$SERVER4/32" --dst "$SHARED4/32" --metrics "127.0.0.1:$PORT_A"
start_instance b -c loadgen-b --dst "$SECOND4/32" --dst "$SHARED4/32" --metrics "127.0.0.1:$PORT_B"
start_prometheus "127.0.0.1:$PORT_A" "127.0.0.1:$PORT_B"

# load HOST NAME PORT COUNT: COUNT connects at once from HOST's load generator to NAME.
LOADS=()
load() {
	in_client "$WORK/loadgen-$1" -q -4 -n "$4" -c "$4" "$2" "$3" >/dev/null &
	LOADS+=($!)
}
load a a.test 8080 5
load a a.test 8081 3
load a a.test 8082 2
load a a.test 8083 2
load b b.test 8080 4
load b b.test 8081 2
load b b.test 8082 1
load b b.test 8083 1
in_client "$WORK/loadgen-a" -q -4 -n 1 nx.test 8080 >/dev/null 2>&1 || true
wait "${LOADS[@]}" || true
# Both hosts hold connections to the shared destination: 3 from a, 2 from b.
in_client "$WORK/loadgen-a" -q -4 -n 3 -c 3 -H -1 -l -1 shared.test 8080 >/dev/null &
BACKGROUND+=($!)
HOLD_A=$!
in_client "$WORK/loadgen-b" -q -4 -n 2 -c 2 -H -1 -l -1 shared.test 8080 >/dev/null &
BACKGROUND+=($!)
HOLD_B=$!
wait_rows a 15 && wait_rows b 10 || fail "the instances did not see every attempt"
scraped_after "$(date +%s.%N)" || fail "prometheus did not scrape both instances again"
curl -sf "http://127.0.0.1:$PORT_A/metrics" >"$WORK/scrape.les"

# --- what prometheus has -----------------------------------------------------------
SEL='daddr=~"198\\.18\\.0\\.[23]"'
expect_rows "sum by (outcome) over both instances = the known counts" \
	"$(printf 'outcome=aborted\t0\noutcome=established\t12\noutcome=local_error\t0\noutcome=refused\t5\noutcome=timeout\t3\noutcome=unreachable\t0')" \
	"$(prom_query "sum by (outcome) (synscope_connect_attempts_total{$SEL})")"
expect_rows "each instance its own" \
	"$(printf 'instance=127.0.0.1:%s\t12\ninstance=127.0.0.1:%s\t8' "$PORT_A" "$PORT_B")" \
	"$(prom_query "sum by (instance) (synscope_connect_attempts_total{$SEL})")"
expect_rows "the names label the destinations" \
	"$(printf 'daddr=198.18.0.2,host=a.test\t12\ndaddr=198.18.0.3,host=b.test\t8')" \
	"$(prom_query "sum by (daddr, host) (synscope_connect_attempts_total{$SEL})")"
expect_rows "SYN retransmissions: a retry each to 8083, and the timeouts' own" \
	"$(printf 'dport=8082\t%s\ndport=8083\t3' "$(csv_sum 8082 syn_retries)")" \
	"$(prom_query "sum by (dport) (synscope_syn_retransmits_total{$SEL,dport=~\"808[23]\"})")"
# Each of the 4 runs to a.test resolved it once (A only: -4); each instance saw every lookup.
expect_rows "DNS lookups of a.test answered" "$(printf 'host=a.test,result=ok\t4')" \
	"$(prom_query 'max by (host, result) (synscope_dns_lookups_total{host="a.test",qtype="A",result="ok"})')"
expect_rows "DNS lookups of nx.test: NXDOMAIN" "$(printf 'host=nx.test\t1')" \
	"$(prom_query 'max by (host) (synscope_dns_lookups_total{host="nx.test",qtype="A",result="nxdomain"})')"
for q in 0.5 0.9; do
	expect_in_bucket "histogram_quantile($q) over both" "$q" \
		"$(prom_query "histogram_quantile($q, sum by (le) (synscope_connect_duration_seconds_bucket{$SEL}))" | cut -f2)"
done

# --- the fleet rules ----------------------------------------------------------------
expect_rows "recording rule: timeouts per destination, both instances" \
	"$(printf 'daddr=198.18.0.2,dport=8082\t2\ndaddr=198.18.0.3,dport=8082\t1')" \
	"$(prom_query 'daddr_dport:synscope_connect_timeouts:sum > 0')"
expect_rows "recording rule: the fleet's attempts by outcome" \
	"$(printf 'outcome=aborted\t0\noutcome=established\t17\noutcome=local_error\t0\noutcome=refused\t5\noutcome=timeout\t3\noutcome=unreachable\t0')" \
	"$(prom_query 'outcome:synscope_connect_attempts:sum')"
expect_rows "recording rule: the shared destination's demand is both hosts' together" \
	"$(printf 'daddr=198.18.0.4,dport=8080\t5')" \
	"$(prom_query "daddr_dport:synscope_connections_demand:sum{daddr=\"$SHARED4\"}")"
expect_rows "each host holds its own" \
	"$(printf 'instance=127.0.0.1:%s\t3\ninstance=127.0.0.1:%s\t2' "$PORT_A" "$PORT_B")" \
	"$(prom_query "sum by (instance) (synscope_connections_open{daddr=\"$SHARED4\"})")"
expect_rows "recording rule: the NAT Gateway's capacity per destination" "$(printf '\t55000')" \
	"$(prom_query 'synscope:nat_capacity_connections:min')"
expect_eq "the rules loaded and evaluate" "$(prom_rule_health)" "ok"

# --- the exposition itself -----------------------------------------------------------
curl -sf "http://127.0.0.1:$PORT_A/metrics" >"$WORK/scrape.txt"
expect_eq "promtool check metrics on a scrape" "$(promtool check metrics <"$WORK/scrape.txt" 2>&1)" ""
curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' \
	"http://127.0.0.1:$PORT_A/metrics" >"$WORK/scrape.om"
expect_eq "OpenMetrics when asked: ends in # EOF" "$(tail -n 1 "$WORK/scrape.om")" "# EOF"
expect_eq "promtool check metrics on the golden exposition" \
	"$(promtool check metrics <"$ROOT/tests/unit/golden/metrics.prom" 2>&1)" ""

kill -TERM "$HOLD_A" "$HOLD_B"
wait "$HOLD_A" "$HOLD_B" 2>/dev/null || true
stop_instances
# Every connect of both hosts (nx.test's never started): the client's own count.
expect_eq "the client namespace's TcpActiveOpens" "$(nstat_client TcpActiveOpens)" 25
finish
