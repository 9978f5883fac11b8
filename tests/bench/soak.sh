#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench, the memory soak (issue 12): one synscope run over at least
# BENCH_SOAK_ATTEMPTS connects (default 1,000,000), its resident set size
# sampled every second from /proc/PID/status.  After a warm-up (the first
# BENCH_SOAK_WARMUP attempts, default 100,000) the RSS must stay flat: its
# highest value afterwards at most BENCH_SOAK_SLACK_KB (default 1024) above
# its value at the end of the warm-up.  Every connect must be a CSV row and
# no event may be lost.  The section "Memory soak" of bench/RESULTS.md is
# written (replaced) with the figures and the commands; run.sh writes the
# rest of the file, so make bench runs this after it.
# Run it as root under the shared lock: flock -o /tmp/synscope-heavy.lock make bench
# (or tests/bench/soak.sh alone).
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$BENCH_DIR/../lib.sh"
# shellcheck source=SCRIPTDIR/report.sh
. "$BENCH_DIR/report.sh" # replace_section

ATTEMPTS=${BENCH_SOAK_ATTEMPTS:-1000000}
WARMUP=${BENCH_SOAK_WARMUP:-100000}
SLACK_KB=${BENCH_SOAK_SLACK_KB:-1024}
CHUNK_S=5 # benchloop runs of this long, until there were ATTEMPTS connects
BENCHLOOP=$ROOT/build/tools/benchloop
RESULTS=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
OUT=${BENCH_OUT:-$ROOT/build/bench}/soak-$(date -u +%Y%m%dT%H%M%SZ)
ADDR=198.18.0.1
PORT=8081
SHM=$(mktemp -d /dev/shm/synscope-soak.XXXXXX)
trap 'rm -rf "$SHM"; cleanup' EXIT
mkdir -p "$OUT"

[ "$(id -u)" -eq 0 ] || { echo "tests/bench/soak.sh: needs root" >&2; exit 1; }
if [ ! -x "$SYNSCOPE" ] || [ ! -x "$BENCHLOOP" ]; then
	echo "tests/bench/soak.sh: build first (make)" >&2
	exit 1
fi

# status_kb PID FIELD: VmRSS, VmHWM, ... in kB.
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# The same namespace as run.sh's (loopback_client_ns in tests/lib.sh).
loopback_client_ns "$ADDR"

TRACER_CMD=("$SYNSCOPE" --dst "$ADDR/32" --csv "$SHM/attempts.csv")
"${TRACER_CMD[@]}" > >(tail -n 40 >"$OUT/tracer.tail") 2>"$OUT/tracer.err" &
TRACER_PID=$!
wait_for_text "$OUT/tracer.err" "tracing in" 60 || { fail "synscope did not start"; finish; }
LOAD_CMD=("$BENCHLOOP" connect "$ADDR" "$PORT" -d "$CHUNK_S")
start=$(date +%s.%N)
# benchloop (connect, write a byte, close; its own acceptor) until ATTEMPTS.
(
	total=0
	while [ "$total" -lt "$ATTEMPTS" ]; do
		ops=$(in_client "${LOAD_CMD[@]}" | sed -n 's/.* ops=\([0-9]*\) .*/\1/p')
		[ -n "$ops" ] || exit 1
		total=$((total + ops))
		echo "$total" >"$OUT/load.total"
	done
) >"$OUT/load.out" 2>&1 &
LOAD_PID=$!
BACKGROUND+=("$LOAD_PID")

# seconds rows VmRSS VmHWM, every second until the load generator is done.
printf 'seconds\trows\trss_kb\thwm_kb\n' >"$OUT/samples.tsv"
while kill -0 "$LOAD_PID" 2>/dev/null; do
	rows=$(($(wc -l <"$SHM/attempts.csv") - 1))
	printf '%s\t%s\t%s\t%s\n' "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')" \
		"$rows" "$(status_kb "$TRACER_PID" VmRSS)" "$(status_kb "$TRACER_PID" VmHWM)" >>"$OUT/samples.tsv"
	sleep 1
