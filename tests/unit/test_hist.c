// SPDX-License-Identifier: GPL-2.0-only
/* Log-linear histogram: bucket bounds and percentiles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "hist.h"

static void test_small_values_exact(void **state)
{
	struct hist h;
	__u64 v;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (v = 0; v < HIST_SUB; v++)
		assert_int_equal(hist_bucket_of(v), v);
	for (v = 1; v <= 10; v++)
		hist_add(&h, v);
	assert_int_equal(hist_percentile(&h, 0.5), 5);
	assert_int_equal(hist_percentile(&h, 0.9), 9);
	assert_int_equal(hist_percentile(&h, 0.99), 10);
	assert_int_equal(hist_percentile(&h, 1.0), 10);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 10);
}

/* Every value falls within its bucket's range, and the bucket is narrow. */
static void test_bucket_ranges(void **state)
{
	__u64 v, lo, hi;

	(void)state;
	for (v = 1; v < (1ULL << 39); v = v * 3 + 1) {
		unsigned int i = hist_bucket_of(v);

		hist_bucket_range(i, &lo, &hi);
		assert_true(lo <= v && v <= hi);
		assert_true((hi - lo) * HIST_SUB <= lo || lo < HIST_SUB);
	}
	/* Consecutive buckets tile the value range without gaps. */
	for (unsigned int i = 1; i < HIST_BUCKETS; i++) {
		__u64 plo, phi;

		hist_bucket_range(i - 1, &plo, &phi);
		hist_bucket_range(i, &lo, &hi);
		assert_int_equal(lo, phi + 1);
	}
}

static void test_percentile_error_bounded(void **state)
{
	struct hist h;
	__u64 v;

	(void)state;
	memset(&h, 0, sizeof(h));
	/* 1000 values 1000, 2000, ..., 1000000 us */
	for (v = 1; v <= 1000; v++)
		hist_add(&h, v * 1000);
	assert_in_range(hist_percentile(&h, 0.50), 500000, 500000 + 500000 / HIST_SUB);
	assert_in_range(hist_percentile(&h, 0.90), 900000, 900000 + 900000 / HIST_SUB);
	assert_in_range(hist_percentile(&h, 0.99), 990000, 1000000);
	assert_int_equal(hist_percentile(&h, 1.0), 1000000);
}

static void test_single_value_and_empty(void **state)
{
	struct hist h;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(hist_percentile(&h, 0.5), 0);
	hist_add(&h, 123457);
	assert_int_equal(hist_percentile(&h, 0.5), 123457);
	assert_int_equal(hist_percentile(&h, 0.99), 123457);
	assert_int_equal(h.count, 1);
}

static void test_huge_values_clamped(void **state)
{
	struct hist h;

	(void)state;
	memset(&h, 0, sizeof(h));
	hist_add(&h, ~0ULL);
	assert_true(hist_bucket_of(~0ULL) < HIST_BUCKETS);
	assert_int_equal(h.max, ~0ULL);
	assert_int_equal(hist_percentile(&h, 0.5), ~0ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_bucket_ranges),
		cmocka_unit_test(test_percentile_error_bounded),
		cmocka_unit_test(test_single_value_and_empty),
		cmocka_unit_test(test_huge_values_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
