/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by bpf/dns.bpf.c and userspace: the DNS packets the capture copies.
 *
 * A record holds the packet from its IP header on, up to DNS_CAPTURE_MAX
 * bytes; userspace parses the IP, UDP or TCP and DNS headers itself.  Only
 * queries leaving a socket (egress, destination port 53) and responses
 * arriving at one (ingress, source port 53) are copied, so a query to a
 * local resolver is seen once, as the client sent it.
 * Times are CLOCK_MONOTONIC nanoseconds.
 */
#ifndef SYNSCOPE_DNS_H
#define SYNSCOPE_DNS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define DNS_PORT	       53
#define DNS_CAPTURE_MAX	       2048 /* bytes of packet copied, IP header included; a power of two */
#define DNS_COMM_LEN	       16
#define DEFAULT_DNS_RINGBUF_MB 4

enum dns_direction {
	DNS_EGRESS = 1, /* a query leaving a socket */
	DNS_INGRESS,	/* a response arriving at a socket */
};

enum dns_counter {
	DNS_COUNTER_PACKETS = 0,  /* port-53 packets copied or attempted */
	DNS_COUNTER_RINGBUF_FULL, /* packets lost: no room in the ring buffer */
	DNS_COUNTER__COUNT,
};

struct dns_packet {
	__u64 ts_ns;
	__u64 cookie;	/* socket cookie: pairs a response with its query's socket */
	__u32 pid;	/* egress: tgid of the sending task; 0 when unknown */
	__u32 netns;	/* egress: network namespace inode of the sending task */
	__u32 len;	/* packet length from the IP header on */
	__u16 cap_len;	/* bytes in data */
	__u8 direction; /* enum dns_direction */
	__u8 pad;
	char comm[DNS_COMM_LEN];
	__u8 data[DNS_CAPTURE_MAX];
};

#endif /* SYNSCOPE_DNS_H */
