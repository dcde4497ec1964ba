#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The issuer key in a PKCS#11 token (issue 19, part 1), against SoftHSM2 set up in this test's
# own directory (SOFTHSM2_CONF; no system token or configuration touched): init --pkcs11 makes
# the key in the token and keeps its URI; a key issued through the token is imported by
# key-import and verified by python3-jwcrypto with issuer.pub; serve's getactivationkey signs
# through it, from several requests at once; a missing module, a missing token, no PIN, a wrong
# PIN, a key not found and a token key that is not issuer.pub's are exit 5 with one line, no
# file written and the database's dump identical (no serial spent). Rotation into the token
# and within it: a file key rotated to a token key, one token key to another (onto the same
# key, or back to a former one: exit 2, nothing changed), the stamp following, and a rotation
# into the token interrupted after its commit finished by the next signer.
. "$(dirname "$0")/lib.sh"
scratch
MOD=/usr/lib/softhsm/libsofthsm2.so
if [ ! -e "$MOD" ] || ! command -v softhsm2-util >/dev/null; then
	bad "SoftHSM2 is not installed (make deps installs softhsm2): nothing tested"
	finish "pkcs11"
	exit 1
fi
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$WORK" >softhsm2.conf
export SOFTHSM2_CONF=$WORK/softhsm2.conf
# under ASan (make sanitize): SoftHSM2's own leak is suppressed, on full stacks that show it
export LSAN_OPTIONS="suppressions=$E2E/softhsm2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
softhsm2-util --init-token --free --label airreg --pin 1234 --so-pin 5678 >/dev/null &&
	softhsm2-util --init-token --free --label spare --pin 1111 --so-pin 5678 >/dev/null || exit 1
