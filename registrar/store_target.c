/* SPDX-License-Identifier: Apache-2.0 */
/* Which database a data directory's verbs use: --database, $AIRREG_DATABASE, the URL init
 * recorded, or DATA_DIR/registrar.db. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "fileio.h"
#include "store_impl.h"

/* --database or $AIRREG_DATABASE, set once by main() before any thread starts. */
static const char *chosen_target;

void store_use_database(const char *target)
{
	chosen_target = target;
}

const char *store_chosen_target(void)
{
	return chosen_target;
}

int store_is_pg_url(const char *t)
{
	return strncmp(t, "postgresql://", 13) == 0 || strncmp(t, "postgres://", 11) == 0;
}

int store_check_target(const char *target, const char *what, ar_err *e)
{
	PQconninfoOption *opts, *o;
	char *why = NULL;
	int password = 0;

	if (!*target || strlen(target) >= AR_DATABASE_TARGET_MAX || strchr(target, '\n'))
		return ar_fail(e, AR_EUSAGE, NULL, "%s: not a postgresql:// URL or a file's path "
			       "(1 to %d bytes, one line)", what, AR_DATABASE_TARGET_MAX - 1);
	/* a relative path names another file from another directory (serve under systemd
	 * runs in /) */
	if (!store_is_pg_url(target))
		return target[0] == '/' ? AR_OK
					: ar_fail(e, AR_EUSAGE, NULL, "%s: give a postgresql:// URL "
						  "or an absolute path, not \"%s\"", what, target);
	if (pq_load(e) != AR_OK)
		return e->status;
	opts = pq.conninfoParse(target, &why);
	if (!opts) {
		const char *line = why ? strtok(why, "\n") : NULL;

		ar_fail(e, AR_EUSAGE, NULL, "%s: not a URL libpq reads: %s", what,
			line ? line : why ? "libpq gave no reason" : "out of memory");
		pq.freemem(why);
		return e->status;
	}
	for (o = opts; o->keyword; o++)
		if ((strcmp(o->keyword, "password") == 0 || strcmp(o->keyword, "sslpassword") == 0) &&
		    o->val)
			password = 1;
	pq.conninfoFree(opts);
	/* never printed: the refusal names the flag, not the URL (sslpassword: the client
	 * key's passphrase, as secret) */
	if (password)
		return ar_fail(e, AR_EUSAGE, NULL, "%s: a password in the URL is seen by every "
			       "user of this machine (ps, /proc): put it in PGPASSFILE or ~/.pgpass",
			       what);
	return AR_OK;
}

/* DATA_DIR/database: one line, the URL or path init --database was given. */
static int read_recorded(const char *path, char *out, size_t cap, ar_err *e)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (ar_read_state_file(path, AR_DATABASE_TARGET_MAX, &data, &len, e) != AR_OK)
		return e->status;
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	data[len] = '\0';
	if (len == 0 || len >= cap || memchr(data, '\n', len) || memchr(data, '\0', len) ||
	    store_check_target((char *)data, AR_DATABASE_URL_FILE, e) != AR_OK) {
		free(data);
		return ar_fail(e, AR_EENV, path, "not one line holding a postgresql:// URL with no "
			       "password, or an absolute path (damaged)");
	}
	memcpy(out, data, len + 1);
	free(data);
	return AR_OK;
}

int store_recorded_target(const char *data_dir, char *out, size_t cap, int *present, ar_err *e)
{
	char recorded[4096];

	*present = 0;
	if (ar_join_path(recorded, sizeof recorded, data_dir, AR_DATABASE_URL_FILE, e) != AR_OK)
		return e->status;
	if (!ar_file_exists(recorded))
		return AR_OK;
	*present = 1;
	return read_recorded(recorded, out, cap, e);
}

int store_target(const char *data_dir, char *out, size_t cap, int *is_url, ar_err *e)
{
	char recorded[4096];

	if (chosen_target) {
		if (strlen(chosen_target) >= cap)
			return ar_fail(e, AR_EUSAGE, NULL, "--database: too long");
		memcpy(out, chosen_target, strlen(chosen_target) + 1);
	} else {
		if (ar_join_path(recorded, sizeof recorded, data_dir, AR_DATABASE_URL_FILE, e) !=
		    AR_OK)
			return e->status;
		if (ar_file_exists(recorded)) {
			if (read_recorded(recorded, out, cap, e) != AR_OK)
				return e->status;
		} else if (ar_join_path(out, cap, data_dir, AR_DATABASE_FILE, e) != AR_OK) {
			return e->status;
		}
	}
	*is_url = store_is_pg_url(out);
	return AR_OK;
}

int store_record_target(const char *data_dir, ar_err *e)
{
	char path[4096], *line;
	size_t len;
	int rc;

	if (!chosen_target)
		return AR_OK;
	if (ar_join_path(path, sizeof path, data_dir, AR_DATABASE_URL_FILE, e) != AR_OK)
		return e->status;
	len = strlen(chosen_target);
	if (!(line = malloc(len + 2)))
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	memcpy(line, chosen_target, len);
	line[len] = '\n';
	rc = ar_write_output(path, line, len + 1, 0, e);
	free(line);
	return rc;
}

