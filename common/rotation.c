/* SPDX-License-Identifier: Apache-2.0 */
#include "rotation.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "keys.h"

static const char *const statement_fields[] = { "payload", "signatures", NULL };
static const char *const signature_fields[] = { "protected", "signature", NULL };
static const char *const header_fields[] = { "alg", "typ", "kid", NULL };
static const char *const claim_fields[] = { "version", "previousKey", "key", "issuedAt", NULL };
static const char *const jwk_fields[] = { "crv", "kty", "x", NULL };
/* the order of the signatures, and what each one is called in a refusal */
static const char *const signer_names[] = { "previous key", "new key" };

/* One compact JWS signed by s, cut into its three segments in place: *h and *sig point into
 * *compact, the payload segment is the same for both signers. */
static int sign_one(const char *payload, const ar_signer *s, char **compact, char **sig,
		    ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1], *h, *dot;
	json_t *header;
	int rc;

	ar_jwk_thumbprint(s->pk, kid);
	header = json_pack("{s:s, s:s, s:s}", "alg", AR_JWS_ALG, "typ", AR_TYP_ROTATION, "kid",
			   kid);
	h = header ? ar_json_dump_compact(header) : NULL;
	json_decref(header);
	if (!h)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = ar_jws_sign_with(h, (const uint8_t *)payload, strlen(payload), s, compact, e);
	free(h);
	if (rc != AR_OK)
		return rc;
	dot = strchr(*compact, '.');
	*dot = '\0';
	dot = strchr(dot + 1, '.');
	*dot = '\0';
	*sig = dot + 1;
	return AR_OK;
}

int ar_rotation_build(long long version, long long issued_at, const ar_signer *old_key,
		      const ar_signer *new_key, char **out, ar_err *e)
{
	json_t *claims, *statement = NULL;
	char *payload = NULL, *c[2] = { NULL, NULL }, *sig[2] = { NULL, NULL };
	int rc = AR_OK;

	*out = NULL;
	/* plain claims, no zip: a statement is small and decodes with base64 alone */
	claims = json_pack("{s:I, s:o, s:o, s:I}", "version", (json_int_t)version,
			   "previousKey", ar_jwk_from_public(old_key->pk), "key",
			   ar_jwk_from_public(new_key->pk), "issuedAt", (json_int_t)issued_at);
	payload = claims ? ar_json_dump_compact(claims) : NULL;
	json_decref(claims);
	if (!payload)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK)
		rc = sign_one(payload, old_key, &c[0], &sig[0], e);
	if (rc == AR_OK)
		rc = sign_one(payload, new_key, &c[1], &sig[1], e);
	if (rc == AR_OK)
		statement = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "payload",
				      c[0] + strlen(c[0]) + 1, "signatures", "protected", c[0],
				      "signature", sig[0], "protected", c[1], "signature", sig[1]);
	if (rc == AR_OK && (!statement || !(*out = ar_json_dump_compact(statement))))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	json_decref(statement);
	free(payload);
	free(c[0]);
	free(c[1]);
	return rc;
}

static int read_key(json_t *claims, const char *name, uint8_t pk[AR_ED25519_PK_BYTES],
		    char kid[AR_THUMBPRINT_CHARS + 1], const char *where, ar_err *e)
{
	json_t *jwk = NULL;
	char what[64];

	snprintf(what, sizeof what, "rotation statement's \"%s\"", name);
	if (ar_json_object(claims, name, 1, &jwk, where, e) != AR_OK ||
	    ar_json_only_keys(jwk, jwk_fields, what, where, e) != AR_OK ||
	    ar_jwk_to_public(jwk, pk, where, e) != AR_OK)
		return e->status;
	ar_jwk_thumbprint(pk, kid);
	return AR_OK;
}

static int read_claims(const ar_jws *jws, ar_rotation *out, const char *where, ar_err *e)
{
	json_t *c = ar_json_parse_object(jws->payload, jws->payload_len, where, e);
	json_int_t version = 0, issued = 0;
	int rc = c ? AR_OK : e->status;

	if (rc == AR_OK &&
	    (ar_json_only_keys(c, claim_fields, "rotation statement claims", where, e) != AR_OK ||
	     ar_json_int(c, "version", 1, AR_ROTATION_FIRST_VERSION, AR_ROTATION_MAX_VERSION,
			 &version, where, e) != AR_OK ||
	     ar_json_int(c, "issuedAt", 1, 0, AR_MAX_TIMESTAMP, &issued, where, e) != AR_OK ||
	     read_key(c, "previousKey", out->previous_pk, out->previous_kid, where, e) != AR_OK ||
	     read_key(c, "key", out->pk, out->kid, where, e) != AR_OK))
		rc = e->status;
	if (rc == AR_OK && memcmp(out->previous_pk, out->pk, sizeof out->pk) == 0)
		rc = ar_fail(e, AR_EINPUT, where, "rotation statement's new key is its previous key");
	out->version = (long long)version;
	out->issued_at = (long long)issued;
	json_decref(c);
	return rc;
}

