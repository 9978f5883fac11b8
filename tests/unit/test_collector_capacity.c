// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capacity figures as the collector keeps them, fed the events of a
 * burst over a NAT's port capacity: attempts started, established, SYN
 * retransmissions (retrying), stalls and timeouts move concurrent, demand
 * and the plateau at once; the notices are told once, the streaming lines
 * and the capacity section say the cause and the advice.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "collector.h"
#include "columns.h"
#include "metrics.h"
#include "summary.h"
#include "text.h"

#define MS	  1000000ULL
#define S	  1000000000ULL
#define T	  (100 * S)
#define ATTEMPTS  300
#define PORTS	  200 /* the NAT's capacity: attempts beyond it get no port */
#define STALL_NS  S
#define SERVER_IP 2

static __u64 start_of(__u64 sock)
{
	return T + sock * 1000;
}

static struct conn_event event(enum event_kind kind, __u64 sock)
{
	struct conn_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.family = AF_INET;
	ev.daddr[0] = 198, ev.daddr[1] = 18, ev.daddr[3] = SERVER_IP;
	ev.dport = 443;
	ev.sock = sock;
	ev.ts_ns = start_of(sock);
	ev.pid = 7;
	strcpy(ev.comm, "connburst");
	return ev;
}

/* The attempts first..last start: in flight from their start records. */
static void start(struct collector *c, __u64 first, __u64 last)
{
	__u64 sock;

	for (sock = first; sock <= last; sock++) {
		struct conn_event ev = event(EVENT_START, sock);
		struct attempt a;

		assert_false(collector_add_event(c, &ev, &a));
	}
}

/* The stall scan at now_ns. */
static void scan(struct collector *c, __u64 now_ns)
{
	collector_scan_pending(c, now_ns, 60 * S, NULL, NULL);
}

static void resolve(struct collector *c, __u64 sock, enum outcome outcome, __u64 after_ns,
		    __u8 syn_retries)
{
	struct conn_event ev = event(EVENT_ATTEMPT, sock);
	struct attempt a;

	ev.outcome = outcome;
	ev.duration_ns = after_ns;
	ev.syn_retries = syn_retries;
	assert_true(collector_add_event(c, &ev, &a));
}

static void retransmit(struct collector *c, __u64 sock, __u8 n, __u64 after_ns)
{
	struct conn_event ev = event(EVENT_SYN_RETRANSMIT, sock);
	struct attempt a;

	ev.syn_retries = n;
	ev.duration_ns = after_ns;
	assert_false(collector_add_event(c, &ev, &a));
}

static const struct dest *server(const struct collector *c)
{
	__u8 addr[ADDR_LEN] = { 198, 18, 0, SERVER_IP };
	struct dest_key key;

	dest_key_of(&key, AF_INET, addr, 443);
	return collector_find(c, &key);
}

/* Notices as the streaming text has them. */
static void on_notice(const struct dest *d, void *ctx)
{
	text_capacity(ctx, d);
}

static char *notices(struct collector *c)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	collector_take_notices(c, on_notice, f);
	fclose(f);
	return text;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' not in:\n%s", part, text);
}

/* The capped burst as Prometheus gauges, per destination and host-wide. */
static void metrics_of_capped(const struct collector *c)
{
	struct metrics_info info = { .version = "test",
				     .mode = "tracepoint",
				     .dns_capture = "off",
				     .kernel = "6.18",
				     .max_destinations = 500 };
	static const char *const want[] = {
		"synscope_connections_capped_at{daddr=\"198.18.0.2\",dport=\"443\",host=\"\"} "
		"200\n",
		"synscope_host_connections_capped_at 200\n",
		"synscope_connections_concurrent_peak{daddr=\"198.18.0.2\",dport=\"443\",host=\"\"}"
		" "
		"200\n",
		"synscope_connections_demand_peak{daddr=\"198.18.0.2\",dport=\"443\",host=\"\"} "
		"300\n",
		"synscope_nat_capacity{daddr=\"198.18.0.2\",dport=\"443\",host=\"\"} 200\n",
		"synscope_nat_ips_needed{daddr=\"198.18.0.2\",dport=\"443\",host=\"\"} 2\n",
		"synscope_host_connections_demand_peak 300\n",
		"synscope_host_enis_needed 1\n",
		"synscope_host_eni_capacity 65000\n",
		"synscope_capacity_limit{daddr=\"198.18.0.2\",dport=\"443\",host=\"\","
		"limit=\"nat_gateway\"} 1\n",
		"# TYPE synscope_host_capacity_limit gauge\nsynscope_host_capacity_limit"
		"{limit=\"nat_gateway\"} 1\n",
	};
	struct text_buf out = { 0 };
	size_t i;

	assert_true(metrics_render(&out, c, &info, METRICS_TEXT));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_contains(out.data, want[i]);
	/* The ENI's figures are the host's: no family per destination. */
	assert_null(strstr(out.data, "\nsynscope_eni_capacity"));
	text_buf_free(&out);
}

