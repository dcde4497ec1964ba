#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Limits agree across the gap (issue 14, class 4). The registrar issues no key the stamp
# would refuse: too many tenants, a serial past 2^53, a key bigger than the 64 KiB a stamp
# reads; each refused before the serial is spent, the database unchanged (dump compared).
# `tenant add` (and the API's PUT) stop at the tenants a key carries. Conversely the stamp
# refuses what no registrar issues: an open cnf, exp not after nbf, a key valid longer than
# --valid-days allows, too many tenants, tenants or hosts that are not what the registrar
# writes.
. "$(dirname "$0")/lib.sh"
world
MAXT=$(sed -n 's/^#define AR_MAX_TENANTS *\([0-9]*\).*/\1/p' "$HERE/../../common/ar_limits.h")
SUB=11111111-2222-4333-8444-555555555555
# (a busy timeout: a reader that has just opened the database may hold its lock a moment)
db() { sqlite3 -cmd '.timeout 10000' "$WS/registrar.db" "$@"; }
id=$(db "SELECT id FROM registrations WHERE name = 'east'")
# tenants N: east maps exactly N subscriptions (written straight into the database, as one
# made before the cap would hold them)
tenants() {
	db "DELETE FROM tenants WHERE registration_id = $id" &&
	/usr/bin/python3 - "$1" "$id" <<'PYEOF' | db
import sys
n, rid = int(sys.argv[1]), sys.argv[2]
print("BEGIN;")
for i in range(n):
    print("INSERT INTO tenants (registration_id, tenant, subscription) VALUES "
          "(%s, '0a0a0a0a-1111-4222-8333-%012d', '11111111-2222-4333-8444-%012d');" % (rid, i, i))
print("COMMIT;")
PYEOF
}

# --- the registrar issues nothing the stamp refuses
tenants $((MAXT + 220))
attack 4 "east has $((MAXT + 220)) tenants; an activation key carries at most $MAXT (registrar tenant remove)" \
	"$RG" activation-key --name east -o big.txt
check "no key written" [ ! -e big.txt ]
# and at the edge: one past the cap is refused by the same rule
tenants $((MAXT + 1))
attack 4 "east has $((MAXT + 1)) tenants; an activation key carries at most $MAXT (registrar tenant remove)" \
	"$RG" activation-key --name east -o big.txt
tenants "$MAXT"
attack 4 "east already has $MAXT tenants, the most an activation key carries" \
	"$RG" tenant add --registration east --subscription 99999999-2222-4333-8444-555555555555 \
	--tenant 99999999-1111-4222-8333-444444444444
# a pair replaced at the cap is not one more
expect_exit 0 "tenant add replacing a pair at the cap" "$RG" tenant add --registration east \
	--subscription 11111111-2222-4333-8444-000000000000 --tenant 99999999-1111-4222-8333-444444444444
# the largest key there can be: the most tenants and hosts, the longest values, fits 64 KiB
/usr/bin/python3 - "$id" <<'PYEOF' | db
import base64, hashlib, json, sqlite3, sys
conn = sqlite3.connect("ws/registrar.db", timeout=10)
c = json.loads(conn.execute("SELECT claims FROM registrations WHERE id = ?",
                            (sys.argv[1],)).fetchone()[0])
conn.close()
hosts = []
for i in range(64):
    h = dict(c["hosts"][0])
    h["name"] = ("n%02d" % i) + "x" * 60
    h["uuid"] = "00000000-0000-4000-8000-%012d" % i
    # the longest values a host record holds; biosVersion crosses in clear (issue 16)
    h["serial"] = "s%02d" % i + "x" * 252
    h["boardSerial"] = "b%02d" % i + "x" * 252
    h["biosVersion"] = "v%02d" % i + "x" * 252
    if "hostSalt" in c:  # a token of format 2: the stamp's digests, which the key copies
        for f in ("uuid", "serial", "boardSerial"):
            h[f] = base64.urlsafe_b64encode(hashlib.sha256(b"%s %d" % (f.encode(), i)).digest()[:8]).rstrip(b"=").decode()
    hosts.append(h)
