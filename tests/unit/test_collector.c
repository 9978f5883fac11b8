// SPDX-License-Identifier: GPL-2.0-only
/* Per-destination aggregation, in-flight scans, stalls and accounting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "collector.h"
#include "support/dns_wire.h"
#include "support/events.h"
#include "table.h"

static struct conn_event event(enum event_kind kind, __u8 last_octet, __u16 port,
			       enum outcome outcome, __u64 sock)
{
	return test_event(kind, last_octet, port, outcome, sock);
}

static const struct dest *find(const struct collector *c, __u8 last_octet, __u16 port)
{
	__u8 addr[ADDR_LEN] = { 198, 18, 0, last_octet };
	struct dest_key key;

	dest_key_of(&key, AF_INET, addr, port);
	return collector_find(c, &key);
}

static void test_aggregation(void **state)
{
	struct collector *c;
	struct attempt a;
	const struct dest *d;
	struct conn_event ev;

	(void)state;
	c = collector_new(1000000000ULL, 5000000000ULL);
	assert_non_null(c);
	ev = event(EVENT_ATTEMPT, 2, 80, OUTCOME_ESTABLISHED, 1);
	assert_true(collector_add_event(c, &ev, &a));
	assert_int_equal(a.outcome, OUTCOME_ESTABLISHED);
	ev = event(EVENT_ATTEMPT, 2, 80, OUTCOME_TIMEOUT, 2);
	ev.syn_retries = 2;
	ev.error = ETIMEDOUT;
	assert_true(collector_add_event(c, &ev, &a));
	ev = event(EVENT_SYN_RETRANSMIT, 2, 80, 0, 2);
	assert_false(collector_add_event(c, &ev, &a));
	assert_false(collector_add_event(c, &ev, &a));
	ev = event(EVENT_ATTEMPT, 3, 443, OUTCOME_REFUSED, 3);
	assert_true(collector_add_event(c, &ev, &a));

	d = find(c, 2, 80);
	assert_non_null(d);
	assert_int_equal(d->attempts, 2);
	assert_int_equal(d->outcomes[OUTCOME_ESTABLISHED], 1);
	assert_int_equal(d->outcomes[OUTCOME_TIMEOUT], 1);
	assert_int_equal(d->syn_retransmits, 2);
	assert_int_equal(d->retried_attempts, 1);
	assert_int_equal(d->retries[0], 1);
	assert_int_equal(d->retries[2], 1);
	assert_int_equal(d->latency_us.count, 1);
	assert_int_equal(hist_percentile(&d->latency_us, 0.5), 2000);
	assert_int_equal(d->open, 1);
	assert_int_equal(d->open_peak, 1);
	assert_int_equal(d->recent_count, 1);
	assert_int_equal(d->recent[0].error, ETIMEDOUT);
	assert_int_equal(dest_failures(d), 1);
	assert_non_null(find(c, 3, 443));
	assert_null(find(c, 3, 80));
	assert_int_equal(collector_total(c)->attempts, 3);
	assert_int_equal(collector_total(c)->syn_retransmits, 2);

	/* The established connection closes: open goes down, the peak stays. */
	ev = event(EVENT_CLOSE, 2, 80, 0, 1);
	assert_false(collector_add_event(c, &ev, &a));
	d = find(c, 2, 80);
	assert_int_equal(d->open, 0);
	assert_int_equal(d->open_peak, 1);
	assert_int_equal(collector_accounting(c)->delivered[EVENT_ATTEMPT], 3);
	assert_int_equal(collector_accounting(c)->delivered[EVENT_SYN_RETRANSMIT], 2);
	assert_int_equal(collector_accounting(c)->delivered[EVENT_CLOSE], 1);
	collector_destroy(c);
}

static void test_malformed_counted(void **state)
{
	struct collector *c;
	struct attempt a;
	struct conn_event ev;

	(void)state;
	c = collector_new(1, 5000000000ULL);
	assert_non_null(c);
	ev = event(99, 2, 80, 0, 1);
	assert_false(collector_add_event(c, &ev, &a));
	ev = event(EVENT_ATTEMPT, 2, 80, 42, 1);
	assert_false(collector_add_event(c, &ev, &a));
	assert_int_equal(collector_accounting(c)->malformed, 2);
	/* A record shorter than an event, as the ring buffer may hand one over. */
	assert_false(collector_add_record(c, &ev, sizeof(ev) - 1, &a));
	assert_int_equal(collector_accounting(c)->malformed, 3);
	collector_destroy(c);
}

