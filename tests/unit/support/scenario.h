/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed run for the collector, the same every time: DNS lookups of every
 * result, attempts of every outcome with their errnos, SYN retransmissions
 * and closes, a scan of attempts in flight (one a stall), summary snapshots,
 * and the kernel's counters.  The clocks are fixed: the outputs it produces
 * are byte for byte the same on every run and every host (times in UTC).
 */
#ifndef SYNSCOPE_TEST_SCENARIO_H
#define SYNSCOPE_TEST_SCENARIO_H

#include <linux/types.h>
#include "collector.h"

#define SCENARIO_STALL_NS	1000000000ULL /* --stall-ms 1000 */
#define SCENARIO_DNS_TIMEOUT_NS 5000000000ULL /* --dns-timeout 5 */

/* What the outputs are told as it happens; any callback may be NULL. */
struct scenario_sink {
	void (*attempt)(const struct attempt *a, void *ctx);
	void (*stall)(const struct pending *p, void *ctx);
	lookup_fn lookup;
	/* Each interval, after collector_tick(): a summary snapshot at wall_ns. */
	void (*snapshot)(const struct collector *c, __u64 wall_ns, void *ctx);
	void *ctx;
};

/* Fix the clocks and the time zone, then feed the run to c (made with the times above). */
void scenario_run(struct collector *c, const struct scenario_sink *sink);

#endif
