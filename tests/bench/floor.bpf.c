// SPDX-License-Identifier: GPL-2.0-only
/*
 * Programs that do nothing, for make bench (tests/bench/benchbpf.c): on the
 * hooks synscope uses in the tracepoint mode, their run time under
 * kernel.bpf_stats_enabled is what bpf_stats itself costs per run (its two
 * clock reads and the call), the floor under any program's figure.  Each
 * returns at once, allowing everything.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tp_btf/inet_sock_set_state")
int floor_set_state(void *ctx)
{
	return 0;
}

SEC("cgroup_skb/egress")
int floor_egress(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup_skb/ingress")
int floor_ingress(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup/connect4")
int floor_connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
