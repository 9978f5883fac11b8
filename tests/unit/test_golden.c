// SPDX-License-Identifier: GPL-2.0-only
/*
 * The outputs of a fixed run (tests/unit/support/scenario.c) against golden
 * files: the streaming text, the summary printed at exit, the summary CSV,
 * the per-attempt CSV, the DNS CSV and the metrics exposition, byte for byte.  A change to the code
 * that changes any of them fails here; if the change is meant, regenerate
 * them with SYNSCOPE_GOLDEN_UPDATE=1 build/tests/test_golden and commit the
 * difference with it.  On a mismatch the output is left in build/golden/.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "csv.h"
#include "metrics.h"
#include "summary.h"
#include "text.h"
#include "support/scenario.h"

#define ACTUAL_DIR "build/golden"

enum output {
	OUT_STREAM,
	OUT_SUMMARY,
	OUT_SUMMARY_CSV,
	OUT_ATTEMPTS_CSV,
	OUT_DNS_CSV,
	OUT_METRICS,
	OUT__COUNT
};

static const char *const file_names[OUT__COUNT] = {
	[OUT_STREAM] = "stream.txt",	   [OUT_SUMMARY] = "summary.txt",
	[OUT_SUMMARY_CSV] = "summary.csv", [OUT_ATTEMPTS_CSV] = "attempts.csv",
	[OUT_DNS_CSV] = "dns.csv",	   [OUT_METRICS] = "metrics.prom",
};

struct outputs {
	const struct collector *c;
	FILE *f[OUT__COUNT];
	char *text[OUT__COUNT];
	size_t len[OUT__COUNT];
};

static void on_attempt(const struct attempt *a, void *ctx)
{
	struct outputs *o = ctx;

	text_attempt(o->f[OUT_STREAM], a);
	csv_attempt_row(o->f[OUT_ATTEMPTS_CSV], a);
}

static void on_stall(const struct pending *p, void *ctx)
{
	struct outputs *o = ctx;

	text_stall(o->f[OUT_STREAM], p, collector_pending_age(o->c, p));
}

static void on_lookup(const struct lookup *l, void *ctx)
{
	struct outputs *o = ctx;

	text_lookup(o->f[OUT_STREAM], l);
	csv_lookup_row(o->f[OUT_DNS_CSV], l);
}

static void on_snapshot(const struct collector *c, __u64 wall_ns, void *ctx)
{
	struct outputs *o = ctx;

	csv_summary_rows(o->f[OUT_SUMMARY_CSV], c, wall_ns);
}

/* The exposition a scrape at the end of the run gets. */
static void metrics_print(FILE *f, const struct collector *c)
{
	struct metrics_info info = {
		.version = "0.1",
		.mode = "tracepoint",
		.dns_capture = "cgroup",
		.kernel = "6.1.0-test",
		.max_destinations = METRICS_DEFAULT_MAX_DESTINATIONS,
		.n_settings = 1,
		.settings = { { "synscope_stall_threshold_seconds", "--stall-ms", 1 } },
	};
	struct text_buf b = { 0 };

	assert_true(metrics_render(&b, c, &info, METRICS_TEXT));
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	text_buf_free(&b);
}

/* Run the scenario with every output open, as synscope writes them. */
static void produce(struct outputs *o)
{
	struct scenario_sink sink = { on_attempt, on_stall, on_lookup, on_snapshot, o };
	struct collector *c;
	int i;

	for (i = 0; i < OUT__COUNT; i++) {
		o->f[i] = open_memstream(&o->text[i], &o->len[i]);
		assert_non_null(o->f[i]);
	}
	text_header(o->f[OUT_STREAM]);
	csv_attempt_header(o->f[OUT_ATTEMPTS_CSV]);
	csv_summary_header(o->f[OUT_SUMMARY_CSV]);
	csv_lookup_header(o->f[OUT_DNS_CSV]);
	c = collector_new(SCENARIO_STALL_NS, SCENARIO_DNS_TIMEOUT_NS);
	assert_non_null(c);
	o->c = c;
	scenario_run(c, &sink);
	summary_print(o->f[OUT_SUMMARY], c);
	capacity_print(o->f[OUT_SUMMARY], c);
	accounting_print(o->f[OUT_SUMMARY], collector_accounting(c));
	dns_accounting_print(o->f[OUT_SUMMARY], c);
	metrics_print(o->f[OUT_METRICS], c);
	collector_destroy(c);
	for (i = 0; i < OUT__COUNT; i++)
		fclose(o->f[i]);
}

static char *golden_path(const char *name)
{
	char src[] = __FILE__, *path;

	assert_true(asprintf(&path, "%s/golden/%s", dirname(src), name) > 0);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	*len = 0;
	for (;;) {
		buf = realloc(buf, cap + 4096);
		assert_non_null(buf);
		cap += 4096;
		*len += fread(buf + *len, 1, cap - *len, f);
		if (*len < cap)
			break;
	}
	fclose(f);
	return buf;
}

static void spill(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* One output against its golden file; on a mismatch it is left in ACTUAL_DIR. */
static void compare(const struct outputs *o, enum output i)
{
	char *path = golden_path(file_names[i]), *want, *actual;
	size_t want_len = 0;

	want = slurp(path, &want_len);
	if (!want)
		fail_msg("%s: %s", path, strerror(errno));
	if (want_len != o->len[i] || memcmp(want, o->text[i], want_len)) {
		mkdir("build", 0755);
		mkdir(ACTUAL_DIR, 0755);
		assert_true(asprintf(&actual, "%s/%s", ACTUAL_DIR, file_names[i]) > 0);
		spill(actual, o->text[i], o->len[i]);
		fail_msg("%s differs from the golden file: diff -u %s %s", file_names[i], path,
			 actual);
	}
	free(want);
	free(path);
}

static void test_outputs_match_golden_files(void **state)
{
	struct outputs o = { 0 };
	int i;

	(void)state;
	produce(&o);
	for (i = 0; i < OUT__COUNT; i++) {
		if (getenv("SYNSCOPE_GOLDEN_UPDATE")) {
			char *path = golden_path(file_names[i]);

			spill(path, o.text[i], o.len[i]);
			free(path);
		}
		compare(&o, i);
		free(o.text[i]);
	}
}

/* The same run twice gives the same bytes: nothing depends on the clocks or the host. */
static void test_run_is_repeatable(void **state)
{
	struct outputs a = { 0 }, b = { 0 };
	int i;

	(void)state;
	produce(&a);
	produce(&b);
	for (i = 0; i < OUT__COUNT; i++) {
		assert_int_equal(a.len[i], b.len[i]);
		assert_memory_equal(a.text[i], b.text[i], a.len[i]);
		assert_true(a.len[i] > 0);
		free(a.text[i]);
		free(b.text[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs_match_golden_files),
		cmocka_unit_test(test_run_is_repeatable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
