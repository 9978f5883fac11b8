// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>
#include "clock.h"
#include "columns.h"
#include "csv.h"
#include "format.h"

/*
 * A row being built in memory, then handed to stdio in one call: an
 * attempt row is some twenty fields, thousands of rows a second, and a
 * stdio call per field (each with its own checks) cost more than the
 * digits.  Fields are separated as they are added; a row longer than the
 * buffer (a summary row, a long host name quoted) goes out in pieces.
 */
#define ROW_BUF 1024

struct row {
	FILE *f;
	int fields;
	size_t len;
	char buf[ROW_BUF];
};

/* Not an initializer: that would clear the buffer, which costs more than the row. */
static void row_init(struct row *r, FILE *f)
{
	r->f = f;
	r->fields = 0;
	r->len = 0;
}

/* Room for n more bytes (n <= ROW_BUF): what the row holds so far goes to stdio if need be. */
static char *row_room(struct row *r, size_t n)
{
	if (r->len + n > ROW_BUF) {
		fwrite_unlocked(r->buf, 1, r->len, r->f);
		r->len = 0;
	}
	return r->buf + r->len;
}

static void row_put(struct row *r, const char *s, size_t n)
{
	/*
	 * The common case first, with a size the compiler cannot bound: a
	 * bounded one it copies with rep movs, whose start-up costs more than
	 * the few bytes of a field.
	 */
	if (n <= ROW_BUF - r->len) {
		memcpy(r->buf + r->len, s, n);
		r->len += n;
		return;
	}
	while (n) {
		size_t part = n < ROW_BUF ? n : ROW_BUF;

		memcpy(row_room(r, part), s, part);
		r->len += part;
		s += part;
		n -= part;
	}
}

static void row_sep(struct row *r)
{
	if (r->fields++)
		*row_room(r, 1) = ',', r->len++;
}

/* Read and write: a file given up is read back to cut its partial row. */
static FILE *csv_open(const char *path, const char *option)
{
	FILE *f = fopen(path, "w+e");

	if (!f)
		fprintf(stderr, "synscope: %s: cannot write '%s': %s\n", option, path,
			strerror(errno));
	return f;
}

/* A buffer of known size: a row's end is found from what stdio holds, without a syscall. */
#define BUF_SIZE (1 << 16)

static int use_buffer(struct csv_file *cf)
{
	if (!cf->buf)
		cf->buf = malloc(BUF_SIZE);
	if (!cf->buf || setvbuf(cf->f, cf->buf, _IOFBF, BUF_SIZE))
		return -ENOMEM;
	return 0;
}

/* After the header: the file's end, where the batch's writes start. */
static void batch_start(struct csv_file *cf)
{
	cf->end = ftello(cf->f);
	cf->buffered = 0;
	cf->pending = 0;
}

int csv_file_open(struct csv_file *cf)
{
	cf->f = csv_open(cf->path, cf->option);
	if (!cf->f)
		return -errno;
	if (use_buffer(cf)) {
		fprintf(stderr, "synscope: %s: '%s': out of memory\n", cf->option, cf->path);
		fclose(cf->f);
		cf->f = NULL;
		return -ENOMEM;
	}
	cf->header(cf->f);
	if (ferror(cf->f)) {
		fprintf(stderr, "synscope: %s: cannot write '%s': %s\n", cf->option, cf->path,
			strerror(errno ?: EIO));
		fclose(cf->f);
		cf->f = NULL;
		return -(errno ?: EIO);
	}
	batch_start(cf);
	return 0;
}

FILE *csv_file_begin(struct csv_file *cf)
{
	if (!cf->f && cf->path)
		cf->lost++;
	return cf->f;
}

/* The offset just past the last line end at or before end, 0 if none. */
static off_t last_line_end(int fd, off_t end)
{
	char buf[4096];

	while (end > 0) {
		off_t start = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		ssize_t n = pread(fd, buf, end - start, start);

		if (n <= 0)
			return 0;
		while (n > 0)
			if (buf[--n] == '\n')
				return start + n + 1;
		end = start;
	}
	return 0;
}