URI="pkcs11:token=airreg;object=issuer?module-path=$MOD"
dump() { sqlite3 "$WS/registrar.db" .dump; }
kid() { $PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
# jwcrypto verifies a compact JWS (file $1) with a PEM public key ($2)
jw_verify() {
	$PY - "$1" "$2" <<'PYEOF'
import sys
from jwcrypto import jwk, jws
t = jws.JWS()
t.deserialize(open(sys.argv[1]).read().strip())
t.verify(jwk.JWK.from_pem(open(sys.argv[2], "rb").read()))
assert t.jose_header["alg"] == "EdDSA"
PYEOF
}

# --- init: a PIN on the command line is refused before anything is made
expect_exit 2 "pin-value in the URI" "$RG" init --pkcs11 "pkcs11:token=airreg;object=issuer?pin-value=1234&module-path=$MOD"
check "pin-value: the line, which does not echo the PIN" [ "$ERR" = "registrar: --pkcs11: a PIN in the URI (pin-value) is refused: give pin-source=FILE or set AIRREG_PKCS11_PIN" ]
check "pin-value: no data directory made" [ ! -e "$WS" ]
# a relative pin-source would be read from every later command's own directory (serve under
# systemd: /): refused at init, where it was kept and failed later ("pin.txt: cannot open")
expect_exit 2 "a relative pin-source" "$RG" init --pkcs11 "pkcs11:token=airreg;object=issuer?pin-source=pin.txt&module-path=$MOD"
check "relative pin-source: the line" [ "$ERR" = "registrar: --pkcs11: pin-source names a relative path: give the PIN file's absolute path (every later command reads it from its own directory)" ]
check "relative pin-source: no data directory made" [ ! -e "$WS" ]
expect_exit 2 "a relative file: pin-source" "$RG" init --pkcs11 "pkcs11:token=airreg;object=issuer?pin-source=file:pin.txt&module-path=$MOD"
expect_exit 2 "not a URI" "$RG" init --pkcs11 "token=airreg"
check "not a URI: the line" [ "$ERR" = "registrar: --pkcs11: not a PKCS#11 URI (RFC 7512): URI scheme must be 'pkcs11:'" ]
expect_exit 5 "init, no PIN" env -u AIRREG_PKCS11_PIN "$RG" init --pkcs11 "$URI"
check "init, no PIN: the line" [ "$ERR" = "registrar: --pkcs11: the token needs a PIN: give pin-source=FILE in the URI or set AIRREG_PKCS11_PIN" ]
check "init, no PIN: no issuer file" [ ! -e "$WS/issuer.pkcs11" ] && [ ! -e "$WS/issuer.pub" ] && [ ! -e "$WS/registrar.db" ]

# --- init --pkcs11: the key made in the token
export AIRREG_PKCS11_PIN=1234
expect_exit 0 "init --pkcs11" "$RG" init --pkcs11 "$URI"
K1=$(kid "$WS/issuer.pub")
check "init: the lines (kid, SHA-256, the token)" [ "$OUT" = "registrar: initialised $WS: issuer public key issuer.pub, kid $K1
$(sha256sum "$WS/issuer.pub" | cut -c1-64)  $WS/issuer.pub
registrar: the issuer key is in the token: issuer.pkcs11 names it" ]
check "issuer.pkcs11 holds the URI, one line" [ "$(cat "$WS/issuer.pkcs11")" = "$URI" ] && [ "$(wc -l <"$WS/issuer.pkcs11")" -eq 1 ]
check "issuer.pkcs11 is 0600" [ "$(stat -c %a "$WS/issuer.pkcs11")" = 600 ]
check "no issuer.key: the private key stays in the token" [ ! -e "$WS/issuer.key" ]
check "the token holds it (SoftHSM2 wrote its object files)" [ -n "$(find tokens -name '*.object' | head -1)" ]
expect_exit 0 "export-issuer-key" "$RG" export-issuer-key -o exported.pub
check "export-issuer-key writes issuer.pub" cmp -s exported.pub "$WS/issuer.pub"

# --- a key signed in the token: key-import takes it, jwcrypto verifies it
"$TG" init >/dev/null && "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tok.txt >/dev/null 2>&1 &&
	"$RG" register --token tok.txt --name east >/dev/null || exit 1
expect_exit 0 "activation-key through the token" "$RG" activation-key --name east -o key1.txt
check "jwcrypto verifies key 1 with issuer.pub" jw_verify key1.txt exported.pub
check "key 1 names the token's key" [ "$($PY -c 'import base64,json,sys; h=open(sys.argv[1]).read().split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h+"="*(-len(h)%4)))["kid"])' key1.txt)" = "$K1" ]
"$KI" trust add exported.pub >/dev/null || exit 1
expect_exit 0 "key-import imports key 1" "$KI" import key1.txt
check "the stamp: Registered" sh -c "'$KI' status --json | jq -e '.status == \"Registered\"' >/dev/null"

# --- refusals: exit 5, one line, nothing written, no serial spent
# refuse "what" "line" [ENV...]: activation-key under env ENV... refused so
refuse() {
	what=$1; line=$2; shift 2
	db=$(dump); ws=$(snapshot "$WS")
	expect_exit 5 "$what" env "$@" "$RG" activation-key --name east -o refused.txt
	check "$what: the line ($ERR)" [ "$ERR" = "$line" ]
	check "$what: no key written" [ ! -e refused.txt ]
	check "$what: the database unchanged (no serial spent)" [ "$(dump)" = "$db" ]
	check "$what: the data directory unchanged" [ "$(snapshot "$WS")" = "$ws" ]
}
P11=$WS/issuer.pkcs11
refuse "a wrong PIN" "registrar: $P11: the token refused the PIN (wrong PIN)" AIRREG_PKCS11_PIN=4321
refuse "no PIN" "registrar: $P11: the token needs a PIN: give pin-source=FILE in the URI or set AIRREG_PKCS11_PIN" -u AIRREG_PKCS11_PIN
mkdir unplugged
printf 'directories.tokendir = %s/unplugged\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK" >unplugged.conf
refuse "the token missing" "registrar: $P11: no token matches the URI (is it plugged in, its label right?)" SOFTHSM2_CONF="$WORK/unplugged.conf"
cp "$P11" p11.saved
printf 'pkcs11:token=airreg;object=issuer?module-path=%s/nosuch.so\n' "$WORK" >"$P11"
expect_exit 5 "the module missing" "$RG" activation-key --name east -o refused.txt
one_line_error "the module missing" "registrar: $WORK/nosuch.so: cannot load the PKCS#11 module: "
printf 'pkcs11:token=airreg;object=nosuch?module-path=%s\n' "$MOD" >"$P11"
refuse "the key missing" "registrar: $P11: the token holds no Ed25519 private key the URI names"
printf 'pkcs11:token=airreg;object=issuer?module-path=%s&pin-value=1234\n' "$MOD" >"$P11"
refuse "a PIN in issuer.pkcs11" "registrar: $P11: a PIN in the URI (pin-value) is refused: give pin-source=FILE or set AIRREG_PKCS11_PIN"
cp p11.saved "$P11"
check "the refusals left no serial spent: the next key is serial 2" sh -c \
	"'$RG' activation-key --name east -o key2.txt 2>&1 | grep -q 'serial 2,'"

# another key in the same token (init elsewhere, PIN from a pin-source file): not issuer.pub's
printf '1234\n' >pin && chmod 600 pin
URI2="pkcs11:token=airreg;object=second;pin-source=file:$WORK/pin?module-path=$MOD"
expect_exit 0 "init --pkcs11 with pin-source, no AIRREG_PKCS11_PIN" env -u AIRREG_PKCS11_PIN "$RG" init --data-dir ws2 --pkcs11 "$URI2"
check "the second key is another key" [ "$(kid ws2/issuer.pub)" != "$K1" ]
printf '%s\n' "$URI2" >"$P11"
refuse "a token key that is not issuer.pub's" "registrar: $WS/issuer.pub: the token's key (kid $(kid ws2/issuer.pub)) is not this issuer key (kid $K1): issuer.pkcs11 names another key" -u AIRREG_PKCS11_PIN
cp p11.saved "$P11"
cp ws2/issuer.pkcs11 "$WS/issuer.key"
refuse "issuer.key beside issuer.pkcs11" "registrar: $WS: both issuer.key and issuer.pkcs11 are here (damaged): keep the one whose key issuer.pub holds"
rm "$WS/issuer.key"
expect_exit 0 "init --force with the same URI keeps the token's key" "$RG" init --force --pkcs11 "$URI"
check "the same kid" [ "$(kid "$WS/issuer.pub")" = "$K1" ]

# --- serve: getactivationkey signed in the token, four requests at once
: >serve.log
"$RG" serve --listen 127.0.0.1:0 2>serve.log &
PID=$!
i=0
while ! grep -q 'listening on' serve.log && kill -0 $PID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9]*\) .*/\1/p' serve.log)
check "serve starts with the token's key" [ -n "$PORT" ]
URL="http://127.0.0.1:$PORT/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/east/getactivationkey?api-version=2017-06-01"
curls=
for n in 1 2 3 4; do
	curl -s -o "api$n.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $(cat "$WS/api.secret")" "$URL" >"api$n.status" &
	curls="$curls $!"