static const struct pending *on_stall_seen;
static unsigned int stalls_seen;

static void stall_seen(const struct pending *p, void *ctx)
{
	(void)ctx;
	on_stall_seen = p;
	stalls_seen++;
}

/* An attempt's start event on socket sock at start_ns. */
static void start(struct collector *c, __u64 sock, __u64 start_ns)
{
	struct conn_event ev = event(EVENT_START, 2, 80, 0, sock);
	struct attempt a;

	ev.ts_ns = start_ns;
	assert_false(collector_add_event(c, &ev, &a));
}

/* Stalls are reported once, in-flight counts follow the starts and outcomes. */
static void test_scan_and_stalls(void **state)
{
	struct collector *c = collector_new(5000, 5000000000ULL);
	struct attempt a;
	struct conn_event ev;
	const struct dest *d;

	(void)state;
	assert_non_null(c);
	start(c, 11, 1000);
	start(c, 10, 9000);
	d = find(c, 2, 80);
	assert_non_null(d);
	assert_int_equal(d->inflight, 2);
	stalls_seen = 0;
	collector_scan_pending(c, 10000, 1000000, stall_seen, NULL);
	assert_int_equal(stalls_seen, 1);
	assert_int_equal(on_stall_seen->sock, 11);
	assert_int_equal(d->stalled, 1);

	/* The same stall is not reported twice; the young one becomes one. */
	collector_scan_pending(c, 15000, 1000000, stall_seen, NULL);
	assert_int_equal(stalls_seen, 2);
	assert_int_equal(on_stall_seen->sock, 10);
	assert_int_equal(find(c, 2, 80)->stalled, 2);

	/* A retransmit updates what a stall line shows. */
	ev = event(EVENT_SYN_RETRANSMIT, 2, 80, 0, 10);
	ev.ts_ns = 9000;
	ev.syn_retries = 1;
	ev.sport = 4242;
	assert_false(collector_add_event(c, &ev, &a));
	assert_int_equal(on_stall_seen->info.syn_retries, 1);
	assert_int_equal(on_stall_seen->info.sport, 4242);

	/* The old one resolves: its event removes it from flight at once, and
	 * the retransmits the kernel counted but no event showed are counted. */
	ev = event(EVENT_ATTEMPT, 2, 80, OUTCOME_TIMEOUT, 11);
	ev.ts_ns = 1000;
	ev.syn_retries = 3;
	assert_true(collector_add_event(c, &ev, &a));
	d = find(c, 2, 80);
	assert_int_equal(d->inflight, 1);
	assert_int_equal(d->stalled, 1);
	assert_int_equal(d->syn_retransmits, 1 + 3);
	assert_int_equal(collector_accounting(c)->retransmits_late, 3);

	/* Past the ttl the young one leaves the gauge. */
	collector_scan_pending(c, 9000 + 1000001, 1000000, stall_seen, NULL);
	assert_int_equal(find(c, 2, 80)->inflight, 0);
	assert_int_equal(find(c, 2, 80)->stalled, 0);
	assert_null(collector_next_pending(c, NULL));
	collector_destroy(c);
}

/* A burst of starts and outcomes leaves nothing behind. */
static void test_pending_burst(void **state)
{
	struct collector *c = collector_new(5000, 5000000000ULL);
	struct attempt a;
	__u64 i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < 100000; i++)
		start(c, i, 1000 + i);
	assert_int_equal(collector_total(c)->inflight, 100000);
	for (i = 0; i < 100000; i++) {
		struct conn_event ev = event(EVENT_ATTEMPT, 2, 80, OUTCOME_ESTABLISHED, i);

		ev.ts_ns = 1000 + i;
		assert_true(collector_add_event(c, &ev, &a));
	}
	assert_int_equal(collector_total(c)->inflight, 0);
	assert_null(collector_next_pending(c, NULL));
	collector_destroy(c);
}

