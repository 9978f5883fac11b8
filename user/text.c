// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "format.h"
#include "text.h"

/* Lines are written to f's buffer; the caller flushes once per batch read. */
#define HOST_WIDTH 28
#define LINE_FMT   "%-12s %-7u %-15s %-24s %-28s %-11s %-13s %7u %-9s %-22s %s\n"

void text_header(FILE *f)
{
	fprintf(f, "%-12s %-7s %-15s %-24s %-28s %-11s %-13s %7s %-9s %-22s %s\n", "TIME", "PID",
		"COMM", "DESTINATION", "HOST", "OUTCOME", "ERRNO", "RETRIES", "LATENCY", "VERDICT",
		"SOURCE");
	fflush(f);
}

static const char *host_fmt(char *buf, size_t len, const char *host)
{
	return fit_fmt(buf, len, *host ? host : "-", HOST_WIDTH);
}

void text_attempt(FILE *f, const struct attempt *a)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], lat[DURATION_STRLEN];
	char host[HOST_WIDTH + 1];
	const char *error = errno_name(a->error);

	fprintf(f, LINE_FMT, time_hms_fmt(time, sizeof(time), a->wall_ns), a->pid, a->comm,
		endpoint_fmt(dst, sizeof(dst), a->family, a->daddr, a->dport),
		host_fmt(host, sizeof(host), a->dns.host), outcome_name(a->outcome),
		*error ? error : "-", a->syn_retries, duration_fmt(lat, sizeof(lat), a->latency_ns),
		a->dest ? dest_verdict(a->dest) : "-",
		endpoint_fmt(src, sizeof(src), a->family, a->saddr, a->sport));
}

/* A stall: still pending, reported before its outcome is known. */
void text_stall(FILE *f, const struct pending *p)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], age[DURATION_STRLEN];
	const struct pending_info *e = &p->info;
	char host[HOST_WIDTH + 1];

	fprintf(f, LINE_FMT, time_hms_fmt(time, sizeof(time), wall_of_mono(e->start_ns)), e->pid,
		e->comm, endpoint_fmt(dst, sizeof(dst), e->family, e->daddr, e->dport),
		host_fmt(host, sizeof(host), p->dns.host), "STALLED", "-", e->syn_retries,
		duration_fmt(age, sizeof(age), p->age_ns), "(pending)",
		endpoint_fmt(src, sizeof(src), e->family, e->saddr, e->sport));
}

void text_lookup(FILE *f, const struct lookup *l)
{
	char time[TIME_STRLEN], server[ENDPOINT_STRLEN], lat[DURATION_STRLEN], qtype[16];
	char answers[256];

	fprintf(f, "%-12s %-7u %-15s DNS %s %s -> %s via %s: %s %s%s%s\n",
		time_hms_fmt(time, sizeof(time), wall_of_mono(l->mono_ns)), l->pid, l->comm,
		dns_type_name(l->qtype, qtype, sizeof(qtype)), l->qname,
		*lookup_answers(l, answers, sizeof(answers)) ? answers : "-",
		endpoint_fmt(server, sizeof(server), l->family, l->server, l->server_port),
		lookup_result_name(l->result),
		l->result == LOOKUP_UNANSWERED ? "" : duration_fmt(lat, sizeof(lat), l->latency_ns),
		*l->canonical ? " cname " : "", l->canonical);
}

/* "198.18.0.2:443 api.test" or "host-wide". */
static const char *capacity_who(char *buf, size_t len, const struct dest *d)
{
	char dst[ENDPOINT_STRLEN];

	if (d->host_wide)
		snprintf(buf, len, "host-wide");
	else
		snprintf(buf, len, "%s %s",
			 endpoint_fmt(dst, sizeof(dst), d->key.family, d->key.addr, d->key.port),
			 d->host[0] ? d->host : "-");
	return buf;
}

static void capacity_warn_line(FILE *f, const struct dest *d, const char *who)
{
	const struct capacity *cap = &d->cap;
	char time[TIME_STRLEN];
	__u64 total = capacity_total(cap);

	fprintf(f,
		"%-12s %-7s %-15s CAPACITY %s: %llu concurrent connections, %.1f%% of the %s "
		"capacity %llu (%llu x %u %s)\n",
		time_hms_fmt(time, sizeof(time), wall_of_mono(cap->warn_ns)), "-", "-", who,
		(unsigned long long)cap->warn_concurrent,
		total ? cap->warn_concurrent * 100.0 / total : 0, capacity_kind(cap),
		(unsigned long long)total, (unsigned long long)capacity_unit(cap),
		capacity_units(cap), capacity_unit_name(cap, capacity_units(cap)));
}

static void capacity_plateau_line(FILE *f, const struct dest *d, const char *who)
{
	const struct capacity *cap = &d->cap;
	__u64 unit = capacity_unit(cap), needed = (cap->plateau_demand + unit - 1) / unit;
	char time[TIME_STRLEN], cause[CAPACITY_CAUSE_LEN];

	fprintf(f,
		"%-12s %-7s %-15s CAPACITY %s: capped at %llu open connections while attempts are "
		"turned away: %s; demand peak %llu needs %llu %s of %llu\n",
		time_hms_fmt(time, sizeof(time), wall_of_mono(cap->plateau_ns)), "-", "-", who,
		(unsigned long long)cap->capped_at,
		cap->cause_k ? capacity_cause(cap, cause, sizeof(cause)) : "no known limit matches",
		(unsigned long long)cap->plateau_demand, (unsigned long long)needed,
		capacity_unit_name(cap, needed), (unsigned long long)unit);
}

void text_capacity(FILE *f, const struct dest *d)
{
	char who[ENDPOINT_STRLEN + HOST_LEN + 2];

	capacity_who(who, sizeof(who), d);
	if (d->cap.notices & NOTICE_WARN)
		capacity_warn_line(f, d, who);
	if (d->cap.notices & NOTICE_PLATEAU)
		capacity_plateau_line(f, d, who);
}
