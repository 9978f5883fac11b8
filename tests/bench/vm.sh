#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench-vm (part of make bench): the attach modes this machine refuses
# (fentry, kprobe) measured the way run.sh measures the tracepoint mode,
# inside QEMU on Debian's 6.1 and 6.12 cloud kernels: tests/vm/run.sh with
# SYNSCOPE_VM_BENCH boots each kernel and runs tests/vm/guest/bench.sh (the
# connect and getppid loops of tools/benchloop, untraced and traced windows
# alternating, then one window per mode with kernel.bpf_stats_enabled).
# This script gives the verdicts (synscope_verdict, as for the host's
# windows) and writes the section "The fentry and kprobe modes in QEMU
# (TCG)" of bench/RESULTS.md.  Under TCG only ratios mean anything.
# Run it under the shared lock: flock -o /tmp/synscope-heavy.lock make bench-vm
#
# Knobs (environment):
#   BENCH_VM_MODES="fentry kprobe"  BENCH_VM_ROUNDS=3  BENCH_VM_WINDOW_S=3
#   BENCH_VM_WORKLOADS="connect getppid"
#   SYNSCOPE_VM_KERNELS     as for tests/vm/run.sh (default: 6.1 and 6.12)
#   BENCH_RESULTS, BENCH_OUT as for run.sh
#   BENCH_VM_REPORT=DIR     measure nothing: write the section of that run again
# With the defaults a run takes about 9 minutes.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
# shellcheck source=SCRIPTDIR/measure.sh
. "$BENCH_DIR/measure.sh" # synscope_verdict
# shellcheck source=SCRIPTDIR/report.sh
. "$BENCH_DIR/report.sh"

VM_MODES=${BENCH_VM_MODES:-fentry kprobe}
VM_ROUNDS=${BENCH_VM_ROUNDS:-3}
VM_WINDOW_S=${BENCH_VM_WINDOW_S:-3}
VM_WORKLOADS=${BENCH_VM_WORKLOADS:-connect getppid}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
VM_TITLE="## The fentry and kprobe modes in QEMU (TCG)"

# judge_windows DIR: the verdict of each traced window of DIR/windows.tsv.
judge_windows() {
	local f
	while IFS=$'\t' read -r -a f; do
		if [ "${f[13]}" = "?" ]; then
			DETAIL=${f[14]}
			synscope_verdict "${f[1]}" "${f[5]}"
			f[13]=$VERDICT
		fi
		(
			IFS=$'\t'
			echo "${f[*]}"
		)
	done <"$1/windows.tsv" >"$1/windows.judged"
	mv "$1/windows.judged" "$1/windows.tsv"
}

vm_meta() { sed -n "s/^$2=//p" "$1/meta" | head -1; }

# getppid_runs MODE: program runs during the getppid stats window.
getppid_runs() {
	awk -F'\t' -v t="$1" '$1 == "getppid" && $2 == t { n += $7; if (!($3 in s)) { s[$3] = 1; ops += $10 } }
		END { printf "%d runs in %d calls", n, ops }' "$RUN_DIR/bpf.tsv"
}

# vm_rows: the ratio table's rows, per kernel and mode.
vm_rows() {
	local dir mode bpf rate
	for dir in "$VM_OUT"/*/; do
		RUN_DIR=${dir%/}
		RATIOS=$(ratios)
		rate=$(median_rate connect)
		for mode in $(vm_meta "$RUN_DIR" modes); do
			bpf=$(bpf_per_op connect "$mode")
			echo "| $(vm_meta "$RUN_DIR" version) | $mode | $(ratio_cell connect "$mode" ratio) |" \
				"$(ratio_cell getppid "$mode" ratio) | $bpf$(awk -v b="$bpf" -v r="$rate" 'BEGIN {
				if (b + 0 && r + 0) printf " (%.1f%%)", b * r / 1e7 }') | $(getppid_runs "$mode") |"
		done
	done
}

# vm_details: per kernel, the untraced rates, the accounting and the programs.
vm_details() {
	local dir bad
	for dir in "$VM_OUT"/*/; do
		RUN_DIR=${dir%/}
		TRACERS=$(vm_meta "$RUN_DIR" modes)
		bad=$(bad_windows | wc -l)
		echo "### $(vm_meta "$RUN_DIR" version)"
		echo
		echo "Untraced (TCG): $(median_rate connect) connects per second, $(median_rate getppid) getppid calls per second"
		echo "(medians); the workload's own CPU-seconds per second of window $(median_cpu_share connect base) and"
		echo "$(median_cpu_share getppid base) untraced, $(median_cpu_share connect ratio) and $(median_cpu_share getppid ratio) traced."
		if [ "$bad" -eq 0 ]; then
			echo "Every traced window accounted for every event (dropped 0, delivered = produced, DNS lost 0, one"
			echo "established CSV row per connect, TcpActiveOpens equal)."
		else
			echo "**$bad traced windows lost events or miscounted** (left out of the medians):"
			echo
			bad_windows | awk -F'\t' '{ printf "- window %s, %s, %s: %s (%s)\n", $1, $2, $4, $14, $15 }'
		fi
		echo
		echo "BPF run time per connection (kernel.bpf_stats_enabled, one window per mode; TCG ns):"
		echo
		bpf_table connect connection
		echo
	done
}

