/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-destination columns, in the manner of htop's Process_fields[]: one
 * entry per column holds all that any output needs to show it -- its name in
 * the summary CSV, its title, width and place in the summary text and in the
 * dashboard (with the order in which narrow terminals drop it and how its
 * cells are coloured), its value and its kind.  The summary text, the
 * summary CSV and the dashboard's table and sort keys are generated from it,
 * and a reader such as a metrics exporter finds each column's raw number and
 * whether it is a counter or a gauge.  Adding a column is one entry in
 * columns.c (and its line in the README).
 */
#ifndef SYNSCOPE_COLUMNS_H
#define SYNSCOPE_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include "collector.h"
#include "format.h"
#include "term.h"

/* Every column; the summary CSV has those with a CSV name, in this order. */
enum column_id {
	COL_DESTINATION,     /* address:port; "TOTAL" for the host-wide row */
	COL_NAME,	     /* the host name, else the address */
	COL_FAMILY,	     /* ipv4, ipv6 */
	COL_DADDR,	     /* the address alone; "*" for the host-wide row */
	COL_DPORT,	     /* the port */
	COL_ATTEMPTS,	     /* resolved attempts */
	COL_ESTABLISHED,     /* attempts by outcome */
	COL_FAILURES,	     /* attempts that did not establish */
	COL_REFUSED,	     /* attempts by outcome */
	COL_TIMEOUT,	     /* attempts by outcome */
	COL_UNREACHABLE,     /* attempts by outcome */
	COL_ABORTED,	     /* attempts by outcome */
	COL_LOCAL_ERROR,     /* attempts by outcome */
	COL_OTHER_FAILURES,  /* unreachable, aborted and local errors */
	COL_SYN_RETRANSMITS, /* SYN retransmissions */
	COL_RETRIED,	     /* attempts that needed at least one */
	COL_P50,	     /* handshake latency of established attempts */
	COL_P90,	     /* handshake latency */
	COL_P99,	     /* handshake latency */
	COL_MAX,	     /* handshake latency */
	COL_INFLIGHT,	     /* attempts pending now */
	COL_STALLED,	     /* of which pending past --stall-ms */
	COL_OPEN,	     /* connections open now */
	COL_OPEN_PEAK,	     /* the most open at once */
	COL_CONNECTS_PER_S,  /* attempts per second over the last interval */
	COL_HOST,	     /* the host name, "" when none */
	COL_DNS_LOOKUPS,     /* lookups of the host name, answered or not */
	COL_DNS_OK,	     /* lookups answered NOERROR */
	COL_DNS_FAILED,	     /* lookups answered with an error rcode */
	COL_DNS_UNANSWERED,  /* lookups never answered */
	COL_DNS_NOT_OK,	     /* failed and unanswered together */
	COL_DNS_P50,	     /* lookup latency of the answered ones */
	COL_DNS_P99,	     /* lookup latency */
	COL_VERDICT,	     /* the failure pattern in a word */
	COL_RETRYING,	     /* attempts in flight that needed a SYN retransmission */
	COL_CONCURRENT,	     /* open + in flight not retrying: what the path carries */
	COL_CONCURRENT_PEAK, /* its highest */
	COL_DEMAND_PEAK,     /* the highest open + every attempt in flight */
	COL_CAPPED_AT,	     /* the open count's plateau while attempts were turned away */
	COL_NAT_CAPACITY,    /* --nat-limit x --nat-ips; destinations only */
	COL_NAT_USED_PCT,    /* concurrent / NAT capacity */
	COL_NAT_IPS_NEEDED,  /* ceil(demand_peak / --nat-limit) */
	COL_ENI_CAPACITY,    /* --eni-limit x --enis; the host-wide row only */
	COL_ENI_USED_PCT,    /* concurrent / ENI capacity */
	COL_ENIS_NEEDED,     /* ceil(demand_peak / --eni-limit) */
	COL_LIFETIME_P50,    /* median lifetime of closed connections */
	COL_CHURN,	     /* "not-reused" when connections evidently are not */
	COL_CAUSE,	     /* the limit capped_at matches, "" when none */
	COL_LIMIT,	     /* which: enum capacity_limit, for scrapers */
	COL__COUNT,
};

