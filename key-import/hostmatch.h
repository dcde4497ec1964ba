/* SPDX-License-Identifier: Apache-2.0 */
/* Is a host given now the host the activation was issued for? The rule of docs/spec.md
 * ("Matching hosts"), pure: no I/O, no allocation. Identity values are opaque strings compared
 * for equality only (clear values today, keyed digests once the key carries them), so this
 * file knows nothing of their form: the caller passes NULL for a value that is absent or a
 * placeholder (an all-zero UUID, "To Be Filled By O.E.M."), which then matches nothing.
 * Firmware and inventory drift is the caller's to report: it never decides a match. */
#ifndef KEYIMPORT_HOSTMATCH_H
#define KEYIMPORT_HOSTMATCH_H

#include <stddef.h>

#include "ar_limits.h"

typedef struct {
	const char *uuid;         /* SMBIOS system UUID */
	const char *serial;       /* system serial (SMBIOS type 1) */
	const char *board_serial; /* board serial (SMBIOS type 2) */
} hm_identity;

/* One licensed host against one given host. */
typedef enum {
	HM_NO_MATCH = 0,   /* another host (for a licensed host after assignment: missing) */
	HM_SAME,           /* the same UUID, and a serial agrees or none can be compared */
	HM_REPLACED_BOARD  /* both serials agree, the UUID does not: a board replaced in place */
} hm_result;

hm_result hm_compare(const hm_identity *licensed, const hm_identity *fresh);

/* What became of each given host after assignment. */
typedef enum {
	HM_FRESH_MATCHED = 0, /* it is the licensed host fresh_to[j] names */
	HM_FRESH_NEW,         /* it matches no licensed host */
	HM_FRESH_DUPLICATE    /* it matches licensed host fresh_to[j], which an earlier given host
			       * already took: reported, never counted twice */
} hm_fresh_result;

typedef struct {
	hm_result licensed[AR_MAX_HOSTS];       /* per licensed host; HM_NO_MATCH: missing */
	int licensed_to[AR_MAX_HOSTS];          /* the given host it matched, or -1 */
	hm_fresh_result fresh[AR_MAX_HOSTS];    /* per given host */
	int fresh_to[AR_MAX_HOSTS];             /* the licensed host it matched or duplicates, or -1 */
} hm_assignment;

/* Pairs licensed and given hosts one to one (at most AR_MAX_HOSTS each): "same" pairs
 * first, then "replaced board" pairs among the hosts left, each as many pairs as can be made
 * (a given host that could be either of two licensed hosts does not take the one another
 * given host needs); between two given hosts for one licensed host, the first given wins.
 * Over the set, "replaced board" is never made from a serial pair more than one licensed
 * host holds, nor for a given host whose UUID is a licensed host's (docs/spec.md).
 * Returns -1 (nothing assigned) when a count is over AR_MAX_HOSTS. */
int hm_assign(const hm_identity *licensed, size_t n_licensed, const hm_identity *fresh,
	      size_t n_fresh, hm_assignment *out);

/* The issuer's policy: how many licensed hosts must be found. */
typedef enum { HM_POLICY_ALL, HM_POLICY_MOST, HM_POLICY_ANY, HM_POLICY_COUNT } hm_policy_kind;

typedef struct {
	hm_policy_kind kind;
	unsigned count; /* HM_POLICY_COUNT: at least this many (1 to AR_MAX_HOSTS) */
} hm_policy;

/* 1 in compliance, 0 not; writes the one-line reason either way ("2 of 3 licensed hosts
 * found (2 same, 0 replaced board); policy most needs 2"). A licensed host counts when it is
 * the same or its board was replaced; n_duplicates (given hosts that matched a licensed host
 * already taken) is only told. */
int hm_verdict(const hm_result *licensed, size_t n_licensed, size_t n_duplicates,
	       const hm_policy *policy, char *reason, size_t cap);

/* How many licensed hosts the policy needs found out of n (for "most": more than half). */
size_t hm_policy_needs(const hm_policy *policy, size_t n_licensed);

#endif
