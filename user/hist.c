// SPDX-License-Identifier: GPL-2.0-only
#include "hist.h"

#define HIST_LIMIT ((1ULL << HIST_MAX_BITS) - 1)

unsigned int hist_bucket_of(__u64 value)
{
	unsigned int msb, group;

	if (value > HIST_LIMIT)
		value = HIST_LIMIT;
	if (value < HIST_SUB)
		return value;
	msb = 63 - __builtin_clzll(value);
	group = msb - HIST_SUB_BITS + 1;
	return group * HIST_SUB + (unsigned int)((value >> (group - 1)) - HIST_SUB);
}

void hist_bucket_range(unsigned int i, __u64 *lo, __u64 *hi)
{
	unsigned int group = i / HIST_SUB, sub = i % HIST_SUB;

	if (!group) {
		*lo = *hi = i;
		return;
	}
	*lo = (__u64)(HIST_SUB + sub) << (group - 1);
	*hi = *lo + (1ULL << (group - 1)) - 1;
}

void hist_add(struct hist *h, __u64 value)
{
	if (!h->count || value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	h->count++;
	h->sum += value;
	h->buckets[hist_bucket_of(value)]++;
}

__u64 hist_percentile(const struct hist *h, double p)
{
	__u64 rank, seen = 0, lo, hi;
	unsigned int i;

	if (!h->count)
		return 0;
	if (p <= 0)
		return h->min;
	/* The smallest value with at least ceil(p * count) values at or below it. */
	rank = (__u64)(p * h->count);
	if (rank < p * h->count || !rank)
		rank++;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	hist_bucket_range(i < HIST_BUCKETS ? i : HIST_BUCKETS - 1, &lo, &hi);
	if (hi > h->max)
		hi = h->max;
	if (hi < h->min)
		hi = h->min;
	return hi;
}
