/* SPDX-License-Identifier: Apache-2.0 */
#include "receipt.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "json.h"
#include "jws.h"

static const char *const claim_fields[] = {
	"version", "jti", "registration", "cloudId", "serial", "highWater", "removedAt",
	"activationKeySha256", NULL
};

json_t *ar_receipt_claims(const ar_receipt_params *p, ar_err *e)
{
	char jti[AR_UUID_CHARS + 1];
	json_t *c;

	ar_uuid_random(jti);
	c = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "version",
		      AR_RECEIPT_FORMAT_VERSION, "jti", jti, "registration", p->registration,
		      "cloudId", p->cloud_id, "serial", (json_int_t)p->serial, "highWater",
		      (json_int_t)p->high_water, "removedAt", (json_int_t)p->removed_at,
		      "activationKeySha256", p->activation_key_sha256);
	if (!c)
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return c;
}

int ar_receipt_encode(json_t *claims, const ar_keypair *stamp, char **compact, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1];
	json_t *header;
	char *h, *payload;
	int rc;

	ar_jwk_thumbprint(stamp->pk, kid);
	/* no zip: it is small, and plain claims decode with base64 alone */
	header = json_pack("{s:s, s:s, s:s}", "alg", AR_JWS_ALG, "typ", AR_TYP_REMOVAL_RECEIPT,
			   "kid", kid);
	h = header ? ar_json_dump_compact(header) : NULL;
	payload = ar_json_dump_compact(claims);
	json_decref(header);
	if (!h || !payload)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else
		rc = ar_jws_sign(h, (const uint8_t *)payload, strlen(payload), stamp->sk, compact,
				 e);
	free(h);
	free(payload);
	return rc;
}

static int is_hex_sha256(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == AR_SHA256_HEX_CHARS;
}

static int check_header(const ar_jws *jws, ar_receipt *out, const char *where, ar_err *e)
{
	static const char *const fields[] = { "alg", "typ", "kid", NULL };
	const char *typ = ar_jws_header_string(jws, "typ");
	const char *kid = NULL;

	if (!typ || strcmp(typ, AR_TYP_REMOVAL_RECEIPT) != 0)
		return ar_fail(e, AR_EINPUT, where, "not a removal receipt (typ is \"%.40s\")",
			       typ ? typ : "");
	if (ar_json_only_keys(jws->header, fields, "receipt header", where, e) != AR_OK ||
	    ar_json_string(jws->header, "kid", 1, AR_THUMBPRINT_CHARS, &kid, where, e) != AR_OK)
		return e->status;
	if (!ar_kid_ok(kid))
		return ar_fail(e, AR_EINPUT, where, "receipt header \"kid\" is not a key thumbprint");
	memcpy(out->kid, kid, AR_THUMBPRINT_CHARS + 1);
	return AR_OK;
}

static int check_claims(json_t *c, const char *where, ar_err *e)
{
	const char *jti = NULL, *name = NULL, *cloud = NULL, *sha = NULL;
	json_int_t version = 0, serial = 0, high = 0, removed = 0;

	if (ar_json_only_keys(c, claim_fields, "receipt claims", where, e) != AR_OK ||
	    ar_json_int(c, "version", 1, 1, 1000, &version, where, e) != AR_OK)
		return e->status;
	if (version != AR_RECEIPT_FORMAT_VERSION)
		return ar_fail(e, AR_EINPUT, where, "receipt format version %lld not supported",
			       (long long)version);
	if (ar_json_uuid(c, "jti", &jti, where, e) != AR_OK ||
	    ar_json_string(c, "registration", 1, AR_MAX_NAME_CHARS, &name, where, e) != AR_OK ||
	    ar_json_uuid(c, "cloudId", &cloud, where, e) != AR_OK ||
	    ar_json_int(c, "serial", 1, 1, AR_MAX_SERIAL, &serial, where, e) != AR_OK ||
	    ar_json_int(c, "highWater", 1, 1, AR_MAX_SERIAL, &high, where, e) != AR_OK ||
	    ar_json_int(c, "removedAt", 1, 0, AR_MAX_TIMESTAMP, &removed, where, e) != AR_OK ||
	    ar_json_string(c, "activationKeySha256", 1, AR_SHA256_HEX_CHARS, &sha, where,
			   e) != AR_OK)
		return e->status;
	if (!*name)
		return ar_fail(e, AR_EINPUT, where, "receipt field \"registration\" is empty");
	if (high < serial)
		return ar_fail(e, AR_EINPUT, where, "receipt's \"highWater\" %lld is below its "
			       "\"serial\" %lld", (long long)high, (long long)serial);
	if (!is_hex_sha256(sha))
		return ar_fail(e, AR_EINPUT, where, "receipt field \"activationKeySha256\" is not "
			       "a SHA-256 in lowercase hex");
	return ar_json_text_check(c, "receipt", AR_EINPUT, where, e);
}

int ar_receipt_decode(const char *compact, size_t len, ar_receipt_key_lookup lookup,
		      void *ctx, ar_receipt *out, const char *where, ar_err *e)
{
	uint8_t pk[AR_ED25519_PK_BYTES];
	ar_jws jws;

	memset(out, 0, sizeof *out);
	if (ar_jws_parse(compact, len, &jws, where, e) != AR_OK)
		return e->status;
	/* the claims are read before the signature holds only to find the key: the
	 * registration they name; nothing else is believed until verify */
	if (check_header(&jws, out, where, e) != AR_OK)
		goto fail;
	out->claims = ar_json_parse_object(jws.payload, jws.payload_len, where, e);
	if (!out->claims || check_claims(out->claims, where, e) != AR_OK ||
	    lookup(ctx, ar_receipt_text(out, "registration"), out->kid, pk, e) != AR_OK ||
	    ar_jws_verify(&jws, pk, where, e) != AR_OK)
		goto fail;
	ar_sha256_hex((const uint8_t *)compact, len, out->sha256_hex);
	ar_jws_free(&jws);
	return AR_OK;
fail:
	ar_jws_free(&jws);
	ar_receipt_free(out);
	return e->status;
}

void ar_receipt_free(ar_receipt *r)
{
	json_decref(r->claims);
	r->claims = NULL;
}

const char *ar_receipt_text(const ar_receipt *r, const char *claim)
{
	return json_string_value(json_object_get(r->claims, claim));
}

long long ar_receipt_int(const ar_receipt *r, const char *claim)
{
	return (long long)json_integer_value(json_object_get(r->claims, claim));
}
