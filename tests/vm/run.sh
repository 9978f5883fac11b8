#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The attach modes this machine refuses (fentry, kprobe), tested in a VM:
# Debian's cloud kernels of the two lines Amazon Linux 2023 runs, 6.1 and
# 6.12, each booted in turn by QEMU (TCG, 2 CPUs, no network device) with a
# busybox initramfs that runs every scenario of tests/scenarios once per
# attach mode, the way tests/run-scenario.sh runs them on the host, and a
# kill -9 of synscope in each mode, and prints the results on the serial
# console.  This script checks them with
# the host's checks (tests/lib/check.sh), the same modes against each other,
# and prints TAP lines; it exits non-zero if anything failed or a guest did
# not finish.
#
#   tests/vm/run.sh        builds with `make static` first; not root-only
#
# Environment:
#   SYNSCOPE_SKIP_VM=1        skip (prints SKIPPED, exits 0): machines without QEMU
#   SYNSCOPE_VM_KERNELS       Debian packages of the kernels, each pulling in one
#                             linux-image-* (default: linux-image-cloud-amd64, 6.1,
#                             and linux-image-6.12-cloud-amd64)
#   SYNSCOPE_VM_MODES         attach modes to run (default: fentry kprobe tracepoint)
#   SYNSCOPE_VM_SCENARIOS     scenarios to run (default: all of tests/scenarios)
#   SYNSCOPE_VM_TIMEOUT       seconds before a VM is killed (default 600)
#   SYNSCOPE_VM_CACHE         where the kernel packages are kept (default .cache/vm)
#   KEEP=1                    keep the work directory (kept anyway on failure)
#   SYNSCOPE_VM_BENCH=DIR     run the benchmark instead of the scenarios
#                             (tests/vm/guest/bench.sh; tests/bench/vm.sh sets
#                             this): its raw results go to DIR/LINE/, checked
#                             for completeness only (the verdicts and the
#                             report are tests/bench/vm.sh's); with
#                             SYNSCOPE_VM_BENCH_MODES (default: fentry kprobe),
#                             _ROUNDS (3), _WINDOW_S (2), _WORKLOADS
#                             (connect getppid)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM=$ROOT/tests/vm
SCENARIO_DIR=$ROOT/tests/scenarios
CACHE=${SYNSCOPE_VM_CACHE:-$ROOT/.cache/vm}
TIMEOUT=${SYNSCOPE_VM_TIMEOUT:-600}
KERNELS=${SYNSCOPE_VM_KERNELS:-linux-image-cloud-amd64 linux-image-6.12-cloud-amd64}
MODES=${SYNSCOPE_VM_MODES:-fentry kprobe tracepoint}
SCENARIOS=${SYNSCOPE_VM_SCENARIOS:-$(for f in "$SCENARIO_DIR"/*.sh; do basename "$f" .sh; done | xargs)}
BENCH_OUT=${SYNSCOPE_VM_BENCH:-}
if [ -n "$BENCH_OUT" ]; then
	SCENARIOS=
	MODES=
fi

# Kernel modules the scenarios need (built in: IPv6, BPF, cgroups), loaded
# with their dependencies: veth pairs, nftables drop/reject/dynamic sets.
MODULES=(veth nf_tables nft_reject_inet)
# Host programs copied with their shared libraries (ldd): iproute2, nftables,
# dnsmasq, bpftool (what the kernel holds after a kill -9).
HOST_PROGRAMS=(ip nstat nft dnsmasq bpftool)
# Statically linked programs of this project: built file -> name in the VM.
STATIC_PROGRAMS=(
	"build/synscope-static:synscope"
	"build/tools/connburst-static:connburst"
	"build/tools/listener-static:listener"
)
# The benchmark's, with SYNSCOPE_VM_BENCH.
BENCH_PROGRAMS=(
	"build/tools/benchloop-static:benchloop"
	"build/tests/benchbpf-static:benchbpf"
)

WORK=
VM_PID=
TEST_NAME=vm
# shellcheck source=../lib/scenario.sh
. "$ROOT/tests/lib/scenario.sh" # csv_rows, and the scenarios' names for addresses
# shellcheck source=../lib/check.sh
. "$ROOT/tests/lib/check.sh"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# took T0: seconds since now_ms T0, e.g. 1.4
took() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN { printf "%.1f", ms / 1000 }'; }

# die MESSAGE: a setup failure; the run cannot go on.
die() {
	TEST_NAME=vm
	fail "$*"
	exit 1
}

# cleanup: at exit; keeps the work directory of a run that failed or stopped
# early (a non-zero status without a failed check) once a VM has booted.
cleanup() {
	local rc=$?
	[ -z "$VM_PID" ] || kill "$VM_PID" 2>/dev/null || true # interrupted: timeout stops QEMU
	[ -n "$WORK" ] || return 0
	if { { [ "$rc" -eq 0 ] && [ "$FAILURES" -eq 0 ]; } || ! compgen -G "$WORK/*/serial.log" >/dev/null; } &&
		[ -z "${KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		log "kept $WORK (per kernel line: serial console LINE/serial.log, results LINE/results)"
	fi
}

# --- what the host needs ------------------------------------------------------

need() {
	command -v "$1" >/dev/null ||
		die "$1 not found: install $2 (tools/install-deps.sh test does), or set SYNSCOPE_SKIP_VM=1 to skip the VM tests"
}

check_scenarios() {
	local name
	for name in $SCENARIOS; do
		[ -f "$SCENARIO_DIR/$name.sh" ] || die "no scenario $name (tests/scenarios/$name.sh)"
	done
}

preflight() {
	need qemu-system-x86_64 qemu-system-x86
	need busybox busybox-static
	need cpio cpio
	need depmod kmod
	need ip iproute2
	need nstat iproute2
	need nft nftables
	need bpftool bpftool
	need apt-get "apt (the kernel comes from Debian's archive)"
	need dpkg-deb dpkg
	is_static "$(command -v busybox)" ||
		die "$(command -v busybox) is not statically linked: install busybox-static"
}

is_static() {
	local out
	out=$(ldd "$1" 2>&1) || true # fails for static programs
	grep -qE 'not a dynamic executable|statically linked' <<<"$out"
}

build() {
	local spec file
	[ -z "$BENCH_OUT" ] || STATIC_PROGRAMS+=("${BENCH_PROGRAMS[@]}")
	# shellcheck disable=SC2046 # a list of targets
	make -C "$ROOT" --no-print-directory static $([ -z "$BENCH_OUT" ] || echo build/tests/benchbpf-static) \
		>"$WORK/build.log" 2>&1 ||
		{ sed 's/^/#   /' "$WORK/build.log"; die "make static failed"; }
	for spec in "${STATIC_PROGRAMS[@]}"; do
		file=$ROOT/${spec%%:*}
		is_static "$file" || die "$file is not statically linked"
	done
}

# --- the kernel ---------------------------------------------------------------

# kernel_package META: the kernel package META depends on, e.g.
# linux-image-6.1.0-57-cloud-amd64 for linux-image-cloud-amd64 (Debian 12's
# main archive and its security updates, where linux-image-6.12-cloud-amd64
# is too).
kernel_package() {
	local out
	out=$(apt-cache depends "$1" 2>/dev/null) || true
	awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }' <<<"$out"
}

# kernel_fetch META: sets KDIR to the extracted package in the cache (with a
# modules.dep), KVER to its release and KLINE to its line (6.1, 6.12);
# downloads only what is not cached, and drops older kernels of that line.
kernel_fetch() {
	local meta=$1 pkg version deb
	pkg=$(kernel_package "$meta")
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		log "apt-cache does not know $meta: apt-get update"
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(kernel_package "$meta")
	fi
	[ -n "$pkg" ] || die "apt-cache does not know $meta (Debian 12's archive and bookworm-security): run apt-get update"
	version=$(apt-cache policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }') || true
	if [ -z "$version" ] || [ "$version" == "(none)" ]; then
		die "no installable version of $pkg"
	fi
	KLINE=$(sed -n 's/^linux-image-\([0-9]*\.[0-9]*\)[.-].*/\1/p' <<<"$pkg")
	[ -n "$KLINE" ] || die "cannot tell the kernel line of $pkg"
	deb=$CACHE/${pkg}_${version//:/%3a}_amd64.deb
	KDIR=$CACHE/${pkg}_${version}
	mkdir -p "$CACHE"
	if [ ! -f "$deb" ]; then
		log "downloading $pkg $version"
		(cd "$CACHE" && apt-get download "$pkg=$version" >"$WORK/apt.log" 2>&1) ||
			{ sed 's/^/#   /' "$WORK/apt.log"; die "apt-get download $pkg=$version failed"; }
		find "$CACHE" -maxdepth 1 -name "linux-image-${KLINE}[.-]*" ! -name "${pkg}_${version}*" \
			-exec rm -rf {} + # older kernels of the same line
	fi
	if [ ! -f "$KDIR/.complete" ]; then
		rm -rf "$KDIR" "$KDIR.tmp"
		dpkg-deb -x "$deb" "$KDIR.tmp"
		KVER=$(ls "$KDIR.tmp/lib/modules")
		depmod -b "$KDIR.tmp" "$KVER"
		touch "$KDIR.tmp/.complete"
		mv "$KDIR.tmp" "$KDIR"
	fi
	KVER=$(ls "$KDIR/lib/modules")
}

# module_path NAME: the module's file, relative to the modules directory.
module_path() {
	awk -F: -v name="${1//-/_}" '{ base = $1; sub(/.*\//, "", base); sub(/\.ko(\.[a-z]+)?$/, "", base);
		gsub(/-/, "_", base); if (base == name) { print $1; exit } }' "$MODDIR/modules.dep"
}

# module_order PATH: PATH's dependencies, then PATH, each once ($ORDER, $SEEN).
module_order() {
	local dep deps
	[[ " $SEEN " == *" $1 "* ]] && return 0
	SEEN="$SEEN $1"
	read -ra deps < <(awk -F': *' -v p="$1" '$1 == p { print $2 }' "$MODDIR/modules.dep") || true
	for dep in "${deps[@]}"; do
		module_order "$dep"
	done
	ORDER+=("$1")
}

# --- the initramfs --------------------------------------------------------------

stage_modules() {
	local name path
	MODDIR=$KDIR/lib/modules/$KVER
	ORDER=()
	SEEN=
	for name in "${MODULES[@]}"; do
		if grep -q "/${name//_/[_-]}\.ko" "$MODDIR/modules.builtin"; then
			continue # built in
		fi
		path=$(module_path "$name")
		[ -n "$path" ] || die "module $name is neither built into $KVER nor in its package"
		module_order "$path"
	done
	mkdir -p "$STAGE/etc/vm"
	: >"$STAGE/etc/vm/modules"
	for path in "${ORDER[@]}"; do
		mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$path")"
		case $path in
		*.ko) cp "$MODDIR/$path" "$STAGE/lib/modules/$KVER/$path" ;;
		*.ko.xz) xz -dc "$MODDIR/$path" >"$STAGE/lib/modules/$KVER/${path%.xz}" ;;
		*.ko.zst) zstd -qdc "$MODDIR/$path" >"$STAGE/lib/modules/$KVER/${path%.zst}" ;;
		*) die "cannot load $path" ;;
		esac
		path=${path%.xz}
		echo "/lib/modules/$KVER/${path%.zst}" >>"$STAGE/etc/vm/modules"
	done
}

