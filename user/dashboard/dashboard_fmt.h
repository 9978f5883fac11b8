/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text that fits the dashboard's columns: counts, rates and latencies in a
 * given width, endpoints cut so the port stays visible, sparklines, bars and
 * the latency histogram grouped into readable ranges.  Pure functions: no
 * curses, so the unit tests can check them.
 */
#ifndef SYNSCOPE_DASHBOARD_FMT_H
#define SYNSCOPE_DASHBOARD_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "collector.h"

#define NUM_STRLEN    24
#define LABEL_STRLEN  32
#define HIST_RANGES   40 /* 1-2-5 ranges from <10us to 2^40us */
#define RANGE_OPEN_HI ((__u64)-1)

/* A count in at most width columns: "1234", "12k", "1.2M". */
char *num_fit(char *buf, size_t len, __u64 value, size_t width);

/* A rate per second in at most width columns: "0", "0.4", "12", "1.2k". */
char *rate_fit(char *buf, size_t len, double per_s, size_t width);

/* A latency in microseconds in at most 6 columns: "850us", "1.2ms", "340ms", "3.1s". */
char *latency_fmt(char *buf, size_t len, __u64 us);

/*
 * "198.18.0.2:80" or "[2001:2::2]:80" in at most width columns; a long
 * address loses its middle ("[2001:2:~:5678]:443"), never the port.
 */
char *endpoint_fit(char *buf, size_t len, unsigned int family, const __u8 *addr, unsigned int port,
		   size_t width);

/*
 * The last width of n values as a sparkline scaled to their maximum: a
 * space for zero, then eight levels ("▁".."█", or ".:-=+*#@" without
 * UTF-8).  Returns the number of glyphs written.
 */
size_t sparkline(char *buf, size_t len, const __u32 *values, size_t n, size_t width, bool utf8);

/* A bar of '#' for count out of max in width columns; any non-zero count gets one. */
char *bar_fmt(char *buf, size_t len, __u64 count, __u64 max, size_t width);

/* The per-second attempts (or failures) of a series, oldest first, newest last. */
void series_in_order(const struct series *s, bool failures, __u32 out[SERIES_SECONDS]);

/* Latency counts over [lo, hi) microseconds; hi is RANGE_OPEN_HI for the last range. */
struct hist_range {
	__u64 lo;
	__u64 hi;
	__u64 count;
};

/*
 * The histogram in 1-2-5 ranges (<10us, 10-20us, 20-50us, 50-100us, ...),
 * from the first non-empty range to the last, adjacent ranges merged in pairs
 * until at most max remain.  A log-linear bucket counts in the range holding
 * its lower bound: bucket widths are within 6.25% of their values, so a
 * count may belong to up to 6.25% above its range.  Returns the number of
 * ranges, 0 when the histogram is empty.
 */
size_t hist_group(const struct hist *h, struct hist_range *out, size_t max);

/* Merge adjacent ranges of r[n] in pairs until at most max remain, as hist_group() does. */
size_t ranges_fit(struct hist_range *r, size_t n, size_t max);

/* "<10us", "100us-200us", "500us-1ms", "2s-5s", ">=1000000s" */
char *range_label(char *buf, size_t len, const struct hist_range *r);

/* What a verdict's colour says. */
enum verdict_class {
	VERDICT_OK,
	VERDICT_WARN, /* "stalling": SYN retries or connects pending past --stall-ms */
	VERDICT_FAIL,
};

enum verdict_class verdict_class(const char *verdict);

/* Case-insensitive substring; an empty needle matches everything. */
bool text_contains(const char *haystack, const char *needle);

#endif
