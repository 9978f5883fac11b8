# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# For the metrics tests, after lib.sh: synscope instances standing in for
# load-test hosts (each its own CSV and --metrics port), a Prometheus server
# scraping them with the fleet rules, and queries of its HTTP API.
# Everything runs on loopback and is killed on exit by lib.sh's cleanup
# (BACKGROUND); its files are in $WORK.

declare -A INSTANCE_PID=()
PROM_PORT=
# The server's limits (user/metrics_server.h).
METRICS_PER_IP=$(sed -n 's/^#define METRICS_MAX_PER_IP[[:space:]]*\([0-9]*\)/\1/p' "$ROOT/user/metrics_server.h")
METRICS_TIMEOUT_S=$(sed -n 's/^#define METRICS_IDLE_TIMEOUT_S[[:space:]]*\([0-9]*\)/\1/p' "$ROOT/user/metrics_server.h")

# A TCP port free on loopback now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_instance NAME [synscope args]: $WORK/NAME.csv, NAME.out, NAME.err.
start_instance() {
	local name=$1
	shift
	"$SYNSCOPE" --csv "$WORK/$name.csv" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	INSTANCE_PID[$name]=$!
	BACKGROUND+=($!)
	if ! wait_for_text "$WORK/$name.err" "tracing in" 60; then
		cat "$WORK/$name.err" >&2
		fail "synscope $name did not start"
		exit 1
	fi
}

# wait_rows NAME N: until instance NAME's CSV has N attempts (30 s at most).
wait_rows() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(($(wc -l <"$WORK/$1.csv") - 1))" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# Stop every instance with SIGINT: exit 0, every event delivered, none dropped.
# STOP_ALLOW_SKIPPED=1: but for program runs the kernel skipped (counted and
# reported: nested runs on a CPU, which heavy loopback traffic causes).
stop_instances() {
	local name rc acct
	sleep 0.3
	for name in "${!INSTANCE_PID[@]}"; do
		kill -INT "${INSTANCE_PID[$name]}"
	done
	for name in "${!INSTANCE_PID[@]}"; do
		rc=0
		wait "${INSTANCE_PID[$name]}" || rc=$?
		expect_eq "synscope $name exit status" "$rc" 0
		acct=$(grep '^events:' "$WORK/$name.out" || true)
		if [ -n "${STOP_ALLOW_SKIPPED:-}" ]; then
			expect_match "synscope $name: nothing lost but skipped runs, counted" "$acct" \
				'dropped [0-9]+ \(ring buffer full 0, in-flight map full 0, connect-call map full 0, open map full 0, socket storage failed 0, map operations failed 0, out of memory 0, program runs skipped by the kernel [0-9]+\)'
			log "synscope $name: $(grep -o 'program runs skipped by the kernel [0-9]*' <<<"$acct")"
		else
			expect_match "synscope $name: nothing dropped" "$acct" 'dropped 0 '
		fi
		expect_eq "synscope $name: every event delivered" \
			"$(sed -n 's/.*delivered \([0-9]*\).*/\1/p' <<<"$acct")" \
			"$(sed -n 's/^events: produced \([0-9]*\).*/\1/p' <<<"$acct")"
	done
	INSTANCE_PID=()
}

