#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Bad input (issue 12, item 4): every option that `synscope --help` lists,
# given every kind of bad value its rule in the table below implies
# (negative, zero, past its range, overflowing, garbage, empty, spaces, a
# missing argument, given twice) and the combinations that contradict each
# other, must exit 2 with one line on stderr that names the option, print
# nothing on stdout, and make no bpf() or perf_event_open() call: options are
# read before anything is loaded.  Good values must get past the parser.
#
# It runs synscope as an unprivileged user (nobody when started as root), so
# that nothing can be loaded whatever the parser lets through: a good value
# ends at the privilege check (exit 1), a bad one must end before it (2).
# An option in --help without a row here, or a row for no option, fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SYNSCOPE=${SYNSCOPE:-$ROOT/synscope}
. "$ROOT/tests/unit/support/help.sh"

# Repetition: an option given twice is an error, whatever it is: a second
# filter could be mistaken for "either" and would silently trace less.  Only
# --dst repeats (at most 64 networks).
#
# option          | kind    | good values (the range's ends)  | bad values past the range | with | times
TABLE='
--pid             | number  | 1 4242 2147483647                | 0 2147483648              |      |
--comm            | name    | a curl 0123456789abcde           | 0123456789abcdef          |      |
--dport           | number  | 1 443 65535                      | 0 65536                   |      |
--dst             | cidr    | 198.18.0.0/15 2001:2::/48 198.18.0.1 2001:2::1 0.0.0.0/0 ::/0 | 300.1.2.3/8 198.18.0.0/33 2001:2::/129 1.2.3 198.18.0.0/15/1 | | 64
--ipv4            | flag    |                                  |                           |      |
--ipv6            | flag    |                                  |                           |      |
--duration        | seconds | 0.001 1 2.5 .5 5. 1000000000     | 0 0.0009 1000000000.001   |      |
--interval        | seconds | 0.01 1 0.25 1000000000           | 0 0.009 1000000001        |      |
--stall-ms        | number  | 1 300 86400000                   | 0 86400001                | --inflight-ttl 86400 |
--inflight-ttl    | seconds | 1 1.5 300 1000000000             | 0 0.999 1000000001        |      |
--csv             | file    | a.csv ./-a.csv /tmp/x/a.csv      |                           |      |
--summary-csv     | file    | a.csv                            |                           |      |
--dns-csv         | file    | a.csv                            |                           |      |
--verbose         | flag    |                                  |                           |      |
--dashboard       | flag    |                                  |                           |      |
--iterations      | number  | 1 1000000000                     | 0 1000000001              | --dashboard |
--no-dns          | flag    |                                  |                           |      |
--dns-timeout     | seconds | 0.01 5 1000000000                | 0 0.009 1000000001        |      |
--dns-capture     | choice  | auto cgroup packet               |                           |      |
--check           | flag    |                                  |                           |      |
--probe-mode      | choice  | auto fentry kprobe tracepoint    |                           |      |
--max-inflight    | number  | 16 16777216                      | 0 15 16777217             |      |
--max-open        | number  | 16 16777216                      | 0 15 16777217             |      |
--ringbuf-mb      | number  | 1 2 1024                         | 0 3 1023 2048             |      |
--metrics         | listen  | :9464 127.0.0.1:9464 [::1]:9464 :1 :65535 | :0 :65536 9464 1.2.3:9464 [::1:9464 ::1:9464 [198.18.0.1]:9464 | |
--metrics-max-destinations | number | 1 500 1000000     | 0 1000001                 | --metrics :9464 |
--nat-limit       | number  | 1 55000 100000000                | 0 100000001               |      |
--nat-ips         | number  | 1 2 8                            | 0 9                       |      |
--eni-limit       | number  | 1 65000 100000000                | 0 100000001               |      |
--enis            | number  | 1 2 1024                         | 0 1025                    |      |
--capacity-warn   | number  | 1 80 100                         | 0 101                     |      |
--connect-errors  | flag    |                                  |                           |      |
--help            | builtin |                                  |                           |      |
--usage           | builtin |                                  |                           |      |
--version         | builtin |                                  |                           |      |
'

# What every value of a kind must refuse, besides its row's own.
bad_values() {
	case $1 in
	number) BAD=(-1 -0 +5 " 5" "5 " 12x 0x10 1e3 1.5 "" 99999999999999999999
		18446744073709551616 18446744073709551617) ;;
	seconds) BAD=(-1 -0.5 +5 " 5" "5 " 12x 0x10 1e3 inf nan . 1..2 1.2.3 1,5 ""
		99999999999999999999 99999999999999999999.5) ;;
	name) BAD=("" -x --verbose) ;;
	cidr) BAD=("" x " 198.18.0.0/15" "198.18.0.0/15 " "198.18.0.0/ 15" 198.18.0.0/+15
		198.18.0.0/-1 198.18.0.0/ 198.18.0.0/99999999999999999999 198.18.0.0/15x) ;;
	choice) BAD=("" x "${GOOD[0]^^}" "${GOOD[0]:0:3}" " ${GOOD[0]}" "${GOOD[0]} ") ;;
	file) BAD=("" - --verbose) ;;
	listen) BAD=("" x : " :9464" ":9464 " :+80 :-1 :0x10 :99999999999999999999 "127.0.0.1 :9464") ;;
	*) BAD=() ;;
	esac
}

