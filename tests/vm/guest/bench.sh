# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# The benchmark in the VM (busybox sh; tests/bench/vm.sh runs it through
# tests/vm/run.sh): the workloads of tests/bench (tools/benchloop) pinned to
# CPU 0, untraced and traced by synscope in each attach mode of BENCH_MODES
# (pinned to CPU 1, DNS capture on, --csv), alternating:
#     U T(mode 1) U T(mode 2) U ...   BENCH_ROUNDS times, rotating the modes
# then one window per mode with kernel.bpf_stats_enabled=1.  Each window is
# a line of /results/bench/windows.tsv in the host bench's format
# (tests/bench/measure.sh); what synscope's programs ran in a stats window
# goes to bpf.tsv.  The guest judges nothing: it counts (CSV rows, the
# accounting line, TcpActiveOpens) and the host gives the verdicts.

BENCH_ADDR=198.18.0.1
BENCH_PORT=8080
BENCH_TMP=/tmp/bench
CLK_TCK=100 # /proc/PID/stat counts USER_HZ ticks, 100 on x86 (busybox has no getconf)

# bench_tracer_start MODE: synscope in MODE, pinned to CPU 1.
bench_tracer_start() {
	rm -f "$BENCH_TMP/attempts.csv" "$BENCH_TMP/tracer.out" "$BENCH_TMP/tracer.err"
	taskset -c 1 synscope --probe-mode "$1" --dst 198.18.0.0/15 --csv "$BENCH_TMP/attempts.csv" \
		>"$BENCH_TMP/tracer.out" 2>"$BENCH_TMP/tracer.err" &
	TRACER_PID=$!
	wait_for_text "$BENCH_TMP/tracer.err" "tracing in" 120 "$TRACER_PID" && return 0
	cat "$BENCH_TMP/tracer.err" >>/results/bench/errors.txt
	return 1
}

# bench_tracer_stop: SIGINT; its exit status in TRACER_RC.
bench_tracer_stop() {
	TRACER_RC=0
	kill -INT "$TRACER_PID"
	wait "$TRACER_PID" || TRACER_RC=$?
	TRACER_PID=
}

proc_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# bench_detail WORKLOAD OPS OPENS: what the host's check_synscope reads, as
# key=value words (tests/bench/measure.sh's DETAIL).
bench_detail() {
	_rows=$(awk 'NR > 1' "$BENCH_TMP/attempts.csv" 2>/dev/null | wc -l)
	_estab=$(csv_rows "$BENCH_TMP/attempts.csv" outcome 2>/dev/null | grep -c '^established$' || true)
	_want=0
	[ "$1" != connect ] || _want=$2
	awk -v a="$(grep '^events:' "$BENCH_TMP/tracer.out")" -v d="$(grep '^dns:' "$BENCH_TMP/tracer.out")" \
		-v rows="$_rows" -v estab="$_estab" -v want="$_want" -v opens="$3" -v rc="$TRACER_RC" \
		-f /etc/vm/detail.awk
}

