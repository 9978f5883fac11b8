// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/dns/dns_parse.c: well-formed responses, the CNAME chain,
 * EDNS0, DNS over TCP framing, and every way a message is rejected.
 *
 * Build and run:
 *   cc -std=gnu11 -Wall -Wextra -Werror -O2 -g -Iuser/dns tests/unit/test_dns_parse.c \
 *      user/dns/dns_parse.c -lcmocka -o /tmp/test_dns_parse && /tmp/test_dns_parse
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_parse.h"

/* Header flag bits (RFC 1035 4.1.1). */
#define F_QR	      0x8000
#define F_AA	      0x0400
#define F_TC	      0x0200
#define F_RD	      0x0100
#define F_RA	      0x0080
#define F_RESPONSE    (F_QR | F_RD | F_RA)

#define CLASS_CH      3
#define TYPE_NS	      2
#define TYPE_SOA      6
#define TYPE_TXT      16
#define QNAME_OFF     12 /* the first question's name follows the header */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A message under construction.  The helpers append fields in wire order;
 * offsets taken from len before a name is written serve as pointer targets.
 */
struct packet {
	uint8_t buf[8192];
	size_t len;
};

static void put_u8(struct packet *p, uint8_t v)
{
	assert_true(p->len < sizeof(p->buf));
	p->buf[p->len++] = v;
}

static void put_u16(struct packet *p, uint16_t v)
{
	put_u8(p, (uint8_t)(v >> 8));
	put_u8(p, (uint8_t)v);
}

static void put_u32(struct packet *p, uint32_t v)
{
	put_u16(p, (uint16_t)(v >> 16));
	put_u16(p, (uint16_t)v);
}

static void put_bytes(struct packet *p, const void *data, size_t n)
{
	assert_true(n <= sizeof(p->buf) - p->len);
	memcpy(p->buf + p->len, data, n);
	p->len += n;
}

/* One label of arbitrary bytes, with its length byte. */
static void put_label(struct packet *p, const void *data, size_t n)
{
	put_u8(p, (uint8_t)n);
	put_bytes(p, data, n);
}

/* The labels of a dotted name, without the final zero; "" adds nothing. */
static void put_labels(struct packet *p, const char *dotted)
{
	const char *dot;

	while (*dotted) {
		dot = strchr(dotted, '.');
		if (!dot)
			dot = dotted + strlen(dotted);
		put_label(p, dotted, (size_t)(dot - dotted));
		dotted = *dot ? dot + 1 : dot;
	}
}

/* A whole uncompressed name; "" is the root. */
static void put_name(struct packet *p, const char *dotted)
{
	put_labels(p, dotted);
	put_u8(p, 0);
}

static void put_pointer(struct packet *p, uint16_t offset)
{
	put_u16(p, (uint16_t)(0xc000 | offset));
}

static void put_header(struct packet *p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		       uint16_t ns, uint16_t ar)
{
	p->len = 0;
	put_u16(p, id);
	put_u16(p, flags);
	put_u16(p, qd);
	put_u16(p, an);
	put_u16(p, ns);
	put_u16(p, ar);
}

static void put_question(struct packet *p, const char *name, uint16_t type)
{
	put_name(p, name);
	put_u16(p, type);
	put_u16(p, DNS_CLASS_IN);
}

/* Fixed fields of a record whose owner was just written; rdlength is patched by end_rr(). */
static size_t begin_rr(struct packet *p, uint16_t type, uint16_t rrclass, uint32_t ttl)
{
	size_t rdlength_at;

	put_u16(p, type);
	put_u16(p, rrclass);
	put_u32(p, ttl);
	rdlength_at = p->len;
	put_u16(p, 0);
	return rdlength_at;
}

static void end_rr(struct packet *p, size_t rdlength_at)
{
	size_t rdlength = p->len - rdlength_at - 2;

	p->buf[rdlength_at] = (uint8_t)(rdlength >> 8);
	p->buf[rdlength_at + 1] = (uint8_t)rdlength;
}

/* An A or AAAA record of class IN owned by the name at owner_off. */
static void put_addr_rr(struct packet *p, uint16_t owner_off, const uint8_t *addr, size_t n,
			uint32_t ttl)
{
	size_t rd;

	put_pointer(p, owner_off);
	rd = begin_rr(p, n == 4 ? DNS_TYPE_A : DNS_TYPE_AAAA, DNS_CLASS_IN, ttl);
	put_bytes(p, addr, n);
	end_rr(p, rd);
}

/* A CNAME owned by the name at owner_off; returns the offset of its target. */
static uint16_t put_cname_rr(struct packet *p, uint16_t owner_off, const char *target, uint32_t ttl)
{
	size_t rd, target_off;

	put_pointer(p, owner_off);
	rd = begin_rr(p, DNS_TYPE_CNAME, DNS_CLASS_IN, ttl);
	target_off = p->len;
	put_name(p, target);
	end_rr(p, rd);
	return (uint16_t)target_off;
}

/* An EDNS0 OPT record: root owner, payload size in the class, the rest in the TTL. */
static size_t begin_opt(struct packet *p, uint16_t udp_size, uint8_t ext_rcode, uint8_t version,
			int dnssec_ok)
{
	uint32_t ttl = (uint32_t)ext_rcode << 24 | (uint32_t)version << 16;

	put_name(p, "");
	return begin_rr(p, DNS_TYPE_OPT, udp_size, dnssec_ok ? ttl | 0x8000 : ttl);
}

static void name_text(const struct dns_name *name, char *buf, size_t size)
{
	assert_true(dns_name_to_text(name, buf, size) < size);
}

static void assert_name(const struct dns_name *name, const char *expected)
{
	char text[DNS_NAME_TEXT_SIZE];

	name_text(name, text, sizeof(text));
	assert_string_equal(text, expected);
}

