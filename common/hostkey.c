/* SPDX-License-Identifier: Apache-2.0 */
#include "hostkey.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "host.h"
#include "json.h"
#include "placeholder.h"
#include "text.h"

int ar_host_digest(const uint8_t salt[AR_HOST_SALT_BYTES], const char *cloud_id,
		   const char *field, const char *value, char out[AR_HOST_DIGEST_CHARS + 1])
{
	static const uint8_t nul = 0;
	crypto_auth_hmacsha256_state st;
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	char *text;

	/* each part NUL-ended: no value can pass for another field's or another stamp's */
	crypto_auth_hmacsha256_init(&st, salt, AR_HOST_SALT_BYTES);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)AR_HOST_DIGEST_CONTEXT,
				      strlen(AR_HOST_DIGEST_CONTEXT));
	crypto_auth_hmacsha256_update(&st, &nul, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)cloud_id, strlen(cloud_id));
	crypto_auth_hmacsha256_update(&st, &nul, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)field, strlen(field));
	crypto_auth_hmacsha256_update(&st, &nul, 1);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)value, strlen(value));
	crypto_auth_hmacsha256_final(&st, mac);
	text = ar_b64url_encode(mac, AR_HOST_DIGEST_BYTES);
	sodium_memzero(mac, sizeof mac);
	if (!text)
		return -1;
	memcpy(out, text, AR_HOST_DIGEST_CHARS + 1);
	free(text);
	return 0;
}

/* The value of an identity field worth a digest, or NULL: absent, or a placeholder that
 * every machine of a model shares (the operator's --serial is not cleaned by the probe). */
static const char *identity_of(json_t *record, const char *field, char *buf, size_t cap)
{
	const char *v = json_string_value(json_object_get(record, field));
	size_t i;

	if (!v || !*v)
		return NULL;
	if (strcmp(field, "uuid") == 0) {
		snprintf(buf, cap, "%s", v);
		for (i = 0; buf[i]; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
		return hw_uuid_placeholder_reason(buf) ? NULL : buf;
	}
	return hw_is_placeholder_text(v) ? NULL : v;
}

int ar_host_identities(json_t *record, const char *cloud_id,
		       const uint8_t salt[AR_HOST_SALT_BYTES], json_t *into)
{
	static const char *const identities[] = { "uuid", "serial", "boardSerial", NULL };
	const char *const *f;
	char buf[AR_MAX_VALUE_CHARS + 1], digest[AR_HOST_DIGEST_CHARS + 1];
	const char *v;

	for (f = identities; *f; f++) {
		if (!(v = identity_of(record, *f, buf, sizeof buf)))
			continue;
		if (ar_host_digest(salt, cloud_id, *f, v, digest) != 0 ||
		    json_object_set_new(into, *f, json_string(digest)) != 0)
			return -1;
	}
	return 0;
}

/* What a key keeps of a host: its name, the digests, and what is reported (never decides). */
static json_t *key_host(json_t *record, const char *cloud_id,
			const uint8_t salt[AR_HOST_SALT_BYTES])
{
	static const char *const copied[] = { "uuid", "serial", "boardSerial", "biosVersion",
		"cpuCores", NULL };
	const char *const *f;
	json_t *h = json_pack("{s:O}", "name", json_object_get(record, "name"));

	/* a v2 token's entry holds the digests already (the stamp's salt): copied, never
	 * re-hashed, for the registrar never sees the clear values */
	if (h && salt && ar_host_identities(record, cloud_id, salt, h) != 0) {
		json_decref(h);
		return NULL;
	}
	for (f = salt ? copied + 3 : copied; h && *f; f++)
		if (json_object_get(record, *f))
			json_object_set(h, *f, json_object_get(record, *f));
	return h;
}

json_t *ar_hosts_map(json_t *records, ar_host_entry_fn entry, const char *cloud_id,
		     const uint8_t salt[AR_HOST_SALT_BYTES])
{
	json_t *out = json_array(), *record, *h;
	size_t i;

	json_array_foreach(records, i, record) {
		if (!out || !(h = entry(record, cloud_id, salt))) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, h);
	}
	return out;
}

json_t *ar_key_hosts(json_t *records, const char *cloud_id,
		     const uint8_t salt[AR_HOST_SALT_BYTES])
{
	return ar_hosts_map(records, key_host, cloud_id, salt);
}

int ar_host_digest_ok(const char *s)
{
	uint8_t raw[AR_HOST_DIGEST_BYTES];
	size_t n = 0;

	return strlen(s) == AR_HOST_DIGEST_CHARS &&
	       ar_b64url_decode(s, AR_HOST_DIGEST_CHARS, raw, sizeof raw, &n) == 0 &&
	       n == AR_HOST_DIGEST_BYTES;
}

