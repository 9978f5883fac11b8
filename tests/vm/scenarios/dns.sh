# SPDX-License-Identifier: GPL-2.0-only
# DNS through dnsmasq, captured by cgroup_skb on the VM's cgroup v2 root
# (/sys/fs/cgroup, not the host's hybrid layout): a name that resolves and
# connects, one that does not resolve, and the headline: a name that
# resolves fine to a destination whose SYNs are dropped.
setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1
	server_nft 'tcp dport 8096 drop'
	start_listener "$SERVER4" 8095
	mkdir -p "/etc/netns/$NS_C"
	echo "nameserver $SERVER4" >"/etc/netns/$NS_C/resolv.conf"
	in_server dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
		--listen-address="$SERVER4" --address=/name.test/"$SERVER4" \
		--address=/drop.test/"$SERVER4" --address=/nx.test/ >"$OUT/dnsmasq.log" 2>&1 &
	BACKGROUND="$BACKGROUND $!"
	sleep 1
}
TRACER_ARGS="--dns-csv $OUT/dns.csv --summary-csv $OUT/summary.csv"

traffic() {
	in_client connburst -q -n 2 -4 name.test 8095
	in_client connburst -q -n 1 -4 nx.test 8095
	in_client connburst -q -n 1 -4 drop.test 8096
}
