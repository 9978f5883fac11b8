# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The measuring half of make bench (sourced by run.sh): one window is one
# run of a workload, untraced or under one tracer started for it, with what
# the tracer cost (its CPU time, its BPF programs' run time) and whether it
# accounted for every event.  Each window is a line of $RUN_DIR/windows.tsv:
#   seq workload kind tracer round ops seconds rate tracer_cpu_s cpu0_busy
#   cpu1_busy bpf_stats other_bpf verdict detail workload_cpu_s cpu0_steal
# kind: warmup, base (untraced), ratio (traced), stats (traced, BPF stats on);
# verdict: ok, loss or miscount (traced), - (untraced); detail: key=value.
# Each program of a stats window is a line of $RUN_DIR/bpf.tsv:
#   workload tracer round prog_id type name run_cnt run_time_ns recursion_misses ops

WINDOW_SEQ=0
STATS_SAVED=
CLK_TCK=$(getconf CLK_TCK)

bench_check_setup() {
	local t
	[ "$(id -u)" -eq 0 ] || {
		echo "tests/bench/run.sh: needs root (flock /tmp/synscope-heavy.lock sudo make bench)" >&2
		exit 1
	}
	for t in taskset bpftool nstat; do
		command -v "$t" >/dev/null || {
			echo "tests/bench/run.sh: $t not found: tools/install-deps.sh test" >&2
			exit 1
		}
	done
	if [ ! -x "$SYNSCOPE" ] || [ ! -x "$BENCHLOOP" ] || [ ! -x "$BENCHBPF" ]; then
		echo "tests/bench/run.sh: build first (make all build/tests/benchbpf)" >&2
		exit 1
	fi
	if [ "$FLOOR" != 0 ] && [ -z "$(cgroup2_root)" ]; then
		echo "tests/bench/run.sh: no cgroup v2 mounted for the floor's cgroup_skb programs (BENCH_FLOOR=0)" >&2
		exit 1
	fi
	taskset -c "$WORKLOAD_CPU,$TRACER_CPU" true 2>/dev/null || {
		echo "tests/bench/run.sh: CPUs $WORKLOAD_CPU and $TRACER_CPU are needed (BENCH_WORKLOAD_CPU, BENCH_TRACER_CPU)" >&2
		exit 1
	}
	TCPSTATES=${BENCH_TCPSTATES:-$(find_peer tcpstates)}
	TCPLIFE=${BENCH_TCPLIFE:-$(find_peer tcplife)}
	for t in $TRACERS; do
		case $t in
		synscope | synscope-nodns | hooks | hooks-nodns | idle) ;;
		tcpstates | tcplife)
			[ -n "$(peer_binary "$t")" ] || {
				echo "tests/bench/run.sh: libbpf-tools $t not found: tools/install-deps.sh test" >&2
				exit 1
			}
			;;
		*)
			echo "tests/bench/run.sh: invalid BENCH_TRACERS entry '$t'" >&2
			exit 2
			;;
		esac
	done
}

# find_peer NAME: the libbpf-tools binary, under Debian's, Ubuntu's or
# Fedora's name.
find_peer() {
	local n
	for n in "$1" "$1-libbpf" "bpf-$1"; do
		command -v "$n" && return 0
	done
	return 0
}

peer_binary() {
	case $1 in
	tcpstates) echo "$TCPSTATES" ;;
	tcplife) echo "$TCPLIFE" ;;
	esac
}

