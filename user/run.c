// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "clock.h"
#include "collector.h"
#include "csv.h"
#include "dashboard.h"
#include "dns_capture.h"
#include "metrics_server.h"
#include "run.h"
#include "summary.h"
#include "text.h"
#include "tracer.h"

/* The longest the loop sleeps: how late an event sent without a wake-up can be. */
#define POLL_MS 100
/* How often the counters are read and expired entries removed. */
#define SLOW_PERIOD_MS 250

struct session {
	const struct config *cfg;
	struct collector *collector;
	struct tracer tracer;
	struct dns_capture dns;
	bool dns_on;
	FILE *csv;
	FILE *summary_csv;
	FILE *dns_csv;
	__u64 deadline_ns; /* 0: none */
	__u64 next_tick_ns;
	__u64 scan_period_ns; /* in-flight scans: a quarter of --stall-ms, 20 to 250 ms */
	__u64 next_scan_ns;
	__u64 next_slow_ns;
	struct metrics_server *metrics; /* --metrics; NULL: none */
	struct utsname uts;		/* the kernel release, for the metrics */
	struct dashboard *dash;		/* --dashboard on a terminal; NULL: streaming text */
	bool quiet_text;		/* the dashboard shows attempts: no text lines */
	__u64 refreshes;
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

	if (!collector_add_record(s->collector, data, size, &a))
		return 0;
	if (!s->quiet_text)
		text_attempt(stdout, &a);
	if (s->csv)
		csv_attempt_row(s->csv, &a);
	return 0;
}

static void on_stall(const struct pending *p, void *ctx)
{
	struct session *s = ctx;

	if (!s->quiet_text)
		text_stall(stdout, p);
}

static void on_capacity(const struct dest *d, void *ctx)
{
	struct session *s = ctx;

	if (!s->quiet_text)
		text_capacity(stdout, d);
}

static void on_lookup(const struct lookup *l, void *ctx)
{
	struct session *s = ctx;

	if (!s->quiet_text)
		text_lookup(stdout, l);
	if (s->dns_csv)
		csv_lookup_row(s->dns_csv, l);
}

static void on_dns_packet(const struct dns_packet *p, void *ctx)
{
	struct session *s = ctx;

	collector_add_dns_packet(s->collector, p, on_lookup, s);
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
	if (s->cfg->dns_csv_path) {
		s->dns_csv = csv_open(s->cfg->dns_csv_path, "--dns-csv");
		if (!s->dns_csv)
			return -errno;
		csv_lookup_header(s->dns_csv);
	}
	return 0;
}

static void outputs_close(struct session *s)
{
	if (s->csv)
		fclose(s->csv);
	if (s->summary_csv)
		fclose(s->summary_csv);
	if (s->dns_csv)
		fclose(s->dns_csv);
}

static int refresh_dns(struct session *s)
{
	__u64 produced, lost;
	int err;

	collector_expire_dns(s->collector, mono_now_ns(), on_lookup, s);
	err = dns_capture_counters(&s->dns, &produced, &lost);
	if (!err)
		collector_set_dns_counters(s->collector, produced, lost);
	return err;
}

/* Counters, and entries gone stale: every SLOW_PERIOD_MS is enough. */
static int refresh_slow(struct session *s)
{
	__u64 ttl_ns = s->cfg->inflight_ttl_ms * NSEC_PER_MSEC, counters[COUNTER__COUNT];
	int err;

	err = tracer_expire_calls(&s->tracer, s->collector, ttl_ns);
	if (!err)
		err = tracer_counters(&s->tracer, counters);
	if (!err)
		collector_set_counters(s->collector, counters,
				       tracer_unhandled(&s->tracer, counters));
	if (!err && s->dns_on)
		err = refresh_dns(s);
	return err;
}

/*
 * Look at the attempts in flight and read the kernel's counters when due,
 * or now.  A scan of the attempts in flight costs what changed since the
 * last: the stalls it reports and the entries it expires.
 */
static int refresh(struct session *s, bool now_all)
{
	__u64 now = mono_now_ns();
	int err = 0;

	if (now_all || now >= s->next_scan_ns) {
		collector_scan_pending(s->collector, now, s->cfg->inflight_ttl_ms * NSEC_PER_MSEC,
				       on_stall, s);
		s->next_scan_ns = now + s->scan_period_ns;
	}
	if (!err && (now_all || now >= s->next_slow_ns)) {
		err = refresh_slow(s);
		s->next_slow_ns = now + SLOW_PERIOD_MS * NSEC_PER_MSEC;
	}
	return err;
}

