// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "collector.h"

/* Pointers in the order they came, never removed. */
struct arrivals {
	void **at;
	size_t len;
	size_t cap;
};

/*
 * Attempts in flight are allocated and freed thousands of times a second:
 * a few are kept for the next ones instead of going back to malloc, up to
 * POOL_MAX, so that memory still goes back after a burst.
 */
#define POOL_MAX 1024

struct pending_pool {
	struct pending *free; /* linked by next */
	size_t len;
};

struct collector {
	struct table dests;	     /* struct dest_key -> struct dest * */
	struct table names;	     /* host name -> struct name_info * */
	struct dns_track dns;	     /* lookups in progress, address -> name cache */
	struct pending_list pending; /* attempts in flight */
	struct pending_pool pool;    /* attempts resolved, kept for the next ones */
	struct table open;	     /* socket -> struct open_conn: established, not closed */
	struct dest total;	     /* every destination together */
	struct dns_stats dns_total;  /* every lookup */
	struct accounting acct;
	struct capacity_limits limits;
	__u64 stall_ns;
	__u64 last_tick_ns;	    /* monotonic time of the last collector_tick() */
	struct arrivals dests_seen; /* struct dest *, with an address, in the order seen */
	struct arrivals names_seen; /* struct name_stats *, in the order looked up */
	__u64 now_ns;		    /* the newest event or scan time: the capacity figures' clock */
	bool notices;		    /* some capacity has notices to tell */
	struct dest *last_dest;	    /* dest_get()'s last: attempts come in runs to one */
};

struct dest_entry {
	struct dest_key key;
	struct dest *dest;
};

struct pending_key {
	__u64 sock;
	__u64 start_ns;
};

struct pending_entry {
	struct pending_key key;
	struct pending *p;
};

/*
 * An established connection the collector saw establish, until its close:
 * a close pairs with it by socket, and releases the DNS answer it holds.
 */
struct open_conn {
	__u64 sock;
	struct dest *dest;
	__u32 netns;
	__u8 family;
	bool holds_answer; /* its DNS answer is kept past its TTL while it is open */
	__u8 daddr[ADDR_LEN];
};

/* A name looked up: its lookups, and whether a connect went to it. */
struct name_info {
	struct name_stats name; /* what collector_name_at() hands out */
	struct dest *name_only; /* its row while no connect went to it */
	bool has_dest;
};

struct name_entry {
	char name[HOST_LEN];
	struct name_info *info;
};

static int collector_init(struct collector *c, __u64 stall_ns, __u64 dns_timeout_ns)
{
	int err;

	c->stall_ns = stall_ns;
	c->limits = capacity_defaults;
	c->total.host_wide = true;
	capacity_init(&c->total.cap, &c->limits, true);
	err = table_init(&c->dests, sizeof(struct dest_key), sizeof(struct dest_entry));
	if (err)
		return err;
	err = table_init(&c->pending.index, sizeof(struct pending_key),
			 sizeof(struct pending_entry));
	if (err)
		goto out_free_dests;
	err = table_init(&c->names, HOST_LEN, sizeof(struct name_entry));
	if (err)
		goto out_free_pending;
	err = table_init(&c->open, sizeof(__u64), sizeof(struct open_conn));
	if (err)
		goto out_free_names;
	err = dns_track_init(&c->dns, dns_timeout_ns);
	if (err)
		goto out_free_open;
	return 0;
out_free_open:
	table_free(&c->open);
out_free_names:
	table_free(&c->names);
out_free_pending:
	table_free(&c->pending.index);
out_free_dests:
	table_free(&c->dests);
	return err;
}

/* Append p; its arrival number is the index; -ENOMEM when out of memory. */
static int arrivals_add(struct arrivals *a, void *p)
{
	if (a->len == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		void **at = realloc(a->at, cap * sizeof(*at));

		if (!at)
			return -ENOMEM;
		a->at = at;
		a->cap = cap;
	}
	a->at[a->len++] = p;
	return 0;
}

struct collector *collector_new(__u64 stall_ns, __u64 dns_timeout_ns)
{
	struct collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (collector_init(c, stall_ns, dns_timeout_ns)) {
		free(c);
		return NULL;
	}
	return c;
}

void collector_destroy(struct collector *c)
{
	struct dest_entry *e;
	struct name_entry *n;
	struct pending *p, *next;

	if (!c)
		return;
	for (e = table_next(&c->dests, NULL); e; e = table_next(&c->dests, e))
		free(e->dest);
	for (n = table_next(&c->names, NULL); n; n = table_next(&c->names, n))
		free(n->info);
	for (p = c->pending.oldest; p; p = next) {
		next = p->next;
		free(p);
	}
	for (p = c->pool.free; p; p = next) {
		next = p->next;
		free(p);
	}
	table_free(&c->dests);
	table_free(&c->pending.index);
	table_free(&c->names);
	table_free(&c->open);
	dns_track_free(&c->dns);
	free(c->dests_seen.at);
	free(c->names_seen.at);
	free(c);
}

