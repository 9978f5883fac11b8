// SPDX-License-Identifier: GPL-2.0-only
/*
 * connburst - start TCP connects and record how each one ended.
 *
 * Drives synscope's end-to-end scenarios: COUNT connects to HOST PORT, at
 * most CONCURRENCY pending at once, optionally rate-limited, each classified
 * the way the tracer sees it: established, refused, timeout, unreachable,
 * aborted (we gave up first) or local_error (connect() failed before a SYN
 * could leave).
 *
 * One thread and one epoll set. Every open socket lives in a slot. Pending
 * connects and held connections sit on two lists in deadline order (all
 * attempts share one timeout and one hold time, and are appended as they
 * start or connect), so the earliest deadline is always a list head and a
 * single timerfd covers timeouts, holds, the start rate and --linger.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_USEC	 1000ULL
#define NSEC_PER_MSEC	 1000000ULL
#define NSEC_PER_SEC	 1000000000ULL

#define MAX_COUNT	 1000000000000LL
#define MAX_CONCURRENCY	 1000000LL
#define MAX_RATE	 1000000000LL
#define MAX_MS		 1000000000LL /* about 11.5 days */

#define START_BATCH	 256 /* starts per loop turn, so completions are not starved */
#define EVENT_BATCH	 1024
#define FD_RESERVE	 8 /* epoll, timerfd, results file, a lookup's socket and files */
#define DEFAULT_NR_OPEN	 1048576
#define RATE_CATCH_UP_NS (1 * NSEC_PER_MSEC)
#define TIMER_TOKEN	 UINT64_MAX

enum exit_status {
	STATUS_OK = 0,
	STATUS_RUNTIME = 1, /* connburst's own failure: descriptors, epoll, results file */
	STATUS_USAGE = 2,
	STATUS_RESOLVE = 3,
	STATUS_SIGNAL_BASE = 128, /* + signal number, when stopped before all attempts ran */
};

enum outcome {
	OUTCOME_ESTABLISHED,
	OUTCOME_REFUSED,
	OUTCOME_TIMEOUT,
	OUTCOME_UNREACHABLE,
	OUTCOME_ABORTED,
	OUTCOME_LOCAL_ERROR,
	OUTCOME_MAX,
};

static const char *outcome_name(enum outcome outcome)
{
	switch (outcome) {
	case OUTCOME_ESTABLISHED:
		return "established";
	case OUTCOME_REFUSED:
		return "refused";
	case OUTCOME_TIMEOUT:
		return "timeout";
	case OUTCOME_UNREACHABLE:
		return "unreachable";
	case OUTCOME_ABORTED:
		return "aborted";
	case OUTCOME_LOCAL_ERROR:
		return "local_error";
	default:
		return "?";
	}
}

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

struct options {
	const char *host;
	const char *results_path; /* NULL: no results file */
	const char *done_path;	  /* NULL: no --done-file */
	long long count;
	long long concurrency; /* 1 with --blocking */
	long long timeout_ms;  /* 0: wait for the kernel's verdict */
	long long hold_ms;     /* 0: close at once, -1: until the end of the run */
	long long linger_ms;   /* -1: until SIGINT/SIGTERM */
	long long rate;	       /* starts per second, 0: unlimited */
	union sockaddr_any bind_addr;
	int family; /* AF_UNSPEC, AF_INET or AF_INET6 */
	unsigned short port;
	bool has_bind;
	bool walk_ports;
	bool resolve_each;
	bool blocking;
	bool quiet;
};

static volatile sig_atomic_t stop_signal;

static void vcomplain(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("connburst: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 1, 2))) complain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcomplain(fmt, ap);
	va_end(ap);
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t ms_to_ns(long long ms)
{
	return (uint64_t)ms * NSEC_PER_MSEC;
}

/* Earliest of two deadlines, 0 meaning "none". */
static uint64_t earliest(uint64_t a, uint64_t b)
{
	if (!a || !b)
		return a ? a : b;
	return a < b ? a : b;
}

/* ---- A minimal intrusive doubly linked list, after the kernel's list_head ---- */

struct list_node {
	struct list_node *prev, *next;
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

static void list_init(struct list_node *head)
{
	head->prev = head;
	head->next = head;
}

static bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static void list_add_tail(struct list_node *node, struct list_node *head)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static void list_del(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->prev = node;
	node->next = node;
}

/* ---- Addresses ---- */

static socklen_t sockaddr_len(const union sockaddr_any *addr)
{
	return addr->sa.sa_family == AF_INET6 ? sizeof(addr->in6) : sizeof(addr->in4);
}

static void sockaddr_set_port(union sockaddr_any *addr, unsigned short port)
{
	if (addr->sa.sa_family == AF_INET6)
		addr->in6.sin6_port = htons(port);
	else
		addr->in4.sin_port = htons(port);
}

/* "198.18.0.2:80" or "[fd00::2]:80" */
static void sockaddr_format(const union sockaddr_any *addr, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (addr->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &addr->in6.sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(addr->in6.sin6_port));
	} else {
		inet_ntop(AF_INET, &addr->in4.sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(addr->in4.sin_port));
	}
}

/* Local port of a socket in host byte order, 0 when it has none (yet). */
static unsigned short socket_local_port(int fd)
{
	union sockaddr_any addr = {};
	socklen_t len = sizeof(addr);

	if (getsockname(fd, &addr.sa, &len))
		return 0;
	if (addr.sa.sa_family == AF_INET6)
		return ntohs(addr.in6.sin6_port);
	return ntohs(addr.in4.sin_port);
}

static int parse_ip_literal(const char *text, union sockaddr_any *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, text, &addr->in4.sin_addr) == 1) {
		addr->in4.sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &addr->in6.sin6_addr) == 1) {
		addr->in6.sin6_family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

/*
 * Resolve HOST through the system resolver (nsswitch, resolv.conf) and keep
 * the first address, the one getaddrinfo's RFC 6724 ordering prefers.
 * Returns 0 or an EAI_* code.
 */
static int resolve_dest(const struct options *opts, union sockaddr_any *dest)
{
	struct addrinfo hints = {
		.ai_family = opts->family,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
	};
	struct addrinfo *res;
	int err;

	err = getaddrinfo(opts->host, NULL, &hints, &res);
	if (err)
		return err;
	memset(dest, 0, sizeof(*dest));
	if (res->ai_addrlen <= sizeof(*dest))
		memcpy(dest, res->ai_addr, res->ai_addrlen);
	else
		err = EAI_FAMILY;
	freeaddrinfo(res);
	sockaddr_set_port(dest, opts->port);
	return err;
}

static const char *gai_message(int err)
{
	return err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err);
}

