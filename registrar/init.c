/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar init` and `registrar export-issuer-key`: the issuer's key pair and database. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apikey.h"
#include "ar_limits.h"
#include "commands.h"
#include "datadir.h"
#include "fileio.h"
#include "issuer.h"
#include "reach.h"
#include "keys.h"
#include "qr.h"
#include "registry.h"
#include "rotate.h"
#include "store.h"
#include "text.h"

/* The issuer key: kept when an interrupted init left one (stamps may trust it
 * already), new when there is none or --force asks for one: in secure memory, or found or
 * made in the token --pkcs11 names. Either way issuer.pub is (re)written from it, and only
 * one kind of key file stays: --force from a file key to a token removes issuer.key. */
static int issuer_key(const registrar_opts *o, const char *dir, const char *pub_path,
		      registrar_issuer **iss, ar_err *e)
{
	char key[4096], p11[4096];
	int has_key, has_p11;
	const char *other;

	if (ar_join_path(key, sizeof key, dir, AR_ISSUER_KEY_FILE, e) != AR_OK ||
	    ar_join_path(p11, sizeof p11, dir, AR_ISSUER_PKCS11_FILE, e) != AR_OK)
		return e->status;
	has_key = ar_file_exists(key);
	has_p11 = ar_file_exists(p11);
	other = o->pkcs11 ? key : p11;
	if ((has_key || has_p11) && !o->force) {
		if (o->pkcs11 ? has_key : has_p11)
			return ar_fail(e, AR_EENV, other, "an interrupted init left an issuer key of "
				       "the other kind here (--force replaces it)");
		if (registrar_issuer_open_in(dir, 0, iss, e) != AR_OK)
			return e->status;
		return ar_key_save_public(pub_path, registrar_issuer_signer(*iss)->pk, 1, e);
	}
	if (registrar_issuer_generate(o->pkcs11, iss, e) != AR_OK ||
	    registrar_issuer_save(*iss, dir, "", 1, e) != AR_OK)
		return e->status;
	if ((o->pkcs11 ? has_key : has_p11) && unlink(other) != 0 && errno != ENOENT)
		return ar_fail(e, AR_EENV, other, "cannot remove: %s", strerror(errno));
	return AR_OK;
}

/* init --host-match: the registrar's default policy, with the init's own audit row. */
static int init_settings(store *db, const void *host_match, ar_err *e)
{
	return host_match ? registrar_setting_set(db, REGISTRAR_SETTING_HOST_MATCH, host_match,
						  " at init", e)
			  : AR_OK;
}

/* An init --force over a database that exists: the audit says so. Settings not given
 * are kept. */
static int audit_reinit(const char *dir, const char *kid, const char *host_match, ar_err *e)
{
	store *db = NULL;
	int rc = store_open(dir, 0, &db, e);

	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK) {
		rc = store_audit(db, "init", NULL, kid, e);
		if (rc == AR_OK)
			rc = init_settings(db, host_match, e);
		rc = store_end(db, rc, e);
	}
	rc = store_close(db, rc, e);
	return rc;
}

/* init --database elsewhere than a registrar.db that holds this issuer's registrations
 * would start an empty one beside it: serials from 1 again, names free again. */
static int elsewhere_refused(const char *dir, ar_err *e)
{
	char here[4096], target[4096], recorded[4096];
	int url = 0, present = 0;

	if (ar_join_path(here, sizeof here, dir, AR_DATABASE_FILE, e) != AR_OK ||
	    store_target(dir, target, sizeof target, &url, e) != AR_OK)
		return e->status;
	if (strcmp(here, target) != 0 && ar_file_exists(here))
		return ar_fail(e, AR_EENV, here, "this data directory's registrations are here: "
			       "init does not move them to another database (docs/scaling.md)");
	/* nor from the database an earlier init recorded to another one */
	if (store_recorded_target(dir, recorded, sizeof recorded, &present, e) != AR_OK)
		return e->status;
	if (present && strcmp(recorded, target) != 0)
		return ar_fail(e, AR_EENV, dir, "this data directory's database is %s (%s): init "
			       "does not move it to another database (docs/scaling.md)", recorded,
			       AR_DATABASE_URL_FILE);
	return AR_OK;
}

/* A refused init takes back each file it made (the record, a new key, a new secret);
 * what was there before it stays (an interrupted init's key: stamps may trust it). A
 * token's own key object stays in the token. */
typedef struct {
	char path[5][4096];
	int had[5];
} init_files;

static int files_before(const char *dir, init_files *f, ar_err *e)
{
	static const char *const names[] = { AR_DATABASE_URL_FILE, AR_ISSUER_PUB_FILE,
					     AR_API_SECRET_FILE, AR_ISSUER_KEY_FILE,
					     AR_ISSUER_PKCS11_FILE };
	size_t i;

	for (i = 0; i < 5; i++) {
		if (ar_join_path(f->path[i], sizeof f->path[i], dir, names[i], e) != AR_OK)
			return e->status;
		f->had[i] = ar_file_exists(f->path[i]);
	}
	return AR_OK;
}

static void take_back(const init_files *f)
{
	size_t i;

	for (i = 0; i < 5; i++)
		if (!f->had[i])
			unlink(f->path[i]);
}

/* A database another data directory made (several servers on one PostgreSQL database)
 * is told from this directory's own: a second server is a copy, never an init. */
static int already(const char *dir, ar_err *e)
{
	char key[4096], p11[4096];

	if (ar_join_path(key, sizeof key, dir, AR_ISSUER_KEY_FILE, e) != AR_OK ||
	    ar_join_path(p11, sizeof p11, dir, AR_ISSUER_PKCS11_FILE, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(key) && !ar_file_exists(p11))
		return ar_fail(e, AR_EENV, dir, "the database holds a registrar that another data "
			       "directory made: a second server takes a copy of that directory, "
			       "never an init (docs/scaling.md)");
	return ar_fail(e, AR_EENV, dir, "registrar already initialised (--force makes a new "
		       "issuer key; every stamp must then trust the new one)");
}

/* The database is the commit point: it appears whole, last. */
int cmd_init_run(const registrar_opts *o, ar_err *e)
{
	const char *dir = registrar_data_dir(o);
	char pub_path[4096], kid[AR_THUMBPRINT_CHARS + 1];
	char secret_path[4096], hex[AR_SHA256_HEX_CHARS + 1];
	uint8_t pk[AR_ED25519_PK_BYTES];
	registrar_issuer *iss = NULL;
	init_files made;
	int lock = -1, rc, exists = 0;

	if (o->host_match && registrar_host_match_check(o->host_match, "--host-match", e) != AR_OK)
		return e->status;
	if (o->pkcs11 && registrar_issuer_check_uri(o->pkcs11, e) != AR_OK)
		return e->status;
	if (ar_join_path(pub_path, sizeof pub_path, dir, AR_ISSUER_PUB_FILE, e) != AR_OK ||
	    ar_join_path(secret_path, sizeof secret_path, dir, AR_API_SECRET_FILE, e) != AR_OK)
		return e->status;
	if (ar_prepare_private_dir(dir, 1, e) != AR_OK)
		return ar_fail_elsewhere(e, "registrar init", "--data-dir", AR_DATA_DIR_ENV);
	if (ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	rc = files_before(dir, &made, e);
	if (rc == AR_OK)
		rc = elsewhere_refused(dir, e);
	if (rc == AR_OK)
		rc = store_exists(dir, &exists, e);
	if (rc == AR_OK && exists && !o->force)
		rc = already(dir, e);
	/* the URL before anything else: an init stopped after it is run again, and finds its
	 * database (a refused one records nothing) */
	if (rc == AR_OK)
		rc = store_record_target(dir, e);
	if (rc == AR_OK)
		rc = issuer_key(o, dir, pub_path, &iss, e);
	/* The API's secret: kept when there is one (clients may hold it already). */
	if (rc == AR_OK && !ar_file_exists(secret_path))
		rc = apikey_write(dir, 0, e);
	if (rc == AR_OK) {
		ar_jwk_thumbprint(registrar_issuer_signer(iss)->pk, kid);
		rc = exists ? audit_reinit(dir, kid, o->host_match, e)
			    : store_create(dir, kid, init_settings, o->host_match, e);
	}
	/* Read back as a stamp will read it: the kid and the SHA-256 of the file on disk are
	 * what `key-import trust add` prints on the other side of the gap. */
	if (rc == AR_OK)
		rc = ar_key_load_public_sha256(pub_path, pk, hex, e);
	if (rc == AR_OK) {
		printf(PROGRAM ": initialised %s: issuer public key %s, kid %s\n", ar_text_shown(dir),
		       AR_ISSUER_PUB_FILE, kid);
		ar_report_sha256_hex(stdout, hex, pub_path);
		if (registrar_issuer_is_token(iss))
			printf(PROGRAM ": the issuer key is in the token: %s names it\n",
			       AR_ISSUER_PKCS11_FILE);
		if (o->host_match)
			printf(PROGRAM ": default host-match %s\n", o->host_match);
	}
	/* over a database there (--force) the key is replaced already: nothing to take back */
	if (rc != AR_OK && !exists)
		take_back(&made);
	registrar_issuer_close(iss);
	ar_unlock(lock);
	return rc;
}

/* -o and --qr carry the same bytes, issuer.pub's PEM as it is, so that a scan saved to
 * a file is issuer.pub again and `key-import trust add` takes it. */
int cmd_export_issuer_key_run(const registrar_opts *o, ar_err *e)
{
	const char *dir = registrar_data_dir(o);
	char pub_path[4096], kid[AR_THUMBPRINT_CHARS + 1], what[128];
	uint8_t pk[AR_ED25519_PK_BYTES];
	FILE *report = ar_qr_status_stream(o->output, o->qr);
	char *pem;
	int rc = AR_OK, present = 0;

	if (o->chain)
		return registrar_export_chain(o, e);
	if (!o->output && !o->qr)
		return ar_fail(e, AR_EUSAGE, NULL, "export-issuer-key needs -o FILE|- or "
			       "--qr FILE.png|-");
	if (ar_qr_check_outputs(o->output, o->qr, e) != AR_OK)
		return e->status;
	if (ar_join_path(pub_path, sizeof pub_path, dir, AR_ISSUER_PUB_FILE, e) != AR_OK)
		return e->status;
	if (store_require_dir(dir, e) != AR_OK || ar_path_present(pub_path, &present, e) != AR_OK)
		return e->status;
	if (!present)
		return ar_fail(e, AR_EENV, pub_path, "no issuer key (run registrar init)");
	/* whoever may write there may swap the key that every stamp will trust */
	if (ar_prepare_private_dir(dir, 0, e) != AR_OK)
		return e->status;
	if (ar_key_load_public(pub_path, pk, e) != AR_OK)
		return e->status;
	pem = ar_key_public_pem(pk);
	if (!pem)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	ar_jwk_thumbprint(pk, kid);
	if (o->output)
		rc = ar_write_output(o->output, pem, strlen(pem),
				     o->force ? 0 : AR_WRITE_NO_CLOBBER, e);
	if (rc == AR_OK && o->output) {
		fprintf(report, PROGRAM ": wrote %s: issuer public key, kid %s\n",
			ar_text_shown(ar_output_name(o->output)), kid);
		ar_report_sha256(report, pem, strlen(pem), ar_output_name(o->output));
	}
	snprintf(what, sizeof what, "issuer public key, kid %s (%zu bytes)", kid, strlen(pem));
	if (rc == AR_OK && o->qr)
		rc = ar_qr_output(o->qr, pem, strlen(pem), PROGRAM, what, report, e);
	free(pem);
	return rc;
}