done
wait $curls
for n in 1 2 3 4; do
	check "getactivationkey $n: 200" [ "$(cat "api$n.status")" = 200 ]
	jq -r .activationKey "api$n.json" >"apikey$n.txt"
	check "getactivationkey $n: jwcrypto verifies it with issuer.pub" jw_verify "apikey$n.txt" exported.pub
done
check "four distinct serials (3 to 6)" [ "$(for n in 1 2 3 4; do cut -d. -f2 "apikey$n.txt" | $PY -c 'import base64,json,sys,zlib; p=sys.stdin.read().strip(); print(json.loads(zlib.decompress(base64.urlsafe_b64decode(p+"="*(-len(p)%4)),-15))["serial"])'; done | sort -n | tr '\n' ' ')" = "3 4 5 6 " ]
expect_exit 0 "key-import imports the API's key" "$KI" import apikey1.txt
kill -TERM $PID
wait $PID
check "serve stops cleanly" [ $? -eq 0 ]
# serve with a wrong PIN stops at start; one that listened anyway is stopped, and fails
env AIRREG_PKCS11_PIN=0000 "$RG" serve --listen 127.0.0.1:0 2>bad.log &
PID=$!
i=0
while kill -0 $PID 2>/dev/null && ! grep -q 'listening on' bad.log && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
grep -q 'listening on' bad.log && kill -TERM $PID
wait $PID
check "serve with a wrong PIN: exit 5" [ $? -eq 5 ]
check "serve, wrong PIN: the line" [ "$(cat bad.log)" = "registrar: $P11: the token refused the PIN (wrong PIN)" ]

