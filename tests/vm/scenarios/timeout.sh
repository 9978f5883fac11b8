# SPDX-License-Identifier: GPL-2.0-only
# Every SYN dropped: the kernel gives up after its SYN retries (one here).
setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1
	server_nft 'tcp dport 8082 drop'
}

traffic() {
	in_client connburst -q -n 2 -c 2 "$SERVER4" 8082
}
