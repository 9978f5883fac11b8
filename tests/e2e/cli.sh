#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input: one clear line naming the option, exit status 2.  --check.
. "$(dirname "$0")/../lib.sh"

expect_usage_error --dport 0
expect_usage_error --dport 65536
expect_usage_error --dport http
expect_usage_error --dst 300.1.2.3/8
expect_usage_error --dst 198.18.0.0/33
expect_usage_error --duration -1
expect_usage_error --interval 0
expect_usage_error --interval abc
expect_usage_error --stall-ms 0
expect_usage_error --pid x
expect_usage_error --comm 0123456789abcdefg
expect_usage_error --probe-mode magic
expect_usage_error --ringbuf-mb 3
expect_usage_error --max-inflight 1

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
