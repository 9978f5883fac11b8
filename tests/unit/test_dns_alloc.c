// SPDX-License-Identifier: GPL-2.0-only
/*
 * Out of memory in the DNS tracker: a query not followed or an answer not
 * kept is counted (the "not used" reason out_of_memory) and reported in the
 * DNS accounting line, never ignored; an entry once kept expires without
 * needing memory.  Linked with --wrap=malloc, --wrap=calloc and
 * --wrap=realloc (Makefile): they fail while the test says so.
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
#include "clock.h"
#include "collector.h"
#include "dns_track.h"
#include "summary.h"
#include "support/dns_lookups.h"
#include "support/dns_wire.h"

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static bool fail_calloc, fail_realloc;

void *__wrap_malloc(size_t size)
{
	return fail_calloc ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_calloc ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fail_realloc ? NULL : __real_realloc(p, size);
}

#define SPORT 40000

static unsigned int answered;

static void on_lookup(const struct lookup *l, void *ctx)
{
	(void)ctx;
	if (l->result == LOOKUP_OK)
		answered++;
}

static void lookup(struct dns_track *t, __u64 ts, __u32 netns, __u16 id, const __u8 *addr)
{
	track_query(t, ts, netns, id, "web.test", SPORT, on_lookup, NULL);
	track_answer(t, ts, id, "web.test", SPORT, 0, addr, 1, on_lookup, NULL);
}

static int setup(void **state)
{
	static struct dns_track t;

	answered = 0;
	assert_int_equal(dns_track_init(&t, 5 * NSEC_PER_SEC), 0);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	fail_calloc = fail_realloc = false;
	dns_track_free(*state);
	return 0;
}

/* The query itself, then the table's growth: neither followed, both counted. */
static void test_query_not_followed(void **state)
{
	struct dns_track *t = *state;
	char name[32];

	fail_calloc = true;
	track_query(t, 1000, 0, 1, "web.test", SPORT, on_lookup, NULL);
	fail_calloc = false;
	assert_int_equal(t->stats.queries, 1);
	assert_int_equal(t->stats.drops[DNS_DROP_NO_MEMORY], 1);
	assert_int_equal(dns_track_pending(t), 0);
	/* Its response matches nothing. */
	track_answer(t, 2000, 1, "web.test", SPORT, 0, NULL, 0, on_lookup, NULL);
	assert_int_equal(t->stats.drops[DNS_DROP_UNMATCHED], 1);

	/* 32 queries fill the smallest table to half: the 33rd needs it to grow. */
	for (unsigned int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "q%u.test", i);
		track_query(t, 1000, 0, i, name, SPORT, on_lookup, NULL);
	}
	assert_int_equal(dns_track_pending(t), 32);
	fail_calloc = true;
	track_query(t, 1000, 0, 99, "one.more.test", SPORT, on_lookup, NULL);
	fail_calloc = false;
	assert_int_equal(t->stats.drops[DNS_DROP_NO_MEMORY], 2);
	assert_int_equal(dns_track_pending(t), 32);
	assert_int_equal(t->stats.drops[DNS_DROP_PENDING_FULL], 0);
	/* The others still time out, each once. */
	dns_track_expire(t, 1000 + 5 * NSEC_PER_SEC, on_lookup, NULL);
	assert_int_equal(t->stats.unanswered, 32);
	assert_int_equal(dns_track_pending(t), 0);
}

/* The entry, or the heap's room for it: the lookup is reported, its answer not kept. */
static void test_answer_not_kept(void **state)
{
	const __u8 a1[4] = { 198, 18, 0, 2 }, a2[4] = { 198, 18, 0, 3 }, a3[4] = { 198, 18, 0, 4 };
	struct dns_track *t = *state;
	struct dns_hit hit;

	fail_realloc = true; /* the heap's first room */
	lookup(t, 1000, 0, 1, a1);
	fail_realloc = false;
	assert_int_equal(answered, 1);
	assert_int_equal(t->stats.drops[DNS_DROP_NO_MEMORY], 1);
	assert_false(dns_track_name_of(t, 0, AF_INET, a1, 2000, &hit));
	assert_int_equal(t->cache.len, 0);

	lookup(t, 1000, 0, 2, a2); /* kept: the heap has room now */
	assert_true(dns_track_name_of(t, 0, AF_INET, a2, 2000, &hit));
	track_query(t, 1000, 0, 3, "web.test", SPORT, on_lookup, NULL);
	fail_calloc = true; /* the entry itself */
	track_answer(t, 1000, 3, "web.test", SPORT, 0, a3, 1, on_lookup, NULL);
	fail_calloc = false;
	assert_int_equal(answered, 3);
	assert_int_equal(t->stats.drops[DNS_DROP_NO_MEMORY], 2);
	assert_false(dns_track_name_of(t, 0, AF_INET, a3, 2000, &hit));

	/* In a namespace: two entries fail, one packet counted. */
	track_query(t, 1000, 99, 4, "web.test", SPORT, on_lookup, NULL);
	fail_calloc = true;
	track_answer(t, 1000, 4, "web.test", SPORT, 0, a3, 1, on_lookup, NULL);
	fail_calloc = false;
	assert_int_equal(t->stats.drops[DNS_DROP_NO_MEMORY], 3);
	assert_int_equal(t->cache.len, 1);
}

/* An entry held past its TTL and released while memory is out still goes. */
static void test_release_needs_no_memory(void **state)
{
	const __u8 addr[4] = { 198, 18, 0, 2 };
	__u64 due = 1000 + NSEC_PER_SEC + DNS_CACHE_GRACE_NS;
	struct dns_track *t = *state;
	struct dns_hit hit;

	lookup(t, 1000, 0, 1, addr);
	dns_track_hold(t, 0, AF_INET, addr, +1);
	dns_track_expire(t, due, on_lookup, NULL);
	assert_true(dns_track_name_of(t, 0, AF_INET, addr, 2000, &hit));
	fail_calloc = fail_realloc = true;
	dns_track_hold(t, 0, AF_INET, addr, -1);
	dns_track_expire(t, due, on_lookup, NULL);
	fail_calloc = fail_realloc = false;
	assert_false(dns_track_name_of(t, 0, AF_INET, addr, 2000, &hit));
	assert_int_equal(t->stats.cache_expired, 1);
	assert_int_equal(t->stats.drops[DNS_DROP_NO_MEMORY], 0);
}

/* The DNS accounting line as synscope prints it. */
static const char *dns_line(const struct collector *c)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	dns_accounting_print(f, c);
	fclose(f);
	return buf;
}

/* Reported: the summary's DNS line names the reason. */
static void test_reported(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	struct dns_packet p = { .ts_ns = 1000, .cookie = 7, .direction = DNS_EGRESS };
	__u8 msg[512];

	(void)state;
	assert_non_null(c);
	udp_packet(&p, TEST_CLIENT, TEST_SERVER, SPORT, 53, msg,
		   dns_msg(msg, 1, false, 0, "web.test", NULL, 0));
	fail_calloc = true;
	collector_add_dns_packet(c, &p, NULL, NULL);
	fail_calloc = false;
	assert_int_equal(collector_dns_stats(c)->drops[DNS_DROP_NO_MEMORY], 1);
	assert_non_null(strstr(dns_line(c), "not used: out_of_memory 1\n"));
	collector_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_query_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_needs_no_memory, setup, teardown),
		cmocka_unit_test(test_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