/*
 * Drop what stdio still holds and the part of a row the kernel took: only
 * whole rows stay.  Returns where the file ends now.
 */
static off_t cut_to_whole_rows(FILE *f)
{
	int fd = fileno(f);
	off_t end = lseek(fd, 0, SEEK_END);
	off_t whole;

	__fpurge(f);
	if (end <= 0)
		return 0;
	whole = last_line_end(fd, end);
	if (ftruncate(fd, whole))
		return end; /* the file keeps its partial row: nothing more to do */
	return whole;
}

/* The writes of the batch that end within the file's first kept bytes reached it. */
static void settle_batch(struct csv_file *cf, off_t kept)
{
	size_t i;

	for (i = 0; i < cf->pending; i++) {
		if (cf->ends[i] <= kept)
			cf->written++;
		else
			cf->lost++;
	}
	cf->pending = 0;
}

static void give_up(struct csv_file *cf, int error)
{
	cf->error = error;
	cf->failed = true;
	settle_batch(cf, cut_to_whole_rows(cf->f));
	fclose(cf->f);
	cf->f = NULL;
	fprintf(stderr,
		"synscope: %s: writing '%s' failed: %s: no more %s written to it, tracing goes "
		"on\n",
		cf->option, cf->path, strerror(error), cf->unit);
}

/*
 * Remember where this write ends: stdio held cf->buffered bytes before it
 * and holds __fpending() now; less (or as much) means it passed its full
 * buffer on once, which a write smaller than the buffer can do at most once.
 * False: no room for it (out of memory).
 */
static bool note_end(struct csv_file *cf)
{
	size_t now = __fpending(cf->f), room;
	off_t *ends;

	if (cf->pending == cf->room) {
		room = cf->room ? 2 * cf->room : 256;
		ends = realloc(cf->ends, room * sizeof(*ends));
		if (!ends)
			return false;
		cf->ends = ends;
		cf->room = room;
	}
	cf->end += now > cf->buffered ? now - cf->buffered : now + BUF_SIZE - cf->buffered;
	cf->buffered = now;
	cf->ends[cf->pending++] = cf->end;
	return true;
}

bool csv_file_end(struct csv_file *cf)
{
	/* A write stdio passed on when its buffer filled failed: errno is its error. */
	int error = errno ?: EIO;

	if (ferror(cf->f)) {
		cf->lost++; /* this write: the stream failed while it was written */
		give_up(cf, error);
		return false;
	}
	if (!cf->flush_each && note_end(cf))
		return true;
	/* Written out now, alone after the batch: it counts once that succeeds. */
	if (!csv_file_flush(cf)) {
		cf->lost++;
		return false;
	}
	cf->written++;
	return true;
}

bool csv_file_flush(struct csv_file *cf)
{
	if (!cf->f)
		return true;
	errno = 0;
	if (fflush(cf->f)) {
		give_up(cf, errno ?: EIO);
		return false;
	}
	cf->written += cf->pending;
	cf->pending = 0;
	cf->buffered = 0;
	return true;
}

static FILE *open_append(const char *path, bool *empty)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	*empty = !fstat(fd, &st) && st.st_size == 0;
	f = fdopen(fd, "a+");
	if (!f)
		close(fd);
	return f;
}

int csv_file_reopen(struct csv_file *cf)
{
	bool empty = false;
	int err;

	if (!cf->path)
		return 0;
	if (cf->f && csv_file_flush(cf))
		fclose(cf->f);
	cf->f = open_append(cf->path, &empty);
	if (!cf->f) {
		err = errno;
		cf->error = err;
		cf->failed = true;
		fprintf(stderr, "synscope: %s: cannot reopen '%s': %s: no more %s written to it\n",
			cf->option, cf->path, strerror(err), cf->unit);
		return -err;
	}
	if (use_buffer(cf)) {
		give_up(cf, ENOMEM);
		return -ENOMEM;
	}
	if (empty) {
		errno = 0;
		cf->header(cf->f);
		if (ferror(cf->f)) {
			give_up(cf, errno ?: EIO);
			return -cf->error;
		}
	}
	batch_start(cf);
	return 0;
}

