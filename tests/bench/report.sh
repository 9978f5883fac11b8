# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The reporting half of make bench (sourced by run.sh): bench/RESULTS.md from
# the run's windows.tsv and bpf.tsv (see measure.sh), and the history of
# runs of the same source commit, which gives the spread section.

# The issue 9 figures and targets, per tracer and workload.
issue_figure() {
	case $1/$2 in
	synscope/connect) echo "0.865x" ;;
	synscope/getppid) echo "0.77x, 0.72x" ;;
	tcpstates/connect) echo "0.39x" ;;
	tcplife/connect) echo "0.64x" ;;
	tcpstates/getppid | tcplife/getppid) echo "1.0x" ;;
	*) echo "-" ;;
	esac
}

issue_target() {
	case $1/$2 in
	synscope/connect) echo ">= 0.95x (aim 0.97x)" ;;
	synscope/getppid) echo ">= 0.99x" ;;
	*) echo "-" ;;
	esac
}

tracer_title() {
	case $1 in
	synscope) echo "synscope, DNS on, --csv" ;;
	synscope-nodns) echo "synscope --no-dns, --csv" ;;
	hooks) echo "empty programs on synscope's hooks, DNS on (\`benchbpf hooks\`)" ;;
	hooks-nodns) echo "empty programs on synscope's hooks, no DNS (\`benchbpf hooks --no-dns\`)" ;;
	idle) echo "control: loads nothing, wakes 10 times a second (\`benchloop idle\`)" ;;
	*) echo "libbpf-tools $1" ;;
	esac
}

meta() { sed -n "s/^$1=//p" "$RUN_DIR/meta" | head -1; }

# The knobs a run used, kept in its meta file, so its report can be written
# again from the raw data alone (BENCH_REPORT).
KNOBS="ROUNDS WINDOW_S TRACERS WORKLOADS TRACER_ARGS STATS_WINDOWS WORKLOAD_CPU TRACER_CPU
	NS_C BENCH_ADDR BENCH_PORT SOURCE_KEY SOURCE_SUBJECT TRACER_ARGV_synscope
	TRACER_ARGV_synscope_nodns TRACER_ARGV_tcpstates TRACER_ARGV_tcplife FLOOR TEST_RUN_REPEAT
	TRACER_ARGV_floor TRACER_ARGV_idle"

save_knobs() {
	local k t
	SOURCE_KEY=$(source_key)
	# shellcheck disable=SC2086 # a list of paths
	SOURCE_SUBJECT=$(git -C "$ROOT" log -1 --format=%s -- $MEASURED_PATHS 2>/dev/null || true)
	for t in $TRACERS floor; do
		tracer_command "$t"
		printf -v "TRACER_ARGV_${t//-/_}" '%s' "taskset -c $TRACER_CPU ${TRACER_ARGV[*]//$ROOT\//}"
	done
	for k in $KNOBS; do
		echo "knob_$k=${!k:-}"
	done >>"$RUN_DIR/meta"
}

load_knobs() {
	local k
	[ -f "$RUN_DIR/meta" ] || {
		echo "tests/bench/run.sh: BENCH_REPORT: no run in $RUN_DIR" >&2
		exit 2
	}
	for k in $KNOBS; do
		printf -v "$k" '%s' "$(meta "knob_$k")"
	done
}

# write_report: RESULTS.md (and a copy with the raw data), the history line.
# The hand-written blocks and the other scripts' sections of the file are kept.
write_report() {
	mkdir -p "$(dirname "$RESULTS")"
	write_results >"$RESULTS.new"
	merge_results "$RESULTS" "$RESULTS.new" >"$RESULTS.tmp"
	rm -f "$RESULTS.new"
	mv "$RESULTS.tmp" "$RESULTS"
	cp "$RESULTS" "$RUN_DIR/RESULTS.md"
	record_history
	log "results: $RESULTS (raw data: $RUN_DIR)"
	sed -n '/^## Ratios/,/^## BPF/p' "$RESULTS" | sed '$d'
}

# --- what a new report keeps ---------------------------------------------------

