// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dash_view.h"

#define KEY_CTRL_L 12
#define KEY_CTRL_U 21

/* --- the snapshot ------------------------------------------------------------ */

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

/* A copy of text in the snapshot; its offset, 0 ("") for none (or no memory). */
static size_t string_add(struct snapshot *s, const char *text)
{
	size_t n = strlen(text) + 1;

	if (!*text || reserve((void **)&s->strings, &s->strings_cap, s->strings_len + n, 1))
		return 0;
	memcpy(s->strings + s->strings_len, text, n);
	s->strings_len += n;
	return s->strings_len - n;
}

static void detail_dns_fill(struct detail_dns *out, const struct dns_stats *s)
{
	out->lookups = s->lookups;
	out->ok = s->ok;
	out->nxdomain = s->nxdomain;
	out->servfail = s->servfail;
	out->other = s->other;
	out->failed = dns_failed(s);
	out->unanswered = s->unanswered;
}

static void detail_fill(struct detail *out, const struct dest *d)
{
	unsigned int i;

	out->attempts = d->attempts;
	memcpy(out->outcomes, d->outcomes, sizeof(out->outcomes));
	out->syn_retransmits = d->syn_retransmits;
	out->retried_attempts = d->retried_attempts;
	out->inflight = d->inflight;
	out->stalled = d->stalled;
	out->open = d->open;
	out->open_peak = d->open_peak;
	out->established = d->latency_us.count;
	out->n_latency = hist_group(&d->latency_us, out->latency, HIST_RANGES);
	memcpy(out->retries, d->retries, sizeof(out->retries));
	series_in_order(&d->series, false, out->attempts_per_s);
	series_in_order(&d->series, true, out->failures_per_s);
	out->n_failures = d->recent_count;
	for (i = 0; i < d->recent_count; i++)
		out->failures[i] =
			d->recent[(d->recent_next + RECENT_FAILURES - 1 - i) % RECENT_FAILURES];
	out->has_dns = d->dns != NULL;
	if (d->dns)
		detail_dns_fill(&out->dns, d->dns);
}

