/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <time.h>
#include <zlib.h>

#include "ar_limits.h"
#include "deflate.h"

/* Raw DEFLATE of n zero bytes, made with zlib directly (not our code). */
static uint8_t *zlib_raw_zeros(size_t n, size_t *out_len)
{
	uint8_t *zeros = calloc(1, n), *out = malloc(n / 100 + 1024);
	z_stream zs = { 0 };

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = zeros;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)(n / 100 + 1024);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	free(zeros);
	return out;
}

static void round_trip(void **state)
{
	const char *text = "{\"hosts\":[{\"name\":\"a\"},{\"name\":\"a\"},{\"name\":\"a\"}]}";
	uint8_t *packed, *back;
	size_t plen, blen;
	ar_err e;

	(void)state;
	assert_int_equal(ar_deflate((const uint8_t *)text, strlen(text), &packed, &plen, &e), AR_OK);
	assert_true(plen < strlen(text));
	assert_int_equal(ar_inflate(packed, plen, 1000, &back, &blen, "t", &e), AR_OK);
	assert_int_equal(blen, strlen(text));
	assert_memory_equal(back, text, blen);
	free(packed);
	free(back);
}

static void cap_is_exact(void **state)
{
	size_t zlen, blen;
	uint8_t *z = zlib_raw_zeros(AR_MAX_INFLATED_BYTES, &zlen), *back = NULL;
	ar_err e;

	(void)state;
	assert_int_equal(ar_inflate(z, zlen, AR_MAX_INFLATED_BYTES, &back, &blen, "t", &e), AR_OK);
	assert_int_equal(blen, AR_MAX_INFLATED_BYTES);
	free(back);
	free(z);
	z = zlib_raw_zeros(AR_MAX_INFLATED_BYTES + 1, &zlen);
	assert_int_equal(ar_inflate(z, zlen, AR_MAX_INFLATED_BYTES, &back, &blen, "t", &e),
			 AR_EINPUT);
	assert_string_equal(e.msg, "payload inflates to more than 1048576 bytes (refused)");
	free(z);
}

/* A bomb: 64 KiB of input that would inflate to about 64 MiB. */
static void bomb_refused_at_the_cap(void **state)
{
	size_t zlen, blen;
	uint8_t *z = zlib_raw_zeros(64u << 20, &zlen), *back = NULL;
	clock_t t0 = clock();
	ar_err e;

	(void)state;
	assert_true(zlen < AR_MAX_FILE_BYTES);
	assert_int_equal(ar_inflate(z, zlen, AR_MAX_INFLATED_BYTES, &back, &blen, "t", &e),
			 AR_EINPUT);
	assert_null(back);
	/* not a timing assertion: a guard that we stopped at the cap, not at 64 MiB */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	free(z);
}

static void refuses_corrupt_truncated_and_trailing(void **state)
{
	const char *text = "hello hello hello hello";
	uint8_t *packed, *back = NULL, *longer;
	size_t plen, blen;
	ar_err e;

	(void)state;
	assert_int_equal(ar_deflate((const uint8_t *)text, strlen(text), &packed, &plen, &e), AR_OK);
	assert_int_equal(ar_inflate(packed, plen - 2, 1000, &back, &blen, "t", &e), AR_EINPUT);
	assert_string_equal(e.msg, "payload is not valid DEFLATE data (truncated)");
	longer = malloc(plen + 3);
	memcpy(longer, packed, plen);
	memcpy(longer + plen, "xyz", 3);
	assert_int_equal(ar_inflate(longer, plen + 3, 1000, &back, &blen, "t", &e), AR_EINPUT);
	assert_string_equal(e.msg, "junk after the compressed payload");
	assert_int_equal(ar_inflate((const uint8_t *)"\xff\xff\xff\xff", 4, 1000, &back, &blen, "t",
				    &e), AR_EINPUT);
	assert_int_equal(ar_inflate((const uint8_t *)"", 0, 1000, &back, &blen, "t", &e), AR_EINPUT);
	free(packed);
	free(longer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(cap_is_exact),
		cmocka_unit_test(bomb_refused_at_the_cap),
		cmocka_unit_test(refuses_corrupt_truncated_and_trailing),
	};
	return cmocka_run_group_tests_name("deflate", tests, NULL, NULL);
}
