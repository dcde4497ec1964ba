/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "codec.h"
#include "deflate.h"
#include "hostkey.h"
#include "jws.h"
#include "token.h"

static ar_keypair stamp;

static json_t *host(const char *name, const char *uuid)
{
	return json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:I}", "version", 1, "name", name,
			 "uuid", uuid, "uuidSource", "smbios", "biosVendor", "Dell Inc.",
			 "biosVersion", "2.3.4", "cpuModel", "Xeon", "cpuSockets", 2, "cpuCores", 16,
			 "cpuThreads", 32, "memoryMiB", (json_int_t)65536);
}

static json_t *claims_for(json_t *hosts, const char *model, const char *agreement)
{
	ar_token_params p = { "5c0ffee0-1111-4222-8333-444455556666", model, agreement, NULL, 0, 1,
			      1763779200, hosts };
	ar_err e;
	json_t *c = ar_token_claims(&p, &e);

	assert_non_null(c);
	return c;
}

/* The claims a token-gen before the digests wrote (format 1): the whole records, the five
 * totals, no hostSalt. Still read: tokens made before an upgrade reach the registrar. */
static json_t *v1_claims_for(json_t *hosts, const char *model, const char *agreement)
{
	json_t *c = claims_for(hosts, model, agreement), *h;
	json_int_t sockets = 0, cores = 0, threads = 0, mem = 0;
	size_t i;

	json_array_foreach(hosts, i, h) {
		sockets += json_integer_value(json_object_get(h, "cpuSockets"));
		cores += json_integer_value(json_object_get(h, "cpuCores"));
		threads += json_integer_value(json_object_get(h, "cpuThreads"));
		mem += json_integer_value(json_object_get(h, "memoryMiB"));
	}
	json_object_set_new(c, "version", json_integer(1));
	json_object_del(c, "hostSalt");
	json_object_set(c, "hosts", hosts);
	json_object_set_new(c, "totals", json_pack("{s:I,s:I,s:I,s:I,s:I}", "hosts",
						   (json_int_t)json_array_size(hosts), "cpuSockets",
						   sockets, "cpuCores", cores, "cpuThreads", threads,
						   "memoryMiB", mem));
	return c;
}

/* The digest the stamp writes for a host's field, from the claims' own salt. */
static void digest_of(json_t *c, const char *field, const char *value, char out[12])
{
	const char *salt_text = json_string_value(json_object_get(c, "hostSalt"));
	uint8_t salt[16];
	size_t n = 0;

	assert_non_null(salt_text);
	assert_int_equal(ar_b64url_decode(salt_text, strlen(salt_text), salt, sizeof salt, &n), 0);
	assert_int_equal(n, 16);
	assert_int_equal(ar_host_digest(salt, json_string_value(json_object_get(c, "cloudId")),
					field, value, out), 0);
}

static int decode_claims(json_t *claims, ar_token *t, ar_err *e)
{
	char *compact = NULL;
	int rc;

	assert_int_equal(ar_token_encode(claims, &stamp, &compact, e), AR_OK);
	rc = ar_token_decode(compact, strlen(compact), t, "tok", e);
	free(compact);
	return rc;
}

static void round_trip(void **state)
{
	json_t *hosts = json_pack("[o,o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"),
				  host("b", "00112233-4455-6677-8899-aabbccddeef0"));
	json_t *c = claims_for(hosts, "Capacity", "1234"), *tot;
	ar_token t;
	ar_err e;
	char kid[44];

	(void)state;
	assert_int_equal(decode_claims(c, &t, &e), AR_OK);
	assert_true(json_equal(t.claims, c));
	assert_memory_equal(t.stamp_pk, stamp.pk, 32);
	ar_jwk_thumbprint(stamp.pk, kid);
	assert_string_equal(t.stamp_kid, kid);
	tot = json_object_get(t.claims, "totals");
	assert_int_equal(json_integer_value(json_object_get(tot, "hosts")), 2);
	assert_int_equal(json_integer_value(json_object_get(tot, "cpuCores")), 32);
	assert_int_equal(json_integer_value(json_object_get(tot, "memoryMiB")), 131072);
	assert_int_equal(strlen(json_string_value(json_object_get(c, "nonce"))), 22);
	ar_token_free(&t);
	json_decref(c);
	json_decref(hosts);
}

