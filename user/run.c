// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <linux/membarrier.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "clock.h"
#include "collector.h"
#include "csv.h"
#include "dashboard.h"
#include "dns_capture.h"
#include "metrics_server.h"
#include "run.h"
#include "signals.h"
#include "summary.h"
#include "text.h"
#include "tracer.h"

/* The longest the loop sleeps: how late an event sent without a wake-up can be. */
#define POLL_MS 100
/* How often the counters are read and expired entries removed. */
#define SLOW_PERIOD_MS 250

/* The CSV files, in the order they are opened. */
enum output_file { OUT_ATTEMPTS, OUT_SUMMARY, OUT_LOOKUPS, OUT__COUNT };

struct session {
	const struct config *cfg;
	struct collector *collector;
	struct tracer tracer;
	struct dns_capture dns;
	bool dns_on;
	struct csv_file files[OUT__COUNT];
	int stdout_fd;	   /* polled for the reader going away (a pipe, a terminal); -1: not */
	bool stdout_gone;  /* its reader went away: stop, quietly */
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

/* The dashboard's header says which file failed; stderr said so already. */
static void file_failed(struct session *s, const struct csv_file *cf)
{
	char text[160];

	snprintf(text, sizeof(text), "%s: %s: not written", cf->option, strerror(cf->error));
	dashboard_warn(s->dash, text);
}

static void file_written(struct session *s, struct csv_file *cf)
{
	if (!csv_file_end(cf))
		file_failed(s, cf);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	struct attempt a;

	if (!collector_add_record(s->collector, data, size, &a))
		return 0;
	if (!s->quiet_text)
		text_attempt(stdout, &a);
	if (csv_file_begin(&s->files[OUT_ATTEMPTS])) {
		csv_attempt_row(s->files[OUT_ATTEMPTS].f, &a);
		file_written(s, &s->files[OUT_ATTEMPTS]);
	}
	return 0;
}

static void on_stall(const struct pending *p, void *ctx)
{
	struct session *s = ctx;

	if (!s->quiet_text)
		text_stall(stdout, p, collector_pending_age(s->collector, p));
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
	if (csv_file_begin(&s->files[OUT_LOOKUPS])) {
		csv_lookup_row(s->files[OUT_LOOKUPS].f, l);
		file_written(s, &s->files[OUT_LOOKUPS]);
	}
}

static void on_dns_packet(const struct dns_packet *p, void *ctx)
{
	struct session *s = ctx;

	collector_add_dns_packet(s->collector, p, on_lookup, s);
}

static int outputs_open(struct session *s)
{
	const struct config *cfg = s->cfg;
	const struct csv_file files[OUT__COUNT] = {
		[OUT_ATTEMPTS] = { cfg->csv_path, "--csv", "rows", csv_attempt_header },
		[OUT_SUMMARY] = { cfg->summary_csv_path, "--summary-csv", "snapshots",
				  csv_summary_header, .flush_each = true },
		[OUT_LOOKUPS] = { cfg->dns_csv_path, "--dns-csv", "rows", csv_lookup_header },
	};
	unsigned int i;
	int err;

	memcpy(s->files, files, sizeof(files));
	for (i = 0; i < OUT__COUNT; i++) {
		if (!s->files[i].path)
			continue;
		err = csv_file_open(&s->files[i]);
		if (err)
			return err;
	}
	return 0;
}

/* SIGHUP: the files again at their paths, between two rows: none is lost or written twice. */
static void outputs_reopen(struct session *s)
{
	unsigned int i;

	for (i = 0; i < OUT__COUNT; i++)
		if (csv_file_reopen(&s->files[i]))
			file_failed(s, &s->files[i]);
}

static void outputs_close(struct session *s)
{
	unsigned int i;

	for (i = 0; i < OUT__COUNT; i++)
		csv_file_close(&s->files[i]);
}

/* A file that failed: said on stderr already; the summary and the exit status say it too. */
static bool outputs_failed(const struct session *s)
{
	unsigned int i;

	for (i = 0; i < OUT__COUNT; i++)
		if (s->files[i].failed)
			return true;
	return false;
}

static void outputs_status_print(FILE *f, const struct session *s)
{
	char line[PATH_MAX + 128];
	unsigned int i;

	for (i = 0; i < OUT__COUNT; i++) {
		if (!s->files[i].failed)
			continue;
		csv_file_status(&s->files[i], line, sizeof(line));
		fprintf(f, "csv: %s\n", line);
	}
}

/* One write per CSV file for the rows of this batch, not one per row. */
static void csvs_flush(struct session *s)
{
	unsigned int i;

	for (i = 0; i < OUT__COUNT; i++)
		if (!csv_file_flush(&s->files[i]))
			file_failed(s, &s->files[i]);
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

/* A step of the wall clock: times from now on follow it, and it is said. */
static void clock_follow(void)
{
	__s64 step_ns;

	if (clock_resync(&step_ns))
		fprintf(stderr, "synscope: the wall clock stepped by %+.3f s: times follow it\n",
			step_ns / 1e9);
}

/* Counters, entries gone stale, a clock step: every SLOW_PERIOD_MS is enough. */
static int refresh_slow(struct session *s)
{
	__u64 ttl_ns = s->cfg->inflight_ttl_ms * NSEC_PER_MSEC, counters[COUNTER__COUNT];
	int err;

	clock_follow();
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

static void summary_snapshot(struct session *s, __u64 wall_ns)
{
	struct csv_file *cf = &s->files[OUT_SUMMARY];

	if (csv_file_begin(cf)) {
		csv_summary_rows(cf->f, s->collector, wall_ns);
		file_written(s, cf);
	}
}

static void tick(struct session *s, __u64 now)
{
	collector_tick(s->collector, now);
	summary_snapshot(s, wall_of_mono(now));
	if (s->dash)
		dashboard_draw(s->dash, s->collector, now);
	if (s->cfg->iterations && ++s->refreshes >= s->cfg->iterations)
		signals_request_stop();
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
		/* No events asked: POLLERR (a pipe's reader closed it), POLLHUP (hang-up). */
		{ .fd = s->stdout_fd, .events = 0 },
	};
	int timeout = metrics_server_timeout_ms(s->metrics, POLL_MS);

	if (poll(fds, sizeof(fds) / sizeof(fds[0]), timeout) < 0 && errno != EINTR)
		return -errno;
	/* stdout's entry, the last */
	if (fds[sizeof(fds) / sizeof(fds[0]) - 1].revents & (POLLERR | POLLHUP))
		s->stdout_gone = true;
	if (s->dash && !dashboard_keys(s->dash))
		signals_request_stop();
	return read_all(s);
}

/* A reader that went away (EPIPE, a terminal hung up) stops the session quietly. */
static void stdout_flush(struct session *s)
{
	if (fflush(stdout) && (errno == EPIPE || errno == EIO))
		s->stdout_gone = true;
}

static int loop(struct session *s)
{
	int err = 0;

	while (!signals_stop_requested() && !s->stdout_gone) {
		__u64 now = mono_now_ns();

		if (s->deadline_ns && now >= s->deadline_ns)
			break;
		err = wait_and_read(s);
		if (err)
			break;
		if (signals_take_reopen())
			outputs_reopen(s);
		err = refresh(s, false);
		if (err)
			break;
		collector_take_notices(s->collector, on_capacity, s);
		/* One write for the lines of this batch, not one per line. */
		if (!s->quiet_text)
			stdout_flush(s);
		/* Scrapes read the tables as they are now: after the events and the scans. */
		metrics_server_run(s->metrics);
		now = mono_now_ns();
		if (now >= s->next_tick_ns)
			tick(s, now);
		csvs_flush(s);
	}
	return err < 0 ? err : 0;
}

/*
 * Detach everything, so that nothing more is produced, then wait for the
 * program runs already started: membarrier's global command waits for an
 * RCU grace period, and every tracepoint, cgroup and socket program runs
 * inside an RCU read-side section.  What they sent is then all in the ring
 * buffers, and the counters are final.
 */
static void stop_tracing(struct session *s)
{
	tracer_detach(&s->tracer);
	dns_capture_detach(&s->dns);
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(10000); /* nohz_full: no global command; runs last microseconds */
}

/* Read what is left, write the last snapshot and the summary. */
static int finish(struct session *s)
{
	int err = read_all(s);
	__u64 now;

	if (!err && s->tracer.skel)
		err = refresh(s, true);
	collector_take_notices(s->collector, on_capacity, s);
	/* One clock for the snapshot, as in tick(). */
	now = mono_now_ns();
	collector_tick(s->collector, now);
	summary_snapshot(s, wall_of_mono(now));
	if (s->stdout_gone)
		return err;
	summary_print(stdout, s->collector);
	capacity_print(stdout, s->collector);
	accounting_print(stdout, collector_accounting(s->collector));
	if (s->dns_on)
		dns_accounting_print(stdout, s->collector);
	outputs_status_print(stdout, s);
	stdout_flush(s);
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
	if (method == DNS_METHOD_AUTO && s->dns.method == DNS_METHOD_PACKET)
		fprintf(stderr, "synscope: warning: no cgroup v2 mounted: DNS is captured with "
				"AF_PACKET, in this network namespace only\n");
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

static void timers_start(struct session *s)
{
	const struct config *cfg = s->cfg;

	s->next_tick_ns = mono_now_ns() + cfg->interval_ms * NSEC_PER_MSEC;
	s->scan_period_ns = cfg->stall_ms / 4 * NSEC_PER_MSEC;
	if (s->scan_period_ns < 20 * NSEC_PER_MSEC)
		s->scan_period_ns = 20 * NSEC_PER_MSEC;
	if (s->scan_period_ns > 250 * NSEC_PER_MSEC)
		s->scan_period_ns = 250 * NSEC_PER_MSEC;
	if (cfg->duration_ms)
		s->deadline_ns = mono_now_ns() + cfg->duration_ms * NSEC_PER_MSEC;
}

/* Standard output, when its reader can go away: a pipe, a socket, a terminal. */
static int stdout_watch_fd(void)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st))
		return -1;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(STDOUT_FILENO))
		return STDOUT_FILENO;
	return -1;
}