void dest_key_of(struct dest_key *key, unsigned int family, const __u8 *addr, __u16 port)
{
	memset(key, 0, sizeof(*key));
	key->family = family;
	key->port = port;
	memcpy(key->addr, addr, ADDR_LEN);
}

const struct dest *collector_find(const struct collector *c, const struct dest_key *key)
{
	const struct dest_entry *e = table_find(&c->dests, key);

	return e ? e->dest : NULL;
}

/* The destination of key, created if new; NULL when out of memory. */
static struct dest *dest_get(struct collector *c, const struct dest_key *key)
{
	struct dest_entry *e;
	bool created;

	if (c->last_dest && !memcmp(&c->last_dest->key, key, sizeof(*key)))
		return c->last_dest;
	e = table_upsert(&c->dests, key, &created);
	if (!e)
		return NULL;
	if (created) {
		e->dest = calloc(1, sizeof(*e->dest));
		if (!e->dest)
			goto out_remove;
		e->dest->key = *key;
		capacity_init(&e->dest->cap, &c->limits, false);
		e->dest->arrival = c->dests_seen.len;
		if (!dest_is_name_only(e->dest) && arrivals_add(&c->dests_seen, e->dest))
			goto out_free_dest;
	}
	c->last_dest = e->dest;
	return e->dest;
out_free_dest:
	free(e->dest);
out_remove:
	table_remove(&c->dests, e);
	return NULL;
}

/* The destination at family, addr and port, created if new; NULL when out of memory. */
static struct dest *dest_at(struct collector *c, unsigned int family, const __u8 *addr, __u16 port)
{
	struct dest_key key;

	dest_key_of(&key, family, addr, port);
	return dest_get(c, &key);
}

static void dest_remove(struct collector *c, struct dest *d)
{
	struct dest_entry *e = table_find(&c->dests, &d->key);

	if (c->last_dest == d)
		c->last_dest = NULL;
	if (e)
		table_remove(&c->dests, e);
	free(d);
}

/* The name's statistics, created if new; NULL when out of memory. */
static struct name_info *name_get(struct collector *c, const char *name)
{
	char key[HOST_LEN] = { 0 };
	struct name_entry *e;
	bool created;

	strncpy(key, name, HOST_LEN - 1);
	e = table_upsert(&c->names, key, &created);
	if (!e)
		return NULL;
	if (created) {
		e->info = calloc(1, sizeof(*e->info));
		if (!e->info)
			goto out_remove;
		memcpy(e->info->name.name, key, HOST_LEN);
		e->info->name.arrival = c->names_seen.len;
		if (arrivals_add(&c->names_seen, &e->info->name))
			goto out_free_info;
	}
	return e->info;
out_free_info:
	free(e->info);
out_remove:
	table_remove(&c->names, e);
	return NULL;
}

bool dest_is_name_only(const struct dest *d)
{
	return d->key.family == 0;
}