void csv_file_close(struct csv_file *cf)
{
	csv_file_flush(cf);
	free(cf->ends);
	cf->ends = NULL;
	cf->pending = cf->room = 0;
	if (cf->f && fclose(cf->f)) {
		cf->failed = true;
		cf->error = errno;
		fprintf(stderr, "synscope: %s: closing '%s' failed: %s\n", cf->option, cf->path,
			strerror(errno));
	}
	cf->f = NULL;
	free(cf->buf); /* after fclose: stdio's buffer */
	cf->buf = NULL;
}

void csv_file_status(const struct csv_file *cf, char *buf, size_t len)
{
	snprintf(buf, len, "%s '%s': %s; %llu %s written, %llu not written", cf->option, cf->path,
		 cf->error ? strerror(cf->error) : "ok", (unsigned long long)cf->written, cf->unit,
		 (unsigned long long)cf->lost);
}

static bool needs_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

/* s quoted at p, quotes doubled: 2 * n + 2 bytes at most; returns the end. */
static char *quoted_put(char *p, const char *s, size_t n)
{
	size_t i;

	*p++ = '"';
	for (i = 0; i < n; i++) {
		*p++ = s[i];
		if (s[i] == '"')
			*p++ = '"';
	}
	*p++ = '"';
	return p;
}

/* s as one field, quoted if it needs to be, quotes doubled. */
static void row_field(struct row *r, const char *s, size_t n)
{
	size_t i;

	if (!needs_quotes(s, n)) {
		row_put(r, s, n);
		return;
	}
	if (2 * n + 2 <= ROW_BUF) {
		char *p = row_room(r, 2 * n + 2);

		r->len = quoted_put(p, s, n) - r->buf;
		return;
	}
	row_put(r, "\"", 1);
	for (i = 0; i < n; i++) {
		char *p = row_room(r, 2);

		*p++ = s[i];
		r->len++;
		if (s[i] == '"')
			*p = '"', r->len++;
	}
	row_put(r, "\"", 1);
}

static void row_end(struct row *r)
{
	row_put(r, "\r\n", 2);
	fwrite_unlocked(r->buf, 1, r->len, r->f);
	r->len = 0;
}

void csv_field(FILE *f, const char *s)
{
	struct row r;

	row_init(&r, f);
	row_field(&r, s, strlen(s));
	fwrite_unlocked(r.buf, 1, r.len, f);
}

static void cell(struct row *r, const char *s)
{
	row_sep(r);
	row_field(r, s, strlen(s));
}

/* Text that never needs quotes: names of ours, addresses, digits. */
static void cell_plain(struct row *r, const char *s)
{
	row_sep(r);
	row_put(r, s, strlen(s));
}

/* The decimal digits of v: attempts rows are mostly numbers, and printf is slow. */
static void put_digits(struct row *r, __u64 v)
{
	char *p = row_room(r, U64_STRLEN);

	r->len = u64_put(p, v) - r->buf;
}

static void cell_u64(struct row *r, __u64 v)
{
	row_sep(r);
	put_digits(r, v);
}

static void cell_s64(struct row *r, __s64 v)
{
	row_sep(r);
	if (v < 0)
		row_put(r, "-", 1);
	put_digits(r, v < 0 ? -(__u64)v : (__u64)v);
}

