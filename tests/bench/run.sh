#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: what tracing costs, measured the way issue 9 defines it, and
# written to bench/RESULTS.md.  Run it as root under the shared lock:
#     flock /tmp/synscope-heavy.lock make bench
#
# Two workloads (tools/benchloop), pinned to one CPU, each for a fixed window:
#   connect  connect / write 1 byte / close, one connection after another, to
#            a listener on 198.18.0.1:8080 on the loopback device of a
#            network namespace of its own (client and acceptor both there);
#   getppid  a loop of getppid(2): what tracing costs unrelated work.
# Tracers, each pinned to the other CPU and started afresh for each window:
#   synscope        the mode this machine picks, DNS capture on, --csv FILE,
#                   text output to a file (plus BENCH_TRACER_ARGS)
#   synscope-nodns  the same with --no-dns
#   hooks           programs that return at once on every hook synscope
#                   attaches, as many on each (build/tests/benchbpf hooks):
#                   what the hooks themselves cost, which no work in
#                   synscope's programs can take away
#   hooks-nodns     the same without the DNS capture's two (not by default)
#   tcpstates, tcplife  the libbpf-tools peers (Debian's libbpf-tools package)
#   idle            the control: a process that loads nothing and wakes 10
#                   times a second, as the tracers do when nothing happens
#                   (benchloop idle).  What the method itself costs a window
#                   (a process on the other vCPU, starting and stopping it):
#                   a ratio of a tracer no lower than the control's is no
#                   cost that this machine can show.
# For each workload, BENCH_ROUNDS rounds; each round runs every tracer once
# (in a rotating order) between untraced windows:  U T1 U T2 U T3 U T4 U ...
# A traced window's ratio is its rate over the mean of the untraced windows
# on either side; the figure is the median of those ratios.  Then one
# traced window per tracer with kernel.bpf_stats_enabled on (it adds two
# clock reads to every program run, so the ratio windows run without it):
# the BPF run time of each program the tracer holds, per operation.
#
# With BENCH_FLOOR, each round of stats windows has one more, with programs
# that return at once on synscope's hooks (build/tests/benchbpf floor): the
# floor of bpf_stats per run, which the report takes away from synscope's
# figures; after the windows, BPF_PROG_TEST_RUN of the DNS programs on
# non-DNS packets (benchbpf test-run: no clock read per run).  The report
# gives every ratio twice: per second of the window, and per CPU-second of
# the workload's own processes (getrusage), which tells a window whose vCPU
# was taken away (low rate, same CPU per operation) from a cost.
#
# Every synscope window must account for every event (dropped 0, delivered =
# produced, DNS lost 0) and write one CSV row per connect the workload made
# (the namespace's TcpActiveOpens must agree); a peer's window must show no
# "lost ... events".  A window that fails this is listed as such and left
# out of the medians; when one of synscope's does, the run exits 1 after
# writing the results.  The bench asserts nothing about speed.
#
# Knobs (environment):
#   BENCH_ROUNDS=7          traced windows per tracer and workload
#   BENCH_WINDOW_S=3        seconds per window
#   BENCH_TRACERS="synscope synscope-nodns hooks tcpstates tcplife idle"
#   BENCH_WORKLOADS="connect getppid"
#   BENCH_TRACER_ARGS=      more synscope options for both synscope tracers,
#                           e.g. "--probe-mode kprobe" or a new option
#   BENCH_STATS_WINDOWS=1   windows per tracer and workload with BPF stats on
#                           (0: none)
#   BENCH_FLOOR=1           in each round of stats windows, one more with
#                           programs that return at once on synscope's hooks
#                           (build/tests/benchbpf floor): the floor of
#                           bpf_stats per run (0: none)
#   BENCH_TEST_RUN_REPEAT=10000000  runs per BPF_PROG_TEST_RUN batch of the
#                           DNS programs on non-DNS packets (0: none)
#   BENCH_WORKLOAD_CPU=0    CPU of the workload (taskset)
#   BENCH_TRACER_CPU=1      CPU of the tracer
#   BENCH_TCPSTATES, BENCH_TCPLIFE  the peers' binaries (default: the first
#                           of tcpstates, tcpstates-libbpf, bpf-tcpstates on
#                           PATH; the same for tcplife)
#   BENCH_RESULTS=bench/RESULTS.md  where the report goes
#   BENCH_OUT=build/bench   raw data: one directory per run, and the history
#                           of runs per source commit (the spread section)
#   SYNSCOPE=./synscope     the tracer binary
#   BENCH_REPORT=DIR        measure nothing: write the results of the run in
#                           DIR (build/bench/run-...) again
# With the defaults a run takes about 7 minutes.
#
# Later parts of issues 9 and 12 reuse this harness: the fentry and kprobe
# modes in the QEMU VM (BENCH_TRACER_ARGS="--probe-mode fentry", BENCH_TRACERS
# and BENCH_RESULTS pointing elsewhere: only the ratios mean anything under
# TCG), and an RSS soak (one long synscope window sampling /proc/PID/status).
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$BENCH_DIR/../lib.sh"
# shellcheck source=SCRIPTDIR/measure.sh
. "$BENCH_DIR/measure.sh"
# shellcheck source=SCRIPTDIR/report.sh
. "$BENCH_DIR/report.sh"

