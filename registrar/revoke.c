/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar revoke`: a registration's activation keys up to now (--name), or an issuer key
 * that is no longer the current one (--issuer-key), recorded and written into a new version
 * of the revocation list, signed by the current issuer key; -o alone writes the latest list
 * again, byte for byte. The list is cumulative: every revocation so far, so a stamp needs only
 * the newest (docs/formats.md, "Revocation list"). Each change is one transaction: the
 * entry, the new list and the audit row, or none of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "commands.h"
#include "datadir.h"
#include "fileio.h"
#include "issuer.h"
#include "json.h"
#include "keys.h"
#include "qr.h"
#include "revocation.h"
#include "rotate.h"
#include "store.h"
#include "text.h"

typedef struct {
	char *text;       /* the list to write (malloc'd) */
	long long version;
	int changed;      /* a revocation was added (a new list signed) */
	char what[256];   /* the revocation, as the audit row and the status line say it */
} revoke_out;

static int latest(store *db, revoke_out *out, ar_err *e)
{
	store_stmt *st;
	const char *t;

	if (store_prepare(db, "SELECT version, text FROM revocation_lists ORDER BY version DESC "
			  "LIMIT 1", &st, e) != AR_OK)
		return e->status;
	if (store_step(st) == STORE_ROW && (t = store_column_text(st, 1))) {
		out->version = store_column_int64(st, 0);
		out->text = strdup(t);
	}
	store_release(db, st);
	if (out->version && !out->text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return AR_OK;
}

/* --name: serials up to the registration's latest key; none issued is nothing to revoke. */
static int add_activation(store *db, const char *name, long long now, revoke_out *out,
			  ar_err *e)
{
	store_stmt *st;
	long long id = 0, serial = 0, held = 0;
	int found;

	if (store_prepare(db, "SELECT id, key_serial FROM registrations WHERE name = ?", &st,
			  e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, name);
	found = store_step(st) == STORE_ROW;
	if (found) {
		id = store_column_int64(st, 0);
		serial = store_column_int64(st, 1);
	}
	store_release(db, st);
	if (!found)
		return ar_fail(e, AR_EINPUT, NULL, "RegistrationNotFound: %s (no such "
			       "registration)", ar_text_shown(name));
	if (serial < 1)
		return ar_fail(e, AR_EINPUT, NULL, "%s: no activation key was issued: nothing to "
			       "revoke", ar_text_shown(name));
	if (store_prepare(db, "SELECT serials_up_to FROM revoked_activations WHERE "
			  "registration_id = ?", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	if (store_step(st) == STORE_ROW)
		held = store_column_int64(st, 0);
	store_release(db, st);
	snprintf(out->what, sizeof out->what, "registration %s: keys up to serial %lld",
		 ar_text_shown(name), serial);
	if (held >= serial)
		return AR_OK;
	/* the schema's trigger lets serials_up_to only rise */
	if (store_prepare(db, "INSERT INTO revoked_activations (registration_id, serials_up_to, "
			  "revoked_at) VALUES (?1, ?2, ?3) ON CONFLICT (registration_id) DO UPDATE "
			  "SET serials_up_to = ?2, revoked_at = ?3", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, id);
	store_bind_int64(st, 2, serial);
	store_bind_int64(st, 3, now);
	out->changed = 1;
	return store_exec_step(db, st, e);
}

/* --issuer-key: any key but the one signing; revoking that would leave nothing to sign the
 * list with that a stamp still trusts. */
static int add_issuer_key(store *db, const char *kid, const char *current, long long now,
			  revoke_out *out, ar_err *e)
{
	store_stmt *st;
	int held;

	if (strcmp(kid, current) == 0)
		return ar_fail(e, AR_EINPUT, NULL, "issuer key %s is the current one: rotate first "
			       "(registrar rotate-issuer-key), then revoke it", kid);
	snprintf(out->what, sizeof out->what, "issuer key %s", kid);
	if (store_prepare(db, "SELECT 1 FROM revoked_issuer_keys WHERE kid = ?", &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, kid);
	held = store_step(st) == STORE_ROW;
	store_release(db, st);
	if (held)
		return AR_OK;
	if (store_prepare(db, "INSERT INTO revoked_issuer_keys (kid, revoked_at) VALUES (?, ?)",
			  &st, e) != AR_OK)
		return e->status;
	store_bind_text(st, 1, kid);
	store_bind_int64(st, 2, now);
	out->changed = 1;
	return store_exec_step(db, st, e);
}

/* Every revocation recorded, in a fixed order (so the same rows make the same claims). */
static json_t *claims_of(store *db, long long version, long long now, ar_err *e)
{
	json_t *keys = json_array(), *acts = json_array(), *c;
	store_stmt *st;

	if (store_prepare(db, "SELECT kid FROM revoked_issuer_keys ORDER BY revoked_at, kid", &st,
			  e) == AR_OK) {
		while (store_step(st) == STORE_ROW)
			json_array_append_new(keys, json_string((const char *)
								store_column_text(st, 0)));
		store_release(db, st);
	}
	if (store_prepare(db, "SELECT r.name, r.cloud_id, a.serials_up_to, a.revoked_at FROM "
			  "revoked_activations a JOIN registrations r ON r.id = a.registration_id "
			  "ORDER BY r.name", &st, e) == AR_OK) {
		while (store_step(st) == STORE_ROW)
			json_array_append_new(acts, json_pack("{s:s, s:s, s:I, s:I}", "registration",
				store_column_text(st, 0), "cloudId",
				store_column_text(st, 1), "serialsUpTo",
				(json_int_t)store_column_int64(st, 2), "revokedAt",
				(json_int_t)store_column_int64(st, 3)));
		store_release(db, st);
	}
	c = json_pack("{s:I, s:I, s:o, s:o}", "version", (json_int_t)version, "issuedAt",
		      (json_int_t)now, "issuerKeys", keys, "activations", acts);
	if (!c)
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return c;
}

static int sign_list(store *db, const ar_signer *signer, const char *kid, long long now,
		     const char *registration, revoke_out *out, ar_err *e)
{
	char sha[AR_SHA256_HEX_CHARS + 1], detail[400];
	json_t *claims = claims_of(db, out->version + 1, now, e);
	store_stmt *st;
	char *text = NULL;
	int rc = claims ? registrar_issuer_not_replaced(db, signer->pk, e) : e->status;

	if (rc == AR_OK)
		rc = ar_revocation_encode(claims, signer, &text, e);

	json_decref(claims);
	if (rc != AR_OK)
		return rc;
	free(out->text);
	out->text = text;
	out->version++;
	ar_sha256_hex((const uint8_t *)text, strlen(text), sha);
	if (store_prepare(db, "INSERT INTO revocation_lists (version, issuer_kid, sha256, text, "
			  "created_at) VALUES (?, ?, ?, ?, ?)", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, out->version);
	store_bind_text(st, 2, kid);
	store_bind_text(st, 3, sha);
	store_bind_text(st, 4, text);
	store_bind_int64(st, 5, now);
	if (store_exec_step(db, st, e) != AR_OK)
		return e->status;
	snprintf(detail, sizeof detail, "%s, revocation list version %lld, sha256 %s", out->what,
		 out->version, sha);
	return store_audit(db, "revoke", registration, detail, e);
}

/* The revocation asked for, and a new list when it is new; else the latest as it is. */
static int revoke_in(store *db, const registrar_opts *o, const registrar_issuer *iss,
		     revoke_out *out, ar_err *e)
{
	const ar_signer *signer = iss ? registrar_issuer_signer(iss) : NULL;
	char kid[AR_THUMBPRINT_CHARS + 1] = "";
	int rc = latest(db, out, e);

	if (signer)
		ar_jwk_thumbprint(signer->pk, kid);
	if (rc == AR_OK && o->name)
		rc = add_activation(db, o->name, o->now, out, e);
	if (rc == AR_OK && o->issuer_key)
		rc = add_issuer_key(db, o->issuer_key, kid, o->now, out, e);
	if (rc == AR_OK && out->changed)
		rc = sign_list(db, signer, kid, o->now, o->name, out, e);
	if (rc == AR_OK && !out->text)
		rc = ar_fail(e, AR_EINPUT, NULL, "no revocation list yet (registrar revoke --name "
			     "NAME or --issuer-key KID makes the first)");
	return rc;
}

static int write_list(const registrar_opts *o, const revoke_out *out, ar_err *e)
{
	FILE *report = ar_qr_status_stream(o->output, NULL);
	const char *name = ar_output_name(o->output);
	size_t len = strlen(out->text);

	if (o->name || o->issuer_key)
		fprintf(report, out->changed ? PROGRAM ": revoked %s (revocation list version "
			"%lld)\n" : PROGRAM ": %s: already revoked, nothing changed (revocation list "
			"version %lld)\n", out->what, out->version);
	if (ar_write_output(o->output, out->text, len, 0, e) != AR_OK)
		return e->status;
	fprintf(report, PROGRAM ": wrote %s: revocation list version %lld, %zu bytes; carry it to "
		"every stamp (key-import trust update %s)\n", ar_text_shown(name), out->version,
		len, AR_REVOCATION_LIST_FILE);
	ar_report_sha256(report, out->text, len, name);
	return AR_OK;
}

int cmd_revoke_run(const registrar_opts *o, ar_err *e)
{
	registrar_issuer *iss = NULL;
	revoke_out out = { 0 };
	store *db = NULL;
	int rc;

	if (!o->output)
		return ar_fail(e, AR_EUSAGE, NULL, "revoke needs -o FILE|- (with --name NAME or "
			       "--issuer-key KID to add a revocation)");
	if (o->name && o->issuer_key)
		return ar_fail(e, AR_EUSAGE, NULL, "revoke takes --name or --issuer-key, not both");
	if (o->issuer_key && !ar_kid_ok(o->issuer_key))
		return ar_fail(e, AR_EUSAGE, NULL, "--issuer-key takes a key's kid (%d base64url "
			       "characters, as registrar init printed it)", AR_THUMBPRINT_CHARS);
	/* refused before anything is recorded: the list would be signed and not written */
	if (ar_check_output(o->output, e) != AR_OK)
		return e->status;
	if (!o->force && !ar_is_stdio(o->output) && ar_file_exists(o->output))
		return ar_fail(e, AR_EENV, o->output, "file exists (use --force to replace it)");
	rc = store_open(registrar_data_dir(o), 0, &db, e);
	/* the key signs only a new list: -o alone writes the one signed before */
	if (rc == AR_OK && (o->name || o->issuer_key))
		rc = registrar_issuer_open(o, &iss, e);
	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK)
		rc = store_end(db, revoke_in(db, o, iss, &out, e), e);
	if (rc == AR_OK)
		rc = write_list(o, &out, e);
	free(out.text);
	registrar_issuer_close(iss);
	return store_close(db, rc, e);
}
