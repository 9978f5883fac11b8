/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by bpf/connect.bpf.c and userspace: the events the connect tracer
 * sends, the in-flight state userspace scans, and the counters it reports.
 *
 * Byte order: every address field (saddr, daddr) is in network byte order,
 * IPv4 in the first 4 bytes and the rest zero; IPv4-mapped IPv6 addresses are
 * reported as IPv4.  Every port field (sport, dport) is in host byte order:
 * the kernel side converts, userspace never does.
 * Times are CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns).
 */
#ifndef SYNSCOPE_CONNECT_H
#define SYNSCOPE_CONNECT_H

#ifndef __bpf__
#include <linux/types.h> /* the BPF side has them from vmlinux.h */
#endif
#include <asm-generic/errno.h>

#define COMM_LEN 16
#define ADDR_LEN 16

/* Defaults for the sizes userspace can change with flags. */
#define DEFAULT_MAX_INFLIGHT 131072
#define DEFAULT_MAX_OPEN     262144
#define DEFAULT_RINGBUF_MB   16

/* How a connect attempt ended; one per attempt. */
enum outcome {
	OUTCOME_ESTABLISHED = 0, /* handshake completed */
	OUTCOME_REFUSED,	 /* RST in answer to the SYN: ECONNREFUSED */
	OUTCOME_TIMEOUT,	 /* the kernel gave up after its SYN retries: ETIMEDOUT */
	OUTCOME_UNREACHABLE,	 /* an ICMP error: EHOSTUNREACH, ENETUNREACH, ... */
	OUTCOME_ABORTED,	 /* the application closed the socket while in SYN_SENT */
	OUTCOME_LOCAL_ERROR,	 /* connect failed before a SYN left: EADDRNOTAVAIL, ... */
	OUTCOME__COUNT,
};

enum event_kind {
	EVENT_ATTEMPT = 1,    /* a connect attempt reached its outcome */
	EVENT_SYN_RETRANSMIT, /* a SYN of an in-flight attempt was sent again */
	EVENT_CLOSE,	      /* an established connection reached CLOSE (or its socket
				 was reused: its close was not seen) */
};

/* Per-CPU counters, indexes into the "counters" map. */
enum counter {
	COUNTER_ATTEMPT_EVENTS = 0, /* attempt events produced */
	COUNTER_RETRANSMIT_EVENTS,  /* SYN retransmit events produced */
	COUNTER_CLOSE_EVENTS,	    /* close events produced */
	COUNTER_RINGBUF_FULL,	    /* events lost: no room in the ring buffer */
	COUNTER_INFLIGHT_FULL,	    /* attempts not followed: in-flight map full */
	COUNTER_CONNECT_CTX_FULL,   /* connect() calls not followed: map full */
	COUNTER_OPEN_FULL,	    /* established connections not followed: map full */
	COUNTER_CLOSE_UNSEEN,	    /* closes not seen, found when the socket was reused */
	COUNTER__COUNT,
};

/* Attach modes, in order of preference. */
enum probe_mode {
	PROBE_MODE_AUTO = 0,
	PROBE_MODE_FENTRY,
	PROBE_MODE_KPROBE,
	PROBE_MODE_TRACEPOINT,
};

/*
 * One attempt in flight, keyed by its socket's address.  Created when the
 * socket moves CLOSE -> SYN_SENT; removed when the attempt resolves.
 */
struct inflight {
	__u64 start_ns;		  /* connect started */
	__u64 last_retransmit_ns; /* last SYN retransmit, 0 if none */
	__u64 cgroup_id;	  /* cgroup v2 id of the connecting task */
	__u32 pid;		  /* tgid of the connecting task */
	__u32 tid;
	__u32 netns;	  /* network namespace inode */
	__s32 soft_error; /* an ICMP error seen while the socket was busy */
	__u16 sport;	  /* 0 until the SYN is out */
	__u16 dport;
	__u16 syn_retries; /* SYN retransmissions so far */
	__u16 pad16;
	__u8 saddr[ADDR_LEN];
	__u8 daddr[ADDR_LEN];
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 in_connect;	/* the connecting thread is still inside connect() */
	__u8 closed_in_connect; /* reached CLOSE without an error inside connect():
				     connect()'s return value decides the outcome */
	__u8 pad;
	char comm[COMM_LEN];
};

/*
 * One connect() call in progress, keyed by thread id: carries what only the
 * call knows (its start, where its destination is, its return value) to the
 * state changes of its socket.  The destination is read only when the call
 * fails before its socket reaches SYN_SENT, the rare case.
 */
struct connect_call {
	__u64 sock; /* the socket: known at entry (fentry, kprobe) or at SYN_SENT */
	__u64 start_ns;
	__u64 addr;    /* the call's struct sockaddr */
	__s32 fd;      /* tracepoint mode: the socket's descriptor; -1 otherwise */
	__u8 user;     /* addr points to user memory */
	__u8 depth;    /* tcp_v6_connect calls tcp_v4_connect for mapped addresses */
	__u8 syn_sent; /* the socket reached SYN_SENT inside this call */
	__u8 pad;
};

/* An established connection being followed, keyed by its socket's address. */
struct open_conn {
	__u64 established_ns;
	__u32 netns;
	__u16 sport;
	__u16 dport;
	__u8 daddr[ADDR_LEN];
	__u8 family;
	__u8 pad[3];
};

/* Key of the dst_filter LPM trie: family and address, prefixlen counts from family. */
struct dst_key {
	__u32 prefixlen; /* 8 + the network's prefix length */
	__u8 family;
	__u8 addr[ADDR_LEN];
	__u8 pad[3];
};

/* One ring-buffer record. */
struct conn_event {
	__u64 ts_ns;	   /* attempt, retransmit: connect started; close: closed */
	__u64 duration_ns; /* attempt: connect to outcome; retransmit: since connect;
			      close: how long it was established */
	__u64 cgroup_id;
	__u64 sock; /* opaque socket identity, pairs events of one attempt */
	__u32 pid;
	__u32 tid;
	__u32 netns;
	__s32 error; /* positive errno, 0 when none */
	__u16 sport;
	__u16 dport;
	__u8 saddr[ADDR_LEN];
	__u8 daddr[ADDR_LEN];
	__u8 kind;    /* enum event_kind */
	__u8 outcome; /* enum outcome, attempts only */
	__u8 family;
	__u8 syn_retries; /* attempts: SYN retransmits seen; retransmits: this one's number */
	char comm[COMM_LEN];
};

/* The BPF side reads addresses as 32-bit words: keep them aligned. */
#define ALIGNED_ADDRS(type)                                                     \
	_Static_assert(__builtin_offsetof(struct type, saddr) % 4 == 0 &&       \
			       __builtin_offsetof(struct type, daddr) % 4 == 0, \
		       #type " addresses must be 4-byte aligned")
ALIGNED_ADDRS(inflight);
ALIGNED_ADDRS(conn_event);

/*
 * The outcome of a socket that went from SYN_SENT to CLOSE with sk_err set.
 * Shared so that userspace can unit-test the classification.
 */
static inline enum outcome outcome_of_sk_error(int error)
{
	switch (error) {
	case ECONNREFUSED:
		return OUTCOME_REFUSED;
	case ETIMEDOUT:
		return OUTCOME_TIMEOUT;
	case ECONNABORTED: /* tcp_abort(), e.g. "ss -K" */
		return OUTCOME_ABORTED;
	default: /* ICMP errors: EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, EACCES, ... */
		return OUTCOME_UNREACHABLE;
	}
}

#endif /* SYNSCOPE_CONNECT_H */
