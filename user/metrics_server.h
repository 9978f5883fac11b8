/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HTTP side of --metrics: libmicrohttpd in "external polling" mode, run
 * by the session's own loop (no threads): its epoll descriptor joins the
 * loop's poll set, and metrics_server_run() serves what is ready.  A scrape
 * takes its snapshot of the collector in that thread and sends the text a
 * part at a time, one part per turn of the loop.
 *
 * GET (or HEAD) /metrics: the exposition; /: a page linking to it; any
 * other path 404, any other method 405.  Bounded: METRICS_MAX_CONNECTIONS
 * connections (METRICS_MAX_PER_IP from one address), each closed after
 * METRICS_IDLE_TIMEOUT_S seconds without traffic and limited to
 * METRICS_CONNECTION_MEMORY bytes of request; METRICS_MAX_SCRAPES scrapes
 * in progress at once (a snapshot each), 503 beyond.
 */
#ifndef SYNSCOPE_METRICS_SERVER_H
#define SYNSCOPE_METRICS_SERVER_H

#include <stdbool.h>
#include "cli.h"
#include "metrics.h"

#define METRICS_MAX_CONNECTIONS	  16
#define METRICS_MAX_PER_IP	  8
#define METRICS_IDLE_TIMEOUT_S	  5
#define METRICS_CONNECTION_MEMORY (16 * 1024)
#define METRICS_MAX_SCRAPES	  4
#define METRICS_BACKLOG		  16

/* A scrape of the tables as they are now, in format; NULL when out of memory. */
typedef struct metrics_scrape *(*metrics_scrape_fn)(enum metrics_format format, void *ctx);

struct metrics_server;

/*
 * Listen on addr (option: the text given, for messages) and get ready to
 * serve; NULL after printing one line saying why (the address in use, ...).
 */
struct metrics_server *metrics_server_start(const struct listen_addr *addr, const char *option,
					    bool verbose, metrics_scrape_fn scrape, void *ctx);

/* The descriptor to poll for input, -1 for NULL. */
int metrics_server_fd(const struct metrics_server *s);

/* How long the loop may sleep, at most max_ms; max_ms for NULL. */
int metrics_server_timeout_ms(struct metrics_server *s, int max_ms);

/* Serve what is ready, without blocking.  Accepts NULL. */
void metrics_server_run(struct metrics_server *s);

/* Close every connection and the listening socket.  Accepts NULL. */
void metrics_server_stop(struct metrics_server *s);

#endif