/* Parse a copy of exactly len bytes, so ASan and valgrind see any over-read. */
static enum dns_parse_error parse_exact(const uint8_t *buf, size_t len, struct dns_message *msg)
{
	uint8_t *exact = malloc(len ? len : 1);
	enum dns_parse_error err;

	assert_non_null(exact);
	memcpy(exact, buf, len);
	err = dns_parse(exact, len, msg);
	free(exact);
	return err;
}

/* Compare by name, so a failure shows e.g. "pointer_loop" != "pointer_forward". */
static void assert_parse(const struct packet *p, struct dns_message *msg,
			 enum dns_parse_error expected)
{
	enum dns_parse_error err = parse_exact(p->buf, p->len, msg);

	assert_string_equal(dns_parse_error_name(err), dns_parse_error_name(expected));
}

/*
 * "example.com A" answered with 93.184.216.34, written out byte by byte the
 * way dig shows it in hex, compression pointer included.
 */
static const uint8_t a_response[] = {
	0x12, 0x34,					/* id */
	0x81, 0x80,					/* QR, opcode QUERY, RD, RA, NOERROR */
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, /* 1 question, 1 answer */
	7,    'e',  'x',  'a',	'm',  'p',  'l',  'e',	/* offset 12: the qname */
	3,    'c',  'o',  'm',	0,			/* ... "com", root */
	0x00, 0x01, 0x00, 0x01,				/* qtype A, qclass IN */
	0xc0, 0x0c,					/* owner: pointer to offset 12 */
	0x00, 0x01, 0x00, 0x01,				/* type A, class IN */
	0x00, 0x00, 0x0e, 0x10,				/* ttl 3600 */
	0x00, 0x04, 93,	  184,	216,  34,		/* rdlength 4, the address */
};

static void test_a_response(void **state)
{
	static const uint8_t addr[] = { 93, 184, 216, 34 };
	struct dns_message msg;
	struct dns_resolution res;
	char buf[DNS_MNEMONIC_SIZE];

	(void)state;
	assert_int_equal(dns_parse(a_response, sizeof(a_response), &msg), DNS_OK);
	assert_int_equal(msg.header.id, 0x1234);
	assert_int_equal(msg.header.qr, 1);
	assert_int_equal(msg.header.rd, 1);
	assert_int_equal(msg.header.ra, 1);
	assert_int_equal(msg.header.aa, 0);
	assert_int_equal(msg.header.tc, 0);
	assert_int_equal(msg.header.opcode, 0);
	assert_string_equal(dns_rcode_name(msg.header.rcode, buf, sizeof(buf)), "NOERROR");
	assert_string_equal(msg.question.name, "example.com");
	assert_string_equal(dns_type_name(msg.question.qtype, buf, sizeof(buf)), "A");
	assert_int_equal(msg.question.qclass, DNS_CLASS_IN);
	assert_int_equal(msg.answers_kept, 1);
	assert_int_equal(msg.answers_dropped, 0);
	assert_int_equal(msg.sections_parsed, 4);
	assert_int_equal(msg.trailing_bytes, 0);
	assert_int_equal(msg.edns.present, 0);
	assert_name(&msg.answers[0].owner, "example.com");
	assert_int_equal(msg.answers[0].type, DNS_TYPE_A);
	assert_int_equal(msg.answers[0].ttl, 3600);
	assert_int_equal(msg.answers[0].addr_len, 4);
	assert_memory_equal(msg.answers[0].addr, addr, 4);

	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_OK);
	assert_int_equal(res.cname_hops, 0);
	assert_name(&res.canonical, "example.com");
	assert_int_equal(res.address_count, 1);
	assert_int_equal(res.addresses[0].ttl, 3600);
	assert_memory_equal(res.addresses[0].addr, addr, 4);
	assert_int_equal(res.incomplete, 0);
}

static void test_aaaa_response(void **state)
{
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;

	(void)state;
	put_header(&p, 7, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "Host.Example.NET", DNS_TYPE_AAAA);
	put_addr_rr(&p, QNAME_OFF, addr, sizeof(addr), 60);
	assert_parse(&p, &msg, DNS_OK);
	assert_string_equal(msg.question.name, "host.example.net");
	assert_int_equal(msg.question.qtype, DNS_TYPE_AAAA);
	assert_int_equal(msg.answers[0].addr_len, 16);
	assert_memory_equal(msg.answers[0].addr, addr, 16);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_OK);
	assert_int_equal(res.address_count, 1);
	assert_int_equal(res.addresses[0].addr_len, 16);
	assert_memory_equal(res.addresses[0].addr, addr, 16);
}

/*
 * www.example.com -> cdn.example.net -> edge.cdn.example.net, whose two A
 * records come first in the section; the second CNAME's target is
 * compressed, the first in mixed case, and an unrelated A record is left out.
 */