c.update(hosts=hosts, agreementNumber="a" * 64, assetTag="t" * 64)
c["totals"] = dict(c["totals"], hosts=64)
if "cpuCores" in c["totals"]:  # the key's licence holds the hosts' cores
    c["totals"]["cpuCores"] = sum(h["cpuCores"] for h in hosts)
print("UPDATE registrations SET claims = '%s', name = name WHERE id = %s;" % (json.dumps(c), sys.argv[1]))
PYEOF
db "UPDATE registrations SET name = 'e' || substr(hex(randomblob(40)), 1, 62) WHERE id = $id"
long=$(db "SELECT name FROM registrations WHERE id = $id")
check "the doctored registration holds 64 hosts" \
	[ "$(db "SELECT json_array_length(claims, '\$.hosts') FROM registrations WHERE id = $id")" = 64 ]
db "UPDATE registrations SET key_serial = 9007199254740000 WHERE id = $id"
expect_exit 0 "the largest key issues" "$RG" activation-key --name "$long" -o largest.txt
check "the largest key is within 64 KiB" [ "$(wc -c <largest.txt)" -le 65536 ]
expect_exit 0 "the stamp reads the largest key (dry run)" "$KI" --dry-run largest.txt
# hosts past what a key can hold at 64 KiB (a database doctored beyond the token's rules)
# (random firmware text: the key is compressed since issue 16, and repeated text packs small)
db "UPDATE registrations SET claims = json_set(claims, '$.hosts', (SELECT json_group_array(
	json_set(value, '$.biosVersion', hex(randomblob(1000))))
	FROM json_each(claims, '$.hosts'))) WHERE id = $id"
attack 4 "activation key for $long would be" "$RG" activation-key --name "$long" -o huge.txt
one_line_error "huge key" "bytes, over the 65536 a stamp reads"
db "UPDATE registrations SET key_serial = 9007199254740992 WHERE id = $id"
attack 4 "$long: serial 9007199254740993 is past 9007199254740992, the largest a stamp accepts" \
	"$RG" activation-key --name "$long" -o past.txt
attack 2 "--valid-days must be 1 to 3650" "$RG" activation-key --name west --valid-days 3651 -o v.txt

# --- the same through the API
tenants 0
db "UPDATE registrations SET key_serial = 3 WHERE id = $id"
west=$(db "SELECT id FROM registrations WHERE name = 'west'")
id=$west tenants "$MAXT"
id=$west
: >serve.log
"$RG" serve --listen 127.0.0.1:0 2>>serve.log &
PID=$!
i=0
while ! grep -q 'listening on' serve.log && kill -0 $PID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/.*listening on https*:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
BASE="http://127.0.0.1:$PORT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations"
call() { # call METHOD URL [curl args]: $STATUS, $CODE
	m=$1 u=$2
	shift 2
	STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -X "$m" \
		-H "Authorization: Bearer $(cat "$WS/api.secret")" "$@" "$u?api-version=2017-06-01")
	CODE=$(jq -r '.error.code // empty' "$WORK/body" 2>/dev/null)
}
before=$(state)
call PUT "$BASE/west/customerSubscriptions/99999999-2222-4333-8444-555555555555" \
	-H 'Content-Type: application/json' --data '{"properties":{"tenantId":"99999999-1111-4222-8333-444444444444"}}'
check "API: tenant PUT past the cap is 409 CustomerSubscriptionLimitExceeded ($STATUS $CODE)" \
	[ "$STATUS $CODE" = "409 CustomerSubscriptionLimitExceeded" ]
tenants $((MAXT + 1))
before=$(state)
call POST "$BASE/west/getactivationkey"
check "API: getactivationkey past the tenants is 409 ActivationKeyLimitExceeded ($STATUS $CODE)" \
	[ "$STATUS $CODE" = "409 ActivationKeyLimitExceeded" ]
