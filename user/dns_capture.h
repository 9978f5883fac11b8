/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DNS capture: the cgroup_skb programs on the root of the cgroup v2
 * hierarchy (every socket of every network namespace), or, without cgroup
 * v2, an AF_PACKET socket with a socket filter in synscope's own network
 * namespace.  Either way packets arrive as struct dns_packet.
 */
#ifndef SYNSCOPE_DNS_CAPTURE_H
#define SYNSCOPE_DNS_CAPTURE_H

#include <limits.h>
#include <linux/types.h>
#include "dns.h"

struct dns_bpf;
struct ring_buffer;
struct bpf_link;

enum dns_method {
	DNS_METHOD_AUTO = 0,
	DNS_METHOD_CGROUP, /* cgroup_skb on the cgroup v2 root */
	DNS_METHOD_PACKET, /* AF_PACKET socket in synscope's network namespace */
};

typedef void (*dns_packet_fn)(const struct dns_packet *p, void *ctx);

struct dns_capture {
	struct dns_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *egress;
	struct bpf_link *ingress;
	int packet_fd; /* AF_PACKET socket, -1 when unused */
	enum dns_method method;
	__u32 netns;	    /* synscope's own, for AF_PACKET captures */
	__u64 packet_drops; /* AF_PACKET: packets the socket dropped */
	char cgroup_root[PATH_MAX];
	dns_packet_fn on_packet;
	void *ctx;
};

/* Where cgroup v2 is mounted (from /proc/self/mounts); 0 on success. */
int cgroup2_root(char *buf, size_t len);

/*
 * A descriptor of the cgroup v2 root, mounted privately for the moment if
 * it is mounted nowhere here; -errno when there is none.
 */
int cgroup2_root_fd(void);

/* The method auto would pick, and where. */
enum dns_method dns_method_available(char *root, size_t len);

/* Open, configure, load and attach; on_packet gets every captured packet. */
int dns_capture_start(struct dns_capture *d, enum dns_method method, bool verbose,
		      dns_packet_fn on_packet, void *ctx);

/* Descriptor that polls readable when packets wait. */
int dns_capture_fd(const struct dns_capture *d);

/* Deliver what is waiting; returns packets read or -errno. */
int dns_capture_read(struct dns_capture *d);

/* Packets the capture saw and lost, as the kernel counted them. */
int dns_capture_counters(struct dns_capture *d, __u64 *seen, __u64 *lost);

/*
 * Stop capturing: the cgroup programs are detached, what was captured stays
 * readable until dns_capture_stop().
 */
void dns_capture_detach(struct dns_capture *d);

/* Detach and free everything; accepts a capture that never started. */
void dns_capture_stop(struct dns_capture *d);

const char *dns_method_name(enum dns_method m);

#endif