static void test_cname_chain(void **state)
{
	static const uint8_t edge1[] = { 192, 0, 2, 1 }, edge2[] = { 192, 0, 2, 2 };
	static const uint8_t other[] = { 198, 51, 100, 7 };
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;
	uint16_t cdn_off, edge_off;
	size_t rd;

	(void)state;
	put_header(&p, 1, F_RESPONSE, 1, 5, 0, 0);
	put_question(&p, "www.example.com", DNS_TYPE_A);
	/* The A records are owned by a name spelled out in the first one. */
	edge_off = (uint16_t)p.len;
	put_name(&p, "edge.cdn.example.net");
	rd = begin_rr(&p, DNS_TYPE_A, DNS_CLASS_IN, 120);
	put_bytes(&p, edge1, 4);
	end_rr(&p, rd);
	put_addr_rr(&p, edge_off, edge2, 4, 30);
	put_name(&p, "other.example");
	rd = begin_rr(&p, DNS_TYPE_A, DNS_CLASS_IN, 5);
	put_bytes(&p, other, 4);
	end_rr(&p, rd);
	cdn_off = put_cname_rr(&p, QNAME_OFF, "CDN.Example.NET", 300);
	/* cdn.example.net CNAME edge. + pointer to cdn.example.net */
	put_pointer(&p, cdn_off);
	rd = begin_rr(&p, DNS_TYPE_CNAME, DNS_CLASS_IN, 60);
	put_labels(&p, "edge");
	put_pointer(&p, cdn_off);
	end_rr(&p, rd);

	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.answers_kept, 5);
	assert_name(&msg.answers[3].cname, "cdn.example.net");
	assert_name(&msg.answers[4].cname, "edge.cdn.example.net");
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_OK);
	assert_int_equal(res.cname_hops, 2);
	assert_name(&res.canonical, "edge.cdn.example.net");
	assert_int_equal(res.address_count, 2);
	assert_memory_equal(res.addresses[0].addr, edge1, 4);
	assert_int_equal(res.addresses[0].ttl, 60); /* min(300, 60, 120) */
	assert_memory_equal(res.addresses[1].addr, edge2, 4);
	assert_int_equal(res.addresses[1].ttl, 30); /* min(300, 60, 30) */
}

/* a.example CNAME b.example CNAME a.example */
static void test_cname_loop(void **state)
{
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;
	uint16_t b_off;

	(void)state;
	put_header(&p, 1, F_RESPONSE, 1, 2, 0, 0);
	put_question(&p, "a.example", DNS_TYPE_A);
	b_off = put_cname_rr(&p, QNAME_OFF, "b.example", 10);
	put_cname_rr(&p, b_off, "a.example", 10);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_ERR_CNAME_LOOP);

	/* A name that is its own alias. */
	put_header(&p, 1, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "a.example", DNS_TYPE_A);
	put_cname_rr(&p, QNAME_OFF, "A.EXAMPLE", 10);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_ERR_CNAME_LOOP);
}

/* A chain of n CNAMEs q -> h1 -> h2 ... -> hn, then an A record for hn. */
static void build_chain(struct packet *p, unsigned int n)
{
	static const uint8_t addr[] = { 192, 0, 2, 9 };
	char target[16];
	uint16_t owner = QNAME_OFF;
	unsigned int i;

	put_header(p, 1, F_RESPONSE, 1, (uint16_t)(n + 1), 0, 0);
	put_question(p, "q.example", DNS_TYPE_A);
	for (i = 1; i <= n; i++) {
		snprintf(target, sizeof(target), "h%u.example", i);
		owner = put_cname_rr(p, owner, target, 100 + i);
	}
	put_addr_rr(p, owner, addr, 4, 1000);
}

static void test_cname_chain_too_long(void **state)
{
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;

	(void)state;
	build_chain(&p, DNS_MAX_CNAME_HOPS);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_OK);
	assert_int_equal(res.cname_hops, DNS_MAX_CNAME_HOPS);
	assert_name(&res.canonical, "h16.example");
	assert_int_equal(res.address_count, 1);
	assert_int_equal(res.addresses[0].ttl, 101);

	build_chain(&p, DNS_MAX_CNAME_HOPS + 1);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_ERR_CNAME_CHAIN_TOO_LONG);
}

/* NXDOMAIN with the zone's SOA in the authority section. */
static void test_nxdomain(void **state)
{
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;
	char buf[DNS_MNEMONIC_SIZE];
	size_t rd;

	(void)state;
	put_header(&p, 9, F_RESPONSE | F_AA | 3, 1, 0, 1, 0);
	put_question(&p, "nope.example.com", DNS_TYPE_A);
	put_pointer(&p, QNAME_OFF + 5); /* "example.com" */
	rd = begin_rr(&p, TYPE_SOA, DNS_CLASS_IN, 900);
	put_name(&p, "ns.example.com");
	put_name(&p, "hostmaster.example.com");
	put_u32(&p, 2024010101);
	put_u32(&p, 7200);
	put_u32(&p, 3600);
	put_u32(&p, 1209600);
	put_u32(&p, 300);
	end_rr(&p, rd);

	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.header.rcode, 3);
	assert_int_equal(msg.header.aa, 1);
	assert_string_equal(dns_rcode_name(msg.header.rcode, buf, sizeof(buf)), "NXDOMAIN");
	assert_int_equal(msg.answers_kept, 0);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_OK);
	assert_int_equal(res.address_count, 0);
	assert_name(&res.canonical, "nope.example.com");
}

static void test_servfail(void **state)
{
	struct packet p;
	struct dns_message msg;
	char buf[DNS_MNEMONIC_SIZE];

	(void)state;
	put_header(&p, 10, F_RESPONSE | 2, 1, 0, 0, 0);
	put_question(&p, "broken.example", DNS_TYPE_AAAA);
	assert_parse(&p, &msg, DNS_OK);
	assert_string_equal(dns_rcode_name(msg.header.rcode, buf, sizeof(buf)), "SERVFAIL");
	assert_string_equal(msg.question.name, "broken.example");
}

