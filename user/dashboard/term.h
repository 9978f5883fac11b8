/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal of the full-screen dashboard.  This module alone sets it up
 * and restores it, whatever the exit path: term_close(), exit() (an atexit
 * handler), and fatal signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
 * SIGQUIT: restored, then the signal is raised again with its default
 * action).  SIGINT and SIGTERM stay with the session, which stops its loop
 * and calls term_close() on its way out.
 */
#ifndef SYNSCOPE_TERM_H
#define SYNSCOPE_TERM_H

#include <stdbool.h>

/* What a colour means; each falls back to an attribute without colour. */
enum term_color {
	TERM_PLAIN = 0,
	TERM_FAIL, /* red: failures, dropped events */
	TERM_WARN, /* yellow: SYN retries, stalls, unanswered lookups */
	TERM_OK,   /* green: established, ok */
};

/*
 * Take over the terminal on stdout (keys from stdin, or /dev/tty when stdin
 * is not one).  0 on success; -ENOTTY when stdout is not a terminal, -EINVAL
 * when the terminal type is unknown to terminfo.
 */
int term_open(void);

/* Give the terminal back as it was; safe to call when it is not open. */
void term_close(void);

/* The descriptor to poll for keys, -1 if there is no keyboard. */
int term_input_fd(void);

/*
 * The terminal hung up (its emulator or ssh session closed): it reads and
 * polls as ready for ever, so its keys must not be waited for any more.
 */
bool term_gone(void);

/* The next key pressed (curses key codes, KEY_RESIZE after a resize), or -1 if none. */
int term_key(void);

/* The curses attributes of a colour (0 for TERM_PLAIN). */
int term_attr(enum term_color color);

/* Whether the terminal takes UTF-8 (for the sparkline glyphs). */
bool term_utf8(void);

/* NO_COLOR (https://no-color.org): set and not empty. */
bool term_no_color(void);

#endif
