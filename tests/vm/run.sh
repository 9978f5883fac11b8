#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The attach modes this machine refuses (fentry, kprobe), tested in a VM:
# Debian's 6.1 cloud kernel (the Amazon Linux 2023 series) booted by QEMU
# (TCG, no network device) with a busybox initramfs that runs every scenario
# in tests/vm/scenarios once per attach mode and prints the results on the
# serial console.  This script checks them and prints TAP lines like
# tests/lib.sh; it exits non-zero if anything failed or the guest did not
# finish.
#
#   tests/vm/run.sh        builds with `make static` first; not root-only
#
# Environment:
#   SYNSCOPE_SKIP_VM=1        skip (prints SKIPPED, exits 0): machines without QEMU
#   SYNSCOPE_VM_MODES         attach modes to run (default: fentry kprobe tracepoint)
#   SYNSCOPE_VM_SCENARIOS     scenarios to run (default: all of tests/vm/scenarios)
#   SYNSCOPE_VM_TIMEOUT       seconds before the VM is killed (default 600)
#   SYNSCOPE_VM_CACHE         where the kernel package is kept (default .cache/vm)
#   KEEP=1                    keep the work directory (kept anyway on failure)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM=$ROOT/tests/vm
CACHE=${SYNSCOPE_VM_CACHE:-$ROOT/.cache/vm}
TIMEOUT=${SYNSCOPE_VM_TIMEOUT:-600}
MODES=${SYNSCOPE_VM_MODES:-fentry kprobe tracepoint}
# Scenarios: scenarios/NAME.sh (the guest's part; NAME.check.sh is the host's).
all_scenarios() {
	local f
	for f in "$VM"/scenarios/*.sh; do
		[[ $f == *.check.sh ]] || basename "$f" .sh
	done | xargs
}
SCENARIOS=${SYNSCOPE_VM_SCENARIOS:-$(all_scenarios)}
KERNEL_META=linux-image-cloud-amd64

# Kernel modules the scenarios need (built in: IPv6, BPF, cgroups), loaded
# with their dependencies: veth pairs, nftables drop/reject/dynamic sets.
MODULES=(veth nf_tables nft_reject_inet)
# Host programs copied with their shared libraries (ldd): iproute2, nftables.
HOST_PROGRAMS=(ip nstat nft dnsmasq)
# Statically linked programs of this project: built file -> name in the VM.
STATIC_PROGRAMS=(
	"synscope:synscope"
	"build/tools/connburst-static:connburst"
	"build/tools/listener-static:listener"
)

WORK=
VM_PID=
CHECKS=0
FAILURES=0
TEST_NAME=vm

log() { printf '# %s\n' "$*"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# took T0: seconds since now_ms T0, e.g. 1.4
took() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN { printf "%.1f", ms / 1000 }'; }

ok() {
	echo "ok - $TEST_NAME: $*"
	CHECKS=$((CHECKS + 1))
}

fail() {
	echo "not ok - $TEST_NAME: $*"
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
}

# die MESSAGE: a setup failure; the run cannot go on.
die() {
	TEST_NAME=vm
	fail "$*"
	exit 1
}

cleanup() {
	[ -z "$VM_PID" ] || kill "$VM_PID" 2>/dev/null || true # interrupted: timeout stops QEMU
	[ -n "$WORK" ] || return 0
	if { [ "$FAILURES" -eq 0 ] || [ ! -f "$WORK/serial.log" ]; } && [ -z "${KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		log "kept $WORK (serial console: $WORK/serial.log, results: $WORK/results)"
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
		[ -f "$VM/scenarios/$name.sh" ] || die "no scenario $name (tests/vm/scenarios/$name.sh)"
		[ -f "$VM/scenarios/$name.expected" ] ||
			die "scenario $name has no tests/vm/scenarios/$name.expected"
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
	make -C "$ROOT" --no-print-directory static >"$WORK/build.log" 2>&1 ||
		{ sed 's/^/#   /' "$WORK/build.log"; die "make static failed"; }
	for spec in "${STATIC_PROGRAMS[@]}"; do
		file=$ROOT/${spec%%:*}
		is_static "$file" || die "$file is not statically linked"
	done
}

# --- the kernel ---------------------------------------------------------------

# The package linux-image-cloud-amd64 depends on, e.g. linux-image-6.1.0-56-cloud-amd64.
kernel_package() {
	local out
	out=$(apt-cache depends "$KERNEL_META" 2>/dev/null) || true
	awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }' <<<"$out"
}

# kernel_fetch: sets KDIR to the extracted package in the cache (with a
# modules.dep) and KVER to its release; downloads only what is not cached.
kernel_fetch() {
	local pkg version deb
	pkg=$(kernel_package)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		log "apt-cache does not know $KERNEL_META: apt-get update"
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(kernel_package)
	fi
	[ -n "$pkg" ] || die "apt-cache does not know $KERNEL_META (Debian bookworm's main archive): run apt-get update"
	version=$(apt-cache policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }') || true
	if [ -z "$version" ] || [ "$version" == "(none)" ]; then
		die "no installable version of $pkg"
	fi
	deb=$CACHE/${pkg}_${version//:/%3a}_amd64.deb
	KDIR=$CACHE/${pkg}_${version}
	mkdir -p "$CACHE"
	if [ ! -f "$deb" ]; then
		log "downloading $pkg $version"
		(cd "$CACHE" && apt-get download "$pkg=$version" >"$WORK/apt.log" 2>&1) ||
			{ sed 's/^/#   /' "$WORK/apt.log"; die "apt-get download $pkg=$version failed"; }
		find "$CACHE" -maxdepth 1 -name 'linux-image-*' ! -name "${pkg}_${version}*" \
			-exec rm -rf {} + # older kernels
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

stage_initramfs() {
	local spec name
	STAGE=$WORK/initramfs
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
	for name in $SCENARIOS; do
		cp "$VM/scenarios/$name.sh" "$STAGE/etc/vm/scenarios/"
	done
	printf 'MODES="%s"\nSCENARIOS="%s"\n' "$MODES" "$SCENARIOS" >"$STAGE/etc/vm/config"
	(cd "$STAGE" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$WORK/initrd.gz"
}

# --- the VM ---------------------------------------------------------------------

# boot: runs the VM, showing the guest's progress lines; sets VM_STATUS.
boot() {
	SERIAL=$WORK/serial.log
	: >"$SERIAL"
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 \
		-nographic -no-reboot -nic none \
		-kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$WORK/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 rdinit=/init" \
		</dev/null >"$SERIAL" 2>&1 &
	VM_PID=$!
	tail -s 0.2 -n +1 -f --pid="$VM_PID" "$SERIAL" | sed -un 's/\r$//; /^# /p' || true
	VM_STATUS=0
	wait "$VM_PID" || VM_STATUS=$?
	VM_PID=
}

# collect: the guest's result files, from the serial console into $RESULTS.
collect() {
	local line file rest
	RESULTS=$WORK/results
	mkdir -p "$RESULTS"
	while IFS= read -r line; do
		case $line in
		'@@+|'*)
			file=${line#@@+|}
			[[ $file =~ ^[A-Za-z0-9_./-]+$ && $file != *..* ]] || continue
			mkdir -p "$RESULTS/$(dirname "$file")"
			: >"$RESULTS/$file"
			;;
		'@@|'*)
			rest=${line#@@|}
			file=${rest%%|*}
			[ -f "$RESULTS/$file" ] && printf '%s\n' "${rest#*|}" >>"$RESULTS/$file"
			;;
		esac
	done < <(tr -d '\r' <"$SERIAL")
}

# --- checks ---------------------------------------------------------------------

expect_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1 = $3"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

# expect_rows NAME EXPECTED ACTUAL: equal after sorting; shows the difference.
expect_rows() {
	local want got
	want=$(sort <<<"$2")
	got=$(sort <<<"$3")
	if [ "$want" == "$got" ]; then
		ok "$1"
	else
		fail "$1"
		diff <(echo "$want") <(echo "$got") | sed 's/^/#   /' || true
	fi
}

# rows DIR: outcome errno syn_retries daddr dport of every attempt ("-": no errno).
rows() {
	tr -d '\r' <"$1/attempts.csv" | awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ e = $col["errno"]; print $col["outcome"], (e == "" ? "-" : e), $col["syn_retries"],
		  $col["daddr"], $col["dport"] }'
}

# expected NAME: scenarios/NAME.expected with its counts expanded.
expected() {
	awk '!/^#/ && NF == 6 { for (i = 0; i < $1; i++) print $2, $3, $4, $5, $6 }' \
		"$VM/scenarios/$1.expected"
}

counter() { awk -v n="$2" '$1 == n { print $2 }' "$1/nstat.txt"; }

check_guest() {
	TEST_NAME=vm
	if grep -q '^@@end' <(tr -d '\r' <"$SERIAL"); then
		ok "the guest ran to the end"
	else
		fail "the guest did not finish (QEMU status $VM_STATUS$([ "$VM_STATUS" -eq 124 ] && echo ": killed after ${TIMEOUT}s"))"
		tr -d '\r' <"$SERIAL" | grep -v '^@@' | tail -n 30 | sed 's/^/#   /' || true
	fi
	expect_eq "QEMU exit status" "$VM_STATUS" 0
	if [ -s "$RESULTS/boot/modules.txt" ] && ! grep -q FAILED "$RESULTS/boot/modules.txt"; then
		ok "kernel modules loaded: $(grep -c '^loaded' "$RESULTS/boot/modules.txt")"
	else
		fail "kernel modules did not load"
		sed 's/^/#   /' "$RESULTS/boot/modules.txt" 2>/dev/null || true
	fi
	TEST_NAME=vm/check
	expect_eq "synscope --check exit status" "$(cat "$RESULTS/check/status" 2>/dev/null)" 0
	expect_eq "synscope --check picks" \
		"$(sed -n 's/^mode: \([a-z]*\).*/\1/p' "$RESULTS/check/check.txt" 2>/dev/null)" fentry
}