# Contradictions: the text the message must hold, then the arguments.
CONFLICTS='
--ipv4          | -4 -6
--ipv4          | --ipv6 --ipv4
--iterations    | -n 5
--iterations    | --iterations 5 --csv a.csv
--metrics-max-destinations | --metrics-max-destinations 10
--dns-csv       | --no-dns --dns-csv d.csv
--dns-timeout   | --dns-timeout 3 --no-dns
--dns-capture   | --no-dns --dns-capture cgroup
--dst           | -4 --dst 2001:2::/48
--dst           | -6 --dst 198.18.0.0/15 --dst 198.19.0.0/16
--summary-csv   | --csv a.csv --summary-csv a.csv
--dns-csv       | --csv a.csv --dns-csv a.csv
--dns-csv       | --summary-csv a.csv --dns-csv a.csv
--stall-ms      | --stall-ms 300001
--stall-ms      | --stall-ms 2000 --inflight-ttl 1
'

# Combinations that are fine.
ACCEPTED='
--dashboard -n 1 --csv a.csv --summary-csv b.csv --dns-csv c.csv
-4 --dst 198.18.0.0/15 --dst 2001:2::/48
-6 --dst 198.18.0.0/15 --dst 2001:2::/48
--check --probe-mode tracepoint -v
--stall-ms 1000 --inflight-ttl 1
--stall-ms 300000
--connect-errors --probe-mode fentry
--no-dns --csv a.csv
--metrics :9464 --metrics-max-destinations 10 --dashboard
-4 -p 1 -c curl --dport 443 -d 1 -i 0.5
'

# --check only reads the kernel: these are the options it takes.
CHECK_TAKES=(--check --probe-mode --verbose)

# Neither options nor values: the text the message must hold, the arguments.
UNKNOWN='
--bogus         | --bogus
x               | -x
--PID           | --PID=1
--d             | --d=5
--dns           | --dns 5
extra           | extra
extra           | -- extra
x               | --dport 80 x
'

