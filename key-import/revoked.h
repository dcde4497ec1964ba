/* SPDX-License-Identifier: Apache-2.0 */
/* The latest revocation list this stamp accepted: STATE/trusted/revocation-list.txt. */
#ifndef KEYIMPORT_REVOKED_H
#define KEYIMPORT_REVOKED_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* A revocation list (text, len: a file's bytes, from trust_update): kept when newer than
 * the one held, else refused with the state unchanged. */
int revoked_update(const char *state_dir, const char *text, size_t len, const char *where,
		   ar_err *e);
/* AR_OK when the held list does not revoke issuer key kid; AR_EINPUT naming the list when
 * it does; AR_EENV for a damaged list. */
int revoked_issuer(const char *state_dir, const char *kid, ar_err *e);
/* trust list: *revoked 1 when the held list revokes kid (AR_OK either way); AR_EENV for a
 * damaged list (which keys it revokes cannot be said). */
int revoked_issuer_flag(const char *state_dir, const char *kid, int *revoked, ar_err *e);
/* The held list's word on one activation: *version 0 when it is not revoked (or no list is
 * held), else the list's version and *upto the serials it revokes (serial <= *upto). AR_EENV
 * for a damaged list. */
int revoked_activation(const char *state_dir, const char *registration, const char *cloud_id,
		       long long serial, long long *version, long long *upto, ar_err *e);
/* The held list, as trust list and status show it: *out NULL when none is held, else a new
 * object {"version", "issuedAt", "signedBy", "sha256", "revokedIssuerKeys",
 * "revokedRegistrations"} (the last two: counts). AR_EENV for a damaged list. */
int revoked_summary(const char *state_dir, json_t **out, ar_err *e);
/* Prints a summary (of revoked_summary; nothing for NULL or null) as trust list's last line:
 * `revocation list version N (K issuer keys, M registrations), signed by KID`. */
void revoked_print_summary(json_t *summary);

#endif
