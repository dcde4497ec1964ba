/* SPDX-License-Identifier: Apache-2.0 */
/* Which issuer key is the registrar's now: the last version issuer_keys holds, or the key
 * the audit's last init (or rotation) names; what signs must be it. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ar_limits.h"
#include "keys.h"
#include "rotate.h"

/* The last key the database holds: *version 0 when it holds none. */
int registrar_issuer_last(store *db, long long *version, char kid[AR_THUMBPRINT_CHARS + 1],
		    ar_err *e)
{
	store_stmt *st = NULL;
	int step;

	*version = 0;
	kid[0] = '\0';
	if (store_prepare(db, "SELECT version, kid FROM issuer_keys ORDER BY version DESC "
			  "LIMIT 1", &st, e) != AR_OK)
		return e->status;
	step = store_step(st);
	if (step == STORE_ROW) {
		*version = store_column_int64(st, 0);
		store_column_copy(kid, AR_THUMBPRINT_CHARS + 1, st, 1);
	}
	store_release(db, st);
	return (step == STORE_ROW || step == STORE_DONE) ? AR_OK
							   : store_error(db, "issuer keys", e);
}

/* The version issuer_keys gives kid; 0 when it names it not. */
int registrar_issuer_version(store *db, const char *kid, long long *version, ar_err *e)
{
	store_stmt *st = NULL;
	int step;

	*version = 0;
	if (store_prepare(db, "SELECT version FROM issuer_keys WHERE kid = ?1", &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, kid);
	step = store_step(st);
	if (step == STORE_ROW)
		*version = store_column_int64(st, 0);
	store_release(db, st);
	return (step == STORE_ROW || step == STORE_DONE) ? AR_OK
							   : store_error(db, "issuer keys", e);
}

/* The kid of the registrar's last init or rotation, from its audit row (init's detail is
 * the kid; a rotation's says ", kid NEW"); "" when neither names one. */
static int last_made_kid(store *db, char out[AR_THUMBPRINT_CHARS + 1], ar_err *e)
{
	store_stmt *st = NULL;
	const char *action, *detail, *k;
	int step;

	out[0] = '\0';
	if (store_prepare(db, "SELECT action, detail FROM audit WHERE action IN ('init', "
			  "'rotate-issuer-key') ORDER BY id DESC LIMIT 1", &st, e) != AR_OK)
		return e->status;
	step = store_step(st);
	if (step == STORE_ROW && (action = store_column_text(st, 0)) &&
	    (detail = store_column_text(st, 1))) {
		k = strcmp(action, "init") == 0 ? detail : strstr(detail, ", kid ");
		if (k && k != detail)
			k += strlen(", kid ");
		if (k && strlen(k) >= AR_THUMBPRINT_CHARS) {
			snprintf(out, AR_THUMBPRINT_CHARS + 1, "%s", k);
			if (!ar_kid_ok(out))
				out[0] = '\0';
		}
	}
	store_release(db, st);
	return (step == STORE_ROW || step == STORE_DONE) ? AR_OK
							   : store_error(db, "audit", e);
}

/* A key the issuer_keys table does not name: the last init's (or rotation's) own, or a
 * key another data directory's init --force replaced on a shared database. */
/* The audit is read once a process: its last init is found by a scan (the audit has no
 * index on action), which a batch of 100,000 keys ran at each key (78 keys/s, not 2,962;
 * make bench). A serve started before an init --force elsewhere finds it at its restart. */
static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;
static char made_checked[AR_THUMBPRINT_CHARS + 1];

static int last_made(store *db, const char *kid, ar_err *e)
{
	char made[AR_THUMBPRINT_CHARS + 1];
	int checked;

	pthread_mutex_lock(&made_lock);
	checked = strcmp(made_checked, kid) == 0;
	pthread_mutex_unlock(&made_lock);
	if (checked)
		return AR_OK;
	if (last_made_kid(db, made, e) != AR_OK)
		return e->status;
	if (!made[0] || strcmp(made, kid) == 0) {
		pthread_mutex_lock(&made_lock);
		snprintf(made_checked, sizeof made_checked, "%s", kid);
		pthread_mutex_unlock(&made_lock);
		return AR_OK;
	}
	return ar_fail(e, AR_EENV, NULL, "this data directory's issuer key (kid %s) is not the "
		       "registrar's (kid %s, its last init or rotation): copy issuer.pub and the key "
		       "file (or issuer.pkcs11) from the data directory that made it, then restart "
		       "serve", kid, made);
}

int registrar_issuer_not_replaced(store *db, const uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1], last[AR_THUMBPRINT_CHARS + 1];
	long long version = 0, latest = 0;

	ar_jwk_thumbprint(pk, kid);
	if (registrar_issuer_last(db, &latest, last, e) != AR_OK)
		return e->status;
	/* the last init or rotation (an init --force elsewhere after the last rotation too) */
	if (latest == 0 || strcmp(kid, last) == 0)
		return last_made(db, kid, e);
	if (registrar_issuer_version(db, kid, &version, e) != AR_OK)
		return e->status;
	/* a key init --force made is no version at all: the audit says whose it is */
	if (version == 0)
		return last_made(db, kid, e);
	return ar_fail(e, AR_EENV, NULL, "this data directory's issuer key (kid %s) is version "
		       "%lld, replaced by version %lld (kid %s): copy issuer.pub and the key file "
		       "(or issuer.pkcs11) from the data directory that rotated it, then restart "
		       "serve", kid, version, latest, last);
}