# stage_dynamic PROGRAM...: host programs with the shared libraries ldd names,
# at the same paths as on the host (the loader finds them there).
stage_dynamic() {
	local prog path lib
	for prog in "$@"; do
		path=$(command -v "$prog") || die "$prog not found on this host"
		path=$(readlink -f "$path")
		install -D -m 755 "$path" "$STAGE/usr/bin/$prog"
		for lib in $(ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			[ -e "$STAGE$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$STAGE$lib"
		done
	done
}

# stage_initramfs: $KWORK/initrd.gz for the kernel in $KDIR.
stage_initramfs() {
	local spec name
	STAGE=$KWORK/initramfs
	mkdir -p "$STAGE"/{bin,usr/local/bin,etc/vm/scenarios,results}
	install -m 755 "$(command -v busybox)" "$STAGE/bin/busybox"
	ln -s busybox "$STAGE/bin/sh" # for /init's #!; /init installs the other applets
	for spec in "${STATIC_PROGRAMS[@]}"; do
		install -m 755 "$ROOT/${spec%%:*}" "$STAGE/usr/local/bin/${spec#*:}"
	done
	stage_dynamic "${HOST_PROGRAMS[@]}"
	stage_modules
	cp "$VM"/guest/etc/* "$STAGE/etc/" # users, resolver: for programs that want them
	install -m 755 "$VM/guest/init" "$STAGE/init"
	install -m 644 "$VM/guest/lib.sh" "$STAGE/etc/vm/lib.sh"
	install -m 644 "$ROOT/tests/lib/scenario.sh" "$STAGE/etc/vm/scenario.sh"
	for name in $SCENARIOS; do
		cp "$SCENARIO_DIR/$name.sh" "$STAGE/etc/vm/scenarios/"
	done
	printf 'MODES="%s"\nSCENARIOS="%s"\n' "$MODES" "$SCENARIOS" >"$STAGE/etc/vm/config"
	[ -z "$BENCH_OUT" ] || stage_bench
	(cd "$STAGE" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$KWORK/initrd.gz"
	rm -rf "$STAGE"
}

# stage_bench: the benchmark's guest side and its settings.
stage_bench() {
	install -m 644 "$VM/guest/bench.sh" "$STAGE/etc/vm/bench.sh"
	install -m 644 "$ROOT/tests/bench/detail.awk" "$STAGE/etc/vm/detail.awk"
	printf 'BENCH=1\nBENCH_MODES="%s"\nBENCH_ROUNDS=%s\nBENCH_WINDOW_S=%s\nBENCH_WORKLOADS="%s"\n' \
		"${SYNSCOPE_VM_BENCH_MODES:-fentry kprobe}" "${SYNSCOPE_VM_BENCH_ROUNDS:-3}" \
		"${SYNSCOPE_VM_BENCH_WINDOW_S:-2}" "${SYNSCOPE_VM_BENCH_WORKLOADS:-connect getppid}" \
		>>"$STAGE/etc/vm/config"
}

# --- the VM ---------------------------------------------------------------------

# boot: runs the VM, showing the guest's progress lines; sets VM_STATUS.
boot() {
	SERIAL=$KWORK/serial.log
	: >"$SERIAL"
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
		-nographic -no-reboot -nic none \
		-kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$KWORK/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 rdinit=/init" \
		</dev/null >"$SERIAL" 2>&1 &
	VM_PID=$!
	tail -s 0.2 -n +1 -f --pid="$VM_PID" "$SERIAL" | sed -un "s/\r\$//; s|^# |# $KLINE: |p" || true
	VM_STATUS=0
	wait "$VM_PID" || VM_STATUS=$?
	VM_PID=
}

# collect: the guest's result files, from the serial console into $RESULTS.
collect() {
	local line file rest
	RESULTS=$KWORK/results
	mkdir -p "$RESULTS"
	while IFS= read -r line; do
		case $line in
		'@@+|'*)
			file=${line#@@+|}
			[[ $file =~ ^[A-Za-z0-9_./-]+$ && $file != *..* ]] || continue
			mkdir -p "$RESULTS/$(dirname "$file")"
			: >"$RESULTS/$file"
			;;
		'@@|'*) # a line of an announced file (a file never announced arrives as missing)
			rest=${line#@@|}
			file=${rest%%|*}
			if [ -f "$RESULTS/$file" ]; then
				printf '%s\n' "${rest#*|}" >>"$RESULTS/$file"
			fi
			;;
		esac
	done < <(tr -d '\r' <"$SERIAL")
}

# --- checks ---------------------------------------------------------------------

check_guest() {
	TEST_NAME=vm/$KLINE
	if grep -q '^@@end' <(tr -d '\r' <"$SERIAL"); then
		ok "the guest ran to the end"
	else
		fail "the guest did not finish (QEMU status $VM_STATUS$([ "$VM_STATUS" -eq 124 ] && echo ": killed after ${TIMEOUT}s"))"
		tr -d '\r' <"$SERIAL" | grep -v '^@@' | tail -n 30 | sed 's/^/#   /' || true
	fi
	expect_eq "QEMU exit status" "$VM_STATUS" 0
	expect_eq "kernel release" "$(cat "$RESULTS/boot/uname.txt" 2>/dev/null)" "$KVER"
	if [ -s "$RESULTS/boot/modules.txt" ] && ! grep -q FAILED "$RESULTS/boot/modules.txt"; then
		ok "kernel modules loaded: $(grep -c '^loaded' "$RESULTS/boot/modules.txt")"
	else
		fail "kernel modules did not load"
		sed 's/^/#   /' "$RESULTS/boot/modules.txt" 2>/dev/null || true
	fi
	TEST_NAME=vm/$KLINE/check
	expect_eq "synscope --check exit status" "$(cat "$RESULTS/check/status" 2>/dev/null)" 0
	expect_eq "synscope --check picks" \
		"$(sed -n 's/^mode: \([a-z]*\).*/\1/p' "$RESULTS/check/check.txt" 2>/dev/null)" fentry
}

# With --connect-errors the tracepoint mode mounts tracefs itself where the
# system has not (the VM's /init does not): checked when a scenario asks for it.
check_tracefs() {
	local name wanted=
	[[ " $MODES " == *" tracepoint "* ]] || return 0
	for name in $SCENARIOS; do
		if grep -q '^TRACER_ARGS=.*--connect-errors' "$SCENARIO_DIR/$name.sh"; then
			wanted=$name
		fi
	done
	[ -n "$wanted" ] || return 0
	TEST_NAME=vm/$KLINE/tracepoint
	expect_eq "tracefs mounts before synscope ran" "$(wc -l <"$RESULTS/boot/tracefs.before")" 0
	if grep -q ' /sys/kernel/tracing tracefs ' "$RESULTS/end/tracefs.after"; then
		ok "synscope mounted tracefs at /sys/kernel/tracing ($wanted: --connect-errors)"
	else
		fail "tracefs is not mounted at /sys/kernel/tracing after the tracepoint mode ran"
	fi
}

# check_modes_agree SCENARIO: every mode saw what the first mode saw.
check_modes_agree() {
	local first mode
	read -r first _ <<<"$MODES"
	TEST_NAME=vm/$KLINE/$1
	for mode in $MODES; do
		[ "$mode" != "$first" ] || continue
		if [ ! -f "$RESULTS/$first/$1/attempts.csv" ] || [ ! -f "$RESULTS/$mode/$1/attempts.csv" ]; then
			fail "$mode and $first: no CSV to compare"
			continue
		fi
		expect_rows "$mode reports what $first reports" \
			"$(attempt_rows "$RESULTS/$first/$1")" "$(attempt_rows "$RESULTS/$mode/$1")"
	done
}

# bpf_listed DIR WHEN: "prog|map|link ID" of every object in the guest's
# bpftool listings DIR/KIND.WHEN, sorted.
bpf_listed() {
	local kind
	for kind in prog map link; do
		sed -n "s/^\([0-9]*\): .*/$kind \1/p" "$1/$kind.$2"
	done | LC_ALL=C sort
}

# added DIR FILE WHEN: the lines of DIR/FILE.WHEN that DIR/FILE.before lacks
# (kprobes: debugfs's kprobes/list; kprobe_events: tracefs's).
added() { LC_ALL=C comm -13 <(LC_ALL=C sort "$1/$2.before") <(LC_ALL=C sort "$1/$2.$3"); }

# check_kill9 MODE: synscope in MODE traced connects and was killed with
# SIGKILL (guest/lib.sh, kill9_run); the kernel then holds none of the
# programs, maps and links it held, and no kprobe or kprobe event that was
# not there before it started.
check_kill9() {
	local dir=$RESULTS/$1/kill9 step ids before=$FAILURES
	TEST_NAME=vm/$KLINE/$1/kill9
	step=$(cat "$dir/step" 2>/dev/null || echo "(none)")
	if [ "$step" != "done" ]; then
		fail "stopped in its $step step"
		show "$dir/$step.log" "$dir/run.log" "$dir/tracer.err" "$dir/verbose.log"
		return
	fi
	expect_eq "the kernel's state read (bpftool, kprobes/list, kprobe_events)" \
		"$(grep -h -e '^bpftool failed' -e '^cat: ' "$dir"/{prog,map,link,kprobes,kprobe_events}.* || true)" ""
	expect_eq "attempts in the CSV at the kill" "$(($(wc -l <"$dir/attempts.csv") - 1))" "$(cat "$dir/connects")"
	expect_eq "synscope's exit status" "$(cat "$dir/status")" "exit 137"
	ids=$(LC_ALL=C sort "$dir/ids.tracing")
	expect_match "its programs, maps and links (fdinfo)" "$(tr '\n' ' ' <<<"$ids")" \
		'link [0-9]+ .*map [0-9]+ .*prog [0-9]+'
	expect_eq "bpftool lists them while it traces" "$(LC_ALL=C comm -23 <(echo "$ids") <(bpf_listed "$dir" tracing))" ""
	expect_eq "no program, map or link left" "$(LC_ALL=C comm -12 <(echo "$ids") <(bpf_listed "$dir" after))" ""
	if [ "$1" == kprobe ]; then
		expect_match "its kprobes listed while it traces" "$(added "$dir" kprobes tracing)" 'tcp_v4_connect'
	else
		expect_eq "kprobes added while it traces" "$(added "$dir" kprobes tracing)" ""
	fi
	expect_eq "no kprobe left" "$(added "$dir" kprobes after)" ""
	expect_eq "no kprobe event left (kprobe_events)" "$(added "$dir" kprobe_events after)" ""
	if [ "$FAILURES" -gt "$before" ]; then
		show "$dir/tracer.err" "$dir/kprobes.after" "$dir/kprobe_events.after"
	fi
}

# check_bench: the benchmark's results are all there; they go to BENCH_OUT/LINE.
check_bench() {
	TEST_NAME=vm/$KLINE/bench
	expect_eq "benchmark errors" "$(cat "$RESULTS/bench/errors.txt" 2>/dev/null || echo "no results")" ""
	if [ -s "$RESULTS/bench/windows.tsv" ] && [ -f "$RESULTS/bench/meta" ]; then
		ok "benchmark: $(wc -l <"$RESULTS/bench/windows.tsv") windows"
	else
		fail "benchmark: no windows"
	fi
	mkdir -p "$BENCH_OUT/$KLINE"
	cp -r "$RESULTS/bench/." "$BENCH_OUT/$KLINE/"
	echo "version=$KVER" >>"$BENCH_OUT/$KLINE/meta"
}

# check_kernel: every result of the guest that booted the kernel in $KDIR.
check_kernel() {
	local name mode
	check_guest
	if [ -n "$BENCH_OUT" ]; then
		check_bench
		return 0
	fi
	check_tracefs
	for name in $SCENARIOS; do
		for mode in $MODES; do
			TEST_NAME=vm/$KLINE/$mode/$name
			check_results "$RESULTS/$mode/$name" "$SCENARIO_DIR/$name.sh"
		done
		check_modes_agree "$name"
	done
	for mode in $MODES; do
		check_kill9 "$mode"
	done
}

# run_kernel META: one kernel's VM, from the package to the checks.
run_kernel() {
	local t0
	t0=$(now_ms)
	kernel_fetch "$1"
	log "kernel $KVER from $KDIR: $(took "$t0") s"
	KWORK=$WORK/$KLINE
	mkdir -p "$KWORK"
	t0=$(now_ms)
	stage_initramfs
	log "$KLINE: initramfs $(($(stat -c %s "$KWORK/initrd.gz") / 1024)) KiB: $(took "$t0") s"
	t0=$(now_ms)
	boot
	log "$KLINE: VM: $(took "$t0") s"
	collect
	check_kernel
}

main() {
	local t0 meta
	if [ "${SYNSCOPE_SKIP_VM:-0}" != 0 ]; then
		echo "SKIPPED: VM tests (SYNSCOPE_SKIP_VM is set): the fentry and kprobe modes are not tested"
		exit 0
	fi
	trap cleanup EXIT
	WORK=$(mktemp -d /tmp/synscope-vm.XXXXXX)
	check_scenarios
	preflight
	t0=$(now_ms)
	build
	log "make static: $(took "$t0") s"
	log "kernels: $KERNELS"
	if [ -n "$BENCH_OUT" ]; then
		log "benchmark, results in $BENCH_OUT"
	else
		log "modes: $MODES"
		log "scenarios: $SCENARIOS"
	fi
	for meta in $KERNELS; do
		run_kernel "$meta"
	done
	if [ "$FAILURES" -ne 0 ]; then
		log "$FAILURES of $CHECKS checks failed"
		exit 1
	fi
	log "all $CHECKS checks passed"
}

main "$@"
