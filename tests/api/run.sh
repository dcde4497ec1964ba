#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# registrar serve, driven with curl on a free loopback port: every route and status both
# ways, the CLI and the API seeing one database, a run of malformed requests each answered
# with its 4xx and the database unchanged, the secret, HTTPS, and a graceful stop.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
scratch
SUB=11111111-2222-4333-8444-555555555555
AV="api-version=2017-06-01"

# --- stamps A, B, and C (B's CloudId, another key); a workstation
for d in "$ST" stB stD; do "$TG" init --state-dir "$d" >/dev/null; done
"$TG" create --billing-model Capacity --agreement-number 7 --host "$HOSTS/node1.json" -o tokA1.txt >/dev/null 2>&1
sleep 1 # a later issuedAt for the renewal
"$TG" create --billing-model Capacity --agreement-number 7 --host "$HOSTS/node1.json" --host "$HOSTS/node2.json" -o tokA2.txt >/dev/null 2>&1
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stB -o tokB.txt >/dev/null 2>&1
cloudB=$(cat stB/cloud-id)
"$TG" init --state-dir stC --cloud-id "$cloudB" >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stC -o tokC.txt >/dev/null 2>&1
"$TG" create --billing-model Development --host "$HOSTS/node2.json" --state-dir stD -o tokD.txt >/dev/null 2>&1
cloudA=$(cat "$ST/cloud-id")
"$RG" init $(db_new "$WS") >/dev/null
check "init makes the API secret, 0600" [ "$(stat -c %a "$WS/api.secret")" = 600 ]
check "the secret is 43 base64url characters" grep -qxE '[A-Za-z0-9_-]{43}' "$WS/api.secret"
for t in A1 A2 B C D; do
	jq -n --rawfile t "tok$t.txt" '{location:"global",properties:{registrationToken:$t}}' >"put$t.json"
done

