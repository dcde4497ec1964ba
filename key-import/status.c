/* `key-import status` and `key-import remove`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "fileio.h"
#include "json.h"
#include "stamp.h"
#include "state.h"

static long long num(json_t *r, const char *key)
{
	return (long long)json_integer_value(json_object_get(r, key));
}

static const char *str(json_t *r, const char *key)
{
	const char *v = json_string_value(json_object_get(r, key));

	return v ? v : "-";
}

/* A clock behind the latest trusted time would show an expired key as valid. */
static long long status_time(const char *dir, long long now, ar_err *e)
{
	long long latest = 0, issued = 0;

	if (state_trusted_time(dir, &latest, &issued, e) != AR_OK)
		return -1;
	if (now + AR_CLOCK_SKEW_SECONDS >= latest)
		return now;
	ar_warn("key-import", "the clock is %lld s behind the latest time this stamp has trusted; "
		"status is shown at that time", latest - now);
	return latest;
}

int cmd_status_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	json_t *r = NULL;
	const char *status;
	char exp[AR_TIME_CHARS + 1];
	long long now;

	if (ar_prepare_private_dir(dir, 0, e) != AR_OK || state_read_resource(dir, &r, e) != AR_OK)
		return e->status;
	if ((now = status_time(dir, o->now, e)) < 0) {
		json_decref(r);
		return e->status;
	}
	status = !r ? "Not registered" : num(r, "expiresAt") <= now ? "Expired" : "Registered";
	if (o->json) {
		json_t *doc = json_pack("{s:s}", "status", status);
		char *text;

		if (r) {
			json_object_set(doc, "registration", json_object_get(r, "registration"));
			json_object_set(doc, "cloudId", json_object_get(r, "cloudId"));
			json_object_set(doc, "billingModel", json_object_get(r, "billingModel"));
			json_object_set(doc, "serial", json_object_get(r, "serial"));
			json_object_set(doc, "expiresAt", json_object_get(r, "expiresAt"));
			json_object_set_new(doc, "daysLeft",
					    json_integer((num(r, "expiresAt") - now) / 86400));
			json_object_set(doc, "tenants", json_object_get(r, "tenants"));
		}
		text = ar_json_dump_pretty(doc);
		fputs(text ? text : "", stdout);
		free(text);
		json_decref(doc);
	} else {
		printf("%-16s%s\n", "Status", status);
		if (r) {
			printf("%-16s%s\n%-16s%s\n%-16s%s\n%-16s%lld\n", "Registration",
			       str(r, "registration"), "CloudId", str(r, "cloudId"), "Billing model",
			       str(r, "billingModel"), "Serial", num(r, "serial"));
			printf("%-16s%s (%lld days left)\n%-16s%zu\n", "Expires", ar_format_time(num(r, "expiresAt"), exp),
			       (num(r, "expiresAt") - now) / 86400, "Tenants",
			       json_array_size(json_object_get(r, "tenants")));
		}
	}
	json_decref(r);
	return AR_OK;
}

int cmd_remove_run(const keyimport_opts *o, ar_err *e)
{
	const char *dir = ar_stamp_dir(o->state_dir);
	json_t *r = NULL;
	int lock = -1, rc;

	rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = ar_lock_dir(dir, &lock, e);
	if (rc == AR_OK)
		rc = state_read_resource(dir, &r, e);
	if (rc == AR_OK && !r)
		rc = ar_fail(e, AR_EINPUT, dir, "no activation resource to remove (Not registered)");
	/* the mark first: once the resource is gone, it alone stops an old key */
	if (rc == AR_OK)
		rc = state_raise_high_water(dir, str(r, "registration"), num(r, "serial"), e);
	if (rc == AR_OK)
		rc = state_remove_resource(dir, e);
	if (rc == AR_OK)
		printf("key-import: removed the activation of %s (CloudId %s, serial %lld); "
		       "keys up to serial %lld stay refused\n", str(r, "registration"),
		       str(r, "cloudId"), num(r, "serial"), num(r, "serial"));
	ar_unlock(lock);
	json_decref(r);
	return rc;
}