# Sections of RESULTS.md that other parts of make bench write (each replaces
# its own with replace_section): a new run.sh report keeps them as they are.
OWNED_SECTIONS=("## Memory soak" "## The fentry and kprobe modes in QEMU (TCG)")
# Hand-written text between these two lines is kept, wherever it is.
KEEP_BEGIN='<!-- kept by make bench: begin -->'
KEEP_END='<!-- kept by make bench: end -->'

# kept_blocks FILE: its hand-written blocks, markers included, each followed
# by an empty line.
kept_blocks() {
	awk -v b="$KEEP_BEGIN" -v e="$KEEP_END" '$0 == b { on = 1 } on { print } on && $0 == e { on = 0; print "" }' "$1"
}

# section_of FILE TITLE: the section TITLE of FILE, to the next section or
# hand-written block; nothing if it has none.
section_of() {
	awk -v t="$2" -v b="$KEEP_BEGIN" '$0 == t { on = 1; print; next } on && (/^## / || $0 == b) { on = 0 } on' "$1"
}

# trim: the text without its trailing empty lines.
trim() { awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--; for (i = 1; i <= n; i++) print l[i] }'; }

# merge_results OLD NEW: NEW (a fresh report) with OLD's hand-written blocks
# after NEW's title paragraph (before its first section) and OLD's owned
# sections at the end.  OLD may not exist.
merge_results() {
	local title
	if [ ! -f "$1" ]; then
		cat "$2"
		return 0
	fi
	{
		awk '/^## / { exit } { print }' "$2"
		kept_blocks "$1"
		awk '/^## / { on = 1 } on' "$2" | trim
		for title in "${OWNED_SECTIONS[@]}"; do
			[ -z "$(section_of "$1" "$title")" ] || printf '\n%s\n' "$(section_of "$1" "$title" | trim)"
		done
	}
}

