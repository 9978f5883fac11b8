// SPDX-License-Identifier: GPL-2.0-only
/* The dashboard's formatting: widths, truncation, sparklines, histogram ranges, NO_COLOR. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "dashboard_fmt.h"
#include "format.h"
#include "term.h"

static void test_num_fit(void **state)
{
	char b[NUM_STRLEN];

	(void)state;
	assert_string_equal(num_fit(b, sizeof(b), 0, 4), "0");
	assert_string_equal(num_fit(b, sizeof(b), 1234, 4), "1234");
	assert_string_equal(num_fit(b, sizeof(b), 12345, 4), "12k");
	assert_string_equal(num_fit(b, sizeof(b), 1234567, 4), "1.2M");
	assert_string_equal(num_fit(b, sizeof(b), 1234567, 7), "1234567");
	assert_string_equal(num_fit(b, sizeof(b), 999999, 4), "1.0M"); /* not "1000k" */
	assert_string_equal(num_fit(b, sizeof(b), 9999, 3), "10k");
	assert_string_equal(num_fit(b, sizeof(b), 999700, 3), "1M");
	assert_string_equal(num_fit(b, sizeof(b), 100, 2), "++"); /* never "0k" */
	assert_string_equal(num_fit(b, sizeof(b), 123456789, 5), "123M");
	assert_string_equal(num_fit(b, sizeof(b), UINT64_MAX, 4), "18E");
	assert_string_equal(num_fit(b, sizeof(b), UINT64_MAX, 2), "++");
}

/* Whatever the value, the text fits its column. */
static void test_num_fit_always_fits(void **state)
{
	char b[NUM_STRLEN];
	__u64 v;
	size_t w;

	(void)state;
	for (w = 3; w <= 8; w++) {
		for (v = 1; v < UINT64_MAX / 7; v = v * 7 + 3) {
			assert_true(strlen(num_fit(b, sizeof(b), v, w)) <= w);
			assert_true(strlen(num_fit(b, sizeof(b), v - 1, w)) <= w);
		}
	}
}

static void test_rate_fit(void **state)
{
	char b[NUM_STRLEN];

	(void)state;
	assert_string_equal(rate_fit(b, sizeof(b), 0, 6), "0");
	assert_string_equal(rate_fit(b, sizeof(b), 0.44, 6), "0.4");
	assert_string_equal(rate_fit(b, sizeof(b), 9.9, 6), "9.9");
	assert_string_equal(rate_fit(b, sizeof(b), 12.3, 6), "12");
	assert_string_equal(rate_fit(b, sizeof(b), 1234.5, 4), "1235");
	assert_string_equal(rate_fit(b, sizeof(b), 12345.6, 4), "12k");
}

static void test_latency_fmt(void **state)
{
	char b[NUM_STRLEN];
	__u64 us;

	(void)state;
	assert_string_equal(latency_fmt(b, sizeof(b), 0), "0us");
	assert_string_equal(latency_fmt(b, sizeof(b), 850), "850us");
	assert_string_equal(latency_fmt(b, sizeof(b), 1234), "1.2ms");
	assert_string_equal(latency_fmt(b, sizeof(b), 9999), "10ms");
	assert_string_equal(latency_fmt(b, sizeof(b), 340000), "340ms");
	assert_string_equal(latency_fmt(b, sizeof(b), 999999), "1.0s");
	assert_string_equal(latency_fmt(b, sizeof(b), 3100000), "3.1s");
	assert_string_equal(latency_fmt(b, sizeof(b), 63000000), "63s");
	/* Six columns up to a day. */
	for (us = 1; us < 86400ULL * 1000000; us = us * 3 + 1)
		assert_true(strlen(latency_fmt(b, sizeof(b), us)) <= 6);
}

static void test_endpoint_fit_ipv4(void **state)
{
	__u8 a[ADDR_LEN] = { 198, 18, 0, 2 };
	char b[ENDPOINT_STRLEN];

	(void)state;
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET, a, 8080, 28), "198.18.0.2:8080");
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET, a, 8080, 15), "198.18.0.2:8080");
	/* One column short: the address loses its middle, the port stays. */
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET, a, 8080, 14), "198.~.0.2:8080");
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET, a, 8080, 8), "1~2:8080");
	/* No room for the address: the port, marked as cut. */
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET, a, 8080, 6), "~:8080");
}

