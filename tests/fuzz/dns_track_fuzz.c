// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the whole path a captured DNS packet takes:
 * user/dns/dns_packet.c (IP, UDP, TCP headers), user/dns/dns_parse.c and
 * user/dns/dns_track.c (matching, the address cache, expiry).
 *
 * The first input byte picks the direction and whether the capture was cut;
 * the rest is the packet from its IP header.  Each input is fed as a query
 * and then with the direction flipped, so that responses find queries to
 * match; then everything pending expires.  ASan and UBSan catch
 * out-of-bounds reads and undefined behaviour.  `make fuzz` builds and runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns_track.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static struct dns_track track;
static struct dns_packet packet;

static void check_lookup(const struct lookup *l, void *ctx)
{
	(void)ctx;
	CHECK(l->result < LOOKUP__COUNT);
	CHECK(l->n_addrs <= LOOKUP_MAX_ADDRS);
	CHECK(memchr(l->qname, '\0', sizeof(l->qname)) != NULL);
	CHECK(memchr(l->canonical, '\0', sizeof(l->canonical)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialized;
	size_t len;

	if (!initialized) {
		if (dns_track_init(&track, 1000))
			__builtin_trap();
		initialized = 1;
	}
	if (size < 1)
		return 0;
	len = size - 1 < sizeof(packet.data) ? size - 1 : sizeof(packet.data);
	memset(&packet, 0, sizeof(packet));
	memcpy(packet.data, data + 1, len);
	packet.cap_len = len;
	/* A cut capture claims more bytes than were copied. */
	packet.len = len + ((data[0] & 2) ? 100 : 0);
	packet.cookie = data[0] >> 4;
	packet.ts_ns = 1000;
	packet.direction = (data[0] & 1) ? DNS_INGRESS : DNS_EGRESS;
	dns_track_packet(&track, &packet, check_lookup, NULL);
	packet.direction = packet.direction == DNS_EGRESS ? DNS_INGRESS : DNS_EGRESS;
	packet.ts_ns = 2000;
	dns_track_packet(&track, &packet, check_lookup, NULL);
	/* Expire everything now and then, so the tables stay small. */
	if (track.pending.len > 1000 || track.cache.len > 1000)
		dns_track_expire(&track, ~0ULL >> 1, check_lookup, NULL);
	return 0;
}
