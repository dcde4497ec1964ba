/* SPDX-License-Identifier: Apache-2.0 */
/* The issuer public keys this stamp trusts: STATE/trusted/<kid>.pub (PEM). */
#ifndef KEYIMPORT_TRUST_H
#define KEYIMPORT_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "ar_limits.h"
#include "err.h"

int trust_add(const char *state_dir, const char *pub_file, ar_err *e);
int trust_list(const char *state_dir, int json, ar_err *e);
/* The kids of STATE/trusted/KID.pub files a lookup would take, unsorted, at most max
 * (AR_MAX_TRUSTED_KEYS): *n of them; none (or no trusted/) is AR_OK with *n 0. */
int trust_kids(const char *state_dir, char kids[][AR_THUMBPRINT_CHARS + 1], size_t max,
	       size_t *n, ar_err *e);
/* Removes by kid, or by the public key file that names it; the key that signed the
 * current activation only with force. */
int trust_remove(const char *state_dir, const char *kid_or_file, int force, ar_err *e);
/* STATE/trusted/NAMESUFFIX into out: the trust store's files, each kind by its name. */
int trust_file_path(const char *state_dir, const char *name, const char *suffix, char *out,
		    size_t cap, ar_err *e);
/* An ar_issuer_lookup: ctx is the state directory. */
int trust_lookup(void *ctx, const char *kid, uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e);

#endif
