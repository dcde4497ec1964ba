/* SPDX-License-Identifier: Apache-2.0 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ar_limits.h"
#include "fileio.h"
#include "reach.h"

/* Prepared statements are kept for the life of the connection: a batch runs the same
 * few statements thousands of times, and compiling one costs as much as running it. */
#define STORE_CACHE_SLOTS 32

/* A connection and what is its alone: its statements. One thread uses a connection at a
 * time (registrar serve hands them out from a pool), so nothing here needs a lock. */
struct store {
	sqlite3 *conn;
	struct {
		sqlite3_stmt *st;
		int in_use;
	} cache[STORE_CACHE_SLOTS];
};


void store_column_copy(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(dst, cap, "%s", v ? (const char *)v : "");
}

int store_error(store *db, const char *what, ar_err *e)
{
	int code = sqlite3_errcode(db->conn);
	int status = (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_FULL ||
		      code == SQLITE_IOERR || code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
		      code == SQLITE_PERM || code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
			     ? AR_EENV : AR_EINTERNAL;

	return ar_fail(e, status, sqlite3_db_filename(db->conn, "main"), "database: %s: %s", what,
		       sqlite3_errmsg(db->conn));
}

/* A statement of db for sql not in use, marked in use; NULL when there is none. */
static sqlite3_stmt *cached(store *db, const char *sql)
{
	size_t i;

	for (i = 0; i < STORE_CACHE_SLOTS; i++)
		if (db->cache[i].st && !db->cache[i].in_use &&
		    strcmp(sqlite3_sql(db->cache[i].st), sql) == 0) {
			db->cache[i].in_use = 1;
			return db->cache[i].st;
		}
	return NULL;
}

/* Keeps st in a free slot, in use; with none free, it is finalized when released. */
static void keep(store *db, sqlite3_stmt *st)
{
	size_t i;

	for (i = 0; i < STORE_CACHE_SLOTS && db->cache[i].st; i++)
		;
	if (i < STORE_CACHE_SLOTS) {
		db->cache[i].st = st;
		db->cache[i].in_use = 1;
	}
}

int store_prepare(store *db, const char *sql, sqlite3_stmt **st, ar_err *e)
{
	*st = cached(db, sql);
	if (*st)
		return AR_OK;
	if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return store_error(db, "prepare", e);
	keep(db, *st);
	return AR_OK;
}

void store_release(store *db, sqlite3_stmt *st)
{
	size_t i;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (i = 0; i < STORE_CACHE_SLOTS; i++)
		if (db->cache[i].st == st) {
			db->cache[i].in_use = 0;
			return;
		}
	sqlite3_finalize(st);
}

static void forget_statements(store *db)
{
	size_t i;

	for (i = 0; i < STORE_CACHE_SLOTS; i++)
		if (db->cache[i].st) {
			sqlite3_finalize(db->cache[i].st);
			db->cache[i].st = NULL;
			db->cache[i].in_use = 0;
		}
}

int store_changes(store *db)
{
	return sqlite3_changes(db->conn);
}

int store_exec_step(store *db, sqlite3_stmt *st, ar_err *e)
{
	int rc = sqlite3_step(st);
	int status = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? AR_OK : store_error(db, "write", e);

	store_release(db, st);
	return status;
}

int store_exec(store *db, const char *sql, const char *what, ar_err *e)
{
	if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_error(db, what, e);
	return AR_OK;
}

int store_begin(store *db, ar_err *e)
{
	/* IMMEDIATE takes the write lock now, so rules checked inside hold at commit. */
	return store_exec(db, "BEGIN IMMEDIATE", "begin", e);
}

static int store_commit(store *db, ar_err *e)
{
	return store_exec(db, "COMMIT", "commit", e);
}

static void store_rollback(store *db)
{
	sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

int store_end(store *db, int rc, ar_err *e)
{
	if (rc == AR_OK)
		return store_commit(db, e);
	store_rollback(db);
	return rc;
}

static int schema_version(store *db, int *version, ar_err *e)
{
	sqlite3_stmt *st;

	if (store_prepare(db, "PRAGMA user_version", &st, e) != AR_OK)
		return e->status;
	*version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	store_release(db, st);
	return *version < 0 ? store_error(db, "read schema version", e) : AR_OK;
}

/* AR_OK when no row breaks a foreign key: a rebuilt table must leave every reference to
 * it whole, and with foreign keys off nothing else would tell. */
static int foreign_keys_whole(store *db, ar_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(db, "PRAGMA foreign_key_check", &st, e) != AR_OK)
		return e->status;
	rc = sqlite3_step(st);
	store_release(db, st);
	if (rc == SQLITE_ROW)
		return ar_fail(e, AR_EENV, sqlite3_db_filename(db->conn, "main"),
			       "database: migrate: a row refers to a registration that is not there "
			       "(PRAGMA foreign_key_check)");
	return rc == SQLITE_DONE ? AR_OK : store_error(db, "migrate", e);
}

/* Foreign keys are off for the whole transaction (the pragma is a no-op inside one), so a
 * table rebuild keeps the rows that refer to it; they are turned on by the caller after. */
static int migrate(store *db, ar_err *e)
{
	int version = 0, target = (int)store_migration_count, migrated = 0;
	char sql[64];
	int rc;

	if (store_exec(db, "PRAGMA foreign_keys = OFF", "set foreign keys", e) != AR_OK ||
	    store_begin(db, e) != AR_OK)
		return e->status;
	rc = schema_version(db, &version, e);
	if (rc == AR_OK && version > target)
		rc = ar_fail(e, AR_EENV, sqlite3_db_filename(db->conn, "main"),
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
static int open_path(const char *path, int create, const char *journal, store **db,
		     ar_err *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	char pragma[64];

	*db = calloc(1, sizeof **db);
	if (!*db)
		return ar_fail(e, AR_EINTERNAL, path, "out of memory");
	if (sqlite3_open_v2(path, &(*db)->conn, flags, NULL) != SQLITE_OK) {
		int rc = ar_fail(e, AR_EENV, path, "cannot open database: %s",
				 (*db)->conn ? sqlite3_errmsg((*db)->conn) : "out of memory");

		store_close(*db, rc, e);
		*db = NULL;
		return rc;
	}
	sqlite3_busy_timeout((*db)->conn, AR_DB_BUSY_TIMEOUT_MS);
	snprintf(pragma, sizeof pragma, "PRAGMA journal_mode = %s", journal);
	if (store_exec(*db, pragma, "set the journal mode", e) != AR_OK ||
	    store_exec(*db, "PRAGMA synchronous = FULL", "set synchronous", e) != AR_OK ||
	    migrate(*db, e) != AR_OK ||
	    store_exec(*db, "PRAGMA foreign_keys = ON", "set foreign keys", e) != AR_OK) {
		store_close(*db, e->status, e);
		*db = NULL;
		return e->status;
	}
	return AR_OK;
}

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
 * second issuer. The directory is named: a mistyped --data-dir is the likely cause. */
int store_require(const char *data_dir, ar_err *e)
{
	char path[4096];
	int present = 0;

	if (ar_join_path(path, sizeof path, data_dir, AR_DATABASE_FILE, e) != AR_OK ||
	    store_require_dir(data_dir, e) != AR_OK || ar_path_present(path, &present, e) != AR_OK)
		return e->status;
	if (!present)
		return ar_fail(e, AR_EENV, NULL, "no registrar database in %s (run registrar init)",
			       data_dir);
	return AR_OK;
}

int store_open(const char *data_dir, int create, store **db, ar_err *e)
{
	char path[4096];

	*db = NULL;
	if (ar_join_path(path, sizeof path, data_dir, AR_DATABASE_FILE, e) != AR_OK)
		return e->status;
	if (!create && store_require(data_dir, e) != AR_OK)
		return e->status;
	/* whoever may write here may swap the issuer key or the database */
	if (ar_prepare_private_dir(data_dir, 0, e) != AR_OK)
		return e->status;
	/* SQLite would only say "unable to open database file" */
	if (!create && faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) != 0 &&
	    (errno == EACCES || errno == EPERM))
		return ar_fail_reach(e, AR_EENV, path, errno, AR_REACH_READ);
	return open_path(path, create, "WAL", db, e);
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

int store_create(const char *data_dir, const char *first_audit_detail, store_fill fill,
		 const void *arg, ar_err *e)
{
	char path[4096], tmp[4096];
	store *db = NULL;
	int rc;

	if (ar_join_path(path, sizeof path, data_dir, AR_DATABASE_FILE, e) != AR_OK ||
	    ar_join_path(tmp, sizeof tmp, data_dir, "." AR_DATABASE_FILE ".new", e) != AR_OK)
		return e->status;
	remove_database(tmp); /* the trace of an interrupted init */
	rc = open_path(tmp, 1, "DELETE", &db, e);
	if (rc == AR_OK)
		rc = store_begin(db, e);
	if (rc == AR_OK) {
		rc = store_audit(db, "init", NULL, first_audit_detail, e);
		if (rc == AR_OK && fill)
			rc = fill(db, arg, e);
		rc = store_end(db, rc, e);
	}
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
	forget_statements(db);
	/* a connection SQLite cannot close is kept (and its memory), never used again */
	if (sqlite3_close(db->conn) != SQLITE_OK) {
		if (rc == AR_OK)
			rc = store_error(db, "close", e);
		return rc;
	}
	free(db);
	return rc;
}

/* The login name, looked up once: getpwuid() reads the user database each time. */
static char actor_name[64];
static pthread_once_t actor_once = PTHREAD_ONCE_INIT;

static void look_up_actor(void)
{
	const struct passwd *pw = getpwuid(getuid());

	snprintf(actor_name, sizeof actor_name, "%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

static const char *actor(void)
{
	pthread_once(&actor_once, look_up_actor);
	return actor_name;
}

int store_audit(store *db, const char *action, const char *registration, const char *detail,
		ar_err *e)
{
	sqlite3_stmt *st;

	if (store_prepare(db, "INSERT INTO audit (at, actor, action, registration, detail) "
			  "VALUES (?, ?, ?, ?, ?)", &st, e) != AR_OK)
		return e->status;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 2, actor(), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, registration, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
	return store_exec_step(db, st, e);
}
