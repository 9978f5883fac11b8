// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS expiry costs what expires: pending queries past the timeout become
 * unanswered lookups and cache entries past their TTL (and the grace) go,
 * exactly as a full walk of both tables would decide (a model here, written
 * from that walk's rules), while entries not due are not looked at; the
 * tables shrink again after a burst.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "dns_track.h"
#include "support/dns_lookups.h"

#define TIMEOUT_NS (5 * NSEC_PER_SEC)
#define MS	   1000000ULL
#define SPORT	   40000
#define NETNS	   99

/* ----- The model: the rules of the walk over both tables that expiry replaced. ----- */

#define M_IDS	64 /* query ids, one name each */
#define M_ADDRS 24 /* addresses answered */

struct model_query {
	bool pending;
	__u64 sent_ns;
};

struct model_entry {
	bool present;
	__u64 expires_ns; /* of the newest answer, with the grace */
	__u64 open;
	char name[32];
};

struct model {
	struct model_query q[M_IDS];
	struct model_entry e[2][M_ADDRS]; /* [0]: any namespace, [1]: NETNS */
	__u64 unanswered, cache_expired;
};

static void id_name(char *buf, size_t len, unsigned int id)
{
	snprintf(buf, len, "h%u.test", id);
}

static void addr_of(__u8 addr[4], unsigned int i)
{
	addr[0] = 198, addr[1] = 18 + (i >> 16), addr[2] = i >> 8, addr[3] = i;
}

/* The entry a connection in NETNS holds: its namespace's, else any namespace's. */
static struct model_entry *model_held(struct model *m, unsigned int a)
{
	if (m->e[1][a].present)
		return &m->e[1][a];
	return m->e[0][a].present ? &m->e[0][a] : NULL;
}

static void model_answer(struct model *m, unsigned int id, unsigned int a, __u32 ttl, __u64 now)
{
	for (int ns = 0; ns < 2; ns++) {
		struct model_entry *e = &m->e[ns][a];

		e->present = true;
		e->expires_ns = now + ttl * NSEC_PER_SEC + DNS_CACHE_GRACE_NS;
		id_name(e->name, sizeof(e->name), id);
	}
}

/* keep_pending and keep_cached, as the walk applied them to every entry. */
static unsigned int model_expire(struct model *m, __u64 now, __u64 *sent, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int id = 0; id < M_IDS; id++) {
		if (!m->q[id].pending || now < m->q[id].sent_ns + TIMEOUT_NS)
			continue;
		m->q[id].pending = false;
		m->unanswered++;
		assert_true(n < max);
		sent[n++] = m->q[id].sent_ns;
	}
	for (int ns = 0; ns < 2; ns++)
		for (unsigned int a = 0; a < M_ADDRS; a++) {
			struct model_entry *e = &m->e[ns][a];

			if (!e->present || e->open || now < e->expires_ns)
				continue;
			memset(e, 0, sizeof(*e));
			m->cache_expired++;
		}
	return n;
}

/* ----- What dns_track reports. ----- */

struct reported {
	__u64 sent[M_IDS]; /* of the first unanswered ones */
	unsigned int unanswered;
	unsigned int answered;
};

static void on_lookup(const struct lookup *l, void *ctx)
{
	struct reported *r = ctx;

	if (l->result != LOOKUP_UNANSWERED) {
		r->answered++;
		return;
	}
	if (r->unanswered < M_IDS)
		r->sent[r->unanswered] = l->mono_ns;
	r->unanswered++;
}

static int by_time(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* The same names, in NETNS and from another namespace (the any-namespace entry). */
static void check_cache(const struct dns_track *t, struct model *m, __u64 now)
{
	for (unsigned int a = 0; a < M_ADDRS; a++) {
		struct model_entry *own = model_held(m, a), *any = &m->e[0][a];
		struct dns_hit hit;
		__u8 addr[4];

		addr_of(addr, a);
		assert_int_equal(dns_track_name_of(t, NETNS, AF_INET, addr, now, &hit),
				 own != NULL);
		if (own)
			assert_string_equal(hit.name, own->name);
		assert_int_equal(dns_track_name_of(t, 5, AF_INET, addr, now, &hit), any->present);
		if (any->present)
			assert_string_equal(hit.name, any->name);
	}
}

static void check_expire(struct dns_track *t, struct model *m, __u64 now)
{
	struct reported r = { .unanswered = 0 };
	__u64 want[M_IDS];
	unsigned int n = model_expire(m, now, want, M_IDS);
	size_t pending = 0;

	dns_track_expire(t, now, on_lookup, &r);
	assert_int_equal(r.answered, 0);
	assert_int_equal(r.unanswered, n);
	qsort(want, n, sizeof(want[0]), by_time);
	/* The same ones, oldest first: */
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(r.sent[i], want[i]);
	assert_int_equal(t->stats.unanswered, m->unanswered);
	assert_int_equal(t->stats.cache_expired, m->cache_expired);
	for (unsigned int id = 0; id < M_IDS; id++)
		pending += m->q[id].pending;
	assert_int_equal(dns_track_pending(t), pending);
	check_cache(t, m, now);
}

static __u32 rnd_state = 12345;

static __u32 rnd(__u32 n)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return (rnd_state >> 8) % n;
}

