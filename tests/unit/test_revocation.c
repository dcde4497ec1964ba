/* SPDX-License-Identifier: Apache-2.0 */
/* The revocation list (common/revocation.c): what the registrar signs and a stamp verifies
 * with an issuer key it trusts, the entries it reads, and the rule that a newer list never
 * lifts a revocation an older one holds. */
#include "testutil.h"

#include "codec.h"
#include "jws.h"
#include "keys.h"
#include "revocation.h"

#define CLOUD "5c0ffee0-1111-4222-8333-444455556666"

static ar_keypair issuer, other;

/* ctx: the one key trusted (NULL: none) */
static int lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	const ar_keypair *k = ctx;
	char trusted[AR_THUMBPRINT_CHARS + 1];

	if (!k)
		return ar_fail(e, AR_EINPUT, NULL, "not trusted");
	ar_jwk_thumbprint(k->pk, trusted);
	if (strcmp(kid, trusted) != 0)
		return ar_fail(e, AR_EINPUT, NULL, "not trusted");
	memcpy(pk, k->pk, AR_ED25519_PK_BYTES);
	return AR_OK;
}

/* A list signed by key, from claims JSON text. NULL when encode refuses (e says why). */
static char *make(const ar_keypair *key, const char *claims_json, ar_err *e)
{
	json_t *c = json_loads(claims_json, JSON_REJECT_DUPLICATES, NULL);
	ar_signer s;
	char *text = NULL;

	assert_non_null(c);
	ar_signer_of_secret(&s, key->sk);
	if (ar_revocation_encode(c, &s, &text, e) != AR_OK)
		text = NULL;
	json_decref(c);
	return text;
}

static char *list(const char *keys, const char *acts, long long version)
{
	char buf[2048];
	ar_err e;
	char *t;

	snprintf(buf, sizeof buf, "{\"version\":%lld,\"issuedAt\":1763779200,\"issuerKeys\":[%s],"
		 "\"activations\":[%s]}", version, keys, acts);
	t = make(&issuer, buf, &e);
	if (!t)
		fail_msg("encode refused: %s", e.msg);
	return t;
}

#define EAST(S) "{\"registration\":\"east\",\"cloudId\":\"" CLOUD "\",\"serialsUpTo\":" #S \
	",\"revokedAt\":1763779200}"

static void round_trip(void **state)
{
	char *text = list("", EAST(3), 1), kid[AR_THUMBPRINT_CHARS + 1], hex[65];
	ar_revocation l;
	ar_err e;

	(void)state;
	assert_int_equal(ar_revocation_decode(text, strlen(text), lookup, &issuer, &l, "l", &e),
			 AR_OK);
	assert_int_equal(l.version, 1);
	ar_jwk_thumbprint(issuer.pk, kid);
	assert_string_equal(l.kid, kid);
	ar_sha256_hex((const uint8_t *)text, strlen(text), hex);
	assert_string_equal(l.sha256_hex, hex);
	assert_int_equal(ar_revocation_serials_up_to(&l, "east", CLOUD), 3);
	/* another CloudId under the name, or another name: not revoked */
	assert_int_equal(ar_revocation_serials_up_to(&l, "east", "00000000-0000-4000-8000-000000000000"), 0);
	assert_int_equal(ar_revocation_serials_up_to(&l, "west", CLOUD), 0);
	assert_false(ar_revocation_issuer_revoked(&l, kid));
	/* plain claims: the payload is the JSON itself (no zip) */
	assert_null(strstr(text, "zip"));
	ar_revocation_free(&l);
	free(text);
}

static void untrusted_and_forged_refused(void **state)
{
	char *text = list("", EAST(1), 1), *dot = strrchr(text, '.');
	ar_revocation l;
	ar_err e;

	(void)state;
	assert_int_equal(ar_revocation_decode(text, strlen(text), lookup, &other, &l, "l", &e),
			 AR_EINPUT);
	assert_string_equal(e.where, "l");
	assert_null(l.claims);
	/* one character of the signature changed */
	dot[5] = dot[5] == 'A' ? 'B' : 'A';
	assert_int_equal(ar_revocation_decode(text, strlen(text), lookup, &issuer, &l, "l", &e),
			 AR_EINPUT);
	/* unverified (a held list): only the shape is checked */
	assert_int_equal(ar_revocation_decode(text, strlen(text), NULL, NULL, &l, "l", &e), AR_OK);
	ar_revocation_free(&l);
	free(text);
}