int ar_key_hosts_check(json_t *hosts, const char *where, ar_err *e)
{
	static const char *const fields[] = { "name", "uuid", "serial", "boardSerial",
		"biosVersion", "cpuCores", NULL };
	static const char *const identities[] = { "uuid", "serial", "boardSerial", NULL };
	const char *const *f;
	const char *s = NULL;
	json_int_t cores = 0;
	json_t *host;
	size_t i, j;

	json_array_foreach(hosts, i, host) {
		if (!json_is_object(host))
			return ar_fail(e, AR_EINPUT, where, "host %zu is not an object", i + 1);
		if (ar_json_only_keys(host, fields, "host", where, e) != AR_OK ||
		    ar_json_string(host, "name", 1, AR_MAX_HOST_NAME_CHARS, &s, where, e) != AR_OK)
			return e->status;
		if (!ar_host_name_ok(s))
			return ar_fail(e, AR_EINPUT, where, "host %zu: \"name\" is not a host name", i + 1);
		for (f = identities; *f; f++) {
			s = NULL;
			if (ar_json_string(host, *f, 0, AR_MAX_VALUE_CHARS, &s, where, e) != AR_OK)
				return e->status;
			if (s && !ar_host_digest_ok(s))
				return ar_fail(e, AR_EINPUT, where, "host %zu: \"%s\" is not a host "
					       "digest (%d base64url characters)", i + 1, *f,
					       AR_HOST_DIGEST_CHARS);
		}
		if (ar_json_string(host, "biosVersion", 0, AR_MAX_VALUE_CHARS, &s, where, e) != AR_OK ||
		    ar_json_int(host, "cpuCores", 0, 1, AR_MAX_CPU_CORES, &cores, where, e) != AR_OK)
			return e->status;
		/* a token names each host once, by a name and a UUID of its own: a key that names
		 * one twice is none a registrar wrote (serials may be shared by a vendor's line) */
		for (j = 0; j < i; j++) {
			json_t *other = json_array_get(hosts, j);
			static const char *const unique[] = { "name", "uuid", NULL };

			for (f = unique; *f; f++)
				if (json_is_string(json_object_get(host, *f)) &&
				    json_equal(json_object_get(host, *f), json_object_get(other, *f)))
					return ar_fail(e, AR_EINPUT, where, "host %zu: \"%s\" is host "
						       "%zu's too", i + 1, *f, j + 1);
		}
	}
	return AR_OK;
}

/* A key from a registrar before issue 16: {"name","uuid","hardwareSha256"}, the UUID in clear,
 * the digest a SHA-256 of the whole host record. */
int ar_key_hosts_check_legacy(json_t *hosts, const char *where, ar_err *e)
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

int ar_host_match_parse(const char *text, const char *what, size_t n_hosts, json_t **claim,
			ar_err *e)
{
	char *end = NULL;
	long n;

	*claim = NULL;
	if (strcmp(text, AR_HOST_MATCH_ALL) == 0 || strcmp(text, AR_HOST_MATCH_MOST) == 0 ||
	    strcmp(text, AR_HOST_MATCH_ANY) == 0)
		*claim = json_string(text);
	else if (text[0] >= '1' && text[0] <= '9' && (n = strtol(text, &end, 10)) >= 1 &&
		 *end == '\0' && (size_t)n <= n_hosts)
		*claim = json_integer(n);
	else
		return ar_fail(e, AR_EUSAGE, NULL, "%s must be all, most, any or a count 1 to %zu "
			       "(the licensed hosts), not \"%.20s\"", what, n_hosts, text);
	return *claim ? AR_OK : ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
}

int ar_host_match_check(json_t *claim, size_t n_hosts, const char *where, ar_err *e)
{
	const char *s = json_string_value(claim);

	if (s && (strcmp(s, AR_HOST_MATCH_ALL) == 0 || strcmp(s, AR_HOST_MATCH_MOST) == 0 ||
		  strcmp(s, AR_HOST_MATCH_ANY) == 0))
		return AR_OK;
	if (json_is_integer(claim) && json_integer_value(claim) >= 1 &&
	    (size_t)json_integer_value(claim) <= n_hosts)
		return AR_OK;
	return ar_fail(e, AR_EINPUT, where, "\"hostMatch\" must be all, most, any or a count 1 to "
		       "%zu (the key's hosts)", n_hosts);
}

void ar_host_match_describe(json_t *claim, size_t n_hosts, char *out, size_t cap)
{
	const char *unit = n_hosts == 1 ? "host" : "hosts";

	if (json_is_string(claim))
		snprintf(out, cap, "%s of %zu %s", json_string_value(claim), n_hosts, unit);
	else if (json_is_integer(claim))
		snprintf(out, cap, "at least %lld of %zu %s", (long long)json_integer_value(claim),
			 n_hosts, unit);
	else
		snprintf(out, cap, "none (a key from a registrar before hardware policies)");
}
