// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE /* the _unlocked stdio calls */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "clock.h"
#include "columns.h"
#include "format.h"
#include "text.h"

/* Lines are written to f's buffer; the caller flushes once per batch read. */
#define HOST_WIDTH 28

/* Lines of a batch between two flushes: most of a batch in one write. */
#define TEXT_BUF_SIZE (1 << 16)

void text_buffer(FILE *f)
{
	static char buf[TEXT_BUF_SIZE];

	if (!isatty(fileno(f)))
		setvbuf(f, buf, _IOFBF, sizeof(buf));
}

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

/*
 * An attempt's or a stall's line, the columns of the header: what
 * "%-12s %-7u %-15s %-24s %-28s %-11s %-13s %7u %-9s %-22s %s\n" prints.
 */
struct text_line {
	const char *time, *comm, *dst, *host, *outcome, *error, *latency, *verdict, *src;
	unsigned int pid, retries;
};

/* A line being built: pieces are cut at the end of buf, never past it. */
struct line_buf {
	char buf[512];
	size_t len;
};

static void put_spaces(struct line_buf *b, size_t n)
{
	while (n--)
		b->buf[b->len++] = ' ';
}

/* As much of want as room has left. */
static size_t clip(size_t want, size_t *room)
{
	size_t n = want < *room ? want : *room;

	*room -= n;
	return n;
}

/*
 * s, then spaces up to width ("%-*s", never cut), right-aligned ("%*s") if
 * right, then the separator end; what does not fit in buf is cut.
 */
static void put_field(struct line_buf *b, const char *s, size_t width, bool right, char end)
{
	size_t n = strlen(s), pad = n < width ? width - n : 0, room = sizeof(b->buf) - 1 - b->len;
	size_t lead = clip(right ? pad : 0, &room), len = clip(n, &room);
	size_t trail = clip(right ? 0 : pad, &room);

	put_spaces(b, lead);
	memcpy(b->buf + b->len, s, len);
	b->len += len;
	put_spaces(b, trail);
	if (room)
		b->buf[b->len++] = end;
}

/*
 * Without printf, and one fwrite per line: thousands of lines a second go
 * through here.  Each column is followed by a space, the last by '\n'.
 */
static void text_line(FILE *f, const struct text_line *l)
{
	char pid[U64_STRLEN], retries[U64_STRLEN];
	const struct {
		const char *s;
		size_t width;
		bool right;
	} cols[] = {
		{ l->time, 12, false },	  { u64_fmt(pid, l->pid), 7, false },
		{ l->comm, 15, false },	  { l->dst, 24, false },
		{ l->host, 28, false },	  { l->outcome, 11, false },
		{ l->error, 13, false },  { u64_fmt(retries, l->retries), 7, true },
		{ l->latency, 9, false }, { l->verdict, 22, false },
		{ l->src, 0, false },
	};
	struct line_buf b;
	size_t i, n = sizeof(cols) / sizeof(cols[0]);

	b.len = 0; /* not the buffer: clearing it cost more than the line */
	for (i = 0; i < n; i++)
		put_field(&b, cols[i].s, cols[i].width, cols[i].right, i + 1 < n ? ' ' : '\n');
	fwrite_unlocked(b.buf, 1, b.len, f);
}

void text_attempt(FILE *f, const struct attempt *a)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], lat[DURATION_STRLEN];
	char host[HOST_WIDTH + 1];
	const char *error = errno_name(a->error);
	const struct text_line l = {
		.time = time_hms_fmt(time, sizeof(time), a->wall_ns),
		.pid = a->pid,
		.comm = a->comm,
		.dst = endpoint_fmt(dst, sizeof(dst), a->family, a->daddr, a->dport),
		.host = host_fmt(host, sizeof(host), a->dns.host),
		.outcome = outcome_name(a->outcome),
		.error = *error ? error : "-",
		.retries = a->syn_retries,
		.latency = duration_fmt(lat, sizeof(lat), a->latency_ns),
		.verdict = a->dest ? dest_verdict(a->dest) : "-",
		.src = endpoint_fmt(src, sizeof(src), a->family, a->saddr, a->sport),
	};

	text_line(f, &l);
}

/* A stall: still pending, reported before its outcome is known. */
void text_stall(FILE *f, const struct pending *p, __u64 age_ns)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], age[DURATION_STRLEN];
	const struct pending_info *e = &p->info;
	char host[HOST_WIDTH + 1];
	const struct text_line l = {
		.time = time_hms_fmt(time, sizeof(time), wall_of_mono(e->start_ns)),
		.pid = e->pid,
		.comm = e->comm,
		.dst = endpoint_fmt(dst, sizeof(dst), e->family, e->daddr, e->dport),
		.host = host_fmt(host, sizeof(host), p->dns.host),
		.outcome = "STALLED",
		.error = "-",
		.retries = e->syn_retries,
		.latency = duration_fmt(age, sizeof(age), age_ns),
		.verdict = "(pending)",
		.src = endpoint_fmt(src, sizeof(src), e->family, e->saddr, e->sport),
	};

	text_line(f, &l);
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
	char time[TIME_STRLEN], buf[COLUMN_TEXT_LEN];
	struct cell cause;

	column_value(COL_CAUSE, d, &cause, buf);
	fprintf(f,
		"%-12s %-7s %-15s CAPACITY %s: capped at %llu open connections while attempts are "
		"turned away: %s; demand peak %llu needs %llu %s of %llu\n",
		time_hms_fmt(time, sizeof(time), wall_of_mono(cap->plateau_ns)), "-", "-", who,
		(unsigned long long)cap->capped_at,
		*cause.text ? cause.text : "no known limit matches",
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
