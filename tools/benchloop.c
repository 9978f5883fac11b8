// SPDX-License-Identifier: GPL-2.0-only
/*
 * benchloop: the workloads of synscope's benchmark (tests/bench/run.sh).
 * Each runs as fast as it can for --duration seconds on one thread and
 * prints how many operations it did:
 *
 *   connect ADDR PORT   listen on ADDR PORT, then connect to it, write one
 *                       byte and close, one connection after another; a
 *                       forked acceptor accepts, reads to end of file and
 *                       closes.  An operation is one established connect.
 *   getppid             getppid(2) in a loop: a cheap syscall unrelated to
 *                       networking, for what tracing costs other work.
 *   idle                not a workload: the benchmark's control tracer.  It
 *                       loads nothing and wakes 10 times a second, as the
 *                       tracers measured here do when nothing happens, until
 *                       --duration or SIGINT; an operation is one wake-up.
 *
 * Any failed connect, write or accept ends the run with status 1: the
 * benchmark only counts runs in which every connect established.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_USEC  1000ULL
#define NSEC_PER_SEC   1000000000ULL
#define MAX_DURATION_S 86400.0
#define BACKLOG	       65535
#define GETPPID_BATCH  4096 /* calls between two looks at the clock */

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

struct options {
	const struct workload *workload;
	const char *addr;
	const char *port;
	double duration_s;
};

/* What one run did: operations, and for connects the slowest one. */
struct result {
	uint64_t ops;
	uint64_t elapsed_ns;
	uint64_t slowest_ns;
	double cpu_s; /* user + system time of the run's processes (the acceptor too) */
};

struct workload {
	const char *name;
	int nargs; /* positional arguments after the name: ADDR PORT */
	int (*run)(const struct options *o, struct result *r);
};

static void __attribute__((format(printf, 1, 2))) complain(const char *fmt, ...)
{
	va_list ap;

	fputs("benchloop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static double timeval_s(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/* CPU time of this process and of its children reaped so far. */
static double cpu_seconds(void)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	return timeval_s(&self.ru_utime) + timeval_s(&self.ru_stime) +
	       timeval_s(&children.ru_utime) + timeval_s(&children.ru_stime);
}

static uint64_t duration_ns(const struct options *o)
{
	return (uint64_t)(o->duration_s * NSEC_PER_SEC);
}

/* --- getppid ------------------------------------------------------------ */

static int run_getppid(const struct options *o, struct result *r)
{
	uint64_t start = now_ns(), end = start + duration_ns(o), t;
	int i;

	do {
		/* The raw syscall: a libc must not answer from a cache. */
		for (i = 0; i < GETPPID_BATCH; i++)
			syscall(SYS_getppid);
		r->ops += GETPPID_BATCH;
		t = now_ns();
	} while (t < end);
	r->elapsed_ns = t - start;
	return 0;
}

/* --- idle --------------------------------------------------------------- */

#define IDLE_WAKE_NS (NSEC_PER_SEC / 10)

static volatile sig_atomic_t idle_stop;

static void on_idle_stop(int sig)
{
	(void)sig;
	idle_stop = 1;
}

static int run_idle(const struct options *o, struct result *r)
{
	const struct timespec nap = { 0, IDLE_WAKE_NS };
	struct sigaction sa = { .sa_handler = on_idle_stop }; /* no SA_RESTART: the nap ends */
	uint64_t start = now_ns(), end = start + duration_ns(o), t = start;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!idle_stop && t < end) {
		nanosleep(&nap, NULL);
		r->ops++;
		t = now_ns();
	}
	r->elapsed_ns = t - start;
	return 0;
}

/* --- connect ------------------------------------------------------------ */

static int parse_addr(const struct options *o, union sockaddr_any *sa, socklen_t *len)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(o->port, &end, 10);
	if (errno || !*o->port || *end || port < 1 || port > 65535) {
		complain("invalid PORT '%s'", o->port);
		return -1;
	}
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, o->addr, &sa->in4.sin_addr) == 1) {
		sa->in4.sin_family = AF_INET;
		sa->in4.sin_port = htons(port);
		*len = sizeof(sa->in4);
	} else if (inet_pton(AF_INET6, o->addr, &sa->in6.sin6_addr) == 1) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(port);
		*len = sizeof(sa->in6);
	} else {
		complain("invalid ADDR '%s'", o->addr);
		return -1;
	}
	return 0;
}

static int listen_on(const union sockaddr_any *sa, socklen_t len)
{
	int one = 1, fd;

	fd = socket(sa->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) || bind(fd, &sa->sa, len) ||
	    listen(fd, BACKLOG)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The acceptor: accept, read to end of file, close; until killed. */
static void serve(int lfd)
{
	char buf[64];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			complain("accept: %s", strerror(errno));
			_exit(1);
		}
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
}

