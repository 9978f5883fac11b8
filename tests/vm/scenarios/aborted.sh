# SPDX-License-Identifier: GPL-2.0-only
# The application gives up first: its own 300 ms connect timeout closes the
# socket while it is still in SYN_SENT.
setup() {
	server_nft 'tcp dport 8084 drop'
}

traffic() {
	in_client connburst -q -n 2 -c 2 -t 300 "$SERVER4" 8084
}
