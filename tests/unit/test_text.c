/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "ar_limits.h"
#include "json.h"
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
		"\xe2\x80\xa7",     /* U+2027, before the line separator */
		"\xe2\x80\x8a",     /* U+200A, before the zero-width space */
		"\xe2\x80\x90",     /* U+2010, after the marks */
		"\xd8\x9b", "\xd8\x9d", /* U+061B, U+061D: around the Arabic letter mark */
		"\xe2\x81\x9f", "\xef\xbb\xbe", "\xef\xbc\x80", /* around U+2060, U+FEFF */
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
		"\xe2\x81\xa9", "\xd8\x9c", "\xe2\x80\x8e", "\xe2\x80\x8f", NULL };
	static const char *const invisible[] = { "\xe2\x80\x8b", "a\xe2\x80\x8d", "\xe2\x80\xa8",
		"\xe2\x80\xa9", "\xe2\x81\xa0", "\xe2\x81\xa4", "\xef\xbb\xbf", NULL };
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
	for (t = invisible; *t; t++)
		assert_true(refused(*t, "holds an invisible character"));
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

/* What is shown: printable UTF-8 as it is, everything else visible, exactly. */
static void text_escape(void **state)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ "PC131TBF: no such file (see --help)", "PC131TBF: no such file (see --help)" },
		{ "Caf\xc3\xa9 \xf0\x9f\x98\x80", "Caf\xc3\xa9 \xf0\x9f\x98\x80" },
		{ "\x1b[2J\x1b]0;pwn\x07", "\\x1b[2J\\x1b]0;pwn\\x07" },
		{ "a\tb\nc\rd\x7f", "a\\x09b\\x0ac\\x0dd\\x7f" },
		{ "C:\\x", "C:\\\\x" },                        /* a backslash, doubled */
		{ "\xc2\x9b" "2J \xc2\x85", "\\u009b2J \\u0085" }, /* C1: CSI, NEL */
		{ "x\xe2\x80\xaey\xe2\x81\xa9", "x\\u202ey\\u2069" }, /* bidi */
		{ "\xc2\xa0\xe2\x80\xaf", "\xc2\xa0\xe2\x80\xaf" },   /* the neighbours stay */
		{ "A\xe2\x80\x8f" "B\xd8\x9c" "C\xe2\x80\xa8" "D\xe2\x80\x8b" "E\xef\xbb\xbf" "F",
		  "A\\u200fB\\u061cC\\u2028D\\u200bE\\ufeffF" }, /* marks, invisible */
		{ "\xff\xc0\xafok\xe2\x80", "\\xff\\xc0\\xafok\\xe2\\x80" }, /* not UTF-8 */
	};
	char out[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(ar_text_escape(out, sizeof out, cases[i][0], 0), strlen(cases[i][1]));
		assert_string_equal(out, cases[i][1]);
	}
	ar_text_escape(out, sizeof out, "GET /a b", AR_ESCAPE_SPACE);
	assert_string_equal(out, "GET\\x20/a\\x20b");
	/* cut only between whole escapes: 7 bytes hold "ab" and not half of "\x1b" */
	assert_int_equal(ar_text_escape(out, 7, "ab\x1b\x1b", 0), 10);
	assert_string_equal(out, "ab\\x1b");
	assert_int_equal(ar_text_escape(out, 4, "ab\x1b", 0), 6);
	assert_string_equal(out, "ab");
	assert_string_equal(ar_text_shown("east\x1b"), "east\\x1b");
	assert_string_equal(ar_text_shown(NULL), "");
}

/* A value past what is shown is cut and marked. */
/* Bytes that are not UTF-8 become U+FFFD one each; valid text, controls included, stays. */
static void text_repaired(void **state)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ "Caf\xc3\xa9 \x1b", "Caf\xc3\xa9 \x1b" },
		{ "A\xff" "B", "A\xef\xbf\xbd" "B" },
		{ "\xe2\x80" "x\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" "x\xef\xbf\xbd\xef\xbf\xbd" },
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = ar_text_utf8_repaired(cases[i][0]);
		assert_non_null(out);
		assert_string_equal(out, cases[i][1]);
		free(out);
	}
}

static void text_shown_cut(void **state)
{
	static char big[AR_MAX_SHOWN_BYTES];
	const char *shown;

	(void)state;
	memset(big, 0x1b, sizeof big - 1);
	shown = ar_text_shown(big);
	assert_int_equal(strlen(shown), (AR_MAX_SHOWN_BYTES - 4) / 4 * 4 + 3);
	assert_string_equal(shown + strlen(shown) - 7, "\\x1b...");
}

/* JSON: DEL, C1 and bidi inside strings as \uHHHH, the same value; the rest untouched. */
static void json_escape(void **state)
{
	json_t *v = json_pack("{s:s, s:s}", "a", "x\x7f\xc2\x9b\xe2\x80\xae\x1b\xc3\xa9", "b", "ok");
	json_t *back;
	char *text = ar_json_dump_compact(v), *pretty = ar_json_dump_pretty(v);

	(void)state;
	assert_string_equal(text, "{\"a\":\"x\\u007F\\u009B\\u202E\\u001B\xc3\xa9\",\"b\":\"ok\"}");
	assert_string_equal(pretty, "{\n  \"a\": \"x\\u007F\\u009B\\u202E\\u001B\xc3\xa9\",\n"
			    "  \"b\": \"ok\"\n}\n");
	back = json_loads(text, 0, NULL);
	assert_true(json_equal(back, v));
	json_decref(back);
	free(text);
	free(pretty);
	text = ar_json_dump_compact(json_object_get(v, "b"));
	assert_string_equal(text, "\"ok\"");
	free(text);
	json_decref(v);
}

/* Every string and member name of a document, at any depth, named by its place. */
static void json_text_check(void **state)
{
	json_t *v = json_pack("{s:[{s:s}, {s:s}], s:{s:s}}", "hosts", "serial", "ok", "serial",
			      "PC\xc2\x85", "cnf", "jkt", "fine");
	ar_err e;

	(void)state;
	assert_int_equal(ar_json_text_check(v, "", AR_EINPUT, "f", &e), AR_EINPUT);
	assert_string_equal(e.where, "f");
	assert_string_equal(e.msg, "field \"hosts[1].serial\" holds a control character");
	json_object_set_new(json_array_get(json_object_get(v, "hosts"), 1), "serial",
			    json_string("PC13"));
	assert_int_equal(ar_json_text_check(v, "", AR_EINPUT, "f", &e), AR_OK);
	json_object_set_new(json_object_get(v, "cnf"), "k\xe2\x81\xa6", json_true());
	assert_int_equal(ar_json_text_check(v, "JWS header", AR_EENV, NULL, &e), AR_EENV);
	assert_string_equal(e.msg, "JWS header field name \"cnf.k\xe2\x81\xa6\" holds a "
			    "bidirectional control character");
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_rule),
		cmocka_unit_test(text_clean),
		cmocka_unit_test(text_escape),
		cmocka_unit_test(text_repaired),
		cmocka_unit_test(text_shown_cut),
		cmocka_unit_test(json_escape),
		cmocka_unit_test(json_text_check),
	};
	return cmocka_run_group_tests_name("text", tests, unit_setup, NULL);
}
