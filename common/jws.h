/* SPDX-License-Identifier: Apache-2.0 */
/* JWS Compact Serialization (RFC 7515) with alg EdDSA / Ed25519 (RFC 8037) only. */
#ifndef AIRREG_JWS_H
#define AIRREG_JWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ar_limits.h"

typedef struct {
	json_t *header;         /* the protected header, checked: alg EdDSA, no crit */
	uint8_t *payload;       /* decoded payload bytes, NUL-terminated */
	size_t payload_len;
	uint8_t sig[AR_ED25519_SIG_BYTES];
	const char *signing_input; /* "header.payload" as received, inside `compact` */
	size_t signing_input_len;
	char *compact;          /* own copy of the text */
} ar_jws;

/* Who signs: a secret key in this process's secure memory (ar_signer_of_secret), or a key
 * that never leaves a PKCS#11 token (registrar/issuer.c). sign writes the Ed25519
 * signature of msg; pk is the public half, which names the key (its kid). */
typedef struct ar_signer {
	uint8_t pk[AR_ED25519_PK_BYTES];
	int (*sign)(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[AR_ED25519_SIG_BYTES],
		    ar_err *e);
	void *ctx;
} ar_signer;

/* A signer over libsodium's 64-byte secret key (seed || pk), which must outlive it. */
void ar_signer_of_secret(ar_signer *s, const uint8_t sk[AR_ED25519_SK_BYTES]);

/* Signs header_json (used byte for byte) and payload; *out is malloc'd text. */
int ar_jws_sign_with(const char *header_json, const uint8_t *payload, size_t payload_len,
		     const ar_signer *signer, char **out, ar_err *e);
/* The same with a secret key in memory. */
int ar_jws_sign(const char *header_json, const uint8_t *payload, size_t payload_len,
		const uint8_t sk[AR_ED25519_SK_BYTES], char **out, ar_err *e);
/* Splits and decodes; refuses anything but three canonical base64url segments,
 * a JSON-object header with alg "EdDSA", and no "crit" (we understand no
 * extension). The signature is NOT checked yet: see ar_jws_verify(). */
int ar_jws_parse(const char *compact, size_t len, ar_jws *out, const char *where, ar_err *e);
/* Constant-time Ed25519 verification of the signing input. */
int ar_jws_verify(const ar_jws *jws, const uint8_t pk[AR_ED25519_PK_BYTES], const char *where,
		  ar_err *e);
void ar_jws_free(ar_jws *jws);

/* Header string value or NULL. */
const char *ar_jws_header_string(const ar_jws *jws, const char *name);

#endif