/* A row's cause and limit columns; LIMIT_NONE: no sample. */
static void assert_verdict(const struct dest *d, const char *cause, enum capacity_limit limit)
{
	char buf[COLUMN_TEXT_LEN];
	struct cell v;

	column_value(COL_CAUSE, d, &v, buf);
	assert_string_equal(v.text, cause);
	column_value(COL_LIMIT, d, &v, buf);
	if (limit == LIMIT_NONE)
		assert_int_equal(v.state, CELL_UNKNOWN);
	else
		assert_int_equal(v.num, limit);
}

/* The host-wide row's cause, as the summary CSV and the dashboard have it, and the service's. */
static void host_cause_of_capped(const struct collector *c)
{
	assert_verdict(collector_total(c),
		       "capped by 198.18.0.2:443: NAT Gateway port allocation, 1 address",
		       LIMIT_NAT);
	assert_verdict(server(c), "NAT Gateway port allocation, 1 address", LIMIT_NAT);
}

static struct collector *burst(const struct capacity_limits *limits)
{
	struct collector *c = collector_new(STALL_NS, 5 * S);
	__u64 sock;

	assert_non_null(c);
	collector_set_limits(c, limits);
	start(c, 1, ATTEMPTS);
	for (sock = 1; sock <= PORTS; sock++)
		resolve(c, sock, OUTCOME_ESTABLISHED, 500 * 1000, 0);
	return c;
}

static void test_burst_over_the_nat(void **state)
{
	struct capacity_limits limits = capacity_defaults;
	const struct dest *d;
	struct collector *c;
	char *text = NULL;
	size_t len;
	__u64 sock;
	FILE *f;

	(void)state;
	limits.nat_limit = PORTS;
	c = burst(&limits);
	d = server(c);
	assert_non_null(d);
	assert_int_equal(d->open, PORTS);
	assert_int_equal(d->inflight, ATTEMPTS - PORTS);
	assert_int_equal(d->cap.demand_peak, ATTEMPTS);
	assert_int_equal(capacity_concurrent_peak(&d->cap), ATTEMPTS); /* not known yet */
	/* Told as it crossed 80%, at the 160th start: followed at each event, not at snapshots. */
	text = notices(c);
	assert_contains(text, "CAPACITY 198.18.0.2:443 -: 160 concurrent connections, 80.0% of the "
			      "NAT capacity 200 (200 x 1 address)");
	free(text);

	/* The first retransmission of each: retrying, never carried. */
	for (sock = PORTS + 1; sock <= ATTEMPTS; sock++)
		retransmit(c, sock, 1, S);
	assert_int_equal(d->retrying, ATTEMPTS - PORTS);
	assert_int_equal(d->cap.concurrent, PORTS);
	assert_int_equal(capacity_concurrent_peak(&d->cap), PORTS);
	/* Stalls 1.5 s after the burst: the open count has not been flat for 3 s yet. */
	scan(c, T + 1500 * MS);
	assert_int_equal(d->retrying, ATTEMPTS - PORTS);
	assert_int_equal(d->stalled, ATTEMPTS - PORTS);
	assert_int_equal(d->cap.capped_at, 0);
	free(notices(c));
	/* A later retransmission does not count again. */
	retransmit(c, ATTEMPTS, 2, 3 * S);
	assert_int_equal(d->retrying, ATTEMPTS - PORTS);

	/* They time out at 7 s: the count has been flat at 200 since. */
	for (sock = PORTS + 1; sock <= ATTEMPTS; sock++)
		resolve(c, sock, OUTCOME_TIMEOUT, 7 * S, 2);
	assert_int_equal(d->inflight, 0);
	assert_int_equal(d->retrying, 0);
	assert_int_equal(d->cap.capped_at, PORTS);
	assert_int_equal(collector_total(c)->cap.capped_at, PORTS);
	text = notices(c);
	assert_contains(text, "CAPACITY 198.18.0.2:443 -: capped at 200 open connections while "
			      "attempts are turned away: NAT Gateway port allocation, 1 address; "
			      "demand peak 300 needs 2 addresses of 200");
	/* The host is flat too, at a level no ENI limit explains: the destination's. */
	assert_contains(text,
			"CAPACITY host-wide: capped at 200 open connections while attempts "
			"are turned away: capped by 198.18.0.2:443: NAT Gateway port allocation, 1 "
			"address; demand peak 300 needs 1 ENI of 65000");
	free(text);
	text = notices(c);
	assert_null(text && *text ? text : NULL); /* told once */
	free(text);

	f = open_memstream(&text, &len);
	capacity_print(f, c);
	fclose(f);
	assert_contains(text, "capacity: NAT Gateway 200 connections per destination x 1 address, "
			      "Hyperplane ENI 65000 x 1 ENI, warning at 80%\n");
	assert_contains(text,
			"  198.18.0.2:443 -: capped at 200 open connections while attempts "
			"were turned away: NAT Gateway port allocation, 1 address\n"
			"    concurrent peak 200, demand peak 300 (150.0% of the NAT capacity "
			"200): 2 addresses needed: add 1 secondary address to the NAT Gateway "
			"(--nat-ips 2)\n");
	assert_contains(text, "  host-wide: capped at 200 open connections while attempts were "
			      "turned away: capped by 198.18.0.2:443: NAT Gateway port allocation, "
			      "1 address\n");
	free(text);
	host_cause_of_capped(c);
	metrics_of_capped(c);
	collector_destroy(c);
}

