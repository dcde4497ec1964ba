#!/bin/sh
# registrar end to end: tokens made by token-gen from real captures; every rule
# accepted and refused, the database unchanged (dump compared) on each refusal.
. "$(dirname "$0")/lib.sh"
TG=$BIN/token-gen
RG=$BIN/registrar
ROOTS=$SHARED/hwdata/roots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
D=$WORK/data
export AIRREG_DATA_DIR=$D

"$TG" probe --root "$ROOTS/uroot-Lenovo-ThinkPad-T480" --host n1 -o n1.json
"$TG" probe --root "$ROOTS/jcreekmore-Dell-PowerEdge-anonymized" --host n2 -o n2.json
"$TG" probe --root "$ROOTS/uroot-SuperMicro-X9DBL" --host n3 -o n3.json
"$TG" create --billing-model Capacity --agreement-number 1234 --host n1.json --host n2.json --state-dir stampA -o A1.txt >/dev/null
"$TG" create --billing-model Development --host n3.json --state-dir stampB -o B1.txt >/dev/null
cloudA=$(cat stampA/cloud-id)
cloudB=$(cat stampB/cloud-id)

dump() { sqlite3 "$D/registrar.db" .dump; }

expect_exit 5 "register before init" "$RG" register --token A1.txt --name east
one_line_error "register before init" "no registrar database (run registrar init)"
expect_exit 0 "init" "$RG" init
check "issuer key 0600" [ "$(stat -c %a "$D/issuer.key")" = 600 ]
check "data dir 0700" [ "$(stat -c %a "$D")" = 700 ]
check "openssl reads the issuer key" openssl pkey -in "$D/issuer.key" -noout
check "WAL mode" [ "$(sqlite3 "$D/registrar.db" 'PRAGMA journal_mode')" = wal ]
check "schema version 1" [ "$(sqlite3 "$D/registrar.db" 'PRAGMA user_version')" = 1 ]
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
refuse 4 "this token is already registered as east" register --token A1.txt --name east
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
refuse 4 "RegistrationNotFound: no live registration for nobody" unregister --name nobody
refuse 2 "unregister takes one of --name, --token or --cloud-id" unregister --name east --cloud-id "$cloudA"
refuse 2 "is not a UUID" unregister --cloud-id nope
refuse 4 "RegistrationNotFound" unregister --cloud-id 5c0ffee0-1111-4222-8333-444455556666
refuse 4 "RegistrationNotFound" unregister --token B1.txt
refuse 2 "unknown verb" frobnicate
refuse 2 "does not apply to register" register --json --token A1.txt --name east

# a renewal: same CloudId, same stamp key, same name, newer token
sleep 1
"$TG" create --billing-model Development --host n1.json --state-dir stampA -o A2.txt >/dev/null
expect_exit 0 "renewal" "$RG" register --token A2.txt --name east
check "renewal reported" sh -c "printf '%s' \"\$1\" | grep -q 'renewed east'" _ "$OUT"
refuse 4 "older than the one registered as east (rolled back)" register --token A1.txt --name east
check "one registration row" [ "$(sqlite3 "$D/registrar.db" 'SELECT count(*) FROM registrations')" = 1 ]

expect_exit 0 "list" "$RG" list
check "list shows east" sh -c "printf '%s' \"\$1\" | grep -q '^east  *$cloudA Registered  *Development'" _ "$OUT"
expect_exit 0 "list --json" "$RG" list --json
check "list --json" sh -c "printf '%s' \"\$1\" | /usr/bin/python3 -c '
import json,sys; v=json.load(sys.stdin)[\"value\"]
assert [(r[\"name\"], r[\"cloudId\"], r[\"status\"]) for r in v]==[(\"east\",\"$cloudA\",\"Registered\")]'" _ "$OUT"
expect_exit 0 "show" "$RG" show east
check "show hosts" sh -c "printf '%s' \"\$1\" | grep -q 'Hosts *n1 161674cc-2a1e-11b2-a85c-e121881d01b9'" _ "$OUT"
refuse 4 "RegistrationNotFound: west" show west

# unregister: all three ways work; the name stays reserved
expect_exit 0 "unregister by token" "$RG" unregister --token A1.txt
check "status Unregistered" [ "$(sqlite3 "$D/registrar.db" "SELECT status FROM registrations WHERE name='east'")" = Unregistered ]
refuse 4 "already associated with another cloud identifier" register --token B1.txt --name east
expect_exit 0 "register B as west" "$RG" register --token B1.txt --name west
expect_exit 0 "unregister by CloudId" "$RG" unregister --cloud-id "$(echo "$cloudB" | tr a-f A-F)"
expect_exit 0 "re-register east after unregister" "$RG" register --token A2.txt --name east
expect_exit 0 "unregister by name" "$RG" unregister --name east
check "audit is append-only" sh -c "! sqlite3 '$D/registrar.db' 'DELETE FROM audit' 2>/dev/null"
check "audit rows" [ "$(sqlite3 "$D/registrar.db" "SELECT group_concat(action, ' ') FROM audit")" = \
	"init register renew unregister register unregister register unregister" ]

# registrars at once: all succeed, the database stays intact
i=0
while [ $i -lt 8 ]; do
	"$TG" create --billing-model Development --host n3.json --state-dir "stamp$i" -o "c$i.txt" >/dev/null
	i=$((i + 1))
done
i=0
while [ $i -lt 8 ]; do
	"$RG" register --token "c$i.txt" --name "par$i" >"par$i.out" 2>&1 &
	i=$((i + 1))
done
wait
check "8 concurrent registrations" [ "$(sqlite3 "$D/registrar.db" "SELECT count(*) FROM registrations WHERE name LIKE 'par%' AND status='Registered'")" = 8 ]
check "integrity_check" [ "$(sqlite3 "$D/registrar.db" 'PRAGMA integrity_check')" = ok ]

# the exported issuer key
expect_exit 0 "export-issuer-key" "$RG" export-issuer-key -o issuer.pub
check "issuer.pub is the issuer's public key" [ "$(openssl pkey -in "$D/issuer.key" -pubout)" = "$(cat issuer.pub)" ]
refuse 5 "file exists" export-issuer-key -o issuer.pub
expect_exit 0 "--version" "$RG" --version
check "--version" [ "$OUT" = "registrar 0.1.0" ]

finish registrar