ROUNDS=${BENCH_ROUNDS:-7}
WINDOW_S=${BENCH_WINDOW_S:-3}
TRACERS=${BENCH_TRACERS:-synscope synscope-nodns hooks tcpstates tcplife idle}
WORKLOADS=${BENCH_WORKLOADS:-connect getppid}
TRACER_ARGS=${BENCH_TRACER_ARGS:-}
STATS_WINDOWS=${BENCH_STATS_WINDOWS:-1}
WORKLOAD_CPU=${BENCH_WORKLOAD_CPU:-0}
TRACER_CPU=${BENCH_TRACER_CPU:-1}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
OUT=${BENCH_OUT:-$ROOT/build/bench}
BENCHLOOP=$ROOT/build/tools/benchloop
BENCHBPF=$ROOT/build/tests/benchbpf
DNS_OBJECT=$ROOT/build/dns.bpf.o
FLOOR=${BENCH_FLOOR:-1}
TEST_RUN_REPEAT=${BENCH_TEST_RUN_REPEAT:-10000000}
BENCH_ADDR=198.18.0.1
BENCH_PORT=8080

# BENCH_REPORT=build/bench/run-...: only write the results of that run again.
if [ -n "${BENCH_REPORT:-}" ]; then
	RUN_DIR=$BENCH_REPORT
	load_knobs
	write_report
	finish
fi

bench_check_setup
RUN_DIR=$OUT/run-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN_DIR"
trap 'bench_cleanup; cleanup' EXIT
make_trace_dir

# The workload's namespace (see loopback_client_ns in tests/lib.sh).
loopback_client_ns "$BENCH_ADDR"

bench_record_start
for workload in $WORKLOADS; do
	log "workload $workload: warm-up, then $ROUNDS rounds of: untraced, traced by each of $TRACERS"
	run_window warmup - "$workload" 0
	for ((round = 1; round <= ROUNDS; round++)); do
		# shellcheck disable=SC2086 # a list of names
		for tracer in $(rotate "$round" $TRACERS); do
			run_window base - "$workload" "$round"
			run_window ratio "$tracer" "$workload" "$round"
		done
	done
	run_window base - "$workload" "$((ROUNDS + 1))"
	for ((round = 1; round <= STATS_WINDOWS; round++)); do
		for tracer in $TRACERS; do
			[ "$tracer" = idle ] || run_window stats "$tracer" "$workload" "$round"
		done
		[ "$FLOOR" = 0 ] || run_window stats floor "$workload" "$round"
	done
done
[ "$TEST_RUN_REPEAT" = 0 ] || test_runs
bench_record_end
write_report
if [ "$(bad_windows synscope | wc -l)" -gt 0 ]; then
	fail "$(bad_windows synscope | wc -l) synscope windows lost events or miscounted: see $RESULTS"
fi
finish
