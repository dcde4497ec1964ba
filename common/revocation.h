/* SPDX-License-Identifier: Apache-2.0 */
/* The revocation list: what `registrar revoke` writes, signed by the registrar's current
 * issuer key, and what `key-import trust update` (or an import, beside the key) takes. It is
 * cumulative (every revocation so far) and versioned, so a stamp keeps the newest alone and
 * refuses an older one (docs/formats.md, "Revocation list"). */
#ifndef AIRREG_REVOCATION_H
#define AIRREG_REVOCATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"
#include "jws.h"

/* The issuer key kid names, as the reader trusts it (key-import's trust_lookup). */
typedef int (*ar_revocation_key_lookup)(void *ctx, const char *kid,
					uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e);

typedef struct {
	json_t *claims;                           /* the checked payload */
	long long version;
	char kid[AR_THUMBPRINT_CHARS + 1];        /* the issuer key that signed it */
	char sha256_hex[AR_SHA256_HEX_CHARS + 1]; /* of the text */
} ar_revocation;

/* {"version", "issuedAt", "issuerKeys", "activations"} held to the reader's checks, then
 * signed into compact JWS text (malloc'd, no newline). The registrar never writes a list a
 * stamp would refuse: a claim out of bounds or a text past AR_MAX_FILE_BYTES is AR_EINPUT. */
int ar_revocation_encode(json_t *claims, const ar_signer *issuer, char **compact, ar_err *e);

/* Parses, checks the header (typ, kid) and every claim, refuses a list signed by a key it
 * revokes itself, finds the key through lookup and verifies the signature. lookup NULL:
 * checked but not verified (a list this reader accepted before and keeps). AR_EINPUT for
 * anything wrong with the text. */
int ar_revocation_decode(const char *compact, size_t len, ar_revocation_key_lookup lookup,
			 void *ctx, ar_revocation *out, const char *where, ar_err *e);
void ar_revocation_free(ar_revocation *l);

/* 1 when the list revokes issuer key kid. */
int ar_revocation_issuer_revoked(const ar_revocation *l, const char *kid);
/* The serials up to which the list revokes the activation of registration and cloud_id; 0
 * when it revokes none of them. */
long long ar_revocation_serials_up_to(const ar_revocation *l, const char *registration,
				      const char *cloud_id);
/* AR_OK when newer still holds every entry of held, none lowered (a revocation is never
 * lifted); AR_EINPUT naming the first it drops or lowers. */
int ar_revocation_keeps(const ar_revocation *newer, const ar_revocation *held,
			const char *where, ar_err *e);

#endif
