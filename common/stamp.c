/* SPDX-License-Identifier: Apache-2.0 */
#include "stamp.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "reach.h"

const char *ar_stamp_dir(const char *option)
{
	return ar_choose_dir(option, AR_STATE_DIR_ENV, AR_STATE_DIR_DEFAULT);
}

/* The CloudId file is read as state (never through a link, a regular file only). */
static int read_cloud_id(const char *path, char out[37], ar_err *e)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = ar_read_state_file(path, AR_CLOUD_ID_MAX_BYTES, &data, &len, e);

	/* empty, binary or anything else: the same line, the same remedy */
	if (rc == AR_OK && (ar_compact_text(data, &len, path, e) != AR_OK ||
			    ar_uuid_normalize((char *)data, out) != 0))
		rc = ar_fail(e, AR_EENV, path, "stamp CloudId file does not hold a UUID");
	free(data);
	return rc;
}

/* The identity's three files, as lstat() sees them: each absent, or a regular file of
 * its own. A link or a directory there is refused, never followed: a CloudId read
 * through a link would be another stamp's. */
typedef struct {
	char key[4096], pub[4096], id[4096];
	int has_key, has_pub, has_id;
} identity_files;

static int look_at(const char *path, int *present, ar_err *e)
{
	struct stat st;

	*present = 0;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? AR_OK : ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_READ);
	*present = 1;
	if (!S_ISREG(st.st_mode))
		return ar_fail(e, AR_EENV, path, "is %s, not a regular file: a stamp identity's "
			       "files are its own (restore it from a backup)", ar_file_kind(st.st_mode));
	return AR_OK;
}

static int survey(const char *dir, identity_files *f, ar_err *e)
{
	if (ar_join_path(f->key, sizeof f->key, dir, AR_STAMP_KEY_FILE, e) != AR_OK ||
	    ar_join_path(f->pub, sizeof f->pub, dir, AR_STAMP_PUB_FILE, e) != AR_OK ||
	    ar_join_path(f->id, sizeof f->id, dir, AR_CLOUD_ID_FILE, e) != AR_OK ||
	    look_at(f->id, &f->has_id, e) != AR_OK || look_at(f->key, &f->has_key, e) != AR_OK ||
	    look_at(f->pub, &f->has_pub, e) != AR_OK)
		return e->status;
	return AR_OK;
}

/* Whether dir is there (followed: a link to the state directory is its owner's choice). */
static int dir_present(const char *dir, int *present, ar_err *e)
{
	struct stat st;

	*present = 0;
	if (stat(dir, &st) != 0)
		return errno == ENOENT ? AR_OK : ar_fail_reach(e, AR_EENV, dir, errno, AR_REACH_READ);
	*present = 1;
	if (!S_ISDIR(st.st_mode))
		return ar_fail(e, AR_EENV, dir, "is %s, not a directory (check --state-dir and $%s)",
			       ar_file_kind(st.st_mode), AR_STATE_DIR_ENV);
	return AR_OK;
}

/* A complete identity: cloud-id holding a UUID, stamp.pub, and with need_key stamp.key.
 * A key without its CloudId is never taken for no identity: init would replace it. */
static int check_identity(const char *dir, int need_key, identity_files *f, char cloud_id[37],
			  ar_err *e)
{
	int present = 0;

	if (dir_present(dir, &present, e) != AR_OK)
		return e->status;
	/* most often a typo: advising init there would make a second stamp */
	if (!present)
		return ar_fail(e, AR_EENV, NULL, "no such directory %s: check --state-dir and $%s "
			       "(token-gen init --state-dir %s makes a new stamp there)", dir,
			       AR_STATE_DIR_ENV, dir);
	if (survey(dir, f, e) != AR_OK)
		return e->status;
	if (!f->has_id && (f->has_key || f->has_pub))
		return ar_fail(e, AR_EENV, f->has_key ? f->key : f->pub, "a stamp %s without its "
			       "CloudId (an interrupted init, or cloud-id lost): restore cloud-id "
			       "from a backup, or move %s and %s away to make a new stamp",
			       f->has_key ? "key" : "public key", AR_STAMP_KEY_FILE, AR_STAMP_PUB_FILE);
	if (!f->has_id)
		return ar_fail(e, AR_EENV, NULL, "no stamp identity in %s (run token-gen init)", dir);
	if (read_cloud_id(f->id, cloud_id, e) != AR_OK)
		return e->status;
	if (!f->has_pub || (need_key && !f->has_key))
		return ar_fail(e, AR_EENV, f->has_pub ? f->key : f->pub, "missing beside %s: the "
			       "stamp identity is incomplete (restore it from a backup)",
			       AR_CLOUD_ID_FILE);
	return AR_OK;
}

/* Key first, CloudId last: a CloudId on disk means the identity is complete. Called
 * under the lock with none of the three files there: nothing is replaced. */
