/* SPDX-License-Identifier: Apache-2.0 */
/* `key-import import`: the checks of a verified key against this stamp, before the serial's
 * (import.c): for this stamp, in its time, and not taking away a hardware policy: a key of a
 * registrar before hardware policies (no hostMatch) would silently drop the current one's, so
 * once a key with a policy was imported here, one without is refused. */
#include "import.h"

#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "keys.h"
#include "stamp.h"
#include "state.h"
#include "text.h"
#include "when.h"

static long long claim_int(json_t *c, const char *key)
{
	return (long long)json_integer_value(json_object_get(c, key));
}

static const char *claim_str(json_t *c, const char *key)
{
	return json_string_value(json_object_get(c, key));
}

/* For this stamp: its key (cnf.jkt) and its CloudId. A refusal names the registration and
 * CloudId the key is for, which an operator can look up (registrar show), besides the
 * thumbprints that prove it. */
int import_check_binding(json_t *c, const char *dir, const char *where, ar_err *e)
{
	uint8_t pk[AR_ED25519_PK_BYTES];
	char cloud[37], kid[AR_THUMBPRINT_CHARS + 1];
	const char *jkt = claim_str(json_object_get(c, "cnf"), "jkt");

	if (ar_stamp_load_public(dir, pk, cloud, e) != AR_OK)
		return e->status;
	ar_jwk_thumbprint(pk, kid);
	if (strcmp(jkt, kid) != 0)
		return ar_fail(e, AR_EINPUT, where,
			       "key is for another stamp: registration %s, CloudId %s (stamp key %s); "
			       "this stamp is CloudId %s (stamp key %s)",
			       ar_text_shown(claim_str(c, "sub")), claim_str(c, "cloudId"), jkt,
			       cloud, kid);
	if (strcmp(claim_str(c, "cloudId"), cloud) != 0)
		return ar_fail(e, AR_EINPUT, where,
			       "key is for CloudId %s (registration %s), this stamp is %s",
			       claim_str(c, "cloudId"), ar_text_shown(claim_str(c, "sub")), cloud);
	return AR_OK;
}

/* A clock set back could revive an expired key: the clock must not run behind the
 * trusted time, the latest iat the issuer signed on a key imported here. The clock is at
 * fault, not the key: exit 5. The clock itself is never trusted beyond this import: it
 * cannot tell a fast clock from a right one, and one fast import must not lock out every
 * later genuine key (issue 14, class 2). */
int import_check_clock(const char *dir, long long now, long long *trusted, const char *where,
		       ar_err *e)
{
	char clock[AR_TIME_CHARS + 1], when[AR_TIME_CHARS + 1], behind[AR_SPAN_CHARS + 1];

	if (state_trusted_time(dir, trusted, e) != AR_OK)
		return e->status;
	if (now + AR_CLOCK_SKEW_SECONDS < *trusted)
		return ar_fail(e, AR_EENV, where,
			       "the clock (%s) is %s behind the latest time this stamp has "
			       "trusted (%s); set the clock right (runbook, \"The clock\")",
			       ar_format_time(now, clock), ar_format_span(*trusted - now, behind),
			       ar_format_time(*trusted, when));
	return AR_OK;
}

/* Expiry is judged at the later of the clock and the trusted time: a key whose exp is at
 * or before a time the issuer has vouched for is expired, however slow the clock (within
 * the skew check_clock allows). */
int import_check_time(json_t *c, long long now, long long trusted, const char *where,
		      ar_err *e)
{
	char t[AR_TIME_CHARS + 1], when[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];
	const char *name = ar_text_shown(claim_str(c, "sub"));

	/* a registrar signs nbf = iat at its clock: a key from the future is two clocks apart,
	 * and only the operator can tell which one is wrong */
	if (claim_int(c, "nbf") > now + AR_CLOCK_SKEW_SECONDS)
		return ar_fail(e, AR_EINPUT, where, "key not valid before %s, %s from now: this "
			       "stamp's clock is %s behind the workstation's, or the workstation's "
			       "is ahead; set the wrong one right", ar_format_time(claim_int(c, "nbf"), t),
			       ar_format_span(claim_int(c, "nbf") - now, span), span);
	if (claim_int(c, "iat") > now + AR_CLOCK_SKEW_SECONDS)
		return ar_fail(e, AR_EINPUT, where, "key issued %s, %s from now: this stamp's clock "
			       "is %s behind the workstation's, or the workstation's is ahead; set "
			       "the wrong one right", ar_format_time(claim_int(c, "iat"), t),
			       ar_format_span(claim_int(c, "iat") - now, span), span);
	if (claim_int(c, "exp") <= now)
		return ar_fail(e, AR_EINPUT, where, "key expired %s (%s ago); issue a new key on the "
			       "workstation: registrar activation-key --name %s",
			       ar_format_time(claim_int(c, "exp"), t),
			       ar_format_span(now - claim_int(c, "exp"), span), name);
	if (claim_int(c, "exp") <= trusted)
		return ar_fail(e, AR_EINPUT, where, "key expired %s, before the latest time this "
			       "stamp has trusted (%s); issue a new key on the workstation: registrar "
			       "activation-key --name %s", ar_format_time(claim_int(c, "exp"), t),
			       ar_format_time(trusted, when), name);
	return AR_OK;
}

int import_check_policy_kept(json_t *c, const char *dir, const char *where, ar_err *e)
{
	json_t *mark = NULL;
	int rc;

	if (json_object_get(c, "hostMatch"))
		return AR_OK;
	if (state_policy_mark(dir, &mark, e) != AR_OK)
		return e->status;
	rc = !mark ? AR_OK
		: ar_fail(e, AR_EINPUT, where, "the key carries no hardware policy (a registrar "
			  "before hardware policies issued it), and this stamp has had one since "
			  "registration %s, serial %lld: it would take the policy away; issue the key "
			  "from an upgraded registrar: registrar activation-key --name %s",
			  ar_text_shown(state_field_text(mark, "registration")),
			  state_field_int(mark, "serial"), ar_text_shown(claim_str(c, "sub")));
	json_decref(mark);
	return rc;
}
