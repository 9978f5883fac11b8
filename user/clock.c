// SPDX-License-Identifier: GPL-2.0-only
#include <stdint.h>
#include <time.h>
#include "clock.h"

/*
 * The offset is read this many times and the reading taken whose two
 * monotonic reads were closest: a reading interrupted or preempted between
 * them (tens of microseconds on a busy host) is off by half the gap.
 */
#define OFFSET_READS 16

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

/*
 * Wall minus monotonic now: the wall clock read between two monotonic
 * reads, from the try whose monotonic reads were closest together.  The
 * kernel keeps the two clocks a fixed offset apart until the wall clock
 * steps, so the error is at most half that gap.
 */
static __s64 offset_now(void)
{
	__u64 before, wall, after, best_gap = UINT64_MAX;
	__s64 best = 0;
	int i;

	for (i = 0; i < OFFSET_READS; i++) {
		before = mono_now_ns();
		wall = wall_now_ns();
		after = mono_now_ns();
		if (after - before < best_gap) {
			best_gap = after - before;
			best = (__s64)(wall - (before + best_gap / 2));
		}
	}
	return best;
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