# replace_section FILE TITLE CONTENT_FILE: FILE with its section TITLE
# replaced by CONTENT_FILE (which starts with the TITLE line), or with
# CONTENT_FILE added at the end; hand-written blocks stay where they are.
replace_section() {
	local tmp=$1.section.tmp
	{
		if [ -f "$1" ]; then
			awk -v t="$2" -v b="$KEEP_BEGIN" -v e="$KEEP_END" '
				$0 == b { kept = 1 } kept { print; if ($0 == e) kept = 0; next }
				$0 == t { skip = 1; next } skip && (/^## / || $0 == b) { skip = 0 } !skip' "$1" | trim
			echo
		fi
		trim <"$3"
	} >"$tmp"
	mv "$tmp" "$1"
}

# source_key: the last commit that changed what is measured (the tracer,
# the tools, the bench) and the knobs that change it; runs with one key are
# the same experiment, and their figures make the spread table.
MEASURED_PATHS="bpf include user tools tests/bench Makefile"
source_key() {
	local commit dirty knobs
	# shellcheck disable=SC2086 # a list of paths
	commit=$(git -C "$ROOT" log -1 --format=%h -- $MEASURED_PATHS 2>/dev/null || echo unknown)
	# shellcheck disable=SC2086
	dirty=$(git -C "$ROOT" status --porcelain -- $MEASURED_PATHS 2>/dev/null | head -1)
	knobs=$(printf '%s|' "$TRACERS" "$WORKLOADS" "$TRACER_ARGS" "$WINDOW_S" "$ROUNDS" | cksum | cut -d' ' -f1)
	echo "$commit${dirty:+-dirty}-$knobs"
}

# ratios [cpu]: "workload tracer kind median min max n_ok n_bad ratios..."
# from windows.tsv; a traced window's ratio is its rate over the mean of the
# untraced windows around it (the one before, for the stats windows).  With
# "cpu", the rate is operations per CPU-second of the workload's own
# processes (getrusage) instead of per second of the window: a window whose
# vCPU was taken away keeps its ops per CPU-second, one whose operations
# cost more CPU does not.
ratios() {
	awk -F'\t' -v metric="${1:-}" '
		function median(list, n,   i, j, t, a) {
			split(list, a, " ")
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		{ seq[NR] = $1; wl[NR] = $2; kind[NR] = $3; tr[NR] = $4; verdict[NR] = $14
		  rate[NR] = metric != "cpu" ? $8 : ($16 > 0 ? $6 / $16 : 0) }
		END {
			for (i = 1; i <= NR; i++) {
				if (kind[i] != "ratio" && kind[i] != "stats") continue
				p = 0; q = 0
				for (j = i - 1; j >= 1 && !p; j--) if (wl[j] == wl[i] && kind[j] == "base") p = rate[j]
				for (j = i + 1; j <= NR && !q; j++) if (wl[j] == wl[i] && kind[j] == "base") q = rate[j]
				if (!p || (metric == "cpu" && !rate[i])) continue
				r = rate[i] / (q ? (p + q) / 2 : p)
				k = wl[i] " " tr[i] " " kind[i]
				if (!(k in n)) order[++nk] = k
				all[k] = all[k] sprintf(" %.3f", r)
				if (verdict[i] == "ok") { ok[k] = ok[k] " " r; n[k]++ } else { n[k] += 0; bad[k]++ }
			}
			for (o = 1; o <= nk; o++) {
				k = order[o]
				if (n[k]) { m = median(ok[k], n[k]); split(ok[k], a, " ") }
				else { m = median(all[k], bad[k]); split(all[k], a, " ") }
				lo = hi = a[1]
				for (x in a) { if (a[x] + 0 < lo + 0) lo = a[x]; if (a[x] + 0 > hi + 0) hi = a[x] }
				printf "%s %.3f %.3f %.3f %d %d%s\n", k, m, lo, hi, n[k], bad[k] + 0, all[k]
			}
		}' "$RUN_DIR/windows.tsv"
}

# ratio_cell WORKLOAD TRACER KIND [RATIOS]: "0.87x (0.85-0.89, 5 windows)".
ratio_cell() {
	awk -v w="$1" -v t="$2" -v k="$3" '$1 == w && $2 == t && $3 == k {
		cell = sprintf("%.3fx (%.3f-%.3f, %d windows)", $4, $5, $6, $7)
		if ($8 && !$7) cell = sprintf("%.3fx, every window lost events or miscounted", $4)
		else if ($8) cell = cell sprintf(", %d more lost events or miscounted", $8)
		print cell; found = 1 } END { if (!found) print "-" }' <<<"${4:-$RATIOS}"
}

# control_line: what the control tracer's windows say about the method, if it ran.
control_line() {
	[[ " $TRACERS " == *" idle "* ]] || return 0
	echo
	echo "The control (\`benchloop idle\` on the tracer's CPU: it loads nothing and wakes 10 times a"
	echo "second, as each tracer here does when nothing happens) is started and stopped like a tracer:"
	echo "connect loop $(ratio_cell connect idle ratio), getppid loop $(ratio_cell getppid idle ratio)."
	echo "That is what the method itself does to a window; a tracer's ratio at or above the control's"
	echo "shows no cost this machine can measure."
}

# median_rate WORKLOAD: the median rate of its untraced windows.
median_rate() {
	awk -F'\t' -v w="$1" '$2 == w && $3 == "base" { print $8 }' "$RUN_DIR/windows.tsv" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# median_col WORKLOAD KIND COL: the median of a windows.tsv column.
median_col() {
	awk -F'\t' -v w="$1" -v k="$2" -v c="$3" '$2 == w && $3 == k { print $c }' "$RUN_DIR/windows.tsv" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

# other_holders_seen: the other processes that held BPF programs during a window.
other_holders_seen() {
	local seen
	seen=$(awk -F'\t' '$13 != "-" { print $13 }' "$RUN_DIR/windows.tsv" | tr ',' '\n' | sort -u | tr '\n' ' ')
	echo "${seen:-none}"
}

# median_cpu_share WORKLOAD KIND: the workload's CPU-seconds per second of window.
median_cpu_share() {
	awk -F'\t' -v w="$1" -v k="$2" '$2 == w && $3 == k && $16 > 0 { printf "%.3f\n", $16 / $7 }' "$RUN_DIR/windows.tsv" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

# bad_windows [synscope]: the traced windows (synscope's only) that lost
# events or miscounted.
bad_windows() {
	awk -F'\t' -v only="${1:-}" '($3 == "ratio" || $3 == "stats") && $14 != "ok" &&
		(only == "" || $4 ~ "^" only)' "$RUN_DIR/windows.tsv"
}

ratio_table() {
	local t
	echo "| tracer | connect loop | getppid loop | issue 9 measured (connect; getppid) | issue 9 target (connect; getppid) |"
	echo "|---|---|---|---|---|"
	for t in $TRACERS; do
		local base=${t%-nodns}
		local fig="-" tgt="-"
		if [ "$t" = "$base" ]; then
			fig="$(issue_figure "$t" connect); $(issue_figure "$t" getppid)"
			tgt="$(issue_target "$t" connect); $(issue_target "$t" getppid)"
		fi
		echo "| $(tracer_title "$t") | $(ratio_cell connect "$t" ratio) | $(ratio_cell getppid "$t" ratio) | $fig | $tgt |"
	done
}

# cpu_ratio_table: the same windows, operations per CPU-second of the workload.
cpu_ratio_table() {
	local t cpu
	cpu=$(ratios cpu)
	echo "| tracer | connect loop, connects per CPU-second | getppid loop, calls per CPU-second |"
	echo "|---|---|---|"
	for t in $TRACERS; do
		echo "| $(tracer_title "$t") | $(ratio_cell connect "$t" ratio "$cpu") | $(ratio_cell getppid "$t" ratio "$cpu") |"
	done
}

# bpf_table WORKLOAD UNIT: per tracer and program, run counts and time per
# operation; beside each, the floor of bpf_stats for its program type (the
# floor window's programs, which return at once, where there was one) and
# what the program costs above it.
bpf_table() {
	local unit=$2
	echo "| tracer | program (type) | runs per $unit | ns per run | ns per $unit | floor ns per run (same type) | ns per $unit above the floor | recursion misses |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F'\t' -v w="$1" -v tracers="$TRACERS" '
		$1 == w && $2 == "floor" { fcnt[$5] += $7; fns[$5] += $8; next }
		$1 == w { k = $2 SUBSEP $6 " (" $5 ")"; if (!(k in cnt)) names[$2] = names[$2] "\t" $6 " (" $5 ")"
			  cnt[k] += $7; ns[k] += $8; miss[k] += $9; type[k] = $5
			  if (!(($2, $3) in seen)) { seen[$2, $3] = 1; ops[$2] += $10 } }
		function floor_of(t) { return (t in fcnt) && fcnt[t] ? fns[t] / fcnt[t] : -1 }
		END {
			nt = split(tracers, t, " ")
			for (i = 1; i <= nt; i++) {
				if (!ops[t[i]]) continue
				np = split(substr(names[t[i]], 2), p, "\t"); tc = tn = tm = ta = 0; partial = 0; some = 0
				for (j = 1; j <= np; j++) {
					k = t[i] SUBSEP p[j]; f = floor_of(type[k])
					above = f < 0 ? "-" : sprintf("%.0f", (ns[k] - f * cnt[k]) / ops[t[i]])
					if (f < 0 && cnt[k]) partial = 1; if (f >= 0 && cnt[k]) some = 1
					printf "| %s | %s | %.2f | %s | %.0f | %s | %s | %d |\n", t[i], p[j], cnt[k] / ops[t[i]],
						cnt[k] ? sprintf("%.0f", ns[k] / cnt[k]) : "-", ns[k] / ops[t[i]],
						f < 0 ? "-" : sprintf("%.0f", f), above, miss[k]
					tc += cnt[k]; tn += ns[k]; tm += miss[k]; if (f >= 0) ta += ns[k] - f * cnt[k]
				}
				printf "| %s | **all** | %.2f | %s | **%.0f** | | %s | %d |\n", t[i], tc / ops[t[i]],
					tc ? sprintf("%.0f", tn / tc) : "-", tn / ops[t[i]],
					some ? sprintf("**%.0f**%s", ta / ops[t[i]], partial ? " (of the programs with a floor)" : "") : "-", tm
			}
		}' "$RUN_DIR/bpf.tsv"
}

# floor_line WORKLOAD UNIT: the floor window's programs, ns per run.
floor_line() {
	awk -F'\t' -v w="$1" -v u="$2" '$1 == w && $2 == "floor" { if (!(($3) in s)) { s[$3] = 1; ops += $10 }
			cnt[$6 " (" $5 ")"] += $7; ns[$6 " (" $5 ")"] += $8 }
		END { for (k in cnt) { printf "%s%s: %s ns per run, %.2f runs per %s", sep, k,
				cnt[k] ? sprintf("%.0f", ns[k] / cnt[k]) : "-", ops ? cnt[k] / ops : 0, u; sep = "; " }
			if (!length(cnt)) printf "not measured (BENCH_FLOOR=0)" }' "$RUN_DIR/bpf.tsv"
}

# test_run_table: BPF_PROG_TEST_RUN, median ns per run over the trials, per
# program and packet, and the DNS programs above the empty one.
test_run_table() {
	[ -s "$RUN_DIR/test_run.txt" ] || { echo "Not measured (BENCH_TEST_RUN_REPEAT=0)."; return 0; }
	echo "| program | packet | runs per batch | trials | ns per run: median (range) | above the empty program (medians) |"
	echo "|---|---|---|---|---|---|"
	awk '$1 == "test_run" { k = $2 " " $3; if (!(k in n)) order[++nk] = k; v[k, ++n[k]] = $5; rep[k] = $4 }
		function median(k,   i, j, t, a, m) {
			m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
			for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			lo[k] = a[1]; hi[k] = a[m]
			return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		}
		END {
			for (o = 1; o <= nk; o++) med[order[o]] = median(order[o])
			for (o = 1; o <= nk; o++) {
				k = order[o]; split(k, kp, " "); e = "hooks_dns_egress " kp[2]
				printf "| %s | %s | %d | %d | %g (%d-%d) | %s |\n", kp[1], kp[2], rep[k], n[k], med[k], lo[k], hi[k],
					kp[1] == "hooks_dns_egress" || !(e in med) ? "-" : sprintf("%g", med[k] - med[e])
			}
		}' "$RUN_DIR/test_run.txt"
}

# dns_per_packet: the DNS programs' (cgroup_skb, socket_filter) ns per run in
# the connect loop, which sends no DNS: the cost per non-DNS packet.
dns_per_packet() {
	awk -F'\t' '$1 == "connect" && $2 == "synscope" && ($5 == "cgroup_skb" || $5 == "socket_filter") {
		c += $7; n += $8 } END { if (c) printf "%.0f ns per packet (%d runs)", n / c, c; else print "-" }' \
		"$RUN_DIR/bpf.tsv"
}

# cpu_per_million TRACER: synscope's CPU seconds per million attempts, over
# the connect windows that accounted for every event.
cpu_per_million() {
	awk -F'\t' -v t="$1" '$2 == "connect" && $4 == t && $14 == "ok" {
		cpu += $9; ops += $6; r = $9 * 1e6 / $6; n++
		if (n == 1 || r < lo) lo = r; if (n == 1 || r > hi) hi = r }
		END { if (ops) printf "%.2f CPU-s per million attempts (windows %.2f-%.2f; %.2f s for %d attempts in %d windows)",
			cpu * 1e6 / ops, lo, hi, cpu, ops, n; else print "-" }' "$RUN_DIR/windows.tsv"
}

idle_cpu() {
	awk -F'\t' -v t="$1" '$2 == "getppid" && $4 == t && $9 != "-" { cpu += $9; s += $7 }
		END { if (s) printf "%.3f CPU-s per second", cpu / s; else print "-" }' "$RUN_DIR/windows.tsv"
}

# bpf_call_table: per tracer, what its programs ran during the getppid loop.
bpf_call_table() {
	echo "| tracer | getppid calls | program runs | BPF ns per call |"
	echo "|---|---|---|---|"
	awk -F'\t' -v tracers="$TRACERS" '$1 == "getppid" { runs[$2] += $7; ns[$2] += $8
			if (!(($2, $3) in seen)) { seen[$2, $3] = 1; ops[$2] += $10 } }
		END { nt = split(tracers, t, " ")
			for (i = 1; i <= nt; i++) if (ops[t[i]])
				printf "| %s | %d | %d | %.4f |\n", t[i], ops[t[i]], runs[t[i]], ns[t[i]] / ops[t[i]] }' \
		"$RUN_DIR/bpf.tsv"
}