SERVE_WRAP=  # a command the server runs under (a clock 31 days on)
start_server() { # start_server [ARGS]: background server, $PORT, $PID, log in serve.log
	: >serve.log
	$SERVE_WRAP "$RG" serve --listen 127.0.0.1:0 "$@" 2>>serve.log &
	PID=$!
	i=0
	while ! grep -q 'listening on' serve.log && kill -0 $PID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	PORT=$(sed -n 's/.*listening on https*:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
	BASE="http://127.0.0.1:$PORT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations"
}
SECRET=$(cat "$WS/api.secret")
# call METHOD URL [curl args...]: $STATUS, body in $WORK/body, headers in $WORK/headers
call() {
	m=$1 u=$2
	shift 2
	rm -f "$WORK/body" # curl writes no file for an answer without a body
	STATUS=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$m" \
		-H "Authorization: Bearer $SECRET" "$@" "$u")
	BODY=$(cat "$WORK/body" 2>/dev/null)
	CALLS=$((CALLS + 1))
}
CALLS=0
is() { # is "what" WANT_STATUS [jq-expression that must be true]
	if [ "$STATUS" = "$2" ]; then ok; else bad "$1: HTTP $STATUS, want $2: $BODY"; fi
	if [ -n "${3:-}" ]; then
		if printf '%s' "$BODY" | jq -e "$3" >/dev/null 2>&1; then ok; else bad "$1: body fails $3: $BODY"; fi
	fi
}
db() { db_dump "$WS"; }

start_server
check "serve prints its port" [ -n "$PORT" ]
# a client that connects and says nothing: dropped after the 10 s timeout (checked at the end)
$PY - "$PORT" >idle.txt <<'PYEOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
t0 = time.monotonic()
s.settimeout(30)
data = s.recv(100)
print("closed after %.1f s" % (time.monotonic() - t0))
PYEOF
IDLE=$!

# --- registrations
call GET "$BASE?$AV"; is "empty list" 200 '.value == []'
call PUT "$BASE/east?$AV" -H 'Content-Type: application/json' --data-binary @putA1.json
is "PUT a new registration" 201 ".name == \"east\" and .type == \"Microsoft.AzureStack/registrations\" and .location == \"global\" and .properties.cloudId == \"$cloudA\" and .properties.billingModel == \"Capacity\" and (.properties.objectId | test(\"^[0-9a-f-]{36}$\")) and .id == \"/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations/east\""
check "Content-Type is JSON" grep -qi '^Content-Type: application/json' "$WORK/headers"
oid=$(printf '%s' "$BODY" | jq -r .properties.objectId)
check "the CLI sees the API's registration" sh -c "'$RG' show east --json | jq -e '.cloudId == \"$cloudA\"' >/dev/null"
call PUT "$BASE/east?$AV" --data-binary @putA1.json; is "PUT the same token again: idempotent" 200 ".properties.objectId == \"$oid\""
call PUT "$BASE/east?$AV" --data-binary @putA2.json; is "PUT a newer token: renewal" 200 '.properties.totals.hosts == 2 or (.properties.totals | tostring | test("2"))'
call PUT "$BASE/west?$AV" --data-binary @putB.json; is "PUT stamp B as west" 201
before=$(db)
call PUT "$BASE/west2?$AV" --data-binary @putA2.json; is "a CloudId registered under another name" 409 '.error.code == "CloudIdAlreadyRegistered"'
call PUT "$BASE/east?$AV" --data-binary @putB.json; is "a name bound to another CloudId" 409 '.error.code == "RegistrationNameConflict"'
call PUT "$BASE/west?$AV" --data-binary @putC.json; is "B's CloudId from another stamp key" 409 '.error.code == "StampKeyMismatch"'
call PUT "$BASE/east?$AV" --data-binary @putA1.json; is "an older token" 409 '.error.code == "TokenRolledBack"'
check "refused PUTs changed nothing" [ "$(db)" = "$before" ]
"$RG" register --token tokD.txt --name south >/dev/null
call GET "$BASE/south?$AV"; is "the API sees the CLI's registration" 200 '.name == "south" and (.properties.hosts | length) == 1'
call GET "$BASE?$AV"; is "list" 200 '[.value[].name] == ["east","south","west"] and all(.value[]; .properties.hosts == null)'
call GET "$BASE/east?$AV"; is "GET one, with its hosts (format 2: no clear UUID, an 11-character digest)" 200 '(.properties.hosts | length) == 2 and .properties.status == "Registered" and (.properties.hosts[0].uuid | length) == 11 and .properties.hosts[0].uuidSource == null'
call GET "$BASE/nosuch?$AV"; is "GET a registration that does not exist" 404 '.error.code == "RegistrationNotFound"'

# --- activation keys
call POST "$BASE/east/getactivationkey?$AV"; is "getactivationkey" 200 '.activationKey | test("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")'
printf '%s' "$BODY" | jq -r .activationKey >key1.txt
"$RG" export-issuer-key -o issuer.pub >/dev/null
"$KI" trust add issuer.pub >/dev/null
expect_exit 0 "key-import takes the API's key" "$KI" key1.txt
call POST "$BASE/east/getactivationkey?$AV" --data '{}'; is "getactivationkey with {}" 200
check "serial 2 now" sh -c "'$RG' show east --json | jq -e '.lastKeySerial == 2' >/dev/null"
call POST "$BASE/nosuch/getactivationkey?$AV"; is "getactivationkey of nothing" 404 '.error.code == "RegistrationNotFound"'
call GET "$BASE/east/getactivationkey?$AV"; is "GET getactivationkey" 405 '.error.code == "MethodNotAllowed"'
check "405 says Allow: POST" grep -qi '^Allow: POST' "$WORK/headers"
call POST "$BASE/east/getactivationkey?$AV" --data '{"validDays":3}'; is "getactivationkey takes no other member" 400 '.error.code == "InvalidRequestContent"'
# the hardware policy (issue 16): the action's parameter hostMatch, signed into the key
keyclaim() { printf '%s' "$BODY" | jq -r .activationKey | cut -d. -f2 | $PY -c 'import base64,json,sys,zlib; p=sys.stdin.read().strip(); print(json.dumps(json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))[sys.argv[1]]))' "$1"; }
call POST "$BASE/east/getactivationkey?$AV"; is "getactivationkey, no policy" 200
check "the default policy is most" [ "$(keyclaim hostMatch)" = '"most"' ]
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":"all"}'; is "getactivationkey hostMatch all" 200
check "hostMatch all signed in" [ "$(keyclaim hostMatch)" = '"all"' ]
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":2}'; is "getactivationkey hostMatch 2 (of 2 hosts)" 200
check "hostMatch 2 signed in as an integer" [ "$(keyclaim hostMatch)" = 2 ]
before=$(db)
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":3}'; is "hostMatch past the hosts" 400 '.error.code == "InvalidHostMatch" and (.error.message | contains("1 to 2 (the licensed hosts)"))'
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":"some"}'; is "hostMatch not a policy" 400 '.error.code == "InvalidHostMatch"'
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":true}'; is "hostMatch of another type" 400 '.error.code == "InvalidHostMatch"'
# a count is a JSON number, as the key signs it: the string "2" is no policy word
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":"2"}'; is "hostMatch a count in a string" 400 '.error.code == "InvalidHostMatch"'
check "refused policies spent no serial" [ "$(db)" = "$before" ]
# the registrar's default policy (registrar config host-match): read at each key, the CLI's
"$RG" config host-match all >/dev/null
call POST "$BASE/east/getactivationkey?$AV"; is "getactivationkey, the registrar's default" 200
check "the registrar's default signed in" [ "$(keyclaim hostMatch)" = '"all"' ]
call POST "$BASE/east/getactivationkey?$AV" --data '{"hostMatch":"any"}'; is "hostMatch over the default" 200
check "hostMatch given wins over the default" [ "$(keyclaim hostMatch)" = '"any"' ]
"$RG" config host-match 3 >/dev/null
before=$(db)
call POST "$BASE/east/getactivationkey?$AV"; is "a default count past the hosts" 400 '.error.code == "InvalidHostMatch" and .error.message == "east has 2 hosts, fewer than the default policy host-match 3 asks for (registrar config host-match): give hostMatch, or change the default"'
check "a default count past the hosts spent no serial" [ "$(db)" = "$before" ]
"$RG" config host-match most >/dev/null
# a policy no stamp can meet: a host with neither a UUID nor both serials is never found
# (token-gen create refuses a placeholder UUID: the token's UUID digest is stripped and the
# token signed again by the stamp's key, as an older token-gen made it; blind_token.py)
jq '.name = "blind" | del(.serial, .boardSerial)' "$HOSTS/node2.json" >blind.json
"$TG" init --state-dir stE >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --host blind.json --state-dir stE -o tokE-genuine.txt >/dev/null 2>&1
$PY "$E2E/blind_token.py" tokE-genuine.txt stE/stamp.key tokE.txt blind
"$RG" register --token tokE.txt --name blindy >/dev/null
before=$(db)
call POST "$BASE/blindy/getactivationkey?$AV"; is "a policy the hosts can never meet" 400 '.error.code == "InvalidHostMatch" and .error.message == "blindy: host-match most needs 2 of 2 hosts found, and only 1 can ever be: blind has no UUID, nor both serials, that a stamp can match (probe it again, or choose a policy they can meet)"'
call POST "$BASE/blindy/getactivationkey?$AV" --data '{"hostMatch":2}'; is "a count the hosts can never meet" 400 '.error.code == "InvalidHostMatch" and (.error.message | startswith("blindy: host-match 2 needs 2 of 2 hosts found, and only 1 can ever be"))'
check "unmeetable policies spent no serial" [ "$(db)" = "$before" ]
call POST "$BASE/blindy/getactivationkey?$AV" --data '{"hostMatch":"any"}'; is "a policy the hosts can meet" 200
"$RG" unregister --name blindy >/dev/null

# --- customerSubscriptions
CS="$BASE/east/customerSubscriptions"
s1=10000000-0000-4000-8000-000000000001
t1=0a0a0a0a-1111-4222-8333-444444444444
t2=0b0b0b0b-1111-4222-8333-444444444444
call PUT "$CS/$s1?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}"
is "PUT a customer subscription: 200, the one status published" 200 ".name == \"east/$s1\" and .type == \"Microsoft.AzureStack/registrations/customerSubscriptions\" and .properties.tenantId == \"$t1\" and .id == \"/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations/east/customerSubscriptions/$s1\""
call PUT "$CS/$s1?$AV" --data "{\"properties\":{\"tenantId\":\"$t2\"}}"; is "PUT it again: the new tenant" 200 ".properties.tenantId == \"$t2\""
call GET "$CS/$s1?$AV"; is "GET it" 200 ".properties.tenantId == \"$t2\""
for n in 2 3 4 5; do
	call PUT "$CS/10000000-0000-4000-8000-00000000000$n?$AV" --data "{\"properties\":{\"tenantId\":\"0c0c0c0c-1111-4222-8333-44444444444$n\"}}"
done
is "PUT four more" 200
"$RG" tenant add --registration east --subscription 10000000-0000-4000-8000-000000000006 --tenant 0d0d0d0d-1111-4222-8333-444444444444 >/dev/null
call GET "$CS?$AV&\$top=4"; is "a page of 4" 200 '(.value | length) == 4 and (.nextLink | type) == "string"'
page1=$(printf '%s' "$BODY" | jq -r '[.value[].name | ltrimstr("east/")] | join(" ")')
next=$(printf '%s' "$BODY" | jq -r .nextLink)
case $next in "http://127.0.0.1:$PORT/subscriptions/$SUB/"*"\$skipToken="*) ok ;; *) bad "nextLink: $next" ;; esac
call GET "$next"; is "the next page, by nextLink" 200 '(.value | length) == 2 and .nextLink == null'
page2=$(printf '%s' "$BODY" | jq -r '[.value[].name | ltrimstr("east/")] | join(" ")')
check "the pages hold all six in order, the CLI's one too" [ "$page1 $page2" = "$(seq -f '10000000-0000-4000-8000-00000000000%g' 1 6 | tr '\n' ' ' | sed 's/ $//')" ]
# the link names this server whatever Host the client sent: a link to the attacker's host
# would take the bearer secret there
call GET "$CS?$AV&\$top=4" -H "Host: attacker.example"
next=$(printf '%s' "$BODY" | jq -r .nextLink)
case $next in "http://127.0.0.1:$PORT/"*) ok ;; *) bad "nextLink after Host: attacker.example: $next" ;; esac
check "the CLI lists the API's tenants" sh -c "'$RG' tenant list --registration east | jq -e '(.value | length) == 6' >/dev/null"
call DELETE "$CS/$s1?$AV"; is "DELETE a customer subscription: 200" 200
check "DELETE's 200 has no body" [ ! -s "$WORK/body" ]
call DELETE "$CS/$s1?$AV"; is "DELETE it again: 204, nothing there" 204
check "204 has no body" [ ! -s "$WORK/body" ]
call GET "$CS/$s1?$AV"; is "GET it after" 404 '.error.code == "CustomerSubscriptionNotFound"'
call GET "$BASE/nosuch/customerSubscriptions?$AV"; is "tenants of nothing" 404 '.error.code == "RegistrationNotFound"'
call POST "$CS?$AV"; is "POST the collection" 405
check "Allow: GET" grep -qi '^Allow: GET' "$WORK/headers"

