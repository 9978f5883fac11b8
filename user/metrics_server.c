// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "metrics_server.h"

struct metrics_server {
	struct MHD_Daemon *daemon;
	int epoll_fd;
	bool verbose;
	metrics_scrape_fn scrape;
	void *ctx;
	unsigned int scrapes; /* in progress */
};

/* A response's body: a scrape, and the part of its text not sent yet. */
struct body {
	struct metrics_server *server;
	struct metrics_scrape *scrape;
	struct text_buf text;
	size_t sent;
	bool more;
};

static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><title>synscope</title></head><body>\n"
	"<h1>synscope</h1>\n<p>Why TCP connects stall, per destination: "
	"<a href=\"/metrics\">/metrics</a> (Prometheus).</p>\n</body></html>\n";

/* --- the socket ---------------------------------------------------------------------- */

static socklen_t sockaddr_of(const struct listen_addr *a, struct sockaddr_storage *ss, int family)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(a->port);
		memcpy(&in->sin_addr, a->addr, 4); /* 0.0.0.0 when every address */
		return sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(a->port);
		memcpy(&in6->sin6_addr, a->addr, 16); /* :: when every address */
		return sizeof(*in6);
	}
}

/*
 * A listening socket for addr: ":PORT" is one IPv6 socket that takes IPv4
 * too (or IPv4 alone on a host without IPv6), "[::]:PORT" IPv6 only.
 */
static int listen_on(const struct listen_addr *a)
{
	int family = a->family ? a->family : AF_INET6, one = 1, v6only = a->family == AF_INET6;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, err;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && !a->family && errno == EAFNOSUPPORT)
		fd = socket(family = AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	len = sockaddr_of(a, &ss, family);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only))) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, METRICS_BACKLOG)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* --- answers ------------------------------------------------------------------------ */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *type,
			     const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The next part of the text for MHD's buffer; more is rendered when all was sent. */
static ssize_t body_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct body *b = cls;
	size_t n;

	(void)pos;
	if (b->sent == b->text.len) {
		if (!b->more)
			return MHD_CONTENT_READER_END_OF_STREAM;
		b->text.len = b->sent = 0;
		b->more = metrics_scrape_next(b->scrape, &b->text,
					      max < METRICS_STEP_BYTES ? max : METRICS_STEP_BYTES);
		if (b->text.failed)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		/* Nothing yet (folded destinations summed): MHD asks again next turn. */
		if (!b->text.len)
			return b->more ? 0 : MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = b->text.len - b->sent < max ? b->text.len - b->sent : max;
	memcpy(buf, b->text.data + b->sent, n);
	b->sent += n;
	return n;
}

static void body_free(void *cls)
{
	struct body *b = cls;

	b->server->scrapes--;
	metrics_scrape_free(b->scrape);
	text_buf_free(&b->text);
	free(b);
}

/* OpenMetrics when the scraper asks for it, else the text format. */
static enum metrics_format format_of(struct MHD_Connection *conn)
{
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");

	return accept && strstr(accept, "application/openmetrics-text") ? METRICS_OPENMETRICS
									: METRICS_TEXT;
}

static enum MHD_Result reply_metrics(struct metrics_server *s, struct MHD_Connection *conn)
{
	enum metrics_format format = format_of(conn);
	struct MHD_Response *r;
	enum MHD_Result ret;
	struct body *b;

	if (s->scrapes >= METRICS_MAX_SCRAPES)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
			     "too many scrapes at once\n");
	b = calloc(1, sizeof(*b));
	if (!b)
		return MHD_NO;
	b->server = s;
	b->more = true;
	b->scrape = s->scrape(format, s->ctx);
	r = b->scrape ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, METRICS_STEP_BYTES,
							  body_read, b, body_free)
		      : NULL;
	if (!r) {
		metrics_scrape_free(b->scrape);
		free(b);
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", "out of memory\n");
	}
	s->scrapes++;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, metrics_content_type(format));
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	(void)version, (void)upload_data, (void)upload_data_size, (void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     "only GET and HEAD\n");
	if (!strcmp(url, "/metrics"))
		return reply_metrics(cls, conn);
	if (!strcmp(url, "/"))
		return reply(conn, MHD_HTTP_OK, "text/html; charset=utf-8", index_page);
	return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", "not found: try /metrics\n");
}

/* MHD's own messages (a client over the limits, ...): with -v only. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct metrics_server *s = cls;

	if (!s->verbose)
		return;
	fprintf(stderr, "synscope: metrics: ");
	vfprintf(stderr, fmt, ap);
}

/* --- the server ---------------------------------------------------------------------- */

struct metrics_server *metrics_server_start(const struct listen_addr *addr, const char *option,
					    bool verbose, metrics_scrape_fn scrape, void *ctx)
{
	struct metrics_server *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *info;
	int fd;

	if (!s) {
		fprintf(stderr, "synscope: --metrics %s: out of memory\n", option);
		return NULL;
	}
	s->verbose = verbose;
	s->scrape = scrape;
	s->ctx = ctx;
	fd = listen_on(addr);
	if (fd < 0) {
		fprintf(stderr, "synscope: --metrics %s: cannot listen: %s\n", option,
			strerror(-fd));
		goto out_free;
	}
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, answer, s,
		MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)METRICS_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)METRICS_MAX_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)METRICS_IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)METRICS_CONNECTION_MEMORY, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
		MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "synscope: --metrics %s: the HTTP server did not start\n", option);
		close(fd);
		goto out_free;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	s->epoll_fd = info ? info->epoll_fd : -1;
	if (s->epoll_fd < 0) {
		fprintf(stderr, "synscope: --metrics %s: no epoll descriptor\n", option);
		goto out_stop;
	}
	return s;
out_stop:
	MHD_stop_daemon(s->daemon);
out_free:
	free(s);
	return NULL;
}

int metrics_server_fd(const struct metrics_server *s)
{
	return s ? s->epoll_fd : -1;
}

int metrics_server_timeout_ms(struct metrics_server *s, int max_ms)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (!s || MHD_get_timeout(s->daemon, &t) != MHD_YES || t >= (MHD_UNSIGNED_LONG_LONG)max_ms)
		return max_ms;
	return (int)t;
}

void metrics_server_run(struct metrics_server *s)
{
	if (s)
		MHD_run(s->daemon);
}

void metrics_server_stop(struct metrics_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