/* ---- Outcomes ---- */

/*
 * The kernel's verdict on a connect whose SYN left: SO_ERROR after a
 * non-blocking connect, or the error of a blocking one.
 */
static enum outcome verdict_outcome(int err)
{
	switch (err) {
	case 0:
		return OUTCOME_ESTABLISHED;
	case ECONNREFUSED:
		return OUTCOME_REFUSED;
	case ETIMEDOUT:
		return OUTCOME_TIMEOUT;
	default: /* EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, other ICMP errors */
		return OUTCOME_UNREACHABLE;
	}
}

/*
 * Did the routing table, not the network, produce @err? "No route",
 * "unreachable" and "prohibit" routes fail connect() with ENETUNREACH,
 * EHOSTUNREACH or EACCES before any SYN, the same errnos ICMP errors give
 * later. A UDP connect() does the same route lookup and sends nothing.
 */
static bool route_refuses(const union sockaddr_any *dest, int err)
{
	bool refused;
	int fd;

	fd = socket(dest->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	refused = connect(fd, &dest->sa, sockaddr_len(dest)) && errno == err;
	close(fd);
	return refused;
}

/*
 * Errors a blocking connect() may return once the SYN has left: ICMP errors
 * (as icmp_err_convert and icmpv6_err_convert map them), RST, retries
 * exhausted. Any other error means connect() failed before sending.
 */
static bool is_network_error(const union sockaddr_any *dest, int err)
{
	if (err == ENETUNREACH || err == EHOSTUNREACH || err == EACCES)
		return !route_refuses(dest, err);
	switch (err) {
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EHOSTDOWN:
	case ENETDOWN:
	case ENONET:
	case EPROTO:
	case ENOPROTOOPT:
	case EOPNOTSUPP:
	case EMSGSIZE:
	case ECONNRESET:
		return true;
	default:
		return false;
	}
}

/*
 * A blocking connect(): EINPROGRESS means SO_SNDTIMEO (--timeout-ms) ran out,
 * EINTR that SIGINT/SIGTERM arrived; either way we abandon it.
 */
static enum outcome blocking_outcome(const union sockaddr_any *dest, int err)
{
	if (err == EINPROGRESS || err == EINTR)
		return OUTCOME_ABORTED;
	if (err && !is_network_error(dest, err))
		return OUTCOME_LOCAL_ERROR;
	return verdict_outcome(err);
}

/* ---- Report: per-attempt lines, results file, counters, summary ---- */

struct attempt_result {
	uint64_t index; /* 1..count */
	uint64_t start_real_ns;
	uint64_t latency_us;
	const union sockaddr_any *dest;
	enum outcome outcome;
	int err;		   /* 0 when there is no errno to report */
	unsigned short local_port; /* host byte order, 0 when unknown */
};

struct report {
	FILE *results; /* NULL without --results */
	bool quiet;
	uint64_t attempts;
	uint64_t counts[OUTCOME_MAX];
};

static int report_open(struct report *rep, const char *path, bool quiet)
{
	int err;

	memset(rep, 0, sizeof(*rep));
	rep->quiet = quiet;
	if (!path)
		return 0;
	rep->results = fopen(path, "we");
	if (!rep->results) {
		err = -errno;
		complain("--results: cannot create %s: %s", path, strerror(-err));
		return err;
	}
	fputs("index\tstart_ns\toutcome\terrno\tlatency_us\tlocal_port\n", rep->results);
	return 0;
}

static const char *errno_name(int err, char *buf, size_t len)
{
	const char *name;

	if (!err)
		return "-";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, len, "%d", err);
	return buf;
}

static const char *port_name(unsigned short port, char *buf, size_t len)
{
	if (!port)
		return "-";
	snprintf(buf, len, "%u", port);
	return buf;
}

static void report_attempt(struct report *rep, const struct attempt_result *res)
{
	char errbuf[16], portbuf[8], dest[INET6_ADDRSTRLEN + 8];
	const char *err = errno_name(res->err, errbuf, sizeof(errbuf));
	const char *port = port_name(res->local_port, portbuf, sizeof(portbuf));
	const char *outcome = outcome_name(res->outcome);

	rep->attempts++;
	rep->counts[res->outcome]++;
	if (rep->results)
		fprintf(rep->results, "%" PRIu64 "\t%" PRIu64 "\t%s\t%s\t%" PRIu64 "\t%s\n",
			res->index, res->start_real_ns, outcome, err, res->latency_us, port);
	if (rep->quiet)
		return;
	sockaddr_format(res->dest, dest, sizeof(dest));
	printf("attempt=%" PRIu64 " dest=%s outcome=%s errno=%s latency_us=%" PRIu64
	       " local_port=%s\n",
	       res->index, dest, outcome, err, res->latency_us, port);
}

/* "attempts=N established=N ... local_error=N\n" */
static void report_counts(FILE *f, const struct report *rep)
{
	int i;

	fprintf(f, "attempts=%" PRIu64, rep->attempts);
	for (i = 0; i < OUTCOME_MAX; i++)
		fprintf(f, " %s=%" PRIu64, outcome_name(i), rep->counts[i]);
	fputc('\n', f);
}