check "API: getactivationkey refused, nothing changed (serial not spent)" [ "$(state)" = "$before" ]
kill "$PID"
wait "$PID"

# --- the stamp refuses what no registrar issues (signed by the genuine issuer key)
PYTHONPATH=$HERE /usr/bin/python3 - "$MAXT" <<'PYEOF'
import json, sys, time
from jwcrypto import jwk
from jose import b64, compact, deflate, key_claims, unb64
ISSUER = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
NOW = int(time.time())

h = open("key3.txt").read().split(".")[0]
CLAIMS = key_claims(open("key3.txt").read())

SERIAL = [10]

def key(name, **changes):
    SERIAL[0] += 1
    c = dict(CLAIMS, serial=SERIAL[0], iat=NOW, nbf=NOW, exp=NOW + 86400)
    c.update(changes)
    p = b64(deflate(compact(c).encode()))
    open(name, "w").write(h + "." + p + "." + b64(ISSUER.get_op_key("sign").sign((h + "." + p).encode())))

t = [{"subscriptionId": "11111111-2222-4333-8444-%012d" % i,
      "tenantId": "0a0a0a0a-1111-4222-8333-%012d" % i} for i in range(int(sys.argv[1]) + 1)]
key("open-cnf.txt", cnf=dict(CLAIMS["cnf"], x5t="AAAA"))
open("forged-at", "w").write(str(NOW))
key("exp-before-nbf.txt", nbf=NOW - 60, exp=NOW - 120)
key("exp-is-nbf.txt", nbf=NOW + 60, exp=NOW + 60)
key("valid-too-long.txt", exp=NOW + 3651 * 86400)
key("too-many-tenants.txt", tenants=t)
key("upper-tenant.txt", tenants=[{"subscriptionId": "11111111-2222-4333-8444-55555555555A",
                                  "tenantId": "0a0a0a0a-1111-4222-8333-444444444444"}])
key("not-guid-tenant.txt", tenants=[{"subscriptionId": "11111111-2222-4333-8444-555555555555",
                                     "tenantId": "contoso"}])