/* OPT with a cookie option: header rcode 0 plus extended rcode 1 is BADVERS (16). */
static void test_edns_extended_rcode(void **state)
{
	static const uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct packet p;
	struct dns_message msg;
	char buf[DNS_MNEMONIC_SIZE];
	size_t rd;

	(void)state;
	put_header(&p, 11, F_RESPONSE, 1, 0, 0, 1);
	put_question(&p, "example.org", DNS_TYPE_A);
	rd = begin_opt(&p, 1232, 1, 0, 1);
	put_u16(&p, 10); /* COOKIE */
	put_u16(&p, sizeof(cookie));
	put_bytes(&p, cookie, sizeof(cookie));
	end_rr(&p, rd);

	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.edns.present, 1);
	assert_int_equal(msg.edns.udp_payload_size, 1232);
	assert_int_equal(msg.edns.ext_rcode, 1);
	assert_int_equal(msg.edns.version, 0);
	assert_int_equal(msg.edns.dnssec_ok, 1);
	assert_int_equal(msg.header.rcode, 16);
	assert_string_equal(dns_rcode_name(msg.header.rcode, buf, sizeof(buf)), "BADVERS");

	/* Extended rcode 0 leaves the header's NXDOMAIN alone; version 1 is kept. */
	put_header(&p, 11, F_RESPONSE | 3, 1, 0, 0, 1);
	put_question(&p, "example.org", DNS_TYPE_A);
	end_rr(&p, begin_opt(&p, 4096, 0, 1, 0));
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.header.rcode, 3);
	assert_int_equal(msg.edns.version, 1);
	assert_int_equal(msg.edns.dnssec_ok, 0);

	/* Without OPT the rcode keeps only its 4 header bits. */
	put_header(&p, 11, F_RESPONSE | 0xf, 0, 0, 0, 0);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.header.rcode, 15);
}

static void test_opt_errors(void **state)
{
	struct packet p;
	struct dns_message msg;
	size_t rd;

	(void)state;
	/* Two OPT records. */
	put_header(&p, 1, F_RESPONSE, 0, 0, 0, 2);
	end_rr(&p, begin_opt(&p, 1232, 0, 0, 0));
	end_rr(&p, begin_opt(&p, 1232, 0, 0, 0));
	assert_parse(&p, &msg, DNS_ERR_DUPLICATE_OPT);

	/* OPT in the answer section, then in the authority section. */
	put_header(&p, 1, F_RESPONSE, 0, 1, 0, 0);
	end_rr(&p, begin_opt(&p, 1232, 0, 0, 0));
	assert_parse(&p, &msg, DNS_ERR_MISPLACED_OPT);
	put_header(&p, 1, F_RESPONSE, 0, 0, 1, 0);
	end_rr(&p, begin_opt(&p, 1232, 0, 0, 0));
	assert_parse(&p, &msg, DNS_ERR_MISPLACED_OPT);

	/* OPT owned by a name other than the root. */
	put_header(&p, 1, F_RESPONSE, 0, 0, 0, 1);
	put_name(&p, "example");
	end_rr(&p, begin_rr(&p, DNS_TYPE_OPT, 1232, 0));
	assert_parse(&p, &msg, DNS_ERR_BAD_OPT);

	/* An option claiming 8 bytes with 2 left in the rdata, then a cut option header. */
	put_header(&p, 1, F_RESPONSE, 0, 0, 0, 1);
	rd = begin_opt(&p, 1232, 0, 0, 0);
	put_u16(&p, 10);
	put_u16(&p, 8);
	put_u16(&p, 0);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_ERR_BAD_OPT);
	put_header(&p, 1, F_RESPONSE, 0, 0, 0, 1);
	rd = begin_opt(&p, 1232, 0, 0, 0);
	put_u16(&p, 10);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_ERR_BAD_OPT);
}

/* A truncated UDP answer: TC set, no records, the client retries over TCP. */
static void test_tc_bit(void **state)
{
	struct packet p;
	struct dns_message msg;

	(void)state;
	put_header(&p, 12, F_RESPONSE | F_TC, 1, 0, 0, 0);
	put_question(&p, "big.example", TYPE_TXT);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.header.tc, 1);
	assert_int_equal(msg.header.qr, 1);
}

static void test_zero_questions(void **state)
{
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;

	(void)state;
	put_header(&p, 13, F_RESPONSE | 1, 0, 0, 0, 0);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.header.qdcount, 0);
	assert_string_equal(msg.question.name, "");
	assert_int_equal(msg.question.wire.len, 0);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_ERR_NO_QUESTION);
}

/* The first question is kept; the second is validated and counted. */
static void test_two_questions(void **state)
{
	struct packet p;
	struct dns_message msg;

	(void)state;
	put_header(&p, 14, F_RD, 2, 0, 0, 0);
	put_question(&p, "a.example", DNS_TYPE_A);
	put_question(&p, "b.example", DNS_TYPE_AAAA);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.header.qdcount, 2);
	assert_int_equal(msg.header.qr, 0);
	assert_string_equal(msg.question.name, "a.example");
	assert_int_equal(msg.question.qtype, DNS_TYPE_A);

	/* The second one is malformed. */
	put_header(&p, 14, F_RD, 2, 0, 0, 0);
	put_question(&p, "a.example", DNS_TYPE_A);
	put_u8(&p, 0x80);
	assert_parse(&p, &msg, DNS_ERR_RESERVED_LABEL_TYPE);
	assert_int_equal(msg.sections_parsed, 0);

	/* qdcount says 65535, one is there. */
	put_header(&p, 14, F_RD, 0xffff, 0, 0, 0);
	put_question(&p, "a.example", DNS_TYPE_A);
	assert_parse(&p, &msg, DNS_ERR_NAME_TRUNCATED);
}

/* A single question name made of raw bytes, for the malformed-name cases. */
static void build_query_with_name(struct packet *p, const uint8_t *name, size_t n)
{
	put_header(p, 15, 0, 1, 0, 0, 0);
	put_bytes(p, name, n);
	put_u16(p, DNS_TYPE_A);
	put_u16(p, DNS_CLASS_IN);
}

static void assert_name_rejected(const uint8_t *name, size_t n, enum dns_parse_error expected)
{
	struct packet p;
	struct dns_message msg;

	build_query_with_name(&p, name, n);
	assert_parse(&p, &msg, expected);
	assert_int_equal(msg.sections_parsed, 0);
	assert_int_equal(msg.question.wire.len, 0);
}