# rotate N WORD...: the words, starting at the Nth (mod their count).
rotate() {
	local n=$1
	shift
	local words=("$@") i
	for ((i = 0; i < ${#words[@]}; i++)); do
		echo "${words[(i + n - 1) % ${#words[@]}]}"
	done
}

# tracer_command TRACER: its command line, in TRACER_ARGV.
tracer_command() {
	case $1 in
	synscope)
		# shellcheck disable=SC2206 # a list of arguments
		TRACER_ARGV=("$SYNSCOPE" --dst 198.18.0.0/15 --csv "$TRACE_DIR/attempts.csv" $TRACER_ARGS)
		;;
	synscope-nodns)
		# shellcheck disable=SC2206
		TRACER_ARGV=("$SYNSCOPE" --dst 198.18.0.0/15 --csv "$TRACE_DIR/attempts.csv" --no-dns $TRACER_ARGS)
		;;
	floor) TRACER_ARGV=("$BENCHBPF" floor "$(cgroup2_root)") ;;
	hooks) TRACER_ARGV=("$BENCHBPF" hooks "$(cgroup2_root)") ;;
	hooks-nodns) TRACER_ARGV=("$BENCHBPF" hooks "$(cgroup2_root)" --no-dns) ;;
	idle) TRACER_ARGV=("$BENCHLOOP" idle -d 86400) ;;
	*) TRACER_ARGV=("$(peer_binary "$1")") ;;
	esac
}

# cgroup2_root: where the cgroup v2 hierarchy is mounted (synscope's DNS
# programs attach to its root: /sys/fs/cgroup, or /sys/fs/cgroup/unified).
cgroup2_root() { awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts; }

# workload_command WORKLOAD: the workload's command line, in WORKLOAD_ARGV.
workload_command() {
	case $1 in
	connect) WORKLOAD_ARGV=("$BENCHLOOP" connect "$BENCH_ADDR" "$BENCH_PORT" -d "$WINDOW_S") ;;
	*) WORKLOAD_ARGV=("$BENCHLOOP" "$1" -d "$WINDOW_S") ;;
	esac
}

# --- the tracer's programs -------------------------------------------------

# tracer_progs PID: ids of the BPF programs PID holds, loaded or attached,
# whatever their names: from its descriptors' fdinfo (programs and links).
tracer_progs() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		sed -n 's/^prog_id:[[:space:]]*//p' "$f" 2>/dev/null || true
	done | sort -un
}

# all_attached PID: PID holds programs and each is held by a link.
all_attached() {
	local fd target loaded=() linked=() id
	for fd in /proc/"$1"/fd/*; do
		target=$(readlink "$fd" 2>/dev/null) || continue
		id=$(sed -n 's/^prog_id:[[:space:]]*//p' "/proc/$1/fdinfo/${fd##*/}" 2>/dev/null) || continue
		case $target in
		anon_inode:bpf-prog) loaded+=("$id") ;;
		anon_inode:bpf_link) linked+=("$id") ;;
		esac
	done
	[ ${#loaded[@]} -gt 0 ] || return 1
	for id in "${loaded[@]}"; do
		[[ " ${linked[*]} " == *" $id "* ]] || return 1
	done
}

# prog_stats ID: "type name run_cnt run_time_ns recursion_misses".
prog_stats() {
	bpftool prog show id "$1" -j 2>/dev/null | awk '
		function field(name, re,   s) {
			if (!match($0, "\"" name "\":" re)) return ""
			s = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
			gsub(/"/, "", s)
			return s
		}
		{ t = field("type", "\"[^\"]*\""); n = field("name", "\"[^\"]*\"")
		  c = field("run_cnt", "[0-9]+"); r = field("run_time_ns", "[0-9]+")
		  m = field("recursion_misses", "[0-9]+")
		  printf "%s %s %d %d %d\n", t, (n == "" ? "-" : n), c, r, m }'
}

# snapshot_progs PID FILE: every program's counters now, "id type name cnt ns misses".
snapshot_progs() {
	local id
	for id in $(tracer_progs "$1"); do
		echo "$id $(prog_stats "$id")"
	done >"$2"
}

# other_bpf_holders: processes other than the tracer holding BPF programs or
# links (another tracer running would distort the window), as pid:comm.
other_bpf_holders() {
	local pid list=()
	for pid in $(find /proc/[0-9]*/fd -lname 'anon_inode:bpf*' 2>/dev/null | cut -d/ -f3 | sort -un); do
		[ "$pid" = "${TRACER_PID:-}" ] && continue
		list+=("$pid:$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)")
	done
	local IFS=,
	echo "${list[*]:--}"
}

# --- CPU time --------------------------------------------------------------

# proc_cpu_ticks PID: user + system ticks of the whole process so far.
proc_cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# cpu_times: "busy total steal" of the workload's CPU, then of the tracer's,
# from /proc/stat (busy includes steal: time the hypervisor ran something else).
cpu_times() {
	awk -v a="cpu$WORKLOAD_CPU" -v b="cpu$TRACER_CPU" '
		$1 == a || $1 == b { busy = $2 + $3 + $4 + $7 + $8 + $9; t[$1] = busy " " busy + $5 + $6 " " $9 }
		END { print t[a], t[b] }' /proc/stat
}

# cpu_pct "BEFORE" "AFTER": busy % of the two CPUs and steal % of the
# workload's, between the samples, tab-separated.
cpu_pct() {
	awk -v x="$1" -v y="$2" 'BEGIN { split(x, a); split(y, b); t0 = b[2] - a[2] + 1e-9
		printf "%.0f\t%.0f\t%.0f", 100 * (b[1] - a[1]) / t0, 100 * (b[4] - a[4]) / (b[5] - a[5] + 1e-9),
			100 * (b[3] - a[3]) / t0 }'
}

# --- starting, stopping and checking a tracer --------------------------------

start_bench_tracer() {
	local tracer=$1 i
	tracer_command "$tracer"
	rm -f "$TRACE_DIR/attempts.csv" "$TRACE_DIR/tracer.out" "$TRACE_DIR/tracer.err"
	taskset -c "$TRACER_CPU" "${TRACER_ARGV[@]}" >"$TRACE_DIR/tracer.out" 2>"$TRACE_DIR/tracer.err" &
	TRACER_PID=$!
	for ((i = 0; i < 1200; i++)); do
		case $tracer in
		synscope*) grep -q "tracing in" "$TRACE_DIR/tracer.err" && break ;;
		idle) break ;; # loads nothing: running is all
		*) all_attached "$TRACER_PID" && break ;;
		esac
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.05
	done
	if ! kill -0 "$TRACER_PID" 2>/dev/null || [ "$i" -eq 1200 ]; then
		cat "$TRACE_DIR/tracer.err" >&2
		fail "$tracer did not start: ${TRACER_ARGV[*]}"
		exit 1
	fi
	case $tracer in
	synscope*)
		[ -s "$RUN_DIR/mode" ] ||
			sed -n 's/^synscope: tracing in //p' "$TRACE_DIR/tracer.err" >"$RUN_DIR/mode"
		;;
	esac
}

