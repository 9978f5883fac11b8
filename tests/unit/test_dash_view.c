// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dashboard's view model without a terminal: the snapshot of the fixed
 * run (tests/unit/support/scenario.c), filtering, sorting, the selection
 * following its destination, scrolling and the detail view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>
#include "clock.h"
#include "dash_view.h"
#include "support/scenario.h"

#define NOW (20 * NSEC_PER_SEC)

struct fixture {
	struct collector *c;
	struct view v;
};

static int setup(void **state)
{
	static struct fixture f;
	struct scenario_sink none = { 0 };

	f.c = collector_new(SCENARIO_STALL_NS, SCENARIO_DNS_TIMEOUT_NS);
	assert_non_null(f.c);
	scenario_run(f.c, &none);
	view_init(&f.v);
	view_refresh(&f.v, f.c, NOW);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	view_free(&f->v);
	collector_destroy(f->c);
	return 0;
}

static void keys(struct view *v, const char *text)
{
	for (; *text; text++)
		assert_int_equal(view_key(v, *text), VIEW_DRAW);
}

static const char *name_of(const struct view_row *r)
{
	return r->cells[COL_NAME].text;
}

static size_t destinations(const struct collector *c)
{
	const struct dest *d;
	size_t n = 0;

	for (d = collector_next(c, NULL); d; d = collector_next(c, d))
		n++;
	return n;
}

/* Every destination has a row; the most failures first, ties by attempts then address. */
static void test_snapshot_and_default_sort(void **state)
{
	struct fixture *f = *state;
	const struct view_row *r;
	size_t i;

	assert_int_equal(f->v.snap.n_rows, destinations(f->c));
	assert_int_equal(f->v.n_rows, f->v.snap.n_rows);
	assert_string_equal(view_sort_name(&f->v), "failures");
	assert_false(view_sort_lowest_first(&f->v));
	for (i = 1; i < f->v.n_rows; i++)
		assert_true(f->v.rows[i - 1]->cells[COL_FAILURES].num >=
			    f->v.rows[i]->cells[COL_FAILURES].num);
	/* api.test and 198.18.0.4 both have 3 failures in 3 attempts: the lower address first. */
	assert_string_equal(name_of(f->v.rows[0]), "api.test");
	assert_string_equal(name_of(f->v.rows[1]), "198.18.0.4");
	r = view_selected(&f->v);
	assert_non_null(r);
	assert_string_equal(name_of(r), "api.test");
	assert_int_equal(f->v.snap.totals[T_ATTEMPTS], collector_total(f->c)->attempts);
	/* A name with failed lookups and no connect: its address is unknown, shown as "-". */
	for (i = 0; i < f->v.n_rows; i++)
		if (!strcmp(name_of(f->v.rows[i]), "missing.test"))
			break;
	assert_true(i < f->v.n_rows);
	assert_string_equal(f->v.rows[i]->cells[COL_DESTINATION].text, "-");
	assert_string_equal(f->v.rows[i]->cells[COL_VERDICT].text, "dns-fail");
}

/* s and S go through the table's columns left to right; r reverses. */
static void test_sort_keys(void **state)
{
	struct fixture *f = *state;

	keys(&f->v, "s");
	assert_string_equal(view_sort_name(&f->v), "timeouts");
	assert_string_equal(name_of(f->v.rows[0]), "api.test");
	keys(&f->v, "SS");
	assert_string_equal(view_sort_name(&f->v), "established");
	assert_string_equal(name_of(f->v.rows[0]), "web.test");
	keys(&f->v, "SSSS");
	assert_string_equal(view_sort_name(&f->v), "host");
	assert_true(view_sort_lowest_first(&f->v));
	assert_string_equal(name_of(f->v.rows[0]), "198.18.0.4"); /* digits before letters */
	keys(&f->v, "r");
	assert_false(view_sort_lowest_first(&f->v));
	assert_string_equal(name_of(f->v.rows[0]), "web.test");
	keys(&f->v, "S"); /* from the first column to the last */
	assert_string_equal(view_sort_name(&f->v), "DNS failed");
}