static void test_endpoint_fit_ipv6(void **state)
{
	char b[ENDPOINT_STRLEN], full[ENDPOINT_STRLEN];
	__u8 a[ADDR_LEN];
	size_t w;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "2001:2:1234:5678:9abc:def0:1234:5678", a), 1);
	endpoint_fmt(full, sizeof(full), AF_INET6, a, 443);
	assert_string_equal(full, "[2001:2:1234:5678:9abc:def0:1234:5678]:443");
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET6, a, 443, 24),
			    "[2001:2:12~234:5678]:443");
	for (w = 6; w < strlen(full); w++) {
		endpoint_fit(b, sizeof(b), AF_INET6, a, 443, w);
		assert_int_equal(strlen(b), w);
		assert_non_null(strchr(b, '~'));
		assert_string_equal(b + w - 4, ":443"); /* the port always shows */
	}
	assert_int_equal(inet_pton(AF_INET6, "2001:2::2", a), 1);
	assert_string_equal(endpoint_fit(b, sizeof(b), AF_INET6, a, 80, 20), "[2001:2::2]:80");
}

/* Long host names keep their start: the shared fit_fmt() cuts them. */
static void test_hostname_cut(void **state)
{
	const char *host = "a-very-long-service-name.eu-west-1.internal.example.com";
	char b[HOST_LEN];

	(void)state;
	assert_string_equal(fit_fmt(b, sizeof(b), host, 12), "a-very-long~");
	assert_string_equal(fit_fmt(b, sizeof(b), "svc.test", 12), "svc.test");
}

static void test_sparkline_ascii(void **state)
{
	__u32 v[] = { 0, 1, 2, 4, 8, 0, 8 };
	char b[64];

	(void)state;
	assert_int_equal(sparkline(b, sizeof(b), v, 7, 60, false), 7);
	/* zero is blank; the maximum is the top level; others scale up */
	assert_string_equal(b, " .:=@ @");
	/* Narrower than the series: the newest values. */
	assert_int_equal(sparkline(b, sizeof(b), v, 7, 3, false), 3);
	assert_string_equal(b, "@ @");
	/* All zero: blank. */
	memset(v, 0, sizeof(v));
	assert_int_equal(sparkline(b, sizeof(b), v, 7, 60, false), 7);
	assert_string_equal(b, "       ");
}

static void test_sparkline_utf8(void **state)
{
	__u32 v[SERIES_SECONDS] = { 0 };
	char b[SERIES_SECONDS * 4 + 1];

	(void)state;
	v[58] = 1;
	v[59] = 8;
	assert_int_equal(sparkline(b, sizeof(b), v, SERIES_SECONDS, SERIES_SECONDS, true),
			 SERIES_SECONDS);
	assert_int_equal(strlen(b), 58 + 2 * 3); /* blanks, then two 3-byte glyphs */
	assert_string_equal(b + 58, "▁█");
	/* A buffer too small stops at a whole glyph. */
	assert_int_equal(sparkline(b, 60, v, SERIES_SECONDS, SERIES_SECONDS, true), 58);
}

static void test_bar_fmt(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(bar_fmt(b, sizeof(b), 0, 100, 10), "");
	assert_string_equal(bar_fmt(b, sizeof(b), 1, 100, 10), "#"); /* never invisible */
	assert_string_equal(bar_fmt(b, sizeof(b), 50, 100, 10), "#####");
	assert_string_equal(bar_fmt(b, sizeof(b), 100, 100, 10), "##########");
	assert_string_equal(bar_fmt(b, 4, 100, 100, 10), "###");
}

static void test_series_in_order(void **state)
{
	struct series s;
	__u32 out[SERIES_SECONDS];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.newest_second = 1000;
	s.attempts[1000 % SERIES_SECONDS] = 7;	      /* now */
	s.attempts[(1000 - 59) % SERIES_SECONDS] = 3; /* the oldest second kept */
	s.failures[999 % SERIES_SECONDS] = 2;
	series_in_order(&s, false, out);
	assert_int_equal(out[SERIES_SECONDS - 1], 7);
	assert_int_equal(out[0], 3);
	series_in_order(&s, true, out);
	assert_int_equal(out[SERIES_SECONDS - 2], 2);
}

static __u64 ranges_total(const struct hist_range *r, size_t n)
{
	__u64 total = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		total += r[i].count;
		if (i)
			assert_int_equal(r[i].lo, r[i - 1].hi); /* contiguous */
	}
	return total;
}