# stop_bench_tracer: SIGINT, then its exit status in TRACER_RC.
stop_bench_tracer() {
	TRACER_RC=0
	kill -INT "$TRACER_PID"
	wait "$TRACER_PID" || TRACER_RC=$?
	TRACER_PID=
}

# check_synscope WORKLOAD OPS OPENS: VERDICT and DETAIL of a synscope window.
# Every event produced was delivered, none dropped, no DNS packet lost, and
# one CSV row per connect the workload made, each established.
check_synscope() {
	local ops=$1 opens=$2 acct dns rows estab want
	acct=$(grep '^events:' "$TRACE_DIR/tracer.out" || true)
	dns=$(grep '^dns:' "$TRACE_DIR/tracer.out" || true)
	rows=$(tr -d '\r' <"$TRACE_DIR/attempts.csv" 2>/dev/null | awk 'NR > 1' | wc -l)
	estab=$(csv_rows "$TRACE_DIR/attempts.csv" outcome 2>/dev/null | grep -c '^established$' || true)
	want=$([ "$3" = connect ] && echo "$ops" || echo 0)
	DETAIL=$(awk -v a="$acct" -v d="$dns" -v rows="$rows" -v estab="$estab" -v want="$want" \
		-v opens="$opens" -v rc="$TRACER_RC" -f "$BENCH_DIR/detail.awk")
	synscope_verdict "$3" "$ops"
}