# --- init --force to a file key and back: one kind of key file at a time
expect_exit 0 "init --force without --pkcs11: a file key" "$RG" init --force
check "issuer.key made, issuer.pkcs11 removed" [ -e "$WS/issuer.key" ] && [ ! -e "$WS/issuer.pkcs11" ]
expect_exit 0 "init --force --pkcs11 again" "$RG" init --force --pkcs11 "$URI"
check "issuer.pkcs11 made, issuer.key removed" [ -e "$WS/issuer.pkcs11" ] && [ ! -e "$WS/issuer.key" ]
check "the token's key again" [ "$(kid "$WS/issuer.pub")" = "$K1" ]

# --- rotation into a token and within it (issue 19, parts 1 and 2 together)
# a file key rotated into the token: the data dir then holds issuer.pkcs11, no issuer.key
URI_R1="pkcs11:token=airreg;object=rot1?module-path=$MOD"
URI_R2="pkcs11:token=airreg;object=rot2?module-path=$MOD"
SR=$WORK/stamp-rot # a stamp of its own, registered with wsr as north
AIRREG_STATE_DIR=$SR "$TG" init >/dev/null &&
	AIRREG_STATE_DIR=$SR "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tok-r.txt >/dev/null 2>&1 &&
	"$RG" init --data-dir wsr >/dev/null && "$RG" register --data-dir wsr --token tok-r.txt --name north >/dev/null || exit 1
KF=$(kid wsr/issuer.pub)
cp wsr/issuer.pub rot-file.pub
cp -a wsr wsr-v1
expect_exit 0 "rotate a file key into the token" "$RG" rotate-issuer-key --data-dir wsr --pkcs11 "$URI_R1" -o r2.json
KR1=$(kid wsr/issuer.pub)
check "into the token: the line" [ "$(sed -n 1p "$WORK/out")" = "registrar: rotated the issuer key: version 2, kid $KR1 (was $KF)" ]
check "into the token: issuer.pkcs11 holds the URI" [ "$(cat wsr/issuer.pkcs11)" = "$URI_R1" ]
check "into the token: issuer.pkcs11 is 0600" [ "$(stat -c %a wsr/issuer.pkcs11)" = 600 ]
check "into the token: no issuer.key, no staged file" [ ! -e wsr/issuer.key ] && [ -z "$(ls wsr | grep '\.new$')" ]
check "into the token: a new key" [ "$KR1" != "$KF" ]
# one token key to another (a new object= label)
expect_exit 0 "rotate one token key to another" "$RG" rotate-issuer-key --data-dir wsr --pkcs11 "$URI_R2" -o r3.json
KR2=$(kid wsr/issuer.pub)
check "token to token: the line" [ "$(sed -n 1p "$WORK/out")" = "registrar: rotated the issuer key: version 3, kid $KR2 (was $KR1)" ]
check "token to token: issuer.pkcs11 names the new object" [ "$(cat wsr/issuer.pkcs11)" = "$URI_R2" ] && [ ! -e wsr/issuer.key ]
check "token to token: a new key" [ "$KR2" != "$KR1" ]
# onto the SAME object (the key already signing), or back to a former one: refused, nothing changed
# same_key "what" URI "reason": rotate-issuer-key onto URI refused so, nothing changed
same_key() {
	db=$(sqlite3 wsr/registrar.db .dump); ws=$(snapshot wsr)
	expect_exit 2 "rotate onto the $1 key" "$RG" rotate-issuer-key --data-dir wsr --pkcs11 "$2" -o same.json
	check "onto the $1 key: the line ($ERR)" [ "$ERR" = "registrar: --pkcs11: $3: a rotation needs a new key (name a new object= label)" ]
	check "onto the $1 key: no statement written" [ ! -e same.json ]
	check "onto the $1 key: the database unchanged" [ "$(sqlite3 wsr/registrar.db .dump)" = "$db" ]
	check "onto the $1 key: the data directory unchanged" [ "$(snapshot wsr)" = "$ws" ]
}
same_key current "$URI_R2" "the token key the URI names is the current issuer key (kid $KR2)"
same_key former "$URI_R1" "the token key the URI names was issuer key version 2 (kid $KR1)"
# the stamp follows: trust update of version 2, the chain beside a key issued through the
# second token key; key-import imports it, the chain ends at the token's key
AIRREG_STATE_DIR=$SR "$KI" trust add rot-file.pub >/dev/null || exit 1
expect_exit 0 "the stamp takes the rotation into the token" env AIRREG_STATE_DIR="$SR" "$KI" trust update r2.json
mkdir carry
expect_exit 0 "activation-key through the second token key" "$RG" activation-key --data-dir wsr --name north -o carry/key.txt
check "jwcrypto verifies it with the token's issuer.pub" jw_verify carry/key.txt wsr/issuer.pub
"$RG" export-issuer-key --data-dir wsr --chain -o carry/issuer-chain.json >/dev/null || exit 1
expect_exit 0 "the stamp imports it, the chain beside it" env AIRREG_STATE_DIR="$SR" "$KI" import carry/key.txt
check "the stamp: Registered" sh -c "AIRREG_STATE_DIR='$SR' '$KI' status --json | jq -e '.status == \"Registered\"' >/dev/null"
check "the stamp: the current issuer key is the second token key" sh -c \
	"AIRREG_STATE_DIR='$SR' '$KI' trust list --json | jq -e '.currentIssuerKey == \"$KR2\"' >/dev/null"
