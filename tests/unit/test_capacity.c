// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capacity logic driven with synthetic time series: a count flat at a
 * limit, flat elsewhere, rising, noisy, held below its own peak, at k times
 * the limit; the edges of "flat" (the window, the tolerance) and of a match
 * (2%); the warning's crossings; the concurrent peak with attempts found not
 * carried; the advice; churn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "capacity.h"

#define MS 1000000ULL
#define S  1000000000ULL
#define T0 (100 * S) /* series start here: slice 400 */

static struct capacity_limits limits(__u64 nat_limit, __u32 nat_ips, __u64 eni_limit, __u32 enis)
{
	struct capacity_limits l = capacity_defaults;

	l.nat_limit = nat_limit;
	l.nat_ips = nat_ips;
	l.eni_limit = eni_limit;
	l.enis = enis;
	return l;
}

/* open rises from 0 to level in steps of 1 over the first 500 ms after T0. */
static void rise_to(struct capacity *cap, __u64 level)
{
	__u64 i;

	for (i = 1; i <= level; i++)
		capacity_update(cap, i, 0, 0, T0 + i * 500 * MS / level);
}

static const char *cause(const struct capacity *cap)
{
	static char buf[CAPACITY_CAUSE_LEN];

	return capacity_cause(cap, buf, sizeof(buf));
}

static void test_match_edges(void **state)
{
	(void)state;
	assert_int_equal(capacity_match(55000, 55000, 1), 1);
	assert_int_equal(capacity_match(53900, 55000, 1), 1); /* 98% */
	assert_int_equal(capacity_match(53899, 55000, 1), 0);
	assert_int_equal(capacity_match(56100, 55000, 1), 1); /* 102% */
	assert_int_equal(capacity_match(56101, 55000, 1), 0);
	assert_int_equal(capacity_match(110000, 55000, 2), 2);
	assert_int_equal(capacity_match(107800, 55000, 2), 2);
	assert_int_equal(capacity_match(107799, 55000, 2), 0);
	assert_int_equal(capacity_match(110000, 55000, 1), 0); /* k <= --nat-ips only */
	assert_int_equal(capacity_match(0, 55000, 8), 0);
	/* k = 8, the most a NAT Gateway has: 440,000, 2% either side, and only with 8 allowed. */
	assert_int_equal(capacity_match(440000, 55000, 8), 8);
	assert_int_equal(capacity_match(431200, 55000, 8), 8); /* exactly 98% */
	assert_int_equal(capacity_match(431199, 55000, 8),
			 0); /* nor 7: 7 x 55,000 x 1.02 = 392,700 */
	assert_int_equal(capacity_match(448800, 55000, 8), 8); /* exactly 102% */
	assert_int_equal(capacity_match(448801, 55000, 8), 0);
	assert_int_equal(capacity_match(440000, 55000, 7), 0);
	/* k and k + 1 never both match: between them, neither. */
	assert_int_equal(capacity_match(392700, 55000, 8), 7);
	assert_int_equal(capacity_match(392701, 55000, 8), 0);
}

/* A destination's open count rises to level and stays: the cause of its plateau. */
static const char *plateau_cause(__u64 nat_limit, __u32 nat_ips, __u64 level)
{
	struct capacity_limits l = limits(nat_limit, nat_ips, 65000, 1);
	struct capacity cap;

	capacity_init(&cap, &l, false);
	rise_to(&cap, level);
	assert_int_equal(capacity_turned_away(&cap, T0 + 5 * S), NOTICE_PLATEAU);
	assert_int_equal(cap.capped_at, level);
	return cause(&cap); /* its own buffer */
}

/* The 2% edge as a plateau: flat at exactly 98% or 102% of the limit is named, past them not. */
static void test_plateau_match_edge(void **state)
{
	(void)state;
	assert_string_equal(plateau_cause(200, 1, 196), "NAT Gateway port allocation, 1 address");
	assert_string_equal(plateau_cause(200, 1, 195), "");
	assert_string_equal(plateau_cause(200, 1, 204), "NAT Gateway port allocation, 1 address");
	assert_string_equal(plateau_cause(200, 1, 205), "");
	assert_string_equal(plateau_cause(200, 8, 1600),
			    "NAT Gateway port allocation, 8 addresses");
}