/* Another JWS of the issuer's (a rotation statement's typ, none) is no list, however signed. */
static void other_typ_refused(void **state)
{
	static const char *const typs[] = { "\"typ\":\"airreg-issuer-rotation\",", "" };
	const char *claims = "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[]}";
	char kid[AR_THUMBPRINT_CHARS + 1], header[160], *text = NULL;
	ar_revocation l;
	ar_err e;
	size_t i;

	(void)state;
	ar_jwk_thumbprint(issuer.pk, kid);
	for (i = 0; i < sizeof typs / sizeof typs[0]; i++) {
		snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",%s\"kid\":\"%s\"}", typs[i],
			 kid);
		assert_int_equal(ar_jws_sign(header, (const uint8_t *)claims, strlen(claims),
					     issuer.sk, &text, &e), AR_OK);
		assert_int_equal(ar_revocation_decode(text, strlen(text), lookup, &issuer, &l, "l",
						      &e), AR_EINPUT);
		assert_non_null(strstr(e.msg, "not a revocation list"));
		free(text);
	}
}

static void signed_by_a_key_it_revokes(void **state)
{
	char kid[AR_THUMBPRINT_CHARS + 3], *text;
	ar_revocation l;
	ar_err e;

	(void)state;
	ar_jwk_thumbprint(issuer.pk, kid + 1);
	kid[0] = '"';
	strcat(kid, "\"");
	text = list(kid, "", 2);
	assert_int_equal(ar_revocation_decode(text, strlen(text), lookup, &issuer, &l, "l", &e),
			 AR_EINPUT);
	assert_non_null(strstr(e.msg, "which it revokes"));
	free(text);
}

/* Claims the registrar never writes: encode refuses them, so decode never meets them signed
 * by the registrar; each would be refused by a stamp for the same reason. */
static void bad_claims_refused(void **state)
{
	static const struct {
		const char *claims, *msg;
	} cases[] = {
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[],\"x\":1}",
		  "unknown field \"x\" in revocation list claims" },
		{ "{\"version\":0,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[]}", NULL },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[]}", NULL },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[\"abc\"],\"activations\":[]}",
		  "revocation list \"issuerKeys[0]\" is not a key thumbprint" },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[1],\"activations\":[]}",
		  "revocation list \"issuerKeys[0]\" is not a key thumbprint" },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[" EAST(1) ","
		  EAST(2) "]}", "revocation list names registration east twice" },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[{\"registration\":"
		  "\"east\",\"cloudId\":\"" CLOUD "\",\"serialsUpTo\":0,\"revokedAt\":1}]}", NULL },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[{\"registration\":"
		  "\"\",\"cloudId\":\"" CLOUD "\",\"serialsUpTo\":1,\"revokedAt\":1}]}",
		  "revocation list \"activations[0]\" has an empty \"registration\"" },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[7]}",
		  "revocation list \"activations[0]\" is not an object" },
		{ "{\"version\":1,\"issuedAt\":1,\"issuerKeys\":[],\"activations\":[{\"registration\":"
		  "\"e\\u001bst\",\"cloudId\":\"" CLOUD "\",\"serialsUpTo\":1,\"revokedAt\":1}]}", NULL },
	};
	size_t i;
	ar_err e;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t = make(&issuer, cases[i].claims, &e);

		if (t)
			fail_msg("case %zu signed", i);
		assert_int_equal(e.status, AR_EINPUT);
		if (cases[i].msg)
			assert_string_equal(e.msg, cases[i].msg);
	}
}

