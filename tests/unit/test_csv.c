// SPDX-License-Identifier: GPL-2.0-only
/* CSV quoting (RFC 4180) and the attempt row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "csv.h"

static char *field(const char *s)
{
	static char buf[256];
	FILE *f;

	memset(buf, 0, sizeof(buf)); /* fmemopen writes no terminator for empty output */
	f = fmemopen(buf, sizeof(buf), "w");

	csv_field(f, s);
	fclose(f);
	return buf;
}

static void test_quoting(void **state)
{
	(void)state;
	assert_string_equal(field("plain"), "plain");
	assert_string_equal(field(""), "");
	assert_string_equal(field("a,b"), "\"a,b\"");
	assert_string_equal(field("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(field("line\nbreak"), "\"line\nbreak\"");
	assert_string_equal(field("cr\rhere"), "\"cr\rhere\"");
	assert_string_equal(field("\""), "\"\"\"\"");
	assert_string_equal(field(" spaces kept "), " spaces kept ");
}

/* A field longer than a row's buffer goes out in pieces, whole. */
static void test_long_field(void **state)
{
	static char s[3001], want[6003], got[8192];
	FILE *f;

	(void)state;
	memset(s, '"', 3000);
	want[0] = '"';
	memset(want + 1, '"', 6000);
	want[6001] = '"';
	memset(got, 0, sizeof(got));
	f = fmemopen(got, sizeof(got), "w");
	csv_field(f, s);
	fclose(f);
	assert_string_equal(got, want);
}

static void test_attempt_row(void **state)
{
	struct attempt a;
	char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	memset(&a, 0, sizeof(a));
	a.wall_ns = 1795759258265334176ULL;
	a.latency_ns = 3066000123ULL;
	a.pid = 42;
	a.tid = 43;
	a.netns = 4026531833U;
	a.cgroup_id = 7;
	a.family = AF_INET;
	a.saddr[0] = 198, a.saddr[1] = 18, a.saddr[3] = 1;
	a.daddr[0] = 198, a.daddr[1] = 18, a.daddr[3] = 2;
	a.sport = 40000;
	a.dport = 443;
	a.outcome = OUTCOME_TIMEOUT;
	a.error = 110;
	a.syn_retries = 2;
	strcpy(a.comm, "my,app\"x");
	csv_attempt_row(f, &a);
	fclose(f);
	assert_string_equal(buf, "2026-11-27T06:00:58.265334Z,1795759258265334176,42,43,"
				 "\"my,app\"\"x\",4026531833,7,ipv4,198.18.0.1,40000,"
				 "198.18.0.2,443,timeout,ETIMEDOUT,2,3066000,,,\r\n");
}

static void test_attempt_row_named(void **state)
{
	struct attempt a;
	char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.outcome = OUTCOME_ESTABLISHED;
	strcpy(a.dns.host, "api.test");
	a.dns.latency_ns = 1500000;
	a.dns_age_ns = -2000; /* the answer came after the connect started */
	csv_attempt_row(f, &a);
	fclose(f);
	assert_non_null(strstr(buf, ",established,,0,0,api.test,-2,1500\r\n"));
}

static void test_headers(void **state)
{
	char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	csv_attempt_header(f);
	fclose(f);
	assert_string_equal(buf, "ts_iso,ts_ns,pid,tid,comm,netns,cgroup_id,family,saddr,sport,"
				 "daddr,dport,outcome,errno,syn_retries,latency_us,host,dns_age_us,"
				 "dns_latency_us\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),	    cmocka_unit_test(test_long_field),
		cmocka_unit_test(test_attempt_row), cmocka_unit_test(test_attempt_row_named),
		cmocka_unit_test(test_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
