/* SPDX-License-Identifier: Apache-2.0 */
#include "activation.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "text.h"
#include "codec.h"
#include "json.h"
#include "deflate.h"
#include "host.h"
#include "hostkey.h"
#include "jws.h"
#include "token.h"

/* For Capacity, what the stamp is licensed for: the registered token's totals. */
static json_t *licensed_of(json_t *token_claims)
{
	json_t *totals = json_object_get(token_claims, "totals");
	json_t *l = json_pack("{s:O}", "hosts", json_object_get(totals, "hosts"));

	if (l && json_object_get(totals, "cpuCores"))
		json_object_set(l, "cpuCores", json_object_get(totals, "cpuCores"));
	return l;
}

json_t *ar_activation_claims(const ar_activation_params *p, ar_err *e)
{
	static const char *const copied[] = { "cloudId", "billingModel", "agreementNumber",
		"assetTag", "usageReporting", "marketplaceSyndication", NULL };
	const char *const *k;
	const char *cloud_id = json_string_value(json_object_get(p->token_claims, "cloudId"));
	const char *model = json_string_value(json_object_get(p->token_claims, "billingModel"));
	uint8_t salt[AR_HOST_SALT_BYTES];
	char jti[37], *salt_text;
	json_t *c, *hosts, *licensed = NULL;

	const char *token_salt = json_string_value(json_object_get(p->token_claims, "hostSalt"));

	/* a v2 token: the stamp's salt and digests, copied (the registrar never sees a clear
	 * identity). A v1 token: a fresh salt a key, so two keys' digests cannot be linked */
	if (token_salt) {
		salt_text = strdup(token_salt);
		hosts = ar_key_hosts(json_object_get(p->token_claims, "hosts"), NULL, NULL);
	} else {
		randombytes_buf(salt, sizeof salt);
		salt_text = ar_b64url_encode(salt, sizeof salt);
		hosts = ar_key_hosts(json_object_get(p->token_claims, "hosts"),
				     cloud_id ? cloud_id : "", salt);
	}
	if (model && strcmp(model, AR_BILLING_CAPACITY) == 0)
		licensed = licensed_of(p->token_claims);
	ar_uuid_random(jti);
	c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "iss", AR_ACTIVATION_ISSUER,
		      "sub", p->name, "jti", jti, "iat", (json_int_t)p->issued_at,
		      "nbf", (json_int_t)p->issued_at, "exp", (json_int_t)p->expires_at,
		      "serial", (json_int_t)p->serial);
	if (!c || !hosts || !salt_text || (model && strcmp(model, AR_BILLING_CAPACITY) == 0 &&
					   !licensed)) {
		json_decref(c);
		json_decref(hosts);
		json_decref(licensed);
		free(salt_text);
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
		return NULL;
	}
	for (k = copied; *k; k++)
		if (json_object_get(p->token_claims, *k))
			json_object_set(c, *k, json_object_get(p->token_claims, *k));
	json_object_set_new(c, "cnf", json_pack("{s:s}", "jkt", p->stamp_kid));
	if (p->host_match)
		json_object_set(c, "hostMatch", p->host_match);
	else
		json_object_set_new(c, "hostMatch", json_string(AR_HOST_MATCH_DEFAULT));
	json_object_set_new(c, "hostSalt", json_string(salt_text));
	json_object_set_new(c, "hosts", hosts);
	if (licensed)
		json_object_set_new(c, "licensed", licensed);
	json_object_set(c, "tenants", p->tenants);
	json_object_set_new(c, "tokenSha256", json_string(p->token_sha256));
	free(salt_text);
	return c;
}

int ar_activation_encode(json_t *claims, const ar_signer *issuer, char **compact, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1];
	json_t *header;
	char *h, *payload;
	uint8_t *packed = NULL;
	size_t packed_len = 0;
	int rc;

	ar_jwk_thumbprint(issuer->pk, kid);
	/* compressed as the token is: a 16-host key then fits one QR code */
	header = json_pack("{s:s, s:s, s:s, s:s}", "alg", AR_JWS_ALG, "typ", AR_TYP_ACTIVATION_KEY,
			   "zip", AR_ZIP_DEFLATE, "kid", kid);
	h = header ? ar_json_dump_compact(header) : NULL;
	payload = ar_json_dump_compact(claims);
	json_decref(header);
	if (!h || !payload)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else
		rc = ar_deflate((const uint8_t *)payload, strlen(payload), &packed, &packed_len, e);
	if (rc == AR_OK)
		rc = ar_jws_sign_with(h, packed, packed_len, issuer, compact, e);
	free(h);
	free(payload);
	free(packed);
	return rc;
}

