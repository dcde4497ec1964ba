/* SPDX-License-Identifier: Apache-2.0 */
/* The store on PostgreSQL through libpq: several `registrar serve` (and the CLI) on one
 * database. Every write transaction takes one advisory lock first, so that the rules the
 * verbs check inside it hold at commit on every server exactly as SQLite's BEGIN IMMEDIATE
 * makes them hold on one: no serial issued twice, no name bound twice (and the database's
 * own constraints refuse it besides). READ COMMITTED: each statement sees what committed
 * before it, the lock's holder everything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "store_impl.h"

/* The advisory lock every write transaction holds: "airreg" in ASCII. */
#define PG_WRITER_LOCK "126879297644903"
/* plan_cache_mode: each statement planned for its values; a generic plan made while the
 * tables were empty (a new database, before autovacuum's first ANALYZE) looked a name up
 * through the partial index of live CloudIds, and a batch of 10,000 ran at 124/s, not 664/s
 * (the bench, issue 20). Our statements are small: planning each costs little. */
#define PG_SESSION_SQL                                                                   \
	"SET lock_timeout = 10000; SET client_min_messages = warning; SET TIME ZONE 'UTC'; " \
	"SET plan_cache_mode = force_custom_plan"

_Static_assert(AR_DB_BUSY_TIMEOUT_MS == 10000, "PG_SESSION_SQL's lock_timeout");

/* libpq prints the server's notices on stderr: ours is one line a failure. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The first line of libpq's text (its messages end in a newline, some hold two lines). */
static void first_line(char *dst, size_t cap, const char *text)
{
	size_t n;

	text = text ? text : "";
	/* libpq's own severity prefix ("FATAL:  ", "ERROR:  "): the exit status says it */
	if (strncmp(text, "FATAL:", 6) == 0 || strncmp(text, "ERROR:", 6) == 0)
		text += 6 + strspn(text + 6, " ");
	n = strcspn(text, "\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, text, n);
	dst[n] = '\0';
}

void pg_note(store *db, const char *state, const char *message)
{
	snprintf(db->state, sizeof db->state, "%s", state ? state : "");
	first_line(db->message, sizeof db->message, message);
	if (pq.status(db->pg) != CONNECTION_OK)
		db->lost = 1;
}

void pg_note_result(store *db, const PGresult *r)
{
	const char *m = r ? pq.resultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	pg_note(db, r ? pq.resultErrorField(r, PG_DIAG_SQLSTATE) : NULL,
	     m ? m : pq.errorMessage(db->pg));
}

/* Failures of the place, not of the request: the connection, the server's state,
 * contention, a read-only standby, permissions. */
static int environment_state(const char *s)
{
	static const char *const classes[] = { "08", "28", "3D", "40", "53", "57", "58", NULL };
	static const char *const states[] = { "55P03", "25006", "42501", "55006", NULL };
	size_t i;

	for (i = 0; classes[i]; i++)
		if (strncmp(s, classes[i], 2) == 0)
			return 1;
	for (i = 0; states[i]; i++)
		if (strcmp(s, states[i]) == 0)
			return 1;
	return 0;
}

int pg_error(store *db, const char *what, ar_err *e)
{
	int status = (db->lost || environment_state(db->state)) ? AR_EENV : AR_EINTERNAL;

	return ar_fail(e, status, db->where, "database: %s: %s", what,
		       db->message[0] ? db->message : "failed");
}

int pg_exec(store *db, const char *sql)
{
	PGresult *r;
	int ok;

	if (db->lost) {
		pg_note(db, "08006", "the connection to the server was lost");
		return AR_EENV;
	}
	r = pq.exec(db->pg, sql);
	ok = r && (pq.resultStatus(r) == PGRES_COMMAND_OK || pq.resultStatus(r) == PGRES_TUPLES_OK);
	if (!ok)
		pg_note_result(db, r);
	/* a COMMIT of a transaction the server aborted says ROLLBACK, not an error */
	else if (strcmp(sql, "COMMIT") == 0 && strcmp(pq.cmdStatus(r), "COMMIT") != 0) {
		pg_note(db, "40000", "the server rolled the transaction back");
		ok = 0;
	}
	pq.clear(r);
	return ok ? AR_OK : AR_EINTERNAL;
}

/* sql with SQLite's parameters (?N, and ? for one past the largest so far) as
 * PostgreSQL's ($N); none is read inside a quoted literal. */
static char *translate(const char *sql, int *n_params)
{
	char *out = malloc(strlen(sql) * 3 + 1), *o = out;
	int quoted = 0, largest = 0;
	const char *p;

	if (!out)
		return NULL;
	for (p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p != '?' || quoted) {
			*o++ = *p;
			continue;
		}
		if (p[1] >= '1' && p[1] <= '9') {
			int n = 0;

			while (p[1] >= '0' && p[1] <= '9' && n < 100)
				n = n * 10 + (*++p - '0');
			if (n > largest)
				largest = n;
			o += sprintf(o, "$%d", n);
		} else {
			o += sprintf(o, "$%d", ++largest);
		}
	}
	*o = '\0';
	*n_params = largest;
	return out;
}

