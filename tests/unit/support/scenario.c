// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include "clock.h"
#include "dns_wire.h"
#include "scenario.h"

#define MS	  NSEC_PER_MSEC
#define US	  NSEC_PER_USEC
#define WALL_AT_0 1795759200000000000ULL /* 2026-11-27T06:00:00Z at monotonic 0 */
#define NETNS	  4026531840U
#define RESOLVER  "\xc6\x12\x00\x35" /* 198.18.0.53 */
#define CLIENT	  "\xc6\x12\x00\x01" /* 198.18.0.1 */

struct run {
	struct collector *c;
	const struct scenario_sink *sink;
};

/* 2001:2:0:ff00:1234:5678:9abc:def0: longer than the summary's DESTINATION column */
static const __u8 v6_server[ADDR_LEN] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0xff, 0x00,
					  0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
static const __u8 v6_client[ADDR_LEN] = { 0x20, 0x01, 0x00, 0x02, [15] = 0x01 };

static void v4(__u8 *addr, __u8 last_octet)
{
	memset(addr, 0, ADDR_LEN);
	addr[0] = 198;
	addr[1] = 18;
	addr[3] = last_octet;
}

/* --- DNS ------------------------------------------------------------------- */

static void dns_packet_in(struct run *r, struct dns_packet *p)
{
	collector_add_dns_packet(r->c, p, r->sink->lookup, r->sink->ctx);
}

static void dns_query(struct run *r, __u64 ms, __u16 id, const char *name, __u16 qtype, __u16 sport,
		      const char *comm)
{
	struct dns_packet p = { .ts_ns = ms * MS, .cookie = id, .pid = 4000 + id, .netns = NETNS };
	__u8 msg[512];

	p.direction = DNS_EGRESS;
	strcpy(p.comm, comm);
	udp_packet(&p, CLIENT, RESOLVER, sport, 53, msg,
		   dns_message(msg, id, false, 0, name, qtype, NULL, 0));
	dns_packet_in(r, &p);
}

static void dns_answer(struct run *r, __u64 us, __u16 id, const char *name, __u16 qtype,
		       __u16 dport, __u8 rcode, const __u8 *addr)
{
	struct dns_packet p = { .ts_ns = us * US, .cookie = id, .direction = DNS_INGRESS };
	__u8 msg[512];

	udp_packet(&p, RESOLVER, CLIENT, 53, dport, msg,
		   dns_message(msg, id, true, rcode, name, qtype, addr, 300));
	dns_packet_in(r, &p);
}

/* A query at ms answered after latency_us: rcode, and addr when given. */
static void lookup(struct run *r, __u64 ms, __u16 id, const char *name, __u16 qtype,
		   __u64 latency_us, __u8 rcode, const __u8 *addr)
{
	__u16 port = 50000 + id;

	dns_query(r, ms, id, name, qtype, port, "loadgen");
	dns_answer(r, ms * 1000 + latency_us, id, name, qtype, port, rcode, addr);
}

static void dns_lookups(struct run *r)
{
	__u8 a[ADDR_LEN];
	struct dns_packet junk = { .ts_ns = 1500 * MS, .direction = DNS_EGRESS };

	v4(a, 2);
	lookup(r, 1000, 1, "web.test", DNS_TYPE_A, 412, 0, a);
	v4(a, 3);
	lookup(r, 1001, 2, "api.test", DNS_TYPE_A, 1250, 0, a);
	lookup(r, 1002, 3, "v6.test", DNS_TYPE_AAAA, 833, 0, v6_server);
	lookup(r, 1003, 4, "missing.test", DNS_TYPE_A, 2100, 3, NULL); /* NXDOMAIN */
	lookup(r, 1004, 5, "broken.test", DNS_TYPE_A, 30500, 2, NULL); /* SERVFAIL */
	lookup(r, 1005, 6, "flaky.test", DNS_TYPE_A, 4000, 2, NULL);   /* SERVFAIL, then ok */
	v4(a, 5);
	lookup(r, 1006, 7, "an-unreachable-service.example.test", DNS_TYPE_A, 690, 0, a);
	dns_query(r, 1007, 8, "silent.test", DNS_TYPE_A, 50008, "loadgen"); /* never answered */
	dns_query(r, 1008, 8, "silent.test", DNS_TYPE_A, 50008, "loadgen"); /* sent again */
	v4(a, 8);
	lookup(r, 1500, 9, "flaky.test", DNS_TYPE_A, 950, 0, a);
	/* A response to no query, and a packet that is not IP. */
	dns_answer(r, 1600000, 99, "stray.test", DNS_TYPE_A, 50099, 0, a);
	junk.len = junk.cap_len = 20;
	junk.data[0] = 0x15;
	dns_packet_in(r, &junk);
}