# synscope_verdict WORKLOAD OPS: the VERDICT of a synscope window from its
# DETAIL (here or in the VM): failed (exit status, no accounting line),
# loss (an event dropped or not delivered, a DNS packet lost), miscount (not
# one established CSV row per connect, or the namespace's TcpActiveOpens
# disagree), ok.
synscope_verdict() {
	VERDICT=$(awk -v s="$DETAIL" -v wl="$1" -v ops="$2" 'BEGIN {
		split(s, kv, " "); for (i in kv) { split(kv[i], p, "="); v[p[1]] = p[2] }
		if (v["rc"] != 0 || v["produced"] == "?") print "failed"
		else if (!(v["dropped"] == 0 && v["produced"] == v["delivered"] && v["dns_lost"] == 0)) print "loss"
		else if (v["rows"] != v["want"] || v["established"] != v["want"] ||
			 (wl == "connect" && v["opens"] != ops)) print "miscount"
		else print "ok" }')
}

# check_peer: VERDICT and DETAIL of a libbpf-tools window: no lost events.
check_peer() {
	local lines lost
	lines=$(wc -l <"$TRACE_DIR/tracer.out")
	lost=$(awk '/lost [0-9]+ events/ { for (i = 1; i < NF; i++) if ($i == "lost") s += $(i + 1) } END { print s + 0 }' "$TRACE_DIR/tracer.err")
	DETAIL="rc=$TRACER_RC lines=$lines lost=$lost"
	if [ "$TRACER_RC" -ne 0 ]; then
		VERDICT=failed
	elif [ "$lost" -ne 0 ]; then
		VERDICT=loss
	else
		VERDICT=ok
	fi
}

# check_exit: VERDICT and DETAIL of a floor or control window: the helper exited 0.
check_exit() {
	DETAIL="rc=$TRACER_RC"
	VERDICT=$([ "$TRACER_RC" -eq 0 ] && echo ok || echo failed)
}

# test_runs: BPF_PROG_TEST_RUN of synscope's DNS programs and an empty one
# on non-DNS packets (benchbpf test-run), into $RUN_DIR/test_run.txt.
test_runs() {
	log "BPF_PROG_TEST_RUN of $DNS_OBJECT's cgroup_skb programs, $TEST_RUN_REPEAT runs a batch"
	taskset -c "$WORKLOAD_CPU" "$BENCHBPF" test-run "$DNS_OBJECT" "$TEST_RUN_REPEAT" >"$RUN_DIR/test_run.txt" ||
		{
			fail "benchbpf test-run $DNS_OBJECT failed"
			exit 1
		}
}

# --- one window ----------------------------------------------------------------

# run_window KIND TRACER WORKLOAD ROUND: one measured run of WORKLOAD, traced
# by TRACER unless it is "-"; appends its line to windows.tsv.
run_window() {
	local kind=$1 tracer=$2 workload=$3 round=$4
	local out ops seconds rate wcpu pct t0 t1 c0 c1 opens0 opens1 others cpu_s=- verdict=- detail=-
	WINDOW_SEQ=$((WINDOW_SEQ + 1))
	workload_command "$workload"
	[ "$tracer" = - ] || start_bench_tracer "$tracer"
	others=$(other_bpf_holders)
	if [ "$kind" = stats ]; then
		sysctl -q -w kernel.bpf_stats_enabled=1
		snapshot_progs "$TRACER_PID" "$WORK/progs.before"
	fi
	opens0=$(nstat_client TcpActiveOpens)
	[ "$tracer" = - ] || t0=$(proc_cpu_ticks "$TRACER_PID")
	c0=$(cpu_times)
	out=$(taskset -c "$WORKLOAD_CPU" ip netns exec "$NS_C" "${WORKLOAD_ARGV[@]}") ||
		{
			fail "workload failed: ${WORKLOAD_ARGV[*]}: $out"
			exit 1
		}
	c1=$(cpu_times)
	opens1=$(nstat_client TcpActiveOpens)
	ops=$(sed -n 's/.* ops=\([0-9]*\) .*/\1/p' <<<"$out")
	seconds=$(sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' <<<"$out")
	rate=$(sed -n 's/.* ops_per_s=\([0-9.]*\) .*/\1/p' <<<"$out")
	wcpu=$(sed -n 's/.* cpu_s=\([0-9.]*\) .*/\1/p' <<<"$out")
	if [ "$tracer" != - ]; then
		sleep 0.3 # synscope reads its ring buffers at least every 100 ms
		t1=$(proc_cpu_ticks "$TRACER_PID")
		cpu_s=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / hz }')
		if [ "$kind" = stats ]; then
			snapshot_progs "$TRACER_PID" "$WORK/progs.after"
			sysctl -q -w kernel.bpf_stats_enabled=0
			record_prog_stats "$workload" "$tracer" "$round" "$ops"
		fi
		stop_bench_tracer
		case $tracer in
		synscope*) check_synscope "$ops" "$((opens1 - opens0))" "$workload" ;;
		floor | hooks* | idle) check_exit ;;
		*) check_peer ;;
		esac
		verdict=$VERDICT
		detail=$DETAIL
		if [ "$verdict" != ok ]; then
			tail -n 20 "$TRACE_DIR/tracer.out" >"$RUN_DIR/w$WINDOW_SEQ.out"
			cp "$TRACE_DIR/tracer.err" "$RUN_DIR/w$WINDOW_SEQ.err"
		fi
	fi
	pct=$(cpu_pct "$c0" "$c1")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$WINDOW_SEQ" \
		"$workload" "$kind" "$tracer" "$round" "$ops" "$seconds" "$rate" "$cpu_s" \
		"${pct%$'\t'*}" "$(sysctl -n kernel.bpf_stats_enabled)" "$others" "$verdict" \
		"$detail" "$wcpu	${pct##*$'\t'}" >>"$RUN_DIR/windows.tsv"
	printf '# %3d %-8s %-6s %-15s %8.0f/s %s\n' "$WINDOW_SEQ" "$workload" "$kind" "$tracer" \
		"$rate" "$([ "$verdict" = - ] || echo "$verdict $detail")"
}

