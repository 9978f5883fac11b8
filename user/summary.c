// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include "format.h"
#include "summary.h"

#define COUNT_COLUMNS 17
#define ROW_FMT                                                                                  \
	"%-26s %-24s %-22s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s %9s %9s %9s %8s %6s %6s %6s " \
	"%6s\n"

static void u64_fmt(char *buf, size_t len, __u64 v)
{
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* The numbers of one row, as text: counts, latencies, gauges, DNS. */
static void dest_numbers(const struct dest *d, char n[COUNT_COLUMNS][24])
{
	int i;

	u64_fmt(n[0], 24, d->attempts);
	for (i = 0; i < OUTCOME__COUNT; i++)
		u64_fmt(n[1 + i], 24, d->outcomes[i]);
	u64_fmt(n[7], 24, d->syn_retransmits);
	u64_fmt(n[8], 24, d->retried_attempts);
	duration_fmt(n[9], 24, hist_percentile(&d->latency_us, 0.50) * 1000);
	duration_fmt(n[10], 24, hist_percentile(&d->latency_us, 0.90) * 1000);
	duration_fmt(n[11], 24, hist_percentile(&d->latency_us, 0.99) * 1000);
	duration_fmt(n[12], 24, d->latency_us.max * 1000);
	u64_fmt(n[13], 24, d->inflight);
	u64_fmt(n[14], 24, d->open);
	u64_fmt(n[15], 24, d->open_peak);
	u64_fmt(n[16], 24, d->dns ? d->dns->ok : 0);
}

static void dest_row(FILE *f, const char *name, const struct dest *d, const char *verdict)
{
	char n[COUNT_COLUMNS][24], host[25], dns_failed_text[24];

	dest_numbers(d, n);
	u64_fmt(dns_failed_text, sizeof(dns_failed_text),
		d->dns ? dns_failed(d->dns) + d->dns->unanswered : 0);
	fprintf(f, ROW_FMT, name, fit_fmt(host, sizeof(host), *d->host ? d->host : "-", 24),
		verdict, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11],
		n[12], n[13], n[14], n[15], n[16], dns_failed_text);
}

void summary_print(FILE *f, const struct collector *c)
{
	char name[ENDPOINT_STRLEN];
	const struct dest *d;

	fprintf(f, "\n" ROW_FMT, "DESTINATION", "HOST", "VERDICT", "ATTEMPTS", "ESTAB", "REFUSED",
		"TIMEOUT", "UNREACH", "ABORTED", "LOCALERR", "SYNRETX", "RETRIED", "P50", "P90",
		"P99", "MAX", "INFLIGHT", "OPEN", "PEAK", "DNSOK", "DNSERR");
	for (d = collector_next(c, NULL); d; d = collector_next(c, d)) {
		if (dest_is_name_only(d))
			snprintf(name, sizeof(name), "-");
		else
			endpoint_fmt(name, sizeof(name), d->key.family, d->key.addr, d->key.port);
		dest_row(f, name, d, dest_verdict(d));
	}
	dest_row(f, "TOTAL", collector_total(c), "");
}

void accounting_print(FILE *f, const struct accounting *a)
{
	fprintf(f,
		"events: produced %llu, delivered %llu, dropped %llu (ring buffer full %llu, "
		"in-flight map full %llu, connect-call map full %llu, open map full %llu, "
		"program runs skipped by the kernel %llu), "
		"expired %llu (in-flight %llu, connect calls %llu); unseen closes found later "
		"%llu\n",
		(unsigned long long)accounting_produced(a),
		(unsigned long long)accounting_delivered(a),
		(unsigned long long)accounting_dropped(a),
		(unsigned long long)a->kernel[COUNTER_RINGBUF_FULL],
		(unsigned long long)a->kernel[COUNTER_INFLIGHT_FULL],
		(unsigned long long)a->kernel[COUNTER_CONNECT_CTX_FULL],
		(unsigned long long)a->kernel[COUNTER_OPEN_FULL], (unsigned long long)a->missed,
		(unsigned long long)accounting_expired(a), (unsigned long long)a->expired_inflight,
		(unsigned long long)a->expired_calls,
		(unsigned long long)a->kernel[COUNTER_CLOSE_UNSEEN]);
}

/* Reasons with a non-zero count, "name N, name N". */
static void reasons_print(FILE *f, const __u64 *counts, unsigned int n,
			  const char *(*name)(unsigned int), bool *first)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!counts[i] || !name(i))
			continue;
		fprintf(f, "%s%s %llu", *first ? "" : ", ", name(i), (unsigned long long)counts[i]);
		*first = false;
	}
}

static const char *packet_error_name(unsigned int i)
{
	return i == DNS_PACKET_OK ? NULL : dns_packet_error_name(i);
}

static const char *parse_error_name(unsigned int i)
{
	return i == DNS_OK ? NULL : dns_parse_error_name(i);
}

static const char *drop_name(unsigned int i)
{
	return i == DNS_DROP_PARSE ? NULL : dns_drop_name(i);
}

void dns_accounting_print(FILE *f, const struct collector *c)
{
	const struct dns_track_stats *s = collector_dns_stats(c);
	const struct accounting *a = collector_accounting(c);
	bool first = true;

	fprintf(f,
		"dns: packets produced %llu, delivered %llu, lost %llu; queries %llu, responses "
		"%llu, lookups %llu (unanswered %llu), pending at exit %zu, retransmitted queries "
		"%llu, cache entries expired %llu; not used: ",
		(unsigned long long)a->dns_produced, (unsigned long long)s->packets,
		(unsigned long long)a->dns_lost, (unsigned long long)s->queries,
		(unsigned long long)s->responses,
		(unsigned long long)collector_dns_total(c)->lookups,
		(unsigned long long)s->unanswered, collector_dns_pending(c),
		(unsigned long long)s->retransmits, (unsigned long long)s->cache_expired);
	reasons_print(f, s->packet_errors, DNS_PACKET__COUNT, packet_error_name, &first);
	reasons_print(f, s->parse_errors, DNS_ERR__COUNT, parse_error_name, &first);
	reasons_print(f, s->drops, DNS_DROP__COUNT, drop_name, &first);
	fprintf(f, "%s\n", first ? "none" : "");
}