/* A table shrinks again after a burst. */
static void test_table_shrinks(void **state)
{
	struct table t;
	__u64 k;
	size_t peak;
	bool created;

	(void)state;
	assert_int_equal(table_init(&t, sizeof(k), sizeof(k)), 0);
	for (k = 0; k < 100000; k++)
		assert_non_null(table_upsert(&t, &k, &created));
	peak = t.capacity;
	for (k = 0; k < 100000; k++)
		table_remove(&t, table_find(&t, &k));
	assert_int_equal(t.len, 0);
	/* Not while removing: a table swinging around a size would be rehashed each time. */
	assert_int_equal(t.capacity, peak);
	table_shrink(&t);
	assert_true(t.capacity < peak / 100);
	table_free(&t);
}

static void test_accounting(void **state)
{
	__u64 counters[COUNTER__COUNT] = { 0 };
	struct collector *c;

	(void)state;
	c = collector_new(1, 5000000000ULL);
	assert_non_null(c);
	counters[COUNTER_ATTEMPT_EVENTS] = 10;
	counters[COUNTER_RETRANSMIT_EVENTS] = 3;
	counters[COUNTER_CLOSE_EVENTS] = 4;
	counters[COUNTER_RINGBUF_FULL] = 2;
	counters[COUNTER_INFLIGHT_FULL] = 1;
	collector_set_counters(c, counters, 4);
	collector_expired(c, false);
	collector_expired(c, true);
	assert_int_equal(accounting_produced(collector_accounting(c)), 17);
	assert_int_equal(accounting_dropped(collector_accounting(c)), 7);
	assert_int_equal(accounting_expired(collector_accounting(c)), 2);
	collector_destroy(c);
}

/* Many destinations: the table grows and iteration sees each once. */
static void test_many_destinations(void **state)
{
	struct collector *c;
	struct attempt a;
	const struct dest *d;
	unsigned int i, n = 0;

	(void)state;
	c = collector_new(1, 5000000000ULL);
	assert_non_null(c);
	for (i = 0; i < 1000; i++) {
		struct conn_event ev =
			event(EVENT_ATTEMPT, i % 250, 1000 + i / 250, OUTCOME_REFUSED, i);

		assert_true(collector_add_event(c, &ev, &a));
	}
	for (d = collector_next(c, NULL); d; d = collector_next(c, d)) {
		assert_int_equal(d->attempts, 1);
		n++;
	}
	assert_int_equal(n, 1000);
	collector_destroy(c);
}

static void test_table_remove(void **state)
{
	struct table t;
	__u64 k;
	bool created;

	(void)state;
	assert_int_equal(table_init(&t, sizeof(__u64), sizeof(__u64) * 2), 0);
	for (k = 0; k < 5000; k++)
		assert_non_null(table_upsert(&t, &k, &created));
	for (k = 0; k < 5000; k += 3)
		table_remove(&t, table_find(&t, &k));
	for (k = 0; k < 5000; k++)
		assert_true((table_find(&t, &k) != NULL) == (k % 3 != 0));
	table_free(&t);
}

/* web.test answers 198.18.0.2 at at_ns (a query just before), with a TTL of ttl_s. */
static void web_answer(struct collector *c, __u64 at_ns, __u32 ttl_s)
{
	struct dns_packet q = { .ts_ns = at_ns - 1000, .cookie = 1, .direction = DNS_EGRESS };
	struct dns_packet r = { .ts_ns = at_ns, .cookie = 1, .direction = DNS_INGRESS };
	const __u8 addr[4] = { 198, 18, 0, 2 };
	__u8 msg[512];

	udp_packet(&q, "\xc6\x12\x00\x01", "\xc6\x12\x00\x35", 50001, 53, msg,
		   dns_msg(msg, 1, false, 0, "web.test", NULL, 0));
	collector_add_dns_packet(c, &q, NULL, NULL);
	udp_packet(&r, "\xc6\x12\x00\x35", "\xc6\x12\x00\x01", 53, 50001, msg,
		   dns_msg(msg, 1, true, 0, "web.test", addr, ttl_s));
	collector_add_dns_packet(c, &r, NULL, NULL);
}

