// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dashboard works on a snapshot: every interval (unless paused) it copies
 * what it shows out of the collector -- totals, one row per destination, the
 * stalls -- and draws from that copy, so keys (sort, filter, selection)
 * redraw at once without touching the collector, and a paused view stays
 * still while collection goes on.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include "clock.h"
#include "columns.h"
#include "dashboard.h"
#include "dashboard_fmt.h"
#include "format.h"
#include "term.h"

#define FILTER_LEN   64
#define HEADER_LINES 7 /* identity, totals (3), DNS, events, status */
#define KEY_ESC	     27
#define KEY_CTRL_L   12
#define KEY_CTRL_U   21
#define KEY_DEL	     127
#define BAR_MAX	     40 /* columns of the longest distribution bar */

/* Totals in the header, with a rate each. */
enum total {
	T_ATTEMPTS,
	T_OUTCOME, /* + enum outcome: established, refused, ... */
	T_SYNRETX = T_OUTCOME + OUTCOME__COUNT,
	T_DNS_OK,
	T_DNS_FAILED,
	T_DNS_UNANSWERED,
	T__COUNT,
};

/*
 * One destination as of the snapshot: every column's cell.  Nothing points
 * into the collector: its tables change (and rows go) between snapshots.
 */
struct row {
	struct dest_key key;
	struct cell cells[COL__COUNT]; /* text in the snapshot's names; "-" when unknown */
	size_t text_off[COL__COUNT];   /* where, while the snapshot is taken */
};

/* A connect pending past --stall-ms. */
struct stall {
	__u64 age_ns;
	const char *host; /* of its destination, "" if unknown */
	size_t host_off;
	__u32 pid;
	__u16 syn_retries;
	__u16 dport;
	__u8 family;
	__u8 daddr[ADDR_LEN];
	char comm[COMM_LEN];
};

struct snapshot {
	__u64 mono_ns;
	__u64 totals[T__COUNT];
	double rates[T__COUNT];
	__u64 inflight;
	__u64 stalled;
	struct accounting acct;
	struct row *rows;
	size_t n_rows, cap_rows;
	struct stall *stalls; /* oldest first */
	size_t n_stalls, cap_stalls;
	char *names; /* host names and other text, each ending in '\0'; offset 0 is "" */
	size_t names_len, names_cap;
};

struct dashboard {
	struct snapshot snap;
	__u64 prev_totals[T__COUNT]; /* for the rates */
	__u64 prev_ns;
	struct row **view; /* the rows that pass the filter, in sort order */
	size_t n_view, cap_view;
	size_t sel, top;	 /* selected view row, first row on screen */
	struct dest_key sel_key; /* the selection follows its destination */
	bool has_sel;
	int page;			  /* table rows on screen at the last draw */
	enum column_id order[COL__COUNT]; /* the table's columns, left to right */
	size_t n_cols;
	enum column_id sort;
	bool reverse;
	char filter[FILTER_LEN];
	bool editing; /* typing the filter */
	bool paused;
	bool detail;	   /* the detail view is shown */
	struct dest shown; /* its destination, as of the last refresh */
	struct dns_stats shown_dns;
	bool shown_has_dns;
	bool utf8;
	char host[sizeof(((struct utsname *)0)->nodename)];
	char kernel[sizeof(((struct utsname *)0)->release)];
	char mode[32];
	__u64 interval_ms, stall_ms, start_ns;
};

/* --- drawing primitives ----------------------------------------------------- */

/* printf at (y, x) with attributes, cut at the right edge; returns the column after it. */
__attribute__((format(printf, 4, 5))) static int putf(int y, int x, int attr, const char *fmt, ...)
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

/* A full-width bar in reverse video. */
static void bar_line(int y)
{
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	attroff(A_REVERSE);
}

static int verdict_attr(const char *verdict)
{
	static const enum term_color colors[] = {
		[VERDICT_OK] = TERM_OK, [VERDICT_WARN] = TERM_WARN, [VERDICT_FAIL] = TERM_FAIL
	};

	return term_attr(colors[verdict_class(verdict)]);
}

static int nonzero_attr(__u64 n, enum term_color color)
{
	return n ? term_attr(color) : 0;
}

/* --- snapshot --------------------------------------------------------------- */

static int reserve(void **array, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n <= *cap)
		return 0;
	n = n < 64 ? 64 : n * 2;
	p = realloc(*array, n * size);
	if (!p)
		return -1;
	*array = p;
	*cap = n;
	return 0;
}

