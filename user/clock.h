/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel stamps events with CLOCK_MONOTONIC; outputs show wall-clock time. */
#ifndef SYNSCOPE_CLOCK_H
#define SYNSCOPE_CLOCK_H

#include <stdbool.h>
#include <linux/types.h>

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/*
 * The two clocks run at the same rate (NTP slews both): their offset moves
 * only when the wall clock is stepped, and by more than this it is a step.
 */
#define CLOCK_STEP_NS (10 * NSEC_PER_MSEC)

/* CLOCK_MONOTONIC now, in ns: the kernel's bpf_ktime_get_ns(). */
__u64 mono_now_ns(void);

/* CLOCK_REALTIME now, in ns since the epoch. */
__u64 wall_now_ns(void);

/* The wall-clock time of a monotonic stamp, as of the last clock_sync() or step found. */
__u64 wall_of_mono(__u64 mono_ns);

/* Measure the offset between the two clocks (at start-up). */
void clock_sync(void);

/*
 * Measure it again: if the wall clock was stepped since, wall_of_mono()
 * follows it from now on and *step_ns says by how much.  Call it often
 * (synscope does every 250 ms): stamps converted between a step and this
 * are on the old clock.
 */
bool clock_resync(__s64 *step_ns);

/* For tests: from now on wall_of_mono(mono_ns) is wall_ns, whatever the clocks say. */
void clock_fix(__u64 wall_ns, __u64 mono_ns);

#endif
