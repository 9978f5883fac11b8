#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What synscope costs a connect-heavy workload: connburst opens and closes
# BENCH_CONNECTS connections (BENCH_CONCURRENCY at a time) to a listener in
# a network namespace, BENCH_ROUNDS times without and with the tracer
# running (alternating, so drift hits both alike); the median wall time of
# each gives the overhead.  With the tracer the event accounting must show
# no loss.  Prints a report and writes it to build/bench.txt.  Measures; it
# asserts nothing about speed.
. "$(dirname "$0")/../lib.sh"

CONNECTS=${BENCH_CONNECTS:-20000}
CONCURRENCY=${BENCH_CONCURRENCY:-64}
ROUNDS=${BENCH_ROUNDS:-7}
TRACER_ARGS=${BENCH_TRACER_ARGS:---no-dns --csv /dev/null}
REPORT=$ROOT/build/bench.txt

lab_up
# Enough ports, reused from TIME_WAIT: the runs measure connects, not a port search.
client_sysctl net.ipv4.ip_local_port_range="1024 65535"
client_sysctl net.ipv4.tcp_tw_reuse=1
start_listener "$SERVER4" 8080 -b 65535

# run_workload: seconds taken by one burst.
run_workload() {
	local t0 t1
	t0=$(date +%s%N)
	in_client "$CONNBURST" -q -n "$CONNECTS" -c "$CONCURRENCY" "$SERVER4" 8080 >"$WORK/burst.out"
	t1=$(date +%s%N)
	grep -q "established=$CONNECTS " "$WORK/burst.out" || fail "not all connects established: $(cat "$WORK/burst.out")"
	echo $(((t1 - t0) / 1000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Warm up caches and the port range.
run_workload >/dev/null
base=()
traced=()
for ((i = 0; i < ROUNDS; i++)); do
	base+=("$(run_workload)")
	# shellcheck disable=SC2086 # a list of arguments
	start_tracer $TRACER_ARGS
	traced+=("$(run_workload)")
	stop_tracer INT '[0-9]+' >/dev/null
	expect_eq "round $i: every attempt reported" \
		"$(awk '$1 == "TOTAL" { print $3 }' "$WORK/tracer.out")" "$CONNECTS"
	grep '^events:' "$WORK/tracer.out" >>"$WORK/accounting"
done
b=$(printf '%s\n' "${base[@]}" | median)
t=$(printf '%s\n' "${traced[@]}" | median)
{
	echo "synscope benchmark, $(date -u +%FT%TZ), kernel $(uname -r), $(nproc) CPUs"
	echo "workload: $CONNECTS connects (established, then closed), $CONCURRENCY at a time, loopback veth"
	echo "mode: $(sed -n 's/^synscope: tracing in \([a-z]*\) mode.*/\1/p' "$WORK/tracer.err"), tracer arguments: $TRACER_ARGS (text output to a file)"
	echo "untraced wall time per run (us): ${base[*]} -> median $b"
	echo "traced wall time per run (us):   ${traced[*]} -> median $t"
	awk -v b="$b" -v t="$t" -v n="$CONNECTS" 'BEGIN {
		printf "connects/s: untraced %.0f, traced %.0f; overhead %.1f%%\n", n / (b / 1e6), n / (t / 1e6), (t - b) * 100 / b }'
	echo "event accounting of each traced run:"
	cat "$WORK/accounting"
} | tee "$REPORT"
finish
