/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exact counts of latencies in fixed buckets: the buckets of the exported
 * histograms (Prometheus "le" bounds).  The log-linear struct hist cannot
 * give them exactly (its bucket around 1 s spans 0.983 to 1.016 s), so the
 * collector counts each latency here too, from its nanoseconds.
 *
 * The handshake buckets put an attempt that needed k SYN retransmissions in
 * buckets of its own, whichever schedule the kernel used: a retransmission
 * is never sent early, so a handshake that needed k lasted at least until
 * the k-th was sent, and less than until the (k+1)-th was.  The bounds are
 * the union of both schedules' retransmission times, measured on 6.18:
 *   exponential (tcp_syn_linear_timeouts=0): 1, 3, 7, 15, 31, 63 s
 *   linear (the default 4 since 6.5): 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s
 * and, below them, buckets for the fast path down to 25 us.
 */
#ifndef SYNSCOPE_BUCKETS_H
#define SYNSCOPE_BUCKETS_H

#include <linux/types.h>

#define BUCKETS_MAX 28 /* bounds of the largest set; one more bucket counts what is above */

struct bucket_bound {
	__u64 ns;	/* counts latencies at or below this (and above the previous bound) */
	const char *le; /* the same in seconds, as the exposition writes it: "0.000025" */
};

struct bucket_set {
	unsigned int n; /* bounds; at most BUCKETS_MAX */
	const struct bucket_bound *bounds;
};

/* Counts per bucket (not cumulative): count[n] is above every bound. */
struct bucket_counts {
	__u64 count[BUCKETS_MAX + 1];
	__u64 sum_ns;
};

/* Connect handshakes, 25 us to 127 s; DNS lookups, 100 us to 10 s. */
extern const struct bucket_set handshake_buckets;
extern const struct bucket_set dns_buckets;

void buckets_add(struct bucket_counts *b, const struct bucket_set *set, __u64 ns);

/* Add every count of from to to. */
void buckets_sum(struct bucket_counts *to, const struct bucket_counts *from);

/* Latencies counted. */
__u64 buckets_total(const struct bucket_counts *b);

#endif