static void tick(struct session *s, __u64 now)
{
	collector_tick(s->collector, now);
	if (s->summary_csv)
		csv_summary_rows(s->summary_csv, s->collector, wall_of_mono(now));
	if (s->dash)
		dashboard_draw(s->dash, s->collector, now);
	if (s->cfg->iterations && ++s->refreshes >= s->cfg->iterations)
		stop_requested = 1;
	s->next_tick_ns = now + s->cfg->interval_ms * NSEC_PER_MSEC;
}

/*
 * Read what the kernel sent: DNS first, so that a connect is matched with
 * the answer that came just before it.
 */
static int read_all(struct session *s)
{
	int err = s->dns_on ? dns_capture_read(&s->dns) : 0;

	if (err >= 0)
		err = tracer_read(&s->tracer);
	return err < 0 ? err : 0;
}

/* Sleep until there is something to read, a scrape to serve, or POLL_MS passed; read. */
static int wait_and_read(struct session *s)
{
	struct pollfd fds[] = {
		{ .fd = tracer_fd(&s->tracer), .events = POLLIN },
		{ .fd = s->dns_on ? dns_capture_fd(&s->dns) : -1, .events = POLLIN },
		{ .fd = dashboard_fd(s->dash), .events = POLLIN },
		{ .fd = metrics_server_fd(s->metrics), .events = POLLIN },
	};
	int timeout = metrics_server_timeout_ms(s->metrics, POLL_MS);

	if (poll(fds, sizeof(fds) / sizeof(fds[0]), timeout) < 0 && errno != EINTR)
		return -errno;
	if (s->dash && !dashboard_keys(s->dash))
		stop_requested = 1;
	return read_all(s);
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
		err = refresh(s, false);
		if (err)
			break;
		collector_take_notices(s->collector, on_capacity, s);
		/* One write for the lines of this batch, not one per line. */
		if (!s->quiet_text)
			fflush(stdout);
		/* Scrapes read the tables as they are now: after the events and the scans. */
		metrics_server_run(s->metrics);
		now = mono_now_ns();
		if (now >= s->next_tick_ns)
			tick(s, now);
	}
	return err < 0 ? err : 0;
}

/* Read what is left, write the last snapshot and the summary. */
static int finish(struct session *s)
{
	int err = read_all(s);

	if (!err)
		err = refresh(s, true);
	collector_take_notices(s->collector, on_capacity, s);
	collector_tick(s->collector, mono_now_ns());
	if (s->summary_csv)
		csv_summary_rows(s->summary_csv, s->collector, wall_now_ns());
	summary_print(stdout, s->collector);
	capacity_print(stdout, s->collector);
	accounting_print(stdout, collector_accounting(s->collector));
	if (s->dns_on)
		dns_accounting_print(stdout, s->collector);
	return err;
}

static const char *dns_capture_label(const struct session *s)
{
	if (!s->dns_on)
		return "off";
	return s->dns.method == DNS_METHOD_CGROUP ? "cgroup" : "packet";
}

/* A scrape of the collector, from the loop's thread: what the server sends. */
static struct metrics_scrape *scrape_tables(enum metrics_format format, void *ctx)
{
	struct session *s = ctx;
	struct metrics_info info = {
		.version = SYNSCOPE_VERSION,
		.mode = probe_mode_name(s->tracer.mode),
		.dns_capture = dns_capture_label(s),
		.kernel = s->uts.release,
		.max_destinations = s->cfg->metrics_max_destinations,
	};
	const struct metrics_setting settings[] = {
		{ "synscope_stall_threshold_seconds", "--stall-ms, in seconds",
		  s->cfg->stall_ms / 1e3 },
		{ "synscope_inflight_ttl_seconds", "--inflight-ttl",
		  s->cfg->inflight_ttl_ms / 1e3 },
		{ "synscope_max_inflight", "--max-inflight: attempts followed at once",
		  s->cfg->max_inflight },
		{ "synscope_max_open", "--max-open: established connections followed at once",
		  s->cfg->max_open },
	};

	info.n_settings = sizeof(settings) / sizeof(settings[0]);
	memcpy(info.settings, settings, sizeof(settings));
	return metrics_scrape_new(s->collector, &info, format);
}

