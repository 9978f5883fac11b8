#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tools/lab, scaled down: up, an identical up that changes nothing, status,
# a burst over the NAT's port capacity whose drops the NAT counts exactly
# as the load generator's timeouts, a second public address that removes
# them, a changed up that converges (subnets and addresses come and go), an
# ENI cap that drops at the router, a server backlog cap, and a down that
# leaves nothing behind.  Its own lab instance: prefix and address block.
. "$(dirname "$0")/../lib.sh"

LAB=$ROOT/tools/lab
export SYNLAB_PREFIX=slt$ID- SYNLAB_BLOCK=2
NS_PREFIX=$SYNLAB_PREFIX
trap '"$LAB" down >/dev/null 2>&1 || true; cleanup' EXIT

lab() { "$LAB" "$@"; }

# kv FILE KEY
kv() { sed -n "s/^$2=//p" "$1"; }

# status: `lab status --format kv` into $WORK/status.kv
status() { lab status --format kv >"$WORK/status.kv"; }
st() { kv "$WORK/status.kv" "$1"; }

# burst NAME ARGS...: a burst whose results go to $WORK/NAME
burst() {
	local name=$1
	shift
	lab burst --out "$WORK/$name" "$@" >"$WORK/$name.out"
}
bk() { kv "$WORK/$1/burst.kv" "$2"; }

# What the lab is made of, to compare before and after an identical up.
snapshot() {
	local ns
	for ns in $(lab_namespaces); do
		echo "== $ns $(ip netns pids "$ns" | sort -n | xargs)"
		ip -n "$ns" -o -4 addr show | awk '{ print $2, $4 }'
		ip -n "$ns" route show
		ip netns exec "$ns" nft list ruleset
	done
}

lab_namespaces() { ip netns list | awk -v p="$NS_PREFIX" 'index($1, p) == 1 { print $1 }' | sort; }
our_veths() { ip -o link show type veth | grep -c -- "$NS_PREFIX" || true; }

# --- bad options: one line naming the option, exit 2 -----------------------
bad() {
	local want=$1 rc=0 out
	shift
	out=$(env ${BAD_ENV:-} "$LAB" "$@" 2>&1) || rc=$?
	expect_eq "lab $*: exit status" "$rc" 2
	expect_eq "lab $*: one line" "$(wc -l <<<"$out")" 1
	expect_match "lab $*: names $want" "$out" "$want"
}
bad --nat-ips up --nat-ips 0
bad --nat-ips up --nat-ips 9
bad --ports-per-ip up --ports-per-ip x
bad --ports-per-ip up --ports-per-ip
bad --eni-cap up --eni-cap -1
bad --bogus up --bogus
bad --procs burst --procs 0
bad --procs burst --connects 60000 --procs 1
bad --format status --format xml
bad frobnicate frobnicate
BAD_ENV=SYNLAB_BLOCK=8 bad SYNLAB_BLOCK status
BAD_ENV=SYNLAB_PREFIX=Bad/ bad SYNLAB_PREFIX status

# --- up, and an identical up -------------------------------------------------
veths_before=$(our_veths)
status
expect_eq "status before up" "$(st lab.up)" 0
lab up --ports-per-ip 200 --eni-cap 1000 --syn-retries 1 >/dev/null
status
expect_eq "status: up" "$(st lab.up)" 1
expect_eq "status: ports per address" "$(st config.ports_per_ip)" 200
expect_eq "namespaces" "$(lab_namespaces | xargs)" \
	"${NS_PREFIX}client1 ${NS_PREFIX}nat ${NS_PREFIX}router ${NS_PREFIX}server"
expect_eq "the client resolves the service through dnsmasq" \
	"$(ip netns exec "${NS_PREFIX}client1" getent ahostsv4 "$(st service.name)" | awk 'NR == 1 { print $1 }')" \
	"$(st service.addr)"
expect_eq "status: no port allocation error yet" "$(st nat.insert_failed)" 0
snapshot >"$WORK/snap1"
lab up --ports-per-ip 200 --eni-cap 1000 --syn-retries 1 >/dev/null
snapshot >"$WORK/snap2"
expect_rows "an identical up changes nothing (addresses, routes, rules, processes)" \
	"$(cat "$WORK/snap1")" "$(cat "$WORK/snap2")"

# --- over the NAT's port capacity: 250 connects, 200 ports ------------------
burst nat1 --connects 250 --direct 20
expect_eq "established through the NAT" "$(bk nat1 load.service.established)" 200
expect_eq "timed out" "$(bk nat1 load.service.timeout)" 50
expect_eq "direct connects are not limited" "$(bk nat1 load.direct.established)" 20
expect_eq "the load generator's attempts = TcpActiveOpens" \
	"$(($(bk nat1 load.service.attempts) + $(bk nat1 load.direct.attempts)))" "$(bk nat1 nstat.TcpActiveOpens)"
expect_eq "its timeouts = TcpAttemptFails" "$(bk nat1 load.service.timeout)" "$(bk nat1 nstat.TcpAttemptFails)"
expect_eq "mappings in use at the peak: every port" "$(bk nat1 held.nat.public.1.mappings)" 200
status
expect_eq "status: attempts the NAT refused = the load generator's timeouts" \
	"$(st nat.attempts_refused)" "$(bk nat1 load.service.timeout)"
expect_eq "status: port allocation errors (insert_failed) = SYNs dropped" \
	"$(st nat.insert_failed)" "$(st nat.syn_dropped)"
