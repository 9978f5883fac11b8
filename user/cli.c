// SPDX-License-Identifier: GPL-2.0-only
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "cli.h"
#include "metrics.h"

const char *argp_program_version = "synscope " SYNSCOPE_VERSION;
const char *argp_program_bug_address = NULL;

static const char doc[] =
	"Show why TCP connects stall: every outgoing connect attempt, its SYN retransmissions and "
	"its outcome, per destination.\n"
	"\v"
	"Outcomes: established, refused, timeout, unreachable, aborted (the application gave up), "
	"local_error (failed before any SYN, e.g. EADDRNOTAVAIL).\n"
	"\n"
	"EXAMPLES:\n"
	"  synscope                         stream every attempt until Ctrl-C\n"
	"  synscope --check                 what the kernel supports; the mode it picks\n"
	"  synscope -d 60 --csv a.csv       60 seconds, one CSV row per attempt\n"
	"  synscope --dst 198.18.0.0/15 --dport 443 --summary-csv dests.csv -i 5\n"
	"  synscope -c curl --stall-ms 300  only curl; report stalls past 300 ms\n"
	"  synscope --dashboard             live full-screen view; q quits\n"
	"  synscope --metrics :9464         Prometheus metrics on port 9464, /metrics\n"
	"  synscope --nat-ips 2 --summary-csv dests.csv\n"
	"        behind a 2-address NAT Gateway: capped_at, cause, nat_ips_needed\n";

