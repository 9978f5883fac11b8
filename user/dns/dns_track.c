// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "dns_track.h"

#define DNS_OPCODE_QUERY 0
#define RCODE_NOERROR	 0
#define RCODE_SERVFAIL	 2
#define RCODE_NXDOMAIN	 3
#define RCODE_REFUSED	 5

/* A query, as both its packet and its response identify it.  Zeroed before filling. */
struct query_key {
	__u64 cookie; /* the client's socket; 0 for AF_PACKET captures */
	__u8 client[16];
	__u8 server[16];
	__u16 client_port;
	__u16 server_port;
	__u16 id;
	__u16 qtype;
	__u16 qclass;
	__u8 family;
	__u8 protocol;
	struct dns_name qname;
};

struct pending_query {
	struct query_key key;
	struct lookup lookup;		   /* filled from the query; completed by the response */
	struct pending_query *prev, *next; /* by time sent, oldest first */
};

/* The pending table's entry: queries do not move when the table does. */
struct pending_ref {
	struct query_key key;
	struct pending_query *q;
};

/* Zeroed before filling. */
struct cache_key {
	__u8 addr[16];
	__u32 netns; /* 0: the newest answer in any namespace */
	__u8 family;
	__u8 pad[3];
};

/* One answer that named an address. */
struct cache_answer {
	char name[LOOKUP_NAME_LEN];
	__u64 answered_ns;
	__u64 expires_ns;
	__u64 latency_ns;
};

/*
 * The last answers naming an address, oldest first: connects are matched
 * with the newest answer before they started, whatever order the two ring
 * buffers were read in.
 */
struct cache_entry {
	struct cache_key key;
	struct cache_answer answers[DNS_CACHE_ANSWERS];
	unsigned int n_answers;
	__u64 open;	  /* connections using this entry: not in the expiry heap meanwhile */
	__u64 expires_ns; /* the newest answer's expiry and the grace: when it goes, unless open */
	size_t slot;	  /* its place in the expiry heap, while not open */
};

/* The cache table's entry: the expiry heap points at entries, which do not move. */
struct cache_ref {
	struct cache_key key;
	struct cache_entry *e;
};

#define HEAP_MIN_CAPACITY 64

int dns_track_init(struct dns_track *t, __u64 timeout_ns)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->timeout_ns = timeout_ns;
	err = table_init(&t->pending, sizeof(struct query_key), sizeof(struct pending_ref));
	if (err)
		return err;
	err = table_init(&t->cache, sizeof(struct cache_key), sizeof(struct cache_ref));
	if (err)
		table_free(&t->pending);
	return err;
}

void dns_track_free(struct dns_track *t)
{
	struct pending_query *q, *next;
	struct cache_ref *ref;

	for (q = t->oldest; q; q = next) {
		next = q->next;
		free(q);
	}
	for (ref = table_next(&t->cache, NULL); ref; ref = table_next(&t->cache, ref))
		free(ref->e);
	free(t->expiry.at);
	table_free(&t->pending);
	table_free(&t->cache);
}

/* A presentation name into a fixed field, cut with a '~' when too long. */
static void name_copy(char *dst, const struct dns_name *name)
{
	char text[DNS_NAME_TEXT_SIZE];

	if (dns_name_to_text(name, text, sizeof(text)) >= LOOKUP_NAME_LEN) {
		memcpy(dst, text, LOOKUP_NAME_LEN - 2);
		dst[LOOKUP_NAME_LEN - 2] = '~';
		dst[LOOKUP_NAME_LEN - 1] = '\0';
		return;
	}
	strcpy(dst, text);
}

/* The query key of a message; a response's addresses are swapped back. */
static void key_of(struct query_key *k, const struct dns_packet *p, const struct dns_segment *s,
		   const struct dns_message *m)
{
	bool query = p->direction == DNS_EGRESS;

	memset(k, 0, sizeof(*k));
	k->cookie = p->cookie;
	memcpy(k->client, query ? s->saddr : s->daddr, 16);
	memcpy(k->server, query ? s->daddr : s->saddr, 16);
	k->client_port = query ? s->sport : s->dport;
	k->server_port = query ? s->dport : s->sport;
	k->id = m->header.id;
	k->qtype = m->question.qtype;
	k->qclass = m->question.qclass;
	k->family = s->family;
	k->protocol = s->protocol;
	k->qname = m->question.wire;
	memset(k->qname.wire + k->qname.len, 0, sizeof(k->qname.wire) - k->qname.len);
}

