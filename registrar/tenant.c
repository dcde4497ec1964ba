/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar tenant add|list|remove`: the customerSubscriptions API of the
 * reference, carried to the stamp inside the activation key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "datadir.h"
#include "json.h"
#include "registry.h"
#include "store.h"
#include "text.h"

json_t *registration_tenants(store *db, long long id)
{
	int more;
	json_t *all = registrar_tenant_page(db, id, NULL, (size_t)1 << 30, &more);

	return all ? all : json_array();
}

/* A subscription ID is a GUID in any letter case, kept in lower case (canon): ARM compares
 * GUIDs without regard to case, and the API takes them so; one answer on both faces. */
static int check_subscription(const char *sub, char canon[37], ar_err *e)
{
	if (!sub)
		return ar_fail(e, AR_EUSAGE, NULL, "needs --subscription GUID");
	if (ar_uuid_normalize(sub, canon) != 0)
		return ar_fail(e, AR_EUSAGE, NULL, "--subscription \"%.40s\" is not a GUID", sub);
	return AR_OK;
}

static int open_for(const registrar_opts *o, store **db, long long *id, int write, ar_err *e)
{
	if (!o->registration)
		return ar_fail(e, AR_EUSAGE, NULL, "tenant needs --registration NAME");
	if (store_open(registrar_data_dir(o), 0, db, e) != AR_OK)
		return e->status;
	if (write && store_begin(*db, e) != AR_OK)
		return e->status;
	return registration_id(*db, o->registration, 0, id, e);
}

static int bound_step(store *db, const char *sql, long long id, const char *a, const char *b,
		      int *changes, ar_err *e)
{
	store_stmt *st;

	if (store_prepare(db, sql, &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	store_bind_text(st, 2, a);
	if (b)
		store_bind_text(st, 3, b);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	if (changes)
		*changes = store_changes(db);
	return AR_OK;
}

/* One more pair must still fit a key (AR_MAX_TENANTS): refused here, not when the key
 * is issued. Counted after any pair it replaces is gone. */
static int check_room(store *db, long long id, const char *registration, ar_err *e)
{
	store_stmt *st;
	long long n;

	if (store_prepare(db, "SELECT count(*) FROM tenants WHERE registration_id = ?1", &st,
			  e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	n = store_step(st) == STORE_ROW ? store_column_int64(st, 0) : -1;
	store_release(db, st);
	if (n < 0)
		return store_error(db, "read", e);
	if (n >= AR_MAX_TENANTS)
		return (ar_fail(e, AR_EINPUT, NULL, "%s already has %lld tenants, the most an "
			       "activation key carries (registrar tenant remove)", registration, n),
			ar_err_code(e, "CustomerSubscriptionLimitExceeded"));
	return AR_OK;
}

/* Whether exactly this pair is mapped already: then put changes nothing (no write, no
 * audit row), as a PUT of the same resource again should. */
static int pair_mapped(store *db, long long id, const char *sub, const char *tenant,
		       int *found, ar_err *e)
{
	store_stmt *st;
	int rc;

	if (store_prepare(db, "SELECT 1 FROM tenants WHERE registration_id = ?1 AND "
			  "subscription = ?2 AND tenant = ?3", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	store_bind_text(st, 2, sub);
	store_bind_text(st, 3, tenant);
	rc = store_step(st);
	*found = rc == STORE_ROW;
	store_release(db, st);
	return (rc == STORE_ROW || rc == STORE_DONE) ? AR_OK : store_error(db, "read", e);
}

int registrar_tenant_put(store *db, long long id, const char *registration, const char *sub,
			 const char *tenant, int *created, int *unchanged, ar_err *e)
{
	int replaced = 0, same = 0;
	int rc = pair_mapped(db, id, sub, tenant, &same, e);

	*created = 0;
	if (unchanged)
		*unchanged = same;
	if (rc != AR_OK || same)
		return rc;
	/* one subscription per tenant, one tenant per subscription: the new pair replaces */
	rc = bound_step(db, "DELETE FROM tenants WHERE registration_id = ?1 AND "
			"subscription = ?2", id, sub, NULL, &replaced, e);
	if (rc == AR_OK)
		rc = bound_step(db, "DELETE FROM tenants WHERE registration_id = ?1 AND "
				"tenant = ?2", id, tenant, NULL, NULL, e);
	if (rc == AR_OK)
		rc = check_room(db, id, registration, e);
	if (rc == AR_OK)
		rc = bound_step(db, "INSERT INTO tenants (registration_id, tenant, subscription) "
				"VALUES (?1, ?2, ?3)", id, tenant, sub, NULL, e);
	if (rc == AR_OK)
		rc = store_audit(db, "tenant add", registration, sub, e);
	*created = !replaced;
	return rc;
}

int registrar_tenant_delete(store *db, long long id, const char *registration, const char *sub,
			    ar_err *e)
{
	int changes = 0;

	if (bound_step(db, "DELETE FROM tenants WHERE registration_id = ?1 AND subscription = ?2",
		       id, sub, NULL, &changes, e) != AR_OK)
		return e->status;
	if (changes == 0) {
		ar_fail(e, AR_EINPUT, NULL, "CustomerSubscriptionNotFound: %s in %s", sub,
			registration);
		return ar_err_code(e, "CustomerSubscriptionNotFound");
	}
	return store_audit(db, "tenant remove", registration, sub, e);
}

int cmd_tenant_add_run(const registrar_opts *o, ar_err *e)
{
	store *db = NULL;
	long long id = 0;
	char sub[37], tenant[37];
	int created, unchanged = 0, rc = check_subscription(o->subscription, sub, e);

	/* a value given but no GUID is named as --subscription's is, not called missing */
	if (rc == AR_OK && !o->tenant)
		rc = ar_fail(e, AR_EUSAGE, NULL, "tenant add needs --tenant GUID (the directory tenant)");
	else if (rc == AR_OK && ar_uuid_normalize(o->tenant, tenant) != 0)
		rc = ar_fail(e, AR_EUSAGE, NULL, "--tenant \"%.40s\" is not a GUID", o->tenant);
	if (rc == AR_OK)
		rc = open_for(o, &db, &id, 1, e);
	if (rc == AR_OK)
		rc = registrar_tenant_put(db, id, o->registration, sub, tenant, &created, &unchanged,
					  e);
	if (db)
		rc = store_end(db, rc, e);
	if (rc == AR_OK)
		printf(PROGRAM ": %s: subscription %s -> tenant %s%s\n",
		       ar_text_shown(o->registration), sub, tenant,
		       unchanged ? ", already mapped, nothing changed" : "");
	rc = store_close(db, rc, e);
	return rc;
}

/* A subscription not mapped is what remove would leave: exit 0, said so (the API's DELETE
 * answers 204 for it); an unknown registration stays an error on both faces. */
int cmd_tenant_remove_run(const registrar_opts *o, ar_err *e)
{
	store *db = NULL;
	long long id = 0;
	char sub[37];
	int absent = 0, rc = check_subscription(o->subscription, sub, e);

	if (rc == AR_OK)
		rc = open_for(o, &db, &id, 1, e);
	if (rc == AR_OK) {
		rc = registrar_tenant_delete(db, id, o->registration, sub, e);
		absent = rc != AR_OK && strcmp(e->code, "CustomerSubscriptionNotFound") == 0;
		if (absent)
			rc = AR_OK;
	}
	if (db)
		rc = store_end(db, rc, e);
	if (rc == AR_OK && absent)
		printf(PROGRAM ": %s: subscription %s is not mapped, nothing changed\n",
		       ar_text_shown(o->registration), sub);
	else if (rc == AR_OK)
		printf(PROGRAM ": %s: removed subscription %s\n", ar_text_shown(o->registration),
		       sub);
	rc = store_close(db, rc, e);
	return rc;
}

json_t *registrar_tenant_page(store *db, long long id, const char *after, size_t limit,
			      int *more)
{
	json_t *page = json_array();
	store_stmt *st;
	ar_err ignored;
	size_t n = 0;

	*more = 0;
	if (store_prepare(db, "SELECT subscription, tenant FROM tenants WHERE registration_id = ?1 "
			  "AND subscription > ?2 ORDER BY subscription LIMIT ?3", &st,
			  &ignored) != AR_OK) {
		json_decref(page);
		return NULL;
	}
	store_bind_int64(st, 1, id);
	store_bind_text(st, 2, after ? after : "");
	store_bind_int64(st, 3, (long long)limit + 1);
	while (store_step(st) == STORE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		json_array_append_new(page, json_pack("{s:s, s:s}", "subscriptionId",
						      store_column_text(st, 0),
						      "tenantId",
						      store_column_text(st, 1)));
	}
	store_release(db, st);
	return page;
}

int cmd_tenant_list_run(const registrar_opts *o, ar_err *e)
{
	store *db = NULL;
	long long id = 0;
	json_t *value = NULL, *tenants = NULL, *t, *doc;
	size_t i;
	char *text;
	int rc = open_for(o, &db, &id, 0, e);

	if (rc == AR_OK) {
		value = json_array();
		tenants = registration_tenants(db, id);
		json_array_foreach(tenants, i, t) {
			const char *sub = json_string_value(json_object_get(t, "subscriptionId"));
			char path[512], name[128];

			snprintf(path, sizeof path, "/providers/Microsoft.AzureStack/registrations/%s/"
				 "customerSubscriptions/%s", o->registration, sub);
			snprintf(name, sizeof name, "%s/%s", o->registration, sub);
			json_array_append_new(value, json_pack("{s:s, s:s, s:s, s:{s:O}}", "id", path,
							       "name", name, "type", SUBSCRIPTION_TYPE,
							       "properties", "tenantId",
							       json_object_get(t, "tenantId")));
		}
		json_decref(tenants);
		doc = json_pack("{s:o}", "value", value);
		text = ar_json_dump_compact(doc);
		json_decref(doc);
		if (text)
			printf("%s\n", text);
		else
			rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
		free(text);
	}
	rc = store_close(db, rc, e);
	return rc;
}
