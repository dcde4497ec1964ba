/* SPDX-License-Identifier: Apache-2.0 */
/* The removal receipt (common/receipt.c): what the stamp signs and the registrar verifies
 * with the stamp key it holds on record, found by the registration the receipt names. */
#include "testutil.h"

#include "codec.h"
#include "jws.h"
#include "receipt.h"

static ar_keypair stamp, other;

typedef struct {
	const ar_keypair *key; /* the key on record; NULL: no such registration */
	char asked[80];
} record;

static int lookup(void *ctx, const char *registration, const char *kid,
		  uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	record *r = ctx;
	char on_record[AR_THUMBPRINT_CHARS + 1];

	snprintf(r->asked, sizeof r->asked, "%s", registration);
	if (!r->key)
		return ar_fail(e, AR_EINPUT, "receipt", "RegistrationNotFound");
	ar_jwk_thumbprint(r->key->pk, on_record);
	if (strcmp(kid, on_record) != 0)
		return ar_fail(e, AR_EINPUT, "receipt", "another stamp key");
	memcpy(pk, r->key->pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

static char *make_receipt(const ar_keypair *key, long long serial, long long high)
{
	ar_receipt_params p = { "east", "5c0ffee0-1111-4222-8333-444455556666",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", serial, high,
		1763779200 };
	ar_err e;
	json_t *c = ar_receipt_claims(&p, &e);
	char *compact = NULL;

	assert_non_null(c);
	assert_int_equal(ar_receipt_encode(c, key, &compact, &e), AR_OK);
	json_decref(c);
	return compact;
}

static int decode(const char *text, const ar_keypair *on_record, ar_receipt *r, ar_err *e)
{
	record rec = { on_record, "" };

	return ar_receipt_decode(text, strlen(text), lookup, &rec, r, "receipt", e);
}

static void round_trip(void **state)
{
	char *text = make_receipt(&stamp, 3, 3), kid[AR_THUMBPRINT_CHARS + 1], hex[65];
	ar_receipt r;
	ar_err e;

	(void)state;
	/* one QR code holds it with room to spare */
	assert_true(strlen(text) < 1024);
	assert_int_equal(decode(text, &stamp, &r, &e), AR_OK);
	assert_string_equal(ar_receipt_text(&r, "registration"), "east");
	assert_string_equal(ar_receipt_text(&r, "cloudId"), "5c0ffee0-1111-4222-8333-444455556666");
	assert_int_equal(ar_receipt_int(&r, "serial"), 3);
	assert_int_equal(ar_receipt_int(&r, "highWater"), 3);
	assert_int_equal(ar_receipt_int(&r, "removedAt"), 1763779200);
	assert_int_equal(strlen(ar_receipt_text(&r, "jti")), 36);
	ar_jwk_thumbprint(stamp.pk, kid);
	assert_string_equal(r.kid, kid);
	ar_sha256_hex((const uint8_t *)text, strlen(text), hex);
	assert_string_equal(r.sha256_hex, hex);
	ar_receipt_free(&r);
	free(text);
}

static void fresh_id_each_time(void **state)
{
	char *a = make_receipt(&stamp, 1, 1), *b = make_receipt(&stamp, 1, 1);
	ar_receipt ra, rb;
	ar_err e;

	(void)state;
	assert_int_equal(decode(a, &stamp, &ra, &e), AR_OK);
	assert_int_equal(decode(b, &stamp, &rb, &e), AR_OK);
	assert_string_not_equal(ar_receipt_text(&ra, "jti"), ar_receipt_text(&rb, "jti"));
	ar_receipt_free(&ra);
	ar_receipt_free(&rb);
	free(a);
	free(b);
}

static void other_key_refused(void **state)
{
	char *text = make_receipt(&other, 1, 1);
	ar_receipt r;
	ar_err e;

	(void)state;
	/* signed by another stamp: its kid is not the one on record */
	assert_int_equal(decode(text, &stamp, &r, &e), AR_EINPUT);
	assert_string_equal(e.msg, "another stamp key");
	assert_null(r.claims);
	free(text);
}

/* A receipt whose header claims the key on record but was signed by another */
static void forged_signature_refused(void **state)
{
	char *text = make_receipt(&stamp, 1, 1);
	char *forged_sig, *dot = strrchr(text, '.');
	uint8_t sig[AR_ED25519_SIG_BYTES];
	ar_receipt r;
	ar_err e;

	(void)state;
	crypto_sign_detached(sig, NULL, (const uint8_t *)text, (size_t)(dot - text), other.sk);
	forged_sig = ar_b64url_encode(sig, sizeof sig);
	assert_int_equal(strlen(forged_sig), strlen(dot + 1));
	memcpy(dot + 1, forged_sig, strlen(forged_sig));
	assert_int_equal(decode(text, &stamp, &r, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "signature"));
	free(forged_sig);
	free(text);
}

/* The claims edited (serial 1 to 2) and re-encoded: the signature no longer holds */
static void edited_refused(void **state)
{
	char *text = make_receipt(&stamp, 1, 5), *first = strchr(text, '.') + 1;
	char *second = strchr(first, '.');
	size_t n = 0, blen = (size_t)(second - first);
	uint8_t *json = malloc(blen);
	char *edited, *b64, *serial;
	ar_receipt r;
	ar_err e;

	(void)state;
	assert_int_equal(ar_b64url_decode(first, blen, json, blen, &n), 0);
	edited = strndup((const char *)json, n);
	serial = strstr(edited, "\"serial\":1");
	assert_non_null(serial);
	serial[9] = '2';
	b64 = ar_b64url_encode((const uint8_t *)edited, n);
	assert_int_equal(strlen(b64), blen);
	memcpy(first, b64, blen);
	assert_int_equal(decode(text, &stamp, &r, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "signature"));
	free(b64);
	free(edited);
	free(json);
	free(text);
}

static void truncated_refused(void **state)
{
	char *text = make_receipt(&stamp, 1, 1);
	ar_receipt r;
	ar_err e;

	(void)state;
	assert_int_equal(ar_receipt_decode(text, strlen(text) - 10, lookup,
					   &(record){ &stamp, "" }, &r, "receipt", &e), AR_EINPUT);
	assert_int_equal(ar_receipt_decode(text, (size_t)(strchr(text, '.') - text), lookup,
					   &(record){ &stamp, "" }, &r, "receipt", &e), AR_EINPUT);
	free(text);
}

static void unknown_registration_refused(void **state)
{
	char *text = make_receipt(&stamp, 1, 1);
	record rec = { NULL, "" };
	ar_receipt r;
	ar_err e;

	(void)state;
	assert_int_equal(ar_receipt_decode(text, strlen(text), lookup, &rec, &r, "receipt", &e),
			 AR_EINPUT);
	assert_string_equal(e.msg, "RegistrationNotFound");
	assert_string_equal(rec.asked, "east");
	free(text);
}

/* Claims a stamp never writes, each signed with the right key: refused by their content */
static void bad_claims_refused(void **state)
{
	static const struct {
		const char *set, *msg;
	} cases[] = {
		{ "{\"extra\":1}", "unknown field \"extra\" in receipt claims" },
		{ "{\"version\":2}", "receipt format version 2 not supported" },
		{ "{\"serial\":0}", NULL },
		{ "{\"highWater\":1,\"serial\":2}", "receipt's \"highWater\" 1 is below its \"serial\" 2" },
		{ "{\"activationKeySha256\":\"ABC\"}",
		  "receipt field \"activationKeySha256\" is not a SHA-256 in lowercase hex" },
		{ "{\"registration\":\"\"}", "receipt field \"registration\" is empty" },
		{ "{\"registration\":\"a\\u001bb\"}", NULL },
		{ "{\"cloudId\":\"not-a-uuid\"}", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ar_receipt_params p = { "east", "5c0ffee0-1111-4222-8333-444455556666",
			"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 1, 1,
			1763779200 };
		ar_err e;
		json_t *c = ar_receipt_claims(&p, &e), *set = json_loads(cases[i].set, 0, NULL);
		char *text = NULL;
		ar_receipt r;

		assert_non_null(set);
		json_object_update(c, set);
		assert_int_equal(ar_receipt_encode(c, &stamp, &text, &e), AR_OK);
		assert_int_equal(decode(text, &stamp, &r, &e), AR_EINPUT);
		if (cases[i].msg)
			assert_string_equal(e.msg, cases[i].msg);
		json_decref(set);
		json_decref(c);
		free(text);
	}
}

static int setup(void **state)
{
	ar_err e;

	(void)state;
	if (sodium_init() < 0 || ar_keypair_generate(&stamp, &e) != AR_OK ||
	    ar_keypair_generate(&other, &e) != AR_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ar_keypair_free(&stamp);
	ar_keypair_free(&other);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(fresh_id_each_time),
		cmocka_unit_test(other_key_refused),
		cmocka_unit_test(forged_signature_refused),
		cmocka_unit_test(edited_refused),
		cmocka_unit_test(truncated_refused),
		cmocka_unit_test(unknown_registration_refused),
		cmocka_unit_test(bad_claims_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
