// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metrics exposition: its structure (every family once, HELP and TYPE
 * first, no series twice, labels escaped), the bounded cardinality (the
 * first destinations and names have series, the rest are summed into
 * "other"), and that no counter ever decreases between two scrapes, while
 * events and destinations past the limit arrive in between.
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
#include "clock.h"
#include "collector.h"
#include "columns.h"
#include "metrics.h"
#include "support/dns_wire.h"

#define MAX_SERIES 4096
#define LIMIT	   3 /* --metrics-max-destinations */

/* --- a reader of the exposition ------------------------------------------------ */

struct sample {
	char *key; /* name{labels} */
	double value;
	bool counter; /* of a counter or a histogram: never decreases */
};

struct scrape {
	struct sample s[MAX_SERIES];
	size_t n;
	char *text;
};

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* The family of a sample: its name, without a histogram's _bucket, _sum, _count. */
static size_t family_len(const char *key, const char *types)
{
	size_t len = strcspn(key, "{ ");
	static const char *const parts[] = { "_bucket", "_sum", "_count" };
	char want[160];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		size_t n = len - strlen(parts[i]);

		if (!has_suffix(key, len, parts[i]))
			continue;
		snprintf(want, sizeof(want), "\n%.*s histogram\n", (int)n, key);
		if (strstr(types, want))
			return n;
	}
	return len;
}

/*
 * Parse text, checking the structure on the way: a family's HELP and TYPE
 * come once, before its samples, which are contiguous; no series twice.
 */
static void parse(struct scrape *out, const char *text)
{
	char *types = calloc(1, strlen(text) + 2), *seen = calloc(1, strlen(text) + 2);
	char *copy = strdup(text), *line, *save = NULL, current[160] = "";

	assert_non_null(types);
	types[0] = seen[0] = '\n';
	memset(out, 0, sizeof(*out));
	out->text = strdup(text);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[160], type[32], want[200], *space;
		size_t flen, i;

		if (sscanf(line, "# TYPE %159s %31s", name, type) == 2) {
			snprintf(want, sizeof(want), "\n%s ", name);
			assert_null(strstr(types, want)); /* a family once */
			strcat(types, name), strcat(types, " "), strcat(types, type);
			strcat(types, "\n");
			snprintf(current, sizeof(current), "%s", name);
			continue;
		}
		if (sscanf(line, "# HELP %159s", name) == 1) {
			snprintf(want, sizeof(want), "\n%s ", name);
			assert_null(strstr(types, want)); /* HELP before TYPE, once */
			continue;
		}
		assert_true(line[0] != '#');
		space = strrchr(line, ' ');
		assert_non_null(space);
		*space = '\0';
		flen = family_len(line, types);
		assert_int_equal(flen, strlen(current)); /* under its family's TYPE */
		assert_memory_equal(line, current, flen);
		for (i = 0; i < out->n; i++)
			assert_string_not_equal(out->s[i].key, line);
		assert_true(out->n < MAX_SERIES);
		out->s[out->n].key = strdup(line);
		out->s[out->n].value = strtod(space + 1, NULL);
		snprintf(want, sizeof(want), "\n%s counter\n", current);
		out->s[out->n].counter = strstr(types, want) != NULL;
		snprintf(want, sizeof(want), "\n%s histogram\n", current);
		out->s[out->n].counter |= strstr(types, want) != NULL;
		out->n++;
	}
	free(copy);
	free(types);
	free(seen);
}

static void scrape_free(struct scrape *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->s[i].key);
	free(s->text);
}

static const struct sample *find(const struct scrape *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->s[i].key, key))
			return &s->s[i];
	return NULL;
}

static double value(const struct scrape *s, const char *key)
{
	const struct sample *x = find(s, key);

	if (!x)
		fail_msg("no series %s", key);
	return x->value;
}

static const struct metrics_info take_info = {
	.version = "0.1",
	.mode = "tracepoint",
	.dns_capture = "cgroup",
	.kernel = "6.18.0",
	.max_destinations = LIMIT,
};