static const char *const claim_fields[] = {
	"iss", "sub", "jti", "iat", "nbf", "exp", "serial", "cloudId", "cnf", "billingModel",
	"agreementNumber", "assetTag", "usageReporting", "marketplaceSyndication", "hostMatch",
	"hostSalt", "hosts", "licensed", "tenants", "tokenSha256", NULL
};

/* What a registrar before issue 16 signed: no policy, hosts with a clear UUID. */
static const char *const legacy_fields[] = {
	"iss", "sub", "jti", "iat", "nbf", "exp", "serial", "cloudId", "cnf", "billingModel",
	"agreementNumber", "assetTag", "usageReporting", "marketplaceSyndication", "hosts",
	"tenants", "tokenSha256", NULL
};

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

/* The licensed cores are the hosts' (the token's totals, which the token holds to its hosts),
 * and a Capacity token states every host's cores: a key without them licenses none, so it is
 * forged, or from a registrar of issue 16 before cores were required. */
static int check_licensed_cores(json_t *licensed, json_t *hosts, const char *where, ar_err *e)
{
	json_t *host, *given = json_object_get(licensed, "cpuCores");
	json_int_t sum = 0;
	size_t i;

	json_array_foreach(hosts, i, host) {
		if (!json_is_integer(json_object_get(host, "cpuCores")))
			return ar_fail(e, AR_EINPUT, where, "host %zu (%s) of a Capacity key has "
				       "no \"cpuCores\" (no cores licensed)", i + 1,
				       json_string_value(json_object_get(host, "name")));
		sum += json_integer_value(json_object_get(host, "cpuCores"));
	}
	if (!given)
		return ar_fail(e, AR_EINPUT, where, "\"licensed\" counts no cores, the key's hosts "
			       "%lld", (long long)sum);
	if (json_integer_value(given) != sum)
		return ar_fail(e, AR_EINPUT, where, "\"licensed\" counts %lld cores, the key's "
			       "hosts %lld", (long long)json_integer_value(given), (long long)sum);
	return AR_OK;
}

/* The issuer's hardware policy: hostMatch within the hosts, a salt of 16 bytes, and what a
 * Capacity stamp is licensed for, present for Capacity only and counting the key's hosts. */
static int check_policy(json_t *c, size_t n_hosts, const char *model, const char *where,
			ar_err *e)
{
	static const char *const licensed_fields[] = { "hosts", "cpuCores", NULL };
	uint8_t salt[AR_HOST_SALT_BYTES];
	const char *salt_text = NULL;
	json_t *licensed = NULL;
	json_int_t n = 0;
	size_t salt_len = 0;
	int capacity = strcmp(model, AR_BILLING_CAPACITY) == 0;

	if (!json_object_get(c, "hostMatch"))
		return ar_fail(e, AR_EINPUT, where, "missing \"hostMatch\"");
	if (ar_host_match_check(json_object_get(c, "hostMatch"), n_hosts, where, e) != AR_OK ||
	    ar_json_string(c, "hostSalt", 1, AR_MAX_VALUE_CHARS, &salt_text, where, e) != AR_OK)
		return e->status;
	if (strlen(salt_text) != AR_HOST_SALT_CHARS ||
	    ar_b64url_decode(salt_text, strlen(salt_text), salt, sizeof salt, &salt_len) != 0 ||
	    salt_len != AR_HOST_SALT_BYTES)
		return ar_fail(e, AR_EINPUT, where, "\"hostSalt\" is not %d bytes in base64url",
			       AR_HOST_SALT_BYTES);
	if (ar_json_object(c, "licensed", 0, &licensed, where, e) != AR_OK)
		return e->status;
	if (!licensed != !capacity)
		return ar_fail(e, AR_EINPUT, where, capacity ? "a Capacity key needs \"licensed\""
			       : "\"licensed\" is for the Capacity billing model only");
	if (!licensed)
		return AR_OK;
	if (ar_json_only_keys(licensed, licensed_fields, "licensed", where, e) != AR_OK ||
	    ar_json_int(licensed, "hosts", 1, 1, AR_MAX_HOSTS, &n, where, e) != AR_OK ||
	    ar_json_int(licensed, "cpuCores", 0, 1, (json_int_t)AR_MAX_CPU_CORES * AR_MAX_HOSTS,
			&n, where, e) != AR_OK)
		return e->status;
	if (json_integer_value(json_object_get(licensed, "hosts")) != (json_int_t)n_hosts)
		return ar_fail(e, AR_EINPUT, where, "\"licensed\" counts %lld hosts, the key names "
			       "%zu", (long long)json_integer_value(json_object_get(licensed, "hosts")),
			       n_hosts);
	return check_licensed_cores(licensed, json_object_get(c, "hosts"), where, e);
}

