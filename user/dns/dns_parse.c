// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS message parser for captured packets; dns_parse.h says what it keeps.
 *
 * Every read is checked against the message length first, every loop is
 * bounded by the bytes it consumes or by a fixed limit, and the only state
 * is in the caller's structs, so the functions are safe on hostile input and
 * from several threads at once.
 */
#include <stdio.h>
#include <string.h>

#include "dns_parse.h"

#define ARRAY_SIZE(a)	   (sizeof(a) / sizeof((a)[0]))

#define LABEL_TYPE_MASK	   0xc0 /* top bits of a label byte: 00 length, 11 pointer */
#define LABEL_POINTER	   0xc0
#define RR_FIXED_LEN	   10 /* type, class, ttl, rdlength */
#define QUESTION_FIXED_LEN 4  /* qtype, qclass */

/* Where the parser is in the message; pos never exceeds len. */
struct reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

/* A record's fields that follow its owner name. */
struct rr_fields {
	uint32_t ttl;
	size_t rdata; /* offset of the rdata in the message */
	uint16_t type;
	uint16_t rrclass;
	uint16_t rdlength;
};

/* Progress through one name as labels are read and pointers followed. */
struct name_walk {
	size_t cursor;	/* next label byte to read */
	size_t segment; /* where the labels being read began: pointers must go before it */
	size_t end;	/* offset just after the name, fixed by the first pointer */
	unsigned int pointers;
};

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int has_bytes(const struct reader *r, size_t n)
{
	return r->len - r->pos >= n;
}

/* DNS compares names case-insensitively in ASCII only (RFC 4343). */
static uint8_t to_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* RFC 2181 8: a TTL with the top bit set is to be read as zero. */
static uint32_t clamp_ttl(uint32_t ttl)
{
	return ttl > INT32_MAX ? 0 : ttl;
}

/*
 * Jump through the compression pointer at w->cursor.  The target must lie
 * before the labels read since the last jump (or since the name began):
 * labels from there lead forward to this pointer again, so anything at or
 * after that point is a loop.  Each jump thus lands strictly lower, and the
 * walk ends; DNS_MAX_POINTERS bounds the work on top of that.
 */
static enum dns_parse_error follow_pointer(const struct reader *r, struct name_walk *w)
{
	size_t target;

	if (r->len - w->cursor < 2)
		return DNS_ERR_NAME_TRUNCATED;
	target = (size_t)(r->buf[w->cursor] & ~LABEL_TYPE_MASK) << 8 | r->buf[w->cursor + 1];
	if (target >= r->len)
		return DNS_ERR_POINTER_PAST_END;
	if (target == w->cursor)
		return DNS_ERR_POINTER_SELF;
	if (target > w->cursor)
		return DNS_ERR_POINTER_FORWARD;
	if (target >= w->segment)
		return DNS_ERR_POINTER_LOOP;
	if (++w->pointers > DNS_MAX_POINTERS)
		return DNS_ERR_TOO_MANY_POINTERS;
	if (w->pointers == 1)
		w->end = w->cursor + 2;
	w->cursor = target;
	w->segment = target;
	return DNS_OK;
}

/* Append the label at w->cursor to out, lower-cased. */
static enum dns_parse_error copy_label(const struct reader *r, struct name_walk *w,
				       struct dns_name *out)
{
	size_t n = r->buf[w->cursor];
	const uint8_t *src = r->buf + w->cursor + 1;
	size_t i;

	if (n > r->len - w->cursor - 1)
		return DNS_ERR_NAME_TRUNCATED;
	/* Keep room for the final zero: the whole name must fit in 255 bytes. */
	if (out->len + 1 + n + 1 > DNS_NAME_WIRE_MAX)
		return DNS_ERR_NAME_TOO_LONG;
	out->wire[out->len++] = (uint8_t)n;
	for (i = 0; i < n; i++)
		out->wire[out->len++] = to_lower(src[i]);
	w->cursor += 1 + n;
	return DNS_OK;
}