# --- unregister
call PUT "$BASE/south/customerSubscriptions/$s1?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}"; is "a tenant of south" 200
call DELETE "$BASE/south?$AV"; is "DELETE a registration" 200
check "DELETE of a registration answers no body" [ ! -s "$WORK/body" ]
# ARM's contract: a GET after a DELETE is 404 (before: 200 with status Unregistered, which
# Microsoft's SDK drops: a script saw cloudId and objectId and took it for registered)
call GET "$BASE/south?$AV"; is "GET after DELETE: gone" 404 '.error.code == "RegistrationNotFound" and .error.message == "RegistrationNotFound: south is unregistered (its record stays on the workstation: registrar show south)"'
call GET "$BASE?$AV"; is "the list leaves it out" 200 '[.value[].name] | index("south") == null'
call GET "$BASE/south?$AV" -H 'If-Match: *'; is "a GET's precondition on it is ignored: 404 still (RFC 9110 13.2.1)" 404
check "the CLI keeps its record" sh -c "'$RG' show south --json | jq -e '.status == \"Unregistered\"' >/dev/null"
call DELETE "$BASE/south?$AV"; is "DELETE it again" 204
check "the CLI sees it unregistered" sh -c "'$RG' list --json | jq -e '.value[] | select(.name == \"south\") | .status == \"Unregistered\"' >/dev/null"
# the same stamp under a new name: a PUT carries no tenant mapping (an ARM PUT has no side
# effect on another resource; before: south's were copied to south2 silently)
jq -n --rawfile t tokD.txt '{properties:{registrationToken:$t}}' >putD.json
call PUT "$BASE/south2?$AV" --data-binary @putD.json; is "PUT the unregistered stamp under a new name" 201
call GET "$BASE/south2/customerSubscriptions?$AV"; is "no tenant mapping carried" 200 '.value == []'
check "no carry audited" [ "$(db_sql "$WS" "SELECT count(*) FROM audit WHERE action = 'tenant carry'")" = 0 ]
call GET "$BASE/south/customerSubscriptions?$AV"; is "its customer subscriptions are gone with it, to ARM" 404 '.error.code == "RegistrationNotFound"'
check "the old registration keeps its own (the CLI)" sh -c "'$RG' tenant list --registration south | jq -e '[.value[].properties.tenantId] == [\"$t1\"]' >/dev/null"

# --- deactivate (issue 18): the stamp's signed removal receipt, taken over the API
"$TG" init --state-dir stN >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stN -o tokN.txt >/dev/null 2>&1
"$KI" trust add --state-dir stN issuer.pub >/dev/null
jq -n --rawfile t tokN.txt '{properties:{registrationToken:$t}}' >putN.json
call PUT "$BASE/north?$AV" --data-binary @putN.json; is "PUT stamp N as north" 201
receipt_body() { jq -n --rawfile r "$1" '{receipt: $r}' >"$2"; }
call POST "$BASE/north/getactivationkey?$AV"; is "north's key 1" 200
printf '%s' "$BODY" | jq -r .activationKey >keyN1.txt
"$KI" import --state-dir stN keyN1.txt >/dev/null
expect_exit 0 "the stamp removes key 1 and writes its receipt" "$KI" remove --state-dir stN -o rcptN1.txt
receipt_body rcptN1.txt rcptN1.json
call POST "$BASE/north/getactivationkey?$AV"; is "north's key 2, after the receipt of 1" 200
printf '%s' "$BODY" | jq -r .activationKey >keyN2.txt
before=$(db)
call POST "$BASE/north/deactivate?$AV" --data-binary @rcptN1.json
is "a receipt for serial 1 once 2 is issued: that key may be in use" 409 '.error.code == "ReceiptNotLatest"'
"$KI" import --state-dir stN keyN2.txt >/dev/null
"$KI" remove --state-dir stN -o rcptN2.txt >/dev/null 2>&1
receipt_body rcptN2.txt rcptN2.json
call POST "$BASE/west/deactivate?$AV" --data-binary @rcptN2.json; is "north's receipt sent to west" 400 '.error.code == "InvalidRemovalReceipt" and .error.message == "receipt: the receipt is for registration north, not west"'
call POST "$BASE/north/deactivate?$AV" --data '{}'; is "no receipt in the body" 400 '.error.code == "InvalidRequestContent"'
call POST "$BASE/north/deactivate?$AV" --data '{"receipt":"x","more":1}'; is "another member" 400 '.error.code == "InvalidRequestContent"'
receipt_body tokN.txt tokN.json
call POST "$BASE/north/deactivate?$AV" --data-binary @tokN.json; is "a token as the receipt: named" 400 '.error.code == "InvalidRemovalReceipt" and .error.message == "receipt: this is a registration token: carry it to the workstation (registrar register --token FILE)"'
call POST "$BASE/nosuch/deactivate?$AV" --data-binary @rcptN2.json; is "deactivate of no registration: 404, whatever the receipt names" 404 '.error.code == "RegistrationNotFound"'
call GET "$BASE/north/deactivate?$AV"; is "GET deactivate" 405 '.error.code == "MethodNotAllowed"'
check "refused receipts changed nothing" [ "$(db)" = "$before" ]
call POST "$BASE/north/deactivate?$AV" --data-binary @rcptN2.json
is "the latest receipt deactivates north" 200 ".name == \"north\" and .status == \"Deactivated\" and .serial == 2 and .receiptSha256 == \"$(sha256sum <rcptN2.txt | cut -c1-64)\" and (.receiptId | test(\"^[0-9a-f-]{36}$\"))"
first=$BODY
after=$(db)
call POST "$BASE/north/deactivate?$AV" --data-binary @rcptN2.json; is "the same receipt again: the same answer" 200
check "the same answer, byte for byte" [ "$BODY" = "$first" ]
check "and nothing written" [ "$(db)" = "$after" ]
call GET "$BASE/north?$AV"; is "GET after deactivate: gone, to ARM" 404 '.error.message == "RegistrationNotFound: north is deactivated (its record stays on the workstation: registrar show north)"'
check "the CLI says Deactivated" sh -c "'$RG' show north --json | jq -e '.status == \"Deactivated\"' >/dev/null"
check "audited" [ "$(db_sql "$WS" "SELECT count(*) FROM audit WHERE action = 'deactivate' AND registration = 'north'")" = 1 ]

# --- a burst: 12 GETs and 12 PUTs at once, then 12 DELETEs at once, so that the server's
# threads share its state for real (make tsan runs this test under ThreadSanitizer)
burst() { # lines of "METHOD URL [BODY]" in burst.in: every connection made first, then every
	# request sent at once, so that they meet in the server's threads; statuses in burst.out
	$PY - "$PORT" "$SECRET" burst.in >burst.out <<'PYEOF'
import collections, socket, sys
port, secret = int(sys.argv[1]), sys.argv[2]
jobs = [l.rstrip("\n").split(" ", 2) for l in open(sys.argv[3]) if l.strip()]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in jobs]
for s, (method, url, *body) in zip(socks, jobs):
    data = (body[0] if body else "").encode()
    path = url.split(str(port), 1)[1]
    s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
              f"Connection: close\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
