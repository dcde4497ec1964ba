/* SPDX-License-Identifier: Apache-2.0 */
/* The activation resource is a copy root can edit: `key-import check` judges only the key it
 * holds, verified again. */
#include <string.h>

#include "activation.h"
#include "check.h"
#include "import.h"
#include "state.h"
#include "trust.h"

/* Only what the issuer signed decides (as for the trusted time, state.c): activation.json
 * is a copy root can edit, and a policy weakened there ("hostMatch":"any", a host's digests
 * added, the licensed count raised) or an older genuine key put back in it must not pass.
 * So the key it holds is verified again against the trusted issuer keys, must be the newest
 * this stamp imported for its registration (serials.json), and every field the check reads
 * must be that key's. The remedy is a new key: the same one again is "already imported"
 * (its keySha256 is unchanged) and would leave the edited file as it is. */
/* Every field of the key's that status shows or check reads is the verified key's: AR_EENV
 * naming the first that is not. Status and libairreg show billingModel, tenants and the
 * issuer's kid as the licence: all are held to the key, not only what check reads (a fuzz
 * target found tenants taken from the file). keySha256 is of the file carried, not of the
 * key: like last-check.json, a note (security.md). */
static int same_as_key(json_t *r, const ar_activation *a, const char *dir, ar_err *e)
{
	static const char *const read[][2] = { { "registration", "sub" }, { "cloudId", "cloudId" },
		{ "billingModel", "billingModel" }, { "agreementNumber", "agreementNumber" },
		{ "assetTag", "assetTag" }, { "usageReporting", "usageReporting" },
		{ "marketplaceSyndication", "marketplaceSyndication" }, { "hostMatch", "hostMatch" },
		{ "hostSalt", "hostSalt" }, { "hosts", "hosts" }, { "licensed", "licensed" },
		{ "tenants", "tenants" }, { "serial", "serial" }, { "issuedAt", "iat" },
		{ "notBefore", "nbf" }, { "expiresAt", "exp" } };
	json_t *kid = json_string(a->kid);
	const char *wrong = NULL;
	size_t i;

	for (i = 0; !wrong && i < sizeof read / sizeof read[0]; i++) {
		json_t *copy = json_object_get(r, read[i][0]);
		json_t *orig = json_object_get(a->claims, read[i][1]);

		if ((copy || orig) && !json_equal(copy, orig))
			wrong = read[i][0];
	}
	if (!wrong && !json_equal(json_object_get(r, "issuerKid"), kid))
		wrong = "issuerKid";
	json_decref(kid);
	if (wrong)
		return ar_fail(e, AR_EENV, dir, "activation.json: \"%s\" is not what the key it "
			       "holds says (changed by hand or damaged): issue a new key on the "
			       "workstation (registrar activation-key --name %s) and import it", wrong,
			       state_field_text(r, "registration"));
	return AR_OK;
}

/* The key a (verified) against the rest of the resource r and this stamp. */
static int copy_is_key(const char *dir, json_t *r, const ar_activation *a, ar_err *e)
{
	const char *name = state_field_text(r, "registration");
	long long high = 0;
	int rc;

	/* a resource copied in from another stamp's directory: its key is genuine, not ours */
	rc = import_check_binding(a->claims, dir, dir, e);
	if (rc == AR_EINPUT)
		rc = ar_fail(e, AR_EENV, dir, "activation.json: holds a key for another stamp (%s): "
			     "copied in by hand; import this stamp's own key", e->msg);
	if (rc == AR_OK)
		rc = same_as_key(r, a, dir, e);
	if (rc == AR_OK)
		rc = state_high_water(dir, name, &high, e);
	if (rc == AR_OK && state_field_int(r, "serial") < high)
		rc = ar_fail(e, AR_EENV, dir, "activation.json: holds key serial %lld of %s, older "
			     "than serial %lld imported here (put back by hand or from a backup): "
			     "issue a new key on the workstation (registrar activation-key --name %s) "
			     "and import it", state_field_int(r, "serial"), name, high, name);
	return rc;
}

int check_verify_copy(const char *dir, json_t *r, ar_err *e)
{
	const char *key = state_field_text(r, "activationKey");
	ar_activation a = { 0 };
	int rc;

	rc = ar_activation_decode(key, strlen(key), trust_lookup, (void *)dir, &a,
				  AR_ACTIVATION_FILE, e);
	if (rc != AR_OK)
		rc = ar_fail(e, AR_EENV, dir, "activation.json: the key it holds does not verify "
			     "(%s): changed by hand or damaged; issue a new key on the workstation "
			     "(registrar activation-key --name %s) and import it", e->msg,
			     state_field_text(r, "registration"));
	else
		rc = copy_is_key(dir, r, &a, e);
	ar_activation_free(&a);
	return rc;
}

/* status shows the policy and the hosts: only a key that verifies vouches for them, so a
 * field edited beside it is refused as check refuses it. A key that does not verify here (its
 * issuer key removed by trust remove --force, or the key itself damaged) leaves status showing
 * the copy, marked unverified (*verified 0): status still answers "is this stamp registered",
 * and check says why. */
int check_verify_shown(const char *dir, json_t *r, int *verified, ar_err *e)
{
	const char *key = state_field_text(r, "activationKey");
	ar_activation a = { 0 };
	ar_err quiet = { 0 };
	int rc = AR_OK;

	*verified = ar_activation_decode(key, strlen(key), trust_lookup, (void *)dir, &a,
					 AR_ACTIVATION_FILE, &quiet) == AR_OK;
	/* a verified key is judged as check judges it: another stamp's key copied in, an older
	 * one put back or its expiry edited must not read as Registered (exit 0, metrics 1);
	 * the key decoded once (a status verified it twice: a quarter of libairreg's check) */
	if (*verified)
		rc = copy_is_key(dir, r, &a, e);
	ar_activation_free(&a);
	return rc;
}