static void test_bad_pointers(void **state)
{
	/* "a" then a pointer back to "a" at offset 12: a loop. */
	static const uint8_t loop[] = { 1, 'a', 0xc0, 0x0c };
	/* Two labels, the pointer aims at the second one: still a loop. */
	static const uint8_t loop2[] = { 1, 'a', 1, 'b', 0xc0, 0x0e };
	/* A pointer at offset 12 to the root at offset 14: forward. */
	static const uint8_t forward[] = { 0xc0, 0x0e, 0 };
	/* Pointers to each other: the first one is forward. */
	static const uint8_t mutual[] = { 0xc0, 0x0e, 0xc0, 0x0c };
	static const uint8_t self[] = { 0xc0, 0x0c };
	/* All 14 offset bits: offset 16383, past the end. */
	static const uint8_t past_end[] = { 0xff, 0xff };
	static const uint8_t cut[] = { 1, 'a', 0xc0 };
	struct packet p;
	struct dns_message msg;

	(void)state;
	assert_name_rejected(loop, sizeof(loop), DNS_ERR_POINTER_LOOP);
	assert_name_rejected(loop2, sizeof(loop2), DNS_ERR_POINTER_LOOP);
	assert_name_rejected(forward, sizeof(forward), DNS_ERR_POINTER_FORWARD);
	assert_name_rejected(mutual, sizeof(mutual), DNS_ERR_POINTER_FORWARD);
	assert_name_rejected(self, sizeof(self), DNS_ERR_POINTER_SELF);
	assert_name_rejected(past_end, sizeof(past_end), DNS_ERR_POINTER_PAST_END);
	/* The pointer's first byte ends the message. */
	put_header(&p, 15, 0, 1, 0, 0, 0);
	put_bytes(&p, cut, sizeof(cut));
	assert_parse(&p, &msg, DNS_ERR_NAME_TRUNCATED);
}

/*
 * Question k's name is a pointer to question k-1's name, so it takes k-1
 * jumps: each is legal, but DNS_MAX_POINTERS of them is the most accepted.
 */
static void build_pointer_chain(struct packet *p, unsigned int questions)
{
	size_t prev = QNAME_OFF, here;
	unsigned int i;

	put_header(p, 16, 0, (uint16_t)questions, 0, 0, 0);
	put_question(p, "x", DNS_TYPE_A);
	for (i = 1; i < questions; i++) {
		here = p->len;
		put_pointer(p, (uint16_t)prev);
		put_u16(p, DNS_TYPE_A);
		put_u16(p, DNS_CLASS_IN);
		prev = here;
	}
}

static void test_too_many_pointers(void **state)
{
	struct packet p;
	struct dns_message msg;

	(void)state;
	build_pointer_chain(&p, DNS_MAX_POINTERS + 1);
	assert_parse(&p, &msg, DNS_OK);
	build_pointer_chain(&p, DNS_MAX_POINTERS + 2);
	assert_parse(&p, &msg, DNS_ERR_TOO_MANY_POINTERS);
}

static void test_reserved_label_types(void **state)
{
	static const uint8_t ext[] = { 0x40, 0 };    /* 01 prefix: extended label (RFC 6891) */
	static const uint8_t binary[] = { 0x41, 0 }; /* the obsolete binary label */
	static const uint8_t r80[] = { 0x80, 0 };    /* 10 prefix: reserved */
	static const uint8_t rbf[] = { 0xbf, 0 };

	(void)state;
	assert_name_rejected(ext, sizeof(ext), DNS_ERR_RESERVED_LABEL_TYPE);
	assert_name_rejected(binary, sizeof(binary), DNS_ERR_RESERVED_LABEL_TYPE);
	assert_name_rejected(r80, sizeof(r80), DNS_ERR_RESERVED_LABEL_TYPE);
	assert_name_rejected(rbf, sizeof(rbf), DNS_ERR_RESERVED_LABEL_TYPE);
}

/* A question whose name is labels of the given sizes, filled with 'a'.. */
static void build_query_with_labels(struct packet *p, const size_t *sizes, size_t count)
{
	uint8_t label[64];
	size_t i;

	put_header(p, 17, 0, 1, 0, 0, 0);
	for (i = 0; i < count; i++) {
		memset(label, (int)('a' + i), sizes[i]);
		put_label(p, label, sizes[i]);
	}
	put_u8(p, 0);
	put_u16(p, DNS_TYPE_A);
	put_u16(p, DNS_CLASS_IN);
}

/* A 63-byte label is the longest; 64 has length byte 0x40, a reserved type. */
static void test_label_length(void **state)
{
	static const size_t longest[] = { 63, 3 };
	struct packet p;
	struct dns_message msg;
	uint8_t too_long[1 + 64 + 1] = { 64 };

	(void)state;
	build_query_with_labels(&p, longest, ARRAY_SIZE(longest));
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(strlen(msg.question.name), 63 + 1 + 3);
	assert_int_equal(msg.question.wire.len, 1 + 63 + 1 + 3 + 1);

	memset(too_long + 1, 'a', 64);
	assert_name_rejected(too_long, sizeof(too_long), DNS_ERR_RESERVED_LABEL_TYPE);
}

/* 255 bytes of wire name (length bytes and final zero included) is the most. */
static void test_name_length(void **state)
{
	static const size_t exactly_255[] = { 63, 63, 63, 61 };
	static const size_t is_256[] = { 63, 63, 63, 62 };
	size_t many_short_255[127];
	struct packet p;
	struct dns_message msg;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(many_short_255); i++)
		many_short_255[i] = 1;
	build_query_with_labels(&p, exactly_255, ARRAY_SIZE(exactly_255));
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.question.wire.len, 255);
	assert_int_equal(strlen(msg.question.name), 253);

	build_query_with_labels(&p, is_256, ARRAY_SIZE(is_256));
	assert_parse(&p, &msg, DNS_ERR_NAME_TOO_LONG);

	/* 127 one-byte labels: 254 bytes and the final zero. */
	build_query_with_labels(&p, many_short_255, ARRAY_SIZE(many_short_255));
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.question.wire.len, 255);
}

