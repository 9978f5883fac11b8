// SPDX-License-Identifier: GPL-2.0-only
#include "buckets.h"

#define US(n) ((__u64)(n)*1000ULL)
#define MS(n) ((__u64)(n)*1000000ULL)
#define S(n)  ((__u64)(n)*1000000000ULL)

/* From 100 us to 500 ms in 1-2.5-5 steps. */
/* clang-format off */
#define FAST_BOUNDS \
	{ US(100), "0.0001" }, { US(250), "0.00025" }, { US(500), "0.0005" }, \
	{ MS(1), "0.001" }, { MS(2) + US(500), "0.0025" }, { MS(5), "0.005" }, \
	{ MS(10), "0.01" }, { MS(25), "0.025" }, { MS(50), "0.05" }, \
	{ MS(100), "0.1" }, { MS(250), "0.25" }, { MS(500), "0.5" }
/* clang-format on */

static const struct bucket_bound handshake_bounds[] = {
	/* the fast path: loopback, the same rack, the same region */
	{ US(25), "0.000025" },
	{ US(50), "0.00005" },
	FAST_BOUNDS,
	/* SYN retransmissions: linear 1, 2, 3, 4, 5, 7, 11, 19, 35, 67; exponential 1, 3, 7, ... */
	{ S(1), "1" },
	{ S(2), "2" },
	{ S(3), "3" },
	{ S(4), "4" },
	{ S(5), "5" },
	{ S(7), "7" },
	{ S(11), "11" },
	{ S(15), "15" },
	{ S(19), "19" },
	{ S(31), "31" },
	{ S(35), "35" },
	{ S(63), "63" },
	{ S(67), "67" },
	{ S(127), "127" },
};

static const struct bucket_bound dns_bounds[] = {
	FAST_BOUNDS,
	/* resolvers retry after 1 s (options timeout:1), glibc after 5 s by default */
	{ S(1), "1" },
	{ S(2), "2" },
	{ S(5), "5" },
	{ S(10), "10" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(N(handshake_bounds) <= BUCKETS_MAX, "BUCKETS_MAX too small");
_Static_assert(N(dns_bounds) <= BUCKETS_MAX, "BUCKETS_MAX too small");

const struct bucket_set handshake_buckets = { N(handshake_bounds), handshake_bounds };
const struct bucket_set dns_buckets = { N(dns_bounds), dns_bounds };

void buckets_add(struct bucket_counts *b, const struct bucket_set *set, __u64 ns)
{
	unsigned int lo = 0, hi = set->n;

	/* The first bound at or above ns: binary search. */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (set->bounds[mid].ns < ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	b->count[lo]++;
	b->sum_ns += ns;
}

void buckets_sum(struct bucket_counts *to, const struct bucket_counts *from)
{
	unsigned int i;

	for (i = 0; i <= BUCKETS_MAX; i++)
		to->count[i] += from->count[i];
	to->sum_ns += from->sum_ns;
}

__u64 buckets_total(const struct bucket_counts *b)
{
	__u64 n = 0;
	unsigned int i;

	for (i = 0; i <= BUCKETS_MAX; i++)
		n += b->count[i];
	return n;
}
