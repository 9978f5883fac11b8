#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What the environment lacks, each said in one line with a non-zero exit:
# privileges, kernel BTF, tracefs (for --connect-errors), a CSV file that
# cannot be created; cgroup v2 missing is one warning line (DNS through
# AF_PACKET); a disk that fills up stops that file only: tracing goes on,
# stderr, the dashboard's header and the summary say so, and the exit
# status is 1.  Mounts are made in private mount namespaces (unshare -m):
# they go away with the process.
. "$(dirname "$0")/../lib.sh"

TMUX_SOCKET=$WORK/tmux.sock
tm() { tmux -S "$TMUX_SOCKET" "$@"; }
trap 'tm kill-server 2>/dev/null || true; cleanup' EXIT

# expect_env_error NAME REGEX COMMAND...: exit 1 and one line on stderr matching REGEX.
expect_env_error() {
	local name=$1 regex=$2 rc=0 err
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	expect_eq "$name: exit status" "$rc" 1
	expect_eq "$name: one line" "$(wc -l <<<"$err")" 1
	expect_match "$name: says why" "$err" "$regex"
}

# in_mount_ns SCRIPT ARGS...: bash -c SCRIPT in a private mount namespace.
in_mount_ns() { unshare -m --propagation private bash -c "$@"; }

run=("$SYNSCOPE" --dst 198.18.0.0/15 -d 1)

# --- privileges -------------------------------------------------------------
expect_env_error "without CAP_BPF and CAP_PERFMON" 'needs root, .*\(missing: CAP_BPF, CAP_PERFMON\)$' \
	setpriv --bounding-set=-bpf,-perfmon,-sys_admin "${run[@]}"
expect_env_error "without CAP_NET_ADMIN" '\(missing: CAP_NET_ADMIN\)$' \
	setpriv --bounding-set=-net_admin,-sys_admin "${run[@]}"
expect_env_error "as nobody" '\(missing: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN\)$' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "${run[@]}"

# --- no BTF -------------------------------------------------------------------
expect_env_error "no /sys/kernel/btf/vmlinux" '^synscope: no kernel BTF at /sys/kernel/btf/vmlinux' \
	in_mount_ns 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' - "${run[@]}"

# --- tracefs neither mounted nor mountable: /sys/kernel without it, read-only --
# shellcheck disable=SC2016 # expanded by the inner shell
no_tracefs='set -e
	mkdir -p "$W/btf"
	mount --bind /sys/kernel/btf "$W/btf"
	mount -t tmpfs -o mode=755 none /sys/kernel
	mkdir /sys/kernel/btf
	mount --move "$W/btf" /sys/kernel/btf
	mount -o remount,ro /sys/kernel
	exec "$@"'
expect_env_error "--connect-errors without tracefs" \
	'^synscope: tracepoint mode: mounting tracefs at /sys/kernel/tracing \(for --connect-errors\) failed: No such file or directory' \
	env W="$WORK" unshare -m --propagation private bash -c "$no_tracefs" - "${run[@]}" --connect-errors --probe-mode tracepoint
rc=0
env W="$WORK" unshare -m --propagation private bash -c "$no_tracefs" - "${run[@]}" >"$WORK/no_tracefs.out" 2>&1 || rc=$?
expect_eq "without tracefs and without --connect-errors: traces, exit status" "$rc" 0

# --- CSV paths that cannot be created -----------------------------------------
touch "$WORK/file"
expect_env_error "--csv in no directory" "^synscope: --csv: cannot write '/nonexistent/dir/a.csv': No such file or directory$" \
	"${run[@]}" --csv /nonexistent/dir/a.csv
expect_env_error "--summary-csv a directory" "^synscope: --summary-csv: cannot write '$WORK': Is a directory$" \
	"${run[@]}" --summary-csv "$WORK"
expect_env_error "--dns-csv under a file" "^synscope: --dns-csv: cannot write '$WORK/file/d.csv': Not a directory$" \
	"${run[@]}" --dns-csv "$WORK/file/d.csv"

# --- cgroup v2 missing: one warning, DNS through AF_PACKET ----------------------
lab_up
start_listener "$SERVER4" 8080
start_dns --address=/web.test/"$SERVER4"
# ip netns exec mounts a sysfs of its own: no cgroup v2 mounted in there.
TRACER_NS=$NS_C start_tracer --dns-csv "$WORK/dns.csv"
in_client "$CONNBURST" -q -4 web.test 8080 >/dev/null
stop_tracer
expect_eq "no cgroup v2: one warning line" \
	"$(grep -v '^synscope: tracing in ' "$WORK/tracer.err")" \
	"synscope: warning: no cgroup v2 mounted: DNS is captured with AF_PACKET, in this network namespace only"