accounting_table() {
	echo "| # | workload | window | tracer | ops | verdict | accounting |"
	echo "|---|---|---|---|---|---|---|"
	awk -F'\t' '$3 == "ratio" || $3 == "stats" { printf "| %s | %s | %s | %s | %s | %s | %s |\n",
		$1, $2, $3, $4, $6, ($14 == "ok" ? "ok" : "**" $14 "**"), $15 }' "$RUN_DIR/windows.tsv"
}

windows_table() {
	echo "| # | workload | window | tracer | round | ops/s | workload CPU-s | tracer CPU-s | CPU$WORKLOAD_CPU busy % | CPU$WORKLOAD_CPU steal % | CPU$TRACER_CPU busy % | bpf_stats | other BPF holders |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n",
		$1, $2, $3, $4, $5, $8, $16, $9, $10, $17, $11, $12, $13 }' "$RUN_DIR/windows.tsv"
}

# history_line: this run's headline figures, one line of the history file.
history_line() {
	local t w line
	line="$(meta start) | $(meta load_before) -> $(meta load_after)"
	for t in $TRACERS; do
		for w in $WORKLOADS; do
			line+=" | $(awk -v w="$w" -v t="$t" '$1 == w && $2 == t && $3 == "ratio" { printf "%.3fx", $4 }' <<<"$RATIOS")"
		done
	done
	line+=" | $(bpf_per_op connect synscope) | $(cpu_per_million synscope | cut -d' ' -f1)"
	echo "$line | $(bad_windows synscope | wc -l) + $(($(bad_windows | wc -l) - $(bad_windows synscope | wc -l)))"
}

