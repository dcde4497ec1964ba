/* SPDX-License-Identifier: Apache-2.0 */
/* The removal receipt: what `key-import remove -o` writes, signed with the stamp key, and
 * what `registrar unregister --receipt` (and the API's deactivate) takes as proof that the
 * stamp stopped using an activation key. The registrar verifies it with the stamp key it
 * has on record for the registration the receipt names, never with a key in the file. */
#ifndef AIRREG_RECEIPT_H
#define AIRREG_RECEIPT_H

#include <jansson.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"
#include "keys.h"

typedef struct {
	const char *registration;          /* the activation's registration name */
	const char *cloud_id;              /* the stamp's CloudId */
	const char *activation_key_sha256; /* hex, of the activation key's text */
	long long serial;                  /* the serial removed */
	long long high_water;              /* the stamp's mark for the registration after removal */
	long long removed_at;              /* seconds since the epoch */
} ar_receipt_params;

/* The claims, with a fresh random jti and the format version. NULL (and e) on error. */
json_t *ar_receipt_claims(const ar_receipt_params *p, ar_err *e);
/* Signs claims with the stamp key into compact JWS text (malloc'd, no newline); the header
 * names the key by kid. */
int ar_receipt_encode(json_t *claims, const ar_keypair *stamp, char **compact, ar_err *e);

/* The stamp key of the registration a receipt names: AR_OK and pk, or an error (AR_EINPUT
 * when there is no such registration, or when kid is not the key it holds). registration
 * and kid come from the file and are not verified yet: the lookup only finds a key. */
typedef int (*ar_receipt_key_lookup)(void *ctx, const char *registration, const char *kid,
				     uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e);

typedef struct {
	json_t *claims;                     /* the checked payload */
	char kid[AR_THUMBPRINT_CHARS + 1];  /* the stamp key that signed it */
	char sha256_hex[AR_SHA256_HEX_CHARS + 1]; /* of the text */
} ar_receipt;

/* Parses, checks the header (typ, kid) and every claim, finds the stamp key through lookup
 * and verifies the signature; AR_EINPUT for anything wrong with the file. Does not judge the
 * serial or the registration's state: the registrar does, inside its transaction. */
int ar_receipt_decode(const char *compact, size_t len, ar_receipt_key_lookup lookup,
		      void *ctx, ar_receipt *out, const char *where, ar_err *e);
void ar_receipt_free(ar_receipt *r);

/* Claim readers for a decoded receipt (its claims were checked: present, right type). */
const char *ar_receipt_text(const ar_receipt *r, const char *claim);
long long ar_receipt_int(const ar_receipt *r, const char *claim);

#endif