/* Returns 0, or -EIO if stdout (per-attempt lines included) could not be written. */
static int report_summary(const struct report *rep)
{
	report_counts(stdout, rep);
	if (fflush(stdout) || ferror(stdout)) {
		complain("stdout: write failed");
		return -EIO;
	}
	return 0;
}

/*
 * --done-file: every attempt has its verdict. Flush the results file, so
 * that it is complete while held connections stay open, then write the
 * summary line to PATH.tmp and rename it to PATH, so that whoever waits for
 * PATH never reads half a line. Returns 0 or -errno.
 */
static int report_done(struct report *rep, const char *path)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	if (rep->results && fflush(rep->results))
		return -errno;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	report_counts(f, rep);
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* Returns 0, or -errno if the results file could not be written in full. */
static int report_close(struct report *rep)
{
	int err = 0;

	if (!rep->results)
		return 0;
	if (ferror(rep->results))
		err = -EIO;
	if (fclose(rep->results) && !err)
		err = -errno;
	rep->results = NULL;
	if (err)
		complain("--results: write failed: %s", strerror(-err));
	return err;
}

/* ---- File descriptor budget ---- */

static unsigned long long read_sysctl_ull(const char *path, unsigned long long fallback)
{
	unsigned long long value;
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return fallback;
	ok = fscanf(f, "%llu", &value) == 1;
	fclose(f);
	return ok ? value : fallback;
}

/* Descriptors already open (inherited ones included), so the budget is honest. */
static unsigned long long count_open_fds(void)
{
	unsigned long long n = 0;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return 3;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Sockets open at once in the worst case: pending ones, plus every established one if held. */
static unsigned long long sockets_wanted(const struct options *opts)
{
	if (opts->hold_ms)
		return opts->count;
	return opts->count < opts->concurrency ? opts->count : opts->concurrency;
}

/* Sockets the run cannot do without: with -H -1 nothing is closed before the end. */
static unsigned long long sockets_required(const struct options *opts)
{
	if (opts->hold_ms < 0)
		return opts->count;
	return opts->count < opts->concurrency ? opts->count : opts->concurrency;
}

static bool try_nofile(rlim_t cur, rlim_t max)
{
	struct rlimit rl = { .rlim_cur = cur, .rlim_max = max };

	return !setrlimit(RLIMIT_NOFILE, &rl);
}

/*
 * Raise the RLIMIT_NOFILE soft limit towards @want. Past the hard limit only
 * with CAP_SYS_RESOURCE, and never past fs.nr_open. Sets *limit to the result.
 */
static int raise_nofile(unsigned long long want, unsigned long long *limit)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	*limit = rl.rlim_cur;
	if (rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max < want && try_nofile(want, want)) {
		complain("raised the RLIMIT_NOFILE hard limit from %llu to %llu",
			 (unsigned long long)rl.rlim_max, want);
		*limit = want;
		return 0;
	}
	if (rl.rlim_max < want)
		want = rl.rlim_max;
	if (try_nofile(want, rl.rlim_max))
		*limit = want;
	return 0;
}

static void complain_fd_shortage(const struct options *opts, unsigned long long limit,
				 unsigned long long reserve)
{
	unsigned long long required = sockets_required(opts);
	bool holding = opts->hold_ms < 0;

	complain("%s %lld%s needs %llu sockets open at once, but RLIMIT_NOFILE is %llu with %llu "
		 "descriptors reserved: raise the hard limit to %llu (ulimit -Hn, needs "
		 "CAP_SYS_RESOURCE) or lower %s",
		 holding ? "-n" : "-c", holding ? opts->count : opts->concurrency,
		 holding ? " with -H -1" : "", required, limit, reserve, required + reserve,
		 holding ? "-n" : "-c");
}

/* Size the slot table: every socket open at once needs a slot and a descriptor. */
static int plan_sockets(const struct options *opts, unsigned int *capacity)
{
	unsigned long long reserve = count_open_fds() + FD_RESERVE;
	unsigned long long nr_open = read_sysctl_ull("/proc/sys/fs/nr_open", DEFAULT_NR_OPEN);
	unsigned long long wanted = sockets_wanted(opts), limit = 0, usable;
	int err;

	if (wanted > nr_open - reserve)
		wanted = nr_open - reserve;
	err = raise_nofile(wanted + reserve, &limit);
	if (err) {
		complain("RLIMIT_NOFILE: %s", strerror(-err));
		return err;
	}
	usable = limit > reserve ? limit - reserve : 0;
	if (usable < sockets_required(opts)) {
		complain_fd_shortage(opts, limit, reserve);
		return -EMFILE;
	}
	*capacity = (unsigned int)(wanted < usable ? wanted : usable); /* <= fs.nr_open */
	return 0;
}

/* ---- Signals ---- */

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SIGINT and SIGTERM stay blocked except inside epoll_pwait() and a blocking
 * connect(), which they interrupt (no SA_RESTART). *wait_mask is the mask
 * to use there.
 */
static int setup_signals(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t stop_set;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop_set, wait_mask))
		return -errno;
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

/* ---- The run: slots, attempts, deadlines, the event loop ---- */

enum slot_state {
	SLOT_FREE,
	SLOT_STARTING,	 /* taken, connect() not yet issued or just returned */
	SLOT_CONNECTING, /* on run->pending */
	SLOT_HELD,	 /* on run->held */
};

struct slot {
	struct list_node link; /* on run->free, run->pending or run->held */
	union sockaddr_any dest;
	uint64_t index;		/* attempt number, 1..count */
	uint64_t start_ns;	/* CLOCK_MONOTONIC at connect() */
	uint64_t start_real_ns; /* CLOCK_REALTIME at connect(), reported */
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC timeout or end of hold, 0: none */
	uint32_t generation;	/* tells a stale epoll event from the slot's current use */
	int fd;
	unsigned short local_port; /* host byte order, 0 until known */
	unsigned char state;	   /* enum slot_state */
};

#define list_first_slot(head) container_of((head)->next, struct slot, link)

