/* SPDX-License-Identifier: Apache-2.0 */
/* The verified status of a stamp's activation: the one computation `key-import status` prints
 * and libairreg answers (libairreg/airreg.c). It reads, never writes, never prints. */
#ifndef KEYIMPORT_VERDICT_H
#define KEYIMPORT_VERDICT_H

#include <jansson.h>

#include "err.h"

/* key-import status's "status", in the order it is decided */
typedef enum {
	VERDICT_NOT_REGISTERED,
	VERDICT_UNTRUSTED,
	VERDICT_REVOKED,
	VERDICT_EXPIRED,
	VERDICT_REGISTERED
} verdict_state;

typedef struct {
	json_t *resource;         /* activation.json; NULL: not registered */
	json_t *last_check;       /* last-check.json; NULL: no hardware check ran here */
	long long list_version;   /* the revocation list held (when asked), 0: none */
	int verified;             /* the resource's key verifies against the trust store now */
	verdict_state state;
	ar_err why;               /* Untrusted, Revoked: the line status exits 4 or 7 with */
	long long clock;          /* the clock given */
	long long trusted;        /* the latest time this stamp has trusted (0: none) */
	long long now;            /* judged at: the later of the two */
	long long revoked_upto;   /* Revoked: the serials the list revokes */
} status_verdict;

/* The state directory as every key-import verb takes it: a stamp identity there, a
 * directory of its owner's (exit 5 otherwise). */
int verdict_open(const char *dir, ar_err *e);
/* Reads and verifies the state of dir at clock; with_list: the revocation list's version
 * too (status --json reads it always, the text only when the key verifies). */
int verdict_judge(const char *dir, long long clock, int with_list, status_verdict *v,
		  ar_err *e);
void verdict_free(status_verdict *v);
const char *verdict_name(verdict_state s);
/* Valid and expiring within days (expiresAt - now <= days x 86400, to the second). */
int verdict_expiring(const status_verdict *v, int days);
/* How far the clock is behind the trusted time, when more than the skew allowed; else 0. */
long long verdict_clock_behind(const status_verdict *v);

#endif