/* A row for a name whose lookups failed and that no connect went to (yet). */
static void name_only_dest(struct collector *c, struct name_info *ni, const char *name)
{
	struct dest_key key;
	__u64 h = 1469598103934665603ULL;
	const char *p;

	if (ni->has_dest || ni->name_only)
		return;
	memset(&key, 0, sizeof(key));
	for (p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	memcpy(key.addr, &h, sizeof(h));
	memcpy(key.addr + sizeof(h), name, strnlen(name, sizeof(key.addr) - sizeof(h)));
	ni->name_only = dest_get(c, &key);
	if (!ni->name_only)
		return;
	strcpy(ni->name_only->host, name);
	ni->name_only->dns = &ni->name.stats;
}

/* A connect went to a destination named host: it carries the name's DNS statistics. */
static void dest_name(struct collector *c, struct dest *d, const char *host)
{
	struct name_info *ni;

	if (!*host || !strcmp(d->host, host))
		return;
	ni = name_get(c, host);
	if (!ni)
		return;
	strcpy(d->host, host);
	d->dns = &ni->name.stats;
	ni->has_dest = true;
	if (ni->name_only) {
		dest_remove(c, ni->name_only);
		ni->name_only = NULL;
	}
}

const struct dest *collector_next(const struct collector *c, const struct dest *prev)
{
	const struct dest_entry *e = prev ? table_find(&c->dests, &prev->key) : NULL;

	e = table_next(&c->dests, e);
	return e ? e->dest : NULL;
}

int dest_key_cmp(const struct dest_key *a, const struct dest_key *b)
{
	int r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	r = memcmp(a->addr, b->addr, ADDR_LEN);
	if (r)
		return r;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int u64_cmp(__u64 a, __u64 b)
{
	return a < b ? -1 : a > b;
}

static int worst_first(const void *pa, const void *pb)
{
	const struct dest *a = *(const struct dest *const *)pa;
	const struct dest *b = *(const struct dest *const *)pb;
	int r;

	if (dest_is_name_only(a) != dest_is_name_only(b))
		return dest_is_name_only(a) ? 1 : -1;
	r = u64_cmp(dest_failures(b), dest_failures(a));
	if (!r)
		r = u64_cmp(b->attempts, a->attempts);
	if (!r)
		r = dest_key_cmp(&a->key, &b->key);
	return r ? r : strcmp(a->host, b->host);
}

void collector_each_worst_first(const struct collector *c,
				void (*fn)(const struct dest *d, void *arg), void *arg)
{
	const struct dest **all = calloc(c->dests.len ? c->dests.len : 1, sizeof(*all));
	const struct dest *d;
	size_t n = 0, i;

	for (d = collector_next(c, NULL); d; d = collector_next(c, d)) {
		if (!all)
			fn(d, arg);
		else
			all[n++] = d;
	}
	if (!all)
		return;
	qsort(all, n, sizeof(*all), worst_first);
	for (i = 0; i < n; i++)
		fn(all[i], arg);
	free(all);
}

const struct pending *collector_next_pending(const struct collector *c, const struct pending *prev)
{
	return prev ? prev->next : c->pending.oldest;
}

size_t collector_dests_seen(const struct collector *c)
{
	return c->dests_seen.len;
}

const struct dest *collector_dest_at(const struct collector *c, size_t arrival)
{
	return arrival < c->dests_seen.len ? c->dests_seen.at[arrival] : NULL;
}

size_t collector_names_seen(const struct collector *c)
{
	return c->names_seen.len;
}

const struct name_stats *collector_name_at(const struct collector *c, size_t arrival)
{
	return arrival < c->names_seen.len ? c->names_seen.at[arrival] : NULL;
}

const struct dest *collector_total(const struct collector *c)
{
	return &c->total;
}

const struct dns_stats *collector_dns_total(const struct collector *c)
{
	return &c->dns_total;
}

const struct accounting *collector_accounting(const struct collector *c)
{
	return &c->acct;
}

const struct dns_track_stats *collector_dns_stats(const struct collector *c)
{
	return &c->dns.stats;
}

size_t collector_dns_pending(const struct collector *c)
{
	return dns_track_pending(&c->dns);
}

__u64 dest_failures(const struct dest *d)
{
	return d->attempts - d->outcomes[OUTCOME_ESTABLISHED];
}

__u64 dns_failed(const struct dns_stats *s)
{
	return s->nxdomain + s->servfail + s->other;
}

/* The failing outcome with the most attempts. */
static enum outcome worst_failure(const struct dest *d)
{
	static const enum outcome failures[] = { OUTCOME_TIMEOUT, OUTCOME_REFUSED,
						 OUTCOME_UNREACHABLE, OUTCOME_LOCAL_ERROR };
	enum outcome worst = OUTCOME_TIMEOUT;
	__u64 most = 0;
	unsigned int i;

	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		__u64 n = d->outcomes[failures[i]];

		/* The application giving up on a silent SYN is a timeout too. */
		if (failures[i] == OUTCOME_TIMEOUT)
			n += d->outcomes[OUTCOME_ABORTED];
		if (n > most) {
			most = n;
			worst = failures[i];
		}
	}
	return worst;
}

static const char *failure_verdict(const struct dest *d, bool dns_ok)
{
	switch (worst_failure(d)) {
	case OUTCOME_REFUSED:
		return dns_ok ? "dns-ok/connect-refused" : "connect-refused";
	case OUTCOME_UNREACHABLE:
		return dns_ok ? "dns-ok/unreachable" : "unreachable";
	case OUTCOME_LOCAL_ERROR:
		return d->local_exhaustion ? "local-exhaustion" : "local-error";
	default:
		return dns_ok ? "dns-ok/connect-timeout" : "connect-timeout";
	}
}

/*
 * Any failure names the verdict (the commonest kind wins); otherwise connects
 * that needed SYN retries, or are pending past the stall threshold, are
 * "stalling".  A name whose lookups fail and that has no connects is "dns-fail".
 */
const char *dest_verdict(const struct dest *d)
{
	bool dns_ok = d->dns && d->dns->ok;

	if (!d->attempts && !d->inflight && d->dns && (dns_failed(d->dns) || d->dns->unanswered))
		return "dns-fail";
	if (dest_failures(d))
		return failure_verdict(d, dns_ok);
	if (d->retried_attempts || d->stalled)
		return "stalling";
	return "ok";
}

/* Advance the per-second history to second now, clearing the slots passed over. */
static void series_advance(struct series *s, __u64 second)
{
	__u64 gap;

	if (second <= s->newest_second)
		return;
	gap = second - s->newest_second;
	if (gap > SERIES_SECONDS)
		gap = SERIES_SECONDS;
	while (gap--) {
		unsigned int i = (second - gap) % SERIES_SECONDS;

		s->attempts[i] = 0;
		s->failures[i] = 0;
	}
	s->newest_second = second;
}

static void series_count(struct series *s, __u64 second, bool failed)
{
	unsigned int i = second % SERIES_SECONDS;

	series_advance(s, second);
	if (second + SERIES_SECONDS <= s->newest_second)
		return; /* older than the history */
	s->attempts[i]++;
	if (failed)
		s->failures[i]++;
}

static void failure_record(struct dest *d, const struct attempt *a)
{
	struct failure *f = &d->recent[d->recent_next];

	f->wall_ns = a->wall_ns;
	f->waited_ns = a->latency_ns;
	f->pid = a->pid;
	f->error = a->error;
	f->syn_retries = a->syn_retries;
	f->outcome = a->outcome;
	memcpy(f->comm, a->comm, COMM_LEN);
	d->recent_next = (d->recent_next + 1) % RECENT_FAILURES;
	if (d->recent_count < RECENT_FAILURES)
		d->recent_count++;
}

static void dest_count_attempt(struct dest *d, const struct attempt *a)
{
	bool failed = a->outcome != OUTCOME_ESTABLISHED;

	d->attempts++;
	d->outcomes[a->outcome]++;
	d->retries[a->syn_retries < RETRY_BUCKETS ? a->syn_retries : RETRY_BUCKETS - 1]++;
	if (a->syn_retries)
		d->retried_attempts++;
	series_count(&d->series, a->wall_ns / NSEC_PER_SEC, failed);
	if (failed) {
		failure_record(d, a);
		if (a->outcome == OUTCOME_LOCAL_ERROR && a->error == EADDRNOTAVAIL)
			d->local_exhaustion++;
		return;
	}
	hist_add(&d->latency_us, a->latency_ns / NSEC_PER_USEC);
	buckets_add(&d->handshake, &handshake_buckets, a->latency_ns);
}

/* A connection followed until its close joined d's open gauge. */
static void dest_opened(struct dest *d)
{
	d->open++;
	if (d->open > d->open_peak)
		d->open_peak = d->open;
}

/* --- capacity: the concurrency figures follow every change of the counts ----------- */

/* The collector's clock: the newest event or scan time it was told of. */
static __u64 clock_at(struct collector *c, __u64 t)
{
	if (t > c->now_ns)
		c->now_ns = t;
	return c->now_ns;
}

static void notices_raised(struct collector *c, unsigned int notices)
{
	if (notices)
		c->notices = true;
}

/*
 * The one hook: every code path that changes a destination's open, in-flight
 * or retrying count calls it, at the time of the change.
 */
static void dest_concurrency_changed(struct collector *c, struct dest *d, __u64 now_ns)
{
	notices_raised(c, capacity_update(&d->cap, d->open, d->inflight, d->retrying, now_ns));
}

/* d's counts (NULL: a destination not followed, out of memory) changed, and so the host's. */
static void concurrency_changed(struct collector *c, struct dest *d, __u64 now_ns)
{
	if (d)
		dest_concurrency_changed(c, d, now_ns);
	dest_concurrency_changed(c, &c->total, now_ns);
}

/* An attempt to d timed out, was aborted or stalled: a plateau? */
static void turned_away(struct collector *c, struct dest *d, __u64 now_ns)
{
	if (d)
		notices_raised(c, capacity_turned_away(&d->cap, now_ns));
	notices_raised(c, capacity_turned_away(&c->total.cap, now_ns));
	if (d)
		capacity_caused_by(&c->total.cap, &d->cap);
}

/*
 * p, in flight since its start, needed its first SYN retransmission: it was
 * never carried, and it is retrying until it resolves.
 */
static void pending_retrying(struct collector *c, struct pending *p, __u64 now_ns)
{
	struct dest *d = p->dest;

	p->retrying = true;
	if (d) {
		capacity_not_carried(&d->cap, p->start_ns, now_ns);
		d->retrying++;
	}
	capacity_not_carried(&c->total.cap, p->start_ns, now_ns);
	c->total.retrying++;
	concurrency_changed(c, d, now_ns);
}

static void notices_take(struct dest *d, capacity_fn fn, void *ctx)
{
	if (!d->cap.notices)
		return;
	if (fn)
		fn(d, ctx);
	d->cap.notices = 0;
}

void collector_take_notices(struct collector *c, capacity_fn fn, void *ctx)
{
	struct dest_entry *e;

	if (!c->notices)
		return;
	for (e = table_next(&c->dests, NULL); e; e = table_next(&c->dests, e))
		notices_take(e->dest, fn, ctx);
	notices_take(&c->total, fn, ctx);
	c->notices = false;
}

void collector_set_limits(struct collector *c, const struct capacity_limits *limits)
{
	c->limits = *limits;
}

/* The DNS answer that named addr, if any. */
static void attempt_dns_of(const struct collector *c, struct attempt_dns *out, __u32 netns,
			   __u8 family, const __u8 *addr, __u64 start_ns)
{
	struct dns_hit hit;

	/* No memset: the name's buffer is most of the struct, and most attempts have none. */
	out->host[0] = '\0';
	out->answered_ns = out->latency_ns = 0;
	if (!dns_track_name_of(&c->dns, netns, family, addr, start_ns, &hit))
		return;
	/* memccpy, not strnlen and memcpy: a copy of bounded size is inlined as rep movs. */
	if (!memccpy(out->host, hit.name, '\0', sizeof(out->host)))
		out->host[sizeof(out->host) - 1] = '\0';
	out->answered_ns = hit.answered_ns;
	out->latency_ns = hit.latency_ns;
}

/* The name, not the whole buffer it is in. */
static void attempt_dns_copy(struct attempt_dns *to, const struct attempt_dns *from)
{
	memccpy(to->host, from->host, '\0', sizeof(to->host));
	to->answered_ns = from->answered_ns;
	to->latency_ns = from->latency_ns;
}

/* Every field, but not with a memset: the DNS name's buffer is most of the struct. */
static void attempt_of_event(struct attempt *a, const struct conn_event *ev)
{
	a->wall_ns = wall_of_mono(ev->ts_ns);
	a->latency_ns = ev->duration_ns;
	a->cgroup_id = ev->cgroup_id;
	a->pid = ev->pid;
	a->tid = ev->tid;
	a->netns = ev->netns;
	a->error = ev->error;
	a->sport = ev->sport;
	a->dport = ev->dport;
	a->syn_retries = ev->syn_retries;
	a->family = ev->family;
	a->outcome = ev->outcome;
	memcpy(a->saddr, ev->saddr, ADDR_LEN);
	memcpy(a->daddr, ev->daddr, ADDR_LEN);
	memcpy(a->comm, ev->comm, COMM_LEN);
	a->dns.host[0] = '\0';
	a->dns.answered_ns = a->dns.latency_ns = 0;
	a->dns_age_ns = 0;
	a->dest = NULL;
}

static struct pending_entry *pending_entry_find(const struct collector *c, __u64 sock,
						__u64 start_ns)
{
	struct pending_key key = { .sock = sock, .start_ns = start_ns };

	return table_find(&c->pending.index, &key);
}

static struct pending *pending_find(const struct collector *c, __u64 sock, __u64 start_ns)
{
	const struct pending_entry *e = pending_entry_find(c, sock, start_ns);

	return e ? e->p : NULL;
}

static struct pending *pending_alloc(struct collector *c)
{
	struct pending *p = c->pool.free;

	if (!p)
		return malloc(sizeof(*p));
	c->pool.free = p->next;
	c->pool.len--;
	return p;
}

static void pending_free(struct collector *c, struct pending *p)
{
	if (c->pool.len >= POOL_MAX) {
		free(p);
		return;
	}
	p->next = c->pool.free;
	c->pool.free = p;
	c->pool.len++;
}

/* p leaves the in-flight gauge of its destination and of the total. */
static void pending_uncount(struct collector *c, const struct pending *p)
{
	struct dest *d = p->dest;

	if (d && d->inflight)
		d->inflight--;
	if (c->total.inflight)
		c->total.inflight--;
	if (p->stall_reported && d && d->stalled)
		d->stalled--;
	if (p->stall_reported && c->total.stalled)
		c->total.stalled--;
	if (p->retrying && d && d->retrying)
		d->retrying--;
	if (p->retrying && c->total.retrying)
		c->total.retrying--;
}

/* e: p's index entry, if the caller has it (NULL: found here). */
static void pending_remove(struct collector *c, struct pending *p, struct pending_entry *e)
{
	struct pending_list *l = &c->pending;

	if (!e)
		e = pending_entry_find(c, p->sock, p->start_ns);
	pending_uncount(c, p);
	if (e)
		table_remove(&l->index, e);
	if (l->unstalled == p)
		l->unstalled = p->next;
	if (p->prev)
		p->prev->next = p->next;
	else
		l->oldest = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		l->newest = p->prev;
	l->len--;
	pending_free(c, p);
}

/* An attempt began: it is in flight until its outcome comes. */
static void add_start(struct collector *c, const struct conn_event *ev)
{
	struct pending_list *l = &c->pending;
	struct pending_key key = { .sock = ev->sock, .start_ns = ev->ts_ns };
	struct pending_entry *e;
	struct pending *p;
	bool created;

	/* One lookup: a start seen already is not counted twice. */
	e = table_upsert(&l->index, &key, &created);
	if (e && !created)
		return;
	p = e ? pending_alloc(c) : NULL;
	if (!p) {
		if (e)
			table_remove(&l->index, e);
		c->acct.alloc_failed++;
		return;
	}
	e->p = p;
	p->sock = ev->sock;
	p->start_ns = ev->ts_ns;
	p->info.start_ns = ev->ts_ns;
	p->info.cgroup_id = ev->cgroup_id;
	p->info.pid = ev->pid;
	p->info.tid = ev->tid;
	p->info.netns = ev->netns;
	p->info.sport = ev->sport;
	p->info.dport = ev->dport;
	p->info.syn_retries = ev->syn_retries;
	p->info.family = ev->family;
	memcpy(p->info.saddr, ev->saddr, ADDR_LEN);
	memcpy(p->info.daddr, ev->daddr, ADDR_LEN);
	memcpy(p->info.comm, ev->comm, COMM_LEN);
	attempt_dns_of(c, &p->dns, ev->netns, ev->family, ev->daddr, ev->ts_ns);
	p->retransmits_seen = 0;
	p->stall_reported = false;
	p->retrying = false;
	p->next = NULL;
	p->dest = dest_at(c, ev->family, ev->daddr, ev->dport);
	if (p->dest)
		p->dest->inflight++;
	c->total.inflight++;
	concurrency_changed(c, p->dest, clock_at(c, ev->ts_ns));
	p->prev = l->newest;
	if (l->newest)
		l->newest->next = p;
	else
		l->oldest = p;
	l->newest = p;
	if (!l->unstalled)
		l->unstalled = p;
	l->len++;
}

/*
 * A resolved attempt is no longer in flight.  An attempt named while in
 * flight keeps that name: a later answer must not rename it.
 */
static void pending_resolved(struct collector *c, struct dest *d, struct pending_entry *e,
			     struct attempt *a)
{
	struct pending *p = e->p;

	if (p->dns.host[0])
		attempt_dns_copy(&a->dns, &p->dns);
	/*
	 * The kernel's own count for the socket is the truth: a retransmit
	 * the tracepoint did not show is counted now, and said to be late.
	 */
	if (a->syn_retries > p->retransmits_seen) {
		__u64 late = a->syn_retries - p->retransmits_seen;

		d->syn_retransmits += late;
		c->total.syn_retransmits += late;
		c->acct.retransmits_late += late;
	}
	pending_remove(c, p, e);
}

/* conn is closed: it leaves the open gauges and releases its DNS answer. */
static void open_release(struct collector *c, struct open_conn *conn)
{
	if (conn->dest->open)
		conn->dest->open--;
	if (c->total.open)
		c->total.open--;
	if (conn->holds_answer)
		dns_track_hold(&c->dns, conn->netns, conn->family, conn->daddr, -1);
}

static void open_remove(struct collector *c, struct open_conn *conn)
{
	open_release(c, conn);
	table_remove(&c->open, conn);
}

/*
 * An attempt established on ev's socket: open until its close.  A socket
 * still open in the table connected again, so its close was not seen.
 * Only a connection whose close will come joins the open gauges: not one
 * the kernel does not follow (--max-open full, counted there as open map
 * full), nor one there is no memory for.
 */
static void open_add(struct collector *c, struct dest *d, const struct conn_event *ev, bool named)
{
	struct open_conn *conn;
	bool created;

	if (ev->open_full) {
		conn = table_find(&c->open, &ev->sock);
		if (conn)
			open_remove(c, conn);
		return;
	}
	/* One lookup: a socket still in the table takes its new connection's place. */
	conn = table_upsert(&c->open, &ev->sock, &created);
	if (!conn) {
		c->acct.alloc_failed++;
		return;
	}
	if (!created)
		open_release(c, conn);
	dest_opened(d);
	dest_opened(&c->total);
	conn->dest = d;
	conn->netns = ev->netns;
	conn->family = ev->family;
	memcpy(conn->daddr, ev->daddr, ADDR_LEN);
	conn->holds_answer = named;
	if (named)
		dns_track_hold(&c->dns, ev->netns, ev->family, ev->daddr, +1);
}

/* An attempt's destination: the one its start found when it is the same, without a lookup. */
static struct dest *attempt_dest(struct collector *c, const struct conn_event *ev,
				 const struct pending *p)
{
	struct dest_key key;

	dest_key_of(&key, ev->family, ev->daddr, ev->dport);
	if (p && p->dest && !memcmp(&p->dest->key, &key, sizeof(key)))
		return p->dest;
	return dest_get(c, &key);
}

static bool add_attempt(struct collector *c, const struct conn_event *ev, struct attempt *out)
{
	struct pending_entry *e;
	__u64 now;
	struct dest *d;

	if (ev->outcome >= OUTCOME__COUNT) {
		c->acct.malformed++;
		return false;
	}
	attempt_of_event(out, ev);
	e = pending_entry_find(c, ev->sock, ev->ts_ns);
	d = attempt_dest(c, ev, e ? e->p : NULL);
	if (!d)
		return false;
	/* Named while in flight, or now. */
	if (e)
		pending_resolved(c, d, e, out);
	if (!out->dns.host[0])
		attempt_dns_of(c, &out->dns, ev->netns, ev->family, ev->daddr, ev->ts_ns);
	if (out->dns.host[0]) {
		out->dns_age_ns = (__s64)(ev->ts_ns - out->dns.answered_ns);
		dest_name(c, d, out->dns.host);
	}
	if (out->outcome == OUTCOME_ESTABLISHED)
		open_add(c, d, ev, out->dns.host[0]);
	dest_count_attempt(d, out);
	dest_count_attempt(&c->total, out);
	now = clock_at(c, ev->ts_ns + ev->duration_ns);
	capacity_connect(&d->cap, ev->ts_ns);
	capacity_connect(&c->total.cap, ev->ts_ns);
	concurrency_changed(c, d, now);
	if (out->outcome == OUTCOME_TIMEOUT || out->outcome == OUTCOME_ABORTED)
		turned_away(c, d, now);
	out->dest = d;
	return true;
}

static void add_retransmit(struct collector *c, const struct conn_event *ev)
{
	struct pending *p = pending_find(c, ev->sock, ev->ts_ns);
	__u64 now = clock_at(c, ev->ts_ns + ev->duration_ns);
	struct dest *d;

	if (p) {
		p->info.syn_retries = ev->syn_retries;
		p->info.sport = ev->sport;
		p->retransmits_seen++;
	}
	d = dest_at(c, ev->family, ev->daddr, ev->dport);
	if (d)
		d->syn_retransmits++;
	c->total.syn_retransmits++;
	if (p && !p->retrying)
		pending_retrying(c, p, now);
}

static void add_close(struct collector *c, const struct conn_event *ev)
{
	__u64 now = clock_at(c, ev->ts_ns);
	struct open_conn *conn = table_find(&c->open, &ev->sock);
	struct dest *d;

	/* Not seen to establish (its event dropped or expired): nothing of it is counted. */
	if (!conn)
		return;
	d = conn->dest;
	open_remove(c, conn);
	capacity_closed(&c->total.cap, ev->duration_ns);
	capacity_closed(&d->cap, ev->duration_ns);
	concurrency_changed(c, d, now);
}

bool collector_add_event(struct collector *c, const struct conn_event *ev, struct attempt *out)
{
	if (ev->kind < EVENT_ATTEMPT || ev->kind >= EVENT__COUNT) {
		c->acct.malformed++;
		return false;
	}
	c->acct.delivered[ev->kind]++;
	switch (ev->kind) {
	case EVENT_ATTEMPT:
		return add_attempt(c, ev, out);
	case EVENT_START:
		add_start(c, ev);
		return false;
	case EVENT_SYN_RETRANSMIT:
		add_retransmit(c, ev);
		return false;
	default:
		add_close(c, ev);
		return false;
	}
}

bool collector_add_record(struct collector *c, const void *data, size_t size, struct attempt *out)
{
	if (size < sizeof(struct conn_event)) {
		c->acct.malformed++;
		return false;
	}
	return collector_add_event(c, data, out);
}

/* The query types counted apart, by slot; the slot after them counts the others. */
static const struct {
	__u16 qtype;
	const char *name;
} qtypes[DNS_QTYPES - 1] = {
	{ 1, "A" },	{ 28, "AAAA" }, { 65, "HTTPS" }, { 64, "SVCB" },
	{ 5, "CNAME" }, { 12, "PTR" },	{ 15, "MX" },	 { 16, "TXT" },
	{ 33, "SRV" },	{ 2, "NS" },	{ 6, "SOA" },
};

unsigned int dns_qtype_slot(__u16 qtype)
{
	unsigned int i;

	for (i = 0; i < DNS_QTYPES - 1; i++)
		if (qtypes[i].qtype == qtype)
			return i;
	return DNS_QTYPES - 1;
}

const char *dns_qtype_slot_name(unsigned int slot)
{
	return slot < DNS_QTYPES - 1 ? qtypes[slot].name : "other";
}

static void dns_count(struct dns_stats *s, const struct lookup *l)
{
	s->lookups++;
	if (l->result < LOOKUP__COUNT)
		s->by_qtype[dns_qtype_slot(l->qtype)][l->result]++;
	switch (l->result) {
	case LOOKUP_OK:
		s->ok++;
		break;
	case LOOKUP_NXDOMAIN:
		s->nxdomain++;
		break;
	case LOOKUP_SERVFAIL:
		s->servfail++;
		break;
	case LOOKUP_TRUNCATED:
		s->truncated++;
		break;
	case LOOKUP_UNANSWERED:
		s->unanswered++;
		return;
	default:
		s->other++;
		break;
	}
	hist_add(&s->latency_us, l->latency_ns / NSEC_PER_USEC);
	buckets_add(&s->latency, &dns_buckets, l->latency_ns);
}

struct lookup_relay {
	struct collector *c;
	lookup_fn fn;
	void *ctx;
};

/* Count a completed lookup for its name and in total, then pass it on. */
static void on_lookup(const struct lookup *l, void *arg)
{
	struct lookup_relay *r = arg;
	struct name_info *ni = name_get(r->c, l->qname);

	dns_count(&r->c->dns_total, l);
	if (ni) {
		dns_count(&ni->name.stats, l);
		if (l->result != LOOKUP_OK && l->result != LOOKUP_TRUNCATED)
			name_only_dest(r->c, ni, l->qname);
	}
	if (r->fn)
		r->fn(l, r->ctx);
}

void collector_add_dns_packet(struct collector *c, const struct dns_packet *p, lookup_fn fn,
			      void *ctx)
{
	struct lookup_relay r = { c, fn, ctx };

	dns_track_packet(&c->dns, p, on_lookup, &r);
}

void collector_expire_dns(struct collector *c, __u64 now_ns, lookup_fn fn, void *ctx)
{
	struct lookup_relay r = { c, fn, ctx };

	dns_track_expire(&c->dns, now_ns, on_lookup, &r);
}

__u64 collector_pending_age(const struct collector *c, const struct pending *p)
{
	__u64 now = c->pending.scanned_ns;

	return now > p->start_ns ? now - p->start_ns : 0;
}

void collector_scan_pending(struct collector *c, __u64 now_ns, __u64 ttl_ns, stall_fn on_stall,
			    void *ctx)
{
	struct pending_list *l = &c->pending;
	__u64 now = clock_at(c, now_ns);
	struct pending *p;
	struct dest *d;

	/* Starts arrive about in start order: the oldest are at the front. */
	while (l->oldest && now_ns > l->oldest->start_ns + ttl_ns) {
		p = l->oldest;
		d = p->dest;
		pending_remove(c, p, NULL);
		concurrency_changed(c, d, now);
	}
	l->scanned_ns = now_ns;
	for (p = l->unstalled; p; p = p->next) {
		if (collector_pending_age(c, p) < c->stall_ns)
			break;
		p->stall_reported = true;
		if (p->dest)
			p->dest->stalled++;
		c->total.stalled++;
		turned_away(c, p->dest, now);
		if (on_stall)
			on_stall(p, ctx);
	}
	l->unstalled = p;
	/* After a burst: removals leave the tables as large as they grew. */
	table_shrink(&l->index);
	table_shrink(&c->open);
}

void collector_expired(struct collector *c, bool connect_call)
{
	if (connect_call)
		c->acct.expired_calls++;
	else
		c->acct.expired_inflight++;
}

void collector_set_counters(struct collector *c, const __u64 *counters, __u64 missed)
{
	memcpy(c->acct.kernel, counters, sizeof(c->acct.kernel));
	c->acct.missed = missed;
	c->acct.expired_inflight = counters[COUNTER_EXPIRED];
	c->acct.produced[EVENT_START] = counters[COUNTER_START_EVENTS];
	c->acct.produced[EVENT_ATTEMPT] = counters[COUNTER_ATTEMPT_EVENTS];
	c->acct.produced[EVENT_SYN_RETRANSMIT] = counters[COUNTER_RETRANSMIT_EVENTS];
	c->acct.produced[EVENT_CLOSE] = counters[COUNTER_CLOSE_EVENTS];
}

void collector_set_dns_counters(struct collector *c, __u64 produced, __u64 lost)
{
	c->acct.dns_produced = produced;
	c->acct.dns_lost = lost;
}

static void dest_tick(struct dest *d, double seconds, __u64 wall_second)
{
	d->connects_per_s = seconds > 0 ? (d->attempts - d->attempts_at_tick) / seconds : 0;
	d->attempts_at_tick = d->attempts;
	series_advance(&d->series, wall_second);
}

void collector_tick(struct collector *c, __u64 now_ns)
{
	double seconds = c->last_tick_ns ? (now_ns - c->last_tick_ns) / 1e9 : 0;
	__u64 wall_second = wall_of_mono(now_ns) / NSEC_PER_SEC;
	struct dest_entry *e;

	for (e = table_next(&c->dests, NULL); e; e = table_next(&c->dests, e))
		dest_tick(e->dest, seconds, wall_second);
	dest_tick(&c->total, seconds, wall_second);
	c->last_tick_ns = now_ns;
}

static __u64 events_sum(const __u64 *by_kind)
{
	__u64 n = 0;
	int kind;

	for (kind = EVENT_ATTEMPT; kind < EVENT__COUNT; kind++)
		n += by_kind[kind];
	return n;
}

__u64 accounting_produced(const struct accounting *a)
{
	return events_sum(a->produced);
}

__u64 accounting_delivered(const struct accounting *a)
{
	return events_sum(a->delivered);
}

__u64 accounting_dropped(const struct accounting *a)
{
	return a->kernel[COUNTER_RINGBUF_FULL] + a->kernel[COUNTER_INFLIGHT_FULL] +
	       a->kernel[COUNTER_CONNECT_CTX_FULL] + a->kernel[COUNTER_OPEN_FULL] +
	       a->kernel[COUNTER_STORAGE_FAILED] + a->kernel[COUNTER_MAP_OP_FAILED] + a->missed +
	       a->alloc_failed;
}

__u64 accounting_outcomes_lost(const struct accounting *a)
{
	__u64 produced = a->produced[EVENT_ATTEMPT], delivered = a->delivered[EVENT_ATTEMPT];

	return produced > delivered ? produced - delivered : 0;
}

__u64 accounting_expired(const struct accounting *a)
{
	return a->expired_inflight + a->expired_calls;
}