struct run {
	const struct options *opts;
	struct report *report;
	struct slot *slots;
	unsigned int capacity;	 /* slots in the table */
	unsigned int slots_used; /* slots ever handed out; the rest are untouched */
	unsigned int npending;
	unsigned int nheld;
	struct list_node free;
	struct list_node pending; /* ordered by deadline: start + timeout */
	struct list_node held;	  /* ordered by deadline: connect + hold */
	union sockaddr_any dest;  /* resolved once, unless --resolve-each */
	uint64_t started;
	uint64_t start_interval_ns; /* 0: no --rate */
	uint64_t next_start_ns;
	uint64_t all_done_ns; /* when the last attempt got its verdict */
	uint64_t armed_ns;    /* deadline the timerfd is set for, 0: disarmed */
	sigset_t wait_mask;
	int epoll_fd;
	int timer_fd;
	int status; /* set by run_fail(): STATUS_RUNTIME or STATUS_RESOLVE */
	bool slot_limit_noted;
	/* --walk-ports: ip_local_port_range, and the next port to try */
	unsigned int port_lo, port_hi, port_next;
};

static void __attribute__((format(printf, 3, 4)))
run_fail(struct run *run, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcomplain(fmt, ap);
	va_end(ap);
	if (!run->status)
		run->status = status;
}

static bool slot_available(const struct run *run)
{
	return !list_empty(&run->free) || run->slots_used < run->capacity;
}

static struct slot *slot_get(struct run *run)
{
	struct slot *slot;

	if (!list_empty(&run->free)) {
		slot = list_first_slot(&run->free);
		list_del(&slot->link);
	} else {
		slot = &run->slots[run->slots_used++];
		list_init(&slot->link);
	}
	slot->generation++;
	slot->fd = -1;
	slot->local_port = 0;
	slot->deadline_ns = 0;
	slot->state = SLOT_STARTING;
	return slot;
}

/* Take the slot off the pending or held list it is on. */
static void slot_unlink(struct run *run, struct slot *slot)
{
	if (slot->state == SLOT_CONNECTING)
		run->npending--;
	else if (slot->state == SLOT_HELD)
		run->nheld--;
	list_del(&slot->link);
}

static void slot_release(struct run *run, struct slot *slot)
{
	slot_unlink(run, slot);
	if (slot->fd >= 0)
		close(slot->fd);
	slot->fd = -1;
	slot->state = SLOT_FREE;
	list_add_tail(&slot->link, &run->free);
}

static uint64_t slot_token(const struct run *run, const struct slot *slot)
{
	return (uint64_t)slot->generation << 32 | (uint64_t)(slot - run->slots);
}

static struct slot *slot_from_token(struct run *run, uint64_t token)
{
	uint32_t idx = (uint32_t)token;
	struct slot *slot;

	if (idx >= run->slots_used)
		return NULL;
	slot = &run->slots[idx];
	return slot->generation == (uint32_t)(token >> 32) ? slot : NULL;
}

static void hold_connection(struct run *run, struct slot *slot, uint64_t now)
{
	slot_unlink(run, slot);
	slot->state = SLOT_HELD;
	slot->deadline_ns = run->opts->hold_ms > 0 ? now + ms_to_ns(run->opts->hold_ms) : 0;
	list_add_tail(&slot->link, &run->held);
	run->nheld++;
}

/* Report the attempt's outcome, then hold its connection or close it. */
static void attempt_finish(struct run *run, struct slot *slot, enum outcome outcome, int err)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct attempt_result res = {
		.index = slot->index,
		.start_real_ns = slot->start_real_ns,
		.latency_us = (now - slot->start_ns) / NSEC_PER_USEC,
		.dest = &slot->dest,
		.outcome = outcome,
		.err = err,
		.local_port = slot->local_port,
	};

	report_attempt(run->report, &res);
	if (outcome == OUTCOME_ESTABLISHED && run->opts->hold_ms && !stop_signal && !run->status)
		hold_connection(run, slot, now);
	else
		slot_release(run, slot);
}

/*
 * --walk-ports: bind to the next free port of the range, one bind() per
 * port in use; -EADDRNOTAVAIL when none is, as connect() would say.
 */
static int bind_next_port(struct run *run, struct slot *slot)
{
	unsigned int tries, size = run->port_hi - run->port_lo + 1;
	union sockaddr_any addr;

	if (run->opts->has_bind) {
		addr = run->opts->bind_addr;
	} else {
		memset(&addr, 0, sizeof(addr));
		addr.sa.sa_family = slot->dest.sa.sa_family;
	}
	for (tries = 0; tries < size; tries++) {
		unsigned int port = run->port_next;

		run->port_next = port == run->port_hi ? run->port_lo : port + 1;
		sockaddr_set_port(&addr, (unsigned short)port);
		if (!bind(slot->fd, &addr.sa, sockaddr_len(&addr)))
			return 0;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRNOTAVAIL;
}

/* Returns -errno; the socket, if any, is left in the slot for slot_release(). */
static int open_socket(struct run *run, struct slot *slot, int flags)
{
	const struct options *opts = run->opts;
	int one = 1;

	slot->fd = socket(slot->dest.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | flags, IPPROTO_TCP);
	if (slot->fd < 0)
		return -errno;
	if (opts->walk_ports)
		return bind_next_port(run, slot);
	if (!opts->has_bind)
		return 0;
	/* Choose the source address only: connect() still picks the port, as without -b. */
	if (setsockopt(slot->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)))
		return -errno;
	if (bind(slot->fd, &opts->bind_addr.sa, sockaddr_len(&opts->bind_addr)))
		return -errno;
	return 0;
}

static void wait_for_verdict(struct run *run, struct slot *slot)
{
	struct epoll_event ev = {
		.events = EPOLLOUT | EPOLLONESHOT,
		.data.u64 = slot_token(run, slot),
	};

	if (epoll_ctl(run->epoll_fd, EPOLL_CTL_ADD, slot->fd, &ev)) {
		run_fail(run, STATUS_RUNTIME, "epoll_ctl: %s", strerror(errno));
		attempt_finish(run, slot, OUTCOME_ABORTED, 0);
		return;
	}
	slot->state = SLOT_CONNECTING;
	if (run->opts->timeout_ms)
		slot->deadline_ns = slot->start_ns + ms_to_ns(run->opts->timeout_ms);
	list_add_tail(&slot->link, &run->pending);
	run->npending++;
}