/* Flat at the limit: found once the rise is out of the 2.75-3 s window, and named. */
static void test_flat_at_the_limit(void **state)
{
	struct capacity_limits l = limits(200, 1, 65000, 1);
	struct capacity cap;

	(void)state;
	capacity_init(&cap, &l, false);
	rise_to(&cap, 200);
	/* A dip in slice 402 (100.5 to 100.75 s): the window holds it until slice 414. */
	capacity_update(&cap, 150, 0, 0, T0 + 600 * MS);
	capacity_update(&cap, 200, 100, 0, T0 + 700 * MS);
	assert_int_equal(capacity_turned_away(&cap, T0 + 1 * S), 0);
	assert_int_equal(capacity_turned_away(&cap, T0 + 3490 * MS), 0);
	assert_int_equal(cap.capped_at, 0);
	assert_int_equal(capacity_turned_away(&cap, T0 + 3500 * MS), NOTICE_PLATEAU);
	assert_int_equal(cap.capped_at, 200);
	assert_string_equal(cause(&cap), "NAT Gateway port allocation, 1 address");
	assert_true(cap.notices & NOTICE_PLATEAU);
	assert_true(capacity_alarm(&cap));
	/* Once per crossing. */
	assert_int_equal(capacity_turned_away(&cap, T0 + 4 * S), 0);
	/* Demand 300 at 200 per address: 2 addresses. */
	assert_int_equal(cap.demand_peak, 300);
	assert_int_equal(capacity_needed(&cap), 2);
	assert_int_equal(capacity_total(&cap), 200);
}

/* Flat at a level no limit explains: capped_at, no cause; the host against its ENIs. */
static void test_flat_elsewhere_and_host_wide(void **state)
{
	struct capacity_limits l = limits(200, 1, 300, 2);
	struct capacity cap, host;

	(void)state;
	capacity_init(&cap, &l, false);
	rise_to(&cap, 101);
	assert_int_equal(capacity_turned_away(&cap, T0 + 5 * S), NOTICE_PLATEAU);
	assert_int_equal(cap.capped_at, 101);
	assert_int_equal(cap.cause_k, 0);
	assert_string_equal(cause(&cap), "");

	capacity_init(&host, &l, true);
	rise_to(&host, 300);
	assert_int_equal(capacity_turned_away(&host, T0 + 5 * S), NOTICE_PLATEAU);
	assert_string_equal(cause(&host), "Hyperplane ENI, 1 ENI");
	assert_int_equal(capacity_total(&host), 600);
	capacity_init(&host, &l, true);
	rise_to(&host, 600);
	assert_int_equal(capacity_turned_away(&host, T0 + 5 * S), NOTICE_PLATEAU);
	assert_string_equal(cause(&host), "Hyperplane ENI, 2 ENIs");
}

/* Destination i of n, each flat at level[i]; the host flat at their sum; all turned away. */
static void capped_together(struct capacity *host, struct capacity *dest, const __u64 *level,
			    unsigned int n, const struct capacity_limits *l)
{
	__u64 sum = 0;
	unsigned int i;

	capacity_init(host, l, true);
	for (i = 0; i < n; i++) {
		capacity_init(&dest[i], l, false);
		rise_to(&dest[i], level[i]);
		sum += level[i];
	}
	rise_to(host, sum);
	for (i = 0; i < n; i++) {
		capacity_turned_away(&dest[i], T0 + 5 * S);
		capacity_turned_away(host, T0 + 5 * S);
		capacity_caused_by(host, &dest[i]);
	}
}

/*
 * A host-wide plateau no ENI limit explains is down to the destinations at a
 * plateau of their own that names a limit; at one that names none, it is
 * unknown; the ENI, when it explains the host's, comes first.
 */