# bpf_per_op WORKLOAD TRACER: all its programs' ns per operation.
bpf_per_op() {
	awk -F'\t' -v w="$1" -v t="$2" '$1 == w && $2 == t { ns += $8; if (!(($3) in seen)) { seen[$3] = 1; ops += $10 } }
		END { if (ops) printf "%.0f", ns / ops; else print "-" }' "$RUN_DIR/bpf.tsv"
}

# record_history: this run's line in the history of its source key, once.
record_history() {
	local file=$OUT/history/$SOURCE_KEY.txt
	mkdir -p "$OUT/history"
	grep -qF "$(meta start) |" "$file" 2>/dev/null || history_line >>"$file"
}

spread_table() {
	local t w head="| run (UTC) | load before -> after |" rule="|---|---|"
	for t in $TRACERS; do
		for w in $WORKLOADS; do
			head+=" $t $w |"
			rule+="---|"
		done
	done
	echo "$head synscope BPF ns per connect | synscope CPU-s per million | windows with loss: synscope + peers |"
	echo "$rule---|---|---|"
	{
		grep -vF "$(meta start) |" "$OUT/history/$SOURCE_KEY.txt" 2>/dev/null || true
		history_line
	} | sort | sed 's/^/| /; s/$/ |/'
}

write_results() {
	local w lockdown
	RATIOS=$(ratios)
	lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null || echo "not shown")
	cat <<EOF
