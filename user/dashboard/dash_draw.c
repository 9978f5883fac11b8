// SPDX-License-Identifier: GPL-2.0-only
/* The dashboard's main screen: header, destinations table, stalls, help line. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "clock.h"
#include "dash_draw.h"
#include "format.h"

#define HEADER_LINES 8 /* identity, totals (3), DNS, events, capacity, status */

/* --- primitives ------------------------------------------------------------------ */

int putf(int y, int x, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (y >= 0 && y < LINES && x >= 0 && x < COLS) {
		attron(attr);
		mvaddnstr(y, x, buf, COLS - x);
		attroff(attr);
	}
	return x + (int)strlen(buf);
}

void bar_line(int y)
{
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	attroff(A_REVERSE);
}

int verdict_attr(const char *verdict)
{
	static const enum term_color colors[] = {
		[VERDICT_OK] = TERM_OK, [VERDICT_WARN] = TERM_WARN, [VERDICT_FAIL] = TERM_FAIL
	};

	return term_attr(colors[verdict_class(verdict)]);
}

int nonzero_attr(__u64 n, enum term_color color)
{
	return n ? term_attr(color) : 0;
}

int outcome_attr(unsigned int outcome, __u64 n)
{
	return nonzero_attr(n, outcome == OUTCOME_ESTABLISHED ? TERM_OK : TERM_FAIL);
}

/* --- header ------------------------------------------------------------------ */

static void header_identity(const struct view *v, const struct dash_info *info, int y)
{
	__u64 up = (v->snap.mono_ns - info->start_ns) / NSEC_PER_SEC;
	int x;

	x = putf(y, 0, A_BOLD, "synscope");
	x = putf(y, x, 0,
		 "  %s  kernel %s  mode %s  up %llu:%02llu:%02llu  every %.3gs  stall>%llums",
		 info->host, info->kernel, info->mode, up / 3600, up / 60 % 60, up % 60,
		 info->interval_ms / 1000.0, (unsigned long long)info->stall_ms);
	if (v->paused)
		putf(y, x + 2, A_REVERSE | term_attr(TERM_WARN), " PAUSED ");
}

static const char *const total_titles[] = { "ATTEMPTS", "ESTAB",   "REFUSED",  "TIMEOUT",
					    "UNREACH",	"ABORTED", "LOCALERR", "SYNRETX" };

static int total_attr(unsigned int i, __u64 n)
{
	if (i == T_SYNRETX)
		return nonzero_attr(n, TERM_WARN);
	return i == T_ATTEMPTS ? 0 : outcome_attr(i - T_OUTCOME, n);
}

/* Attempts, outcomes and SYN retransmits: totals and rates per second. */
static void header_totals(const struct view *v, int y)
{
	char num[NUM_STRLEN];
	unsigned int i;

	putf(y + 1, 0, 0, "total");
	putf(y + 2, 0, 0, "per s");
	for (i = 0; i <= T_SYNRETX; i++) {
		int x = 6 + 9 * i;

		putf(y, x, A_BOLD, "%9s", total_titles[i]);
		putf(y + 1, x, total_attr(i, v->snap.totals[i]), "%9s",
		     num_fit(num, sizeof(num), v->snap.totals[i], 8));
		putf(y + 2, x, 0, "%9s", rate_fit(num, sizeof(num), v->snap.rates[i], 8));
	}
}

static int header_count(int y, int x, const char *label, const struct snapshot *s, enum total t,
			int attr)
{
	char n[NUM_STRLEN], r[NUM_STRLEN];

	x = putf(y, x, 0, "%s ", label);
	x = putf(y, x, s->totals[t] ? attr : 0, "%s", num_fit(n, sizeof(n), s->totals[t], 8));
	return putf(y, x, 0, " (%s/s)  ", rate_fit(r, sizeof(r), s->rates[t], 8));
}

