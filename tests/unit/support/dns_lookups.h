/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Queries and their responses fed to a struct dns_track, as captured packets
 * between the client 198.18.0.1 (socket cookie 7, pid 42, comm "client") and
 * the server 198.18.0.2:53, for the unit tests.
 */
#ifndef SYNSCOPE_TEST_DNS_LOOKUPS_H
#define SYNSCOPE_TEST_DNS_LOOKUPS_H

#include <linux/types.h>
#include "dns_track.h"

#define TEST_CLIENT "\xc6\x12\x00\x01" /* 198.18.0.1 */
#define TEST_SERVER "\xc6\x12\x00\x02" /* 198.18.0.2 */

/* An A query for name from port sport, sent at ts in netns. */
void track_query(struct dns_track *t, __u64 ts, __u32 netns, __u16 id, const char *name,
		 __u16 sport, lookup_fn fn, void *ctx);

/* Its response at ts: rcode, and with addr (4 bytes) one answer of ttl seconds. */
void track_answer(struct dns_track *t, __u64 ts, __u16 id, const char *name, __u16 dport,
		  __u8 rcode, const __u8 *addr, __u32 ttl, lookup_fn fn, void *ctx);

#endif
