/* SPDX-License-Identifier: GPL-2.0-only */
/* Command line: what the user asked for. */
#ifndef SYNSCOPE_CLI_H
#define SYNSCOPE_CLI_H

#include <stdbool.h>
#include <linux/types.h>
#include "capacity.h"
#include "connect.h"

#define MAX_DST_FILTERS	 64
#define EXIT_USAGE	 2
#define SYNSCOPE_VERSION "0.1"

struct cidr {
	__u8 addr[ADDR_LEN];
	__u8 family;
	__u8 prefix_len;
};

/* Where to listen: --metrics [ADDR]:PORT. */
struct listen_addr {
	__u8 addr[ADDR_LEN];
	__u16 port;
	__u8 family; /* AF_INET, AF_INET6; 0: every address, IPv4 and IPv6 (":PORT") */
};

struct config {
	/* filters */
	__u32 pid;
	char comm[COMM_LEN];
	__u16 dport;
	__u8 family; /* 0: both */
	struct cidr dst[MAX_DST_FILTERS];
	unsigned int n_dst;
	/* timing */
	__u64 duration_ms; /* 0: until interrupted */
	__u64 interval_ms;
	__u64 stall_ms;
	__u64 inflight_ttl_ms;
	/* kernel side */
	enum probe_mode probe_mode;
	__u32 max_inflight;
	__u32 max_open;
	__u32 ringbuf_mb;
	bool connect_errors; /* tracepoint mode: sys_exit_connect for early errnos */
	/* DNS */
	bool no_dns;
	unsigned int dns_capture; /* enum dns_method */
	__u64 dns_timeout_ms;
	/* capacity: the limits concurrency is measured against */
	struct capacity_limits limits;
	/* outputs */
	const char *csv_path;
	const char *summary_csv_path;
	const char *dns_csv_path;
	bool dashboard;	     /* full-screen view, when stdout is a terminal */
	__u64 iterations;    /* with dashboard: refreshes before exiting; 0: no limit */
	const char *metrics; /* --metrics as given; NULL: no metrics endpoint */
	struct listen_addr metrics_addr;
	__u64 metrics_max_destinations;
	bool verbose;
	bool check;
};

/* Fill cfg from argv; on invalid input print one line naming the option and exit 2. */
void cli_parse(int argc, char **argv, struct config *cfg);

/* "198.18.0.0/15", "fd00::/8", or an address (a /32 or /128); 0 on success. */
int cidr_parse(const char *text, struct cidr *out);

/* ":9100", "127.0.0.1:9100", "[::1]:9100"; 0 on success. */
int listen_addr_parse(const char *text, struct listen_addr *out);

/* "auto", "fentry", "kprobe", "tracepoint" */
const char *probe_mode_name(enum probe_mode mode);

#endif