got = collections.Counter()
for s in socks:
    s.settimeout(60)
    answer = b""
    while b := s.recv(65536):
        answer += b
    got[answer.split(b" ", 2)[1].decode() if answer else "none"] += 1
print(" ".join(f"{n} {code}" for code, n in sorted(got.items())), end=" ")
PYEOF
	CALLS=$((CALLS + $(wc -l <burst.in)))
}
sub() { printf '30000000-0000-4000-8000-0000000000%02d' "$1"; }
burst_subs() { "$RG" tenant list --registration east | jq '[.value[] | select(.id | contains("/30000000-"))] | length'; }
seq 1 12 | while read -r i; do
	case $((i % 3)) in 0) echo "GET $BASE?$AV" ;; 1) echo "GET $BASE/east?$AV" ;; 2) echo "GET $CS?$AV&\$top=2" ;; esac
	echo "PUT $CS/$(sub "$i")?$AV {\"properties\":{\"tenantId\":\"0f0f0f0f-1111-4222-8333-4444444444$(printf %02d "$i")\"}}"
done >burst.in
burst
check "12 GETs and 12 PUTs at once: each answered ($(cat burst.out))" [ "$(cat burst.out)" = "24 200 " ]
check "the 12 PUTs are in the database" [ "$(burst_subs)" = 12 ]
seq 1 12 | while read -r i; do echo "DELETE $CS/$(sub "$i")?$AV"; done >burst.in
burst
check "12 DELETEs at once: all 200 ($(cat burst.out))" [ "$(cat burst.out)" = "12 200 " ]
check "the 12 are gone" [ "$(burst_subs)" = 0 ]

# --- the published API at each of its api-versions (docs/api.md, "Versions")
ROOT="http://127.0.0.1:$PORT"
hdr() { sed -n "s/^$1: *//Ip" "$WORK/headers" | tr -d '\r'; }
for v in 2016-01-01 2017-06-01 2020-06-01-preview 2022-06-01 2020-06-01-PREVIEW; do
	call GET "$BASE/east?api-version=$v"; is "GET at $v" 200 '.name == "east" and .properties.cloudId != null'
	case $v in
	2020*) is "$v: systemData" 200 '(.systemData.createdAt | test("^20[0-9-]+T[0-9:]+Z$")) and (.systemData.lastModifiedAt | type) == "string"' ;;
	*) is "$v: no systemData" 200 '.systemData == null' ;;
	esac