/* Decode the name at r->pos into out and move r->pos past it. */
static enum dns_parse_error read_name(struct reader *r, struct dns_name *out)
{
	struct name_walk w = { .cursor = r->pos, .segment = r->pos };
	enum dns_parse_error err = DNS_OK;
	uint8_t b;

	out->len = 0;
	while (!err) {
		if (w.cursor >= r->len) {
			err = DNS_ERR_NAME_TRUNCATED;
			break;
		}
		b = r->buf[w.cursor];
		if (b == 0)
			break;
		if ((b & LABEL_TYPE_MASK) == LABEL_POINTER)
			err = follow_pointer(r, &w);
		else if (b & LABEL_TYPE_MASK)
			err = DNS_ERR_RESERVED_LABEL_TYPE;
		else
			err = copy_label(r, &w, out);
	}
	if (err) {
		out->len = 0;
		return err;
	}
	out->wire[out->len++] = 0;
	r->pos = w.pointers ? w.end : w.cursor + 1;
	return DNS_OK;
}

/* Read a record's owner and fixed fields, and step over its rdata. */
static enum dns_parse_error read_rr(struct reader *r, struct dns_name *owner, struct rr_fields *rr)
{
	enum dns_parse_error err;
	const uint8_t *p;

	err = read_name(r, owner);
	if (err)
		return err;
	if (!has_bytes(r, RR_FIXED_LEN))
		return DNS_ERR_TRUNCATED;
	p = r->buf + r->pos;
	rr->type = get_u16(p);
	rr->rrclass = get_u16(p + 2);
	rr->ttl = get_u32(p + 4);
	rr->rdlength = get_u16(p + 8);
	r->pos += RR_FIXED_LEN;
	if (!has_bytes(r, rr->rdlength))
		return DNS_ERR_RDLENGTH_OVERFLOW;
	rr->rdata = r->pos;
	r->pos += rr->rdlength;
	return DNS_OK;
}

static void read_header(const uint8_t *p, struct dns_header *h)
{
	uint16_t flags = get_u16(p + 2);

	h->id = get_u16(p);
	h->qr = flags >> 15 & 1;
	h->opcode = flags >> 11 & 0xf;
	h->aa = flags >> 10 & 1;
	h->tc = flags >> 9 & 1;
	h->rd = flags >> 8 & 1;
	h->ra = flags >> 7 & 1;
	h->ad = flags >> 5 & 1;
	h->cd = flags >> 4 & 1;
	h->rcode = flags & 0xf;
	h->qdcount = get_u16(p + 4);
	h->ancount = get_u16(p + 6);
	h->nscount = get_u16(p + 8);
	h->arcount = get_u16(p + 10);
}

/* Read one question; only the first one (keep) is stored. */
static enum dns_parse_error read_question(struct reader *r, struct dns_question *q, int keep)
{
	struct dns_name other;
	struct dns_name *name = keep ? &q->wire : &other;
	enum dns_parse_error err;

	err = read_name(r, name);
	if (err)
		return err;
	if (!has_bytes(r, QUESTION_FIXED_LEN))
		return DNS_ERR_TRUNCATED;
	if (keep) {
		q->qtype = get_u16(r->buf + r->pos);
		q->qclass = get_u16(r->buf + r->pos + 2);
		dns_name_to_text(&q->wire, q->name, sizeof(q->name));
	}
	r->pos += QUESTION_FIXED_LEN;
	return DNS_OK;
}

static enum dns_parse_error read_questions(struct reader *r, struct dns_message *msg)
{
	enum dns_parse_error err;
	unsigned int i;

	for (i = 0; i < msg->header.qdcount; i++) {
		err = read_question(r, &msg->question, i == 0);
		if (err)
			return err;
	}
	return DNS_OK;
}

/* A name in rdata may be compressed but must end exactly where the rdata does. */
static enum dns_parse_error read_rdata_name(const struct reader *r, const struct rr_fields *rr,
					    struct dns_name *name)
{
	struct reader in_rdata = { .buf = r->buf, .len = r->len, .pos = rr->rdata };
	enum dns_parse_error err;

