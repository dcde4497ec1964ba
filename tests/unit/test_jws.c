/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "codec.h"
#include "jws.h"
#include "keys.h"

static json_t *vec;

static void rfc8037_key(uint8_t sk[64], uint8_t pk[32])
{
	const char *d = json_string_value(json_object_get(json_object_get(vec, "A.1_private_jwk"), "d"));
	uint8_t seed[32];
	size_t n;

	assert_int_equal(ar_b64url_decode(d, strlen(d), seed, sizeof seed, &n), 0);
	assert_int_equal(n, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
}

/* RFC 8037 A.4 must come out byte for byte (Ed25519 is deterministic). */
static void rfc8037_a4_signature(void **state)
{
	const char *payload = json_string_value(json_object_get(vec, "A.4_payload"));
	uint8_t sk[64], pk[32];
	char *jws = NULL;
	ar_err e;

	(void)state;
	rfc8037_key(sk, pk);
	assert_int_equal(ar_jws_sign(json_string_value(json_object_get(vec, "A.4_protected_header")),
				     (const uint8_t *)payload, strlen(payload), sk, &jws, &e), AR_OK);
	assert_string_equal(jws, json_string_value(json_object_get(vec, "A.4_jws_compact")));
	free(jws);
}

static void rfc8037_a2_a3_jwk_and_thumbprint(void **state)
{
	uint8_t sk[64], pk[32];
	char kid[44];
	json_t *jwk;

	(void)state;
	rfc8037_key(sk, pk);
	jwk = ar_jwk_from_public(pk);
	assert_true(json_equal(jwk, json_object_get(vec, "A.2_public_jwk")));
	ar_jwk_thumbprint(pk, kid);
	assert_string_equal(kid, json_string_value(json_object_get(vec, "A.3_thumbprint_sha256_b64url")));
	json_decref(jwk);
}

static void rfc8037_a4_verifies(void **state)
{
	const char *compact = json_string_value(json_object_get(vec, "A.4_jws_compact"));
	uint8_t sk[64], pk[32];
	ar_jws j;
	ar_err e;

	(void)state;
	rfc8037_key(sk, pk);
	assert_int_equal(ar_jws_parse(compact, strlen(compact), &j, "a4", &e), AR_OK);
	assert_int_equal(ar_jws_verify(&j, pk, "a4", &e), AR_OK);
	assert_string_equal((char *)j.payload, "Example of Ed25519 signing");
	ar_jws_free(&j);
}

static int parse_status(const char *compact, char *msg, size_t cap)
{
	ar_jws j;
	ar_err e = { 0 };
	int rc = ar_jws_parse(compact, strlen(compact), &j, "x", &e);

	if (rc == AR_OK)
		ar_jws_free(&j);
	snprintf(msg, cap, "%s", e.msg);
	return rc;
}

static char *make(const char *header, const char *payload, const uint8_t *sk)
{
	char *out = NULL;
	ar_err e;

	assert_int_equal(ar_jws_sign(header, (const uint8_t *)payload, strlen(payload), sk, &out, &e),
			 AR_OK);
	return out;
}

static void refuses_other_algorithms_and_crit(void **state)
{
	static const char *const headers[] = {
		"{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}", "{\"alg\":\"ES256\"}",
		"{\"alg\":\"eddsa\"}", "{\"typ\":\"JWT\"}", "{\"alg\":\"EdDSA\",\"crit\":[\"exp\"],\"exp\":1}",
		"{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\"}", "[\"alg\",\"EdDSA\"]", "not json",
	};
	uint8_t sk[64], pk[32];
	char msg[512];
	size_t i;

	(void)state;
	crypto_sign_keypair(pk, sk);
	for (i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		char *t = make(headers[i], "p", sk);

		assert_int_equal(parse_status(t, msg, sizeof msg), AR_EINPUT);
		free(t);
	}
	{
		char *t = make("{\"alg\":\"none\"}", "p", sk);

		parse_status(t, msg, sizeof msg);
		assert_string_equal(msg, "JWS algorithm \"none\" refused (only EdDSA)");
		free(t);
	}
}

static void refuses_malformed_compact(void **state)
{
	uint8_t sk[64], pk[32];
	char msg[512], buf[1024];
	char *good;

	(void)state;
	crypto_sign_keypair(pk, sk);
	good = make("{\"alg\":\"EdDSA\"}", "hello", sk);
	assert_int_equal(parse_status(good, msg, sizeof msg), AR_OK);
	assert_int_equal(parse_status("a.b", msg, sizeof msg), AR_EINPUT);
	snprintf(buf, sizeof buf, "%s.x", good);
	assert_int_equal(parse_status(buf, msg, sizeof msg), AR_EINPUT);
	snprintf(buf, sizeof buf, "%s==", good); /* padded signature */
	assert_int_equal(parse_status(buf, msg, sizeof msg), AR_EINPUT);
	snprintf(buf, sizeof buf, "%.*sAA", (int)strlen(good) - 2, good); /* 64 bytes but altered */
	assert_int_equal(parse_status(buf, msg, sizeof msg), AR_OK);
	buf[strlen(good) - 10] = '\0'; /* signature too short */
	assert_int_equal(parse_status(buf, msg, sizeof msg), AR_EINPUT);
	free(good);
}

static void verify_refuses_tampering_and_other_keys(void **state)
{
	uint8_t sk[64], pk[32], sk2[64], pk2[32];
	char *t;
	ar_jws j;
	ar_err e;
	size_t i;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	t = make("{\"alg\":\"EdDSA\"}", "hello", sk);
	assert_int_equal(ar_jws_parse(t, strlen(t), &j, "x", &e), AR_OK);
	assert_int_equal(ar_jws_verify(&j, pk2, "x", &e), AR_EINPUT);
	assert_string_equal(e.msg, "bad signature");
	ar_jws_free(&j);
	/* every single-character change in the payload segment breaks the signature */
	for (i = strcspn(t, ".") + 1; t[i] != '.'; i++) {
		char saved = t[i];

		t[i] = saved == 'A' ? 'B' : 'A';
		if (ar_jws_parse(t, strlen(t), &j, "x", &e) == AR_OK) {
			assert_int_equal(ar_jws_verify(&j, pk, "x", &e), AR_EINPUT);
			ar_jws_free(&j);
		}
		t[i] = saved;
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc8037_a4_signature),
		cmocka_unit_test(rfc8037_a2_a3_jwk_and_thumbprint),
		cmocka_unit_test(rfc8037_a4_verifies),
		cmocka_unit_test(refuses_other_algorithms_and_crit),
		cmocka_unit_test(refuses_malformed_compact),
		cmocka_unit_test(verify_refuses_tampering_and_other_keys),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	vec = load_testdata_json("vectors/rfc8037.json");
	rc = cmocka_run_group_tests_name("jws", tests, NULL, NULL);
	json_decref(vec);
	return rc;
}
