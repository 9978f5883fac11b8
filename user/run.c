// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "clock.h"
#include "collector.h"
#include "csv.h"
#include "run.h"
#include "summary.h"
#include "text.h"
#include "tracer.h"

/* The longest the loop sleeps: how late a stall or a wake-up-less event can be. */
#define SCAN_PERIOD_MS 100

struct session {
	const struct config *cfg;
	struct collector collector;
	struct tracer tracer;
	FILE *csv;
	FILE *summary_csv;
	__u64 deadline_ns; /* 0: none */
	__u64 next_tick_ns;
};

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	struct attempt a;

	if (size < sizeof(struct conn_event)) {
		s->collector.acct.malformed++;
		return 0;
	}
	if (!collector_add_event(&s->collector, data, &a))
		return 0;
	text_attempt(stdout, &a);
	if (s->csv)
		csv_attempt_row(s->csv, &a);
	return 0;
}

static void on_stall(const struct pending *p, void *ctx)
{
	(void)ctx;
	text_stall(stdout, p);
}

static int outputs_open(struct session *s)
{
	if (s->cfg->csv_path) {
		s->csv = csv_open(s->cfg->csv_path, "--csv");
		if (!s->csv)
			return -errno;
		csv_attempt_header(s->csv);
	}
	if (s->cfg->summary_csv_path) {
		s->summary_csv = csv_open(s->cfg->summary_csv_path, "--summary-csv");
		if (!s->summary_csv)
			return -errno;
		csv_summary_header(s->summary_csv);
	}
	return 0;
}

static void outputs_close(struct session *s)
{
	if (s->csv)
		fclose(s->csv);
	if (s->summary_csv)
		fclose(s->summary_csv);
}

/* Read the kernel's counters and maps into the collector. */
static int refresh(struct session *s)
{
	__u64 counters[COUNTER__COUNT];
	int err;

	err = tracer_scan(&s->tracer, &s->collector, s->cfg->inflight_ttl_ms * NSEC_PER_MSEC,
			  on_stall, s);
	if (!err)
		err = tracer_counters(&s->tracer, counters);
	if (!err)
		collector_set_counters(&s->collector, counters);
	return err;
}

static void tick(struct session *s, __u64 now)
{
	collector_tick(&s->collector, now);
	if (s->summary_csv)
		csv_summary_rows(s->summary_csv, &s->collector, wall_of_mono(now));
	s->next_tick_ns = now + s->cfg->interval_ms * NSEC_PER_MSEC;
}

/* Sleep until a ring buffer wants reading or SCAN_PERIOD_MS passed; read. */
static int wait_and_read(struct session *s)
{
	struct pollfd fds[] = {
		{ .fd = tracer_fd(&s->tracer), .events = POLLIN },
	};
	int err;

	if (poll(fds, sizeof(fds) / sizeof(fds[0]), SCAN_PERIOD_MS) < 0 && errno != EINTR)
		return -errno;
	err = tracer_read(&s->tracer);
	return err < 0 ? err : 0;
}

static int loop(struct session *s)
{
	int err = 0;

	while (!stop_requested) {
		__u64 now = mono_now_ns();

		if (s->deadline_ns && now >= s->deadline_ns)
			break;
		err = wait_and_read(s);
		if (err)
			break;
		err = refresh(s);
		if (err)
			break;
		now = mono_now_ns();
		if (now >= s->next_tick_ns)
			tick(s, now);
	}
	return err < 0 ? err : 0;
}

/* Read what is left, write the last snapshot and the summary. */
static int finish(struct session *s)
{
	int err = tracer_read(&s->tracer);

	if (err >= 0)
		err = refresh(s);
	collector_tick(&s->collector, mono_now_ns());
	if (s->summary_csv)
		csv_summary_rows(s->summary_csv, &s->collector, wall_now_ns());
	summary_print(stdout, &s->collector);
	accounting_print(stdout, &s->collector.acct);
	return err < 0 ? err : 0;
}

static void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = request_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int run_session(const struct config *cfg, const struct kernel_support *ks)
{
	struct session s = {.cfg = cfg};
	int err;

	/* Tables first: the tracer feeds them as soon as it is attached. */
	err = collector_init(&s.collector, cfg->stall_ms * NSEC_PER_MSEC);
	if (err)
		goto out;
	err = outputs_open(&s);
	if (err)
		goto out_close_outputs;
	signals_install();
	/* Open, configure, load and attach, falling back through the modes. */
	err = tracer_start(&s.tracer, cfg, ks, on_event, &s);
	if (err)
		goto out_close_outputs;
	fprintf(stderr, "synscope: tracing in %s mode (%s tracepoints)\n",
		probe_mode_name(s.tracer.mode), s.tracer.btf_tracepoints ? "tp_btf" : "raw_tp");
	clock_sync();
	text_header(stdout);
	s.next_tick_ns = mono_now_ns() + cfg->interval_ms * NSEC_PER_MSEC;
	if (cfg->duration_ms)
		s.deadline_ns = mono_now_ns() + cfg->duration_ms * NSEC_PER_MSEC;
	err = loop(&s);
	if (!err)
		err = finish(&s);
	if (err)
		fprintf(stderr, "synscope: reading the tracer failed: %s\n", strerror(-err));
	tracer_destroy(&s.tracer);
out_close_outputs:
	outputs_close(&s);
	collector_free(&s.collector);
out:
	return err ? 1 : 0;
}
