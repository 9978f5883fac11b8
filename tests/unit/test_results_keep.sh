#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/RESULTS.md keeps what make bench did not write: a new report of
# tests/bench/run.sh (merge_results) keeps the hand-written blocks between
# the marker lines and the sections of soak.sh and vm.sh; replace_section
# (soak.sh, vm.sh) replaces its own section only.  Also: the repository's
# bench/RESULTS.md survives a new report with its hand-written text.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/report.sh
. "$ROOT/tests/bench/report.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0

check() { # NAME COMMAND...: COMMAND must succeed
	local name=$1
	shift
	if "$@"; then
		echo "ok - results_keep: $name"
	else
		echo "not ok - results_keep: $name"
		failures=$((failures + 1))
	fi
}
# count TEXT FILE: how many lines of FILE are TEXT.
count() { grep -cxF -- "$1" "$2" || true; }
once() { [ "$(count "$1" "$2")" -eq 1 ]; }
never() { [ "$(count "$1" "$2")" -eq 0 ]; }

cat >"$T/old.md" <<EOF
# synscope benchmark results

Written by make bench.

$KEEP_BEGIN
## Before and after (by hand)

hand-written line
### a subsection by hand
$KEEP_END

## Machine and run

old generated line

## Memory soak

old soak line

## The fentry and kprobe modes in QEMU (TCG)

old vm line
EOF
cat >"$T/new.md" <<EOF
# synscope benchmark results

Written by make bench.

## Machine and run

new generated line

## Every window

| 1 |
EOF

merge_results "$T/old.md" "$T/new.md" >"$T/merged.md"
check "the hand-written block is kept, once" once "hand-written line" "$T/merged.md"
check "its own sections too" once "### a subsection by hand" "$T/merged.md"
check "its markers" once "$KEEP_END" "$T/merged.md"
check "before the first generated section" \
	[ "$(grep -n -m1 -xF "$KEEP_END" "$T/merged.md" | cut -d: -f1)" -lt \
	"$(grep -n -m1 -xF "## Machine and run" "$T/merged.md" | cut -d: -f1)" ]
check "the new report replaces the old one" never "old generated line" "$T/merged.md"
check "the new report is there" once "| 1 |" "$T/merged.md"
check "the soak section is kept" once "old soak line" "$T/merged.md"
check "the VM section is kept" once "old vm line" "$T/merged.md"

merge_results "$T/merged.md" "$T/new.md" >"$T/again.md"
check "a second report changes nothing" cmp -s "$T/merged.md" "$T/again.md"

printf '## The fentry and kprobe modes in QEMU (TCG)\n\nnew vm line\n' >"$T/vm.md"
replace_section "$T/merged.md" "## The fentry and kprobe modes in QEMU (TCG)" "$T/vm.md"
check "replace_section: the new section" once "new vm line" "$T/merged.md"
check "replace_section: not the old one" never "old vm line" "$T/merged.md"
check "replace_section: the other sections stay" once "old soak line" "$T/merged.md"
check "replace_section: the hand-written block stays" once "hand-written line" "$T/merged.md"
printf '## Memory soak\n\nnew soak line\n' >"$T/soak.md"
replace_section "$T/new.md" "## Memory soak" "$T/soak.md"
check "replace_section: a section the file lacks is added" once "new soak line" "$T/new.md"

# The repository's file: its hand-written text is in a kept block.
cp "$ROOT/bench/RESULTS.md" "$T/repo.md"
kept_blocks "$T/repo.md" >"$T/repo.kept"
check "bench/RESULTS.md has a hand-written block" [ -s "$T/repo.kept" ]
merge_results "$T/repo.md" "$T/new.md" >"$T/repo.merged"
check "bench/RESULTS.md's hand-written blocks survive a new report" \
	cmp -s "$T/repo.kept" <(kept_blocks "$T/repo.merged")

[ "$failures" -eq 0 ]