static int create_identity(const identity_files *f, const char *cloud_id_option,
			   ar_stamp *out, ar_err *e)
{
	char line[40];
	/* absent now, under the lock: whatever is there after a failure is this call's (a
	 * write can fail after its link, at the directory's fsync) */
	int rc, ours_key = !ar_file_exists(f->key), ours_pub = !ar_file_exists(f->pub);

	if (cloud_id_option)
		ar_uuid_normalize(cloud_id_option, out->cloud_id);
	else
		ar_uuid_random(out->cloud_id);
	snprintf(line, sizeof line, "%s\n", out->cloud_id);
	rc = ar_keypair_generate(&out->key, e);
	if (rc == AR_OK)
		rc = ar_key_save_private(f->key, &out->key, 0, e);
	if (rc == AR_OK)
		rc = ar_key_save_public(f->pub, out->key.pk, 0, e);
	if (rc == AR_OK)
		rc = ar_write_output(f->id, line, strlen(line), AR_WRITE_STATE | AR_WRITE_NO_CLOBBER,
				     e);
	/* A failed init takes back the key it made (only what this call wrote), which never
	 * signed anything, so that the next init may run; a key left alone by a crash is
	 * refused by the next, never replaced. */
	if (rc != AR_OK && !ar_file_exists(f->id)) {
		if (ours_key)
			unlink(f->key);
		if (ours_pub)
			unlink(f->pub);
	}
	return rc;
}

int ar_stamp_require(const char *dir, int need_key, ar_err *e)
{
	identity_files f;
	char cloud_id[37];

	return check_identity(dir, need_key, &f, cloud_id, e);
}

static int finish_open(ar_stamp *out, int lock, int rc)
{
	ar_unlock(lock);
	if (rc != AR_OK) {
		ar_stamp_close(out);
		return rc;
	}
	ar_jwk_thumbprint(out->key.pk, out->kid);
	return AR_OK;
}

/* AR_OK when init may make an identity in dir: none of its files there (nor the
 * directory). Anything of one there is refused: a complete one by its CloudId, a part
 * by check_identity()'s line (a private key is never replaced). */
static int init_allowed(const char *dir, identity_files *f, char cloud_id[37], ar_err *e)
{
	int present = 0;

	if (dir_present(dir, &present, e) != AR_OK || !present)
		return present ? e->status : AR_OK;
	if (survey(dir, f, e) != AR_OK)
		return e->status;
	if (!f->has_id && !f->has_key && !f->has_pub)
		return AR_OK;
	if (check_identity(dir, 1, f, cloud_id, e) != AR_OK)
		return e->status;
	/* Replacing it would leave its registration (and every key issued for it) to a stamp
	 * that no longer exists: there is no --force; a new stamp is a new state directory. */
	return ar_fail(e, AR_EENV, dir, "stamp identity already made: CloudId %s (never "
		       "replaced; to start a new stamp, give another --state-dir)", cloud_id);
}

int ar_stamp_init(const char *dir, const char *cloud_id_option, ar_stamp *out, ar_err *e)
{
	identity_files f;
	char wanted[37];
	int lock = -1, rc;

	memset(out, 0, sizeof *out);
	if (cloud_id_option && ar_uuid_normalize(cloud_id_option, wanted) != 0)
		return ar_fail(e, AR_EUSAGE, NULL, "--cloud-id \"%s\" is not a UUID", cloud_id_option);
	/* looked at first without the lock, so that a refusal makes nothing (not .lock) */
	if (init_allowed(dir, &f, out->cloud_id, e) != AR_OK)
		return e->status;
	if (ar_prepare_private_dir(dir, 1, e) != AR_OK)
		return ar_fail_elsewhere(e, "token-gen init", "--state-dir", AR_STATE_DIR_ENV);
	if (ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	rc = init_allowed(dir, &f, out->cloud_id, e); /* again: another init may have run */
	if (rc == AR_OK)
		rc = create_identity(&f, cloud_id_option, out, e);
	return finish_open(out, lock, rc);
}

int ar_stamp_open(const char *dir, ar_stamp *out, ar_err *e)
{
	identity_files f;
	int lock = -1, rc;

	memset(out, 0, sizeof *out);
	if (check_identity(dir, 1, &f, out->cloud_id, e) != AR_OK ||
	    ar_prepare_private_dir(dir, 0, e) != AR_OK || ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	rc = read_cloud_id(f.id, out->cloud_id, e);
	if (rc == AR_OK)
		rc = ar_key_load_private(f.key, &out->key, e);
	return finish_open(out, lock, rc);
}

void ar_stamp_close(ar_stamp *stamp)
{
	ar_keypair_free(&stamp->key);
}

int ar_stamp_load_public(const char *dir, uint8_t pk[AR_ED25519_PK_BYTES], char cloud_id[37],
			 ar_err *e)
{
	identity_files f;

	if (check_identity(dir, 0, &f, cloud_id, e) != AR_OK ||
	    ar_prepare_private_dir(dir, 0, e) != AR_OK)
		return e->status;
	if (ar_key_load_public(f.pub, pk, e) != AR_OK)
		return ar_fail(e, AR_EENV, f.pub, "%s", e->msg);
	return AR_OK;
}

int ar_stamp_output_outside(const char *dir, const char *path, ar_err *e)
{
	char parent[PATH_MAX], real_dir[PATH_MAX], real_state[PATH_MAX];
	size_t n;

	if (!path || ar_is_stdio(path) || strlen(path) >= sizeof parent)
		return AR_OK;
	strcpy(parent, path);
	/* the directory it lands in, resolved: a link to the state directory is that directory */
	if (!realpath(dirname(parent), real_dir) || !realpath(dir, real_state))
		return AR_OK; /* a missing directory is refused where it is written, or opened */
	n = strlen(real_state);
	if (strncmp(real_dir, real_state, n) == 0 &&
	    (real_dir[n] == '\0' || real_dir[n] == '/' || n == 1))
		return ar_fail(e, AR_EUSAGE, path, "is in the stamp's state directory %s: write it "
			       "elsewhere (nothing changed)", real_state);
	return AR_OK;
}