done
call POST "$BASE/east/getActivationKey?api-version=2016-01-01"; is "2016-01-01's spelling getActivationKey" 200 '.activationKey | type == "string"'
# every answer names its request; the log line too
call GET "$BASE/east?$AV"
rid=$(hdr x-ms-request-id)
check "x-ms-request-id is a GUID ($rid)" sh -c "printf '%s' '$rid' | grep -qxE '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'"
check "the log line names the request id" grep -q " GET [^ ]*/registrations/east 200 .* request $rid\$" serve.log
call GET "$BASE/east?$AV"; check "each request its own id" [ "$(hdr x-ms-request-id)" != "$rid" ]
call GET "$BASE/nowhere?api-version=2099-01-01"; check "a refusal has its id too" [ -n "$(hdr x-ms-request-id)" ]
call GET "$BASE/east?$AV" -H 'x-ms-client-request-id: 0A0A0A0A-1111-4222-8333-444444444444'
check "the client's request id comes back" [ "$(hdr x-ms-client-request-id)" = 0a0a0a0a-1111-4222-8333-444444444444 ]
call GET "$BASE/east?$AV" -H 'x-ms-client-request-id: <script>'
check "a client request id that is no GUID does not" [ -z "$(hdr x-ms-client-request-id)" ]
# etag: the ETag header is the body's; If-Match / If-None-Match honoured (412, 304)
call GET "$BASE/east?$AV"
etag=$(printf '%s' "$BODY" | jq -r .etag)
check "etag is a quoted tag ($etag)" sh -c "printf '%s' '$etag' | grep -qxE '\"[0-9a-f]{32}\"'"
check "the ETag header is the body's etag" [ "$(hdr ETag)" = "$etag" ]
call GET "$BASE?$AV"; is "a list's etag is the resource's" 200 ".value[] | select(.name == \"east\") | .etag == $(printf '%s' "$etag" | jq -R .)"
before=$(db)
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H 'If-Match: "0123456789abcdef0123456789abcdef"'
is "PUT with a stale If-Match" 412 '.error.code == "PreconditionFailed" and (.error.message | startswith("If-Match: the registration'"'"'s etag is now \""))'
call DELETE "$BASE/east?$AV" -H 'If-Match: "0123456789abcdef0123456789abcdef"'; is "DELETE with a stale If-Match" 412 '.error.code == "PreconditionFailed"'
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H 'If-None-Match: *'; is "PUT If-None-Match: * on one that exists" 412 '.error.code == "PreconditionFailed"'
call PUT "$BASE/nosuch?$AV" --data-binary @putA2.json -H 'If-Match: *'; is "PUT If-Match: * on none" 412 '.error.code == "PreconditionFailed"'
call PATCH "$BASE/nosuch?$AV" --data-binary @putA2.json -H 'If-Match: *'; is "PATCH If-Match: * on none: 404 first (RFC 9110 13.2.1)" 404 '.error.code == "RegistrationNotFound"'
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H 'If-Match: "a", "b'; is "an If-Match that is no list of tags" 400 '.error.code == "InvalidPreconditionHeader"'
call GET "$BASE/east?$AV" -H 'If-Match: W/'"$etag"; is "a weak tag never meets If-Match" 412
check "refused preconditions changed nothing" [ "$(db)" = "$before" ]
call GET "$BASE/east?$AV" -H "If-None-Match: $etag"; is "GET If-None-Match: the same etag" 304
check "304 has no body, and the ETag" sh -c "[ ! -s '$WORK/body' ] && grep -q 'ETag: $etag' '$WORK/headers'"
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H "If-Match: \"x\", $etag"; is "PUT If-Match naming the etag (the same token: nothing changes)" 200 ".etag == $(printf '%s' "$etag" | jq -R .)"
call POST "$BASE/east/getactivationkey?$AV"; is "a key issued" 200
call GET "$BASE/east?$AV"; is "a new serial, a new etag" 200 ".etag != $(printf '%s' "$etag" | jq -R .) and .properties.lastKeySerial > 0"
etag2=$(printf '%s' "$BODY" | jq -r .etag)
# (review-attack) preconditions nowhere ignored, and read as RFC 9110 reads them
before=$(db)
call POST "$BASE/east/getactivationkey?$AV" -H "If-Match: $etag"
is "getactivationkey with a stale If-Match: no key" 412 ".error.code == \"PreconditionFailed\" and .error.message == $(printf 'If-Match: the registration'"'"'s etag is now %s' "$etag2" | jq -Rs .)"
# two If-None-Match lines are one list (RFC 9110 5.3): the second names the etag
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H 'If-None-Match: "0123456789abcdef0123456789abcdef"' -H "If-None-Match: $etag2"
is "PUT If-None-Match split over two lines, the second naming the etag" 412 '.error.code == "PreconditionFailed"'
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H 'If-Match;'; is "an empty If-Match" 400 '.error.code == "InvalidPreconditionHeader"'
check "refused preconditions issued and wrote nothing" [ "$(db)" = "$before" ]
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H "If-Match: , $etag2 ,"; is "If-Match with empty elements (RFC 9110 5.6.1.2)" 200 ".etag == $(printf '%s' "$etag2" | jq -R .)"
call PUT "$BASE/east?$AV" --data-binary @putA2.json -H 'If-Match: "0123456789abcdef0123456789abcdef"' -H "If-Match: $etag2"
is "If-Match split over two lines, the second naming the etag" 200
call POST "$BASE/east/getactivationkey?$AV" -H "If-Match: $etag2"; is "getactivationkey with the current If-Match" 200 '.activationKey | length > 0'
# PATCH (Registrations_Update): the body and the rules of PUT, on a registration there is
call PATCH "$BASE/east?$AV" --data-binary @putA2.json; is "PATCH with the same token" 200 '.name == "east"'
call PATCH "$BASE/east?$AV" --data-binary @putA1.json; is "PATCH with an older token: the rules of PUT" 409 '.error.code == "TokenRolledBack"'
call PATCH "$BASE/nosuch?$AV" --data-binary @putB.json; is "PATCH of a name never registered" 404 '.error.code == "RegistrationNotFound"'
check "the PATCH of nothing registered nothing" sh -c "! '$RG' show nosuch >/dev/null 2>&1"
# GUIDs in any case, stored and shown in lower case
UPSUB=$(printf '%s' "$SUB" | tr a-f A-F)
UPBASE="$ROOT/subscriptions/$UPSUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations"
s9=10000000-0000-4000-8000-0000000000ab
call PUT "$UPBASE/east/customerSubscriptions/10000000-0000-4000-8000-0000000000AB?$AV" --data '{"properties":{"tenantId":"0A0A0A0A-9999-4222-8333-444444444444"}}'
is "upper-case GUIDs in the path and the body" 200 ".name == \"east/$s9\" and .id == \"/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations/east/customerSubscriptions/$s9\" and .properties.tenantId == \"0a0a0a0a-9999-4222-8333-444444444444\""
# (review-attack) a customer subscription has no etag: If-Match names none, "*" means it is there
before=$(db)
call PUT "$CS/$s9?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}" -H 'If-None-Match: *'
is "PUT If-None-Match: * on a customer subscription there is" 412 '.error.code == "PreconditionFailed" and .error.message == "If-None-Match: the customer subscription exists"'
call PUT "$CS/$s9?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}" -H 'If-Match: "0123456789abcdef0123456789abcdef"'
is "PUT a customer subscription If-Match a tag" 412 '.error.message == "If-Match: a customer subscription has no etag (only \"*\" can match it)"'
call DELETE "$CS/$s9?$AV" -H 'If-Match: "0123456789abcdef0123456789abcdef"'; is "DELETE a customer subscription If-Match a tag" 412 '.error.code == "PreconditionFailed"'
call PUT "$CS/10000000-0000-4000-8000-0000000000ac?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}" -H 'If-Match: *'
is "PUT If-Match: * of a customer subscription there is not" 412 '.error.message == "If-Match: there is no such customer subscription"'
check "refused customer subscription preconditions changed nothing" [ "$(db)" = "$before" ]
call GET "$CS/$s9?$AV" -H 'If-None-Match: *'; is "GET If-None-Match: * of one there is" 304
call GET "$CS/10000000-0000-4000-8000-0000000000ac?$AV" -H 'If-Match: *'; is "GET If-Match: * of one there is not: 404, the precondition ignored (RFC 9110 13.2.1)" 404 '.error.code == "CustomerSubscriptionNotFound"'
call PUT "$CS/$s9?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}" -H 'If-Match: *'; is "PUT If-Match: * of one there is" 200 ".properties.tenantId == \"$t1\""
call GET "$CS/10000000-0000-4000-8000-0000000000Ab?$AV"; is "found in any case" 200 ".name == \"east/$s9\""
check "the CLI lists it in lower case" sh -c "'$RG' tenant list --registration east | grep -q '$s9'"
call DELETE "$CS/10000000-0000-4000-8000-0000000000AB?$AV"; is "deleted in any case" 200
# the routes real clients call
call GET "$ROOT/subscriptions/$SUB/providers/Microsoft.AzureStack/registrations?$AV"
is "list by subscription: ids in the reference's default group" 200 "(.value | length) > 1 and all(.value[]; .id | startswith(\"/subscriptions/$SUB/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/\"))"
call GET "$ROOT/providers/Microsoft.AzureStack/operations?$AV"
is "operations" 200 '[.value[].name] | index("Microsoft.AzureStack/registrations/getActivationKey/action") != null and all(.[]; startswith("Microsoft.AzureStack/"))'
is "each operation displayed" 200 'all(.value[]; .display.provider and .display.resource and .display.operation and .display.description and .origin == "user,system")'
call GET "$CS?api-version=2022-06-01&\$top=1"; is "nextLink keeps the request's api-version" 200 '.nextLink | test("api-version=2022-06-01&")'
for r in "GET $BASE/east/products" "GET $BASE/east/products/p1" "POST $BASE/east/products/p1/getProducts" \
	"POST $BASE/east/enableRemoteManagement" "GET $ROOT/providers/Microsoft.AzureStack/cloudManifestFiles" \
	"POST $ROOT/subscriptions/$SUB/providers/Microsoft.AzureStack/generateDeploymentLicense" \
	"GET $ROOT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/linkedSubscriptions"; do
	call ${r%% *} "${r#* }?$AV"; is "not off-line: $r" 501 '.error.code == "NotSupportedOffline" and (.error.message | test("disconnected"))'
done
call POST "$BASE/east/enableRemoteManagement"; is "enableRemoteManagement, published without an api-version: 501 still" 501 '.error.code == "NotSupportedOffline"'
call GET "$BASE/east/products/p1/x/y?$AV"; is "deeper than any route" 404 '.error.code == "NotFound"'

