/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming text output: one line per resolved attempt, per new stall,
 * per DNS lookup and per capacity warning.
 */
#ifndef SYNSCOPE_TEXT_H
#define SYNSCOPE_TEXT_H

#include <stdio.h>
#include "collector.h"

void text_header(FILE *f);
void text_attempt(FILE *f, const struct attempt *a);
void text_stall(FILE *f, const struct pending *p);
void text_lookup(FILE *f, const struct lookup *l);

/* A destination's (or the host's) capacity notices: past --capacity-warn, a plateau. */
void text_capacity(FILE *f, const struct dest *d);

#endif
