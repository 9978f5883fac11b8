// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include "columns.h"

#define FIELD(f)     offsetof(struct dest, f)
#define DNS_FIELD(f) offsetof(struct dns_stats, f)

/* --- values ------------------------------------------------------------------- */

static void unknown(struct cell *out)
{
	out->state = CELL_UNKNOWN;
	out->num = 0;
	out->text = "";
}

static __u64 u64_at(const void *base, size_t offset)
{
	return *(const __u64 *)((const char *)base + offset);
}

static void v_destination(const struct column *col, const struct dest *d, struct cell *out,
			  char buf[COLUMN_TEXT_LEN])
{
	(void)col;
	if (d->host_wide)
		out->text = "TOTAL";
	else if (dest_is_name_only(d))
		unknown(out);
	else
		out->text =
			endpoint_fmt(buf, COLUMN_TEXT_LEN, d->key.family, d->key.addr, d->key.port);
}

static void v_name(const struct column *col, const struct dest *d, struct cell *out,
		   char buf[COLUMN_TEXT_LEN])
{
	(void)col;
	if (d->host[0] || dest_is_name_only(d))
		out->text = d->host;
	else
		out->text = addr_fmt(buf, COLUMN_TEXT_LEN, d->key.family, d->key.addr);
}

static void v_family(const struct column *col, const struct dest *d, struct cell *out,
		     char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	if (dest_is_name_only(d) || d->host_wide)
		unknown(out);
	else
		out->text = family_name(d->key.family);
}

/* The host-wide row's is "*": every address. */
static void v_daddr(const struct column *col, const struct dest *d, struct cell *out,
		    char buf[COLUMN_TEXT_LEN])
{
	(void)col;
	if (d->host_wide)
		out->text = "*";
	else if (dest_is_name_only(d))
		unknown(out);
	else
		out->text = addr_fmt(buf, COLUMN_TEXT_LEN, d->key.family, d->key.addr);
}

static void v_dport(const struct column *col, const struct dest *d, struct cell *out,
		    char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	if (d->host_wide)
		unknown(out);
	else
		out->num = d->key.port;
}

static void v_failures(const struct column *col, const struct dest *d, struct cell *out,
		       char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	out->num = dest_failures(d);
}

static void v_other_failures(const struct column *col, const struct dest *d, struct cell *out,
			     char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	out->num = d->outcomes[OUTCOME_UNREACHABLE] + d->outcomes[OUTCOME_ABORTED] +
		   d->outcomes[OUTCOME_LOCAL_ERROR];
}

/* A percentile (arg: 0.5, 0.99; 1 is the maximum) of a histogram. */
static void percentile(const struct column *col, const struct hist *h, struct cell *out)
{
	out->num = hist_percentile(h, col->arg);
	if (!h->count)
		out->state = CELL_NO_SAMPLES;
}

static void v_latency(const struct column *col, const struct dest *d, struct cell *out,
		      char buf[COLUMN_TEXT_LEN])
{
	(void)buf;
	percentile(col, &d->latency_us, out);
}

static void v_rate(const struct column *col, const struct dest *d, struct cell *out,
		   char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	out->num = d->connects_per_s;
}

static void v_host(const struct column *col, const struct dest *d, struct cell *out,
		   char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	if (d->host[0])
		out->text = d->host;
	else
		unknown(out);
}

/* The DNS columns: unknown when no lookup named the destination. */
static void v_dns_field(const struct column *col, const struct dest *d, struct cell *out,
			char buf[COLUMN_TEXT_LEN])
{
	(void)buf;
	if (d->dns)
		out->num = u64_at(d->dns, col->field);
	else
		unknown(out);
}

static void v_dns_failed(const struct column *col, const struct dest *d, struct cell *out,
			 char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	if (d->dns)
		out->num = dns_failed(d->dns);
	else
		unknown(out);
}

