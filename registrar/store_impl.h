/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the store: what store.c (the one interface) shares with its two engines,
 * store_sqlite.c and store_pg.c. Nothing else includes this. */
#ifndef REGISTRAR_STORE_IMPL_H
#define REGISTRAR_STORE_IMPL_H

#include <sqlite3.h>

#include "pq.h"
#include "store.h"

/* Prepared statements are kept for the life of the connection: a batch runs the same
 * few statements thousands of times, and compiling one costs as much as running it. */
#define STORE_CACHE_SLOTS 32
/* The most ?N parameters one statement of ours takes (register's UPDATE has 14). */
#define STORE_MAX_PARAMS 16

struct store_stmt {
	store *db;
	char *sql;    /* as the caller wrote it: the cache's key */
	int in_use;
	sqlite3_stmt *lite;
	/* PostgreSQL: the server's prepared statement, its parameters as text, its result */
	char name[24];
	int n_params;
	char *params[STORE_MAX_PARAMS];
	PGresult *res;
	int row, rows;
};

/* A connection and what is its alone: its statements. One thread uses a connection at a
 * time (registrar serve hands them out from a pool), so nothing here needs a lock. */
struct store {
	sqlite3 *lite;
	PGconn *pg;
	char where[512];      /* what an error names: the file, or the URL */
	store_stmt *cache[STORE_CACHE_SLOTS];
	/* PostgreSQL: rows the last command changed; the last failure's SQLSTATE and text */
	int changes;
	unsigned long statements; /* names given: s1, s2, ... */
	char state[6];
	char message[512];
	int lost;             /* the connection broke: every statement fails until revived */
	/* a statement failed since store_failure last looked (its error kept): the caller may
	 * have taken it for "no row" */
	int failed;
	ar_err failure;
	int closing;          /* statements are forgotten with the session, not deallocated */
	int in_tx;            /* between store_begin and store_end: never revived there */
};

/* SQLite (store_sqlite.c) */
int lite_open(const char *path, int create, const char *journal, store *db, ar_err *e);
int lite_prepare(store *db, store_stmt *st, ar_err *e);
void lite_reset(store_stmt *st);
void lite_finalize(store_stmt *st);
int lite_step(store_stmt *st);
void lite_bind_text(store_stmt *st, int i, const char *v);
void lite_bind_int64(store_stmt *st, int i, long long v);
long long lite_column_int64(store_stmt *st, int col);
const char *lite_column_text(store_stmt *st, int col);
int lite_column_is_null(store_stmt *st, int col);
int lite_exec(store *db, const char *sql);
int lite_error(store *db, const char *what, ar_err *e);
int lite_migrate(store *db, ar_err *e);
int lite_close(store *db);

/* PostgreSQL (store_pg.c) */
int pg_open(const char *url, int create, store *db, ar_err *e);
int pg_prepare(store *db, store_stmt *st, ar_err *e);
void pg_reset(store_stmt *st);
void pg_finalize(store_stmt *st);
int pg_step(store_stmt *st);
void pg_bind_text(store_stmt *st, int i, const char *v);
long long pg_column_int64(store_stmt *st, int col);
const char *pg_column_text(store_stmt *st, int col);
int pg_exec(store *db, const char *sql);
int pg_error(store *db, const char *what, ar_err *e);
int pg_begin(store *db, ar_err *e);
/* Outside a transaction, a lost connection is opened again (its statements forgotten). */
int pg_revive(store *db, ar_err *e);
int pg_schema_present(store *db, int *present, ar_err *e);
/* store_pg.c's, for store_pg_open.c: the session's settings; a failure's SQLSTATE and
 * text kept for pg_error (a lost connection marks db lost). */
int pg_session(store *db, ar_err *e);
void pg_note(store *db, const char *state, const char *message);
void pg_note_result(store *db, const PGresult *r);
void pg_close(store *db);

/* store_target.c: store_use_database's choice (NULL: none); a postgresql:// URL */
const char *store_chosen_target(void);
int store_is_pg_url(const char *target);

/* store.c: the cache, emptied when a connection is opened again (a statement in use is
 * kept, its name emptied: pg_step prepares it again) */
void store_forget_statements(store *db);

#endif
