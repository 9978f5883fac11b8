/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Prometheus exposition of what the collector holds (text format
 * 0.0.4, or OpenMetrics 1.0): a reader of collector.h and of the column
 * table like every other output.  Per destination: the attempts by outcome,
 * the handshake histogram and every number of the column table that has a
 * metric (.prom); per DNS name: lookups by query type and result and their
 * latency; the event accounting; what the run is (build info, settings).
 *
 * Cardinality is bounded: the first max_destinations destinations (in the
 * order they were seen) have series of their own, the others are summed
 * into daddr="other"; the same for DNS names with host="other".  A
 * destination never loses its series, so no counter ever decreases.
 */
#ifndef SYNSCOPE_METRICS_H
#define SYNSCOPE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "collector.h"

#define METRICS_DEFAULT_MAX_DESTINATIONS 500
#define METRICS_STEP_BYTES		 16384 /* text rendered per turn of the event loop */

/* A growing text; failed once an allocation failed (the text is then cut). */
struct text_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

/* A setting of the run, exported as a gauge so that rules can use it. */
struct metrics_setting {
	const char *name; /* synscope_... */
	const char *help;
	double value;
};

#define METRICS_MAX_SETTINGS 16

/* What the scrape says about the run itself. */
struct metrics_info {
	const char *version;
	const char *mode;	 /* attach mode: "tracepoint", ... */
	const char *dns_capture; /* "cgroup", "packet" or "off" */
	const char *kernel;	 /* uname release */
	__u64 max_destinations;	 /* series of their own; beyond: "other" (also DNS names) */
	unsigned int n_settings;
	struct metrics_setting settings[METRICS_MAX_SETTINGS];
};

enum metrics_format {
	METRICS_TEXT,	     /* text/plain; version=0.0.4 */
	METRICS_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

/*
 * The family a column of the table (user/columns.c) is exported as, in
 * name: false when it is not one of its own.  Every column with a metric
 * kind is, without more code: .prom, or else synscope_<its CSV name> in
 * base units (a duration "_us" becomes "_seconds", a percentage "_pct"
 * "_ratio"), counters ending in _total; per destination, and a gauge also
 * host-wide as synscope_host_<the rest of the name>.  A state (METRIC_STATE)
 * is a gauge of 1 with one more label, the name of its state, absent when
 * it has none: synscope_capacity_limit{...,limit="nat_gateway"} 1.
 */
bool metrics_column_family(unsigned int id, char *name, size_t size);

/* Its Content-Type. */
const char *metrics_content_type(enum metrics_format format);

/*
 * A scrape: a snapshot of the tables (taken at once, in the loop's thread:
 * consistent), then its text a part at a time, so that a large exposition
 * never keeps the loop from the ring buffer for long.  The destinations and
 * names beyond max_destinations are summed over its first parts.  NULL when
 * out of memory; c and info's strings must outlive it.
 */
struct metrics_scrape;

struct metrics_scrape *metrics_scrape_new(const struct collector *c,
					  const struct metrics_info *info,
					  enum metrics_format format);

/*
 * Append the next part, at least min_bytes unless the text ends (or none
 * while folded ones are still being summed), to out; returns whether more
 * is to come.  out->failed when out of memory.
 */
bool metrics_scrape_next(struct metrics_scrape *s, struct text_buf *out, size_t min_bytes);

/* Accepts NULL. */
void metrics_scrape_free(struct metrics_scrape *s);

/* The whole exposition of what c holds now, appended to out; false when out of memory. */
bool metrics_render(struct text_buf *out, const struct collector *c,
		    const struct metrics_info *info, enum metrics_format format);

/* The text and its buffer: give it up (the caller frees data) or free it. */
void text_buf_free(struct text_buf *b);

#endif
