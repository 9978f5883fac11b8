/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A captured DNS packet decoded down to its DNS payload: IPv4 or IPv6, UDP
 * or TCP.  Written for hostile input like the DNS parser: every length is
 * checked against the bytes actually captured.
 */
#ifndef SYNSCOPE_DNS_PACKET_H
#define SYNSCOPE_DNS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

enum dns_packet_error {
	DNS_PACKET_OK = 0,
	DNS_PACKET_BAD_IP,	  /* not IPv4/IPv6, or a header that does not fit */
	DNS_PACKET_FRAGMENT,	  /* a later IPv4 fragment: no transport header */
	DNS_PACKET_BAD_TRANSPORT, /* not UDP/TCP, or a header that does not fit */
	DNS_PACKET_NO_PAYLOAD,	  /* nothing after the transport header */
	DNS_PACKET__COUNT,
};

struct dns_segment {
	__u8 saddr[16]; /* network byte order; IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 family;   /* AF_INET or AF_INET6 */
	__u8 protocol; /* IPPROTO_UDP or IPPROTO_TCP */
	bool cut;      /* the capture ended before the packet did */
	const __u8 *payload;
	size_t payload_len; /* bytes of payload captured */
};

/* Decode cap_len captured bytes of a packet of len bytes, from its IP header. */
enum dns_packet_error dns_segment_decode(const __u8 *data, size_t cap_len, size_t len,
					 struct dns_segment *out);

/* Stable short name, e.g. "bad_ip". */
const char *dns_packet_error_name(enum dns_packet_error err);

#endif