static void expect_refused(json_t *claims, const char *msg)
{
	ar_token t;
	ar_err e;

	assert_int_equal(decode_claims(claims, &t, &e), AR_EINPUT);
	assert_string_equal(e.where, "tok");
	assert_string_equal(e.msg, msg);
	assert_null(t.claims);
}

/* Format 2: per host the name, the identities as the key's digests (the UUID lowercased
 * first, as the registrar digests it), the model and inventory; the rest stays behind. */
static void v2_shape(void **state)
{
	json_t *hosts = json_pack("[o]", host("a", "00112233-4455-6677-8899-AABBCCDDEEFF"));
	json_t *c, *h;
	char digest[12];
	const char *k;
	json_t *v;

	(void)state;
	json_object_set_new(json_array_get(hosts, 0), "serial", json_string("SN-1"));
	json_object_set_new(json_array_get(hosts, 0), "operatorSupplied",
			    json_pack("[s,s]", "biosVendor", "serial"));
	c = claims_for(hosts, "Development", NULL);
	h = json_array_get(json_object_get(c, "hosts"), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "version")), 2);
	assert_int_equal(strlen(json_string_value(json_object_get(c, "hostSalt"))), 22);
	digest_of(c, "uuid", "00112233-4455-6677-8899-aabbccddeeff", digest);
	assert_string_equal(json_string_value(json_object_get(h, "uuid")), digest);
	digest_of(c, "serial", "SN-1", digest);
	assert_string_equal(json_string_value(json_object_get(h, "serial")), digest);
	json_object_foreach(h, k, v)
		assert_true(strcmp(k, "name") == 0 || strcmp(k, "uuid") == 0 ||
			    strcmp(k, "serial") == 0 || strcmp(k, "biosVersion") == 0 ||
			    strcmp(k, "cpuModel") == 0 || strcmp(k, "cpuCores") == 0 ||
			    strcmp(k, "memoryMiB") == 0 || strcmp(k, "operatorSupplied") == 0);
	/* the typed biosVendor stays behind with the field */
	v = json_pack("[s]", "serial");
	assert_true(json_equal(json_object_get(h, "operatorSupplied"), v));
	json_decref(v);
	v = json_pack("{s:i,s:i,s:I}", "hosts", 1, "cpuCores", 16, "memoryMiB", (json_int_t)65536);
	assert_true(json_equal(json_object_get(c, "totals"), v));
	json_decref(v);
	/* the key copies the token's digests: no clear value needed */
	v = ar_key_hosts(json_object_get(c, "hosts"), NULL, NULL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "uuid")),
			    json_string_value(json_object_get(h, "uuid")));
	assert_null(json_object_get(json_array_get(v, 0), "cpuModel"));
	json_decref(v);
	json_decref(c);
	json_decref(hosts);
}

/* Format 1 (a token-gen before the digests): read exactly as before. */
static void v1_still_read(void **state)
{
	json_t *hosts = json_pack("[o,o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"),
				  host("b", "00112233-4455-6677-8899-aabbccddeef0"));
	json_t *c = v1_claims_for(hosts, "Capacity", "1234");
	ar_token t;
	ar_err e;

	(void)state;
	assert_int_equal(decode_claims(c, &t, &e), AR_OK);
	assert_true(json_equal(t.claims, c));
	ar_token_free(&t);
	json_object_set_new(c, "hostSalt", json_string("AAAAAAAAAAAAAAAAAAAAAA"));
	expect_refused(c, "token format version 1 has no \"hostSalt\"");
	json_object_del(c, "hostSalt");
	json_object_set_new(json_array_get(json_object_get(c, "hosts"), 1), "uuid",
			    json_string("00112233-4455-6677-8899-aabbccddeeff"));
	expect_refused(c, "hosts 1 and 2 share UUID 00112233-4455-6677-8899-aabbccddeeff");
	json_decref(c);
	json_decref(hosts);
}

