/* SPDX-License-Identifier: Apache-2.0 */
/* The checks `key-import import` makes of a verified key (import_key.c); each refusal is one
 * ar_fail naming where (the key's file). c is the key's claims. */
#ifndef KEYIMPORT_IMPORT_H
#define KEYIMPORT_IMPORT_H

#include <jansson.h>

#include "err.h"

/* For this stamp: its key (cnf.jkt) and its CloudId (AR_EINPUT). */
int import_check_binding(json_t *c, const char *dir, const char *where, ar_err *e);
/* The clock not behind the trusted time (AR_EENV); *trusted: that time. */
int import_check_clock(const char *dir, long long now, long long *trusted, const char *where,
		       ar_err *e);
/* Valid now: not before nbf/iat beyond the skew, not expired at the later of now and the
 * trusted time (AR_EINPUT). */
int import_check_time(json_t *c, long long now, long long trusted, const char *where,
		      ar_err *e);
/* No key without a hardware policy once one with a policy was imported here (AR_EINPUT). */
int import_check_policy_kept(json_t *c, const char *dir, const char *where, ar_err *e);

#endif
