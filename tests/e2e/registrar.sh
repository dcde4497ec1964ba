#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# registrar end to end: tokens made by token-gen from real captures; every rule
# accepted and refused, the database unchanged (dump compared) on each refusal.
. "$(dirname "$0")/lib.sh"
TG=$BIN/token-gen
RG=$BIN/registrar
ROOTS=$TESTDATA/hwdata/roots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM # killed: the EXIT trap still cleans
cd "$WORK" || exit 1
D=$WORK/data
export AIRREG_DATA_DIR=$D

"$TG" probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T480" --host n1 -o n1.json
"$TG" probe --root "$ROOTS/jcreekmore-Dell-PowerEdge-anonymized" --host n2 -o n2.json
"$TG" probe --root "$ROOTS/uroot-SuperMicro-X9DBL" --host n3 -o n3.json
"$TG" init --state-dir stampA >/dev/null
"$TG" init --state-dir stampB >/dev/null
"$TG" create --billing-model Capacity --agreement-number 1234 --host n1.json --host n2.json --state-dir stampA -o A1.txt >/dev/null
"$TG" create --billing-model Development --host n3.json --state-dir stampB -o B1.txt >/dev/null
cloudA=$(cat stampA/cloud-id)
cloudB=$(cat stampB/cloud-id)
# n1's and n3's records carry a board serial (SMBIOS type 2): register takes them (issue 16)
check "the token's host records carry boardSerial" $PY -c 'import json; assert json.load(open("n1.json"))["boardSerial"] and json.load(open("n3.json"))["boardSerial"]'

dump() { db_dump "$D"; }

expect_exit 5 "register before init" "$RG" register --token A1.txt --name east
check "register before init: the line names the data directory" [ "$ERR" = "registrar: no such directory $D: check --data-dir and \$AIRREG_DATA_DIR (registrar init --data-dir $D makes a new workstation there)" ]
expect_exit 0 "init" "$RG" init $(db_new "$D")
check "issuer key 0600" [ "$(stat -c %a "$D/issuer.key")" = 600 ]
check "data dir 0700" [ "$(stat -c %a "$D")" = 700 ]
check "openssl reads the issuer key" openssl pkey -in "$D/issuer.key" -noout
db_pg || check "WAL mode" [ "$(db_sql "$D" 'PRAGMA journal_mode')" = wal ]
check "schema version 6" [ "$(db_schema_version "$D")" = 6 ]
check "schema 3 has the settings table, empty" [ "$(db_sql "$D" 'SELECT count(*) FROM settings')" = 0 ]
check "schema 4 has the keys table, empty" [ "$(db_sql "$D" 'SELECT count(*) FROM keys')" = 0 ]
check "schema 5 has the receipts table, empty" [ "$(db_sql "$D" 'SELECT count(*) FROM receipts')" = 0 ]
# init names the issuer key as a stamp will: its kid (RFC 7638) and issuer.pub's SHA-256
kid=$(/usr/bin/python3 -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1],"rb").read()).thumbprint())' "$D/issuer.pub")
check "init prints the kid and the SHA-256 of issuer.pub" [ "$OUT" = "registrar: initialised $D: issuer public key issuer.pub, kid $kid
$(sha256sum "$D/issuer.pub")" ]
expect_exit 5 "init twice" "$RG" init
one_line_error "init twice" "registrar already initialised"

expect_exit 0 "register" "$RG" register --token A1.txt --name east
check "register names the CloudId" sh -c "printf '%s' \"\$1\" | grep -q 'registered east: CloudId $cloudA, 2 hosts, Capacity'" _ "$OUT"

refuse() { # refuse STATUS "message" args...: refused, one line, database unchanged
	want=$1; msg=$2; shift 2
	before=$(dump)
	expect_exit "$want" "$*" "$RG" "$@"
	one_line_error "$*" "$msg"
	check "$*: database unchanged" [ "$(dump)" = "$before" ]
}
before=$(dump)
expect_exit 0 "register the same token again" "$RG" register --token A1.txt --name east
check "the same token again: nothing changed, said so" [ "$OUT" = "registrar: east: already registered with this token, nothing changed (CloudId $cloudA, token SHA-256 $(sha256sum A1.txt | cut -c1-64))" ]
check "the same token again: database unchanged (no audit row either)" [ "$(dump)" = "$before" ]
# the same token is the registration whatever its age: 31 days on, still "already registered"
# (before: "token is older than 30 days", the age rule ran before the lookup)
expect_exit 0 "the same token again, 31 days on" env TZ=UTC faketime -f +31d "$RG" register --token A1.txt --name east
check "31 days on: nothing changed, said so" [ "$OUT" = "registrar: east: already registered with this token, nothing changed (CloudId $cloudA, token SHA-256 $(sha256sum A1.txt | cut -c1-64))" ]
check "31 days on: database unchanged" [ "$(dump)" = "$before" ]
refuse 4 "CloudId $cloudA is already registered (as east)" register --token A1.txt --name west
refuse 4 "registration name east is already associated with another cloud identifier" register --token B1.txt --name east
refuse 2 "register needs --name" register --token A1.txt
refuse 2 "--name" register --token A1.txt --name 'bad name'
refuse 2 "register needs --token" register --name x
refuse 4 "missing.txt: cannot open" register --token missing.txt --name x
cut -c1-300 A1.txt > truncated.txt
refuse 4 "truncated.txt: not a JWS" register --token truncated.txt --name x
/usr/bin/python3 -c '
import sys; t = open("A1.txt").read(); i = len(t) - 10
sys.stdout.write(t[:i] + ("B" if t[i] == "A" else "A") + t[i + 1:])' > bitflip.txt
refuse 4 "bitflip.txt: bad signature" register --token bitflip.txt --name x
# re-signed with another key: the same claims, another stamp key in the header
/usr/bin/python3 - <<'PYEOF'
import base64, json, zlib
from jwcrypto import jws, jwk
p = open("A1.txt").read().split(".")[1]
claims = zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15)
k = jwk.JWK.generate(kty="OKP", crv="Ed25519")
s = jws.JWS(zlib.compress(claims)[2:-4])
hdr = {"alg": "EdDSA", "typ": "airreg-registration-token", "zip": "DEF",
       "jwk": json.loads(k.export_public())}
s.add_signature(k, None, json.dumps(hdr, separators=(",", ":")))
open("resigned.txt", "w").write(s.serialize(compact=True))
PYEOF
refuse 4 "was registered by a different stamp key" register --token resigned.txt --name east
# tokens from the wrong time, re-signed with the genuine stamp key
/usr/bin/python3 - <<'PYEOF'
import base64, json, time, zlib
from jwcrypto import jws, jwk
key = jwk.JWK.from_pem(open("stampA/stamp.key", "rb").read())
p = open("A1.txt").read().split(".")[1]
claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
hdr = {"alg": "EdDSA", "typ": "airreg-registration-token", "zip": "DEF",
       "jwk": json.loads(key.export_public())}
