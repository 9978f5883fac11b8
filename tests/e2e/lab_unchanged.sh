#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The tracer never changes traffic: a lab scenario (tools/lab, a NAT with
# 200 ports and 250 connects through it, 20 direct) ends the same for the
# load generator with synscope attached as without it, run before and
# after.  And synscope's count of each outcome is the load generator's.
. "$(dirname "$0")/../lib.sh"

LAB=$ROOT/tools/lab
export SYNLAB_PREFIX=srb$ID- SYNLAB_BLOCK=3
trap '"$LAB" down >/dev/null 2>&1 || true; cleanup' EXIT

# outcomes NAME: what the load generator saw in burst NAME, one key a line.
outcomes() { grep -E '^load\.' "$WORK/$1/burst.kv" | grep -v '_us=' | sort; }
burst() { "$LAB" burst --connects 250 --direct 20 --out "$WORK/$1" >"$WORK/$1.out"; }
bk() { sed -n "s/^$2=//p" "$WORK/$1/burst.kv"; }

"$LAB" up --ports-per-ip 200 --eni-cap 1000 --syn-retries 1 >/dev/null
burst without
start_tracer --summary-csv "$WORK/summary.csv" --interval 1
burst with
stop_tracer
burst without-again

log "without synscope: $(outcomes without | xargs)"
expect_eq "the scenario's outcomes: 200 established, 50 timed out" \
	"$(bk without load.service.established) $(bk without load.service.timeout)" "200 50"
expect_rows "with synscope attached: the same outcomes" "$(outcomes without)" "$(outcomes with)"
expect_rows "and without it again" "$(outcomes without)" "$(outcomes without-again)"
expect_eq "the NAT refused as many either way" "$(bk with nat.attempts_refused)" \
	"$(bk without nat.attempts_refused)"
expect_eq "synscope's attempts by outcome = the load generator's" \
	"$(attempts outcome | sort | uniq -c | xargs)" \
	"$(($(bk with load.service.established) + $(bk with load.direct.established))) established $(($(bk with load.service.timeout) + $(bk with load.direct.timeout))) timeout"
finish
