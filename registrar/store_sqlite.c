/* SPDX-License-Identifier: Apache-2.0 */
/* The store on SQLite: one file, the default (nothing to set up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "store_impl.h"

int lite_error(store *db, const char *what, ar_err *e)
{
	int code = sqlite3_errcode(db->lite);
	int status = (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_FULL ||
		      code == SQLITE_IOERR || code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
		      code == SQLITE_PERM || code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
			     ? AR_EENV : AR_EINTERNAL;

	return ar_fail(e, status, db->where, "database: %s: %s", what, sqlite3_errmsg(db->lite));
}

int lite_prepare(store *db, store_stmt *st, ar_err *e)
{
	if (sqlite3_prepare_v3(db->lite, st->sql, -1, SQLITE_PREPARE_PERSISTENT, &st->lite,
			       NULL) != SQLITE_OK)
		return lite_error(db, "prepare", e);
	return AR_OK;
}

void lite_reset(store_stmt *st)
{
	sqlite3_reset(st->lite);
	sqlite3_clear_bindings(st->lite);
}

void lite_finalize(store_stmt *st)
{
	sqlite3_finalize(st->lite);
	st->lite = NULL;
}

int lite_step(store_stmt *st)
{
	int rc = sqlite3_step(st->lite);

	return rc == SQLITE_ROW ? STORE_ROW : rc == SQLITE_DONE ? STORE_DONE : STORE_FAILED;
}

int lite_exec(store *db, const char *sql)
{
	return sqlite3_exec(db->lite, sql, NULL, NULL, NULL) == SQLITE_OK ? AR_OK : AR_EINTERNAL;
}

static int schema_version(store *db, int *version, ar_err *e)
{
	store_stmt *st;

	if (store_prepare(db, "PRAGMA user_version", &st, e) != AR_OK)
		return e->status;
	*version = store_step(st) == STORE_ROW ? (int)store_column_int64(st, 0) : -1;
	store_release(db, st);
	return *version < 0 ? lite_error(db, "read schema version", e) : AR_OK;
}

/* AR_OK when no row breaks a foreign key: a rebuilt table must leave every reference to
 * it whole, and with foreign keys off nothing else would tell. */
static int foreign_keys_whole(store *db, ar_err *e)
{
	store_stmt *st;
	int rc;

	if (store_prepare(db, "PRAGMA foreign_key_check", &st, e) != AR_OK)
		return e->status;
	rc = store_step(st);
	store_release(db, st);
	if (rc == STORE_ROW)
		return ar_fail(e, AR_EENV, db->where,
			       "database: migrate: a row refers to a registration that is not there "
			       "(PRAGMA foreign_key_check)");
	return rc == STORE_DONE ? AR_OK : lite_error(db, "migrate", e);
}

/* Foreign keys are off for the whole transaction (the pragma is a no-op inside one), so a
 * table rebuild keeps the rows that refer to it; they are turned on by the caller after. */
int lite_migrate(store *db, ar_err *e)
{
	int version = 0, target = (int)store_migration_count, migrated = 0;
	char sql[64];
	int rc;

	if (store_exec(db, "PRAGMA foreign_keys = OFF", "set foreign keys", e) != AR_OK ||
	    store_begin(db, e) != AR_OK)
		return e->status;
	rc = schema_version(db, &version, e);
	if (rc == AR_OK && version > target)
		rc = ar_fail(e, AR_EENV, db->where,
			     "database schema %d is newer than this registrar (%d)", version, target);
	for (; rc == AR_OK && version < target; version++) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
		rc = store_exec(db, store_migrations[version], "migrate", e);
		if (rc == AR_OK)
			rc = store_exec(db, sql, "migrate", e);
		migrated = 1;
	}
	if (rc == AR_OK && migrated)
		rc = foreign_keys_whole(db, e);
	return store_end(db, rc, e);
}

/* journal: "WAL" for use, "DELETE" while a new database is made beside its place
 * (one file, so that it can be renamed into place whole). */
int lite_open(const char *path, int create, const char *journal, store *db, ar_err *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	char pragma[64];

	snprintf(db->where, sizeof db->where, "%s", path);
	if (sqlite3_open_v2(path, &db->lite, flags, NULL) != SQLITE_OK)
		return ar_fail(e, AR_EENV, path, "cannot open database: %s",
			       db->lite ? sqlite3_errmsg(db->lite) : "out of memory");
	sqlite3_busy_timeout(db->lite, AR_DB_BUSY_TIMEOUT_MS);
	snprintf(pragma, sizeof pragma, "PRAGMA journal_mode = %s", journal);
	if (store_exec(db, pragma, "set the journal mode", e) != AR_OK ||
	    store_exec(db, "PRAGMA synchronous = FULL", "set synchronous", e) != AR_OK ||
	    lite_migrate(db, e) != AR_OK ||
	    store_exec(db, "PRAGMA foreign_keys = ON", "set foreign keys", e) != AR_OK)
		return e->status;
	return AR_OK;
}

/* A connection SQLite cannot close (a statement still open) is kept, never used again. */
int lite_close(store *db)
{
	return sqlite3_close(db->lite) == SQLITE_OK ? AR_OK : AR_EENV;
}

void lite_bind_text(store_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st->lite, i, v, -1, SQLITE_TRANSIENT);
}

void lite_bind_int64(store_stmt *st, int i, long long v)
{
	sqlite3_bind_int64(st->lite, i, (sqlite3_int64)v);
}

long long lite_column_int64(store_stmt *st, int col)
{
	return (long long)sqlite3_column_int64(st->lite, col);
}

const char *lite_column_text(store_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->lite, col);
}

int lite_column_is_null(store_stmt *st, int col)
{
	return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
}
