/* SPDX-License-Identifier: GPL-2.0-only */
/* Names and text forms of what synscope reports, shared by every output. */
#ifndef SYNSCOPE_FORMAT_H
#define SYNSCOPE_FORMAT_H

#include <stddef.h>
#include <linux/types.h>

#define ADDR_STRLEN	46 /* INET6_ADDRSTRLEN */
#define ENDPOINT_STRLEN 56 /* "[" ADDR "]:" PORT */
#define TIME_STRLEN	40
#define DURATION_STRLEN 24
#define U64_STRLEN	21 /* 2^64 - 1 and its terminator */

/* v in decimal, as "%llu" prints it, without printf. */
char *u64_fmt(char *buf, __u64 v);

/*
 * The *_put forms write the text at p, without a terminator, and return
 * its end: outputs that build a line field by field need no strlen.  p
 * needs the room the matching _STRLEN says (U64_STRLEN for u64_put); the
 * bytes past the end, within that room, may be overwritten.
 */

/* The same at p, up to 20 bytes and no terminator; returns their end. */
char *u64_put(char *p, __u64 v);

/* How many digits u64_put() writes for v: 1 to 20. */
unsigned int u64_digits(__u64 v);

/* "established", "refused", ...; "?" for values out of range. */
const char *outcome_name(unsigned int outcome);

/* "ipv6" for AF_INET6, else "ipv4". */
const char *family_name(unsigned int family);

/* Symbolic errno name, "ETIMEDOUT"; "" for 0. */
const char *errno_name(int error);

/* An address in its usual text form; AF_INET uses the first 4 bytes. */
char *addr_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr);
char *addr_put(char *p, unsigned int family, const __u8 *addr);

/* "198.18.0.1:80", "[fd00::1]:80" */
char *endpoint_fmt(char *buf, size_t len, unsigned int family, const __u8 *addr, unsigned int port);
char *endpoint_put(char *p, unsigned int family, const __u8 *addr, unsigned int port);

/* UTC, "2026-11-27T05:50:27.123456Z" (microseconds). */
char *time_iso_fmt(char *buf, size_t len, __u64 wall_ns);
char *time_iso_put(char *p, __u64 wall_ns);

/* Local time of day with milliseconds, "05:50:27.123". */
char *time_hms_fmt(char *buf, size_t len, __u64 wall_ns);
char *time_hms_put(char *p, __u64 wall_ns);

/* A duration with three significant decimals: "850us", "1.234ms", "3.001s". */
char *duration_fmt(char *buf, size_t len, __u64 ns);
char *duration_put(char *p, __u64 ns);

/* Cut s to fit width columns, marking the cut with '~' at its end. */
char *fit_fmt(char *buf, size_t len, const char *s, size_t width);

#endif