/* Signature i as a compact JWS (its protected header, the payload, its signature). */
static int parse_signature(json_t *statement, const char *payload, size_t i, ar_jws *jws,
			   const char *where, ar_err *e)
{
	json_t *s = json_array_get(json_object_get(statement, "signatures"), i);
	const char *prot = NULL, *sig = NULL;
	char *compact;
	size_t len;
	int rc;

	if (!json_is_object(s))
		return ar_fail(e, AR_EINPUT, where, "rotation statement's signature %zu is not an "
			       "object", i + 1);
	if (ar_json_only_keys(s, signature_fields, "a rotation statement's signature", where,
			      e) != AR_OK ||
	    ar_json_string(s, "protected", 1, AR_MAX_FILE_BYTES, &prot, where, e) != AR_OK ||
	    ar_json_string(s, "signature", 1, AR_MAX_FILE_BYTES, &sig, where, e) != AR_OK)
		return e->status;
	/* a '.' inside a member would move the segments of the compact form */
	if (strchr(prot, '.') || strchr(sig, '.') || strchr(payload, '.'))
		return ar_fail(e, AR_EINPUT, where, "rotation statement member is not base64url");
	len = strlen(prot) + strlen(payload) + strlen(sig) + 2;
	compact = malloc(len + 1);
	if (!compact)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	snprintf(compact, len + 1, "%s.%s.%s", prot, payload, sig);
	rc = ar_jws_parse(compact, len, jws, where, e);
	free(compact);
	return rc;
}

static int check_signature(const ar_jws *jws, const uint8_t pk[AR_ED25519_PK_BYTES],
			   const char *kid, size_t i, long long version, const char *where,
			   ar_err *e)
{
	const char *typ = ar_jws_header_string(jws, "typ");
	const char *named = ar_jws_header_string(jws, "kid");

	if (!typ || strcmp(typ, AR_TYP_ROTATION) != 0)
		return ar_fail(e, AR_EINPUT, where, "not a rotation statement (typ is \"%.40s\")",
			       typ ? typ : "");
	if (ar_json_only_keys(jws->header, header_fields, "rotation statement header", where,
			      e) != AR_OK)
		return e->status;
	if (!named || strcmp(named, kid) != 0)
		return ar_fail(e, AR_EINPUT, where, "rotation statement's signature %zu does not "
			       "name its %s (kid %s)", i + 1, signer_names[i], kid);
	if (ar_jws_verify(jws, pk, where, e) != AR_OK)
		return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld: the %s's "
			       "signature does not verify", version, signer_names[i]);
	return AR_OK;
}

int ar_rotation_decode(json_t *statement, ar_rotation *out, const char *where, ar_err *e)
{
	const char *payload = NULL;
	json_t *sigs = NULL, *canonical;
	ar_jws jws[2];
	size_t i;

	memset(out, 0, sizeof *out);
	memset(jws, 0, sizeof jws);
	if (!json_is_object(statement))
		return ar_fail(e, AR_EINPUT, where, "not a rotation statement (a JSON object with "
			       "\"payload\" and \"signatures\")");
	if (ar_json_only_keys(statement, statement_fields, "rotation statement", where,
			      e) != AR_OK ||
	    ar_json_string(statement, "payload", 1, AR_MAX_FILE_BYTES, &payload, where,
			   e) != AR_OK ||
	    ar_json_array(statement, "signatures", 1, AR_MAX_FILE_BYTES, &sigs, where, e) != AR_OK)
		return e->status;
	if (json_array_size(sigs) != 2)
		return ar_fail(e, AR_EINPUT, where, "rotation statement has %zu signatures, not 2 "
			       "(the previous key's and the new key's)", json_array_size(sigs));
	for (i = 0; i < 2; i++)
		if (parse_signature(statement, payload, i, &jws[i], where, e) != AR_OK)
			goto fail;
	if (read_claims(&jws[0], out, where, e) != AR_OK)
		goto fail;
	if (check_signature(&jws[0], out->previous_pk, out->previous_kid, 0, out->version, where,
			    e) != AR_OK ||
	    check_signature(&jws[1], out->pk, out->kid, 1, out->version, where, e) != AR_OK)
		goto fail;
	/* the text in the builder's member order, whatever order the file had */
	canonical = json_pack("{s:O, s:O}", "payload", json_object_get(statement, "payload"),
			      "signatures", sigs);
	out->text = canonical ? ar_json_dump_compact(canonical) : NULL;
	json_decref(canonical);
	if (!out->text) {
		ar_fail(e, AR_EINTERNAL, where, "out of memory");
		goto fail;
	}
	ar_jws_free(&jws[0]);
	ar_jws_free(&jws[1]);
	return AR_OK;
fail:
	ar_jws_free(&jws[0]);
	ar_jws_free(&jws[1]);
	ar_rotation_free(out);
	return e->status;
}