static void header_dns_events(const struct view *v, int y)
{
	const struct snapshot *s = &v->snap;
	const struct accounting *a = &s->acct;
	__u64 dropped = accounting_dropped(a);
	int x;

	x = putf(y, 0, A_BOLD, "DNS   ");
	x = header_count(y, x, "ok", s, T_DNS_OK, term_attr(TERM_OK));
	x = header_count(y, x, "failed", s, T_DNS_FAILED, term_attr(TERM_FAIL));
	x = header_count(y, x, "unanswered", s, T_DNS_UNANSWERED, term_attr(TERM_WARN));
	x = putf(y, x + 2, 0, "in flight %llu  ", (unsigned long long)s->inflight);
	putf(y, x, nonzero_attr(s->stalled, TERM_WARN), "stalled %llu",
	     (unsigned long long)s->stalled);
	putf(y + 1, 0, dropped ? term_attr(TERM_FAIL) : 0,
	     "events delivered %llu  dropped %llu  expired %llu",
	     (unsigned long long)accounting_delivered(a), (unsigned long long)dropped,
	     (unsigned long long)accounting_expired(a));
}

/* The host's connections against its ENIs' capacity; the NAT's limits, per destination. */
static void header_capacity(const struct view *v, const struct dash_info *info, int y)
{
	const struct cell *c = v->snap.host.cells;
	const struct capacity_limits *l = &info->limits;
	const char *cause = c[COL_CAUSE].text ? c[COL_CAUSE].text : "";
	double used = c[COL_ENI_USED_PCT].num;
	int x;

	x = putf(y, 0, A_BOLD, "CAPACITY ");
	x = putf(y, x, 0, "host %llu concurrent of ENI %llu x %u: ",
		 (unsigned long long)c[COL_CONCURRENT].num, (unsigned long long)l->eni_limit,
		 l->enis);
	x = putf(y, x, used >= l->warn_pct ? term_attr(TERM_WARN) : 0, "%.1f%%", used);
	x = putf(y, x, 0, "  peak %llu  demand peak %llu  ENIs needed %llu",
		 (unsigned long long)c[COL_CONCURRENT_PEAK].num,
		 (unsigned long long)c[COL_DEMAND_PEAK].num,
		 (unsigned long long)c[COL_ENIS_NEEDED].num);
	if (c[COL_CAPPED_AT].state == CELL_VALUE)
		x = putf(y, x + 2, term_attr(TERM_FAIL), "capped at %llu: %s",
			 (unsigned long long)c[COL_CAPPED_AT].num,
			 *cause ? cause : "no known limit");
	putf(y, x + 2, 0, "NAT %llu x %u address%s per destination, warn at %u%%",
	     (unsigned long long)l->nat_limit, l->nat_ips, l->nat_ips == 1 ? "" : "es",
	     l->warn_pct);
}

static void status_line(const struct view *v, const char *warning, int y)
{
	int x;

	x = putf(y, 0, A_BOLD, "DESTINATIONS");
	x = putf(y, x, 0, " %zu of %zu  sort: %s, %s first", v->n_rows, v->snap.n_rows,
		 view_sort_name(v), view_sort_lowest_first(v) ? "lowest" : "highest");
	if (v->filter[0])
		x = putf(y, x, A_BOLD, "  filter: %s", v->filter);
	if (warning[0])
		putf(y, x + 2, A_BOLD | term_attr(TERM_FAIL), "%s", warning);
}

static int header_draw(const struct view *v, const struct dash_info *info)
{
	header_identity(v, info, 0);
	header_totals(v, 1);
	header_dns_events(v, 4);
	header_capacity(v, info, 6);
	status_line(v, info->warning, 7);
	return HEADER_LINES;
}

/* --- the destinations table ------------------------------------------------- */

/* Where each of the table's columns goes, by its place in v->order. */
struct layout {
	int x[COL__COUNT]; /* -1: dropped */
	int w[COL__COUNT];
};

/* A text column is as wide as its longest cell, within its limit. */
static int text_width(const struct view *v, enum column_id id)
{
	int w = strlen(columns[id].dash.title);
	size_t i;

	for (i = 0; i < v->n_rows; i++) {
		int n = strlen(v->rows[i]->cells[id].text);

		if (n > w)
			w = n;
	}
	return w < columns[id].dash.width ? w : columns[id].dash.width;
}

