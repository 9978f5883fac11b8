// SPDX-License-Identifier: GPL-2.0-only
/* Outcome classification, names and the text forms shared by the outputs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "cli.h"
#include "connect.h"
#include "format.h"

static void test_sk_error_classification(void **state)
{
	(void)state;
	assert_int_equal(outcome_of_sk_error(ECONNREFUSED), OUTCOME_REFUSED);
	assert_int_equal(outcome_of_sk_error(ETIMEDOUT), OUTCOME_TIMEOUT);
	assert_int_equal(outcome_of_sk_error(EHOSTUNREACH), OUTCOME_UNREACHABLE);
	assert_int_equal(outcome_of_sk_error(ENETUNREACH), OUTCOME_UNREACHABLE);
	assert_int_equal(outcome_of_sk_error(EHOSTDOWN), OUTCOME_UNREACHABLE);
	assert_int_equal(outcome_of_sk_error(EACCES), OUTCOME_UNREACHABLE); /* ICMPv6 prohibited */
	assert_int_equal(outcome_of_sk_error(EPROTO), OUTCOME_UNREACHABLE);
	assert_int_equal(outcome_of_sk_error(ECONNABORTED), OUTCOME_ABORTED);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(outcome_name(OUTCOME_ESTABLISHED), "established");
	assert_string_equal(outcome_name(OUTCOME_LOCAL_ERROR), "local_error");
	assert_string_equal(outcome_name(OUTCOME__COUNT), "?");
	assert_string_equal(errno_name(0), "");
	assert_string_equal(errno_name(ETIMEDOUT), "ETIMEDOUT");
	assert_string_equal(errno_name(EADDRNOTAVAIL), "EADDRNOTAVAIL");
}

static void test_endpoints(void **state)
{
	__u8 v4[16] = { 198, 18, 0, 2 }, v6[16] = { 0x20, 0x01, 0, 2 };
	char buf[ENDPOINT_STRLEN];

	(void)state;
	v6[15] = 1;
	assert_string_equal(endpoint_fmt(buf, sizeof(buf), AF_INET, v4, 80), "198.18.0.2:80");
	assert_string_equal(endpoint_fmt(buf, sizeof(buf), AF_INET6, v6, 443), "[2001:2::1]:443");
}

/* The formatters write digits themselves: the same text as printf and inet_ntop. */
static void test_same_as_libc(void **state)
{
	static const __u64 numbers[] = { 0, 9, 10, 99, 1000, 65535, 4294967295ULL, ~0ULL };
	char buf[ENDPOINT_STRLEN], want[ENDPOINT_STRLEN], a[ADDR_STRLEN];
	__u8 addr[16] = {};
	unsigned int i, port;

	(void)state;
	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)numbers[i]);
		assert_string_equal(u64_fmt(buf, numbers[i]), want);
	}
	srand(9);
	for (i = 0; i < 20000; i++) {
		__u32 w = (__u32)rand() ^ ((__u32)rand() << 16);

		memcpy(addr, &w, 4);
		if (i < 256)
			memset(addr, i, 4); /* 0.0.0.0 ... 255.255.255.255 */
		port = i < 256 ? i * 257 : (unsigned int)rand() % 65536;
		inet_ntop(AF_INET, addr, a, sizeof(a));
		assert_string_equal(addr_fmt(buf, sizeof(buf), AF_INET, addr), a);
		snprintf(want, sizeof(want), "%s:%u", a, port);
		assert_string_equal(endpoint_fmt(buf, sizeof(buf), AF_INET, addr, port), want);
	}
	/* A buffer too small for every address still gets what fits, terminated. */
	want[7] = '\0';
	assert_string_equal(endpoint_fmt(buf, 8, AF_INET, addr, port), want);
}

/* Digit counts at every edge: each power of two and of ten, and their neighbours. */
static void test_digits(void **state)
{
	char buf[U64_STRLEN], want[U64_STRLEN];
	__u64 edges[3 * 64 + 3 * 20], ten = 1;
	unsigned int i, n = 0;

	(void)state;
	for (i = 0; i < 64; i++) {
		edges[n++] = (1ULL << i) - 1;
		edges[n++] = 1ULL << i;
		edges[n++] = (1ULL << i) + 1;
	}
	for (i = 0; i < 20; i++, ten *= 10) {
		edges[n++] = ten - 1;
		edges[n++] = ten;
		edges[n++] = ten + 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)edges[i]);
		assert_string_equal(u64_fmt(buf, edges[i]), want);
		assert_int_equal(u64_digits(edges[i]), strlen(want));
		assert_ptr_equal(u64_put(buf, edges[i]), buf + strlen(want));
	}
}

/* The _put forms write what the _fmt forms do, and return its end. */
static void test_put_forms(void **state)
{
	__u8 v4[16] = { 198, 18, 0, 2 }, v6[16] = { 0x20, 0x01, 0, 2 };
	char buf[64], want[64];
	__u64 wall = 1795154427012345678ULL, ns;
	char *end;

	(void)state;
	v6[15] = 1;
	end = endpoint_put(buf, AF_INET6, v6, 443);
	*end = '\0';
	assert_string_equal(buf, "[2001:2::1]:443");
	end = addr_put(buf, AF_INET, v4);
	*end = '\0';
	assert_string_equal(buf, "198.18.0.2");
	end = time_iso_put(buf, wall);
	*end = '\0';
	assert_string_equal(buf, time_iso_fmt(want, sizeof(want), wall));
	end = time_hms_put(buf, wall);
	*end = '\0';
	assert_string_equal(buf, time_hms_fmt(want, sizeof(want), wall));
	for (ns = 1; ns < (1ULL << 62); ns = ns * 3 + 1) {
		end = duration_put(buf, ns);
		*end = '\0';
		assert_string_equal(buf, duration_fmt(want, sizeof(want), ns));
	}
}

