/* SPDX-License-Identifier: GPL-2.0-only */
/* The report printed at exit: per-destination table, capacity, event accounting. */
#ifndef SYNSCOPE_SUMMARY_H
#define SYNSCOPE_SUMMARY_H

#include <stdio.h>
#include "collector.h"

void summary_print(FILE *f, const struct collector *c);

/* The "capacity:" section: the limits, each affected destination's cause and advice, the host's. */
void capacity_print(FILE *f, const struct collector *c);
void accounting_print(FILE *f, const struct accounting *a);
void dns_accounting_print(FILE *f, const struct collector *c);

#endif
