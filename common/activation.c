#include "activation.h"

#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "json.h"
#include "jws.h"

int ar_host_digest(json_t *host, char out[44])
{
	char *text = json_dumps(host, JSON_COMPACT | JSON_SORT_KEYS);

	if (!text)
		return -1;
	ar_sha256_b64url((const uint8_t *)text, strlen(text), out);
	free(text);
	return 0;
}

static json_t *hosts_of(json_t *token_claims)
{
	json_t *out = json_array(), *host;
	size_t i;

	json_array_foreach(json_object_get(token_claims, "hosts"), i, host) {
		char digest[44];

		if (ar_host_digest(host, digest) != 0) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_pack("{s:O, s:O, s:s}", "name",
						     json_object_get(host, "name"), "uuid",
						     json_object_get(host, "uuid"),
						     "hardwareSha256", digest));
	}
	return out;
}

json_t *ar_activation_claims(const ar_activation_params *p, ar_err *e)
{
	static const char *const copied[] = { "cloudId", "billingModel", "agreementNumber",
		"assetTag", "usageReporting", "marketplaceSyndication", NULL };
	const char *const *k;
	char jti[37];
	json_t *c, *hosts = hosts_of(p->token_claims);

	ar_uuid_random(jti);
	c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "iss", AR_ACTIVATION_ISSUER,
		      "sub", p->name, "jti", jti, "iat", (json_int_t)p->issued_at,
		      "nbf", (json_int_t)p->issued_at, "exp", (json_int_t)p->expires_at,
		      "serial", (json_int_t)p->serial);
	if (!c || !hosts) {
		json_decref(c);
		json_decref(hosts);
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
		return NULL;
	}
	for (k = copied; *k; k++)
		if (json_object_get(p->token_claims, *k))
			json_object_set(c, *k, json_object_get(p->token_claims, *k));
	json_object_set_new(c, "cnf", json_pack("{s:s}", "jkt", p->stamp_kid));
	json_object_set_new(c, "hosts", hosts);
	json_object_set(c, "tenants", p->tenants);
	json_object_set_new(c, "tokenSha256", json_string(p->token_sha256));
	return c;
}

int ar_activation_encode(json_t *claims, const ar_keypair *issuer, char **compact, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1];
	json_t *header;
	char *h, *payload;
	int rc;

	ar_jwk_thumbprint(issuer->pk, kid);
	header = json_pack("{s:s, s:s, s:s}", "alg", AR_JWS_ALG, "typ", AR_TYP_ACTIVATION_KEY,
			   "kid", kid);
	h = header ? ar_json_dump_compact(header) : NULL;
	payload = ar_json_dump_compact(claims);
	json_decref(header);
	if (!h || !payload)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else
		rc = ar_jws_sign(h, (const uint8_t *)payload, strlen(payload), issuer->sk, compact, e);
	free(h);
	free(payload);
	return rc;
}
