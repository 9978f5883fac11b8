# SPDX-License-Identifier: GPL-2.0-only
# No listener: the SYN is answered with a RST.
traffic() {
	in_client connburst -q -n 3 "$SERVER4" 8081
}
