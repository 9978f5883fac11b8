// SPDX-License-Identifier: GPL-2.0-only
/*
 * LD_PRELOAD for tests/e2e/clock_step.sh: a wall-clock step, for one
 * process.  Once the file CLOCK_STEP_FILE exists, CLOCK_REALTIME reads
 * CLOCK_STEP_S seconds later than it is (as after settimeofday); every
 * other clock is left alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	static long step_s;
	const char *file;
	int err;

	if (!real)
		real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
	err = real(id, ts);
	if (err || id != CLOCK_REALTIME)
		return err;
	file = getenv("CLOCK_STEP_FILE");
	if (!step_s && file && !access(file, F_OK))
		step_s = atol(getenv("CLOCK_STEP_S") ?: "0");
	ts->tv_sec += step_s;
	return 0;
}
