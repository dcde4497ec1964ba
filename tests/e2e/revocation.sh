#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Revocation across the gap (issue 19, parts 3 and 4): registrar revoke writes a signed,
# versioned, cumulative revocation list; key-import trust update (or import, the list beside
# the key) takes it; status verifies every time (Untrusted exit 4, Revoked exit 7); import
# refuses a revoked activation. Every refusal: its exit status, its exact line, and the
# database or the stamp's state directory unchanged byte for byte.
# The second issuer key is made by rotate-issuer-key; stamps A and C follow it by the
# statement (trust update), stamp B trusts both keys by hand (its last case removes K2 with
# trust remove, which only a key added by hand can be).
. "$(dirname "$0")/lib.sh"
scratch
T0=$(date -u -d '2027-06-01 00:00:00' +%s)
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
clock() { env TZ=UTC faketime -f "$(at "$T0")" "$@"; }
dump() { db_dump "${1:-$WS}"; }
kid() { $PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# rrefuse STATUS "what" "the exact line" ARGS...: registrar ARGS refused, the database unchanged
rrefuse() {
	want=$1; what=$2; line=$3; shift 3
	dump >before.dump
	expect_exit "$want" "$what" clock "$RG" "$@"
	check "$what: the line" [ "$ERR" = "$line" ]
	check "$what: database unchanged" [ "$(dump)" = "$(cat before.dump)" ]
}
# krefuse STATE STATUS "what" "the exact line" ARGS...: key-import ARGS refused, STATE unchanged
krefuse() {
	st=$1; want=$2; what=$3; line=$4; shift 4
	snap=$(snapshot "$st")
	expect_exit "$want" "$what" clock "$KI" --state-dir "$st" "$@"
	check "$what: the line" [ "$ERR" = "$line" ]
	check "$what: the state unchanged" [ "$(snapshot "$st")" = "$snap" ]
}

CA=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
CB=bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
CC=cccccccc-cccc-4ccc-8ccc-cccccccccccc
clock "$RG" init $(db_new "$WS") >/dev/null
clock "$RG" export-issuer-key -o k1.pub >/dev/null
K1=$(kid k1.pub)
for s in A B C; do
	eval "c=\$C$s"
	clock "$TG" init --state-dir "st$s" --cloud-id "$c" >/dev/null
	clock "$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir "st$s" -o "tok$s.txt" >/dev/null
done
clock "$RG" register --token tokA.txt --name alpha >/dev/null
clock "$RG" register --token tokB.txt --name beta >/dev/null
clock "$RG" register --token tokC.txt --name gamma >/dev/null
clock "$RG" activation-key --name alpha -o a1.key >/dev/null
clock "$RG" activation-key --name beta -o b1.key >/dev/null

# --- registrar revoke: what it refuses, before anything is recorded
rrefuse 4 "revoke -o before any list" "registrar: no revocation list yet (registrar revoke --name NAME or --issuer-key KID makes the first)" revoke -o l0.txt
check "revoke -o before any list: nothing written" [ ! -e l0.txt ]
rrefuse 4 "revoke --name, no key issued" "registrar: gamma: no activation key was issued: nothing to revoke" revoke --name gamma -o l0.txt
rrefuse 4 "revoke --name, no such registration" "registrar: RegistrationNotFound: delta (no such registration)" revoke --name delta -o l0.txt
rrefuse 4 "revoke --issuer-key, the current key" "registrar: issuer key $K1 is the current one: rotate first (registrar rotate-issuer-key), then revoke it" revoke --issuer-key "$K1" -o l0.txt
rrefuse 2 "revoke --name and --issuer-key" "registrar: revoke takes --name or --issuer-key, not both" revoke --name alpha --issuer-key "$K1" -o l0.txt
rrefuse 2 "revoke --issuer-key, not a kid" "registrar: --issuer-key takes a key's kid (43 base64url characters, as registrar init printed it)" revoke --issuer-key abc -o l0.txt
rrefuse 2 "revoke without -o" "registrar: revoke needs -o FILE|- (with --name NAME or --issuer-key KID to add a revocation)" revoke --name alpha
check "no refusal wrote a file" [ ! -e l0.txt ]

# a workstation kept as it is with K1 current (to sign with a key revoked later)
db_copy "$WS" wsold
# the second issuer key: a rotation (K1 signs the statement that brings K2)
clock "$RG" rotate-issuer-key -o rotation.json >/dev/null
clock "$RG" export-issuer-key -o k2.pub >/dev/null
K2=$(kid k2.pub)
clock "$RG" activation-key --name beta -o b2.key >/dev/null
clock "$RG" activation-key --name gamma -o c1.key >/dev/null

# --- the first list: alpha's keys up to now
expect_exit 0 "revoke --name alpha" clock "$RG" revoke --name alpha -o l1.txt
check "revoke --name alpha: what it says" [ "$OUT" = "$(printf '%s\n' \
	"registrar: revoked registration alpha: keys up to serial 1 (revocation list version 1)" \
	"registrar: wrote l1.txt: revocation list version 1, $(wc -c <l1.txt) bytes; carry it to every stamp (key-import trust update revocation-list.txt)" \
	"$(sha l1.txt)  l1.txt")" ]
check "revoke: one list recorded, signed by K2" [ "$(db_sql "$WS" "SELECT version, issuer_kid, sha256 FROM revocation_lists")" = "1|$K2|$(sha l1.txt)" ]
check "revoke: the list kept is the file" [ "$(db_sql "$WS" "SELECT text FROM revocation_lists WHERE version = 1")" = "$(cat l1.txt)" ]
check "revoke: the entry" [ "$(db_sql "$WS" "SELECT serials_up_to, revoked_at FROM revoked_activations")" = "1|$T0" ]
check "revoke: the audit row" [ "$(db_sql "$WS" "SELECT action, registration, detail FROM audit WHERE action = 'revoke'")" = "revoke|alpha|registration alpha: keys up to serial 1, revocation list version 1, sha256 $(sha l1.txt)" ]
# the same again: nothing new, the latest written again
dump >before.dump
expect_exit 0 "revoke --name alpha again" clock "$RG" revoke --name alpha -o l1again.txt
check "again: says nothing changed" [ "$(echo "$OUT" | head -1)" = "registrar: registration alpha: keys up to serial 1: already revoked, nothing changed (revocation list version 1)" ]
check "again: the same list, byte for byte" cmp -s l1.txt l1again.txt
check "again: the database unchanged" [ "$(dump)" = "$(cat before.dump)" ]
# -o alone: the latest, verbatim
expect_exit 0 "revoke -o alone" clock "$RG" revoke -o l1copy.txt
check "revoke -o alone: the latest, byte for byte" cmp -s l1.txt l1copy.txt
check "revoke -o alone: the database unchanged" [ "$(dump)" = "$(cat before.dump)" ]
expect_exit 0 "revoke -o -" clock "$RG" revoke -o -
check "revoke -o -: the list on stdout" [ "$OUT" = "$(cat l1.txt)" ]
check "revoke -o -: the report on stderr" [ "$(echo "$ERR" | head -1)" = "registrar: wrote (stdout): revocation list version 1, $(wc -c <l1.txt) bytes; carry it to every stamp (key-import trust update revocation-list.txt)" ]
# an existing output: refused before anything is recorded; --force replaces it
rrefuse 5 "revoke -o an existing file" "registrar: l1.txt: file exists (use --force to replace it)" revoke --issuer-key "$K1" -o l1.txt
check "existing file: untouched" cmp -s l1.txt l1copy.txt
db_copy "$WS" wsfork # a workstation that parts from this one at version 1

# --- the second: issuer key K1 (no longer the current one); versions rise
expect_exit 0 "revoke --issuer-key K1" clock "$RG" revoke --issuer-key "$K1" -o l2.txt
check "revoke --issuer-key: what it says" [ "$(echo "$OUT" | head -1)" = "registrar: revoked issuer key $K1 (revocation list version 2)" ]
check "revoke --issuer-key: the versions" [ "$(db_sql "$WS" "SELECT version FROM revocation_lists ORDER BY version" | paste -sd,)" = "1,2" ]
check "revoke --issuer-key: the audit row" [ "$(db_sql "$WS" "SELECT CASE WHEN registration IS NULL THEN 1 ELSE 0 END, detail FROM audit WHERE action = 'revoke' ORDER BY id DESC LIMIT 1")" = "1|issuer key $K1, revocation list version 2, sha256 $(sha l2.txt)" ]
expect_exit 0 "revoke --issuer-key K1 again" clock "$RG" revoke --issuer-key "$K1" -o l2again.txt
check "revoke --issuer-key again: the same list" cmp -s l2.txt l2again.txt
# a revocation is never lifted: the database refuses it too
check "the database refuses lifting a revocation" db_refused "$WS" 'DELETE FROM revoked_issuer_keys' 'the revoked_issuer_keys table is append-only'
check "the database refuses lifting a revocation of keys" db_refused "$WS" 'DELETE FROM revoked_activations' 'a revocation is never lifted'
db_pg && check "the database refuses lifting a revocation: TRUNCATE" db_refused "$WS" 'TRUNCATE revoked_issuer_keys, revoked_activations' 'table is append-only'

# python3-jwcrypto verifies the list with issuer.pub, and reads what it says
expect_exit 0 "jwcrypto verifies the list" $PY -c '
import json, sys
from jwcrypto import jwk, jws
t = jws.JWS(); t.deserialize(open("l2.txt").read())
t.verify(jwk.JWK.from_pem(open("ws/issuer.pub", "rb").read()), alg="EdDSA")
h = t.jose_header
print(h["typ"], h["kid"], sorted(h))
print(json.dumps(json.loads(t.payload), sort_keys=True))'
check "jwcrypto: the header" [ "$(echo "$OUT" | head -1)" = "airreg-revocation-list $K2 ['alg', 'kid', 'typ']" ]
check "jwcrypto: the claims" [ "$(echo "$OUT" | tail -1)" = "{\"activations\": [{\"cloudId\": \"$CA\", \"registration\": \"alpha\", \"revokedAt\": $T0, \"serialsUpTo\": 1}], \"issuedAt\": $T0, \"issuerKeys\": [\"$K1\"], \"version\": 2}" ]

# --- stamp A (alpha): imports a1, then the list revokes it
for s in stA stB stC; do
	clock "$KI" --state-dir $s trust add k1.pub >/dev/null || bad "trust add"
done
for s in stA stC; do
	clock "$KI" --state-dir $s trust update rotation.json >/dev/null || bad "trust update of the rotation"
done
clock "$KI" --state-dir stB trust add k2.pub >/dev/null || bad "trust add"
expect_exit 0 "stamp A imports a1" clock "$KI" --state-dir stA import a1.key
expect_exit 0 "status before any list" clock "$KI" --state-dir stA status
expect_exit 0 "trust update l1" clock "$KI" --state-dir stA trust update l1.txt
check "trust update: what it says" [ "$OUT" = "$(printf '%s\n' \
	"key-import: accepted revocation list version 1 (issuer key $K2): 0 issuer keys, 1 activations revoked" \
	"$(sha l1.txt)  l1.txt")" ]
check "trust update: the list kept" cmp -s l1.txt stA/trusted/revocation-list.txt
REVOKED="key-import: activation.json: revoked: registration alpha's keys up to serial 1 are revoked (revocation list version 1); this is serial 1"
expect_exit 7 "status, revoked" clock "$KI" --state-dir stA status
check "status Revoked" [ "$(echo "$OUT" | head -1)" = "Status          Revoked" ]
check "status Revoked: the line" [ "$ERR" = "$REVOKED" ]
expect_exit 7 "status --json, revoked" clock "$KI" --state-dir stA status --json
check "status --json: Revoked" [ "$(echo "$OUT" | $PY -c 'import json, sys; print(json.load(sys.stdin)["status"])')" = Revoked ]
expect_exit 7 "status --warn-days, revoked" clock "$KI" --state-dir stA status --warn-days 30 --metrics a.prom
check "--warn-days: the revoked line" [ "$ERR" = "$REVOKED" ]
check "metrics: revoked 1, registered 0" [ "$(grep -E '^airreg_activation_(revoked|registered)\{' a.prom | sed 's/{.*}//')" = "$(printf '%s\n' "airreg_activation_registered 0" "airreg_activation_revoked 1")" ]
krefuse stA 4 "import of a revoked key" "key-import: a1.key: revoked: registration alpha's keys up to serial 1 are revoked (revocation list version 1); this is serial 1, nothing imported" import a1.key
expect_exit 0 "the same list again" clock "$KI" --state-dir stA trust update l1.txt
check "the same list again: nothing changed" [ "$(echo "$OUT" | head -1)" = "key-import: l1.txt: revocation list version 1 is already held, nothing changed" ]
expect_exit 0 "trust update l2" clock "$KI" --state-dir stA trust update l2.txt
snap=$(snapshot stA)
expect_exit 0 "l2 again: nothing changed" clock "$KI" --state-dir stA trust update l2.txt
check "l2 again: the state unchanged" [ "$(snapshot stA)" = "$snap" ]
krefuse stA 4 "an older list after a newer (rollback)" "key-import: l1.txt: revocation list version 1 is older than version 2 held here (a rollback; nothing changed)" trust update l1.txt

# lists from a workstation that parted at version 1: another version 2, and a version 3
# that drops what version 2 revoked (both signed by K2, which the stamp trusts)
clock "$RG" --data-dir wsfork revoke --name beta -o f2.txt >/dev/null
clock "$RG" --data-dir wsfork revoke --name gamma -o f3.txt >/dev/null
krefuse stA 4 "another list of the held version" "key-import: f2.txt: revocation list version 2 is not the version 2 held here (another list of the same version; nothing changed)" trust update f2.txt
krefuse stA 4 "a list dropping an entry" "key-import: f3.txt: revocation list version 3 drops issuer key $K1, revoked by version 2 held here (a revocation is never lifted)" trust update f3.txt
# a list signed by a key this stamp does not trust, or by a revoked one
mkdir ws3 && clock "$RG" --data-dir ws3 init $(db_new ws3) >/dev/null && clock "$RG" --data-dir ws3 export-issuer-key -o k3.pub >/dev/null
clock "$RG" --data-dir ws3 register --token tokC.txt --name gamma >/dev/null
clock "$RG" --data-dir ws3 activation-key --name gamma -o c3.key >/dev/null
clock "$RG" --data-dir ws3 revoke --name gamma -o u1.txt >/dev/null
krefuse stA 4 "a list signed by an untrusted key" "key-import: u1.txt: issuer key $(kid k3.pub) is not trusted here (key-import trust add)" trust update u1.txt
for i in 1 2 3; do clock "$RG" --data-dir wsold revoke --name alpha -o "o$i.txt" --force >/dev/null; done
clock "$RG" --data-dir wsold revoke --name beta -o o3.txt --force >/dev/null
krefuse stA 4 "a list signed by a revoked key" "key-import: o3.txt: issuer key $K1 is revoked (revocation list version 2)" trust update o3.txt
krefuse stA 4 "trust update, an activation key" "key-import: a1.key: this is an activation key: key-import import a1.key takes it" trust update a1.key
krefuse stA 4 "trust update, a registration token" "key-import: tokA.txt: this is a registration token: carry it to the workstation (registrar register --token tokA.txt)" trust update tokA.txt
krefuse stA 4 "import, a revocation list" "key-import: l2.txt: this is a revocation list: key-import trust update l2.txt takes it" import l2.txt

# --- stamp B (beta): b1 signed by K1, which l2 revokes: Untrusted, and K1's keys refused
expect_exit 0 "stamp B imports b1 (signed by K1)" clock "$KI" --state-dir stB import b1.key
expect_exit 0 "stamp B: trust update l2" clock "$KI" --state-dir stB trust update l2.txt
UNTRUSTED="key-import: activation.json: untrusted: the key it holds does not verify here: issuer key $K1 is revoked (revocation list version 2)"
expect_exit 4 "status, the issuer key revoked" clock "$KI" --state-dir stB status
check "status Untrusted" [ "$(echo "$OUT" | head -1)" = "Status          Untrusted" ]
check "status Untrusted: the line" [ "$ERR" = "$UNTRUSTED" ]
expect_exit 4 "status --json, untrusted" clock "$KI" --state-dir stB status --json
check "status --json: Untrusted" [ "$(echo "$OUT" | $PY -c 'import json, sys; print(json.load(sys.stdin)["status"])')" = Untrusted ]
expect_exit 4 "status --warn-days, untrusted" clock "$KI" --state-dir stB status --warn-days 30
check "--warn-days: the untrusted line" [ "$ERR" = "$UNTRUSTED" ]
krefuse stB 4 "import of a key signed by a revoked issuer key" "key-import: b1.key: issuer key $K1 is revoked (revocation list version 2)" import b1.key
# trust add of the revoked key changes nothing: a revoked key is trusted for nothing
clock "$KI" --state-dir stB trust add k1.pub >/dev/null 2>&1
krefuse stB 4 "trust add does not bring it back" "key-import: b1.key: issuer key $K1 is revoked (revocation list version 2)" import b1.key
# trust list says which keys the list revokes (it listed them as any other, trusted for nothing)
expect_exit 0 "trust list, K1 revoked" clock "$KI" --state-dir stB trust list
check "trust list: the revoked key marked, last" [ "$(echo "$OUT" | grep -c "^$K1  added .*  (revoked)\$")" = 1 ]
check "trust list: the other key not marked" [ "$(echo "$OUT" | grep -c "^$K2 .*(revoked)")" = 0 ]
expect_exit 0 "trust list --json, K1 revoked" clock "$KI" --state-dir stB trust list --json
printf '%s\n' "$OUT" | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert {k["kid"]: k["revoked"] for k in d["trustedIssuerKeys"]} == {sys.argv[1]: True, sys.argv[2]: False}, d' "$K1" "$K2" && ok || bad "trust list --json: revoked"
cp -a stB stBd && echo garbage >stBd/trusted/revocation-list.txt
krefuse stBd 5 "trust list, the held list damaged" "key-import: stBd/trusted/revocation-list.txt: not a JWS compact serialization (three dot-separated parts) (changed by hand or damaged: carry the latest list again, key-import trust update FILE, after removing this one)" trust list
expect_exit 0 "stamp B imports b2 (signed by K2)" clock "$KI" --state-dir stB import b2.key
expect_exit 0 "status, b2: Registered" clock "$KI" --state-dir stB status
# a removed issuer key: Untrusted too
clock "$KI" --state-dir stB trust remove --force k2.pub >/dev/null 2>&1 || bad "trust remove --force"
expect_exit 4 "status, the issuer key removed" clock "$KI" --state-dir stB status
check "status, removed: the line" [ "$ERR" = "key-import: activation.json: untrusted: the key it holds does not verify here: issuer key $K2 is not trusted here (key-import trust add)" ]

# --- stamp C (gamma): the list carried beside the key is taken at import
mkdir usb && cp c1.key l2.txt usb/ && mv usb/l2.txt usb/revocation-list.txt
expect_exit 0 "import with the list beside" clock "$KI" --state-dir stC import usb/c1.key
check "import with the list beside: the list taken first" [ "$(echo "$OUT" | head -1)" = "key-import: accepted revocation list version 2 (issuer key $K2): 1 issuer keys, 1 activations revoked" ]
check "import with the list beside: kept" cmp -s l2.txt stC/trusted/revocation-list.txt
clock "$RG" revoke --name gamma -o l3.txt >/dev/null
cp l3.txt usb/revocation-list.txt
snap=$(snapshot stC)
expect_exit 4 "import: the list beside revokes the key" clock "$KI" --state-dir stC import usb/c1.key
check "the list beside revokes the key: the line" [ "$ERR" = "key-import: usb/c1.key: revoked: registration gamma's keys up to serial 1 are revoked (revocation list version 3); this is serial 1, nothing imported" ]
check "the list beside revokes the key: only the list changed" [ "$(snapshot stC | grep -v revocation-list)" = "$(echo "$snap" | grep -v revocation-list)" ]
check "the list beside: version 3 kept" cmp -s l3.txt stC/trusted/revocation-list.txt
expect_exit 7 "status, gamma revoked" clock "$KI" --state-dir stC status
expect_exit 0 "trust list: the list held" clock "$KI" --state-dir stC trust list
check "trust list: the list held, last" [ "$(echo "$OUT" | tail -1)" = "revocation list version 3 (1 issuer key, 2 registrations), signed by $K2" ]
expect_exit 7 "status --json: the list's version" clock "$KI" --state-dir stC status --json
check "status --json: revocationListVersion 3" [ "$(echo "$OUT" | jq .revocationListVersion)" = 3 ]
# a held list damaged by hand: trust list and status --json refuse it (exit 5), as every lookup does
cp -a stC stD && printf 'x' >>stD/trusted/revocation-list.txt
DAMAGED="key-import: stD/trusted/revocation-list.txt: JWS signature is not canonical base64url (changed by hand or damaged: carry the latest list again, key-import trust update FILE, after removing this one)"
krefuse stD 5 "trust list, the held list damaged" "$DAMAGED" trust list
krefuse stD 5 "status --json, the held list damaged" "$DAMAGED" status --json

krefuse stC 4 "import --dry-run of a revoked key" "key-import: usb/c1.key: revoked: registration gamma's keys up to serial 1 are revoked (revocation list version 3); this is serial 1, nothing imported" import --dry-run usb/c1.key

# --- a list taken while an import is between its checks and its lock (the shim stops it as it
# opens the lock file: no timing): the import must not commit the key the list now revokes.
# Its own registrar and stamp, real time (faketime and the shim are both preloads).
"$TG" init --state-dir stR >/dev/null
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir stR -o tokR.txt >/dev/null
"$RG" init --data-dir wsR $(db_new wsR) >/dev/null
"$RG" register --data-dir wsR --token tokR.txt --name rho >/dev/null
"$RG" export-issuer-key --data-dir wsR -o kR.pub >/dev/null
mkdir race && "$RG" activation-key --data-dir wsR --name rho -o race/r1.key >/dev/null
"$RG" revoke --data-dir wsR --name rho -o lR.txt >/dev/null
"$KI" --state-dir stR trust add kR.pub >/dev/null
FAULT_STALL_OPEN=.lock:1 FAULT_STALLED=$WORK/stalledR FAULT_RELEASE=$WORK/releaseR \
	LD_PRELOAD=$SHIM "$KI" --state-dir stR import race/r1.key >race.out 2>race.err &
pid=$!
while [ ! -e stalledR ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done
check "import stopped before its lock: it got there" [ -e stalledR ]
expect_exit 0 "the list taken meanwhile" "$KI" --state-dir stR trust update lR.txt
touch releaseR; wait $pid; rc=$?
check "the import after the list: refused, exit $rc: $(cat race.err)" [ $rc -eq 4 ]
check "the import after the list: the revoked line" [ "$(cat race.err)" = "key-import: race/r1.key: revoked: registration rho's keys up to serial 1 are revoked (revocation list version 1); this is serial 1, nothing imported" ]
check "the import after the list: no activation written" [ ! -e stR/activation.json ]

finish revocation
