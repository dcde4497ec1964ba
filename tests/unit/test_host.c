/* SPDX-License-Identifier: Apache-2.0 */
/* The host record's rules (common/host.c, ar_host_validate): what probe would never write
 * (a placeholder UUID or text, a value with white space at either end) is refused, with the
 * line that says what to do. */
#include "testutil.h"

#include "err.h"
#include "host.h"
#include "placeholder.h"

static json_t *record(void)
{
	return json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "version", 1,
			 "name", "node1", "uuid", "161674cc-2a1e-11b2-a85c-e121881d01b9",
			 "uuidSource", "smbios", "manufacturer", "LENOVO", "serial", "PC131TBF",
			 "boardSerial", "L1HF9380025", "biosVendor", "LENOVO",
			 "biosVersion", "N22ET52W (1.29 )", "cpuModel", "Intel(R) Core(TM) i7",
			 "cpuCores", 4);
}

/* the record with one field set to text: the status, and the line when refused */
static int with(const char *key, const char *text, ar_err *e)
{
	json_t *h = record();
	int rc;

	memset(e, 0, sizeof *e);
	json_object_set_new(h, key, json_string(text));
	rc = ar_host_validate(h, "h.json", e);
	json_decref(h);
	return rc;
}

static void real_record_passes(void **state)
{
	ar_err e;

	(void)state;
	assert_int_equal(with("serial", "PC131TBF", &e), AR_OK);
	/* white space inside a value is the firmware's own ("N22ET52W (1.29 )") */
	assert_int_equal(with("product", "ThinkPad T480s", &e), AR_OK);
}

static void placeholder_uuid_refused(void **state)
{
	static const char *const uuids[] = { "00000000-0000-0000-0000-000000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff", "03000200-0400-0500-0006-000700080009" };
	char line[600];
	size_t i;
	ar_err e;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(with("uuid", uuids[i], &e), AR_EINPUT);
		snprintf(line, sizeof line, "\"uuid\" %s is a placeholder (%s): it tells no machine "
			 "apart; probe the host again (token-gen probe), or give its real UUID "
			 "(--system-uuid)", uuids[i], hw_uuid_placeholder_reason(uuids[i]));
		assert_string_equal(e.msg, line);
		assert_string_equal(e.where, "h.json");
	}
}

static void placeholder_text_refused(void **state)
{
	ar_err e;

	(void)state;
	assert_int_equal(with("serial", "To Be Filled By O.E.M.", &e), AR_EINPUT);
	assert_string_equal(e.msg, "\"serial\" \"To Be Filled By O.E.M.\" is a placeholder: "
			    "leave it out of the record (probe leaves it out)");
	assert_int_equal(with("boardSerial", "Default string", &e), AR_EINPUT);
	assert_string_equal(e.msg, "\"boardSerial\" \"Default string\" is a placeholder: "
			    "leave it out of the record (probe leaves it out)");
	assert_int_equal(with("manufacturer", "XXXXXXXX", &e), AR_EINPUT);
	/* a field probe must find: leaving it out is no way out */
	assert_int_equal(with("biosVendor", "System manufacturer", &e), AR_EINPUT);
	assert_string_equal(e.msg, "\"biosVendor\" \"System manufacturer\" is a placeholder: "
			    "probe the host again (token-gen probe), or give its real value");
}

static void edge_white_space_refused(void **state)
{
	ar_err e;

	(void)state;
	assert_int_equal(with("serial", " PC131TBF", &e), AR_EINPUT);
	assert_string_equal(e.msg, "\"serial\" \" PC131TBF\" has white space at its start or "
			    "end: values are compared byte for byte; trim it (probe does)");
	assert_int_equal(with("cpuModel", "Intel(R) Core(TM) i7 ", &e), AR_EINPUT);
	assert_string_equal(e.msg, "\"cpuModel\" \"Intel(R) Core(TM) i7 \" has white space at "
			    "its start or end: values are compared byte for byte; trim it (probe "
			    "does)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_record_passes),
		cmocka_unit_test(placeholder_uuid_refused),
		cmocka_unit_test(placeholder_text_refused),
		cmocka_unit_test(edge_white_space_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
