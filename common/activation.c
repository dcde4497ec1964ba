/* SPDX-License-Identifier: Apache-2.0 */
#include "activation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "text.h"
#include "codec.h"
#include "json.h"
#include "host.h"
#include "jws.h"
#include "token.h"

/* A host's hardware digest: SHA-256 (base64url) of its record with sorted keys, compact. */
static int host_digest(json_t *host, char out[44])
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

		if (host_digest(host, digest) != 0) {
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

static const char *const claim_fields[] = {
	"iss", "sub", "jti", "iat", "nbf", "exp", "serial", "cloudId", "cnf", "billingModel",
	"agreementNumber", "assetTag", "usageReporting", "marketplaceSyndication", "hosts",
	"tenants", "tokenSha256", NULL
};

static int check_hosts(json_t *hosts, const char *where, ar_err *e)
{
	static const char *const fields[] = { "name", "uuid", "hardwareSha256", NULL };
	const char *name = NULL, *uuid = NULL, *sha = NULL;
	json_t *host;
	size_t i;

	json_array_foreach(hosts, i, host) {
		if (!json_is_object(host))
			return ar_fail(e, AR_EINPUT, where, "host %zu is not an object", i + 1);
		if (ar_json_only_keys(host, fields, "host", where, e) != AR_OK ||
		    ar_json_string(host, "name", 1, AR_MAX_HOST_NAME_CHARS, &name, where, e) != AR_OK ||
		    ar_json_uuid(host, "uuid", &uuid, where, e) != AR_OK ||
		    ar_json_string(host, "hardwareSha256", 1, AR_THUMBPRINT_CHARS, &sha, where,
				   e) != AR_OK)
			return e->status;
		if (!ar_host_name_ok(name))
			return ar_fail(e, AR_EINPUT, where, "host %zu: \"name\" is not a host name", i + 1);
		if (strlen(sha) != AR_THUMBPRINT_CHARS ||
		    ar_text_check(sha, "hardwareSha256", AR_EINPUT, where, e) != AR_OK)
			return ar_fail(e, AR_EINPUT, where,
				       "host %zu: \"hardwareSha256\" is not a SHA-256", i + 1);
	}
	return AR_OK;
}

/* Tenants as the registrar writes them: two lowercase GUIDs. */
static int check_tenants(json_t *tenants, const char *where, ar_err *e)
{
	static const char *const fields[] = { "subscriptionId", "tenantId", NULL };
	const char *v = NULL;
	json_t *tenant;
	size_t i;

	json_array_foreach(tenants, i, tenant) {
		if (!json_is_object(tenant))
			return ar_fail(e, AR_EINPUT, where, "tenant %zu is not an object", i + 1);
		if (ar_json_only_keys(tenant, fields, "tenant", where, e) != AR_OK ||
		    ar_json_uuid(tenant, "subscriptionId", &v, where, e) != AR_OK ||
		    ar_json_uuid(tenant, "tenantId", &v, where, e) != AR_OK)
			return e->status;
	}
	return AR_OK;
}

static int is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return i == AR_SHA256_HEX_CHARS;
}

/* The key's times: valid from nbf until exp, never longer than a registrar issues. */
static int check_span(json_int_t nbf, json_int_t exp, const char *where, ar_err *e)
{
	char from[AR_TIME_CHARS + 1], to[AR_TIME_CHARS + 1];

	/* the two times, not a count of days: "more than 3650" must never round to 3650 */
	if (exp <= nbf)
		return ar_fail(e, AR_EINPUT, where, "key expires (%s) before it is valid (%s)",
			       ar_format_time((long long)exp, to),
			       ar_format_time((long long)nbf, from));
	if (exp - nbf > (json_int_t)AR_KEY_VALID_DAYS_MAX * 86400)
		return ar_fail(e, AR_EINPUT, where,
			       "key valid from %s to %s, more than the %d days a registrar issues",
			       ar_format_time((long long)nbf, from), ar_format_time((long long)exp, to),
			       AR_KEY_VALID_DAYS_MAX);
	return AR_OK;
}