static void test_host_capped_by_destinations(void **state)
{
	struct capacity_limits l = limits(200, 1, 65000, 1);
	const __u64 nat_and_backlog[] = { 200, 101 }, five_nats[] = { 200, 200, 200, 200, 200 };
	struct capacity host, dest[5];
	unsigned int i;

	(void)state;
	capped_together(&host, dest, nat_and_backlog, 2, &l);
	assert_int_equal(host.capped_at, 301);
	assert_int_equal(host.cause_k, 0);
	assert_int_equal(host.n_capped_by, 1);
	assert_ptr_equal(host.capped_by[0], &dest[0]);
	assert_int_equal(capacity_limit_hit(&host), LIMIT_NAT);
	assert_int_equal(capacity_limit_hit(&dest[0]), LIMIT_NAT);
	assert_int_equal(capacity_limit_hit(&dest[1]), LIMIT_UNKNOWN);
	assert_string_equal(capacity_limit_names[capacity_limit_hit(&host)], "nat_gateway");
	/* Each destination counts once per host plateau, however many attempts it turns away. */
	for (i = 0; i < 10; i++) {
		capacity_turned_away(&dest[0], T0 + 5 * S + i * MS);
		capacity_turned_away(&host, T0 + 5 * S + i * MS);
		capacity_caused_by(&host, &dest[0]);
	}
	assert_int_equal(host.n_capped_by, 1);

	/* Only the backlog's: unknown. */
	capped_together(&host, dest, nat_and_backlog + 1, 1, &l);
	assert_int_equal(host.n_capped_by, 0);
	assert_int_equal(capacity_limit_hit(&host), LIMIT_UNKNOWN);
	assert_string_equal(capacity_limit_names[LIMIT_UNKNOWN], "unknown");

	/* Five capped: the first CAPACITY_BY_MAX kept, all counted. */
	capped_together(&host, dest, five_nats, 5, &l);
	assert_int_equal(host.n_capped_by, 5);
	for (i = 0; i < CAPACITY_BY_MAX; i++)
		assert_ptr_equal(host.capped_by[i], &dest[i]);

	/* The host's count rises past its plateau, then is flat again: the list starts again. */
	capacity_update(&host, 1100, 0, 0, T0 + 6 * S);
	assert_false(host.plateau);
	assert_int_equal(capacity_turned_away(&host, T0 + 10 * S), NOTICE_PLATEAU);
	assert_int_equal(host.capped_at, 1100);
	assert_int_equal(host.n_capped_by, 0);
	capacity_caused_by(&host, &dest[4]); /* still at its own plateau */
	assert_int_equal(host.n_capped_by, 1);
	capacity_update(&dest[3], 50, 0, 0, T0 + 6 * S); /* its plateau ended */
	capacity_caused_by(&host, &dest[3]);
	assert_int_equal(host.n_capped_by, 1);
	assert_ptr_equal(host.capped_by[0], &dest[4]);

	/* At the ENI's limit the host names the ENI, whatever the destinations say. */
	l = limits(200, 1, 400, 1);
	capped_together(&host, dest, five_nats, 2, &l);
	assert_int_equal(host.n_capped_by, 2);
	assert_int_equal(capacity_limit_hit(&host), LIMIT_ENI);
	assert_string_equal(cause(&host), "Hyperplane ENI, 1 ENI");

	/* No plateau: no limit. */
	capacity_init(&host, &l, true);
	rise_to(&host, 300);
	assert_int_equal(capacity_limit_hit(&host), LIMIT_NONE);
}

/* Still rising: never flat, however many attempts time out. */
static void test_rising(void **state)
{
	struct capacity cap;
	__u64 t;

	(void)state;
	capacity_init(&cap, NULL, false);
	for (t = 0; t < 20 * S; t += 10 * MS) {
		capacity_update(&cap, t / (10 * MS), 0, 0, T0 + t);
		assert_int_equal(capacity_turned_away(&cap, T0 + t), 0);
	}
	assert_int_equal(cap.capped_at, 0);
}

/* Noisy: 195 to 205 and back every 50 ms is not flat (tolerance 1 at 205). */
static void test_noisy(void **state)
{
	struct capacity cap;
	__u64 t;

	(void)state;
	capacity_init(&cap, NULL, false);
	for (t = 0; t < 20 * S; t += 50 * MS) {
		capacity_update(&cap, (t / (50 * MS)) % 2 ? 205 : 195, 0, 0, T0 + t);
		assert_int_equal(capacity_turned_away(&cap, T0 + t), 0);
	}
}

/* The tolerance's edge: 0.5% of the highest value in the window, rounded down. */
static void test_tolerance_edges(void **state)
{
	struct capacity a, b;

	(void)state;
	capacity_init(&a, NULL, false);
	capacity_init(&b, NULL, false);
	rise_to(&a, 20000);
	rise_to(&b, 20000);
	capacity_update(&a, 19900, 0, 0, T0 + 5 * S); /* 100 below: within 20000 / 200 */
	capacity_update(&b, 19899, 0, 0, T0 + 5 * S); /* 101 below */
	capacity_update(&a, 20000, 0, 0, T0 + 5100 * MS);
	capacity_update(&b, 20000, 0, 0, T0 + 5100 * MS);
	assert_int_equal(capacity_turned_away(&a, T0 + 6 * S), NOTICE_PLATEAU);
	assert_int_equal(a.capped_at, 20000);
	assert_int_equal(capacity_turned_away(&b, T0 + 6 * S), 0);
	/* Small counts must be exactly flat: 2 then 3 is a rise, not a plateau. */
	capacity_init(&a, NULL, false);
	capacity_update(&a, 2, 0, 0, T0);
	capacity_update(&a, 3, 0, 0, T0 + 2 * S);
	assert_int_equal(capacity_turned_away(&a, T0 + 3 * S), 0);
	assert_int_equal(capacity_turned_away(&a, T0 + 5500 * MS), NOTICE_PLATEAU);
	assert_int_equal(a.capped_at, 3);
}

