// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "dashboard_fmt.h"
#include "format.h"

#define USEC_PER_MSEC 1000ULL
#define USEC_PER_SEC  1000000ULL

char *num_fit(char *buf, size_t len, __u64 value, size_t width)
{
	static const char units[] = "kMGTPE";
	double v = value;
	unsigned int i;

	snprintf(buf, len, "%llu", (unsigned long long)value);
	if (strlen(buf) <= width)
		return buf;
	for (i = 0; units[i]; i++) {
		v /= 1000;
		/* 999.7k would round to "1000k": say "1.0M" instead. */
		if (v >= 999.5 && units[i + 1])
			continue;
		if (v < 9.95) {
			snprintf(buf, len, "%.1f%c", v, units[i]);
			if (strlen(buf) <= width)
				return buf;
		}
		if (v < 0.95) /* would round to "0k" */
			continue;
		snprintf(buf, len, "%.0f%c", v, units[i]);
		if (strlen(buf) <= width)
			return buf;
	}
	/* Not even "1E" fits: show that it did not. */
	snprintf(buf, len, "%.*s", (int)(width < len ? width : len - 1), "++++++++++++++++");
	return buf;
}

char *rate_fit(char *buf, size_t len, double per_s, size_t width)
{
	if (per_s <= 0)
		snprintf(buf, len, "0");
	else if (per_s < 9.95)
		snprintf(buf, len, "%.1f", per_s);
	else
		return num_fit(buf, len, (__u64)(per_s + 0.5), width);
	if (strlen(buf) > width)
		return num_fit(buf, len, (__u64)(per_s + 0.5), width);
	return buf;
}

char *latency_fmt(char *buf, size_t len, __u64 us)
{
	if (us < USEC_PER_MSEC)
		snprintf(buf, len, "%lluus", (unsigned long long)us);
	else if (us < 9950)
		snprintf(buf, len, "%.1fms", us / 1e3);
	else if (us < 999500)
		snprintf(buf, len, "%.0fms", us / 1e3);
	else if (us < 9950000)
		snprintf(buf, len, "%.1fs", us / 1e6);
	else
		snprintf(buf, len, "%.0fs", us / 1e6);
	return buf;
}

char *endpoint_fit(char *buf, size_t len, unsigned int family, const __u8 *addr, unsigned int port,
		   size_t width)
{
	char full[ENDPOINT_STRLEN], a[ADDR_STRLEN], tail[16];
	const char *open = family == AF_INET6 ? "[" : "";
	size_t n, keep, head;

	if (width >= len)
		width = len - 1;
	endpoint_fmt(full, sizeof(full), family, addr, port);
	n = strlen(full);
	if (n <= width) {
		snprintf(buf, len, "%s", full);
		return buf;
	}
	addr_fmt(a, sizeof(a), family, addr);
	snprintf(tail, sizeof(tail), "%s:%u", family == AF_INET6 ? "]" : "", port);
	if (width < strlen(open) + strlen(tail) + 3) {
		/* No room for any of the address: the end, port included. */
		snprintf(buf, len, "~%s", width ? full + n - (width - 1) : "");
		buf[width] = '\0';
		return buf;
	}
	/* Keep both ends of the address around a '~'. */
	keep = width - strlen(open) - strlen(tail) - 1;
	head = (keep + 1) / 2;
	snprintf(buf, len, "%s%.*s~%s%s", open, (int)head, a, a + strlen(a) - (keep - head), tail);
	return buf;
}