# record_prog_stats WORKLOAD TRACER ROUND OPS: what each program ran in the window.
record_prog_stats() {
	awk -v w="$1" -v t="$2" -v r="$3" -v ops="$4" '
		NR == FNR { cnt[$1] = $4; ns[$1] = $5; miss[$1] = $6; next }
		{ printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", w, t, r, $1, $2, $3,
			$4 - cnt[$1], $5 - ns[$1], $6 - miss[$1], ops }' \
		"$WORK/progs.before" "$WORK/progs.after" >>"$RUN_DIR/bpf.tsv"
}

# --- the run -------------------------------------------------------------------

# bench_record_start: note the machine's state; BPF stats off but in the
# stats windows (the value found is restored at exit).
bench_record_start() {
	STATS_SAVED=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -q -w kernel.bpf_stats_enabled=0
	: >"$RUN_DIR/windows.tsv"
	: >"$RUN_DIR/bpf.tsv"
	{
		echo "start=$(date -u +%FT%TZ)"
		echo "start_s=$(date +%s)"
		echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "bpf_stats_before=$STATS_SAVED"
		echo "host_progs_before=$(bpftool prog show 2>/dev/null | grep -c '^[0-9]')"
		echo "other_bpf_before=$(other_bpf_holders)"
		echo "trace_dir=$(df --output=fstype "$TRACE_DIR" | tail -1) ${TRACE_DIR%/*}"
	} >"$RUN_DIR/meta"
	save_knobs
}

bench_record_end() {
	{
		echo "end=$(date -u +%FT%TZ)"
		echo "end_s=$(date +%s)"
		echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "bpf_stats_after=$(sysctl -n kernel.bpf_stats_enabled)"
	} >>"$RUN_DIR/meta"
}

bench_cleanup() {
	[ -z "$STATS_SAVED" ] || sysctl -q -w kernel.bpf_stats_enabled="$STATS_SAVED" || true
	[ -z "${TRACE_DIR:-}" ] || [ "$TRACE_DIR" = "$WORK" ] || rm -rf "$TRACE_DIR"
}

# make_trace_dir: where the tracers write, in memory (tmpfs) where there is
# one: the writeback of a window's tens of megabytes of output to disk would
# otherwise land, on CPU 0 too, in the windows that follow it.
make_trace_dir() {
	TRACE_DIR=$(mktemp -d /dev/shm/synscope-bench.XXXXXX 2>/dev/null) || TRACE_DIR=$WORK
}