/* The text as parse() wants it: without its last newline, terminated. */
static bool text_terminated(struct text_buf *b)
{
	if (!b->len || b->data[b->len - 1] != '\n')
		return false;
	b->data[b->len - 1] = '\0';
	return true;
}

/* Every synscope_connect_attempts_total series together. */
static double attempts_sum(const struct scrape *s)
{
	const char *name = "synscope_connect_attempts_total{";
	double sum = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strncmp(s->s[i].key, name, strlen(name)))
			sum += s->s[i].value;
	return sum;
}

static void take(struct scrape *out, const struct collector *c, enum metrics_format format)
{
	struct text_buf b = { 0 };

	assert_true(metrics_render(&b, c, &take_info, format));
	assert_non_null(b.data);
	b.data[b.len - 1] = '\0'; /* the last newline */
	parse(out, b.data);
	text_buf_free(&b);
}

/* Every counter of before is in after, not smaller. */
static void expect_no_counter_decreased(const struct scrape *before, const struct scrape *after)
{
	size_t i, counters = 0;

	for (i = 0; i < before->n; i++) {
		const struct sample *x = &before->s[i], *y;

		if (!x->counter)
			continue;
		counters++;
		y = find(after, x->key);
		if (!y)
			fail_msg("counter %s is gone", x->key);
		if (y->value < x->value)
			fail_msg("counter %s went from %g to %g", x->key, x->value, y->value);
	}
	assert_true(counters > 50);
}

/* --- what happens --------------------------------------------------------------------- */

/* An attempt to 198.18.<n / 256>.<n % 256>:port and a SYN retransmission. */
static void attempt(struct collector *c, unsigned int n, __u16 port, enum outcome outcome,
		    __u64 sock, __u64 latency_ns)
{
	struct conn_event ev;
	struct attempt a;

	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_ATTEMPT;
	ev.family = AF_INET;
	ev.daddr[0] = 198, ev.daddr[1] = 18, ev.daddr[2] = n >> 8, ev.daddr[3] = n;
	ev.dport = port;
	ev.outcome = outcome;
	ev.sock = sock;
	ev.ts_ns = 10 * NSEC_PER_SEC + sock * NSEC_PER_MSEC;
	ev.duration_ns = latency_ns;
	strcpy(ev.comm, "client");
	assert_true(collector_add_event(c, &ev, &a));
	ev.kind = EVENT_SYN_RETRANSMIT;
	collector_add_event(c, &ev, &a);
}

/* A lookup of name answered after latency_us with rcode (0: addr 198.18.0.last_octet). */
static void lookup(struct collector *c, __u16 id, const char *name, __u16 qtype, __u8 rcode,
		   __u8 last_octet, __u64 at_ms, __u64 latency_us)
{
	__u8 msg[512], addr[ADDR_LEN] = { 198, 18, 0, last_octet };
	struct dns_packet q = { .ts_ns = at_ms * NSEC_PER_MSEC, .cookie = id };
	struct dns_packet r = { .ts_ns = q.ts_ns + latency_us * NSEC_PER_USEC, .cookie = id };

	q.direction = DNS_EGRESS;
	r.direction = DNS_INGRESS;
	udp_packet(&q, "\xc6\x12\x00\x01", "\xc6\x12\x00\x35", 40000 + id, 53, msg,
		   dns_message(msg, id, false, 0, name, qtype, NULL, 0));
	collector_add_dns_packet(c, &q, NULL, NULL);
	udp_packet(
		&r, "\xc6\x12\x00\x35", "\xc6\x12\x00\x01", 53, 40000 + id, msg,
		dns_message(msg, id, true, rcode, name, qtype,
			    rcode || (qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA) ? NULL : addr,
			    300));
	collector_add_dns_packet(c, &r, NULL, NULL);
}

#define OTHER  "daddr=\"other\",dport=\"\",host=\"\""
#define DEST_2 "daddr=\"198.18.0.2\",dport=\"80\",host=\"web.test\""

