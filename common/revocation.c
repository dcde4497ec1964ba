/* SPDX-License-Identifier: Apache-2.0 */
#include "revocation.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "json.h"
#include "keys.h"
#include "text.h"

static const char *const claim_fields[] = {
	"version", "issuedAt", "issuerKeys", "activations", NULL
};
static const char *const entry_fields[] = {
	"registration", "cloudId", "serialsUpTo", "revokedAt", NULL
};

static int check_issuer_keys(json_t *keys, const char *where, ar_err *e)
{
	size_t i, j;

	for (i = 0; i < json_array_size(keys); i++) {
		const char *kid = json_string_value(json_array_get(keys, i));

		if (!kid || !ar_kid_ok(kid))
			return ar_fail(e, AR_EINPUT, where, "revocation list \"issuerKeys[%zu]\" is "
				       "not a key thumbprint", i);
		for (j = 0; j < i; j++)
			if (strcmp(kid, json_string_value(json_array_get(keys, j))) == 0)
				return ar_fail(e, AR_EINPUT, where, "revocation list names issuer "
					       "key %s twice", kid);
	}
	return AR_OK;
}

static int check_activations(json_t *list, const char *where, ar_err *e)
{
	const char *name = NULL, *cloud = NULL;
	json_int_t upto = 0, at = 0;
	size_t i, j;
	json_t *a;

	json_array_foreach(list, i, a) {
		if (!json_is_object(a))
			return ar_fail(e, AR_EINPUT, where, "revocation list \"activations[%zu]\" is "
				       "not an object", i);
		if (ar_json_only_keys(a, entry_fields, "revocation list entry", where, e) != AR_OK ||
		    ar_json_string(a, "registration", 1, AR_MAX_NAME_CHARS, &name, where,
				   e) != AR_OK ||
		    ar_json_uuid(a, "cloudId", &cloud, where, e) != AR_OK ||
		    ar_json_int(a, "serialsUpTo", 1, 1, AR_MAX_SERIAL, &upto, where, e) != AR_OK ||
		    ar_json_int(a, "revokedAt", 1, 0, AR_MAX_TIMESTAMP, &at, where, e) != AR_OK)
			return e->status;
		if (!*name)
			return ar_fail(e, AR_EINPUT, where, "revocation list \"activations[%zu]\" has "
				       "an empty \"registration\"", i);
		/* a registration is named once: two entries would leave which one counts open */
		for (j = 0; j < i; j++)
			if (strcmp(name, json_string_value(json_object_get(
					json_array_get(list, j), "registration"))) == 0)
				return ar_fail(e, AR_EINPUT, where, "revocation list names "
					       "registration %s twice", ar_text_shown(name));
	}
	return AR_OK;
}

static int check_claims(json_t *c, long long *version, const char *where, ar_err *e)
{
	json_int_t v = 0, at = 0;
	json_t *keys = NULL, *acts = NULL;

	if (!json_is_object(c))
		return ar_fail(e, AR_EINPUT, where, "revocation list claims are not an object");
	if (ar_json_only_keys(c, claim_fields, "revocation list claims", where, e) != AR_OK ||
	    ar_json_int(c, "version", 1, 1, AR_MAX_SERIAL, &v, where, e) != AR_OK ||
	    ar_json_int(c, "issuedAt", 1, 0, AR_MAX_TIMESTAMP, &at, where, e) != AR_OK ||
	    ar_json_array(c, "issuerKeys", 1, AR_REVOCATION_MAX_ISSUER_KEYS, &keys, where,
			  e) != AR_OK ||
	    ar_json_array(c, "activations", 1, AR_REVOCATION_MAX_ACTIVATIONS, &acts, where,
			  e) != AR_OK ||
	    check_issuer_keys(keys, where, e) != AR_OK || check_activations(acts, where, e) != AR_OK)
		return e->status;
	*version = (long long)v;
	return ar_json_text_check(c, "revocation list", AR_EINPUT, where, e);
}

int ar_revocation_encode(json_t *claims, const ar_signer *issuer, char **compact, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1];
	json_t *header;
	char *h, *payload;
	long long version = 0;
	int rc;

	*compact = NULL;
	if (check_claims(claims, &version, "the revocation list", e) != AR_OK)
		return e->status;
	ar_jwk_thumbprint(issuer->pk, kid);
	/* no zip: plain claims decode with base64 alone (python3-jwcrypto, an auditor) */
	header = json_pack("{s:s, s:s, s:s}", "alg", AR_JWS_ALG, "typ", AR_TYP_REVOCATION_LIST,
			   "kid", kid);
	h = header ? ar_json_dump_compact(header) : NULL;
	payload = ar_json_dump_compact(claims);
	json_decref(header);
	if (!h || !payload)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else
		rc = ar_jws_sign_with(h, (const uint8_t *)payload, strlen(payload), issuer,
				      compact, e);
	free(h);
	free(payload);
	if (rc == AR_OK && strlen(*compact) > AR_MAX_FILE_BYTES) {
		rc = ar_fail(e, AR_EINPUT, NULL, "the revocation list would be %zu bytes, over the "
			     "%u a stamp reads", strlen(*compact), AR_MAX_FILE_BYTES);
		free(*compact);
		*compact = NULL;
	}
	return rc;
}

