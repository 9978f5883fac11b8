/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live terminal dashboard (--dashboard): totals and rates, one row per
 * destination, the connects stalling now, and a detail view of one
 * destination.  It reads the collector and never writes to it; the terminal
 * itself belongs to term.c.
 */
#ifndef SYNSCOPE_DASHBOARD_H
#define SYNSCOPE_DASHBOARD_H

#include <stdbool.h>
#include <linux/types.h>
#include "cli.h"
#include "collector.h"

struct dashboard;

/*
 * Take over the terminal and draw the (empty) dashboard.  NULL after one
 * line on stderr when it cannot (stdout is not a terminal, the terminal type
 * is unknown, no memory): the caller streams text instead.
 */
struct dashboard *dashboard_open(const struct config *cfg, const char *mode);

/* Restore the terminal and free everything; accepts NULL. */
void dashboard_close(struct dashboard *db);

/* The keyboard's descriptor, to poll next to the tracer's; -1 if none. */
int dashboard_fd(const struct dashboard *db);

/*
 * Handle the keys pressed so far and redraw if any; false when the user
 * quits or the terminal is gone.
 */
bool dashboard_keys(struct dashboard *db);

/* A warning for the header (a CSV file that failed), shown from the next draw on. */
void dashboard_warn(struct dashboard *db, const char *text);

/* Once per interval: take a new snapshot of c (unless paused) and draw it. */
void dashboard_draw(struct dashboard *db, const struct collector *c, __u64 now_ns);

#endif
