/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's rotation statement (common/rotation.c): what the builder writes is read
 * back; anything but that exact shape, or a signature that does not hold with the key the
 * statement carries for it, is refused; a chain goes up one version at a time, each key
 * replacing the one before. */
#include "testutil.h"

#include "codec.h"
#include "jws.h"
#include "keys.h"
#include "rotation.h"

static ar_keypair k1, k2, k3, k4;

static int setup(void **state)
{
	ar_err e;

	(void)state;
	if (sodium_init() < 0 || ar_keypair_generate(&k1, &e) != AR_OK ||
	    ar_keypair_generate(&k2, &e) != AR_OK || ar_keypair_generate(&k3, &e) != AR_OK ||
	    ar_keypair_generate(&k4, &e) != AR_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ar_keypair_free(&k1);
	ar_keypair_free(&k2);
	ar_keypair_free(&k3);
	ar_keypair_free(&k4);
	return 0;
}

static char *build(long long version, const ar_keypair *from, const ar_keypair *to)
{
	ar_signer a, b;
	char *out = NULL;
	ar_err e;

	ar_signer_of_secret(&a, from->sk);
	ar_signer_of_secret(&b, to->sk);
	assert_int_equal(ar_rotation_build(version, 1796000000, &a, &b, &out, &e), AR_OK);
	return out;
}

/* decode text as one statement; the status, and e for the reason */
static int decode(const char *text, ar_rotation *r, ar_err *e)
{
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	int rc;

	assert_non_null(doc);
	rc = ar_rotation_decode(doc, r, "st", e);
	json_decref(doc);
	return rc;
}

static void refused(const char *text, const char *reason)
{
	ar_rotation r;
	ar_err e;

	assert_int_equal(decode(text, &r, &e), AR_EINPUT);
	if (!strstr(e.msg, reason))
		fail_msg("reason \"%s\" lacks \"%s\"", e.msg, reason);
}

/* A statement made by hand: payload and each signature's header given as JSON text. */
static char *forge(const char *payload, const char *h1, const ar_keypair *s1, const char *h2,
		   const ar_keypair *s2)
{
	char *c1 = NULL, *c2 = NULL, *out = malloc(8192);
	ar_err e;

	assert_int_equal(ar_jws_sign(h1, (const uint8_t *)payload, strlen(payload), s1->sk, &c1,
				     &e), AR_OK);
	assert_int_equal(ar_jws_sign(h2, (const uint8_t *)payload, strlen(payload), s2->sk, &c2,
				     &e), AR_OK);
	*strchr(c1, '.') = '\0';
	*strchr(c2, '.') = '\0';
	snprintf(out, 8192, "{\"payload\":\"%.*s\",\"signatures\":[{\"protected\":\"%s\","
		 "\"signature\":\"%s\"},{\"protected\":\"%s\",\"signature\":\"%s\"}]}",
		 (int)(strchr(c1 + strlen(c1) + 1, '.') - (c1 + strlen(c1) + 1)),
		 c1 + strlen(c1) + 1, c1, strrchr(c1 + strlen(c1) + 1, '.') + 1, c2,
		 strrchr(c2 + strlen(c2) + 1, '.') + 1);
	free(c1);
	free(c2);
	return out;
}

static char *header(const ar_keypair *k, const char *typ)
{
	char kid[AR_THUMBPRINT_CHARS + 1], *h = malloc(256);

	ar_jwk_thumbprint(k->pk, kid);
	snprintf(h, 256, "{\"alg\":\"EdDSA\",\"typ\":\"%s\",\"kid\":\"%s\"}", typ, kid);
	return h;
}

static char *claims(long long version, const ar_keypair *from, const ar_keypair *to,
		    const char *extra)
{
	char *x1 = ar_b64url_encode(from->pk, 32), *x2 = ar_b64url_encode(to->pk, 32);
	char *c = malloc(512);

	snprintf(c, 512, "{\"version\":%lld,\"previousKey\":{\"crv\":\"Ed25519\",\"kty\":\"OKP\","
		 "\"x\":\"%s\"},\"key\":{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"},"
		 "\"issuedAt\":1796000000%s}", version, x1, x2, extra);
	free(x1);
	free(x2);
	return c;
}