/* Columns that do not fit are dropped in their drop order; then text shrinks, left first. */
static void layout_make(const struct view *v, struct layout *l)
{
	int drop, need = 0, x = 0, cut, drops = 0;
	size_t i;

	for (i = 0; i < v->n_cols; i++) {
		const struct column *col = &columns[v->order[i]];

		l->w[i] = column_is_text(col) ? text_width(v, v->order[i]) : col->dash.width;
		l->x[i] = 0;
		need += l->w[i] + 1;
		drops = col->dash.drop > drops ? col->dash.drop : drops;
	}
	for (drop = 1; need > COLS && drop <= drops; drop++) {
		for (i = 0; i < v->n_cols; i++) {
			if (columns[v->order[i]].dash.drop == drop) {
				l->x[i] = -1;
				need -= l->w[i] + 1;
			}
		}
	}
	for (i = 0; i < v->n_cols; i++) {
		int room = l->w[i] - columns[v->order[i]].dash.min;

		if (l->x[i] < 0 || !columns[v->order[i]].dash.min)
			continue;
		cut = need - COLS < room ? need - COLS : room;
		if (cut > 0) {
			l->w[i] -= cut;
			need -= cut;
		}
	}
	for (i = 0; i < v->n_cols; i++) {
		if (l->x[i] < 0)
			continue;
		l->x[i] = x;
		x += l->w[i] + 1;
	}
}

/* Unknown values, and latencies of no handshake, are "-". */
static const char *cell_text(char *buf, size_t len, const struct view_row *r, enum column_id id,
			     int w)
{
	const struct cell *v = &r->cells[id];
	const struct dest_key *k = &r->key;

	if (v->state != CELL_VALUE && !column_is_text(&columns[id]))
		return "-";
	switch (columns[id].format) {
	case FORMAT_TEXT:
		return fit_fmt(buf, len, v->text, w);
	case FORMAT_ENDPOINT:
		if (v->state == CELL_UNKNOWN)
			return "-";
		return endpoint_fit(buf, len, k->family, k->addr, k->port, w);
	case FORMAT_DURATION:
		return latency_fmt(buf, len, (__u64)v->num);
	case FORMAT_RATE:
	case FORMAT_PERCENT:
		return rate_fit(buf, len, v->num, w);
	default:
		return num_fit(buf, len, (__u64)v->num, w);
	}
}

static int cell_attr(const struct view_row *r, enum column_id id, const struct dash_info *info)
{
	const struct column *col = &columns[id];

	switch (col->dash.paint) {
	case PAINT_CAPACITY:
		if (r->cells[COL_CAPPED_AT].state == CELL_VALUE)
			return term_attr(TERM_FAIL);
		return r->cells[id].state == CELL_VALUE && r->cells[id].num >= info->limits.warn_pct
			       ? term_attr(TERM_WARN)
			       : 0;
	case PAINT_VERDICT:
		return verdict_attr(r->cells[id].text);
	case PAINT_STALLING:
		return r->cells[COL_STALLED].num ? term_attr(TERM_WARN) : 0;
	case PAINT_NONZERO:
		return nonzero_attr(r->cells[id].num, col->dash.color);
	default:
		return 0;
	}
}

static void row_draw(const struct view *v, const struct dash_info *info, const struct layout *l,
		     const struct view_row *r, int y, bool selected)
{
	int base = selected ? A_REVERSE : 0;
	char buf[HOST_LEN];
	size_t i;

	if (selected)
		bar_line(y);
	for (i = 0; i < v->n_cols; i++) {
		enum column_id id = v->order[i];

		if (l->x[i] < 0)
			continue;
		putf(y, l->x[i], base | cell_attr(r, id, info),
		     column_is_text(&columns[id]) ? "%-*s" : "%*s", l->w[i],
		     cell_text(buf, sizeof(buf), r, id, l->w[i]));
	}
}

/* The titles in reverse video; the sort column stands out in bold, not reversed. */
static void heading_draw(const struct view *v, const struct layout *l, int y)
{
	size_t i;

	bar_line(y);
	for (i = 0; i < v->n_cols; i++) {
		const struct column *col = &columns[v->order[i]];
		int attr = v->order[i] == v->sort ? A_BOLD | A_UNDERLINE : A_REVERSE;

		if (l->x[i] >= 0)
			putf(y, l->x[i], attr, column_is_text(col) ? "%-*s" : "%*s", l->w[i],
			     col->dash.title);
	}
}

