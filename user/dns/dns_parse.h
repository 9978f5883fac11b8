/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS message parser for the packets the BPF side captures (RFC 1035, with
 * EDNS0 from RFC 6891), written for hostile input: it never reads outside
 * the buffer it is given, never allocates, keeps no state between calls and
 * rejects anything malformed with a reason the tool can count.
 *
 * Names are kept in uncompressed wire form with ASCII letters lower-cased,
 * so two names are equal exactly when their struct dns_name compare equal
 * (len and the first len bytes of wire).  dns_name_to_text() gives the
 * presentation form: dotted, no trailing dot ("." for the root), and every
 * byte that is not a printable ASCII character, or is one of . \ " ( ) ; @ $,
 * written as \DDD (three decimal digits), so that a label holding a dot or a
 * control character can never read like another name.
 *
 * Byte order: addresses (struct dns_answer.addr, struct dns_address.addr)
 * are in network byte order, as on the wire; every other integer is in host
 * byte order.
 */
#ifndef SYNSCOPE_DNS_PARSE_H
#define SYNSCOPE_DNS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN	    12
#define DNS_NAME_WIRE_MAX   255	  /* RFC 1035 2.3.4: length bytes and final zero included */
#define DNS_LABEL_MAX	    63	  /* RFC 1035 2.3.4 */
#define DNS_NAME_TEXT_SIZE  1024  /* a presentation name, NUL included; 1004 is the worst case */
#define DNS_MAX_POINTERS    64	  /* compression pointers followed in one name */
#define DNS_MAX_ANSWERS	    32	  /* answer records kept; the others are only counted */
#define DNS_MAX_CNAME_HOPS  16	  /* CNAME records followed from the question name */
#define DNS_MNEMONIC_SIZE   16	  /* buffer for dns_rcode_name() and dns_type_name() */
#define DNS_TCP_MESSAGE_MAX 65535 /* the 2-byte length prefix of DNS over TCP */

#define DNS_CLASS_IN	    1
#define DNS_TYPE_A	    1
#define DNS_TYPE_CNAME	    5
#define DNS_TYPE_AAAA	    28
#define DNS_TYPE_OPT	    41

/*
 * Why a message (or a CNAME chain) was rejected.  The names returned by
 * dns_parse_error_name() are stable: the tool prints them next to counts.
 */
enum dns_parse_error {
	DNS_OK = 0,
	DNS_ERR_SHORT_HEADER,	      /* fewer than 12 bytes */
	DNS_ERR_TRUNCATED,	      /* ends inside a question or a record's fixed fields */
	DNS_ERR_NAME_TRUNCATED,	      /* a name runs off the end before its final zero */
	DNS_ERR_NAME_TOO_LONG,	      /* over 255 bytes once decompressed */
	DNS_ERR_RESERVED_LABEL_TYPE,  /* label byte 0x40-0xbf: extended or reserved, or a label
				       * of 64 bytes or more, which no length byte can express */
	DNS_ERR_POINTER_PAST_END,     /* compression pointer beyond the end of the message */
	DNS_ERR_POINTER_SELF,	      /* compression pointer to its own position */
	DNS_ERR_POINTER_FORWARD,      /* compression pointer to a later position */
	DNS_ERR_POINTER_LOOP,	      /* compression pointer back into labels already read */
	DNS_ERR_TOO_MANY_POINTERS,    /* more than DNS_MAX_POINTERS in one name */
	DNS_ERR_RDLENGTH_OVERFLOW,    /* rdata runs past the end of the message */
	DNS_ERR_BAD_RDLENGTH,	      /* class IN A or AAAA rdata of the wrong size, or a
				       * CNAME target that does not fill its rdata */
	DNS_ERR_MISPLACED_OPT,	      /* OPT outside the additional section */
	DNS_ERR_DUPLICATE_OPT,	      /* more than one OPT record */
	DNS_ERR_BAD_OPT,	      /* OPT owner not the root, or options overrun its rdata */
	DNS_ERR_NO_QUESTION,	      /* chain: the message has no question to start from */
	DNS_ERR_CNAME_LOOP,	      /* chain: a CNAME leads back to a name already seen */
	DNS_ERR_CNAME_CHAIN_TOO_LONG, /* chain: more than DNS_MAX_CNAME_HOPS CNAMEs */
	DNS_ERR__COUNT,
};

/* A domain name, uncompressed, lower-cased; len is 0 when there is none. */
struct dns_name {
	uint8_t len; /* bytes used in wire, final zero included: 1..255 */
	uint8_t wire[DNS_NAME_WIRE_MAX];
};

struct dns_header {
	uint16_t id;
	uint16_t rcode;	  /* 12 bits when edns.present, else the header's 4 bits */
	uint16_t qdcount; /* counts as sent in the header */
	uint16_t ancount;
	uint16_t nscount;
	uint16_t arcount;
	uint8_t opcode;
	uint8_t qr; /* flags: 0 or 1 */
	uint8_t aa;
	uint8_t tc; /* truncated: the client should retry over TCP */
	uint8_t rd;
	uint8_t ra;
	uint8_t ad;
	uint8_t cd;
};

