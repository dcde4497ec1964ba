/* SPDX-License-Identifier: Apache-2.0 */
/* The API's bearer secret: made by `registrar init` or `registrar api-key rotate`,
 * kept in DATA_DIR/api.secret (0600), held by `serve` only as its SHA-256. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "apikey.h"
#include "codec.h"
#include "datadir.h"
#include "fileio.h"
#include "keys.h"
#include "store.h"
#include "text.h"

static int secret_path(const char *dir, char *path, size_t cap, ar_err *e)
{
	return ar_join_path(path, cap, dir, AR_API_SECRET_FILE, e);
}

int apikey_write(const char *dir, int replace, ar_err *e)
{
	uint8_t *raw = sodium_malloc(AR_API_SECRET_BYTES);
	char path[4096], *text = NULL;
	int rc;

	if (!raw)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	randombytes_buf(raw, AR_API_SECRET_BYTES);
	text = ar_b64url_encode(raw, AR_API_SECRET_BYTES);
	sodium_free(raw);
	if (!text)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = secret_path(dir, path, sizeof path, e);
	if (rc == AR_OK)
		rc = ar_write_output(path, text, strlen(text),
				     AR_WRITE_STATE | AR_WRITE_SECRET |
					     (replace ? 0 : AR_WRITE_NO_CLOBBER), e);
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

int apikey_load(const char *dir, uint8_t digest[32], ar_err *e)
{
	size_t cap = 4 * AR_API_SECRET_BYTES, len = 0;
	uint8_t *buf = sodium_malloc(cap);
	char path[4096];
	int rc;

	if (!buf)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	rc = secret_path(dir, path, sizeof path, e);
	if (rc == AR_OK && !ar_file_exists(path))
		rc = ar_fail(e, AR_EENV, path, "no API secret (run registrar api-key rotate)");
	if (rc == AR_OK)
		rc = ar_read_secret_file(path, buf, cap, &len, e);
	while (rc == AR_OK && len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (rc == AR_OK && len < AR_API_SECRET_BYTES)
		rc = ar_fail(e, AR_EENV, path, "API secret shorter than %d characters; run "
			     "registrar api-key rotate", AR_API_SECRET_BYTES);
	if (rc == AR_OK)
		crypto_hash_sha256(digest, buf, len);
	sodium_free(buf);
	return rc;
}

int apikey_matches(const uint8_t digest[32], const char *presented, size_t len)
{
	uint8_t h[32];
	int same;

	/* Comparing digests takes the same time whatever the length and content given. */
	crypto_hash_sha256(h, (const uint8_t *)presented, len);
	same = sodium_memcmp(h, digest, sizeof h) == 0;
	sodium_memzero(h, sizeof h);
	return same;
}

int cmd_api_key_rotate_run(const registrar_opts *o, ar_err *e)
{
	const char *dir = registrar_data_dir(o);
	char path[4096];
	int lock = -1, rc;

	/* a new secret for a workstation that is not there would be a stray file */
	if (store_require(dir, e) != AR_OK || ar_prepare_private_dir(dir, 0, e) != AR_OK ||
	    ar_lock_dir(dir, &lock, e) != AR_OK)
		return e->status;
	rc = secret_path(dir, path, sizeof path, e);
	if (rc == AR_OK)
		rc = apikey_write(dir, 1, e);
	ar_unlock(lock);
	if (rc == AR_OK)
		printf(PROGRAM ": new API secret in %s (mode 0600); the old one no longer "
		       "works once serve reloads it (SIGHUP or restart)\n", ar_text_shown(path));
	return rc;
}