static void table_draw(struct view *v, const struct dash_info *info, int y, int h)
{
	struct layout l;
	size_t i;

	if (h < 2)
		return;
	layout_make(v, &l);
	heading_draw(v, &l, y);
	view_set_page(v, h - 1);
	for (i = 0; i < v->page && v->top + i < v->n_rows; i++)
		row_draw(v, info, &l, v->rows[v->top + i], y + 1 + i, v->top + i == v->sel);
	if (!v->n_rows)
		putf(y + 1, 1, 0, "%s",
		     v->snap.n_rows ? "no destination matches the filter" : "no connects seen yet");
}

/* --- stalls ------------------------------------------------------------------ */

/* One line when there are none; else a title, a heading and up to a third of the room. */
static int stalls_height(const struct view *v, int room)
{
	int want = v->snap.n_stalls ? 2 + (int)v->snap.n_stalls : 1;
	int cap = room / 3 > 3 ? room / 3 : 3;

	if (want > cap)
		want = cap;
	return want < room - 2 ? want : (room > 2 ? room - 2 : 0);
}

static void stall_draw(const struct stall *st, int y)
{
	char age[DURATION_STRLEN], dst[ENDPOINT_STRLEN];
	int x;

	endpoint_fit(dst, sizeof(dst), st->family, st->daddr, st->dport, 28);
	x = putf(y, 0, term_attr(TERM_WARN), "%9s", duration_fmt(age, sizeof(age), st->age_ns));
	putf(y, x, 0, " %7u %-15s %7u  %-28s %s", st->pid, st->comm, st->syn_retries, dst,
	     st->host);
}

static void stalls_draw(const struct view *v, const struct dash_info *info, int y, int h)
{
	const struct snapshot *s = &v->snap;
	int i, x;

	if (h < 1)
		return;
	x = putf(y, 0, A_BOLD, "STALLS ");
	if (!s->n_stalls) {
		putf(y, x, 0, " none: no connect pending longer than %llums",
		     (unsigned long long)info->stall_ms);
		return;
	}
	x = putf(y, x, term_attr(TERM_WARN), " %zu connect%s pending longer than %llums",
		 s->n_stalls, s->n_stalls == 1 ? "" : "s", (unsigned long long)info->stall_ms);
	x = putf(y, x, 0, ", oldest first");
	if ((size_t)h - 2 < s->n_stalls)
		putf(y, x, 0, " (%d shown)", h - 2);
	putf(y + 1, 0, A_BOLD, "%9s %7s %-15s %7s  %-28s %s", "AGE", "PID", "PROCESS", "SYNRETX",
	     "DESTINATION", "HOST");
	for (i = 0; i < h - 2 && (size_t)i < s->n_stalls; i++)
		stall_draw(&s->stalls[i], y + 2 + i);
}

/* --- help line --------------------------------------------------------------- */

void help_draw(const struct view *v, int y)
{
	const char *help;

	bar_line(y);
	if (v->editing) {
		putf(y, 0, A_REVERSE,
		     " filter: %s_   (type to filter host/address/verdict; "
		     "Enter keep, Esc clear)",
		     v->filter);
		return;
	}
	if (v->detail)
		help = " Esc/Enter back  Up/Down previous/next destination  p pause  q quit";
	else
		help = " q quit  Up/Down/PgUp/PgDn/Home/End select  Enter details  s/S sort  "
		       "r reverse  / filter  p pause";
	putf(y, 0, A_REVERSE, "%s", help);
}

/* --- the screen --------------------------------------------------------------- */

static void main_draw(struct view *v, const struct dash_info *info)
{
	int y = header_draw(v, info), help_y = LINES - 1;
	int stall_h = stalls_height(v, help_y - y);

	table_draw(v, info, y, help_y - stall_h - y);
	stalls_draw(v, info, help_y - stall_h, stall_h);
	help_draw(v, help_y);
}

void dash_render(struct view *v, const struct dash_info *info)
{
	erase();
	if (v->detail)
		detail_draw(v, info);
	else
		main_draw(v, info);
	refresh();
}
