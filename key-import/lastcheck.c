/* SPDX-License-Identifier: Apache-2.0 */
/* The last hardware check's verdict: written by `check` and by `import --host|--probe` when
 * it imports, shown by `status`. It says which activation it judged (serial and key SHA-256),
 * so a verdict about an earlier key is never shown as the current one's. */
#include "lastcheck.h"

#include <stdio.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "state.h"

int lastcheck_write(const char *dir, json_t *resource, const check_report *rep, long long now,
		    ar_err *e)
{
	char when[AR_TIME_CHARS + 1];
	json_t *doc = json_pack("{s:b, s:s, s:s, s:O, s:O}", "compliant", rep->compliant,
				"reason", rep->reason, "checkedAt", ar_format_time(now, when),
				"serial", json_object_get(resource, "serial"), "keySha256",
				json_object_get(resource, "keySha256"));
	int rc;

	if (!doc)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = state_write_last_check(dir, doc, e);
	json_decref(doc);
	return rc;
}

/* The verdict judged the activation the resource holds now (same serial, same key). */
static int is_current(json_t *verdict, json_t *resource)
{
	return resource && json_equal(json_object_get(verdict, "serial"),
				      json_object_get(resource, "serial")) &&
		json_equal(json_object_get(verdict, "keySha256"),
			   json_object_get(resource, "keySha256"));
}

void lastcheck_describe(json_t *verdict, json_t *resource, char *out, size_t cap)
{
	int ok = json_is_true(json_object_get(verdict, "compliant"));
	char reason[CHECK_REASON_CHARS + 2] = "", earlier[96] = "";

	if (!verdict) {
		snprintf(out, cap, "none");
		return;
	}
	if (!ok)
		snprintf(reason, sizeof reason, ": %s", state_field_text(verdict, "reason"));
	if (!is_current(verdict, resource))
		snprintf(earlier, sizeof earlier, " (for an earlier activation, serial %lld)",
			 state_field_int(verdict, "serial"));
	snprintf(out, cap, "%s, %s%s%s", ok ? "in compliance" : "out of compliance",
		 state_field_text(verdict, "checkedAt"), earlier, reason);
}

json_t *lastcheck_json(json_t *verdict, json_t *resource)
{
	if (!verdict)
		return json_null();
	return json_pack("{s:O, s:O, s:O, s:O, s:b}", "compliant",
			 json_object_get(verdict, "compliant"), "reason",
			 json_object_get(verdict, "reason"), "checkedAt",
			 json_object_get(verdict, "checkedAt"), "serial",
			 json_object_get(verdict, "serial"), "currentActivation",
			 is_current(verdict, resource));
}
