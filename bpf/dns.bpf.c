// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DNS capture: copies DNS queries leaving sockets and responses arriving
 * at them, UDP or TCP port 53, to a ring buffer.  Every other packet returns
 * at once.  The cgroup_skb programs never drop or alter anything: they
 * always return 1 ("allow").
 *
 * Two ways in, one body: cgroup_skb ingress/egress on the root of the cgroup
 * v2 hierarchy (every socket of every network namespace), or, where there is
 * no cgroup v2, a socket filter on an AF_PACKET socket in synscope's own
 * network namespace (which returns the bytes to keep, 0 for none).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "dns.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define PACKET_HOST	0
#define PACKET_OUTGOING 4

const volatile __u64 wakeup_bytes = 64 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DEFAULT_DNS_RINGBUF_MB << 20);
} dns_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DNS_COUNTER__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} dns_counters SEC(".maps");

static __always_inline void count(enum dns_counter which)
{
	__u32 key = which;
	__u64 *value = bpf_map_lookup_elem(&dns_counters, &key);

	if (value)
		*value += 1;
}

/*
 * Is this a DNS message in the direction wanted (destination port 53 on
 * the way out, source port 53 on the way in)?  TCP segments without payload
 * (handshake, bare ACKs) are not.
 */
static __always_inline bool is_dns(struct __sk_buff *skb, enum dns_direction dir)
{
	__u32 l4, payload_end;
	__u8 proto, l4_hdr[13];
	__u16 port;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u8 vihl;
		__u16 tot_len;

		if (bpf_skb_load_bytes(skb, 0, &vihl, 1) || bpf_skb_load_bytes(skb, 9, &proto, 1) ||
		    bpf_skb_load_bytes(skb, 2, &tot_len, 2))
			return false;
		l4 = (vihl & 0xf) * 4;
		payload_end = bpf_ntohs(tot_len);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		__u16 payload_len;

		/* Extension headers are not followed: DNS packets carry none. */
		if (bpf_skb_load_bytes(skb, 6, &proto, 1) ||
		    bpf_skb_load_bytes(skb, 4, &payload_len, 2))
			return false;
		l4 = 40;
		payload_end = 40 + bpf_ntohs(payload_len);
	} else {
		return false;
	}
	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return false;
	if (bpf_skb_load_bytes(skb, l4, l4_hdr, sizeof(l4_hdr)))
		return false;
	port = dir == DNS_EGRESS ? (l4_hdr[2] << 8 | l4_hdr[3]) : (l4_hdr[0] << 8 | l4_hdr[1]);
	if (port != DNS_PORT)
		return false;
	/* TCP: data offset in the high nibble of byte 12. */
	return proto == IPPROTO_UDP || payload_end > l4 + (l4_hdr[12] >> 4) * 4;
}

/* What the sending task is, on the way out (process context). */
static __always_inline void sender(struct dns_packet *p)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	p->pid = BPF_CORE_READ(task, tgid);
	p->netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	BPF_CORE_READ_STR_INTO(&p->comm, task, comm);
}

/*
 * The early exit of the cgroup_skb programs, which run for every packet of
 * every socket: read the protocol and the port in place (direct packet
 * access, no helper calls).  Only a port-53 packet, or one whose headers are
 * not in the linear area, goes on to is_dns().
 */
static __always_inline bool maybe_dns(struct __sk_buff *skb, enum dns_direction dir)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u8 *l4;
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data;

		if ((void *)(ip + 1) > end)
			return true;
		proto = ip->protocol;
		l4 = data + ip->ihl * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data;

		if ((void *)(ip6 + 1) > end)
			return true;
		proto = ip6->nexthdr;
		l4 = (__u8 *)(ip6 + 1);
	} else {
		return false;
	}
	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return false;
	if ((void *)(l4 + 4) > end)
		return true;
	if (dir == DNS_EGRESS)
		return l4[2] == 0 && l4[3] == DNS_PORT;
	return l4[0] == 0 && l4[1] == DNS_PORT;
}

static __always_inline void capture(struct __sk_buff *skb, enum dns_direction dir)
{
	struct dns_packet *p;
	__u32 len = skb->len;

	count(DNS_COUNTER_PACKETS);
	p = bpf_ringbuf_reserve(&dns_events, sizeof(*p), 0);
	if (!p) {
		count(DNS_COUNTER_RINGBUF_FULL);
		return;
	}
	p->ts_ns = bpf_ktime_get_ns();
	p->cookie = bpf_get_socket_cookie(skb);
	p->direction = dir;
	p->len = len;
	p->pid = 0;
	p->netns = 0;
	p->comm[0] = '\0';
	if (dir == DNS_EGRESS)
		sender(p);
	if (len > DNS_CAPTURE_MAX)
		len = DNS_CAPTURE_MAX;
	p->cap_len = 0;
	/* 1..DNS_CAPTURE_MAX, written so that the verifier sees the bounds
	 * (DNS_CAPTURE_MAX is a power of two; the mask changes nothing). */
	if (len && !bpf_skb_load_bytes(skb, 0, p->data, ((len - 1) & (DNS_CAPTURE_MAX - 1)) + 1))
		p->cap_len = len;
	bpf_ringbuf_submit(p, bpf_ringbuf_query(&dns_events, BPF_RB_AVAIL_DATA) >= wakeup_bytes
				      ? BPF_RB_FORCE_WAKEUP
				      : BPF_RB_NO_WAKEUP);
}

SEC("cgroup_skb/egress")
int dns_egress(struct __sk_buff *skb)
{
	if (maybe_dns(skb, DNS_EGRESS) && is_dns(skb, DNS_EGRESS))
		capture(skb, DNS_EGRESS);
	return 1;
}

SEC("cgroup_skb/ingress")
int dns_ingress(struct __sk_buff *skb)
{
	if (maybe_dns(skb, DNS_INGRESS) && is_dns(skb, DNS_INGRESS))
		capture(skb, DNS_INGRESS);
	return 1;
}

/*
 * AF_PACKET fallback: the socket filter keeps whole port-53 packets (the
 * socket is SOCK_DGRAM, so data starts at the IP header) and userspace reads
 * them from the socket; nothing goes through the ring buffer.
 */
SEC("socket")
int dns_socket_filter(struct __sk_buff *skb)
{
	if (skb->pkt_type == PACKET_OUTGOING)
		return is_dns(skb, DNS_EGRESS) ? DNS_CAPTURE_MAX : 0;
	if (skb->pkt_type == PACKET_HOST)
		return is_dns(skb, DNS_INGRESS) ? DNS_CAPTURE_MAX : 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
