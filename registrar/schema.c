/* SPDX-License-Identifier: Apache-2.0 */
/* The registrar database's schema, as the forward migrations that build it: a database of
 * any earlier version is brought to the last one when opened (store.c, migrate()). */
#include <stddef.h>

#include "store.h"

/* The columns of registrations, in their order: the table rebuild of migration 5 copies them. */
#define REGISTRATION_COLUMNS                                                                   \
	"id, name, cloud_id, stamp_kid, status, billing_model, agreement_number, asset_tag, "   \
	"usage_reporting, marketplace_syndication, token, token_sha256, token_issued_at, "      \
	"claims, registered_at, updated_at, key_serial, key_expires"

/* Triggers that refuse any change to a table's rows but adding one. */
#define APPEND_ONLY(TABLE)                                                                     \
	"CREATE TRIGGER " TABLE "_no_update BEFORE UPDATE ON " TABLE                           \
	"  BEGIN SELECT RAISE(ABORT, 'the " TABLE " table is append-only'); END;"               \
	"CREATE TRIGGER " TABLE "_no_delete BEFORE DELETE ON " TABLE                           \
	"  BEGIN SELECT RAISE(ABORT, 'the " TABLE " table is append-only'); END;"

/* Forward migrations: entry N brings the schema from version N to N+1. */
/* The registrations table as schema 1 made it, but for its name and the statuses its CHECK
 * allows (schema 5 rebuilds it to add one: SQLite cannot alter a CHECK). */
#define REGISTRATIONS_TABLE(NAME, STATUSES) \
	"CREATE TABLE " NAME " (" \
	"  id INTEGER PRIMARY KEY," \
	"  name TEXT NOT NULL UNIQUE," \
	"  cloud_id TEXT NOT NULL," \
	"  stamp_kid TEXT NOT NULL," \
	"  status TEXT NOT NULL CHECK (status IN (" STATUSES "))," \
	"  billing_model TEXT NOT NULL," \
	"  agreement_number TEXT," \
	"  asset_tag TEXT," \
	"  usage_reporting INTEGER NOT NULL," \
	"  marketplace_syndication INTEGER NOT NULL," \
	"  token TEXT NOT NULL," \
	"  token_sha256 TEXT NOT NULL," \
	"  token_issued_at INTEGER NOT NULL," \
	"  claims TEXT NOT NULL," \
	"  registered_at INTEGER NOT NULL," \
	"  updated_at INTEGER NOT NULL," \
	"  key_serial INTEGER NOT NULL DEFAULT 0," \
	"  key_expires INTEGER" \
	");"

