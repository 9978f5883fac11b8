// SPDX-License-Identifier: GPL-2.0-only
/*
 * listener: the server side of synscope's test scenarios.  Listens on an
 * address and port and accepts connections, closing them at once or holding
 * them; with --no-accept it never accepts, so once the accept queue is full
 * further SYNs are dropped (a timeout scenario that needs no firewall).
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct options {
	const char *addr;
	unsigned int port;
	int backlog;
	bool hold;
	bool no_accept;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const struct argp_option argp_options[] = {
	{ "backlog", 'b', "N", 0, "listen(2) backlog (default 4096)", 0 },
	{ "hold", 'H', NULL, 0, "Keep accepted connections open until exit", 0 },
	{ "no-accept", 'n', NULL, 0, "Never accept: SYNs beyond the backlog are dropped", 0 },
	{},
};

static void usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "listener: invalid %s '%s'\n", what, arg);
	exit(2);
}

static long parse_long(const char *what, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || !*arg || *end || v < min || v > max)
		usage_error(what, arg);
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;

	switch (key) {
	case 'b':
		o->backlog = parse_long("--backlog", arg, 0, 65535);
		break;
	case 'H':
		o->hold = true;
		break;
	case 'n':
		o->no_accept = true;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			o->addr = arg;
		else if (state->arg_num == 1)
			o->port = parse_long("PORT", arg, 1, 65535);
		else
			argp_usage(state);
		break;
	case ARGP_KEY_END:
		if (state->arg_num != 2)
			argp_usage(state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int listen_on(const struct options *o)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int fd, one = 1;

	if (inet_pton(AF_INET, o->addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(o->port);
	} else if (inet_pton(AF_INET6, o->addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(o->port);
	} else {
		usage_error("ADDR", o->addr);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sizeof(ss)) || listen(fd, o->backlog)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { argp_options, parse_opt, "ADDR PORT", NULL,
					  NULL,		NULL,	   NULL };
	struct options o = { .backlog = 4096 };
	struct sigaction sa = { .sa_handler = on_signal };
	int fd;

	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = listen_on(&o);
	if (fd < 0) {
		fprintf(stderr, "listener: %s port %u: %s\n", o.addr, o.port, strerror(-fd));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (!stop) {
		int conn;

		if (o.no_accept) {
			pause();
			continue;
		}
		conn = accept(fd, NULL, NULL);
		if (conn >= 0 && !o.hold)
			close(conn);
	}
	close(fd);
	return 0;
}
