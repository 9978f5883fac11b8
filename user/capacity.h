/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capacity: how many connections a destination (or the whole host) has at
 * once, against the limits of the path that carries them -- a NAT Gateway's
 * source ports per destination and address, a Lambda Hyperplane ENI's
 * connections -- and whether a limit was hit.  Pure logic over numbers and
 * times, driven by the collector (and by the unit tests with synthetic
 * series):
 *
 * - concurrent = open + attempts in flight that have not needed a SYN
 *   retransmission (what the path carries); demand = open + every attempt
 *   in flight (what the clients asked for); their peaks.  An attempt found
 *   to need a retransmission never got through: it is taken back out of the
 *   concurrent peak back to when it was counted.
 * - a plateau: attempts are turned away (they time out, are aborted, or
 *   stall) while the open count stays flat at its highest level L:
 *   capped_at = L, and the limit L matches, if any;
 * - advice: the addresses (or ENIs) the demand peak needs;
 * - churn: how long connections live, and whether they are reused.
 *
 * Times are monotonic nanoseconds; each capacity keeps its own clock, the
 * newest time it was given (events come a little out of order).
 */
#ifndef SYNSCOPE_CAPACITY_H
#define SYNSCOPE_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hist.h"

/* The AWS figures (README: Finding the NAT Gateway limit). */
#define DEFAULT_NAT_LIMIT     55000 /* per destination and public address */
#define DEFAULT_NAT_IPS	      1
#define MAX_NAT_IPS	      8	    /* 1 primary + 7 secondary addresses */
#define DEFAULT_ENI_LIMIT     65000 /* per Hyperplane ENI */
#define DEFAULT_ENIS	      1
#define DEFAULT_CAPACITY_WARN 80 /* percent */

struct capacity_limits {
	__u64 nat_limit; /* --nat-limit */
	__u64 eni_limit; /* --eni-limit */
	__u32 nat_ips;	 /* --nat-ips */
	__u32 enis;	 /* --enis */
	__u32 warn_pct;	 /* --capacity-warn */
};

extern const struct capacity_limits capacity_defaults;

/*
 * Plateau detection: the open count's lowest and highest value per slice,
 * over the current slice and the PLATEAU_SLICES - 1 before it (2.75 to 3 s).
 */
#define PLATEAU_SLICE_NS  250000000ULL
#define PLATEAU_SLICES	  12
#define PLATEAU_TOL_PER	  200 /* flat: within 1/200 (0.5%) of its level, rounded down */
#define PLATEAU_MATCH_PER 50  /* a limit matches: within 1/50 (2%) of k x the limit */

struct level_window {
	__u64 newest; /* number of the newest slice */
	__u64 level;  /* the count now */
	__u64 peak;   /* its highest value ever */
	__u64 lo[PLATEAU_SLICES];
	__u64 hi[PLATEAU_SLICES];
};

/*
 * The concurrent count's highest value per slice (and when it was first
 * reached) over the last 2.56 s, long enough for an attempt's first SYN
 * retransmission (1 s after the SYN) to take it back out; older slices are
 * folded into settled.
 */
#define CARRIED_SLICE_NS 10000000ULL
#define CARRIED_SLICES	 256

struct carried_history {
	__u64 newest;  /* number of the newest slice */
	__u64 now;     /* the count now */
	__u64 settled; /* highest value of the slices folded */
	__u32 hi[CARRIED_SLICES];
	__u64 hi_ns[CARRIED_SLICES]; /* when hi was first reached */
};

/* Connections are evidently not reused: this many closed, living less than this (median). */
#define CHURN_MIN_CLOSES   100
#define CHURN_MAX_LIFETIME 1000000ULL /* us */

/*
 * Host-wide: the destinations a plateau is down to, named in the host's
 * verdict when no ENI limit explains it.
 */
#define CAPACITY_BY_MAX 3

/* What is to be told as it happens (streaming text), once per crossing. */
enum capacity_notice {
	NOTICE_WARN = 1,    /* concurrent passed --capacity-warn % of the capacity */
	NOTICE_PLATEAU = 2, /* a plateau: capped_at */
};

