// SPDX-License-Identifier: GPL-2.0-only
/*
 * The detail view of the selected destination: counts and latency
 * percentiles, attempts and failures per second as sparklines, the latency
 * histogram and the SYN retries side by side, its DNS lookups and its last
 * failures.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include "dash_draw.h"
#include "format.h"

#define BAR_MAX 40 /* columns of the longest distribution bar */

/* The name (or the address), the endpoint and the verdict. */
static int detail_title(const struct view *v, const struct view_row *r, int y)
{
	const struct cell *ep = &r->cells[COL_DESTINATION];
	const char *verdict = r->cells[COL_VERDICT].text;
	int x;

	bar_line(y);
	x = putf(y, 0, A_REVERSE | A_BOLD, " %s  %s  ", r->cells[COL_NAME].text,
		 ep->state == CELL_UNKNOWN ? "no address" : ep->text);
	x = putf(y, x, A_REVERSE | verdict_attr(verdict), "%s", verdict);
	if (v->paused)
		putf(y, x + 2, A_REVERSE | term_attr(TERM_WARN), " PAUSED ");
	return y + 1;
}

static int detail_counts(const struct view_row *r, const struct detail *d, int y)
{
	static const enum column_id latency[] = { COL_P50, COL_P90, COL_P99, COL_MAX };
	char p[4][NUM_STRLEN];
	unsigned int i;
	int x;

	x = putf(y, 0, 0, "attempts %llu", (unsigned long long)d->attempts);
	for (i = 0; i < OUTCOME__COUNT; i++) {
		x = putf(y, x, 0, "  %s ", outcome_name(i));
		x = putf(y, x, outcome_attr(i, d->outcomes[i]), "%llu",
			 (unsigned long long)d->outcomes[i]);
	}
	x = putf(y + 1, 0, nonzero_attr(d->syn_retransmits, TERM_WARN), "SYN retransmits %llu",
		 (unsigned long long)d->syn_retransmits);
	x = putf(y + 1, x, 0, " (%llu attempts retried)  in flight %llu ",
		 (unsigned long long)d->retried_attempts, (unsigned long long)d->inflight);
	x = putf(y + 1, x, nonzero_attr(d->stalled, TERM_WARN), "(%llu stalled)",
		 (unsigned long long)d->stalled);
	x = putf(y + 1, x, 0, "  open %llu (peak %llu)", (unsigned long long)d->open,
		 (unsigned long long)d->open_peak);
	if (!d->established)
		return y + 2;
	for (i = 0; i < 4; i++)
		latency_fmt(p[i], sizeof(p[i]), (__u64)r->cells[latency[i]].num);
	putf(y + 1, x, 0, "  latency p50 %s p90 %s p99 %s max %s", p[0], p[1], p[2], p[3]);
	return y + 2;
}

static void spark_draw(const __u32 v[SERIES_SECONDS], bool utf8, int y, const char *label,
		       bool failures)
{
	char line[SERIES_SECONDS * 4 + 1];
	int width = COLS - 40 < SERIES_SECONDS ? COLS - 40 : SERIES_SECONDS;
	__u32 max = 0;
	size_t i, n;

	if (width < 10 || y >= LINES)
		return;
	for (i = 0; i < SERIES_SECONDS; i++)
		max = v[i] > max ? v[i] : max;
	n = sparkline(line, sizeof(line), v, SERIES_SECONDS, width, utf8);
	putf(y, 0, 0, "%-10s|", label);
	attron(failures ? term_attr(TERM_FAIL) : term_attr(TERM_OK));
	mvaddstr(y, 11, line);
	attroff(failures ? term_attr(TERM_FAIL) : term_attr(TERM_OK));
	putf(y, 11 + n, 0, "|  max %u/s  now %u", max, v[SERIES_SECONDS - 1]);
}

static int detail_series(const struct detail *d, bool utf8, int y)
{
	putf(y, 0, A_BOLD, "PER SECOND, LAST %d s (newest right)", SERIES_SECONDS);
	spark_draw(d->attempts_per_s, utf8, y + 1, "attempts", false);
	spark_draw(d->failures_per_s, utf8, y + 2, "failures", true);
	return y + 3;
}

/* One bar: "  label ######     count  pct%" in width columns from x. */
static void dist_line(int y, int x, int width, const char *label, __u64 n, __u64 max, __u64 total,
		      int attr)
{
	char bar[256], num[NUM_STRLEN];
	int bar_w = width - 13 - 1 - 7 - 5;

	bar_w = bar_w < 0 ? 0 : (bar_w > BAR_MAX ? BAR_MAX : bar_w);
	bar_fmt(bar, sizeof(bar), n, max, bar_w);
	x = putf(y, x, 0, "%12s ", label);
	x = putf(y, x, attr, "%-*s", bar_w, bar);
	putf(y, x, 0, " %6s %3llu%%", num_fit(num, sizeof(num), n, 6),
	     total ? (unsigned long long)(n * 100 / total) : 0ULL);
}

