/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dashboard's drawing: it draws the view (dash_view.h) with curses and
 * decides nothing; the main screen is in dash_draw.c, the detail view of a
 * destination in dash_detail.c, the primitives both use below.
 */
#ifndef SYNSCOPE_DASH_DRAW_H
#define SYNSCOPE_DASH_DRAW_H

#include <stdbool.h>
#include <linux/types.h>
#include "dash_view.h"
#include "term.h"

/* What the screen says besides the view: where and how synscope runs. */
struct dash_info {
	char host[65];
	char kernel[65];
	char mode[32];
	__u64 interval_ms;
	__u64 stall_ms;
	__u64 start_ns;		       /* monotonic */
	struct capacity_limits limits; /* --nat-limit, --eni-limit, --capacity-warn, ... */
	bool utf8;		       /* the sparklines' glyphs */
	char warning[160]; /* what went wrong outside the view (a CSV file failed); "" if nothing */
};

/* Draw the main screen, or the detail view of the selected destination. */
void dash_render(struct view *v, const struct dash_info *info);

/* The detail view (dash_detail.c). */
void detail_draw(const struct view *v, const struct dash_info *info);

/* printf at (y, x) with attributes, cut at the right edge; returns the column after it. */
__attribute__((format(printf, 4, 5))) int putf(int y, int x, int attr, const char *fmt, ...);

/* A full-width bar in reverse video. */
void bar_line(int y);

/* The attributes of a verdict, of a count in color when not zero, of an outcome's count. */
int verdict_attr(const char *verdict);
int nonzero_attr(__u64 n, enum term_color color);
int outcome_attr(unsigned int outcome, __u64 n);

/* The help line at the bottom. */
void help_draw(const struct view *v, int y);

#endif
