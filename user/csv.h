/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CSV files (RFC 4180: CRLF line ends, fields quoted when they hold a comma,
 * a quote or a line break, quotes doubled).  Every row is flushed as it is
 * written, so a killed run loses at most the row being written.
 */
#ifndef SYNSCOPE_CSV_H
#define SYNSCOPE_CSV_H

#include <stdio.h>
#include "collector.h"

/* Open path for writing; prints one error line and returns NULL on failure. */
FILE *csv_open(const char *path, const char *option);

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
