// SPDX-License-Identifier: GPL-2.0-only
#include "columns.h"
#include "format.h"
#include "summary.h"

/* The text of one cell, in buf: names cut to fit, numbers as they are; unknown text is "-". */
static const char *cell_text(char *buf, size_t len, const struct column *col, const struct cell *v)
{
	if (column_is_text(col) && v->state == CELL_UNKNOWN)
		snprintf(buf, len, "-");
	else if (col->format == FORMAT_TEXT)
		fit_fmt(buf, len, v->text, col->text.width);
	else if (col->format == FORMAT_ENDPOINT)
		snprintf(buf, len, "%s", v->text);
	else if (col->format == FORMAT_DURATION)
		duration_fmt(buf, len, (__u64)v->num * 1000);
	else if (col->format == FORMAT_COUNT)
		snprintf(buf, len, "%llu", (unsigned long long)v->num);
	else
		snprintf(buf, len, "%.1f", v->num);
	return buf;
}

/* One line of the table: text to the left of its column, numbers to the right. */
static void line_print(FILE *f, const enum column_id *order, size_t n, const char *const *cells)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct column *col = &columns[order[i]];

		fprintf(f, column_is_text(col) ? "%s%-*s" : "%s%*s", i ? " " : "", col->text.width,
			cells[i]);
	}
	putc('\n', f);
}

static void dest_print(FILE *f, const enum column_id *order, size_t n, const struct dest *d)
{
	char text[COL__COUNT][HOST_LEN], buf[COLUMN_TEXT_LEN];
	const char *cells[COL__COUNT];
	struct cell v;
	size_t i;

	for (i = 0; i < n; i++) {
		column_value(order[i], d, &v, buf);
		cells[i] = cell_text(text[i], sizeof(text[i]), &columns[order[i]], &v);
	}
	line_print(f, order, n, cells);
}

struct table_lines {
	FILE *f;
	enum column_id order[COL__COUNT];
	size_t n;
};

static void dest_line(const struct dest *d, void *arg)
{
	const struct table_lines *t = arg;

	dest_print(t->f, t->order, t->n, d);
}

void summary_print(FILE *f, const struct collector *c)
{
	struct table_lines t = { .f = f };
	const char *titles[COL__COUNT];
	size_t i;

	t.n = columns_of(OUTPUT_TEXT, t.order);
	for (i = 0; i < t.n; i++)
		titles[i] = columns[t.order[i]].text.title;
	putc('\n', f);
	line_print(f, t.order, t.n, titles);
	collector_each_worst_first(c, dest_line, &t);
	dest_print(f, t.order, t.n, collector_total(c));
}

/* --- capacity ------------------------------------------------------------------ */

/* A destination worth a word: capped, its demand past the warning, or churning. */
static bool capacity_affected(const struct dest *d)
{
	const struct capacity *cap = &d->cap;

	return cap->capped_at ||
	       cap->demand_peak * 100 >= capacity_limits_of(cap)->warn_pct * capacity_total(cap) ||
	       capacity_not_reused(cap);
}

static void capacity_plateau_print(FILE *f, const struct dest *d)
{
	char buf[COLUMN_TEXT_LEN];
	struct cell cause;

	column_value(COL_CAUSE, d, &cause, buf);
	fprintf(f, "capped at %llu open connections while attempts were turned away: %s\n",
		(unsigned long long)d->cap.capped_at,
		*cause.text ? cause.text
			    : "no known limit matches (a firewall's connection limit, a "
			      "server's full backlog, ...)");
}

/* What to add: more addresses or subnets, or beyond one NAT Gateway the alternatives. */
static void capacity_advice_print(FILE *f, const struct capacity *cap)
{
	__u64 needed = capacity_needed(cap), have = capacity_units(cap);

	fprintf(f, ": %llu %s needed", (unsigned long long)needed, capacity_unit_name(cap, needed));
	if (!cap->host_wide && needed > MAX_NAT_IPS)
		fprintf(f, ", more than one NAT Gateway can have (%d): %s", MAX_NAT_IPS,
			capacity_nat_alternatives);
	else if (needed > have && cap->host_wide)
		fprintf(f, ": add %llu private subnet%s (each adds an ENI)",
			(unsigned long long)(needed - have), needed - have == 1 ? "" : "s");
	else if (needed > have)
		fprintf(f, ": add %llu secondary address%s to the NAT Gateway (--nat-ips %llu)",
			(unsigned long long)(needed - have), needed - have == 1 ? "" : "es",
			(unsigned long long)needed);
	else
		fprintf(f, " (%u now)", capacity_units(cap));
	putc('\n', f);
}