/* A refusal about the statement at index i of a chain of n says which one. */
static int in_chain(ar_err *e, size_t i, size_t n)
{
	char msg[sizeof e->msg];

	if (n > 1) {
		snprintf(msg, sizeof msg, "%s", e->msg);
		snprintf(e->msg, sizeof e->msg, "chain statement %zu of %zu: %s", i + 1, n, msg);
	}
	return e->status;
}

static int check_link(const ar_rotation *prev, const ar_rotation *r, const char *where,
		      ar_err *e)
{
	if (r->version != prev->version + 1)
		return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld follows "
			       "version %lld (versions go up one at a time)", r->version,
			       prev->version);
	if (strcmp(r->previous_kid, prev->kid) != 0)
		return ar_fail(e, AR_EINPUT, where, "rotation statement version %lld replaces key "
			       "%s, not key %s that version %lld brought", r->version,
			       r->previous_kid, prev->kid, prev->version);
	return AR_OK;
}

int ar_rotation_decode_chain(const char *text, size_t len, ar_rotation **out, size_t *n,
			     const char *where, ar_err *e)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *item;
	ar_rotation *chain = NULL;
	size_t count = 0, i;
	int rc = AR_OK;

	*out = NULL;
	*n = 0;
	if (!doc)
		return ar_fail(e, AR_EINPUT, where, "not JSON: %.200s (line %d)", jerr.text,
			       jerr.line);
	count = json_is_array(doc) ? json_array_size(doc) : 1;
	if (!json_is_array(doc) && !json_is_object(doc))
		rc = ar_fail(e, AR_EINPUT, where, "not a rotation statement or a chain of them");
	else if (count == 0)
		rc = ar_fail(e, AR_EINPUT, where, "an empty chain: no rotation statement");
	else if (count > AR_MAX_ROTATIONS)
		rc = ar_fail(e, AR_EINPUT, where, "a chain of %zu rotation statements (at most %d)",
			     count, AR_MAX_ROTATIONS);
	if (rc == AR_OK && !(chain = calloc(count, sizeof *chain)))
		rc = ar_fail(e, AR_EINTERNAL, where, "out of memory");
	for (i = 0; rc == AR_OK && i < count; i++) {
		item = json_is_array(doc) ? json_array_get(doc, i) : doc;
		rc = ar_rotation_decode(item, &chain[i], where, e);
		if (rc == AR_OK && i > 0)
			rc = check_link(&chain[i - 1], &chain[i], where, e);
		if (rc != AR_OK)
			in_chain(e, i, count);
	}
	json_decref(doc);
	if (rc != AR_OK) {
		ar_rotation_free_chain(chain, count);
		return rc;
	}
	*out = chain;
	*n = count;
	return AR_OK;
}

char *ar_rotation_chain_join(const char *const *texts, size_t n)
{
	size_t len = 4, i, at;
	char *out;

	for (i = 0; i < n; i++)
		len += strlen(texts[i]) + 2;
	if (!(out = malloc(len + 1)))
		return NULL;
	/* one statement a line: a diff of two chains shows the statement that differs */
	out[0] = '[';
	at = 1;
	for (i = 0; i < n; i++) {
		out[at++] = '\n';
		memcpy(out + at, texts[i], strlen(texts[i]));
		at += strlen(texts[i]);
		if (i + 1 < n)
			out[at++] = ',';
	}
	memcpy(out + at, "\n]\n", 4);
	return out;
}

char *ar_rotation_chain_text(const ar_rotation *chain, size_t n)
{
	const char **texts = calloc(n ? n : 1, sizeof *texts);
	char *out;
	size_t i;

	if (!texts)
		return NULL;
	for (i = 0; i < n; i++)
		texts[i] = chain[i].text;
	out = ar_rotation_chain_join(texts, n);
	free(texts);
	return out;
}

void ar_rotation_free(ar_rotation *r)
{
	free(r->text);
	memset(r, 0, sizeof *r);
}

void ar_rotation_free_chain(ar_rotation *chain, size_t n)
{
	size_t i;

	for (i = 0; chain && i < n; i++)
		ar_rotation_free(&chain[i]);
	free(chain);
}
