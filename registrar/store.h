/* SPDX-License-Identifier: Apache-2.0 */
/* The registrar's SQLite database: registrations, tenants, an append-only audit. */
#ifndef REGISTRAR_STORE_H
#define REGISTRAR_STORE_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

/* The schema's forward migrations (schema.c): entry N brings version N to N+1; the last
 * version is their count. */
extern const char *const store_migrations[];
extern const size_t store_migration_count;

/* One connection to the database, with its own cached statements; used by one thread at
 * a time. */
typedef struct store store;

/* Opens DIR/registrar.db (create = 1: make it and its schema), WAL, foreign keys on,
 * busy timeout set, migrations applied. */
int store_open(const char *data_dir, int create, store **db, ar_err *e);
/* AR_OK when the data directory is there; else AR_EENV "no such directory DIR: check
 * --data-dir ...", never advising init (a mistyped directory is not a new workstation). */
int store_require_dir(const char *data_dir, ar_err *e);
/* AR_OK when DIR holds a database; else AR_EENV "no registrar database in DIR", nothing
 * made (permission is not absence: that is ar_fail_reach's line). */
int store_require(const char *data_dir, ar_err *e);
/* Finalizes db's statements and closes it (NULL: nothing). Returns rc, the outcome so
 * far, or when that was AR_OK, the close's: AR_EENV when SQLite cannot close (a statement
 * still open), which would leave the -wal and -shm files behind. */
int store_close(store *db, int rc, ar_err *e);
/* What init writes into a new database in the transaction of its first audit row. */
typedef int (*store_fill)(store *db, const void *arg, ar_err *e);
/* Makes DIR/registrar.db whole or not at all: built beside its place with its schema,
 * a first audit row and what fill (NULL: nothing) writes, then linked in (never over an
 * existing one). */
int store_create(const char *data_dir, const char *first_audit_detail, store_fill fill,
		 const void *arg, ar_err *e);

/* BEGIN IMMEDIATE; a busy database is AR_EENV. */
int store_begin(store *db, ar_err *e);
/* Ends the transaction by rc, the outcome of the work inside it: COMMIT when it is
 * AR_OK, else ROLLBACK; returns the transaction's outcome. */
int store_end(store *db, int rc, ar_err *e);

/* Prepares sql, or hands out the connection's cached statement for it; the error
 * names the database. Give it back with store_release(), never sqlite3_finalize(). */
int store_prepare(store *db, const char *sql, sqlite3_stmt **st, ar_err *e);
void store_release(store *db, sqlite3_stmt *st);
/* Runs sql, which returns no row (what names the step in the error). */
int store_exec(store *db, const char *sql, const char *what, ar_err *e);
/* Steps a statement that returns no row. */
int store_exec_step(store *db, sqlite3_stmt *st, ar_err *e);
int store_error(store *db, const char *what, ar_err *e);
/* Column col of st's row as text into dst (cap bytes; NULL: ""; cut to fit). */
void store_column_copy(char *dst, size_t cap, sqlite3_stmt *st, int col);
/* Rows the last INSERT, UPDATE or DELETE of db changed. */
int store_changes(store *db);

/* Appends to the audit table (who: the login name; what; registration; detail). */
int store_audit(store *db, const char *action, const char *registration, const char *detail,
		ar_err *e);

#endif