int pg_prepare(store *db, store_stmt *st, ar_err *e)
{
	char name[sizeof st->name], *text;
	PGresult *r;
	int ok;

	if (db->lost) {
		pg_note(db, "08006", "the connection to the server was lost");
		return pg_error(db, "prepare", e);
	}
	if (!(text = translate(st->sql, &st->n_params)))
		return ar_fail(e, AR_EINTERNAL, db->where, "out of memory");
	if (st->n_params > STORE_MAX_PARAMS) {
		free(text);
		return ar_fail(e, AR_EINTERNAL, db->where, "database: prepare: %d parameters",
			       st->n_params);
	}
	/* named only once the server has it: a statement prepared again (a new connection)
	 * whose PREPARE failed (a lock timeout) is prepared again at its next run */
	snprintf(name, sizeof name, "s%lu", ++db->statements);
	r = pq.prepare(db->pg, name, text, 0, NULL);
	free(text);
	ok = r && pq.resultStatus(r) == PGRES_COMMAND_OK;
	if (ok)
		memcpy(st->name, name, sizeof name);
	else
		pg_note_result(db, r);
	pq.clear(r);
	return ok ? AR_OK : pg_error(db, "prepare", e);
}

void pg_bind_text(store_stmt *st, int i, const char *v)
{
	if (i < 1 || i > STORE_MAX_PARAMS)
		return;
	free(st->params[i - 1]);
	st->params[i - 1] = v ? strdup(v) : NULL;
	if (v && !st->params[i - 1])
		st->row = -1; /* out of memory: the step fails */
}

/* The statement run once on the server: *r its result, NULL when it failed (noted). */
static PGresult *run(store_stmt *st)
{
	store *db = st->db;
	PGresult *r;
	ar_err e;

	if (!st->name[0] && pg_prepare(db, st, &e) != AR_OK)
		return NULL;
	r = pq.execPrepared(db->pg, st->name, st->n_params, (const char *const *)st->params, NULL,
			   NULL, 0);
	if (r && (pq.resultStatus(r) == PGRES_TUPLES_OK || pq.resultStatus(r) == PGRES_COMMAND_OK))
		return r;
	pg_note_result(db, r);
	pq.clear(r);
	return NULL;
}