	err = read_name(&in_rdata, name);
	if (err)
		return err;
	if (in_rdata.pos != rr->rdata + rr->rdlength) {
		name->len = 0;
		return DNS_ERR_BAD_RDLENGTH;
	}
	return DNS_OK;
}

/* Keep what the CNAME chain needs: the target of a CNAME, the address of an A or AAAA. */
static enum dns_parse_error read_answer_rdata(const struct reader *r, const struct rr_fields *rr,
					      struct dns_answer *ans)
{
	size_t addr_len;

	if (rr->type == DNS_TYPE_CNAME)
		return read_rdata_name(r, rr, &ans->cname);
	/* A and AAAA rdata is only an address in class IN (RFC 1035 3.4.1). */
	if (rr->rrclass != DNS_CLASS_IN)
		return DNS_OK;
	if (rr->type == DNS_TYPE_A)
		addr_len = 4;
	else if (rr->type == DNS_TYPE_AAAA)
		addr_len = 16;
	else
		return DNS_OK;
	if (rr->rdlength != addr_len)
		return DNS_ERR_BAD_RDLENGTH;
	memcpy(ans->addr, r->buf + rr->rdata, addr_len);
	ans->addr_len = (uint8_t)addr_len;
	return DNS_OK;
}

/* Read one answer record into the next free slot, or count it if there is none. */
static enum dns_parse_error read_answer(struct reader *r, struct dns_message *msg)
{
	struct dns_answer overflow;
	int keep = msg->answers_kept < DNS_MAX_ANSWERS;
	struct dns_answer *ans = keep ? &msg->answers[msg->answers_kept] : &overflow;
	enum dns_parse_error err;
	struct rr_fields rr;

	err = read_rr(r, &ans->owner, &rr);
	if (err)
		return err;
	if (rr.type == DNS_TYPE_OPT)
		return DNS_ERR_MISPLACED_OPT;
	ans->type = rr.type;
	ans->rrclass = rr.rrclass;
	ans->ttl = clamp_ttl(rr.ttl);
	ans->rdlength = rr.rdlength;
	ans->cname.len = 0;
	ans->addr_len = 0;
	memset(ans->addr, 0, sizeof(ans->addr));
	err = read_answer_rdata(r, &rr, ans);
	if (err)
		return err;
	if (keep)
		msg->answers_kept++;
	else
		msg->answers_dropped++;
	return DNS_OK;
}

static enum dns_parse_error read_answers(struct reader *r, struct dns_message *msg)
{
	enum dns_parse_error err;
	unsigned int i;

	for (i = 0; i < msg->header.ancount; i++) {
		err = read_answer(r, msg);
		if (err)
			return err;
	}
	return DNS_OK;
}

static enum dns_parse_error read_authority(struct reader *r, struct dns_message *msg)
{
	enum dns_parse_error err;
	struct dns_name owner;
	struct rr_fields rr;
	unsigned int i;

	for (i = 0; i < msg->header.nscount; i++) {
		err = read_rr(r, &owner, &rr);
		if (err)
			return err;
		if (rr.type == DNS_TYPE_OPT)
			return DNS_ERR_MISPLACED_OPT;
	}
	return DNS_OK;
}

/* The OPT rdata is a run of {code, length, data} options that must fill it exactly. */
static enum dns_parse_error check_opt_options(const struct reader *r, const struct rr_fields *rr)
{
	size_t pos = rr->rdata;
	size_t end = rr->rdata + rr->rdlength;

	while (pos < end) {
		if (end - pos < 4)
			return DNS_ERR_BAD_OPT;
		pos += 4 + (size_t)get_u16(r->buf + pos + 2);
		if (pos > end)
			return DNS_ERR_BAD_OPT;
	}
	return DNS_OK;
}