static void row_fill(struct snapshot *s, struct view_row *r, const struct dest *d)
{
	char buf[COLUMN_TEXT_LEN];
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->key = d->key;
	for (i = 0; i < COL__COUNT; i++) {
		struct cell *v = &r->cells[i];

		column_value(i, d, v, buf);
		if (column_is_text(&columns[i]))
			r->text_off[i] = string_add(s, v->state == CELL_UNKNOWN ? "-" : v->text);
	}
	detail_fill(&r->detail, d);
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
	const struct pending_info *e = &p->info;
	const struct dest *d;
	struct dest_key key;

	dest_key_of(&key, e->family, e->daddr, e->dport);
	d = collector_find(c, &key);
	st->age_ns = collector_pending_age(c, p);
	st->host_off = d ? string_add(s, d->host) : 0;
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

/* Copy the tables the view shows; then the strings have stopped moving. */
static void snapshot_tables(struct snapshot *s, const struct collector *c)
{
	static char none[1];
	const char *base;
	size_t i, j;

	s->strings_len = 1; /* offset 0: "" */
	if (!reserve((void **)&s->strings, &s->strings_cap, 1, 1))
		s->strings[0] = '\0';
	snapshot_rows(s, c);
	row_fill(s, &s->host, collector_total(c));
	snapshot_stalls(s, c);
	base = s->strings ? s->strings : none;
	for (i = 0; i <= s->n_rows; i++) {
		struct view_row *r = i < s->n_rows ? &s->rows[i] : &s->host;

		for (j = 0; j < COL__COUNT; j++)
			if (column_is_text(&columns[j]))
				r->cells[j].text = base + r->text_off[j];
	}
	for (i = 0; i < s->n_stalls; i++)
		s->stalls[i].host = base + s->stalls[i].host_off;
}

static void snapshot_totals(struct view *v, const struct collector *c, __u64 now_ns)
{
	const struct dns_stats *dns = collector_dns_total(c);
	const struct dest *total = collector_total(c);
	struct snapshot *s = &v->snap;
	double seconds = v->prev_ns ? (now_ns - v->prev_ns) / 1e9 : 0;
	unsigned int i;

	s->totals[T_ATTEMPTS] = total->attempts;
	for (i = 0; i < OUTCOME__COUNT; i++)
		s->totals[T_OUTCOME + i] = total->outcomes[i];
	s->totals[T_SYNRETX] = total->syn_retransmits;
	s->totals[T_DNS_OK] = dns->ok;
	s->totals[T_DNS_FAILED] = dns_failed(dns);
	s->totals[T_DNS_UNANSWERED] = dns->unanswered;
	for (i = 0; i < T__COUNT; i++) {
		__u64 delta = s->totals[i] - v->prev_totals[i];

		s->rates[i] = seconds > 0 ? delta / seconds : 0;
		v->prev_totals[i] = s->totals[i];
	}
	v->prev_ns = now_ns;
	s->inflight = total->inflight;
	s->stalled = total->stalled;
	s->acct = *collector_accounting(c);
	s->mono_ns = now_ns;
}

/* --- filter, sort, selection ------------------------------------------------- */

/* The filter looks for its text in the table's text columns. */
static bool row_matches(const struct view *v, const struct view_row *r)
{
	size_t i;

	for (i = 0; i < v->n_cols; i++) {
		const struct column *col = &columns[v->order[i]];

		if (column_is_text(col) && text_contains(r->cells[v->order[i]].text, v->filter))
			return true;
	}
	return false;
}

static int col_cmp(const struct view_row *a, const struct view_row *b, enum column_id col)
{
	const struct cell *x = &a->cells[col], *y = &b->cells[col];

	switch (columns[col].format) {
	case FORMAT_ENDPOINT:
		return dest_key_cmp(&a->key, &b->key);
	case FORMAT_TEXT:
		return strcasecmp(x->text, y->text);
	default:
		return x->num < y->num ? -1 : x->num > y->num;
	}
}

/* Numbers biggest first, text alphabetically; 'r' reverses; ties by attempts, then address. */
static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct view_row *a = *(struct view_row *const *)pa;
	const struct view_row *b = *(struct view_row *const *)pb;
	const struct view *v = arg;
	int r = col_cmp(a, b, v->sort);

	if (!column_is_text(&columns[v->sort]))
		r = -r;
	if (v->reverse)
		r = -r;
	if (!r)
		r = -col_cmp(a, b, COL_ATTEMPTS);
	return r ? r : col_cmp(a, b, COL_DESTINATION);
}

static void select_index(struct view *v, long i)
{
	if (i >= (long)v->n_rows)
		i = (long)v->n_rows - 1;
	if (i < 0)
		i = 0;
	v->sel = i;
	v->has_sel = v->n_rows > 0;
	if (v->has_sel)
		v->sel_key = v->rows[i]->key;
}

/* Filter and sort the snapshot's rows; keep the selected destination selected. */
static void view_rebuild(struct view *v)
{
	size_t i;

	v->n_rows = 0;
	if (reserve((void **)&v->rows, &v->cap_rows, v->snap.n_rows, sizeof(*v->rows)))
		return;
	for (i = 0; i < v->snap.n_rows; i++)
		if (row_matches(v, &v->snap.rows[i]))
			v->rows[v->n_rows++] = &v->snap.rows[i];
	if (v->n_rows > 1)
		qsort_r(v->rows, v->n_rows, sizeof(*v->rows), row_cmp, v);
	for (i = 0; v->has_sel && i < v->n_rows; i++) {
		if (!dest_key_cmp(&v->rows[i]->key, &v->sel_key)) {
			v->sel = i;
			return;
		}
	}
	select_index(v, v->sel);
}

void view_set_page(struct view *v, size_t rows)
{
	v->page = rows;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + rows)
		v->top = v->sel - rows + 1;
	/* The screen as full as it can be. */
	if (v->top + rows > v->n_rows)
		v->top = v->n_rows > rows ? v->n_rows - rows : 0;
}

const struct view_row *view_selected(const struct view *v)
{
	return v->n_rows ? v->rows[v->sel] : NULL;
}

