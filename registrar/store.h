/* SPDX-License-Identifier: Apache-2.0 */
/* The registrar's SQLite database: registrations, tenants, an append-only audit. */
#ifndef REGISTRAR_STORE_H
#define REGISTRAR_STORE_H

#include <sqlite3.h>

#include "err.h"

/* Opens DIR/registrar.db (create = 1: make it and its schema), WAL, foreign keys on,
 * busy timeout set, migrations applied. */
int store_open(const char *data_dir, int create, sqlite3 **db, ar_err *e);
/* Finalizes db's statements and closes it (NULL: nothing). Returns rc, the outcome so
 * far, or when that was AR_OK, the close's: AR_EENV when SQLite cannot close (a statement
 * still open), which would leave the -wal and -shm files behind. */
int store_close(sqlite3 *db, int rc, ar_err *e);
/* Makes DIR/registrar.db whole or not at all: built beside its place with its schema
 * and a first audit row, then linked in (never over an existing one). */
int store_create(const char *data_dir, const char *first_audit_detail, ar_err *e);

/* BEGIN IMMEDIATE; a busy database is AR_EENV. */
int store_begin(sqlite3 *db, ar_err *e);
/* Ends the transaction by rc, the outcome of the work inside it: COMMIT when it is
 * AR_OK, else ROLLBACK; returns the transaction's outcome. */
int store_end(sqlite3 *db, int rc, ar_err *e);

/* Prepares sql, or hands out the connection's cached statement for it; the error
 * names the database. Give it back with store_release(), never sqlite3_finalize(). */
int store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, ar_err *e);
void store_release(sqlite3_stmt *st);
/* Steps a statement that returns no row. */
int store_exec_step(sqlite3 *db, sqlite3_stmt *st, ar_err *e);
int store_error(sqlite3 *db, const char *what, ar_err *e);

/* Appends to the audit table (who: the login name; what; registration; detail). */
int store_audit(sqlite3 *db, const char *action, const char *registration, const char *detail,
		ar_err *e);

#endif