static void header(FILE *f, const char *const *names)
{
	struct row r;

	row_init(&r, f);
	for (; *names; names++)
		cell(&r, *names);
	row_end(&r);
	fflush(f);
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

/* A field and its comma, at p. */
static char *u64_comma(char *p, __u64 v)
{
	p = u64_put(p, v);
	*p = ',';
	return p + 1;
}

static char *text_comma(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	p[n] = ',';
	return p + n + 1;
}

/* The command name (at most COMM_LEN - 1 bytes), quoted if it needs to be, and its comma. */
static char *comm_comma(char *p, const char *comm)
{
	size_t n = 0;

	while (n < COMM_LEN && comm[n])
		n++;
	if (needs_quotes(comm, n))
		p = quoted_put(p, comm, n);
	else
		p = (char *)memcpy(p, comm, n) + n;
	*p = ',';
	return p + 1;
}

/*
 * Written at a cursor in the row's buffer: the fields up to errno in one
 * stretch of known room, the rest (a host name can be long) as row fields.
 */
#define ATTEMPT_HEAD_ROOM                                                          \
	(TIME_STRLEN + 1 + 7 * U64_STRLEN + (2 * COMM_LEN + 3) + sizeof("ipv4,") + \
	 2 * (ADDR_STRLEN + 1) + sizeof("local_error,"))

static void attempt_head(struct row *r, const struct attempt *a)
{
	char *p = row_room(r, ATTEMPT_HEAD_ROOM);
	const char *outcome = outcome_name(a->outcome);

	p = time_iso_put(p, a->wall_ns);
	*p++ = ',';
	p = u64_comma(p, a->wall_ns);
	p = u64_comma(p, a->pid);
	p = u64_comma(p, a->tid);
	p = comm_comma(p, a->comm);
	p = u64_comma(p, a->netns);
	p = u64_comma(p, a->cgroup_id);
	p = text_comma(p, family_name(a->family), 4); /* "ipv4" or "ipv6" */
	p = addr_put(p, a->family, a->saddr);
	*p++ = ',';
	p = u64_comma(p, a->sport);
	p = addr_put(p, a->family, a->daddr);
	*p++ = ',';
	p = u64_comma(p, a->dport);
	p = text_comma(p, outcome, strlen(outcome));
	r->len = p - r->buf;
}

void csv_attempt_row(FILE *f, const struct attempt *a)
{
	struct row r;

	_Static_assert(ATTEMPT_HEAD_ROOM <= ROW_BUF, "an attempt row's head fits the buffer");
	row_init(&r, f);
	/* It ends with errno's comma: errno is the first cell written as one. */
	attempt_head(&r, a);
	cell_plain(&r, errno_name(a->error));
	cell_u64(&r, a->syn_retries);
	cell_u64(&r, a->latency_ns / 1000);
	cell(&r, a->dns.host);
	if (a->dns.host[0]) {
		cell_s64(&r, a->dns_age_ns / 1000);
		cell_u64(&r, a->dns.latency_ns / 1000);
	} else {
		row_put(&r, ",,", 2);
	}
	row_end(&r);
}

/* The summary's columns: snapshot_ts, then the table's CSV columns in table order. */
void csv_summary_header(FILE *f)
{
	enum column_id order[COL__COUNT];
	size_t n = columns_of(OUTPUT_CSV, order), i;
	struct row r;

	row_init(&r, f);
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
	struct row r;
	struct cell v;
	size_t i;

	row_init(&r, f);
	cell(&r, snapshot);
	for (i = 0; i < n; i++) {
		column_value(order[i], d, &v, buf);
		value_cell(&r, &columns[order[i]], &v);
	}
	row_end(&r);
}

struct summary_rows {
	FILE *f;
	enum column_id order[COL__COUNT];
	size_t n;
	char snapshot[TIME_STRLEN];
};

static void dest_row(const struct dest *d, void *arg)
{
	const struct summary_rows *s = arg;

	summary_row(s->f, s->order, s->n, d, s->snapshot);
}

/* Worst first, as in the text summary and the dashboard. */
void csv_summary_rows(FILE *f, const struct collector *c, __u64 snapshot_wall_ns)
{
	struct summary_rows s = { .f = f };

	s.n = columns_of(OUTPUT_CSV, s.order);
	time_iso_fmt(s.snapshot, sizeof(s.snapshot), snapshot_wall_ns);
	collector_each_worst_first(c, dest_row, &s);
	/* The host-wide figures last, daddr "*": the ENI capacity is the host's. */
	summary_row(f, s.order, s.n, collector_total(c), s.snapshot);
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
	struct row r;

	row_init(&r, f);
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
