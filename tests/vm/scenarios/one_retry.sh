# SPDX-License-Identifier: GPL-2.0-only
# Only the first SYN of each connection is dropped: established after
# exactly one SYN retransmission (about a second).
setup() {
	server_nft 'tcp dport 8086 tcp flags & (syn | ack) == syn ip saddr . tcp sport != @seen add @seen { ip saddr . tcp sport } drop' \
		'set seen { type ipv4_addr . inet_service; flags dynamic,timeout; timeout 30s; }'
	start_listener "$SERVER4" 8086
}

traffic() {
	in_client connburst -q -n 2 -c 2 "$SERVER4" 8086
}