enum {
	OPT_DPORT = 0x100,
	OPT_DST,
	OPT_STALL_MS,
	OPT_PROBE_MODE,
	OPT_CHECK,
	OPT_CSV,
	OPT_SUMMARY_CSV,
	OPT_MAX_INFLIGHT,
	OPT_MAX_OPEN,
	OPT_RINGBUF_MB,
	OPT_INFLIGHT_TTL,
	OPT_NO_DNS,
	OPT_DNS_CSV,
	OPT_DNS_TIMEOUT,
	OPT_DNS_CAPTURE,
	OPT_DASHBOARD,
	OPT_CONNECT_ERRORS,
	OPT_METRICS,
	OPT_METRICS_MAX_DESTINATIONS,
	OPT_NAT_LIMIT,
	OPT_NAT_IPS,
	OPT_ENI_LIMIT,
	OPT_ENIS,
	OPT_CAPACITY_WARN,
	OPT__END,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Filters:", 1 },
	{ "pid", 'p', "PID", 0, "Only attempts by this process (tgid)", 1 },
	{ "comm", 'c', "COMM", 0, "Only attempts by tasks with this command name", 1 },
	{ "dport", OPT_DPORT, "PORT", 0, "Only attempts to this destination port", 1 },
	{ "dst", OPT_DST, "CIDR", 0, "Only attempts to this network (repeatable)", 1 },
	{ "ipv4", '4', NULL, 0, "Only IPv4", 1 },
	{ "ipv6", '6', NULL, 0, "Only IPv6", 1 },
	{ NULL, 0, NULL, 0, "Timing:", 2 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: until interrupted)", 2 },
	{ "interval", 'i', "SECONDS", 0, "Summary and rate interval (default 1)", 2 },
	{ "stall-ms", OPT_STALL_MS, "MS", 0,
	  "Report attempts pending longer than MS (default 1000)", 2 },
	{ "inflight-ttl", OPT_INFLIGHT_TTL, "SECONDS", 0,
	  "Expire in-flight entries that never resolve after SECONDS (default 300)", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "csv", OPT_CSV, "FILE", 0, "Write one CSV row per attempt to FILE", 3 },
	{ "summary-csv", OPT_SUMMARY_CSV, "FILE", 0,
	  "Write the per-destination table to FILE every interval and at exit", 3 },
	{ "dns-csv", OPT_DNS_CSV, "FILE", 0, "Write one CSV row per DNS lookup to FILE", 3 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's debug output", 3 },
	{ "dashboard", OPT_DASHBOARD, NULL, 0,
	  "Full-screen live view (streaming text when stdout is not a terminal)", 3 },
	{ "iterations", 'n', "ITER", 0, "With --dashboard: exit after ITER refreshes", 3 },
	{ "metrics", OPT_METRICS, "[ADDR]:PORT", 0,
	  "Serve Prometheus metrics at /metrics: :PORT on every address, 127.0.0.1:PORT or "
	  "[::1]:PORT on loopback only",
	  3 },
	{ "metrics-max-destinations", OPT_METRICS_MAX_DESTINATIONS, "N", 0,
	  "Destinations (and DNS names) with series of their own; the rest are summed into "
	  "\"other\" (default 500)",
	  3 },
	{ NULL, 0, NULL, 0, "DNS:", 5 },
	{ "no-dns", OPT_NO_DNS, NULL, 0, "Do not capture DNS", 5 },
	{ "dns-timeout", OPT_DNS_TIMEOUT, "SECONDS", 0,
	  "A query with no response after SECONDS is unanswered (default 5)", 5 },
	{ "dns-capture", OPT_DNS_CAPTURE, "HOW", 0,
	  "auto (default), cgroup (cgroup_skb: every network namespace) or packet (AF_PACKET: this "
	  "network namespace only)",
	  5 },
	{ NULL, 0, NULL, 0,
	  "Capacity (the limits of the path; README: Finding the NAT Gateway limit):", 6 },
	{ "nat-limit", OPT_NAT_LIMIT, "N", 0,
	  "Connections per destination and NAT Gateway address (default 55000)", 6 },
	{ "nat-ips", OPT_NAT_IPS, "N", 0, "Public addresses of the NAT Gateway, 1 to 8 (default 1)",
	  6 },
	{ "eni-limit", OPT_ENI_LIMIT, "N", 0, "Connections per Hyperplane ENI (default 65000)", 6 },
	{ "enis", OPT_ENIS, "N", 0, "Hyperplane ENIs the host's connections share (default 1)", 6 },
	{ "capacity-warn", OPT_CAPACITY_WARN, "PCT", 0,
	  "Warn when concurrent connections pass PCT% of a capacity (default 80)", 6 },
	{ NULL, 0, NULL, 0, "Kernel side:", 4 },
	{ "check", OPT_CHECK, NULL, 0,
	  "Print what this kernel supports and which mode would be used, then exit", 4 },
	{ "probe-mode", OPT_PROBE_MODE, "MODE", 0, "auto (default), fentry, kprobe or tracepoint",
	  4 },
	{ "max-inflight", OPT_MAX_INFLIGHT, "N", 0, "Attempts followed at once (default 131072)",
	  4 },
	{ "max-open", OPT_MAX_OPEN, "N", 0,
	  "Established connections followed at once (default 131072)", 4 },
	{ "ringbuf-mb", OPT_RINGBUF_MB, "MB", 0, "Ring buffer size, a power of two (default 16)",
	  4 },
	{ "connect-errors", OPT_CONNECT_ERRORS, NULL, 0,
	  "Tracepoint mode: the errno of connects that fail before a SYN leaves (no route, "
	  "firewall), from syscalls:sys_exit_connect; this slows every syscall of every task "
	  "(see README)",
	  4 },
	{},
};

/* While parsing: the config, and how many times each option was given. */
struct parse_state {
	struct config *cfg;
	unsigned char given[OPT__END];
};

/* "dport" for OPT_DPORT, "pid" for 'p'. */
static const char *option_name(int key)
{
	const struct argp_option *o;

	for (o = options; o->name || o->doc; o++)
		if (o->key == key && o->name)
			return o->name;
	return "?";
}

/* Bad input: one line that names the option, exit 2. */
static void usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage(const char *fmt, ...)
{
	va_list ap;

	fputs("synscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void usage_error(const char *option, const char *arg, const char *expected)
{
	usage("invalid %s '%s': expected %s", option, arg, expected);
}

/* Only digits, at least one: no sign, space, hex or exponent, which strto*() let through. */
static bool is_digits(const char *s)
{
	return *s && s[strspn(s, "0123456789")] == '\0';
}

static __u64 parse_u64(const char *option, const char *arg, __u64 min, __u64 max,
		       const char *expected)
{
	unsigned long long v;

	if (!is_digits(arg))
		usage_error(option, arg, expected);
	errno = 0;
	v = strtoull(arg, NULL, 10);
	if (errno || v < min || v > max)
		usage_error(option, arg, expected);
	return v;
}

/* Digits with at most one point among them: "1", "0.25", ".5", "5.". */
static bool is_decimal(const char *s)
{
	size_t whole = strspn(s, "0123456789"), frac = 0;

	if (s[whole] == '.')
		frac = strspn(s + whole + 1, "0123456789");
	return (whole || frac) && s[whole + (s[whole] == '.') + frac] == '\0';
}

/* "1", "0.25", "2.5": a number of seconds, min_ms to 10^9 s, in milliseconds. */
static __u64 parse_seconds_ms(const char *option, const char *arg, __u64 min_ms)
{
	char expected[64];
	double v = is_decimal(arg) ? strtod(arg, NULL) : -1;

	if (v * 1000 < min_ms || v > 1e9) {
		snprintf(expected, sizeof(expected),
			 "seconds from %g to 1000000000, such as 1 or 0.5", min_ms / 1000.0);
		usage_error(option, arg, expected);
	}
	return (__u64)(v * 1000 + 0.5);
}

int cidr_parse(const char *text, struct cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long prefix;
	int max;

	memset(out, 0, sizeof(*out));
	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	max = out->family == AF_INET ? 32 : 128;
	out->prefix_len = max;
	if (!slash)
		return 0;
	if (!is_digits(slash))
		return -EINVAL;
	errno = 0;
	prefix = strtoul(slash, NULL, 10);
	if (errno || prefix > (unsigned long)max)
		return -EINVAL;
	out->prefix_len = prefix;
	return 0;
}

int listen_addr_parse(const char *text, struct listen_addr *out)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':'), *port = colon ? colon + 1 : NULL;
	size_t len = colon ? (size_t)(colon - text) : 0;
	unsigned long v;
	char *end;

	memset(out, 0, sizeof(*out));
	if (!colon || !*port || *port == '-' || *port == '+' || len >= sizeof(host))
		return -EINVAL;
	errno = 0;
	v = strtoul(port, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -EINVAL;
	out->port = v;
	memcpy(host, text, len);
	host[len] = '\0';
	if (!len)
		return 0; /* every address */
	if (host[0] == '[' && host[len - 1] == ']') {
		host[len - 1] = '\0';
		out->family = AF_INET6;
		return inet_pton(AF_INET6, host + 1, out->addr) == 1 ? 0 : -EINVAL;
	}
	out->family = AF_INET;
	return inet_pton(AF_INET, host, out->addr) == 1 ? 0 : -EINVAL;
}

static const char *const probe_mode_names[] = {
	[PROBE_MODE_AUTO] = "auto",
	[PROBE_MODE_FENTRY] = "fentry",
	[PROBE_MODE_KPROBE] = "kprobe",
	[PROBE_MODE_TRACEPOINT] = "tracepoint",
};

const char *probe_mode_name(enum probe_mode mode)
{
	return mode <= PROBE_MODE_TRACEPOINT ? probe_mode_names[mode] : "?";
}

static enum probe_mode parse_probe_mode(const char *arg)
{
	unsigned int i;

	for (i = 0; i <= PROBE_MODE_TRACEPOINT; i++)
		if (!strcmp(arg, probe_mode_names[i]))
			return i;
	usage_error("--probe-mode", arg, "auto, fentry, kprobe or tracepoint");
	return PROBE_MODE_AUTO;
}

static void parse_dst(struct config *cfg, const char *arg)
{
	if (cfg->n_dst == MAX_DST_FILTERS)
		usage("too many --dst networks (at most %d)", MAX_DST_FILTERS);
	if (cidr_parse(arg, &cfg->dst[cfg->n_dst]))
		usage_error("--dst", arg,
			    "an address or network such as 198.18.0.0/15 or fd00::/8");
	cfg->n_dst++;
}

/* A value that starts with '-' is the next option, taken for a forgotten value. */
static void parse_comm(struct config *cfg, const char *arg)
{
	if (!*arg || *arg == '-' || strlen(arg) >= COMM_LEN)
		usage_error("--comm", arg,
			    "a command name of 1 to 15 characters, not starting with -");
	strcpy(cfg->comm, arg);
}

static const char *parse_path(const char *option, const char *arg)
{
	if (!*arg || *arg == '-')
		usage_error(option, arg, "a file name (./-x for one that starts with -)");
	return arg;
}

static unsigned int parse_dns_capture(const char *arg)
{
	static const char *const names[] = { "auto", "cgroup", "packet" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i]))
			return i;
	usage_error("--dns-capture", arg, "auto, cgroup or packet");
	return 0;
}