static void test_counters_never_decrease(void **state)
{
	struct scrape *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *d = malloc(sizeof(*d));
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	__u64 sock = 1;
	int i;

	(void)state;
	assert_non_null(c);
	lookup(c, 1, "web.test", DNS_TYPE_A, 0, 2, 1000, 300);
	lookup(c, 2, "nx.test", DNS_TYPE_A, 3, 0, 1001, 2000);
	attempt(c, 2, 80, OUTCOME_ESTABLISHED, sock++, 150 * NSEC_PER_USEC);
	attempt(c, 3, 81, OUTCOME_TIMEOUT, sock++, 3 * NSEC_PER_SEC);
	take(a, c, METRICS_TEXT);
	assert_int_equal(value(a, "synscope_destinations_folded"), 0);
	assert_null(find(a, "synscope_connect_attempts_total{" OTHER ",outcome=\"timeout\"}"));

	/* More of the same; destinations and names past the limit. */
	for (i = 0; i < 3; i++)
		attempt(c, 2, 80, OUTCOME_ESTABLISHED, sock++, (1 + i) * NSEC_PER_SEC + 5000);
	for (i = 4; i <= 9; i++)
		attempt(c, i, 90, i % 2 ? OUTCOME_TIMEOUT : OUTCOME_REFUSED, sock++, NSEC_PER_MSEC);
	lookup(c, 3, "web.test", DNS_TYPE_AAAA, 0, 2, 2000, 400);
	lookup(c, 4, "three.test", DNS_TYPE_A, 2, 0, 2001, 800);
	lookup(c, 5, "four.test", DNS_TYPE_A, 0, 40, 2002, 900);
	lookup(c, 6, "five.test", 65, 0, 41, 2003, 1900);
	take(b, c, METRICS_TEXT);
	expect_no_counter_decreased(a, b);
	/* 198.18.0.4 is the third destination: its own; 5 to 9 are folded. */
	assert_int_equal(value(b, "synscope_destinations_folded"), 5);
	assert_int_equal(value(b, "synscope_dns_names_folded"), 2);
	assert_int_equal(value(b, "synscope_connect_attempts_total{" OTHER ",outcome=\"timeout\"}"),
			 3);
	assert_int_equal(value(b, "synscope_connect_attempts_total{" OTHER ",outcome=\"refused\"}"),
			 2);
	assert_int_equal(value(b, "synscope_syn_retransmits_total{" OTHER "}"), 5);
	assert_non_null(find(b, "synscope_connect_attempts_total{daddr=\"198.18.0.4\",dport=\"90\","
				"host=\"\",outcome=\"refused\"}"));
	assert_null(find(b, "synscope_connect_attempts_total{daddr=\"198.18.0.5\",dport=\"90\","
			    "host=\"\",outcome=\"timeout\"}"));
	assert_int_equal(value(b, "synscope_dns_lookups_total{host=\"other\",qtype=\"HTTPS\","
				  "result=\"ok\"}"),
			 1);
	assert_int_equal(value(b, "synscope_dns_lookups_total{host=\"web.test\",qtype=\"AAAA\","
				  "result=\"ok\"}"),
			 1);

	/* And again: the folded row grows too. */
	for (i = 4; i <= 12; i++)
		attempt(c, i, 90, OUTCOME_ESTABLISHED, sock++, 40 * NSEC_PER_MSEC);
	lookup(c, 7, "six.test", DNS_TYPE_A, 0, 42, 3000, 100);
	take(d, c, METRICS_TEXT);
	expect_no_counter_decreased(b, d);
	assert_int_equal(value(d, "synscope_destinations_folded"), 8);
	assert_int_equal(
		value(d, "synscope_connect_attempts_total{" OTHER ",outcome=\"established\"}"), 8);
	collector_destroy(c);
	scrape_free(a), scrape_free(b), scrape_free(d);
	free(a), free(b), free(d);
}

/*
 * A scrape as the server sends it, a part at a time, while events arrive
 * between the parts (as the loop reads them): to destinations with series
 * of their own, to folded ones not summed yet and already summed, and to
 * new ones.  Over several turns the folded ones are summed before any text;
 * no counter of the scrape before is smaller, none of the scrape after.
 */