static void keeps_every_entry(void **state)
{
	char k1[AR_THUMBPRINT_CHARS + 3];
	char *held_t, *same, *higher, *lower, *dropped, *no_key;
	ar_revocation held, l;
	ar_err e;

	(void)state;
	ar_jwk_thumbprint(other.pk, k1 + 1);
	k1[0] = '"';
	strcat(k1, "\"");
	held_t = list(k1, EAST(3), 2);
	same = list(k1, EAST(3), 3);
	higher = list(k1, EAST(5), 4);
	lower = list(k1, EAST(2), 4);
	dropped = list(k1, "", 4);
	no_key = list("", EAST(3), 4);
	assert_int_equal(ar_revocation_decode(held_t, strlen(held_t), NULL, NULL, &held, "h", &e),
			 AR_OK);
#define KEEPS(T, WANT) do { \
		assert_int_equal(ar_revocation_decode(T, strlen(T), lookup, &issuer, &l, "l", &e), \
				 AR_OK); \
		assert_int_equal(ar_revocation_keeps(&l, &held, "l", &e), WANT); \
		ar_revocation_free(&l); \
	} while (0)
	KEEPS(same, AR_OK);
	KEEPS(higher, AR_OK);
	KEEPS(lower, AR_EINPUT);
	assert_non_null(strstr(e.msg, "drops or lowers the revocation of east (serials up to 3"));
	KEEPS(dropped, AR_EINPUT);
	KEEPS(no_key, AR_EINPUT);
	assert_non_null(strstr(e.msg, "drops issuer key"));
#undef KEEPS
	ar_revocation_free(&held);
	free(held_t);
	free(same);
	free(higher);
	free(lower);
	free(dropped);
	free(no_key);
}

/* At the limits, every name at its longest, a list fits the 64 KiB a stamp reads. */
static void largest_list_fits(void **state)
{
	json_t *c = json_pack("{s:I, s:I, s:[], s:[]}", "version", (json_int_t)AR_MAX_SERIAL,
			      "issuedAt", (json_int_t)AR_MAX_TIMESTAMP, "issuerKeys", "activations");
	json_t *keys = json_object_get(c, "issuerKeys"), *acts = json_object_get(c, "activations");
	ar_signer s;
	char *text = NULL, name[AR_MAX_NAME_CHARS + 1], kid[AR_THUMBPRINT_CHARS + 1];
	ar_err e;
	int i;

	(void)state;
	for (i = 0; i < AR_REVOCATION_MAX_ISSUER_KEYS; i++) {
		uint8_t pk[AR_ED25519_PK_BYTES];

		randombytes_buf(pk, sizeof pk);
		ar_jwk_thumbprint(pk, kid);
		json_array_append_new(keys, json_string(kid));
	}
	for (i = 0; i < AR_REVOCATION_MAX_ACTIVATIONS; i++) {
		memset(name, 'n', AR_MAX_NAME_CHARS);
		snprintf(name + AR_MAX_NAME_CHARS - 4, 5, "%04d", i);
		json_array_append_new(acts, json_pack("{s:s, s:s, s:I, s:I}", "registration", name,
						      "cloudId", CLOUD, "serialsUpTo",
						      (json_int_t)AR_MAX_SERIAL, "revokedAt",
						      (json_int_t)AR_MAX_TIMESTAMP));
	}
	ar_signer_of_secret(&s, issuer.sk);
	assert_int_equal(ar_revocation_encode(c, &s, &text, &e), AR_OK);
	assert_true(strlen(text) <= AR_MAX_FILE_BYTES);
	free(text);
	/* one more is refused by encode, so the registrar never signs it */
	json_array_append_new(acts, json_pack("{s:s, s:s, s:i, s:i}", "registration", "x",
					      "cloudId", CLOUD, "serialsUpTo", 1, "revokedAt", 1));
	assert_int_equal(ar_revocation_encode(c, &s, &text, &e), AR_EINPUT);
	json_decref(c);
}

static int setup(void **state)
{
	ar_err e;

	(void)state;
	if (sodium_init() < 0 || ar_keypair_generate(&issuer, &e) != AR_OK ||
	    ar_keypair_generate(&other, &e) != AR_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ar_keypair_free(&issuer);
	ar_keypair_free(&other);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(untrusted_and_forged_refused),
		cmocka_unit_test(other_typ_refused),
		cmocka_unit_test(signed_by_a_key_it_revokes),
		cmocka_unit_test(bad_claims_refused),
		cmocka_unit_test(keeps_every_entry),
		cmocka_unit_test(largest_list_fits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
