/* SPDX-License-Identifier: Apache-2.0 */
/* The tenant mappings of an unregistered registration, taken by a registration of the
 * same CloudId and stamp key under another name only when the operator asks
 * (`register --carry-tenants`): a stamp moved to another customer under a new name must
 * not take the old customer's subscription/tenant pairs into its next key. */
#include <stdio.h>
#include <string.h>

#include "ar_limits.h"
#include "commands.h"
#include "registry.h"
#include "store.h"
#include "text.h"

/* The latest ended (Unregistered or Deactivated) registration of the CloudId and stamp key
 * under another name than name: its id, name and mappings, and how many of those name does
 * not hold. */
static int find_source(store *db, const char *name, const ar_token *t, long long *old,
		       registrar_carry *carry, long long *missing, long long *own, ar_err *e)
{
	static const char sql[] =
		"SELECT r.id, r.name, (SELECT count(*) FROM tenants WHERE registration_id = r.id), "
		"(SELECT count(*) FROM tenants o WHERE o.registration_id = r.id AND NOT EXISTS "
		"(SELECT 1 FROM tenants n JOIN registrations m ON m.id = n.registration_id "
		"WHERE m.name = ?3 AND n.subscription = o.subscription AND n.tenant = o.tenant)), "
		"(SELECT count(*) FROM tenants n JOIN registrations m ON m.id = n.registration_id "
		"WHERE m.name = ?3) "
		"FROM registrations r WHERE r.cloud_id = ?1 AND r.stamp_kid = ?2 AND "
		"r.status <> 'Registered' AND r.name <> ?3 ORDER BY r.updated_at DESC, r.id DESC "
		"LIMIT 1";
	const char *cloud = json_string_value(json_object_get(t->claims, "cloudId"));
	store_stmt *st;
	int step;

	if (store_prepare(db, sql, &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, cloud);
	store_bind_text(st, 2, t->stamp_kid);
	store_bind_text(st, 3, name);
	step = store_step(st);
	if (step == STORE_ROW) {
		const char *from = store_column_text(st, 1);

		*old = store_column_int64(st, 0);
		snprintf(carry->from, sizeof carry->from, "%s", from ? from : "");
		carry->tenants = store_column_int64(st, 2);
		*missing = store_column_int64(st, 3);
		*own = store_column_int64(st, 4);
	}
	store_release(db, st);
	return step == STORE_ROW || step == STORE_DONE ? AR_OK : store_error(db, "read", e);
}

int registrar_carry_tenants(store *db, const char *name, const ar_token *t, int fresh,
			    registrar_carry *carry, ar_err *e)
{
	static const char copy_sql[] =
		"INSERT INTO tenants (registration_id, subscription, tenant) "
		"SELECT (SELECT id FROM registrations WHERE name = ?1), subscription, tenant "
		"FROM tenants WHERE registration_id = ?2";
	long long old = 0, missing = 0, own = 0;
	char detail[AR_MAX_NAME_CHARS + 32];
	store_stmt *st;

	carry->tenants = 0;
	carry->from[0] = '\0';
	if (find_source(db, name, t, &old, carry, &missing, &own, e) != AR_OK)
		return e->status;
	/* nothing there, or all of it already here (the command run again) */
	if (carry->tenants == 0 || missing == 0) {
		carry->tenants = 0;
		return AR_OK;
	}
	if (!carry->want) {
		/* said once, when the registration starts; a name with its own keeps them */
		if (!fresh || own != 0)
			carry->tenants = 0;
		return AR_OK;
	}
	/* a merge could pair a subscription with two tenants: the operator chooses */
	if (own != 0)
		return ar_fail(e, AR_EINPUT, NULL,
			       "%s already has %lld tenant mapping%s; nothing carried from %s "
			       "(unregistered; same CloudId and stamp key): register without "
			       "--carry-tenants, then add each one you want (registrar tenant list "
			       "--registration %s shows them; registrar tenant add --registration %s "
			       "adds one)", name, own, own == 1 ? "" : "s", carry->from, carry->from,
			       name);
	if (store_prepare(db, copy_sql, &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, name);
	store_bind_int64(st, 2, old);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	snprintf(detail, sizeof detail, "%lld from %s", carry->tenants, carry->from);
	return store_audit(db, "tenant carry", name, detail, e);
}

void registrar_carry_report(const registrar_carry *carry, const char *name, const char *token)
{
	if (carry->tenants == 0)
		return;
	if (carry->want)
		printf(PROGRAM ": carried %lld tenant mapping%s from %s (unregistered; same CloudId "
		       "and stamp key)\n", carry->tenants, carry->tenants == 1 ? "" : "s",
		       ar_text_shown(carry->from));
	else
		printf(PROGRAM ": %s (unregistered; same CloudId and stamp key) has %lld tenant "
		       "mapping%s, not carried: registrar tenant list --registration %s shows "
		       "them; registrar register --carry-tenants --token %s --name %s takes them\n",
		       ar_text_shown(carry->from), carry->tenants, carry->tenants == 1 ? "" : "s",
		       ar_text_shown(carry->from), ar_text_shown(token), ar_text_shown(name));
}