static void test_scrape_in_parts(void **state)
{
	struct scrape *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *d = malloc(sizeof(*d));
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	unsigned int n, dests = 1000, turns = 0, silent = 0;
	struct metrics_scrape *s;
	struct text_buf text = { 0 };
	__u64 sock = 1;
	bool more;

	(void)state;
	for (n = 0; n < dests; n++)
		attempt(c, n, 90, n % 2 ? OUTCOME_TIMEOUT : OUTCOME_ESTABLISHED, sock++,
			NSEC_PER_MSEC);
	take(a, c, METRICS_TEXT);
	assert_int_equal(value(a, "synscope_destinations_folded"), dests - LIMIT);
	assert_int_equal(value(a, "synscope_connect_attempts_total{" OTHER ",outcome=\"timeout\"}"),
			 (dests - LIMIT) / 2 + 1);

	s = metrics_scrape_new(c, &take_info, METRICS_TEXT);
	assert_non_null(s);
	do {
		size_t before = text.len;

		more = metrics_scrape_next(s, &text, 512);
		assert_false(text.failed);
		silent += text.len == before;
		turns++;
		/* The loop reads events between two parts. */
		attempt(c, turns % LIMIT, 90, OUTCOME_REFUSED, sock++, NSEC_PER_MSEC);
		attempt(c, LIMIT + turns % (dests - LIMIT), 90, OUTCOME_REFUSED, sock++,
			NSEC_PER_MSEC);
		attempt(c, dests + turns, 90, OUTCOME_REFUSED, sock++, NSEC_PER_MSEC);
	} while (more);
	metrics_scrape_free(s);
	assert_true(silent >= (dests - LIMIT) / 256); /* the folding turns: no text */
	assert_true(turns > silent + 10);	      /* then the text, a part at a time */
	assert_true(text_terminated(&text));
	parse(b, text.data);
	text_buf_free(&text);
	expect_no_counter_decreased(a, b);
	/* The folded count is the scrape's own: what was seen when it began. */
	assert_int_equal(value(b, "synscope_destinations_folded"), dests - LIMIT);

	take(d, c, METRICS_TEXT);
	expect_no_counter_decreased(b, d);
	assert_int_equal(value(d, "synscope_destinations_folded"), dests + turns - LIMIT);
	/* Every attempt is in one series: own or folded. */
	assert_int_equal(attempts_sum(d), sock - 1);
	collector_destroy(c);
	scrape_free(a), scrape_free(b), scrape_free(d);
	free(a), free(b), free(d);
}

/*
 * Every column of the table with a metric kind is a family of its own (but
 * for those exported otherwise), of its kind, named in base units: a column
 * added to user/columns.c is exported without more code.
 */
static void test_every_column_exported(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	struct scrape *s = malloc(sizeof(*s));
	char name[160], want[200], buf[COLUMN_TEXT_LEN];
	unsigned int i, families = 0;
	struct cell v;

	(void)state;
	lookup(c, 1, "web.test", DNS_TYPE_A, 0, 2, 1000, 300);
	attempt(c, 2, 80, OUTCOME_ESTABLISHED, 1, 150 * NSEC_PER_USEC);
	take(s, c, METRICS_TEXT);
	for (i = 0; i < COL__COUNT; i++) {
		const struct column *col = &columns[i];
		size_t len;

		if (!metrics_column_family(i, name, sizeof(name))) {
			assert_true(col->metric == METRIC_NONE || (col->prom && !col->prom[0]) ||
				    (!col->prom && !col->csv));
			continue;
		}
		families++;
		len = strlen(name);
		assert_true(!strncmp(name, "synscope_", 9));
		assert_int_equal(col->metric == METRIC_COUNTER,
				 len > 6 && !strcmp(name + len - 6, "_total"));
		assert_false(strstr(name, "_us") && !strcmp(strstr(name, "_us"), "_us"));
		assert_false(strstr(name, "_pct"));
		/* A figure of the host-wide row only has the host's family only. */
		if (col->host_only) {
			snprintf(want, sizeof(want), "\n# TYPE synscope_host_%s gauge\n", name + 9);
			if (!strstr(s->text, want))
				fail_msg("column %u: no family synscope_host_%s", i, name + 9);
			snprintf(want, sizeof(want), "\n# TYPE %s ", name);
			if (strstr(s->text, want))
				fail_msg("column %u: a per-destination family %s", i, name);
			continue;
		}
		snprintf(want, sizeof(want), "\n# TYPE %s %s\n", name,
			 col->metric == METRIC_COUNTER ? "counter" : "gauge");
		if (!strstr(s->text, want))
			fail_msg("column %u: no family %s", i, name);
		/* A series where the destination has a number (capped_at: once capped). */
		column_value(i, collector_dest_at(c, 0), &v, buf);
		snprintf(want, sizeof(want),
			 "%s{daddr=\"198.18.0.2\",dport=\"80\",host=\"web.test\"}", name);
		if (v.state == CELL_VALUE && !find(s, want))
			fail_msg("column %u: no series %s", i, want);
	}
	assert_true(families >= 5); /* syn_retransmits, inflight, stalled, open, open_peak, ... */
	collector_destroy(c);
	scrape_free(s);
	free(s);
}

