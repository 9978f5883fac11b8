// SPDX-License-Identifier: GPL-2.0-only
#include <signal.h>
#include <string.h>
#include "signals.h"

static volatile sig_atomic_t stop_requested, reopen_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reopen_requested = 1;
	else
		stop_requested = 1;
}

void signals_install(void)
{
	static const int handled[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Writes are restarted; poll() never is: a signal still wakes the loop at once. */
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		sigaction(handled[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool signals_stop_requested(void)
{
	return stop_requested;
}

void signals_request_stop(void)
{
	stop_requested = 1;
}

bool signals_take_reopen(void)
{
	if (!reopen_requested)
		return false;
	reopen_requested = 0;
	return true;
}