/*
 * After the newest query sent no later: packets come about in time order, so
 * this is one step, and the oldest query is at the front.
 */
static void pending_link(struct dns_track *t, struct pending_query *q)
{
	struct pending_query *after = t->newest;

	while (after && after->lookup.mono_ns > q->lookup.mono_ns)
		after = after->prev;
	q->prev = after;
	q->next = after ? after->next : t->oldest;
	if (q->next)
		q->next->prev = q;
	else
		t->newest = q;
	if (after)
		after->next = q;
	else
		t->oldest = q;
}

/* A query answered or unanswered leaves the list and the table. */
static void pending_remove(struct dns_track *t, struct pending_ref *ref)
{
	struct pending_query *q = ref->q;

	if (q->prev)
		q->prev->next = q->next;
	else
		t->oldest = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		t->newest = q->prev;
	table_remove(&t->pending, ref);
	free(q);
}

static void query_seen(struct dns_track *t, const struct dns_packet *p, const struct query_key *k,
		       const struct dns_message *m)
{
	struct pending_query *q;
	struct pending_ref *ref;
	bool created;

	t->stats.queries++;
	if (!table_find(&t->pending, k) && t->pending.len >= DNS_MAX_PENDING) {
		t->stats.drops[DNS_DROP_PENDING_FULL]++;
		return;
	}
	ref = table_upsert(&t->pending, k, &created);
	if (ref && !created) {
		t->stats.retransmits++;
		return;
	}
	q = ref ? calloc(1, sizeof(*q)) : NULL;
	if (!q) {
		if (ref)
			table_remove(&t->pending, ref);
		t->stats.drops[DNS_DROP_NO_MEMORY]++;
		return;
	}
	ref->q = q;
	q->key = *k;
	q->lookup.mono_ns = p->ts_ns;
	q->lookup.pid = p->pid;
	q->lookup.netns = p->netns;
	q->lookup.family = k->family;
	q->lookup.protocol = k->protocol;
	memcpy(q->lookup.server, k->server, 16);
	q->lookup.server_port = k->server_port;
	q->lookup.qtype = k->qtype;
	memcpy(q->lookup.comm, p->comm, DNS_COMM_LEN);
	q->lookup.comm[DNS_COMM_LEN - 1] = '\0';
	name_copy(q->lookup.qname, &m->question.wire);
	pending_link(t, q);
}

static enum lookup_result result_of(const struct dns_message *m)
{
	switch (m->header.rcode) {
	case RCODE_NOERROR:
		return m->header.tc ? LOOKUP_TRUNCATED : LOOKUP_OK;
	case RCODE_NXDOMAIN:
		return LOOKUP_NXDOMAIN;
	case RCODE_SERVFAIL:
		return LOOKUP_SERVFAIL;
	case RCODE_REFUSED:
		return LOOKUP_REFUSED;
	default:
		return LOOKUP_OTHER;
	}
}

static void heap_set(struct cache_heap *h, size_t i, struct cache_entry *e)
{
	h->at[i] = e;
	e->slot = i;
}

