/* SPDX-License-Identifier: Apache-2.0 */
/* register run again with nothing changed: the activation held is the registration asked
 * for, verified as key-import status verifies it, not near its end, and of the billing
 * settings and hosts the token would carry. Then nothing is sent. */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "connect.h"
#include "stamp.h"
#include "tokenhost.h"
#include "verdict.h"
#include "when.h"

/* both absent, or equal */
static int same_member(json_t *a, json_t *b, const char *key)
{
	json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

	return (!x && !y) || (x && y && json_equal(x, y));
}

static json_t *host_named(json_t *hosts, const char *name)
{
	json_t *h;
	size_t i;

	json_array_foreach(hosts, i, h) {
		const char *mine = json_string_value(json_object_get(h, "name"));

		if (mine && name && strcmp(mine, name) == 0)
			return h;
	}
	return NULL;
}

/* The key's hosts (a subset of each token entry's members) are those of the records,
 * digested with the key's salt. */
static int same_hosts(json_t *resource, json_t *records, const char *cloud_id)
{
	const char *salt_text = json_string_value(json_object_get(resource, "hostSalt"));
	json_t *held = json_object_get(resource, "hosts"), *now, *h, *v;
	uint8_t salt[AR_HOST_SALT_BYTES];
	size_t n = 0, i;
	const char *k;
	int same;

	if (!salt_text || ar_b64url_decode(salt_text, strlen(salt_text), salt, sizeof salt, &n) ||
	    n != sizeof salt)
		return 0;
	now = ar_token_hosts_v2(records, cloud_id, salt);
	same = now && json_array_size(now) == json_array_size(held);
	json_array_foreach(held, i, h) {
		json_t *mine = same ? host_named(now, json_string_value(json_object_get(h, "name")))
			: NULL;

		same = mine != NULL;
		json_object_foreach(h, k, v)
			same = same && json_equal(v, json_object_get(mine, k));
	}
	json_decref(now);
	return same;
}

int stamp_unchanged(const connect_opts *o, json_t *claims, json_t *records,
		    const char *cloud_id, int *same, ar_err *e)
{
	static const char *const billing[] = { "billingModel", "agreementNumber", "assetTag",
		"usageReporting", "marketplaceSyndication", NULL };
	const char *const *k;
	status_verdict v;
	char exp[AR_WHEN_CHARS + 1];

	*same = 0;
	memset(&v, 0, sizeof v);
	if (verdict_judge(ar_stamp_dir(o->state_dir), o->now, 0, &v, e) != AR_OK)
		return e->status;
	*same = v.state == VERDICT_REGISTERED && !verdict_expiring(&v, AR_CONNECT_RENEW_DAYS) &&
		strcmp(json_string_value(json_object_get(v.resource, "registration")), o->name) == 0;
	for (k = billing; *same && *k; k++)
		*same = same_member(claims, v.resource, *k);
	*same = *same && same_hosts(v.resource, records, cloud_id) && !o->renew;
	if (*same) {
		ar_format_when(json_integer_value(json_object_get(v.resource, "expiresAt")), v.now,
			       exp);
		printf(PROGRAM ": %s: already registered and activated, nothing changed (serial %lld, "
		       "expires %s); nothing sent (--renew issues a new key now)\n", o->name,
		       (long long)json_integer_value(json_object_get(v.resource, "serial")), exp);
	}
	verdict_free(&v);
	return AR_OK;
}
