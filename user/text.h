/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming text output: one line per resolved attempt, per new stall,
 * per DNS lookup and per capacity warning.
 */
#ifndef SYNSCOPE_TEXT_H
#define SYNSCOPE_TEXT_H

#include <stdio.h>
#include "collector.h"

/*
 * Before anything is written to f: a file or a pipe gets a buffer of 64 KB,
 * not stdio's 4 KB, so that the lines of a batch (flushed once per batch)
 * take a few writes instead of a write every 25 lines; a terminal keeps
 * its line buffering.
 */
void text_buffer(FILE *f);

void text_header(FILE *f);
void text_attempt(FILE *f, const struct attempt *a);
void text_stall(FILE *f, const struct pending *p, __u64 age_ns);
void text_lookup(FILE *f, const struct lookup *l);

/* A destination's (or the host's) capacity notices: past --capacity-warn, a plateau. */
void text_capacity(FILE *f, const struct dest *d);

#endif
