// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include "capacity.h"

const struct capacity_limits capacity_defaults = {
	.nat_limit = DEFAULT_NAT_LIMIT,
	.eni_limit = DEFAULT_ENI_LIMIT,
	.nat_ips = DEFAULT_NAT_IPS,
	.enis = DEFAULT_ENIS,
	.warn_pct = DEFAULT_CAPACITY_WARN,
};

const char capacity_nat_alternatives[] =
	"spread the clients over more NAT gateways (each with its own addresses), reach the "
	"service through PrivateLink (a VPC endpoint), run the clients outside the VPC, or "
	"reuse connections";

const char *const capacity_limit_names[LIMIT__COUNT] = {
	[LIMIT_NONE] = "",
	[LIMIT_UNKNOWN] = "unknown",
	[LIMIT_NAT] = "nat_gateway",
	[LIMIT_ENI] = "eni",
};

static __u64 max_u64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

/* --- the open count over the last few seconds ------------------------------------ */

/* Slices up to slice start at the level the count has now. */
static void window_advance(struct level_window *w, __u64 slice)
{
	__u64 n, s;

	if (slice <= w->newest)
		return;
	n = slice - w->newest < PLATEAU_SLICES ? slice - w->newest : PLATEAU_SLICES;
	for (s = slice - n + 1; s <= slice; s++)
		w->lo[s % PLATEAU_SLICES] = w->hi[s % PLATEAU_SLICES] = w->level;
	w->newest = slice;
}

static void window_record(struct level_window *w, __u64 level, __u64 now_ns)
{
	unsigned int i;

	window_advance(w, now_ns / PLATEAU_SLICE_NS);
	i = w->newest % PLATEAU_SLICES;
	if (level < w->lo[i])
		w->lo[i] = level;
	if (level > w->hi[i])
		w->hi[i] = level;
	w->level = level;
	w->peak = max_u64(w->peak, level);
}

/* How far a count held at level may move and still be flat: 0.5%, rounded down. */
static __u64 tolerance(__u64 level)
{
	return level / PLATEAU_TOL_PER;
}

/*
 * Flat: over the window the count stayed within tolerance of its highest
 * value there, which is (within tolerance) the highest it ever was, and not
 * zero.  Returns that value, or 0.
 */
static __u64 window_flat_level(const struct level_window *w)
{
	__u64 hi = 0, lo = ~0ULL;
	unsigned int i;

	for (i = 0; i < PLATEAU_SLICES; i++) {
		hi = max_u64(hi, w->hi[i]);
		lo = w->lo[i] < lo ? w->lo[i] : lo;
	}
	if (!hi || hi - lo > tolerance(hi) || hi + tolerance(hi) < w->peak)
		return 0;
	return hi;
}

/* --- the concurrent count, corrected for attempts found not carried ---------------- */

static void carried_advance(struct carried_history *h, __u64 slice)
{
	__u64 n, s;

	if (slice <= h->newest)
		return;
	n = slice - h->newest < CARRIED_SLICES ? slice - h->newest : CARRIED_SLICES;
	for (s = slice - n + 1; s <= slice; s++) {
		unsigned int i = s % CARRIED_SLICES;

		h->settled = max_u64(h->settled, h->hi[i]);
		h->hi[i] = h->now;
		h->hi_ns[i] = 0; /* reached before the slice */
	}
	h->newest = slice;
}

static void carried_record(struct carried_history *h, __u64 count, __u64 now_ns)
{
	unsigned int i;

	carried_advance(h, now_ns / CARRIED_SLICE_NS);
	i = h->newest % CARRIED_SLICES;
	if (count > h->hi[i]) {
		h->hi[i] = count;
		h->hi_ns[i] = now_ns;
	}
	h->now = count;
}

/*
 * The attempt was in the count from since_ns to now: one less in every slice
 * after the one it was counted in, and in that one too if its highest value
 * was first reached after since_ns (exact while the count only rises within
 * the slice, as in a burst).  Slices already folded keep it.
 */
