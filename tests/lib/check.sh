# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Checks, on the host (bash): TAP lines ("ok - TEST_NAME: ..." and "not
# ok - ..."), counted in CHECKS and FAILURES, and the checks of one
# scenario's result directory, the same for the namespace runner
# (tests/run-scenario.sh) and the QEMU runner (tests/vm/run.sh).  Needs
# tests/lib/scenario.sh (csv_rows) and TEST_NAME.

CHECKS=0
FAILURES=0

ok() {
	echo "ok - $TEST_NAME: $*"
	CHECKS=$((CHECKS + 1))
}

fail() {
	echo "not ok - $TEST_NAME: $*"
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
}

expect_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1 = $3"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

expect_match() {
	if [[ $2 =~ $3 ]]; then
		ok "$1"
	else
		fail "$1: '$2' does not match /$3/"
	fi
}

# expect_ge NAME ACTUAL MIN
expect_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		ok "$1 = $2 >= $3"
	else
		fail "$1: got '$2', expected at least $3"
	fi
}

# expect_each_ge NAME COLUMN MIN: every attempt's COLUMN in $OUT/attempts.csv is at least MIN.
expect_each_ge() {
	local value
	for value in $(csv_rows "$OUT/attempts.csv" "$2"); do
		expect_ge "$1" "$value" "$3"
	done
}

# expect_rows NAME EXPECTED ACTUAL: equal after sorting; shows the difference.
expect_rows() {
	local want got
	want=$(sort <<<"$2")
	got=$(sort <<<"$3")
	if [ "$want" == "$got" ]; then
		ok "$1"
	else
		fail "$1"
		diff <(echo "$want") <(echo "$got") | sed 's/^/#   /' || true
	fi
}

# show FILE...: files as comments, for a failure's context.
show() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "# $(basename "$f"):"
		sed 's/^/#   /' "$f"
	done
}

# check_accounting FILE [DROPPED]: synscope's exit accounting in FILE (its
# standard output): every event produced was delivered, DROPPED (a regular
# expression, 0 by default) dropped; a DNS accounting line, if any, lost 0.
check_accounting() {
	local acct produced delivered
	acct=$(grep '^events:' "$1" || true)
	expect_match "event accounting printed" "$acct" '^events: produced [0-9]+, delivered [0-9]+, '
	expect_match "events dropped: ${2:-0}" "$acct" "dropped ${2:-0} "
	produced=$(sed -n 's/^events: produced \([0-9]*\).*/\1/p' <<<"$acct")
	delivered=$(sed -n 's/.*delivered \([0-9]*\).*/\1/p' <<<"$acct")
	expect_eq "events delivered = produced" "$delivered" "$produced"
	acct=$(grep '^dns:' "$1" || true)
	[ -z "$acct" ] || expect_match "DNS accounting: nothing lost" "$acct" ' lost 0;'
}

# attempt_rows DIR: outcome errno syn_retries daddr dport of every attempt ("-": no errno).
attempt_rows() {
	csv_rows "$1/attempts.csv" outcome errno syn_retries daddr dport |
		awk -F'\t' '{ print $1, ($2 == "" ? "-" : $2), $3, $4, $5 }'
}

# wanted_rows DIR: the attempts the scenario's expected() asked for, one line each.
wanted_rows() {
	awk '$1 == "attempts" { for (i = 0; i < $2; i++) print $3, $4, $5, $6, $7 }' "$1/expected.txt"
}

# counter DIR NAME: a counter of the client namespace's nstat at the end.
counter() { awk -v n="$2" '$1 == n { print $2 }' "$1/nstat.txt"; }

# check_results DIR FILE: one run of scenario FILE, its results in DIR: it
# ran to the end, synscope exited 0 with nothing dropped, its CSV holds the
# expected attempts, their SYN retries add up to TcpExtTCPSynRetrans and
# those that sent a SYN to TcpActiveOpens, the counters are as expected,
# and the scenario's own check() passes.
check_results() {
	local dir=$1 file=$2 before=$FAILURES step got name value
	step=$(cat "$dir/step" 2>/dev/null || echo "(none)")
	if [ "$step" != "done" ]; then
		fail "the scenario stopped in its $step step"
		show "$dir/$step.log" "$dir/tracer.err" "$dir/verbose.log"
		return
	fi
	expect_eq "synscope exit status" "$(cat "$dir/status")" "exit 0"
	check_accounting "$dir/tracer.out" 0
	got=$(attempt_rows "$dir")
	expect_rows "attempts (outcome errno syn_retries daddr dport): $(awk '$1 == "attempts" {
		printf "%s%s", (n++ ? "; " : ""), substr($0, 10) } END { if (!n) printf "none" }' \
		"$dir/expected.txt")" "$(wanted_rows "$dir")" "$got"
	expect_eq "SYN retries = TcpExtTCPSynRetrans" \
		"$(awk '{ s += $3 } END { print s + 0 }' <<<"$got")" "$(counter "$dir" TcpExtTCPSynRetrans)"
	expect_eq "attempts that sent a SYN = TcpActiveOpens" \
		"$(awk '$1 != "local_error" && NF { n++ } END { print n + 0 }' <<<"$got")" \
		"$(counter "$dir" TcpActiveOpens)"
	while read -r name value; do
		expect_eq "$name" "$(counter "$dir" "$name")" "$value"
	done < <(awk '$1 == "counter" { print $2, $3 }' "$dir/expected.txt")
	check_extra "$dir" "$file"
	if [ "$FAILURES" -gt "$before" ]; then
		show "$dir/tracer.err" "$dir/tracer.out" "$dir/traffic.log"
	fi
}

# check_extra DIR FILE: the scenario's check(), if it has one, with OUT=DIR
# (a failing command in it does not stop the other checks).
check_extra() {
	unset -f check
	OUT=$1 # the scenario's check() reads its results there
	# shellcheck source=/dev/null
	. "$2"
	if declare -F check >/dev/null; then
		check || fail "its check() ended with status $?"
	fi
}