/* legacy: a key a registrar before issue 16 signed (no zip): accepted, with no policy. */
static int check_claims(json_t *c, int legacy, const char *where, ar_err *e)
{
	static const char *const cnf_fields[] = { "jkt", NULL };
	const char *iss = NULL, *sub = NULL, *model = NULL, *agreement = NULL, *tag = NULL;
	const char *jkt = NULL, *sha = NULL, *uuid = NULL;
	json_int_t n = 0, nbf = 0, exp = 0;
	json_t *cnf = NULL, *hosts = NULL, *tenants = NULL;
	int usage = 0, market = 0;

	if (ar_json_only_keys(c, legacy ? legacy_fields : claim_fields, "activation key claims",
			      where, e) != AR_OK ||
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
	    (legacy ? ar_key_hosts_check_legacy(hosts, where, e)
		    : ar_key_hosts_check(hosts, where, e)) != AR_OK ||
	    check_tenants(tenants, where, e) != AR_OK)
		return e->status;
	if (json_array_size(hosts) == 0)
		return ar_fail(e, AR_EINPUT, where, "activation key names no hosts");
	if (!legacy && check_policy(c, json_array_size(hosts), model, where, e) != AR_OK)
		return e->status;
	/* last, for what no check above reads as text (cnf.jkt) */
	return ar_json_text_check(c, "", AR_EINPUT, where, e);
}

int ar_activation_check_claims(json_t *c, const char *where, ar_err *e)
{
	return check_claims(c, 0, where, e);
}

int ar_activation_decode(const char *compact, size_t len, ar_issuer_lookup lookup, void *ctx,
			 ar_activation *out, const char *where, ar_err *e)
{
	uint8_t pk[AR_ED25519_PK_BYTES], *json = NULL;
	const char *typ, *kid, *zip;
	size_t json_len = 0;
	ar_jws jws;

	memset(out, 0, sizeof *out);
	if (ar_jws_parse(compact, len, &jws, where, e) != AR_OK)
		return e->status;
	typ = ar_jws_header_string(&jws, "typ");
	kid = ar_jws_header_string(&jws, "kid");
	zip = ar_jws_header_string(&jws, "zip");
	if (!typ || strcmp(typ, AR_TYP_ACTIVATION_KEY) != 0) {
		ar_fail(e, AR_EINPUT, where, "not an activation key (typ is \"%.40s\")",
			typ ? typ : "");
		goto fail;
	}
	if (!kid || strlen(kid) != AR_THUMBPRINT_CHARS) {
		ar_fail(e, AR_EINPUT, where, "activation key header has no issuer \"kid\"");
		goto fail;
	}
	/* no zip: a key a registrar before issue 16 signed, plain JSON and no policy */
	if (json_object_get(jws.header, "zip") && (!zip || strcmp(zip, AR_ZIP_DEFLATE) != 0)) {
		ar_fail(e, AR_EINPUT, where, "activation key header's \"zip\" is not \"%s\"",
			AR_ZIP_DEFLATE);
		goto fail;
	}
	if (ar_json_text_check(jws.header, "JWS header", AR_EINPUT, where, e) != AR_OK)
		goto fail;
	if (lookup(ctx, kid, pk, e) != AR_OK || ar_jws_verify(&jws, pk, where, e) != AR_OK)
		goto fail;
	snprintf(out->kid, sizeof out->kid, "%s", kid);
	/* inflated only once signed, and within the token's cap: no bomb reaches the parser */
	if (zip && ar_inflate(jws.payload, jws.payload_len, AR_MAX_INFLATED_BYTES, &json,
			      &json_len, where, e) != AR_OK)
		goto fail;
	out->claims = zip ? ar_json_parse_object(json, json_len, where, e)
			  : ar_json_parse_object(jws.payload, jws.payload_len, where, e);
	if (!out->claims || check_claims(out->claims, !zip, where, e) != AR_OK)
		goto fail;
	free(json);
	ar_jws_free(&jws);
	return AR_OK;
fail:
	ar_err_at(e, where);
	free(json);
	ar_jws_free(&jws);
	ar_activation_free(out);
	return e->status;
}

void ar_activation_free(ar_activation *a)
{
	json_decref(a->claims);
	a->claims = NULL;
}
