// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS packets to lookups: IP/UDP/TCP decoding of hostile headers, query and
 * response matching, unanswered queries, the address -> name cache (TTL,
 * history, holds by open connections).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include "clock.h"
#include "dns_track.h"
#include "support/dns_lookups.h"
#include "support/dns_wire.h"

#define CLIENT TEST_CLIENT
#define SERVER TEST_SERVER

static struct lookup seen[16];
static int n_seen;

static void collect(const struct lookup *l, void *ctx)
{
	(void)ctx;
	if (n_seen < 16)
		seen[n_seen++] = *l;
}

static void query(struct dns_track *t, __u64 ts, __u16 id, const char *name, __u16 sport)
{
	track_query(t, ts, 99, id, name, sport, collect, NULL);
}

static void answer(struct dns_track *t, __u64 ts, __u16 id, const char *name, __u16 dport,
		   __u8 rcode, const __u8 *addr, __u32 ttl)
{
	track_answer(t, ts, id, name, dport, rcode, addr, ttl, collect, NULL);
}

static int setup(void **state)
{
	static struct dns_track t;

	n_seen = 0;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(dns_track_init(&t, 5 * NSEC_PER_SEC), 0);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	dns_track_free(*state);
	return 0;
}

static void test_match_and_name(void **state)
{
	struct dns_track *t = *state;
	const __u8 addr[4] = { 198, 18, 0, 2 };
	struct dns_hit hit;

	query(t, 1000, 0x1234, "Web.Test", 40000);
	assert_int_equal(n_seen, 0);
	answer(t, 1000 + 250000, 0x1234, "web.test", 40000, 0, addr, 60);
	assert_int_equal(n_seen, 1);
	assert_string_equal(seen[0].qname, "web.test");
	assert_int_equal(seen[0].result, LOOKUP_OK);
	assert_int_equal(seen[0].latency_ns, 250000);
	assert_int_equal(seen[0].pid, 42);
	assert_int_equal(seen[0].netns, 99);
	assert_string_equal(seen[0].comm, "client");
	assert_int_equal(seen[0].n_addrs, 1);
	assert_true(dns_track_name_of(t, 99, AF_INET, addr, 2000000, &hit));
	assert_string_equal(hit.name, "web.test");
	assert_int_equal(hit.latency_ns, 250000);
	/* Another namespace finds it through the any-namespace entry. */
	assert_true(dns_track_name_of(t, 5, AF_INET, addr, 2000000, &hit));
	assert_int_equal(t->stats.queries, 1);
	assert_int_equal(t->stats.responses, 1);
}

static void test_response_must_match(void **state)
{
	struct dns_track *t = *state;
	const __u8 addr[4] = { 198, 18, 0, 2 };

	query(t, 1000, 1, "a.test", 40000);
	answer(t, 2000, 2, "a.test", 40000, 0, addr, 60); /* wrong id */
	answer(t, 2000, 1, "b.test", 40000, 0, addr, 60); /* wrong question */
	answer(t, 2000, 1, "a.test", 40001, 0, addr, 60); /* wrong port */
	assert_int_equal(n_seen, 0);
	assert_int_equal(t->stats.drops[DNS_DROP_UNMATCHED], 3);
	answer(t, 2000, 1, "a.test", 40000, 3, NULL, 0);
	assert_int_equal(n_seen, 1);
	assert_int_equal(seen[0].result, LOOKUP_NXDOMAIN);
}

static void test_unanswered_and_retransmit(void **state)
{
	struct dns_track *t = *state;

	query(t, 1000, 9, "lost.test", 40000);
	query(t, 2000, 9, "lost.test", 40000); /* the resolver sends it again */
	assert_int_equal(t->stats.retransmits, 1);
	dns_track_expire(t, 1000 + 5 * NSEC_PER_SEC - 1, collect, NULL);
	assert_int_equal(n_seen, 0);
	dns_track_expire(t, 1000 + 5 * NSEC_PER_SEC, collect, NULL);
	assert_int_equal(n_seen, 1);
	assert_int_equal(seen[0].result, LOOKUP_UNANSWERED);
	assert_string_equal(seen[0].qname, "lost.test");
	assert_int_equal(t->stats.unanswered, 1);
	assert_int_equal(t->pending.len, 0);
}

/* A connect takes the newest answer before it started, not a later one. */
static void test_cache_history(void **state)
{
	struct dns_track *t = *state;
	const __u8 addr[4] = { 198, 18, 0, 2 };
	struct dns_hit hit;

	query(t, 100, 1, "first.test", 40000);
	answer(t, 200, 1, "first.test", 40000, 0, addr, 60);
	query(t, 300, 2, "second.test", 40000);
	answer(t, 400, 2, "second.test", 40000, 0, addr, 60);
	assert_true(dns_track_name_of(t, 99, AF_INET, addr, 250, &hit));
	assert_string_equal(hit.name, "first.test");
	assert_true(dns_track_name_of(t, 99, AF_INET, addr, 500, &hit));
	assert_string_equal(hit.name, "second.test");
	/* Before any answer: the oldest one, with a negative age for the caller. */
	assert_true(dns_track_name_of(t, 99, AF_INET, addr, 50, &hit));
	assert_string_equal(hit.name, "first.test");
}