static void v_dns_not_ok(const struct column *col, const struct dest *d, struct cell *out,
			 char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	if (d->dns)
		out->num = dns_failed(d->dns) + d->dns->unanswered;
	else
		unknown(out);
}

static void v_dns_latency(const struct column *col, const struct dest *d, struct cell *out,
			  char buf[COLUMN_TEXT_LEN])
{
	(void)buf;
	if (d->dns)
		percentile(col, &d->dns->latency_us, out);
	else
		unknown(out);
}

static void v_verdict(const struct column *col, const struct dest *d, struct cell *out,
		      char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	out->text = d->host_wide ? "" : dest_verdict(d);
}

/* --- capacity ---------------------------------------------------------------------- */

/*
 * The capacity figures of one side: the NAT Gateway's for destinations, the
 * ENIs' (host_only) for the host-wide row.  Unknown on the other side and
 * for a name no connect went to.
 */
static bool capacity_side(const struct column *col, const struct dest *d, struct cell *out)
{
	if (col->host_only != d->host_wide || (dest_is_name_only(d) && !d->host_wide)) {
		unknown(out);
		return false;
	}
	return true;
}

/* The capacity figures, by .field. */
enum capacity_figure { CAP_TOTAL, CAP_USED_PCT, CAP_NEEDED };

static void v_capacity(const struct column *col, const struct dest *d, struct cell *out,
		       char buf[COLUMN_TEXT_LEN])
{
	(void)buf;
	if (!capacity_side(col, d, out))
		return;
	switch (col->field) {
	case CAP_TOTAL:
		out->num = capacity_total(&d->cap);
		break;
	case CAP_USED_PCT:
		out->num = capacity_used_pct(&d->cap);
		break;
	default:
		out->num = capacity_needed(&d->cap);
	}
}

static void v_concurrent_peak(const struct column *col, const struct dest *d, struct cell *out,
			      char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	out->num = capacity_concurrent_peak(&d->cap);
}

/* Unknown until a plateau was seen. */
static void v_capped_at(const struct column *col, const struct dest *d, struct cell *out,
			char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	if (d->cap.capped_at)
		out->num = d->cap.capped_at;
	else
		unknown(out);
}

static void v_lifetime(const struct column *col, const struct dest *d, struct cell *out,
		       char buf[COLUMN_TEXT_LEN])
{
	(void)buf;
	percentile(col, &d->cap.lifetime_us, out);
}

static void v_churn(const struct column *col, const struct dest *d, struct cell *out,
		    char buf[COLUMN_TEXT_LEN])
{
	(void)col, (void)buf;
	out->text = capacity_not_reused(&d->cap) ? "not-reused" : "";
}

/* Every capacity in a host's capped_by is the cap of a struct dest of the collector's. */
static const struct dest *dest_of(const struct capacity *cap)
{
	return (const struct dest *)((const char *)cap - offsetof(struct dest, cap));
}

/*
 * A host-wide plateau no ENI limit explains, down to destinations at their
 * own: "capped by 198.18.0.2:443: NAT Gateway port allocation, 1 address;
 * 198.18.0.3:443: ...; and 2 more destinations".
 */
static const char *capped_by(const struct capacity *host, char buf[COLUMN_TEXT_LEN])
{
	char dst[ENDPOINT_STRLEN], cause[CAPACITY_CAUSE_LEN];
	size_t n = snprintf(buf, COLUMN_TEXT_LEN, "capped by");
	unsigned int i;

	for (i = 0; i < host->n_capped_by && i < CAPACITY_BY_MAX && n < COLUMN_TEXT_LEN; i++) {
		const struct dest *d = dest_of(host->capped_by[i]);

		n += snprintf(
			buf + n, COLUMN_TEXT_LEN - n, "%s %s: %s", i ? ";" : "",
			endpoint_fmt(dst, sizeof(dst), d->key.family, d->key.addr, d->key.port),
			capacity_cause(&d->cap, cause, sizeof(cause)));
	}
	if (host->n_capped_by > CAPACITY_BY_MAX && n < COLUMN_TEXT_LEN)
		snprintf(buf + n, COLUMN_TEXT_LEN - n, "; and %u more destination%s",
			 host->n_capped_by - CAPACITY_BY_MAX,
			 host->n_capped_by - CAPACITY_BY_MAX == 1 ? "" : "s");
	return buf;
}