/* A copy of name in the snapshot; its offset, 0 for none (or no memory). */
static size_t name_add(struct snapshot *s, const char *name)
{
	size_t n = strlen(name) + 1;

	if (!*name || reserve((void **)&s->names, &s->names_cap, s->names_len + n, 1))
		return 0;
	memcpy(s->names + s->names_len, name, n);
	s->names_len += n;
	return s->names_len - n;
}

static void row_fill(struct snapshot *s, struct row *r, const struct dest *d)
{
	char buf[COLUMN_TEXT_LEN];
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->key = d->key;
	for (i = 0; i < COL__COUNT; i++) {
		struct cell *v = &r->cells[i];

		column_value(i, d, v, buf);
		if (column_is_text(&columns[i]))
			r->text_off[i] = name_add(s, v->state == CELL_UNKNOWN ? "-" : v->text);
	}
}

static void snapshot_rows(struct snapshot *s, const struct collector *c)
{
	const struct dest *d;
	size_t n = 0;

	for (d = collector_next(c, NULL); d; d = collector_next(c, d))
		n++;
	/* Out of memory: show the rows there is room for. */
	if (reserve((void **)&s->rows, &s->cap_rows, n, sizeof(*s->rows)) && n > s->cap_rows)
		n = s->cap_rows;
	s->n_rows = 0;
	for (d = collector_next(c, NULL); d && s->n_rows < n; d = collector_next(c, d))
		row_fill(s, &s->rows[s->n_rows++], d);
}

static void stall_fill(struct snapshot *s, struct stall *st, const struct pending *p,
		       const struct collector *c)
{
	const struct inflight *e = &p->info;
	const struct dest *d;
	struct dest_key key;

	dest_key_of(&key, e->family, e->daddr, e->dport);
	d = collector_find(c, &key);
	st->age_ns = p->age_ns;
	st->host_off = d ? name_add(s, d->host) : 0;
	st->pid = e->pid;
	st->syn_retries = e->syn_retries;
	st->dport = e->dport;
	st->family = e->family;
	memcpy(st->daddr, e->daddr, ADDR_LEN);
	memcpy(st->comm, e->comm, COMM_LEN);
}

static int stall_older_first(const void *a, const void *b)
{
	const struct stall *x = a, *y = b;

	return x->age_ns > y->age_ns ? -1 : x->age_ns < y->age_ns;
}

static void snapshot_stalls(struct snapshot *s, const struct collector *c)
{
	const struct pending *p;

	s->n_stalls = 0;
	for (p = collector_next_pending(c, NULL); p; p = collector_next_pending(c, p)) {
		if (!p->stall_reported)
			continue;
		if (reserve((void **)&s->stalls, &s->cap_stalls, s->n_stalls + 1,
			    sizeof(*s->stalls)))
			break;
		stall_fill(s, &s->stalls[s->n_stalls++], p, c);
	}
	if (s->n_stalls > 1)
		qsort(s->stalls, s->n_stalls, sizeof(*s->stalls), stall_older_first);
}

/* Copy the tables the view shows; then the names have stopped moving. */
static void snapshot_tables(struct snapshot *s, const struct collector *c)
{
	size_t i;

	s->names_len = 1; /* offset 0: "" */
	if (!reserve((void **)&s->names, &s->names_cap, 1, 1))
		s->names[0] = '\0';
	snapshot_rows(s, c);
	snapshot_stalls(s, c);
	for (i = 0; i < s->n_rows; i++) {
		struct row *r = &s->rows[i];
		unsigned int j;

		for (j = 0; j < COL__COUNT; j++)
			if (column_is_text(&columns[j]))
				r->cells[j].text = s->names ? s->names + r->text_off[j] : "";
	}
	for (i = 0; i < s->n_stalls; i++)
		s->stalls[i].host = s->stalls[i].host_off ? s->names + s->stalls[i].host_off : "";
}

static void snapshot_totals(struct dashboard *db, const struct collector *c, __u64 now_ns)
{
	const struct dns_stats *dns = collector_dns_total(c);
	const struct dest *total = collector_total(c);
	struct snapshot *s = &db->snap;
	double seconds = db->prev_ns ? (now_ns - db->prev_ns) / 1e9 : 0;
	unsigned int i;

	s->totals[T_ATTEMPTS] = total->attempts;
	for (i = 0; i < OUTCOME__COUNT; i++)
		s->totals[T_OUTCOME + i] = total->outcomes[i];
	s->totals[T_SYNRETX] = total->syn_retransmits;
	s->totals[T_DNS_OK] = dns->ok;
	s->totals[T_DNS_FAILED] = dns_failed(dns);
	s->totals[T_DNS_UNANSWERED] = dns->unanswered;
	for (i = 0; i < T__COUNT; i++) {
		__u64 delta = s->totals[i] - db->prev_totals[i];

		s->rates[i] = seconds > 0 ? delta / seconds : 0;
		db->prev_totals[i] = s->totals[i];
	}
	db->prev_ns = now_ns;
	s->inflight = total->inflight;
	s->stalled = total->stalled;
	s->acct = *collector_accounting(c);
	s->mono_ns = now_ns;
}

