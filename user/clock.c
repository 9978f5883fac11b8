// SPDX-License-Identifier: GPL-2.0-only
#include <time.h>
#include "clock.h"

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

void clock_sync(void)
{
	__u64 mono = mono_now_ns();

	wall_minus_mono = (__s64)(wall_now_ns() - mono);
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