static int check_header(const ar_jws *jws, ar_revocation *out, const char *where, ar_err *e)
{
	static const char *const fields[] = { "alg", "typ", "kid", NULL };
	const char *typ = ar_jws_header_string(jws, "typ");
	const char *kid = NULL;

	if (!typ || strcmp(typ, AR_TYP_REVOCATION_LIST) != 0)
		return ar_fail(e, AR_EINPUT, where, "not a revocation list (typ is \"%.40s\")",
			       typ ? ar_text_shown(typ) : "");
	if (ar_json_only_keys(jws->header, fields, "revocation list header", where, e) != AR_OK ||
	    ar_json_string(jws->header, "kid", 1, AR_THUMBPRINT_CHARS, &kid, where, e) != AR_OK)
		return e->status;
	if (!ar_kid_ok(kid))
		return ar_fail(e, AR_EINPUT, where, "revocation list header \"kid\" is not a key "
			       "thumbprint");
	memcpy(out->kid, kid, AR_THUMBPRINT_CHARS + 1);
	return AR_OK;
}

int ar_revocation_decode(const char *compact, size_t len, ar_revocation_key_lookup lookup,
			 void *ctx, ar_revocation *out, const char *where, ar_err *e)
{
	uint8_t pk[AR_ED25519_PK_BYTES];
	ar_jws jws;

	memset(out, 0, sizeof *out);
	if (ar_jws_parse(compact, len, &jws, where, e) != AR_OK)
		return e->status;
	if (check_header(&jws, out, where, e) != AR_OK)
		goto fail;
	out->claims = ar_json_parse_object(jws.payload, jws.payload_len, where, e);
	if (!out->claims || check_claims(out->claims, &out->version, where, e) != AR_OK)
		goto fail;
	/* a key revoked is trusted for nothing, its own list included */
	if (ar_revocation_issuer_revoked(out, out->kid)) {
		ar_fail(e, AR_EINPUT, where, "revocation list version %lld is signed by issuer key "
			"%s, which it revokes", out->version, out->kid);
		goto fail;
	}
	if (lookup && (lookup(ctx, out->kid, pk, e) != AR_OK ||
		       ar_jws_verify(&jws, pk, where, e) != AR_OK)) {
		ar_err_at(e, where);
		goto fail;
	}
	ar_sha256_hex((const uint8_t *)compact, len, out->sha256_hex);
	ar_jws_free(&jws);
	return AR_OK;
fail:
	ar_jws_free(&jws);
	ar_revocation_free(out);
	return e->status;
}

void ar_revocation_free(ar_revocation *l)
{
	json_decref(l->claims);
	l->claims = NULL;
}

int ar_revocation_issuer_revoked(const ar_revocation *l, const char *kid)
{
	json_t *keys = json_object_get(l->claims, "issuerKeys"), *k;
	size_t i;

	json_array_foreach(keys, i, k)
		if (strcmp(json_string_value(k), kid) == 0)
			return 1;
	return 0;
}

static json_t *entry_of(const ar_revocation *l, const char *registration)
{
	json_t *acts = json_object_get(l->claims, "activations"), *a;
	size_t i;

	json_array_foreach(acts, i, a)
		if (strcmp(json_string_value(json_object_get(a, "registration")),
			   registration) == 0)
			return a;
	return NULL;
}

long long ar_revocation_serials_up_to(const ar_revocation *l, const char *registration,
				      const char *cloud_id)
{
	json_t *a = entry_of(l, registration);

	if (!a || strcmp(json_string_value(json_object_get(a, "cloudId")), cloud_id) != 0)
		return 0;
	return (long long)json_integer_value(json_object_get(a, "serialsUpTo"));
}

int ar_revocation_keeps(const ar_revocation *newer, const ar_revocation *held,
			const char *where, ar_err *e)
{
	json_t *keys = json_object_get(held->claims, "issuerKeys");
	json_t *acts = json_object_get(held->claims, "activations"), *k, *a;
	size_t i;

	json_array_foreach(keys, i, k)
		if (!ar_revocation_issuer_revoked(newer, json_string_value(k)))
			return ar_fail(e, AR_EINPUT, where, "revocation list version %lld drops "
				       "issuer key %s, revoked by version %lld held here (a "
				       "revocation is never lifted)", newer->version,
				       json_string_value(k), held->version);
	json_array_foreach(acts, i, a) {
		const char *name = json_string_value(json_object_get(a, "registration"));
		const char *cloud = json_string_value(json_object_get(a, "cloudId"));
		long long upto = (long long)json_integer_value(json_object_get(a, "serialsUpTo"));

		if (ar_revocation_serials_up_to(newer, name, cloud) < upto)
			return ar_fail(e, AR_EINPUT, where, "revocation list version %lld drops or "
				       "lowers the revocation of %s (serials up to %lld, version %lld "
				       "held here; a revocation is never lifted)", newer->version,
				       ar_text_shown(name), upto, held->version);
	}
	return AR_OK;
}
