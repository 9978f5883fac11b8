# SPDX-License-Identifier: GPL-2.0-only
# The server's firewall answers SYNs with ICMP host-unreachable; a blocking
# client waits for the kernel's verdict.
setup() {
	client_sysctl net.ipv4.tcp_syn_retries=1
	server_nft 'tcp dport 8083 reject with icmp host-unreachable'
}

traffic() {
	in_client connburst -q -n 1 --blocking "$SERVER4" 8083
}