/* Held below its own peak (connections closed), or at zero: no cap. */
static void test_below_peak_and_zero(void **state)
{
	struct capacity cap;

	(void)state;
	capacity_init(&cap, NULL, false);
	rise_to(&cap, 300);
	capacity_update(&cap, 200, 0, 0, T0 + 1 * S);
	assert_int_equal(capacity_turned_away(&cap, T0 + 10 * S), 0);
	capacity_init(&cap, NULL, false);
	capacity_update(&cap, 0, 50, 50, T0);
	assert_int_equal(capacity_turned_away(&cap, T0 + 10 * S), 0);
	assert_int_equal(cap.capped_at, 0);
}

/* k addresses: 2 x 55,000, named only when --nat-ips allows 2. */
static void test_multiple_k(void **state)
{
	struct capacity_limits two = limits(55000, 2, 65000, 1), one = limits(55000, 1, 65000, 1);
	struct capacity cap;

	(void)state;
	capacity_init(&cap, &two, false);
	rise_to(&cap, 110000);
	capacity_update(&cap, 110000, 20000, 15000, T0 + 1 * S);
	assert_int_equal(capacity_turned_away(&cap, T0 + 5 * S), NOTICE_PLATEAU);
	assert_string_equal(cause(&cap), "NAT Gateway port allocation, 2 addresses");
	assert_int_equal(capacity_needed(&cap), 3); /* 130,000 / 55,000 */
	capacity_init(&cap, &one, false);
	rise_to(&cap, 110000);
	assert_int_equal(capacity_turned_away(&cap, T0 + 5 * S), NOTICE_PLATEAU);
	assert_int_equal(cap.capped_at, 110000);
	assert_string_equal(cause(&cap), "");
}

/* A plateau ends when the count leaves it; the next one is told again. */
static void test_plateau_ends_and_returns(void **state)
{
	struct capacity_limits l = limits(200, 1, 65000, 1);
	struct capacity cap;

	(void)state;
	capacity_init(&cap, &l, false);
	rise_to(&cap, 200);
	assert_int_equal(capacity_turned_away(&cap, T0 + 4 * S), NOTICE_PLATEAU);
	cap.notices = 0;
	capacity_update(&cap, 150, 0, 0, T0 + 5 * S);
	assert_false(cap.plateau);
	assert_int_equal(cap.capped_at, 200); /* what was seen stays */
	capacity_update(&cap, 200, 0, 0, T0 + 6 * S);
	assert_int_equal(capacity_turned_away(&cap, T0 + 7 * S), 0); /* 150 still in the window */
	assert_int_equal(capacity_turned_away(&cap, T0 + 9 * S), NOTICE_PLATEAU);
}

/* The warning: once at 80%, again only after falling below 72% (90% of it). */
static void test_warn_crossing(void **state)
{
	struct capacity_limits l = limits(100, 1, 65000, 1);
	struct capacity cap;

	(void)state;
	capacity_init(&cap, &l, false);
	assert_int_equal(capacity_update(&cap, 79, 0, 0, T0), 0);
	assert_int_equal(capacity_update(&cap, 79, 1, 0, T0 + 1), NOTICE_WARN);
	assert_int_equal(cap.warn_concurrent, 80);
	assert_true(capacity_used_pct(&cap) == 80.0);
	assert_int_equal(capacity_update(&cap, 85, 0, 0, T0 + 2), 0);
	assert_int_equal(capacity_update(&cap, 72, 0, 0, T0 + 3), 0);
	assert_int_equal(capacity_update(&cap, 80, 0, 0, T0 + 4), 0);
	assert_int_equal(capacity_update(&cap, 71, 0, 0, T0 + 5), 0);
	assert_false(cap.warned);
	assert_int_equal(capacity_update(&cap, 80, 0, 0, T0 + 6), NOTICE_WARN);
	/* Attempts retrying SYNs are not carried: not in concurrent, not in the warning. */
	capacity_init(&cap, &l, false);
	assert_int_equal(capacity_update(&cap, 50, 60, 40, T0), 0);
	assert_int_equal(cap.concurrent, 70);
	assert_int_equal(cap.demand, 110);
}

/*
 * A burst: 100 attempts start 1 ms apart; 70 establish within 1 ms, 30 find
 * no port and retransmit their SYN 1 s later.  The concurrent peak is what
 * was carried, 70, though 100 were in flight at once for a while.
 */
