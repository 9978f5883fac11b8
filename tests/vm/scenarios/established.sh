# SPDX-License-Identifier: GPL-2.0-only
# Connects that complete.
setup() {
	start_listener "$SERVER4" 8080 --hold
}

traffic() {
	in_client connburst -q -n 5 -c 5 -H 300 "$SERVER4" 8080
}