static void test_cache_ttl_and_hold(void **state)
{
	struct dns_track *t = *state;
	const __u8 addr[4] = { 198, 18, 0, 2 };
	__u64 expiry = 200 + 10 * NSEC_PER_SEC + DNS_CACHE_GRACE_NS;
	struct dns_hit hit;

	query(t, 100, 1, "short.test", 40000);
	answer(t, 200, 1, "short.test", 40000, 0, addr, 10);
	dns_track_hold(t, 99, AF_INET, addr, +1);
	dns_track_expire(t, expiry, collect, NULL);
	assert_true(dns_track_name_of(t, 99, AF_INET, addr, 300, &hit));
	dns_track_hold(t, 99, AF_INET, addr, -1);
	dns_track_hold(t, 99, AF_INET, addr, -1); /* never below zero */
	dns_track_expire(t, expiry - 1, collect, NULL);
	assert_true(dns_track_name_of(t, 99, AF_INET, addr, 300, &hit));
	dns_track_expire(t, expiry, collect, NULL);
	assert_false(dns_track_name_of(t, 99, AF_INET, addr, 300, &hit));
	assert_int_equal(t->stats.cache_expired, 2); /* this namespace's and any namespace's */
}

static void test_hostile_headers(void **state)
{
	struct dns_track *t = *state;
	struct dns_packet p = { .direction = DNS_EGRESS };
	__u8 msg[64];
	size_t n = dns_msg(msg, 1, false, 0, "x.test", NULL, 0);

	udp_packet(&p, CLIENT, SERVER, 40000, 53, msg, n);
	p.data[0] = 0x44; /* IHL 16 bytes: too short */
	dns_track_packet(t, &p, collect, NULL);
	assert_int_equal(t->stats.packet_errors[DNS_PACKET_BAD_IP], 1);
	udp_packet(&p, CLIENT, SERVER, 40000, 53, msg, n);
	p.data[7] = 8; /* a later fragment */
	dns_track_packet(t, &p, collect, NULL);
	assert_int_equal(t->stats.packet_errors[DNS_PACKET_FRAGMENT], 1);
	udp_packet(&p, CLIENT, SERVER, 40000, 53, msg, n);
	p.data[2] = 0xff; /* total length past the packet */
	dns_track_packet(t, &p, collect, NULL);
	assert_int_equal(t->stats.packet_errors[DNS_PACKET_BAD_IP], 2);
	udp_packet(&p, CLIENT, SERVER, 40000, 53, msg, n);
	p.cap_len = 24; /* capture ends inside the UDP header */
	dns_track_packet(t, &p, collect, NULL);
	assert_int_equal(t->stats.packet_errors[DNS_PACKET_BAD_TRANSPORT], 1);
	udp_packet(&p, CLIENT, SERVER, 40000, 53, msg, 5); /* DNS header cut */
	dns_track_packet(t, &p, collect, NULL);
	assert_int_equal(t->stats.drops[DNS_DROP_PARSE], 1);
	assert_int_equal(t->stats.parse_errors[DNS_ERR_SHORT_HEADER], 1);
	assert_int_equal(t->stats.queries, 0);
}

/* DNS over TCP: two responses in one segment, each matched. */
static void test_tcp_two_messages(void **state)
{
	struct dns_track *t = *state;
	const __u8 addr[4] = { 198, 18, 0, 2 };
	struct dns_packet p = { .cookie = 3, .direction = DNS_EGRESS };
	__u8 seg[600], msg[256], *d = p.data;
	size_t n, m, total;

	for (int id = 1; id <= 2; id++) {
		m = dns_msg(msg, id, false, 0, "tcp.test", NULL, 0);
		seg[0] = m >> 8;
		seg[1] = m;
		memcpy(seg + 2, msg, m);
		udp_packet(&p, CLIENT, SERVER, 41000, 53, seg, m + 2);
		/* Rewrite as TCP: 20-byte header after the IP header. */
		memmove(d + 40, d + 28, m + 2);
		memset(d + 20, 0, 20);
		d[9] = 6;
		d[21] = (41000) & 0xff, d[20] = 41000 >> 8, d[23] = 53;
		d[32] = 5 << 4;
		total = 40 + m + 2;
		d[2] = total >> 8, d[3] = total;
		p.len = p.cap_len = total;
		dns_track_packet(t, &p, collect, NULL);
	}
	assert_int_equal(t->stats.queries, 2);
	n = 0;
	for (int id = 1; id <= 2; id++) {
		m = dns_msg(msg, id, true, 0, "tcp.test", addr, 30);
		seg[n] = m >> 8;
		seg[n + 1] = m;
		memcpy(seg + n + 2, msg, m);
		n += m + 2;
	}
	p.direction = DNS_INGRESS;
	memset(d, 0, 40);
	d[0] = 0x45, d[9] = 6;
	memcpy(d + 12, SERVER, 4);
	memcpy(d + 16, CLIENT, 4);
	d[21] = 53, d[22] = 41000 >> 8, d[23] = 41000 & 0xff;
	d[32] = 5 << 4;
	memcpy(d + 40, seg, n);
	total = 40 + n;
	d[2] = total >> 8, d[3] = total;
	p.len = p.cap_len = total;
	dns_track_packet(t, &p, collect, NULL);
	assert_int_equal(n_seen, 2);
	assert_int_equal(seen[0].protocol, 6);
	assert_int_equal(seen[1].result, LOOKUP_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_match_and_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_must_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unanswered_and_retransmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_ttl_and_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_two_messages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
