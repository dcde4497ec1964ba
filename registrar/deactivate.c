/* SPDX-License-Identifier: Apache-2.0 */
/* A removal receipt taken on the workstation: `registrar unregister --receipt` (and, through
 * registrar_deactivate, the API's deactivate). A receipt is the stamp's word, signed with its
 * own key, that it stopped using the registration's latest key; only then is a registration
 * "Deactivated" (its capacity free with proof), not merely "Unregistered". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "datadir.h"
#include "filekind.h"
#include "fileio.h"
#include "receipt.h"
#include "registry.h"
#include "store.h"
#include "text.h"
#include "token.h"

/* The registration the receipt names, as the lookup found it. */
typedef struct {
	store *db;
	const char *name; /* the name the caller gave, or NULL */
	long long id, key_serial;
	char cloud_id[40], stamp_kid[AR_THUMBPRINT_CHARS + 1], status[16];
	char registration[AR_MAX_NAME_CHARS + 1];
} target;

/* The stamp key of the registered token: the key it was verified with when registered. */
static int registered_stamp_key(store *db, long long id, uint8_t pk[AR_ED25519_PK_BYTES],
				ar_err *e)
{
	store_stmt *st;
	char *token = NULL;
	ar_token t = { 0 };
	int rc;

	if (store_prepare(db, "SELECT token FROM registrations WHERE id = ?", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	if (store_step(st) == STORE_ROW && store_column_text(st, 0))
		token = strdup(store_column_text(st, 0));
	store_release(db, st);
	if (!token)
		return ar_fail(e, AR_EINTERNAL, NULL, "stored token unreadable");
	rc = ar_token_decode(token, strlen(token), &t, "the registered token", e);
	if (rc == AR_OK)
		memcpy(pk, t.stamp_pk, AR_ED25519_PK_BYTES);
	else
		rc = ar_fail(e, AR_EINTERNAL, NULL, "stored token unreadable");
	ar_token_free(&t);
	free(token);
	return rc;
}

/* ar_receipt_key_lookup: registration and kid are not verified yet, so they only choose a
 * row; a kid that is not the key on record is refused before any signature is checked. */
static int lookup(void *ctx, const char *registration, const char *kid,
		  uint8_t pk[AR_ED25519_PK_BYTES], ar_err *e)
{
	target *t = ctx;
	store_stmt *st;
	int rc;

	/* the name given (a URL's, --name) first: no such registration is 404 whatever the
	 * receipt says */
	const char *wanted = t->name ? t->name : registration;

	if (store_prepare(t->db, "SELECT id, cloud_id, stamp_kid, status, key_serial, name FROM "
			  "registrations WHERE name = ?", &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, wanted);
	rc = store_step(st);
	if (rc == STORE_ROW) {
		t->id = store_column_int64(st, 0);
		store_column_copy(t->cloud_id, sizeof t->cloud_id, st, 1);
		store_column_copy(t->stamp_kid, sizeof t->stamp_kid, st, 2);
		store_column_copy(t->status, sizeof t->status, st, 3);
		t->key_serial = store_column_int64(st, 4);
		store_column_copy(t->registration, sizeof t->registration, st, 5);
	}
	store_release(t->db, st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return store_error(t->db, "read", e);
	if (rc == STORE_DONE)
		return (ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s", wanted),
			ar_err_code(e, "RegistrationNotFound"));
	if (strcmp(wanted, registration) != 0)
		return (ar_fail(e, AR_EINPUT, NULL, "the receipt is for registration %s, not %s",
			       registration, t->name),
			ar_err_code(e, "InvalidRemovalReceipt"));
	if (strcmp(kid, t->stamp_kid) != 0)
		return (ar_fail(e, AR_EINPUT, NULL, "receipt signed by stamp key %s, not by the "
			       "stamp key of %s (%s)", kid, t->registration, t->stamp_kid),
			ar_err_code(e, "ReceiptWrongStamp"));
	return registered_stamp_key(t->db, t->id, pk, e);
}

/* Who took the receipt jti before (*taker 0: nobody), the jti of the last receipt of
 * registration id ("" when none), and the one that removed serial there ("" when none). */
static int receipts_of(store *db, const char *jti, long long id, long long serial,
		       long long *taker, char last[AR_UUID_CHARS + 1],
		       char of_serial[AR_UUID_CHARS + 1], ar_err *e)
{
	store_stmt *st;

	*taker = 0;
	last[0] = of_serial[0] = '\0';
	if (store_prepare(db, "SELECT jti FROM receipts WHERE registration_id = ? AND serial = ?",
			  &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	store_bind_int64(st, 2, serial);
	if (store_step(st) == STORE_ROW)
		store_column_copy(of_serial, AR_UUID_CHARS + 1, st, 0);
	store_release(db, st);
	if (store_prepare(db, "SELECT registration_id FROM receipts WHERE jti = ?", &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, jti);
	if (store_step(st) == STORE_ROW)
		*taker = store_column_int64(st, 0);
	store_release(db, st);
	if (store_prepare(db, "SELECT jti FROM receipts WHERE registration_id = ? "
			  "ORDER BY id DESC LIMIT 1", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	if (store_step(st) == STORE_ROW)
		store_column_copy(last, AR_UUID_CHARS + 1, st, 0);
	store_release(db, st);
	return AR_OK;
}

/* The SHA-256 recorded for serial of id ("" when none was: a key issued before schema 5). */
static int key_sha256(store *db, long long id, long long serial,
		      char sha[AR_SHA256_HEX_CHARS + 1], ar_err *e)
{
	store_stmt *st;

	sha[0] = '\0';
	if (store_prepare(db, "SELECT sha256 FROM keys WHERE registration_id = ? AND serial = ?",
			  &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	store_bind_int64(st, 2, serial);
	if (store_step(st) == STORE_ROW)
		store_column_copy(sha, AR_SHA256_HEX_CHARS + 1, st, 0);
	store_release(db, st);
	return AR_OK;
}

/* The rules a verified receipt must meet, in the order an operator can act on them. */
static int judge(store *db, const target *t, const ar_receipt *r, registrar_deactivation *out,
		 const char *where, ar_err *e)
{
	const char *jti = ar_receipt_text(r, "jti");
	long long serial = ar_receipt_int(r, "serial"), taker = 0;
	char last[AR_UUID_CHARS + 1], of_serial[AR_UUID_CHARS + 1], sha[AR_SHA256_HEX_CHARS + 1];

	if (strcmp(ar_receipt_text(r, "cloudId"), t->cloud_id) != 0)
		return (ar_fail(e, AR_EINPUT, where, "receipt names CloudId %s, not the CloudId of "
			       "%s (%s)", ar_receipt_text(r, "cloudId"), t->registration, t->cloud_id),
			ar_err_code(e, "ReceiptWrongStamp"));
	if (receipts_of(db, jti, t->id, serial, &taker, last, of_serial, e) != AR_OK)
		return e->status;
	if (taker == t->id && strcmp(t->status, "Deactivated") == 0 && strcmp(last, jti) == 0) {
		out->outcome = DEACTIVATED_ALREADY;
		return AR_OK;
	}
	if (taker != 0)
		return (ar_fail(e, AR_EINPUT, where, "receipt %s was taken before: a receipt is proof "
			       "once", jti), ar_err_code(e, "ReceiptReplayed"));
	if (strcmp(t->status, "Deactivated") == 0)
		return (ar_fail(e, AR_EINPUT, where, "%s is deactivated already, by receipt %s",
			       t->registration, last), ar_err_code(e, "ReceiptReplayed"));
	/* one removal a key: a second receipt for a serial (the name registered again since,
	 * no new key issued) proves nothing the first did not */
	if (of_serial[0])
		return (ar_fail(e, AR_EINPUT, where, "serial %lld of %s was deactivated before, by "
			       "receipt %s", serial, t->registration, of_serial),
			ar_err_code(e, "ReceiptReplayed"));
	if (serial < t->key_serial)
		return (ar_fail(e, AR_EINPUT, where, "receipt removes serial %lld of %s, but serial "
			       "%lld was issued after it: that key may still be in use; remove it on "
			       "the stamp and bring its receipt", serial, t->registration,
			       t->key_serial), ar_err_code(e, "ReceiptNotLatest"));
	if (serial > t->key_serial)
		return (ar_fail(e, AR_EINPUT, where, "receipt removes serial %lld of %s, a serial "
			       "never issued (the last issued is %lld)", serial, t->registration,
			       t->key_serial), ar_err_code(e, "InvalidRemovalReceipt"));
	if (key_sha256(db, t->id, serial, sha, e) != AR_OK)
		return e->status;
	if (sha[0] && strcmp(sha, ar_receipt_text(r, "activationKeySha256")) != 0)
		return (ar_fail(e, AR_EINPUT, where, "receipt names an activation key that is not "
			       "serial %lld of %s as issued (SHA-256 %s)", serial, t->registration,
			       sha), ar_err_code(e, "ReceiptWrongKey"));
	out->outcome = DEACTIVATED;
	return AR_OK;
}

static int record(store *db, const target *t, const registrar_deactivation *d, const char *text,
		  long long now, ar_err *e)
{
	char detail[192];
	store_stmt *st;

	if (store_prepare(db, "UPDATE registrations SET status = 'Deactivated', updated_at = ?1 "
			  "WHERE id = ?2", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, now);
	store_bind_int64(st, 2, t->id);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	if (store_prepare(db, "INSERT INTO receipts (registration_id, jti, serial, removed_at, "
			  "taken_at, sha256, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st,
			  e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, t->id);
	store_bind_text(st, 2, d->jti);
	store_bind_int64(st, 3, d->serial);
	store_bind_int64(st, 4, d->removed_at);
	store_bind_int64(st, 5, now);
	store_bind_text(st, 6, d->receipt_sha256);
	store_bind_text(st, 7, text);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	snprintf(detail, sizeof detail, "serial %lld, receipt %s, sha256 %s", d->serial, d->jti,
		 d->receipt_sha256);
	return store_audit(db, "deactivate", d->name, detail, e);
}

int registrar_deactivate(store *db, const char *name, const char *text, size_t len,
			 long long now, const char *where, registrar_deactivation *out, ar_err *e)
{
	target t;
	ar_receipt r = { 0 };
	int rc;

	memset(&t, 0, sizeof t);
	memset(out, 0, sizeof *out);
	t.db = db;
	t.name = name;
	rc = ar_receipt_decode(text, len, lookup, &t, &r, where, e);
	if (rc != AR_OK) {
		/* the lookup's refusals carry their own code; the rest are the file's */
		if (rc == AR_EINPUT && !e->code[0])
			ar_err_code(e, "InvalidRemovalReceipt");
		ar_err_at(e, where);
		return rc;
	}
	snprintf(out->name, sizeof out->name, "%s", t.registration);
	snprintf(out->cloud_id, sizeof out->cloud_id, "%s", t.cloud_id);
	snprintf(out->jti, sizeof out->jti, "%s", ar_receipt_text(&r, "jti"));
	snprintf(out->receipt_sha256, sizeof out->receipt_sha256, "%s", r.sha256_hex);
	out->serial = ar_receipt_int(&r, "serial");
	out->removed_at = ar_receipt_int(&r, "removedAt");
	rc = judge(db, &t, &r, out, where, e);
	if (rc == AR_OK && out->outcome == DEACTIVATED)
		rc = record(db, &t, out, text, now, e);
	ar_receipt_free(&r);
	return rc;
}

json_t *registrar_last_receipt(store *db, const char *name, ar_err *e)
{
	store_stmt *st;
	json_t *last = NULL;
	int rc;

	if (store_prepare(db, "SELECT c.jti, c.serial, c.removed_at, c.taken_at, c.sha256 FROM "
			  "receipts c JOIN registrations r ON r.id = c.registration_id WHERE "
			  "r.name = ? ORDER BY c.id DESC LIMIT 1", &st, e) != AR_OK)
		return NULL;
	store_bind_text(st, 1, name);
	rc = store_step(st);
	if (rc == STORE_ROW)
		last = json_pack("{s:s,s:I,s:I,s:I,s:s}",
				 "jti", store_column_text(st, 0),
				 "serial", (json_int_t)store_column_int64(st, 1),
				 "removedAt", (json_int_t)store_column_int64(st, 2),
				 "takenAt", (json_int_t)store_column_int64(st, 3),
				 "sha256", store_column_text(st, 4));
	else if (rc == STORE_DONE)
		last = json_null();
	store_release(db, st);
	if (!last)
		store_error(db, "read", e);
	return last;
}

int cmd_unregister_receipt_run(const registrar_opts *o, ar_err *e)
{
	const char *where = ar_input_name(o->receipt);
	registrar_deactivation d;
	char when[AR_TIME_CHARS + 1];
	store *db = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (o->token || o->cloud_id)
		return ar_fail(e, AR_EUSAGE, NULL, "unregister --receipt takes no --token or "
			       "--cloud-id (the receipt names its registration)");
	if (ar_read_carried(o->receipt, AR_KIND_REMOVAL_RECEIPT, &text, &len, e) != AR_OK)
		return e->status;
	rc = store_open(registrar_data_dir(o), 0, &db, e);
	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK) {
		rc = registrar_deactivate(db, o->name, text, len, o->now, where, &d, e);
		rc = store_end(db, rc, e);
	}
	if (rc == AR_OK && d.outcome == DEACTIVATED_ALREADY)
		printf(PROGRAM ": %s: already deactivated by this receipt, nothing changed\n",
		       ar_text_shown(d.name));
	else if (rc == AR_OK)
		printf(PROGRAM ": deactivated %s (CloudId %s): the stamp removed serial %lld at %s; "
		       "receipt %s kept; the name stays reserved for it\n", ar_text_shown(d.name),
		       ar_text_shown(d.cloud_id),
		       d.serial, ar_format_time(d.removed_at, when), d.jti);
	/* the SHA-256 of the receipt read, as key-import remove printed it when writing it */
	if (rc == AR_OK)
		ar_report_sha256_hex(stdout, d.receipt_sha256, where);
	free(text);
	return store_close(db, rc, e);
}