static void latency_draw(const struct detail *d, int y, int x, int w, int h)
{
	struct hist_range r[HIST_RANGES];
	char label[LABEL_STRLEN];
	__u64 max = 0;
	size_t i, n;

	putf(y, x, A_BOLD, "HANDSHAKE LATENCY (%llu established)",
	     (unsigned long long)d->established);
	memcpy(r, d->latency, d->n_latency * sizeof(r[0]));
	n = h > 1 ? ranges_fit(r, d->n_latency, h - 1) : 0;
	if (!d->established)
		putf(y + 1, x, 0, "%12s none", "");
	for (i = 0; i < n; i++)
		max = r[i].count > max ? r[i].count : max;
	for (i = 0; i < n; i++)
		dist_line(y + 1 + i, x, w, range_label(label, sizeof(label), &r[i]), r[i].count,
			  max, d->established, term_attr(TERM_OK));
}

static void retries_draw(const struct detail *d, int y, int x, int w, int h)
{
	__u64 max = 0, total = 0;
	char label[16];
	int i;

	putf(y, x, A_BOLD, "SYN RETRIES PER ATTEMPT");
	for (i = 0; i < RETRY_BUCKETS; i++) {
		max = d->retries[i] > max ? d->retries[i] : max;
		total += d->retries[i];
	}
	for (i = 0; i < RETRY_BUCKETS && i < h - 1; i++) {
		snprintf(label, sizeof(label), i == RETRY_BUCKETS - 1 ? "%d+" : "%d", i);
		dist_line(y + 1 + i, x, w, label, d->retries[i], max, total,
			  term_attr(i ? TERM_WARN : TERM_OK));
	}
}

static void failure_draw(const struct failure *f, int y)
{
	char time[TIME_STRLEN], waited[DURATION_STRLEN];
	const char *error = errno_name(f->error);
	int x;

	x = putf(y, 0, 0, "%-12s %7u %-15s ", time_hms_fmt(time, sizeof(time), f->wall_ns), f->pid,
		 f->comm);
	x = putf(y, x, term_attr(TERM_FAIL), "%-11s %-13s", outcome_name(f->outcome),
		 *error ? error : "-");
	putf(y, x, 0, " %7u  %s", f->syn_retries,
	     duration_fmt(waited, sizeof(waited), f->waited_ns));
}

static void failures_draw(const struct detail *d, int y, int h)
{
	unsigned int i;

	if (h < 1)
		return;
	putf(y, 0, A_BOLD, "LAST FAILURES (newest first, %u kept)", RECENT_FAILURES);
	if (!d->n_failures) {
		putf(y + 1, 0, 0, "none");
		return;
	}
	putf(y + 1, 0, A_BOLD, "%-12s %7s %-15s %-11s %-13s %7s  %s", "TIME", "PID", "PROCESS",
	     "OUTCOME", "ERRNO", "SYNRETX", "WAITED");
	for (i = 0; i < d->n_failures && (int)i < h - 2; i++)
		failure_draw(&d->failures[i], y + 2 + i);
}

static int detail_dns(const struct view_row *r, const struct detail *d, int y)
{
	const struct cell *p50_us = &r->cells[COL_DNS_P50], *p99_us = &r->cells[COL_DNS_P99];
	const struct detail_dns *s = &d->dns;
	char p50[NUM_STRLEN], p99[NUM_STRLEN];
	int x = putf(y, 0, A_BOLD, "DNS LOOKUPS ");

	if (!d->has_dns) {
		putf(y, x, 0, " none seen");
		return y + 1;
	}
	x = putf(y, x, 0, " lookups %llu  ", (unsigned long long)s->lookups);
	x = putf(y, x, nonzero_attr(s->ok, TERM_OK), "ok %llu", (unsigned long long)s->ok);
	x = putf(y, x, nonzero_attr(s->failed, TERM_FAIL),
		 "  nxdomain %llu  servfail %llu  other %llu", (unsigned long long)s->nxdomain,
		 (unsigned long long)s->servfail, (unsigned long long)s->other);
	x = putf(y, x, nonzero_attr(s->unanswered, TERM_WARN), "  unanswered %llu",
		 (unsigned long long)s->unanswered);
	if (p50_us->state == CELL_VALUE)
		putf(y, x, 0, "  latency p50 %s p99 %s",
		     latency_fmt(p50, sizeof(p50), (__u64)p50_us->num),
		     latency_fmt(p99, sizeof(p99), (__u64)p99_us->num));
	return y + 1;
}

/* Title, counts, sparklines, latency and retries side by side, DNS, last failures. */
void detail_draw(const struct view *v, const struct dash_info *info)
{
	const struct view_row *r = view_selected(v);
	const struct detail *d = view_detail(v);
	int y, h, room, half = COLS / 2;

	if (!r || !d)
		return;
	y = detail_title(v, r, 0);
	y = detail_counts(r, d, y);
	y = detail_series(d, info->utf8, y + 1) + 1;
	/* The distributions take what the DNS line and a few failures leave. */
	h = 1 + (int)d->n_latency;
	h = h > 1 + RETRY_BUCKETS ? h : 1 + RETRY_BUCKETS;
	room = LINES - 1 - y - 2 - 5;
	h = h < room ? h : (room > 2 ? room : 2);
	latency_draw(d, y, 0, half - 1, h);
	retries_draw(d, y, half + 1, COLS - half - 1, h);
	y = detail_dns(r, d, y + h + 1);
	failures_draw(d, y + 1, LINES - 1 - (y + 1));
	help_draw(v, LINES - 1);
}
