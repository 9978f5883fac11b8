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

/*
 * An attempt's or a stall's line, in the columns of the header: what
 * "%-12s %-7u %-15s %-24s %-28s %-11s %-13s %7u %-9s %-22s %s\n" prints,
 * written field by field at a cursor, without printf: thousands of lines
 * a second go through here.  Each column is padded to its width (never
 * cut) and followed by a space, the last by '\n'.  The longest line,
 * every field at its longest, is under 300 bytes.
 */
#define LINE_MAX_LEN 512

/* Names of ours and errno names are shorter: one longer would be cut here. */
#define NAME_MAX_LEN 48

/* The longest line: each column at its longest, and its space. */
#define LINE_LONGEST                                                                             \
	(12 + 1 + 10 + 1 + (COMM_LEN - 1) + 1 + ENDPOINT_STRLEN + 1 + HOST_WIDTH + 1 +           \
	 NAME_MAX_LEN + 1 + NAME_MAX_LEN + 1 + 10 + 1 + DURATION_STRLEN + 1 + NAME_MAX_LEN + 1 + \
	 ENDPOINT_STRLEN + 1)

/* Room past the cursor that the writes past a field's end may use. */
#define FIELD_ROOM 64

static const char spaces[32] = "                                ";

/*
 * The column that started at start ends width bytes later, or where its
 * text ends if that is longer; a space separates it from the next.  The
 * padding is one copy of fixed size (the widths are under 32).
 */
static char *column_end(char *start, char *p, size_t width)
{
	if (p < start + width) {
		memcpy(p, spaces, sizeof(spaces));
		p = start + width;
	}
	*p = ' ';
	return p + 1;
}

static char *put_text(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A left-aligned column of text. */
static char *text_column(char *p, const char *s, size_t width)
{
	return column_end(p, put_text(p, s, strnlen(s, NAME_MAX_LEN)), width);
}

static char *u64_column(char *p, __u64 v, size_t width)
{
	return column_end(p, u64_put(p, v), width);
}

/* "%*u": right-aligned. */
static char *u64_column_right(char *p, __u64 v, size_t width)
{
	unsigned int n = u64_digits(v);

	if (n < width) {
		memcpy(p, spaces, sizeof(spaces));
		p += width - n;
	}
	p = u64_put(p, v);
	*p = ' ';
	return p + 1;
}

/* The command name: at most COMM_LEN - 1 bytes, whether or not it is terminated. */
static char *comm_column(char *p, const char *comm)
{
	size_t n = 0;

	while (n < COMM_LEN && comm[n])
		n++;
	return column_end(p, put_text(p, comm, n), 15);
}

/* The host name cut to its column ("-" when none), as fit_fmt() cuts it. */
static char *host_column(char *p, const char *host)
{
	size_t n = strlen(host);

	if (!n)
		return column_end(p, put_text(p, "-", 1), HOST_WIDTH);
	if (n <= HOST_WIDTH)
		return column_end(p, put_text(p, host, n), HOST_WIDTH);
	memcpy(p, host, HOST_WIDTH - 1);
	p[HOST_WIDTH - 1] = '~';
	return column_end(p, p + HOST_WIDTH, HOST_WIDTH);
}

/* What an attempt's and a stall's lines differ in. */
struct line_fields {
	__u64 wall_ns;
	__u32 pid;
	const char *comm;
	unsigned int family;
	const __u8 *daddr, *saddr;
	unsigned int dport, sport;
	const char *host;
	const char *outcome;
	const char *error;
	unsigned int retries;
	__u64 latency_ns;
	const char *verdict;
};

static void text_line(FILE *f, const struct line_fields *l)
{
	char line[LINE_MAX_LEN], *p = line;

	_Static_assert(LINE_LONGEST + FIELD_ROOM <= LINE_MAX_LEN, "the longest line fits");
	p = column_end(p, time_hms_put(p, l->wall_ns), 12);
	p = u64_column(p, l->pid, 7);
	p = comm_column(p, l->comm);
	p = column_end(p, endpoint_put(p, l->family, l->daddr, l->dport), 24);
	p = host_column(p, l->host);
	p = text_column(p, l->outcome, 11);
	p = text_column(p, l->error, 13);
	p = u64_column_right(p, l->retries, 7);
	p = column_end(p, duration_put(p, l->latency_ns), 9);
	p = text_column(p, l->verdict, 22);
	p = endpoint_put(p, l->family, l->saddr, l->sport);
	*p++ = '\n';
	fwrite_unlocked(line, 1, p - line, f);
}

void text_attempt(FILE *f, const struct attempt *a)
{
	const char *error = errno_name(a->error);
	const struct line_fields l = {
		.wall_ns = a->wall_ns,
		.pid = a->pid,
		.comm = a->comm,
		.family = a->family,
		.daddr = a->daddr,
		.saddr = a->saddr,
		.dport = a->dport,
		.sport = a->sport,
		.host = a->dns.host,
		.outcome = outcome_name(a->outcome),
		.error = *error ? error : "-",
		.retries = a->syn_retries,
		.latency_ns = a->latency_ns,
		.verdict = a->dest ? dest_verdict(a->dest) : "-",
	};

	text_line(f, &l);
}

/* A stall: still pending, reported before its outcome is known. */
void text_stall(FILE *f, const struct pending *p, __u64 age_ns)
{
	const struct pending_info *e = &p->info;
	const struct line_fields l = {
		.wall_ns = wall_of_mono(e->start_ns),
		.pid = e->pid,
		.comm = e->comm,
		.family = e->family,
		.daddr = e->daddr,
		.saddr = e->saddr,
		.dport = e->dport,
		.sport = e->sport,
		.host = p->dns.host,
		.outcome = "STALLED",
		.error = "-",
		.retries = e->syn_retries,
		.latency_ns = age_ns,
		.verdict = "(pending)",
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
