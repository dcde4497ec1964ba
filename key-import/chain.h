/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer's rotation statements this stamp accepted: STATE/trusted/issuer-chain.json.
 * Each one's new key is trusted as a key `trust add` installed is. */
#ifndef KEYIMPORT_CHAIN_H
#define KEYIMPORT_CHAIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"

/* A rotation statement or a chain of them (text, len: a file's bytes, from
 * trust_update): each accepted in version order, or all refused with the state unchanged. */
int chain_update(const char *state_dir, const char *text, size_t len, const char *where,
		 ar_err *e);
/* The key kid names if an accepted statement brought it: AR_OK with pk; AR_EINPUT when no
 * statement did (not damaged: simply not there); AR_EENV for a damaged chain file. */
int chain_lookup(const char *state_dir, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES],
		 ar_err *e);
/* trust list: sets doc's "issuerChain" (each statement held: version, kid, previousKid,
 * issuedAt, current) and "currentIssuerKey" (the last one's kid; null with no chain). */
int chain_list(const char *state_dir, json_t *doc, ar_err *e);

#endif
