/* SPDX-License-Identifier: Apache-2.0 */
/* The latest revocation list this stamp accepted: STATE/trusted/revocation-list.txt. */
#ifndef KEYIMPORT_REVOKED_H
#define KEYIMPORT_REVOKED_H

#include <stddef.h>

#include "err.h"

/* A revocation list (text, len: a file's bytes, from trust_update): kept when newer than
 * the one held, else refused with the state unchanged. */
int revoked_update(const char *state_dir, const char *text, size_t len, const char *where,
		   ar_err *e);
/* AR_OK when the held list does not revoke issuer key kid; AR_EINPUT naming the list when
 * it does; AR_EENV for a damaged list. */
int revoked_issuer(const char *state_dir, const char *kid, ar_err *e);

#endif