/* The capacity section of a burst of 300 with nat_limit per address. */
static char *section(__u64 nat_limit)
{
	struct capacity_limits limits = capacity_defaults;
	struct collector *c;
	char *text = NULL;
	size_t len;
	FILE *f;

	limits.nat_limit = nat_limit;
	c = burst(&limits);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	capacity_print(f, c);
	fclose(f);
	collector_destroy(c);
	return text;
}

/* Beyond 8 addresses: one NAT Gateway cannot carry it; at 8 it can. */
static void test_beyond_one_nat_gateway(void **state)
{
	char *text;

	(void)state;
	text = section(30); /* 300 wanted: 10 addresses */
	assert_contains(text, "10 addresses needed, more than one NAT Gateway can have (8): spread "
			      "the clients over more NAT gateways");
	assert_contains(text, "PrivateLink");
	free(text);
	text = section(37); /* 300 / 37 = 8.1: 9, the first one NAT Gateway cannot have */
	assert_contains(text, "9 addresses needed, more than one NAT Gateway can have (8)");
	free(text);
	text = section(38); /* 300 / 38 = 7.9: 8, the most it can have */
	assert_contains(text, "8 addresses needed: add 7 secondary addresses to the NAT Gateway "
			      "(--nat-ips 8)\n");
	assert_null(strstr(text, "more than one NAT Gateway"));
	free(text);
	text = section(75); /* 300 / 75 = 4 exactly */
	assert_contains(text, "4 addresses needed: add 3 secondary addresses");
	free(text);
}

/*
 * The host-wide cause naming several destinations (IPv4 and IPv6), each with
 * its own; beyond CAPACITY_BY_MAX, how many more.
 */
static void test_host_cause_names_destinations(void **state)
{
	static const __u8 v6[ADDR_LEN] = { 0x20, 0x01, 0x00, 0x02, [15] = 1 };
	struct capacity_limits l = capacity_defaults;
	struct dest host = { .host_wide = true }, d[5];
	unsigned int i;

	(void)state;
	memset(d, 0, sizeof(d));
	capacity_init(&host.cap, &l, true);
	host.cap.capped_at = 150000;
	host.cap.n_capped_by = 5;
	for (i = 0; i < 5; i++) {
		__u8 v4[ADDR_LEN] = { 198, 18, 0, 10 + i };

		dest_key_of(&d[i].key, i == 1 ? AF_INET6 : AF_INET, i == 1 ? v6 : v4, 443);
		capacity_init(&d[i].cap, &l, false);
		d[i].cap.capped_at = (i + 1) * 55000;
		d[i].cap.cause_k = i + 1;
		if (i < CAPACITY_BY_MAX)
			host.cap.capped_by[i] = &d[i].cap;
	}
	assert_verdict(&host,
		       "capped by 198.18.0.10:443: NAT Gateway port allocation, 1 address; "
		       "[2001:2::1]:443: NAT Gateway port allocation, 2 addresses; "
		       "198.18.0.12:443: NAT Gateway port allocation, 3 addresses; and 2 "
		       "more destinations",
		       LIMIT_NAT);
	/* Its own ENI limit first. */
	host.cap.capped_at = 65000;
	host.cap.cause_k = 1;
	assert_verdict(&host, "Hyperplane ENI, 1 ENI", LIMIT_ENI);
	/* None named: no cause, the limit unknown; no plateau: no limit. */
	host.cap.cause_k = 0;
	host.cap.n_capped_by = 0;
	assert_verdict(&host, "", LIMIT_UNKNOWN);
	host.cap.capped_at = 0;
	assert_verdict(&host, "", LIMIT_NONE);
}

/* Closes: open goes down, lifetimes make the churn figures. */
static void test_closes_and_churn(void **state)
{
	struct capacity_limits limits = capacity_defaults;
	struct collector *c;
	const struct dest *d;
	__u64 sock;

	(void)state;
	c = burst(&limits);
	for (sock = 1; sock <= PORTS; sock++) {
		struct conn_event ev = event(EVENT_CLOSE, sock);
		struct attempt a;

		ev.ts_ns = start_of(sock) + 50 * MS;
		ev.duration_ns = 50 * MS;
		assert_false(collector_add_event(c, &ev, &a));
	}
	d = server(c);
	assert_int_equal(d->open, 0);
	assert_int_equal(d->cap.concurrent, ATTEMPTS - PORTS);
	assert_true(capacity_not_reused(&d->cap));
	assert_true(capacity_not_reused(&collector_total(c)->cap));
	collector_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_over_the_nat),
		cmocka_unit_test(test_beyond_one_nat_gateway),
		cmocka_unit_test(test_host_cause_names_destinations),
		cmocka_unit_test(test_closes_and_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