/* --- connects ----------------------------------------------------------------- */

struct attempt_spec {
	__u64 start_ms;
	__u64 latency_us;
	__u8 last_octet; /* 0: the IPv6 server */
	__u16 dport;
	enum outcome outcome;
	int error;
	__u16 syn_retries;
	const char *comm;
};

static void event_init(struct conn_event *ev, enum event_kind kind, const struct attempt_spec *s,
		       __u64 sock)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->ts_ns = s->start_ms * MS;
	ev->sock = sock;
	ev->pid = 7000 + (__u32)(sock % 3);
	ev->tid = ev->pid + 1;
	ev->netns = NETNS;
	ev->cgroup_id = 4242;
	ev->dport = s->dport;
	ev->family = s->last_octet ? AF_INET : AF_INET6;
	if (s->last_octet) {
		v4(ev->daddr, s->last_octet);
		v4(ev->saddr, 1);
	} else {
		memcpy(ev->daddr, v6_server, ADDR_LEN);
		memcpy(ev->saddr, v6_client, ADDR_LEN);
	}
	strcpy(ev->comm, s->comm);
}

static void connect_event(struct run *r, const struct attempt_spec *s, __u64 sock)
{
	struct conn_event ev;
	struct attempt a;
	__u16 i;

	/* Its SYN retransmissions come first, as the kernel sends them. */
	for (i = 1; i <= s->syn_retries; i++) {
		event_init(&ev, EVENT_SYN_RETRANSMIT, s, sock);
		ev.syn_retries = i;
		ev.duration_ns = i * 1000 * MS;
		collector_add_event(r->c, &ev, &a);
	}
	event_init(&ev, EVENT_ATTEMPT, s, sock);
	ev.duration_ns = s->latency_us * US;
	ev.outcome = s->outcome;
	ev.error = s->error;
	ev.syn_retries = s->syn_retries;
	if (s->outcome == OUTCOME_LOCAL_ERROR) {
		memset(ev.saddr, 0, ADDR_LEN);
	} else {
		ev.sport = 40000 + (__u16)sock;
	}
	if (collector_add_event(r->c, &ev, &a) && r->sink->attempt)
		r->sink->attempt(&a, r->sink->ctx);
}

static void close_event(struct run *r, const struct attempt_spec *s, __u64 sock, __u64 at_ms)
{
	struct conn_event ev;
	struct attempt a;

	event_init(&ev, EVENT_CLOSE, s, sock);
	ev.ts_ns = at_ms * MS;
	ev.duration_ns = (at_ms - s->start_ms) * MS;
	collector_add_event(r->c, &ev, &a);
}

static const struct attempt_spec attempts[] = {
	/* web.test: fast, one after a SYN retry */
	{ 2000, 250, 2, 80, OUTCOME_ESTABLISHED, 0, 0, "loadgen" },
	{ 2010, 310, 2, 80, OUTCOME_ESTABLISHED, 0, 0, "loadgen" },
	{ 2020, 1003150, 2, 80, OUTCOME_ESTABLISHED, 0, 1, "loadgen" },
	/* api.test: resolves fine, the SYNs go unanswered */
	{ 2100, 3066000, 3, 443, OUTCOME_TIMEOUT, ETIMEDOUT, 2, "loadgen" },
	{ 2110, 3071250, 3, 443, OUTCOME_TIMEOUT, ETIMEDOUT, 2, "loadgen" },
	{ 2120, 300400, 3, 443, OUTCOME_ABORTED, 0, 0, "loadgen" },
	/* no name: refused */
	{ 2200, 95, 4, 8081, OUTCOME_REFUSED, ECONNREFUSED, 0, "my,app" },
	{ 2210, 88, 4, 8081, OUTCOME_REFUSED, ECONNREFUSED, 0, "my,app" },
	{ 2220, 102, 4, 8081, OUTCOME_REFUSED, ECONNREFUSED, 0, "say \"hi\"" },
	/* a long name: ICMP host unreachable */
	{ 2300, 1204, 5, 8082, OUTCOME_UNREACHABLE, EHOSTUNREACH, 0, "loadgen" },
	/* no ephemeral port left, and no route */
	{ 2400, 4, 6, 9000, OUTCOME_LOCAL_ERROR, EADDRNOTAVAIL, 0, "loadgen" },
	{ 2401, 3, 6, 9000, OUTCOME_LOCAL_ERROR, EADDRNOTAVAIL, 0, "loadgen" },
	{ 2500, 6, 7, 9001, OUTCOME_LOCAL_ERROR, ENETUNREACH, 0, "loadgen" },
	/* v6.test: established, one after a retry: stalling */
	{ 2600, 1002870, 0, 443, OUTCOME_ESTABLISHED, 0, 1, "loadgen" },
	{ 2610, 530, 0, 443, OUTCOME_ESTABLISHED, 0, 0, "loadgen" },
	/* flaky.test: its name-only row goes when a connect goes to it */
	{ 2700, 420, 8, 80, OUTCOME_ESTABLISHED, 0, 0, "loadgen" },
};

