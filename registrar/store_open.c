/* SPDX-License-Identifier: Apache-2.0 */
/* Finding, opening, making and closing the registrar's database, on either engine. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ar_limits.h"
#include "fileio.h"
#include "reach.h"
#include "store_impl.h"

int store_require_dir(const char *data_dir, ar_err *e)
{
	int present = 0;

	if (ar_path_present(data_dir, &present, e) != AR_OK)
		return e->status;
	/* no directory at all is most often a typo: init there would be a second issuer */
	if (!present)
		return ar_fail(e, AR_EENV, NULL, "no such directory %s: check --data-dir and $%s "
			       "(registrar init --data-dir %s makes a new workstation there)",
			       data_dir, AR_DATA_DIR_ENV, data_dir);
	return AR_OK;
}

/* init is advised only where there is truly none: over an unreadable one it would make a
 * second issuer. The directory is named: a mistyped --data-dir is the likely cause. A
 * PostgreSQL database is asked when it is opened. */
int store_require(const char *data_dir, ar_err *e)
{
	char path[4096], here[4096];
	int present = 0, url = 0;

	if (store_require_dir(data_dir, e) != AR_OK ||
	    store_target(data_dir, path, sizeof path, &url, e) != AR_OK ||
	    ar_join_path(here, sizeof here, data_dir, AR_DATABASE_FILE, e) != AR_OK)
		return e->status;
	if (url)
		return AR_OK;
	if (ar_path_present(path, &present, e) != AR_OK)
		return e->status;
	if (present)
		return AR_OK;
	/* a database named elsewhere that is not there moved or was mistyped: no init */
	if (strcmp(path, here) != 0)
		return ar_fail(e, AR_EENV, path, "no registrar database here: check --database, "
			       "$%s and %s/%s", AR_DATABASE_ENV, data_dir, AR_DATABASE_URL_FILE);
	return ar_fail(e, AR_EENV, NULL, "no registrar database in %s (run registrar init)",
		       data_dir);
}

static store *store_new(ar_err *e)
{
	store *db = calloc(1, sizeof *db);

	if (!db)
		ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	return db;
}

int store_open(const char *data_dir, int create, store **db, ar_err *e)
{
	char path[4096];
	int url = 0, rc;

	*db = NULL;
	if (store_target(data_dir, path, sizeof path, &url, e) != AR_OK)
		return e->status;
	if (!create && store_require(data_dir, e) != AR_OK)
		return e->status;
	/* whoever may write here may swap the issuer key or the database */
	if (ar_prepare_private_dir(data_dir, 0, e) != AR_OK)
		return e->status;
	/* SQLite would only say "unable to open database file" */
	if (!url && !create && faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) != 0 &&
	    (errno == EACCES || errno == EPERM))
		return ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_READ);
	if (!(*db = store_new(e)))
		return e->status;
	rc = url ? pg_open(path, create, *db, e) : lite_open(path, create, "WAL", *db, e);
	if (rc != AR_OK) {
		store_close(*db, rc, e);
		*db = NULL;
	}
	return rc;
}

int store_exists(const char *data_dir, int *exists, ar_err *e)
{
	char path[4096];
	int url = 0, rc;
	store *db;

	*exists = 0;
	if (store_target(data_dir, path, sizeof path, &url, e) != AR_OK)
		return e->status;
	if (!url) {
		*exists = ar_file_exists(path);
	} else {
		if (!(db = store_new(e)))
			return e->status;
		rc = pg_open(path, -1, db, e);
		if (rc == AR_OK)
			rc = pg_schema_present(db, exists, e);
		if (store_close(db, rc, e) != AR_OK)
			return e->status;
	}
	/* one there is opened as every verb opens it: a newer schema (or a damaged one) is
	 * refused before init --force replaces anything */
	if (!*exists)
		return AR_OK;
	rc = store_open(data_dir, 0, &db, e);
	return store_close(db, rc, e);
}

static void remove_database(const char *path)
{
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm", NULL };
	const char *const *s;
	char name[4200];

	for (s = suffixes; *s; s++) {
		snprintf(name, sizeof name, "%s%s", path, *s);
		unlink(name);
	}
}

/* The first audit row and what fill writes, in the transaction of their own. */
static int first_rows(store *db, const char *first_audit_detail, store_fill fill,
		      const void *arg, ar_err *e)
{
	int rc = store_begin(db, e);

	if (rc == AR_OK) {
		rc = store_audit(db, "init", NULL, first_audit_detail, e);
		if (rc == AR_OK && fill)
			rc = fill(db, arg, e);
		rc = store_end(db, rc, e);
	}
	return rc;
}

/* PostgreSQL: the schema and the first rows in one transaction (pg_open with create 1
 * leaves it open), whole or not at all. */
static int create_pg(const char *url, const char *first_audit_detail, store_fill fill,
		     const void *arg, ar_err *e)
{
	store *db = store_new(e);
	int rc = db ? pg_open(url, 1, db, e) : e->status;

	if (rc == AR_OK) {
		rc = store_audit(db, "init", NULL, first_audit_detail, e);
		if (rc == AR_OK && fill)
			rc = fill(db, arg, e);
		rc = store_end(db, rc, e);
	}
	return store_close(db, rc, e);
}

int store_create(const char *data_dir, const char *first_audit_detail, store_fill fill,
		 const void *arg, ar_err *e)
{
	char path[4096], tmp[4200];
	store *db = NULL;
	int rc, url = 0;

	if (store_target(data_dir, path, sizeof path, &url, e) != AR_OK)
		return e->status;
	if (url)
		return create_pg(path, first_audit_detail, fill, arg, e);
	snprintf(tmp, sizeof tmp, "%s.new", path);
	if (!store_chosen_target() &&
	    ar_join_path(tmp, sizeof tmp, data_dir, "." AR_DATABASE_FILE ".new", e) != AR_OK)
		return e->status;
	remove_database(tmp); /* the trace of an interrupted init */
	if (!(db = store_new(e)))
		return e->status;
	rc = lite_open(tmp, 1, "DELETE", db, e);
	if (rc == AR_OK)
		rc = first_rows(db, first_audit_detail, fill, arg, e);
	rc = store_close(db, rc, e);
	if (rc == AR_OK && link(tmp, path) != 0)
		rc = ar_fail(e, AR_EENV, path, "cannot create database: %s", strerror(errno));
	if (rc == AR_OK && ar_sync_dir(path) != 0)
		rc = ar_fail(e, AR_EENV, path, "cannot sync directory: %s", strerror(errno));
	remove_database(tmp);
	if (rc != AR_OK)
		return rc;
	/* WAL from the first use on; if this fails, the next open switches it */
	rc = store_open(data_dir, 0, &db, e);
	return store_close(db, rc, e);
}

int store_close(store *db, int rc, ar_err *e)
{
	if (!db)
		return rc;
	rc = store_failure(db, rc, e);
	db->closing = 1;
	store_forget_statements(db);
	if (db->pg) {
		pg_close(db);
	} else if (db->lite && lite_close(db) != AR_OK) {
		/* a connection SQLite cannot close is kept (and its memory), never used again */
		if (rc == AR_OK)
			rc = store_error(db, "close", e);
		return rc;
	}
	free(db);
	return rc;
}