static void heap_up(struct cache_heap *h, size_t i)
{
	struct cache_entry *e = h->at[i];

	while (i > 0 && h->at[(i - 1) / 2]->expires_ns > e->expires_ns) {
		heap_set(h, i, h->at[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(h, i, e);
}

static void heap_down(struct cache_heap *h, size_t i)
{
	struct cache_entry *e = h->at[i];
	size_t child;

	while ((child = 2 * i + 1) < h->len) {
		if (child + 1 < h->len && h->at[child + 1]->expires_ns < h->at[child]->expires_ns)
			child++;
		if (e->expires_ns <= h->at[child]->expires_ns)
			break;
		heap_set(h, i, h->at[child]);
		i = child;
	}
	heap_set(h, i, e);
}

/* e's expiry changed: it moves up or down. */
static void heap_fix(struct cache_heap *h, struct cache_entry *e)
{
	heap_up(h, e->slot);
	heap_down(h, e->slot);
}

/* Never allocates: the capacity covers every cache entry (heap_reserve). */
static void heap_push(struct cache_heap *h, struct cache_entry *e)
{
	heap_set(h, h->len++, e);
	heap_up(h, e->slot);
}

static void heap_remove(struct cache_heap *h, struct cache_entry *e)
{
	struct cache_entry *last = h->at[--h->len];

	if (last == e)
		return;
	heap_set(h, e->slot, last);
	heap_fix(h, last);
}

/* Room for n entries; -ENOMEM when out of memory. */
static int heap_reserve(struct cache_heap *h, size_t n)
{
	size_t cap = h->cap ? h->cap : HEAP_MIN_CAPACITY;
	struct cache_entry **at;

	while (cap < n)
		cap *= 2;
	if (cap == h->cap)
		return 0;
	at = realloc(h->at, cap * sizeof(*at));
	if (!at)
		return -ENOMEM;
	h->at = at;
	h->cap = cap;
	return 0;
}

/* After a burst, as table_shrink: under a load of 1/8 of n entries, to a load of 1/8 to 1/4. */
static void heap_shrink(struct cache_heap *h, size_t n)
{
	size_t cap = h->cap;
	struct cache_entry **at;

	while (cap > HEAP_MIN_CAPACITY && n * 8 < cap)
		cap /= 2;
	if (cap == h->cap)
		return;
	at = realloc(h->at, cap * sizeof(*at));
	if (at) { /* on failure it stays as it is: nothing is lost */
		h->at = at;
		h->cap = cap;
	}
}

/* A new entry for key, with room in the heap for every entry; NULL when out of memory. */
static struct cache_entry *cache_entry_new(struct dns_track *t, const struct cache_key *key)
{
	struct cache_entry *e;

	if (heap_reserve(&t->expiry, t->cache.len))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e)
		e->key = *key;
	return e;
}

/* -ENOMEM when out of memory: the answer is not kept. */
static int cache_put(struct dns_track *t, __u32 netns, const struct lookup *l,
		     const struct dns_address *a, __u64 now)
{
	struct cache_answer *ans;
	struct cache_key key;
	struct cache_entry *e;
	struct cache_ref *ref;
	bool created;

	memset(&key, 0, sizeof(key));
	key.netns = netns;
	key.family = a->addr_len == 4 ? AF_INET : AF_INET6;
	memcpy(key.addr, a->addr, a->addr_len);
	ref = table_upsert(&t->cache, &key, &created);
	if (!ref)
		return -ENOMEM;
	if (created) {
		ref->e = cache_entry_new(t, &key);
		if (!ref->e) {
			table_remove(&t->cache, ref);
			return -ENOMEM;
		}
	}
	e = ref->e;
	if (e->n_answers == DNS_CACHE_ANSWERS) {
		memmove(e->answers, e->answers + 1,
			sizeof(e->answers[0]) * (DNS_CACHE_ANSWERS - 1));
		e->n_answers--;
	}
	ans = &e->answers[e->n_answers++];
	strcpy(ans->name, l->qname);
	ans->answered_ns = now;
	ans->expires_ns = now + a->ttl * NSEC_PER_SEC;
	ans->latency_ns = l->latency_ns;
	/* The newest answer says when the entry goes, sooner or later than before. */
	e->expires_ns = ans->expires_ns + DNS_CACHE_GRACE_NS;
	if (created)
		heap_push(&t->expiry, e);
	else if (!e->open)
		heap_fix(&t->expiry, e);
	return 0;
}

/* Remember what the question name resolved to: per namespace and for any namespace. */
static void cache_answer(struct dns_track *t, const struct lookup *l,
			 const struct dns_resolution *res, __u64 now)
{
	bool lost = false;
	unsigned int i;

	for (i = 0; i < res->address_count; i++) {
		if (cache_put(t, l->netns, l, &res->addresses[i], now))
			lost = true;
		if (l->netns && cache_put(t, 0, l, &res->addresses[i], now))
			lost = true;
	}
	if (lost)
		t->stats.drops[DNS_DROP_NO_MEMORY]++;
}

static void resolution_copy(struct lookup *l, const struct dns_resolution *res)
{
	unsigned int i;

	if (res->cname_hops)
		name_copy(l->canonical, &res->canonical);
	l->n_addrs = res->address_count < LOOKUP_MAX_ADDRS ? res->address_count : LOOKUP_MAX_ADDRS;
	for (i = 0; i < l->n_addrs; i++)
		l->addrs[i] = res->addresses[i];
}

static void response_seen(struct dns_track *t, const struct dns_packet *p,
			  const struct query_key *k, const struct dns_message *m, lookup_fn fn,
			  void *ctx)
{
	struct pending_ref *ref = table_find(&t->pending, k);
	struct dns_resolution res;
	struct lookup l;

	t->stats.responses++;
	if (!ref) {
		t->stats.drops[DNS_DROP_UNMATCHED]++;
		return;
	}
	l = ref->q->lookup;
	pending_remove(t, ref);
	l.latency_ns = p->ts_ns > l.mono_ns ? p->ts_ns - l.mono_ns : 0;
	l.rcode = m->header.rcode;
	l.result = result_of(m);
	if (dns_follow_cname_chain(m, &res) == DNS_OK) {
		resolution_copy(&l, &res);
		if (l.result == LOOKUP_OK)
			cache_answer(t, &l, &res, p->ts_ns);
	}
	fn(&l, ctx);
}

static void message_seen(struct dns_track *t, const struct dns_packet *p,
			 const struct dns_segment *s, const __u8 *msg, size_t len, lookup_fn fn,
			 void *ctx)
{
	static struct dns_message m; /* 17 KiB: not on the stack; single-threaded */
	enum dns_parse_error err = dns_parse(msg, len, &m);
	bool query = p->direction == DNS_EGRESS;
	struct query_key k;

	/* A cut capture may still hold the question and the first answers. */
	if (err != DNS_OK && !(s->cut && m.sections_parsed >= 1)) {
		t->stats.drops[DNS_DROP_PARSE]++;
		t->stats.parse_errors[err]++;
		return;
	}
	if (m.header.qr == query || m.header.opcode != DNS_OPCODE_QUERY) {
		t->stats.drops[DNS_DROP_NOT_QUERY]++;
		return;
	}
	if (!m.header.qdcount) {
		t->stats.drops[DNS_DROP_NO_QUESTION]++;
		return;
	}
	key_of(&k, p, s, &m);
	if (query)
		query_seen(t, p, &k, &m);
	else
		response_seen(t, p, &k, &m, fn, ctx);
}

/* DNS over TCP: the messages of one segment, which must start at a message boundary. */
static void tcp_segment_seen(struct dns_track *t, const struct dns_packet *p,
			     const struct dns_segment *s, lookup_fn fn, void *ctx)
{
	struct dns_tcp_frame frame;
	struct dns_tcp_iter it;
	enum dns_tcp_status st;

	dns_tcp_iter_init(&it, s->payload, s->payload_len);
	while ((st = dns_tcp_next(&it, &frame)) == DNS_TCP_MESSAGE)
		message_seen(t, p, s, frame.data, frame.len, fn, ctx);
	if (st == DNS_TCP_PARTIAL && !(s->cut && frame.len >= DNS_HEADER_LEN))
		t->stats.drops[DNS_DROP_TCP_PARTIAL]++;
	else if (st == DNS_TCP_PARTIAL)
		message_seen(t, p, s, frame.data, frame.len, fn, ctx);
}

void dns_track_packet(struct dns_track *t, const struct dns_packet *p, lookup_fn fn, void *ctx)
{
	enum dns_packet_error err;
	struct dns_segment s;

	t->stats.packets++;
	err = dns_segment_decode(p->data, p->cap_len, p->len, &s);
	if (err != DNS_PACKET_OK) {
		t->stats.packet_errors[err]++;
		return;
	}
	if (s.protocol == IPPROTO_TCP)
		tcp_segment_seen(t, p, &s, fn, ctx);
	else
		message_seen(t, p, &s, s.payload, s.payload_len, fn, ctx);
}

size_t dns_track_pending(const struct dns_track *t)
{
	return t->pending.len;
}

/* Queries share one timeout: the oldest go first, up to the first one not due. */
static void pending_expire(struct dns_track *t, __u64 now, lookup_fn fn, void *ctx)
{
	struct pending_query *q;

	while ((q = t->oldest)) {
		t->expiry_visits++;
		if (now < q->lookup.mono_ns + t->timeout_ns)
			return;
		q->lookup.result = LOOKUP_UNANSWERED;
		t->stats.unanswered++;
		fn(&q->lookup, ctx);
		pending_remove(t, table_find(&t->pending, &q->key));
	}
}

/* Entries not held go by expiry, soonest first, up to the first one not due. */
static void cache_expire(struct dns_track *t, __u64 now)
{
	struct cache_heap *h = &t->expiry;
	struct cache_entry *e;

	while (h->len) {
		e = h->at[0];
		t->expiry_visits++;
		if (now < e->expires_ns)
			return;
		heap_remove(h, e);
		table_remove(&t->cache, table_find(&t->cache, &e->key));
		free(e);
		t->stats.cache_expired++;
	}
}

void dns_track_expire(struct dns_track *t, __u64 now_ns, lookup_fn fn, void *ctx)
{
	pending_expire(t, now_ns, fn, ctx);
	cache_expire(t, now_ns);
	/* After a burst: removals leave the tables as large as they grew. */
	table_shrink(&t->pending);
	table_shrink(&t->cache);
	heap_shrink(&t->expiry, t->cache.len);
}

static struct cache_entry *cache_find(const struct dns_track *t, __u32 netns, __u8 family,
				      const __u8 *addr)
{
	const struct cache_ref *ref;
	struct cache_key key;

	memset(&key, 0, sizeof(key));
	key.netns = netns;
	key.family = family;
	memcpy(key.addr, addr, family == AF_INET ? 4 : 16);
	ref = table_find(&t->cache, &key);
	return ref ? ref->e : NULL;
}

/* The newest answer before at_ns; the oldest one if all came later. */
static const struct cache_answer *answer_before(const struct cache_entry *e, __u64 at_ns)
{
	unsigned int i = e->n_answers;

	while (i > 1 && e->answers[i - 1].answered_ns > at_ns)
		i--;
	return &e->answers[i - 1];
}

bool dns_track_name_of(const struct dns_track *t, __u32 netns, __u8 family, const __u8 *addr,
		       __u64 at_ns, struct dns_hit *hit)
{
	const struct cache_entry *e = cache_find(t, netns, family, addr);
	const struct cache_answer *a;

	if (!e)
		e = cache_find(t, 0, family, addr);
	if (!e)
		return false;
	a = answer_before(e, at_ns);
	hit->name = a->name;
	hit->answered_ns = a->answered_ns;
	hit->latency_ns = a->latency_ns;
	return true;
}

void dns_track_hold(struct dns_track *t, __u32 netns, __u8 family, const __u8 *addr, int delta)
{
	struct cache_entry *e = cache_find(t, netns, family, addr);
	__u64 was;

	if (!e)
		e = cache_find(t, 0, family, addr);
	if (!e || (delta < 0 && !e->open))
		return;
	was = e->open;
	e->open += delta;
	/* Held, it cannot expire; released, it goes when due, at once if it is already. */
	if (!was && e->open)
		heap_remove(&t->expiry, e);
	else if (was && !e->open)
		heap_push(&t->expiry, e);
}

char *lookup_answers(const struct lookup *l, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < l->n_addrs; i++) {
		int af = l->addrs[i].addr_len == 4 ? AF_INET : AF_INET6, n;

		if (!inet_ntop(af, l->addrs[i].addr, addr, sizeof(addr)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", addr);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0'; /* whole addresses only */
			break;
		}
		used += n;
	}
	return buf;
}

const char *lookup_result_name(enum lookup_result r)
{
	static const char *const names[LOOKUP__COUNT] = {
		[LOOKUP_OK] = "ok",
		[LOOKUP_NXDOMAIN] = "nxdomain",
		[LOOKUP_SERVFAIL] = "servfail",
		[LOOKUP_REFUSED] = "refused",
		[LOOKUP_TRUNCATED] = "truncated",
		[LOOKUP_OTHER] = "other",
		[LOOKUP_UNANSWERED] = "unanswered",
	};

	return r < LOOKUP__COUNT ? names[r] : "?";
}

const char *dns_drop_name(enum dns_drop d)
{
	static const char *const names[DNS_DROP__COUNT] = {
		[DNS_DROP_PARSE] = "parse_error",
		[DNS_DROP_NOT_QUERY] = "not_a_query",
		[DNS_DROP_NO_QUESTION] = "no_question",
		[DNS_DROP_TCP_PARTIAL] = "tcp_partial",
		[DNS_DROP_UNMATCHED] = "unmatched_response",
		[DNS_DROP_PENDING_FULL] = "pending_full",
		[DNS_DROP_NO_MEMORY] = "out_of_memory",
	};

	return d < DNS_DROP__COUNT ? names[d] : "?";
}