static void carried_remove(struct carried_history *h, __u64 since_ns, __u64 now_ns)
{
	__u64 first = since_ns / CARRIED_SLICE_NS, s = first;

	carried_advance(h, now_ns / CARRIED_SLICE_NS);
	if (h->newest >= CARRIED_SLICES && s < h->newest - CARRIED_SLICES + 1)
		s = h->newest - CARRIED_SLICES + 1;
	for (; s <= h->newest; s++) {
		unsigned int i = s % CARRIED_SLICES;

		if (h->hi[i] && (s != first || h->hi_ns[i] >= since_ns))
			h->hi[i]--;
	}
}

static __u64 carried_peak(const struct carried_history *h)
{
	__u64 peak = h->settled;
	unsigned int i;

	for (i = 0; i < CARRIED_SLICES; i++)
		peak = max_u64(peak, h->hi[i]);
	return peak;
}

/* --- updates ------------------------------------------------------------------------ */

void capacity_init(struct capacity *cap, const struct capacity_limits *limits, bool host_wide)
{
	memset(cap, 0, sizeof(*cap));
	cap->limits = limits;
	cap->host_wide = host_wide;
}

/* The capacity's clock: the newest time it was given. */
static __u64 clock_at(struct capacity *cap, __u64 now_ns)
{
	cap->now_ns = max_u64(cap->now_ns, now_ns);
	return cap->now_ns;
}

/* Once above the warning, once more only after falling below 90% of it. */
static unsigned int warn_crossing(struct capacity *cap)
{
	__u64 total = capacity_total(cap), warn = capacity_limits_of(cap)->warn_pct;

	if (cap->warned && cap->concurrent * 1000 < warn * total * 9)
		cap->warned = false;
	if (cap->warned || !total || cap->concurrent * 100 < warn * total)
		return 0;
	cap->warned = true;
	cap->warn_concurrent = cap->concurrent;
	cap->warn_ns = cap->now_ns;
	cap->notices |= NOTICE_WARN;
	return NOTICE_WARN;
}

unsigned int capacity_update(struct capacity *cap, __u64 open, __u64 inflight, __u64 retrying,
			     __u64 now_ns)
{
	__u64 now = clock_at(cap, now_ns);

	cap->concurrent = open + (inflight > retrying ? inflight - retrying : 0);
	cap->demand = open + inflight;
	cap->demand_peak = max_u64(cap->demand_peak, cap->demand);
	carried_record(&cap->carried, cap->concurrent, now);
	window_record(&cap->open, open, now);
	if (cap->plateau && (open > cap->capped_at + tolerance(cap->capped_at) ||
			     open + tolerance(cap->capped_at) < cap->capped_at))
		cap->plateau = false;
	return warn_crossing(cap);
}

void capacity_not_carried(struct capacity *cap, __u64 since_ns, __u64 now_ns)
{
	carried_remove(&cap->carried, since_ns, clock_at(cap, now_ns));
}

unsigned int capacity_turned_away(struct capacity *cap, __u64 now_ns)
{
	__u64 level;

	window_advance(&cap->open, clock_at(cap, now_ns) / PLATEAU_SLICE_NS);
	level = window_flat_level(&cap->open);
	if (!level)
		return 0;
	cap->capped_at = level;
	cap->cause_k = capacity_match(level, capacity_unit(cap), capacity_units(cap));
	if (cap->plateau)
		return 0;
	cap->plateau = true;
	cap->plateaus++;
	cap->n_capped_by = 0;
	cap->plateau_demand = cap->demand_peak;
	cap->plateau_ns = cap->now_ns;
	cap->notices |= NOTICE_PLATEAU;
	return NOTICE_PLATEAU;
}

void capacity_caused_by(struct capacity *host, struct capacity *dest)
{
	if (!host->plateau || !dest->plateau || !dest->cause_k || dest->blamed_in == host->plateaus)
		return;
	dest->blamed_in = host->plateaus;
	if (host->n_capped_by < CAPACITY_BY_MAX)
		host->capped_by[host->n_capped_by] = dest;
	host->n_capped_by++;
}

