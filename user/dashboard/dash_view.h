/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dashboard's view model, without curses: a snapshot of what it shows
 * (totals and rates, one row per destination with every column's cell and
 * the details of its detail view, the stalls), and the state of the view
 * over it (filter, sort, selection, scrolling, pause, which view is shown).
 * Keys change the view, never the snapshot; a new snapshot comes every
 * interval unless paused, so a paused view stays still -- details included
 * -- while collection goes on.  Nothing in it points into the collector.
 */
#ifndef SYNSCOPE_DASH_VIEW_H
#define SYNSCOPE_DASH_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "collector.h"
#include "columns.h"
#include "dashboard_fmt.h"

#define FILTER_LEN 64

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

/* The lookups of a destination's name, for its detail view. */
struct detail_dns {
	__u64 lookups;
	__u64 ok;
	__u64 nxdomain;
	__u64 servfail;
	__u64 other;
	__u64 failed; /* nxdomain, servfail and other */
	__u64 unanswered;
};

/* What the detail view shows of a destination besides the row's cells. */
struct detail {
	__u64 attempts;
	__u64 outcomes[OUTCOME__COUNT];
	__u64 syn_retransmits;
	__u64 retried_attempts;
	__u64 inflight;
	__u64 stalled;
	__u64 open;
	__u64 open_peak;
	__u64 established; /* in the latency histogram; its percentiles are the row's cells */
	struct hist_range latency[HIST_RANGES]; /* the histogram in its finest 1-2-5 ranges */
	size_t n_latency;
	__u64 retries[RETRY_BUCKETS];
	__u32 attempts_per_s[SERIES_SECONDS]; /* oldest first */
	__u32 failures_per_s[SERIES_SECONDS];
	struct failure failures[RECENT_FAILURES]; /* newest first */
	unsigned int n_failures;
	bool has_dns;
	struct detail_dns dns;
};

/* One destination as of the snapshot. */
struct view_row {
	struct dest_key key;
	struct cell cells[COL__COUNT]; /* text in the snapshot's strings; "-" when unknown */
	size_t text_off[COL__COUNT];   /* where, while the snapshot is taken */
	struct detail detail;
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
	struct view_row host; /* every destination together: the header's capacity line */
	struct view_row *rows;
	size_t n_rows, cap_rows;
	struct stall *stalls; /* oldest first */
	size_t n_stalls, cap_stalls;
	char *strings; /* the rows' and stalls' text, each ending in '\0'; offset 0 is "" */
	size_t strings_len, strings_cap;
};

struct view {
	struct snapshot snap;
	__u64 prev_totals[T__COUNT]; /* for the rates */
	__u64 prev_ns;
	struct view_row **rows; /* the snapshot's rows that pass the filter, in sort order */
	size_t n_rows, cap_rows;
	size_t sel, top;	 /* selected row, first row on screen */
	struct dest_key sel_key; /* the selection follows its destination */
	bool has_sel;
	size_t page;			  /* table rows on screen at the last draw */
	enum column_id order[COL__COUNT]; /* the table's columns, left to right */
	size_t n_cols;
	enum column_id sort;
	bool reverse;
	char filter[FILTER_LEN];
	bool editing; /* typing the filter */
	bool paused;
	bool detail; /* the detail view of the selected row is shown */
};

/* Keys other than ASCII characters. */
enum view_key {
	VKEY_UP = 0x100,
	VKEY_DOWN,
	VKEY_PGUP,
	VKEY_PGDN,
	VKEY_HOME,
	VKEY_END,
	VKEY_LEFT,
	VKEY_ENTER,
	VKEY_ESC,
	VKEY_BACKSPACE,
	VKEY_OTHER, /* a resize, say: nothing to do but draw again */
};

/* What a key asks of the screen besides drawing the view again. */
enum view_action {
	VIEW_DRAW = 0,
	VIEW_REPAINT, /* Ctrl-L: repaint the whole terminal */
	VIEW_QUIT,
};

void view_init(struct view *v);
void view_free(struct view *v);

/* Once per interval: a new snapshot of c, unless paused. */
void view_refresh(struct view *v, const struct collector *c, __u64 now_ns);

/* One key: an ASCII character or an enum view_key. */
enum view_action view_key(struct view *v, int key);

/* The selected row, NULL when none passes the filter. */
const struct view_row *view_selected(const struct view *v);

/* What the detail view shows: the selected row's details; NULL when none. */
const struct detail *view_detail(const struct view *v);

/* The drawing tells how many rows fit: the view scrolls to keep the selection on screen. */
void view_set_page(struct view *v, size_t rows);

/* The status line's words for the sort: "failures, highest first". */
const char *view_sort_name(const struct view *v);
bool view_sort_lowest_first(const struct view *v);

#endif