static void claims_rules(void **state)
{
	json_t *hosts = json_pack("[o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"));
	json_t *c;

	(void)state;
	c = claims_for(hosts, "Capacity", NULL);
	expect_refused(c, "billing model Capacity needs an agreement number");
	json_decref(c);
	c = claims_for(hosts, "Custom", NULL);
	expect_refused(c, "billing model Custom needs an asset tag");
	json_decref(c);
	c = claims_for(hosts, "capacity", "1");
	expect_refused(c, "billing model must be Capacity, Development or Custom");
	json_decref(c);
	c = claims_for(hosts, "Capacity", "1");
	json_object_set_new(c, "usageReporting", json_true());
	expect_refused(c, "billing model Capacity cannot report usage (disconnected)");
	json_object_set_new(c, "usageReporting", json_string("false"));
	expect_refused(c, "field \"usageReporting\" must be true or false");
	json_object_set_new(c, "usageReporting", json_false());
	json_object_set_new(c, "extra", json_true());
	expect_refused(c, "unknown field \"extra\" in token claims");
	json_object_del(c, "extra");
	json_object_set_new(c, "cloudId", json_string("5C0FFEE0-1111-4222-8333-444455556666"));
	expect_refused(c, "\"cloudId\" is not a lowercase UUID");
	json_object_set_new(c, "cloudId", json_string("5c0ffee0-1111-4222-8333-444455556666"));
	json_object_set_new(c, "version", json_integer(3));
	expect_refused(c, "token format version 3 not supported");
	json_object_set_new(c, "version", json_integer(2));
	json_object_set_new(json_object_get(c, "totals"), "cpuCores", json_integer(999));
	expect_refused(c, "\"totals\" do not match the hosts");
	json_decref(c);
	json_decref(hosts);
}

static void hosts_rules(void **state)
{
	json_t *hosts = json_pack("[o,o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"),
				  host("b", "00112233-4455-6677-8899-aabbccddeeff"));
	json_t *c = claims_for(hosts, "Development", NULL), *many, *h;
	char uuid[37], msg[128];
	int i;

	(void)state;
	digest_of(c, "uuid", "00112233-4455-6677-8899-aabbccddeeff", uuid);
	snprintf(msg, sizeof msg, "hosts 1 and 2 share UUID digest %s", uuid);
	expect_refused(c, msg);
	json_decref(c);
	json_decref(hosts);
	hosts = json_pack("[o,o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"),
			  host("a", "00112233-4455-6677-8899-aabbccddeef0"));
	c = claims_for(hosts, "Development", NULL);
	expect_refused(c, "hosts 1 and 2 share name a");
	json_decref(c);
	json_decref(hosts);
	hosts = json_pack("[o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"));
	c = claims_for(hosts, "Development", NULL);
	h = json_array_get(json_object_get(c, "hosts"), 0);
	/* a clear UUID where the digest belongs, a digest one character short */
	json_object_set_new(h, "uuid", json_string("00112233-4455-6677-8899-aabbccddeeff"));
	expect_refused(c, "host 1: \"uuid\" is not a host digest (11 base64url characters)");
	json_object_set_new(h, "uuid", json_string("AAAAAAAAAA"));
	expect_refused(c, "host 1: \"uuid\" is not a host digest (11 base64url characters)");
	json_object_set_new(h, "uuid", json_string("AAAAAAAAAAA"));
	json_object_set_new(h, "uuidSource", json_string("smbios"));
	expect_refused(c, "host 1: unknown field \"uuidSource\" in host");
	json_object_del(h, "uuidSource");
	json_object_set_new(h, "operatorSupplied", json_pack("[s]", "serial"));
	expect_refused(c, "host 1: \"operatorSupplied\" entry 0 is not a field of the host");
	json_object_del(h, "operatorSupplied");
	json_object_set_new(c, "hostSalt", json_string("AAAAAAAAAAAAAAAAAAAAA"));
	expect_refused(c, "\"hostSalt\" is not 16 bytes in base64url");
	json_object_del(c, "hostSalt");
	expect_refused(c, "missing field \"hostSalt\"");
	json_object_set_new(c, "hostSalt", json_string("AAAAAAAAAAAAAAAAAAAAAA"));
	json_object_set_new(json_object_get(c, "totals"), "cpuSockets", json_integer(2));
	expect_refused(c, "unknown field \"cpuSockets\" in totals");
	json_decref(c);
	json_decref(hosts);
	hosts = json_pack("[o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"));
	json_object_set_new(json_array_get(hosts, 0), "cpuCores", json_integer(0));
	c = claims_for(hosts, "Development", NULL);
	expect_refused(c, "host 1: field \"cpuCores\" out of range (1..65536)");
	json_decref(c);
	json_decref(hosts);
	hosts = json_array();
	c = claims_for(hosts, "Development", NULL);
	expect_refused(c, "token has no hosts");
	json_decref(c);
	many = json_array();
	for (i = 0; i < 65; i++) {
		snprintf(uuid, sizeof uuid, "00112233-4455-6677-8899-aabbccdd%04x", i);
		json_array_append_new(many, host("h", uuid));
	}
	c = claims_for(many, "Development", NULL);
	expect_refused(c, "field \"hosts\" has more than 64 entries");
	json_decref(c);
	json_decref(many);
	json_decref(hosts);
}

