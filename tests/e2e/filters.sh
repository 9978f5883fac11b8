#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Filters: -p PID, -c COMM, --dport, --dst, -6; only what they select is traced.
. "$(dirname "$0")/../lib.sh"

lab_up
start_listener "$SERVER4" 8080
start_listener "$SERVER4" 8081

# --dport and --dst (lib.sh's start_tracer always adds the test networks).
start_tracer --dport 8081
in_client "$CONNBURST" -q -n 2 "$SERVER4" 8080 >/dev/null
in_client "$CONNBURST" -q -n 3 "$SERVER4" 8081 >/dev/null
in_client "$CONNBURST" -q -n 1 127.0.0.1 8081 >/dev/null 2>&1 || true # outside --dst
stop_tracer
expect_eq "--dport 8081 --dst 198.18.0.0/15" "$(attempts daddr dport | sort | uniq -c | xargs)" \
	"3 198.18.0.2 8081"

# -c COMM: bash's own connect (/dev/tcp) is not connburst's.
start_tracer -c connburst
in_client bash -c "exec 3<>/dev/tcp/$SERVER4/8080"
in_client "$CONNBURST" -q -n 2 "$SERVER4" 8080 >/dev/null
stop_tracer
expect_eq "-c connburst" "$(attempts comm | sort | uniq -c | xargs)" "2 connburst"

# -p PID: a process waits on a fifo so its pid is known before it connects.
mkfifo "$WORK/go"
in_client bash -c "echo \$\$ >'$WORK/pid'; read -r <'$WORK/go'; exec '$CONNBURST' -q -n 2 $SERVER4 8080" \
	>/dev/null &
waiting=$!
background "$waiting"
wait_for_text "$WORK/pid" '[0-9]' 5
pid=$(cat "$WORK/pid")
start_tracer -p "$pid"
in_client "$CONNBURST" -q -n 3 "$SERVER4" 8080 >/dev/null # another process
echo go >"$WORK/go"
wait "$waiting"
stop_tracer
expect_eq "-p $pid" "$(attempts pid | sort | uniq -c | xargs)" "2 $pid"

# -6: IPv6 only.
client_sysctl net.ipv6.conf.all.disable_ipv6=0
start_listener "$SERVER6" 8090
start_tracer -6
in_client "$CONNBURST" -q -n 2 "$SERVER6" 8090 >/dev/null
in_client "$CONNBURST" -q -n 1 "$SERVER4" 8081 >/dev/null # filtered out by -6
stop_tracer
expect_eq "-6" "$(attempts family daddr dport | sort | uniq -c | xargs)" "2 ipv6 2001:2::2 8090"
finish
