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

char *u64_put(char *p, __u64 v)
{
	char digits[20], *q = digits + sizeof(digits);

	while (v >= 100) {
		q -= 2;
		memcpy(q, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, digit_pairs + 2 * v, 2);
	} else {
		*--q = '0' + v;
	}
	/* A loop, not memcpy: a copy of bounded size is inlined as rep movs, slower here. */
	while (q < digits + sizeof(digits))
		*p++ = *q++;
	return p;
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

/* v in exactly width digits, zeros in front (v < 10^width). */
static char *put_u64_zeros(char *p, __u64 v, size_t width)
{
	size_t i;

	for (i = width; i > 0; i--) {
		p[i - 1] = '0' + v % 10;
		v /= 10;
	}
	return p + width;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* "a.b.c.d" at p, terminated; returns the terminator. */
static char *put_ipv4(char *p, const __u8 *addr)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_octet(p, addr[i]);
	}
	*p = '\0';
	return p;
}

char *u64_fmt(char *buf, __u64 v)
{
	*u64_put(buf, v) = '\0';
	return buf;
}

char *addr_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr)
{
	int af = family == AF_INET6 ? AF_INET6 : AF_INET;

	if (af == AF_INET && len >= sizeof("255.255.255.255")) {
		put_ipv4(buf, addr);
		return buf;
	}
	if (!inet_ntop(af, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *endpoint_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr, unsigned int port)
{
	char a[ADDR_STRLEN], *p = buf;

	addr_fmt(a, sizeof(a), family, addr);
	if (len < ENDPOINT_STRLEN) {
		snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
		return buf;
	}
	if (family == AF_INET6)
		*p++ = '[';
	p = put_str(p, a);
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	*u64_put(p, port) = '\0';
	return buf;
}

/*
 * Format the whole seconds of wall_ns with strftime, remembering the last
 * second formatted: outputs stamp thousands of lines per second, and
 * gmtime_r/localtime_r are not cheap.
 */
struct second_cache {
	__u64 second;
	char text[24];
};

static const char *second_fmt(struct second_cache *c, __u64 wall_ns, bool utc, const char *fmt)
{
	time_t secs = wall_ns / 1000000000ULL;
	struct tm tm;

	if (c->text[0] && c->second == (__u64)secs)
		return c->text;
	if (utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	strftime(c->text, sizeof(c->text), fmt, &tm);
	c->second = secs;
	return c->text;
}

/* The cached second, '.', the fraction in digits, suffix: "%s.%0*llu%s". */
static char *second_and_fraction(char *buf, size_t len, const char *second, __u64 fraction,
				 size_t digits, const char *suffix)
{
	char *p = buf;

	if (len < TIME_STRLEN) {
		snprintf(buf, len, "%s.%0*llu%s", second, (int)digits, (unsigned long long)fraction,
			 suffix);
		return buf;
	}
	p = put_str(p, second);
	*p++ = '.';
	p = put_u64_zeros(p, fraction, digits);
	strcpy(p, suffix);
	return buf;
}

char *time_iso_fmt(char *buf, size_t len, __u64 wall_ns)
{
	static struct second_cache day;

	return second_and_fraction(buf, len, second_fmt(&day, wall_ns, true, "%Y-%m-%dT%H:%M:%S"),
				   (wall_ns % 1000000000ULL) / 1000, 6, "Z");
}

char *time_hms_fmt(char *buf, size_t len, __u64 wall_ns)
{
	static struct second_cache hms;

	return second_and_fraction(buf, len, second_fmt(&hms, wall_ns, false, "%H:%M:%S"),
				   (wall_ns % 1000000000ULL) / 1000000, 3, "");
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
static char *thousandths(char *buf, __u64 ns, __u64 unit_ns, const char *suffix)
{
	__u64 step = unit_ns / 1000, n = (ns + step / 2) / step;
	char *p = u64_put(buf, n / 1000);

	*p++ = '.';
	p = put_u64_zeros(p, n % 1000, 3);
	strcpy(p, suffix);
	return buf;
}

/* Double precision ends at 2^53: past it, and on exact halves, printf rounds its own way. */
#define DURATION_EXACT_NS (1ULL << 53)

char *duration_fmt(char *buf, size_t len, __u64 ns)
{
	if (len < DURATION_STRLEN || ns >= DURATION_EXACT_NS)
		return duration_printf(buf, len, ns);
	if (ns < 1000000ULL) {
		strcpy(u64_put(buf, ns / 1000), "us");
		return buf;
	}
	if (ns < 1000000000ULL)
		return ns % 1000 == 500 ? duration_printf(buf, len, ns)
					: thousandths(buf, ns, 1000000ULL, "ms");
	return ns % 1000000 == 500000 ? duration_printf(buf, len, ns)
				      : thousandths(buf, ns, 1000000000ULL, "s");
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