/* --- the view: filter, sort, selection ------------------------------------ */

/* The filter looks for its text in the table's text columns. */
static bool row_matches(const struct dashboard *db, const struct row *r)
{
	size_t i;

	for (i = 0; i < db->n_cols; i++) {
		const struct column *col = &columns[db->order[i]];

		if (column_is_text(col) && text_contains(r->cells[db->order[i]].text, db->filter))
			return true;
	}
	return false;
}

static int key_cmp(const struct dest_key *a, const struct dest_key *b)
{
	int r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	r = memcmp(a->addr, b->addr, ADDR_LEN);
	if (r)
		return r;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int col_cmp(const struct row *a, const struct row *b, enum column_id col)
{
	const struct cell *x = &a->cells[col], *y = &b->cells[col];

	switch (columns[col].format) {
	case FORMAT_ENDPOINT:
		return key_cmp(&a->key, &b->key);
	case FORMAT_TEXT:
		return strcasecmp(x->text, y->text);
	default:
		return x->num < y->num ? -1 : x->num > y->num;
	}
}

/* Numbers biggest first, text alphabetically; 'r' reverses; ties by attempts, then address. */
static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct row *a = *(struct row *const *)pa, *b = *(struct row *const *)pb;
	const struct dashboard *db = arg;
	int r = col_cmp(a, b, db->sort);

	if (!column_is_text(&columns[db->sort]))
		r = -r;
	if (db->reverse)
		r = -r;
	if (!r)
		r = -col_cmp(a, b, COL_ATTEMPTS);
	return r ? r : col_cmp(a, b, COL_DESTINATION);
}

static void select_index(struct dashboard *db, long i)
{
	if (i >= (long)db->n_view)
		i = (long)db->n_view - 1;
	if (i < 0)
		i = 0;
	db->sel = i;
	db->has_sel = db->n_view > 0;
	if (db->has_sel)
		db->sel_key = db->view[i]->key;
}

/* Filter and sort the snapshot's rows; keep the selected destination selected. */
static void view_rebuild(struct dashboard *db)
{
	size_t i;

	db->n_view = 0;
	if (reserve((void **)&db->view, &db->cap_view, db->snap.n_rows, sizeof(*db->view)))
		return;
	for (i = 0; i < db->snap.n_rows; i++)
		if (row_matches(db, &db->snap.rows[i]))
			db->view[db->n_view++] = &db->snap.rows[i];
	if (db->n_view > 1)
		qsort_r(db->view, db->n_view, sizeof(*db->view), row_cmp, db);
	for (i = 0; db->has_sel && i < db->n_view; i++) {
		if (!key_cmp(&db->view[i]->key, &db->sel_key)) {
			db->sel = i;
			return;
		}
	}
	select_index(db, db->sel);
}

/*
 * The detail view shows a copy of the selected destination, so that it stays
 * still while paused; false if there is none.
 */
static bool detail_copy(struct dashboard *db, const struct collector *c)
{
	const struct dest *d;

	if (!db->n_view)
		return false;
	d = collector_find(c, &db->view[db->sel]->key);
	if (!d)
		return false;
	db->shown = *d;
	db->shown_has_dns = d->dns != NULL;
	if (d->dns)
		db->shown_dns = *d->dns;
	/* Its own copy of the lookups, for dest_verdict(). */
	db->shown.dns = d->dns ? &db->shown_dns : NULL;
	return true;
}

/* --- header ------------------------------------------------------------------ */

static void header_identity(const struct dashboard *db, int y)
{
	__u64 up = (db->snap.mono_ns - db->start_ns) / NSEC_PER_SEC;
	int x;

	x = putf(y, 0, A_BOLD, "synscope");
	x = putf(y, x, 0,
		 "  %s  kernel %s  mode %s  up %llu:%02llu:%02llu  every %.3gs  stall>%llums",
		 db->host, db->kernel, db->mode, up / 3600, up / 60 % 60, up % 60,
		 db->interval_ms / 1000.0, (unsigned long long)db->stall_ms);
	if (db->paused)
		putf(y, x + 2, A_REVERSE | term_attr(TERM_WARN), " PAUSED ");
}

