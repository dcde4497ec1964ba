/* SPDX-License-Identifier: Apache-2.0 */
/* The one rule for durations (common/when.h): each edge where the shown unit changes. */
#include "testutil.h"

#include <limits.h>

#include "when.h"

#define H 3600LL
#define D 86400LL

static const char *span(long long s)
{
	static char out[AR_SPAN_CHARS + 1];

	return ar_format_span(s, out);
}

static void under_an_hour(void **state)
{
	(void)state;
	assert_string_equal(span(0), "less than a minute");
	assert_string_equal(span(59), "less than a minute");
	assert_string_equal(span(60), "1 minute");
	assert_string_equal(span(89), "1 minute");
	assert_string_equal(span(90), "2 minutes");       /* half up */
	assert_string_equal(span(59 * 60), "59 minutes");
	assert_string_equal(span(59 * 60 + 29), "59 minutes");
	assert_string_equal(span(59 * 60 + 30), "1 hour");  /* the unit after rounding */
}

static void under_a_day(void **state)
{
	(void)state;
	assert_string_equal(span(H), "1 hour");
	assert_string_equal(span(3 * H), "3 hours");
	assert_string_equal(span(H + 60), "1 hour 1 minute");
	assert_string_equal(span(2 * H + 15 * 60), "2 hours 15 minutes");
	assert_string_equal(span(23 * H + 59 * 60), "23 hours 59 minutes");
	assert_string_equal(span(23 * H + 59 * 60 + 29), "23 hours 59 minutes");
	assert_string_equal(span(D - 30), "1 day");
	assert_string_equal(span(D - 1), "1 day");
}

static void days(void **state)
{
	(void)state;
	assert_string_equal(span(D), "1 day");
	assert_string_equal(span(D + 29 * 60), "1 day");
	assert_string_equal(span(D + 30 * 60), "1 day 1 hour");
	assert_string_equal(span(2 * D + 3 * H), "2 days 3 hours");
	assert_string_equal(span(10 * D - 30 * 60 - 1), "9 days 23 hours");
	assert_string_equal(span(10 * D - 30 * 60), "10 days");
	assert_string_equal(span(10 * D + 11 * H), "10 days");
	assert_string_equal(span(10 * D + 12 * H), "11 days");
	/* a 365-day key, right after import and for the first half day */
	assert_string_equal(span(365 * D), "365 days");
	assert_string_equal(span(365 * D - 1), "365 days");
	assert_string_equal(span(365 * D - 12 * H + 1), "365 days");
	assert_string_equal(span(365 * D - 12 * H - 1), "364 days");
	assert_string_equal(span(3650 * D), "3650 days");
	assert_int_equal(ar_span_days(365 * D - 5), 365);
	assert_int_equal(ar_span_days(12 * H - 1), 0);
	assert_int_equal(ar_span_days(12 * H), 1);
	assert_int_equal(ar_span_days(0), 0);
}

static void negative(void **state)
{
	(void)state;
	assert_string_equal(span(-59), "less than a minute");
	assert_string_equal(span(-D), "1 day");
	assert_string_equal(span(-(2 * D + 3 * H)), "2 days 3 hours");
	assert_int_equal(ar_span_days(-366 * D - 60), -366);
	assert_int_equal(ar_span_days(-(12 * H)), -1);
	assert_non_null(strstr(span(LLONG_MIN), " days"));
	assert_non_null(strstr(span(LLONG_MAX), " days"));
}

static void when(void **state)
{
	char out[AR_WHEN_CHARS + 1];
	long long now = 1796131660LL; /* 2026-12-01T13:27:40Z */

	(void)state;
	assert_string_equal(ar_format_when(now + 365 * D, now, out),
			    "2027-12-01T13:27:40Z (in 365 days)");
	assert_string_equal(ar_format_when(now - D, now, out), "2026-11-30T13:27:40Z (1 day ago)");
	assert_string_equal(ar_format_when(now, now, out),
			    "2026-12-01T13:27:40Z (in less than a minute)");
	assert_string_equal(ar_format_when(now + 3598, now, out),
			    "2026-12-01T14:27:38Z (in 1 hour)");
	/* no overflow between the ends of the range */
	assert_non_null(strstr(ar_format_when(LLONG_MAX, LLONG_MIN, out), " days)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(under_an_hour),
		cmocka_unit_test(under_a_day),
		cmocka_unit_test(days),
		cmocka_unit_test(negative),
		cmocka_unit_test(when),
	};
	return cmocka_run_group_tests_name("when", tests, unit_setup, NULL);
}