/* One connection: connect, write a byte, close.  Returns its connect time. */
static int64_t connect_once(const union sockaddr_any *sa, socklen_t len)
{
	uint64_t t0, t1;
	int fd, err = 0;

	fd = socket(sa->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		complain("socket: %s", strerror(errno));
		return -1;
	}
	t0 = now_ns();
	if (connect(fd, &sa->sa, len)) {
		err = errno;
		complain("connect: %s", strerror(err));
	}
	t1 = now_ns();
	if (!err && write(fd, "x", 1) != 1) {
		err = errno;
		complain("write: %s", strerror(err));
	}
	close(fd);
	return err ? -1 : (int64_t)(t1 - t0);
}

static int run_connect(const struct options *o, struct result *r)
{
	union sockaddr_any sa;
	uint64_t start, end, t;
	int lfd, status, err = 0;
	socklen_t len;
	pid_t acceptor;

	if (parse_addr(o, &sa, &len))
		return 2;
	lfd = listen_on(&sa, len);
	if (lfd < 0) {
		complain("listen on %s port %s: %s", o->addr, o->port, strerror(errno));
		return 1;
	}
	acceptor = fork();
	if (acceptor < 0) {
		complain("fork: %s", strerror(errno));
		close(lfd);
		return 1;
	}
	if (acceptor == 0)
		serve(lfd);

	start = now_ns();
	end = start + duration_ns(o);
	do {
		int64_t took = connect_once(&sa, len);

		if (took < 0) {
			err = 1;
			break;
		}
		r->ops++;
		if ((uint64_t)took > r->slowest_ns)
			r->slowest_ns = took;
		t = now_ns();
	} while (t < end);
	r->elapsed_ns = now_ns() - start;

	kill(acceptor, SIGKILL);
	waitpid(acceptor, &status, 0);
	close(lfd);
	return err;
}

/* --- command line --------------------------------------------------------- */

static const struct workload workloads[] = {
	{ "connect", 2, run_connect },
	{ "getppid", 0, run_getppid },
	{ "idle", 0, run_idle },
};

static const struct argp_option option_table[] = {
	{ "duration", 'd', "SECONDS", 0, "Run for SECONDS (default 3; decimals allowed)", 0 },
	{},
};

static const struct workload *find_workload(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(workloads[i].name, name))
			return &workloads[i];
	return NULL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;
	char *end;

	switch (key) {
	case 'd':
		errno = 0;
		o->duration_s = strtod(arg, &end);
		if (errno || !*arg || *end || !(o->duration_s > 0) ||
		    o->duration_s > MAX_DURATION_S)
			argp_error(state, "invalid --duration '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0) {
			o->workload = find_workload(arg);
			if (!o->workload)
				argp_error(state, "invalid WORKLOAD '%s'", arg);
		} else if (state->arg_num == 1) {
			o->addr = arg;
		} else if (state->arg_num == 2) {
			o->port = arg;
		} else {
			argp_error(state, "too many arguments");
		}
		break;
	case ARGP_KEY_END:
		if (!o->workload)
			argp_error(state, "missing WORKLOAD");
		if ((int)state->arg_num != 1 + o->workload->nargs)
			argp_error(state, "%s takes %d arguments", o->workload->name,
				   o->workload->nargs);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char doc[] =
		"Run one of synscope's benchmark workloads for a while and print how many\n"
		"operations it did.\v"
		"Workloads:\n"
		"  connect ADDR PORT   listen on ADDR PORT; connect, write 1 byte, close, repeat\n"
		"  getppid             the getppid syscall in a loop\n"
		"  idle                the control tracer: wake 10 times a second, until SIGINT\n\n"
		"Output: workload=NAME ops=N seconds=S ops_per_s=R cpu_s=C slowest_us=U\n"
		"(cpu_s: user and system time of the workload's processes during the run)";
	static const struct argp argp = {
		.options = option_table,
		.parser = parse_opt,
		.args_doc = "connect ADDR PORT | getppid | idle",
		.doc = doc,
	};
	struct options o = { .duration_s = 3 };
	struct result r = {};
	int err;

	argp_err_exit_status = 2;
	argp_parse(&argp, argc, argv, 0, NULL, &o);
	r.cpu_s = -cpu_seconds();
	err = o.workload->run(&o, &r);
	if (err)
		return err;
	r.cpu_s += cpu_seconds();
	printf("workload=%s ops=%llu seconds=%.6f ops_per_s=%.1f cpu_s=%.3f slowest_us=%llu\n",
	       o.workload->name, (unsigned long long)r.ops, r.elapsed_ns / 1e9,
	       r.ops / (r.elapsed_ns / 1e9), r.cpu_s,
	       (unsigned long long)(r.slowest_ns / NSEC_PER_USEC));
	return 0;
}
