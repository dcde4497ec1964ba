/* SPDX-License-Identifier: Apache-2.0 */
#include "token.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "deflate.h"
#include "host.h"
#include "json.h"
#include "jws.h"
#include "ar_limits.h"
#include "text.h"
#include "tokenhost.h"

static const char *const claim_fields[] = {
	"version", "cloudId", "billingModel", "agreementNumber", "assetTag", "usageReporting",
	"marketplaceSyndication", "issuedAt", "nonce", "hostSalt", "hosts", "totals", NULL
};
/* v1 sums what its whole host records report; v2 what its hosts still carry in clear */
static const char *const sums_v1[] = { "cpuSockets", "cpuCores", "cpuThreads", "memoryMiB",
	NULL };
static const char *const sums_v2[] = { "cpuCores", "memoryMiB", NULL };
static const char *const total_fields_v1[] = {
	"hosts", "cpuSockets", "cpuCores", "cpuThreads", "memoryMiB", NULL
};
static const char *const total_fields_v2[] = { "hosts", "cpuCores", "memoryMiB", NULL };

const char *ar_billing_model(const char *text)
{
	static const char *const models[] = { AR_BILLING_CAPACITY, AR_BILLING_DEVELOPMENT,
		AR_BILLING_CUSTOM, NULL };
	const char *const *m;

	for (m = models; *m; m++)
		if (strcasecmp(*m, text) == 0)
			return *m;
	return NULL;
}

int ar_billing_check(const char *model, const char *agreement, const char *asset_tag,
		     int usage_reporting, const char *where, ar_err *e)
{
	if (!model || !ar_billing_model(model) || strcmp(ar_billing_model(model), model) != 0)
		return ar_fail(e, AR_EINPUT, where,
			       "billing model must be Capacity, Development or Custom");
	if (strcmp(model, AR_BILLING_CAPACITY) == 0 && !agreement)
		return ar_fail(e, AR_EINPUT, where, "billing model Capacity needs an agreement number");
	if (strcmp(model, AR_BILLING_CAPACITY) == 0 && usage_reporting)
		return ar_fail(e, AR_EINPUT, where,
			       "billing model Capacity cannot report usage (disconnected)");
	if (strcmp(model, AR_BILLING_CUSTOM) == 0 && !asset_tag)
		return ar_fail(e, AR_EINPUT, where, "billing model Custom needs an asset tag");
	if (agreement && ar_text_check(agreement, "field \"agreementNumber\"", AR_EINPUT, where,
				       e) != AR_OK)
		return e->status;
	return asset_tag ? ar_text_check(asset_tag, "field \"assetTag\"", AR_EINPUT, where, e) : AR_OK;
}

static void add_total(json_t *totals, json_t *host, const char *field)
{
	json_t *v = json_object_get(host, field);
	json_int_t sum = json_integer_value(json_object_get(totals, field));

	if (json_is_integer(v))
		json_object_set_new(totals, field, json_integer(sum + json_integer_value(v)));
}

/* Sums of what the hosts report; a host that does not know a value adds nothing. */
static json_t *totals_of(json_t *hosts, const char *const *sums)
{
	json_t *totals = json_pack("{s:I}", "hosts", (json_int_t)json_array_size(hosts));
	const char *const *f;
	json_t *host;
	size_t i;

	for (f = sums; totals && *f; f++)
		json_array_foreach(hosts, i, host)
			add_total(totals, host, *f);
	return totals;
}

json_t *ar_token_claims(const ar_token_params *p, ar_err *e)
{
	uint8_t nonce[AR_NONCE_BYTES], salt[AR_HOST_SALT_BYTES];
	char *nonce_text, *salt_text;
	json_t *c, *hosts;

	randombytes_buf(nonce, sizeof nonce);
	nonce_text = ar_b64url_encode(nonce, sizeof nonce);
	/* a fresh salt a token: the digests of two tokens (and their keys) cannot be linked */
	randombytes_buf(salt, sizeof salt);
	salt_text = ar_b64url_encode(salt, sizeof salt);
	hosts = ar_token_hosts_v2(p->hosts, p->cloud_id, salt);
	c = json_pack("{s:i, s:s, s:s}", "version", AR_TOKEN_FORMAT_VERSION, "cloudId",
		      p->cloud_id, "billingModel", p->billing_model);
	if (!c || !nonce_text || !salt_text || !hosts) {
		free(nonce_text);
		free(salt_text);
		json_decref(hosts);
		json_decref(c);
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
		return NULL;
	}
	if (p->agreement_number)
		json_object_set_new(c, "agreementNumber", json_string(p->agreement_number));
	if (p->asset_tag)
		json_object_set_new(c, "assetTag", json_string(p->asset_tag));
	json_object_set_new(c, "usageReporting", json_boolean(p->usage_reporting));
	json_object_set_new(c, "marketplaceSyndication", json_boolean(p->marketplace_syndication));
	json_object_set_new(c, "issuedAt", json_integer(p->issued_at));
	json_object_set_new(c, "nonce", json_string(nonce_text));
	json_object_set_new(c, "hostSalt", json_string(salt_text));
	json_object_set_new(c, "totals", totals_of(hosts, sums_v2));
	json_object_set_new(c, "hosts", hosts);
	free(nonce_text);
	free(salt_text);
	return c;
}