key("host-uuid.txt", hosts=[dict(CLAIMS["hosts"][0], uuid="not-a-uuid")])
key("host-name.txt", hosts=[dict(CLAIMS["hosts"][0], name="bad name")])
key("host-sha.txt", hosts=[dict(CLAIMS["hosts"][0], hardwareSha256="A" * 43)])
# issue 16: the hosts' digests, the policy, the salt and the licence as a registrar writes them
key("host-digest-alphabet.txt", hosts=[dict(CLAIMS["hosts"][0], serial="AAAAAAAAA+A")])
key("host-digest-bits.txt", hosts=[dict(CLAIMS["hosts"][0], boardSerial="AAAAAAAAAAB")])
key("host-cores.txt", hosts=[dict(CLAIMS["hosts"][0], cpuCores=0)])
n = len(CLAIMS["hosts"])
key("policy-count.txt", hostMatch=n + 1)
key("policy-zero.txt", hostMatch=0)
key("policy-word.txt", hostMatch="half")
key("policy-float.txt", hostMatch=1.0)
key("salt-short.txt", hostSalt="AAAA")
key("licensed-count.txt", licensed={"hosts": n + 1, "cpuCores": 4})
key("licensed-open.txt", licensed={"hosts": n, "cpuCores": 4, "memoryMiB": 1})
# the licence's cores are the hosts' as for the token's totals; a host named or identified twice
cores = sum(h.get("cpuCores", 0) for h in CLAIMS["hosts"])
key("licensed-cores.txt", licensed={"hosts": n, "cpuCores": cores - 1})
key("licensed-no-cores.txt", licensed={"hosts": n})
h0, h1 = CLAIMS["hosts"][0], CLAIMS["hosts"][1]
key("host-name-twice.txt", hosts=[h0, dict(h1, name=h0["name"])])
key("host-uuid-twice.txt", hosts=[h0, dict(h1, uuid=h0["uuid"])])
open("cores", "w").write(str(cores))
open("nhosts", "w").write(str(n))
key("token-sha.txt", tokenSha256="Z" * 64)
key("serial-past.txt", serial=2 ** 53 + 1)
key("other-iss.txt", iss="another-registrar")
key("genuine.txt")
PYEOF
attack 4 'open-cnf.txt: unknown field "x5t" in cnf' "$KI" open-cnf.txt
# the times as dates (ISO 8601 UTC), not seconds since 1970 (issue 15, part 4)
NOW=$(cat forged-at)
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%SZ'; }
attack 4 "exp-before-nbf.txt: key expires ($(iso $((NOW - 120)))) before it is valid ($(iso $((NOW - 60))))" "$KI" exp-before-nbf.txt
attack 4 "exp-is-nbf.txt: key expires ($(iso $((NOW + 60)))) before it is valid ($(iso $((NOW + 60))))" "$KI" exp-is-nbf.txt
attack 4 "valid-too-long.txt: key valid from $(iso $NOW) to $(iso $((NOW + 3651 * 86400))), more than the 3650 days a registrar issues" "$KI" valid-too-long.txt
attack 4 "too-many-tenants.txt: field \"tenants\" has more than $MAXT entries" "$KI" too-many-tenants.txt
attack 4 'upper-tenant.txt: "subscriptionId" is not a lowercase UUID' "$KI" upper-tenant.txt
attack 4 'not-guid-tenant.txt: "tenantId" is not a lowercase UUID' "$KI" not-guid-tenant.txt
attack 4 'host-uuid.txt: host 1: "uuid" is not a host digest (11 base64url characters)' "$KI" host-uuid.txt
attack 4 'host-name.txt: host 1: "name" is not a host name' "$KI" host-name.txt
# the clear digest of an older key inside a new one: the closed set of a host
attack 4 'host-sha.txt: unknown field "hardwareSha256" in host' "$KI" host-sha.txt
attack 4 'host-digest-alphabet.txt: host 1: "serial" is not a host digest (11 base64url characters)' "$KI" host-digest-alphabet.txt
attack 4 'host-digest-bits.txt: host 1: "boardSerial" is not a host digest (11 base64url characters)' "$KI" host-digest-bits.txt
attack 4 'host-cores.txt: field "cpuCores" out of range' "$KI" host-cores.txt
N=$(cat nhosts)
for f in policy-count policy-zero policy-word policy-float; do
	attack 4 "$f.txt: \"hostMatch\" must be all, most, any or a count 1 to $N (the key's hosts)" "$KI" "$f.txt"
done
attack 4 'salt-short.txt: "hostSalt" is not 16 bytes in base64url' "$KI" salt-short.txt
attack 4 "licensed-count.txt: \"licensed\" counts $((N + 1)) hosts, the key names $N" "$KI" licensed-count.txt
attack 4 'licensed-open.txt: unknown field "memoryMiB" in licensed' "$KI" licensed-open.txt
CORES=$(cat cores)
attack 4 "licensed-cores.txt: \"licensed\" counts $((CORES - 1)) cores, the key's hosts $CORES" "$KI" licensed-cores.txt
attack 4 "licensed-no-cores.txt: \"licensed\" counts no cores, the key's hosts $CORES" "$KI" licensed-no-cores.txt
attack 4 'host-name-twice.txt: host 2: "name" is host 1'"'"'s too' "$KI" host-name-twice.txt
attack 4 'host-uuid-twice.txt: host 2: "uuid" is host 1'"'"'s too' "$KI" host-uuid-twice.txt
attack 4 'token-sha.txt: "tokenSha256" is not a SHA-256' "$KI" token-sha.txt
attack 4 'serial-past.txt: field "serial" out of range' "$KI" serial-past.txt
attack 4 'other-iss.txt: issuer "another-registrar" is not airreg-registrar' "$KI" other-iss.txt
expect_exit 0 "the same key, as a registrar writes it, imports" "$KI" --dry-run genuine.txt
done_attacks limits
