#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Under pressure, with the smallest --ringbuf-mb, --max-inflight and
# --max-open: attempts beyond the in-flight cap, connections beyond the
# open cap, attempts that outlive --inflight-ttl and a ring buffer that
# overflows (synscope stopped with SIGSTOP during a burst) are all counted
# and shown, in the summary, the metrics and the dashboard's header; synscope keeps
# running, and every attempt of the load generator is a CSV row or one of
# those counts.
. "$(dirname "$0")/../lib.sh"

own_subnet
declare -A held
LIMITS=(--ringbuf-mb 1 --max-inflight 16 --max-open 16 --inflight-ttl 1)

# acct NAME: a count of the event accounting ("ring buffer full", "expired", ...).
acct() { grep -E '^events:' "$WORK/tracer.out" | grep -oE "$1 [0-9]+" | head -n 1 | awk '{ print $NF }'; }
# outcomes produced|delivered|lost
outcomes() { sed -n "s/^outcomes:.* $1 \([0-9]*\).*/\1/p" "$WORK/tracer.out"; }

lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport 8094 drop'
start_listener "$SERVER4" 8093 --backlog 4096
# metric FATE REASON: synscope_events_total{fate=FATE,reason=REASON} in the last scrape.
metric() {
	awk -v l="{fate=\"$1\",reason=\"$2\"}" '$1 == "synscope_events_total" l { print $2 }' \
		"$WORK/metrics.txt"
}
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_tracer --dst "$NET.0/24" "${LIMITS[@]}" --summary-csv "$WORK/summary.csv" --interval 0.5 \
	--metrics "127.0.0.1:$PORT"

# 40 at once to a port that drops SYNs, given up after 2.5 s: 16 followed
# (and expired after 1 s), 24 beyond the cap.
in_client "$CONNBURST" -q -n 40 -c 40 -t 2500 "$SERVER4" 8094 >/dev/null || true
# 40 held open, 10 connecting at a time: 16 followed open, 24 beyond.
in_client "$CONNBURST" -q -n 40 -c 10 -H 1000 "$SERVER4" 8093 >/dev/null
# All closed: the open gauge holds only connections whose close is followed.
sleep 0.5
curl -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/held.txt" || fail "no metrics at :$PORT"
for m in open open_peak; do
	held[$m]=$(awk -v l="synscope_connections_$m{daddr=\"$SERVER4\",dport=\"8093\"" \
		'index($1, l) == 1 { print $2 }' "$WORK/held.txt")
done
expect_eq "open gauge after the held ones closed" "${held[open]}" 0
expect_eq "open peak: the 16 followed" "${held[open_peak]}" 16
# 8,000 while synscope reads nothing: the ring buffer (1 MB) overflows.
kill -STOP "$TRACER_PID"
in_client "$CONNBURST" -q -n 8000 -c 10 "$SERVER4" 8093 >"$WORK/burst.out"
kill -CONT "$TRACER_PID"
sleep 1
# It keeps running: 5 more, all seen.
in_client "$CONNBURST" -q -n 5 "$SERVER4" 8093 >/dev/null
sleep 0.5
# Every connection is closed and every attempt over: every slot is free again,
# those of the ones not followed and of the burst the ring had no room for too.
expect_eq "socket slots still taken" "$(slots_taken "$TRACER_PID")" 0
curl -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt" || fail "no metrics at :$PORT"
kill -INT "$TRACER_PID"
rc=0
wait "$TRACER_PID" || rc=$?
TRACER_PID=
expect_eq "exit status" "$rc" 0
generated=$((40 + 40 + 8000 + 5))
rows=$(attempts outcome | wc -l)
log "$(grep -E '^(events|outcomes):' "$WORK/tracer.out")"
expect_eq "in-flight map full: the 24 beyond the cap" "$(acct 'in-flight map full')" 24
expect_eq "expired: the 16 followed past --inflight-ttl" "$(acct 'expired')" 16
expect_ge "open map full: the held ones beyond the cap" "$(acct 'open map full')" 24
expect_ge "ring buffer full" "$(acct 'ring buffer full')" 1
expect_ge "outcomes lost" "$(outcomes lost)" 1
for what in 'connect-call map full' 'socket storage failed' 'map operations failed' \
	'out of memory' 'program runs skipped by the kernel'; do
	expect_eq "$what" "$(acct "$what")" 0
done
expect_eq "outcomes delivered = CSV rows" "$(outcomes delivered)" "$rows"
expect_eq "CSV rows + in-flight map full + expired + outcomes lost = the load generator's" \
	"$((rows + $(acct 'in-flight map full') + $(acct expired) + $(outcomes lost)))" "$generated"
expect_eq "the last 5, after the overflow, all seen" \
	"$(attempts outcome | tail -n 5 | sort | uniq -c | xargs)" "5 established"
# The metrics, scraped just before the end, say the same.
expect_eq "metrics: in-flight map full" "$(metric dropped inflight_map_full)" "$(acct 'in-flight map full')"
expect_eq "metrics: expired" "$(metric expired inflight)" "$(acct expired)"
expect_eq "metrics: open map full" "$(metric dropped open_map_full)" "$(acct 'open map full')"
expect_eq "metrics: ring buffer full" "$(metric dropped ringbuf_full)" "$(acct 'ring buffer full')"
expect_eq "metrics: outcomes lost" "$(($(metric produced attempt) - $(metric delivered attempt)))" \
	"$(outcomes lost)"
expect_match "the summary's total is the rows" "$(grep '^TOTAL' "$WORK/tracer.out")" "^TOTAL +- +$rows "

# The dashboard's header says the same while it runs.
tm new-session -d -s pressure -x 160 -y 40 \
	"'$SYNSCOPE' --dashboard --dst $NET.0/24 ${LIMITS[*]} -i 0.2 2>'$WORK/dash.err'; sleep 60"
wait_for_text "$WORK/dash.err" "tracing in" 60 || fail "the dashboard did not start"
in_client "$CONNBURST" -q -n 40 -c 40 -t 2500 "$SERVER4" 8094 >/dev/null || true
sleep 1
header=$(tm capture-pane -p -t pressure | grep 'events delivered' || true)
expect_match "dashboard header: dropped and expired" "$header" 'dropped 24 +expired 16'
tm send-keys -t pressure q
finish
