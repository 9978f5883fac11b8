// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include "dns_wire.h"

/* name as DNS labels at buf; returns the bytes written. */
static size_t labels(__u8 *buf, const char *name)
{
	const char *label = name;
	size_t n = 0, len;

	while (*label) {
		const char *dot = strchr(label, '.');

		len = dot ? (size_t)(dot - label) : strlen(label);
		buf[n++] = len;
		memcpy(buf + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	buf[n++] = 0;
	return n;
}

size_t dns_message(__u8 *buf, __u16 id, bool response, __u8 rcode, const char *name, __u16 qtype,
		   const __u8 *addr, __u32 ttl)
{
	__u16 rdlength = qtype == DNS_TYPE_AAAA ? 16 : 4;
	size_t n = 12;

	memset(buf, 0, 12);
	buf[0] = id >> 8;
	buf[1] = id;
	buf[2] = response ? 0x81 : 0x01;
	buf[3] = response ? (0x80 | rcode) : 0;
	buf[5] = 1;
	buf[7] = response && addr ? 1 : 0;
	n += labels(buf + n, name);
	buf[n++] = qtype >> 8;
	buf[n++] = qtype;
	memcpy(buf + n, "\x00\x01", 2);
	n += 2;
	if (response && addr) {
		memcpy(buf + n, "\xc0\x0c", 2);
		buf[n + 2] = qtype >> 8;
		buf[n + 3] = qtype;
		memcpy(buf + n + 4, "\x00\x01", 2);
		n += 6;
		buf[n++] = ttl >> 24;
		buf[n++] = ttl >> 16;
		buf[n++] = ttl >> 8;
		buf[n++] = ttl;
		buf[n++] = rdlength >> 8;
		buf[n++] = rdlength;
		memcpy(buf + n, addr, rdlength);
		n += rdlength;
	}
	return n;
}

size_t dns_msg(__u8 *buf, __u16 id, bool response, __u8 rcode, const char *name, const __u8 *addr,
	       __u32 ttl)
{
	return dns_message(buf, id, response, rcode, name, DNS_TYPE_A, addr, ttl);
}

void udp_packet(struct dns_packet *p, const char *src, const char *dst, __u16 sport, __u16 dport,
		const __u8 *payload, size_t len)
{
	__u8 *d = p->data;
	size_t total = 28 + len;

	memset(d, 0, 28);
	d[0] = 0x45;
	d[2] = total >> 8;
	d[3] = total;
	d[9] = 17;
	memcpy(d + 12, src, 4);
	memcpy(d + 16, dst, 4);
	d[20] = sport >> 8;
	d[21] = sport;
	d[22] = dport >> 8;
	d[23] = dport;
	memcpy(d + 28, payload, len);
	p->len = p->cap_len = total;
}