# The tracepoint mode mounts tracefs itself where the system has not (the VM's /init does not).
check_tracefs() {
	[[ " $MODES " == *" tracepoint "* ]] || return 0
	TEST_NAME=vm/tracepoint
	expect_eq "tracefs mounts before synscope ran" "$(wc -l <"$RESULTS/boot/tracefs.before")" 0
	if grep -q ' /sys/kernel/tracing tracefs ' "$RESULTS/end/tracefs.after"; then
		ok "synscope mounted tracefs at /sys/kernel/tracing"
	else
		fail "tracefs is not mounted at /sys/kernel/tracing after the tracepoint mode ran"
	fi
}

# csv_rows FILE COL...: the named columns of every row, tab-separated (no quoted fields).
csv_rows() {
	local file=$1
	shift
	tr -d '\r' <"$file" | awk -F, -v cols="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; n = split(cols, want, " "); next }
		{ line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") $(idx[want[i]]); print line }'
}

# expect_ge NAME ACTUAL MIN
expect_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		ok "$1 = $2 >= $3"
	else
		fail "$1: got '$2', expected at least $3"
	fi
}

# scenarios/NAME.check.sh, if there is one, defines check_scenario DIR: more
# checks of one run's results (bash, here on the host, with the helpers above).
check_extra() {
	local file=$VM/scenarios/$2.check.sh
	[ -f "$file" ] || return 0
	unset -f check_scenario
	# shellcheck source=/dev/null
	source "$file"
	check_scenario "$RESULTS/$1/$2"
}

