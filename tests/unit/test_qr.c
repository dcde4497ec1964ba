/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "qr.h"

/* The drawing tag of "abc.def.ghi": the first 8 hex digits of its SHA-256. */
#define T "6559e90b:"

/* Joins text through the same path a file takes (ar_compact_text). */
static int join(const char *text, char *out, size_t cap, ar_err *e)
{
	size_t len = strlen(text);
	uint8_t *copy = malloc(len + 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len + 1);
	rc = ar_compact_text(copy, &len, "parts.txt", e);
	if (rc == AR_OK) {
		assert_true(len < cap);
		memcpy(out, copy, len + 1);
	}
	free(copy);
	return rc;
}

static void split_sizes(void **state)
{
	size_t chunk;

	(void)state;
	assert_int_equal(ar_qr_split(1, &chunk), 1);
	assert_int_equal(chunk, 1);
	/* One version-40-M code holds 2,331 bytes as they are. */
	assert_int_equal(ar_qr_split(AR_QR_BYTES_PER_CODE, &chunk), 1);
	assert_int_equal(chunk, AR_QR_BYTES_PER_CODE);
	assert_int_equal(ar_qr_split(AR_QR_BYTES_PER_CODE + 1, &chunk), 2);
	assert_int_equal(chunk, 1166);
	/* Every part with its "airreg:NN/NN:TAG:" fits one code. */
	assert_int_equal(ar_qr_split(AR_MAX_FILE_BYTES, &chunk), 29);
	assert_true(chunk + strlen("airreg:29/29:0123abcd:") <= AR_QR_BYTES_PER_CODE);
	/* The longest share of two codes, and one byte more takes three. */
	assert_int_equal(ar_qr_split(2 * (AR_QR_BYTES_PER_CODE - 22), &chunk), 2);
	assert_int_equal(chunk, AR_QR_BYTES_PER_CODE - 22);
	assert_int_equal(ar_qr_split(2 * (AR_QR_BYTES_PER_CODE - 22) + 1, &chunk), 3);
}

/* Split, write the parts as a scanner would (any order), join: the text again. */
static void split_then_join_round_trips(void **state)
{
	static const size_t lengths[] = { 2332, 4102, 9000, 20000, AR_MAX_FILE_BYTES };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
		size_t len = lengths[k], chunk, n = ar_qr_split(len, &chunk), i, at = 0;
		char *text = malloc(len + 1), *parts = malloc(len + n * 30 + 1);
		char *joined = malloc(len + 1), hex[AR_SHA256_HEX_CHARS + 1];
		ar_err e;

		for (i = 0; i < len; i++)
			text[i] = "abcdefghijklmnopqrstuvwxyz0123456789-_."[(i * 7 + k) % 39];
		text[len] = '\0';
		ar_sha256_hex((const uint8_t *)text, len, hex);
		for (i = n; i-- > 0;) {  /* last part first */
			size_t from = i * chunk, take = len - from < chunk ? len - from : chunk;

			at += (size_t)sprintf(parts + at, "airreg:%zu/%zu:%.8s:", i + 1, n, hex);
			memcpy(parts + at, text + from, take);
			at += take;
			parts[at++] = '\n';
		}
		parts[at] = '\0';
		assert_int_equal(join(parts, joined, len + 1, &e), AR_OK);
		assert_string_equal(joined, text);
		free(text);
		free(parts);
		free(joined);
	}
}

static void join_takes_what_scanners_and_transport_do(void **state)
{
	static const char *const forms[] = {
		"airreg:1/3:" T "abc.\nairreg:2/3:" T "def.\nairreg:3/3:" T "ghi\n",
		"airreg:3/3:" T "ghi\nairreg:1/3:" T "abc.\nairreg:2/3:" T "def.",
		"QR-Code:airreg:2/3:" T "def.\nQR-Code:airreg:3/3:" T "ghi\n"
		"QR-Code:airreg:1/3:" T "abc.\n",
		"\xEF\xBB\xBF\r\n  airreg:1/3:" T "abc.\r\n\r\nairreg:2/3:" T "de\r\nf.\r\n"
		"airreg:3/3:" T "g\nh\ni \t\n",
		"QR-Code:abc.def.ghi\n",
		"abc.def.ghi",
		"airreg:1/1:" T "abc.def.ghi",
		"airreg:2/2:" T "f.ghi\nairreg:1/2:" T "abc.de\n",  /* the last a share - 1 */
		/* parts written before the tag, all of the set without one */
		"airreg:1/3:abc.\nairreg:3/3:ghi\nairreg:2/3:def.\n",
	};
	char out[64];
	size_t i;
	ar_err e;

	(void)state;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		assert_int_equal(join(forms[i], out, sizeof out, &e), AR_OK);
		assert_string_equal(out, "abc.def.ghi");
	}
}