# --- malformed requests: the right 4xx, the database unchanged
MALFORMED=0
before=$(db)
refused() { # refused "what" STATUS CODE: the last call was refused so
	is "$1" "$2" "${3:+.error.code == \"$3\"}"
	MALFORMED=$((MALFORMED + 1))
}
call GET "$BASE"; refused "no api-version" 400 MissingApiVersionParameter
call GET "$BASE?api-version=2099-01-01"; refused "an api-version not published" 400 InvalidApiVersionParameter
is "the refusal lists the supported versions" 400 '.error.message == "api-version 2099-01-01 is not one this server supports: 2016-01-01, 2017-06-01, 2020-06-01-preview, 2022-06-01"'
call GET "$BASE?api-version=2017-06-01x"; refused "a published version with more after it" 400 InvalidApiVersionParameter
call PUT "$BASE/x1?$AV" --data-binary '{"location":"global","properties":'; refused "truncated JSON" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV" --data-binary '[1,2]'; refused "a JSON array" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV" --data-binary '{"properties":{"registrationToken":42}}'; refused "the token a number" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV" --data-binary '{"properties":"x"}'; refused "properties a string" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV" --data-binary '{"location":"westus","properties":{"registrationToken":"a.b.c"}}'; refused "another location" 400 LocationNotAvailableForResourceType
call PUT "$BASE/x1?$AV" --data-binary '{"properties":{"registrationToken":"a.b.c"},"extra":1}'; refused "an unknown member" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV" --data-binary '{"properties":{"registrationToken":"a"},"properties":{"registrationToken":"b"}}'; refused "a duplicate member" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV" --data-binary '{"properties":{"registrationToken":"not-a-token"}}'; refused "a token that is not one" 400 InvalidRegistrationToken
# another file of the air gap sent as the token: named as `registrar register` names it
put_file() { jq -n --rawfile t "$1" '{properties:{registrationToken:$t}}' >putfile.json; call PUT "$BASE/x1?$AV" --data-binary @putfile.json; }
put_file key1.txt; refused "an activation key as the token" 400 InvalidRegistrationToken
is "an activation key as the token: named" 400 '.error.message == "properties.registrationToken: this is an activation key: carry it to the stamp (key-import FILE)"'
put_file issuer.pub; refused "the issuer public key as the token" 400 InvalidRegistrationToken
is "the issuer public key as the token: named" 400 '.error.message == "properties.registrationToken: this is an issuer public key: key-import trust add FILE"'
put_file "$ST/stamp.key"; refused "a private key as the token" 400 InvalidRegistrationToken
is "a private key as the token: named" 400 '.error.message == "properties.registrationToken: this is a private key: it never leaves its machine"'
"$RG" export-issuer-key --qr issuer.png >/dev/null 2>&1
# a PNG's NUL bytes cannot be in a JSON string: the body is no JSON (docs/api.md)
put_file issuer.png; refused "a PNG as the token" 400 InvalidRequestContent
# a file in lines, as a mail wraps it or QR parts are scanned: its line breaks reach the
# reader (the body's text check once refused them as controls)
fold -w 76 key1.txt >key1.wrapped
put_file key1.wrapped; refused "a wrapped activation key as the token" 400 InvalidRegistrationToken
is "a wrapped activation key as the token: named" 400 '.error.message == "properties.registrationToken: this is an activation key: carry it to the stamp (key-import FILE)"'
half=$(head -c 500 tokD.txt)
call PUT "$BASE/x1?$AV" --data-binary "{\"properties\":{\"registrationToken\":\"$half\"}}"; refused "a cut token" 400 InvalidRegistrationToken
printf '{"properties":{"registrationToken":"a\000b"}}' >nul.json
call PUT "$BASE/x1?$AV" --data-binary @nul.json; refused "a NUL in the body" 400 InvalidRequestContent
call PUT "$BASE/x1?$AV"; refused "no body" 400 InvalidRequestContent
head -c 70000 /dev/zero | tr '\0' 'a' >big.txt
call PUT "$BASE/x1?$AV" --data-binary @big.txt; refused "a body over 64 KiB" 413 RequestTooLarge
# refused from its Content-Length, before a byte of it is sent: no body follows these headers
got=$($PY - "$PORT" "$SECRET" "$BASE" <<'PYEOF'
import socket, sys
port, secret, base = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(5)
s.sendall(f"PUT {base.split(str(port), 1)[1]}/x1?api-version=2017-06-01 HTTP/1.1\r\nHost: x\r\n"
          f"Authorization: Bearer {secret}\r\nContent-Length: 1000000\r\n\r\n".encode())
try:
    print(s.recv(65536).decode("latin-1").split("\r\n")[0].split(" ")[1])
except socket.timeout:
    print("no answer")
PYEOF
)
check "a body announced over 64 KiB is refused before it is sent: $got" [ "$got" = 413 ]
MALFORMED=$((MALFORMED + 1))
CALLS=$((CALLS + 1))
call PUT "$BASE/x1?$AV" -H 'Transfer-Encoding: chunked' --data-binary @big.txt; refused "a chunked body over 64 KiB" 413 RequestTooLarge
head -c 3000000 /dev/zero | tr '\0' 'a' >huge.txt
call PUT "$BASE/x1?$AV" -H 'Transfer-Encoding: chunked' --data-binary @huge.txt
MALFORMED=$((MALFORMED + 1))
case $STATUS in 000 | 100 | 413) ok ;; *) bad "a chunked body of 3 MB: HTTP $STATUS" ;; esac
call GET "$BASE?$AV" -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' 'h')"
case $STATUS in 4[0-9][0-9]) ok ;; *) bad "huge headers: HTTP $STATUS" ;; esac
MALFORMED=$((MALFORMED + 1))
call GET "$BASE/..?$AV" --path-as-is; refused "a name of .." 400 InvalidResourceName
call GET "$BASE/%2e%2e%2f%2e%2e%2fetc?$AV"; refused "an encoded traversal" 400 InvalidPath
# a NUL cut the path short (this DELETE unregistered east), an encoded / made two segments
call DELETE "$BASE/east%00/customerSubscriptions/$s1?$AV"; refused "an encoded NUL in the path" 400 InvalidPath
check "the refusal closes the connection" grep -qi '^Connection: close' "$WORK/headers"
call GET "$BASE/east%2Fcustomersubscriptions?$AV"; refused "an encoded / in the path" 400 InvalidPath
call GET "$BASE/east%252F?$AV"; refused "an encoded %" 400 InvalidPath
# a body's length said two ways: the rest of the body would run as a second request
smuggle() { # smuggle HEADERS [PREFIX]: the answers to one PUT whose body is PREFIX (| for
	# CRLF), then a DELETE of east
	$PY - "$PORT" "$SECRET" "$BASE" "$1" "${2-}" <<'PYEOF'
import socket, sys
port, secret, base, headers = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
prefix = sys.argv[5].replace("|", "\r\n")
path = base.split(str(port), 1)[1]
inner = (f"DELETE {path}/east?api-version=2017-06-01 HTTP/1.1\r\nHost: x\r\n"
         f"Authorization: Bearer {secret}\r\n\r\n")
inner = prefix + inner
head = headers.replace("LEN", str(len(inner))).replace("|", "\r\n")
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(5)
s.sendall(f"PUT {path}/x3?api-version=2017-06-01 HTTP/1.1\r\nHost: x\r\n"
          f"Authorization: Bearer {secret}\r\n{head}\r\n\r\n{inner}".encode())
got = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
except socket.timeout:
    got += b" (still open)"
print(" ".join(l.split(" ")[1] for l in got.decode("latin-1").split("\r\n") if l.startswith("HTTP/1.1 ")),
      "(still open)" if got.endswith(b"(still open)") else "closed")
PYEOF
}
check "two Content-Length: one 400, closed" [ "$(smuggle 'Content-Length: 0|Content-Length: LEN')" = "400 closed" ]
check "Content-Length and Transfer-Encoding: one 400, closed" \
	[ "$(smuggle 'Content-Length: LEN|Transfer-Encoding: chunked')" = "400 closed" ]
# the body a valid chunked one (an empty chunk) with the DELETE after it: read by
# Transfer-Encoding, as libmicrohttpd reads it, the DELETE would be a second request
check "Content-Length and Transfer-Encoding, a chunked body then a request: one 400, closed" \
	[ "$(smuggle 'Content-Length: LEN|Transfer-Encoding: chunked' '0||')" = "400 closed" ]