# check_run MODE SCENARIO: one scenario's results in one mode.
check_run() {
	local dir=$RESULTS/$1/$2 before=$FAILURES acct produced delivered want got
	TEST_NAME=vm/$1/$2
	if [ ! -f "$dir/status" ]; then
		fail "no results from the guest"
		return
	fi
	if [ "$(cat "$dir/status")" != "exit 0" ]; then
		fail "synscope: $(cat "$dir/status")"
		log "synscope stderr:"
		sed 's/^/#   /' "$dir/tracer.err"
		[ -f "$dir/verbose.log" ] && log "synscope -v:" && tail -n 40 "$dir/verbose.log" | sed 's/^/#   /'
		return
	fi
	ok "synscope exit status = 0"
	acct=$(grep '^events:' "$dir/tracer.out" || true)
	produced=$(sed -n 's/^events: produced \([0-9]*\).*/\1/p' <<<"$acct")
	delivered=$(sed -n 's/.*delivered \([0-9]*\).*/\1/p' <<<"$acct")
	if [[ $acct =~ ^events:\ produced\ [0-9]+,\ delivered\ [0-9]+,\ dropped\ 0\  ]] &&
		[ "$produced" == "$delivered" ]; then
		ok "events: produced $produced, delivered $delivered, dropped 0"
	else
		fail "event accounting: '$acct'"
	fi
	acct=$(grep '^dns:' "$dir/tracer.out" || true)
	if [ -n "$acct" ]; then
		if [[ $acct =~ \ lost\ 0\; ]]; then
			ok "dns: lost 0"
		else
			fail "DNS accounting: '$acct'"
		fi
	fi
	want=$(expected "$2")
	got=$(rows "$dir")
	expect_rows "outcome errno syn_retries daddr dport as expected" "$want" "$got"
	expect_eq "SYN retries = TcpExtTCPSynRetrans" \
		"$(awk '{ s += $3 } END { print s + 0 }' <<<"$got")" "$(counter "$dir" TcpExtTCPSynRetrans)"
	expect_eq "attempts that sent a SYN = TcpActiveOpens" \
		"$(awk '$1 != "local_error" && NF { n++ } END { print n + 0 }' <<<"$got")" \
		"$(counter "$dir" TcpActiveOpens)"
	check_extra "$1" "$2"
	if [ "$FAILURES" -gt "$before" ]; then
		log "synscope stderr and stdout:"
		sed 's/^/#   /' "$dir/tracer.err" "$dir/tracer.out"
	fi
}

