/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Log-linear histogram: values below 2^HIST_SUB_BITS are counted exactly;
 * above, each power of two is split into 2^HIST_SUB_BITS equal buckets, so a
 * percentile is off by at most 1/2^HIST_SUB_BITS (6.25%) of its value, and
 * never more than the largest value recorded.
 */
#ifndef SYNSCOPE_HIST_H
#define SYNSCOPE_HIST_H

#include <linux/types.h>

#define HIST_SUB_BITS 4
#define HIST_SUB      (1U << HIST_SUB_BITS)
#define HIST_MAX_BITS 40 /* values are clamped below 2^40 (12 days in us) */
#define HIST_BUCKETS  ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	__u64 count;
	__u64 min;
	__u64 max;
	__u64 sum;
	__u64 buckets[HIST_BUCKETS];
};

void hist_add(struct hist *h, __u64 value);

/* The value below which a fraction p (0..1) of the values fall; 0 if empty. */
__u64 hist_percentile(const struct hist *h, double p);

/* Smallest and largest value counted in bucket i. */
void hist_bucket_range(unsigned int i, __u64 *lo, __u64 *hi);

/* Bucket that counts value. */
unsigned int hist_bucket_of(__u64 value);

#endif
