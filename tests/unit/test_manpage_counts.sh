#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test_manpage.sh counts its checks the project's one way, tests/lib/check.sh's:
# every check is one TAP line ("ok - test_manpage: ..." or "not ok - ..."),
# and its summary's count is the number of those lines.  Run on the man page
# as it is (every check passes) and on a copy with one option's entry and
# one outcome's entry renamed: exactly the six checks that touch them fail,
# out of the same number of checks.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TEST_NAME=test_manpage_counts
# shellcheck source=../lib/check.sh
. "$ROOT/tests/lib/check.sh"

WORK=$(mktemp -d /tmp/synscope-manpage-counts.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# run NAME MAN: test_manpage.sh on MAN; its output in $WORK/NAME.out, its status in RC.
run() {
	RC=0
	MAN=$2 "$ROOT/tests/unit/test_manpage.sh" >"$WORK/$1.out" 2>&1 || RC=$?
}

# tap NAME: its TAP lines, and how many said "ok" and "not ok".
tap_counts() {
	awk '/^ok - test_manpage: / { ok++ } /^not ok - test_manpage: / { bad++ }
		END { print ok + 0, bad + 0 }' "$WORK/$1.out"
}

run as_is "$ROOT/doc/synscope.8"
read -r passed failed < <(tap_counts as_is)
expect_eq "as it is: exit status" "$RC" 0
expect_eq "as it is: not ok lines" "$failed" 0
expect_eq "as it is: the summary counts the ok lines" "$(tail -n 1 "$WORK/as_is.out")" \
	"test_manpage: all $passed checks passed"
expect_ge "as it is: checks" "$passed" 100

# The mutant: the entries of --pid and of the outcome "refused" renamed:
# each is missing, and each new name is of nothing the code has.
sed -e 's/^\.BR \\-p ", " \\%\\-\\-pid =/.BR \\-P ", " \\%\\-\\-pidx =/' \
	-e 's/^\.B refused$/.B refusedx/' "$ROOT/doc/synscope.8" >"$WORK/mutant.8"
expect_eq "the mutant: two lines changed" \
	"$(diff "$ROOT/doc/synscope.8" "$WORK/mutant.8" | grep -c '^>' || true)" 2
run mutant "$WORK/mutant.8"
read -r mutant_passed mutant_failed < <(tap_counts mutant)
expect_eq "the mutant: exit status" "$RC" 1
expect_eq "the mutant: what failed" \
	"$(grep '^not ok' "$WORK/mutant.out" | sed 's/^not ok - test_manpage: [^:]*: //' | sort |
		paste -sd ';')" \
	"$(printf '%s\n' 'no entry for --pid under OPTIONS' 'no entry for -p under OPTIONS' \
		'no entry for refused under OUTCOMES' '--pidx is not an option of --help' \
		'-P is not an option of --help' \
		'refusedx under OUTCOMES is not a outcome the code has' | sort | paste -sd ';')"
expect_eq "the mutant: the same number of checks" "$((mutant_passed + mutant_failed))" "$passed"
expect_eq "the mutant: the summary counts the TAP lines" "$(tail -n 1 "$WORK/mutant.out")" \
	"test_manpage: $mutant_failed of $passed checks failed"

if [ "$FAILURES" -ne 0 ]; then
	echo "$TEST_NAME: $FAILURES of $CHECKS checks failed"
	exit 1
fi
echo "$TEST_NAME: all $CHECKS checks passed"
