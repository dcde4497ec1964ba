/* SPDX-License-Identifier: Apache-2.0 */
/* `airreg-connect register`: the token made, PUT as the registration, its activation key
 * asked for and imported, in one step. The stamp changes only at the import, so a run cut
 * anywhere leaves it as it was and the next run completes it. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "filekind.h"
#include "http.h"
#include "stamp.h"
#include "text.h"

/* The registration the registrar answered is the one sent: its name, CloudId and token. */
static int check_registered(json_t *body, const char *name, const char *cloud_id,
			    const char *token_sha256, const char *label, ar_err *e)
{
	json_t *p = json_object_get(body, "properties");
	const char *answered = json_string_value(json_object_get(body, "name"));
	const char *cid = json_string_value(json_object_get(p, "cloudId"));
	const char *sha = json_string_value(json_object_get(p, "tokenSha256"));

	if (!cid || strcmp(cid, cloud_id) != 0 || (sha && strcmp(sha, token_sha256) != 0) ||
	    !answered || strcmp(answered, name) != 0)
		return ar_fail(e, AR_EENV, label, "the answer is not the registration %s of this "
			       "stamp's token (CloudId %s): not a registrar's answer", name, cloud_id);
	return AR_OK;
}

static int put_token(http_client *c, const connect_opts *o, const char *compact,
		     const char *cloud_id, const char *sha256_hex, ar_err *e)
{
	static const long ok[] = { 200, 201, 0 };
	char label[HTTP_LABEL_CHARS];
	json_t *req = json_pack("{s:s, s:{s:s}}", "location", "global", "properties",
				"registrationToken", compact);
	http_answer a;
	int rc;

	if (!req)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = http_registration(c, "PUT", o->name, NULL, req, ok, &a, label, e);
	if (rc == AR_OK)
		rc = check_registered(a.body, o->name, cloud_id, sha256_hex, label, e);
	if (rc == AR_OK)
		printf(PROGRAM ": %s: %ld %s: %s\n", label, a.status, http_reason(a.status),
		       a.status == 201 ? "registered" : "renewed");
	http_answer_free(&a);
	json_decref(req);
	return rc;
}

/* The answer's one member, the key: no other, and an activation key by its kind. */
static int key_of(json_t *body, const char *label, const char **key, ar_err *e)
{
	json_error_t jerr;

	*key = NULL;
	if (!body || json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "activationKey", key) != 0)
		return ar_fail(e, AR_EENV, label, "the answer is not {\"activationKey\": \"...\"} "
			       "(%s): not a registrar's answer", body ? jerr.text : "no body");
	if (strlen(*key) > AR_MAX_FILE_BYTES)
		return ar_fail(e, AR_EENV, label, "the activation key is larger than %u bytes",
			       AR_MAX_FILE_BYTES);
	return ar_expect_kind((const uint8_t *)*key, strlen(*key), AR_KIND_ACTIVATION_KEY, label,
			      e);
}

static int get_key(http_client *c, const connect_opts *o, ar_err *e)
{
	static const long ok[] = { 200, 0 };
	char label[HTTP_LABEL_CHARS], where[AR_CONNECT_MAX_URL_CHARS + 64], hex[65];
	json_t *req = json_object();
	const char *key = NULL;
	http_answer a;
	int rc;

	if (!req)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = http_registration(c, "POST", o->name, "getactivationkey", req, ok, &a, label, e);
	if (rc == AR_OK)
		rc = key_of(a.body, label, &key, e);
	if (rc == AR_OK) {
		ar_sha256_hex((const uint8_t *)key, strlen(key), hex);
		printf(PROGRAM ": %s: %ld %s: activation key, %zu bytes, SHA-256 %s\n", label,
		       a.status, http_reason(a.status), strlen(key), hex);
		snprintf(where, sizeof where, "activation key from %s", c->base);
		rc = stamp_import_key(o, key, strlen(key), where, e);
	}
	http_answer_free(&a);
	json_decref(req);
	return rc;
}

/* The registration was made or renewed and no key came: nothing changed here. */
static int registered_but(const connect_opts *o, ar_err *e)
{
	ar_err first = *e;

	if (first.status != AR_EENV)
		return first.status;
	return ar_fail(e, first.status, first.where[0] ? first.where : NULL, "%s (registered, "
		       "no key imported: this stamp is unchanged; airreg-connect register again "
		       "asks for the key of %s)", first.msg, o->name);
}

int connect_register(const connect_opts *o, ar_err *e)
{
	http_client c;
	json_t *claims = NULL, *records = NULL;
	char *compact = NULL, cloud_id[AR_UUID_CHARS + 1] = "", hex[65];
	int rc, same = 0;

	rc = http_open(&c, o, e);
	if (rc == AR_OK)
		rc = ar_stamp_require(ar_stamp_dir(o->state_dir), 0, e);
	if (rc == AR_OK)
		rc = stamp_make_token(o, &claims, &records, &compact, cloud_id, e);
	/* the state read before anything is sent, --renew or not: a damaged one is found here,
	 * not after the registrar has spent a serial */
	if (rc == AR_OK)
		rc = stamp_unchanged(o, claims, records, cloud_id, &same, e);
	if (rc == AR_OK && !same)
		rc = stamp_trusts(o, e);
	if (rc == AR_OK && !same) {
		size_t n = json_array_size(records);

		ar_sha256_hex((const uint8_t *)compact, strlen(compact), hex);
		printf(PROGRAM ": registration token: %zu host%s, CloudId %s, %zu bytes, SHA-256 "
		       "%s\n", n, n == 1 ? "" : "s", cloud_id, strlen(compact), hex);
		rc = put_token(&c, o, compact, cloud_id, hex, e);
		if (rc == AR_OK && get_key(&c, o, e) != AR_OK)
			rc = registered_but(o, e);
	}
	if (compact)
		sodium_memzero(compact, strlen(compact));
	free(compact);
	json_decref(claims);
	json_decref(records);
	http_close(&c);
	return rc;
}
