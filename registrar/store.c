/* SPDX-License-Identifier: Apache-2.0 */
/* The store's one interface: statements (cached a connection), transactions, the audit;
 * each call handed to the connection's engine. */
#include "store.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_impl.h"

void store_column_copy(char *dst, size_t cap, store_stmt *st, int col)
{
	const char *v = store_column_text(st, col);

	snprintf(dst, cap, "%s", v ? v : "");
}

int store_error(store *db, const char *what, ar_err *e)
{
	return db->pg ? pg_error(db, what, e) : lite_error(db, what, e);
}

/* A statement of db for sql not in use, marked in use; NULL when there is none. */
static store_stmt *cached(store *db, const char *sql)
{
	size_t i;

	for (i = 0; i < STORE_CACHE_SLOTS; i++)
		if (db->cache[i] && !db->cache[i]->in_use && strcmp(db->cache[i]->sql, sql) == 0) {
			db->cache[i]->in_use = 1;
			return db->cache[i];
		}
	return NULL;
}

/* Keeps st in a free slot; with none free, it is finalized when released. */
static void keep(store *db, store_stmt *st)
{
	size_t i;

	for (i = 0; i < STORE_CACHE_SLOTS && db->cache[i]; i++)
		;
	if (i < STORE_CACHE_SLOTS)
		db->cache[i] = st;
}

static void finalize(store_stmt *st)
{
	if (st->db->pg)
		pg_finalize(st);
	else
		lite_finalize(st);
	free(st->sql);
	free(st);
}

int store_prepare(store *db, const char *sql, store_stmt **st, ar_err *e)
{
	int rc;

	/* a statement outside a transaction finds a connection lost since opened again */
	if (db->pg && pg_revive(db, e) != AR_OK)
		return e->status;
	*st = cached(db, sql);
	if (*st)
		return AR_OK;
	*st = calloc(1, sizeof **st);
	if (!*st || !((*st)->sql = strdup(sql))) {
		free(*st);
		*st = NULL;
		return ar_fail(e, AR_EINTERNAL, db->where, "out of memory");
	}
	(*st)->db = db;
	(*st)->in_use = 1;
	rc = db->pg ? pg_prepare(db, *st, e) : lite_prepare(db, *st, e);
	if (rc != AR_OK) {
		finalize(*st);
		*st = NULL;
		return rc;
	}
	keep(db, *st);
	return AR_OK;
}

void store_release(store *db, store_stmt *st)
{
	size_t i;

	if (db->pg)
		pg_reset(st);
	else
		lite_reset(st);
	for (i = 0; i < STORE_CACHE_SLOTS; i++)
		if (db->cache[i] == st) {
			st->in_use = 0;
			return;
		}
	finalize(st);
}

void store_forget_statements(store *db)
{
	size_t i;

	for (i = 0; i < STORE_CACHE_SLOTS; i++) {
		if (!db->cache[i])
			continue;
		/* one a caller holds stays its; prepared again on the new connection */
		if (db->cache[i]->in_use && !db->closing) {
			db->cache[i]->name[0] = '\0';
			continue;
		}
		finalize(db->cache[i]);
		db->cache[i] = NULL;
	}
}

void store_bind_text(store_stmt *st, int i, const char *v)
{
	if (st->db->pg)
		pg_bind_text(st, i, v);
	else
		lite_bind_text(st, i, v);
}

void store_bind_int64(store_stmt *st, int i, long long v)
{
	char text[24];

	if (!st->db->pg) {
		lite_bind_int64(st, i, v);
		return;
	}
	snprintf(text, sizeof text, "%lld", v);
	pg_bind_text(st, i, text);
}

void store_bind_null(store_stmt *st, int i)
{
	store_bind_text(st, i, NULL);
}

/* The first failure is kept: what follows it is most often its consequence. */
static void failed_now(store *db, const char *what)
{
	if (db->failed)
		return;
	store_error(db, what, &db->failure);
	db->failed = 1;
}

int store_failure(store *db, int rc, ar_err *e)
{
	if (!db || !db->failed)
		return rc;
	db->failed = 0;
	if (rc == AR_EENV || rc == AR_EINTERNAL)
		return rc;
	*e = db->failure;
	return e->status;
}

int store_step(store_stmt *st)
{
	int rc = st->db->pg ? pg_step(st) : lite_step(st);

	if (rc == STORE_FAILED)
		failed_now(st->db, "read");
	return rc;
}

long long store_column_int64(store_stmt *st, int col)
{
	return st->db->pg ? pg_column_int64(st, col) : lite_column_int64(st, col);
}

const char *store_column_text(store_stmt *st, int col)
{
	return st->db->pg ? pg_column_text(st, col) : lite_column_text(st, col);
}

int store_column_is_null(store_stmt *st, int col)
{
	return st->db->pg ? pg_column_text(st, col) == NULL : lite_column_is_null(st, col);
}

int store_changes(store *db)
{
	return db->pg ? db->changes : sqlite3_changes(db->lite);
}

int store_exec_step(store *db, store_stmt *st, ar_err *e)
{
	int rc = store_step(st);
	int status = (rc == STORE_DONE || rc == STORE_ROW) ? AR_OK : store_error(db, "write", e);

	store_release(db, st);
	return status;
}

int store_exec(store *db, const char *sql, const char *what, ar_err *e)
{
	if ((db->pg ? pg_exec(db, sql) : lite_exec(db, sql)) != AR_OK) {
		failed_now(db, what);
		return store_error(db, what, e);
	}
	return AR_OK;
}

int store_begin(store *db, ar_err *e)
{
	/* IMMEDIATE takes the write lock now, so rules checked inside hold at commit. */
	int rc = db->pg ? pg_begin(db, e) : store_exec(db, "BEGIN IMMEDIATE", "begin", e);

	db->in_tx = rc == AR_OK;
	return rc;
}

int store_end(store *db, int rc, ar_err *e)
{
	db->in_tx = 0;
	/* a statement that failed inside may have been read as "no row": never committed */
	rc = store_failure(db, rc, e);
	if (rc == AR_OK)
		return store_exec(db, "COMMIT", "commit", e);
	if (db->pg)
		pg_exec(db, "ROLLBACK");
	else
		lite_exec(db, "ROLLBACK");
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
	store_stmt *st;

	if (store_prepare(db, "INSERT INTO audit (at, actor, action, registration, detail) "
			  "VALUES (?, ?, ?, ?, ?)", &st, e) != AR_OK)
		return e->status;
	store_bind_int64(st, 1, (long long)time(NULL));
	store_bind_text(st, 2, actor());
	store_bind_text(st, 3, action);
	store_bind_text(st, 4, registration);
	store_bind_text(st, 5, detail);
	return store_exec_step(db, st, e);
}