# synscope benchmark results

Written by \`make bench\` (\`tests/bench/run.sh\`); do not edit by hand but between the lines
\`$KEEP_BEGIN\` and \`$KEEP_END\`: \`make bench\` keeps
those blocks. Run it as root under the shared lock: \`flock -o /tmp/synscope-heavy.lock make bench\`.

## Machine and run

- Date: $(meta start) to $(meta end) ($(($(meta end_s) - $(meta start_s))) s)
- Source: commit ${SOURCE_KEY%%-*} ($SOURCE_SUBJECT)${TRACER_ARGS:+; BENCH_TRACER_ARGS: $TRACER_ARGS}
- Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(systemd-detect-virt --vm 2>/dev/null || echo "no hypervisor named") VM
- Kernel: $(uname -r) ($(uname -v)); lockdown: $lockdown
- synscope mode (what this machine picks, no --probe-mode): $(cat "$RUN_DIR/mode" 2>/dev/null || echo "not run")
- Load: the other helpers build and test on the same CPUs. Load average (1, 5, 15 min) before $(meta load_before), after $(meta load_after).
  Untraced windows: CPU$WORKLOAD_CPU (the workload's) busy median $(median_col connect base 10)% (connect) and $(median_col getppid base 10)% (getppid);
  CPU$TRACER_CPU (the tracer's, idle but for others' work) busy median $(median_col connect base 11)% and $(median_col getppid base 11)%.
- Other processes holding BPF programs: before the run $(meta other_bpf_before); during the windows: $(other_holders_seen).
  BPF programs loaded on the host before the run: $(meta host_progs_before).
- kernel.bpf_stats_enabled: $(meta bpf_stats_before) before the run; the bench sets it to 0 but in the stats windows and
  restores $(meta bpf_stats_before) at exit. Read at the end of each window: $(awk -F'\t' '$3 == "ratio" || $3 == "base" { n[$12]++ } END { for (v in n) printf "%s in %d ratio and untraced windows; ", v, n[v] }' "$RUN_DIR/windows.tsv" | sed 's/; $//').
- Windows: $WINDOW_S s each; $ROUNDS traced windows per tracer and workload, each between two untraced windows
  (round-robin over the tracers, rotating their order), plus $STATS_WINDOWS per tracer and workload with
  kernel.bpf_stats_enabled=1 (for the BPF run time only)$([ "${FLOOR:-0}" = 0 ] || echo ", and one more per workload with the floor
  programs of \`benchbpf floor\` (see the BPF section)"). A ratio is the traced window's rate over the
  mean of the untraced windows on either side; figures are medians (range, windows) over the windows that
  accounted for every event.

## Commands

- Namespace: \`ip netns add $NS_C\`; \`lo\` up with $BENCH_ADDR/32; in it \`net.ipv4.ip_local_port_range="1024 65535"\`,
  \`net.ipv4.tcp_tw_reuse=1\` and, where the kernel has it, \`net.ipv4.tcp_tw_reuse_delay=1\` (the client closes
  first, so its ports wait in TIME_WAIT: reused at once, the same in every window), \`net.core.somaxconn=65535\`.
  The connect loop runs over that namespace's loopback device, client and acceptor both in it.
- Workloads (\`tools/benchloop\`), pinned to CPU $WORKLOAD_CPU:
  - \`taskset -c $WORKLOAD_CPU ip netns exec $NS_C build/tools/benchloop connect $BENCH_ADDR $BENCH_PORT -d $WINDOW_S\`
    (connect, write 1 byte, close; a forked acceptor accepts, reads to EOF, closes; figure: connects per second)
  - \`taskset -c $WORKLOAD_CPU ip netns exec $NS_C build/tools/benchloop getppid -d $WINDOW_S\` (figure: calls per second)
- Tracers, pinned to CPU $TRACER_CPU, started for each window and stopped with SIGINT after it, output to files
  in $(meta trace_dir) (tmpfs where /dev/shm is one: no disk writeback spilling into the next window):
$(for t in $TRACERS; do k=TRACER_ARGV_${t//-/_}; echo "  - $t: \`${!k} >FILE 2>FILE\`"; done)

## Ratios (traced / untraced)

$(ratio_table)

Untraced: $(median_rate connect) connects per second, $(median_rate getppid) getppid calls per second (medians).
$(control_line)

The same windows with the rate taken per CPU-second of the workload's own processes (benchloop's
getrusage, its acceptor included) instead of per second of the window: what an operation costs
the CPU that ran it. A window in which the workload's vCPU was taken away (steal, another
process on CPU $WORKLOAD_CPU) has a low rate but the same cost per operation; an operation that
tracing makes more expensive costs more CPU in every window. For the getppid loop, where
synscope runs no program at all (see the BPF section), a rate ratio below 1 with a CPU ratio of
1 is noise, not cost; both below 1 in every window would be a cost (or a vCPU running slower
while traced, which no figure here tells from one).

$(cpu_ratio_table)

The workload's own processes (getrusage of benchloop and its acceptor) had a median of
$(median_cpu_share connect base) (connect) and $(median_cpu_share getppid base) (getppid) CPU-seconds per second of window in the
untraced windows, $(median_cpu_share connect ratio) and $(median_cpu_share getppid ratio) in the traced ones, and CPU $WORKLOAD_CPU's steal time
(the hypervisor running something else) was a median of $(median_col connect base 17)% and $(median_col getppid base 17)% in the untraced
windows. Where the untraced connect windows got less CPU than the traced ones, something else ran on
CPU $WORKLOAD_CPU while nothing traced (its cause is not known yet; the tracers write to tmpfs, so it is
not their output's writeback), and that favours the traced windows by the difference. Rates that
swing between neighbouring untraced windows (see the last table) do so although the workload had
its CPU: the vCPU itself runs faster or slower (the host, and the other helpers' work on the other
vCPU sharing caches and memory). Hence the alternation, the medians and the spread below.

## BPF run time (kernel.bpf_stats_enabled, the stats windows)

Every program the tracer process holds (found through its descriptors, whatever the
programs are called), its runs and run time in the window, per connection of the connect loop.
Issue 9 measured (tracepoint mode): 5.4 us per connection: \`inet_sock_set_state\` 8 runs x 307 ns,
the DNS cgroup_skb programs 2 x 9 runs x 130 ns, \`sys_enter_connect\` 410 ns, \`sys_exit_connect\` 280 ns.
Targets: <= 1500 ns per connection in all; a non-DNS packet costs the DNS programs <= 30 ns.

$(bpf_table connect connection)

The floor of bpf_stats on this machine: in a stats window of their own, programs that return at
once on the same hooks (four of \`tests/bench/hooks.bpf.c\`, one of each type: \`${TRACER_ARGV_floor:-}\`, the
connect loop as above): $(floor_line connect connection).
Every run of a program under bpf_stats pays this (two clock reads and the call); the column
"above the floor" takes it away, per program type (the tp_btf floor is inet_sock_set_state's,
applied to every tp_btf program). The floor comes from a window of its own, so it moves with the
vCPU's speed as every window's figures do (some 10%): a program whose ns per run is below it
(negative above the floor) costs no more than the floor, within that noise; the test runs below
measure the DNS programs without bpf_stats.

The DNS programs in the connect loop, which sends no DNS packet (each run is a non-DNS packet):
$(dns_per_packet).

Their early exit without bpf_stats: \`BPF_PROG_TEST_RUN\` of synscope's own \`build/dns.bpf.o\`
(\`build/tests/benchbpf test-run build/dns.bpf.o ${TEST_RUN_REPEAT:-}\`, pinned to CPU $WORKLOAD_CPU, after
the windows): the kernel reads the clock once per batch of runs, so its ns per run is the program
plus the test harness's loop, which the empty cgroup_skb program (\`hooks_dns_egress\`) measures alone.
Packets with an Ethernet header as the test run takes them (the program sees the IP header on), no
DNS: TCP to port 8080 with 32 bytes of payload, UDP to port 123. Target: <= 30 ns per non-DNS packet.

$(test_run_table)

The getppid loop (a program run there is another process's connect or packet: the cost of the
syscall tracepoints to unrelated work is the slow path every syscall takes while one is attached,
not a program run):

$(bpf_call_table)

## Userspace CPU (synscope's process, /proc/PID/stat utime + stime)

From just before the workload starts to 0.3 s after it ends (the tracer has read everything by then),
with the CSV and the text output on. Target: <= 2 CPU-s per million attempts.

$(for t in $TRACERS; do case $t in synscope*) echo "- $t: $(cpu_per_million "$t"); while idle (getppid loop): $(idle_cpu "$t")" ;; esac; done)

## Event accounting of every traced window

synscope: exit status, the \`events:\` line (produced, delivered, dropped, expired), the \`dns:\` line's lost
packets, CSV rows and established rows against the workload's connects (\`want\`) and the namespace's
TcpActiveOpens (\`opens\`). Peers: exit status, output lines, events they report lost.

$(if [ "$(bad_windows | wc -l)" -gt 0 ]; then echo "**$(bad_windows | wc -l) windows lost events or miscounted ($(bad_windows synscope | wc -l) of them synscope's); they are left out of the medians** (a tracer all of whose windows lost events gets the median of all, marked so)."; else echo "Every traced window accounted for every event."; fi)

$(accounting_table)

## Spread: every run of this source commit with these knobs

$(spread_table)

## Every window

$(windows_table)
EOF
}