# check_modes_agree SCENARIO: every mode saw what the first mode saw.
check_modes_agree() {
	local first mode
	read -r first _ <<<"$MODES"
	for mode in $MODES; do
		[ "$mode" != "$first" ] || continue
		TEST_NAME=vm/$1
		if [ ! -f "$RESULTS/$first/$1/attempts.csv" ] || [ ! -f "$RESULTS/$mode/$1/attempts.csv" ]; then
			fail "$mode and $first: no CSV to compare"
			continue
		fi
		expect_rows "$mode reports what $first reports" \
			"$(rows "$RESULTS/$first/$1")" "$(rows "$RESULTS/$mode/$1")"
	done
}

check_all() {
	local name mode
	check_guest
	check_tracefs
	for name in $SCENARIOS; do
		for mode in $MODES; do
			check_run "$mode" "$name"
		done
		check_modes_agree "$name"
	done
}

main() {
	local t0
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
	t0=$(now_ms)
	kernel_fetch
	log "kernel $KVER from $KDIR: $(took "$t0") s"
	t0=$(now_ms)
	stage_initramfs
	log "initramfs $(($(stat -c %s "$WORK/initrd.gz") / 1024)) KiB: $(took "$t0") s"
	log "modes: $MODES"
	log "scenarios: $SCENARIOS"
	t0=$(now_ms)
	boot
	log "VM: $(took "$t0") s"
	collect
	check_all
	if [ "$FAILURES" -ne 0 ]; then
		log "$FAILURES of $CHECKS checks failed"
		exit 1
	fi
	log "all $CHECKS checks passed"
}

main "$@"