#define N_ATTEMPTS (sizeof(attempts) / sizeof(attempts[0]))

/* --- in flight, ticks, accounting ------------------------------------------------------ */

/* The start event of an attempt that is still in flight. */
static void start(struct run *r, __u64 sock, __u8 last_octet, __u16 dport, __u64 start_ms,
		  __u16 retries)
{
	struct conn_event ev;
	struct attempt a;

	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_START;
	ev.sock = sock;
	ev.ts_ns = start_ms * MS;
	ev.pid = 7100;
	ev.tid = 7101;
	ev.netns = NETNS;
	ev.sport = 41000 + last_octet;
	ev.dport = dport;
	ev.syn_retries = retries;
	ev.family = AF_INET;
	v4(ev.daddr, last_octet);
	v4(ev.saddr, 1);
	strcpy(ev.comm, "loadgen");
	collector_add_event(r->c, &ev, &a);
}

/* Two attempts in flight at 9 s: one to api.test pending for 1.5 s (a stall), one young. */
static void scan(struct run *r)
{
	start(r, 900, 3, 443, 7500, 1);
	start(r, 901, 2, 80, 8900, 0);
	collector_scan_pending(r->c, 9000 * MS, 300000 * MS, r->sink->stall, r->sink->ctx);
}

static void tick(struct run *r, __u64 ms)
{
	collector_tick(r->c, ms * MS);
	if (r->sink->snapshot)
		r->sink->snapshot(r->c, wall_of_mono(ms * MS), r->sink->ctx);
}

static void kernel_counters(struct run *r)
{
	__u64 counters[COUNTER__COUNT] = { 0 };
	struct conn_event bad;
	struct attempt a;

	counters[COUNTER_ATTEMPT_EVENTS] = N_ATTEMPTS + 1;
	counters[COUNTER_RETRANSMIT_EVENTS] = 8;
	counters[COUNTER_CLOSE_EVENTS] = 3;
	counters[COUNTER_RINGBUF_FULL] = 1;
	counters[COUNTER_CLOSE_UNSEEN] = 2;
	counters[COUNTER_START_EVENTS] = 2;
	collector_set_counters(r->c, counters, 3);
	collector_expired(r->c, false);
	collector_expired(r->c, true);
	memset(&bad, 0, sizeof(bad));
	bad.kind = 77; /* no such kind */
	collector_add_event(r->c, &bad, &a);
	collector_add_record(r->c, &bad, 10, &a); /* too short to be an event */
	collector_set_dns_counters(r->c, 23, 2);
}

void scenario_run(struct collector *c, const struct scenario_sink *sink)
{
	struct run r = { c, sink };
	unsigned int i;

	setenv("TZ", "UTC", 1);
	tzset();
	clock_fix(WALL_AT_0, 0);
	tick(&r, 500);
	dns_lookups(&r);
	for (i = 0; i < N_ATTEMPTS; i++)
		connect_event(&r, &attempts[i], 100 + i);
	tick(&r, 3000);
	/* Two of web.test's connections close, and v6.test's retried one. */
	close_event(&r, &attempts[0], 100, 5000);
	close_event(&r, &attempts[1], 101, 5100);
	close_event(&r, &attempts[13], 113, 5200);
	collector_expire_dns(c, 7000 * MS, sink->lookup, sink->ctx);
	scan(&r);
	dns_query(&r, 9500, 10, "late.test", DNS_TYPE_A, 50010, "loadgen"); /* pending at exit */
	kernel_counters(&r);
	tick(&r, 10000);
}
