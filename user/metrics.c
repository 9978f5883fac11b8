// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "columns.h"
#include "format.h"
#include "metrics.h"

#define EXTRA_LEN  48  /* one or two more labels: le="0.000025", qtype="HTTPS",result="ok" */
#define NAME_LEN   96  /* a family's name */
#define FOLD_BATCH 256 /* folded destinations and names summed per turn */

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

/* Append name="value" (escaped) to the labels in b, which started at start. */
static void label_add(struct text_buf *b, size_t start, const char *name, const char *value)
{
	char text[2 * HOST_LEN + 1];

	if (b->len > start)
		put(b, ",", 1);
	put_str(b, name);
	put(b, "=\"", 2);
	put(b, text, escape(text, sizeof(text), value, true));
	put(b, "\"", 1);
}

/* One sample: name{labels,extra} value; labels and extra may be empty. */
static char *sample_head(struct text_buf *b, const char *name, const char *labels, size_t len,
			 const char *extra, size_t extra_len, size_t value_len)
{
	size_t name_len = strlen(name);
	char *p;

	if (!reserve(b, name_len + len + extra_len + value_len + 5))
		return NULL;
	p = b->data + b->len;
	memcpy(p, name, name_len);
	p += name_len;
	if (len || extra_len) {
		*p++ = '{';
		memcpy(p, labels, len);
		p += len;
		if (len && extra_len)
			*p++ = ',';
		memcpy(p, extra, extra_len);
		p += extra_len;
		*p++ = '}';
	}
	*p++ = ' ';
	b->len = p - b->data;
	return p;
}

static void sample_u64(struct text_buf *b, const char *name, const char *labels, size_t len,
		       const char *extra, size_t extra_len, __u64 v)
{
	if (!sample_head(b, name, labels, len, extra, extra_len, 0))
		return;
	put_u64(b, v);
	put(b, "\n", 1);
}

static void sample_double(struct text_buf *b, const char *name, const char *labels, size_t len,
			  double v)
{
	if (!sample_head(b, name, labels, len, "", 0, 0))
		return;
	put_double(b, v);
	put(b, "\n", 1);
}

/* --- the snapshot -------------------------------------------------------------------- */

/* A column of the table exported as a family of its own. */
struct exported {
	enum column_id id;
	char name[NAME_LEN];	  /* per destination */
	char host_name[NAME_LEN]; /* gauges: host-wide */
	double scale;		  /* to base units: microseconds to seconds, percent to ratio */
	bool additive;		  /* a count: the folded destinations' is their sum */
	double host_value;
	bool host_known;
};

/* One destination with series of its own, or the folded ones together. */
struct dest_row {
	size_t labels; /* in labels: daddr="198.18.0.2",dport="443",host="api.test" */
	size_t labels_len;
	__u64 outcomes[OUTCOME__COUNT];
	struct bucket_counts handshake;
	double value[COL__COUNT]; /* by exported index */
	bool known[COL__COUNT];
};

/* One DNS name with series of its own, or the folded ones together. */
struct name_row {
	size_t labels; /* host="api.test" */
	size_t labels_len;
	__u64 by_qtype[DNS_QTYPES][LOOKUP__COUNT];
	struct bucket_counts latency;
};

/* The families, in the order they are written; each is a head and rows. */
enum family_kind {
	FAM_BUILD_INFO,
	FAM_ATTEMPTS,
	FAM_COLUMN,	 /* arg: exported index */
	FAM_HOST_COLUMN, /* arg: exported index */
	FAM_HANDSHAKES,
	FAM_DNS_LOOKUPS,
	FAM_DNS_DURATION,
	FAM_EVENTS,
	FAM_DNS_PACKETS,
	FAM_RUN,
	FAM_EOF,
	FAM__COUNT,
};

struct family {
	enum family_kind kind;
	unsigned int arg;
};

#define FAMILIES_MAX (FAM__COUNT + 2 * COL__COUNT)

