/* SPDX-License-Identifier: Apache-2.0 */
/* The activation resource is a copy root can edit: `key-import check` judges only the key it
 * holds, verified again. */
#include <string.h>

#include "activation.h"
#include "check.h"
#include "state.h"
#include "trust.h"

/* Only what the issuer signed decides (as for the trusted time, state.c): activation.json
 * is a copy root can edit, and a policy weakened there ("hostMatch":"any", a host's digests
 * added, the licensed count raised) or an older genuine key put back in it must not pass.
 * So the key it holds is verified again against the trusted issuer keys, must be the newest
 * this stamp imported for its registration (serials.json), and every field the check reads
 * must be that key's. The remedy is a new key: the same one again is "already imported"
 * (its keySha256 is unchanged) and would leave the edited file as it is. */
int check_verify_copy(const char *dir, json_t *r, ar_err *e)
{
	static const char *const read[][2] = { { "registration", "sub" }, { "cloudId", "cloudId" },
		{ "hostMatch", "hostMatch" }, { "hostSalt", "hostSalt" }, { "hosts", "hosts" },
		{ "licensed", "licensed" }, { "serial", "serial" } };
	const char *key = state_field_text(r, "activationKey");
	const char *name = state_field_text(r, "registration");
	ar_activation a = { 0 };
	long long high = 0;
	size_t i;
	int rc;

	rc = ar_activation_decode(key, strlen(key), trust_lookup, (void *)dir, &a,
				  AR_ACTIVATION_FILE, e);
	if (rc != AR_OK)
		return ar_fail(e, AR_EENV, dir, "activation.json: the key it holds does not verify "
			       "(%s): changed by hand or damaged; issue a new key on the workstation "
			       "(registrar activation-key --name %s) and import it", e->msg, name);
	for (i = 0; i < sizeof read / sizeof read[0]; i++) {
		json_t *copy = json_object_get(r, read[i][0]);
		json_t *orig = json_object_get(a.claims, read[i][1]);

		if ((copy || orig) && !json_equal(copy, orig)) {
			rc = ar_fail(e, AR_EENV, dir, "activation.json: \"%s\" is not what the key it "
				     "holds says (changed by hand or damaged): issue a new key on the "
				     "workstation (registrar activation-key --name %s) and import it",
				     read[i][0], name);
			break;
		}
	}
	if (rc == AR_OK)
		rc = state_high_water(dir, name, &high, e);
	if (rc == AR_OK && state_field_int(r, "serial") < high)
		rc = ar_fail(e, AR_EENV, dir, "activation.json: holds key serial %lld of %s, older "
			     "than serial %lld imported here (put back by hand or from a backup): "
			     "issue a new key on the workstation (registrar activation-key --name %s) "
			     "and import it", state_field_int(r, "serial"), name, high, name);
	ar_activation_free(&a);
	return rc;
}
