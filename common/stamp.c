/* SPDX-License-Identifier: Apache-2.0 */
#include "stamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "codec.h"
#include "fileio.h"
#include "reach.h"

const char *ar_stamp_dir(const char *option)
{
	return ar_choose_dir(option, AR_STATE_DIR_ENV, AR_STATE_DIR_DEFAULT);
}

static int read_cloud_id(const char *path, char out[37], ar_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc = ar_read_compact_text(path, 128, &text, &len, e);

	if (rc != AR_OK)
		return rc == AR_EINPUT ? ar_fail(e, AR_EENV, path, "%s", e->msg) : rc;
	if (ar_uuid_normalize(text, out) != 0)
		rc = ar_fail(e, AR_EENV, path, "stamp CloudId file does not hold a UUID");
	free(text);
	return rc;
}

/* Key first, CloudId last: a CloudId on disk means the identity is complete. */
static int create_identity(const char *dir, const char *cloud_id_option, ar_stamp *out,
			   ar_err *e)
{
	char key_path[4096], pub_path[4096], id_path[4096], line[40];

	if (ar_join_path(key_path, sizeof key_path, dir, AR_STAMP_KEY_FILE, e) != AR_OK ||
	    ar_join_path(pub_path, sizeof pub_path, dir, AR_STAMP_PUB_FILE, e) != AR_OK ||
	    ar_join_path(id_path, sizeof id_path, dir, AR_CLOUD_ID_FILE, e) != AR_OK)
		return e->status;
	if (cloud_id_option)
		ar_uuid_normalize(cloud_id_option, out->cloud_id);
	else
		ar_uuid_random(out->cloud_id);
	if (ar_keypair_generate(&out->key, e) != AR_OK)
		return e->status;
	/* A key without a CloudId is the trace of an interrupted first run: it
	 * never signed anything that left, so it is replaced. */
	if (ar_key_save_private(key_path, &out->key, 1, e) != AR_OK ||
	    ar_key_save_public(pub_path, out->key.pk, 1, e) != AR_OK)
		return e->status;
	snprintf(line, sizeof line, "%s\n", out->cloud_id);
	return ar_write_output(id_path, line, strlen(line), AR_WRITE_STATE | AR_WRITE_NO_CLOBBER,
			       e);
}

/* The identity is complete when its CloudId is on disk (create_identity writes it last). */
int ar_stamp_require(const char *dir, ar_err *e)
{
	char id_path[4096];
	int present = 0;

	if (ar_join_path(id_path, sizeof id_path, dir, AR_CLOUD_ID_FILE, e) != AR_OK)
		return e->status;
	/* looked at, never made: a typo must not leave a directory or a lock behind */
	if (ar_path_present(dir, &present, e) != AR_OK)
		return e->status;
	if (present && ar_path_present(id_path, &present, e) != AR_OK)
		return e->status;
	if (!present)
		return ar_fail(e, AR_EENV, NULL, "no stamp identity in %s (run token-gen init)", dir);
	return AR_OK;
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

int ar_stamp_init(const char *dir, const char *cloud_id_option, ar_stamp *out, ar_err *e)
{
	char id_path[4096], wanted[37];
	int lock = -1, rc;

	memset(out, 0, sizeof *out);
	if (cloud_id_option && ar_uuid_normalize(cloud_id_option, wanted) != 0)
		return ar_fail(e, AR_EUSAGE, NULL, "--cloud-id \"%s\" is not a UUID", cloud_id_option);
	if (ar_join_path(id_path, sizeof id_path, dir, AR_CLOUD_ID_FILE, e) != AR_OK ||
	    ar_prepare_private_dir(dir, 1, e) != AR_OK || ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(id_path))
		return finish_open(out, lock, create_identity(dir, cloud_id_option, out, e));
	/* Replacing it would leave its registration (and every key issued for it) to a stamp
	 * that no longer exists: there is no --force; a new stamp is a new state directory. */
	rc = read_cloud_id(id_path, out->cloud_id, e);
	if (rc == AR_OK)
		rc = ar_fail(e, AR_EENV, dir, "stamp identity already made: CloudId %s (never "
			     "replaced; to start a new stamp, give another --state-dir)", out->cloud_id);
	return finish_open(out, lock, rc);
}

int ar_stamp_open(const char *dir, ar_stamp *out, ar_err *e)
{
	char key_path[4096], id_path[4096];
	int lock = -1, rc;

	memset(out, 0, sizeof *out);
	if (ar_join_path(key_path, sizeof key_path, dir, AR_STAMP_KEY_FILE, e) != AR_OK ||
	    ar_join_path(id_path, sizeof id_path, dir, AR_CLOUD_ID_FILE, e) != AR_OK ||
	    ar_stamp_require(dir, e) != AR_OK || ar_prepare_private_dir(dir, 0, e) != AR_OK ||
	    ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	rc = read_cloud_id(id_path, out->cloud_id, e);
	if (rc == AR_OK)
		rc = ar_key_load_private(key_path, &out->key, e);
	return finish_open(out, lock, rc);
}

void ar_stamp_close(ar_stamp *stamp)
{
	ar_keypair_free(&stamp->key);
}

int ar_stamp_load_public(const char *dir, uint8_t pk[AR_ED25519_PK_BYTES], char cloud_id[37],
			 ar_err *e)
{
	char pub_path[4096], id_path[4096];

	if (ar_join_path(pub_path, sizeof pub_path, dir, AR_STAMP_PUB_FILE, e) != AR_OK ||
	    ar_join_path(id_path, sizeof id_path, dir, AR_CLOUD_ID_FILE, e) != AR_OK ||
	    ar_stamp_require(dir, e) != AR_OK || ar_prepare_private_dir(dir, 0, e) != AR_OK)
		return e->status;
	if (read_cloud_id(id_path, cloud_id, e) != AR_OK)
		return e->status;
	if (ar_key_load_public(pub_path, pk, e) != AR_OK)
		return ar_fail(e, AR_EENV, pub_path, "%s", e->msg);
	return AR_OK;
}
