// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "columns.h"
#include "format.h"
#include "metrics.h"

/* Labels of one series: an escaped host name takes at most two bytes per byte. */
#define LABELS_LEN (2 * HOST_LEN + 2 * ADDR_STRLEN)
#define EXTRA_LEN  48 /* one or two more labels: le="0.000025", qtype="HTTPS",result="ok" */
#define NAME_LEN   96 /* a family's name */

/* --- the text ------------------------------------------------------------------ */

static bool reserve(struct text_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 64 * 1024;
	char *p;

	if (b->failed)
		return false;
	if (b->len + more <= b->cap)
		return true;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

static void put(struct text_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static void put_str(struct text_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_u64(struct text_buf *b, __u64 v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do
		digits[--i] = '0' + v % 10;
	while (v /= 10);
	put(b, digits + i, sizeof(digits) - i);
}

static void put_double(struct text_buf *b, double v)
{
	char text[32];

	if (isnan(v))
		put_str(b, "NaN");
	else if (isinf(v))
		put_str(b, v > 0 ? "+Inf" : "-Inf");
	else if (v >= 0 && v < 9007199254740992.0 && v == (double)(__u64)v)
		put_u64(b, (__u64)v);
	else
		put(b, text, snprintf(text, sizeof(text), "%.17g", v));
}

/* Nanoseconds as seconds, exactly: 1000250000 is "1.000250000". */
static void put_seconds(struct text_buf *b, __u64 ns)
{
	char frac[11];

	put_u64(b, ns / NSEC_PER_SEC);
	snprintf(frac, sizeof(frac), ".%09llu", (unsigned long long)(ns % NSEC_PER_SEC));
	put(b, frac, 10);
}

void text_buf_free(struct text_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* A label value or a HELP text, escaped as the format says: \\, \" (labels only), \n. */
static size_t escape(char *out, size_t cap, const char *s, bool quote)
{
	size_t n = 0;

	for (; *s && n + 2 < cap; s++) {
		if (*s == '\\' || *s == '\n' || (quote && *s == '"')) {
			out[n++] = '\\';
			out[n++] = *s == '\n' ? 'n' : *s;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return n;
}

/* Append name="value" (escaped) to labels of length *len. */
static void label_add(char *labels, size_t *len, const char *name, const char *value)
{
	int n = snprintf(labels + *len, LABELS_LEN - *len, "%s%s=\"", *len ? "," : "", name);

	if (n < 0 || (size_t)n >= LABELS_LEN - *len)
		return;
	*len += n;
	*len += escape(labels + *len, LABELS_LEN - *len - 1, value, true);
	labels[(*len)++] = '"';
	labels[*len] = '\0';
}

/* --- what one scrape shows ----------------------------------------------------------- */

/* One destination with series of its own, or the folded ones together. */
struct dest_row {
	char labels[LABELS_LEN]; /* daddr="198.18.0.2",dport="443",host="api.test" */
	size_t labels_len;
	__u64 arrival;
	__u64 outcomes[OUTCOME__COUNT];
	struct bucket_counts handshake;
	double value[COL__COUNT]; /* the exported columns */
	bool known[COL__COUNT];
};

/* One DNS name with series of its own, or the folded ones together. */
struct name_row {
	char labels[LABELS_LEN]; /* host="api.test" */
	size_t labels_len;
	__u64 arrival;
	__u64 by_qtype[DNS_QTYPES][LOOKUP__COUNT];
	struct bucket_counts latency;
};

/* A column of the table exported as a family of its own. */
struct exported {
	enum column_id id;
	char name[NAME_LEN];	  /* per destination */
	char host_name[NAME_LEN]; /* gauges: host-wide */
};

struct scrape {
	struct text_buf *out;
	const struct collector *c;
	const struct metrics_info *info;
	enum metrics_format format;
	struct dest_row *dests; /* by arrival; the folded ones last */
	size_t n_dests;
	__u64 folded_dests;
	struct name_row *names;
	size_t n_names;
	__u64 folded_names;
	struct exported exported[COL__COUNT];
	size_t n_exported;
	char handshake_le[BUCKETS_MAX + 1][EXTRA_LEN];
	char dns_le[BUCKETS_MAX + 1][EXTRA_LEN];
};

static void exported_of(struct scrape *s)
{
	unsigned int i;

	for (i = 0; i < COL__COUNT; i++) {
		const struct column *col = &columns[i];
		struct exported *e = &s->exported[s->n_exported];
		const char *stem;

		if (col->metric == METRIC_NONE || column_is_text(col) ||
		    (col->prom && !col->prom[0]) || (!col->prom && !col->csv))
			continue;
		e->id = i;
		if (col->prom)
			snprintf(e->name, NAME_LEN, "%s", col->prom);
		else
			snprintf(e->name, NAME_LEN, "synscope_%s%s", col->csv,
				 col->metric == METRIC_COUNTER ? "_total" : "");
		stem = strncmp(e->name, "synscope_", 9) ? e->name : e->name + 9;
		snprintf(e->host_name, NAME_LEN, "synscope_host_%s", stem);
		s->n_exported++;
	}
}

static void le_labels(char le[][EXTRA_LEN], const struct bucket_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		snprintf(le[i], EXTRA_LEN, "le=\"%s\"", set->bounds[i].le);
	snprintf(le[set->n], EXTRA_LEN, "le=\"+Inf\"");
}

static void dest_row_labels(struct dest_row *r, const struct dest *d)
{
	char addr[ADDR_STRLEN], port[8];

	r->labels_len = 0;
	if (!d) {
		label_add(r->labels, &r->labels_len, "daddr", "other");
		label_add(r->labels, &r->labels_len, "dport", "");
		label_add(r->labels, &r->labels_len, "host", "");
		return;
	}
	snprintf(port, sizeof(port), "%u", d->key.port);
	label_add(r->labels, &r->labels_len, "daddr",
		  addr_fmt(addr, sizeof(addr), d->key.family, d->key.addr));
	label_add(r->labels, &r->labels_len, "dport", port);
	label_add(r->labels, &r->labels_len, "host", d->host);
}

/* Add d's numbers to r: a row of its own, or the folded row. */
static void dest_row_add(const struct scrape *s, struct dest_row *r, const struct dest *d)
{
	char buf[COLUMN_TEXT_LEN];
	struct cell v;
	size_t i;

	for (i = 0; i < OUTCOME__COUNT; i++)
		r->outcomes[i] += d->outcomes[i];
	buckets_sum(&r->handshake, &d->handshake);
	for (i = 0; i < s->n_exported; i++) {
		enum column_id id = s->exported[i].id;

		column_value(id, d, &v, buf);
		if (v.state == CELL_UNKNOWN)
			continue;
		r->value[id] += v.num;
		r->known[id] = true;
	}
}

static int by_arrival(const void *a, const void *b)
{
	const struct dest_row *x = a, *y = b;

	return x->arrival < y->arrival ? -1 : x->arrival > y->arrival;
}

static int names_by_arrival(const void *a, const void *b)
{
	const struct name_row *x = a, *y = b;

	return x->arrival < y->arrival ? -1 : x->arrival > y->arrival;
}

/* The destinations' rows; false when out of memory. */
static bool dest_rows(struct scrape *s)
{
	const struct dest *d;
	size_t n = 0, own = 0;
	struct dest_row *other;

	for (d = collector_next(s->c, NULL); d; d = collector_next(s->c, d))
		n += !dest_is_name_only(d);
	if (n > s->info->max_destinations)
		n = s->info->max_destinations + 1;
	s->dests = calloc(n ? n : 1, sizeof(*s->dests));
	if (!s->dests)
		return false;
	other = &s->dests[n ? n - 1 : 0];
	for (d = collector_next(s->c, NULL); d; d = collector_next(s->c, d)) {
		struct dest_row *r;

		if (dest_is_name_only(d))
			continue;
		if (d->arrival >= s->info->max_destinations) {
			s->folded_dests++;
			dest_row_add(s, other, d);
			continue;
		}
		r = &s->dests[own++];
		r->arrival = d->arrival;
		dest_row_labels(r, d);
		dest_row_add(s, r, d);
	}
	qsort(s->dests, own, sizeof(*s->dests), by_arrival);
	if (s->folded_dests)
		dest_row_labels(other, NULL);
	s->n_dests = own + (s->folded_dests ? 1 : 0);
	return true;
}

static void name_row_add(struct name_row *r, const struct dns_stats *st)
{
	unsigned int q, k;

	for (q = 0; q < DNS_QTYPES; q++)
		for (k = 0; k < LOOKUP__COUNT; k++)
			r->by_qtype[q][k] += st->by_qtype[q][k];
	buckets_sum(&r->latency, &st->latency);
}

/* The DNS names' rows; false when out of memory. */
static bool name_rows(struct scrape *s)
{
	const struct name_stats *n;
	size_t count = 0, own = 0;
	struct name_row *other;

	for (n = collector_next_name(s->c, NULL); n; n = collector_next_name(s->c, n))
		count++;
	if (count > s->info->max_destinations)
		count = s->info->max_destinations + 1;
	s->names = calloc(count ? count : 1, sizeof(*s->names));
	if (!s->names)
		return false;
	other = &s->names[count ? count - 1 : 0];
	for (n = collector_next_name(s->c, NULL); n; n = collector_next_name(s->c, n)) {
		struct name_row *r;

		if (n->arrival >= s->info->max_destinations) {
			s->folded_names++;
			name_row_add(other, &n->stats);
			continue;
		}
		r = &s->names[own++];
		r->arrival = n->arrival;
		label_add(r->labels, &r->labels_len, "host", n->name);
		name_row_add(r, &n->stats);
	}
	qsort(s->names, own, sizeof(*s->names), names_by_arrival);
	if (s->folded_names)
		label_add(other->labels, &other->labels_len, "host", "other");
	s->n_names = own + (s->folded_names ? 1 : 0);
	return true;
}

/* --- writing it ------------------------------------------------------------------- */

/* # HELP and # TYPE; OpenMetrics names a counter's family without _total. */
static void family(struct scrape *s, const char *name, const char *type, const char *help)
{
	char text[512];
	size_t n = strlen(name);

	put_str(s->out, "# HELP ");
	put_str(s->out, name);
	put(s->out, " ", 1);
	put(s->out, text, escape(text, sizeof(text), help, false));
	put_str(s->out, "\n# TYPE ");
	if (s->format == METRICS_OPENMETRICS && !strcmp(type, "counter") && n > 6 &&
	    !strcmp(name + n - 6, "_total"))
		n -= 6;
	put(s->out, name, n);
	put(s->out, " ", 1);
	put_str(s->out, type);
	put(s->out, "\n", 1);
}

/* name{labels,extra} and the space before the value; labels and extra may be empty. */
static void sample(struct scrape *s, const char *name, const char *labels, size_t len,
		   const char *extra)
{
	size_t n = strlen(extra);

	put_str(s->out, name);
	if (len || n) {
		put(s->out, "{", 1);
		put(s->out, labels, len);
		if (len && n)
			put(s->out, ",", 1);
		put(s->out, extra, n);
		put(s->out, "}", 1);
	}
	put(s->out, " ", 1);
}

static void sample_u64(struct scrape *s, const char *name, const char *labels, size_t len,
		       const char *extra, __u64 v)
{
	sample(s, name, labels, len, extra);
	put_u64(s->out, v);
	put(s->out, "\n", 1);
}

static void sample_double(struct scrape *s, const char *name, const char *labels, size_t len,
			  const char *extra, double v)
{
	sample(s, name, labels, len, extra);
	put_double(s->out, v);
	put(s->out, "\n", 1);
}

/* A histogram's series for one row; nothing before its first observation. */
static void histogram(struct scrape *s, const char *name, const char *labels, size_t len,
		      const struct bucket_set *set, char le[][EXTRA_LEN],
		      const struct bucket_counts *b)
{
	char bucket[NAME_LEN], sum[NAME_LEN], count[NAME_LEN];
	__u64 seen = 0, total = buckets_total(b);
	unsigned int i;

	if (!total)
		return;
	snprintf(bucket, sizeof(bucket), "%s_bucket", name);
	snprintf(sum, sizeof(sum), "%s_sum", name);
	snprintf(count, sizeof(count), "%s_count", name);
	for (i = 0; i < set->n; i++) {
		seen += b->count[i];
		sample_u64(s, bucket, labels, len, le[i], seen);
	}
	sample_u64(s, bucket, labels, len, le[set->n], total);
	sample(s, sum, labels, len, "");
	put_seconds(s->out, b->sum_ns);
	put(s->out, "\n", 1);
	sample_u64(s, count, labels, len, "", total);
}

static void write_build_info(struct scrape *s)
{
	const struct metrics_info *in = s->info;
	char labels[LABELS_LEN];
	size_t len = 0;

	label_add(labels, &len, "version", in->version);
	label_add(labels, &len, "mode", in->mode);
	label_add(labels, &len, "dns_capture", in->dns_capture);
	label_add(labels, &len, "kernel", in->kernel);
	family(s, "synscope_build_info", "gauge",
	       "synscope's version, attach mode, DNS capture and kernel release; always 1");
	sample_u64(s, "synscope_build_info", labels, len, "", 1);
}

static void write_attempts(struct scrape *s)
{
	const char *name = "synscope_connect_attempts_total";
	char extra[OUTCOME__COUNT][EXTRA_LEN];
	size_t i, k;

	family(s, name, "counter", "Resolved connect attempts, by outcome");
	for (k = 0; k < OUTCOME__COUNT; k++)
		snprintf(extra[k], EXTRA_LEN, "outcome=\"%s\"", outcome_name(k));
	for (i = 0; i < s->n_dests; i++)
		for (k = 0; k < OUTCOME__COUNT; k++)
			sample_u64(s, name, s->dests[i].labels, s->dests[i].labels_len, extra[k],
				   s->dests[i].outcomes[k]);
}

/* Every number of the column table with a metric: per destination, and gauges host-wide. */
static void write_columns(struct scrape *s)
{
	const struct dest *total = collector_total(s->c);
	char buf[COLUMN_TEXT_LEN];
	struct cell v;
	size_t e, i;

	for (e = 0; e < s->n_exported; e++) {
		const struct exported *x = &s->exported[e];
		const struct column *col = &columns[x->id];
		bool counter = col->metric == METRIC_COUNTER;

		family(s, x->name, counter ? "counter" : "gauge", col->help ? col->help : col->csv);
		for (i = 0; i < s->n_dests; i++)
			if (s->dests[i].known[x->id])
				sample_double(s, x->name, s->dests[i].labels,
					      s->dests[i].labels_len, "", s->dests[i].value[x->id]);
		if (counter)
			continue;
		column_value(x->id, total, &v, buf);
		if (v.state == CELL_UNKNOWN)
			continue;
		family(s, x->host_name, "gauge", col->help ? col->help : col->csv);
		sample_double(s, x->host_name, "", 0, "", v.num);
	}
}

static void write_handshakes(struct scrape *s)
{
	const char *name = "synscope_connect_duration_seconds";
	size_t i;

	family(s, name, "histogram",
	       "Handshake time of established attempts; the buckets from 1 s on are the SYN "
	       "retransmission times (linear and exponential schedules)");
	for (i = 0; i < s->n_dests; i++)
		histogram(s, name, s->dests[i].labels, s->dests[i].labels_len, &handshake_buckets,
			  s->handshake_le, &s->dests[i].handshake);
}

static void write_dns(struct scrape *s)
{
	const char *lookups = "synscope_dns_lookups_total",
		   *duration = "synscope_dns_lookup_duration_seconds";
	char extra[EXTRA_LEN];
	size_t i;
	unsigned int q, k;

	family(s, lookups, "counter", "DNS lookups by name, query type and result");
	for (i = 0; i < s->n_names; i++) {
		const struct name_row *r = &s->names[i];

		for (q = 0; q < DNS_QTYPES; q++) {
			__u64 any = 0;

			for (k = 0; k < LOOKUP__COUNT; k++)
				any += r->by_qtype[q][k];
			/* A query type's series once it was asked for: every result. */
			for (k = 0; any && k < LOOKUP__COUNT; k++) {
				snprintf(extra, sizeof(extra), "qtype=\"%s\",result=\"%s\"",
					 dns_qtype_slot_name(q), lookup_result_name(k));
				sample_u64(s, lookups, r->labels, r->labels_len, extra,
					   r->by_qtype[q][k]);
			}
		}
	}
	family(s, duration, "histogram", "Time from DNS query to response, answered lookups");
	for (i = 0; i < s->n_names; i++)
		histogram(s, duration, s->names[i].labels, s->names[i].labels_len, &dns_buckets,
			  s->dns_le, &s->names[i].latency);
}

static const char *const event_kind_names[] = {
	[EVENT_ATTEMPT] = "attempt",
	[EVENT_SYN_RETRANSMIT] = "syn_retransmit",
	[EVENT_CLOSE] = "close",
};

static void event_sample(struct scrape *s, const char *fate, const char *reason, __u64 v)
{
	char labels[LABELS_LEN];
	size_t len = 0;

	label_add(labels, &len, "fate", fate);
	label_add(labels, &len, "reason", reason);
	sample_u64(s, "synscope_events_total", labels, len, "", v);
}

/* Produced and delivered by event kind; dropped and expired by reason. */
static void write_events(struct scrape *s)
{
	const struct accounting *a = collector_accounting(s->c);
	const struct {
		const char *fate, *reason;
		__u64 value;
	} lost[] = {
		{ "dropped", "ringbuf_full", a->kernel[COUNTER_RINGBUF_FULL] },
		{ "dropped", "inflight_map_full", a->kernel[COUNTER_INFLIGHT_FULL] },
		{ "dropped", "connect_call_map_full", a->kernel[COUNTER_CONNECT_CTX_FULL] },
		{ "dropped", "open_map_full", a->kernel[COUNTER_OPEN_FULL] },
		{ "dropped", "program_run_skipped", a->missed },
		{ "expired", "inflight", a->expired_inflight },
		{ "expired", "connect_call", a->expired_calls },
		{ "malformed", "record", a->malformed },
		{ "found_later", "unseen_close", a->kernel[COUNTER_CLOSE_UNSEEN] },
	};
	size_t k, n = sizeof(a->produced) / sizeof(a->produced[0]);

	family(s, "synscope_events_total", "counter",
	       "What happened to the kernel's events: produced and delivered by kind, dropped and "
	       "expired by reason");
	for (k = EVENT_ATTEMPT; k < n; k++) {
		const char *kind = k < sizeof(event_kind_names) / sizeof(event_kind_names[0]) &&
						   event_kind_names[k]
					   ? event_kind_names[k]
					   : "other";

		event_sample(s, "produced", kind, a->produced[k]);
		event_sample(s, "delivered", kind, a->delivered[k]);
	}
	for (k = 0; k < sizeof(lost) / sizeof(lost[0]); k++)
		event_sample(s, lost[k].fate, lost[k].reason, lost[k].value);
}

static void dns_packet_sample(struct scrape *s, const char *fate, const char *reason, __u64 v)
{
	char labels[LABELS_LEN];
	size_t len = 0;

	label_add(labels, &len, "fate", fate);
	label_add(labels, &len, "reason", reason);
	sample_u64(s, "synscope_dns_packets_total", labels, len, "", v);
}

/* Packets not used, by reason: counts[0] is "no error" and not a reason. */
static void dns_unused(struct scrape *s, const char *fate, const __u64 *counts, unsigned int n,
		       const char *(*name)(unsigned int))
{
	unsigned int i;

	for (i = 1; i < n; i++)
		dns_packet_sample(s, fate, name(i), counts[i]);
}

static const char *packet_error(unsigned int i)
{
	return dns_packet_error_name(i);
}

static const char *parse_error(unsigned int i)
{
	return dns_parse_error_name(i);
}

static const char *drop_reason(unsigned int i)
{
	return dns_drop_name(i);
}

static void write_dns_packets(struct scrape *s)
{
	const struct dns_track_stats *st = collector_dns_stats(s->c);
	const struct accounting *a = collector_accounting(s->c);

	family(s, "synscope_dns_packets_total", "counter",
	       "What happened to the DNS packets captured: produced, delivered, lost; not DNS, "
	       "not parsed and not used, by reason");
	dns_packet_sample(s, "produced", "packet", a->dns_produced);
	dns_packet_sample(s, "delivered", "packet", st->packets);
	dns_packet_sample(s, "lost", "packet", a->dns_lost);
	dns_unused(s, "not_dns", st->packet_errors, DNS_PACKET__COUNT, packet_error);
	dns_unused(s, "parse_error", st->parse_errors, DNS_ERR__COUNT, parse_error);
	/* DNS_DROP_PARSE is the sum of the parse errors above. */
	dns_unused(s, "unused", st->drops, DNS_DROP__COUNT, drop_reason);
	family(s, "synscope_dns_queries_pending", "gauge", "DNS queries waiting for a response");
	sample_u64(s, "synscope_dns_queries_pending", "", 0, "", collector_dns_pending(s->c));
}

static void gauge(struct scrape *s, const char *name, const char *help, double v)
{
	family(s, name, "gauge", help);
	sample_double(s, name, "", 0, "", v);
}

static void write_run(struct scrape *s)
{
	unsigned int i;

	gauge(s, "synscope_metrics_max_destinations",
	      "--metrics-max-destinations: destinations (and DNS names) with series of their own",
	      s->info->max_destinations);
	gauge(s, "synscope_destinations_folded",
	      "Destinations beyond --metrics-max-destinations, summed into daddr=\"other\"",
	      s->folded_dests);
	gauge(s, "synscope_dns_names_folded",
	      "DNS names beyond --metrics-max-destinations, summed into host=\"other\"",
	      s->folded_names);
	for (i = 0; i < s->info->n_settings; i++)
		gauge(s, s->info->settings[i].name, s->info->settings[i].help,
		      s->info->settings[i].value);
}

const char *metrics_content_type(enum metrics_format format)
{
	return format == METRICS_OPENMETRICS
		       ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
		       : "text/plain; version=0.0.4; charset=utf-8";
}

bool metrics_render(struct text_buf *out, const struct collector *c,
		    const struct metrics_info *info, enum metrics_format format)
{
	struct scrape *s = calloc(1, sizeof(*s));
	bool ok = false;

	if (!s)
		return false;
	s->out = out;
	s->c = c;
	s->info = info;
	s->format = format;
	exported_of(s);
	le_labels(s->handshake_le, &handshake_buckets);
	le_labels(s->dns_le, &dns_buckets);
	if (!dest_rows(s) || !name_rows(s))
		goto out_free;
	write_build_info(s);
	write_attempts(s);
	write_columns(s);
	write_handshakes(s);
	write_dns(s);
	write_events(s);
	write_dns_packets(s);
	write_run(s);
	if (format == METRICS_OPENMETRICS)
		put_str(out, "# EOF\n");
	ok = !out->failed;
out_free:
	free(s->dests);
	free(s->names);
	free(s);
	return ok;
}