/* The first question; the header's qdcount tells how many there were. */
struct dns_question {
	char name[DNS_NAME_TEXT_SIZE]; /* presentation form, "" when qdcount is 0 */
	struct dns_name wire;
	uint16_t qtype;
	uint16_t qclass;
};

/* The EDNS0 OPT pseudo-record (RFC 6891 6.1), when edns.present. */
struct dns_edns {
	uint16_t udp_payload_size; /* the sender's maximum UDP payload */
	uint8_t present;
	uint8_t ext_rcode; /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	uint8_t dnssec_ok; /* the DO bit */
};

/* One record of the answer section. */
struct dns_answer {
	struct dns_name owner;
	struct dns_name cname; /* CNAME target; len 0 for other types */
	uint32_t ttl;	       /* seconds; values with the top bit set read as 0 (RFC 2181 8) */
	uint16_t type;
	uint16_t rrclass;
	uint16_t rdlength;
	uint8_t addr[16]; /* class IN A (4 bytes) or AAAA (16 bytes), network byte order */
	uint8_t addr_len; /* 4, 16, or 0 for other records */
};

struct dns_message {
	struct dns_header header;
	struct dns_question question;
	struct dns_edns edns;
	uint16_t answers_kept;	  /* entries used in answers[] */
	uint16_t answers_dropped; /* answer records parsed but not kept: no room */
	uint16_t sections_parsed; /* 0..4: question, answer, authority, additional */
	size_t trailing_bytes;	  /* bytes after the last record, ignored */
	struct dns_answer answers[DNS_MAX_ANSWERS];
};

/* An address the question name resolves to, at the end of the CNAME chain. */
struct dns_address {
	uint32_t ttl;	  /* the smallest TTL along the chain, this record's included */
	uint8_t addr[16]; /* network byte order */
	uint8_t addr_len; /* 4 (A) or 16 (AAAA) */
};

struct dns_resolution {
	struct dns_name canonical; /* the name at the end of the chain */
	uint16_t cname_hops;	   /* CNAME records followed */
	uint16_t address_count;
	uint8_t incomplete; /* answers were dropped: the chain or addresses may lack some */
	struct dns_address addresses[DNS_MAX_ANSWERS];
};

/*
 * Parse one DNS message of len bytes into msg.  Returns DNS_OK or the reason
 * for rejecting it.  On a rejection, what was parsed before the fault stays
 * in msg: the header unless DNS_ERR_SHORT_HEADER, the question once
 * sections_parsed >= 1, the answers counted in answers_kept.
 */
enum dns_parse_error dns_parse(const uint8_t *buf, size_t len, struct dns_message *msg);

/*
 * Follow the CNAME chain in msg's answers from the question name and collect
 * the class IN A and AAAA records of the name it ends at.  A chain that ends
 * without addresses (NXDOMAIN, NODATA) is DNS_OK with address_count 0.  It
 * also works on a message dns_parse() rejected after the question section,
 * using the answers kept before the fault.
 */
enum dns_parse_error dns_follow_cname_chain(const struct dns_message *msg,
					    struct dns_resolution *res);

/*
 * Write name's presentation form into buf (size bytes, NUL-terminated when
 * size > 0).  Returns the length of the full form, like snprintf: a result
 * >= size means it was cut, and it is cut between characters, never inside a
 * \DDD escape.  DNS_NAME_TEXT_SIZE bytes are always enough.
 */
size_t dns_name_to_text(const struct dns_name *name, char *buf, size_t size);

/* Stable short name of a parse result, e.g. "pointer_loop"; "unknown" if out of range. */
const char *dns_parse_error_name(enum dns_parse_error err);

/*
 * Mnemonics ("NXDOMAIN", "AAAA").  Values without one are written into buf
 * as "RCODE<n>" or "TYPE<n>" (RFC 3597) and buf is returned; buf should hold
 * DNS_MNEMONIC_SIZE bytes.
 */
const char *dns_rcode_name(uint16_t rcode, char *buf, size_t size);
const char *dns_type_name(uint16_t type, char *buf, size_t size);

/*
 * DNS over TCP (RFC 1035 4.2.2): each message follows a 2-byte big-endian
 * length, and one segment may hold several messages or part of one.  The
 * iterator walks a buffer of TCP payload that starts at a message boundary.
 */
enum dns_tcp_status {
	DNS_TCP_END = 0, /* no bytes left: the buffer ended on a message boundary */
	DNS_TCP_MESSAGE, /* frame holds one complete message */
	DNS_TCP_PARTIAL, /* the buffer ends inside a message; iteration is over */
};

struct dns_tcp_iter {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

/* On DNS_TCP_PARTIAL with the prefix itself cut, data is NULL and both lengths 0. */
struct dns_tcp_frame {
	const uint8_t *data; /* the message, length prefix excluded */
	size_t len;	     /* bytes of it present in the buffer */
	size_t declared_len; /* length from the prefix */
};

void dns_tcp_iter_init(struct dns_tcp_iter *it, const uint8_t *buf, size_t len);
enum dns_tcp_status dns_tcp_next(struct dns_tcp_iter *it, struct dns_tcp_frame *frame);

#endif /* SYNSCOPE_DNS_PARSE_H */