static void capacity_figures_print(FILE *f, const struct capacity *cap)
{
	__u64 total = capacity_total(cap);

	fprintf(f, "concurrent peak %llu, demand peak %llu (%.1f%% of the %s capacity %llu)",
		(unsigned long long)capacity_concurrent_peak(cap),
		(unsigned long long)cap->demand_peak, total ? cap->demand_peak * 100.0 / total : 0,
		capacity_kind(cap), (unsigned long long)total);
	capacity_advice_print(f, cap);
}

static void churn_print(FILE *f, const struct dest *d)
{
	char lifetime[DURATION_STRLEN];

	fprintf(f,
		"    churn: %.1f new connects/s, median connection lifetime %s: connections are "
		"not reused; reusing them (keep-alive, a pool) needs fewer\n",
		capacity_connect_rate(&d->cap, d->attempts),
		duration_fmt(lifetime, sizeof(lifetime), capacity_lifetime_p50(&d->cap) * 1000));
}

/* "  WHO: " then the plateau and the figures, on one or two lines. */
static void capacity_row_print(FILE *f, const struct dest *d, const char *who)
{
	fprintf(f, "  %s: ", who);
	if (d->cap.capped_at) {
		capacity_plateau_print(f, d);
		fprintf(f, "    ");
	}
	capacity_figures_print(f, &d->cap);
	if (capacity_not_reused(&d->cap))
		churn_print(f, d);
}

void capacity_print(FILE *f, const struct collector *c)
{
	const struct capacity_limits *l = capacity_limits_of(&collector_total(c)->cap);
	char who[ENDPOINT_STRLEN + HOST_LEN + 2], dst[ENDPOINT_STRLEN];
	const struct dest *d;
	bool any = false;

	fprintf(f,
		"capacity: NAT Gateway %llu connections per destination x %u address%s, "
		"Hyperplane ENI %llu x %u ENI%s, warning at %u%%\n",
		(unsigned long long)l->nat_limit, l->nat_ips, l->nat_ips == 1 ? "" : "es",
		(unsigned long long)l->eni_limit, l->enis, l->enis == 1 ? "" : "s", l->warn_pct);
	for (d = collector_next(c, NULL); d; d = collector_next(c, d)) {
		if (dest_is_name_only(d) || !capacity_affected(d))
			continue;
		snprintf(who, sizeof(who), "%s %s",
			 endpoint_fmt(dst, sizeof(dst), d->key.family, d->key.addr, d->key.port),
			 d->host[0] ? d->host : "-");
		capacity_row_print(f, d, who);
		any = true;
	}
	if (!any)
		fprintf(f, "  no destination capped or near its NAT capacity\n");
	capacity_row_print(f, collector_total(c), "host-wide");
}

void accounting_print(FILE *f, const struct accounting *a)
{
	fprintf(f,
		"events: produced %llu, delivered %llu, dropped %llu (ring buffer full %llu, "
		"in-flight map full %llu, connect-call map full %llu, open map full %llu, "
		"socket storage failed %llu, map operations failed %llu, out of memory %llu, "
		"program runs skipped by the kernel %llu), "
		"expired %llu (in-flight %llu, connect calls %llu); unseen closes found later "
		"%llu, outcomes found late %llu, SYN retransmits found late %llu\n",
		(unsigned long long)accounting_produced(a),
		(unsigned long long)accounting_delivered(a),
		(unsigned long long)accounting_dropped(a),
		(unsigned long long)a->kernel[COUNTER_RINGBUF_FULL],
		(unsigned long long)a->kernel[COUNTER_INFLIGHT_FULL],
		(unsigned long long)a->kernel[COUNTER_CONNECT_CTX_FULL],
		(unsigned long long)a->kernel[COUNTER_OPEN_FULL],
		(unsigned long long)a->kernel[COUNTER_STORAGE_FAILED],
		(unsigned long long)a->kernel[COUNTER_MAP_OP_FAILED],
		(unsigned long long)a->alloc_failed, (unsigned long long)a->missed,
		(unsigned long long)accounting_expired(a), (unsigned long long)a->expired_inflight,
		(unsigned long long)a->expired_calls,
		(unsigned long long)a->kernel[COUNTER_CLOSE_UNSEEN],
		(unsigned long long)a->kernel[COUNTER_OUTCOME_LATE],
		(unsigned long long)a->retransmits_late);
	/* An outcome lost is an attempt with no row: said apart from the other kinds. */
	fprintf(f, "outcomes: produced %llu, delivered %llu, lost %llu\n",
		(unsigned long long)a->produced[EVENT_ATTEMPT],
		(unsigned long long)a->delivered[EVENT_ATTEMPT],
		(unsigned long long)accounting_outcomes_lost(a));
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
