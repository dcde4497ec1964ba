/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar list` and `registrar show`: what the database holds, for people or scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "commands.h"
#include "datadir.h"
#include "json.h"
#include "registry.h"
#include "store.h"
#include "text.h"
#include "when.h"

static const char select_sql[] =
	"SELECT name, cloud_id, status, billing_model, agreement_number, asset_tag, "
	"usage_reporting, marketplace_syndication, stamp_kid, token_sha256, registered_at, "
	"updated_at, key_serial, key_expires, claims FROM registrations";

/* A column as JSON. A value that is not UTF-8 (an edited database) cannot be a JSON string
 * as it is: each byte that is not UTF-8 becomes U+FFFD, so the field is never dropped as
 * if it were empty. */
static json_t *text_or_null(store_stmt *st, int col)
{
	const char *v = store_column_text(st, col);
	json_t *j;
	char *repaired;

	if (!v)
		return json_null();
	j = json_string(v);
	if (j || !(repaired = ar_text_utf8_repaired(v)))
		return j;
	j = json_string(repaired);
	free(repaired);
	return j;
}

static json_t *row_json(store_stmt *st, int with_hosts)
{
	json_t *r = json_object(), *claims;

	json_object_set_new(r, "name", text_or_null(st, 0));
	json_object_set_new(r, "cloudId", text_or_null(st, 1));
	json_object_set_new(r, "status", text_or_null(st, 2));
	json_object_set_new(r, "billingModel", text_or_null(st, 3));
	json_object_set_new(r, "agreementNumber", text_or_null(st, 4));
	json_object_set_new(r, "assetTag", text_or_null(st, 5));
	json_object_set_new(r, "usageReporting", json_boolean(store_column_int64(st, 6)));
	json_object_set_new(r, "marketplaceSyndication", json_boolean(store_column_int64(st, 7)));
	json_object_set_new(r, "stampKeyThumbprint", text_or_null(st, 8));
	json_object_set_new(r, "tokenSha256", text_or_null(st, 9));
	json_object_set_new(r, "registeredAt", json_integer(store_column_int64(st, 10)));
	json_object_set_new(r, "updatedAt", json_integer(store_column_int64(st, 11)));
	json_object_set_new(r, "lastKeySerial", json_integer(store_column_int64(st, 12)));
	json_object_set_new(r, "lastKeyExpires", store_column_is_null(st, 13)
				? json_null() : json_integer(store_column_int64(st, 13)));
	claims = json_loads(store_column_text(st, 14), 0, NULL);
	json_object_set(r, "totals", json_object_get(claims, "totals"));
	if (with_hosts)
		json_object_set(r, "hosts", json_object_get(claims, "hosts"));
	json_decref(claims);
	return r;
}

static const char *when(json_t *r, const char *key, char *buf)
{
	if (!json_is_integer(json_object_get(r, key)))
		return "-";
	return ar_format_time((long long)json_integer_value(json_object_get(r, key)), buf);
}

/* The key's expiry with the days left, as the stamp's status counts them (common/when.h). */
static const char *expiry(json_t *r, const char *key, long long now,
			  char out[AR_WHEN_CHARS + 1])
{
	json_t *t = json_object_get(r, key);

	if (!json_is_integer(t))
		return "-";
	return registrar_format_expiry((long long)json_integer_value(t), now, out);
}

/* Each key issued, by serial: when, and until when. A time a database older than schema 4
 * did not keep (an earlier key's expiry) is "not recorded". */
static void print_keys(json_t *keys, long long now)
{
	char t[AR_TIME_CHARS + 1], exp[AR_WHEN_CHARS + 1];
	json_t *k;
	size_t i;

	json_array_foreach(keys, i, k)
		printf("%-20sserial %lld, issued %s, expires %s\n", i == 0 ? "Keys issued" : "",
		       (long long)json_integer_value(json_object_get(k, "serial")),
		       json_is_integer(json_object_get(k, "issuedAt"))
			       ? when(k, "issuedAt", t) : "(not recorded)",
		       json_is_integer(json_object_get(k, "expiresAt"))
			       ? expiry(k, "expiresAt", now, exp) : "(not recorded)");
}

static const char *s(json_t *r, const char *key);

/* The stamp's last removal receipt taken (unregister --receipt), or "none"; its values, read
 * from the database, shown as every other value of show is (s()). */
static void print_receipt(json_t *c)
{
	char t1[AR_TIME_CHARS + 1], t2[AR_TIME_CHARS + 1];

	if (!json_is_object(c)) {
		printf("%-20snone\n", "Last receipt");
		return;
	}
	printf("%-20s%s, serial %lld removed %s, taken %s\n%-20sSHA-256 %s\n", "Last receipt",
	       s(c, "jti"), (long long)json_integer_value(json_object_get(c, "serial")),
	       when(c, "removedAt", t1), when(c, "takenAt", t2), "", s(c, "sha256"));
}

static const char *s(json_t *r, const char *key)
{
	const char *v = json_string_value(json_object_get(r, key));

	return v ? ar_text_shown(v) : "-";
}

/* One host of the registered token. v1 carried the whole record (a "version" of its own): the
 * clear UUID. v2 carries the identities as keyed digests only: the name and the model. */
static void print_host(json_t *h, const char *label)
{
	if (json_object_get(h, "version")) {
		printf("%-20s%s %s\n", label, s(h, "name"), s(h, "uuid"));
		return;
	}
	/* a host whose probe could not read its cores (not for Capacity) says so: not "0" */
	if (!json_is_integer(json_object_get(h, "cpuCores"))) {
		printf("%-20s%s %s %s, cores unknown\n", label, s(h, "name"), s(h, "manufacturer"),
		       s(h, "product"));
		return;
	}
	printf("%-20s%s %s %s, %lld cores\n", label, s(h, "name"), s(h, "manufacturer"),
	       s(h, "product"), (long long)json_integer_value(json_object_get(h, "cpuCores")));
}

int registration_id(store *db, const char *name, int live_only, long long *id, ar_err *e)
{
	store_stmt *st;
	int found;

	if (store_prepare(db, live_only ? "SELECT id FROM registrations WHERE name = ? AND "
			  "status = 'Registered'" : "SELECT id FROM registrations WHERE name = ?",
			  &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, name);
	found = store_step(st) == STORE_ROW;
	if (found)
		*id = store_column_int64(st, 0);
	store_release(db, st);
	if (found)
		return AR_OK;
	ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s%s", name,
		live_only ? " (no live registration)" : "");
	return ar_err_code(e, "RegistrationNotFound");
}

json_t *registrar_registrations_json(store *db, ar_err *e)
{
	json_t *list = json_array();
	store_stmt *st = NULL;
	char sql[512];
	int rc;

	snprintf(sql, sizeof sql, "%s ORDER BY name", select_sql);
	if (store_prepare(db, sql, &st, e) != AR_OK) {
		json_decref(list);
		return NULL;
	}
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(list, row_json(st, 0));
	store_release(db, st);
	if (rc != STORE_DONE) {
		json_decref(list);
		store_error(db, "read", e);
		return NULL;
	}
	return list;
}

json_t *registrar_registration_json(store *db, const char *name, ar_err *e)
{
	store_stmt *st = NULL;
	json_t *r = NULL;
	char sql[512];

	snprintf(sql, sizeof sql, "%s WHERE name = ?", select_sql);
	if (store_prepare(db, sql, &st, e) != AR_OK)
		return NULL;
	store_bind_text(st, 1, name);
	if (store_step(st) == STORE_ROW)
		r = row_json(st, 1);
	else {
		ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s", name);
		ar_err_code(e, "RegistrationNotFound");
	}
	store_release(db, st);
	return r;
}

/* registrar list's output, the JSON or the table, for every registration or the expiring
 * ones (expiring: the last column with its days, "in N days" / "expired N days ago"). */
int registrar_print_list(json_t *list, int as_json, int expiring, long long now, ar_err *e)
{
	char exp[AR_WHEN_CHARS + 1];
	json_t *r;
	size_t i;
	int rc = AR_OK;

	if (as_json) {
		json_t *doc = json_pack("{s:O}", "value", list);

		rc = ar_json_print(doc, e);
		json_decref(doc);
		return rc;
	}
	printf("%-24s %-36s %-13s %-12s %6s %s\n", "NAME", "CLOUDID", "STATUS", "BILLING",
	       "SERIAL", "KEY EXPIRES");
	json_array_foreach(list, i, r)
		printf("%-24s %-36s %-13s %-12s %6lld %s\n", s(r, "name"), s(r, "cloudId"),
		       s(r, "status"), s(r, "billingModel"),
		       (long long)json_integer_value(json_object_get(r, "lastKeySerial")),
		       expiring ? registrar_format_expiry((long long)json_integer_value(
				  json_object_get(r, "lastKeyExpires")), now, exp)
				: when(r, "lastKeyExpires", exp));
	return rc;
}

int cmd_list_run(const registrar_opts *o, ar_err *e)
{
	json_t *list = NULL;
	store *db = NULL;
	int rc;

	/* refused before the database is opened, as activation-key's --valid-days */
	if (o->expiring && (o->expiring_within < 0 ||
			    o->expiring_within > AR_EXPIRING_WITHIN_DAYS_MAX))
		return ar_fail(e, AR_EUSAGE, NULL, "--expiring-within must be 0 to %d",
			       AR_EXPIRING_WITHIN_DAYS_MAX);
	rc = store_open(registrar_data_dir(o), 0, &db, e);
	if (rc == AR_OK && o->expiring)
		return store_close(db, registrar_list_expiring(o, db, e), e);
	if (rc == AR_OK && !(list = registrar_registrations_json(db, e)))
		rc = e->status;
	if (rc == AR_OK)
		rc = registrar_print_list(list, o->json, 0, o->now, e);
	json_decref(list);
	rc = store_close(db, rc, e);
	return rc;
}

int cmd_show_run(const registrar_opts *o, ar_err *e)
{
	store *db = NULL;
	json_t *r = NULL, *h, *keys = NULL, *last = NULL;
	char t1[AR_TIME_CHARS + 1], t2[AR_TIME_CHARS + 1], exp[AR_WHEN_CHARS + 1];
	size_t i;
	int rc = store_open(registrar_data_dir(o), 0, &db, e);

	if (rc == AR_OK && !(r = registrar_registration_json(db, o->name, e)))
		rc = e->status;
	/* here, not in registrar_registration_json: the API's GET stays as it was */
	if (rc == AR_OK && (keys = registrar_key_history(db, o->name, e)) == NULL)
		rc = e->status;
	if (rc == AR_OK)
		json_object_set_new(r, "keys", keys);
	if (rc == AR_OK && (last = registrar_last_receipt(db, o->name, e)) == NULL)
		rc = e->status;
	if (rc == AR_OK)
		json_object_set_new(r, "lastReceipt", last);
	if (rc == AR_OK && o->json) {
		rc = ar_json_print(r, e);
	} else if (rc == AR_OK) {
		printf("%-20s%s\n%-20s%s\n%-20s%s\n", "Registration", s(r, "name"), "Status",
		       s(r, "status"), "CloudId", s(r, "cloudId"));
		printf("%-20s%s (agreement %s, asset tag %s)\n", "Billing model",
		       s(r, "billingModel"), s(r, "agreementNumber"), s(r, "assetTag"));
		printf("%-20s%s\n%-20s%s\n", "Stamp key", s(r, "stampKeyThumbprint"), "Token SHA-256",
		       s(r, "tokenSha256"));
		printf("%-20s%s\n%-20s%s\n", "Registered", when(r, "registeredAt", t1),
		       "Updated", when(r, "updatedAt", t2));
		printf("%-20s%lld, expires %s\n", "Last key serial",
		       (long long)json_integer_value(json_object_get(r, "lastKeySerial")),
		       expiry(r, "lastKeyExpires", o->now, exp));
		print_keys(keys, o->now);
		print_receipt(last);
		json_array_foreach(json_object_get(r, "hosts"), i, h)
			print_host(h, i == 0 ? "Hosts" : "");
	}
	json_decref(r);
	rc = store_close(db, rc, e);
	return rc;
}