static void step(struct dns_track *t, struct model *m, __u64 now)
{
	unsigned int id = rnd(M_IDS), a = rnd(M_ADDRS), r = rnd(100);
	struct model_entry *held = model_held(m, a);
	struct reported ignored = { .unanswered = 0 };
	__u32 ttl = rnd(16);
	__u8 addr[4];
	char name[32];

	id_name(name, sizeof(name), id);
	addr_of(addr, a);
	if (r < 35) {
		/* Sent up to 50 us before now: packets come about in time order. */
		__u64 sent = now - rnd(50000);

		track_query(t, sent, NETNS, id, name, SPORT, on_lookup, &ignored);
		if (!m->q[id].pending)
			m->q[id] = (struct model_query){ true, sent };
	} else if (r < 65) {
		bool nxdomain = r >= 60;

		track_answer(t, now, id, name, SPORT, nxdomain ? 3 : 0, nxdomain ? NULL : addr, ttl,
			     on_lookup, &ignored);
		if (m->q[id].pending && !nxdomain)
			model_answer(m, id, a, ttl, now);
		m->q[id].pending = false;
	} else if (r < 75) {
		dns_track_hold(t, NETNS, AF_INET, addr, +1);
		if (held)
			held->open++;
	} else if (r < 88) {
		dns_track_hold(t, NETNS, AF_INET, addr, -1);
		if (held && held->open)
			held->open--;
	} else {
		check_expire(t, m, now);
	}
}

/* A long mix: TTLs of 0-15 s, holds taken and released, answers refreshed, queries lost. */
static void test_expiry_matches_the_full_walk(void **state)
{
	static struct model m;
	struct dns_track t;
	__u64 now = 10 * NSEC_PER_SEC;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(dns_track_init(&t, TIMEOUT_NS), 0);
	for (int i = 0; i < 40000; i++) {
		now += rnd(400) * MS;
		step(&t, &m, now);
	}
	assert_true(m.unanswered > 100);
	assert_true(m.cache_expired > 100);
	/* Everything released: everything goes. */
	for (unsigned int a = 0; a < M_ADDRS; a++) {
		struct model_entry *held;
		__u8 addr[4];

		addr_of(addr, a);
		while ((held = model_held(&m, a)) && held->open) {
			dns_track_hold(&t, NETNS, AF_INET, addr, -1);
			held->open--;
		}
	}
	check_expire(&t, &m, now + 3600 * NSEC_PER_SEC);
	assert_int_equal(t.cache.len, 0);
	dns_track_free(&t);
}

/* A refreshed answer moves its entry, earlier or later; a hold released lets it go. */
static void test_refresh_moves_the_entry(void **state)
{
	const __u8 soon[4] = { 198, 18, 0, 10 }, later[4] = { 198, 18, 0, 11 };
	__u64 s = NSEC_PER_SEC, g = DNS_CACHE_GRACE_NS;
	struct reported r = { .unanswered = 0 };
	struct dns_track t;
	struct dns_hit hit;

	(void)state;
	assert_int_equal(dns_track_init(&t, TIMEOUT_NS), 0);
	/* soon: 60 s, then 1 s; later: 1 s, then 60 s.  Any namespace only. */
	track_query(&t, 1 * s, 0, 1, "a.test", SPORT, on_lookup, &r);
	track_answer(&t, 1 * s, 1, "a.test", SPORT, 0, soon, 60, on_lookup, &r);
	track_query(&t, 1 * s, 0, 2, "b.test", SPORT, on_lookup, &r);
	track_answer(&t, 1 * s, 2, "b.test", SPORT, 0, later, 1, on_lookup, &r);
	track_query(&t, 2 * s, 0, 3, "a.test", SPORT, on_lookup, &r);
	track_answer(&t, 2 * s, 3, "a.test", SPORT, 0, soon, 1, on_lookup, &r);
	track_query(&t, 2 * s, 0, 4, "b.test", SPORT, on_lookup, &r);
	track_answer(&t, 2 * s, 4, "b.test", SPORT, 0, later, 60, on_lookup, &r);
	dns_track_hold(&t, 0, AF_INET, later, +1);
	dns_track_expire(&t, 3 * s + g - 1, on_lookup, &r);
	assert_int_equal(t.stats.cache_expired, 0);
	dns_track_expire(&t, 3 * s + g, on_lookup, &r);
	assert_int_equal(t.stats.cache_expired, 1);
	assert_false(dns_track_name_of(&t, 0, AF_INET, soon, 3 * s, &hit));
	/* Held past its TTL, released: gone at the next scan, not before. */
	dns_track_expire(&t, 62 * s + g, on_lookup, &r);
	assert_true(dns_track_name_of(&t, 0, AF_INET, later, 3 * s, &hit));
	dns_track_hold(&t, 0, AF_INET, later, -1);
	assert_true(dns_track_name_of(&t, 0, AF_INET, later, 3 * s, &hit));
	dns_track_expire(&t, 62 * s + g, on_lookup, &r);
	assert_false(dns_track_name_of(&t, 0, AF_INET, later, 3 * s, &hit));
	assert_int_equal(t.stats.cache_expired, 2);
	assert_int_equal(r.answered, 4);
	assert_int_equal(r.unanswered, 0);
	dns_track_free(&t);
}

