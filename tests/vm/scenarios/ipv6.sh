# SPDX-License-Identifier: GPL-2.0-only
# IPv6 (tcp_v6_connect): established, refused and timeout.
setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1 # also governs IPv6
	server_nft 'tcp dport 8092 drop'
	start_listener "$SERVER6" 8090
}

traffic() {
	in_client connburst -q -n 2 "$SERVER6" 8090
	in_client connburst -q -n 2 "$SERVER6" 8091
	in_client connburst -q -n 1 "$SERVER6" 8092
}