struct capacity {
	const struct capacity_limits *limits; /* NULL: the defaults */
	bool host_wide;			      /* against the ENIs; else the NAT */
	bool plateau;			      /* the open count is still at capped_at */
	bool warned;			      /* above the warning since the last crossing */
	__u8 notices;			      /* enum capacity_notice not yet told */
	__u32 cause_k;			      /* capped_at is k x the limit; 0: no limit matches */
	__u32 plateaus;			      /* plateaus so far: the number of the last */
	__u32 blamed_in;		      /* the host plateau it was counted in (capped_by) */
	__u64 now_ns;			      /* the newest time given */
	__u64 concurrent;
	__u64 demand;
	__u64 demand_peak;
	__u64 capped_at;			 /* 0: no plateau */
	__u64 warn_concurrent, warn_ns;		 /* the last warning: concurrent then, and when */
	__u64 plateau_demand, plateau_ns;	 /* the last plateau: demand peak then, and when */
	__u64 first_connect_ns, last_connect_ns; /* starts of the first and last attempt */
	struct carried_history carried;
	struct level_window open;
	struct hist lifetime_us; /* of closed connections */
	/*
	 * Host-wide: the destinations whose own plateau names a limit, turned
	 * away while the host's count was capped at capped_at (the first
	 * CAPACITY_BY_MAX; n_capped_by counts them all).  Each is the capacity
	 * of a destination of the collector's (struct dest's cap).
	 */
	const struct capacity *capped_by[CAPACITY_BY_MAX];
	__u32 n_capped_by;
};

void capacity_init(struct capacity *cap, const struct capacity_limits *limits, bool host_wide);

/*
 * The counts changed at now_ns: open, in flight, and of those in flight the
 * ones that needed a SYN retransmission.  Returns the notices it raised.
 */
unsigned int capacity_update(struct capacity *cap, __u64 open, __u64 inflight, __u64 retrying,
			     __u64 now_ns);

/*
 * An attempt in concurrent since since_ns needed a SYN retransmission: it
 * was never carried.  Call it before the update that counts it as retrying.
 */
void capacity_not_carried(struct capacity *cap, __u64 since_ns, __u64 now_ns);

/* An attempt timed out, was aborted or stalled at now_ns: returns NOTICE_PLATEAU on a new one. */
unsigned int capacity_turned_away(struct capacity *cap, __u64 now_ns);

/*
 * An attempt to the destination whose capacity is dest was turned away,
 * after capacity_turned_away() of both: if host and dest are both at a
 * plateau and dest's names a limit, the host's plateau is (also) dest's.
 */
void capacity_caused_by(struct capacity *host, struct capacity *dest);

/* An attempt started at start_ns; a connection closed after lifetime_ns. */
void capacity_connect(struct capacity *cap, __u64 start_ns);
void capacity_closed(struct capacity *cap, __u64 lifetime_ns);

/* --- what the outputs read ---------------------------------------------------- */

const struct capacity_limits *capacity_limits_of(const struct capacity *cap);

/* The most connections the path carries: nat_limit x nat_ips, or eni_limit x enis. */
__u64 capacity_total(const struct capacity *cap);

/* The limit per address (or ENI), and how many there are. */
__u64 capacity_unit(const struct capacity *cap);
unsigned int capacity_units(const struct capacity *cap);

/* Concurrent now as a percentage of capacity_total(). */
double capacity_used_pct(const struct capacity *cap);

/* The highest concurrent count, attempts found not carried taken out. */
__u64 capacity_concurrent_peak(const struct capacity *cap);

/* Addresses (or ENIs) the demand peak needs: ceil(demand_peak / limit); 0 without demand. */
__u64 capacity_needed(const struct capacity *cap);

/* concurrent is past --capacity-warn %, or the count is capped now: for highlighting. */
bool capacity_alarm(const struct capacity *cap);

/* "NAT Gateway port allocation, 1 address", "Hyperplane ENI, 2 ENIs"; "" when none. */
#define CAPACITY_CAUSE_LEN 48
const char *capacity_cause(const struct capacity *cap, char *buf, size_t len);

/* Which limit capped it, for scrapers; capacity_limit_names: "", "unknown", "nat_gateway", "eni". */
enum capacity_limit {
	LIMIT_NONE = 0, /* no plateau */
	LIMIT_UNKNOWN,	/* capped at a level no limit explains */
	LIMIT_NAT, /* NAT Gateway port allocation; host-wide: of the destinations in capped_by */
	LIMIT_ENI, /* Hyperplane ENI (host-wide) */
	LIMIT__COUNT,
};

extern const char *const capacity_limit_names[LIMIT__COUNT];

enum capacity_limit capacity_limit_hit(const struct capacity *cap);

/* Median lifetime of closed connections (us), and whether connections are evidently not reused. */
__u64 capacity_lifetime_p50(const struct capacity *cap);
bool capacity_not_reused(const struct capacity *cap);

/* New connects per second from the first attempt's start to the last's (at least 1 s). */
double capacity_connect_rate(const struct capacity *cap, __u64 attempts);

/* "address", "addresses", "ENI", "ENIs": n of the capacity's units; "NAT", "ENI": its kind. */
const char *capacity_unit_name(const struct capacity *cap, __u64 n);
const char *capacity_kind(const struct capacity *cap);

/* The k <= max_k for which level is within 2% of k x limit; 0 if none. */
unsigned int capacity_match(__u64 level, __u64 limit, unsigned int max_k);

/* What one NAT Gateway cannot do, and what to do instead. */
extern const char capacity_nat_alternatives[];

#endif