/* compact text of doc, which is released */
static char *dump(json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	assert_non_null(s);
	return s;
}

static void round_trip(void **state)
{
	char *text = build(2, &k1, &k2), kid1[AR_THUMBPRINT_CHARS + 1], kid2[44];
	ar_rotation r;
	ar_err e;

	(void)state;
	assert_int_equal(decode(text, &r, &e), AR_OK);
	ar_jwk_thumbprint(k1.pk, kid1);
	ar_jwk_thumbprint(k2.pk, kid2);
	assert_int_equal(r.version, 2);
	assert_int_equal(r.issued_at, 1796000000);
	assert_string_equal(r.previous_kid, kid1);
	assert_string_equal(r.kid, kid2);
	assert_memory_equal(r.pk, k2.pk, 32);
	assert_string_equal(r.text, text);
	ar_rotation_free(&r);
	free(text);
}

/* the same statement with its members in another order is the same statement */
static void member_order(void **state)
{
	char *text = build(2, &k1, &k2), *swapped = malloc(strlen(text) + 8), *sigs;
	json_t *doc = json_loads(text, 0, NULL);
	ar_rotation r;
	ar_err e;

	(void)state;
	sigs = json_dumps(json_object_get(doc, "signatures"), JSON_COMPACT);
	snprintf(swapped, strlen(text) + 8, "{\"signatures\":%s,\"payload\":\"%s\"}", sigs,
		 json_string_value(json_object_get(doc, "payload")));
	free(sigs);
	assert_int_equal(decode(swapped, &r, &e), AR_OK);
	assert_string_equal(r.text, text);
	ar_rotation_free(&r);
	json_decref(doc);
	free(swapped);
	free(text);
}

static void shapes_refused(void **state)
{
	char *text = build(2, &k1, &k2);
	json_t *doc = json_loads(text, 0, NULL), *sigs = json_object_get(doc, "signatures");
	char *s;

	(void)state;
	refused("[]", "not a rotation statement");
	refused("{\"payload\":\"e30\"}", "signatures");
	/* one signature, three, swapped, an unprotected header, an extra member */
	s = dump(json_pack("{s:O, s:[O]}", "payload", json_object_get(doc, "payload"),
			   "signatures", json_array_get(sigs, 0)));
	refused(s, "has 1 signatures, not 2");
	free(s);
	s = dump(json_pack("{s:O, s:[O, O, O]}", "payload", json_object_get(doc, "payload"),
			   "signatures", json_array_get(sigs, 0), json_array_get(sigs, 1),
			   json_array_get(sigs, 1)));
	refused(s, "has 3 signatures, not 2");
	free(s);
	s = dump(json_pack("{s:O, s:[O, O]}", "payload", json_object_get(doc, "payload"),
			   "signatures", json_array_get(sigs, 1), json_array_get(sigs, 0)));
	refused(s, "signature 1 does not name its previous key");
	free(s);
	json_object_set_new(json_array_get(sigs, 0), "header", json_pack("{s:s}", "kid", "x"));
	s = json_dumps(doc, JSON_COMPACT);
	refused(s, "unknown field \"header\"");
	free(s);
	json_object_del(json_array_get(sigs, 0), "header");
	json_object_set_new(doc, "extra", json_true());
	s = json_dumps(doc, JSON_COMPACT);
	refused(s, "unknown field \"extra\" in rotation statement");
	free(s);
	json_decref(doc);
	free(text);
}

