// SPDX-License-Identifier: GPL-2.0-only
/* The monotonic-to-wall conversion, and how it follows a step of the wall clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "clock.h"

static __u64 distance(__u64 a, __u64 b)
{
	return a > b ? a - b : b - a;
}

static void test_no_step_no_resync(void **state)
{
	__s64 step = 0;

	(void)state;
	clock_sync();
	assert_false(clock_resync(&step));
	assert_true(distance(wall_of_mono(mono_now_ns()), wall_now_ns()) < CLOCK_STEP_NS);
}

/* As if the wall clock had been an hour ahead and was stepped back to now. */
static void test_step_followed(void **state)
{
	__u64 hour = 3600 * NSEC_PER_SEC, mono = mono_now_ns();
	__s64 step = 0;

	(void)state;
	clock_fix(wall_now_ns() + hour, mono);
	assert_true(distance(wall_of_mono(mono), wall_now_ns() + hour) < CLOCK_STEP_NS);
	assert_true(clock_resync(&step));
	assert_true(distance((__u64)-step, hour) < CLOCK_STEP_NS);
	assert_true(distance(wall_of_mono(mono_now_ns()), wall_now_ns()) < CLOCK_STEP_NS);
	assert_false(clock_resync(&step));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_step_no_resync),
		cmocka_unit_test(test_step_followed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
