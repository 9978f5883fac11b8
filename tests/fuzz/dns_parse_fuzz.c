// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for user/dns/dns_parse.c.
 *
 * Each input is used twice: as one DNS message (a UDP payload), and as DNS
 * over TCP payload whose complete messages are parsed one by one.  After each
 * parse the CNAME chain helper and the presentation functions run on the
 * result, and the invariants the rest of synscope relies on are checked; a
 * violation calls __builtin_trap(), which libFuzzer reports as a crash.
 * ASan and UBSan catch out-of-bounds reads and undefined behaviour; the
 * input buffer is exactly the input's size, so any over-read is caught.
 *
 * Build, then run with a scratch directory first, so that new inputs land
 * there and the seed corpus stays as committed:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iuser/dns \
 *         tests/fuzz/dns_parse_fuzz.c user/dns/dns_parse.c -o /tmp/dns_fuzz
 *   mkdir -p /tmp/dns_scratch
 *   /tmp/dns_fuzz -max_total_time=60 /tmp/dns_scratch tests/fuzz/corpus/dns_parse
 * The seeds are made by tests/fuzz/make_corpus.py.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns_parse.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

/* 4 bytes of text per wire byte, at worst, and dots: see dns_parse.h. */
#define NAME_TEXT_WORST 1003

/* A well-formed stored name: labels of 1..63 bytes, then the final zero at len - 1. */
static void check_name_wire(const struct dns_name *name)
{
	size_t pos = 0;

	CHECK(name->len >= 1 && name->len <= DNS_NAME_WIRE_MAX);
	while (name->wire[pos]) {
		CHECK(name->wire[pos] <= DNS_LABEL_MAX);
		pos += 1 + (size_t)name->wire[pos];
		CHECK(pos < name->len);
	}
	CHECK(pos == (size_t)name->len - 1);
}

/* Presentation text is printable, lower-case, escapes are whole: \ and 3 digits. */
static void check_text_chars(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		CHECK(text[i] > ' ' && text[i] < 0x7f);
		CHECK(text[i] < 'A' || text[i] > 'Z');
		if (text[i] != '\\')
			continue;
		CHECK(len - i > 3);
		CHECK(text[i + 1] >= '0' && text[i + 1] <= '2');
		CHECK(text[i + 2] >= '0' && text[i + 2] <= '9');
		CHECK(text[i + 3] >= '0' && text[i + 3] <= '9');
		i += 3;
	}
}

/* The full text, and a cut one that must be a prefix that splits no escape. */
static void check_name_text(const struct dns_name *name, const char *expected)
{
	char text[DNS_NAME_TEXT_SIZE], cut[DNS_NAME_TEXT_SIZE];
	size_t need, cut_size;

	need = dns_name_to_text(name, text, sizeof(text));
	CHECK(need <= NAME_TEXT_WORST);
	CHECK(strlen(text) == need);
	check_text_chars(text, need);
	if (expected)
		CHECK(strcmp(text, expected) == 0);

	cut_size = need / 2 + 1;
	CHECK(dns_name_to_text(name, cut, cut_size) == need);
	CHECK(strlen(cut) < cut_size);
	CHECK(strncmp(cut, text, strlen(cut)) == 0);
	check_text_chars(cut, strlen(cut));
}

static void check_name(const struct dns_name *name)
{
	check_name_wire(name);
	check_name_text(name, NULL);
}

static void check_mnemonic(const char *s, const char *buf)
{
	CHECK(s != NULL);
	CHECK(strlen(s) < DNS_MNEMONIC_SIZE);
	CHECK(s != buf || s[0] == 'R' || s[0] == 'T');
}

static void check_answer(const struct dns_answer *ans)
{
	char buf[DNS_MNEMONIC_SIZE];

	check_name(&ans->owner);
	CHECK(ans->ttl <= INT32_MAX);
	if (ans->type == DNS_TYPE_CNAME)
		check_name(&ans->cname);
	else
		CHECK(ans->cname.len == 0);
	if (ans->rrclass == DNS_CLASS_IN && ans->type == DNS_TYPE_A)
		CHECK(ans->addr_len == 4 && ans->rdlength == 4);
	else if (ans->rrclass == DNS_CLASS_IN && ans->type == DNS_TYPE_AAAA)
		CHECK(ans->addr_len == 16 && ans->rdlength == 16);
	else
		CHECK(ans->addr_len == 0);
	check_mnemonic(dns_type_name(ans->type, buf, sizeof(buf)), buf);
}

