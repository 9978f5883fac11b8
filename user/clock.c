// SPDX-License-Identifier: GPL-2.0-only
#include <time.h>
#include "clock.h"

/* A reading of the offset whose two monotonic reads are further apart is retried. */
#define OFFSET_READ_MAX_NS (100 * NSEC_PER_USEC)
#define OFFSET_READ_TRIES  5

static __s64 wall_minus_mono;

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

__u64 mono_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

__u64 wall_now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* Wall minus monotonic now: the wall clock read between two monotonic reads close together. */
static __s64 offset_now(void)
{
	__u64 before, wall, after;
	int i;

	for (i = 0;; i++) {
		before = mono_now_ns();
		wall = wall_now_ns();
		after = mono_now_ns();
		if (after - before <= OFFSET_READ_MAX_NS || i == OFFSET_READ_TRIES - 1)
			break;
	}
	return (__s64)(wall - (before + (after - before) / 2));
}

void clock_sync(void)
{
	wall_minus_mono = offset_now();
}

bool clock_resync(__s64 *step_ns)
{
	__s64 offset = offset_now(), step = offset - wall_minus_mono;

	if (step < (__s64)CLOCK_STEP_NS && step > -(__s64)CLOCK_STEP_NS)
		return false;
	wall_minus_mono = offset;
	*step_ns = step;
	return true;
}

void clock_fix(__u64 wall_ns, __u64 mono_ns)
{
	wall_minus_mono = (__s64)(wall_ns - mono_ns);
}

__u64 wall_of_mono(__u64 mono_ns)
{
	if (!wall_minus_mono)
		clock_sync();
	return mono_ns + wall_minus_mono;
}