write_vm_section() {
	local start=$1 end=$2 seconds=$3 commit first
	commit=$(git -C "$ROOT" log -1 --format='%h (%s)')
	first=$(find "$VM_OUT" -mindepth 2 -maxdepth 2 -name meta | sort | head -1)
	VM_WINDOW_S=$(vm_meta "${first%/meta}" window_s)
	VM_ROUNDS=$(vm_meta "${first%/meta}" rounds)
	cat <<EOF
$VM_TITLE

Written by \`tests/bench/vm.sh\` (\`make bench-vm\`, part of \`make bench\`), $start to $end ($seconds s), source
commit $commit: \`flock -o /tmp/synscope-heavy.lock make bench-vm\`.

QEMU emulates the CPU (TCG, 2 vCPUs, on this machine's 2 shared vCPUs), so these timings are not
absolute and their parts are not in the host's proportions: only ratios within one guest mean
something, and they are noisier than the host's (few, short windows, to keep the run short).

- Kernels: Debian's cloud kernels, fetched and booted by \`tests/vm/run.sh\` (SYNSCOPE_VM_BENCH set:
  the guest runs \`tests/vm/guest/bench.sh\` instead of the scenarios).
- In each guest: a namespace with 198.18.0.1/32 on its loopback only (as the host bench's); workloads
  \`taskset -c 0 ip netns exec NS benchloop connect 198.18.0.1 8080 -d $VM_WINDOW_S\` and
  \`taskset -c 0 ip netns exec NS benchloop getppid -d $VM_WINDOW_S\`; tracer \`taskset -c 1 synscope --probe-mode MODE
  --dst 198.18.0.0/15 --csv FILE\` (DNS capture on), started for each window, stopped with SIGINT.
- Windows: $VM_WINDOW_S s; $VM_ROUNDS traced windows per mode and workload, each between two untraced
  windows (the modes in rotating order), then one per mode and workload with kernel.bpf_stats_enabled=1.
  A ratio is the traced window's rate over the mean of the untraced windows on either side; medians
  (range, windows) over the windows that accounted for every event.
- BPF per connection: all of synscope's programs, ns per connection in the stats window, and in
  brackets that time as a share of an untraced connect's (1 / the untraced rate), the one figure
  of the two that TCG does not make meaningless on its own. It counts the programs only: the
  hook's own machinery (fentry's trampoline; a kprobe's breakpoint trap and a kretprobe's return
  trampoline) is in the ratio but not in this figure, and TCG emulates traps slowly.

| kernel | mode | connect loop | getppid loop | BPF ns per connection (share of a connect) | BPF during the getppid loop |
|---|---|---|---|---|---|
$(vm_rows)

$(vm_details | trim)
EOF
}

if [ -n "${BENCH_VM_REPORT:-}" ]; then
	VM_OUT=$BENCH_VM_REPORT
	read -r start end seconds <"$VM_OUT/run"
else
	VM_OUT=${BENCH_OUT:-$ROOT/build/bench}/vm-$(date -u +%Y%m%dT%H%M%SZ)
	mkdir -p "$VM_OUT"
	start=$(date -u +%FT%TZ)
	t0=$(date +%s)
	rc=0
	SYNSCOPE_VM_BENCH=$VM_OUT SYNSCOPE_VM_BENCH_MODES=$VM_MODES SYNSCOPE_VM_BENCH_ROUNDS=$VM_ROUNDS \
		SYNSCOPE_VM_BENCH_WINDOW_S=$VM_WINDOW_S SYNSCOPE_VM_BENCH_WORKLOADS=$VM_WORKLOADS \
		"$ROOT/tests/vm/run.sh" || rc=$?
	echo "$start $(date -u +%FT%TZ) $(($(date +%s) - t0))" >"$VM_OUT/run"
	read -r start end seconds <"$VM_OUT/run"
	[ "$rc" -eq 0 ] || {
		echo "tests/bench/vm.sh: tests/vm/run.sh failed (status $rc); raw data in $VM_OUT" >&2
		exit 1
	}
	for dir in "$VM_OUT"/*/; do
		judge_windows "${dir%/}"
	done
fi
write_vm_section "$start" "$end" "$seconds" >"$VM_OUT/section.md"
replace_section "$RESULTS" "$VM_TITLE" "$VM_OUT/section.md"
echo "# results: $RESULTS, section \"${VM_TITLE#\#\# }\" (raw data: $VM_OUT)"
sed -n '/^| kernel | mode/,/^$/p' "$VM_OUT/section.md"
bad=0
for dir in "$VM_OUT"/*/; do
	RUN_DIR=${dir%/}
	bad=$((bad + $(bad_windows | wc -l)))
done
[ "$bad" -eq 0 ] || {
	echo "tests/bench/vm.sh: $bad synscope windows in the VM lost events or miscounted: see $RESULTS" >&2
	exit 1
}
