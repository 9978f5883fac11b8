/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS lookups from captured packets: queries matched to their responses (by
 * socket, client and server address and port, transaction id and question),
 * queries never answered within the timeout, and an address -> name cache
 * that honours TTLs, for naming the destinations of connects.
 */
#ifndef SYNSCOPE_DNS_TRACK_H
#define SYNSCOPE_DNS_TRACK_H

#include <stdbool.h>
#include <linux/types.h>
#include "dns.h"
#include "dns_packet.h"
#include "dns_parse.h"
#include "table.h"

#define LOOKUP_NAME_LEN	   256 /* names longer than this are cut, ending in '~' */
#define LOOKUP_MAX_ADDRS   8   /* addresses kept per lookup for the outputs */
#define DNS_MAX_PENDING	   65536
#define DNS_CACHE_GRACE_NS (5 * 1000000000ULL) /* kept past TTL for late connect events */
#define DNS_CACHE_ANSWERS  4		       /* answers remembered per address */

enum lookup_result {
	LOOKUP_OK = 0, /* NOERROR, with or without addresses */
	LOOKUP_NXDOMAIN,
	LOOKUP_SERVFAIL,
	LOOKUP_REFUSED,
	LOOKUP_TRUNCATED, /* NOERROR with TC: the client should retry over TCP */
	LOOKUP_OTHER,	  /* any other rcode */
	LOOKUP_UNANSWERED,
	LOOKUP__COUNT,
};

/* One lookup: a query and its response, or its absence. */
struct lookup {
	__u64 mono_ns;	  /* query sent */
	__u64 latency_ns; /* response time; 0 when unanswered */
	__u32 pid;
	__u32 netns;
	__u16 server_port;
	__u16 qtype;
	__u16 rcode; /* meaningless when unanswered */
	__u8 family;
	__u8 protocol; /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 server[16];
	enum lookup_result result;
	char comm[DNS_COMM_LEN];
	char qname[LOOKUP_NAME_LEN];
	char canonical[LOOKUP_NAME_LEN]; /* end of the CNAME chain; "" when none */
	unsigned int n_addrs;		 /* addresses the name resolved to */
	struct dns_address addrs[LOOKUP_MAX_ADDRS];
};

/* What the cache knows of an address. */
struct dns_hit {
	const char *name;
	__u64 answered_ns; /* monotonic time of the answer */
	__u64 latency_ns;  /* of the lookup that gave it */
};

enum dns_drop {
	DNS_DROP_PARSE = 0,    /* the message did not parse: see parse_errors */
	DNS_DROP_NOT_QUERY,    /* a response leaving or a query arriving, or not opcode QUERY */
	DNS_DROP_NO_QUESTION,  /* nothing to match on */
	DNS_DROP_TCP_PARTIAL,  /* a TCP segment ending inside a message (not reassembled) */
	DNS_DROP_UNMATCHED,    /* a response to no query seen */
	DNS_DROP_PENDING_FULL, /* a query not followed: DNS_MAX_PENDING outstanding */
	DNS_DROP_NO_MEMORY,    /* a query not followed or an answer not kept: out of memory */
	DNS_DROP__COUNT,
};

struct dns_track_stats {
	__u64 packets;
	__u64 queries;
	__u64 responses;
	__u64 retransmits; /* a query sent again while still pending */
	__u64 unanswered;
	__u64 cache_expired;
	__u64 packet_errors[DNS_PACKET__COUNT];
	__u64 parse_errors[DNS_ERR__COUNT];
	__u64 drops[DNS_DROP__COUNT];
};

struct pending_query;
struct cache_entry;

/* Cache entries by expiry, soonest first: a binary min-heap. */
struct cache_heap {
	struct cache_entry **at;
	size_t len;
	size_t cap; /* at least the cache's entries: an entry released never needs memory */
};

/*
 * Expiry costs what expires: pending queries, which share one timeout, are
 * kept by time sent; cache entries not held by a connection, by expiry.
 */
struct dns_track {
	struct table pending;		       /* struct query_key -> struct pending_query * */
	struct table cache;		       /* struct cache_key -> struct cache_entry * */
	struct pending_query *oldest, *newest; /* pending queries, by time sent */
	struct cache_heap expiry;	       /* cache entries not held, by expiry */
	struct dns_track_stats stats;
	__u64 timeout_ns;
	__u64 expiry_visits; /* entries dns_track_expire looked at: its cost, for the tests */
};

typedef void (*lookup_fn)(const struct lookup *l, void *ctx);

int dns_track_init(struct dns_track *t, __u64 timeout_ns);
void dns_track_free(struct dns_track *t);

/* One captured packet; calls fn for each lookup it completes. */
void dns_track_packet(struct dns_track *t, const struct dns_packet *p, lookup_fn fn, void *ctx);

/* Queries waiting for a response. */
size_t dns_track_pending(const struct dns_track *t);

/* Queries pending longer than the timeout become unanswered lookups; stale cache entries go. */
void dns_track_expire(struct dns_track *t, __u64 now_ns, lookup_fn fn, void *ctx);

/*
 * The name that most recently resolved to addr before at_ns (a monotonic
 * time: when the connect started), in netns first, then in any namespace.
 */
bool dns_track_name_of(const struct dns_track *t, __u32 netns, __u8 family, const __u8 *addr,
		       __u64 at_ns, struct dns_hit *hit);

/* An open connection starts (+1) or stops (-1) using addr's entry: it outlives its TTL. */
void dns_track_hold(struct dns_track *t, __u32 netns, __u8 family, const __u8 *addr, int delta);

/* The addresses a lookup gave, "198.18.0.2 2001:2::2" (cut to fit len); returns buf. */
char *lookup_answers(const struct lookup *l, char *buf, size_t len);

const char *lookup_result_name(enum lookup_result r);
const char *dns_drop_name(enum dns_drop d);

#endif