WORK=$(mktemp -d /tmp/synscope-options.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
cp "$SYNSCOPE" "$WORK/synscope"
AS_USER=()
if [ "$(id -u)" -eq 0 ]; then
	chown 65534:65534 "$WORK"
	AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
command -v strace >/dev/null || {
	echo "test_options: needs strace (tools/install-deps.sh test)" >&2
	exit 1
}
cd "$WORK"

CASES=0
FAILED=0
fail() {
	echo "not ok - synscope $(printf '%q ' "${ARGS[@]}"): $*"
	FAILED=$((FAILED + 1))
}

# run [--trace] ARGS...: RC, OUT, ERR (and TRACE, the kernel calls made).
run() {
	local trace=()
	if [ "$1" = --trace ]; then
		trace=(strace -f -qq -e trace=bpf,perf_event_open -o "$WORK/trace")
		shift
	fi
	ARGS=("$@")
	CASES=$((CASES + 1))
	RC=0
	"${AS_USER[@]}" "${trace[@]}" ./synscope "$@" </dev/null >"$WORK/out" 2>"$WORK/err" || RC=$?
	OUT=$(<"$WORK/out")
	mapfile -t ERR_LINES <"$WORK/err"
	ERR=$(<"$WORK/err")
	TRACE=
	if [ ${#trace[@]} -gt 0 ]; then
		TRACE=$(<"$WORK/trace")
		rm -f "$WORK/trace"
	fi
}

# expect_usage NAMES ARGS...: exit 2, nothing on stdout, one line on stderr
# that starts "synscope: " and holds one of NAMES (space-separated), no
# kernel call.  expect_usage_again: the same value in another form, for
# which strace is not run again.
expect_usage() {
	refused --trace "$@"
}
expect_usage_again() {
	refused "" "$@"
}
refused() {
	local trace=$1 names=$2 name named=
	shift 2
	run $trace "$@"
	[ "$RC" -eq 2 ] || { fail "exit status $RC, expected 2 (stderr: $ERR)"; return; }
	[ -z "$OUT" ] || fail "printed on stdout: $OUT"
	[ ${#ERR_LINES[@]} -eq 1 ] || fail "stderr has ${#ERR_LINES[@]} lines: $ERR"
	[[ $ERR == "synscope: "* ]] || fail "message does not start 'synscope: ': $ERR"
	for name in $names; do
		[[ $ERR == *"$name"* ]] && named=1
	done
	[ -n "$named" ] || fail "message names none of $names: $ERR"
	[ -z "$TRACE" ] || fail "called the kernel before refusing: $TRACE"
}

# expect_accepted ARGS...: past the parser (as an unprivileged user, the
# privilege check ends it with 1; --help and friends with 0).
expect_accepted() {
	run "$@"
	[ "$RC" -ne 2 ] || fail "refused: $ERR"
}

# The names a message may use for an option: --long, -s, 's'.
names_of() {
	local long=$1 short=$2
	if [ "$short" = - ]; then
		echo "$long"
	else
		echo "$long $short '${short#-}'"
	fi
}

# walk_option LONG SHORT ARG KIND GOOD BAD WITH TIMES
walk_option() {
	local long=$1 short=$2 arg=$3 kind=$4 with=() names v i n
	read -ra GOOD <<<"$5"
	read -ra with <<<"$7"
	local times=${8:-1}
	bad_values "$kind"
	read -ra own_bad <<<"$6"
	BAD+=("${own_bad[@]}")
	names=$(names_of "$long" "$short")

	# The table's kind and --help agree on whether the option takes a value.
	case $kind in
	flag | builtin) [ "$arg" = - ] || fail_row "$long: takes $arg in --help, '$kind' in the table" ;;
	*) [ "$arg" != - ] || fail_row "$long: takes no value in --help, '$kind' in the table" ;;
	esac

	case $kind in
	builtin)
		run "$long"
		[ "$RC" -eq 0 ] && [ -n "$OUT" ] || fail "exit $RC, stdout '${OUT:0:40}'"
		expect_usage "$names" "$long=x"
		return
		;;
	flag)
		expect_accepted "${with[@]}" "$long"
		[ "$short" = - ] || expect_accepted "${with[@]}" "$short"
		expect_usage "$names" "${with[@]}" "$long=x"
		expect_usage "$names" "${with[@]}" "$long" "$long"
		[ "$short" = - ] || expect_usage "$names" "${with[@]}" "$long" "$short"
		check_with_check "$long" "${with[@]}" "$long"
		return
		;;
	esac

	for v in "${GOOD[@]}"; do
		expect_accepted "${with[@]}" "$long=$v"
		expect_accepted "${with[@]}" "$long" "$v"
		[ "$short" = - ] || expect_accepted "${with[@]}" "$short" "$v"
	done
	for v in "${BAD[@]}"; do
		expect_usage "$names" "${with[@]}" "$long=$v"
		expect_usage_again "$names" "${with[@]}" "$long" "$v"
		if [ "$short" != - ]; then
			expect_usage_again "$names" "${with[@]}" "$short" "$v"
			[ -z "$v" ] || expect_usage_again "$names" "${with[@]}" "$short$v"
		fi
	done
	# A missing value: at the end, or the next option taken for it.
	expect_usage "$names" "${with[@]}" "$long"
	[ "$short" = - ] || expect_usage "$names" "${with[@]}" "$short"
	expect_usage "$names" "${with[@]}" "$long" --verbose
	# Given once more than it may be.
	local args=()
	for ((i = 0; i < times; i++)); do
		n=$((i % ${#GOOD[@]}))
		args+=("$long" "${GOOD[n]}")
	done
	[ "$times" -eq 1 ] || expect_accepted "${with[@]}" "${args[@]}"
	expect_usage "$names" "${with[@]}" "${args[@]}" "$long" "${GOOD[0]}"
	[ "$short" = - ] || expect_usage_again "$names" "${with[@]}" "${args[@]}" "$short" "${GOOD[0]}"
	check_with_check "$long" "${with[@]}" "$long" "${GOOD[0]}"
}

# --check with an option it does not take.
check_with_check() {
	local long=$1 o
	shift
	for o in "${CHECK_TAKES[@]}"; do
		[ "$o" != "$long" ] || return 0
	done
	expect_usage --check --check "$@"
}

ROW_ERRORS=0
fail_row() {
	echo "not ok - table: $*"
	ROW_ERRORS=$((ROW_ERRORS + 1))
}

# Every option of --help has its row, every row its option.
HELP=$(help_options "$WORK/synscope")
if grep -q '^?' <<<"$HELP"; then
	fail_row "--help lines this test cannot read: $(grep '^?' <<<"$HELP")"
fi
declare -A ROWS=()
while IFS='|' read -r long kind good bad with times; do
	long=${long// /}
	[ -n "$long" ] && [ "${long:0:1}" != "#" ] || continue
	ROWS[$long]="${kind// /}|$good|$bad|$with|${times// /}"
done <<<"$TABLE"
for long in "${!ROWS[@]}"; do
	grep -q "^$long " <<<"$HELP" || fail_row "$long has a row but is not in --help"
done

while read -r long short arg; do
	[ "$long" != "?" ] || continue
	if [ -z "${ROWS[$long]:-}" ]; then
		fail_row "$long is in --help but has no row in the table: add its value rules"
		continue
	fi
	IFS='|' read -r kind good bad with times <<<"${ROWS[$long]}"
	walk_option "$long" "$short" "$arg" "$kind" "$good" "$bad" "$with" "$times"
done <<<"$HELP"

# refusals TABLE: each "TEXT | ARGS" line refused with TEXT in the message.
refusals() {
	local want args argv
	while IFS='|' read -r want args; do
		[ -n "${want// /}" ] || continue
		read -ra argv <<<"$args"
		expect_usage "${want// /}" "${argv[@]}"
	done <<<"$1"
}
refusals "$CONFLICTS"
refusals "$UNKNOWN"
while read -ra argv; do
	[ ${#argv[@]} -gt 0 ] || continue
	expect_accepted "${argv[@]}"
done <<<"$ACCEPTED"

# Nothing was written: no CSV file was created by any of them.
LEFT=$(find . -mindepth 1 -not -name synscope -not -name out -not -name err)
[ -z "$LEFT" ] || fail_row "files left by the runs: $LEFT"

FAILED=$((FAILED + ROW_ERRORS))
if [ "$FAILED" -ne 0 ]; then
	echo "test_options: $FAILED of $CASES cases failed"
	exit 1
fi
echo "test_options: all $CASES cases passed"
