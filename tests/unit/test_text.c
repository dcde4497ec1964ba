/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "text.h"

/* 1 when ar_text_check refuses text with exit 2 and "v " + reason */
static int refused(const char *text, const char *reason)
{
	char want[128];
	ar_err e;

	snprintf(want, sizeof want, "v %s", reason);
	if (ar_text_check(text, "v", AR_EUSAGE, NULL, &e) == AR_OK)
		return 0;
	return e.status == AR_EUSAGE && strcmp(e.msg, want) == 0;
}

/* The rule: UTF-8 (RFC 3629), no C0, DEL, C1, no bidirectional override or isolate;
 * each edge of each range on both sides. */
static void text_rule(void **state)
{
	static const char *const fine[] = { "", "PC131TBF", "Caf\xc3\xa9 7",
		"\xc2\xa0",         /* U+00A0, after the C1 block */
		"\x7e",             /* ~, before DEL */
		"\xe2\x80\xa9",     /* U+2029, before the overrides */
		"\xe2\x80\xaf",     /* U+202F, after them */
		"\xe2\x81\xa5",     /* U+2065, before the isolates */
		"\xe2\x81\xaa",     /* U+206A, after them */
		"\xf0\x9f\x98\x80", /* U+1F600 */
		"\xf4\x8f\xbf\xbf", /* U+10FFFF */
		NULL };
	static const char *const not_utf8[] = { "\xff", "x\x80", "\xc0\xaf", "\xe0\x80\xaf",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x80", "\xf5\x80\x80\x80",
		"\x01\xff", /* invalid UTF-8 is named first, wherever it is */
		NULL };
	static const char *const control[] = { "\x01", "\x1b[31m", "\t", "a\n", "a\x7f",
		"\xc2\x80", "\xc2\x85", "\xc2\x9f", NULL };
	static const char *const bidi[] = { "\xe2\x80\xaa", "x\xe2\x80\xaey", "\xe2\x81\xa6",
		"\xe2\x81\xa9", NULL };
	const char *const *t;
	ar_err e;

	(void)state;
	for (t = fine; *t; t++)
		assert_int_equal(ar_text_check(*t, "v", AR_EINPUT, NULL, &e), AR_OK);
	for (t = not_utf8; *t; t++)
		assert_true(refused(*t, "is not valid UTF-8"));
	for (t = control; *t; t++)
		assert_true(refused(*t, "holds a control character"));
	for (t = bidi; *t; t++)
		assert_true(refused(*t, "holds a bidirectional control character"));
	assert_int_equal(ar_text_check_flag("asset-tag", "\xff", &e), AR_EUSAGE);
	assert_string_equal(e.msg, "--asset-tag is not valid UTF-8");
}

/* Hardware values are kept with each refused character as '?'. */
static void text_clean(void **state)
{
	char a[] = "a\xc2\x85" "b\xe2\x80\xae" "c\x1b", b[] = "a\xff" "b\xc3\xa9", c[] = "Caf\xc3\xa9";
	ar_err e;

	(void)state;
	ar_text_clean(a);
	assert_string_equal(a, "a?b?c?");
	ar_text_clean(b);
	assert_string_equal(b, "a?b??"); /* not UTF-8: every byte from 0x80 */
	ar_text_clean(c);
	assert_string_equal(c, "Caf\xc3\xa9");
	assert_int_equal(ar_text_check(a, "v", AR_EINPUT, NULL, &e), AR_OK);
	assert_int_equal(ar_text_check(b, "v", AR_EINPUT, NULL, &e), AR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_rule),
		cmocka_unit_test(text_clean),
	};
	return cmocka_run_group_tests_name("text", tests, unit_setup, NULL);
}