/* A token whose header lies, re-signed so only the header check can catch it. */
static char *signed_with_header(const char *header, const char *json)
{
	uint8_t *packed;
	size_t plen;
	char *out;
	ar_err e;

	assert_int_equal(ar_deflate((const uint8_t *)json, strlen(json), &packed, &plen, &e), AR_OK);
	assert_int_equal(ar_jws_sign(header, packed, plen, stamp.sk, &out, &e), AR_OK);
	free(packed);
	return out;
}

static void header_rules(void **state)
{
	char *x = ar_b64url_encode(stamp.pk, 32), header[512], *t;
	ar_token tok;
	ar_err e;

	(void)state;
	snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"typ\":\"airreg-activation-key\","
		 "\"zip\":\"DEF\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}}", x);
	t = signed_with_header(header, "{}");
	assert_int_equal(ar_token_decode(t, strlen(t), &tok, "tok", &e), AR_EINPUT);
	assert_string_equal(e.msg, "not a registration token (typ is \"airreg-activation-key\")");
	free(t);
	snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"typ\":\"airreg-registration-token\","
		 "\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}}", x);
	t = signed_with_header(header, "{}");
	assert_int_equal(ar_token_decode(t, strlen(t), &tok, "tok", &e), AR_EINPUT);
	assert_string_equal(e.msg, "token header must say \"zip\":\"DEF\"");
	free(t);
	/* a jwk that is not the signer's: the signature fails */
	snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"typ\":\"airreg-registration-token\","
		 "\"zip\":\"DEF\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}}",
		 "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
	t = signed_with_header(header, "{}");
	assert_int_equal(ar_token_decode(t, strlen(t), &tok, "tok", &e), AR_EINPUT);
	assert_string_equal(e.msg, "bad signature");
	free(t);
	free(x);
}

/* Capacity licenses physical cores: a host without its count (a record the probe could not
 * read cores for) is refused in format 2 and in format 1, with the remedy; other models take
 * it, and the totals then count the cores the other hosts state. */
static void capacity_needs_cores(void **state)
{
	json_t *hosts = json_pack("[o,o]", host("a", "00112233-4455-6677-8899-aabbccddeeff"),
				  host("node7", "00112233-4455-6677-8899-aabbccddeef0"));
	const char *msg = "host 2 (node7) has no \"cpuCores\": a Capacity token licenses physical "
			  "cores: probe the host again with --cpu-cores N and make a new token";
	json_t *c;
	ar_token t;
	ar_err e;

	(void)state;
	json_object_del(json_array_get(hosts, 1), "cpuCores");
	c = claims_for(hosts, "Capacity", "1234");
	expect_refused(c, msg);
	json_decref(c);
	c = v1_claims_for(hosts, "Capacity", "1234");
	expect_refused(c, msg);
	json_decref(c);
	c = claims_for(hosts, "Development", NULL);
	assert_int_equal(decode_claims(c, &t, &e), AR_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(t.claims, "totals"),
							    "cpuCores")), 16);
	ar_token_free(&t);
	json_decref(c);
	/* every cpuCores removed, totals to match (a stamp that re-signs its own token) */
	json_object_del(json_array_get(hosts, 0), "cpuCores");
	c = claims_for(hosts, "Capacity", "1234");
	assert_null(json_object_get(json_object_get(c, "totals"), "cpuCores"));
	expect_refused(c, "host 1 (a) has no \"cpuCores\": a Capacity token licenses physical "
		       "cores: probe the host again with --cpu-cores N and make a new token");
	json_decref(c);
	json_decref(hosts);
}

static int setup(void **state)
{
	ar_err e;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	return ar_keypair_generate(&stamp, &e);
}

static int teardown(void **state)
{
	(void)state;
	ar_keypair_free(&stamp);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(v2_shape),
		cmocka_unit_test(v1_still_read),
		cmocka_unit_test(claims_rules),
		cmocka_unit_test(hosts_rules),
		cmocka_unit_test(header_rules),
		cmocka_unit_test(capacity_needs_cores),
	};
	return cmocka_run_group_tests_name("token", tests, setup, teardown);
}