/* Short enough on the wire, too long once the pointer is followed. */
static void test_name_too_long_decompressed(void **state)
{
	static const size_t sizes[] = { 63, 63, 63 };
	uint8_t label[40];
	struct packet p;
	struct dns_message msg;
	size_t rd;

	(void)state;
	build_query_with_labels(&p, sizes, ARRAY_SIZE(sizes));
	p.buf[7] = 1; /* ancount */
	/* 64 + 64 + 64 + 1 = 193 bytes at offset 12; 41 more make 234: fine. */
	memset(label, 'z', sizeof(label));
	put_label(&p, label, 40);
	put_pointer(&p, QNAME_OFF);
	rd = begin_rr(&p, TYPE_NS, DNS_CLASS_IN, 1);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.answers[0].owner.len, 234);

	/* Two 40-byte labels: 275 bytes. */
	build_query_with_labels(&p, sizes, ARRAY_SIZE(sizes));
	p.buf[7] = 1;
	put_label(&p, label, 40);
	put_label(&p, label, 40);
	put_pointer(&p, QNAME_OFF);
	rd = begin_rr(&p, TYPE_NS, DNS_CLASS_IN, 1);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_ERR_NAME_TOO_LONG);
	assert_int_equal(msg.sections_parsed, 1);
}

static void test_missing_terminator(void **state)
{
	static const uint8_t no_zero[] = { 3, 'a', 'b', 'c' };
	static const uint8_t label_past_end[] = { 10, 'a', 'b' };
	struct packet p;
	struct dns_message msg;

	(void)state;
	put_header(&p, 18, 0, 1, 0, 0, 0);
	put_bytes(&p, no_zero, sizeof(no_zero));
	assert_parse(&p, &msg, DNS_ERR_NAME_TRUNCATED);
	put_header(&p, 18, 0, 1, 0, 0, 0);
	put_bytes(&p, label_past_end, sizeof(label_past_end));
	assert_parse(&p, &msg, DNS_ERR_NAME_TRUNCATED);
}

static void test_rdlength(void **state)
{
	static const uint8_t addr[] = { 10, 0, 0, 1, 99 };
	struct packet p;
	struct dns_message msg;
	size_t rd;

	(void)state;
	/* rdlength 100 with 4 bytes left. */
	put_header(&p, 19, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "r.example", DNS_TYPE_A);
	put_pointer(&p, QNAME_OFF);
	rd = begin_rr(&p, DNS_TYPE_A, DNS_CLASS_IN, 1);
	put_bytes(&p, addr, 4);
	p.buf[rd + 1] = 100;
	assert_parse(&p, &msg, DNS_ERR_RDLENGTH_OVERFLOW);
	assert_int_equal(msg.sections_parsed, 1);
	assert_string_equal(msg.question.name, "r.example");

	/* An A record of 5 bytes, an AAAA of 4. */
	put_header(&p, 19, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "r.example", DNS_TYPE_A);
	put_addr_rr(&p, QNAME_OFF, addr, 4, 1);
	p.buf[p.len - 5] = 5;
	put_u8(&p, addr[4]);
	assert_parse(&p, &msg, DNS_ERR_BAD_RDLENGTH);
	put_header(&p, 19, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "r.example", DNS_TYPE_AAAA);
	put_pointer(&p, QNAME_OFF);
	rd = begin_rr(&p, DNS_TYPE_AAAA, DNS_CLASS_IN, 1);
	put_bytes(&p, addr, 4);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_ERR_BAD_RDLENGTH);

	/* A CNAME target shorter than its rdata. */
	put_header(&p, 19, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "r.example", DNS_TYPE_A);
	put_pointer(&p, QNAME_OFF);
	rd = begin_rr(&p, DNS_TYPE_CNAME, DNS_CLASS_IN, 1);
	put_name(&p, "t.example");
	put_u8(&p, 0);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_ERR_BAD_RDLENGTH);

	/* Class CH: an A record there is not an IPv4 address, so its size is free. */
	put_header(&p, 19, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "r.example", DNS_TYPE_A);
	put_pointer(&p, QNAME_OFF);
	rd = begin_rr(&p, DNS_TYPE_A, CLASS_CH, 1);
	put_bytes(&p, addr, 5);
	end_rr(&p, rd);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.answers[0].addr_len, 0);
}

static void test_short_header(void **state)
{
	struct dns_message msg;
	size_t len;

	(void)state;
	for (len = 0; len < DNS_HEADER_LEN; len++)
		assert_int_equal(dns_parse(a_response, len, &msg), DNS_ERR_SHORT_HEADER);
	assert_int_equal(dns_parse(NULL, 0, &msg), DNS_ERR_SHORT_HEADER);
}

