/* SPDX-License-Identifier: Apache-2.0 */
/* What the registrar knows of the keys it issued: the history of a registration's serials
 * (`registrar show`) and the live registrations whose last key expires soon (`registrar list
 * --expiring-within DAYS`), so the yearly renewal is seen coming from the workstation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "commands.h"
#include "datadir.h"
#include "json.h"
#include "registry.h"
#include "store.h"
#include "text.h"
#include "when.h"

static json_t *int_or_null(store_stmt *st, int col)
{
	return store_column_is_null(st, col)
		       ? json_null() : json_integer(store_column_int64(st, col));
}

json_t *registrar_key_history(store *db, const char *name, ar_err *e)
{
	json_t *keys = json_array();
	store_stmt *st = NULL;
	int rc;

	if (store_prepare(db, "SELECT k.serial, k.issued_at, k.expires_at FROM keys k JOIN "
			  "registrations r ON r.id = k.registration_id WHERE r.name = ? "
			  "ORDER BY k.serial", &st, e) != AR_OK) {
		json_decref(keys);
		return NULL;
	}
	store_bind_text(st, 1, name);
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(keys, json_pack("{s:I,s:o,s:o}", "serial",
						      (json_int_t)store_column_int64(st, 0),
						      "issuedAt", int_or_null(st, 1),
						      "expiresAt", int_or_null(st, 2)));
	store_release(db, st);
	if (rc != STORE_DONE) {
		json_decref(keys);
		store_error(db, "read", e);
		return NULL;
	}
	return keys;
}

/* "T (in SPAN)", or "T (expired SPAN ago)" from the second it expires on, as the stamp
 * judges it (a key whose exp is at or before now is expired). */
const char *registrar_format_expiry(long long exp, long long now, char out[AR_WHEN_CHARS + 1])
{
	char t[AR_TIME_CHARS + 1], span[AR_SPAN_CHARS + 1];

	ar_format_time(exp, t);
	ar_format_span(exp - now, span);
	snprintf(out, AR_WHEN_CHARS + 1, exp > now ? "%s (in %s)" : "%s (expired %s ago)", t,
		 span);
	return out;
}

/* as registrar list shows a member: "-" for none */
static long long expires(json_t *r)
{
	return (long long)json_integer_value(json_object_get(r, "lastKeyExpires"));
}

/* soonest first; the name breaks a tie, so the order never depends on the database's */
static int by_expiry(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	long long ex = expires(x), ey = expires(y);

	if (ex != ey)
		return ex < ey ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "name")),
		      json_string_value(json_object_get(y, "name")));
}

/* The live registrations with a key whose last key's expiry is at most days x 86400 s from
 * now (expired ones too), soonest first, each with daysLeft (key-import status's rounding)
 * and expired. A registration with no key yet is not expiring: it is left out. */
static json_t *expiring(json_t *all, long days, long long now)
{
	json_t *r, *out = json_array();
	json_t **pick = calloc(json_array_size(all) + 1, sizeof *pick);
	size_t i, n = 0;

	if (!pick) {
		json_decref(out);
		return NULL;
	}
	json_array_foreach(all, i, r) {
		const char *status = json_string_value(json_object_get(r, "status"));

		if (!status || strcmp(status, "Registered") != 0 ||
		    !json_is_integer(json_object_get(r, "lastKeyExpires")) ||
		    expires(r) - now > days * 86400LL || !json_is_string(json_object_get(r, "name")))
			continue;
		json_object_set_new(r, "daysLeft", json_integer(ar_span_days(expires(r) - now)));
		json_object_set_new(r, "expired", json_boolean(expires(r) <= now));
		pick[n++] = r;
	}
	qsort(pick, n, sizeof *pick, by_expiry);
	for (i = 0; i < n; i++)
		json_array_append(out, pick[i]);
	free(pick);
	return out;
}

int registrar_list_expiring(const registrar_opts *o, store *db, ar_err *e)
{
	json_t *all = registrar_registrations_json(db, e), *list = NULL;
	int rc = all ? AR_OK : e->status;

	if (rc == AR_OK && !(list = expiring(all, o->expiring_within, o->now)))
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK)
		rc = registrar_print_list(list, o->json, 1, o->now, e);
	json_decref(list);
	json_decref(all);
	return rc;
}