void capacity_connect(struct capacity *cap, __u64 start_ns)
{
	if (!cap->first_connect_ns || start_ns < cap->first_connect_ns)
		cap->first_connect_ns = start_ns;
	cap->last_connect_ns = max_u64(cap->last_connect_ns, start_ns);
}

void capacity_closed(struct capacity *cap, __u64 lifetime_ns)
{
	hist_add(&cap->lifetime_us, lifetime_ns / 1000);
}

/* --- reading -------------------------------------------------------------------------- */

const struct capacity_limits *capacity_limits_of(const struct capacity *cap)
{
	return cap->limits ? cap->limits : &capacity_defaults;
}

__u64 capacity_unit(const struct capacity *cap)
{
	const struct capacity_limits *l = capacity_limits_of(cap);

	return cap->host_wide ? l->eni_limit : l->nat_limit;
}

unsigned int capacity_units(const struct capacity *cap)
{
	const struct capacity_limits *l = capacity_limits_of(cap);

	return cap->host_wide ? l->enis : l->nat_ips;
}

__u64 capacity_total(const struct capacity *cap)
{
	return capacity_unit(cap) * capacity_units(cap);
}

double capacity_used_pct(const struct capacity *cap)
{
	__u64 total = capacity_total(cap);

	return total ? cap->concurrent * 100.0 / total : 0;
}

__u64 capacity_concurrent_peak(const struct capacity *cap)
{
	return carried_peak(&cap->carried);
}

__u64 capacity_needed(const struct capacity *cap)
{
	__u64 unit = capacity_unit(cap);

	return unit ? (cap->demand_peak + unit - 1) / unit : 0;
}

bool capacity_alarm(const struct capacity *cap)
{
	return cap->plateau || cap->warned;
}

unsigned int capacity_match(__u64 level, __u64 limit, unsigned int max_k)
{
	unsigned int k;

	for (k = 1; k <= max_k; k++) {
		__u64 target = k * limit;

		if (level * PLATEAU_MATCH_PER >= target * (PLATEAU_MATCH_PER - 1) &&
		    level * PLATEAU_MATCH_PER <= target * (PLATEAU_MATCH_PER + 1))
			return k;
	}
	return 0;
}

const char *capacity_unit_name(const struct capacity *cap, __u64 n)
{
	if (cap->host_wide)
		return n == 1 ? "ENI" : "ENIs";
	return n == 1 ? "address" : "addresses";
}

const char *capacity_kind(const struct capacity *cap)
{
	return cap->host_wide ? "ENI" : "NAT";
}

const char *capacity_cause(const struct capacity *cap, char *buf, size_t len)
{
	unsigned int k = cap->cause_k;

	if (!cap->capped_at || !k)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%s, %u %s",
			 cap->host_wide ? "Hyperplane ENI" : "NAT Gateway port allocation", k,
			 capacity_unit_name(cap, k));
	return buf;
}

enum capacity_limit capacity_limit_hit(const struct capacity *cap)
{
	if (!cap->capped_at)
		return LIMIT_NONE;
	if (cap->cause_k)
		return cap->host_wide ? LIMIT_ENI : LIMIT_NAT;
	return cap->n_capped_by ? LIMIT_NAT : LIMIT_UNKNOWN;
}

__u64 capacity_lifetime_p50(const struct capacity *cap)
{
	return hist_percentile(&cap->lifetime_us, 0.5);
}

bool capacity_not_reused(const struct capacity *cap)
{
	return cap->lifetime_us.count >= CHURN_MIN_CLOSES &&
	       capacity_lifetime_p50(cap) < CHURN_MAX_LIFETIME;
}

double capacity_connect_rate(const struct capacity *cap, __u64 attempts)
{
	double seconds = (cap->last_connect_ns - cap->first_connect_ns) / 1e9;

	return attempts / (seconds > 1 ? seconds : 1);
}