/* How a value reads. */
enum column_format {
	FORMAT_TEXT,	 /* a name; cut with a '~' where it must fit */
	FORMAT_ENDPOINT, /* address:port; cut in the middle, never the port; sorted by address */
	FORMAT_COUNT,	 /* a whole number */
	FORMAT_DURATION, /* microseconds */
	FORMAT_RATE,	 /* per second, one decimal */
	FORMAT_PERCENT,	 /* 0 to 100, one decimal */
};

/* What a number is to a metrics scraper. */
enum column_metric {
	METRIC_NONE = 0, /* text, or a label (the port) */
	METRIC_COUNTER,	 /* only goes up */
	METRIC_GAUGE,	 /* goes up and down */
	METRIC_STATE,	 /* one of .states: a sample of 1 labelled .label="<its name>" */
};

/* How the dashboard colours a cell. */
enum column_paint {
	PAINT_PLAIN = 0,
	PAINT_NONZERO,	/* in .color when the count is not zero */
	PAINT_VERDICT,	/* in the colour of what the verdict says */
	PAINT_STALLING, /* as a warning while the destination has stalled connects */
	PAINT_CAPACITY, /* a warning past --capacity-warn, a failure once capped */
};

/* What a column holds for one destination. */
enum cell_state {
	CELL_VALUE = 0,
	CELL_NO_SAMPLES, /* a percentile of nothing yet; the number is 0 */
	CELL_UNKNOWN,	 /* nothing to tell: the DNS of a name no lookup gave, a name's address */
};

struct cell {
	enum cell_state state;
	double num;	  /* the raw number, microseconds for durations; 0 for text */
	const char *text; /* FORMAT_TEXT, FORMAT_ENDPOINT; "" when unknown */
};

/* The buffer column_value() may write text in: the longest, a host-wide cause naming destinations. */
#define COLUMN_TEXT_LEN (64 + CAPACITY_BY_MAX * (ENDPOINT_STRLEN + CAPACITY_CAUSE_LEN + 4))

/* .prom of a number exported otherwise (in a family with a label, a histogram) or derived. */
#define PROM_APART ""

struct column {
	const char *csv; /* its name in the summary CSV's header; NULL: not in it */
	enum column_format format;
	enum column_metric metric;
	/*
	 * Its per-destination metric family {daddr,dport,host}: this name, or
	 * with NULL synscope_<csv> (counters end in _total); a gauge is also
	 * exported host-wide as synscope_host_<the rest of the name>.
	 * PROM_APART: not on its own.  help is the family's HELP line.
	 */
	const char *prom;
	const char *help;
	/* The value: get(), or else the __u64 at offset field of struct dest. */
	void (*get)(const struct column *col, const struct dest *d, struct cell *out,
		    char buf[COLUMN_TEXT_LEN]);
	size_t field;	/* also for get(): which field it reads */
	double arg;	/* for get(): which percentile */
	bool host_only; /* a figure of the host-wide row only: no per-destination metric family */
	/* METRIC_STATE: the label, and each value's name (by its number) */
	const char *label;
	const char *const *states;
	/* In the summary printed at exit; shown when it has a title. */
	struct {
		unsigned int at; /* its place, 1 leftmost */
		const char *title;
		int width;
	} text;
	/* In the dashboard's table; shown when it has a title. */
	struct {
		unsigned int at; /* its place, 1 leftmost; s/S sort by the next/previous */
		const char *title;
		const char *name; /* in the status line: "sort: failures" */
		int width;	  /* numbers take it; text takes at most it */
		int min;	  /* text that narrow terminals shrink: down to this */
		int drop; /* narrow terminals drop columns in this order, 1 first; 0: never */
		enum column_paint paint;
		enum term_color color; /* for PAINT_NONZERO */
	} dash;
};

/* The table, indexed by enum column_id. */
extern const struct column columns[COL__COUNT];

enum column_output {
	OUTPUT_CSV,  /* the summary CSV: table order */
	OUTPUT_TEXT, /* the summary printed at exit */
	OUTPUT_DASHBOARD,
};

/* The columns an output shows, left to right; returns how many. */
size_t columns_of(enum column_output output, enum column_id out[COL__COUNT]);

/* Column id's value for d; its text may be in buf, valid as long as d and buf are. */
void column_value(enum column_id id, const struct dest *d, struct cell *out,
		  char buf[COLUMN_TEXT_LEN]);

/* Text, or a number? */
bool column_is_text(const struct column *col);

#endif
