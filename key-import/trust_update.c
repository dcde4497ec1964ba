/* SPDX-License-Identifier: Apache-2.0 */
#include "trust_update.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ar_limits.h"
#include "chain.h"
#include "fileio.h"
#include "revoked.h"

/* A chain is JSON (a statement is a JWS in the JSON serialization, RFC 7515 7.2.1; a chain
 * an array of them); a revocation list is a compact JWS. */
static int is_json(const uint8_t *data, size_t len)
{
	size_t i = 0;

	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	return i < len && (data[i] == '{' || data[i] == '[');
}

static int update_locked(const char *state_dir, const char *file, ar_err *e)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = ar_read_input(file, AR_MAX_FILE_BYTES, &data, &len, e);

	if (rc == AR_OK)
		rc = is_json(data, len)
			? chain_update(state_dir, (const char *)data, len, ar_input_name(file), e)
			: revoked_update(state_dir, (const char *)data, len, ar_input_name(file), e);
	free(data);
	return rc;
}

int trust_update(const char *state_dir, const char *file, ar_err *e)
{
	int lock = -1, rc;

	if (ar_prepare_private_dir(state_dir, 0, e) != AR_OK ||
	    ar_lock_dir(state_dir, &lock, e) != AR_OK)
		return e->status;
	rc = update_locked(state_dir, file, e);
	ar_unlock(lock);
	return rc;
}

int trust_update_beside(const char *state_dir, const char *key_path, ar_err *e)
{
	static const char *const names[] = { AR_ISSUER_CHAIN_FILE, AR_REVOCATION_LIST_FILE };
	const char *slash;
	struct stat st;
	char path[4200];
	size_t i, dir_len;
	int n;

	if (ar_is_stdio(key_path))
		return AR_OK;
	slash = strrchr(key_path, '/');
	dir_len = slash ? (size_t)(slash - key_path) + 1 : 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		n = snprintf(path, sizeof path, "%.*s%s", (int)dir_len, key_path, names[i]);
		if (n < 0 || (size_t)n >= sizeof path)
			return ar_fail(e, AR_EUSAGE, key_path, "path too long");
		if (!ar_file_exists(path))
			continue;
		/* found, not named: a FIFO or a device on the stick would be waited on with the
		 * state's lock held; a link to a regular file is read as the file */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return ar_fail(e, AR_EINPUT, path, "not a regular file (a file beside the key "
				       "is taken only when it is one)");
		if (trust_update(state_dir, path, e) != AR_OK)
			return e->status;
	}
	return AR_OK;
}