expect_eq "status: each dropped SYN is a timeout or a SYN retransmit" "$(st nat.insert_failed)" \
	"$(($(bk nat1 nstat.TcpAttemptFails) + $(bk nat1 nstat.TcpExtTCPSynRetrans)))"
expect_eq "status: no ENI drop" "$(st eni.1.attempts_refused)" 0
expect_match "the lookup was real: dnsmasq answered the client" \
	"$(cat "/run/${NS_PREFIX}lab/dnsmasq.log")" "query\[A\] $(st service.name) from $(st client.1.addr)"
expect_match "text status names the port allocation errors" "$(lab status)" \
	"port allocation errors \(conntrack insert_failed\) $(st nat.insert_failed),"
lab up --ports-per-ip 200 --eni-cap 1000 --syn-retries 1 >/dev/null
status
expect_eq "an identical up keeps the counters" "$(st nat.attempts_refused)" 50

# --- changed options: a second address and a second subnet -------------------
lab up --nat-ips 2 --ports-per-ip 200 --eni-cap 1000 --subnets 2 --syn-retries 1 >/dev/null
status
expect_eq "second public address" "$(st nat.public.2.addr)" "198.19.64.2"
expect_eq "second client namespace" "$(st client.2.ns)" "${NS_PREFIX}client2"
expect_eq "its resolver" "$(cat "/etc/netns/${NS_PREFIX}client2/resolv.conf" | head -n 1)" "nameserver $(st dns.addr)"
burst nat2 --connects 360 --procs 2
expect_eq "two addresses carry 360: no timeout" "$(bk nat2 load.service.timeout)" 0
expect_eq "all established" "$(bk nat2 load.service.established)" 360
expect_eq "NAT refused none" "$(bk nat2 nat.attempts_refused)" 0
expect_eq "mappings at the peak, both addresses" \
	"$(($(bk nat2 held.nat.public.1.mappings) + $(bk nat2 held.nat.public.2.mappings)))" 360
expect_ge "first address used" "$(bk nat2 held.nat.public.1.mappings)" 1
expect_ge "second address used" "$(bk nat2 held.nat.public.2.mappings)" 1
expect_eq "one process per subnet" "$(bk nat2 nstat.client2.TcpActiveOpens)" 180
lab up --ports-per-ip 200 --eni-cap 1000 --syn-retries 1 >/dev/null
status
expect_eq "back to one subnet" "$(lab_namespaces | grep -c client)" 1
expect_eq "its /etc/netns entry gone" "$(ls /etc/netns | grep -c "^${NS_PREFIX}client2$" || true)" 0
expect_eq "back to one address" "$(ip -n "${NS_PREFIX}nat" -o -4 addr show dev wan | awk '{ print $4 }')" "198.19.64.1/24"
expect_eq "status: one address" "$(st nat.public.2.addr)" ""

# --- the ENI cap: 150 connections, room for 100 -----------------------------
lab up --ports-per-ip 1000 --eni-cap 100 --syn-retries 1 >/dev/null
burst eni --connects 100 --direct 50
established=$(($(bk eni load.service.established) + $(bk eni load.direct.established)))
timeouts=$(($(bk eni load.service.timeout) + $(bk eni load.direct.timeout)))
expect_eq "the ENI admits its cap" "$established" 100
expect_eq "the rest time out" "$timeouts" 50
expect_eq "attempts the ENI refused = the load generator's timeouts" "$(bk eni eni.1.attempts_refused)" "$timeouts"
expect_eq "SYNs the ENI dropped: each a timeout or a retransmit" "$(bk eni eni.1.syn_dropped)" \
	"$(($(bk eni nstat.TcpAttemptFails) + $(bk eni nstat.TcpExtTCPSynRetrans)))"
expect_eq "no NAT drop" "$(bk eni nat.insert_failed)" 0
expect_eq "connections through the ENI at the peak" "$(bk eni held.eni.1.connections)" 100

# --- a server's backlog: a cap that matches no limit ----------------------------
lab up --ports-per-ip 1000 --backlog 40 --syn-retries 1 >/dev/null
burst backlog --connects 80 --rate 100
expect_eq "the accept queue holds backlog + 1" "$(bk backlog load.service.established)" 41
expect_eq "the rest time out" "$(bk backlog load.service.timeout)" 39
expect_eq "not the NAT" "$(bk backlog nat.attempts_refused)" 0
expect_eq "not the ENI" "$(bk backlog eni.1.attempts_refused)" 0

# --- down leaves nothing ----------------------------------------------------------
pids=$(for ns in $(lab_namespaces); do ip netns pids "$ns"; done | xargs)
expect_match "the lab ran processes" "$pids" '^[0-9]+( [0-9]+)+$'
lab down >/dev/null
expect_eq "no namespace" "$(lab_namespaces | wc -l)" 0
expect_eq "no /etc/netns entry" "$(ls /etc/netns 2>/dev/null | grep -c "^$NS_PREFIX" || true)" 0
alive=0
# A zombie waiting for its parent (whoever reaps orphans here) runs nothing.
for pid in $pids; do
	state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || true)
	[ -n "$state" ] && [ "$state" != Z ] && alive=$((alive + 1))
done
expect_eq "no process" "$alive" 0
expect_eq "no veth" "$(our_veths)" "$veths_before"
expect_eq "no state" "$(ls -d "/run/${NS_PREFIX}lab" 2>/dev/null | wc -l)" 0
lab down >/dev/null
expect_eq "down again: still nothing" "$(lab_namespaces | wc -l)" 0
finish
