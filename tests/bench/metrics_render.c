// SPDX-License-Identifier: GPL-2.0-only
/*
 * How long a scrape keeps the event loop from the ring buffer: the time to
 * render the exposition of a collector holding DESTINATIONS destinations
 * (each named by a DNS lookup, with every outcome, SYN retransmissions and
 * handshakes in most buckets), as the loop does it on each GET /metrics.
 *   build/tests/bench_metrics [DESTINATIONS [MAX_DESTINATIONS [ROUNDS]]]
 * Prints the size and the median and largest times of a whole render, of
 * the snapshot a scrape takes at once, and of each step of its text (what
 * the server renders per turn of the loop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "collector.h"
#include "metrics.h"
#include "support/dns_wire.h"

static void name_dest(struct collector *c, unsigned int i, __u8 *addr)
{
	struct dns_packet q = { .ts_ns = 1000 + i, .cookie = i, .direction = DNS_EGRESS };
	struct dns_packet r = { .ts_ns = 2000 + i, .cookie = i, .direction = DNS_INGRESS };
	char name[64];
	__u8 msg[512];

	snprintf(name, sizeof(name), "service-%u.loadtest.example.com", i);
	udp_packet(&q, "\xc6\x12\x00\x01", "\xc6\x12\x00\x35", 10000 + i % 50000, 53, msg,
		   dns_message(msg, i, false, 0, name, DNS_TYPE_A, NULL, 0));
	collector_add_dns_packet(c, &q, NULL, NULL);
	udp_packet(&r, "\xc6\x12\x00\x35", "\xc6\x12\x00\x01", 53, 10000 + i % 50000, msg,
		   dns_message(msg, i, true, 0, name, DNS_TYPE_A, addr, 3600));
	collector_add_dns_packet(c, &r, NULL, NULL);
}

static void fill(struct collector *c, unsigned int dests)
{
	struct conn_event ev;
	struct attempt a;
	unsigned int i, k;

	for (i = 0; i < dests; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.family = AF_INET;
		ev.daddr[0] = 198, ev.daddr[1] = 18 + (i >> 16), ev.daddr[2] = i >> 8;
		ev.daddr[3] = i;
		ev.dport = 443;
		name_dest(c, i, ev.daddr);
		for (k = 0; k < 40; k++) {
			ev.kind = EVENT_ATTEMPT;
			ev.sock = (__u64)i << 8 | k;
			ev.ts_ns = 10000 + k;
			ev.outcome = k % 8 < OUTCOME__COUNT ? k % 8 : OUTCOME_ESTABLISHED;
			/* 10 us to about 80 s: most buckets */
			ev.duration_ns = 10000ULL << (k % 23);
			collector_add_event(c, &ev, &a);
			ev.kind = EVENT_SYN_RETRANSMIT;
			collector_add_event(c, &ev, &a);
		}
	}
}

static int cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

struct timing {
	__u64 *took;
	unsigned int n;
};

/* Sorted: the median, the largest. */
static double median_ms(const struct timing *t)
{
	return t->took[t->n / 2] / 1e6;
}

static double max_ms(const struct timing *t)
{
	return t->took[t->n - 1] / 1e6;
}

static double p99_ms(const struct timing *t)
{
	return t->took[t->n * 99 / 100] / 1e6;
}

static void timing_sort(struct timing *t)
{
	qsort(t->took, t->n, sizeof(*t->took), cmp);
}

static void timing_add(struct timing *t, __u64 t0)
{
	t->took[t->n++] = mono_now_ns() - t0;
}

int main(int argc, char **argv)
{
	unsigned int dests = argc > 1 ? atoi(argv[1]) : 500;
	unsigned int max = argc > 2 ? atoi(argv[2]) : METRICS_DEFAULT_MAX_DESTINATIONS;
	unsigned int rounds = argc > 3 ? atoi(argv[3]) : 200, i;
	struct metrics_info info = { "0.1", "tracepoint", "cgroup", "6.18.0", max, 0, { { 0 } } };
	struct collector *c = collector_new(NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	struct timing whole = { calloc(rounds, sizeof(__u64)), 0 };
	struct timing snapshot = { calloc(rounds, sizeof(__u64)), 0 };
	struct timing step = { calloc(rounds * 1024, sizeof(__u64)), 0 };
	struct timing fold = { calloc(rounds * 1024, sizeof(__u64)), 0 };
	size_t bytes = 0;

	if (!c || !whole.took || !snapshot.took || !step.took || !fold.took || !rounds)
		return 1;
	fill(c, dests);
	for (i = 0; i < rounds; i++) {
		struct text_buf b = { 0 };
		__u64 t0 = mono_now_ns();

		if (!metrics_render(&b, c, &info, METRICS_TEXT))
			return 1;
		timing_add(&whole, t0);
		bytes = b.len;
		text_buf_free(&b);
	}
	/* As the server does it: a snapshot, then METRICS_STEP_BYTES at a time. */
	for (i = 0; i < rounds; i++) {
		struct text_buf b = { 0 };
		struct metrics_scrape *s;
		__u64 t0 = mono_now_ns();
		bool more = true;

		s = metrics_scrape_new(c, &info, METRICS_TEXT);
		if (!s)
			return 1;
		timing_add(&snapshot, t0);
		while (more && step.n < rounds * 1024 && fold.n < rounds * 1024) {
			b.len = 0;
			t0 = mono_now_ns();
			more = metrics_scrape_next(s, &b, METRICS_STEP_BYTES);
			/* no text: it summed folded destinations */
			timing_add(b.len || !more ? &step : &fold, t0);
		}
		metrics_scrape_free(s);
		text_buf_free(&b);
	}
	timing_sort(&whole);
	timing_sort(&snapshot);
	timing_sort(&step);
	timing_sort(&fold);
	printf("destinations %u (own series: %u), %zu bytes (median, p99, max in ms)\n"
	       "  whole render   %.3f %.3f %.3f\n  snapshot       %.3f %.3f %.3f\n"
	       "  %u-byte steps %.3f %.3f %.3f\n",
	       dests, dests < max ? dests : max, bytes, median_ms(&whole), p99_ms(&whole),
	       max_ms(&whole), median_ms(&snapshot), p99_ms(&snapshot), max_ms(&snapshot),
	       METRICS_STEP_BYTES, median_ms(&step), p99_ms(&step), max_ms(&step));
	if (fold.n)
		printf("  folding steps  %.3f %.3f %.3f (%u per scrape)\n", median_ms(&fold),
		       p99_ms(&fold), max_ms(&fold), fold.n / rounds);
	collector_destroy(c);
	free(whole.took), free(snapshot.took), free(step.took), free(fold.took);
	return 0;
}