static void join_refuses_incomplete_and_foreign_parts(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "airreg:1/3:" T "abc.\nairreg:3/3:" T "ghi\n",
		  "QR parts: part 2 of 3 is missing (1 of 3 missing; scan every code)" },
		{ "airreg:2/3:" T "def.\n",
		  "QR parts: part 1 of 3 is missing (2 of 3 missing; scan every code)" },
		{ "airreg:1/2:" T "abc.\nairreg:2/2:" T "def\nairreg:1/2:" T "abc.\n",
		  "QR parts: part 1 of 2 appears twice (lines 1 and 3)" },
		{ "airreg:1/2:" T "abc.\nairreg:2/3:" T "def\n",
		  "QR parts: line 2: part 2/3 does not belong with the parts of 2 before it" },
		{ "airreg:1/2:" T "abc\nairreg:2/2:" T "\n", "QR parts: part 2 of 2 is empty" },
		/* zbarimg also reports 1-D barcodes it finds in a QR code's modules */
		{ "airreg:1/2:" T "abc.\nairreg:2/2:" T "def\n0134827385501505\n",
		  "QR parts: part 2 of 2 (line 2) holds 19 characters, part 1 holds 4: not "
		  "equal shares of one text (a line lost, or read from another barcode?)" },
		{ "airreg:1/3:" T "abc.\n0134\nairreg:2/3:" T "def.\nairreg:3/3:" T "ghi\n",
		  "QR parts: part 2 of 3 (line 3) holds 4 characters, part 1 holds 8: not "
		  "equal shares of one text (a line lost, or read from another barcode?)" },
		{ "airreg:1/3:" T "abc.\nairreg:2/3:" T "de\nairreg:3/3:" T "ghi\n",
		  "QR parts: part 2 of 3 (line 2) holds 2 characters, part 1 holds 4: not "
		  "equal shares of one text (a line lost, or read from another barcode?)" },
		{ "\nQR-Code:abc.def.ghi\nDataBar:0134827385501505\n",
		  "QR code: line 3 is not part of the code (read from another barcode?)" },
		{ "airreg:1/2:" T "abc.def\nairreg:2/2:" T ".ghi\n",  /* not ceil(11 / 2) */
		  "QR parts: part 2 of 2 (line 2) holds 4 characters, part 1 holds 7: not "
		  "equal shares of one text (a line lost, or read from another barcode?)" },
		{ "0134827385501505\nairreg:1/2:" T "abc.\nairreg:2/2:" T "def\n",
		  "QR parts: line 1 comes before the first part (read from another barcode?)" },
		{ "\n\nQR-Code:airreg:2/2:" T "def\nDataBar:0134827385501505\n"
		  "QR-Code:airreg:1/2:" T "abc.\n",
		  "QR parts: part 2 of 2 (line 3) holds 27 characters, part 1 holds 4: not "
		  "equal shares of one text (a line lost, or read from another barcode?)" },
		/* parts of other drawings: named, whichever order they come in */
		{ "airreg:1/3:" T "abc.\nairreg:2/3:11111111:def.\nairreg:3/3:" T "ghi\n",
		  "QR parts: part 2 of 3 (line 2) belongs to another drawing (11111111; parts 1 "
		  "and 3 are 6559e90b)" },
		{ "airreg:2/2:aaaaaaaa:f.ghi\nairreg:1/2:" T "abc.de\n",
		  "QR parts: part 1 of 2 (line 2) belongs to another drawing (6559e90b; part 2 "
		  "is aaaaaaaa)" },
		{ "airreg:1/3:aaaaaaaa:abc.\nairreg:2/3:bbbbbbbb:def.\nairreg:3/3:cccccccc:ghi\n"
		  "airreg:2/3:aaaaaaaa:def.\n",
		  "QR parts: parts 2 and 3 (lines 2 and 3) belong to another drawing (bbbbbbbb, "
		  "cccccccc; parts 1 and 2 are aaaaaaaa)" },
		{ "airreg:1/2:" T "abc.de\nairreg:2/2:f.ghi\n",
		  "QR parts: part 2 of 2 (line 2) belongs to another drawing (untagged; part 1 "
		  "is 6559e90b)" },
		/* untagged parts are the foreign ones even when they are more (an older
		 * writer's): the set is the drawing its tag names */
		{ "airreg:1/3:abc.\nairreg:2/3:def.\nairreg:3/3:" T "ghi\n",
		  "QR parts: parts 1 and 2 (lines 1 and 2) belong to another drawing (untagged; "
		  "part 3 is 6559e90b)" },
		/* the parts of one drawing, but not of the text their tag names */
		{ "airreg:1/3:deadbeef:abc.\nairreg:2/3:deadbeef:def.\nairreg:3/3:deadbeef:ghi\n",
		  "QR parts: the joined text's SHA-256 begins 6559e90b, not deadbeef as its parts "
		  "say (a part altered or misread; scan every code again)" },
		{ "airreg:1/2:6559E90B:abc\n", NULL },
		{ "airreg:1/2:6559e90:abc\n", NULL },
		{ "airreg:0/2:abc\n", NULL },
		{ "airreg:3/2:" T "abc\n", NULL },
		{ "airreg:01/2:abc\n", NULL },
		{ "airreg:1/65:abc\n", NULL },
		{ "airreg:1/2abc\n", NULL },
		{ "airreg:a/b:abc\n", NULL },
		{ "airreg:1/2:" T "abc\nairreg:2/\n", NULL },
		{ "QR-Code:airreg:\n", NULL },
		{ "airreg:100/100:x\n", NULL },
	};
	char out[64];
	size_t i;
	ar_err e;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(join(bad[i].text, out, sizeof out, &e), AR_EINPUT);
		assert_string_equal(e.where, "parts.txt");
		if (bad[i].msg)
			assert_string_equal(e.msg, bad[i].msg);
		else
			assert_non_null(strstr(e.msg, "malformed part header"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_sizes),
		cmocka_unit_test(split_then_join_round_trips),
		cmocka_unit_test(join_takes_what_scanners_and_transport_do),
		cmocka_unit_test(join_refuses_incomplete_and_foreign_parts),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