/* RFC 6891 6.1: one OPT, owned by the root; its class and TTL carry EDNS fields. */
static enum dns_parse_error read_opt(const struct reader *r, const struct dns_name *owner,
				     const struct rr_fields *rr, struct dns_message *msg)
{
	enum dns_parse_error err;

	if (msg->edns.present)
		return DNS_ERR_DUPLICATE_OPT;
	if (owner->len != 1)
		return DNS_ERR_BAD_OPT;
	err = check_opt_options(r, rr);
	if (err)
		return err;
	msg->edns.present = 1;
	msg->edns.udp_payload_size = rr->rrclass;
	msg->edns.ext_rcode = rr->ttl >> 24 & 0xff;
	msg->edns.version = rr->ttl >> 16 & 0xff;
	msg->edns.dnssec_ok = rr->ttl >> 15 & 1;
	msg->header.rcode = (uint16_t)(msg->edns.ext_rcode << 4 | msg->header.rcode);
	return DNS_OK;
}

static enum dns_parse_error read_additional(struct reader *r, struct dns_message *msg)
{
	enum dns_parse_error err;
	struct dns_name owner;
	struct rr_fields rr;
	unsigned int i;

	for (i = 0; i < msg->header.arcount; i++) {
		err = read_rr(r, &owner, &rr);
		if (err)
			return err;
		if (rr.type != DNS_TYPE_OPT)
			continue;
		err = read_opt(r, &owner, &rr, msg);
		if (err)
			return err;
	}
	return DNS_OK;
}

/*
 * Every section loop is bounded twice: by its 16-bit count, and by the
 * message length, since each entry consumes at least 5 bytes or fails.
 */
enum dns_parse_error dns_parse(const uint8_t *buf, size_t len, struct dns_message *msg)
{
	static enum dns_parse_error (*const sections[])(struct reader *, struct dns_message *) = {
		read_questions,
		read_answers,
		read_authority,
		read_additional,
	};
	struct reader r = { .buf = buf, .len = len, .pos = DNS_HEADER_LEN };
	enum dns_parse_error err;
	size_t i;

	/* Answer slots are filled whole as they are used: no need to clear them. */
	memset(msg, 0, offsetof(struct dns_message, answers));
	if (len < DNS_HEADER_LEN)
		return DNS_ERR_SHORT_HEADER;
	read_header(buf, &msg->header);
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		err = sections[i](&r, msg);
		if (err)
			return err;
		msg->sections_parsed++;
	}
	msg->trailing_bytes = len - r.pos;
	return DNS_OK;
}

static int name_equal(const struct dns_name *a, const struct dns_name *b)
{
	return a->len == b->len && memcmp(a->wire, b->wire, a->len) == 0;
}

/* The kept answers, bounded even if the caller filled answers_kept. */
static size_t answers_in(const struct dns_message *msg)
{
	return msg->answers_kept < DNS_MAX_ANSWERS ? msg->answers_kept : DNS_MAX_ANSWERS;
}

static const struct dns_answer *find_cname(const struct dns_message *msg,
					   const struct dns_name *owner)
{
	const struct dns_answer *ans;
	size_t i;

	for (i = 0; i < answers_in(msg); i++) {
		ans = &msg->answers[i];
		if (ans->type == DNS_TYPE_CNAME && ans->cname.len && name_equal(&ans->owner, owner))
			return ans;
	}
	return NULL;
}

static int name_seen(const struct dns_name *const *seen, size_t count, const struct dns_name *name)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (name_equal(seen[i], name))
			return 1;
	}
	return 0;
}

/* Gather the A and AAAA records of name, each with the chain's TTL folded in. */
static void collect_addresses(const struct dns_message *msg, const struct dns_name *name,
			      uint32_t chain_ttl, struct dns_resolution *res)
{
	const struct dns_answer *ans;
	struct dns_address *out;
	size_t i;

	for (i = 0; i < answers_in(msg); i++) {
		ans = &msg->answers[i];
		if (!ans->addr_len || !name_equal(&ans->owner, name))
			continue;
		out = &res->addresses[res->address_count++];
		memcpy(out->addr, ans->addr, sizeof(out->addr));
		out->addr_len = ans->addr_len;
		out->ttl = ans->ttl < chain_ttl ? ans->ttl : chain_ttl;
	}
}

