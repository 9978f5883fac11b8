// SPDX-License-Identifier: GPL-2.0-only
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "dns_packet.h"

#define IPV4_MIN_HEADER 20
#define IPV6_HEADER	40
#define UDP_HEADER	8
#define TCP_MIN_HEADER	20

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* The IP header: addresses, protocol; returns the transport header's offset or 0. */
static size_t decode_ip(const __u8 *data, size_t cap, struct dns_segment *s, size_t *ip_end,
			enum dns_packet_error *err)
{
	size_t hlen;

	*err = DNS_PACKET_BAD_IP;
	if (cap < 1)
		return 0;
	if (data[0] >> 4 == 4) {
		hlen = (data[0] & 0xf) * 4;
		if (hlen < IPV4_MIN_HEADER || cap < hlen)
			return 0;
		if (get16(data + 6) & 0x1fff) {
			*err = DNS_PACKET_FRAGMENT;
			return 0;
		}
		s->family = AF_INET;
		s->protocol = data[9];
		memcpy(s->saddr, data + 12, 4);
		memcpy(s->daddr, data + 16, 4);
		*ip_end = get16(data + 2);
		return hlen;
	}
	if (data[0] >> 4 == 6 && cap >= IPV6_HEADER) {
		s->family = AF_INET6;
		s->protocol = data[6];
		memcpy(s->saddr, data + 8, 16);
		memcpy(s->daddr, data + 24, 16);
		*ip_end = IPV6_HEADER + get16(data + 4);
		return IPV6_HEADER;
	}
	return 0;
}

/* The transport header's length, with ports filled in; 0 when it does not fit. */
static size_t decode_transport(const __u8 *l4, size_t avail, struct dns_segment *s)
{
	size_t hlen;

	if (s->protocol == IPPROTO_UDP)
		hlen = UDP_HEADER;
	else if (s->protocol == IPPROTO_TCP && avail >= TCP_MIN_HEADER)
		hlen = (l4[12] >> 4) * 4;
	else
		return 0;
	if (hlen < (s->protocol == IPPROTO_TCP ? TCP_MIN_HEADER : UDP_HEADER) || avail < hlen)
		return 0;
	s->sport = get16(l4);
	s->dport = get16(l4 + 2);
	return hlen;
}

enum dns_packet_error dns_segment_decode(const __u8 *data, size_t cap_len, size_t len,
					 struct dns_segment *out)
{
	enum dns_packet_error err;
	size_t l4, l4_len, end = 0;

	memset(out, 0, sizeof(*out));
	if (cap_len > len)
		cap_len = len;
	l4 = decode_ip(data, cap_len, out, &end, &err);
	if (!l4)
		return err;
	/* The IP length bounds the payload (Ethernet may pad short frames). */
	if (end < l4 || end > len)
		return DNS_PACKET_BAD_IP;
	l4_len = decode_transport(data + l4, (end < cap_len ? end : cap_len) - l4, out);
	if (!l4_len)
		return DNS_PACKET_BAD_TRANSPORT;
	out->payload = data + l4 + l4_len;
	out->cut = end > cap_len;
	out->payload_len = (end < cap_len ? end : cap_len) - l4 - l4_len;
	return end > l4 + l4_len ? DNS_PACKET_OK : DNS_PACKET_NO_PAYLOAD;
}

const char *dns_packet_error_name(enum dns_packet_error err)
{
	static const char *const names[DNS_PACKET__COUNT] = {
		[DNS_PACKET_OK] = "ok",
		[DNS_PACKET_BAD_IP] = "bad_ip",
		[DNS_PACKET_FRAGMENT] = "ip_fragment",
		[DNS_PACKET_BAD_TRANSPORT] = "bad_transport",
		[DNS_PACKET_NO_PAYLOAD] = "no_payload",
	};

	return err < DNS_PACKET__COUNT ? names[err] : "unknown";
}