# an interrupted rotation into a token: the database took it, issuer.pkcs11.new and
# issuer.pub.new were not renamed yet (issuer.key still there): the next signer finishes it
URI_RI="pkcs11:token=airreg;object=rotint?module-path=$MOD"
cp -a wsr-v1 wsr-int
"$RG" rotate-issuer-key --data-dir wsr-int --pkcs11 "$URI_RI" -o rint.json >/dev/null || exit 1
KRI=$(kid wsr-int/issuer.pub)
mv wsr-int/issuer.pkcs11 wsr-int/issuer.pkcs11.new && mv wsr-int/issuer.pub wsr-int/issuer.pub.new &&
	cp -p wsr-v1/issuer.key wsr-v1/issuer.pub wsr-int/ || exit 1
expect_exit 0 "activation-key after an interrupted rotation into the token" "$RG" activation-key --data-dir wsr-int --name north -o kint.txt
check "interrupted: the key signed by the token's new key" jw_verify kint.txt wsr-int/issuer.pub
check "interrupted: issuer.pub is the token's key" [ "$(kid wsr-int/issuer.pub)" = "$KRI" ]
check "interrupted: issuer.pkcs11 in place, issuer.key gone, nothing staged" \
	[ "$(cat wsr-int/issuer.pkcs11)" = "$URI_RI" ] && [ ! -e wsr-int/issuer.key ] && [ -z "$(ls wsr-int | grep '\.new$')" ]