static const char *const total_titles[] = { "ATTEMPTS", "ESTAB",   "REFUSED",  "TIMEOUT",
					    "UNREACH",	"ABORTED", "LOCALERR", "SYNRETX" };

static int total_attr(unsigned int i, __u64 n)
{
	if (i == T_OUTCOME + OUTCOME_ESTABLISHED)
		return nonzero_attr(n, TERM_OK);
	if (i == T_SYNRETX)
		return nonzero_attr(n, TERM_WARN);
	return i == T_ATTEMPTS ? 0 : nonzero_attr(n, TERM_FAIL);
}

/* Attempts, outcomes and SYN retransmits: totals and rates per second. */
static void header_totals(const struct dashboard *db, int y)
{
	char num[NUM_STRLEN];
	unsigned int i;

	putf(y + 1, 0, 0, "total");
	putf(y + 2, 0, 0, "per s");
	for (i = 0; i <= T_SYNRETX; i++) {
		int x = 6 + 9 * i;

		putf(y, x, A_BOLD, "%9s", total_titles[i]);
		putf(y + 1, x, total_attr(i, db->snap.totals[i]), "%9s",
		     num_fit(num, sizeof(num), db->snap.totals[i], 8));
		putf(y + 2, x, 0, "%9s", rate_fit(num, sizeof(num), db->snap.rates[i], 8));
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

static void header_dns_events(const struct dashboard *db, int y)
{
	const struct snapshot *s = &db->snap;
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

static void status_line(const struct dashboard *db, int y)
{
	int x;

	x = putf(y, 0, A_BOLD, "DESTINATIONS");
	x = putf(y, x, 0, " %zu of %zu  sort: %s, %s first", db->n_view, db->snap.n_rows,
		 columns[db->sort].dash.name,
		 column_is_text(&columns[db->sort]) != db->reverse ? "lowest" : "highest");
	if (db->filter[0])
		putf(y, x, A_BOLD, "  filter: %s", db->filter);
}

static int header_draw(const struct dashboard *db)
{
	header_identity(db, 0);
	header_totals(db, 1);
	header_dns_events(db, 4);
	status_line(db, 6);
	return HEADER_LINES;
}

/* --- the destinations table ------------------------------------------------- */

/* Where each of the table's columns goes, by its place in db->order. */
struct layout {
	int x[COL__COUNT]; /* -1: dropped */
	int w[COL__COUNT];
};

/* A text column is as wide as its longest cell, within its limit. */
static int text_width(const struct dashboard *db, enum column_id id)
{
	int w = strlen(columns[id].dash.title);
	size_t i;

	for (i = 0; i < db->n_view; i++) {
		int n = strlen(db->view[i]->cells[id].text);

		if (n > w)
			w = n;
	}
	return w < columns[id].dash.width ? w : columns[id].dash.width;
}

/* Columns that do not fit are dropped in their drop order; then text shrinks, left first. */
static void layout_make(const struct dashboard *db, struct layout *l)
{
	int drop, need = 0, x = 0, cut, drops = 0;
	size_t i;

	for (i = 0; i < db->n_cols; i++) {
		const struct column *col = &columns[db->order[i]];

		l->w[i] = column_is_text(col) ? text_width(db, db->order[i]) : col->dash.width;
		l->x[i] = 0;
		need += l->w[i] + 1;
		drops = col->dash.drop > drops ? col->dash.drop : drops;
	}
	for (drop = 1; need > COLS && drop <= drops; drop++) {
		for (i = 0; i < db->n_cols; i++) {
			if (columns[db->order[i]].dash.drop == drop) {
				l->x[i] = -1;
				need -= l->w[i] + 1;
			}
		}
	}
	for (i = 0; i < db->n_cols; i++) {
		int room = l->w[i] - columns[db->order[i]].dash.min;

		if (l->x[i] < 0 || !columns[db->order[i]].dash.min)
			continue;
		cut = need - COLS < room ? need - COLS : room;
		if (cut > 0) {
			l->w[i] -= cut;
			need -= cut;
		}
	}
	for (i = 0; i < db->n_cols; i++) {
		if (l->x[i] < 0)
			continue;
		l->x[i] = x;
		x += l->w[i] + 1;
	}
}

/* Unknown values, and latencies of no handshake, are "-". */
static const char *cell_text(char *buf, size_t len, const struct row *r, enum column_id id, int w)
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

static int cell_attr(const struct row *r, enum column_id id)
{
	const struct column *col = &columns[id];

	switch (col->dash.paint) {
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

static void row_draw(const struct dashboard *db, const struct layout *l, const struct row *r, int y,
		     bool selected)
{
	int base = selected ? A_REVERSE : 0;
	char buf[HOST_LEN];
	size_t i;

	if (selected)
		bar_line(y);
	for (i = 0; i < db->n_cols; i++) {
		enum column_id id = db->order[i];

		if (l->x[i] < 0)
			continue;
		putf(y, l->x[i], base | cell_attr(r, id),
		     column_is_text(&columns[id]) ? "%-*s" : "%*s", l->w[i],
		     cell_text(buf, sizeof(buf), r, id, l->w[i]));
	}
}

/* The titles in reverse video; the sort column stands out in bold, not reversed. */
static void heading_draw(const struct dashboard *db, const struct layout *l, int y)
{
	size_t i;

	bar_line(y);
	for (i = 0; i < db->n_cols; i++) {
		const struct column *col = &columns[db->order[i]];
		int attr = db->order[i] == db->sort ? A_BOLD | A_UNDERLINE : A_REVERSE;

		if (l->x[i] >= 0)
			putf(y, l->x[i], attr, column_is_text(col) ? "%-*s" : "%*s", l->w[i],
			     col->dash.title);
	}
}

/* Scroll so that the selected row is on screen, and the screen as full as it can be. */
static void scroll_fix(struct dashboard *db)
{
	size_t page = db->page;

	if (db->sel < db->top)
		db->top = db->sel;
	if (db->sel >= db->top + page)
		db->top = db->sel - page + 1;
	if (db->top + page > db->n_view)
		db->top = db->n_view > page ? db->n_view - page : 0;
}

static void table_draw(struct dashboard *db, int y, int h)
{
	struct layout l;
	size_t i;

	if (h < 2)
		return;
	layout_make(db, &l);
	heading_draw(db, &l, y);
	db->page = h - 1;
	scroll_fix(db);
	for (i = 0; i < (size_t)db->page && db->top + i < db->n_view; i++)
		row_draw(db, &l, db->view[db->top + i], y + 1 + i, db->top + i == db->sel);
	if (!db->n_view)
		putf(y + 1, 1, 0, "%s",
		     db->snap.n_rows ? "no destination matches the filter"
				     : "no connects seen yet");
}

/* --- stalls ------------------------------------------------------------------ */

/* One line when there are none; else a title, a heading and up to a third of the room. */
static int stalls_height(const struct dashboard *db, int room)
{
	int want = db->snap.n_stalls ? 2 + (int)db->snap.n_stalls : 1;
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

static void stalls_draw(const struct dashboard *db, int y, int h)
{
	const struct snapshot *s = &db->snap;
	int i, x;

	if (h < 1)
		return;
	x = putf(y, 0, A_BOLD, "STALLS ");
	if (!s->n_stalls) {
		putf(y, x, 0, " none: no connect pending longer than %llums",
		     (unsigned long long)db->stall_ms);
		return;
	}
	x = putf(y, x, term_attr(TERM_WARN), " %zu connect%s pending longer than %llums",
		 s->n_stalls, s->n_stalls == 1 ? "" : "s", (unsigned long long)db->stall_ms);
	x = putf(y, x, 0, ", oldest first");
	if ((size_t)h - 2 < s->n_stalls)
		putf(y, x, 0, " (%d shown)", h - 2);
	putf(y + 1, 0, A_BOLD, "%9s %7s %-15s %7s  %-28s %s", "AGE", "PID", "PROCESS", "SYNRETX",
	     "DESTINATION", "HOST");
	for (i = 0; i < h - 2 && (size_t)i < s->n_stalls; i++)
		stall_draw(&s->stalls[i], y + 2 + i);
}

/* --- help line --------------------------------------------------------------- */

static void help_draw(const struct dashboard *db, int y)
{
	const char *help;

	bar_line(y);
	if (db->editing) {
		putf(y, 0, A_REVERSE,
		     " filter: %s_   (type to filter host/address/verdict; "
		     "Enter keep, Esc clear)",
		     db->filter);
		return;
	}
	if (db->detail)
		help = " Esc/Enter back  Up/Down previous/next destination  p pause  q quit";
	else
		help = " q quit  Up/Down/PgUp/PgDn/Home/End select  Enter details  s/S sort  "
		       "r reverse  / filter  p pause";
	putf(y, 0, A_REVERSE, "%s", help);
}

/* --- detail view ------------------------------------------------------------- */

static int detail_title(const struct dashboard *db, int y)
{
	const struct dest *d = &db->shown;
	const char *verdict = dest_verdict(d);
	char ep[ENDPOINT_STRLEN], addr[ADDR_STRLEN];
	int x;

	if (dest_is_name_only(d)) {
		snprintf(ep, sizeof(ep), "no address");
		addr[0] = '\0';
	} else {
		endpoint_fmt(ep, sizeof(ep), d->key.family, d->key.addr, d->key.port);
		addr_fmt(addr, sizeof(addr), d->key.family, d->key.addr);
	}
	bar_line(y);
	x = putf(y, 0, A_REVERSE | A_BOLD, " %s  %s  ", d->host[0] ? d->host : addr, ep);
	x = putf(y, x, A_REVERSE | verdict_attr(verdict), "%s", verdict);
	if (db->paused)
		putf(y, x + 2, A_REVERSE | term_attr(TERM_WARN), " PAUSED ");
	return y + 1;
}

static int detail_counts(const struct dashboard *db, int y)
{
	const struct dest *d = &db->shown;
	char p[4][NUM_STRLEN];
	unsigned int i;
	int x;

	x = putf(y, 0, 0, "attempts %llu", (unsigned long long)d->attempts);
	for (i = 0; i < OUTCOME__COUNT; i++) {
		x = putf(y, x, 0, "  %s ", outcome_name(i));
		x = putf(y, x, total_attr(T_OUTCOME + i, d->outcomes[i]), "%llu",
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
	if (!d->latency_us.count)
		return y + 2;
	latency_fmt(p[0], sizeof(p[0]), hist_percentile(&d->latency_us, 0.50));
	latency_fmt(p[1], sizeof(p[1]), hist_percentile(&d->latency_us, 0.90));
	latency_fmt(p[2], sizeof(p[2]), hist_percentile(&d->latency_us, 0.99));
	latency_fmt(p[3], sizeof(p[3]), d->latency_us.max);
	putf(y + 1, x, 0, "  latency p50 %s p90 %s p99 %s max %s", p[0], p[1], p[2], p[3]);
	return y + 2;
}

static void spark_draw(const struct dashboard *db, int y, const char *label, bool failures)
{
	__u32 v[SERIES_SECONDS], max = 0;
	char line[SERIES_SECONDS * 4 + 1];
	int width = COLS - 40 < SERIES_SECONDS ? COLS - 40 : SERIES_SECONDS;
	size_t i, n;

	if (width < 10 || y >= LINES)
		return;
	series_in_order(&db->shown.series, failures, v);
	for (i = 0; i < SERIES_SECONDS; i++)
		max = v[i] > max ? v[i] : max;
	n = sparkline(line, sizeof(line), v, SERIES_SECONDS, width, db->utf8);
	putf(y, 0, 0, "%-10s|", label);
	attron(failures ? term_attr(TERM_FAIL) : term_attr(TERM_OK));
	mvaddstr(y, 11, line);
	attroff(failures ? term_attr(TERM_FAIL) : term_attr(TERM_OK));
	putf(y, 11 + n, 0, "|  max %u/s  now %u", max, v[SERIES_SECONDS - 1]);
}

static int detail_series(const struct dashboard *db, int y)
{
	putf(y, 0, A_BOLD, "PER SECOND, LAST %d s (newest right)", SERIES_SECONDS);
	spark_draw(db, y + 1, "attempts", false);
	spark_draw(db, y + 2, "failures", true);
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

static void latency_draw(const struct dashboard *db, int y, int x, int w, int h)
{
	const struct hist *hist = &db->shown.latency_us;
	struct hist_range r[HIST_RANGES];
	char label[LABEL_STRLEN];
	__u64 max = 0;
	size_t i, n;

	putf(y, x, A_BOLD, "HANDSHAKE LATENCY (%llu established)", (unsigned long long)hist->count);
	n = h > 1 ? hist_group(hist, r, h - 1) : 0;
	if (!hist->count)
		putf(y + 1, x, 0, "%12s none", "");
	for (i = 0; i < n; i++)
		max = r[i].count > max ? r[i].count : max;
	for (i = 0; i < n; i++)
		dist_line(y + 1 + i, x, w, range_label(label, sizeof(label), &r[i]), r[i].count,
			  max, hist->count, term_attr(TERM_OK));
}

static void retries_draw(const struct dashboard *db, int y, int x, int w, int h)
{
	const struct dest *d = &db->shown;
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

static void failures_draw(const struct dashboard *db, int y, int h)
{
	const struct dest *d = &db->shown;
	unsigned int i;

	if (h < 1)
		return;
	putf(y, 0, A_BOLD, "LAST FAILURES (newest first, %u kept)", RECENT_FAILURES);
	if (!d->recent_count) {
		putf(y + 1, 0, 0, "none");
		return;
	}
	putf(y + 1, 0, A_BOLD, "%-12s %7s %-15s %-11s %-13s %7s  %s", "TIME", "PID", "PROCESS",
	     "OUTCOME", "ERRNO", "SYNRETX", "WAITED");
	for (i = 0; i < d->recent_count && (int)i < h - 2; i++)
		failure_draw(
			&d->recent[(d->recent_next + RECENT_FAILURES - 1 - i) % RECENT_FAILURES],
			y + 2 + i);
}

static int detail_dns(const struct dashboard *db, int y)
{
	const struct dns_stats *s = &db->shown_dns;
	char p50[NUM_STRLEN], p99[NUM_STRLEN];
	int x = putf(y, 0, A_BOLD, "DNS LOOKUPS ");

	if (!db->shown_has_dns) {
		putf(y, x, 0, " none seen");
		return y + 1;
	}
	x = putf(y, x, 0, " lookups %llu  ", (unsigned long long)s->lookups);
	x = putf(y, x, nonzero_attr(s->ok, TERM_OK), "ok %llu", (unsigned long long)s->ok);
	x = putf(y, x, nonzero_attr(dns_failed(s), TERM_FAIL),
		 "  nxdomain %llu  servfail %llu  other %llu", (unsigned long long)s->nxdomain,
		 (unsigned long long)s->servfail, (unsigned long long)s->other);
	x = putf(y, x, nonzero_attr(s->unanswered, TERM_WARN), "  unanswered %llu",
		 (unsigned long long)s->unanswered);
	if (s->latency_us.count)
		putf(y, x, 0, "  latency p50 %s p99 %s",
		     latency_fmt(p50, sizeof(p50), hist_percentile(&s->latency_us, 0.50)),
		     latency_fmt(p99, sizeof(p99), hist_percentile(&s->latency_us, 0.99)));
	return y + 1;
}

/* Title, counts, sparklines, latency and retries side by side, DNS, last failures. */
static void detail_draw(const struct dashboard *db)
{
	struct hist_range r[HIST_RANGES];
	int y, h, room, half = COLS / 2;

	y = detail_title(db, 0);
	y = detail_counts(db, y);
	y = detail_series(db, y + 1) + 1;
	/* The distributions take what the DNS line and a few failures leave. */
	h = 1 + (int)hist_group(&db->shown.latency_us, r, HIST_RANGES);
	h = h > 1 + RETRY_BUCKETS ? h : 1 + RETRY_BUCKETS;
	room = LINES - 1 - y - 2 - 5;
	h = h < room ? h : (room > 2 ? room : 2);
	latency_draw(db, y, 0, half - 1, h);
	retries_draw(db, y, half + 1, COLS - half - 1, h);
	y = detail_dns(db, y + h + 1);
	failures_draw(db, y + 1, LINES - 1 - (y + 1));
	help_draw(db, LINES - 1);
}

/* --- drawing, keys ----------------------------------------------------------- */

static void main_draw(struct dashboard *db)
{
	int y = header_draw(db), help_y = LINES - 1;
	int stall_h = stalls_height(db, help_y - y);

	table_draw(db, y, help_y - stall_h - y);
	stalls_draw(db, help_y - stall_h, stall_h);
	help_draw(db, help_y);
}

static void render(struct dashboard *db)
{
	erase();
	if (db->detail)
		detail_draw(db);
	else
		main_draw(db);
	refresh();
}

static void filter_key(struct dashboard *db, int key)
{
	size_t n = strlen(db->filter);

	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		db->editing = false;
		return;
	case KEY_ESC:
		db->editing = false;
		db->filter[0] = '\0';
		break;
	case KEY_BACKSPACE:
	case KEY_DEL:
	case '\b':
		if (n)
			db->filter[n - 1] = '\0';
		break;
	case KEY_CTRL_U:
		db->filter[0] = '\0';
		break;
	default:
		if (key < ' ' || key > '~' || n + 1 >= FILTER_LEN)
			return;
		db->filter[n] = key;
		db->filter[n + 1] = '\0';
	}
	view_rebuild(db);
}

/* Selection keys, in both views; false if key is not one. */
static bool move_key(struct dashboard *db, const struct collector *c, int key)
{
	long to = db->sel, page = db->page > 1 ? db->page : 1;

	switch (key) {
	case KEY_UP:
	case 'k':
		to--;
		break;
	case KEY_DOWN:
	case 'j':
		to++;
		break;
	case KEY_PPAGE:
		to -= page;
		break;
	case KEY_NPAGE:
		to += page;
		break;
	case KEY_HOME:
	case 'g':
		to = 0;
		break;
	case KEY_END:
	case 'G':
		to = (long)db->n_view - 1;
		break;
	default:
		return false;
	}
	select_index(db, to);
	if (db->detail)
		db->detail = detail_copy(db, c);
	return true;
}

/* Sort by the column step places to the right of the sort column (left if negative). */
static void sort_step(struct dashboard *db, int step)
{
	size_t i = 0;

	while (i < db->n_cols && db->order[i] != db->sort)
		i++;
	db->sort = db->order[(i + db->n_cols + step) % db->n_cols];
	view_rebuild(db);
}

static void table_key(struct dashboard *db, const struct collector *c, int key)
{
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		db->detail = detail_copy(db, c);
		break;
	case 's':
	case '>':
		sort_step(db, 1);
		break;
	case 'S':
	case '<':
		sort_step(db, -1);
		break;
	case 'r':
		db->reverse = !db->reverse;
		view_rebuild(db);
		break;
	case '/':
		db->editing = true;
		break;
	case KEY_ESC:
		db->filter[0] = '\0';
		view_rebuild(db);
		break;
	}
}

static void detail_key(struct dashboard *db, int key)
{
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_ESC:
	case KEY_BACKSPACE:
	case KEY_LEFT:
		db->detail = false;
		break;
	}
}

/* One key; true when it asks to quit.  Anything else (KEY_RESIZE) just redraws. */
static bool on_key(struct dashboard *db, const struct collector *c, int key)
{
	if (db->editing) {
		filter_key(db, key);
		return false;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return true;
	case 'p':
	case ' ':
		db->paused = !db->paused;
		return false;
	case KEY_CTRL_L:
		clearok(curscr, TRUE);
		return false;
	}
	if (move_key(db, c, key))
		return false;
	if (db->detail)
		detail_key(db, key);
	else
		table_key(db, c, key);
	return false;
}

/* --- the interface ----------------------------------------------------------- */

struct dashboard *dashboard_open(const struct config *cfg, const char *mode)
{
	struct dashboard *db = calloc(1, sizeof(*db));
	struct utsname u;
	int err;

	if (!db) {
		fprintf(stderr, "synscope: --dashboard: out of memory; streaming text instead\n");
		return NULL;
	}
	err = term_open();
	if (err) {
		if (err == -ENOTTY)
			fprintf(stderr, "synscope: --dashboard: standard output is not a terminal; "
					"streaming text instead\n");
		else
			fprintf(stderr,
				"synscope: --dashboard: cannot use terminal type '%s'; "
				"streaming text instead\n",
				getenv("TERM") ? getenv("TERM") : "");
		free(db);
		return NULL;
	}
	uname(&u);
	snprintf(db->host, sizeof(db->host), "%s", u.nodename);
	snprintf(db->kernel, sizeof(db->kernel), "%s", u.release);
	snprintf(db->mode, sizeof(db->mode), "%s", mode);
	db->interval_ms = cfg->interval_ms;
	db->stall_ms = cfg->stall_ms;
	db->utf8 = term_utf8();
	db->n_cols = columns_of(OUTPUT_DASHBOARD, db->order);
	db->sort = COL_FAILURES;
	db->start_ns = db->snap.mono_ns = mono_now_ns();
	render(db);
	return db;
}

void dashboard_close(struct dashboard *db)
{
	if (!db)
		return;
	term_close();
	free(db->snap.rows);
	free(db->snap.stalls);
	free(db->snap.names);
	free(db->view);
	free(db);
}

int dashboard_fd(const struct dashboard *db)
{
	return db ? term_input_fd() : -1;
}

bool dashboard_keys(struct dashboard *db, const struct collector *c)
{
	bool redraw = false;
	int key;

	while ((key = term_key()) != ERR) {
		if (on_key(db, c, key))
			return false;
		redraw = true;
	}
	if (redraw)
		render(db);
	return true;
}

void dashboard_draw(struct dashboard *db, const struct collector *c, __u64 now_ns)
{
	if (!db->paused) {
		snapshot_totals(db, c, now_ns);
		snapshot_tables(&db->snap, c);
		view_rebuild(db);
		if (db->detail)
			db->detail = detail_copy(db, c);
	}
	render(db);
}
