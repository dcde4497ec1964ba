/* SPDX-License-Identifier: Apache-2.0 */
#include "jws.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "json.h"

static int sign_secret(void *ctx, const uint8_t *msg, size_t len,
		       uint8_t sig[AR_ED25519_SIG_BYTES], ar_err *e)
{
	(void)e;
	crypto_sign_detached(sig, NULL, msg, len, ctx);
	return AR_OK;
}

void ar_signer_of_secret(ar_signer *s, const uint8_t sk[AR_ED25519_SK_BYTES])
{
	memcpy(s->pk, sk + crypto_sign_SEEDBYTES, sizeof s->pk);
	s->sign = sign_secret;
	s->ctx = (void *)(uintptr_t)sk;
}

int ar_jws_sign(const char *header_json, const uint8_t *payload, size_t payload_len,
		const uint8_t sk[AR_ED25519_SK_BYTES], char **out, ar_err *e)
{
	ar_signer s;

	ar_signer_of_secret(&s, sk);
	return ar_jws_sign_with(header_json, payload, payload_len, &s, out, e);
}

int ar_jws_sign_with(const char *header_json, const uint8_t *payload, size_t payload_len,
		     const ar_signer *signer, char **out, ar_err *e)
{
	char *h = ar_b64url_encode((const uint8_t *)header_json, strlen(header_json));
	char *p = ar_b64url_encode(payload, payload_len);
	char *s = NULL, *text = NULL;
	uint8_t sig[AR_ED25519_SIG_BYTES];
	size_t hl = h ? strlen(h) : 0, pl = p ? strlen(p) : 0;
	int rc = AR_OK;

	if (h && p)
		text = malloc(hl + pl + 2 + sodium_base64_ENCODED_LEN(sizeof sig,
					sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	if (text) {
		memcpy(text, h, hl);
		text[hl] = '.';
		memcpy(text + hl + 1, p, pl);
		rc = signer->sign(signer->ctx, (const uint8_t *)text, hl + 1 + pl, sig, e);
		if (rc == AR_OK)
			s = ar_b64url_encode(sig, sizeof sig);
	}
	if (s) {
		text[hl + 1 + pl] = '.';
		memcpy(text + hl + 2 + pl, s, strlen(s) + 1);
		*out = text;
		text = NULL;
	} else if (rc == AR_OK) {
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	free(h);
	free(p);
	free(s);
	free(text);
	return rc;
}

static int decode_segment(const char *seg, size_t len, uint8_t **out, size_t *out_len,
			  const char *name, const char *where, ar_err *e)
{
	size_t cap = ar_b64url_decoded_max(len);

	*out = malloc(cap + 1);
	if (!*out)
		return ar_fail(e, AR_EINTERNAL, where, "out of memory");
	if (ar_b64url_decode(seg, len, *out, cap, out_len) != 0) {
		free(*out);
		*out = NULL;
		return ar_fail(e, AR_EINPUT, where, "%s is not canonical base64url", name);
	}
	(*out)[*out_len] = '\0';
	return AR_OK;
}

static int check_header(json_t *header, const char *where, ar_err *e)
{
	json_t *alg = json_object_get(header, "alg");

	if (!json_is_string(alg))
		return ar_fail(e, AR_EINPUT, where, "JWS header has no \"alg\"");
	if (strcmp(json_string_value(alg), AR_JWS_ALG) != 0)
		return ar_fail(e, AR_EINPUT, where, "JWS algorithm \"%.32s\" refused (only %s)",
			       json_string_value(alg), AR_JWS_ALG);
	if (json_object_get(header, "crit"))
		return ar_fail(e, AR_EINPUT, where,
			       "JWS header has \"crit\" extensions this program does not understand");
	return AR_OK;
}

int ar_jws_parse(const char *compact, size_t len, ar_jws *out, const char *where, ar_err *e)
{
	const char *dot1, *dot2, *end = compact + len;
	uint8_t *hdr = NULL, *sig = NULL;
	size_t hdr_len = 0, sig_len = 0;

	memset(out, 0, sizeof *out);
	dot1 = memchr(compact, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
	if (!dot2 || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)))
		return ar_fail(e, AR_EINPUT, where,
			       "not a JWS compact serialization (three dot-separated parts)");
	if (decode_segment(compact, (size_t)(dot1 - compact), &hdr, &hdr_len, "JWS header",
			   where, e) != AR_OK)
		goto fail;
	out->header = ar_json_parse_object(hdr, hdr_len, where, e);
	if (!out->header) {
		ar_fail(e, AR_EINPUT, where, "JWS header: %s", e->msg);
		goto fail;
	}
	if (check_header(out->header, where, e) != AR_OK)
		goto fail;
	if (decode_segment(dot1 + 1, (size_t)(dot2 - dot1 - 1), &out->payload, &out->payload_len,
			   "JWS payload", where, e) != AR_OK)
		goto fail;
	if (decode_segment(dot2 + 1, (size_t)(end - dot2 - 1), &sig, &sig_len, "JWS signature",
			   where, e) != AR_OK)
		goto fail;
	if (sig_len != AR_ED25519_SIG_BYTES) {
		ar_fail(e, AR_EINPUT, where, "JWS signature is %zu bytes, not %d", sig_len,
			AR_ED25519_SIG_BYTES);
		goto fail;
	}
	memcpy(out->sig, sig, sizeof out->sig);
	out->compact = malloc(len + 1);
	if (!out->compact) {
		ar_fail(e, AR_EINTERNAL, where, "out of memory");
		goto fail;
	}
	memcpy(out->compact, compact, len);
	out->compact[len] = '\0';
	out->signing_input = out->compact;
	out->signing_input_len = (size_t)(dot2 - compact);
	free(hdr);
	free(sig);
	return AR_OK;
fail:
	free(hdr);
	free(sig);
	ar_jws_free(out);
	return e->status;
}

int ar_jws_verify(const ar_jws *jws, const uint8_t pk[AR_ED25519_PK_BYTES], const char *where,
		  ar_err *e)
{
	if (crypto_sign_verify_detached(jws->sig, (const uint8_t *)jws->signing_input,
					jws->signing_input_len, pk) != 0)
		return ar_fail(e, AR_EINPUT, where, "bad signature");
	return AR_OK;
}

void ar_jws_free(ar_jws *jws)
{
	json_decref(jws->header);
	free(jws->payload);
	free(jws->compact);
	memset(jws, 0, sizeof *jws);
}

const char *ar_jws_header_string(const ar_jws *jws, const char *name)
{
	json_t *v = json_object_get(jws->header, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}
