/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the signals ask for.  SIGINT and SIGTERM ask the session to stop,
 * SIGHUP to reopen the CSV files (log rotation); SIGPIPE is ignored, so that
 * a reader that went away shows as EPIPE and the session stops cleanly.
 * Installed first thing, so that a signal during start-up stops it too.
 */
#ifndef SYNSCOPE_SIGNALS_H
#define SYNSCOPE_SIGNALS_H

#include <stdbool.h>

void signals_install(void);

/* SIGINT or SIGTERM came, or signals_request_stop() was called. */
bool signals_stop_requested(void);
void signals_request_stop(void);

/* SIGHUP came since the last call. */
bool signals_take_reopen(void);

#endif