static void test_concurrent_peak_takes_out_the_not_carried(void **state)
{
	struct capacity cap;
	__u64 i, open = 0, inflight = 0, retrying = 0;

	(void)state;
	capacity_init(&cap, NULL, false);
	for (i = 0; i < 100; i++) {
		__u64 start = T0 + i * MS;

		inflight++;
		capacity_update(&cap, open, inflight, retrying, start);
		if (i < 70) {
			inflight--, open++;
			capacity_update(&cap, open, inflight, retrying, start + 500000);
		}
	}
	assert_int_equal(capacity_concurrent_peak(&cap), 100); /* not known yet */
	for (i = 70; i < 100; i++) {
		capacity_not_carried(&cap, T0 + i * MS, T0 + i * MS + S);
		retrying++;
		capacity_update(&cap, open, inflight, retrying, T0 + i * MS + S);
	}
	assert_int_equal(capacity_concurrent_peak(&cap), 70);
	assert_int_equal(cap.demand_peak, 100);
	assert_int_equal(cap.concurrent, 70);
	/* The history folds: the peak stays. */
	capacity_update(&cap, open, inflight, retrying, T0 + 10 * S);
	assert_int_equal(capacity_concurrent_peak(&cap), 70);
	/* Found out after the history (2.56 s) has folded: the peak keeps it. */
	inflight++;
	capacity_update(&cap, open, inflight, retrying, T0 + 20 * S);
	capacity_not_carried(&cap, T0 + 20 * S, T0 + 25 * S);
	retrying++;
	capacity_update(&cap, open, inflight, retrying, T0 + 25 * S);
	assert_int_equal(capacity_concurrent_peak(&cap), 71);
}

/* Churn: 100 closes or more, with a median lifetime under 1 s, are not reused connections. */
static void test_churn(void **state)
{
	struct capacity cap;
	int i;

	(void)state;
	capacity_init(&cap, NULL, false);
	for (i = 0; i < 99; i++)
		capacity_closed(&cap, 20 * MS);
	assert_false(capacity_not_reused(&cap));
	capacity_closed(&cap, 20 * MS);
	assert_true(capacity_not_reused(&cap));
	assert_true(capacity_lifetime_p50(&cap) >= 19000 && capacity_lifetime_p50(&cap) <= 20000);
	for (i = 0; i < 101; i++)
		capacity_closed(&cap, 5 * S);
	assert_false(capacity_not_reused(&cap)); /* the median lives 5 s */
	capacity_connect(&cap, T0 + 10 * S);
	capacity_connect(&cap, T0);
	capacity_connect(&cap, T0 + 5 * S);
	assert_true(capacity_connect_rate(&cap, 100) == 10.0);
	capacity_init(&cap, NULL, false);
	capacity_connect(&cap, T0);
	assert_true(capacity_connect_rate(&cap, 3) == 3.0); /* at least 1 s */
}

/* Advice: ceil(demand peak / limit); none without demand; the defaults without limits. */
static void test_needed(void **state)
{
	struct capacity cap;

	(void)state;
	capacity_init(&cap, NULL, false);
	assert_int_equal(capacity_needed(&cap), 0);
	capacity_update(&cap, 55000, 0, 0, T0);
	assert_int_equal(capacity_needed(&cap), 1);
	capacity_update(&cap, 55000, 1, 1, T0);
	assert_int_equal(capacity_needed(&cap), 2);
	/* 8 addresses, the most one NAT Gateway has, then 9 */
	capacity_update(&cap, 440000, 0, 0, T0);
	assert_int_equal(capacity_needed(&cap), 8);
	capacity_update(&cap, 440000, 1, 1, T0);
	assert_int_equal(capacity_needed(&cap), 9);
	capacity_update(&cap, 495001, 0, 0, T0);
	assert_int_equal(capacity_needed(&cap), 10); /* beyond one NAT Gateway's 8 */
	assert_int_equal(capacity_total(&cap), DEFAULT_NAT_LIMIT);
	assert_string_equal(capacity_unit_name(&cap, 2), "addresses");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_edges),
		cmocka_unit_test(test_plateau_match_edge),
		cmocka_unit_test(test_flat_at_the_limit),
		cmocka_unit_test(test_flat_elsewhere_and_host_wide),
		cmocka_unit_test(test_host_capped_by_destinations),
		cmocka_unit_test(test_rising),
		cmocka_unit_test(test_noisy),
		cmocka_unit_test(test_tolerance_edges),
		cmocka_unit_test(test_below_peak_and_zero),
		cmocka_unit_test(test_multiple_k),
		cmocka_unit_test(test_plateau_ends_and_returns),
		cmocka_unit_test(test_warn_crossing),
		cmocka_unit_test(test_concurrent_peak_takes_out_the_not_carried),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_needed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