static char *token_header(const uint8_t pk[AR_ED25519_PK_BYTES])
{
	json_t *h = json_pack("{s:s, s:s, s:s, s:o}", "alg", AR_JWS_ALG, "typ", AR_TYP_TOKEN,
			      "zip", AR_ZIP_DEFLATE, "jwk", ar_jwk_from_public(pk));
	char *text = h ? ar_json_dump_compact(h) : NULL;

	json_decref(h);
	return text;
}

int ar_token_encode(json_t *claims, const ar_keypair *stamp, char **compact, ar_err *e)
{
	char *json = ar_json_dump_compact(claims);
	char *header = token_header(stamp->pk);
	uint8_t *packed = NULL;
	size_t packed_len = 0;
	int rc;

	if (!json || !header)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	else
		rc = ar_deflate((const uint8_t *)json, strlen(json), &packed, &packed_len, e);
	if (rc == AR_OK)
		rc = ar_jws_sign(header, packed, packed_len, stamp->sk, compact, e);
	free(json);
	free(header);
	free(packed);
	return rc;
}

static int check_header(const ar_jws *jws, ar_token *out, const char *where, ar_err *e)
{
	const char *typ = ar_jws_header_string(jws, "typ");
	const char *zip = ar_jws_header_string(jws, "zip");

	if (!typ || strcmp(typ, AR_TYP_TOKEN) != 0)
		return ar_fail(e, AR_EINPUT, where, "not a registration token (typ is \"%.40s\")",
			       typ ? typ : "");
	if (!zip || strcmp(zip, AR_ZIP_DEFLATE) != 0)
		return ar_fail(e, AR_EINPUT, where, "token header must say \"zip\":\"%s\"",
			       AR_ZIP_DEFLATE);
	if (ar_jwk_to_public(json_object_get(jws->header, "jwk"), out->stamp_pk, where,
			     e) != AR_OK ||
	    ar_json_text_check(jws->header, "JWS header", AR_EINPUT, where, e) != AR_OK)
		return e->status;
	ar_jwk_thumbprint(out->stamp_pk, out->stamp_kid);
	return AR_OK;
}

static int check_hosts_v1(json_t *hosts, const char *where, ar_err *e)
{
	json_t *host;
	size_t i, j;

	json_array_foreach(hosts, i, host) {
		char what[600];

		snprintf(what, sizeof what, "%s: host %zu", where, i + 1);
		if (ar_host_validate(host, what, e) != AR_OK) {
			/* keep the file name first, the host index in the message */
			snprintf(what, sizeof what, "host %zu: %s", i + 1, e->msg);
			return ar_fail(e, AR_EINPUT, where, "%s", what);
		}
		for (j = 0; j < i; j++) {
			json_t *other = json_array_get(hosts, j);

			if (json_equal(json_object_get(host, "uuid"), json_object_get(other, "uuid")))
				return ar_fail(e, AR_EINPUT, where, "hosts %zu and %zu share UUID %s",
					       j + 1, i + 1,
					       json_string_value(json_object_get(host, "uuid")));
			if (json_equal(json_object_get(host, "name"), json_object_get(other, "name")))
				return ar_fail(e, AR_EINPUT, where, "hosts %zu and %zu share name %s",
					       j + 1, i + 1,
					       json_string_value(json_object_get(host, "name")));
		}
	}
	return AR_OK;
}

/* v2: a salt of AR_HOST_SALT_BYTES, and hosts as tokenhost.c writes them */
static int check_hosts_v2(json_t *c, json_t *hosts, const char *where, ar_err *e)
{
	uint8_t salt[AR_HOST_SALT_BYTES];
	const char *salt_text = NULL;
	size_t n = 0;

	if (ar_json_string(c, "hostSalt", 1, AR_MAX_VALUE_CHARS, &salt_text, where, e) != AR_OK)
		return e->status;
	if (strlen(salt_text) != AR_HOST_SALT_CHARS ||
	    ar_b64url_decode(salt_text, strlen(salt_text), salt, sizeof salt, &n) != 0 ||
	    n != AR_HOST_SALT_BYTES)
		return ar_fail(e, AR_EINPUT, where, "\"hostSalt\" is not %d bytes in base64url",
			       AR_HOST_SALT_BYTES);
	return ar_token_hosts_v2_check(hosts, where, e);
}

static int check_totals(json_t *claims, json_t *hosts, int v2, const char *where, ar_err *e)
{
	json_t *totals = NULL, *expect;
	int same;

	if (ar_json_object(claims, "totals", 1, &totals, where, e) != AR_OK ||
	    ar_json_only_keys(totals, v2 ? total_fields_v2 : total_fields_v1, "totals", where,
			      e) != AR_OK)
		return e->status;
	expect = totals_of(hosts, v2 ? sums_v2 : sums_v1);
	same = json_equal(expect, totals);
	json_decref(expect);
	return same ? AR_OK : ar_fail(e, AR_EINPUT, where, "\"totals\" do not match the hosts");
}

