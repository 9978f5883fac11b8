/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming text output: one line per resolved attempt, per new stall
 * and per DNS lookup.
 */
#ifndef SYNSCOPE_TEXT_H
#define SYNSCOPE_TEXT_H

#include <stdio.h>
#include "collector.h"

void text_header(FILE *f);
void text_attempt(FILE *f, const struct attempt *a);
void text_stall(FILE *f, const struct pending *p);
void text_lookup(FILE *f, const struct lookup *l);

#endif