struct metrics_scrape {
	struct metrics_info info;
	enum metrics_format format;
	struct text_buf labels; /* every row's labels */
	struct dest_row *dests; /* by arrival; the folded ones last */
	size_t n_dests;
	__u64 folded_dests;
	struct name_row *names; /* the same for names */
	size_t n_names;
	__u64 folded_names;
	struct exported exported[COL__COUNT];
	size_t n_exported;
	struct accounting acct;
	struct dns_track_stats dns;
	size_t dns_pending;
	char handshake_le[BUCKETS_MAX + 1][EXTRA_LEN];
	char dns_le[BUCKETS_MAX + 1][EXTRA_LEN];
	char outcome_extra[OUTCOME__COUNT][EXTRA_LEN];
	const struct collector *c; /* for the folded ones */
	struct {
		size_t dest, dests_end; /* the next to fold, the end */
		size_t name, names_end;
	} fold;
	struct family families[FAMILIES_MAX];
	size_t n_families;
	/* where the text is */
	size_t family;
	size_t row;
	bool head_done;
	struct text_buf *out;
};

/*
 * How a column's number is exported, by its format: its unit's suffix in the
 * CSV name, the one the family's name ends in, and the factor to it.
 */
static const struct {
	const char *csv_suffix, *unit;
	double scale;
} units[] = {
	[FORMAT_COUNT] = { "", "", 1 },
	[FORMAT_DURATION] = { "_us", "_seconds", 1e-6 },
	[FORMAT_RATE] = { "", "", 1 },
	[FORMAT_PERCENT] = { "_pct", "_ratio", 1e-2 },
};

bool metrics_column_family(unsigned int id, char *name, size_t size)
{
	const struct column *col = id < COL__COUNT ? &columns[id] : NULL;
	size_t len, cut;

	if (!col || col->metric == METRIC_NONE || column_is_text(col) ||
	    (col->prom && !col->prom[0]) || (!col->prom && !col->csv))
		return false;
	if (col->prom) {
		snprintf(name, size, "%s", col->prom);
		return true;
	}
	len = strlen(col->csv);
	cut = strlen(units[col->format].csv_suffix);
	if (len > cut && !strcmp(col->csv + len - cut, units[col->format].csv_suffix))
		len -= cut;
	snprintf(name, size, "synscope_%.*s%s%s", (int)len, col->csv, units[col->format].unit,
		 col->metric == METRIC_COUNTER ? "_total" : "");
	return true;
}