/* A response with every section, cut at every length: each prefix is rejected. */
static void test_truncated_everywhere(void **state)
{
	static const uint8_t addr[] = { 192, 0, 2, 1 };
	struct packet p;
	struct dns_message msg;
	enum dns_parse_error err;
	size_t len, rd, question_end;
	uint16_t web_off;

	(void)state;
	put_header(&p, 20, F_RESPONSE, 1, 2, 1, 1);
	put_question(&p, "www.example.com", DNS_TYPE_A);
	question_end = p.len;
	web_off = put_cname_rr(&p, QNAME_OFF, "web.example.com", 60);
	put_addr_rr(&p, web_off, addr, 4, 60);
	put_pointer(&p, QNAME_OFF + 4);
	rd = begin_rr(&p, TYPE_NS, DNS_CLASS_IN, 60);
	put_name(&p, "ns1.example.com");
	end_rr(&p, rd);
	end_rr(&p, begin_opt(&p, 1232, 0, 0, 1));
	assert_parse(&p, &msg, DNS_OK);

	for (len = 0; len < p.len; len++) {
		err = parse_exact(p.buf, len, &msg);
		assert_true(err == DNS_ERR_SHORT_HEADER || err == DNS_ERR_TRUNCATED ||
			    err == DNS_ERR_NAME_TRUNCATED || err == DNS_ERR_RDLENGTH_OVERFLOW);
		/* What came before the cut is still there for the caller. */
		if (len >= DNS_HEADER_LEN)
			assert_int_equal(msg.header.id, 20);
		if (len >= question_end) {
			assert_true(msg.sections_parsed >= 1);
			assert_string_equal(msg.question.name, "www.example.com");
		}
	}
	assert_int_equal(parse_exact(p.buf, QNAME_OFF, &msg), DNS_ERR_NAME_TRUNCATED);
	assert_int_equal(parse_exact(p.buf, question_end - 2, &msg), DNS_ERR_TRUNCATED);
}

/* TTLs with the top bit set read as 0 (RFC 2181 8); trailing bytes are counted. */
static void test_ttl_and_trailing_bytes(void **state)
{
	static const uint8_t addr[] = { 192, 0, 2, 1 };
	struct packet p;
	struct dns_message msg;

	(void)state;
	put_header(&p, 21, F_RESPONSE, 1, 1, 0, 0);
	put_question(&p, "t.example", DNS_TYPE_A);
	put_addr_rr(&p, QNAME_OFF, addr, 4, 0x80000000u);
	put_u16(&p, 0xdead);
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.answers[0].ttl, 0);
	assert_int_equal(msg.trailing_bytes, 2);
}

/* 40 A records: 32 kept, 8 counted, and the chain result says it may lack some. */
static void test_answers_overflow(void **state)
{
	struct packet p;
	struct dns_message msg;
	struct dns_resolution res;
	uint8_t addr[4] = { 10, 0, 0, 0 };
	unsigned int i;

	(void)state;
	put_header(&p, 22, F_RESPONSE, 1, 40, 0, 0);
	put_question(&p, "many.example", DNS_TYPE_A);
	for (i = 0; i < 40; i++) {
		addr[3] = (uint8_t)i;
		put_addr_rr(&p, QNAME_OFF, addr, 4, 100 + i);
	}
	assert_parse(&p, &msg, DNS_OK);
	assert_int_equal(msg.answers_kept, DNS_MAX_ANSWERS);
	assert_int_equal(msg.answers_dropped, 40 - DNS_MAX_ANSWERS);
	assert_int_equal(msg.answers[31].addr[3], 31);
	assert_int_equal(dns_follow_cname_chain(&msg, &res), DNS_OK);
	assert_int_equal(res.address_count, DNS_MAX_ANSWERS);
	assert_int_equal(res.incomplete, 1);
}

/* Dots, backslashes, spaces and non-printables become \DDD; letters are lower-cased. */
static void test_escaping(void **state)
{
	static const uint8_t odd[] = { 0x00, ' ', 0x7f, 0xff, '"', '$' };
	struct packet p;
	struct dns_message msg;
	char small[5];

	(void)state;
	put_header(&p, 23, 0, 1, 0, 0, 0);
	put_label(&p, "a.b", 3);
	put_label(&p, "back\\slash", 10);
	put_label(&p, odd, sizeof(odd));
	put_label(&p, "MiXeD-09_", 9);
	put_u8(&p, 0);
	put_u16(&p, DNS_TYPE_A);
	put_u16(&p, DNS_CLASS_IN);
	assert_parse(&p, &msg, DNS_OK);
	assert_string_equal(msg.question.name,
			    "a\\046b.back\\092slash.\\000\\032\\127\\255\\034\\036.mixed-09_");

	/* Cut output stops before an escape, never inside one. */
	assert_int_equal(dns_name_to_text(&msg.question.wire, small, sizeof(small)),
			 strlen(msg.question.name));
	assert_string_equal(small, "a");
	assert_int_equal(dns_name_to_text(&msg.question.wire, small, 0), strlen(msg.question.name));
}

/* The root as a question; a name of len 0 prints as nothing. */
static void test_root_name(void **state)
{
	struct packet p;
	struct dns_message msg;
	struct dns_name none = { 0 };
	char text[4] = "xyz";

	(void)state;
	put_header(&p, 24, 0, 1, 0, 0, 0);
	put_question(&p, "", TYPE_NS);
	assert_parse(&p, &msg, DNS_OK);
	assert_string_equal(msg.question.name, ".");
	assert_int_equal(dns_name_to_text(&none, text, sizeof(text)), 0);
	assert_string_equal(text, "");
}

static void build_message_a(struct packet *p, uint16_t id, const char *name)
{
	static const uint8_t addr[] = { 203, 0, 113, 5 };

	put_header(p, id, F_RESPONSE, 1, 1, 0, 0);
	put_question(p, name, DNS_TYPE_A);
	put_addr_rr(p, QNAME_OFF, addr, 4, 10);
}