static void claims_refused(void **state)
{
	char *h1 = header(&k1, AR_TYP_ROTATION), *h2 = header(&k2, AR_TYP_ROTATION);
	char *h3 = header(&k3, AR_TYP_ROTATION), *hr = header(&k2, AR_TYP_REMOVAL_RECEIPT);
	char *c, *s;

	(void)state;
	c = claims(2, &k1, &k2, "");
	s = forge(c, h1, &k1, h2, &k2);
	{
		ar_rotation r;
		ar_err e;

		assert_int_equal(decode(s, &r, &e), AR_OK); /* the forge makes what build makes */
		ar_rotation_free(&r);
	}
	free(s);
	s = forge(c, h1, &k1, h2, &k3); /* the new key's signature made by another key */
	refused(s, "the new key's signature does not verify");
	free(s);
	s = forge(c, h1, &k3, h2, &k2);
	refused(s, "the previous key's signature does not verify");
	free(s);
	s = forge(c, h1, &k1, h3, &k3);
	refused(s, "signature 2 does not name its new key");
	free(s);
	s = forge(c, h1, &k1, hr, &k2);
	refused(s, "not a rotation statement (typ is \"airreg-removal-receipt\")");
	free(s);
	free(c);
	c = claims(1, &k1, &k2, "");
	s = forge(c, h1, &k1, h2, &k2);
	refused(s, "version");
	free(s);
	free(c);
	c = claims(2, &k1, &k2, ",\"zip\":\"DEF\"");
	s = forge(c, h1, &k1, h2, &k2);
	refused(s, "unknown field \"zip\" in rotation statement claims");
	free(s);
	free(c);
	c = claims(2, &k1, &k1, "");
	s = forge(c, h1, &k1, h1, &k1);
	refused(s, "new key is its previous key");
	free(s);
	free(c);
	free(h1);
	free(h2);
	free(h3);
	free(hr);
}

static int chain(const char *text, ar_rotation **out, size_t *n, ar_err *e)
{
	return ar_rotation_decode_chain(text, strlen(text), out, n, "chain", e);
}

static void chains(void **state)
{
	char *s2 = build(2, &k1, &k2), *s3 = build(3, &k2, &k3), *s4 = build(4, &k3, &k4);
	char *s3x = build(3, &k1, &k3), *text, buf[16384];
	const char *texts[3] = { s2, s3, s4 };
	ar_rotation *c = NULL;
	size_t n = 0, i;
	ar_err e;

	(void)state;
	text = ar_rotation_chain_join(texts, 3);
	assert_int_equal(chain(text, &c, &n, &e), AR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(c[2].version, 4);
	assert_memory_equal(c[2].pk, k4.pk, 32);
	free(text);
	text = ar_rotation_chain_text(c, n);
	snprintf(buf, sizeof buf, "[\n%s,\n%s,\n%s\n]\n", s2, s3, s4);
	assert_string_equal(text, buf);
	free(text);
	ar_rotation_free_chain(c, n);
	/* one statement alone is a chain of one */
	assert_int_equal(chain(s3, &c, &n, &e), AR_OK);
	assert_int_equal(n, 1);
	ar_rotation_free_chain(c, n);
	snprintf(buf, sizeof buf, "[%s,%s]", s2, s4);
	assert_int_equal(chain(buf, &c, &n, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "chain statement 2 of 2: rotation statement version 4 "
				      "follows version 2"));
	snprintf(buf, sizeof buf, "[%s,%s]", s2, s3x);
	assert_int_equal(chain(buf, &c, &n, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "not key"));
	assert_int_equal(chain("[]", &c, &n, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "an empty chain"));
	assert_int_equal(chain("[1", &c, &n, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "not JSON"));
	assert_int_equal(chain("\"x\"", &c, &n, &e), AR_EINPUT);
	text = malloc((size_t)(AR_MAX_ROTATIONS + 1) * 3 + 4);
	text[0] = '[';
	for (i = 0; i <= AR_MAX_ROTATIONS; i++)
		memcpy(text + 1 + i * 3, "{},", 3);
	text[(AR_MAX_ROTATIONS + 1) * 3] = ']';
	text[(AR_MAX_ROTATIONS + 1) * 3 + 1] = '\0';
	assert_int_equal(chain(text, &c, &n, &e), AR_EINPUT);
	assert_non_null(strstr(e.msg, "at most"));
	free(text);
	free(s2);
	free(s3);
	free(s4);
	free(s3x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(member_order),
		cmocka_unit_test(shapes_refused),
		cmocka_unit_test(claims_refused),
		cmocka_unit_test(chains),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