const struct detail *view_detail(const struct view *v)
{
	const struct view_row *r = view_selected(v);

	return r ? &r->detail : NULL;
}

const char *view_sort_name(const struct view *v)
{
	return columns[v->sort].dash.name;
}

bool view_sort_lowest_first(const struct view *v)
{
	return column_is_text(&columns[v->sort]) != v->reverse;
}

/* --- keys -------------------------------------------------------------------------- */

static void filter_key(struct view *v, int key)
{
	size_t n = strlen(v->filter);

	switch (key) {
	case VKEY_ENTER:
		v->editing = false;
		return;
	case VKEY_ESC:
		v->editing = false;
		v->filter[0] = '\0';
		break;
	case VKEY_BACKSPACE:
		if (n)
			v->filter[n - 1] = '\0';
		break;
	case KEY_CTRL_U:
		v->filter[0] = '\0';
		break;
	default:
		if (key < ' ' || key > '~' || n + 1 >= FILTER_LEN)
			return;
		v->filter[n] = key;
		v->filter[n + 1] = '\0';
	}
	view_rebuild(v);
}

/* Selection keys, in both views; false if key is not one. */
static bool move_key(struct view *v, int key)
{
	long to = v->sel, page = v->page > 1 ? (long)v->page : 1;

	switch (key) {
	case VKEY_UP:
	case 'k':
		to--;
		break;
	case VKEY_DOWN:
	case 'j':
		to++;
		break;
	case VKEY_PGUP:
		to -= page;
		break;
	case VKEY_PGDN:
		to += page;
		break;
	case VKEY_HOME:
	case 'g':
		to = 0;
		break;
	case VKEY_END:
	case 'G':
		to = (long)v->n_rows - 1;
		break;
	default:
		return false;
	}
	select_index(v, to);
	v->detail = v->detail && view_selected(v);
	return true;
}

/* Sort by the column step places to the right of the sort column (left if negative). */
static void sort_step(struct view *v, int step)
{
	size_t i = 0;

	while (i < v->n_cols && v->order[i] != v->sort)
		i++;
	v->sort = v->order[(i + v->n_cols + step) % v->n_cols];
	view_rebuild(v);
}

static void table_key(struct view *v, int key)
{
	switch (key) {
	case VKEY_ENTER:
		v->detail = view_selected(v) != NULL;
		break;
	case 's':
	case '>':
		sort_step(v, 1);
		break;
	case 'S':
	case '<':
		sort_step(v, -1);
		break;
	case 'r':
		v->reverse = !v->reverse;
		view_rebuild(v);
		break;
	case '/':
		v->editing = true;
		break;
	case VKEY_ESC:
		v->filter[0] = '\0';
		view_rebuild(v);
		break;
	}
}

static void detail_key(struct view *v, int key)
{
	switch (key) {
	case VKEY_ENTER:
	case VKEY_ESC:
	case VKEY_BACKSPACE:
	case VKEY_LEFT:
		v->detail = false;
		break;
	}
}

enum view_action view_key(struct view *v, int key)
{
	if (v->editing) {
		filter_key(v, key);
		return VIEW_DRAW;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return VIEW_QUIT;
	case 'p':
	case ' ':
		v->paused = !v->paused;
		return VIEW_DRAW;
	case KEY_CTRL_L:
		return VIEW_REPAINT;
	}
	if (move_key(v, key))
		return VIEW_DRAW;
	if (v->detail)
		detail_key(v, key);
	else
		table_key(v, key);
	return VIEW_DRAW;
}

/* --- life ---------------------------------------------------------------------------- */

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->n_cols = columns_of(OUTPUT_DASHBOARD, v->order);
	v->sort = COL_FAILURES;
}

void view_free(struct view *v)
{
	free(v->snap.rows);
	free(v->snap.stalls);
	free(v->snap.strings);
	free(v->rows);
}

void view_refresh(struct view *v, const struct collector *c, __u64 now_ns)
{
	if (v->paused)
		return;
	snapshot_totals(v, c, now_ns);
	snapshot_tables(&v->snap, c);
	view_rebuild(v);
	v->detail = v->detail && view_selected(v);
}