enum dns_parse_error dns_follow_cname_chain(const struct dns_message *msg,
					    struct dns_resolution *res)
{
	const struct dns_name *seen[DNS_MAX_CNAME_HOPS + 1];
	const struct dns_name *name = &msg->question.wire;
	uint32_t chain_ttl = UINT32_MAX;
	const struct dns_answer *cname;

	memset(res, 0, offsetof(struct dns_resolution, addresses));
	res->incomplete = msg->answers_dropped > 0;
	/* A question that failed to parse leaves sections_parsed at 0. */
	if (msg->sections_parsed == 0 || msg->header.qdcount == 0 || name->len == 0)
		return DNS_ERR_NO_QUESTION;
	seen[0] = name;
	while ((cname = find_cname(msg, name))) {
		if (name_seen(seen, res->cname_hops + 1, &cname->cname))
			return DNS_ERR_CNAME_LOOP;
		if (res->cname_hops == DNS_MAX_CNAME_HOPS)
			return DNS_ERR_CNAME_CHAIN_TOO_LONG;
		if (cname->ttl < chain_ttl)
			chain_ttl = cname->ttl;
		name = &cname->cname;
		seen[++res->cname_hops] = name;
	}
	res->canonical = *name;
	collect_addresses(msg, name, chain_ttl, res);
	return DNS_OK;
}

/* Output that is cut only between whole pieces, counting what it would need. */
struct text_out {
	char *buf;
	size_t size;
	size_t used; /* bytes written, always < size when size > 0 */
	size_t need; /* bytes the full text takes */
};

static void put_piece(struct text_out *t, const char *piece, size_t n)
{
	/* Once a piece did not fit, write nothing more, so the output stays a prefix. */
	if (t->used == t->need && n < t->size - t->used) {
		memcpy(t->buf + t->used, piece, n);
		t->used += n;
	}
	t->need += n;
}

/* Bytes that would be ambiguous or unsafe in a presentation name (RFC 1035 5.1). */
static int needs_escape(uint8_t c)
{
	if (c <= ' ' || c >= 0x7f)
		return 1;
	return strchr(".\\\"();@$", c) != NULL;
}

static void put_label(struct text_out *t, const uint8_t *label, size_t n)
{
	char esc[4] = { '\\' };
	size_t i;

	for (i = 0; i < n; i++) {
		if (!needs_escape(label[i])) {
			put_piece(t, (const char *)&label[i], 1);
			continue;
		}
		esc[1] = (char)('0' + label[i] / 100);
		esc[2] = (char)('0' + label[i] / 10 % 10);
		esc[3] = (char)('0' + label[i] % 10);
		put_piece(t, esc, sizeof(esc));
	}
}

size_t dns_name_to_text(const struct dns_name *name, char *buf, size_t size)
{
	struct text_out t = { .buf = buf, .size = size };
	size_t pos = 0;
	size_t n;

	if (name->len == 1)
		put_piece(&t, ".", 1);
	/* Stop at the final zero, or at a label that would overrun len. */
	while (pos < name->len && name->wire[pos]) {
		n = name->wire[pos];
		if (n > name->len - pos - 1U)
			break;
		if (pos)
			put_piece(&t, ".", 1);
		put_label(&t, &name->wire[pos + 1], n);
		pos += 1 + n;
	}
	if (size)
		buf[t.used] = '\0';
	return t.need;
}