static void exported_of(struct metrics_scrape *s, const struct collector *c)
{
	const struct dest *total = collector_total(c);
	char buf[COLUMN_TEXT_LEN];
	unsigned int i;

	for (i = 0; i < COL__COUNT; i++) {
		const struct column *col = &columns[i];
		struct exported *e = &s->exported[s->n_exported];
		const char *stem;
		struct cell v;

		if (!metrics_column_family(i, e->name, NAME_LEN))
			continue;
		e->id = i;
		stem = strncmp(e->name, "synscope_", 9) ? e->name : e->name + 9;
		snprintf(e->host_name, NAME_LEN, "synscope_host_%s", stem);
		e->scale = units[col->format].scale;
		e->additive = col->metric == METRIC_COUNTER ||
			      (col->format == FORMAT_COUNT && col->metric != METRIC_STATE);
		column_value(i, total, &v, buf);
		e->host_value = v.num * e->scale;
		e->host_known = col->metric != METRIC_COUNTER && v.state == CELL_VALUE;
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

static void dest_row_labels(struct metrics_scrape *s, struct dest_row *r, const struct dest *d)
{
	char addr[ADDR_STRLEN], port[8];

	r->labels = s->labels.len;
	if (d) {
		snprintf(port, sizeof(port), "%u", d->key.port);
		label_add(&s->labels, r->labels, "daddr",
			  addr_fmt(addr, sizeof(addr), d->key.family, d->key.addr));
		label_add(&s->labels, r->labels, "dport", port);
		label_add(&s->labels, r->labels, "host", d->host);
	} else {
		label_add(&s->labels, r->labels, "daddr", "other");
		label_add(&s->labels, r->labels, "dport", "");
		label_add(&s->labels, r->labels, "host", "");
	}
	r->labels_len = s->labels.len - r->labels;
}

/*
 * Add d's numbers to r: a row of its own, or the folded row, which has the
 * counters and the counts (in flight, open) summed, and no durations, rates
 * or ratios: a sum of those means nothing.
 */
static void dest_row_add(const struct metrics_scrape *s, struct dest_row *r, const struct dest *d,
			 bool folded)
{
	char buf[COLUMN_TEXT_LEN];
	struct cell v;
	size_t i;

	for (i = 0; i < OUTCOME__COUNT; i++)
		r->outcomes[i] += d->outcomes[i];
	buckets_sum(&r->handshake, &d->handshake);
	for (i = 0; i < s->n_exported; i++) {
		if (folded && !s->exported[i].additive)
			continue;
		column_value(s->exported[i].id, d, &v, buf);
		if (v.state != CELL_VALUE)
			continue;
		r->value[i] += v.num * s->exported[i].scale;
		r->known[i] = true;
	}
}

/* Of seen, the first max have rows of their own, the rest one row: how many rows. */
static size_t rows_for(size_t seen, __u64 max, size_t *own, __u64 *folded)
{
	*own = seen < max ? seen : max;
	*folded = seen - *own;
	return *own + (*folded > 0);
}

/* Rows of their own for the first max, one row for the rest; false when out of memory. */
static bool dest_rows(struct metrics_scrape *s, const struct collector *c)
{
	size_t seen = collector_dests_seen(c), own, i;

	s->n_dests = rows_for(seen, s->info.max_destinations, &own, &s->folded_dests);
	s->dests = calloc(s->n_dests + 1, sizeof(*s->dests));
	if (!s->dests)
		return false;
	for (i = 0; i < own; i++) {
		dest_row_labels(s, &s->dests[i], collector_dest_at(c, i));
		dest_row_add(s, &s->dests[i], collector_dest_at(c, i), false);
	}
	if (s->folded_dests)
		dest_row_labels(s, &s->dests[own], NULL);
	s->fold.dest = own;
	s->fold.dests_end = seen;
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

static bool name_rows(struct metrics_scrape *s, const struct collector *c)
{
	size_t seen = collector_names_seen(c), own, i;

	s->n_names = rows_for(seen, s->info.max_destinations, &own, &s->folded_names);
	s->names = calloc(s->n_names + 1, sizeof(*s->names));
	if (!s->names)
		return false;
	for (i = 0; i <= own && i < s->n_names; i++) {
		struct name_row *r = &s->names[i];

		r->labels = s->labels.len;
		label_add(&s->labels, r->labels, "host",
			  i < own ? collector_name_at(c, i)->name : "other");
		r->labels_len = s->labels.len - r->labels;
		if (i < own)
			name_row_add(r, &collector_name_at(c, i)->stats);
	}
	s->fold.name = own;
	s->fold.names_end = seen;
	return true;
}

/*
 * Sum up to FOLD_BATCH of the folded destinations and names into their
 * rows; false when every one is.  The rows of their own are a snapshot; the
 * folded ones are read over the first turns of the scrape, each once and
 * later than by the scrape before, so their sums never go down either.
 */
static bool fold_some(struct metrics_scrape *s)
{
	struct dest_row *other = &s->dests[s->n_dests ? s->n_dests - 1 : 0];
	struct name_row *other_name = &s->names[s->n_names ? s->n_names - 1 : 0];
	unsigned int n;

	for (n = 0; n < FOLD_BATCH && s->fold.dest < s->fold.dests_end; n++)
		dest_row_add(s, other, collector_dest_at(s->c, s->fold.dest++), true);
	for (; n < FOLD_BATCH && s->fold.name < s->fold.names_end; n++)
		name_row_add(other_name, &collector_name_at(s->c, s->fold.name++)->stats);
	return s->fold.dest < s->fold.dests_end || s->fold.name < s->fold.names_end;
}

static void families_of(struct metrics_scrape *s)
{
	static const enum family_kind after[] = { FAM_HANDSHAKES, FAM_DNS_LOOKUPS, FAM_DNS_DURATION,
						  FAM_EVENTS,	  FAM_DNS_PACKETS, FAM_RUN };
	struct family *f = s->families;
	unsigned int i;

	*f++ = (struct family){ FAM_BUILD_INFO, 0 };
	*f++ = (struct family){ FAM_ATTEMPTS, 0 };
	for (i = 0; i < s->n_exported; i++) {
		if (!columns[s->exported[i].id].host_only)
			*f++ = (struct family){ FAM_COLUMN, i };
		if (s->exported[i].host_known)
			*f++ = (struct family){ FAM_HOST_COLUMN, i };
	}
	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++)
		*f++ = (struct family){ after[i], 0 };
	if (s->format == METRICS_OPENMETRICS)
		*f++ = (struct family){ FAM_EOF, 0 };
	s->n_families = f - s->families;
}

struct metrics_scrape *metrics_scrape_new(const struct collector *c,
					  const struct metrics_info *info,
					  enum metrics_format format)
{
	struct metrics_scrape *s = calloc(1, sizeof(*s));
	unsigned int k;

	if (!s)
		return NULL;
	s->info = *info;
	s->format = format;
	s->c = c;
	exported_of(s, c);
	if (!dest_rows(s, c) || !name_rows(s, c) || s->labels.failed) {
		metrics_scrape_free(s);
		return NULL;
	}
	s->acct = *collector_accounting(c);
	s->dns = *collector_dns_stats(c);
	s->dns_pending = collector_dns_pending(c);
	le_labels(s->handshake_le, &handshake_buckets);
	le_labels(s->dns_le, &dns_buckets);
	for (k = 0; k < OUTCOME__COUNT; k++)
		snprintf(s->outcome_extra[k], EXTRA_LEN, "outcome=\"%s\"", outcome_name(k));
	families_of(s);
	return s;
}

void metrics_scrape_free(struct metrics_scrape *s)
{
	if (!s)
		return;
	text_buf_free(&s->labels);
	free(s->dests);
	free(s->names);
	free(s);
}

/* --- writing it ------------------------------------------------------------------- */

/* # HELP and # TYPE; OpenMetrics names a counter's family without _total, in both. */
static void family(struct metrics_scrape *s, const char *name, const char *type, const char *help)
{
	char text[512];
	size_t n = strlen(name);

	if (s->format == METRICS_OPENMETRICS && !strcmp(type, "counter") && n > 6 &&
	    !strcmp(name + n - 6, "_total"))
		n -= 6;
	put_str(s->out, "# HELP ");
	put(s->out, name, n);
	put(s->out, " ", 1);
	put(s->out, text, escape(text, sizeof(text), help, false));
	put_str(s->out, "\n# TYPE ");
	put(s->out, name, n);
	put(s->out, " ", 1);
	put_str(s->out, type);
	put(s->out, "\n", 1);
}

static void gauge(struct metrics_scrape *s, const char *name, const char *help, double v)
{
	family(s, name, "gauge", help);
	sample_double(s->out, name, "", 0, v);
}

static const char *dest_labels(const struct metrics_scrape *s, size_t i)
{
	return s->labels.data + s->dests[i].labels;
}

static const char *name_labels(const struct metrics_scrape *s, size_t i)
{
	return s->labels.data + s->names[i].labels;
}

/* A histogram's series for one row; nothing before its first observation. */
static void histogram(struct metrics_scrape *s, const char *name, const char *labels, size_t len,
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
		sample_u64(s->out, bucket, labels, len, le[i], strlen(le[i]), seen);
	}
	sample_u64(s->out, bucket, labels, len, le[set->n], strlen(le[set->n]), total);
	if (sample_head(s->out, sum, labels, len, "", 0, 0)) {
		put_seconds(s->out, b->sum_ns);
		put(s->out, "\n", 1);
	}
	sample_u64(s->out, count, labels, len, "", 0, total);
}

static void row_build_info(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	struct text_buf labels = { 0 };

	(void)arg, (void)i;
	label_add(&labels, 0, "version", s->info.version);
	label_add(&labels, 0, "mode", s->info.mode);
	label_add(&labels, 0, "dns_capture", s->info.dns_capture);
	label_add(&labels, 0, "kernel", s->info.kernel);
	if (!labels.failed)
		sample_u64(s->out, "synscope_build_info", labels.data, labels.len, "", 0, 1);
	s->out->failed |= labels.failed;
	text_buf_free(&labels);
}

static void row_attempts(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	const struct dest_row *r = &s->dests[i];
	unsigned int k;

	(void)arg;
	for (k = 0; k < OUTCOME__COUNT; k++)
		sample_u64(s->out, "synscope_connect_attempts_total", dest_labels(s, i),
			   r->labels_len, s->outcome_extra[k], strlen(s->outcome_extra[k]),
			   r->outcomes[k]);
}

static const char *column_help(const struct exported *e)
{
	const struct column *col = &columns[e->id];

	return col->help ? col->help : col->csv;
}

static void head_column(struct metrics_scrape *s, unsigned int arg)
{
	const struct exported *e = &s->exported[arg];

	family(s, e->name, columns[e->id].metric == METRIC_COUNTER ? "counter" : "gauge",
	       column_help(e));
}

/* A column's value: its number, or for a state 1 labelled with the state's name. */
static void column_sample(struct metrics_scrape *s, const struct exported *e, const char *name,
			  const char *labels, size_t len, double v)
{
	const struct column *col = &columns[e->id];
	char extra[EXTRA_LEN];

	if (col->metric != METRIC_STATE)
		sample_double(s->out, name, labels, len, v);
	else
		sample_u64(s->out, name, labels, len, extra,
			   snprintf(extra, sizeof(extra), "%s=\"%s\"", col->label,
				    col->states[(size_t)v]),
			   1);
}

static void row_column(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	const struct dest_row *r = &s->dests[i];

	if (r->known[arg])
		column_sample(s, &s->exported[arg], s->exported[arg].name, dest_labels(s, i),
			      r->labels_len, r->value[arg]);
}

static void row_host_column(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	const struct exported *e = &s->exported[arg];

	(void)i;
	family(s, e->host_name, "gauge", column_help(e));
	column_sample(s, e, e->host_name, "", 0, e->host_value);
}

static void row_handshakes(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	(void)arg;
	histogram(s, "synscope_connect_duration_seconds", dest_labels(s, i), s->dests[i].labels_len,
		  &handshake_buckets, s->handshake_le, &s->dests[i].handshake);
}

/* A query type's series once it was asked for: every result. */
static void row_dns_lookups(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	const struct name_row *r = &s->names[i];
	char extra[EXTRA_LEN];
	unsigned int q, k;

	(void)arg;
	for (q = 0; q < DNS_QTYPES; q++) {
		__u64 any = 0;

		for (k = 0; k < LOOKUP__COUNT; k++)
			any += r->by_qtype[q][k];
		for (k = 0; any && k < LOOKUP__COUNT; k++)
			sample_u64(s->out, "synscope_dns_lookups_total", name_labels(s, i),
				   r->labels_len, extra,
				   snprintf(extra, sizeof(extra), "qtype=\"%s\",result=\"%s\"",
					    dns_qtype_slot_name(q), lookup_result_name(k)),
				   r->by_qtype[q][k]);
	}
}

static void row_dns_duration(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	(void)arg;
	histogram(s, "synscope_dns_lookup_duration_seconds", name_labels(s, i),
		  s->names[i].labels_len, &dns_buckets, s->dns_le, &s->names[i].latency);
}

/* fate and reason as labels of a family's sample. */
static void fate_sample(struct metrics_scrape *s, const char *name, const char *fate,
			const char *reason, __u64 v)
{
	char extra[2 * EXTRA_LEN];

	sample_u64(s->out, name, "", 0, extra,
		   snprintf(extra, sizeof(extra), "fate=\"%s\",reason=\"%s\"", fate, reason), v);
}

static const char *const event_kind_names[] = {
	[EVENT_ATTEMPT] = "attempt",
	[EVENT_SYN_RETRANSMIT] = "syn_retransmit",
	[EVENT_CLOSE] = "close",
	[EVENT_START] = "start",
};

/* Produced and delivered by event kind; dropped and expired by reason. */
static void row_events(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	const char *name = "synscope_events_total";
	const struct accounting *a = &s->acct;
	const struct {
		const char *fate, *reason;
		__u64 value;
	} lost[] = {
		{ "dropped", "ringbuf_full", a->kernel[COUNTER_RINGBUF_FULL] },
		{ "dropped", "inflight_map_full", a->kernel[COUNTER_INFLIGHT_FULL] },
		{ "dropped", "connect_call_map_full", a->kernel[COUNTER_CONNECT_CTX_FULL] },
		{ "dropped", "open_map_full", a->kernel[COUNTER_OPEN_FULL] },
		{ "dropped", "socket_storage_failed", a->kernel[COUNTER_STORAGE_FAILED] },
		{ "dropped", "map_op_failed", a->kernel[COUNTER_MAP_OP_FAILED] },
		{ "dropped", "out_of_memory", a->alloc_failed },
		{ "dropped", "program_run_skipped", a->missed },
		{ "expired", "inflight", a->expired_inflight },
		{ "expired", "connect_call", a->expired_calls },
		{ "malformed", "record", a->malformed },
		{ "found_later", "unseen_close", a->kernel[COUNTER_CLOSE_UNSEEN] },
		{ "found_later", "outcome", a->kernel[COUNTER_OUTCOME_LATE] },
		{ "found_later", "syn_retransmit", a->retransmits_late },
		/* not lost: nested runs the takeover programs handled */
		{ "taken_over", "state_change", a->kernel[COUNTER_TAKEOVER_STATE] },
		{ "taken_over", "syn_retransmit", a->kernel[COUNTER_TAKEOVER_RETRANSMIT] },
		{ "taken_over", "socket_destroy", a->kernel[COUNTER_TAKEOVER_DESTROY] },
	};
	size_t k, n = sizeof(a->produced) / sizeof(a->produced[0]);
	size_t named = sizeof(event_kind_names) / sizeof(event_kind_names[0]);

	(void)arg, (void)i;
	family(s, name, "counter",
	       "What happened to the kernel's events: produced and delivered by kind; dropped, "
	       "expired, found later and taken over by reason");
	for (k = EVENT_ATTEMPT; k < n; k++) {
		const char *kind = k < named && event_kind_names[k] ? event_kind_names[k] : "other";

		fate_sample(s, name, "produced", kind, a->produced[k]);
		fate_sample(s, name, "delivered", kind, a->delivered[k]);
	}
	for (k = 0; k < sizeof(lost) / sizeof(lost[0]); k++)
		fate_sample(s, name, lost[k].fate, lost[k].reason, lost[k].value);
}

/* Packets not used, by reason: counts[0] is "no error" and not a reason. */
static void dns_unused(struct metrics_scrape *s, const char *fate, const __u64 *counts,
		       unsigned int n, const char *(*reason)(unsigned int))
{
	unsigned int i;

	for (i = 1; i < n; i++)
		fate_sample(s, "synscope_dns_packets_total", fate, reason(i), counts[i]);
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

static void row_dns_packets(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	const char *name = "synscope_dns_packets_total";

	(void)arg, (void)i;
	family(s, name, "counter",
	       "What happened to the DNS packets captured: produced, delivered, lost; not DNS, "
	       "not parsed and not used, by reason");
	fate_sample(s, name, "produced", "packet", s->acct.dns_produced);
	fate_sample(s, name, "delivered", "packet", s->dns.packets);
	fate_sample(s, name, "lost", "packet", s->acct.dns_lost);
	dns_unused(s, "not_dns", s->dns.packet_errors, DNS_PACKET__COUNT, packet_error);
	dns_unused(s, "parse_error", s->dns.parse_errors, DNS_ERR__COUNT, parse_error);
	/* DNS_DROP_PARSE is the sum of the parse errors above. */
	dns_unused(s, "unused", s->dns.drops, DNS_DROP__COUNT, drop_reason);
	gauge(s, "synscope_dns_queries_pending", "DNS queries waiting for a response",
	      s->dns_pending);
}

static void row_run(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	unsigned int k;

	(void)arg, (void)i;
	gauge(s, "synscope_metrics_max_destinations",
	      "--metrics-max-destinations: destinations (and DNS names) with series of their own",
	      s->info.max_destinations);
	gauge(s, "synscope_destinations_folded",
	      "Destinations beyond --metrics-max-destinations, summed into daddr=\"other\"",
	      s->folded_dests);
	gauge(s, "synscope_dns_names_folded",
	      "DNS names beyond --metrics-max-destinations, summed into host=\"other\"",
	      s->folded_names);
	for (k = 0; k < s->info.n_settings; k++)
		gauge(s, s->info.settings[k].name, s->info.settings[k].help,
		      s->info.settings[k].value);
}

static void row_eof(struct metrics_scrape *s, unsigned int arg, size_t i)
{
	(void)arg, (void)i;
	put_str(s->out, "# EOF\n");
}

static size_t one_row(const struct metrics_scrape *s)
{
	(void)s;
	return 1;
}

static size_t dest_count(const struct metrics_scrape *s)
{
	return s->n_dests;
}

static size_t name_count(const struct metrics_scrape *s)
{
	return s->n_names;
}

/*
 * Each kind of family: its head (name, type and HELP, or a function for the
 * columns' families; none: the rows write it), its rows and how one is written.
 */
/* clang-format off */
static const struct family_ops {
	const char *name, *type, *help; /* the head; NULL: .head writes it, or the rows do */
	void (*head)(struct metrics_scrape *s, unsigned int arg);
	size_t (*rows)(const struct metrics_scrape *s);
	void (*row)(struct metrics_scrape *s, unsigned int arg, size_t i);
} family_ops[FAM__COUNT] = {
	[FAM_BUILD_INFO] = {
		.name = "synscope_build_info", .type = "gauge",
		.help = "synscope's version, attach mode, DNS capture and kernel release; always 1",
		.rows = one_row, .row = row_build_info,
	},
	[FAM_ATTEMPTS] = {
		.name = "synscope_connect_attempts_total", .type = "counter",
		.help = "Resolved connect attempts, by outcome",
		.rows = dest_count, .row = row_attempts,
	},
	[FAM_COLUMN] = { .head = head_column, .rows = dest_count, .row = row_column },
	[FAM_HOST_COLUMN] = { .rows = one_row, .row = row_host_column },
	[FAM_HANDSHAKES] = {
		.name = "synscope_connect_duration_seconds", .type = "histogram",
		.help = "Handshake time of established attempts; the buckets from 1 s on are the "
			"SYN retransmission times (linear and exponential schedules)",
		.rows = dest_count, .row = row_handshakes,
	},
	[FAM_DNS_LOOKUPS] = {
		.name = "synscope_dns_lookups_total", .type = "counter",
		.help = "DNS lookups by name, query type and result",
		.rows = name_count, .row = row_dns_lookups,
	},
	[FAM_DNS_DURATION] = {
		.name = "synscope_dns_lookup_duration_seconds", .type = "histogram",
		.help = "Time from DNS query to response, answered lookups",
		.rows = name_count, .row = row_dns_duration,
	},
	[FAM_EVENTS] = { .rows = one_row, .row = row_events },
	[FAM_DNS_PACKETS] = { .rows = one_row, .row = row_dns_packets },
	[FAM_RUN] = { .rows = one_row, .row = row_run },
	[FAM_EOF] = { .rows = one_row, .row = row_eof },
};
/* clang-format on */

bool metrics_scrape_next(struct metrics_scrape *s, struct text_buf *out, size_t min_bytes)
{
	size_t start = out->len;

	s->out = out;
	if (fold_some(s))
		return true; /* more to fold first: no text this turn */
	while (s->family < s->n_families && out->len - start < min_bytes && !out->failed) {
		const struct family *f = &s->families[s->family];
		const struct family_ops *op = &family_ops[f->kind];

		if (!s->head_done && op->name)
			family(s, op->name, op->type, op->help);
		else if (!s->head_done && op->head)
			op->head(s, f->arg);
		s->head_done = true;
		if (s->row < op->rows(s)) {
			op->row(s, f->arg, s->row++);
			continue;
		}
		s->family++;
		s->row = 0;
		s->head_done = false;
	}
	return s->family < s->n_families;
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
	struct metrics_scrape *s = metrics_scrape_new(c, info, format);

	if (!s)
		return false;
	while (metrics_scrape_next(s, out, (size_t)-1))
		;
	metrics_scrape_free(s);
	return !out->failed;
}