expect_eq "no cgroup v2: the lookup captured" "$(lookups qname result answers)" "$(printf 'web.test\tok\t%s' "$SERVER4")"
expect_eq "no cgroup v2: the connect named" "$(attempts host outcome)" "$(printf 'web.test\testablished')"

# --- a disk that fills up -------------------------------------------------------
# full_disk_run SYNSCOPE-ARGS...: synscope with --csv on a 16 KiB tmpfs, its
# PID in $WORK/full.pid; the file copied out to $WORK/full.csv at its end.
mkdir -p "$WORK/full"
# shellcheck disable=SC2016 # expanded by the inner shell
full_disk='mount -t tmpfs -o size=16k none "$W/full"
	"$@" --csv "$W/full/attempts.csv" &
	echo $! >"$W/full.pid"
	rc=0
	wait $! || rc=$?
	cp "$W/full/attempts.csv" "$W/full.csv"
	exit $rc'
full_pid() { wait_for_text "$WORK/full.pid" '[0-9]' 10 && cat "$WORK/full.pid"; }

rm -f "$WORK/full.pid"
env W="$WORK" unshare -m --propagation private bash -c "$full_disk" - \
	"$SYNSCOPE" --dst 198.18.0.0/15 --summary-csv "$WORK/summary.csv" >"$WORK/tracer.out" 2>"$WORK/tracer.err" &
TRACER_PID=$!
wait_for_text "$WORK/tracer.err" "tracing in" 60 || fail "synscope did not start on the small disk"
BACKGROUND+=("$(full_pid)")
in_client "$CONNBURST" -q -n 400 -r 400 "$SERVER4" 8080 >/dev/null
sleep 0.3
kill -INT "$(full_pid)"
rc=0
wait "$TRACER_PID" || rc=$?
TRACER_PID=
expect_eq "disk full: exit status" "$rc" 1
expect_eq "disk full: one line on stderr" \
	"$(grep -v '^synscope: tracing in ' "$WORK/tracer.err")" \
	"synscope: --csv: writing '$WORK/full/attempts.csv' failed: No space left on device: no more rows written to it, tracing goes on"
status=$(grep '^csv: ' "$WORK/tracer.out" || true)
expect_match "disk full: the summary says so" "$status" "^csv: --csv '$WORK/full/attempts.csv': No space left on device; [0-9]+ rows written, [0-9]+ not written$"
written=$(sed -E 's/.*; ([0-9]+) rows written.*/\1/' <<<"$status")
lost=$(sed -E 's/.* ([0-9]+) not written$/\1/' <<<"$status")
expect_ge "disk full: rows written before" "$written" 10
expect_ge "disk full: rows not written" "$lost" 10
expect_eq "disk full: written + not written = attempts" "$((written + lost))" 400
expect_eq "disk full: the file holds the rows written" "$(($(wc -l <"$WORK/full.csv") - 1))" "$written"
expect_whole_rows "disk full" "$WORK/full.csv" 19
last=$(tail -n 1 "$WORK/summary.csv" | cut -d, -f1)
expect_eq "disk full: tracing went on (attempts in the last snapshot)" \
	"$(csv_rows "$WORK/summary.csv" snapshot_ts dport attempts | awk -F'\t' -v s="$last" '$1 == s && $2 == 8080 { print $3 }')" 400

# The same with the dashboard: its header says it.
rm -f "$WORK/full.pid" "$WORK/dash.rc"
tm new-session -d -s dash -x 200 -y 50 \
	"env W='$WORK' unshare -m --propagation private bash -c '$full_disk' - '$SYNSCOPE' --dashboard --dst 198.18.0.0/15 -i 0.2 2>'$WORK/dash.err'; echo \$? >'$WORK/dash.rc'; sleep 600"
wait_for_text "$WORK/dash.err" "tracing in" 60 || fail "the dashboard did not start on the small disk"
BACKGROUND+=("$(full_pid)")
in_client "$CONNBURST" -q -n 400 -r 400 "$SERVER4" 8080 >/dev/null
for ((i = 0; i < 50; i++)); do
	tm capture-pane -p -t dash | grep -q -- '--csv: No space left on device: not written' && break
	sleep 0.1
done
expect_match "disk full: the dashboard's header says so" "$(tm capture-pane -p -t dash | grep '^DESTINATIONS' || true)" \
	'^DESTINATIONS .* --csv: No space left on device: not written'
kill -INT "$(full_pid)"
wait_for_text "$WORK/dash.rc" '[0-9]' 20
expect_eq "disk full, dashboard: exit status" "$(cat "$WORK/dash.rc")" 1
expect_match "disk full, dashboard: the summary says so" "$(tm capture-pane -p -J -S -100 -t dash)" \
	"csv: --csv '$WORK/full/attempts.csv': No space left on device; [0-9]+ rows written, [0-9]+ not written"
tm kill-server
finish
