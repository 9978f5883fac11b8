// SPDX-License-Identifier: GPL-2.0-only
/*
 * The column table: the summary CSV's header and every one of its rows (the
 * host-wide one last) have the table's columns in the table's order, each
 * field holding that column's value; each output's places are 1..n without
 * gaps; every shown column has what its output needs.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "columns.h"
#include "csv.h"
#include "support/scenario.h"

#define MAX_FIELDS 64

/* Split one CSV record (RFC 4180) at *p into fields; returns how many, *p at the next. */
static size_t record_split(char **p, char *fields[MAX_FIELDS])
{
	char *in = *p, *out = *p;
	size_t n = 0;

	fields[n++] = out;
	for (;;) {
		if (*in == '"') {
			for (in++; !(in[0] == '"' && in[1] != '"'); in++) {
				assert_true(*in != '\0');
				*out++ = *in;
				in += in[0] == '"';
			}
			in++;
		}
		if (*in == ',') {
			*out++ = '\0';
			in++;
			assert_true(n < MAX_FIELDS);
			fields[n++] = out;
			continue;
		}
		if (in[0] == '\r' && in[1] == '\n')
			break;
		assert_true(*in != '\0');
		*out++ = *in++;
	}
	*out = '\0';
	*p = in + 2;
	return n;
}

/* A field holds its column's value as the table gives it. */
static void check_field(enum column_id id, const struct dest *d, const char *field)
{
	char buf[COLUMN_TEXT_LEN], *end;
	struct cell v;
	double n;

	column_value(id, d, &v, buf);
	if (v.state == CELL_UNKNOWN) {
		assert_string_equal(field, "");
	} else if (column_is_text(&columns[id])) {
		assert_string_equal(field, v.text);
	} else {
		n = strtod(field, &end);
		assert_true(*field && !*end);
		assert_true(n - v.num < 0.051 && v.num - n < 0.051); /* rates have one decimal */
	}
}

static void on_snapshot(const struct collector *c, __u64 wall_ns, void *ctx)
{
	FILE *f = ctx;

	csv_summary_rows(f, c, wall_ns);
}

struct dest_list {
	const struct dest *at[64];
	size_t n;
};

static void add_dest(const struct dest *d, void *arg)
{
	struct dest_list *l = arg;

	assert_true(l->n < sizeof(l->at) / sizeof(l->at[0]));
	l->at[l->n++] = d;
}

/* a comes before b worst first: an address before a name, more failures, more attempts. */
static bool worse_or_same(const struct dest *a, const struct dest *b)
{
	if (dest_is_name_only(a) != dest_is_name_only(b))
		return dest_is_name_only(b);
	if (dest_failures(a) != dest_failures(b))
		return dest_failures(a) > dest_failures(b);
	return a->attempts >= b->attempts;
}

/* Summary rows: every destination once, worst first, each as the table gives it. */
static void test_csv_rows_follow_the_table(void **state)
{
	struct scenario_sink sink = { .snapshot = on_snapshot };
	enum column_id order[COL__COUNT];
	size_t n = columns_of(OUTPUT_CSV, order), len, i, rows = 0;
	char *text = NULL, *p, *fields[MAX_FIELDS];
	struct collector *c = collector_new(SCENARIO_STALL_NS, SCENARIO_DNS_TIMEOUT_NS);
	const struct dest *d;
	struct dest_list seen = { 0 };
	size_t dests = 0, j;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(c);
	assert_non_null(f);
	sink.ctx = f;
	csv_summary_header(f);
	scenario_run(c, &sink);
	fflush(f);
	/* The last snapshot's rows are the collector's destinations now, in its order. */
	p = text;
	assert_int_equal(record_split(&p, fields), n + 1);
	assert_string_equal(fields[0], "snapshot_ts");
	for (i = 0; i < n; i++)
		assert_string_equal(fields[1 + i], columns[order[i]].csv);
	while (*p) {
		assert_int_equal(record_split(&p, fields), n + 1);
		rows++;
	}
	assert_true(rows > 0);
	fclose(f);
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	csv_summary_rows(f, c, 0);
	fflush(f);
	p = text;
	collector_each_worst_first(c, add_dest, &seen);
	for (d = collector_next(c, NULL); d; d = collector_next(c, d))
		dests++;
	assert_int_equal(seen.n, dests);
	for (i = 0; i < seen.n; i++) {
		d = seen.at[i];
		assert_int_equal(record_split(&p, fields), n + 1);
		for (j = 0; j < n; j++)
			check_field(order[j], d, fields[1 + j]);
		if (i)
			assert_true(worse_or_same(seen.at[i - 1], d));
	}
	/* Then the host-wide row, daddr "*". */
	assert_int_equal(record_split(&p, fields), n + 1);
	for (i = 0; i < n; i++)
		check_field(order[i], collector_total(c), fields[1 + i]);
	assert_string_equal(fields[2], "*"); /* after snapshot_ts and family */
	assert_string_equal(p, "");
	fclose(f);
	free(text);
	collector_destroy(c);
}

