// SPDX-License-Identifier: GPL-2.0-only
#include "clock.h"
#include "format.h"
#include "text.h"

#define LINE_FMT "%-12s %-7u %-15s %-24s %-24s %-11s %-13s %7u %s\n"

void text_header(FILE *f)
{
	fprintf(f, "%-12s %-7s %-15s %-24s %-24s %-11s %-13s %7s %s\n", "TIME", "PID", "COMM",
		"SOURCE", "DESTINATION", "OUTCOME", "ERRNO", "RETRIES", "LATENCY");
	fflush(f);
}

void text_attempt(FILE *f, const struct attempt *a)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], lat[DURATION_STRLEN];
	const char *error = errno_name(a->error);

	fprintf(f, LINE_FMT, time_hms_fmt(time, sizeof(time), a->wall_ns), a->pid, a->comm,
		endpoint_fmt(src, sizeof(src), a->family, a->saddr, a->sport),
		endpoint_fmt(dst, sizeof(dst), a->family, a->daddr, a->dport),
		outcome_name(a->outcome), *error ? error : "-", a->syn_retries,
		duration_fmt(lat, sizeof(lat), a->latency_ns));
	fflush(f);
}

/* A stall: still pending, reported before its outcome is known. */
void text_stall(FILE *f, const struct pending *p)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], age[DURATION_STRLEN];
	const struct inflight *e = &p->info;

	fprintf(f, "%-12s %-7u %-15s %-24s %-24s %-11s %-13s %7u pending %s\n",
		time_hms_fmt(time, sizeof(time), wall_of_mono(e->start_ns)), e->pid, e->comm,
		endpoint_fmt(src, sizeof(src), e->family, e->saddr, e->sport),
		endpoint_fmt(dst, sizeof(dst), e->family, e->daddr, e->dport), "STALLED", "-",
		e->syn_retries, duration_fmt(age, sizeof(age), p->age_ns));
	fflush(f);
}