/* Cumulative buckets from exact counts: a handshake that needed k retransmissions in its own. */
static void test_handshake_buckets(void **state)
{
	static const double retransmit_s[] = { 0, 1, 2, 3, 4, 5, 7, 11, 15, 19, 31, 35, 63 };
	struct scrape *s = malloc(sizeof(*s));
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	char key[256];
	unsigned int i;

	(void)state;
	/* Each just after a retransmission (and an RTT of 200 us), and the last one before. */
	for (i = 0; i < sizeof(retransmit_s) / sizeof(retransmit_s[0]); i++)
		attempt(c, 2, 80, OUTCOME_ESTABLISHED, i + 1,
			(__u64)(retransmit_s[i] * NSEC_PER_SEC) + 200 * NSEC_PER_USEC);
	attempt(c, 2, 80, OUTCOME_ESTABLISHED, 100, NSEC_PER_SEC); /* 1 s exactly: le="1" */
	take(s, c, METRICS_TEXT);
#define BUCKET(le)                                                                              \
	(snprintf(key, sizeof(key),                                                             \
		  "synscope_connect_duration_seconds_bucket{daddr=\"198.18.0.2\",dport=\"80\"," \
		  "host=\"\",le=\"%s\"}",                                                       \
		  le),                                                                          \
	 value(s, key))
	assert_int_equal(BUCKET("0.00025"), 1);
	assert_int_equal(BUCKET("0.5"), 1);
	assert_int_equal(BUCKET("1"), 2);
	assert_int_equal(BUCKET("2"), 3);
	assert_int_equal(BUCKET("3"), 4);
	assert_int_equal(BUCKET("5"), 6);
	assert_int_equal(BUCKET("7"), 7);
	assert_int_equal(BUCKET("11"), 8);
	assert_int_equal(BUCKET("15"), 9);
	assert_int_equal(BUCKET("19"), 10);
	assert_int_equal(BUCKET("31"), 11);
	assert_int_equal(BUCKET("35"), 12);
	assert_int_equal(BUCKET("63"), 13);
	assert_int_equal(BUCKET("67"), 14);
	assert_int_equal(BUCKET("+Inf"), 14);
	/* The sum, exactly, in seconds. */
	assert_non_null(strstr(s->text,
			       "synscope_connect_duration_seconds_sum{daddr=\"198.18.0.2\","
			       "dport=\"80\",host=\"\"} 197.002600000\n"));
	collector_destroy(c);
	scrape_free(s);
	free(s);
}