static void v_cause(const struct column *col, const struct dest *d, struct cell *out,
		    char buf[COLUMN_TEXT_LEN])
{
	(void)col;
	if (capacity_limit_hit(&d->cap) == LIMIT_NAT && d->host_wide)
		out->text = capped_by(&d->cap, buf);
	else
		out->text = capacity_cause(&d->cap, buf, COLUMN_TEXT_LEN);
}

/* Unknown (no sample) until a plateau was seen. */
static void v_limit(const struct column *col, const struct dest *d, struct cell *out,
		    char buf[COLUMN_TEXT_LEN])
{
	enum capacity_limit limit = capacity_limit_hit(&d->cap);

	(void)col, (void)buf;
	if (limit == LIMIT_NONE)
		unknown(out);
	else
		out->num = limit;
}

/* --- the table ------------------------------------------------------------------ */

/*
 * .text and .dash: { place from the left, title, width }; a column without
 * a title is not shown there.  Numbers are right-aligned, text left.
 */
const struct column columns[COL__COUNT] = {
	[COL_DESTINATION] = {
		.format = FORMAT_ENDPOINT, .get = v_destination,
		.text = { 1, "DESTINATION", 26 },
		.dash = { 2, "ADDRESS", "address", 28, .min = 12 },
	},
	[COL_NAME] = {
		.format = FORMAT_TEXT, .get = v_name,
		.dash = { 1, "HOST", "host", 40, .min = 8 },
	},
	[COL_FAMILY] = { .csv = "family", .format = FORMAT_TEXT, .get = v_family },
	[COL_DADDR] = { .csv = "daddr", .format = FORMAT_TEXT, .get = v_daddr },
	[COL_DPORT] = { .csv = "dport", .format = FORMAT_COUNT, .get = v_dport },
	[COL_ATTEMPTS] = {
		.csv = "attempts", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Resolved connect attempts",
		.field = FIELD(attempts),
		.text = { 4, "ATTEMPTS", 8 },
		.dash = { 4, "ATTEMPTS", "attempts", 8 },
	},
	[COL_ESTABLISHED] = {
		.csv = "established", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Attempts that established",
		.field = FIELD(outcomes[OUTCOME_ESTABLISHED]),
		.text = { 5, "ESTAB", 8 },
		.dash = { 5, "ESTAB", "established", 6, .drop = 8,
			  .paint = PAINT_NONZERO, .color = TERM_OK },
	},
	[COL_FAILURES] = {
		.format = FORMAT_COUNT, .metric = METRIC_COUNTER, .get = v_failures,
		.prom = PROM_APART, .help = "Attempts that did not establish",
		.dash = { 6, "FAIL", "failures", 6, .paint = PAINT_NONZERO, .color = TERM_FAIL },
	},
	[COL_REFUSED] = {
		.csv = "refused", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Attempts answered with a RST",
		.field = FIELD(outcomes[OUTCOME_REFUSED]),
		.text = { 6, "REFUSED", 8 },
		.dash = { 8, "REFUSED", "refused", 7, .drop = 11,
			  .paint = PAINT_NONZERO, .color = TERM_FAIL },
	},
	[COL_TIMEOUT] = {
		.csv = "timeout", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Attempts the kernel gave up on after its SYN retries",
		.field = FIELD(outcomes[OUTCOME_TIMEOUT]),
		.text = { 7, "TIMEOUT", 8 },
		.dash = { 7, "TIMEOUT", "timeouts", 7, .drop = 12,
			  .paint = PAINT_NONZERO, .color = TERM_FAIL },
	},
	[COL_UNREACHABLE] = {
		.csv = "unreachable", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Attempts that got an ICMP error",
		.field = FIELD(outcomes[OUTCOME_UNREACHABLE]),
		.text = { 8, "UNREACH", 8 },
	},
	[COL_ABORTED] = {
		.csv = "aborted", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Attempts the application closed while in SYN_SENT",
		.field = FIELD(outcomes[OUTCOME_ABORTED]),
		.text = { 9, "ABORTED", 8 },
	},
	[COL_LOCAL_ERROR] = {
		.csv = "local_error", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Attempts that failed before any SYN left",
		.field = FIELD(outcomes[OUTCOME_LOCAL_ERROR]),
		.text = { 10, "LOCALERR", 8 },
	},
	[COL_OTHER_FAILURES] = {
		.format = FORMAT_COUNT, .metric = METRIC_COUNTER, .get = v_other_failures,
		.prom = PROM_APART, .help = "Attempts unreachable, aborted or failed locally",
		.dash = { 9, "OTHER", "other failures", 6, .drop = 7,
			  .paint = PAINT_NONZERO, .color = TERM_FAIL },
	},
	[COL_SYN_RETRANSMITS] = {
		.csv = "syn_retransmits", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = "synscope_syn_retransmits_total",
		.help = "SYN retransmissions of attempts to the destination",
		.field = FIELD(syn_retransmits),
		.text = { 11, "SYNRETX", 8 },
		.dash = { 10, "SYNRETX", "SYN retransmits", 7, .drop = 9,
			  .paint = PAINT_NONZERO, .color = TERM_WARN },
	},
	[COL_RETRIED] = {
		.csv = "retried_attempts", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.help = "Resolved attempts that needed at least one SYN retransmission",
		.field = FIELD(retried_attempts),
		.text = { 12, "RETRIED", 8 },
	},
	[COL_P50] = {
		.csv = "p50_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = PROM_APART,
		.help = "Median handshake latency of established attempts, microseconds",
		.get = v_latency, .arg = 0.50,
		.text = { 13, "P50", 9 },
		.dash = { 15, "P50", "p50 latency", 6, .drop = 4 },
	},
	[COL_P90] = {
		.csv = "p90_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = PROM_APART, .help = "90th percentile handshake latency, microseconds",
		.get = v_latency, .arg = 0.90,
		.text = { 14, "P90", 9 },
	},
	[COL_P99] = {
		.csv = "p99_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = PROM_APART, .help = "99th percentile handshake latency, microseconds",
		.get = v_latency, .arg = 0.99,
		.text = { 15, "P99", 9 },
		.dash = { 16, "P99", "p99 latency", 6, .drop = 10 },
	},
	[COL_MAX] = {
		.csv = "max_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = PROM_APART, .help = "Highest handshake latency, microseconds",
		.get = v_latency, .arg = 1,
		.text = { 16, "MAX", 9 },
	},
	[COL_INFLIGHT] = {
		.csv = "inflight", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_inflight",
		.help = "Attempts in flight (SYN sent, no outcome yet) at the last scan",
		.field = FIELD(inflight),
		.text = { 17, "INFLIGHT", 8 },
		.dash = { 11, "INFL", "in flight", 5, .drop = 6, .paint = PAINT_STALLING },
	},
	[COL_STALLED] = {
		.csv = "stalled", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_stalled",
		.help = "Attempts in flight for longer than --stall-ms",
		.field = FIELD(stalled),
	},
	[COL_OPEN] = {
		.csv = "open", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_open",
		.help = "Connections established and not closed yet", .field = FIELD(open),
		.text = { 18, "OPEN", 6 },
		.dash = { 12, "OPEN", "open", 5, .drop = 3 },
	},
	[COL_OPEN_PEAK] = {
		.csv = "open_peak", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_open_peak",
		.help = "The most connections open at once",
		.field = FIELD(open_peak),
		.text = { 19, "PEAK", 6 },
		.dash = { 13, "PEAK", "open peak", 5, .drop = 1 },
	},
	[COL_CONNECTS_PER_S] = {
		.csv = "connects_per_s", .format = FORMAT_RATE, .metric = METRIC_GAUGE,
		.prom = PROM_APART, .help = "Attempts per second over the last interval",
		.get = v_rate,
	},
	[COL_HOST] = {
		.csv = "host", .format = FORMAT_TEXT, .get = v_host,
		.text = { 2, "HOST", 24 },
	},
	[COL_DNS_LOOKUPS] = {
		.csv = "dns_lookups", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Lookups of the host name, answered or not",
		.get = v_dns_field, .field = DNS_FIELD(lookups),
	},
	[COL_DNS_OK] = {
		.csv = "dns_ok", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Lookups of the host name answered NOERROR",
		.get = v_dns_field, .field = DNS_FIELD(ok),
		.text = { 20, "DNSOK", 6 },
		.dash = { 17, "DNSOK", "DNS ok", 5, .drop = 2 },
	},
	[COL_DNS_FAILED] = {
		.csv = "dns_failed", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Lookups of the host name answered with an error rcode",
		.get = v_dns_failed,
	},
	[COL_DNS_UNANSWERED] = {
		.csv = "dns_unanswered", .format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Lookups of the host name never answered",
		.get = v_dns_field, .field = DNS_FIELD(unanswered),
	},
	[COL_DNS_NOT_OK] = {
		.format = FORMAT_COUNT, .metric = METRIC_COUNTER,
		.prom = PROM_APART, .help = "Lookups of the host name failed or unanswered", .get = v_dns_not_ok,
		.text = { 21, "DNSERR", 6 },
		.dash = { 18, "DNSFAIL", "DNS failed", 7, .drop = 5,
			  .paint = PAINT_NONZERO, .color = TERM_FAIL },
	},
	[COL_DNS_P50] = {
		.csv = "dns_p50_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = PROM_APART, .help = "Median latency of answered lookups, microseconds",
		.get = v_dns_latency, .arg = 0.50,
	},
	[COL_DNS_P99] = {
		.csv = "dns_p99_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = PROM_APART,
		.help = "99th percentile latency of answered lookups, microseconds",
		.get = v_dns_latency, .arg = 0.99,
	},
	[COL_VERDICT] = {
		.csv = "verdict", .format = FORMAT_TEXT, .get = v_verdict,
		.text = { 3, "VERDICT", 22 },
		.dash = { 3, "VERDICT", "verdict", 22, .paint = PAINT_VERDICT },
	},
	[COL_RETRYING] = {
		.csv = "retrying", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_retrying",
		.help = "Attempts in flight that needed a SYN retransmission: not carried",
		.field = FIELD(retrying),
	},
	[COL_CONCURRENT] = {
		.csv = "concurrent", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_concurrent",
		.help = "Connections open plus attempts in flight not retrying: what the path carries",
		.field = FIELD(cap.concurrent),
	},
	[COL_CONCURRENT_PEAK] = {
		.csv = "concurrent_peak", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_concurrent_peak",
		.help = "The most connections carried at once, attempts found retrying taken out",
		.get = v_concurrent_peak,
	},
	[COL_DEMAND_PEAK] = {
		.csv = "demand_peak", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_demand_peak",
		.help = "The most connections wanted at once: open plus every attempt in flight",
		.field = FIELD(cap.demand_peak),
	},
	[COL_CAPPED_AT] = {
		.csv = "capped_at", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.prom = "synscope_connections_capped_at",
		.help = "The open count's plateau while attempts were turned away; absent when none",
		.get = v_capped_at,
	},
	[COL_NAT_CAPACITY] = {
		.csv = "nat_capacity", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.help = "Connections the NAT Gateway carries to the destination: --nat-limit x --nat-ips",
		.get = v_capacity, .field = CAP_TOTAL,
	},
	[COL_NAT_USED_PCT] = {
		.csv = "nat_used_pct", .format = FORMAT_PERCENT, .metric = METRIC_GAUGE,
		.help = "Concurrent connections as a share of the NAT capacity",
		.get = v_capacity, .field = CAP_USED_PCT,
		.dash = { 14, "NAT%", "NAT capacity used", 5, .drop = 13, .paint = PAINT_CAPACITY },
	},
	[COL_NAT_IPS_NEEDED] = {
		.csv = "nat_ips_needed", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.help = "NAT Gateway addresses the demand peak needs: ceil(demand peak / --nat-limit)",
		.get = v_capacity, .field = CAP_NEEDED,
	},
	[COL_ENI_CAPACITY] = {
		.csv = "eni_capacity", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.help = "Connections the host's Hyperplane ENIs carry: --eni-limit x --enis",
		.get = v_capacity, .field = CAP_TOTAL, .host_only = true,
	},
	[COL_ENI_USED_PCT] = {
		.csv = "eni_used_pct", .format = FORMAT_PERCENT, .metric = METRIC_GAUGE,
		.help = "The host's concurrent connections as a share of the ENI capacity",
		.get = v_capacity, .field = CAP_USED_PCT, .host_only = true,
	},
	[COL_ENIS_NEEDED] = {
		.csv = "enis_needed", .format = FORMAT_COUNT, .metric = METRIC_GAUGE,
		.help = "Hyperplane ENIs the host's demand peak needs: ceil(demand peak / --eni-limit)",
		.get = v_capacity, .field = CAP_NEEDED, .host_only = true,
	},
	[COL_LIFETIME_P50] = {
		.csv = "lifetime_p50_us", .format = FORMAT_DURATION, .metric = METRIC_GAUGE,
		.prom = "synscope_connection_lifetime_p50_seconds",
		.help = "Median lifetime of the connections that closed, established to close",
		.get = v_lifetime, .arg = 0.50,
	},
	[COL_CHURN] = { .csv = "churn", .format = FORMAT_TEXT, .get = v_churn },
	[COL_CAUSE] = { .csv = "cause", .format = FORMAT_TEXT, .get = v_cause },
	[COL_LIMIT] = {
		.format = FORMAT_COUNT, .metric = METRIC_STATE,
		.prom = "synscope_capacity_limit", .label = "limit", .states = capacity_limit_names,
		.help = "1 once capped (capped_at), labelled with the limit that capped it: "
			"nat_gateway (port allocation; host-wide: destinations capped by theirs), "
			"eni (host-wide) or unknown; absent when not capped",
		.get = v_limit,
	},
};

