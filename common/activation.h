/* SPDX-License-Identifier: Apache-2.0 */
/* The activation key: claims the registrar signs with its issuer key and the
 * stamp checks against the issuer keys it trusts (never a key in the file). */
#ifndef AIRREG_ACTIVATION_H
#define AIRREG_ACTIVATION_H

#include <jansson.h>

#include "err.h"
#include "jws.h"
#include "keys.h"

#define AR_ACTIVATION_ISSUER "airreg-registrar"

typedef struct {
	const char *name;            /* sub */
	json_t *token_claims;        /* the registered token's claims (hosts, billing) */
	const char *token_sha256;    /* hex */
	const char *stamp_kid;       /* cnf.jkt */
	json_t *tenants;             /* [{"subscriptionId","tenantId"}] */
	json_t *host_match;          /* "all" | "most" | "any" | count; NULL: "most" */
	long long serial, issued_at, expires_at;
} ar_activation_params;

json_t *ar_activation_claims(const ar_activation_params *p, ar_err *e);
/* Signs claims with the issuer key; the header names it by kid. */
int ar_activation_encode(json_t *claims, const ar_signer *issuer, char **compact, ar_err *e);

/* Every rule a stamp holds an activation key's claims to: the closed set of fields, their
 * types and lengths, the hosts and tenants as a registrar writes them, nbf < exp within the
 * longest validity, the serial's range. key-import runs it on what it reads, the registrar
 * on what it is about to sign (so it never issues what a stamp refuses). */
int ar_activation_check_claims(json_t *claims, const char *where, ar_err *e);

typedef struct {
	json_t *claims;          /* the checked payload */
	char kid[AR_THUMBPRINT_CHARS + 1]; /* the issuer key that signed it */
	char sha256_hex[65];     /* of the text: the caller fills it (ar_sha256_hex) */
} ar_activation;

/* Finds a trusted issuer key by kid: AR_OK and pk, or an error (AR_EINPUT when
 * the kid is not trusted). */
typedef int (*ar_issuer_lookup)(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES],
				ar_err *e);

/* Parses, picks the issuer key by kid through lookup (never a key carried in
 * the file), verifies, inflates ("zip":"DEF"), and checks every claim's type. A key without
 * "zip" is one a registrar before issue 16 signed: its claims are held to that format (no
 * hostMatch, hosts with a clear UUID) and it carries no hardware policy. Does not judge the time,
 * the stamp binding or the serial: the caller does, in its own order. */
int ar_activation_decode(const char *compact, size_t len, ar_issuer_lookup lookup, void *ctx,
			 ar_activation *out, const char *where, ar_err *e);
void ar_activation_free(ar_activation *a);

#endif
