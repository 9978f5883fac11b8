/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The collector owns what synscope knows: the per-destination table, the
 * attempts in flight (from the kernel's start and outcome records) and the event
 * accounting.  Events and scans go in; the text output, the CSV writers, the
 * dashboard and the summary only read what comes out.
 */
#ifndef SYNSCOPE_COLLECTOR_H
#define SYNSCOPE_COLLECTOR_H

#include <stdbool.h>
#include <linux/types.h>
#include "buckets.h"
#include "capacity.h"
#include "connect.h"
#include "dns_track.h"
#include "hist.h"
#include "table.h"

#define HOST_LEN	256
#define RETRY_BUCKETS	8  /* attempts with 0, 1, ... 6, 7 or more SYN retries */
#define RECENT_FAILURES 16 /* failures kept per destination */
#define SERIES_SECONDS	60 /* per-second history per destination */

/*
 * Query types counted apart (A, AAAA, HTTPS, ...; dns_qtype_slot()); the
 * last slot counts every other type, so the table stays bounded.
 */
#define DNS_QTYPES 12

/* DNS lookups of one name, as the DNS capture saw them. */
struct dns_stats {
	__u64 lookups; /* queries, answered or not */
	__u64 ok;      /* answered NOERROR */
	__u64 nxdomain;
	__u64 servfail;
	__u64 other;		      /* other rcodes: REFUSED, FORMERR, ... */
	__u64 truncated;	      /* NOERROR with TC set: retried over TCP */
	__u64 unanswered;	      /* no response within --dns-timeout */
	struct hist latency_us;	      /* of answered lookups */
	struct bucket_counts latency; /* the same in the metrics' buckets (dns_buckets) */
	__u64 by_qtype[DNS_QTYPES][LOOKUP__COUNT]; /* lookups by query type and result */
};

/* A name looked up, and its lookups. */
struct name_stats {
	char name[HOST_LEN];
	__u64 arrival; /* 0 for the first name looked up, then 1, 2, ... */
	struct dns_stats stats;
};

/* A destination: address and port.  Zero it before filling it (it is a table key). */
struct dest_key {
	__u8 addr[ADDR_LEN];
	__u16 port;
	__u8 family;
	__u8 pad;
};

/* One failed attempt, for the dashboard's detail view. */
struct failure {
	__u64 wall_ns;
	__u64 waited_ns;
	__u32 pid;
	__s32 error;
	__u16 syn_retries;
	__u8 outcome;
	char comm[COMM_LEN];
};

/* Attempts and failures per second over the last SERIES_SECONDS seconds. */
struct series {
	__u64 newest_second; /* wall-clock second of the newest slot */
	__u32 attempts[SERIES_SECONDS];
	__u32 failures[SERIES_SECONDS];
};

struct dest {
	struct dest_key key;
	char host[HOST_LEN];	     /* name that resolved to this address; "" if unknown */
	const struct dns_stats *dns; /* lookups of host; NULL if unknown */
	bool host_wide;		     /* not a destination: every destination together */
	/*
	 * 0 for the first destination seen, then 1, 2, ... (rows of names only
	 * have none).  Destinations are never removed and their counters only
	 * grow: the metrics exporter relies on it.
	 */
	__u64 arrival;
	__u64 attempts;
	__u64 outcomes[OUTCOME__COUNT];
	__u64 syn_retransmits;	/* SYN retransmissions of this destination's attempts */
	__u64 retried_attempts; /* resolved attempts that needed at least one */
	__u64 retries[RETRY_BUCKETS];
	__u64 local_exhaustion; /* local errors that were EADDRNOTAVAIL: no ephemeral port */
	struct hist latency_us; /* handshake latency of established attempts */
	struct bucket_counts handshake; /* the same in the metrics' buckets (handshake_buckets) */
	__u64 inflight;			/* attempts in flight at the last scan */
	__u64 stalled;			/* of which pending longer than --stall-ms */
	__u64 retrying;			/* of which needed a SYN retransmission */
	__u64 open;			/* established and not yet closed */
	__u64 open_peak;
	struct capacity cap;   /* concurrency against the limits: capacity.h */
	double connects_per_s; /* attempts per second over the last interval */
	__u64 attempts_at_tick;
	struct series series;
	struct failure recent[RECENT_FAILURES]; /* ring, newest at recent_next - 1 */
	unsigned int recent_next;
	unsigned int recent_count;
};

/* Which DNS answer named an attempt's destination. */
struct attempt_dns {
	char host[HOST_LEN]; /* "" when no lookup named it */
	__u64 answered_ns;   /* monotonic time of the answer */
	__u64 latency_ns;    /* of that lookup */
};

/* A resolved attempt as the outputs see it. */
struct attempt {
	__u64 wall_ns;	  /* when connect started */
	__u64 latency_ns; /* handshake latency, or time until failure or abort */
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u32 netns;
	__s32 error;
	__u16 sport;
	__u16 dport;
	__u16 syn_retries;
	__u8 family;
	__u8 outcome;
	__u8 saddr[ADDR_LEN];
	__u8 daddr[ADDR_LEN];
	char comm[COMM_LEN];
	struct attempt_dns dns;
	__s64 dns_age_ns; /* connect start minus answer time; valid when dns.host[0] */
	const struct dest *dest;
};

/* What the start of an attempt in flight told, and its retransmits since. */
struct pending_info {
	__u64 start_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u32 netns;
	__u16 sport; /* 0 until a retransmit tells it */
	__u16 dport;
	__u16 syn_retries;
	__u8 family;
	__u8 saddr[ADDR_LEN];
	__u8 daddr[ADDR_LEN];
	char comm[COMM_LEN];
};

/* An attempt in flight: from its start event until its outcome. */
struct pending {
	__u64 sock; /* socket and start time identify it */
	__u64 start_ns;
	struct pending_info info;
	struct attempt_dns dns; /* named when it started */
	struct dest *dest;
	__u16 retransmits_seen;	     /* retransmit events of it so far */
	struct pending *prev, *next; /* in the order the starts arrived */
	bool stall_reported;
	bool retrying; /* needed a SYN retransmission: not carried */
};

/* The attempts in flight, oldest first, and an index by socket and start. */
struct pending_list {
	struct table index; /* (sock, start_ns) -> struct pending * */
	struct pending *oldest, *newest;
	struct pending *unstalled; /* the oldest not yet reported as a stall */
	__u64 len;
	__u64 scanned_ns; /* the monotonic time of the last scan */
};

typedef void (*stall_fn)(const struct pending *p, void *ctx);

/* What happened to every event and every tracked entry. */
struct accounting {
	__u64 produced[EVENT__COUNT];  /* by event kind, as counted by the kernel */
	__u64 delivered[EVENT__COUNT]; /* by event kind, as read by userspace */
	__u64 kernel[COUNTER__COUNT];  /* the kernel's counters, summed over CPUs */
	__u64 missed;		       /* program runs skipped by the kernel and not taken over */
	__u64 alloc_failed;	       /* attempts in flight not followed: out of memory */
	__u64 expired_inflight;	       /* attempts that never resolved, dropped by age */
	__u64 expired_calls;	       /* connect() calls that never returned, dropped by age */
	__u64 malformed;	       /* records of unexpected size or kind */
	__u64 retransmits_late;	       /* SYN retransmits only the outcome showed */
	__u64 dns_produced;	       /* DNS packets the capture copied or tried to */
	__u64 dns_lost;		       /* of which lost: ring buffer or socket full */
};

/* Its tables are its own: everything else goes through the functions below. */
struct collector;

/* NULL when out of memory. */
struct collector *collector_new(__u64 stall_ns, __u64 dns_timeout_ns);

/* Accepts NULL. */
void collector_destroy(struct collector *c);

/*
 * Account for one ring-buffer record.  Fills *out and returns true when it
 * was a resolved attempt, for the outputs to write.
 */
bool collector_add_event(struct collector *c, const struct conn_event *ev, struct attempt *out);

/* The same for a record of size bytes as the ring buffer gave it: one too short is malformed. */
bool collector_add_record(struct collector *c, const void *data, size_t size, struct attempt *out);

/*
 * The attempts in flight at now_ns: on_stall gets each that has just become
 * a stall (pending longer than the stall threshold); those older than
 * ttl_ns leave the gauge (the kernel counts them when they resolve).  Costs
 * what changed, not how many are in flight.
 */
void collector_scan_pending(struct collector *c, __u64 now_ns, __u64 ttl_ns, stall_fn on_stall,
			    void *ctx);

/*
 * One captured DNS packet, and the periodic expiry of unanswered queries:
 * fn gets each lookup completed, after the collector counted it.
 */
void collector_add_dns_packet(struct collector *c, const struct dns_packet *p, lookup_fn fn,
			      void *ctx);
void collector_expire_dns(struct collector *c, __u64 now_ns, lookup_fn fn, void *ctx);

/* A connect call whose return was never seen was removed after ttl. */
void collector_expired(struct collector *c, bool connect_call);

/* The limits the capacity figures are measured against (capacity_defaults until set). */
void collector_set_limits(struct collector *c, const struct capacity_limits *limits);

/*
 * What the capacity figures have to tell since the last call (a destination
 * or the host passing --capacity-warn, a plateau: once per crossing): fn
 * gets each destination with d->cap.notices set, the host-wide row last;
 * then they are cleared.
 */
typedef void (*capacity_fn)(const struct dest *d, void *ctx);
void collector_take_notices(struct collector *c, capacity_fn fn, void *ctx);

/* The kernel's counters, summed over CPUs, and the program runs nothing handled. */
void collector_set_counters(struct collector *c, const __u64 *counters, __u64 missed);

/* The DNS capture's counters: packets it copied (or tried to), and of which lost. */
void collector_set_dns_counters(struct collector *c, __u64 produced, __u64 lost);

/* Once per interval: per-second rates. */
void collector_tick(struct collector *c, __u64 now_ns);

/* The destination of key, or NULL. */
const struct dest *collector_find(const struct collector *c, const struct dest_key *key);

/* Destinations in no particular order: for (d = collector_next(c, NULL); d; d = collector_next(c, d)) */
const struct dest *collector_next(const struct collector *c, const struct dest *prev);

/*
 * Every destination, worst first (the dashboard's own order): most failures,
 * then most attempts, then by address; rows of names only last, by name.
 * Calls fn on each.  Should memory run out for the sorting, in no
 * particular order: none is left out.
 */
void collector_each_worst_first(const struct collector *c,
				void (*fn)(const struct dest *d, void *arg), void *arg);

/* Destination keys in address order: family, address, port. */
int dest_key_cmp(const struct dest_key *a, const struct dest_key *b);

/* Attempts in flight: for (p = collector_next_pending(c, NULL); p; p = ...) */
const struct pending *collector_next_pending(const struct collector *c, const struct pending *prev);

/* How long p has been pending, as of the last scan (computed, not stored). */
__u64 collector_pending_age(const struct collector *c, const struct pending *p);

/* Every destination together. */
const struct dest *collector_total(const struct collector *c);

/*
 * Destinations with an address and names looked up, in the order they were
 * first seen (their arrival number), 0 to collector_dests_seen() - 1; they
 * are never removed.  NULL past the end.
 */
size_t collector_dests_seen(const struct collector *c);
const struct dest *collector_dest_at(const struct collector *c, size_t arrival);
size_t collector_names_seen(const struct collector *c);
const struct name_stats *collector_name_at(const struct collector *c, size_t arrival);

/* Every lookup together. */
const struct dns_stats *collector_dns_total(const struct collector *c);

/* What happened to every event and every tracked entry. */
const struct accounting *collector_accounting(const struct collector *c);

/* What happened to every DNS packet; and the queries waiting for a response now. */
const struct dns_track_stats *collector_dns_stats(const struct collector *c);
size_t collector_dns_pending(const struct collector *c);

/* Events lost in the kernel (ring buffer or map full). */
__u64 accounting_dropped(const struct accounting *a);
__u64 accounting_produced(const struct accounting *a);
__u64 accounting_delivered(const struct accounting *a);
__u64 accounting_expired(const struct accounting *a);

/* Outcome events the kernel produced that never arrived: attempts without a row. */
__u64 accounting_outcomes_lost(const struct accounting *a);

/* Failures of a destination: attempts that did not establish. */
__u64 dest_failures(const struct dest *d);

/* A destination with no address: the failed lookups of a name no connect went to. */
bool dest_is_name_only(const struct dest *d);

/* The by_qtype slot of a query type, and its name: "A", "AAAA", ..., "other". */
unsigned int dns_qtype_slot(__u16 qtype);
const char *dns_qtype_slot_name(unsigned int slot);

/* Lookups that got an error rcode (NXDOMAIN, SERVFAIL, ...). */
__u64 dns_failed(const struct dns_stats *s);

/*
 * The failure pattern of a destination, in a word: "ok", "stalling",
 * "dns-fail", "dns-ok/connect-timeout", "connect-refused", "local-exhaustion", ...
 */
const char *dest_verdict(const struct dest *d);

void dest_key_of(struct dest_key *key, unsigned int family, const __u8 *addr, __u16 port);

#endif
