#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A short traced run under valgrind's memcheck: DNS lookups, established,
# refused and timed-out connects, stalls, every CSV, the summary.  Memcheck
# must report no invalid access, no use of uninitialised memory and no
# leak (definite, indirect or possible) at exit.
. "$(dirname "$0")/../lib.sh"

command -v valgrind >/dev/null || { fail "valgrind is not installed (tools/install-deps.sh test)"; finish; }
cat >"$WORK/synscope" <<EOF2
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --error-exitcode=99 \
	--suppressions="$ROOT/tests/e2e/valgrind.supp" --log-file="$WORK/valgrind.log" "$SYNSCOPE" "\$@"
EOF2
chmod +x "$WORK/synscope"
SYNSCOPE=$WORK/synscope

lab_up
client_sysctl net.ipv4.tcp_syn_retries=1
server_nft 'tcp dport 8086 drop'
start_listener "$SERVER4" 8085
start_dns --address="/vg.test/$SERVER4" --address=/nx.test/
start_tracer --dns-csv "$WORK/dns.csv" --summary-csv "$WORK/summary.csv" --interval 0.5 \
	--stall-ms 500
in_client "$CONNBURST" -q -4 -n 20 -c 5 vg.test 8085 >/dev/null
in_client "$CONNBURST" -q -n 3 "$SERVER4" 8087 >/dev/null || true
in_client "$CONNBURST" -q -n 2 -c 2 "$SERVER4" 8086 >/dev/null || true
in_client "$CONNBURST" -q -4 -n 1 nx.test 8085 >/dev/null 2>&1 || true
stop_tracer

expect_eq "attempts by outcome" "$(attempts outcome | sort | uniq -c | xargs)" \
	"20 established 3 refused 2 timeout"
expect_match "memcheck ran to the end" "$(cat "$WORK/valgrind.log")" 'ERROR SUMMARY: '
expect_match "no memcheck error" "$(grep 'ERROR SUMMARY' "$WORK/valgrind.log")" \
	'ERROR SUMMARY: 0 errors'
leaks=$(grep -E '(definitely|indirectly|possibly) lost:' "$WORK/valgrind.log" | grep -v ' 0 bytes in 0 blocks' || true)
expect_eq "no leak" "$leaks" ""
if [ "$FAILURES" -ne 0 ]; then
	log "valgrind log:"
	sed 's/^/#   /' "$WORK/valgrind.log"
fi
finish
