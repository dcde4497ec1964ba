/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "codec.h"

/* RFC 4648 section 10, in its base64url unpadded form (tests/data/vectors). */
static void rfc4648_vectors(void **state)
{
	json_t *v = load_testdata_json("vectors/rfc4648.json"), *pair;
	json_t *list = json_object_get(v, "base64url_unpadded");
	size_t i;

	(void)state;
	assert_int_equal(json_array_size(list), 7);
	json_array_foreach(list, i, pair) {
		const char *plain = json_string_value(json_array_get(pair, 0));
		const char *coded = json_string_value(json_array_get(pair, 1));
		char *enc = ar_b64url_encode((const uint8_t *)plain, strlen(plain));
		uint8_t out[16];
		size_t n = 99;

		assert_string_equal(enc, coded);
		assert_int_equal(ar_b64url_decode(coded, strlen(coded), out, sizeof out, &n), 0);
		assert_int_equal(n, strlen(plain));
		assert_memory_equal(out, plain, n);
		free(enc);
	}
	json_decref(v);
}

static void decode_refuses_non_canonical(void **state)
{
	static const char *const bad[] = {
		"Zg==",   /* padding */
		"Zm9v+g", /* standard alphabet */
		"Zm9v/g",
		"Zh",     /* non-zero trailing bits ("f" is Zg) */
		"Z",      /* impossible length */
		"Zm 9v",  /* white space */
		"Zm9v.",
	};
	uint8_t out[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ar_b64url_decode(bad[i], strlen(bad[i]), out, sizeof out, &n), -1);
	/* and a decode that does not fit is refused, not truncated */
	assert_int_equal(ar_b64url_decode("Zm9vYmFy", 8, out, 5, &n), -1);
}

static void sha256_known_answer(void **state)
{
	char hex[65], b64[44];

	(void)state;
	/* FIPS 180-2 appendix B.1 */
	ar_sha256_hex((const uint8_t *)"abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ar_sha256_b64url((const uint8_t *)"abc", 3, b64);
	assert_string_equal(b64, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

static void uuid_normalize(void **state)
{
	char out[37], r1[37], r2[37];

	(void)state;
	assert_int_equal(ar_uuid_normalize("5C0FFEE0-1111-4222-8333-444455556666", out), 0);
	assert_string_equal(out, "5c0ffee0-1111-4222-8333-444455556666");
	assert_int_equal(ar_uuid_normalize("5c0ffee0111142228333444455556666", out), -1);
	assert_int_equal(ar_uuid_normalize("5c0ffee0-1111-4222-8333-44445555666g", out), -1);
	assert_int_equal(ar_uuid_normalize("5c0ffee0-1111-4222-8333-4444555566667", out), -1);
	ar_uuid_random(r1);
	ar_uuid_random(r2);
	assert_string_not_equal(r1, r2);
	assert_int_equal(r1[14], '4');
	assert_non_null(strchr("89ab", r1[19]));
	assert_int_equal(ar_uuid_normalize(r1, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4648_vectors),
		cmocka_unit_test(decode_refuses_non_canonical),
		cmocka_unit_test(sha256_known_answer),
		cmocka_unit_test(uuid_normalize),
	};
	return cmocka_run_group_tests_name("codec", tests, unit_setup, NULL);
}
