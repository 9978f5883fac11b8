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

/* The takeover flags cover CPUs 0 to MAX_CPUS - 1. */
#define MAX_CPUS 1024

/* Defaults for the sizes userspace can change with flags. */
#define DEFAULT_MAX_INFLIGHT 131072
#define DEFAULT_MAX_OPEN     131072
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
	EVENT_START,	      /* an attempt began: its socket reached SYN_SENT */
	EVENT__COUNT,
};

/* Per-CPU counters, indexes into the "counters" map; the BPF side adds atomically. */
enum counter {
	COUNTER_ATTEMPT_EVENTS = 0, /* attempt events produced */
	COUNTER_RETRANSMIT_EVENTS,  /* SYN retransmit events produced */
	COUNTER_CLOSE_EVENTS,	    /* close events produced */
	COUNTER_RINGBUF_FULL,	    /* events lost: no room in the ring buffer */
	COUNTER_INFLIGHT_FULL,	    /* attempts not followed: --max-inflight in flight already */
	COUNTER_CONNECT_CTX_FULL,   /* connect() calls not followed: map full */
	COUNTER_OPEN_FULL,	    /* established connections not followed: --max-open open */
	COUNTER_CLOSE_UNSEEN,	    /* closes not seen, found when the socket was reused */
	COUNTER_START_EVENTS,	    /* attempt start events produced */
	COUNTER_STORAGE_FAILED,	    /* attempts not followed: no free slot in the socket's window */
	COUNTER_MAP_OP_FAILED,	    /* a map update or delete failed: its call was not followed */
	COUNTER_EXPIRED,	    /* outcomes not sent: the attempt outlived --inflight-ttl */
	COUNTER_TAKEOVER_STATE,	    /* state changes handled by the takeover program */
	COUNTER_TAKEOVER_RETRANSMIT, /* SYN retransmits handled by the takeover program */
	COUNTER_TAKEOVER_DESTROY,    /* socket destructions handled by the takeover program */
	COUNTER_OUTCOME_LATE,	     /* outcomes whose transition ran no program, found later */
	COUNTER__COUNT,
};

/* Attach modes, in order of preference. */
enum probe_mode {
	PROBE_MODE_AUTO = 0,
	PROBE_MODE_FENTRY,
	PROBE_MODE_KPROBE,
	PROBE_MODE_TRACEPOINT,
};

/* Where a socket is in the tracer's eyes (struct sock_state.phase). */
enum sock_phase {
	PHASE_NONE = 0, /* not followed */
	PHASE_CALL,	/* connect() began (cgroup hook): no SYN_SENT yet */
	PHASE_INFLIGHT, /* an attempt in flight: SYN_SENT */
	PHASE_OPEN,	/* established, followed until it closes */
};

/*
 * What the tracer knows of one socket, in a slot of the "socks" array.  A
 * socket's slot is found by its cookie (unique for the host's uptime,
 * never reused): one of the SLOT_WINDOW slots from its home (see
 * slot_home()); the home's "homed" bits say which.  A slot is taken at the
 * socket's connect and given back as soon as nothing is followed on it
 * (the outcome, or the close of a followed connection), or when the socket
 * is destroyed.
 */
#define SLOT_WINDOW 16
#define MIN_SLOTS   4096

struct sock_state {
	__u64 start_ns;	      /* the connect call's start, else the attempt's */
	__u64 established_ns; /* PHASE_OPEN: when it established */
	__u64 cgroup_id;      /* cgroup v2 id of the connecting task */
	__u32 pid;	      /* tgid of the connecting task */
	__u32 tid;
	__s32 soft_error; /* an ICMP error seen while the socket was busy */
	__u16 syn_retries;
	__u16 dport; /* PHASE_CALL: the call's destination */
	__u8 daddr[ADDR_LEN];
	__u8 family;
	__u8 phase; /* enum sock_phase */
	__u8 way;   /* this slot is the socket's home + way */
	__u8 pad;
	char comm[COMM_LEN];
	/* The slot's own fields, kept when a socket takes it: */
	__u64 cookie; /* the socket's cookie; 0: the slot is free */
	__u64 homed;  /* bit i: slot (this + i) holds a socket whose home this is */
};

/* README and synscope.8 give the memory the slots take. */
_Static_assert(sizeof(struct sock_state) == 96, "a slot is 96 bytes");

/* Key of the dst_filter LPM trie: family and address, prefixlen counts from family. */
struct dst_key {
	__u32 prefixlen; /* 8 + the network's prefix length */
	__u8 family;
	__u8 addr[ADDR_LEN];
	__u8 pad[3];
};

/* One ring-buffer record, zeroed before it is filled. */
struct conn_event {
	__u64 ts_ns;	   /* attempt, start, retransmit: connect started; close: closed */
	__u64 duration_ns; /* attempt: connect to outcome; retransmit: since connect;
			      close: how long it was established */
	__u64 cgroup_id;
	__u64 sock; /* opaque socket identity, pairs events of one attempt */
	__u32 pid;  /* of the task that connected, for every kind */
	__u32 tid;
	__u32 netns;
	__s32 error; /* positive errno, 0 when none or unknown */
	__u16 sport; /* 0 until the SYN is out, and for local errors */
	__u16 dport;
	__u8 saddr[ADDR_LEN];
	__u8 daddr[ADDR_LEN];
	__u8 kind;    /* enum event_kind */
	__u8 outcome; /* enum outcome, attempts only */
	__u8 family;
	__u8 syn_retries; /* attempts: SYN retransmits seen; retransmits: this one's number */
	char comm[COMM_LEN];
	__u8 open_full; /* established attempts: --max-open was full, no close will follow */
	__u8 pad[7];
};

/*
 * One connect call in progress, keyed by thread id (fentry and kprobe
 * modes, and the tracepoint mode's --connect-errors): carries the call's
 * return value to its attempt.  An attempt that reaches CLOSE inside the
 * call without an error waits here (ev) for that value.
 */
struct connect_call {
	__u64 sock;
	__u64 start_ns;
	__u64 addr;  /* fentry, kprobe: the call's struct sockaddr (kernel memory) */
	__u16 dport; /* the destination: from the cgroup hook or from addr */
	__u8 family;
	__u8 v6;       /* entered through tcp_v6_connect (which calls tcp_v4_connect) */
	__u8 closed;   /* its attempt reached CLOSE inside the call: ev is filled */
	__u8 syn_sent; /* its socket reached SYN_SENT inside the call */
	__u8 pad[2];
	__u8 daddr[ADDR_LEN];
	struct conn_event ev;
};

/* The BPF side reads addresses as 32-bit words: keep them aligned. */
#define ALIGNED_ADDR(type, field)                                       \
	_Static_assert(__builtin_offsetof(struct type, field) % 4 == 0, \
		       #type "." #field " must be 4-byte aligned")
ALIGNED_ADDR(sock_state, daddr);
ALIGNED_ADDR(connect_call, daddr);
ALIGNED_ADDR(conn_event, saddr);
ALIGNED_ADDR(conn_event, daddr);

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
