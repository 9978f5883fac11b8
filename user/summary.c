// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include "format.h"
#include "summary.h"

#define ROW_FMT "%-28s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s %9s %9s %9s %8s %6s %6s\n"

static void dest_row(FILE *f, const char *name, const struct dest *d)
{
	char n[17][24];
	int i;

	snprintf(n[0], sizeof(n[0]), "%llu", (unsigned long long)d->attempts);
	for (i = 0; i < OUTCOME__COUNT; i++)
		snprintf(n[1 + i], sizeof(n[0]), "%llu", (unsigned long long)d->outcomes[i]);
	snprintf(n[7], sizeof(n[0]), "%llu", (unsigned long long)d->syn_retransmits);
	snprintf(n[8], sizeof(n[0]), "%llu", (unsigned long long)d->retried_attempts);
	duration_fmt(n[9], sizeof(n[0]), hist_percentile(&d->latency_us, 0.50) * 1000);
	duration_fmt(n[10], sizeof(n[0]), hist_percentile(&d->latency_us, 0.90) * 1000);
	duration_fmt(n[11], sizeof(n[0]), hist_percentile(&d->latency_us, 0.99) * 1000);
	duration_fmt(n[12], sizeof(n[0]), d->latency_us.max * 1000);
	snprintf(n[13], sizeof(n[0]), "%llu", (unsigned long long)d->inflight);
	snprintf(n[14], sizeof(n[0]), "%llu", (unsigned long long)d->open);
	snprintf(n[15], sizeof(n[0]), "%llu", (unsigned long long)d->open_peak);
	fprintf(f, ROW_FMT, name, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10],
		n[11], n[12], n[13], n[14], n[15]);
}

void summary_print(FILE *f, const struct collector *c)
{
	char name[ENDPOINT_STRLEN];
	const struct dest *d;

	fprintf(f, "\n" ROW_FMT, "DESTINATION", "ATTEMPTS", "ESTAB", "REFUSED", "TIMEOUT",
		"UNREACH", "ABORTED", "LOCALERR", "SYNRETX", "RETRIED", "P50", "P90", "P99", "MAX",
		"INFLIGHT", "OPEN", "PEAK");
	for (d = collector_next(c, NULL); d; d = collector_next(c, d))
		dest_row(f,
			 endpoint_fmt(name, sizeof(name), d->key.family, d->key.addr, d->key.port),
			 d);
	dest_row(f, "TOTAL", &c->total);
}

void accounting_print(FILE *f, const struct accounting *a)
{
	fprintf(f,
		"events: produced %llu, delivered %llu, dropped %llu (ring buffer full %llu, "
		"in-flight map full %llu, connect-call map full %llu, open map full %llu), "
		"expired %llu (in-flight %llu, connect calls %llu)\n",
		(unsigned long long)accounting_produced(a),
		(unsigned long long)accounting_delivered(a),
		(unsigned long long)accounting_dropped(a),
		(unsigned long long)a->kernel[COUNTER_RINGBUF_FULL],
		(unsigned long long)a->kernel[COUNTER_INFLIGHT_FULL],
		(unsigned long long)a->kernel[COUNTER_CONNECT_CTX_FULL],
		(unsigned long long)a->kernel[COUNTER_OPEN_FULL],
		(unsigned long long)accounting_expired(a), (unsigned long long)a->expired_inflight,
		(unsigned long long)a->expired_calls);
}
