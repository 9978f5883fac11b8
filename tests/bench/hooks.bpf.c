// SPDX-License-Identifier: GPL-2.0-only
/*
 * Programs that do nothing on every hook synscope's tracepoint mode uses,
 * as many on each as synscope attaches (tests/bench/benchbpf.c hooks): the
 * connect loop's ratio under them is what the hooks themselves cost, the
 * part of synscope's cost no work in its programs can take away.  Four of
 * them, one of each program type, are benchbpf floor: under
 * kernel.bpf_stats_enabled their ns per run is bpf_stats' own floor (its
 * clock reads and the call).  Each returns at once, allowing everything.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* State changes, retransmits and destructions: a first program and its takeover each. */
SEC("tp_btf/inet_sock_set_state")
int hooks_set_state(void *ctx)
{
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int hooks_set_state_takeover(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int hooks_retransmit(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int hooks_retransmit_takeover(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int hooks_destroy(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int hooks_destroy_takeover(void *ctx)
{
	return 0;
}

/* On the cgroup v2 root, as synscope's. */
SEC("cgroup/connect4")
int hooks_connect4(struct bpf_sock_addr *ctx)
{
	return 1;
}

SEC("cgroup/connect6")
int hooks_connect6(struct bpf_sock_addr *ctx)
{
	return 1;
}

SEC("cgroup/getsockopt")
int hooks_getsockopt(struct bpf_sockopt *ctx)
{
	return 1;
}

/* DNS capture's (not loaded with --no-dns). */
SEC("cgroup_skb/egress")
int hooks_dns_egress(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup_skb/ingress")
int hooks_dns_ingress(struct __sk_buff *skb)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
