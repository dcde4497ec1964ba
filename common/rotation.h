/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's rotation statement: a new issuer key, a version one above the last, signed
 * by the old key and by the new one (a JWS in the JSON General Serialization, RFC 7515
 * 7.2.1, with exactly two signatures); and a chain of them (a JSON array in version order).
 * The registrar builds one per rotation; a stamp takes a chain from a key it trusts. The
 * parser takes the exact shape the builder writes and nothing else, and checks both
 * signatures with the keys the statement carries: whether those keys are trusted is the
 * reader's question (key-import/chain.c). */
#ifndef AIRREG_ROTATION_H
#define AIRREG_ROTATION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"
#include "jws.h"

typedef struct {
	long long version;                       /* >= AR_ROTATION_FIRST_VERSION */
	long long issued_at;                     /* seconds since the epoch */
	uint8_t previous_pk[AR_ED25519_PK_BYTES];
	uint8_t pk[AR_ED25519_PK_BYTES];
	char previous_kid[AR_THUMBPRINT_CHARS + 1];
	char kid[AR_THUMBPRINT_CHARS + 1];
	/* the statement as one line of JSON in the builder's member order (malloc'd): two
	 * statements are the same when these are */
	char *text;
} ar_rotation;

/* Signs the statement of version with old (first) and new (second); *out is the
 * statement's text (malloc'd, one line, no newline). */
int ar_rotation_build(long long version, long long issued_at, const ar_signer *old_key,
		      const ar_signer *new_key, char **out, ar_err *e);

/* One statement (a parsed JSON value): its exact shape, its claims, and both signatures
 * with the keys it carries. AR_EINPUT, naming what is wrong. */
int ar_rotation_decode(json_t *statement, ar_rotation *out, const char *where, ar_err *e);

/* A statement or a chain (text: a file's bytes): one to AR_MAX_ROTATIONS statements, each
 * decoded, in consecutive version order, each one's previous key the key of the one before.
 * *out is a malloc'd array of *n (free with ar_rotation_free_chain). */
int ar_rotation_decode_chain(const char *text, size_t len, ar_rotation **out, size_t *n,
			     const char *where, ar_err *e);

/* The chain's text: a JSON array of the statements, one a line, and a newline (malloc'd;
 * NULL when out of memory). */
char *ar_rotation_chain_text(const ar_rotation *chain, size_t n);
/* The same from statements' texts. */
char *ar_rotation_chain_join(const char *const *texts, size_t n);

void ar_rotation_free(ar_rotation *r);
void ar_rotation_free_chain(ar_rotation *chain, size_t n);

#endif