int pg_step(store_stmt *st)
{
	store *db = st->db;
	PGresult *r;
	ar_err e;

	if (st->res)
		return ++st->row < st->rows ? STORE_ROW : STORE_DONE;
	if (st->row < 0 || (db->lost && db->in_tx)) {
		pg_note(db, db->lost ? "08006" : "", db->lost ? "the connection to the server was lost"
							    : "out of memory");
		return STORE_FAILED;
	}
	r = run(st);
	/* A connection found dead outside a transaction (the server restarted, a failover) is
	 * opened again and the statement, which changed nothing, run once more; inside one,
	 * the server rolled it back: the caller's transaction fails whole. */
	if (!r && db->lost && !db->in_tx && pg_revive(db, &e) == AR_OK)
		r = run(st);
	/* a statement in use outside the cache keeps the name of a connection since opened
	 * again (26000: no such prepared statement): prepared again, once */
	if (!r && !db->in_tx && strcmp(db->state, "26000") == 0) {
		st->name[0] = '\0';
		r = run(st);
	}
	if (!r)
		return STORE_FAILED;
	st->res = r;
	st->row = 0;
	st->rows = pq.resultStatus(r) == PGRES_TUPLES_OK ? pq.ntuples(r) : 0;
	if (pq.resultStatus(r) == PGRES_COMMAND_OK)
		db->changes = atoi(pq.cmdTuples(r));
	return st->rows > 0 ? STORE_ROW : STORE_DONE;
}

static int in_row(const store_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->rows && col >= 0 &&
	       col < pq.nfields(st->res);
}

const char *pg_column_text(store_stmt *st, int col)
{
	if (!in_row(st, col) || pq.getisnull(st->res, st->row, col))
		return NULL;
	return pq.getvalue(st->res, st->row, col);
}

long long pg_column_int64(store_stmt *st, int col)
{
	const char *v = pg_column_text(st, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

void pg_reset(store_stmt *st)
{
	int i;

	pq.clear(st->res);
	st->res = NULL;
	st->row = st->rows = 0;
	for (i = 0; i < STORE_MAX_PARAMS; i++) {
		free(st->params[i]);
		st->params[i] = NULL;
	}
}

/* The server forgets a statement with its session (so nothing is sent when it closes);
 * one dropped from a full cache is deallocated now (best effort: an aborted transaction
 * refuses it, and a name is never used twice). */
void pg_finalize(store_stmt *st)
{
	char sql[64];

	pg_reset(st);
	if (st->name[0] && !st->db->lost && !st->db->closing &&
	    pq.transactionStatus(st->db->pg) == PQTRANS_IDLE) {
		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		pq.clear(pq.exec(st->db->pg, sql));
	}
}

int pg_session(store *db, ar_err *e)
{
	pq.setNoticeProcessor(db->pg, quiet, NULL);
	return pg_exec(db, PG_SESSION_SQL) == AR_OK ? AR_OK : pg_error(db, "set up the session", e);
}

/* A lost connection is opened again between transactions, its statements forgotten (the
 * server's died with it). */
static int reconnect(store *db, ar_err *e)
{
	store_forget_statements(db);
	pq.reset(db->pg);
	db->lost = 0;
	if (pq.status(db->pg) != CONNECTION_OK) {
		pg_note(db, "08001", pq.errorMessage(db->pg));
		return pg_error(db, "connect", e);
	}
	return pg_session(db, e);
}

int pg_revive(store *db, ar_err *e)
{
	if (db->in_tx || (!db->lost && pq.status(db->pg) == CONNECTION_OK))
		return AR_OK;
	return reconnect(db, e);
}

int pg_begin(store *db, ar_err *e)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if ((db->lost || pq.status(db->pg) != CONNECTION_OK) && reconnect(db, e) != AR_OK)
			return e->status;
		if (pg_exec(db, "BEGIN") == AR_OK)
			break;
		if (!db->lost)
			return pg_error(db, "begin", e);
	}
	if (tries == 2)
		return pg_error(db, "begin", e);
	if (pg_exec(db, "SELECT pg_advisory_xact_lock(" PG_WRITER_LOCK ")") != AR_OK) {
		int rc = pg_error(db, "take the writer lock", e);

		pg_exec(db, "ROLLBACK");
		return rc;
	}
	return AR_OK;
}