/* / types a filter over host, address and verdict; Enter keeps it, Esc clears it. */
static void test_filter(void **state)
{
	struct fixture *f = *state;

	keys(&f->v, "/dns-fa");
	assert_true(f->v.editing);
	assert_int_equal(f->v.n_rows, 3); /* missing, broken and silent.test */
	keys(&f->v, "q");		  /* typed, not quit */
	assert_int_equal(f->v.n_rows, 0);
	assert_null(view_selected(&f->v));
	assert_int_equal(view_key(&f->v, VKEY_BACKSPACE), VIEW_DRAW);
	assert_int_equal(f->v.n_rows, 3);
	assert_int_equal(view_key(&f->v, VKEY_ENTER), VIEW_DRAW);
	assert_false(f->v.editing);
	assert_string_equal(f->v.filter, "dns-fa");
	keys(&f->v, "/");
	assert_int_equal(view_key(&f->v, 21), VIEW_DRAW); /* Ctrl-U */
	assert_int_equal(f->v.n_rows, f->v.snap.n_rows);
	keys(&f->v, "198.18.0.5:");
	assert_int_equal(view_key(&f->v, VKEY_ESC), VIEW_DRAW);
	assert_string_equal(f->v.filter, "");
	assert_int_equal(f->v.n_rows, f->v.snap.n_rows);
	keys(&f->v, "/2001:2");
	view_key(&f->v, VKEY_ENTER);
	assert_int_equal(f->v.n_rows, 1);
	assert_string_equal(name_of(view_selected(&f->v)), "v6.test");
	assert_int_equal(view_key(&f->v, VKEY_ESC), VIEW_DRAW); /* in the table: clears it */
	assert_int_equal(f->v.n_rows, f->v.snap.n_rows);
}

/* The selection moves by row and by page, and follows its destination when the order changes. */
static void test_selection_and_scrolling(void **state)
{
	struct fixture *f = *state;

	view_set_page(&f->v, 4);
	view_key(&f->v, VKEY_DOWN);
	view_key(&f->v, 'j');
	assert_int_equal(f->v.sel, 2);
	view_key(&f->v, VKEY_PGDN);
	assert_int_equal(f->v.sel, 6);
	view_set_page(&f->v, 4);
	assert_int_equal(f->v.top, 3); /* the selection on screen */
	view_key(&f->v, VKEY_END);
	assert_int_equal(f->v.sel, f->v.n_rows - 1);
	view_key(&f->v, VKEY_DOWN);
	assert_int_equal(f->v.sel, f->v.n_rows - 1);
	view_set_page(&f->v, 4);
	assert_int_equal(f->v.top, f->v.n_rows - 4);
	view_key(&f->v, 'g');
	view_key(&f->v, VKEY_DOWN);
	assert_string_equal(name_of(view_selected(&f->v)), "198.18.0.4");
	keys(&f->v, "r"); /* reversed: it moves, the selection with it */
	assert_string_equal(name_of(view_selected(&f->v)), "198.18.0.4");
	assert_int_not_equal(f->v.sel, 1);
	view_key(&f->v, VKEY_HOME);
	view_key(&f->v, VKEY_UP);
	assert_int_equal(f->v.sel, 0);
	view_set_page(&f->v, 4);
	assert_int_equal(f->v.top, 0);
}

/* Enter shows the selected destination's details; Up/Down move to its neighbours; Esc back. */
static void test_detail(void **state)
{
	struct fixture *f = *state;
	const struct detail *d;

	assert_int_equal(view_key(&f->v, VKEY_ENTER), VIEW_DRAW);
	assert_true(f->v.detail);
	d = view_detail(&f->v);
	assert_non_null(d);
	assert_int_equal(d->attempts, 3); /* api.test: two timeouts and an abort */
	assert_int_equal(d->outcomes[OUTCOME_TIMEOUT], 2);
	assert_int_equal(d->n_failures, 3);
	assert_int_equal(d->failures[0].outcome, OUTCOME_ABORTED); /* newest first */
	assert_int_equal(d->retries[2], 2);
	assert_true(d->has_dns);
	assert_int_equal(d->dns.ok, 1);
	view_key(&f->v, VKEY_DOWN);
	assert_true(f->v.detail);
	assert_string_equal(name_of(view_selected(&f->v)), "198.18.0.4");
	assert_int_equal(view_detail(&f->v)->outcomes[OUTCOME_REFUSED], 3);
	assert_false(view_detail(&f->v)->has_dns);
	keys(&f->v, "s"); /* not a key of the detail view */
	assert_string_equal(view_sort_name(&f->v), "failures");
	assert_int_equal(view_key(&f->v, VKEY_ESC), VIEW_DRAW);
	assert_false(f->v.detail);
	assert_int_equal(view_key(&f->v, 'q'), VIEW_QUIT);
	assert_int_equal(view_key(&f->v, 12), VIEW_REPAINT); /* Ctrl-L */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_and_default_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selection_and_scrolling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
