#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# As root: a CSV file that cannot be written, --check.  Bad values and
# contradictions: tests/unit/test_options.sh (no root needed).
. "$(dirname "$0")/../lib.sh"

rc=0
out=$("$SYNSCOPE" --csv /nonexistent/dir/a.csv 2>&1 >/dev/null) || rc=$?
expect_eq "unwritable --csv: exit status" "$rc" 1
expect_eq "unwritable --csv: one line" "$(wc -l <<<"$out")" 1
expect_match "unwritable --csv: names option and file" "$out" "^synscope: --csv: cannot write '/nonexistent/dir/a.csv'"

rc=0
out=$("$SYNSCOPE" --check) || rc=$?
expect_eq "--check exit status" "$rc" 0
expect_match "--check names the mode" "$out" $'\nmode: (fentry|kprobe|tracepoint)'
expect_match "--check reports fentry" "$out" 'fentry/fexit on tcp_v4_connect +(yes|no: )'
rc=0
"$SYNSCOPE" --check --probe-mode tracepoint >/dev/null || rc=$?
expect_eq "--check --probe-mode tracepoint" "$rc" 0
expect_match "--help has examples" "$("$SYNSCOPE" --help)" 'EXAMPLES'
finish