/* A Capacity token licenses physical cores: every host states its count (v1 and v2 alike; an
 * older token-gen left it out when the probe could not read it, and then licensed none). */
static int check_capacity_cores(json_t *hosts, const char *where, ar_err *e)
{
	json_t *host;
	size_t i;

	json_array_foreach(hosts, i, host)
		if (!json_is_integer(json_object_get(host, "cpuCores")))
			return ar_fail(e, AR_EINPUT, where, "host %zu (%s) has no \"cpuCores\": a "
				       "Capacity token licenses physical cores: probe the host again "
				       "with --cpu-cores N and make a new token", i + 1,
				       json_string_value(json_object_get(host, "name")));
	return AR_OK;
}

static int check_claims(json_t *c, const char *where, ar_err *e)
{
	const char *cloud = NULL, *model = NULL, *agreement = NULL, *tag = NULL, *nonce = NULL;
	json_int_t version = 0, issued = 0;
	int usage = 0, market = 0;
	json_t *hosts = NULL;

	if (ar_json_only_keys(c, claim_fields, "token claims", where, e) != AR_OK ||
	    ar_json_int(c, "version", 1, 1, 1000, &version, where, e) != AR_OK)
		return e->status;
	if (version != AR_TOKEN_FORMAT_V1 && version != AR_TOKEN_FORMAT_VERSION)
		return ar_fail(e, AR_EINPUT, where, "token format version %lld not supported",
			       (long long)version);
	if (ar_json_uuid(c, "cloudId", &cloud, where, e) != AR_OK ||
	    ar_json_string(c, "billingModel", 1, 32, &model, where, e) != AR_OK ||
	    ar_json_string(c, "agreementNumber", 0, AR_MAX_AGREEMENT_CHARS, &agreement, where, e) != AR_OK ||
	    ar_json_string(c, "assetTag", 0, AR_MAX_ASSET_TAG_CHARS, &tag, where, e) != AR_OK ||
	    ar_json_bool(c, "usageReporting", 1, &usage, where, e) != AR_OK ||
	    ar_json_bool(c, "marketplaceSyndication", 1, &market, where, e) != AR_OK ||
	    ar_json_int(c, "issuedAt", 1, 0, AR_MAX_TIMESTAMP, &issued, where, e) != AR_OK ||
	    ar_json_string(c, "nonce", 1, 64, &nonce, where, e) != AR_OK ||
	    ar_json_array(c, "hosts", 1, AR_MAX_HOSTS, &hosts, where, e) != AR_OK)
		return e->status;
	if (json_array_size(hosts) == 0)
		return ar_fail(e, AR_EINPUT, where, "token has no hosts");
	/* v1 (a token-gen before the digests) carries whole host records and no salt */
	if (version == AR_TOKEN_FORMAT_V1 && json_object_get(c, "hostSalt"))
		return ar_fail(e, AR_EINPUT, where, "token format version 1 has no \"hostSalt\"");
	if (ar_billing_check(model, agreement, tag, usage, where, e) != AR_OK ||
	    (version == AR_TOKEN_FORMAT_V1 ? check_hosts_v1(hosts, where, e)
					   : check_hosts_v2(c, hosts, where, e)) != AR_OK ||
	    check_totals(c, hosts, version != AR_TOKEN_FORMAT_V1, where, e) != AR_OK ||
	    (strcmp(model, AR_BILLING_CAPACITY) == 0 &&
	     check_capacity_cores(hosts, where, e) != AR_OK))
		return e->status;
	/* last, for what no check above reads as text (the nonce) */
	return ar_json_text_check(c, "", AR_EINPUT, where, e);
}

int ar_token_decode(const char *compact, size_t len, ar_token *out, const char *where,
		    ar_err *e)
{
	ar_jws jws;
	uint8_t *json = NULL;
	size_t json_len = 0;

	memset(out, 0, sizeof *out);
	if (ar_jws_parse(compact, len, &jws, where, e) != AR_OK)
		return e->status;
	if (check_header(&jws, out, where, e) != AR_OK ||
	    ar_jws_verify(&jws, out->stamp_pk, where, e) != AR_OK ||
	    ar_inflate(jws.payload, jws.payload_len, AR_MAX_INFLATED_BYTES, &json, &json_len,
		       where, e) != AR_OK)
		goto fail;
	out->compressed_len = jws.payload_len;
	out->payload_len = json_len;
	out->claims = ar_json_parse_object(json, json_len, where, e);
	if (!out->claims || check_claims(out->claims, where, e) != AR_OK)
		goto fail;
	free(json);
	ar_jws_free(&jws);
	return AR_OK;
fail:
	free(json);
	ar_jws_free(&jws);
	ar_token_free(out);
	return e->status;
}

void ar_token_free(ar_token *t)
{
	json_decref(t->claims);
	t->claims = NULL;
}
