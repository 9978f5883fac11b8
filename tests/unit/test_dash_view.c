// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dashboard's view model without a terminal: the snapshot of the fixed
 * run (tests/unit/support/scenario.c), filtering, sorting, the selection
 * following its destination, scrolling, the detail view, and a paused view
 * that stays as it was -- its Enter, Up and Down included -- while the
 * collector goes on.
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

/* One more attempt to 198.18.0.<last_octet>:port, refused. */
static void refused(struct collector *c, __u8 last_octet, __u16 port, __u64 sock)
{
	struct conn_event ev;
	struct attempt a;

	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_ATTEMPT;
	ev.family = AF_INET;
	ev.daddr[0] = 198, ev.daddr[1] = 18, ev.daddr[3] = last_octet;
	ev.dport = port;
	ev.outcome = OUTCOME_REFUSED;
	ev.error = 111;
	ev.sock = sock;
	ev.ts_ns = 15 * NSEC_PER_SEC;
	assert_true(collector_add_event(c, &ev, &a));
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

/*
 * Paused, the view keeps its snapshot while the collector goes on: the table,
 * and the details Enter, Up and Down show, are as they were at the pause.
 */
static void test_paused_view_is_frozen(void **state)
{
	struct fixture *f = *state;
	size_t rows = f->v.snap.n_rows;

	keys(&f->v, "p");
	assert_true(f->v.paused);
	/* Meanwhile: more refusals to 198.18.0.4 and api.test, and a new destination. */
	refused(f->c, 4, 8081, 500);
	refused(f->c, 4, 8081, 501);
	refused(f->c, 3, 443, 502);
	refused(f->c, 9, 9999, 503);
	view_refresh(&f->v, f->c, NOW + NSEC_PER_SEC);
	assert_int_equal(f->v.snap.n_rows, rows);
	assert_true(f->v.rows[1]->cells[COL_REFUSED].num == 3);

	view_key(&f->v, VKEY_ENTER);
	assert_string_equal(name_of(view_selected(&f->v)), "api.test");
	assert_int_equal(view_detail(&f->v)->attempts, 3);
	assert_int_equal(view_detail(&f->v)->outcomes[OUTCOME_REFUSED], 0);
	view_key(&f->v, VKEY_DOWN);
	assert_string_equal(name_of(view_selected(&f->v)), "198.18.0.4");
	assert_int_equal(view_detail(&f->v)->outcomes[OUTCOME_REFUSED], 3);
	assert_int_equal(view_detail(&f->v)->n_failures, 3);
	view_key(&f->v, VKEY_UP);
	assert_int_equal(view_detail(&f->v)->attempts, 3);

	/* Resumed: the next snapshot has it all. */
	keys(&f->v, "p");
	view_refresh(&f->v, f->c, NOW + 2 * NSEC_PER_SEC);
	assert_int_equal(f->v.snap.n_rows, rows + 1);
	assert_true(f->v.detail);
	assert_string_equal(name_of(view_selected(&f->v)), "api.test");
	assert_int_equal(view_detail(&f->v)->attempts, 4);
	view_key(&f->v, VKEY_UP); /* 198.18.0.4 has the most failures now */
	assert_string_equal(name_of(view_selected(&f->v)), "198.18.0.4");
	assert_int_equal(view_detail(&f->v)->outcomes[OUTCOME_REFUSED], 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_and_default_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selection_and_scrolling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paused_view_is_frozen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