static void connect_nonblocking(struct run *run, struct slot *slot)
{
	int err;

	err = open_socket(run, slot, SOCK_NONBLOCK);
	if (!err && connect(slot->fd, &slot->dest.sa, sockaddr_len(&slot->dest)))
		err = -errno;
	/* The port is bound by connect() and gone again once a failed attempt is closed. */
	if (!err || err == -EINPROGRESS)
		slot->local_port = socket_local_port(slot->fd);
	if (err == -EINPROGRESS)
		wait_for_verdict(run, slot);
	else
		attempt_finish(run, slot, err ? OUTCOME_LOCAL_ERROR : OUTCOME_ESTABLISHED, -err);
}

static int set_send_timeout(int fd, long long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ? -errno : 0;
}

/* One connect() that blocks until the kernel's verdict, so sys_exit_connect sees it. */
static void connect_blocking(struct run *run, struct slot *slot)
{
	enum outcome outcome;
	sigset_t blocked;
	int err;

	err = open_socket(run, slot, 0);
	if (!err && run->opts->timeout_ms)
		err = set_send_timeout(slot->fd, run->opts->timeout_ms);
	if (err) {
		attempt_finish(run, slot, OUTCOME_LOCAL_ERROR, -err);
		return;
	}
	/* Let SIGINT/SIGTERM interrupt the wait; the attempt then ends as aborted. */
	sigprocmask(SIG_SETMASK, &run->wait_mask, &blocked);
	if (stop_signal)
		err = EINTR;
	else if (connect(slot->fd, &slot->dest.sa, sockaddr_len(&slot->dest)))
		err = errno;
	sigprocmask(SIG_SETMASK, &blocked, NULL);
	if (!err)
		slot->local_port = socket_local_port(slot->fd);
	outcome = blocking_outcome(&slot->dest, err);
	attempt_finish(run, slot, outcome, outcome == OUTCOME_ABORTED ? 0 : err);
}

/* Conditions for a start other than the rate. */
static bool start_allowed(const struct run *run)
{
	if (stop_signal || run->status || run->started >= (uint64_t)run->opts->count)
		return false;
	return run->npending < run->opts->concurrency && slot_available(run);
}

static bool can_start(const struct run *run, uint64_t now)
{
	return start_allowed(run) && now >= run->next_start_ns;
}

/* --rate: at most one start per interval, with at most 1 ms of catch-up after a stall. */
static void rate_consume(struct run *run, uint64_t now)
{
	if (!run->start_interval_ns)
		return;
	if (now > RATE_CATCH_UP_NS && run->next_start_ns < now - RATE_CATCH_UP_NS)
		run->next_start_ns = now - RATE_CATCH_UP_NS;
	run->next_start_ns += run->start_interval_ns;
}

static int attempt_destination(struct run *run, union sockaddr_any *dest)
{
	int err;

	if (!run->opts->resolve_each) {
		*dest = run->dest;
		return 0;
	}
	err = resolve_dest(run->opts, dest);
	if (err)
		run_fail(run, STATUS_RESOLVE, "cannot resolve %s: %s", run->opts->host,
			 gai_message(err));
	return err ? -ENOENT : 0;
}

/*
 * The attempt's start on both clocks, read together: a thread preempted
 * between two plain reads would report a start that does not match its
 * latency.  The wall clock is read between two monotonic reads, retried
 * while they are more than 1 us apart, and the start is the second.
 */
static void slot_start_clocks(struct slot *slot)
{
	uint64_t before, wall, after;
	int tries = 0;

	do {
		before = clock_ns(CLOCK_MONOTONIC);
		wall = clock_ns(CLOCK_REALTIME);
		after = clock_ns(CLOCK_MONOTONIC);
	} while (after - before > NSEC_PER_USEC && ++tries < 100);
	slot->start_ns = after;
	slot->start_real_ns = wall + (after - before) / 2;
}
static void attempt_start(struct run *run, uint64_t now)
{
	union sockaddr_any dest;
	struct slot *slot;

	if (attempt_destination(run, &dest))
		return;
	rate_consume(run, now);
	slot = slot_get(run);
	slot->dest = dest;
	slot->index = ++run->started;
	slot_start_clocks(slot);
	if (run->opts->blocking)
		connect_blocking(run, slot);
	else
		connect_nonblocking(run, slot);
}

/* Say once when held connections, not --concurrency, are what holds starts back. */
static void note_slot_limit(struct run *run)
{
	if (run->slot_limit_noted || slot_available(run) || !run->nheld)
		return;
	if (run->started >= (uint64_t)run->opts->count || run->npending >= run->opts->concurrency)
		return;
	complain("note: %u sockets open, the most RLIMIT_NOFILE allows: "
		 "new attempts wait for held connections to close",
		 run->capacity);
	run->slot_limit_noted = true;
}

static void start_attempts(struct run *run, uint64_t now)
{
	int budget = run->opts->blocking ? 1 : START_BATCH;

	while (budget-- > 0 && can_start(run, now))
		attempt_start(run, now);
	note_slot_limit(run);
}

/* Abort pending connects past --timeout-ms and close connections whose hold ended. */
static void expire_deadlines(struct run *run, uint64_t now)
{
	struct slot *slot;

	while (!list_empty(&run->pending)) {
		slot = list_first_slot(&run->pending);
		if (!slot->deadline_ns || slot->deadline_ns > now)
			break;
		attempt_finish(run, slot, OUTCOME_ABORTED, 0);
	}
	while (!list_empty(&run->held)) {
		slot = list_first_slot(&run->held);
		if (!slot->deadline_ns || slot->deadline_ns > now)
			break;
		slot_release(run, slot);
	}
}