/* Label values escaped: a host name's \DDD (the parser escapes odd bytes), a kernel's quote. */
static void test_labels_escaped(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	struct metrics_info info = { .version = "0.1",
				     .mode = "tracepoint",
				     .dns_capture = "off",
				     .kernel = "6.18 \"custom\"\nbuild\\",
				     .max_destinations = 10 };
	struct scrape *s = malloc(sizeof(*s));
	struct text_buf b = { 0 };

	(void)state;
	lookup(c, 1, "we\"ird\x01.test", DNS_TYPE_A, 0, 2, 1000, 300);
	attempt(c, 2, 80, OUTCOME_REFUSED, 1, NSEC_PER_MSEC);
	assert_true(metrics_render(&b, c, &info, METRICS_TEXT));
	b.data[b.len - 1] = '\0';
	parse(s, b.data);
	assert_non_null(find(s, "synscope_dns_lookups_total{host=\"we\\\\034ird\\\\001.test\","
				"qtype=\"A\",result=\"ok\"}"));
	assert_int_equal(value(s,
			       "synscope_connect_attempts_total{daddr=\"198.18.0.2\",dport=\"80\","
			       "host=\"we\\\\034ird\\\\001.test\",outcome=\"refused\"}"),
			 1);
	assert_int_equal(value(s,
			       "synscope_build_info{version=\"0.1\",mode=\"tracepoint\","
			       "dns_capture=\"off\",kernel=\"6.18 \\\"custom\\\"\\nbuild\\\\\"}"),
			 1);
	text_buf_free(&b);
	collector_destroy(c);
	scrape_free(s);
	free(s);
}

/* OpenMetrics: counters' families without _total, and # EOF at the end. */
static void test_openmetrics(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	struct metrics_info info = { .version = "0.1",
				     .mode = "x",
				     .dns_capture = "off",
				     .kernel = "k",
				     .max_destinations = 10 };
	struct text_buf b = { 0 };

	(void)state;
	attempt(c, 2, 80, OUTCOME_REFUSED, 1, NSEC_PER_MSEC);
	assert_true(metrics_render(&b, c, &info, METRICS_OPENMETRICS));
	assert_non_null(strstr(b.data, "\n# TYPE synscope_connect_attempts counter\n"));
	assert_non_null(strstr(b.data, "\n# HELP synscope_connect_attempts Resolved"));
	assert_non_null(strstr(b.data, "\nsynscope_connect_attempts_total{daddr=\"198.18.0.2\""));
	assert_true(b.len > 6 && !memcmp(b.data + b.len - 6, "# EOF\n", 6));
	text_buf_free(&b);
	assert_true(metrics_render(&b, c, &info, METRICS_TEXT));
	assert_non_null(strstr(b.data, "\n# TYPE synscope_connect_attempts_total counter\n"));
	assert_null(strstr(b.data, "# EOF"));
	text_buf_free(&b);
	collector_destroy(c);
}

/* The event accounting's series add up to what the summary prints. */
static void test_events_add_up(void **state)
{
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	__u64 counters[COUNTER__COUNT] = { 0 };
	double sum[4] = { 0 };
	struct scrape *s = malloc(sizeof(*s));
	const struct accounting *acct;
	unsigned int i, f;
	static const char *const fates[] = { "produced", "delivered", "dropped", "expired" };

	(void)state;
	for (i = 0; i < COUNTER__COUNT; i++)
		counters[i] = 10 + i;
	attempt(c, 2, 80, OUTCOME_REFUSED, 1, NSEC_PER_MSEC);
	collector_set_counters(c, counters, 7);
	collector_expired(c, true);
	collector_expired(c, false);
	collector_expired(c, false);
	take(s, c, METRICS_TEXT);
	for (i = 0; i < s->n; i++)
		for (f = 0; f < 4; f++) {
			char want[64];

			snprintf(want, sizeof(want), "synscope_events_total{fate=\"%s\",",
				 fates[f]);
			if (!strncmp(s->s[i].key, want, strlen(want)))
				sum[f] += s->s[i].value;
		}
	acct = collector_accounting(c);
	assert_int_equal(sum[0], accounting_produced(acct));
	assert_int_equal(sum[1], accounting_delivered(acct));
	assert_int_equal(sum[2], accounting_dropped(acct));
	assert_int_equal(sum[3], accounting_expired(acct));
	collector_destroy(c);
	scrape_free(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_never_decrease),
		cmocka_unit_test(test_scrape_in_parts),
		cmocka_unit_test(test_every_column_exported),
		cmocka_unit_test(test_handshake_buckets),
		cmocka_unit_test(test_labels_escaped),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_events_add_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
