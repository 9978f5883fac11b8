#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Exact at the seed's scale (issue 9, target 1): the lab at full size (one
# NAT address with 55,000 source ports), synscope running as a user would
# (CSV, DNS on, the default mode), and the full burst: 60,000 held connects
# to the service's name from 4 processes plus 4,000 direct ones, all at
# once.  Every count synscope reports must equal the load generator's own
# and the kernel's: per outcome, attempts, timeouts, SYN retransmits, the
# NAT's drops; the accounting must say nothing was dropped or skipped.
#
# Part of `make test` (about two minutes); alone: `make scale`, under the
# shared lock.  SCALE_CONNECTS, SCALE_PROCS and SCALE_DIRECT change the
# burst.
. "$(dirname "$0")/../lib.sh"

LAB=$ROOT/tools/lab
. "$ROOT/tools/seed-burst" # the burst, shared with make demo
export SYNLAB_PREFIX=synscale- SYNLAB_BLOCK=3
CONNECTS=${SCALE_CONNECTS:-$SEED_CONNECTS}
PROCS=${SCALE_PROCS:-$SEED_PROCS}
DIRECT=${SCALE_DIRECT:-$SEED_DIRECT}
BURST_PID=

# Always clean up: the burst, the tracer (lib.sh), the lab, even when killed.
scale_cleanup() {
	if [ -n "$BURST_PID" ]; then
		kill -TERM "$BURST_PID" 2>/dev/null || true
		wait "$BURST_PID" 2>/dev/null || true
	fi
	"$LAB" down >/dev/null 2>&1 || true
	cleanup
}
trap scale_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

kv() { sed -n "s/^$2=//p" "$1"; }
bk() { kv "$WORK/burst/burst.kv" "$1"; }

# rows_of ADDR OUTCOME: synscope's attempts to ADDR with OUTCOME.
rows_of() { awk -F'\t' -v a="$1" -v o="$2" '$1 == a && $2 == o' "$WORK/rows" | wc -l; }

"$LAB" up >"$WORK/lab-up.out"
"$LAB" status --format kv >"$WORK/lab.kv"
SERVICE=$(kv "$WORK/lab.kv" service.addr)
DIRECT_ADDR=$(kv "$WORK/lab.kv" direct.addr)
NAME=$(kv "$WORK/lab.kv" service.name)
log "lab: $(cat "$WORK/lab-up.out")"

start_tracer --dns-csv "$WORK/dns.csv"
start=$(date +%s)
"$LAB" burst --connects "$CONNECTS" --procs "$PROCS" --direct "$DIRECT" --out "$WORK/burst" \
	>"$WORK/burst.out" 2>&1 &
BURST_PID=$!
rc=0
wait "$BURST_PID" || rc=$?
BURST_PID=
log "burst took $(($(date +%s) - start)) s (verdicts after $(bk burst.seconds) s)"
sed 's/^/#   /' "$WORK/burst.out"
expect_eq "lab burst exit status" "$rc" 0
stop_tracer

# --- the accounting -------------------------------------------------------------
acct=$(grep '^events:' "$WORK/tracer.out" || true)
log "$acct"
expect_match "no program run skipped" "$acct" 'program runs skipped by the kernel 0\)'
expect_match "nothing expired" "$acct" 'expired 0 '
# Every transition and retransmit ran a program when it happened: none was
# healed later from the socket (the outcome's total_retrans, its destruction).
expect_match "no close found later" "$acct" 'unseen closes found later 0,'
expect_match "no outcome found late" "$acct" 'outcomes found late 0,'
expect_match "no SYN retransmit found late" "$acct" 'SYN retransmits found late 0$'
expect_match "DNS: nothing lost" "$(grep '^dns:' "$WORK/tracer.out" || true)" 'lost 0;'

# --- per outcome, against the load generator's own counts -------------------------
attempts daddr outcome syn_retries host >"$WORK/rows"
discrepancies=()
compare() {
	local what=$1 got=$2 want=$3
	[ "$got" == "$want" ] || discrepancies+=("$what: synscope $got, expected $want ($((got - want)))")
	expect_eq "$what" "$got" "$want"
}
for outcome in established refused timeout unreachable aborted local_error; do
	compare "service $outcome" "$(rows_of "$SERVICE" "$outcome")" "$(bk "load.service.$outcome")"
	compare "direct $outcome" "$(rows_of "$DIRECT_ADDR" "$outcome")" "$(bk "load.direct.$outcome")"
done
total=$(wc -l <"$WORK/rows")
compare "no other attempts" "$total" \
	"$(($(bk load.service.attempts) + $(bk load.direct.attempts)))"

# --- against the kernel's counters in the client namespace --------------------------
local_errors=$(awk -F'\t' '$2 == "local_error"' "$WORK/rows" | wc -l)
failed=$(awk -F'\t' '$2 == "timeout" || $2 == "refused" || $2 == "unreachable"' "$WORK/rows" | wc -l)
retries=$(awk -F'\t' '{ n += $3 } END { print n + 0 }' "$WORK/rows")
compare "attempts = TcpActiveOpens + local errors" "$total" "$(($(bk nstat.TcpActiveOpens) + local_errors))"
compare "failed attempts = TcpAttemptFails" "$failed" "$(bk nstat.TcpAttemptFails)"
compare "SYN retries = TcpExtTCPSynRetrans" "$retries" "$(bk nstat.TcpExtTCPSynRetrans)"

# --- against the NAT --------------------------------------------------------------------
# Every SYN the NAT drops (insert_failed: no port) is either retransmitted or
# is the last one of a timed-out attempt, as long as the NAT is the only
# place SYNs are lost (the ENI cap, the server's backlog and the CPUs' receive
# backlogs, which the lab raises, are not reached).
expect_eq "the ENI dropped nothing" "$(bk eni.1.syn_dropped)" 0
expect_eq "no receive backlog overflowed (host-wide)" "$(bk host.backlog_dropped)" 0
service_timeouts=$(rows_of "$SERVICE" timeout)
service_retries=$(awk -F'\t' -v a="$SERVICE" '$1 == a { n += $3 } END { print n + 0 }' "$WORK/rows")
compare "service timeouts = attempts the NAT refused" "$service_timeouts" "$(bk nat.attempts_refused)"
compare "service timeouts + SYN retries = the NAT's insert_failed" \
	"$((service_timeouts + service_retries))" "$(bk nat.insert_failed)"

# --- names ------------------------------------------------------------------------------
compare "service rows named $NAME through DNS" \
	"$(awk -F'\t' -v a="$SERVICE" -v n="$NAME" '$1 == a && $4 == n' "$WORK/rows" | wc -l)" \
	"$(bk load.service.attempts)"
compare "direct rows (by address) unnamed" \
	"$(awk -F'\t' -v a="$DIRECT_ADDR" '$1 == a && $4 == ""' "$WORK/rows" | wc -l)" \
	"$(bk load.direct.attempts)"

if [ ${#discrepancies[@]} -gt 0 ]; then
	log "discrepancies:"
	printf '#   %s\n' "${discrepancies[@]}"
fi
finish