int ar_activation_check_claims(json_t *c, const char *where, ar_err *e)
{
	static const char *const cnf_fields[] = { "jkt", NULL };
	const char *iss = NULL, *sub = NULL, *model = NULL, *agreement = NULL, *tag = NULL;
	const char *jkt = NULL, *sha = NULL, *uuid = NULL;
	json_int_t n = 0, nbf = 0, exp = 0;
	json_t *cnf = NULL, *hosts = NULL, *tenants = NULL;
	int usage = 0, market = 0;

	if (ar_json_only_keys(c, claim_fields, "activation key claims", where, e) != AR_OK ||
	    ar_json_string(c, "iss", 1, 64, &iss, where, e) != AR_OK)
		return e->status;
	if (strcmp(iss, AR_ACTIVATION_ISSUER) != 0)
		return ar_fail(e, AR_EINPUT, where, "issuer \"%.40s\" is not %s", iss,
			       AR_ACTIVATION_ISSUER);
	if (ar_json_string(c, "sub", 1, AR_MAX_HOST_NAME_CHARS, &sub, where, e) != AR_OK)
		return e->status;
	if (!ar_host_name_ok(sub))
		return ar_fail(e, AR_EINPUT, where, "\"sub\" is not a registration name");
	if (ar_json_uuid(c, "jti", &uuid, where, e) != AR_OK ||
	    ar_json_uuid(c, "cloudId", &uuid, where, e) != AR_OK ||
	    ar_json_int(c, "iat", 1, 0, AR_MAX_TIMESTAMP, &n, where, e) != AR_OK ||
	    ar_json_int(c, "nbf", 1, 0, AR_MAX_TIMESTAMP, &nbf, where, e) != AR_OK ||
	    ar_json_int(c, "exp", 1, 0, AR_MAX_TIMESTAMP, &exp, where, e) != AR_OK ||
	    ar_json_int(c, "serial", 1, 1, AR_MAX_SERIAL, &n, where, e) != AR_OK ||
	    ar_json_object(c, "cnf", 1, &cnf, where, e) != AR_OK ||
	    ar_json_only_keys(cnf, cnf_fields, "cnf", where, e) != AR_OK ||
	    ar_json_string(cnf, "jkt", 1, AR_THUMBPRINT_CHARS, &jkt, where, e) != AR_OK ||
	    ar_json_string(c, "billingModel", 1, 32, &model, where, e) != AR_OK ||
	    ar_json_string(c, "agreementNumber", 0, AR_MAX_AGREEMENT_CHARS, &agreement, where, e) != AR_OK ||
	    ar_json_string(c, "assetTag", 0, AR_MAX_ASSET_TAG_CHARS, &tag, where, e) != AR_OK ||
	    ar_json_bool(c, "usageReporting", 1, &usage, where, e) != AR_OK ||
	    ar_json_bool(c, "marketplaceSyndication", 1, &market, where, e) != AR_OK ||
	    ar_json_array(c, "hosts", 1, AR_MAX_HOSTS, &hosts, where, e) != AR_OK ||
	    ar_json_array(c, "tenants", 1, AR_MAX_TENANTS, &tenants, where, e) != AR_OK ||
	    ar_json_string(c, "tokenSha256", 1, AR_SHA256_HEX_CHARS, &sha, where, e) != AR_OK)
		return e->status;
	if (!is_sha256_hex(sha))
		return ar_fail(e, AR_EINPUT, where, "\"tokenSha256\" is not a SHA-256");
	if (check_span(nbf, exp, where, e) != AR_OK ||
	    ar_billing_check(model, agreement, tag, usage, where, e) != AR_OK ||
	    check_hosts(hosts, where, e) != AR_OK || check_tenants(tenants, where, e) != AR_OK)
		return e->status;
	if (json_array_size(hosts) == 0)
		return ar_fail(e, AR_EINPUT, where, "activation key names no hosts");
	/* last, for what no check above reads as text (cnf.jkt) */
	return ar_json_text_check(c, "", AR_EINPUT, where, e);
}

int ar_activation_decode(const char *compact, size_t len, ar_issuer_lookup lookup, void *ctx,
			 ar_activation *out, const char *where, ar_err *e)
{
	uint8_t pk[AR_ED25519_PK_BYTES];
	const char *typ, *kid;
	ar_jws jws;

	memset(out, 0, sizeof *out);
	if (ar_jws_parse(compact, len, &jws, where, e) != AR_OK)
		return e->status;
	typ = ar_jws_header_string(&jws, "typ");
	kid = ar_jws_header_string(&jws, "kid");
	if (!typ || strcmp(typ, AR_TYP_ACTIVATION_KEY) != 0) {
		ar_fail(e, AR_EINPUT, where, "not an activation key (typ is \"%.40s\")",
			typ ? typ : "");
		goto fail;
	}
	if (!kid || strlen(kid) != AR_THUMBPRINT_CHARS) {
		ar_fail(e, AR_EINPUT, where, "activation key header has no issuer \"kid\"");
		goto fail;
	}
	if (ar_json_text_check(jws.header, "JWS header", AR_EINPUT, where, e) != AR_OK)
		goto fail;
	if (lookup(ctx, kid, pk, e) != AR_OK || ar_jws_verify(&jws, pk, where, e) != AR_OK)
		goto fail;
	snprintf(out->kid, sizeof out->kid, "%s", kid);
	out->claims = ar_json_parse_object(jws.payload, jws.payload_len, where, e);
	if (!out->claims || ar_activation_check_claims(out->claims, where, e) != AR_OK)
		goto fail;
	ar_jws_free(&jws);
	return AR_OK;
fail:
	ar_err_at(e, where);
	ar_jws_free(&jws);
	ar_activation_free(out);
	return e->status;
}

void ar_activation_free(ar_activation *a)
{
	json_decref(a->claims);
	a->claims = NULL;
}