# --- an init interrupted after issuer.pkcs11 (no issuer.pub, no database yet): taken up again
URI3="pkcs11:token=airreg;object=third?module-path=$MOD"
mkdir -m 700 ws3
printf '%s\n' "$URI3" >ws3/issuer.pkcs11 && chmod 600 ws3/issuer.pkcs11
expect_exit 5 "the interrupted init's key is not in the token yet" "$RG" init --data-dir ws3 --pkcs11 "$URI3"
check "not in the token: the line" [ "$ERR" = "registrar: ws3/issuer.pkcs11: the token holds no Ed25519 private key the URI names" ]
rm ws3/issuer.pkcs11
expect_exit 0 "init --pkcs11 (third key)" "$RG" init --data-dir ws3 --pkcs11 "$URI3"
K3=$(kid ws3/issuer.pub)
rm ws3/registrar.db ws3/issuer.pub
expect_exit 5 "init without --pkcs11 over an interrupted token init" "$RG" init --data-dir ws3
check "the other kind: the line" [ "$ERR" = "registrar: ws3/issuer.pkcs11: an interrupted init left an issuer key of the other kind here (--force replaces it)" ]
check "the other kind: nothing made" [ ! -e ws3/issuer.key ] && [ ! -e ws3/registrar.db ]
expect_exit 0 "init --pkcs11 again takes up the interrupted init" "$RG" init --data-dir ws3 --pkcs11 "$URI3"
check "the interrupted init's key kept, issuer.pub written again" [ "$(kid ws3/issuer.pub)" = "$K3" ]

# --- rotate-issuer-key --pkcs11: into another token key, and out to a file key. A URI naming a
# key the database holds (the current one, used as it is in the token; or a superseded one)
# is no rotation: exit 2, nothing changed (it was exit 1, a UNIQUE constraint's words)
RA="pkcs11:token=airreg;object=rot-a?module-path=$MOD"
RB="pkcs11:token=airreg;object=rot-b?module-path=$MOD"
"$RG" init --data-dir wsR --pkcs11 "$RA" >/dev/null || bad "init wsR"
KA=$(kid wsR/issuer.pub)
rotrefuse() { # rotrefuse "what" "line" URI
	db=$(sqlite3 wsR/registrar.db .dump); ws=$(snapshot wsR)
	expect_exit 2 "$1" "$RG" rotate-issuer-key --data-dir wsR --pkcs11 "$3" -o rot-refused.json
	check "$1: the line ($ERR)" [ "$ERR" = "$2" ]
	check "$1: no statement written" [ ! -e rot-refused.json ]
	check "$1: the database unchanged" [ "$(sqlite3 wsR/registrar.db .dump)" = "$db" ]
	check "$1: the data directory unchanged" [ "$(snapshot wsR)" = "$ws" ]
}
rotrefuse "rotate to the current token key" "registrar: --pkcs11: the token key the URI names is the current issuer key (kid $KA): a rotation needs a new key (name a new object= label)" "$RA"
expect_exit 0 "rotate into another token key" "$RG" rotate-issuer-key --data-dir wsR --pkcs11 "$RB" -o rot2.json
check "rotated: issuer.pkcs11 names the new key" [ "$(cat wsR/issuer.pkcs11)" = "$RB" ]
rotrefuse "rotate back to a superseded token key" "registrar: --pkcs11: the token key the URI names was issuer key version 1 (kid $KA): a rotation needs a new key (name a new object= label)" "$RA"
expect_exit 0 "rotate out to a file key" "$RG" rotate-issuer-key --data-dir wsR -o rot3.json
check "rotated out: issuer.key, no issuer.pkcs11" [ -e wsR/issuer.key ] && [ ! -e wsR/issuer.pkcs11 ]
"$RG" export-issuer-key --data-dir wsR --chain -o rot-chain.json >/dev/null || bad "export --chain wsR"
"$RG" register --data-dir wsR --token tok.txt --name east >/dev/null || bad "register wsR"
"$RG" activation-key --data-dir wsR --name east -o rot-key.txt >/dev/null || bad "activation-key wsR"
"$TG" init --state-dir stR >/dev/null 2>&1 || true
cp wsR/issuer.pub rot-k3.pub
printf '%s\n' "$(sqlite3 wsR/registrar.db "SELECT public_key FROM issuer_keys WHERE version = 1")" >rot-k1.pub
"$KI" --state-dir stR trust add rot-k1.pub >/dev/null || bad "trust add key 1"
expect_exit 0 "a stamp trusting the token's first key takes the chain" "$KI" --state-dir stR trust update rot-chain.json
finish "pkcs11"
