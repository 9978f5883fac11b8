/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CSV files (RFC 4180: CRLF line ends, fields quoted when they hold a comma,
 * a quote or a line break, quotes doubled).  Rows are written to the
 * FILE's buffer; the caller flushes it once per batch of events (run.c:
 * at least every 100 ms), so a killed run loses at most the rows of the
 * last batch.
 */
#ifndef SYNSCOPE_CSV_H
#define SYNSCOPE_CSV_H

#include <stdio.h>
#include <sys/types.h>
#include "collector.h"

/*
 * A CSV file of the session: opened with its header, reopened at its path on
 * SIGHUP (log rotation), and given up when a write fails (a full disk): the
 * rows it holds stay whole, the ones that could not be written are counted.
 */
struct csv_file {
	const char *path;   /* NULL: not asked for */
	const char *option; /* "--csv": messages name it */
	const char *unit;   /* what one write is: "rows", "snapshots" */
	void (*header)(FILE *f);
	bool flush_each; /* a write can be larger than the buffer: flushed at once */
	FILE *f;	 /* NULL when not asked for or given up */
	__u64 written;	 /* writes that reached the file(s) */
	__u64 lost;	 /* writes that did not: the file had failed */
	char *buf;	 /* stdio's buffer, BUF_SIZE bytes */
	off_t end;	 /* where the last write ends in the file */
	size_t buffered; /* what stdio held after it */
	off_t *ends;	 /* where each write of the batch ends in the file */
	size_t pending, room;
	int error;   /* errno of the failure that stopped the writes, 0 if none */
	bool failed; /* a write or reopen failed at some point */
};

/* Create (or empty) the file and write its header; -errno after one line on stderr. */
int csv_file_open(struct csv_file *cf);

/* Where the next write goes, or NULL: not asked for, or given up (counted as lost). */
FILE *csv_file_begin(struct csv_file *cf);

/*
 * After a write that began with csv_file_begin(): if it failed, cut the file
 * back to its last whole row, close it and say so in one line on stderr;
 * returns false then.
 */
bool csv_file_end(struct csv_file *cf);

/*
 * Write out the batch: its writes count as written.  If the write fails,
 * the file is given up as in csv_file_end(), and of the batch only the
 * writes that ended within the whole rows kept count as written.
 */
bool csv_file_flush(struct csv_file *cf);

/*
 * SIGHUP: close the file and open path again, appending (a header if it is
 * empty or new), whether or not it had failed; -errno after one line.
 */
int csv_file_reopen(struct csv_file *cf);

/* Close; accepts one that was never opened. */
void csv_file_close(struct csv_file *cf);

/* "--csv 'a.csv': No space left on device; 120 rows written, 3 not written" */
void csv_file_status(const struct csv_file *cf, char *buf, size_t len);

/* Write s as one field, quoted if it needs to be. */
void csv_field(FILE *f, const char *s);

/* --csv: one row per attempt. */
void csv_attempt_header(FILE *f);
void csv_attempt_row(FILE *f, const struct attempt *a);

/* --summary-csv: the per-destination table and the host-wide row, one snapshot per call. */
void csv_summary_header(FILE *f);
void csv_summary_rows(FILE *f, const struct collector *c, __u64 snapshot_wall_ns);

/* --dns-csv: one row per lookup. */
void csv_lookup_header(FILE *f);
void csv_lookup_row(FILE *f, const struct lookup *l);

#endif