#define HELD	  50000 /* held past their TTL */
#define LONG_TTL  50000 /* not due for an hour */
#define DUE	  10	/* neither: due at the scan */
#define LOST	  10	/* queries never answered, due at the scan */
#define WAITING	  1000	/* queries sent later, not due */
#define N_ENTRIES (HELD + LONG_TTL + DUE)

static void answered(struct dns_track *t, unsigned int i, __u32 ttl, struct reported *r)
{
	__u8 addr[4];

	addr_of(addr, i);
	track_query(t, NSEC_PER_SEC, 0, i, "many.test", SPORT, on_lookup, r);
	track_answer(t, NSEC_PER_SEC, i, "many.test", SPORT, 0, addr, ttl, on_lookup, r);
}

static void hold(struct dns_track *t, unsigned int from, unsigned int to, int delta)
{
	__u8 addr[4];

	for (unsigned int i = from; i < to; i++) {
		addr_of(addr, i);
		dns_track_hold(t, 0, AF_INET, addr, delta);
	}
}

/* Queries to names of their own, so that they stay pending. */
static void lost_queries(struct dns_track *t, __u64 sent, unsigned int n, struct reported *r)
{
	char name[32];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "lost%u.test", i);
		track_query(t, sent, 0, i, name, SPORT, on_lookup, r);
	}
}

/*
 * 100,000 cache entries and 1,000 queries not due, 10 of each due: a scan
 * looks at those 20 and at the first not due of each kind, nothing else.
 * Then the burst ends and the tables give their memory back.
 */
static void test_expiry_looks_only_at_what_is_due(void **state)
{
	static struct reported r;
	__u64 s = NSEC_PER_SEC, scan = 10 * s, visits;
	struct dns_track t;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(dns_track_init(&t, TIMEOUT_NS), 0);
	for (unsigned int i = 0; i < N_ENTRIES; i++)
		answered(&t, i, i < HELD || i >= HELD + LONG_TTL ? 1 : 3600, &r);
	hold(&t, 0, HELD, +1);
	lost_queries(&t, 1 * s, LOST, &r);
	lost_queries(&t, 8 * s, WAITING, &r); /* retransmits of the first LOST, then new */
	assert_int_equal(t.cache.len, N_ENTRIES);
	assert_int_equal(dns_track_pending(&t), WAITING);

	visits = t.expiry_visits;
	dns_track_expire(&t, scan, on_lookup, &r);
	assert_int_equal(t.stats.cache_expired, DUE);
	assert_int_equal(t.stats.unanswered, LOST);
	assert_int_equal(t.expiry_visits - visits, DUE + LOST + 2);

	/* Nothing due: one look each. */
	visits = t.expiry_visits;
	dns_track_expire(&t, scan, on_lookup, &r);
	assert_int_equal(t.expiry_visits - visits, 2);

	/* Released, the held ones are due at once; the others still are not. */
	hold(&t, 0, HELD, -1);
	visits = t.expiry_visits;
	dns_track_expire(&t, scan, on_lookup, &r);
	assert_int_equal(t.stats.cache_expired, DUE + HELD);
	assert_int_equal(t.expiry_visits - visits, HELD + 2);
	assert_int_equal(t.cache.len, LONG_TTL);

	/* After the burst: everything goes, and the memory with it. */
	dns_track_expire(&t, 3700 * s, on_lookup, &r);
	assert_int_equal(t.stats.cache_expired, N_ENTRIES);
	assert_int_equal(t.stats.unanswered, WAITING);
	assert_int_equal(r.unanswered, WAITING);
	assert_int_equal(r.answered, N_ENTRIES);
	assert_int_equal(t.cache.len, 0);
	assert_int_equal(t.cache.capacity, 64);
	assert_int_equal(t.pending.capacity, 64);
	assert_int_equal(t.expiry.cap, 64);
	dns_track_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry_matches_the_full_walk),
		cmocka_unit_test(test_refresh_moves_the_entry),
		cmocka_unit_test(test_expiry_looks_only_at_what_is_due),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