static uint64_t next_deadline(struct run *run)
{
	uint64_t deadline = 0;

	if (!list_empty(&run->pending))
		deadline = list_first_slot(&run->pending)->deadline_ns;
	if (!list_empty(&run->held))
		deadline = earliest(deadline, list_first_slot(&run->held)->deadline_ns);
	if (start_allowed(run))
		deadline = earliest(deadline, run->next_start_ns);
	if (run->all_done_ns && run->opts->linger_ms > 0)
		deadline = earliest(deadline, run->all_done_ns + ms_to_ns(run->opts->linger_ms));
	return deadline;
}

static int arm_timer(struct run *run, uint64_t deadline)
{
	struct itimerspec its = {
		.it_value.tv_sec = deadline / NSEC_PER_SEC,
		.it_value.tv_nsec = deadline % NSEC_PER_SEC,
	};

	if (deadline == run->armed_ns)
		return 0;
	if (timerfd_settime(run->timer_fd, TFD_TIMER_ABSTIME, &its, NULL))
		return -errno;
	run->armed_ns = deadline;
	return 0;
}

static void timer_expired(struct run *run)
{
	uint64_t expirations;

	if (read(run->timer_fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		run_fail(run, STATUS_RUNTIME, "timerfd: %s", strerror(errno));
	run->armed_ns = 0;
}

static void connect_event(struct run *run, uint64_t token)
{
	struct slot *slot = slot_from_token(run, token);
	socklen_t len = sizeof(int);
	int err = 0;

	/* Stale: the attempt already timed out and its slot may serve another. */
	if (!slot || slot->state != SLOT_CONNECTING)
		return;
	if (getsockopt(slot->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	attempt_finish(run, slot, verdict_outcome(err), err);
}

/* Sleep until a socket, the timer or a signal needs us; don't sleep if starts are due. */
static void wait_for_events(struct run *run, bool starts_due)
{
	struct epoll_event events[EVENT_BATCH];
	int i, n, err;

	err = starts_due ? 0 : arm_timer(run, next_deadline(run));
	if (err) {
		run_fail(run, STATUS_RUNTIME, "timerfd_settime: %s", strerror(-err));
		return;
	}
	n = epoll_pwait(run->epoll_fd, events, EVENT_BATCH, starts_due ? 0 : -1, &run->wait_mask);
	if (n < 0 && errno != EINTR)
		run_fail(run, STATUS_RUNTIME, "epoll_pwait: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (events[i].data.u64 == TIMER_TOKEN)
			timer_expired(run);
		else
			connect_event(run, events[i].data.u64);
	}
}

/* The last verdict came in: note when, and say so in --done-file. */
static void all_attempts_done(struct run *run, uint64_t now)
{
	int err;

	run->all_done_ns = now;
	if (!run->opts->done_path)
		return;
	err = report_done(run->report, run->opts->done_path);
	if (err)
		run_fail(run, STATUS_RUNTIME, "--done-file: cannot write %s: %s",
			 run->opts->done_path, strerror(-err));
}

/* All attempts have their verdict, finite holds are over and --linger has elapsed. */
static bool run_finished(struct run *run, uint64_t now)
{
	const struct options *opts = run->opts;

	if (!run->all_done_ns && run->started == (uint64_t)opts->count && !run->npending)
		all_attempts_done(run, now);
	if (!run->all_done_ns)
		return false;
	if (opts->hold_ms > 0 && run->nheld)
		return false;
	if (opts->linger_ms < 0)
		return false;
	return now >= run->all_done_ns + ms_to_ns(opts->linger_ms);
}

/* Pending connects end as aborted: the application gave up on them. */
static void close_all(struct run *run)
{
	while (!list_empty(&run->pending))
		attempt_finish(run, list_first_slot(&run->pending), OUTCOME_ABORTED, 0);
	while (!list_empty(&run->held))
		slot_release(run, list_first_slot(&run->held));
}

/*
 * --walk-ports: this network namespace's ip_local_port_range, and a start
 * that differs from process to process (their walks seldom meet).
 */
static int port_range_init(struct run *run)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%u %u", &run->port_lo, &run->port_hi);
	fclose(f);
	if (n != 2 || !run->port_lo || run->port_lo > run->port_hi || run->port_hi > 65535) {
		errno = EINVAL;
		return -1;
	}
	run->port_next = run->port_lo +
			 (unsigned int)getpid() * 2654435761u % (run->port_hi - run->port_lo + 1);
	return 0;
}

static int run_init(struct run *run, const struct options *opts, struct report *report,
		    const union sockaddr_any *dest, unsigned int capacity,
		    const sigset_t *wait_mask)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TIMER_TOKEN };

	memset(run, 0, sizeof(*run));
	run->opts = opts;
	run->report = report;
	run->dest = *dest;
	run->capacity = capacity;
	run->wait_mask = *wait_mask;
	run->epoll_fd = -1;
	run->timer_fd = -1;
	list_init(&run->free);
	list_init(&run->pending);
	list_init(&run->held);
	if (opts->rate)
		run->start_interval_ns = NSEC_PER_SEC / (uint64_t)opts->rate;
	if (opts->walk_ports && port_range_init(run))
		return -errno;
	/* calloc'd pages are only touched as slots are first used */
	run->slots = calloc(capacity, sizeof(*run->slots));
	if (!run->slots)
		return -ENOMEM;
	run->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (run->epoll_fd < 0)
		return -errno;
	run->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (run->timer_fd < 0)
		return -errno;
	if (epoll_ctl(run->epoll_fd, EPOLL_CTL_ADD, run->timer_fd, &ev))
		return -errno;
	return 0;
}

/* Accepts a run that run_init() left half built. */
static void run_destroy(struct run *run)
{
	if (run->slots)
		close_all(run);
	if (run->timer_fd >= 0)
		close(run->timer_fd);
	if (run->epoll_fd >= 0)
		close(run->epoll_fd);
	free(run->slots);
	run->slots = NULL;
}

/* Drive attempts until all are done or a signal or error stops the run. */
static int run_loop(struct run *run)
{
	uint64_t now;

	for (;;) {
		now = clock_ns(CLOCK_MONOTONIC);
		expire_deadlines(run, now);
		start_attempts(run, now);
		if (stop_signal || run->status || run_finished(run, now))
			break;
		wait_for_events(run, can_start(run, now));
	}
	close_all(run);
	if (run->status)
		return run->status;
	if (stop_signal && run->started < (uint64_t)run->opts->count)
		return STATUS_SIGNAL_BASE + stop_signal;
	return STATUS_OK;
}

/* ---- Command line ---- */

enum option_key {
	OPT_BLOCKING = 0x100,
	OPT_WALK_PORTS,
	OPT_DONE_FILE,
};

static const char doc[] =
	"Start TCP connects to HOST PORT and report how each one ended: established, refused, "
	"timeout, unreachable, aborted (--timeout-ms gave up first) or local_error (connect() "
	"failed before a SYN left).\n"
	"\n"
	"HOST is an IPv4/IPv6 literal or a name resolved with getaddrinfo(3), through the "
	"system resolver (/etc/netns/NAME/resolv.conf inside a namespace); the first address "
	"returned is used."
	"\v"
	"--concurrency counts pending connects only: held connections do not use it up. "
	"Every attempt prints one key=value line, and the run one summary line: attempts=N "
	"established=N refused=N timeout=N unreachable=N aborted=N local_error=N. The results "
	"file has a header and the columns index (1..N), start_ns (CLOCK_REALTIME), outcome, "
	"errno (symbolic, or -), latency_us and local_port (or -).\n"
	"\n"
	"Exit status: 0 when every attempt ran, whatever its outcome; 2 for a bad option; "
	"3 when HOST does not resolve; 1 for other errors of connburst itself; 128+N when "
	"signal N stopped the run before all attempts started.\n"
	"\n"
	"EXAMPLES:\n"
	"  connburst 198.18.0.2 80\n"
	"        one attempt, print its outcome\n"
	"  connburst -n 20000 -c 20000 -q 127.0.0.1 8080\n"
	"        20000 connects in flight at once, summary only\n"
	"  connburst -n 100 -c 10 -t 300 -o out.tsv 198.18.0.2 80\n"
	"        give up on connects pending after 300 ms (aborted), results in out.tsv\n"
	"  connburst -n 3 -H -1 -l -1 198.18.0.2 80\n"
	"        hold established connections until SIGINT/SIGTERM\n"
	"  connburst -n 15000 -c 15000 -H -1 -l -1 -q --done-file d api.test 443\n"
	"        hold them, and create d once every attempt has its verdict\n"
	"  connburst -n 50 -r 10 -R -4 svc.test 443\n"
	"        one DNS lookup per attempt, 10 attempts per second\n"
	"  connburst --blocking -t 2000 -b 198.18.0.1 198.18.0.2 80\n"
	"        blocking connect() from 198.18.0.1, SO_SNDTIMEO of 2 s\n";

static const char args_doc[] = "HOST PORT";

static const struct argp_option option_table[] = {
	{ "count", 'n', "N", 0, "Number of connect attempts (default 1)", 0 },
	{ "concurrency", 'c', "N", 0, "Connects pending at once (default 1)", 0 },
	{ "timeout-ms", 't', "MS", 0,
	  "Give up on a connect still pending after MS ms: outcome aborted (default 0: wait "
	  "for the kernel's verdict)",
	  0 },
	{ "hold-ms", 'H', "MS", 0,
	  "Keep each established connection open MS ms (default 0: close at once; -1: until "
	  "the end of the run)",
	  0 },
	{ "linger", 'l', "MS", 0,
	  "After the last attempt's verdict, wait MS ms more before closing held connections "
	  "and exiting (default 0; -1: until SIGINT/SIGTERM)",
	  0 },
	{ "rate", 'r', "N", 0, "Start at most N attempts per second (default 0: no limit)", 0 },
	{ "resolve-each", 'R', NULL, 0, "Resolve HOST before every attempt (default: once)", 0 },
	{ NULL, '4', NULL, 0, "Resolve HOST to IPv4 addresses only", 0 },
	{ NULL, '6', NULL, 0, "Resolve HOST to IPv6 addresses only", 0 },
	{ "bind", 'b', "ADDR", 0,
	  "Bind source address ADDR (the port is still chosen by connect())", 0 },
	{ "walk-ports", OPT_WALK_PORTS, NULL, 0,
	  "Bind each socket to the next free port of ip_local_port_range, instead of "
	  "connect()'s search: once half the range holds connections to HOST, that search "
	  "scans the half on every attempt (tens of thousands of connects from one address)",
	  0 },
	{ "blocking", OPT_BLOCKING, NULL, 0,
	  "One blocking connect() at a time (-c ignored); -t becomes SO_SNDTIMEO", 0 },
	{ "results", 'o', "FILE", 0, "Write one tab-separated line per attempt to FILE", 0 },
	{ "quiet", 'q', NULL, 0, "No per-attempt lines on stdout", 0 },
	{ "done-file", OPT_DONE_FILE, "FILE", 0,
	  "When every attempt has its verdict, flush the results file and write the summary "
	  "line to FILE (created whole, by rename), while held connections stay open",
	  0 },
	{},
};

/* A whole decimal number in [min, max], or exit 2 with a line naming the option. */
static long long parse_number(struct argp_state *state, const char *name, const char *arg,
			      long long min, long long max)
{
	long long value;
	char *end;

	if (!*arg)
		argp_failure(state, STATUS_USAGE, 0, "%s: empty value", name);
	errno = 0;
	value = strtoll(arg, &end, 10);
	if (*end || !(arg[0] == '-' || arg[0] == '+' || (arg[0] >= '0' && arg[0] <= '9')))
		argp_failure(state, STATUS_USAGE, 0, "%s: \"%s\" is not a number", name, arg);
	if (errno == ERANGE || value < min || value > max)
		argp_failure(state, STATUS_USAGE, 0, "%s: %s is out of range %lld..%lld", name, arg,
			     min, max);
	return value;
}

static void parse_bind(struct argp_state *state, struct options *opts, const char *arg)
{
	if (!*arg)
		argp_failure(state, STATUS_USAGE, 0, "--bind: empty address");
	if (parse_ip_literal(arg, &opts->bind_addr))
		argp_failure(state, STATUS_USAGE, 0,
			     "--bind: \"%s\" is not an IPv4 or IPv6 address", arg);
	opts->has_bind = true;
}

static void parse_positional(struct argp_state *state, struct options *opts, const char *arg)
{
	switch (state->arg_num) {
	case 0:
		if (!*arg)
			argp_failure(state, STATUS_USAGE, 0, "HOST: empty");
		opts->host = arg;
		break;
	case 1:
		opts->port = (unsigned short)parse_number(state, "PORT", arg, 1, 65535);
		break;
	default:
		argp_failure(state, STATUS_USAGE, 0, "unexpected argument \"%s\" after HOST PORT",
			     arg);
	}
}

static void set_family(struct argp_state *state, struct options *opts, int family)
{
	if (opts->family != AF_UNSPEC && opts->family != family)
		argp_failure(state, STATUS_USAGE, 0, "-4 and -6 exclude each other");
	opts->family = family;
}

/* Checks that need every option: missing arguments, -b against -4/-6. */
static void finish_options(struct argp_state *state, struct options *opts)
{
	int bind_family = opts->bind_addr.sa.sa_family;

	if (state->arg_num < 2)
		argp_failure(state, STATUS_USAGE, 0,
			     "missing %s (usage: connburst [OPTIONS] HOST PORT)",
			     state->arg_num ? "PORT" : "HOST and PORT");
	if (opts->has_bind && opts->family != AF_UNSPEC && opts->family != bind_family)
		argp_failure(state, STATUS_USAGE, 0, "--bind: address family differs from %s",
			     opts->family == AF_INET ? "-4" : "-6");
	if (opts->has_bind)
		opts->family = bind_family;
	if (opts->blocking)
		opts->concurrency = 1;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *opts = state->input;

	switch (key) {
	case 'n':
		opts->count = parse_number(state, "--count", arg, 1, MAX_COUNT);
		break;
	case 'c':
		opts->concurrency = parse_number(state, "--concurrency", arg, 1, MAX_CONCURRENCY);
		break;
	case 't':
		opts->timeout_ms = parse_number(state, "--timeout-ms", arg, 0, MAX_MS);
		break;
	case 'H':
		opts->hold_ms = parse_number(state, "--hold-ms", arg, -1, MAX_MS);
		break;
	case 'l':
		opts->linger_ms = parse_number(state, "--linger", arg, -1, MAX_MS);
		break;
	case 'r':
		opts->rate = parse_number(state, "--rate", arg, 0, MAX_RATE);
		break;
	case 'R':
		opts->resolve_each = true;
		break;
	case '4':
		set_family(state, opts, AF_INET);
		break;
	case '6':
		set_family(state, opts, AF_INET6);
		break;
	case 'b':
		parse_bind(state, opts, arg);
		break;
	case OPT_BLOCKING:
		opts->blocking = true;
		break;
	case OPT_WALK_PORTS:
		opts->walk_ports = true;
		break;
	case 'o':
		if (!*arg)
			argp_failure(state, STATUS_USAGE, 0, "--results: empty file name");
		opts->results_path = arg;
		break;
	case 'q':
		opts->quiet = true;
		break;
	case OPT_DONE_FILE:
		if (!*arg)
			argp_failure(state, STATUS_USAGE, 0, "--done-file: empty file name");
		opts->done_path = arg;
		break;
	case ARGP_KEY_ARG:
		parse_positional(state, opts, arg);
		break;
	case ARGP_KEY_END:
		finish_options(state, opts);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = option_table,
	.parser = parse_opt,
	.args_doc = args_doc,
	.doc = doc,
};

int main(int argc, char **argv)
{
	struct options opts = { .count = 1, .concurrency = 1, .family = AF_UNSPEC };
	union sockaddr_any dest = {};
	struct report report;
	unsigned int capacity;
	sigset_t wait_mask;
	struct run run;
	int status, err;

	/* 1. Options: any bad value exits 2 with one line naming the option. */
	argp_err_exit_status = STATUS_USAGE;
	argp_parse(&argp, argc, argv, 0, NULL, &opts);

	/* 2. Resolve HOST now, unless every attempt resolves it itself. */
	if (!opts.resolve_each) {
		err = resolve_dest(&opts, &dest);
		if (err) {
			complain("cannot resolve %s: %s", opts.host, gai_message(err));
			return STATUS_RESOLVE;
		}
	}

	/* 3. Descriptors for every socket the run may hold open at once. */
	if (plan_sockets(&opts, &capacity))
		return STATUS_RUNTIME;

	/* 4. SIGINT/SIGTERM only interrupt waits and blocking connects. */
	err = setup_signals(&wait_mask);
	if (err) {
		complain("signals: %s", strerror(-err));
		return STATUS_RUNTIME;
	}

	/* 5. Results file (header written) and counters. */
	if (report_open(&report, opts.results_path, opts.quiet))
		return STATUS_RUNTIME;

	/* 6. Slots, epoll set and timer. */
	err = run_init(&run, &opts, &report, &dest, capacity, &wait_mask);
	if (err) {
		complain("setup: %s", strerror(-err));
		status = STATUS_RUNTIME;
		goto destroy_run;
	}

	/* 7. Attempts until all are done, then the summary. */
	status = run_loop(&run);
	if (report_summary(&report) && status == STATUS_OK)
		status = STATUS_RUNTIME;

destroy_run:
	run_destroy(&run);
	if (report_close(&report) && status == STATUS_OK)
		status = STATUS_RUNTIME;
	return status;
}