# (libmicrohttpd refuses this one itself, and writes its 400's head twice)
got=$(smuggle 'Content-Length: +LEN')
case $got in "400 closed" | "400 400 closed") ok ;; *) bad "a Content-Length of no digits: $got" ;; esac
MALFORMED=$((MALFORMED + 4))
CALLS=$((CALLS + 3)) # the access log holds the three that reach the server
call GET "$BASE/a%20b?$AV"; refused "a name with a space" 400 InvalidResourceName
call GET "$BASE/$(head -c 64 /dev/zero | tr '\0' n)?$AV"; refused "a name of 64 characters" 400 InvalidResourceName
call GET "http://127.0.0.1:$PORT/foo?$AV"; refused "an unknown route" 404 NotFound
call GET "$BASE/east/unknown?$AV"; refused "an unknown child" 404 NotFound
call GET "http://127.0.0.1:$PORT/subscriptions/not-a-guid/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations?$AV"; refused "a subscription that is no GUID" 400 InvalidSubscriptionId
call GET "http://127.0.0.1:$PORT/subscriptions/$SUB/resourceGroups/r%3Bg/providers/Microsoft.AzureStack/registrations?$AV"; refused "a bad resource group" 400 InvalidResourceGroup
call POST "$BASE/east?$AV"; refused "POST a registration" 405 MethodNotAllowed
check "Allow: GET, PUT, PATCH, DELETE" grep -qi '^Allow: GET, PUT, PATCH, DELETE' "$WORK/headers"
call PATCH "$BASE/east?$AV"; refused "PATCH without a body" 400 InvalidRequestContent
call POST "$BASE?$AV"; refused "POST the collection" 405 MethodNotAllowed
call GET "$CS?$AV&\$top=0"; refused "\$top=0" 400 InvalidTop
call GET "$CS?$AV&\$top=abc"; refused "\$top=abc" 400 InvalidTop
call GET "$CS?$AV&\$skipToken=zzz"; refused "a made-up \$skipToken" 400 InvalidSkipToken
call PUT "$CS/10000000-0000-4000-8000-00000000000G?$AV" --data "{\"properties\":{\"tenantId\":\"$t1\"}}"; refused "a subscription id that is no GUID" 400 InvalidCustomerSubscriptionId
call PUT "$CS/10000000-0000-4000-8000-00000000000a?$AV" --data '{"properties":{"tenantId":"nope"}}'; refused "a tenant that is no GUID" 400 InvalidTenantId
call PUT "$CS/10000000-0000-4000-8000-00000000000a?$AV" --data '{"properties":{}}'; refused "no tenantId" 400 InvalidRequestContent
# a body cut short: the client goes away before the end
$PY - "$PORT" "$SECRET" "$BASE" <<'PYEOF'
import socket, sys
port, secret, base = int(sys.argv[1]), sys.argv[2], sys.argv[3]
path = base.split(str(port), 1)[1] + "/cut?api-version=2017-06-01"
s = socket.create_connection(("127.0.0.1", port))
s.sendall(f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
          f"Content-Length: 1000\r\n\r\n{{\"properties\":".encode())
s.close()
PYEOF
MALFORMED=$((MALFORMED + 1))
# let go when the client closes, not after the 10 s timeout (libmicrohttpd's epoll loop
# held a connection whose data and FIN came in one read; serve polls)
i=0
while ! grep -q ' PUT [^ ]*/registrations/cut ' serve.log && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "the cut body's connection let go within 5 s: $(grep ' PUT [^ ]*/registrations/cut ' serve.log)" \
	grep -q ' PUT [^ ]*/registrations/cut 0 0 bytes .* (connection closed)$' serve.log
check "after $MALFORMED malformed requests the database is unchanged" [ "$(db)" = "$before" ]
call GET "$BASE/cut?$AV"; is "the cut request made nothing" 404

# --- who may call
ANON() { STATUS=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@"); BODY=$(cat "$WORK/body"); CALLS=$((CALLS + 1)); }
ANON "$BASE?$AV"; is "no Authorization" 401 '.error.code == "AuthenticationFailed"'
check "401 says WWW-Authenticate: Bearer" grep -qi '^WWW-Authenticate: Bearer' "$WORK/headers"
ANON -H "Authorization: Bearer ${SECRET}x" "$BASE?$AV"; is "a longer secret" 401
ANON -H "Authorization: Bearer $(printf '%s' "$SECRET" | cut -c2-)" "$BASE?$AV"; is "a shorter secret" 401
ANON -H "Authorization: Basic $SECRET" "$BASE?$AV"; is "Basic" 401
ANON -X PUT -H 'Content-Length: 100000000' "$BASE/x?$AV"; is "no secret, a huge body: 401 first" 401
ANON -H "authorization: bearer $SECRET" "$BASE?$AV"; is "header and scheme in any case" 200
# every route and method, with no secret and with a wrong one: 401 and nothing changed
before=$(db)
for route in "GET $BASE" "GET $BASE/east" "PUT $BASE/anon" "DELETE $BASE/east" \
	"POST $BASE/east/getactivationkey" "GET $BASE/east/customerSubscriptions" \
	"GET $BASE/east/customerSubscriptions/$s1" "PUT $BASE/east/customerSubscriptions/$s1" \
	"DELETE $BASE/east/customerSubscriptions/$s1" "PATCH $BASE/east" "GET $BASE/nowhere/x/y"; do
	ANON -X "${route%% *}" --data-binary @putA1.json "${route#* }?$AV"
	is "no secret: $route" 401 '.error.code == "AuthenticationFailed"'
	ANON -X "${route%% *}" -H "Authorization: Bearer x$SECRET" --data-binary @putA1.json "${route#* }?$AV"
	is "a wrong secret: $route" 401
done
check "the unauthorised calls changed nothing" [ "$(db)" = "$before" ]
old=$SECRET
"$RG" api-key rotate >/dev/null
kill -HUP "$PID"
i=0
while ! grep -q 'SIGHUP: read the API secret again' serve.log && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check "SIGHUP: the server says it read the secret again" grep -q 'SIGHUP: read the API secret again' serve.log
ANON -H "Authorization: Bearer $old" "$BASE?$AV"; is "the old secret after rotate + SIGHUP" 401
SECRET=$(cat "$WS/api.secret")
call GET "$BASE?$AV"; is "the new secret" 200
check "rotate keeps 0600" [ "$(stat -c %a "$WS/api.secret")" = 600 ]

# --- the log: one line a request, never the secret
# (not the request whose headers were too big: libmicrohttpd answers it and says so; the
# body cut by its client is logged "(connection closed)")
logged=$(grep -c ' serve: 127\.0\.0\.1 ' serve.log)
check "one access-log line a request ($CALLS - 1 + the cut body; log $logged)" [ "$logged" -eq "$CALLS" ]
check "libmicrohttpd's own line for the huge headers" grep -q "serve: libmicrohttpd: .*431" serve.log
check "the log never holds a secret" sh -c "! grep -q -e '$old' -e '$SECRET' serve.log"
check "a log line names method, path, status" grep -q "serve: 127.0.0.1 DELETE /subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations/south 204 0 bytes" serve.log

wait "$IDLE"
# 10 s, a few late under valgrind on a busy machine
case $(cat idle.txt) in "closed after "1[0-9].*) ok ;; *) bad "an idle client: $(cat idle.txt)" ;; esac

# --- graceful stop: a request in flight when SIGTERM comes still gets its answer
$PY - "$PORT" "$SECRET" "$BASE" "$PID" <<'PYEOF' >inflight.txt
import os, signal, socket, sys, time
port, secret, base, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
path = base.split(str(port), 1)[1] + "/east/customerSubscriptions/20000000-0000-4000-8000-000000000001?api-version=2017-06-01"
body = b'{"properties":{"tenantId":"0e0e0e0e-1111-4222-8333-444444444444"}}'
s = socket.create_connection(("127.0.0.1", port))
s.sendall(f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
          f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[:10])