for name, when in (("future.txt", time.time() + 3600), ("stale.txt", time.time() - 31 * 86400)):
    claims["issuedAt"] = int(when)
    raw = json.dumps(claims, separators=(",", ":")).encode()
    s = jws.JWS(zlib.compress(raw)[2:-4])
    s.add_signature(key, None, json.dumps(hdr, separators=(",", ":")))
    open(name, "w").write(s.serialize(compact=True))
PYEOF
refuse 4 "future.txt: token issued 20" register --token future.txt --name later
one_line_error "future token: the next step" " from now: the stamp's clock is 1 hour ahead of this workstation's, or this one is behind; set the wrong one right (a new token if it was the stamp's)"
refuse 4 "stale.txt: token is older than 30 days" register --token stale.txt --name later
same() { # same "line" args...: exit 0, that one line on stdout, none on stderr, the database
	# unchanged and no audit row (what the API answers 204 or 200 to, issue 17 part 4)
	line=$1; shift
	before=$(dump)
	rows=$(db_sql "$D" 'SELECT count(*) FROM audit')
	expect_exit 0 "$*" "$RG" "$@"
	check "$*: says nothing changed: $OUT" [ "$OUT" = "$line" ]
	check "$*: nothing on stderr" [ -z "$ERR" ]
	check "$*: no audit row" [ "$(db_sql "$D" 'SELECT count(*) FROM audit')" = "$rows" ]
	check "$*: database unchanged" [ "$(dump)" = "$before" ]
}
# nothing live to unregister: exit 0, said so, nothing written (before: exit 4 RegistrationNotFound)
same "registrar: nobody: no registration of that name, nothing to unregister" unregister --name nobody
refuse 2 "unregister takes one of --name, --token or --cloud-id" unregister --name east --cloud-id "$cloudA"
refuse 2 "is not a UUID" unregister --cloud-id nope
same "registrar: CloudId 5c0ffee0-1111-4222-8333-444455556666: no registration of that CloudId, nothing to unregister" unregister --cloud-id 5C0FFEE0-1111-4222-8333-444455556666
same "registrar: CloudId $cloudB: no registration of that CloudId, nothing to unregister" unregister --token B1.txt
refuse 2 "unknown verb" frobnicate
refuse 2 "does not apply to register" register --json --token A1.txt --name east

# a renewal: same CloudId, same stamp key, same name, newer token
sleep 1
"$TG" create --billing-model Development --host n1.json --state-dir stampA -o A2.txt >/dev/null
expect_exit 0 "renewal" "$RG" register --token A2.txt --name east
check "renewal reported" sh -c "printf '%s' \"\$1\" | grep -q 'renewed east'" _ "$OUT"
refuse 4 "older than the one registered as east (rolled back)" register --token A1.txt --name east
check "one registration row" [ "$(db_sql "$D" 'SELECT count(*) FROM registrations')" = 1 ]