/* A segment with two whole messages and the first 20 bytes of a third. */
static void test_tcp_framing(void **state)
{
	struct packet stream = { .len = 0 }, m;
	struct dns_tcp_iter it;
	struct dns_tcp_frame frame;
	struct dns_message msg;
	size_t third_len;

	(void)state;
	build_message_a(&m, 1, "one.example");
	put_u16(&stream, (uint16_t)m.len);
	put_bytes(&stream, m.buf, m.len);
	build_message_a(&m, 2, "two.example");
	put_u16(&stream, (uint16_t)m.len);
	put_bytes(&stream, m.buf, m.len);
	build_message_a(&m, 3, "three.example");
	third_len = m.len;
	put_u16(&stream, (uint16_t)m.len);
	put_bytes(&stream, m.buf, 20);

	dns_tcp_iter_init(&it, stream.buf, stream.len);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_MESSAGE);
	assert_int_equal(dns_parse(frame.data, frame.len, &msg), DNS_OK);
	assert_int_equal(msg.header.id, 1);
	assert_string_equal(msg.question.name, "one.example");
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_MESSAGE);
	assert_int_equal(dns_parse(frame.data, frame.len, &msg), DNS_OK);
	assert_string_equal(msg.question.name, "two.example");
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_PARTIAL);
	assert_int_equal(frame.len, 20);
	assert_int_equal(frame.declared_len, third_len);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);

	/* Without the partial third message the buffer ends on a boundary. */
	dns_tcp_iter_init(&it, stream.buf, stream.len - 2 - 20);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_MESSAGE);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_MESSAGE);
	assert_ptr_equal(frame.data + frame.len, stream.buf + stream.len - 2 - 20);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);
}

static void test_tcp_framing_edges(void **state)
{
	static const uint8_t one_byte[] = { 0x00 };
	static const uint8_t empty_msg[] = { 0x00, 0x00, 0x00 };
	struct dns_tcp_iter it;
	struct dns_tcp_frame frame;

	(void)state;
	/* Nothing at all. */
	dns_tcp_iter_init(&it, NULL, 0);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);

	/* Half a length prefix. */
	dns_tcp_iter_init(&it, one_byte, sizeof(one_byte));
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_PARTIAL);
	assert_null(frame.data);
	assert_int_equal(frame.len, 0);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);

	/* One message that ends exactly where the buffer does. */
	dns_tcp_iter_init(&it, empty_msg, 2);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_MESSAGE);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);

	/* A zero-length message, then half a prefix. */
	dns_tcp_iter_init(&it, empty_msg, sizeof(empty_msg));
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_MESSAGE);
	assert_int_equal(frame.len, 0);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_PARTIAL);
	assert_int_equal(dns_tcp_next(&it, &frame), DNS_TCP_END);
}

static void test_mnemonics(void **state)
{
	char a[DNS_MNEMONIC_SIZE], b[DNS_MNEMONIC_SIZE];
	const char *first, *second;
	int i, j;

	(void)state;
	assert_string_equal(dns_rcode_name(0, a, sizeof(a)), "NOERROR");
	assert_string_equal(dns_rcode_name(1, a, sizeof(a)), "FORMERR");
	assert_string_equal(dns_rcode_name(4, a, sizeof(a)), "NOTIMP");
	assert_string_equal(dns_rcode_name(5, a, sizeof(a)), "REFUSED");
	assert_string_equal(dns_rcode_name(23, a, sizeof(a)), "BADCOOKIE");
	assert_string_equal(dns_type_name(5, a, sizeof(a)), "CNAME");
	assert_string_equal(dns_type_name(12, a, sizeof(a)), "PTR");
	assert_string_equal(dns_type_name(15, a, sizeof(a)), "MX");
	assert_string_equal(dns_type_name(16, a, sizeof(a)), "TXT");
	assert_string_equal(dns_type_name(33, a, sizeof(a)), "SRV");
	assert_string_equal(dns_type_name(41, a, sizeof(a)), "OPT");
	assert_string_equal(dns_type_name(64, a, sizeof(a)), "SVCB");
	assert_string_equal(dns_type_name(65, a, sizeof(a)), "HTTPS");
	assert_string_equal(dns_type_name(255, a, sizeof(a)), "ANY");

	/* Fallbacks go to the caller's buffer, so two can be held at once. */
	first = dns_rcode_name(12, a, sizeof(a));
	second = dns_rcode_name(4095, b, sizeof(b));
	assert_string_equal(first, "RCODE12");
	assert_string_equal(second, "RCODE4095");
	first = dns_type_name(65280, a, sizeof(a));
	second = dns_type_name(0, b, sizeof(b));
	assert_string_equal(first, "TYPE65280");
	assert_string_equal(second, "TYPE0");
	assert_string_equal(dns_type_name(999, NULL, 0), "");

	/* Every reason has its own name. */
	for (i = 0; i < DNS_ERR__COUNT; i++) {
		assert_string_not_equal(dns_parse_error_name(i), "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(dns_parse_error_name(i), dns_parse_error_name(j));
	}
	assert_string_equal(dns_parse_error_name(DNS_ERR__COUNT), "unknown");
	assert_string_equal(dns_parse_error_name(DNS_ERR_POINTER_LOOP), "pointer_loop");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_response),
		cmocka_unit_test(test_aaaa_response),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_cname_chain_too_long),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_servfail),
		cmocka_unit_test(test_edns_extended_rcode),
		cmocka_unit_test(test_opt_errors),
		cmocka_unit_test(test_tc_bit),
		cmocka_unit_test(test_zero_questions),
		cmocka_unit_test(test_two_questions),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_too_many_pointers),
		cmocka_unit_test(test_reserved_label_types),
		cmocka_unit_test(test_label_length),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_name_too_long_decompressed),
		cmocka_unit_test(test_missing_terminator),
		cmocka_unit_test(test_rdlength),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_ttl_and_trailing_bytes),
		cmocka_unit_test(test_answers_overflow),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_root_name),
		cmocka_unit_test(test_tcp_framing),
		cmocka_unit_test(test_tcp_framing_edges),
		cmocka_unit_test(test_mnemonics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
