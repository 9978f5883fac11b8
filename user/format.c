// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "connect.h"
#include "format.h"

static const char *const outcome_names[OUTCOME__COUNT] = {
	[OUTCOME_ESTABLISHED] = "established", [OUTCOME_REFUSED] = "refused",
	[OUTCOME_TIMEOUT] = "timeout",	       [OUTCOME_UNREACHABLE] = "unreachable",
	[OUTCOME_ABORTED] = "aborted",	       [OUTCOME_LOCAL_ERROR] = "local_error",
};

const char *outcome_name(unsigned int outcome)
{
	return outcome < OUTCOME__COUNT ? outcome_names[outcome] : "?";
}

const char *family_name(unsigned int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

const char *errno_name(int error)
{
	const char *name;

	if (!error)
		return "";
	name = strerrorname_np(error);
	return name ? name : "E?";
}

/*
 * Every output formats a few numbers per attempt, thousands of attempts a
 * second: digits are written here, not by printf (nor by inet_ntop, which
 * prints IPv4 addresses with sprintf).
 */

/* "00" to "99": digits are written two at a time, half the divisions. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* How many decimal digits v < 10^8 has: three comparisons. */
static unsigned int digits_below_1e8(__u32 v)
{
	if (v < 10000)
		return v < 100 ? (v < 10 ? 1 : 2) : (v < 1000 ? 3 : 4);
	return v < 1000000 ? (v < 100000 ? 5 : 6) : (v < 10000000 ? 7 : 8);
}

/* v < 10^8 without leading zeros, in place from its last digit; returns the end. */
static char *put_below_1e8(char *p, __u32 v)
{
	char *end = p + digits_below_1e8(v), *q = end;

	while (v >= 100) {
		q -= 2;
		memcpy(q, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(q - 2, digit_pairs + 2 * v, 2);
	else
		q[-1] = '0' + v;
	return end;
}

/* v < 10^8 in exactly eight digits: two halves, independent of each other. */
static char *put_8_digits(char *p, __u32 v)
{
	__u32 hi = v / 10000, lo = v % 10000;

	memcpy(p, digit_pairs + 2 * (hi / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (hi % 100), 2);
	memcpy(p + 4, digit_pairs + 2 * (lo / 100), 2);
	memcpy(p + 6, digit_pairs + 2 * (lo % 100), 2);
	return p + 8;
}

#define E8 100000000ULL

/*
 * In chunks of eight digits, each in 32-bit arithmetic: a 64-bit number
 * (a nanosecond time has 19 digits) is a short chain of divisions, not
 * one per digit pair; and the digits go straight to their place, with no
 * copy from a scratch buffer.
 */
char *u64_put(char *p, __u64 v)
{
	if (v < E8)
		return put_below_1e8(p, v);
	if (v < E8 * E8) {
		p = put_below_1e8(p, v / E8);
		return put_8_digits(p, v % E8);
	}
	p = put_below_1e8(p, v / (E8 * E8));
	p = put_8_digits(p, v / E8 % E8);
	return put_8_digits(p, v % E8);
}

unsigned int u64_digits(__u64 v)
{
	if (v < E8)
		return digits_below_1e8(v);
	if (v < E8 * E8)
		return digits_below_1e8(v / E8) + 8;
	return digits_below_1e8(v / (E8 * E8)) + 16;
}

/* An address byte, "0" to "255". */
static char *put_octet(char *p, unsigned int v)
{
	if (v >= 100) {
		*p++ = '0' + v / 100;
		v %= 100;
		memcpy(p, digit_pairs + 2 * v, 2);
		return p + 2;
	}
	if (v >= 10) {
		memcpy(p, digit_pairs + 2 * v, 2);
		return p + 2;
	}
	*p = '0' + v;
	return p + 1;
}

/* v in exactly width digits, zeros in front (v < 10^width), two at a time. */
static char *put_u64_zeros(char *p, __u64 v, size_t width)
{
	char *end = p + width, *q = end;

	for (; width >= 2; width -= 2) {
		q -= 2;
		memcpy(q, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (width)
		q[-1] = '0' + v % 10;
	return end;
}

/* "a.b.c.d" at p, no terminator; returns its end. */
static char *put_ipv4(char *p, const __u8 *addr)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_octet(p, addr[i]);
	}
	return p;
}

/*
 * The text of the IPv4 addresses formatted last, a few, by their last
 * bytes: every attempt's addresses are formatted twice (CSV and text
 * lines), and a host connects to few destinations from few sources.
 */
#define IPV4_TEXTS 8

struct ipv4_text {
	__u32 addr;
	__u32 len; /* 0: none yet */
	char text[16];
};

/* At p, with ADDR_STRLEN bytes of room: the whole text buffer is copied, a fixed size. */
static char *ipv4_put(char *p, const __u8 *addr)
{
	static struct ipv4_text texts[IPV4_TEXTS];
	struct ipv4_text *t = &texts[(addr[2] ^ addr[3]) % IPV4_TEXTS];
	__u32 a;

	memcpy(&a, addr, sizeof(a));
	if (!t->len || t->addr != a) {
		t->len = put_ipv4(t->text, addr) - t->text;
		t->addr = a;
	}
	memcpy(p, t->text, sizeof(t->text));
	return p + t->len;
}

char *u64_fmt(char *buf, __u64 v)
{
	*u64_put(buf, v) = '\0';
	return buf;
}

char *addr_put(char *p, unsigned int family, const __u8 *addr)
{
	if (family != AF_INET6)
		return ipv4_put(p, addr);
	if (!inet_ntop(AF_INET6, addr, p, ADDR_STRLEN)) {
		*p = '?';
		return p + 1;
	}
	return p + strlen(p);
}

char *addr_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr)
{
	int af = family == AF_INET6 ? AF_INET6 : AF_INET;

	if (len >= ADDR_STRLEN) {
		*addr_put(buf, family, addr) = '\0';
		return buf;
	}
	if (af == AF_INET && len >= sizeof("255.255.255.255")) {
		*put_ipv4(buf, addr) = '\0';
		return buf;
	}
	if (!inet_ntop(af, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *endpoint_put(char *p, unsigned int family, const __u8 *addr, unsigned int port)
{
	if (family == AF_INET6)
		*p++ = '[';
	p = addr_put(p, family, addr);
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	return u64_put(p, port);
}

char *endpoint_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr, unsigned int port)
{
	char a[ADDR_STRLEN];

	if (len >= ENDPOINT_STRLEN) {
		*endpoint_put(buf, family, addr, port) = '\0';
		return buf;
	}
	addr_fmt(a, sizeof(a), family, addr);
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

/*
 * Format the whole seconds of wall_ns with strftime, remembering the last
 * second formatted: outputs stamp thousands of lines per second, and
 * gmtime_r/localtime_r are not cheap.
 */
struct second_cache {
	__u64 second;
	size_t len;
	char text[24];
};

static const struct second_cache *second_fmt(struct second_cache *c, __u64 wall_ns, bool utc,
					     const char *fmt)
{
	time_t secs = wall_ns / 1000000000ULL;
	struct tm tm;

	if (c->text[0] && c->second == (__u64)secs)
		return c;
	if (utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	c->len = strftime(c->text, sizeof(c->text), fmt, &tm);
	c->second = secs;
	return c;
}

/*
 * The cached second, '.', the fraction in digits, then suffix at p, which
 * has TIME_STRLEN bytes of room: the whole of the cache's text is copied,
 * a copy of fixed size (a few moves), and what follows its end overwritten.
 */
static char *second_and_fraction_put(char *p, const struct second_cache *c, __u64 fraction,
				     size_t digits, char suffix)
{
	_Static_assert(sizeof(c->text) + 1 + 9 + 1 <= TIME_STRLEN, "TIME_STRLEN holds a time");
	memcpy(p, c->text, sizeof(c->text));
	p += c->len;
	*p++ = '.';
	p = put_u64_zeros(p, fraction, digits);
	if (suffix)
		*p++ = suffix;
	return p;
}

/* printf's text, for a buffer shorter than TIME_STRLEN: what fits, terminated. */
static char *second_and_fraction_printf(char *buf, size_t len, const struct second_cache *c,
					__u64 fraction, size_t digits, const char *suffix)
{
	snprintf(buf, len, "%s.%0*llu%s", c->text, (int)digits, (unsigned long long)fraction,
		 suffix);
	return buf;
}

static const struct second_cache *iso_second(__u64 wall_ns)
{
	static struct second_cache day;

	return second_fmt(&day, wall_ns, true, "%Y-%m-%dT%H:%M:%S");
}

static const struct second_cache *hms_second(__u64 wall_ns)
{
	static struct second_cache hms;

	return second_fmt(&hms, wall_ns, false, "%H:%M:%S");
}

char *time_iso_put(char *p, __u64 wall_ns)
{
	return second_and_fraction_put(p, iso_second(wall_ns), (wall_ns % 1000000000ULL) / 1000, 6,
				       'Z');
}

char *time_iso_fmt(char *buf, size_t len, __u64 wall_ns)
{
	if (len < TIME_STRLEN)
		return second_and_fraction_printf(buf, len, iso_second(wall_ns),
						  (wall_ns % 1000000000ULL) / 1000, 6, "Z");
	*time_iso_put(buf, wall_ns) = '\0';
	return buf;
}

char *time_hms_put(char *p, __u64 wall_ns)
{
	return second_and_fraction_put(p, hms_second(wall_ns), (wall_ns % 1000000000ULL) / 1000000,
				       3, '\0');
}

char *time_hms_fmt(char *buf, size_t len, __u64 wall_ns)
{
	if (len < TIME_STRLEN)
		return second_and_fraction_printf(buf, len, hms_second(wall_ns),
						  (wall_ns % 1000000000ULL) / 1000000, 3, "");
	*time_hms_put(buf, wall_ns) = '\0';
	return buf;
}

/* printf's own text, for what the fast path does not do. */
static char *duration_printf(char *buf, size_t len, __u64 ns)
{
	if (ns < 1000000ULL)
		snprintf(buf, len, "%lluus", (unsigned long long)ns / 1000);
	else if (ns < 1000000000ULL)
		snprintf(buf, len, "%.3fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
	return buf;
}

/* "%.3f" of units / unit_ns, then suffix, in integers: units rounded to thousandths. */
static char *thousandths(char *p, __u64 ns, __u64 unit_ns, const char *suffix, size_t suffix_len)
{
	__u64 step = unit_ns / 1000, n = (ns + step / 2) / step;

	p = u64_put(p, n / 1000);
	*p++ = '.';
	p = put_u64_zeros(p, n % 1000, 3);
	memcpy(p, suffix, suffix_len);
	return p + suffix_len;
}

/* Double precision ends at 2^53: past it, and on exact halves, printf rounds its own way. */
#define DURATION_EXACT_NS (1ULL << 53)

static bool duration_needs_printf(__u64 ns)
{
	if (ns >= DURATION_EXACT_NS)
		return true;
	if (ns < 1000000ULL)
		return false;
	if (ns < 1000000000ULL)
		return ns % 1000 == 500;
	return ns % 1000000 == 500000;
}

char *duration_put(char *p, __u64 ns)
{
	if (duration_needs_printf(ns)) {
		duration_printf(p, DURATION_STRLEN, ns);
		return p + strlen(p);
	}
	if (ns < 1000000ULL) {
		p = u64_put(p, ns / 1000);
		memcpy(p, "us", 2);
		return p + 2;
	}
	if (ns < 1000000000ULL)
		return thousandths(p, ns, 1000000ULL, "ms", 2);
	return thousandths(p, ns, 1000000000ULL, "s", 1);
}

char *duration_fmt(char *buf, size_t len, __u64 ns)
{
	if (len < DURATION_STRLEN)
		return duration_printf(buf, len, ns);
	*duration_put(buf, ns) = '\0';
	return buf;
}

char *fit_fmt(char *buf, size_t len, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (width >= len)
		width = len - 1;
	if (n <= width) {
		memcpy(buf, s, n + 1);
		return buf;
	}
	memcpy(buf, s, width);
	if (width)
		buf[width - 1] = '~';
	buf[width] = '\0';
	return buf;
}