static void test_times(void **state)
{
	char buf[TIME_STRLEN];

	(void)state;
	assert_string_equal(time_iso_fmt(buf, sizeof(buf), 1795154427000001000ULL),
			    "2026-11-20T06:00:27.000001Z");
	assert_string_equal(time_iso_fmt(buf, sizeof(buf), 1795154427999999999ULL),
			    "2026-11-20T06:00:27.999999Z");
	assert_string_equal(time_iso_fmt(buf, 12, 1795154427123456789ULL), "2026-11-20T");
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(time_hms_fmt(buf, sizeof(buf), 1795154427012345678ULL), "06:00:27.012");
}

static void test_durations(void **state)
{
	char buf[DURATION_STRLEN];

	(void)state;
	assert_string_equal(duration_fmt(buf, sizeof(buf), 850000), "850us");
	assert_string_equal(duration_fmt(buf, sizeof(buf), 1234567), "1.235ms");
	assert_string_equal(duration_fmt(buf, sizeof(buf), 3001000000ULL), "3.001s");
}

/* Durations are written without printf: the same text as printf's "%.3f", halves too. */
static void test_durations_same_as_printf(void **state)
{
	static const __u64 edges[] = {
		0,
		999,
		1000,
		999999,
		1000000,
		1000499,
		1000500,
		1000501,
		1234500,
		999999499,
		999999500,
		999999999,
		1000000000,
		1000499999,
		1000500000,
		1234500000,
		59999999999ULL,
		3600000500000ULL,
		1ULL << 53,
		(1ULL << 53) + 1,
		~0ULL,
	};
	char buf[DURATION_STRLEN], want[DURATION_STRLEN];
	unsigned int i;
	__u64 ns;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]) + 200000; i++) {
		if (i < sizeof(edges) / sizeof(edges[0]))
			ns = edges[i];
		else /* every magnitude, the digits at random */
			ns = (((__u64)rand() << 31) ^ (__u64)rand()) % (10ULL << (i % 44));
		if (ns < 1000000ULL)
			snprintf(want, sizeof(want), "%lluus", (unsigned long long)ns / 1000);
		else if (ns < 1000000000ULL)
			snprintf(want, sizeof(want), "%.3fms", ns / 1e6);
		else
			snprintf(want, sizeof(want), "%.3fs", ns / 1e9);
		assert_string_equal(duration_fmt(buf, sizeof(buf), ns), want);
	}
}

static void test_fit(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(fit_fmt(buf, sizeof(buf), "short", 10), "short");
	assert_string_equal(fit_fmt(buf, sizeof(buf), "a-very-long-hostname.example", 10),
			    "a-very-lo~");
	assert_string_equal(fit_fmt(buf, 5, "abcdefgh", 10), "abc~");
}

static void test_cidr(void **state)
{
	struct cidr c;

	(void)state;
	assert_int_equal(cidr_parse("198.18.0.0/15", &c), 0);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.prefix_len, 15);
	assert_int_equal(c.addr[0], 198);
	assert_int_equal(cidr_parse("2001:2::/48", &c), 0);
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(c.prefix_len, 48);
	assert_int_equal(cidr_parse("198.18.0.1", &c), 0);
	assert_int_equal(c.prefix_len, 32);
	assert_int_not_equal(cidr_parse("198.18.0.0/33", &c), 0);
	assert_int_not_equal(cidr_parse("198.18.0.0/", &c), 0);
	assert_int_not_equal(cidr_parse("198.18.0.0/-1", &c), 0);
	assert_int_not_equal(cidr_parse("fd00::/129", &c), 0);
	assert_int_not_equal(cidr_parse("host.example", &c), 0);
}

/* --metrics [ADDR]:PORT */
static void test_listen_addr(void **state)
{
	static const char *const bad[] = {
		"9464",		  ":0",	      ":65536", ":-1",	 ":",
		"localhost:9464", "::1:9464", "[::1",	"[::1]", "[198.18.0.1]:1",
		"127.0.0.1:94x",  ""
	};
	struct listen_addr a;
	unsigned int i;

	(void)state;
	assert_int_equal(listen_addr_parse(":9464", &a), 0);
	assert_int_equal(a.family, 0);
	assert_int_equal(a.port, 9464);
	assert_int_equal(listen_addr_parse("127.0.0.1:80", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.addr[0], 127);
	assert_int_equal(a.addr[3], 1);
	assert_int_equal(listen_addr_parse("[::1]:65535", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.addr[15], 1);
	assert_int_equal(a.port, 65535);
	assert_int_equal(listen_addr_parse("[::]:1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(listen_addr_parse(bad[i], &a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sk_error_classification),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_same_as_libc),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_put_forms),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_durations_same_as_printf),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_listen_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