static void check_header(const struct dns_message *msg, size_t len)
{
	const struct dns_header *h = &msg->header;
	char buf[DNS_MNEMONIC_SIZE];

	CHECK(len >= DNS_HEADER_LEN);
	CHECK(h->opcode <= 15);
	CHECK((h->qr | h->aa | h->tc | h->rd | h->ra | h->ad | h->cd) <= 1);
	CHECK(h->rcode <= (msg->edns.present ? 0xfff : 0xf));
	if (msg->edns.present)
		CHECK(h->rcode >> 4 == msg->edns.ext_rcode);
	check_mnemonic(dns_rcode_name(h->rcode, buf, sizeof(buf)), buf);
}

static void check_question(const struct dns_message *msg)
{
	const struct dns_question *q = &msg->question;
	char buf[DNS_MNEMONIC_SIZE];

	CHECK(memchr(q->name, '\0', sizeof(q->name)) != NULL);
	if (msg->sections_parsed == 0)
		return;
	if (msg->header.qdcount == 0) {
		CHECK(q->wire.len == 0 && q->name[0] == '\0');
		return;
	}
	check_name_wire(&q->wire);
	check_name_text(&q->wire, q->name);
	check_mnemonic(dns_type_name(q->qtype, buf, sizeof(buf)), buf);
}

static void check_resolution(const struct dns_message *msg)
{
	struct dns_resolution res;
	enum dns_parse_error err;
	size_t i;

	err = dns_follow_cname_chain(msg, &res);
	CHECK(err == DNS_OK || err == DNS_ERR_NO_QUESTION || err == DNS_ERR_CNAME_LOOP ||
	      err == DNS_ERR_CNAME_CHAIN_TOO_LONG);
	CHECK(res.incomplete == (msg->answers_dropped > 0));
	if (msg->header.qdcount == 0 || msg->sections_parsed == 0)
		CHECK(err == DNS_ERR_NO_QUESTION);
	if (err != DNS_OK)
		return;
	check_name(&res.canonical);
	CHECK(res.cname_hops <= DNS_MAX_CNAME_HOPS);
	CHECK(res.cname_hops + res.address_count <= msg->answers_kept);
	for (i = 0; i < res.address_count; i++) {
		CHECK(res.addresses[i].addr_len == 4 || res.addresses[i].addr_len == 16);
		CHECK(res.addresses[i].ttl <= INT32_MAX);
	}
}

/* Parse one message and check everything it reports. */
static void fuzz_message(const uint8_t *data, size_t len)
{
	struct dns_message msg;
	enum dns_parse_error err;
	size_t i;

	err = dns_parse(data, len, &msg);
	CHECK(err < DNS_ERR_NO_QUESTION);
	CHECK(strcmp(dns_parse_error_name(err), "unknown") != 0);
	CHECK(msg.answers_kept <= DNS_MAX_ANSWERS);
	CHECK(msg.sections_parsed <= 4);
	if (err == DNS_ERR_SHORT_HEADER) {
		CHECK(len < DNS_HEADER_LEN && msg.sections_parsed == 0);
		return;
	}
	check_header(&msg, len);
	CHECK(msg.answers_kept + msg.answers_dropped <= msg.header.ancount);
	if (err == DNS_OK) {
		CHECK(msg.sections_parsed == 4);
		CHECK(msg.answers_kept + msg.answers_dropped == msg.header.ancount);
		CHECK(msg.trailing_bytes <= len - DNS_HEADER_LEN);
	} else {
		CHECK(msg.sections_parsed < 4);
	}
	check_question(&msg);
	for (i = 0; i < msg.answers_kept; i++)
		check_answer(&msg.answers[i]);
	check_resolution(&msg);
}

/* Walk the input as TCP payload: frames must tile it exactly. */
static void fuzz_tcp(const uint8_t *data, size_t size)
{
	struct dns_tcp_iter it;
	struct dns_tcp_frame frame;
	enum dns_tcp_status status;
	size_t consumed = 0, frames = 0;

	dns_tcp_iter_init(&it, data, size);
	while ((status = dns_tcp_next(&it, &frame)) == DNS_TCP_MESSAGE) {
		CHECK(++frames <= size / 2);
		CHECK(frame.len == frame.declared_len && frame.len <= DNS_TCP_MESSAGE_MAX);
		CHECK(frame.data == data + consumed + 2);
		consumed += 2 + frame.len;
		CHECK(consumed <= size);
		fuzz_message(frame.data, frame.len);
	}
	if (status == DNS_TCP_PARTIAL) {
		if (frame.data)
			CHECK(frame.len < frame.declared_len && frame.data == data + consumed + 2);
		consumed += frame.data ? 2 + frame.len : 1;
		CHECK(dns_tcp_next(&it, &frame) == DNS_TCP_END);
	}
	CHECK(consumed == size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_message(data, size);
	fuzz_tcp(data, size);
	return 0;
}