static const char *const spark_utf8[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char spark_ascii[] = ".:-=+*#@";
#define SPARK_LEVELS 8

size_t sparkline(char *buf, size_t len, const __u32 *values, size_t n, size_t width, bool utf8)
{
	size_t first = n > width ? n - width : 0, i, used = 0, glyphs = 0;
	__u32 max = 0;

	for (i = first; i < n; i++)
		if (values[i] > max)
			max = values[i];
	buf[0] = '\0';
	for (i = first; i < n; i++) {
		/* Non-zero values take levels 0..7, the maximum level 7. */
		unsigned int level = values[i] ? (values[i] * (__u64)SPARK_LEVELS - 1) / max : 0;
		const char *g = utf8 ? spark_utf8[level] : (char[]){ spark_ascii[level], '\0' };

		if (!values[i])
			g = " ";
		if (used + strlen(g) + 1 > len)
			break;
		memcpy(buf + used, g, strlen(g) + 1);
		used += strlen(g);
		glyphs++;
	}
	return glyphs;
}

char *bar_fmt(char *buf, size_t len, __u64 count, __u64 max, size_t width)
{
	size_t n = 0;

	if (width >= len)
		width = len - 1;
	if (count && max)
		n = (count * width + max - 1) / max;
	if (n > width)
		n = width;
	memset(buf, '#', n);
	buf[n] = '\0';
	return buf;
}

void series_in_order(const struct series *s, bool failures, __u32 out[SERIES_SECONDS])
{
	const __u32 *v = failures ? s->failures : s->attempts;
	unsigned int i;

	/* The slot of second t is t % SERIES_SECONDS; the oldest follows the newest. */
	for (i = 0; i < SERIES_SECONDS; i++)
		out[i] = v[(s->newest_second + 1 + i) % SERIES_SECONDS];
}

/* Lower edge of 1-2-5 range r: 0, 10, 20, 50, 100, ... microseconds. */
static __u64 range_edge(unsigned int r)
{
	static const unsigned int mantissa[] = { 1, 2, 5 };
	__u64 e = 10;
	unsigned int i;

	if (!r)
		return 0;
	for (i = 0; i < (r - 1) / 3; i++)
		e *= 10;
	return e * mantissa[(r - 1) % 3];
}

static unsigned int range_of(__u64 us)
{
	unsigned int r = 0;

	while (r + 1 < HIST_RANGES && range_edge(r + 1) <= us)
		r++;
	return r;
}

/* Merge adjacent ranges in pairs: n ranges become (n + 1) / 2. */
static size_t ranges_halve(struct hist_range *r, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i += 2, m++) {
		r[m] = r[i];
		if (i + 1 < n) {
			r[m].hi = r[i + 1].hi;
			r[m].count += r[i + 1].count;
		}
	}
	return m;
}

size_t ranges_fit(struct hist_range *r, size_t n, size_t max)
{
	if (!max)
		return 0;
	while (n > max)
		n = ranges_halve(r, n);
	return n;
}

size_t hist_group(const struct hist *h, struct hist_range *out, size_t max)
{
	struct hist_range all[HIST_RANGES];
	unsigned int i, first = HIST_RANGES, last = 0;
	size_t n;

	if (!h->count || !max)
		return 0;
	for (i = 0; i < HIST_RANGES; i++) {
		all[i].lo = range_edge(i);
		all[i].hi = i + 1 < HIST_RANGES ? range_edge(i + 1) : RANGE_OPEN_HI;
		all[i].count = 0;
	}
	for (i = 0; i < HIST_BUCKETS; i++) {
		__u64 lo, hi;

		if (!h->buckets[i])
			continue;
		hist_bucket_range(i, &lo, &hi);
		all[range_of(lo)].count += h->buckets[i];
	}
	for (i = 0; i < HIST_RANGES; i++) {
		if (all[i].count && i < first)
			first = i;
		if (all[i].count)
			last = i;
	}
	n = last - first + 1;
	memmove(all, all + first, n * sizeof(*all));
	n = ranges_fit(all, n, max);
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static char *round_us_fmt(char *buf, size_t len, __u64 us)
{
	if (us < USEC_PER_MSEC)
		snprintf(buf, len, "%lluus", (unsigned long long)us);
	else if (us < USEC_PER_SEC)
		snprintf(buf, len, "%llums", (unsigned long long)(us / USEC_PER_MSEC));
	else
		snprintf(buf, len, "%llus", (unsigned long long)(us / USEC_PER_SEC));
	return buf;
}

char *range_label(char *buf, size_t len, const struct hist_range *r)
{
	char lo[LABEL_STRLEN], hi[LABEL_STRLEN];

	if (!r->lo)
		snprintf(buf, len, "<%s", round_us_fmt(hi, sizeof(hi), r->hi));
	else if (r->hi == RANGE_OPEN_HI)
		snprintf(buf, len, ">=%s", round_us_fmt(lo, sizeof(lo), r->lo));
	else
		snprintf(buf, len, "%s-%s", round_us_fmt(lo, sizeof(lo), r->lo),
			 round_us_fmt(hi, sizeof(hi), r->hi));
	return buf;
}

enum verdict_class verdict_class(const char *verdict)
{
	if (!strcmp(verdict, "ok"))
		return VERDICT_OK;
	if (!strcmp(verdict, "stalling"))
		return VERDICT_WARN;
	return VERDICT_FAIL;
}

bool text_contains(const char *haystack, const char *needle)
{
	return !*needle || strcasestr(haystack, needle);
}
