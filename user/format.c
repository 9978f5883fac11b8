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

char *addr_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr)
{
	int af = family == AF_INET6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *endpoint_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr, unsigned int port)
{
	char a[ADDR_STRLEN];

	addr_fmt(a, sizeof(a), family, addr);
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
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

char *time_iso_fmt(char *buf, size_t len, __u64 wall_ns)
{
	static struct second_cache day;

	snprintf(buf, len, "%s.%06lluZ", second_fmt(&day, wall_ns, true, "%Y-%m-%dT%H:%M:%S"),
		 (unsigned long long)(wall_ns % 1000000000ULL) / 1000);
	return buf;
}

char *time_hms_fmt(char *buf, size_t len, __u64 wall_ns)
{
	static struct second_cache hms;

	snprintf(buf, len, "%s.%03llu", second_fmt(&hms, wall_ns, false, "%H:%M:%S"),
		 (unsigned long long)(wall_ns % 1000000000ULL) / 1000000);
	return buf;
}

char *duration_fmt(char *buf, size_t len, __u64 ns)
{
	if (ns < 1000000ULL)
		snprintf(buf, len, "%lluus", (unsigned long long)ns / 1000);
	else if (ns < 1000000000ULL)
		snprintf(buf, len, "%.3fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
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