done
wait "$LOAD_PID" || fail "benchloop failed: $(cat "$OUT/load.out")"
made=$(cat "$OUT/load.total")
sleep 0.5
rss_end=$(status_kb "$TRACER_PID" VmRSS)
hwm_end=$(status_kb "$TRACER_PID" VmHWM)
seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
kill -INT "$TRACER_PID"
rc=0
wait "$TRACER_PID" || rc=$?
sleep 0.2 # the tail of its output
expect_eq "synscope exit status" "$rc" 0
rows=$(($(wc -l <"$SHM/attempts.csv") - 1))
expect_ge "connects made" "$made" "$ATTEMPTS"
expect_eq "a CSV row per connect" "$rows" "$made"
expect_eq "established, all of them" "$(cut -d, -f13 "$SHM/attempts.csv" | grep -c '^established$')" "$made"
acct=$(grep '^events:' "$OUT/tracer.tail" || true)
expect_match "no event dropped" "$acct" 'dropped 0 '
expect_match "no outcome lost" "$(grep '^outcomes:' "$OUT/tracer.tail" || true)" 'lost 0$'

# The RSS at the end of the warm-up, and the most it reached after.
read -r warm_s warm_rss < <(awk -F'\t' -v w="$WARMUP" 'NR > 1 && $2 >= w { print $1, $3; exit }' "$OUT/samples.tsv")
read -r after_max after_min n_after < <(awk -F'\t' -v w="$WARMUP" 'NR > 1 && $2 >= w && $3 != "" {
	if (!n || $3 > max) max = $3; if (!n || $3 < min) min = $3; n++ } END { print max, min, n }' "$OUT/samples.tsv")
growth=$((after_max - warm_rss))
expect_ge "samples after the warm-up" "${n_after:-0}" 5
if [ "$growth" -le "$SLACK_KB" ]; then
	echo "ok - soak: RSS after the warm-up at most $growth kB above its value then (<= $SLACK_KB)"
else
	fail "RSS grew by $growth kB after the warm-up (more than $SLACK_KB)"
fi
verdict=$([ "$FAILURES" -eq 0 ] && echo flat || echo "NOT flat or not exact: see $OUT")

# A tenth of the samples, evenly spread, for the table.
table=$(awk -F'\t' 'NR == 1 { next } { s[++n] = $0 } END {
	step = n > 10 ? int(n / 10) : 1
	for (i = 1; i <= n; i += step) print s[i]; if ((n - 1) % step) print s[n] }' "$OUT/samples.tsv" |
	awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }')
section=$(
	cat <<EOF2
## Memory soak

Written by \`tests/bench/soak.sh\` (part of \`make bench\`), $(date -u +%Y-%m-%dT%H:%M:%SZ), source commit
$(git -C "$ROOT" log -1 --format='%h (%s)'). Result: **$verdict**.

- Load generator: \`ip netns exec NS ${LOAD_CMD[*]/#$ROOT\//}\` again and again until $ATTEMPTS
  connects (connect, write a byte, close; its own acceptor), in a namespace of its own (loopback
  only; \`ip_local_port_range\` 1024 65535, \`tcp_tw_reuse\` 1, \`tcp_tw_reuse_delay\` 1): $made
  connects in $seconds s.
- Tracer: \`${TRACER_CMD[*]/#$ROOT\//}\` (the CSV in tmpfs), text output to a pipe; stopped with SIGINT.
- Sampled every second: \`VmRSS\` and \`VmHWM\` of /proc/PID/status, and the CSV's rows.
- Rows written: $rows of $made; events: $(sed 's/^events: //; s/ (ring buffer.*), expired/, expired/; s/ (in-flight.*//' <<<"$acct").
- RSS at the end of the warm-up ($WARMUP attempts, ${warm_s} s): **$warm_rss kB**; after it: lowest
  $after_min kB, highest **$after_max kB** ($growth kB above; allowed: $SLACK_KB kB) over $n_after samples;
  before SIGINT: $rss_end kB (VmHWM $hwm_end kB).

| seconds | rows | VmRSS kB | VmHWM kB |
|---|---|---|---|
$table
EOF2
)
echo "$section" >"$OUT/section.md"
replace_section "$RESULTS" "## Memory soak" "$OUT/section.md"
log "soak: $verdict; RSS $warm_rss kB after warm-up, at most $after_max kB after; results in $RESULTS"
finish
