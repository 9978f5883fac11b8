// SPDX-License-Identifier: GPL-2.0-only
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "term.h"

#define ESC_DELAY_MS 25 /* how long a lone Esc waits for the rest of a key sequence */

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static struct {
	SCREEN *screen;
	FILE *tty_in; /* /dev/tty, opened when stdin is not a terminal */
	int input_fd;
	bool color;
	bool utf8;
	bool atexit_done;
	char *ctype; /* LC_CTYPE before term_open() */
	struct sigaction saved[N_FATAL];
} term = { .input_fd = -1 };

/* Read by the fatal-signal handler. */
static volatile sig_atomic_t screen_active;

bool term_no_color(void)
{
	const char *v = getenv("NO_COLOR");

	return v && *v;
}

static void on_fatal_signal(int sig)
{
	if (screen_active) {
		screen_active = 0;
		endwin();
	}
	/* SA_RESETHAND made the action the default, SA_NODEFER delivers it now. */
	raise(sig);
}

static void fatal_install(void)
{
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < N_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &term.saved[i]);
}

static void fatal_restore(void)
{
	unsigned int i;

	for (i = 0; i < N_FATAL; i++)
		sigaction(fatal_signals[i], &term.saved[i], NULL);
}

/* The multibyte locale of the environment, for UTF-8 glyphs; numbers stay in "C". */
static void locale_take(void)
{
	const char *ctype = setlocale(LC_CTYPE, NULL);

	term.ctype = ctype ? strdup(ctype) : NULL;
	setlocale(LC_CTYPE, "");
	term.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
}

static void locale_restore(void)
{
	if (term.ctype)
		setlocale(LC_CTYPE, term.ctype);
	free(term.ctype);
	term.ctype = NULL;
}

/* Keys come from stdin, or from /dev/tty when stdin is redirected. */
static FILE *input_open(void)
{
	if (isatty(STDIN_FILENO))
		return stdin;
	term.tty_in = fopen("/dev/tty", "r");
	return term.tty_in ? term.tty_in : stdin;
}

static void input_close(void)
{
	if (term.tty_in)
		fclose(term.tty_in);
	term.tty_in = NULL;
	term.input_fd = -1;
}

static void colors_init(void)
{
	int background;

	term.color = has_colors() && !term_no_color();
	if (!term.color)
		return;
	start_color();
	background = use_default_colors() == OK ? -1 : COLOR_BLACK;
	init_pair(TERM_FAIL, COLOR_RED, background);
	init_pair(TERM_WARN, COLOR_YELLOW, background);
	init_pair(TERM_OK, COLOR_GREEN, background);
}

static void modes_set(void)
{
	cbreak(); /* keys at once; Ctrl-C still sends SIGINT to the session */
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
}

static void term_atexit(void)
{
	term_close();
}

int term_open(void)
{
	FILE *in;

	if (term.screen)
		return 0;
	if (!isatty(STDOUT_FILENO))
		return -ENOTTY;
	locale_take();
	in = input_open();
	term.screen = newterm(NULL, stdout, in);
	if (!term.screen) {
		input_close();
		locale_restore();
		return -EINVAL;
	}
	set_term(term.screen);
	term.input_fd = isatty(fileno(in)) ? fileno(in) : -1;
	fatal_install();
	if (!term.atexit_done)
		term.atexit_done = !atexit(term_atexit);
	screen_active = 1;
	modes_set();
	colors_init();
	return 0;
}

void term_close(void)
{
	if (!term.screen)
		return;
	screen_active = 0;
	curs_set(1);
	endwin();
	delscreen(term.screen);
	term.screen = NULL;
	fatal_restore();
	input_close();
	locale_restore();
	fflush(stdout);
}

int term_input_fd(void)
{
	return term.input_fd;
}

bool term_gone(void)
{
	struct pollfd in = { .fd = term.input_fd, .events = POLLIN };

	return term.input_fd >= 0 && poll(&in, 1, 0) > 0 &&
	       (in.revents & (POLLHUP | POLLERR | POLLNVAL));
}

int term_key(void)
{
	return term.screen ? getch() : ERR;
}

int term_attr(enum term_color color)
{
	if (color == TERM_PLAIN)
		return 0;
	if (term.color)
		return COLOR_PAIR(color) | (color == TERM_FAIL ? A_BOLD : 0);
	/* Without colour, failures and warnings still stand out. */
	return color == TERM_OK ? 0 : A_BOLD;
}

bool term_utf8(void)
{
	return term.utf8;
}
