/* SPDX-License-Identifier: Apache-2.0 */
/* The last hardware check's verdict: written by `check` and by `import --host|--probe` when
 * it imports, shown by `status`. It says which activation it judged (serial and key SHA-256),
 * so a verdict about an earlier key is never shown as the current one's. */
#include "lastcheck.h"

#include <stdio.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "json.h"
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

/* Exactly what lastcheck_write writes, else none: the file is unsigned local state, so a
 * verdict of another shape (a reason that is no text, a time that is none, a field added)
 * is damage or a hand's edit, and status names the file rather than show it. */
int lastcheck_read(const char *dir, json_t **verdict, ar_err *e)
{
	static const char *const fields[] = { "compliant", "reason", "checkedAt", "serial",
		"keySha256", NULL };
	const char *s = NULL, *t = NULL, *k = NULL;
	char path[4096];

	if (state_read_last_check(dir, verdict, e) != AR_OK)
		return e->status;
	if (!*verdict)
		return AR_OK;
	if (ar_json_only_keys(*verdict, fields, "last check", dir, e) != AR_OK ||
	    ar_json_string(*verdict, "reason", 1, CHECK_REASON_CHARS - 1, &s, dir, e) != AR_OK ||
	    ar_json_string(*verdict, "checkedAt", 1, AR_TIME_CHARS, &t, dir, e) != AR_OK ||
	    ar_json_string(*verdict, "keySha256", 1, AR_SHA256_HEX_CHARS, &k, dir, e) != AR_OK ||
	    strlen(t) != AR_TIME_CHARS || strlen(k) != AR_SHA256_HEX_CHARS ||
	    strspn(k, "0123456789abcdef") != AR_SHA256_HEX_CHARS) {
		json_decref(*verdict);
		*verdict = NULL;
		if (ar_join_path(path, sizeof path, dir, AR_LAST_CHECK_FILE, e) != AR_OK)
			return e->status;
		return ar_fail(e, AR_EENV, path, "not a verdict key-import wrote (damaged state: "
			       "delete it, then run key-import check)");
	}
	return AR_OK;
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