# field NAME LINE: a value of benchloop's "name=value" output.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# bench_window KIND MODE WORKLOAD ROUND: one window (MODE "-": untraced).
bench_window() {
	_kind=$1 _mode=$2 _wl=$3 _round=$4 _cpu=- _detail=- _verdict=-
	BENCH_SEQ=$((BENCH_SEQ + 1))
	if [ "$_mode" != - ] && ! bench_tracer_start "$_mode"; then
		echo "window $BENCH_SEQ: synscope --probe-mode $_mode did not start" >>/results/bench/errors.txt
		return 1
	fi
	if [ "$_kind" = stats ]; then
		sysctl -q -w kernel.bpf_stats_enabled=1
		benchbpf progs >"$BENCH_TMP/progs.before"
	fi
	_opens0=$(nstat_client TcpActiveOpens)
	[ "$_mode" = - ] || _t0=$(proc_ticks "$TRACER_PID")
	if [ "$_wl" = connect ]; then
		_out=$(taskset -c 0 /usr/bin/ip netns exec "$NS_C" benchloop connect "$BENCH_ADDR" "$BENCH_PORT" -d "$BENCH_WINDOW_S")
	else
		_out=$(taskset -c 0 /usr/bin/ip netns exec "$NS_C" benchloop "$_wl" -d "$BENCH_WINDOW_S")
	fi || echo "window $BENCH_SEQ: benchloop failed: $_out" >>/results/bench/errors.txt
	_opens1=$(nstat_client TcpActiveOpens)
	_ops=$(field ops "$_out")
	if [ "$_mode" != - ]; then
		sleep 0.3 # synscope reads its ring buffers at least every 100 ms
		_cpu=$(awk -v a="$_t0" -v b="$(proc_ticks "$TRACER_PID")" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / hz }')
		if [ "$_kind" = stats ]; then
			benchbpf progs >"$BENCH_TMP/progs.after"
			sysctl -q -w kernel.bpf_stats_enabled=0
			awk -v w="$_wl" -v t="$_mode" -v r="$_round" -v ops="$_ops" '
				NR == FNR { cnt[$1] = $4; ns[$1] = $5; miss[$1] = $6; next }
				{ printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", w, t, r, $1, $2, $3,
					$4 - cnt[$1], $5 - ns[$1], $6 - miss[$1], ops }' \
				"$BENCH_TMP/progs.before" "$BENCH_TMP/progs.after" >>/results/bench/bpf.tsv
		fi
		bench_tracer_stop
		_detail=$(bench_detail "$_wl" "$_ops" $((_opens1 - _opens0)))
		_verdict="?" # the host judges
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t%s\t-\t%s\t%s\t%s\t-\n' "$BENCH_SEQ" "$_wl" "$_kind" \
		"$_mode" "$_round" "$_ops" "$(field seconds "$_out")" "$(field ops_per_s "$_out")" "$_cpu" \
		"$(sysctl -n kernel.bpf_stats_enabled)" "$_verdict" "$_detail" "$(field cpu_s "$_out")" \
		>>/results/bench/windows.tsv
	log "bench $BENCH_SEQ $_wl $_kind $_mode: $(field ops_per_s "$_out")/s"
}

# rotated N WORD...: the words, starting at the Nth (mod their count).
rotated() {
	_n=$1
	shift
	_count=$#
	_i=0
	while [ "$_i" -lt "$_count" ]; do
		eval "echo \"\${$(((_i + _n - 1) % _count + 1))}\""
		_i=$((_i + 1))
	done
}

# guest_bench: every workload, its rounds and its stats windows; the results on the console.
guest_bench() {
	BENCH_SEQ=0
	mkdir -p /results/bench "$BENCH_TMP"
	: >/results/bench/windows.tsv
	: >/results/bench/bpf.tsv
	: >/results/bench/errors.txt
	# shellcheck disable=SC2034 # nstat_client's history file goes there
	OUT=$BENCH_TMP
	sysctl -q -w kernel.bpf_stats_enabled=0
	loopback_client_ns "$BENCH_ADDR" # tests/lib/scenario.sh, as the host bench's
	for _w in $BENCH_WORKLOADS; do
		bench_window warmup - "$_w" 0
		_r=1
		while [ "$_r" -le "$BENCH_ROUNDS" ]; do
			# shellcheck disable=SC2086 # a list of modes
			for _m in $(rotated "$_r" $BENCH_MODES); do
				bench_window base - "$_w" "$_r"
				bench_window ratio "$_m" "$_w" "$_r"
			done
			_r=$((_r + 1))
		done
		bench_window base - "$_w" "$_r"
		for _m in $BENCH_MODES; do
			bench_window stats "$_m" "$_w" 1
		done
	done
	lab_down
	{
		echo "kernel=$(uname -r)"
		echo "cpus=$(nproc)"
		echo "modes=$BENCH_MODES"
		echo "rounds=$BENCH_ROUNDS"
		echo "window_s=$BENCH_WINDOW_S"
		echo "check=$(sed -n 's/^mode: //p' /results/check/check.txt | head -1)"
	} >/results/bench/meta
	emit_dir bench
}