/* --- for the outputs ------------------------------------------------------------ */

void column_value(enum column_id id, const struct dest *d, struct cell *out,
		  char buf[COLUMN_TEXT_LEN])
{
	const struct column *col = &columns[id];

	out->state = CELL_VALUE;
	out->num = 0;
	out->text = "";
	if (col->get)
		col->get(col, d, out, buf);
	else
		out->num = u64_at(d, col->field);
}

bool column_is_text(const struct column *col)
{
	return col->format == FORMAT_TEXT || col->format == FORMAT_ENDPOINT;
}

/* Where output shows col: 1 leftmost, 0 not at all. */
static unsigned int place(enum column_output output, const struct column *col)
{
	switch (output) {
	case OUTPUT_TEXT:
		return col->text.title ? col->text.at : 0;
	case OUTPUT_DASHBOARD:
		return col->dash.title ? col->dash.at : 0;
	default:
		return col->csv ? 1 : 0;
	}
}

size_t columns_of(enum column_output output, enum column_id out[COL__COUNT])
{
	size_t n = 0, i, j;

	for (i = 0; i < COL__COUNT; i++) {
		unsigned int at = place(output, &columns[i]);

		if (!at)
			continue;
		/* Insertion by place; equal places (the CSV's) keep table order. */
		for (j = n; j > 0 && place(output, &columns[out[j - 1]]) > at; j--)
			out[j] = out[j - 1];
		out[j] = i;
		n++;
	}
	return n;
}