expect_exit 0 "list" "$RG" list
check "list shows east" sh -c "printf '%s' \"\$1\" | grep -q '^east  *$cloudA Registered  *Development'" _ "$OUT"
expect_exit 0 "list --json" "$RG" list --json
check "list --json" sh -c "printf '%s' \"\$1\" | /usr/bin/python3 -c '
import json,sys; v=json.load(sys.stdin)[\"value\"]
assert [(r[\"name\"], r[\"cloudId\"], r[\"status\"]) for r in v]==[(\"east\",\"$cloudA\",\"Registered\")]'" _ "$OUT"
expect_exit 0 "show" "$RG" show east
# a format-2 token's hosts: the name and the model, no UUID in clear (there is none to show)
check "show hosts: name, model, cores" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts *n1 LENOVO 20L8S07A14, 4 cores'" _ "$OUT"
check "show hosts: no UUID" sh -c "! printf '%s' \"\$1\" | grep -q 161674cc" _ "$OUT"
expect_exit 0 "show --json" "$RG" show east --json
check "show --json: the token's hosts, digests and model" sh -c "printf '%s' \"\$1\" | $PY -c '
import json,sys; h=json.load(sys.stdin)[\"hosts\"][0]
assert h[\"name\"]==\"n1\" and h[\"product\"]==\"20L8S07A14\" and len(h[\"uuid\"])==11 and \"uuidSource\" not in h, h'" _ "$OUT"
refuse 4 "RegistrationNotFound: west" show west

# unregister: all three ways work; the name stays reserved. A token must be the stamp's,
# under register's age rules: the one before the renewal is refused, so is another key's.
refuse 4 "A1.txt: token is older than the one registered as east (rolled back)" unregister --token A1.txt
refuse 4 "resigned.txt: CloudId $cloudA was registered by a different stamp key (refused)" unregister --token resigned.txt
refuse 4 "stale.txt: token is older than 30 days" unregister --token stale.txt
expect_exit 0 "unregister by token" "$RG" unregister --token A2.txt
check "status Unregistered" [ "$(db_sql "$D" "SELECT status FROM registrations WHERE name='east'")" = Unregistered ]
refuse 4 "already associated with another cloud identifier" register --token B1.txt --name east
expect_exit 0 "register B as west" "$RG" register --token B1.txt --name west
expect_exit 0 "unregister by CloudId" "$RG" unregister --cloud-id "$(echo "$cloudB" | tr a-f A-F)"
expect_exit 0 "re-register east after unregister" "$RG" register --token A2.txt --name east
expect_exit 0 "unregister by name" "$RG" unregister --name east
check "unregister by name: the line" [ "$OUT" = "registrar: unregistered east (CloudId $cloudA); the name stays reserved for it" ]
# again, each way: exit 0, nothing changed, no audit row (the API's DELETE: 204)
same "registrar: east: already unregistered, nothing changed" unregister --name east
same "registrar: CloudId $cloudA: already unregistered, nothing changed" unregister --cloud-id "$(echo "$cloudA" | tr a-f A-F)"
same "registrar: CloudId $cloudA: already unregistered, nothing changed" unregister --token A2.txt
same "registrar: CloudId $cloudB: already unregistered, nothing changed" unregister --token B1.txt
check "audit is append-only" db_refused "$D" 'DELETE FROM audit' 'the audit table is append-only'
db_pg && check "audit is append-only: TRUNCATE" db_refused "$D" 'TRUNCATE audit' 'the audit table is append-only'
check "audit rows" [ "$(db_sql "$D" 'SELECT action FROM audit ORDER BY id' | paste -sd' ')" = \
	"init register renew unregister register unregister register unregister" ]

# registrars at once: all succeed, the database stays intact
i=0
while [ $i -lt 8 ]; do
	"$TG" init --state-dir "stamp$i" >/dev/null
	"$TG" create --billing-model Development --host n3.json --state-dir "stamp$i" -o "c$i.txt" >/dev/null
	i=$((i + 1))
done
i=0
while [ $i -lt 8 ]; do
	"$RG" register --token "c$i.txt" --name "par$i" >"par$i.out" 2>&1 &
	i=$((i + 1))
done
wait
check "8 concurrent registrations" [ "$(db_sql "$D" "SELECT count(*) FROM registrations WHERE name LIKE 'par%' AND status='Registered'")" = 8 ]
db_pg || check "integrity_check" [ "$(db_sql "$D" 'PRAGMA integrity_check')" = ok ]


# --- tenants (customerSubscriptions) ----------------------------------------------
SUB1=11111111-2222-4333-8444-555555555555
SUB2=66666666-7777-4888-9999-aaaaaaaaaaaa
TEN1=0a0a0a0a-1111-4222-8333-444444444444
expect_exit 0 "tenant list empty" "$RG" tenant list --registration par0
check "empty list" [ "$OUT" = '{"value":[]}' ]
expect_exit 0 "tenant add" "$RG" tenant add --registration par0 --subscription $SUB1 --tenant $TEN1
expect_exit 0 "tenant list" "$RG" tenant list --registration par0
check "list shape" [ "$OUT" = "{\"value\":[{\"id\":\"/providers/Microsoft.AzureStack/registrations/par0/customerSubscriptions/$SUB1\",\"name\":\"par0/$SUB1\",\"type\":\"Microsoft.AzureStack/registrations/customerSubscriptions\",\"properties\":{\"tenantId\":\"$TEN1\"}}]}" ]
expect_exit 0 "tenant add overwrites the tenant's subscription" "$RG" tenant add --registration par0 --subscription $SUB2 --tenant $TEN1
expect_exit 0 "tenant list after overwrite" "$RG" tenant list --registration par0
check "one mapping, the new subscription" sh -c "printf '%s' \"\$1\" | /usr/bin/python3 -c '
import json,sys; v=json.load(sys.stdin)[\"value\"]
assert [(t[\"name\"], t[\"properties\"][\"tenantId\"]) for t in v]==[(\"par0/$SUB2\",\"$TEN1\")], v'" _ "$OUT"
# the same pair again changes nothing (before: deleted, inserted and audited again); GUIDs in
# any case, kept and shown in lower case (before: an upper-case subscription was exit 2)
same "registrar: par0: subscription $SUB2 -> tenant $TEN1, already mapped, nothing changed" tenant add --registration par0 --subscription $SUB2 --tenant $TEN1
same "registrar: par0: subscription $SUB2 -> tenant $TEN1, already mapped, nothing changed" tenant add --registration par0 --subscription "$(echo $SUB2 | tr a-f A-F)" --tenant "$(echo $TEN1 | tr a-f A-F)"
TEN2=0d0d0d0d-1111-4222-8333-444444444444
expect_exit 0 "tenant add, upper case" "$RG" tenant add --registration par0 --subscription "$(echo $SUB1 | tr a-f A-F)" --tenant "$(echo $TEN2 | tr a-f A-F)"
check "tenant add, upper case: shown in lower case" [ "$OUT" = "registrar: par0: subscription $SUB1 -> tenant $TEN2" ]
check "tenant add, upper case: audited" [ "$(db_sql "$D" "SELECT action || ' ' || registration || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" = "tenant add par0 $SUB1" ]
expect_exit 0 "tenant list, upper case added" "$RG" tenant list --registration par0
check "listed in lower case" [ "$(printf '%s' "$OUT" | jq -c '[.value[] | [.name, .properties.tenantId]]')" = "[[\"par0/$SUB1\",\"$TEN2\"],[\"par0/$SUB2\",\"$TEN1\"]]" ]
expect_exit 0 "tenant remove, upper case" "$RG" tenant remove --registration par0 --subscription "$(echo $SUB1 | tr a-f A-F)"
check "tenant remove, upper case: shown in lower case" [ "$OUT" = "registrar: par0: removed subscription $SUB1" ]
check "tenant remove: audited" [ "$(db_sql "$D" "SELECT action || ' ' || registration || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" = "tenant remove par0 $SUB1" ]
refuse 2 "is not a GUID" tenant add --registration par0 --subscription nope --tenant $TEN1
refuse 2 "needs --tenant" tenant add --registration par0 --subscription $SUB1
# a tenant given but no GUID is named, not called missing (before: "needs --tenant GUID")
refuse 2 'registrar: --tenant "nope" is not a GUID' tenant add --registration par0 --subscription $SUB1 --tenant nope
refuse 4 "RegistrationNotFound: nobody" tenant add --registration nobody --subscription $SUB1 --tenant $TEN1
# a subscription not mapped: exit 0, nothing changed (the API's DELETE: 204; before: exit 4)
same "registrar: par0: subscription $SUB1 is not mapped, nothing changed" tenant remove --registration par0 --subscription $SUB1
same "registrar: par0: subscription $SUB1 is not mapped, nothing changed" tenant remove --registration par0 --subscription "$(echo $SUB1 | tr a-f A-F)"
refuse 4 "RegistrationNotFound: nobody" tenant remove --registration nobody --subscription $SUB1
refuse 4 "RegistrationNotFound" tenant list --registration nobody
refuse 2 "tenant takes one of" tenant --registration par0

# a stamp that unregistered and registers again under a new name (same CloudId, same stamp
# key) leaves its tenant mappings behind unless the operator asks (--carry-tenants): the new
# name may be another customer's (before: they were carried without asking)
check "a first registration carries nothing" sh -c '! grep -q carried par1.out'
"$RG" tenant add --registration par1 --subscription $SUB1 --tenant $TEN1 >/dev/null
"$RG" tenant add --registration par1 --subscription $SUB2 --tenant 0b0b0b0b-1111-4222-8333-444444444444 >/dev/null
"$RG" unregister --name par1 >/dev/null
expect_exit 0 "register again under a new name" "$RG" register --token c1.txt --name par1b
check "says what it left, and how to take it" [ "$(printf '%s\n' "$OUT" | sed -n 2p)" = "registrar: par1 (unregistered; same CloudId and stamp key) has 2 tenant mappings, not carried: registrar tenant list --registration par1 shows them; registrar register --carry-tenants --token c1.txt --name par1b takes them" ]
expect_exit 0 "tenant list of the new name" "$RG" tenant list --registration par1b
check "nothing carried without the flag" [ "$OUT" = '{"value":[]}' ]
check "no carry audited" [ "$(db_sql "$D" "SELECT count(*) FROM audit WHERE action = 'tenant carry'")" = 0 ]
# the flag forgotten: the same token again with it takes them (the registration unchanged)
expect_exit 0 "the same token again, --carry-tenants" "$RG" register --carry-tenants --token c1.txt --name par1b
check "already registered, and carried" [ "$OUT" = "registrar: par1b: already registered with this token (CloudId $(cat stamp1/cloud-id), token SHA-256 $(sha256sum c1.txt | cut -c1-64))
registrar: carried 2 tenant mappings from par1 (unregistered; same CloudId and stamp key)" ]
expect_exit 0 "tenant list of the new name" "$RG" tenant list --registration par1b
check "the mappings followed" [ "$(printf '%s' "$OUT" | jq -c '[.value[].properties.tenantId] | sort')" = '["0a0a0a0a-1111-4222-8333-444444444444","0b0b0b0b-1111-4222-8333-444444444444"]' ]
expect_exit 0 "tenant list of the old name" "$RG" tenant list --registration par1
check "the old registration keeps its own" [ "$(printf '%s' "$OUT" | jq '.value | length')" = 2 ]
check "the carry is audited" [ "$(db_sql "$D" "SELECT action || ' ' || registration || ' ' || detail FROM audit WHERE action = 'tenant carry'")" = "tenant carry par1b 2 from par1" ]
before=$(dump)
expect_exit 0 "the same command again" "$RG" register --carry-tenants --token c1.txt --name par1b
check "the same command again: nothing changed" [ "$OUT" = "registrar: par1b: already registered with this token, nothing changed (CloudId $(cat stamp1/cloud-id), token SHA-256 $(sha256sum c1.txt | cut -c1-64))" ]
check "the same command again: database unchanged" [ "$(dump)" = "$before" ]
# the flag given at once: carried on the registration that starts
"$RG" tenant add --registration par2 --subscription $SUB1 --tenant $TEN1 >/dev/null
"$RG" unregister --name par2 >/dev/null
expect_exit 0 "register under a new name, --carry-tenants" "$RG" register --carry-tenants --token c2.txt --name par2b
check "says what it carried" [ "$(printf '%s\n' "$OUT" | sed -n 2p)" = "registrar: carried 1 tenant mapping from par2 (unregistered; same CloudId and stamp key)" ]
check "the mapping followed" [ "$(db_sql "$D" "SELECT t.subscription || ' ' || t.tenant FROM tenants t JOIN registrations r ON r.id = t.registration_id WHERE r.name = 'par2b'")" = "$SUB1 $TEN1" ]
# a new name that holds mappings of its own: nothing merged, the operator chooses
"$RG" tenant add --registration par3 --subscription $SUB1 --tenant $TEN1 >/dev/null
"$RG" unregister --name par3 >/dev/null
"$RG" register --token c3.txt --name par3b >/dev/null
"$RG" tenant add --registration par3b --subscription $SUB2 --tenant 0c0c0c0c-1111-4222-8333-444444444444 >/dev/null
refuse 4 "registrar: par3b already has 1 tenant mapping; nothing carried from par3 (unregistered; same CloudId and stamp key): register without --carry-tenants, then add each one you want (registrar tenant list --registration par3 shows them; registrar tenant add --registration par3b adds one)" register --carry-tenants --token c3.txt --name par3b
refuse 2 "an option given does not apply to unregister" unregister --carry-tenants --name par3b
# back under the old name: its own row again, its own mappings, nothing carried or offered
"$RG" unregister --name par1b >/dev/null
expect_exit 0 "register again under the old name" "$RG" register --token c1.txt --name par1
check "the old name carries nothing" [ "$(printf '%s\n' "$OUT" | grep -c 'carried\|not carried')" = 0 ]

# --- activation keys ----------------------------------------------------------------
expect_exit 0 "export-issuer-key" "$RG" export-issuer-key -o issuer.pub
check "issuer.pub is the issuer's public key" [ "$(openssl pkey -in "$D/issuer.key" -pubout)" = "$(cat issuer.pub)" ]
expect_exit 0 "activation-key" "$RG" activation-key --name par0 -o key1.txt
check "serial 1 reported" sh -c "printf '%s' \"\$1\" | grep -q 'activation key for par0, serial 1, valid 365 days'" _ "$OUT"
check "key SHA-256 as sha256sum" sh -c "printf '%s' \"\$1\" | grep -qx \"\$(sha256sum key1.txt)\"" _ "$OUT"
# the key's days by the one rule key-import counts them by (issue 15, part 4): its expiry
# as a date, and 365 days left, on the line that issued it and in show (was "expires" and
# the bare time)
exp1=$(/usr/bin/python3 -c 'import base64,json,zlib; p=open("key1.txt").read().split(".")[1]; print(json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))["exp"])')
exp1=$(date -u -d "@$exp1" '+%Y-%m-%dT%H:%M:%SZ')
check "the key's expiry as a date" sh -c "printf '%s\n' \"\$1\" | grep -qx 'registrar: wrote key1.txt: activation key for par0, serial 1, valid 365 days (until $exp1), [0-9]* bytes'" _ "$OUT"
expect_exit 0 "show, a key issued" "$RG" show par0
check "show: 365 days left" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Last key serial     1, expires $exp1 (in 365 days)'" _ "$OUT"
expect_exit 0 "second key, 30 days" "$RG" activation-key --name par0 --valid-days 30 -o key2.txt
check "30 days" sh -c "printf '%s\n' \"\$1\" | grep -q '^registrar: wrote key2.txt: activation key for par0, serial 2, valid 30 days (until '" _ "$OUT"
stampkid=$(/usr/bin/python3 -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("stamp0/stamp.pub","rb").read()).thumbprint())')
tokensha=$(sha256sum c0.txt | cut -d' ' -f1)
check "python3-jwcrypto verifies the key with the exported issuer key" /usr/bin/python3 - <<PYEOF
import base64, hashlib, hmac, json, time, zlib
from jwcrypto import jws, jwk
k = jwk.JWK.from_pem(open("issuer.pub", "rb").read())
t = jws.JWS(); t.deserialize(open("key2.txt").read())
assert t.jose_header["kid"] == k.thumbprint() and t.jose_header["typ"] == "airreg-activation-key"
assert t.jose_header["zip"] == "DEF"
t.verify(k)
c = json.loads(zlib.decompress(t.payload, -15))
assert c["sub"] == "par0" and c["serial"] == 2 and c["cnf"]["jkt"] == "$stampkid"
assert c["cloudId"] == open("stamp0/cloud-id").read().strip()
assert c["tokenSha256"] == "$tokensha"
assert c["exp"] - c["iat"] == 30 * 86400 and abs(c["iat"] - time.time()) < 60 and c["nbf"] == c["iat"]
assert c["tenants"] == [{"subscriptionId": "$SUB2", "tenantId": "$TEN1"}]
assert len(c["jti"]) == 36 and c["hostMatch"] == "most" and "licensed" not in c
# the host's identities are keyed digests (issue 16), computed again here by hand: 64 bits of
# HMAC-SHA256 keyed by the key's salt over context, CloudId, field and value; never in clear
salt = base64.urlsafe_b64decode(c["hostSalt"] + "==")
assert len(salt) == 16 and "0cc47a133878" not in json.dumps(c)
def digest(field, value):
    m = b"\0".join(x.encode() for x in ("airreg-host-v1", c["cloudId"], field, value))
    return base64.urlsafe_b64encode(hmac.new(salt, m, hashlib.sha256).digest()[:8]).rstrip(b"=").decode()
h = c["hosts"][0]
assert len(c["hosts"]) == 1 and h["uuid"] == digest("uuid", "00000000-0000-0000-0000-0cc47a133878"), h
assert set(h) <= {"name", "uuid", "serial", "boardSerial", "biosVersion", "cpuCores"}
assert "hardwareSha256" not in h
rec = json.load(open("n3.json"))
assert h["biosVersion"] == rec["biosVersion"] and h.get("cpuCores") == rec.get("cpuCores")
assert ("serial" in h) == ("serial" in rec) and h.get("serial") == (digest("serial", rec["serial"]) if "serial" in rec else None)
PYEOF
check "python3-jwcrypto reads the format-2 token: digests, no clear identity, the key's own" /usr/bin/python3 - <<'PYEOF'
import base64, hashlib, hmac, json, zlib
from jwcrypto import jws, jwk
t = jws.JWS(); t.deserialize(open("c0.txt").read())
t.verify(jwk.JWK.from_pem(open("stamp0/stamp.pub", "rb").read()))
c = json.loads(zlib.decompress(t.payload, -15))
assert c["version"] == 2 and len(base64.urlsafe_b64decode(c["hostSalt"] + "==")) == 16
rec = json.load(open("n3.json")); h = c["hosts"][0]
salt = base64.urlsafe_b64decode(c["hostSalt"] + "==")
m = b"\0".join(x.encode() for x in ("airreg-host-v1", c["cloudId"], "uuid", rec["uuid"]))
assert h["uuid"] == base64.urlsafe_b64encode(hmac.new(salt, m, hashlib.sha256).digest()[:8]).rstrip(b"=").decode()
assert rec["uuid"] not in json.dumps(c) and rec["boardSerial"] not in json.dumps(c)
assert set(h) <= {"name", "uuid", "serial", "boardSerial", "manufacturer", "product", "biosVersion", "cpuModel", "cpuCores", "memoryMiB", "operatorSupplied"}, h
assert h["product"] == rec["product"] and h["cpuModel"] == rec["cpuModel"]
assert set(c["totals"]) == {"hosts", "cpuCores", "memoryMiB"}
p = open("key2.txt").read().split(".")[1]
k = json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
assert k["hostSalt"] == c["hostSalt"] and k["hosts"][0]["uuid"] == h["uuid"]
PYEOF
h=$(cut -d. -f1 key2.txt); p=$(cut -d. -f2 key2.txt); s=$(cut -d. -f3 key2.txt)
printf '%s.%s' "$h" "$p" > key-si
printf '%s==' "$s" | tr '_-' '/+' | base64 -d > key-sig 2>/dev/null
check "openssl pkeyutl verifies the activation key" \
	sh -c "openssl pkeyutl -verify -pubin -inkey issuer.pub -rawin -in key-si -sigfile key-sig >/dev/null"
check "serial recorded" [ "$(db_sql "$D" "SELECT key_serial FROM registrations WHERE name='par0'")" = 2 ]
refuse 4 "RegistrationNotFound: east (no live registration)" activation-key --name east -o refused.txt
refuse 2 "--valid-days must be 1 to 3650" activation-key --name par0 --valid-days 0 -o refused.txt
refuse 2 "--valid-days must be 1 to 3650" activation-key --name par0 --valid-days x -o refused.txt
refuse 2 "activation-key needs --name NAME and -o" activation-key --name par0
# the issuer's hardware policy (issue 16): a word or a count within the licensed hosts
refuse 2 '--host-match must be all, most, any or a count 1 to 1 (the licensed hosts), not "2"' activation-key --name par0 --host-match 2 -o refused.txt
refuse 2 '--host-match must be all, most, any or a count 1 to 1 (the licensed hosts), not "0"' activation-key --name par0 --host-match 0 -o refused.txt
refuse 2 '--host-match must be all, most, any or a count 1 to 1 (the licensed hosts), not "MOST"' activation-key --name par0 --host-match MOST -o refused.txt
check "a refused policy spent no serial" [ "$(db_sql "$D" "SELECT key_serial FROM registrations WHERE name='par0'")" = 2 ]
keyclaims() { /usr/bin/python3 -c 'import base64,json,sys,zlib; p=open(sys.argv[1]).read().split(".")[1]; c=json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15)); print(json.dumps(c[sys.argv[2]]) if sys.argv[2] in c else "absent")' "$@"; }
for m in all any 1; do
	expect_exit 0 "--host-match $m" "$RG" activation-key --name par0 --host-match $m -o "policy-$m.txt"
done
check "hostMatch all signed in" [ "$(keyclaims policy-all.txt hostMatch)" = '"all"' ]
check "hostMatch any signed in" [ "$(keyclaims policy-any.txt hostMatch)" = '"any"' ]
check "hostMatch 1 signed in as an integer" [ "$(keyclaims policy-1.txt hostMatch)" = 1 ]
# a format-2 token: every key of it carries the token's salt and digests, copied (the
# registrar never sees a clear identity); a new token (renewal) has a salt of its own
check "two keys of one token: the token's salt and digests, copied" [ "$(keyclaims policy-all.txt hosts)" = "$(keyclaims policy-any.txt hosts)" ]
check "the key's hostSalt is the token's" [ "$(keyclaims policy-all.txt hostSalt)" = "$(keyclaims c0.txt hostSalt)" ]
check "a Development key states no licence" [ "$(keyclaims policy-1.txt licensed)" = absent ]
# --host-match given twice: which one was meant is not guessed (nor is any flag's value)
refuse 2 "registrar: --host-match given twice (see registrar --help)" activation-key --name par0 --host-match all --host-match any -o refused.txt
refuse 2 "registrar: --name given twice (see registrar --help)" activation-key --name par0 --name par1 -o refused.txt
refuse 2 "registrar: -o/--output given twice (see registrar --help)" activation-key --name par0 -o refused.txt --output refused2.txt

# the registrar's default policy (issue 16 part 1): registrar config, in the database, audited
expect_exit 0 "config: every setting" "$RG" config
check "config: host-match, built in" [ "$OUT" = "host-match most (built in)" ]
expect_exit 0 "config host-match" "$RG" config host-match
check "config host-match: the value alone" [ "$OUT" = most ]
expect_exit 0 "config --json" "$RG" config --json
check "config --json" $PY -c 'import json,sys; assert json.loads(sys.argv[1]) == {"settings": [{"name": "host-match", "value": "most", "builtIn": True}]}' "$OUT"
refuse 2 'registrar: host-match must be all, most, any or a count 1 to 64, not "65"' config host-match 65
refuse 2 'registrar: host-match must be all, most, any or a count 1 to 64, not "MOST"' config host-match MOST
refuse 2 'registrar: unknown setting "host_match" (registrar config shows them all)' config host_match all
refuse 2 "registrar: config host-match takes one value, not 2 (see registrar --help)" config host-match all any
refuse 2 "registrar: --json shows settings; config host-match all sets one" config host-match all --json
expect_exit 0 "config host-match any" "$RG" config host-match any
check "config host-match any: said" [ "$OUT" = "registrar: host-match any (was most, built in)" ]
check "config host-match any: stored" [ "$(db_sql "$D" "SELECT value FROM settings WHERE name = 'host-match'")" = any ]
check "config host-match any: audited" [ "$(db_sql "$D" "SELECT action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" = "config host-match any (was most, built in)" ]
before=$(dump)
expect_exit 0 "config host-match any again" "$RG" config host-match any
check "the same value again: nothing changed, said so" [ "$OUT" = "registrar: host-match is any already, nothing changed" ]
check "the same value again: database unchanged (no audit row)" [ "$(dump)" = "$before" ]
expect_exit 0 "config host-match --json, set" "$RG" config host-match --json
check "config host-match --json" $PY -c 'import json,sys; assert json.loads(sys.argv[1]) == {"name": "host-match", "value": "any", "builtIn": False}' "$OUT"
expect_exit 0 "activation-key, the registrar's default" "$RG" activation-key --name par0 -o policy-default.txt
check "the registrar's default signed in" [ "$(keyclaims policy-default.txt hostMatch)" = '"any"' ]
expect_exit 0 "activation-key --host-match over the default" "$RG" activation-key --name par0 --host-match all -o policy-over.txt
check "--host-match wins over the default" [ "$(keyclaims policy-over.txt hostMatch)" = '"all"' ]
# a default count past the registration's hosts is refused, never lowered to fit
"$RG" config host-match 2 >/dev/null
serial=$(db_sql "$D" "SELECT key_serial FROM registrations WHERE name='par0'")
refuse 4 "registrar: par0 has 1 host, fewer than the default policy host-match 2 asks for (registrar config host-match): give --host-match, or change the default" activation-key --name par0 -o refused.txt
check "a default past the hosts spent no serial" [ "$(db_sql "$D" "SELECT key_serial FROM registrations WHERE name='par0'")" = "$serial" ]
expect_exit 0 "--host-match 1 with a default of 2" "$RG" activation-key --name par0 --host-match 1 -o policy-1b.txt
"$RG" config host-match most >/dev/null

# a policy no stamp can meet is refused at issue: a host with neither a UUID nor both serials
# (placeholders are left out of the key) is never found. blind1: no UUID and one serial;
# blind2: no UUID and both serials, found by them (a board replaced). token-gen create refuses
# a record with a placeholder UUID (it would have left the digest out): the tokens are made
# from genuine records and their UUID digests stripped, signed by the stamp's own key
# (blind_token.py), as an older token-gen made them
$PY - <<'PYEOF'
import json
r = json.load(open("n3.json"))
b1 = dict(r, name="blind1", uuid="b1b1b1b1-0000-4000-8000-000000000001", serial="BLIND1SERIAL")
b1.pop("boardSerial", None)
b2 = dict(r, name="blind2", uuid="b2b2b2b2-0000-4000-8000-000000000002", serial="BLIND2SERIAL", boardSerial="BLIND2BOARD")
json.dump(b1, open("blind1.json", "w")); json.dump(b2, open("blind2.json", "w"))
PYEOF
"$TG" init --state-dir stampBlind >/dev/null
"$TG" create --billing-model Development --host n1.json --host blind1.json --host blind2.json --state-dir stampBlind -o blind-genuine.txt >/dev/null
$PY "$E2E/blind_token.py" blind-genuine.txt stampBlind/stamp.key blind.txt blind1 blind2
"$TG" init --state-dir stampBlind1 >/dev/null
"$TG" create --billing-model Development --host blind1.json --state-dir stampBlind1 -o blind1-genuine.txt >/dev/null
$PY "$E2E/blind_token.py" blind1-genuine.txt stampBlind1/stamp.key blind1.txt blind1
# what the registrar refused before: the same records with a placeholder UUID, refused at create
sed 's/"uuid": *"[^"]*"/"uuid": "00000000-0000-0000-0000-000000000000"/' blind1.json >blind1-zero.json
expect_exit 4 "create: a record with a placeholder UUID" "$TG" create --billing-model Development --host blind1-zero.json --state-dir stampBlind1 -o blind1-zero.txt
check "create: a placeholder UUID, the line" [ "$ERR" = 'token-gen: blind1-zero.json: "uuid" 00000000-0000-0000-0000-000000000000 is a placeholder (all-zero (firmware says: not present)): it tells no machine apart; probe the host again (token-gen probe), or give its real UUID (--system-uuid)' ]
check "create: a placeholder UUID, no token" [ ! -e blind1-zero.txt ]
expect_exit 0 "register a stamp with a host no key can find" "$RG" register --token blind.txt --name blind
expect_exit 0 "register a stamp of that host alone" "$RG" register --token blind1.txt --name blindone
expect_exit 0 "most: 2 of 3, and 2 can be found" "$RG" activation-key --name blind -o blind-most.txt
check "the key carries no identity for blind1" $PY -c 'import base64,json,sys,zlib; p=open("blind-most.txt").read().split(".")[1]; h=json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))["hosts"]; assert [sorted(set(x) & {"uuid","serial","boardSerial"}) for x in h] == [["boardSerial","serial","uuid"], ["serial"], ["boardSerial","serial"]], h'
expect_exit 0 "2 of 3" "$RG" activation-key --name blind --host-match 2 -o blind-2.txt
refuse 4 "registrar: blind: host-match all needs 3 of 3 hosts found, and only 2 can ever be: blind1 has no UUID, nor both serials, that a stamp can match (probe it again, or choose a policy they can meet)" activation-key --name blind --host-match all -o refused.txt
refuse 4 "registrar: blind: host-match 3 needs 3 of 3 hosts found, and only 2 can ever be: blind1 has no UUID, nor both serials, that a stamp can match (probe it again, or choose a policy they can meet)" activation-key --name blind --host-match 3 -o refused.txt
refuse 4 "registrar: blindone: host-match any needs 1 of 1 hosts found, and only 0 can ever be: blind1 has no UUID, nor both serials, that a stamp can match (probe it again, or choose a policy they can meet)" activation-key --name blindone --host-match any -o refused.txt
refuse 4 "registrar: blindone: host-match most needs 1 of 1 hosts found, and only 0 can ever be: blind1 has no UUID, nor both serials, that a stamp can match (probe it again, or choose a policy they can meet)" activation-key --name blindone -o refused.txt
"$RG" config host-match all >/dev/null
refuse 4 "registrar: blind: host-match all needs 3 of 3 hosts found, and only 2 can ever be: blind1 has no UUID, nor both serials, that a stamp can match (probe it again, or choose a policy they can meet)" activation-key --name blind -o refused.txt
"$RG" config host-match most >/dev/null
check "unmeetable policies spent no serial" [ "$(db_sql "$D" "SELECT key_serial FROM registrations WHERE name LIKE 'blind%' ORDER BY name" | paste -sd,)" = "2,0" ]

# a registrar older than the database's schema refuses it (here: a schema one newer)
db_copy "$D" newer
if db_pg; then db_sql newer 'UPDATE airreg_schema SET version = 7'; else sqlite3 newer/registrar.db 'PRAGMA user_version = 7'; fi
db_dump newer > newer.before
expect_exit 5 "a schema newer than this registrar" "$RG" list --data-dir "$WORK/newer"
check "a newer schema: the line" [ "$ERR" = "registrar: $(db_where "$WORK/newer"): database schema 7 is newer than this registrar (6)" ]
check "a newer schema: database unchanged" [ "$(db_dump newer)" = "$(cat newer.before)" ]
# PostgreSQL alone: a database without the schema is refused, so is init over one that holds it
if db_pg; then
	db_new "$WORK/noschema" >/dev/null
	expect_exit 5 "a database without the schema" "$RG" list --database "$(db_url "$WORK/noschema")"
	check "a database without the schema: the line" [ "$ERR" = "registrar: $(db_url "$WORK/noschema"): no registrar schema in this database (registrar init --database URL makes it)" ]
	before=$(dump)
	expect_exit 5 "init --database over a registrar's database" "$RG" init --data-dir "$WORK/d9" --database "$(db_url "$D")"
	one_line_error "init --database over a registrar's database" "registrar: $WORK/d9: the database holds a registrar that another data directory made: a second server takes a copy of that directory, never an init (docs/scaling.md)"
	check "init --database over a registrar's database: unchanged" [ "$(dump)" = "$before" ]
	check "init --database over a registrar's database: nothing recorded in d9" [ ! -e "$WORK/d9/database" ]
fi

# init --host-match: the default set in the transaction that makes the database
expect_exit 0 "init --host-match all" "$RG" init --data-dir "$WORK/d2" --host-match all $(db_new "$WORK/d2")
check "init --host-match: a second line" [ "$(printf '%s\n' "$OUT" | sed -n 3p)" = "registrar: default host-match all" ]
check "init --host-match: stored" [ "$(db_sql "$WORK/d2" "SELECT name || '=' || value FROM settings")" = "host-match=all" ]
check "init --host-match: audited" [ "$(db_sql "$WORK/d2" "SELECT action || ':' || detail FROM audit WHERE action = 'config' ORDER BY id" | paste -sd'|')" = "config:host-match all (was most, built in) at init" ]
expect_exit 0 "init --force keeps the default" "$RG" init --data-dir "$WORK/d2" --force
check "init --force keeps the default: stored" [ "$(db_sql "$WORK/d2" "SELECT value FROM settings")" = all ]
expect_exit 0 "init --force --host-match 3" "$RG" init --data-dir "$WORK/d2" --force --host-match 3
check "init --force --host-match 3: stored" [ "$(db_sql "$WORK/d2" "SELECT value FROM settings")" = 3 ]
expect_exit 2 "init --host-match not a policy" "$RG" init --data-dir "$WORK/d3" --host-match most-of $(db_new "$WORK/d3")
one_line_error "init --host-match not a policy" 'registrar: --host-match must be all, most, any or a count 1 to 64, not "most-of"'
check "init --host-match not a policy: nothing made" [ ! -e "$WORK/d3" ]
expect_exit 2 "init --host-match twice" "$RG" init --data-dir "$WORK/d3" --host-match all --host-match all $(db_new "$WORK/d3")
check "init --host-match twice: nothing made" [ ! -e "$WORK/d3" ]
check "refused keys wrote nothing" [ ! -e refused.txt ]
refuse 5 "file exists" export-issuer-key -o issuer.pub
# a format-1 token (a token-gen before the digests: tests/data/token-v1.txt, whole host
# records) is still registered and shown as before; its keys get a fresh salt each
export AIRREG_DATA_DIR=$WORK/data-v1
"$RG" init $(db_new "$WORK/data-v1") >/dev/null
V1="env TZ=UTC faketime 2026-12-02T12:00:00"
expect_exit 0 "register a format-1 token" $V1 "$RG" register --token "$TESTDATA/token-v1.txt" --name old
expect_exit 0 "show a format-1 registration" "$RG" show old
check "format 1: show prints the clear UUID as before" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts *node1 161674cc-2a1e-11b2-a85c-e121881d01b9'" _ "$OUT"
# a format-1 token carries whole records, checked as token-gen create checks them: an older
# token-gen took a record with a placeholder UUID or serial, whose host no key can find
$PY - "$TESTDATA/token-v1.txt" "$E2E/../../samples/TEST-ONLY-stamp.key" <<'PYEOF'
import base64, json, sys, zlib
from jwcrypto import jwk
b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
head, body, _ = open(sys.argv[1]).read().strip().split(".")
claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), -15))
stamp = jwk.JWK.from_pem(open(sys.argv[2], "rb").read())
for name, field, value in (("v1-zero.txt", "uuid", "00000000-0000-0000-0000-000000000000"),
                           ("v1-oem.txt", "serial", "To Be Filled By O.E.M.")):
    c = json.loads(json.dumps(claims))
    c["hosts"][1][field] = value
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    p = b64(z.compress(json.dumps(c, separators=(",", ":")).encode()) + z.flush())
    sig = stamp.get_op_key("sign").sign((head + "." + p).encode())
    open(name, "w").write(head + "." + p + "." + b64(sig) + "\n")
PYEOF
refuse 4 "registrar: v1-zero.txt: host 2: \"uuid\" 00000000-0000-0000-0000-000000000000 is a placeholder (all-zero (firmware says: not present)): it tells no machine apart; probe the host again (token-gen probe), or give its real UUID (--system-uuid)" register --token v1-zero.txt --name old0
check "format 1, a placeholder UUID: the exact line" [ "$ERR" = "registrar: v1-zero.txt: host 2: \"uuid\" 00000000-0000-0000-0000-000000000000 is a placeholder (all-zero (firmware says: not present)): it tells no machine apart; probe the host again (token-gen probe), or give its real UUID (--system-uuid)" ]
refuse 4 "registrar: v1-oem.txt: host 2: \"serial\" \"To Be Filled By O.E.M.\" is a placeholder: leave it out of the record (probe leaves it out)" register --token v1-oem.txt --name old0
expect_exit 0 "a key of a format-1 token" $V1 "$RG" activation-key --name old -o v1-a.txt
expect_exit 0 "another key of it" $V1 "$RG" activation-key --name old -o v1-b.txt
check "format 1: two keys, two salts: their digests cannot be linked" [ "$(keyclaims v1-a.txt hosts)" != "$(keyclaims v1-b.txt hosts)" ]
V1HOSTS=$(keyclaims v1-a.txt hosts)
check "format 1: the key's hosts read" [ "$(printf '%s' "$V1HOSTS" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ]
check "format 1: no clear UUID in the key" sh -c "! grep -q 161674cc v1-a.txt && ! printf '%s' \"\$1\" | grep -q 161674cc" _ "$V1HOSTS"
export AIRREG_DATA_DIR=$D
# Capacity licenses physical cores (issue 16): a token with a host stating none is refused,
# format 2 and format 1 alike, with the remedy; nothing stored. Re-signed by a stamp: its own
# key for format 2 (the registered east), a fresh key and CloudId for format 1.
/usr/bin/python3 - "$TESTDATA/token-v1.txt" <<'PYEOF'
import base64, json, sys, zlib
from jwcrypto import jws, jwk
def claims_of(path):
    p = open(path).read().split(".")[1]
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)), -15))
def sign(claims, key, out):
    hdr = {"alg": "EdDSA", "typ": "airreg-registration-token", "zip": "DEF",
           "jwk": json.loads(key.export_public())}
    s = jws.JWS(zlib.compress(json.dumps(claims, separators=(",", ":")).encode())[2:-4])
    s.add_signature(key, None, json.dumps(hdr, separators=(",", ":")))
    open(out, "w").write(s.serialize(compact=True))
c = claims_of("A1.txt")
for h in c["hosts"]:
    del h["cpuCores"]
del c["totals"]["cpuCores"]
sign(c, jwk.JWK.from_pem(open("stampA/stamp.key", "rb").read()), "coreless-v2.txt")
c = claims_of(sys.argv[1])
c["cloudId"] = "5c0ffee0-1111-4222-8333-444455556677"
c["totals"]["cpuCores"] -= c["hosts"][1].pop("cpuCores")
sign(c, jwk.JWK.generate(kty="OKP", crv="Ed25519"), "coreless-v1.txt")
PYEOF
refuse 4 'registrar: coreless-v2.txt: host 1 (n1) has no "cpuCores": a Capacity token licenses physical cores: probe the host again with --cpu-cores N and make a new token' register --token coreless-v2.txt --name cores2
before=$(dump)
expect_exit 4 "a format-1 Capacity token without a host's cores" $V1 "$RG" register --token coreless-v1.txt --name cores1
one_line_error "format 1 without cores" 'registrar: coreless-v1.txt: host 2 (node2) has no "cpuCores": a Capacity token licenses physical cores: probe the host again with --cpu-cores N and make a new token'
check "format 1 without cores: database unchanged" [ "$(dump)" = "$before" ]
# other models may lack a host's cores: show says "cores unknown", not "0 cores"
"$TG" probe --root "$ROOTS/uroot-Gigabyte-GA-MA74GMT-S2" --host node7 -o node7.json
"$TG" init --state-dir stampnc >/dev/null
"$TG" create --billing-model Development --host n1.json --host node7.json --state-dir stampnc -o dev7.txt >/dev/null
expect_exit 0 "register a Development token with a host without cores" "$RG" register --token dev7.txt --name dev7
expect_exit 0 "show it" "$RG" show dev7
check "show: a host without cores says so" sh -c "printf '%s\n' \"\$1\" | grep -qx ' *node7 Gigabyte Technology Co., Ltd. GA-MA74GMT-S2, cores unknown'" _ "$OUT"
check "show: a host with cores counts them" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Hosts *n1 LENOVO 20L8S07A14, 4 cores'" _ "$OUT"
check "show: no host of 0 cores" sh -c "! printf '%s' \"\$1\" | grep -q ' 0 cores'" _ "$OUT"
# a Capacity registration stored before cores were required (its claims edited here to lack
# them): no key is issued that the stamp would refuse, and no serial is spent
"$TG" init --state-dir stampcap >/dev/null
"$TG" create --billing-model Capacity --agreement-number 1234 --host n1.json --state-dir stampcap -o cap7.txt >/dev/null
expect_exit 0 "register a Capacity token" "$RG" register --token cap7.txt --name cap7
if db_pg; then
	db_sql "$D" "UPDATE registrations SET claims = (claims::jsonb #- '{hosts,0,cpuCores}' #- '{totals,cpuCores}')::text WHERE name = 'cap7'"
else
	db_sql "$D" "UPDATE registrations SET claims = json_remove(claims, '\$.hosts[0].cpuCores', '\$.totals.cpuCores') WHERE name = 'cap7'"
fi
refuse 4 'registrar: activation key for cap7: host 1 (n1) of a Capacity key has no "cpuCores" (no cores licensed)' activation-key --name cap7 -o refused.txt
check "a key without cores: none written" [ ! -e refused.txt ]
expect_exit 0 "--version" "$RG" --version
check "--version" [ "$OUT" = "registrar 0.1.0" ]

finish registrar
