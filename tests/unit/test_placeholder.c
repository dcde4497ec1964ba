/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware values that say nothing (common/placeholder.c): what token-gen drops from a host
 * record and the registrar leaves out of an activation key. */
#include "testutil.h"

#include "ar_limits.h"
#include "placeholder.h"

static void placeholders(void **state)
{
	static const char *const junk[] = { "To Be Filled By O.E.M.", "  Default string ",
		"not specified", "System Serial Number", "XXXXXXXXXX", "0000", "   ", "", "N/A",
		"Base Board Serial Number", "Type2 - Board Serial Number", "BSN12345678901234567" };
	char *v;
	size_t i;
	const uint8_t real[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
				 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };
	const uint8_t partial[16] = { 0xb4, 2, 0x2e, 3, 0x99, 4, 0x33, 5, 0xa1, 6, 0x94, 7, 0, 8, 0, 9 };

	(void)state;
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++)
		assert_null(hw_clean_value(junk[i]));
	v = hw_clean_value("  Dell Inc. \n");
	assert_string_equal(v, "Dell Inc.");
	free(v);
	v = hw_clean_value("bad\x1c\xef\xbf\xbd\xff");
	assert_string_equal(v, "bad?????"); /* invalid UTF-8: every high byte replaced */
	free(v);
	{
		/* a value cut at the length cap on a blank loses the blank: a host record
		 * refuses white space at either end (common/host.c) */
		char longer[AR_MAX_VALUE_CHARS + 8];

		size_t k;

		for (k = 0; k < sizeof longer - 1; k++)
			longer[k] = (char)('a' + k % 26);
		longer[sizeof longer - 1] = '\0';
		longer[AR_MAX_VALUE_CHARS - 1] = ' ';
		v = hw_clean_value(longer);
		assert_int_equal(strlen(v), AR_MAX_VALUE_CHARS - 1);
		free(v);
	}
	v = hw_clean_value("Caf\xc3\xa9");
	assert_string_equal(v, "Caf\xc3\xa9"); /* valid UTF-8 is kept */
	free(v);
	assert_non_null(hw_uuid_placeholder_reason("00000000-0000-0000-0000-000000000000"));
	assert_non_null(hw_uuid_placeholder_reason("ffffffff-ffff-ffff-ffff-ffffffffffff"));
	assert_non_null(hw_uuid_placeholder_reason("eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee"));
	assert_non_null(hw_uuid_placeholder_reason("03000200-0400-0500-0006-000700080009"));
	assert_non_null(hw_uuid_placeholder_reason("00020003-0004-0005-0006-000700080009"));
	assert_null(hw_uuid_placeholder_reason("00000000-0000-0000-0000-0cc47a133878"));
	assert_true(hw_uuid_is_partial_template(partial));
	/* the registrar's test on a value as it stands in a host record (trimmed) */
	assert_true(hw_is_placeholder_text("To Be Filled By O.E.M."));
	assert_true(hw_is_placeholder_text("0000000"));
	assert_false(hw_is_placeholder_text("CZ12345678"));
	assert_false(hw_is_placeholder_text("00"));
	assert_false(hw_uuid_is_partial_template(real));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(placeholders),
	};
	return cmocka_run_group_tests_name("placeholder", tests, NULL, NULL);
}