const char *const store_migrations[] = {
	REGISTRATIONS_TABLE("registrations", "'Registered', 'Unregistered'")
	/* a CloudId has at most one live registration */
	"CREATE UNIQUE INDEX registrations_live_cloud ON registrations (cloud_id)"
	"  WHERE status = 'Registered';"
	"CREATE INDEX registrations_cloud ON registrations (cloud_id);"
	"CREATE TABLE tenants ("
	"  registration_id INTEGER NOT NULL REFERENCES registrations (id),"
	"  subscription TEXT NOT NULL,"
	"  tenant TEXT NOT NULL,"
	"  PRIMARY KEY (registration_id, subscription)"
	");"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  registration TEXT,"
	"  detail TEXT"
	");"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;",
	/* 2: a tenant maps to one subscription per registration (add overwrites) */
	"CREATE UNIQUE INDEX tenants_one_subscription ON tenants (registration_id, tenant);",
	/* 3: registrar-wide settings (registrar config); a setting not stored is its built-in
	 * default, so a database migrated to 3 behaves as it did at 2 */
	"CREATE TABLE settings ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");",
	/* 4: every key issued, with its issue time and expiry (registrar show's history); the
	 * registrations row keeps the last one's, as before. A database of schema 3 recorded
	 * the rest only in the audit ("serial N, jti ..." at its time): its keys are taken from
	 * there, each with its audit time, the last with the expiry the row holds and the
	 * earlier ones with none (it was never kept); a last key no audit row names (an edited
	 * database) with no issue time. */
	"CREATE TABLE keys ("
	"  registration_id INTEGER NOT NULL REFERENCES registrations (id),"
	"  serial INTEGER NOT NULL,"
	"  issued_at INTEGER,"
	"  expires_at INTEGER,"
	"  PRIMARY KEY (registration_id, serial)"
	");"
	"INSERT OR IGNORE INTO keys (registration_id, serial, issued_at, expires_at)"
	"  SELECT r.id, a.serial, a.at, CASE WHEN a.serial = r.key_serial THEN r.key_expires END"
	"  FROM (SELECT registration, at, CAST(substr(detail, 8, instr(detail, ',') - 8)"
	"        AS INTEGER) AS serial FROM audit"
	"        WHERE action = 'activation-key' AND detail LIKE 'serial %,%') a"
	"  JOIN registrations r ON r.name = a.registration"
	"  WHERE a.serial BETWEEN 1 AND r.key_serial;"
	"INSERT OR IGNORE INTO keys (registration_id, serial, issued_at, expires_at)"
	"  SELECT id, key_serial, NULL, key_expires FROM registrations WHERE key_serial > 0;",
	/* 5: a registration the stamp proved it stopped using (a removal receipt) is
	 * 'Deactivated', told from 'Unregistered' (no proof). SQLite cannot alter a CHECK, so
	 * the table is rebuilt the way its documentation gives (ALTER TABLE, "making other
	 * kinds of table schema changes"): migrate() turns foreign keys off around it and runs
	 * foreign_key_check before the commit. The receipts taken are kept whole; a key issued
	 * from now on records its SHA-256, which a receipt must name (NULL for older keys: not
	 * checked, nothing to check it against). */
	REGISTRATIONS_TABLE("registrations_new", "'Registered', 'Unregistered', 'Deactivated'")
	"INSERT INTO registrations_new (" REGISTRATION_COLUMNS ")"
	"  SELECT " REGISTRATION_COLUMNS " FROM registrations;"
	"DROP TABLE registrations;"
	"ALTER TABLE registrations_new RENAME TO registrations;"
	"CREATE UNIQUE INDEX registrations_live_cloud ON registrations (cloud_id)"
	"  WHERE status = 'Registered';"
	"CREATE INDEX registrations_cloud ON registrations (cloud_id);"
	"CREATE TABLE receipts ("
	"  id INTEGER PRIMARY KEY,"
	"  registration_id INTEGER NOT NULL REFERENCES registrations (id),"
	"  jti TEXT NOT NULL UNIQUE,"
	"  serial INTEGER NOT NULL,"
	"  removed_at INTEGER NOT NULL,"
	"  taken_at INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  text TEXT NOT NULL"
	");"
	"CREATE INDEX receipts_registration ON receipts (registration_id);"
	"ALTER TABLE keys ADD COLUMN sha256 TEXT;",
	/* 6: the issuer's keys in order (rotate-issuer-key): version 1 is a key no statement
	 * vouches for (init's), each later one holds the rotation statement signed by the one
	 * before it and by itself. What is revoked, and every revocation list signed, in order.
	 * None of it is ever changed or removed; a registration's revoked serials only rise. */
	"CREATE TABLE issuer_keys ("
	"  version INTEGER PRIMARY KEY CHECK (version >= 1),"
	"  kid TEXT NOT NULL UNIQUE,"
	"  public_key TEXT NOT NULL,"
	"  statement TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  CHECK ((version = 1) = (statement IS NULL))"
	");"
	"CREATE TABLE revoked_issuer_keys ("
	"  kid TEXT PRIMARY KEY,"
	"  revoked_at INTEGER NOT NULL"
	");"
	"CREATE TABLE revoked_activations ("
	"  registration_id INTEGER PRIMARY KEY REFERENCES registrations (id),"
	"  serials_up_to INTEGER NOT NULL CHECK (serials_up_to >= 1),"
	"  revoked_at INTEGER NOT NULL"
	");"
	"CREATE TABLE revocation_lists ("
	"  version INTEGER PRIMARY KEY CHECK (version >= 1),"
	"  issuer_kid TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	APPEND_ONLY("issuer_keys")
	APPEND_ONLY("revoked_issuer_keys")
	APPEND_ONLY("revocation_lists")
	"CREATE TRIGGER revoked_activations_no_delete BEFORE DELETE ON revoked_activations"
	"  BEGIN SELECT RAISE(ABORT, 'a revocation is never lifted'); END;"
	"CREATE TRIGGER revoked_activations_only_rise BEFORE UPDATE ON revoked_activations"
	"  WHEN NEW.serials_up_to < OLD.serials_up_to"
	"    OR NEW.registration_id != OLD.registration_id"
	"  BEGIN SELECT RAISE(ABORT, 'a revocation is never lifted'); END;",
};

const size_t store_migration_count = sizeof store_migrations / sizeof store_migrations[0];
