/* SPDX-License-Identifier: Apache-2.0 */
/* The verified status of the activation, computed once for `key-import status` and for
 * libairreg: what a product linking the library is told is what status prints. */
#include "verdict.h"

#include <string.h>

#include "activation.h"
#include "ar_limits.h"
#include "check.h"
#include "codec.h"
#include "fileio.h"
#include "lastcheck.h"
#include "revoked.h"
#include "stamp.h"
#include "state.h"
#include "text.h"
#include "trust.h"

int verdict_open(const char *dir, ar_err *e)
{
	if (ar_stamp_require(dir, 0, e) != AR_OK)
		return e->status;
	return ar_prepare_private_dir(dir, 0, e);
}

/* Every status verifies again (the trust store and the revocation list change under a key
 * imported long ago): a key that does not verify here any more is Untrusted (its issuer key
 * removed or revoked), exit 4 with why; a verified one the held list revokes is Revoked, exit
 * 7 naming the list. */
static int judge_trust(const char *dir, status_verdict *v, long long *list, ar_err *e)
{
	json_t *r = v->resource;
	const char *key = state_field_text(r, "activationKey");
	ar_activation a = { 0 };

	*list = 0;
	if (!v->verified) {
		if (ar_activation_decode(key, strlen(key), trust_lookup, (void *)dir, &a,
					 AR_ACTIVATION_FILE, &v->why) == AR_OK)
			ar_fail(&v->why, AR_EINPUT, NULL, "the key changed meanwhile");
		ar_activation_free(&a);
		/* damaged state (a trust store or revocation list changed by hand) is exit 5 */
		if (v->why.status == AR_EENV)
			*e = v->why;
		return v->why.status == AR_EENV ? AR_EENV : AR_OK;
	}
	return revoked_activation(dir, state_field_text(r, "registration"),
				  state_field_text(r, "cloudId"), state_field_int(r, "serial"),
				  list, &v->revoked_upto, e);
}

/* The order: Not registered, Untrusted, Revoked, Expired, Registered (docs/spec.md). */
static void decide(status_verdict *v, long long list)
{
	json_t *r = v->resource;
	ar_err untrusted = v->why;

	memset(&v->why, 0, sizeof v->why);
	if (!r) {
		v->state = VERDICT_NOT_REGISTERED;
	} else if (!v->verified) {
		v->state = VERDICT_UNTRUSTED;
		ar_fail(&v->why, AR_EINPUT, AR_ACTIVATION_FILE, "untrusted: the key it holds does "
			"not verify here: %s", untrusted.msg);
	} else if (list) {
		v->state = VERDICT_REVOKED;
		ar_fail(&v->why, AR_EREVOKED, AR_ACTIVATION_FILE, "revoked: registration %s's "
			"keys up to serial %lld are revoked (revocation list version %lld); this is "
			"serial %lld", ar_text_shown(state_field_text(r, "registration")),
			v->revoked_upto, list, state_field_int(r, "serial"));
	} else {
		v->state = state_field_int(r, "expiresAt") <= v->now ? VERDICT_EXPIRED
			: VERDICT_REGISTERED;
	}
}

static int held_list(const char *dir, long long *version, ar_err *e)
{
	json_t *held = NULL;
	int rc = revoked_summary(dir, &held, e);

	*version = (long long)json_integer_value(json_object_get(held, "version"));
	json_decref(held);
	return rc;
}

int verdict_judge(const char *dir, long long clock, int with_list, status_verdict *v,
		  ar_err *e)
{
	long long list = 0;
	int rc;

	memset(v, 0, sizeof *v);
	v->clock = clock;
	v->verified = 1;
	rc = state_read_resource(dir, &v->resource, e);
	/* what status shows of the policy and hosts is the verified key's (check_verify_shown) */
	if (rc == AR_OK && v->resource)
		rc = check_verify_shown(dir, v->resource, &v->verified, e);
	if (rc == AR_OK && v->resource)
		rc = judge_trust(dir, v, &list, e);
	if (rc == AR_OK)
		rc = lastcheck_read(dir, &v->last_check, e);
	/* judged as an import judges expiry: at the later of the clock and the trusted time (the
	 * latest iat imported), so a clock set back does not show an expired key as valid */
	if (rc == AR_OK)
		rc = state_trusted_time(dir, &v->trusted, e);
	v->now = clock > v->trusted ? clock : v->trusted;
	if (rc == AR_OK && with_list)
		rc = held_list(dir, &v->list_version, e);
	if (rc == AR_OK)
		decide(v, list);
	return rc;
}

void verdict_free(status_verdict *v)
{
	json_decref(v->resource);
	json_decref(v->last_check);
	memset(v, 0, sizeof *v);
}

const char *verdict_name(verdict_state s)
{
	static const char *const names[] = { "Not registered", "Untrusted", "Revoked", "Expired",
		"Registered" };

	return names[s];
}

int verdict_expiring(const status_verdict *v, int days)
{
	long long left;

	if (v->state != VERDICT_REGISTERED || days <= 0)
		return 0;
	left = state_field_int(v->resource, "expiresAt") - v->now;
	return left <= (long long)days * 86400;
}

long long verdict_clock_behind(const status_verdict *v)
{
	return v->clock + AR_CLOCK_SKEW_SECONDS < v->trusted ? v->trusted - v->clock : 0;
}
