// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <netinet/in.h>
#include "clock.h"
#include "columns.h"
#include "csv.h"
#include "format.h"

/* A row being written: fields are separated as they are added. */
struct row {
	FILE *f;
	int fields;
};

FILE *csv_open(const char *path, const char *option)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "synscope: %s: cannot write '%s': %s\n", option, path,
			strerror(errno));
	return f;
}

/* Rows are written by one thread: the stdio calls skip their locks. */
void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs_unlocked(s, f);
		return;
	}
	putc_unlocked('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc_unlocked('"', f);
		putc_unlocked(*s, f);
	}
	putc_unlocked('"', f);
}

static void cell(struct row *r, const char *s)
{
	if (r->fields++)
		putc_unlocked(',', r->f);
	csv_field(r->f, s);
}

/* Digits need no quoting, nor printf: attempts rows are mostly numbers. */
static void cell_u64(struct row *r, __u64 v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	if (r->fields++)
		putc_unlocked(',', r->f);
	fwrite_unlocked(p, 1, buf + sizeof(buf) - p, r->f);
}

static void row_end(struct row *r)
{
	fputs("\r\n", r->f);
	fflush(r->f);
}

static void header(FILE *f, const char *const *names)
{
	struct row r = { f, 0 };

	for (; *names; names++)
		cell(&r, *names);
	row_end(&r);
}

void csv_attempt_header(FILE *f)
{
	static const char *const names[] = {
		"ts_iso",	  "ts_ns",  "pid",	   "tid",	 "comm",  "netns",
		"cgroup_id",	  "family", "saddr",	   "sport",	 "daddr", "dport",
		"outcome",	  "errno",  "syn_retries", "latency_us", "host",  "dns_age_us",
		"dns_latency_us", NULL,
	};

	header(f, names);
}

void csv_attempt_row(FILE *f, const struct attempt *a)
{
	char buf[ADDR_STRLEN > TIME_STRLEN ? ADDR_STRLEN : TIME_STRLEN];
	struct row r = { f, 0 };

	cell(&r, time_iso_fmt(buf, sizeof(buf), a->wall_ns));
	cell_u64(&r, a->wall_ns);
	cell_u64(&r, a->pid);
	cell_u64(&r, a->tid);
	cell(&r, a->comm);
	cell_u64(&r, a->netns);
	cell_u64(&r, a->cgroup_id);
	cell(&r, family_name(a->family));
	cell(&r, addr_fmt(buf, sizeof(buf), a->family, a->saddr));
	cell_u64(&r, a->sport);
	cell(&r, addr_fmt(buf, sizeof(buf), a->family, a->daddr));
	cell_u64(&r, a->dport);
	cell(&r, outcome_name(a->outcome));
	cell(&r, errno_name(a->error));
	cell_u64(&r, a->syn_retries);
	cell_u64(&r, a->latency_ns / 1000);
	cell(&r, a->dns.host);
	if (a->dns.host[0]) {
		snprintf(buf, sizeof(buf), "%lld", (long long)(a->dns_age_ns / 1000));
		cell(&r, buf);
		cell_u64(&r, a->dns.latency_ns / 1000);
	} else {
		cell(&r, "");
		cell(&r, "");
	}
	row_end(&r);
}

/* The summary's columns: snapshot_ts, then the table's CSV columns in table order. */
void csv_summary_header(FILE *f)
{
	enum column_id order[COL__COUNT];
	size_t n = columns_of(OUTPUT_CSV, order), i;
	struct row r = { f, 0 };

	cell(&r, "snapshot_ts");
	for (i = 0; i < n; i++)
		cell(&r, columns[order[i]].csv);
	row_end(&r);
}

/* A value as the CSV has it: unknown ones empty, numbers without units. */
static void value_cell(struct row *r, const struct column *col, const struct cell *v)
{
	char buf[32];

	if (v->state == CELL_UNKNOWN) {
		cell(r, "");
	} else if (column_is_text(col)) {
		cell(r, v->text);
	} else if (col->format == FORMAT_RATE || col->format == FORMAT_PERCENT) {
		snprintf(buf, sizeof(buf), "%.1f", v->num);
		cell(r, buf);
	} else {
		cell_u64(r, (__u64)v->num);
	}
}

static void summary_row(FILE *f, const enum column_id *order, size_t n, const struct dest *d,
			const char *snapshot)
{
	char buf[COLUMN_TEXT_LEN];
	struct row r = { f, 0 };
	struct cell v;
	size_t i;

	cell(&r, snapshot);
	for (i = 0; i < n; i++) {
		column_value(order[i], d, &v, buf);
		value_cell(&r, &columns[order[i]], &v);
	}
	row_end(&r);
}

void csv_summary_rows(FILE *f, const struct collector *c, __u64 snapshot_wall_ns)
{
	enum column_id order[COL__COUNT];
	size_t n = columns_of(OUTPUT_CSV, order);
	char snapshot[TIME_STRLEN];
	const struct dest *d;

	time_iso_fmt(snapshot, sizeof(snapshot), snapshot_wall_ns);
	for (d = collector_next(c, NULL); d; d = collector_next(c, d))
		summary_row(f, order, n, d, snapshot);
	/* The host-wide figures last, daddr "*": the ENI capacity is the host's. */
	summary_row(f, order, n, collector_total(c), snapshot);
}

void csv_lookup_header(FILE *f)
{
	static const char *const names[] = {
		"ts_iso",      "ts_ns",	    "pid",	 "comm",  "netns", "server",
		"server_port", "transport", "qname",	 "qtype", "rcode", "result",
		"latency_us",  "answers",   "canonical", NULL,
	};

	header(f, names);
}

void csv_lookup_row(FILE *f, const struct lookup *l)
{
	char buf[512], mnemonic[DNS_MNEMONIC_SIZE];
	__u64 wall = wall_of_mono(l->mono_ns);
	bool answered = l->result != LOOKUP_UNANSWERED;
	struct row r = { f, 0 };

	cell(&r, time_iso_fmt(buf, sizeof(buf), wall));
	cell_u64(&r, wall);
	cell_u64(&r, l->pid);
	cell(&r, l->comm);
	cell_u64(&r, l->netns);
	cell(&r, addr_fmt(buf, sizeof(buf), l->family, l->server));
	cell_u64(&r, l->server_port);
	cell(&r, l->protocol == IPPROTO_TCP ? "tcp" : "udp");
	cell(&r, l->qname);
	cell(&r, dns_type_name(l->qtype, mnemonic, sizeof(mnemonic)));
	cell(&r, answered ? dns_rcode_name(l->rcode, mnemonic, sizeof(mnemonic)) : "");
	cell(&r, lookup_result_name(l->result));
	if (answered)
		cell_u64(&r, l->latency_ns / 1000);
	else
		cell(&r, "");
	cell(&r, lookup_answers(l, buf, sizeof(buf)));
	cell(&r, l->canonical);
	row_end(&r);
}
