#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# DNS lookups through a real dnsmasq, asserted from the DNS CSV: A, AAAA, a
# CNAME chain, NXDOMAIN, SERVFAIL (DNSSEC validation of an unsigned upstream
# fails), a truncated UDP answer retried over TCP, a query never answered,
# and both legs (client -> dnsmasq, dnsmasq -> its upstream).
. "$(dirname "$0")/../lib.sh"

UPSTREAM4=198.18.0.3
lab_up
ip -n "$NS_S" addr add "$UPSTREAM4/24" dev "s$ID"
for i in $(seq 1 40); do echo "198.18.1.$i big.test"; done >"$WORK/hosts"
# The upstream: answers up.test and sf.test (unsigned).
in_server dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address=$UPSTREAM4 \
	--address=/up.test/198.18.0.2 --address=/sf.test/198.18.0.2 >"$WORK/upstream.log" 2>&1 &
background $!
start_dns --address=/web.test/198.18.0.2 --address=/web.test/2001:2::2 --address=/nx.test/ \
	--cname=alias.test,mid.test --cname=mid.test,end.test --host-record=end.test,198.18.0.2 \
	--addn-hosts="$WORK/hosts" --server=/up.test/$UPSTREAM4 \
	--dnssec --trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D \
	--server=$UPSTREAM4
start_listener "$SERVER4" 8080
start_listener "$SERVER6" 8080
start_tracer --dns-csv "$WORK/dns.csv" --dns-timeout 1.5
resolve() { in_client "$CONNBURST" -q "$@" 8080 >/dev/null 2>&1 || true; }
resolve -4 web.test
resolve -6 web.test
resolve -4 alias.test
resolve -4 nx.test
resolve -4 sf.test
resolve -4 big.test
resolve -4 up.test
in_server nft add table inet t
in_server nft add chain inet t input '{ type filter hook input priority 0; }'
in_server nft add rule inet t input udp dport 53 drop
resolve -4 lost.test
sleep 2 # --dns-timeout
stop_tracer

q() { lookups netns comm server transport qname qtype rcode result answers canonical |
	awk -F'\t' -v n="$1" '$5 == n' | cut -f2-; }
expect_rows "A" "$(printf 'connburst\t198.18.0.2\tudp\tweb.test\tA\tNOERROR\tok\t198.18.0.2\t')" "$(q web.test | grep -P '\tA\t')"
expect_rows "AAAA" "$(printf 'connburst\t198.18.0.2\tudp\tweb.test\tAAAA\tNOERROR\tok\t2001:2::2\t')" "$(q web.test | grep AAAA)"
expect_rows "CNAME chain to its end" "$(printf 'connburst\t198.18.0.2\tudp\talias.test\tA\tNOERROR\tok\t198.18.0.2\tend.test')" "$(q alias.test)"
expect_rows "NXDOMAIN" "$(printf 'connburst\t198.18.0.2\tudp\tnx.test\tA\tNXDOMAIN\tnxdomain\t\t')" "$(q nx.test)"
expect_match "SERVFAIL" "$(q sf.test | grep connburst)" $'\tSERVFAIL\tservfail\t'
expect_rows "truncated over UDP, then the TCP retry" \
	"$(printf 'connburst\t198.18.0.2\tudp\tbig.test\tA\tNOERROR\ttruncated\nconnburst\t198.18.0.2\ttcp\tbig.test\tA\tNOERROR\tok')" \
	"$(q big.test | cut -f1-7)"
expect_eq "the TCP answer holds addresses" "$(q big.test | awk -F'\t' '$3 == "tcp" { print split($8, a, " ") }')" 8
expect_rows "unanswered" "$(printf 'connburst\t198.18.0.2\tudp\tlost.test\tA\t\tunanswered\t\t')" "$(q lost.test)"
client_netns=$(in_client stat -L -c %i /proc/self/ns/net)
server_netns=$(in_server stat -L -c %i /proc/self/ns/net)
expect_rows "both legs: the client's query and dnsmasq's to its upstream" \
	"$(printf '%s\tconnburst\t198.18.0.2\n%s\tdnsmasq\t%s' "$client_netns" "$server_netns" "$UPSTREAM4")" \
	"$(lookups netns comm server qname | awk -F'\t' '$4 == "up.test" { print $1 "\t" $2 "\t" $3 }')"
latency=$(lookups qname result latency_us | awk -F'\t' '$1 == "web.test" && $2 == "ok" { print $3; exit }')
expect_ge "lookup latency (us)" "$latency" 1
acct=$(grep '^dns:' "$WORK/tracer.out")
expect_match "DNS accounting: nothing lost" "$acct" 'lost 0;'
expect_match "the connect to web.test is named" "$(attempts host daddr dport | sort -u)" $'web.test\t198.18.0.2\t8080'
finish
