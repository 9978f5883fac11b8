/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel stamps events with CLOCK_MONOTONIC; outputs show wall-clock time. */
#ifndef SYNSCOPE_CLOCK_H
#define SYNSCOPE_CLOCK_H

#include <linux/types.h>

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* CLOCK_MONOTONIC now, in ns: the kernel's bpf_ktime_get_ns(). */
__u64 mono_now_ns(void);

/* CLOCK_REALTIME now, in ns since the epoch. */
__u64 wall_now_ns(void);

/* The wall-clock time of a monotonic stamp, as of the last clock_sync(). */
__u64 wall_of_mono(__u64 mono_ns);

/* Measure the offset between the two clocks again (after a clock step). */
void clock_sync(void);

/* For tests: from now on wall_of_mono(mono_ns) is wall_ns, whatever the clocks say. */
void clock_fix(__u64 wall_ns, __u64 mono_ns);

#endif
