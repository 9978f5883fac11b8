// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include "dns_lookups.h"
#include "dns_wire.h"

void track_query(struct dns_track *t, __u64 ts, __u32 netns, __u16 id, const char *name,
		 __u16 sport, lookup_fn fn, void *ctx)
{
	struct dns_packet p = {
		.ts_ns = ts, .cookie = 7, .pid = 42, .netns = netns, .direction = DNS_EGRESS
	};
	__u8 msg[512];

	strcpy(p.comm, "client");
	udp_packet(&p, TEST_CLIENT, TEST_SERVER, sport, 53, msg,
		   dns_msg(msg, id, false, 0, name, NULL, 0));
	dns_track_packet(t, &p, fn, ctx);
}

void track_answer(struct dns_track *t, __u64 ts, __u16 id, const char *name, __u16 dport,
		  __u8 rcode, const __u8 *addr, __u32 ttl, lookup_fn fn, void *ctx)
{
	struct dns_packet p = { .ts_ns = ts, .cookie = 7, .direction = DNS_INGRESS };
	__u8 msg[512];

	udp_packet(&p, TEST_SERVER, TEST_CLIENT, 53, dport, msg,
		   dns_msg(msg, id, true, rcode, name, addr, ttl));
	dns_track_packet(t, &p, fn, ctx);
}
