/* SPDX-License-Identifier: Apache-2.0 */
/* Opening a PostgreSQL database: the connection, then, under the writer lock, the schema
 * made (init) or checked and migrated (every other verb). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_limits.h"
#include "store_impl.h"

int pg_schema_present(store *db, int *present, ar_err *e)
{
	PGresult *r = pq.exec(db->pg, "SELECT to_regclass('airreg_schema') IS NOT NULL");
	int ok = r && pq.resultStatus(r) == PGRES_TUPLES_OK && pq.ntuples(r) == 1;

	if (!ok) {
		pg_note_result(db, r);
		pq.clear(r);
		return pg_error(db, "read the schema", e);
	}
	*present = strcmp(pq.getvalue(r, 0, 0), "t") == 0;
	pq.clear(r);
	return AR_OK;
}

static int schema_version(store *db, int *version, ar_err *e)
{
	PGresult *r = pq.exec(db->pg, "SELECT version FROM airreg_schema");
	int ok = r && pq.resultStatus(r) == PGRES_TUPLES_OK && pq.ntuples(r) == 1;

	if (!ok) {
		if (r && pq.resultStatus(r) == PGRES_TUPLES_OK)
			pg_note(db, "", "airreg_schema holds no single version (damaged)");
		else
			pg_note_result(db, r);
		pq.clear(r);
		return pg_error(db, "read schema version", e);
	}
	*version = atoi(pq.getvalue(r, 0, 0));
	pq.clear(r);
	return AR_OK;
}

/* Inside the writer lock: makes the schema (create), or checks and migrates it. */
static int migrate(store *db, int create, ar_err *e)
{
	int target = STORE_PG_FIRST_VERSION + (int)store_pg_migration_count;
	int present = 0, version = 0, rc;
	char sql[96];

	if ((size_t)target != store_migration_count)
		return ar_fail(e, AR_EINTERNAL, db->where, "schema.c and schema_pg.c disagree");
	rc = pg_schema_present(db, &present, e);
	if (rc == AR_OK && present && create)
		return ar_fail(e, AR_EENV, db->where, "registrar already initialised: the database "
			       "holds a registrar schema");
	if (rc == AR_OK && !present && !create)
		return ar_fail(e, AR_EENV, db->where, "no registrar schema in this database "
			       "(registrar init --database URL makes it)");
	if (rc == AR_OK && create) {
		snprintf(sql, sizeof sql, "INSERT INTO airreg_schema (version) VALUES (%d)",
			 STORE_PG_FIRST_VERSION);
		rc = store_exec(db, store_pg_base, "create the schema", e);
		if (rc == AR_OK)
			rc = store_exec(db, sql, "create the schema", e);
		version = STORE_PG_FIRST_VERSION;
	} else if (rc == AR_OK) {
		rc = schema_version(db, &version, e);
	}
	if (rc == AR_OK && version > target)
		return ar_fail(e, AR_EENV, db->where,
			       "database schema %d is newer than this registrar (%d)", version, target);
	if (rc == AR_OK && version < STORE_PG_FIRST_VERSION)
		return ar_fail(e, AR_EENV, db->where, "database schema %d: not one this registrar "
			       "made (damaged)", version);
	for (; rc == AR_OK && version < target; version++) {
		snprintf(sql, sizeof sql, "UPDATE airreg_schema SET version = %d", version + 1);
		rc = store_exec(db, store_pg_migrations[version - STORE_PG_FIRST_VERSION],
				"migrate", e);
		if (rc == AR_OK)
			rc = store_exec(db, sql, "migrate", e);
	}
	return rc;
}

/* Whether the schema is there at this program's version already (then *rc is AR_OK), or
 * the connection failed (*rc its error): either way nothing more to do. */
static int current(store *db, ar_err *e, int *rc)
{
	int present = 0, version = 0;

	*rc = pg_schema_present(db, &present, e);
	if (*rc == AR_OK && present)
		*rc = schema_version(db, &version, e);
	if (*rc != AR_OK)
		return 1;
	return present && version == STORE_PG_FIRST_VERSION + (int)store_pg_migration_count;
}

/* create: 1 makes the schema and leaves its transaction open for the first rows (the
 * caller ends it); 0 checks and migrates it; -1 only connects. */
int pg_open(const char *url, int create, store *db, ar_err *e)
{
	/* defaults the URL may override: a server that stops answering over TCP (a primary
	 * cut off, no reset) is given up after about a minute, not waited on for ever */
	static const char *const keys[] = { "connect_timeout", "application_name", "keepalives_idle",
					    "keepalives_interval", "keepalives_count",
					    "tcp_user_timeout", "dbname", NULL };
	const char *values[] = { AR_PG_CONNECT_TIMEOUT, "airreg-registrar", "30", "10", "3",
				 "60000", url, NULL };
	int rc;

	snprintf(db->where, sizeof db->where, "%s", url);
	if (pq_load(e) != AR_OK)
		return e->status;
	db->pg = pq.connectdbParams(keys, values, 1);
	if (!db->pg)
		return ar_fail(e, AR_EINTERNAL, url, "out of memory");
	if (pq.status(db->pg) != CONNECTION_OK) {
		pg_note(db, "08001", pq.errorMessage(db->pg));
		return ar_fail(e, AR_EENV, url, "cannot connect to the database: %s", db->message);
	}
	if (pg_session(db, e) != AR_OK)
		return e->status;
	if (create < 0)
		return AR_OK;
	/* a schema of this version is used as it is: no writer lock taken, so that a reader
	 * never waits for a writer (the lock is for making or migrating it) */
	if (!create && current(db, e, &rc))
		return rc;
	if (pg_begin(db, e) != AR_OK)
		return e->status;
	db->in_tx = 1;
	rc = migrate(db, create, e);
	if (rc != AR_OK || !create)
		rc = store_end(db, rc, e);
	return rc;
}

void pg_close(store *db)
{
	pq.finish(db->pg);
	db->pg = NULL;
}