# csv_sum DPORT COL: COL summed over every instance's attempts to DPORT.
csv_sum() {
	local f
	for f in "$WORK"/*.csv; do
		csv_rows "$f" dport "$2" 2>/dev/null || true
	done | awk -F'\t' -v p="$1" '$1 == p { s += $2 } END { print s + 0 }'
}

# start_prometheus TARGET...: Debian's prometheus on loopback scraping TARGETs every
# second with contrib/prometheus/synscope.rules.yml, its storage in $WORK.
start_prometheus() {
	local targets i
	command -v prometheus >/dev/null || { fail "prometheus not found (tools/install-deps.sh test)"; exit 1; }
	targets=$(printf "'%s', " "$@")
	PROM_PORT=$(free_port)
	cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/contrib/prometheus/synscope.rules.yml
scrape_configs:
  - job_name: synscope
    static_configs:
      - targets: [ ${targets%, } ]
EOF
	expect_match "promtool check config" "$(promtool check config "$WORK/prometheus.yml" 2>&1)" \
		'SUCCESS: 1 rule files found'
	prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
		--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
	BACKGROUND+=($!)
	for ((i = 0; i < 300; i++)); do
		curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null && return 0
		sleep 0.1
	done
	cat "$WORK/prometheus.log" >&2
	fail "prometheus did not get ready"
	exit 1
}

# prom_query EXPR: the result's series, "label=value,...<TAB>value", sorted.
prom_query() {
	curl -sf --get --data-urlencode "query=$1" "http://127.0.0.1:$PROM_PORT/api/v1/query" |
		jq -r '.data.result[] | ((.metric | del(.__name__) | to_entries | map("\(.key)=\(.value)") | join(",")) + "\t" + .value[1])' |
		sort
}

# scraped_after T: both targets scraped after time T, and the rules evaluated after those
# scrapes were seen stored (an evaluation that starts earlier sums a target's older
# scrape); 15 s at most.
scraped_after() {
	local i scraped rules seen=
	for ((i = 0; i < 150; i++)); do
		if [ -z "$seen" ]; then
			scraped=$(prom_query 'min(timestamp(synscope_build_info)) and count(synscope_build_info) == 2' |
				cut -f2)
			[ -n "$scraped" ] && awk -v a="$scraped" -v t="$1" 'BEGIN { exit !(a > t + 0.2) }' &&
				seen=$(date +%s.%N)
		fi
		if [ -n "$seen" ]; then
			rules=$(prom_query 'min(timestamp(outcome:synscope_connect_attempts:sum))' | cut -f2)
			[ -n "$rules" ] && awk -v b="$rules" -v s="$seen" 'BEGIN { exit !(b > s) }' && return 0
		fi
		sleep 0.1
	done
	return 1
}

# Every rule's health: "ok" when each loaded and evaluates.
prom_rule_health() {
	curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/rules" |
		jq -r '[.data.groups[].rules[].health] | unique | join(",")'
}

# expect_in_bucket NAME Q VALUE: VALUE (a histogram_quantile) lies in the bucket that
# holds the Q quantile of every established attempt's latency in the CSVs.  The CSVs
# give whole microseconds (truncated) and the histogram counts nanoseconds: a CSV's
# 25 us is 25,000-25,999 ns, in the bucket up to 25 us or in the next one; so where the
# quantile is a bound, both buckets hold it.  Every bound is a whole microsecond.
expect_in_bucket() {
	local les exact
	les=$(grep -h -o 'synscope_connect_duration_seconds_bucket{[^}]*le="[^"+]*"' "$WORK/scrape.les" |
		sed 's/.*le="//; s/"$//' | sort -g -u | tr '\n' ' ')
	exact=$(for f in "$WORK"/[ab].csv; do csv_rows "$f" outcome daddr latency_us; done |
		awk -F'\t' '$1 == "established" && $2 ~ /^198\.18\.0\.[23]$/ { print $3 }' | sort -n |
		awk -v q="$2" '{ v[NR] = $1 } END { r = int(q * NR); if (r < q * NR) r++; print v[r] }')
	if awk -v v="$3" -v x="$exact" -v les="$les" 'BEGIN { n = split(les, b, " "); lo = 0; hi = "inf";
		for (i = 1; i <= n; i++) { us = sprintf("%.0f", b[i] * 1e6) + 0
			if (us < x + 0) lo = us; else if (us > x + 0) { hi = us; break } }
		v *= 1e6; exit !(v >= lo - 1e-6 && (hi == "inf" || v <= hi + 1e-6)) }'; then
		echo "ok - $TEST_NAME: $1 = $3, in the bucket of the CSVs' $exact us"
	else
		fail "$1: $3 is not in the bucket of the CSVs' quantile $exact us (bounds: $les)"
	fi
}