/* Each output shows its columns at places 1, 2, ... n, every one with what it needs. */
static void test_places_and_titles(void **state)
{
	enum column_id order[COL__COUNT];
	size_t n, i, j;

	(void)state;
	n = columns_of(OUTPUT_TEXT, order);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(columns[order[i]].text.at, i + 1);
		assert_true(columns[order[i]].text.width >=
			    (int)strlen(columns[order[i]].text.title));
	}
	n = columns_of(OUTPUT_DASHBOARD, order);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const struct column *col = &columns[order[i]];

		assert_int_equal(col->dash.at, i + 1);
		assert_non_null(col->dash.name);
		assert_true(col->dash.width > 0);
		assert_true(col->dash.min <= col->dash.width);
		assert_true(!col->dash.min || column_is_text(col));
	}
	n = columns_of(OUTPUT_CSV, order);
	for (i = 0; i < n; i++) {
		assert_true(i == 0 || order[i] > order[i - 1]); /* table order */
		for (j = 0; j < i; j++)
			assert_string_not_equal(columns[order[i]].csv, columns[order[j]].csv);
	}
}

/* What a metrics reader needs: a number, and counter or gauge, for every number but labels. */
static void test_metric_kinds(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < COL__COUNT; i++) {
		const struct column *col = &columns[i];

		if (column_is_text(col))
			assert_int_equal(col->metric, METRIC_NONE);
		else if (i != COL_DPORT)
			assert_int_not_equal(col->metric, METRIC_NONE);
	}
	assert_int_equal(columns[COL_ATTEMPTS].metric, METRIC_COUNTER);
	assert_int_equal(columns[COL_OPEN].metric, METRIC_GAUGE);
}

/* Derived values are defined once, and say when there is nothing to tell. */
static void test_values(void **state)
{
	struct dns_stats dns = {
		.lookups = 9, .ok = 2, .nxdomain = 3, .servfail = 1, .unanswered = 3
	};
	char buf[COLUMN_TEXT_LEN];
	struct dest d;
	struct cell v;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.key.family = 2; /* AF_INET */
	d.key.addr[0] = 198, d.key.addr[1] = 18, d.key.addr[3] = 2;
	d.key.port = 443;
	d.attempts = 7;
	d.outcomes[OUTCOME_ESTABLISHED] = 2;
	d.outcomes[OUTCOME_UNREACHABLE] = 1;
	d.outcomes[OUTCOME_ABORTED] = 3;
	column_value(COL_FAILURES, &d, &v, buf);
	assert_true(v.num == 5);
	column_value(COL_OTHER_FAILURES, &d, &v, buf);
	assert_true(v.num == 4);
	column_value(COL_DNS_NOT_OK, &d, &v, buf);
	assert_int_equal(v.state, CELL_UNKNOWN);
	column_value(COL_P50, &d, &v, buf);
	assert_int_equal(v.state, CELL_NO_SAMPLES);
	column_value(COL_NAME, &d, &v, buf);
	assert_string_equal(v.text, "198.18.0.2");
	column_value(COL_HOST, &d, &v, buf);
	assert_int_equal(v.state, CELL_UNKNOWN);
	d.dns = &dns;
	strcpy(d.host, "api.test");
	column_value(COL_DNS_NOT_OK, &d, &v, buf);
	assert_true(v.num == 7);
	column_value(COL_DNS_FAILED, &d, &v, buf);
	assert_true(v.num == 4);
	column_value(COL_NAME, &d, &v, buf);
	assert_string_equal(v.text, "api.test");
	column_value(COL_DESTINATION, &d, &v, buf);
	assert_string_equal(v.text, "198.18.0.2:443");
	d.host_wide = true;
	column_value(COL_DESTINATION, &d, &v, buf);
	assert_string_equal(v.text, "TOTAL");
	column_value(COL_DADDR, &d, &v, buf);
	assert_string_equal(v.text, "*");
	column_value(COL_FAMILY, &d, &v, buf);
	assert_int_equal(v.state, CELL_UNKNOWN);
	column_value(COL_VERDICT, &d, &v, buf);
	assert_string_equal(v.text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_rows_follow_the_table),
		cmocka_unit_test(test_places_and_titles),
		cmocka_unit_test(test_metric_kinds),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
