#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The workstation takes the stamp's removal receipt (issue 18, part 2): registrar unregister
# --receipt FILE [--name NAME] marks a registration Deactivated, with the receipt kept and
# audited; list and show tell it from Unregistered. Every refusal is exit 4 with its exact
# line and the database unchanged (a dump before and after). Receipts are signed here with
# the stamp's own stamp.key (make_receipt.py), which also forges the ones to refuse; the
# tokens and keys are the programs' own. Last, a database of schema 4 migrated to the latest.
# Every clock is frozen (faketime -f with a date, UTC), so each time is exact.
. "$(dirname "$0")/lib.sh"
scratch
T0=$(date -u -d '2027-06-01 00:00:00' +%s)
T1=$((T0 - 3600)) # the removal on the stamp, an hour before the workstation takes it
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
clock() { env TZ=UTC faketime -f "$(at "$T0")" "$@"; }
dump() { db_dump "${1:-$WS}"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
kid() { $PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
# claims JTI NAME CLOUDID SERIAL KEY_SHA256: a receipt's claims, removed at T1
claims() {
	printf '{"version":1,"jti":"%s","registration":"%s","cloudId":"%s","serial":%s,"highWater":%s,"removedAt":%s,"activationKeySha256":"%s"}' \
		"$1" "$2" "$3" "$4" "$4" "$T1" "$5"
}
# receipt OUT STAMP_KEY CLAIMS [EDITED_CLAIMS]: a receipt signed with STAMP_KEY into OUT
receipt() { out=$1; shift; $PY "$E2E/make_receipt.py" "$@" >"$out"; }
# refuse "what" "the exact line" ARGS...: unregister ARGS is exit 4 with that line alone,
# nothing on stdout, the database unchanged
refuse() {
	what=$1; line=$2; shift 2
	dump >before.dump
	expect_exit 4 "$what" clock "$RG" unregister "$@"
	check "$what: the line" [ "$ERR" = "$line" ]
	check "$what: nothing on stdout" [ -z "$OUT" ]
	check "$what: database unchanged" [ "$(dump)" = "$(cat before.dump)" ]
}

CA=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
CB=bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
J1=10000000-0000-4000-8000-000000000001
J2=10000000-0000-4000-8000-000000000002
J3=10000000-0000-4000-8000-000000000003
J4=10000000-0000-4000-8000-000000000004
clock "$RG" init $(db_new "$WS") >/dev/null
# two stamps, each its own token-gen state: alpha (stamp A) and beta (stamp B)
for s in A B; do
	eval "c=\$C$s"
	clock "$TG" init --state-dir "st$s" --cloud-id "$c" >/dev/null
	clock "$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir "st$s" -o "tok$s.txt" >/dev/null
done
clock "$RG" register --token tokA.txt --name alpha >/dev/null
clock "$RG" register --token tokB.txt --name beta >/dev/null
clock "$RG" activation-key --name alpha -o a1.key >/dev/null
clock "$RG" activation-key --name beta -o b1.key >/dev/null
clock "$RG" tenant add --registration alpha --subscription 11111111-2222-4333-8444-555555555555 --tenant 66666666-7777-4888-8999-aaaaaaaaaaaa >/dev/null
check "a key issued records its SHA-256" [ "$(db_sql "$WS" "SELECT sha256 FROM keys WHERE serial = 1 AND registration_id = (SELECT id FROM registrations WHERE name = 'alpha')")" = "$(sha a1.key)" ]
db_pg || cp -a "$WS" ws4src # the schema-4 test's rows, taken before any receipt
openssl genpkey -algorithm ed25519 -out other.key 2>/dev/null
KA=$(kid stA/stamp.key)
KB=$(kid stB/stamp.key)
KO=$(kid other.key)
check "three different stamp keys" [ "$KA" != "$KB" ] && [ "$KA" != "$KO" ]

# the refusals, on alpha at serial 1 ...
receipt other.txt other.key "$(claims $J1 alpha $CA 1 "$(sha a1.key)")"
refuse "signed with another key" "registrar: other.txt: receipt signed by stamp key $KO, not by the stamp key of alpha ($KA)" --receipt other.txt
RECEIPT_KID=$KA receipt forged.txt other.key "$(claims $J1 alpha $CA 1 "$(sha a1.key)")"
refuse "another key naming the stamp's kid" "registrar: forged.txt: bad signature" --receipt forged.txt
receipt foreign.txt stB/stamp.key "$(claims $J1 alpha $CB 1 "$(sha b1.key)")"
refuse "another stamp's receipt" "registrar: foreign.txt: receipt signed by stamp key $KB, not by the stamp key of alpha ($KA)" --receipt foreign.txt
receipt wrongcloud.txt stA/stamp.key "$(claims $J1 alpha $CB 1 "$(sha a1.key)")"
refuse "another CloudId" "registrar: wrongcloud.txt: receipt names CloudId $CB, not the CloudId of alpha ($CA)" --receipt wrongcloud.txt
receipt edited.txt stA/stamp.key "$(claims $J1 alpha $CA 1 "$(sha a1.key)")" "$(claims $J1 alpha $CA 2 "$(sha a1.key)")"
refuse "claims edited after signing" "registrar: edited.txt: bad signature" --receipt edited.txt
receipt beta1.txt stB/stamp.key "$(claims $J1 beta $CB 1 "$(sha b1.key)")"
refuse "--name another registration than the receipt's" "registrar: beta1.txt: the receipt is for registration beta, not alpha" --receipt beta1.txt --name alpha
receipt gamma.txt stA/stamp.key "$(claims $J1 gamma $CA 1 "$(sha a1.key)")"
refuse "a registration there is not" "registrar: gamma.txt: RegistrationNotFound: gamma" --receipt gamma.txt
receipt never.txt stA/stamp.key "$(claims $J1 alpha $CA 2 "$(sha a1.key)")"
refuse "a serial never issued" "registrar: never.txt: receipt removes serial 2 of alpha, a serial never issued (the last issued is 1)" --receipt never.txt
receipt a1.txt stA/stamp.key "$(claims $J1 alpha $CA 1 "$(sha a1.key)")"
head -c 100 a1.txt >cut.txt
refuse "a truncated receipt" "registrar: cut.txt: not a JWS compact serialization (three dot-separated parts)" --receipt cut.txt
refuse "a token for a receipt" "registrar: tokA.txt: this is a registration token: carry it to the workstation (registrar register --token tokA.txt)" --receipt tokA.txt
refuse "an activation key for a receipt" "registrar: a1.key: this is an activation key: carry it to the stamp (key-import a1.key)" --receipt a1.key
dump >before.dump
expect_exit 2 "--receipt with --token" clock "$RG" unregister --receipt a1.txt --token tokA.txt
check "--receipt with --token: the line" [ "$ERR" = "registrar: unregister --receipt takes no --token or --cloud-id (the receipt names its registration)" ]
expect_exit 2 "--receipt with --cloud-id" clock "$RG" unregister --receipt a1.txt --cloud-id $CA
check "usage refusals: database unchanged" [ "$(dump)" = "$(cat before.dump)" ]

# ... then a second key: the first one's receipt no longer proves anything
clock "$RG" activation-key --name alpha -o a2.key >/dev/null
refuse "a receipt for serial 1 after serial 2 was issued" "registrar: a1.txt: receipt removes serial 1 of alpha, but serial 2 was issued after it: that key may still be in use; remove it on the stamp and bring its receipt" --receipt a1.txt
receipt wrongkey.txt stA/stamp.key "$(claims $J2 alpha $CA 2 "$(sha a1.key)")"
refuse "a wrong activationKeySha256" "registrar: wrongkey.txt: receipt names an activation key that is not serial 2 of alpha as issued (SHA-256 $(sha a2.key))" --receipt wrongkey.txt
check "no receipt taken by the refusals" [ "$(db_sql "$WS" 'SELECT count(*) FROM receipts')" = 0 ]

# the happy path: Registered -> Deactivated
receipt a2.txt stA/stamp.key "$(claims $J2 alpha $CA 2 "$(sha a2.key)")"
expect_exit 0 "unregister --receipt" clock "$RG" unregister --receipt a2.txt
check "deactivated: the line, then the receipt's SHA-256 (to compare with the stamp's)" [ "$OUT" = "registrar: deactivated alpha (CloudId $CA): the stamp removed serial 2 at $(iso $T1); receipt $J2 kept; the name stays reserved for it
$(sha256sum <a2.txt | cut -c1-64)  a2.txt" ]
check "deactivated: nothing on stderr" [ -z "$ERR" ]
expect_exit 0 "list" clock "$RG" list
check "list says Deactivated" [ "$(printf '%s\n' "$OUT" | awk '$1 == "alpha" { print $3 }')" = Deactivated ]
check "list: beta still Registered" [ "$(printf '%s\n' "$OUT" | awk '$1 == "beta" { print $3 }')" = Registered ]
expect_exit 0 "list --json" clock "$RG" list --json
check "list --json says Deactivated" [ "$($PY -c 'import json, sys; print([r["status"] for r in json.loads(sys.argv[1])["value"] if r["name"] == "alpha"][0])' "$OUT")" = Deactivated ]
expect_exit 0 "show" clock "$RG" show alpha
check "show says Deactivated" sh -c 'printf "%s\n" "$1" | grep -qx "Status              Deactivated"' _ "$OUT"
check "show gives the last receipt" sh -c 'printf "%s\n" "$1" | grep -A1 "^Last receipt" | diff - "$2"' _ "$OUT" "$(printf '%s\n' \
"Last receipt        $J2, serial 2 removed $(iso $T1), taken $(iso $T0)" \
"                    SHA-256 $(sha a2.txt)" >want.show; echo want.show)"
expect_exit 0 "show --json" clock "$RG" show alpha --json
check "show --json: status and lastReceipt" [ "$($PY -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["status"], json.dumps(r["lastReceipt"], sort_keys=True))' "$OUT")" = "Deactivated {\"jti\": \"$J2\", \"removedAt\": $T1, \"serial\": 2, \"sha256\": \"$(sha a2.txt)\", \"takenAt\": $T0}" ]
expect_exit 0 "show beta --json" clock "$RG" show beta --json
check "show --json: no receipt is null" [ "$($PY -c 'import json, sys; print(json.loads(sys.argv[1])["lastReceipt"])' "$OUT")" = None ]
expect_exit 0 "show beta" clock "$RG" show beta
check "show: no receipt is none" sh -c 'printf "%s\n" "$1" | grep -qx "Last receipt        none"' _ "$OUT"
check "the audit row" [ "$(db_sql "$WS" "SELECT at || ' ' || action || ' ' || registration || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" = "$T0 deactivate alpha serial 2, receipt $J2, sha256 $(sha a2.txt)" ]
check "the receipt kept whole" [ "$(db_sql "$WS" 'SELECT text FROM receipts')" = "$(cat a2.txt)" ]

# the same receipt again: nothing changed; another one for the same removal: refused
dump >before.dump
expect_exit 0 "the same receipt again" clock "$RG" unregister --receipt a2.txt --name alpha
check "the same receipt again: the line, then its SHA-256" [ "$OUT" = "registrar: alpha: already deactivated by this receipt, nothing changed
$(sha256sum <a2.txt | cut -c1-64)  a2.txt" ]
check "the same receipt again: database unchanged" [ "$(dump)" = "$(cat before.dump)" ]
receipt a2again.txt stA/stamp.key "$(claims $J3 alpha $CA 2 "$(sha a2.key)")"
refuse "another receipt once deactivated" "registrar: a2again.txt: alpha is deactivated already, by receipt $J2" --receipt a2again.txt
# a plain unregister of a deactivated registration: nothing to do, and said so
dump >before.dump
expect_exit 0 "unregister --name of a deactivated registration" clock "$RG" unregister --name alpha
check "unregister --name of a deactivated one: the line" [ "$OUT" = "registrar: alpha: already deactivated (the stamp's receipt), nothing changed" ]
check "unregister --name of a deactivated one: database unchanged" [ "$(dump)" = "$(cat before.dump)" ]
refuse "--name on a receipt read from stdin, another registration" "registrar: (stdin): the receipt is for registration alpha, not beta" --receipt - --name beta <a2.txt

# Unregistered (without proof), then the receipt: Deactivated
clock "$RG" unregister --name beta >/dev/null
receipt b1.txt stB/stamp.key "$(claims $J4 beta $CB 1 "$(sha b1.key)")"
expect_exit 0 "Unregistered, then the receipt" clock "$RG" unregister --receipt - <b1.txt
check "Unregistered -> Deactivated: the line, then the SHA-256 of what stdin held" [ "$OUT" = "registrar: deactivated beta (CloudId $CB): the stamp removed serial 1 at $(iso $T1); receipt $J4 kept; the name stays reserved for it
$(sha256sum <b1.txt | cut -c1-64)  (stdin)" ]
check "Unregistered -> Deactivated: the status" [ "$(db_sql "$WS" "SELECT status FROM registrations WHERE name = 'beta'")" = Deactivated ]
# a deactivated registration's tenant mappings carry as an unregistered one's do
clock "$RG" tenant add --registration beta --subscription 22222222-2222-4333-8444-555555555555 --tenant 66666666-7777-4888-8999-bbbbbbbbbbbb >/dev/null
clock "$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stB -o tokB2.txt >/dev/null
expect_exit 0 "register the deactivated stamp under a new name, its tenants carried" clock "$RG" register --token tokB2.txt --name beta2 --carry-tenants
check "the tenants carried from the deactivated registration" [ "$(printf '%s\n' "$OUT" | sed -n 2p)" = "registrar: carried 1 tenant mapping from beta (unregistered; same CloudId and stamp key)" ]

# registered again, the name is live again; the receipt taken before proves nothing now
clock "$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stA -o tokA2.txt >/dev/null
expect_exit 0 "register alpha again" clock "$RG" register --token tokA2.txt --name alpha
check "registered again: Registered" [ "$(db_sql "$WS" "SELECT status FROM registrations WHERE name = 'alpha'")" = Registered ]
refuse "a replayed receipt after registering again" "registrar: a2.txt: receipt $J2 was taken before: a receipt is proof once" --receipt a2.txt
# nor does a fresh one for the serial it removed (no new key issued since): one removal a key
refuse "a second receipt for a serial deactivated before" "registrar: a2again.txt: serial 2 of alpha was deactivated before, by receipt $J2" --receipt a2again.txt

# the rest is SQLite's alone: migrations from the schemas before 6 (PostgreSQL starts at 6)
if db_pg; then finish deactivate; exit; fi
# a database of schema 4 (what the registrar before this one made: its migrations 1 to 4),
# holding the rows taken before any receipt, migrated to 5 when first opened
cat >schema4.sql <<'EOF'
CREATE TABLE registrations (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, cloud_id TEXT NOT NULL,
  stamp_kid TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Registered', 'Unregistered')),
  billing_model TEXT NOT NULL, agreement_number TEXT, asset_tag TEXT,
  usage_reporting INTEGER NOT NULL, marketplace_syndication INTEGER NOT NULL,
  token TEXT NOT NULL, token_sha256 TEXT NOT NULL, token_issued_at INTEGER NOT NULL,
  claims TEXT NOT NULL, registered_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  key_serial INTEGER NOT NULL DEFAULT 0, key_expires INTEGER);
CREATE UNIQUE INDEX registrations_live_cloud ON registrations (cloud_id)
  WHERE status = 'Registered';
CREATE INDEX registrations_cloud ON registrations (cloud_id);
CREATE TABLE tenants (
  registration_id INTEGER NOT NULL REFERENCES registrations (id),
  subscription TEXT NOT NULL, tenant TEXT NOT NULL,
  PRIMARY KEY (registration_id, subscription));
CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, registration TEXT, detail TEXT);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE UNIQUE INDEX tenants_one_subscription ON tenants (registration_id, tenant);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE keys (
  registration_id INTEGER NOT NULL REFERENCES registrations (id),
  serial INTEGER NOT NULL, issued_at INTEGER, expires_at INTEGER,
  PRIMARY KEY (registration_id, serial));
ATTACH 'ws4src/registrar.db' AS src;
INSERT INTO registrations SELECT * FROM src.registrations;
INSERT INTO tenants SELECT * FROM src.tenants;
INSERT INTO audit SELECT * FROM src.audit;
INSERT INTO settings SELECT * FROM src.settings;
INSERT INTO keys SELECT registration_id, serial, issued_at, expires_at FROM src.keys;
PRAGMA user_version = 4;
EOF
mkdir old
cp ws4src/issuer.key ws4src/issuer.pub old/ 2>/dev/null
chmod 700 old
check "a schema-4 database made" sqlite3 old/registrar.db <schema4.sql
rows() { sqlite3 "$1/registrar.db" 'SELECT * FROM registrations ORDER BY id; SELECT * FROM tenants; SELECT registration_id, serial, issued_at, expires_at FROM keys ORDER BY 1, 2; SELECT * FROM audit ORDER BY id'; }
rows ws4src >rows.before
check "schema 4: the old CHECK" sh -c "sqlite3 old/registrar.db .schema | grep -q \"CHECK (status IN ('Registered', 'Unregistered'))\""
expect_exit 0 "list, a schema-4 database" clock "$RG" list --data-dir "$WORK/old"
check "schema 4 migrated to 6" [ "$(sqlite3 old/registrar.db 'PRAGMA user_version')" = 6 ]
check "registrations, tenants, keys and audit intact" [ "$(rows old)" = "$(cat rows.before)" ]
check "foreign_key_check empty" [ -z "$(sqlite3 old/registrar.db 'PRAGMA foreign_key_check')" ]
check "the live-CloudId index kept" [ "$(sqlite3 old/registrar.db "SELECT sql FROM sqlite_master WHERE name = 'registrations_live_cloud'")" = "CREATE UNIQUE INDEX registrations_live_cloud ON registrations (cloud_id)  WHERE status = 'Registered'" ]
check "keys of schema 4: no SHA-256 recorded" [ "$(sqlite3 old/registrar.db 'SELECT count(*) FROM keys WHERE sha256 IS NULL')" = 2 ]
# a key issued before schema 5 has no SHA-256 to check a receipt's against
receipt old.txt stA/stamp.key "$(claims $J1 alpha $CA 1 0000000000000000000000000000000000000000000000000000000000000000)"
expect_exit 0 "a receipt on the migrated database" clock "$RG" unregister --receipt old.txt --data-dir "$WORK/old"
check "migrated: Deactivated" [ "$(sqlite3 old/registrar.db "SELECT status FROM registrations WHERE name = 'alpha'")" = Deactivated ]
check "migrated: the tenants still there" [ "$(sqlite3 old/registrar.db 'SELECT count(*) FROM tenants')" = 1 ]

# a schema-4 database with a row naming a registration that is not there (an edited one): the
# rebuild's foreign_key_check refuses it, exit 5, nothing changed (still schema 4)
mkdir orphan && chmod 700 orphan
sed 's/^PRAGMA user_version = 4;$/INSERT INTO tenants VALUES (99, "s", "t"); PRAGMA user_version = 4;/' schema4.sql >orphan.sql
check "an orphan tenant row made" sqlite3 orphan/registrar.db <orphan.sql
dump orphan >before.dump
expect_exit 5 "a schema-4 database with an orphan row" clock "$RG" list --data-dir "$WORK/orphan"
check "an orphan row: the line" [ "$ERR" = "registrar: $WORK/orphan/registrar.db: database: migrate: a row refers to a registration that is not there (PRAGMA foreign_key_check)" ]
check "an orphan row: database unchanged" [ "$(dump orphan)" = "$(cat before.dump)" ]
check "an orphan row: still schema 4" [ "$(sqlite3 orphan/registrar.db 'PRAGMA user_version')" = 4 ]
finish deactivate
