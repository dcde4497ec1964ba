/* SPDX-License-Identifier: Apache-2.0 */
/* The registration token: claims, encoding (DEFLATE + JWS signed by the stamp key,
 * whose public half rides in the header as a JWK) and checked decoding. */
#ifndef AIRREG_TOKEN_H
#define AIRREG_TOKEN_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"
#include "keys.h"

typedef struct {
	const char *cloud_id;
	const char *billing_model;     /* canonical spelling, see ar_billing_model() */
	const char *agreement_number;  /* NULL when absent */
	const char *asset_tag;         /* NULL when absent */
	int usage_reporting;
	int marketplace_syndication;
	long long issued_at;           /* seconds since the epoch */
	json_t *hosts;                 /* array of validated host records (borrowed) */
} ar_token_params;

typedef struct {
	json_t *claims;                     /* the checked payload */
	uint8_t stamp_pk[AR_ED25519_PK_BYTES];
	char stamp_kid[AR_THUMBPRINT_CHARS + 1];
	char sha256_hex[65];                /* of the text: the caller fills it (ar_sha256_hex) */
	size_t compressed_len, payload_len;
} ar_token;

/* The canonical spelling of a billing model (case-insensitive match), or NULL. */
const char *ar_billing_model(const char *text);
/* The billing rules of docs/spec.md; AR_EINPUT when the claims break them. */
int ar_billing_check(const char *model, const char *agreement, const char *asset_tag,
		     int usage_reporting, const char *where, ar_err *e);

/* Builds the claims (adds a nonce and the totals). NULL on error. */
json_t *ar_token_claims(const ar_token_params *p, ar_err *e);
/* Signs claims into compact JWS text (malloc'd). */
int ar_token_encode(json_t *claims, const ar_keypair *stamp, char **compact, ar_err *e);
/* Parses, verifies against the header's own key, inflates (capped) and checks
 * every claim. Does not judge the time. */
int ar_token_decode(const char *compact, size_t len, ar_token *out, const char *where,
		    ar_err *e);
void ar_token_free(ar_token *t);

#endif