/*
 * Open, configure, load and attach, falling back through the modes; then
 * DNS and the outputs.  A stop asked for before the tracer is attached
 * attaches nothing: the session ends with its (empty) summary.
 */
static int start(struct session *s, const struct kernel_support *ks)
{
	const struct config *cfg = s->cfg;
	int err;

	if (signals_stop_requested())
		return 0;
	err = tracer_start(&s->tracer, cfg, ks, on_event, s);
	if (err)
		return err;
	start_dns(s);
	print_mode(s);
	clock_sync();
	if (cfg->dashboard)
		s->dash = dashboard_open(cfg, probe_mode_name(s->tracer.mode));
	s->quiet_text = s->dash != NULL;
	if (!s->quiet_text) {
		text_buffer(stdout);
		text_header(stdout);
	}
	timers_start(s);
	return 0;
}

int run_session(const struct config *cfg, const struct kernel_support *ks)
{
	struct session s = { .cfg = cfg, .stdout_fd = stdout_watch_fd() };
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
	err = start(&s, ks);
	if (err)
		goto out_stop;
	err = loop(&s);
	/* The terminal back before the summary is printed. */
	dashboard_close(s.dash);
	s.dash = NULL;
	stop_tracing(&s);
	if (!err)
		err = finish(&s);
	if (err)
		fprintf(stderr, "synscope: reading the tracer failed: %s\n", strerror(-err));
out_stop:
	dns_capture_stop(&s.dns);
	tracer_destroy(&s.tracer);
out_close_outputs:
	metrics_server_stop(s.metrics);
	outputs_close(&s);
	collector_destroy(s.collector);
out:
	/* A CSV file that failed: scripts must notice. */
	return err || outputs_failed(&s) ? 1 : 0;
}