# SIGTERM only once the server has accepted the connection and read what was sent:
# its end of it (local port = the server's) has nothing left to receive
me = "%04X" % s.getsockname()[1]
for _ in range(200):
    rows = [l.split() for l in open("/proc/net/tcp").read().splitlines()[1:]]
    if any(r[1].endswith(":%04X" % port) and r[2].endswith(":" + me) and
           r[4].endswith(":00000000") for r in rows):
        break
    time.sleep(0.05)
time.sleep(0.2)  # and has called us with the headers
os.kill(pid, signal.SIGTERM)
for _ in range(200):  # the rest of the body once the server has stopped listening
    if "no new connections" in open("serve.log").read():
        break
    time.sleep(0.05)
s.sendall(body[10:])
print(s.recv(4096).decode().split("\r\n")[0])
PYEOF
wait "$PID"
check "serve exits 0 on SIGTERM" [ $? -eq 0 ]
check "SIGTERM came with the request in flight" grep -q 'serve: Terminated: no new connections; finishing 1 request(s)' serve.log
check "the request in flight was answered: $(cat inflight.txt)" grep -q '^HTTP/1.1 200' inflight.txt
check "its tenant is in the database" sh -c "'$RG' tenant list --registration east | grep -q 20000000-0000-4000-8000-000000000001"
check "serve says it stopped and closed the database" grep -q 'stopped after .* requests; database closed' serve.log
if db_pg; then # its connections ended (the server's backends go a moment after it)
	i=0
	while [ "$(db_sql "$WS" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'airreg-registrar'")" != 0 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	check "no connection left: the database was closed" [ $i -lt 100 ]
else
	check "no WAL left: the database was closed cleanly" [ ! -e "$WS/registrar.db-wal" ]
	check "integrity" [ "$(db_sql "$WS" 'PRAGMA integrity_check')" = ok ]
fi

# --- where it listens
expect_exit 2 "another address without TLS" "$RG" serve --listen 0.0.0.0:0
one_line_error "no TLS" "is not a loopback address: HTTPS only (give --tls-cert and --tls-key)"
expect_exit 2 "a bad --listen" "$RG" serve --listen localhost
expect_exit 2 "--tls-cert alone" "$RG" serve --tls-cert x.pem
# RSA, so that a static-RSA key exchange could be offered: it must not be
openssl req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.crt \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 2 >/dev/null 2>&1
chmod 644 tls.key
expect_exit 5 "a TLS key readable by others" "$RG" serve --tls-cert tls.crt --tls-key tls.key
one_line_error "TLS key mode" "run chmod 600"
chmod 600 tls.key
expect_exit 2 "--public-url with a path" "$RG" serve --public-url https://registrar.example/api
one_line_error "--public-url with a path" 'give http(s)://HOST[:PORT] as clients reach this server'
expect_exit 2 "--public-url of another scheme" "$RG" serve --public-url ftp://registrar.example
start_server --tls-cert tls.crt --tls-key tls.key --public-url https://registrar.example:8443/
STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' --cacert tls.crt -H "Authorization: Bearer $SECRET" \
	"https://127.0.0.1:$PORT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations?$AV")
check "HTTPS with the certificate: 200" [ "$STATUS" = 200 ]
check "nextLink and logs say https" grep -q 'listening on https://127.0.0.1:' serve.log
check "links name the --public-url" grep -q 'links name https://registrar.example:8443)' serve.log
# TLS 1.2 and 1.3 only, forward-secret AEAD suites only (s_client prints "New, (NONE)" when
# the server refuses the handshake)
tls() { timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "$@" </dev/null 2>&1 | grep -m1 '^New, '; }
case $(tls -tls1_3) in "New, TLSv1.3, Cipher is TLS_"*) ok ;; *) bad "TLS 1.3: $(tls -tls1_3)" ;; esac
case $(tls -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256) in *"Cipher is ECDHE-RSA-AES128-GCM-SHA256") ok ;;
	*) bad "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: $(tls -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256)" ;; esac
# Node.js, as the Azure SDK would use it, with its own defaults
got=$(node -e '
const tls = require("tls"), fs = require("fs");
const s = tls.connect({ host: "127.0.0.1", port: +process.argv[1], ca: fs.readFileSync("tls.crt") },
  () => { console.log(s.getProtocol(), s.getCipher().name); s.end(); });
s.on("error", e => { console.log("error", e.code); });' "$PORT")
case $got in "TLSv1.3 TLS_"*) ok ;; *) bad "Node.js connects with TLS 1.3: $got" ;; esac
for refused in "-tls1_1 -cipher DEFAULT@SECLEVEL=0" "-tls1 -cipher DEFAULT@SECLEVEL=0" \
	"-tls1_2 -cipher AES128-GCM-SHA256" "-tls1_2 -cipher ECDHE-RSA-AES128-SHA" \
	"-tls1_2 -cipher ECDHE-RSA-AES256-SHA384" "-tls1_2 -cipher DHE-RSA-AES128-SHA"; do
	# shellcheck disable=SC2086
	got=$(tls $refused)
	check "TLS refuses $refused ($got)" [ "$got" = "New, (NONE), Cipher is (NONE)" ]
done
STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' --cacert tls.crt -H "Authorization: Bearer $SECRET" \
	"https://127.0.0.1:$PORT/subscriptions/$SUB/resourceGroups/rg1/providers/Microsoft.AzureStack/registrations/east/customerSubscriptions?$AV&\$top=1")
check "nextLink is the --public-url's" sh -c "jq -r .nextLink '$WORK/body' | grep -q '^https://registrar.example:8443/subscriptions/'"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/?$AV")
check "plain HTTP to the HTTPS port gets nothing" [ "$STATUS" = 000 ]
kill -INT "$PID"
wait "$PID"
check "serve exits 0 on SIGINT" [ $? -eq 0 ]

# --- 31 days on: the live registration's own token again is 200, whatever its age (before:
# 400 "token is older than 30 days"); another token is still held to the age rule
# libfaketime preloaded (faketime itself would fork, and $PID be its pid, not the server's)
FTLIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
check "libfaketime found" [ -n "$FTLIB" ]
SERVE_WRAP="env TZ=UTC LD_PRELOAD=$FTLIB FAKETIME=+31d"
start_server
SERVE_WRAP=
before=$(db)
call PUT "$BASE/east?$AV" --data-binary @putA2.json; is "PUT the same token again, 31 days on" 200 '.properties.status == "Registered"'
call PUT "$BASE/x31?$AV" --data-binary @putD.json; is "another token, 31 days on" 400 '.error.message | test("token is older than 30 days")'
check "31 days on: nothing changed" [ "$(db)" = "$before" ]
kill -INT "$PID"
wait "$PID"

# --- the secret's file
chmod 640 "$WS/api.secret"
expect_exit 5 "a secret readable by the group" "$RG" serve --listen 127.0.0.1:0
one_line_error "secret mode" "run chmod 600"
rm "$WS/api.secret"
expect_exit 5 "no secret" "$RG" serve --listen 127.0.0.1:0
one_line_error "no secret" "no API secret (run registrar api-key rotate)"
expect_exit 0 "api-key rotate makes one" "$RG" api-key rotate
expect_exit 2 "api-key without rotate" "$RG" api-key

echo "api: $MALFORMED malformed requests, $CALLS requests in all"
finish "api"