const char *dns_parse_error_name(enum dns_parse_error err)
{
	static const char *const names[] = {
		[DNS_OK] = "ok",
		[DNS_ERR_SHORT_HEADER] = "short_header",
		[DNS_ERR_TRUNCATED] = "truncated",
		[DNS_ERR_NAME_TRUNCATED] = "name_truncated",
		[DNS_ERR_NAME_TOO_LONG] = "name_too_long",
		[DNS_ERR_RESERVED_LABEL_TYPE] = "reserved_label_type",
		[DNS_ERR_POINTER_PAST_END] = "pointer_past_end",
		[DNS_ERR_POINTER_SELF] = "pointer_self",
		[DNS_ERR_POINTER_FORWARD] = "pointer_forward",
		[DNS_ERR_POINTER_LOOP] = "pointer_loop",
		[DNS_ERR_TOO_MANY_POINTERS] = "too_many_pointers",
		[DNS_ERR_RDLENGTH_OVERFLOW] = "rdlength_overflow",
		[DNS_ERR_BAD_RDLENGTH] = "bad_rdlength",
		[DNS_ERR_MISPLACED_OPT] = "misplaced_opt",
		[DNS_ERR_DUPLICATE_OPT] = "duplicate_opt",
		[DNS_ERR_BAD_OPT] = "bad_opt",
		[DNS_ERR_NO_QUESTION] = "no_question",
		[DNS_ERR_CNAME_LOOP] = "cname_loop",
		[DNS_ERR_CNAME_CHAIN_TOO_LONG] = "cname_chain_too_long",
	};
	_Static_assert(ARRAY_SIZE(names) == DNS_ERR__COUNT, "a parse error has no name");

	if ((unsigned int)err >= ARRAY_SIZE(names) || !names[err])
		return "unknown";
	return names[err];
}

/* The fallback form for values without a mnemonic; returns "" if there is no room at all. */
static const char *numbered(const char *prefix, unsigned int value, char *buf, size_t size)
{
	if (!buf || !size)
		return "";
	snprintf(buf, size, "%s%u", prefix, value);
	return buf;
}

/* RCODEs from the IANA DNS parameters registry; 16 is BADVERS in a message header. */
const char *dns_rcode_name(uint16_t rcode, char *buf, size_t size)
{
	static const char *const names[] = {
		"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",  "DSOTYPENI",
		NULL,	    NULL,      NULL,	   NULL,       "BADVERS",  "BADKEY",
		"BADTIME",  "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC", "BADCOOKIE",
	};

	if (rcode < ARRAY_SIZE(names) && names[rcode])
		return names[rcode];
	return numbered("RCODE", rcode, buf, size);
}

const char *dns_type_name(uint16_t type, char *buf, size_t size)
{
	static const struct {
		uint16_t type;
		const char *name;
	} types[] = {
		{ 1, "A" },	 { 2, "NS" },	   { 5, "CNAME" },  { 6, "SOA" },   { 12, "PTR" },
		{ 13, "HINFO" }, { 15, "MX" },	   { 16, "TXT" },   { 28, "AAAA" }, { 33, "SRV" },
		{ 35, "NAPTR" }, { 39, "DNAME" },  { 41, "OPT" },   { 43, "DS" },   { 46, "RRSIG" },
		{ 47, "NSEC" },	 { 48, "DNSKEY" }, { 50, "NSEC3" }, { 52, "TLSA" }, { 64, "SVCB" },
		{ 65, "HTTPS" }, { 251, "IXFR" },  { 252, "AXFR" }, { 255, "ANY" }, { 257, "CAA" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (types[i].type == type)
			return types[i].name;
	}
	return numbered("TYPE", type, buf, size);
}

void dns_tcp_iter_init(struct dns_tcp_iter *it, const uint8_t *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
}

enum dns_tcp_status dns_tcp_next(struct dns_tcp_iter *it, struct dns_tcp_frame *frame)
{
	size_t start = it->pos;
	size_t left = it->len - start;

	memset(frame, 0, sizeof(*frame));
	if (left == 0)
		return DNS_TCP_END;
	/* A partial message ends the walk: nothing after it can be framed. */
	it->pos = it->len;
	if (left < 2)
		return DNS_TCP_PARTIAL;
	frame->declared_len = get_u16(it->buf + start);
	frame->data = it->buf + start + 2;
	if (left - 2 < frame->declared_len) {
		frame->len = left - 2;
		return DNS_TCP_PARTIAL;
	}
	frame->len = frame->declared_len;
	it->pos = start + 2 + frame->len;
	return DNS_TCP_MESSAGE;
}
