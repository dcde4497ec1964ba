/* SPDX-License-Identifier: Apache-2.0 */
/* The registrar's database: registrations, tenants, an append-only audit. One interface
 * over two engines: SQLite (a file, the default: DATA_DIR/registrar.db) and PostgreSQL
 * (libpq, a postgresql:// URL) for several servers on one database (docs/scaling.md). The
 * SQL the verbs run is written once, in the subset both engines read alike, with SQLite's
 * ?N parameters. */
#ifndef REGISTRAR_STORE_H
#define REGISTRAR_STORE_H

#include <stddef.h>

#include "err.h"

/* The schema's forward migrations (schema.c): entry N brings version N to N+1; the last
 * version is their count. PostgreSQL's (schema_pg.c) start at STORE_PG_FIRST_VERSION,
 * made whole by store_pg_base: no PostgreSQL database of an earlier schema ever existed. */
extern const char *const store_migrations[];
extern const size_t store_migration_count;
#define STORE_PG_FIRST_VERSION 6
extern const char store_pg_base[];
extern const char *const store_pg_migrations[];
extern const size_t store_pg_migration_count;

/* Where the database is, for every verb of this process: a postgresql:// (or postgres://)
 * URL, or a SQLite file's path; NULL: the data directory's choice (store_target). Set
 * once by main() before any store_* call (--database, else $AIRREG_DATABASE). */
void store_use_database(const char *target);
/* AR_OK when target may be used: a URL libpq parses that carries no password (ps and
 * /proc show it: PGPASSFILE or ~/.pgpass hold it), or an absolute path; else AR_EUSAGE
 * naming what. */
int store_check_target(const char *target, const char *what, ar_err *e);
/* The database of DATA_DIR into out: store_use_database's, else the URL or path init
 * --database recorded in DATA_DIR/database, else DATA_DIR/registrar.db. *is_url: it is
 * a PostgreSQL URL. */
int store_target(const char *data_dir, char *out, size_t cap, int *is_url, ar_err *e);
/* What DATA_DIR/database records (*present 0: nothing), whatever --database says. */
int store_recorded_target(const char *data_dir, char *out, size_t cap, int *present, ar_err *e);
/* Records the URL or path init was given in DATA_DIR/database (one line, no secret in
 * it), so that later verbs find it without the flag; the default records nothing. */
int store_record_target(const char *data_dir, ar_err *e);
/* *exists: DATA_DIR's database holds a registrar schema (a file there, or the schema's
 * version table in the PostgreSQL database). */
int store_exists(const char *data_dir, int *exists, ar_err *e);

/* One connection to the database, with its own cached statements; used by one thread at
 * a time. */
typedef struct store store;
/* A prepared statement of one connection: bind (?N is N, from 1), step, read columns
 * (from 0), release. */
typedef struct store_stmt store_stmt;
enum { STORE_ROW = 100, STORE_DONE = 101, STORE_FAILED = 1 };

/* Opens DATA_DIR's database (store_target; create = 1: make it and its schema; SQLite:
 * WAL, foreign keys on, busy timeout set), migrations applied. */
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

/* Begins a write transaction holding the database's one writer lock (SQLite: BEGIN
 * IMMEDIATE; PostgreSQL: a transaction advisory lock, so that rules checked inside hold at
 * commit on every server alike); a busy database is AR_EENV. A PostgreSQL connection found
 * lost is opened again here, once, before anything is done. */
int store_begin(store *db, ar_err *e);
/* Ends the transaction by rc, the outcome of the work inside it: COMMIT when it is
 * AR_OK, else ROLLBACK; returns the transaction's outcome. */
int store_end(store *db, int rc, ar_err *e);

/* Prepares sql, or hands out the connection's cached statement for it; the error
 * names the database. Give it back with store_release(). */
int store_prepare(store *db, const char *sql, store_stmt **st, ar_err *e);
void store_release(store *db, store_stmt *st);
/* Parameter i (from 1): the text is copied; NULL binds NULL. */
void store_bind_text(store_stmt *st, int i, const char *v);
void store_bind_int64(store_stmt *st, int i, long long v);
void store_bind_null(store_stmt *st, int i);
/* STORE_ROW (a row to read), STORE_DONE, else STORE_FAILED (store_error says why). */
int store_step(store_stmt *st);
long long store_column_int64(store_stmt *st, int col);
/* NULL when the column is NULL; valid until the next step or the release. */
const char *store_column_text(store_stmt *st, int col);
int store_column_is_null(store_stmt *st, int col);
/* Runs sql, which returns no row (what names the step in the error). */
int store_exec(store *db, const char *sql, const char *what, ar_err *e);
/* Steps a statement that returns no row. */
int store_exec_step(store *db, store_stmt *st, ar_err *e);
int store_error(store *db, const char *what, ar_err *e);
/* Column col of st's row as text into dst (cap bytes; NULL: ""; cut to fit). */
void store_column_copy(char *dst, size_t cap, store_stmt *st, int col);
/* rc, unless a statement of db failed since this was last asked (a read that failed reads
 * as no row to a caller that asks only for STORE_ROW): then that failure (AR_EENV for a
 * lost connection or a busy database, else AR_EINTERNAL) when rc is not one already.
 * store_end and store_close ask it (a transaction in which anything failed is never
 * committed); serve asks it after each request. */
int store_failure(store *db, int rc, ar_err *e);
/* Rows the last INSERT, UPDATE or DELETE of db changed. */
int store_changes(store *db);

/* Appends to the audit table (who: the login name; what; registration; detail). */
int store_audit(store *db, const char *action, const char *registration, const char *detail,
		ar_err *e);

#endif