/* The host that names an attempt to 198.18.0.2:80 on a new socket now. */
static const char *host_now(struct collector *c, __u64 sock)
{
	static struct attempt a;
	struct conn_event ev = event(EVENT_ATTEMPT, 2, 80, OUTCOME_REFUSED, sock);

	assert_true(collector_add_event(c, &ev, &a));
	return a.dns.host;
}

static void add(struct collector *c, enum event_kind kind, __u8 last_octet, __u64 sock)
{
	struct conn_event ev = event(kind, last_octet, 80, OUTCOME_ESTABLISHED, sock);
	struct attempt a;

	collector_add_event(c, &ev, &a);
}

/*
 * An open connection named by a DNS answer keeps that answer past its TTL;
 * only its own close releases it, not the close of a connection the answer
 * did not name (here one that established before the answer came).
 */
static void test_dns_hold_released_by_its_own_close(void **state)
{
	__u64 expired = NSEC_PER_SEC + 10 * NSEC_PER_SEC + DNS_CACHE_GRACE_NS + 1;
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);

	(void)state;
	assert_non_null(c);
	add(c, EVENT_ATTEMPT, 2, 1); /* before the answer: no name, no hold */
	web_answer(c, NSEC_PER_SEC, 10);
	add(c, EVENT_ATTEMPT, 2, 2); /* named: holds the answer */
	add(c, EVENT_CLOSE, 2, 1);
	collector_expire_dns(c, expired, NULL, NULL);
	assert_string_equal(host_now(c, 3), "web.test");
	add(c, EVENT_CLOSE, 2, 2);
	collector_expire_dns(c, expired, NULL, NULL);
	assert_string_equal(host_now(c, 4), "");
	collector_destroy(c);
}

/*
 * The close of a connection whose attempt was not seen (its event dropped,
 * or expired) makes no destination row and leaves the open gauges alone.
 */
static void test_close_of_unseen_attempt(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);

	(void)state;
	assert_non_null(c);
	add(c, EVENT_CLOSE, 9, 50);
	assert_null(find(c, 9, 80));
	assert_null(collector_next(c, NULL));
	add(c, EVENT_ATTEMPT, 2, 1);
	add(c, EVENT_CLOSE, 2, 51);
	assert_int_equal(find(c, 2, 80)->open, 1);
	assert_int_equal(collector_total(c)->open, 1);
	add(c, EVENT_CLOSE, 2, 1);
	assert_int_equal(find(c, 2, 80)->open, 0);
	assert_int_equal(collector_total(c)->open, 0);
	assert_int_equal(collector_accounting(c)->delivered[EVENT_CLOSE], 3);
	collector_destroy(c);
}

/*
 * An attempt that established while --max-open was full is counted as an
 * attempt, but its close will not come: it never joins the open gauges,
 * which would otherwise keep it for ever.
 */
static void test_open_full_not_in_gauge(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	struct conn_event ev = event(EVENT_ATTEMPT, 2, 80, OUTCOME_ESTABLISHED, 1);
	struct attempt a;

	(void)state;
	assert_non_null(c);
	ev.open_full = 1;
	assert_true(collector_add_event(c, &ev, &a));
	add(c, EVENT_ATTEMPT, 2, 2);
	assert_int_equal(find(c, 2, 80)->attempts, 2);
	assert_int_equal(find(c, 2, 80)->outcomes[OUTCOME_ESTABLISHED], 2);
	assert_int_equal(find(c, 2, 80)->open, 1);
	assert_int_equal(collector_total(c)->open, 1);
	add(c, EVENT_CLOSE, 2, 2);
	assert_int_equal(find(c, 2, 80)->open, 0);
	assert_int_equal(find(c, 2, 80)->open_peak, 1);
	assert_int_equal(collector_total(c)->open, 0);
	collector_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregation),
		cmocka_unit_test(test_malformed_counted),
		cmocka_unit_test(test_scan_and_stalls),
		cmocka_unit_test(test_pending_burst),
		cmocka_unit_test(test_table_shrinks),
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_many_destinations),
		cmocka_unit_test(test_table_remove),
		cmocka_unit_test(test_dns_hold_released_by_its_own_close),
		cmocka_unit_test(test_close_of_unseen_attempt),
		cmocka_unit_test(test_open_full_not_in_gauge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