/* Listen before anything is attached: a port in use fails the run with nothing loaded. */
static int metrics_open(struct session *s)
{
	if (!s->cfg->metrics)
		return 0;
	uname(&s->uts);
	s->metrics = metrics_server_start(&s->cfg->metrics_addr, s->cfg->metrics, s->cfg->verbose,
					  scrape_tables, s);
	return s->metrics ? 0 : -EADDRINUSE;
}

/* DNS capture is an addition: without it connects are still traced, and it says so. */
static void start_dns(struct session *s)
{
	enum dns_method method = s->cfg->dns_capture;
	int err;

	if (s->cfg->no_dns)
		return;
	err = dns_capture_start(&s->dns, method, s->cfg->verbose, on_dns_packet, s);
	if (err && method == DNS_METHOD_AUTO && s->dns.method == DNS_METHOD_CGROUP) {
		fprintf(stderr, "synscope: DNS capture on cgroup %s failed: %s; trying AF_PACKET\n",
			s->dns.cgroup_root, strerror(-err));
		dns_capture_stop(&s->dns);
		err = dns_capture_start(&s->dns, DNS_METHOD_PACKET, s->cfg->verbose, on_dns_packet,
					s);
	}
	if (err) {
		fprintf(stderr, "synscope: DNS capture (%s) failed: %s: tracing connects only\n",
			dns_method_name(method), strerror(-err));
		dns_capture_stop(&s->dns);
		return;
	}
	s->dns_on = true;
}

static void print_mode(const struct session *s)
{
	fprintf(stderr, "synscope: tracing in %s mode (tp_btf tracepoints%s), DNS: ",
		probe_mode_name(s->tracer.mode),
		s->tracer.connect_errors ? ", sys_exit_connect" : "");
	if (!s->dns_on)
		fprintf(stderr, "off\n");
	else if (s->dns.method == DNS_METHOD_CGROUP)
		fprintf(stderr, "cgroup_skb on %s (every network namespace)\n", s->dns.cgroup_root);
	else
		fprintf(stderr, "AF_PACKET (no cgroup v2: this network namespace only)\n");
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
	struct session s = { .cfg = cfg };
	int err;

	/* Tables first: the tracer feeds them as soon as it is attached. */
	s.collector =
		collector_new(cfg->stall_ms * NSEC_PER_MSEC, cfg->dns_timeout_ms * NSEC_PER_MSEC);
	if (!s.collector) {
		err = -ENOMEM;
		goto out;
	}
	collector_set_limits(s.collector, &cfg->limits);
	err = outputs_open(&s);
	if (err)
		goto out_close_outputs;
	err = metrics_open(&s);
	if (err)
		goto out_close_outputs;
	signals_install();
	/* Open, configure, load and attach, falling back through the modes. */
	err = tracer_start(&s.tracer, cfg, ks, on_event, &s);
	if (err)
		goto out_close_outputs;
	start_dns(&s);
	print_mode(&s);
	clock_sync();
	if (cfg->dashboard)
		s.dash = dashboard_open(cfg, probe_mode_name(s.tracer.mode));
	s.quiet_text = s.dash != NULL;
	if (!s.quiet_text)
		text_header(stdout);
	s.next_tick_ns = mono_now_ns() + cfg->interval_ms * NSEC_PER_MSEC;
	s.scan_period_ns = cfg->stall_ms / 4 * NSEC_PER_MSEC;
	if (s.scan_period_ns < 20 * NSEC_PER_MSEC)
		s.scan_period_ns = 20 * NSEC_PER_MSEC;
	if (s.scan_period_ns > 250 * NSEC_PER_MSEC)
		s.scan_period_ns = 250 * NSEC_PER_MSEC;
	if (cfg->duration_ms)
		s.deadline_ns = mono_now_ns() + cfg->duration_ms * NSEC_PER_MSEC;
	err = loop(&s);
	/* The terminal back before the summary is printed. */
	dashboard_close(s.dash);
	s.dash = NULL;
	if (!err)
		err = finish(&s);
	if (err)
		fprintf(stderr, "synscope: reading the tracer failed: %s\n", strerror(-err));
	dns_capture_stop(&s.dns);
	tracer_destroy(&s.tracer);
out_close_outputs:
	metrics_server_stop(s.metrics);
	outputs_close(&s);
	collector_destroy(s.collector);
out:
	return err ? 1 : 0;
}