static __u32 parse_ringbuf_mb(const char *arg)
{
	__u64 mb = parse_u64("--ringbuf-mb", arg, 1, 1024, "a power of two from 1 to 1024");

	if (mb & (mb - 1))
		usage_error("--ringbuf-mb", arg, "a power of two from 1 to 1024");
	return mb;
}

/*
 * An option given twice is an error rather than "the last wins": a second
 * --dport or --pid could be meant as "either" and would silently trace less.
 * Only --dst takes several values.
 */
static void given_once(struct parse_state *ps, int key)
{
	if (key <= 0 || key >= OPT__END)
		return;
	if (ps->given[key]++ && key != OPT_DST)
		usage("--%s given twice (only --dst repeats)", option_name(key));
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct config *cfg = ps->cfg;

	given_once(ps, key);
	switch (key) {
	case ARGP_KEY_INIT:
		/* getopt's own line says what is wrong; not argp's "Try --help" after it. */
		state->err_stream = NULL;
		break;
	case ARGP_KEY_ERROR:
		exit(EXIT_USAGE);
	case 'p':
		cfg->pid = parse_u64("--pid", arg, 1, INT_MAX, "a process id from 1 to 2147483647");
		break;
	case 'c':
		parse_comm(cfg, arg);
		break;
	case OPT_DPORT:
		cfg->dport = parse_u64("--dport", arg, 1, 65535, "a port from 1 to 65535");
		break;
	case OPT_DST:
		parse_dst(cfg, arg);
		break;
	case '4':
		cfg->family = AF_INET;
		break;
	case '6':
		cfg->family = AF_INET6;
		break;
	case 'd':
		cfg->duration_ms = parse_seconds_ms("--duration", arg, 1);
		break;
	case 'i':
		cfg->interval_ms = parse_seconds_ms("--interval", arg, 10);
		break;
	case OPT_STALL_MS:
		cfg->stall_ms = parse_u64("--stall-ms", arg, 1, 86400000,
					  "milliseconds from 1 to 86400000");
		break;
	case OPT_INFLIGHT_TTL:
		cfg->inflight_ttl_ms = parse_seconds_ms("--inflight-ttl", arg, 1000);
		break;
	case OPT_CSV:
		cfg->csv_path = parse_path("--csv", arg);
		break;
	case OPT_SUMMARY_CSV:
		cfg->summary_csv_path = parse_path("--summary-csv", arg);
		break;
	case OPT_DNS_CSV:
		cfg->dns_csv_path = parse_path("--dns-csv", arg);
		break;
	case OPT_NO_DNS:
		cfg->no_dns = true;
		break;
	case OPT_DNS_TIMEOUT:
		cfg->dns_timeout_ms = parse_seconds_ms("--dns-timeout", arg, 10);
		break;
	case OPT_DNS_CAPTURE:
		cfg->dns_capture = parse_dns_capture(arg);
		break;
	case 'v':
		cfg->verbose = true;
		break;
	case OPT_DASHBOARD:
		cfg->dashboard = true;
		break;
	case OPT_NAT_LIMIT:
		cfg->limits.nat_limit = parse_u64("--nat-limit", arg, 1, 100000000,
						  "a number of connections from 1 to 100000000");
		break;
	case OPT_NAT_IPS:
		cfg->limits.nat_ips = parse_u64("--nat-ips", arg, 1, MAX_NAT_IPS,
						"a number of addresses from 1 to 8");
		break;
	case OPT_ENI_LIMIT:
		cfg->limits.eni_limit = parse_u64("--eni-limit", arg, 1, 100000000,
						  "a number of connections from 1 to 100000000");
		break;
	case OPT_ENIS:
		cfg->limits.enis =
			parse_u64("--enis", arg, 1, 1024, "a number of ENIs from 1 to 1024");
		break;
	case OPT_CAPACITY_WARN:
		cfg->limits.warn_pct =
			parse_u64("--capacity-warn", arg, 1, 100, "a percentage from 1 to 100");
		break;
	case 'n':
		cfg->iterations = parse_u64("--iterations", arg, 1, 1000000000,
					    "a number of refreshes, 1 or more");
		break;
	case OPT_METRICS:
		if (listen_addr_parse(arg, &cfg->metrics_addr))
			usage_error("--metrics", arg,
				    "[ADDR]:PORT such as :9464, 127.0.0.1:9464 or [::1]:9464");
		cfg->metrics = arg;
		break;
	case OPT_METRICS_MAX_DESTINATIONS:
		cfg->metrics_max_destinations =
			parse_u64("--metrics-max-destinations", arg, 1, 1000000, "1 to 1000000");
		break;
	case OPT_CHECK:
		cfg->check = true;
		break;
	case OPT_PROBE_MODE:
		cfg->probe_mode = parse_probe_mode(arg);
		break;
	case OPT_MAX_INFLIGHT:
		cfg->max_inflight = parse_u64("--max-inflight", arg, 16, 1 << 24, "16 to 16777216");
		break;
	case OPT_MAX_OPEN:
		cfg->max_open = parse_u64("--max-open", arg, 16, 1 << 24, "16 to 16777216");
		break;
	case OPT_RINGBUF_MB:
		cfg->ringbuf_mb = parse_ringbuf_mb(arg);
		break;
	case OPT_CONNECT_ERRORS:
		cfg->connect_errors = true;
		break;
	case ARGP_KEY_ARG:
		usage("unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Options that contradict each other: the first needs the other, or excludes it. */
static const struct {
	int option, other;
	bool needs;
} combinations[] = {
	{ '4', '6', false },
	{ 'n', OPT_DASHBOARD, true },
	{ OPT_METRICS_MAX_DESTINATIONS, OPT_METRICS, true },
	{ OPT_DNS_CSV, OPT_NO_DNS, false },
	{ OPT_DNS_TIMEOUT, OPT_NO_DNS, false },
	{ OPT_DNS_CAPTURE, OPT_NO_DNS, false },
};

/* --check only reads the kernel: the options it takes. */
static void check_check(const struct parse_state *ps)
{
	static const bool takes[OPT__END] = {
		[OPT_CHECK] = true, [OPT_PROBE_MODE] = true, ['v'] = true
	};
	unsigned int key;

	if (!ps->given[OPT_CHECK])
		return;
	for (key = 1; key < OPT__END; key++)
		if (ps->given[key] && !takes[key])
			usage("--check only reads the kernel: it takes --probe-mode and --verbose, "
			      "not --%s",
			      option_name(key));
}

/* -4 or -6 and no --dst network of that family: nothing could be traced. */
static void check_family(const struct config *cfg)
{
	unsigned int i;

	if (!cfg->family || !cfg->n_dst)
		return;
	for (i = 0; i < cfg->n_dst; i++)
		if (cfg->dst[i].family == cfg->family)
			return;
	usage("--%s and no --dst network of that family: nothing to trace",
	      option_name(cfg->family == AF_INET ? '4' : '6'));
}

/* Two outputs in one file would interleave their rows. */
static void check_files(const struct config *cfg)
{
	const struct {
		const char *option, *path;
	} files[] = {
		{ "--csv", cfg->csv_path },
		{ "--summary-csv", cfg->summary_csv_path },
		{ "--dns-csv", cfg->dns_csv_path },
	};
	unsigned int i, j, n = sizeof(files) / sizeof(files[0]);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (files[i].path && files[j].path && !strcmp(files[i].path, files[j].path))
				usage("%s and %s name the same file '%s'", files[i].option,
				      files[j].option, files[i].path);
}

static void check_combinations(const struct parse_state *ps)
{
	const struct config *cfg = ps->cfg;
	unsigned int i;

	check_check(ps);
	for (i = 0; i < sizeof(combinations) / sizeof(combinations[0]); i++) {
		bool option = ps->given[combinations[i].option];
		bool other = ps->given[combinations[i].other];

		if (option && combinations[i].needs && !other)
			usage("--%s needs --%s", option_name(combinations[i].option),
			      option_name(combinations[i].other));
		if (option && !combinations[i].needs && other)
			usage("--%s and --%s exclude each other",
			      option_name(combinations[i].option),
			      option_name(combinations[i].other));
	}
	check_family(cfg);
	check_files(cfg);
	/* An attempt leaves the stall list when it expires. */
	if (cfg->stall_ms > cfg->inflight_ttl_ms)
		usage("--stall-ms %llu is past --inflight-ttl (%llu ms): attempts would "
		      "expire before they stall",
		      (unsigned long long)cfg->stall_ms, (unsigned long long)cfg->inflight_ttl_ms);
}

void cli_parse(int argc, char **argv, struct config *cfg)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct parse_state ps = { .cfg = cfg };

	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_ms = 1000;
	cfg->stall_ms = 1000;
	cfg->inflight_ttl_ms = 300 * 1000;
	cfg->dns_timeout_ms = 5000;
	cfg->max_inflight = DEFAULT_MAX_INFLIGHT;
	cfg->max_open = DEFAULT_MAX_OPEN;
	cfg->ringbuf_mb = DEFAULT_RINGBUF_MB;
	cfg->metrics_max_destinations = METRICS_DEFAULT_MAX_DESTINATIONS;
	cfg->limits = capacity_defaults;
	argp_err_exit_status = EXIT_USAGE;
	/* getopt starts its messages with argv[0]: "synscope: ", as ours do, however it was run. */
	if (argc > 0)
		argv[0] = (char *)"synscope";
	argp_parse(&argp, argc, argv, 0, NULL, &ps);
	check_combinations(&ps);
}
