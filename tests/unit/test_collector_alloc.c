// SPDX-License-Identifier: GPL-2.0-only
/*
 * Out of memory: an attempt in flight that cannot be followed is counted
 * and reported as dropped, never ignored.  Linked with --wrap=malloc and
 * --wrap=calloc (Makefile): they fail while fail_malloc is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "collector.h"
#include "summary.h"
#include "support/events.h"

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool fail_malloc;

void *__wrap_malloc(size_t size)
{
	return fail_malloc ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_malloc ? NULL : __real_calloc(n, size);
}

static struct conn_event event(enum event_kind kind, __u64 sock)
{
	return test_event(kind, 2, 80, OUTCOME_ESTABLISHED, sock);
}

static void add(struct collector *c, enum event_kind kind, __u64 sock)
{
	struct conn_event ev = event(kind, sock);
	struct attempt a;

	collector_add_event(c, &ev, &a);
}

/* The accounting line as synscope prints it. */
static const char *accounting_line(const struct collector *c)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	accounting_print(f, collector_accounting(c));
	fclose(f);
	return buf;
}

static void test_alloc_failure_counted(void **state)
{
	struct collector *c = collector_new(1000000000ULL, 5000000000ULL);

	(void)state;
	assert_non_null(c);
	add(c, EVENT_ATTEMPT, 9); /* the destination exists: only the in-flight entry is new */

	/* A start that cannot be followed: dropped, out of memory, not in flight. */
	fail_malloc = true;
	add(c, EVENT_START, 1);
	fail_malloc = false;
	assert_int_equal(collector_accounting(c)->alloc_failed, 1);
	assert_int_equal(accounting_dropped(collector_accounting(c)), 1);
	assert_int_equal(collector_total(c)->inflight, 0);
	assert_null(collector_next_pending(c, NULL));
	assert_non_null(strstr(accounting_line(c), "dropped 1 ("));
	assert_non_null(strstr(accounting_line(c), "out of memory 1"));
	/* Its outcome still makes its row. */
	add(c, EVENT_ATTEMPT, 1);
	assert_int_equal(collector_total(c)->attempts, 2);

	/* An entry resolved is kept for the next start: no malloc, nothing lost. */
	add(c, EVENT_START, 2);
	add(c, EVENT_ATTEMPT, 2);
	fail_malloc = true;
	add(c, EVENT_START, 3);
	fail_malloc = false;
	assert_int_equal(collector_total(c)->inflight, 1);
	assert_int_equal(collector_accounting(c)->alloc_failed, 1);
	add(c, EVENT_ATTEMPT, 3);
	assert_int_equal(collector_total(c)->inflight, 0);
	collector_destroy(c);
}

static void count_dest(const struct dest *d, void *arg)
{
	(void)d;
	++*(size_t *)arg;
}

/* Without memory to sort them, the summary still has every destination, once. */
static void test_summary_without_memory(void **state)
{
	struct collector *c = collector_new(1000000000ULL, 5000000000ULL);
	struct conn_event ev;
	struct attempt a;
	size_t n = 0;
	char *text = NULL, *line;
	size_t len;
	FILE *f;
	__u8 i;

	(void)state;
	assert_non_null(c);
	for (i = 1; i <= 5; i++) {
		ev = test_event(EVENT_ATTEMPT, i, 80, i % 2 ? OUTCOME_TIMEOUT : OUTCOME_ESTABLISHED,
				i);
		collector_add_event(c, &ev, &a);
	}
	f = open_memstream(&text, &len);
	assert_non_null(f);
	fail_malloc = true;
	collector_each_worst_first(c, count_dest, &n);
	summary_print(f, c);
	fail_malloc = false;
	fclose(f);
	assert_int_equal(n, 5);
	for (i = 1; i <= 5; i++) {
		char want[32];

		snprintf(want, sizeof(want), "\n198.18.0.%u:80 ", i);
		line = strstr(text, want);
		assert_non_null(line);
		assert_null(strstr(line + 1, want));
	}
	free(text);
	collector_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_failure_counted),
		cmocka_unit_test(test_summary_without_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
