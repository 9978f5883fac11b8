/* SPDX-License-Identifier: GPL-2.0-only */
/* DNS messages and the IPv4/UDP packets around them, built for the unit tests. */
#ifndef SYNSCOPE_TEST_DNS_WIRE_H
#define SYNSCOPE_TEST_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "dns.h"

#define DNS_TYPE_A    1
#define DNS_TYPE_AAAA 28

/*
 * A DNS message: header, one question for name of qtype (A or AAAA), and,
 * in a response with addr, one answer of addr (4 or 16 bytes by qtype, ttl).
 * Returns its length.
 */
size_t dns_message(__u8 *buf, __u16 id, bool response, __u8 rcode, const char *name, __u16 qtype,
		   const __u8 *addr, __u32 ttl);

/* The same for an A question. */
size_t dns_msg(__u8 *buf, __u16 id, bool response, __u8 rcode, const char *name, const __u8 *addr,
	       __u32 ttl);

/* An IPv4/UDP packet around payload, from src:sport to dst:dport (addresses: 4 bytes). */
void udp_packet(struct dns_packet *p, const char *src, const char *dst, __u16 sport, __u16 dport,
		const __u8 *payload, size_t len);

#endif
