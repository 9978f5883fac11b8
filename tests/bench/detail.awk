# SPDX-License-Identifier: GPL-2.0-only
#
# A synscope bench window's DETAIL, as key=value words, from its accounting
# lines (a: the "events:" line, d: the "dns:" line, empty without DNS), its
# CSV rows and established rows, the rows wanted (the connects made, 0 for
# other workloads), the namespace's TcpActiveOpens in the window and
# synscope's exit status.  Used by tests/bench/measure.sh and by the VM's
# bench (tests/vm/guest/bench.sh): awk -v a=... -v d=... -v rows=... -v estab=...
# -v want=... -v opens=... -v rc=... -f detail.awk
BEGIN {
	n = split("produced delivered dropped expired", k, " ")
	for (i = 1; i <= n; i++)
		v[k[i]] = match(a, k[i] " [0-9]+") ? substr(a, RSTART + length(k[i]) + 1, RLENGTH - length(k[i]) - 1) : "?"
	lost = match(d, "lost [0-9]+") ? substr(d, RSTART + 5, RLENGTH - 5) : (d == "" ? 0 : "?")
	printf "rc=%s produced=%s delivered=%s dropped=%s expired=%s dns_lost=%s rows=%s established=%s want=%s opens=%s",
		rc, v["produced"], v["delivered"], v["dropped"], v["expired"], lost, rows, estab, want, opens
}
