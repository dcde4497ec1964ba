/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar rotate-issuer-key` (issue 19, part 2; export --chain is rotate_chain.c). A
 * rotation's commit point is the database row of the new key (with its statement); the key
 * files are staged beside their places first and renamed in after, so a rotation stopped at
 * any point either never happened (stale staged files, removed by the next rotation) or is
 * finished by the next registrar_issuer_open(). */
#include "rotate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ar_limits.h"
#include "datadir.h"
#include "fileio.h"
#include "issuer.h"
#include "keys.h"
#include "rotation.h"
#include "store.h"
#include "text.h"

/* What a rotation stages: the key (a file, or a token's name) and its public half. */
static const char *const staged[] = { AR_ISSUER_KEY_FILE, AR_ISSUER_PKCS11_FILE,
				      AR_ISSUER_PUB_FILE };

static int path_of(const char *dir, const char *name, const char *suffix, char *out,
		   size_t cap, ar_err *e)
{
	int n = snprintf(out, cap, "%s/%s%s", dir, name, suffix);

	return (n < 0 || (size_t)n >= cap) ? ar_fail(e, AR_EUSAGE, dir, "path too long") : AR_OK;
}

/* A token's URI may name a key already there (generate then takes it): a rotation onto the
 * current key, or back to a former one, would make a statement no stamp takes (or a second
 * row for one kid); refused by name before anything is staged. */
static int refuse_known_key(store *db, const uint8_t pk[AR_ED25519_PK_BYTES],
			    const char *current, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1];
	long long version = 0;

	ar_jwk_thumbprint(pk, kid);
	if (strcmp(kid, current) == 0)
		return ar_fail(e, AR_EUSAGE, "--pkcs11", "the token key the URI names is the "
			       "current issuer key (kid %s): a rotation needs a new key (name a new "
			       "object= label)", kid);
	if (registrar_issuer_version(db, kid, &version, e) != AR_OK)
		return e->status;
	if (version)
		return ar_fail(e, AR_EUSAGE, "--pkcs11", "the token key the URI names was issuer "
			       "key version %lld (kid %s): a rotation needs a new key (name a new "
			       "object= label)", version, kid);
	return AR_OK;
}

static int insert_key(store *db, long long version, const uint8_t pk[AR_ED25519_PK_BYTES],
		      const char *statement, long long now, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1], *pem = ar_key_public_pem(pk);
	store_stmt *st = NULL;
	int rc;

	if (!pem)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	ar_jwk_thumbprint(pk, kid);
	rc = store_prepare(db, "INSERT INTO issuer_keys (version, kid, public_key, statement, "
			   "created_at) VALUES (?1, ?2, ?3, ?4, ?5)", &st, e);
	if (rc == AR_OK) {
		store_bind_int64(st, 1, version);
		store_bind_text(st, 2, kid);
		store_bind_text(st, 3, pem);
		if (statement)
			store_bind_text(st, 4, statement);
		else
			store_bind_null(st, 4);
		store_bind_int64(st, 5, now);
		rc = store_exec_step(db, st, e);
		store_release(db, st);
	}
	free(pem);
	return rc;
}

/* rename, or unlink with to NULL; a file already gone is what a finished step leaves */
static int move(const char *from, const char *to, ar_err *e)
{
	if (to && rename(from, to) != 0 && errno != ENOENT)
		return ar_fail(e, AR_EENV, from, "cannot rename into place: %s", strerror(errno));
	if (!to && unlink(from) != 0 && errno != ENOENT)
		return ar_fail(e, AR_EENV, from, "cannot remove: %s", strerror(errno));
	return AR_OK;
}

/* The key first (the other kind removed before, so a stop between leaves the staged key to
 * finish with), the public key last: issuer.pub.new is the mark of a rotation to finish. */
static int rename_staged(const char *dir, ar_err *e)
{
	char from[4200], to[4200], other[4200];
	size_t i;

	for (i = 0; i < 3; i++) {
		if (path_of(dir, staged[i], AR_ROTATION_STAGE_SUFFIX, from, sizeof from, e) != AR_OK ||
		    path_of(dir, staged[i], "", to, sizeof to, e) != AR_OK ||
		    path_of(dir, staged[i == 0 ? 1 : 0], "", other, sizeof other, e) != AR_OK)
			return e->status;
		if (!ar_file_exists(from))
			continue;
		if ((i < 2 && move(other, NULL, e) != AR_OK) || move(from, to, e) != AR_OK)
			return e->status;
	}
	/* the renames reach the disk before anything signs with the new key (to: a file of dir) */
	if (ar_sync_dir(to) != 0)
		return ar_fail(e, AR_EENV, dir, "cannot sync: %s", strerror(errno));
	return AR_OK;
}

static int remove_staged(const char *dir, ar_err *e)
{
	char path[4200];
	size_t i;

	for (i = 0; i < 3; i++)
		if (path_of(dir, staged[i], AR_ROTATION_STAGE_SUFFIX, path, sizeof path, e) != AR_OK ||
		    move(path, NULL, e) != AR_OK)
			return e->status;
	return AR_OK;
}

int registrar_rotation_finish(const char *dir, ar_err *e)
{
	char pub[4200], kid[AR_THUMBPRINT_CHARS + 1], last[AR_THUMBPRINT_CHARS + 1];
	uint8_t pk[AR_ED25519_PK_BYTES];
	long long version = 0;
	store *db = NULL;
	int rc;

	int exists = 0;

	if (path_of(dir, AR_ISSUER_PUB_FILE, AR_ROTATION_STAGE_SUFFIX, pub, sizeof pub, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(pub))
		return AR_OK;
	/* the database may be elsewhere (--database, PostgreSQL) */
	if (store_exists(dir, &exists, e) != AR_OK)
		return e->status;
	if (!exists)
		return AR_OK;
	/* a staged key that cannot be read is damaged state, not a rotation to skip */
	if (ar_key_load_public(pub, pk, e) != AR_OK)
		return ar_fail(e, AR_EENV, pub, "%s", e->msg);
	rc = store_open(dir, 0, &db, e);
	if (rc == AR_OK)
		rc = registrar_issuer_last(db, &version, last, e);
	rc = store_close(db, rc, e);
	ar_jwk_thumbprint(pk, kid);
	/* not the database's last key: a rotation that never committed; the key it was
	 * making was never given to anyone */
	if (rc != AR_OK || strcmp(kid, last) != 0)
		return rc;
	return rename_staged(dir, e);
}

static int rotate_in(store *db, const registrar_opts *o, const registrar_issuer *old,
		     registrar_issuer **fresh, char **statement, long long *version, ar_err *e)
{
	const ar_signer *s = registrar_issuer_signer(old);
	char kid[AR_THUMBPRINT_CHARS + 1], last[AR_THUMBPRINT_CHARS + 1], detail[160];
	const char *dir = registrar_data_dir(o);
	int rc = registrar_issuer_last(db, version, last, e);

	ar_jwk_thumbprint(s->pk, kid);
	/* version 1 is the key init made: recorded at the first rotation */
	if (rc == AR_OK && *version == 0) {
		rc = insert_key(db, 1, s->pk, NULL, o->now, e);
		snprintf(last, sizeof last, "%s", kid);
		*version = 1;
	}
	if (rc == AR_OK && strcmp(last, kid) != 0)
		rc = ar_fail(e, AR_EENV, dir, "the issuer key (kid %s) is not the last one the "
			     "database holds (version %lld, kid %s): init --force replaced it; "
			     "stamps must trust this key by hand (key-import trust add)", kid,
			     *version, last);
	if (rc == AR_OK)
		rc = registrar_issuer_generate(o->pkcs11, fresh, e);
	if (rc == AR_OK)
		rc = refuse_known_key(db, registrar_issuer_signer(*fresh)->pk, kid, e);
	if (rc == AR_OK)
		rc = ar_rotation_build(*version + 1, o->now, s, registrar_issuer_signer(*fresh),
				       statement, e);
	if (rc == AR_OK)
		rc = registrar_issuer_save(*fresh, dir, AR_ROTATION_STAGE_SUFFIX, 0, e);
	if (rc == AR_OK)
		rc = insert_key(db, ++*version, registrar_issuer_signer(*fresh)->pk, *statement,
				o->now, e);
	if (rc == AR_OK) {
		ar_jwk_thumbprint(registrar_issuer_signer(*fresh)->pk, last);
		snprintf(detail, sizeof detail, "version %lld, kid %s (was %s)", *version, last,
			 kid);
		rc = store_audit(db, "rotate-issuer-key", NULL, detail, e);
	}
	return rc;
}

static int report(const registrar_opts *o, const char *statement, long long version,
		  const registrar_issuer *old, const registrar_issuer *fresh, ar_err *e)
{
	char kid[AR_THUMBPRINT_CHARS + 1], was[AR_THUMBPRINT_CHARS + 1], *text;
	FILE *out = ar_report_stream(o->output);
	size_t len = strlen(statement);
	int rc;

	ar_jwk_thumbprint(registrar_issuer_signer(fresh)->pk, kid);
	ar_jwk_thumbprint(registrar_issuer_signer(old)->pk, was);
	fprintf(out, PROGRAM ": rotated the issuer key: version %lld, kid %s (was %s)\n",
		version, kid, was);
	if (!(text = malloc(len + 2)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	memcpy(text, statement, len);
	memcpy(text + len, "\n", 2);
	rc = ar_write_output(o->output, text, len + 1, o->force ? 0 : AR_WRITE_NO_CLOBBER, e);
	/* the rotation stands: the statement is in the database for export --chain */
	if (rc != AR_OK)
		rc = ar_fail(e, AR_EENV, e->where, "%s; the rotation is done: registrar "
			     "export-issuer-key --chain -o FILE writes its statement", e->msg);
	if (rc == AR_OK) {
		fprintf(out, PROGRAM ": wrote %s: rotation statement version %lld\n",
			ar_text_shown(ar_output_name(o->output)), version);
		ar_report_sha256(out, text, len + 1, ar_output_name(o->output));
	}
	free(text);
	return rc;
}

int cmd_rotate_issuer_key_run(const registrar_opts *o, ar_err *e)
{
	const char *dir = registrar_data_dir(o);
	registrar_issuer *old = NULL, *fresh = NULL;
	char *statement = NULL;
	long long version = 0;
	store *db = NULL;
	int lock = -1, rc, committed = 0;
	ar_err ignored;

	if (!o->output)
		return ar_fail(e, AR_EUSAGE, NULL, "rotate-issuer-key needs -o FILE|- (the "
			       "statement every stamp needs)");
	/* refused before anything changes: a rotation is not undone for a file in the way */
	if (!o->force && !ar_is_stdio(o->output) && ar_file_exists(o->output))
		return ar_fail(e, AR_EENV, o->output, "file exists (use --force to replace it)");
	if (store_require(dir, e) != AR_OK || ar_prepare_private_dir(dir, 0, e) != AR_OK ||
	    ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	rc = registrar_issuer_open(o, &old, e);
	if (rc == AR_OK)
		rc = remove_staged(dir, e);
	if (rc == AR_OK)
		rc = store_open(dir, 0, &db, e);
	if (rc == AR_OK && (rc = store_begin(db, e)) == AR_OK) {
		rc = rotate_in(db, o, old, &fresh, &statement, &version, e);
		rc = store_end(db, rc, e);
		committed = rc == AR_OK;
	}
	rc = store_close(db, rc, e);
	if (committed && rc == AR_OK)
		rc = rename_staged(dir, e);
	else if (!committed && fresh)
		remove_staged(dir, &ignored); /* the refusal already said what failed */
	if (rc == AR_OK)
		rc = report(o, statement, version, old, fresh, e);
	free(statement);
	registrar_issuer_close(fresh);
	registrar_issuer_close(old);
	ar_unlock(lock);
	return rc;
}
