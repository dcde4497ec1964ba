#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The PostgreSQL schema's own rules (issue 20): what the registrar checks in C, the database
# refuses too, whichever server or hand writes it. A throw-away cluster (cluster.sh); each
# refused statement leaves every table as it was. What the registrar says at the database's
# edge (no schema, another version, init again, the server down) is refusals.sh's.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/cluster.sh"
scratch
trap 'pg_cluster_stop; chmod -R u+rwX "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
pg_cluster_start || exit 1
URL=$(pg_database reg) || exit 1
"$TG" init >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o t.txt >/dev/null
"$TG" init --state-dir other >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node1.json" --state-dir other -o t2.txt >/dev/null
expect_exit 0 "init --database URL" "$RG" init --database "$URL"
check "the URL recorded" [ "$(cat "$WS/database")" = "$URL" ]
check "schema version 6" [ "$(pg_sql reg 'SELECT version FROM airreg_schema')" = 6 ]
expect_exit 0 "register" "$RG" register --token t.txt --name east
expect_exit 0 "register another stamp" "$RG" register --token t2.txt --name west
expect_exit 0 "a key" "$RG" activation-key --name east -o k.txt
expect_exit 0 "rotate" "$RG" rotate-issuer-key -o rot.json
old=$(sed -n 's/.*(was \([^)]*\))$/\1/p' "$WORK/out")
expect_exit 0 "revoke" "$RG" revoke --name east -o rl.txt
expect_exit 0 "revoke the old issuer key" "$RG" revoke --issuer-key "$old" -o rl.txt --force

tables="registrations tenants audit settings keys receipts issuer_keys revoked_issuer_keys revoked_activations revocation_lists airreg_schema"
# every table, one psql
dump() {
	set --
	for t in $tables; do set -- "$@" -c "SELECT '== $t'" -c "SELECT * FROM $t ORDER BY $t::text"; done
	"$PG_BINDIR/psql" -X -q -At -h "$PG_SOCKET" -U "$PG_USER" -d reg "$@"
}
check "the dump holds every table's rows" sh -c 'd=$1; for w in "== revocation_lists" east west "|1|"; do case $d in *"$w"*) ;; *) exit 1 ;; esac; done' _ "$(dump)"
refused() { # refused "what" SQL: the database refuses it; nothing changed
	before=$(dump)
	if pg_sql reg "$2" >"$WORK/out" 2>"$WORK/err"; then bad "$1: accepted"; else ok; fi
	check "$1: nothing changed" [ "$(dump)" = "$before" ]
}
for t in audit issuer_keys revoked_issuer_keys revocation_lists; do
	refused "$t: UPDATE" "UPDATE $t SET created_at = 0" 2>/dev/null
	refused "$t: DELETE" "DELETE FROM $t"
	refused "$t: TRUNCATE" "TRUNCATE $t CASCADE"
done
refused "audit: UPDATE" "UPDATE audit SET detail = 'x'"
refused "a revocation lowered" "UPDATE revoked_activations SET serials_up_to = 0"
refused "a revocation lifted" "DELETE FROM revoked_activations"
refused "a revocation moved" "UPDATE revoked_activations SET registration_id = registration_id + 1"
expect_exit 0 "raising a revocation is the one change allowed" pg_sql reg "UPDATE revoked_activations SET serials_up_to = serials_up_to + 1"
refused "a name moved to another CloudId" "UPDATE registrations SET cloud_id = (SELECT cloud_id FROM registrations WHERE name = 'west') WHERE name = 'east'"
refused "a name moved to another stamp key" "UPDATE registrations SET stamp_kid = 'x' WHERE name = 'east'"
refused "a name renamed" "UPDATE registrations SET name = 'north' WHERE name = 'east'"
refused "a serial lowered" "UPDATE registrations SET key_serial = 0 WHERE name = 'east'"
refused "a registration removed" "DELETE FROM registrations WHERE name = 'west'"
refused "registrations truncated" "TRUNCATE registrations CASCADE"
refused "a serial issued twice" "INSERT INTO keys (registration_id, serial) SELECT registration_id, serial FROM keys"
refused "a second name for a live CloudId" "INSERT INTO registrations (name, cloud_id, stamp_kid, status, billing_model, usage_reporting, marketplace_syndication, token, token_sha256, token_issued_at, claims, registered_at, updated_at) SELECT 'east2', cloud_id, stamp_kid, 'Registered', billing_model, 0, 0, token, token_sha256, token_issued_at, claims, 0, 0 FROM registrations WHERE name = 'east'"
refused "a status no registrar writes" "UPDATE registrations SET status = 'Paused' WHERE name = 'east'"
refused "a second issuer key 1" "INSERT INTO issuer_keys (version, kid, public_key, created_at) VALUES (1, 'x', 'x', 0)"
refused "a tenant of a registration not there" "INSERT INTO tenants VALUES (999, 'a', 'b')"

finish "pg schema"