static void test_hist_group(void **state)
{
	struct hist_range r[HIST_RANGES];
	struct hist h;
	size_t n;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(hist_group(&h, r, HIST_RANGES), 0);
	hist_add(&h, 50);
	hist_add(&h, 150);
	hist_add(&h, 199);
	hist_add(&h, 1200);
	hist_add(&h, 3000000);
	n = hist_group(&h, r, HIST_RANGES);
	/* 50us-100us ... 2s-5s: 3 ranges per decade */
	assert_int_equal(n, 15);
	assert_int_equal(r[0].lo, 50);
	assert_int_equal(r[0].hi, 100);
	assert_int_equal(r[0].count, 1);
	assert_int_equal(r[1].lo, 100);
	assert_int_equal(r[1].count, 2);
	assert_int_equal(r[3].lo, 500);
	assert_int_equal(r[4].lo, 1000);
	assert_int_equal(r[4].count, 1);
	assert_int_equal(r[n - 1].lo, 2000000);
	assert_int_equal(r[n - 1].hi, 5000000);
	assert_int_equal(r[n - 1].count, 1);
	assert_int_equal(ranges_total(r, n), 5);
	/* Fewer lines: adjacent ranges merge, nothing is lost. */
	n = hist_group(&h, r, 4);
	assert_true(n <= 4);
	assert_int_equal(r[0].lo, 50);
	assert_int_equal(r[n - 1].hi, 5000000);
	assert_int_equal(ranges_total(r, n), 5);
	n = hist_group(&h, r, 1);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].count, 5);
}

static void test_hist_group_small_and_huge(void **state)
{
	struct hist_range r[HIST_RANGES];
	struct hist h;
	size_t n;

	(void)state;
	memset(&h, 0, sizeof(h));
	hist_add(&h, 3);
	n = hist_group(&h, r, HIST_RANGES);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].lo, 0);
	assert_int_equal(r[0].hi, 10);
	hist_add(&h, 1ULL << 45); /* clamped to the last bucket */
	n = hist_group(&h, r, HIST_RANGES);
	assert_int_equal(ranges_total(r, n), 2);
}

static void test_range_label(void **state)
{
	struct hist_range r[] = {
		{ 0, 10, 0 },	      { 100, 200, 0 },
		{ 500, 1000, 0 },     { 2000000, 5000000, 0 },
		{ 50000, 200000, 0 }, { 1000000000, RANGE_OPEN_HI, 0 },
	};
	char b[LABEL_STRLEN];

	(void)state;
	assert_string_equal(range_label(b, sizeof(b), &r[0]), "<10us");
	assert_string_equal(range_label(b, sizeof(b), &r[1]), "100us-200us");
	assert_string_equal(range_label(b, sizeof(b), &r[2]), "500us-1ms");
	assert_string_equal(range_label(b, sizeof(b), &r[3]), "2s-5s");
	assert_string_equal(range_label(b, sizeof(b), &r[4]), "50ms-200ms");
	assert_string_equal(range_label(b, sizeof(b), &r[5]), ">=1000s");
}

static void test_verdict_class_and_filter(void **state)
{
	(void)state;
	assert_int_equal(verdict_class("ok"), VERDICT_OK);
	assert_int_equal(verdict_class("stalling"), VERDICT_WARN);
	assert_int_equal(verdict_class("connect-timeout"), VERDICT_FAIL);
	assert_int_equal(verdict_class("dns-ok/connect-refused"), VERDICT_FAIL);
	assert_true(text_contains("Svc.Test", "svc.t"));
	assert_true(text_contains("198.18.0.2:8081", "0.2:80"));
	assert_true(text_contains("anything", ""));
	assert_false(text_contains("198.18.0.2:8081", "8082"));
}

static void test_no_color(void **state)
{
	(void)state;
	unsetenv("NO_COLOR");
	assert_false(term_no_color());
	setenv("NO_COLOR", "", 1);
	assert_false(term_no_color()); /* set but empty: colours stay */
	setenv("NO_COLOR", "1", 1);
	assert_true(term_no_color());
	unsetenv("NO_COLOR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num_fit),
		cmocka_unit_test(test_num_fit_always_fits),
		cmocka_unit_test(test_rate_fit),
		cmocka_unit_test(test_latency_fmt),
		cmocka_unit_test(test_endpoint_fit_ipv4),
		cmocka_unit_test(test_endpoint_fit_ipv6),
		cmocka_unit_test(test_hostname_cut),
		cmocka_unit_test(test_sparkline_ascii),
		cmocka_unit_test(test_sparkline_utf8),
		cmocka_unit_test(test_bar_fmt),
		cmocka_unit_test(test_series_in_order),
		cmocka_unit_test(test_hist_group),
		cmocka_unit_test(test_hist_group_small_and_huge),
		cmocka_unit_test(test_range_label),
		cmocka_unit_test(test_verdict_class_and_filter),
		cmocka_unit_test(test_no_color),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
