#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Two synscope instances side by side see the same traffic the same way:
# the same per-attempt and DNS rows.  The times in them are each instance's
# own: its programs stamp the connect, the handshake and the DNS packets
# when they run, and the two instances' programs run one after the other on
# the same tracepoint (and the conversion to wall-clock time is each one's
# own measure of the clocks' offset).  So ts_iso, ts_ns, latency_us,
# dns_age_us and dns_latency_us may differ, by a few microseconds; every
# other column must be identical.  Neither disturbs the other: the second
# keeps tracing, DNS included, after the first detached; nothing is
# pinned, nothing of either stays loaded.
. "$(dirname "$0")/../lib.sh"

# Programs of synscope loaded now (its BPF objects' program names).
our_progs() {
	bpftool -j prog show | jq '[.[] | select(.name // "" | test("^(btf_|tp_|raw_|cgroup_connect|cgroup_getsock|dns_|takeover)"))] | length'
}

# Columns stamped by each instance's own programs.
TIMES="ts_iso ts_ns latency_us dns_age_us dns_latency_us"

# compare NAME FILE-A FILE-B MIN-ROWS: the same rows but for TIMES, and each
# stamp apart by less than 50 us.
compare() {
	local name=$1 a=$2 b=$3 cols times t worst
	cols=$(head -n 1 "$a" | tr -d '\r' | tr ',' '\n' | grep -vxF -f <(tr ' ' '\n' <<<"$TIMES") | xargs)
	times=$(head -n 1 "$a" | tr -d '\r' | tr ',' '\n' | grep -xF -f <(tr ' ' '\n' <<<"$TIMES") |
		grep -v ts_iso | xargs)
	expect_ge "$name: rows" "$(($(wc -l <"$a") - 1))" "$4"
	# shellcheck disable=SC2086
	expect_rows "$name: identical but for the times" "$(csv_rows "$a" $cols)" "$(csv_rows "$b" $cols)"
	for t in $times; do
		# Rows in the same order in both: by the columns that are the same.
		# shellcheck disable=SC2086
		worst=$(paste <(csv_rows "$a" $cols $t | sort | awk -F'\t' '{ print $NF }') \
			<(csv_rows "$b" $cols $t | sort | awk -F'\t' '{ print $NF }') |
			awk -v ns="$([ "$t" = ts_ns ] && echo 1 || echo 1000)" '
				{ d = ($2 - $1) * ns; if (d < 0) d = -d; if (d > w) w = d } END { print w + 0 }')
		log "$name: $t: B and A at most $worst ns apart"
		expect_match "$name: $t within 50 us" "$worst" '^[0-9]{1,4}$|^[1-4][0-9]{4}$'
	done
}

bpffs_before=$(find /sys/fs/bpf -mindepth 1 2>/dev/null | sort)
progs_before=$(our_progs)
lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport 8091 drop'
start_listener "$SERVER4" 8090
start_listener "$SERVER6" 8090
start_dns --address="/two.test/$SERVER4" --address=/nx2.test/

# B by hand, then A as every test starts it.
"$SYNSCOPE" --dst 198.18.0.0/15 --dst 2001:2::/48 --csv "$WORK/b.csv" --dns-csv "$WORK/b-dns.csv" \
	>"$WORK/b.out" 2>"$WORK/b.err" &
B_PID=$!
BACKGROUND+=("$B_PID")
wait_for_text "$WORK/b.err" "tracing in" 60 || fail "the second instance did not start"
one=$(($(our_progs) - progs_before))
start_tracer --dns-csv "$WORK/dns.csv"
expect_ge "programs of one instance" "$one" 2
expect_eq "programs of two: twice as many, none shared" "$(($(our_progs) - progs_before))" $((2 * one))

in_client "$CONNBURST" -q -4 -n 30 -c 10 two.test 8090 >/dev/null
in_client "$CONNBURST" -q -n 10 -c 10 "$SERVER6" 8090 >/dev/null
in_client "$CONNBURST" -q -n 5 "$SERVER4" 8092 >/dev/null || true
in_client "$CONNBURST" -q -n 2 -c 2 "$SERVER4" 8091 >/dev/null || true
in_client "$CONNBURST" -q -4 -n 1 nx2.test 8090 >/dev/null 2>&1 || true
stop_tracer
cp "$WORK/b.csv" "$WORK/b-while-a.csv"
cp "$WORK/b-dns.csv" "$WORK/b-dns-while-a.csv"
compare "attempts" "$WORK/attempts.csv" "$WORK/b-while-a.csv" 47
compare "lookups" "$WORK/dns.csv" "$WORK/b-dns-while-a.csv" 2
expect_eq "A's outcomes" "$(attempts outcome | sort | uniq -c | xargs)" \
	"40 established 5 refused 2 timeout"

# A is gone: B still sees connects and lookups.
in_client "$CONNBURST" -q -4 -n 7 two.test 8090 >/dev/null
sleep 0.3
kill -INT "$B_PID"
rc=0
wait "$B_PID" || rc=$?
expect_eq "B's exit status" "$rc" 0
expect_eq "B after A left: its attempts" \
	"$(($(wc -l <"$WORK/b.csv") - $(wc -l <"$WORK/b-while-a.csv")))" 7
expect_ge "B after A left: its lookups" \
	"$(($(wc -l <"$WORK/b-dns.csv") - $(wc -l <"$WORK/b-dns-while-a.csv")))" 1
expect_match "B dropped nothing" "$(grep '^events:' "$WORK/b.out")" 'dropped 0 '
expect_eq "nothing pinned" "$(find /sys/fs/bpf -mindepth 1 2>/dev/null | sort)" "$bpffs_before"
# The kernel frees programs a little after their process exits.
for ((i = 0; i < 50; i++)); do
	[ "$(our_progs)" -le "$progs_before" ] && break
	sleep 0.1
done
expect_eq "no program of either left" "$(our_progs)" "$progs_before"
finish
