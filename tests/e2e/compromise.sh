#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The whole story across the gap (issue 19): the issuer key is thought stolen. The workstation
# rotates to a new key and revokes the old one; the chain and the revocation list are carried
# beside the next activation key, and one `key-import import` takes them (the chain first: the
# list is signed by the new key, which only the chain makes trusted; then the list; then the
# key). A key forged with the old key afterwards is refused with the stamp's state unchanged.
# Then a stamp is stolen: revoke --name, the list carried, and that stamp's status is Revoked
# (exit 7) while another stamp's stays Registered.
. "$(dirname "$0")/lib.sh"
scratch
kid() { $PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# krefuse STATE STATUS "what" "the exact line" ARGS...: key-import ARGS refused, STATE unchanged
krefuse() {
	st=$1; want=$2; what=$3; line=$4; shift 4
	snap=$(snapshot "$st")
	expect_exit "$want" "$what" "$KI" --state-dir "$st" "$@"
	check "$what: the line ($ERR)" [ "$ERR" = "$line" ]
	check "$what: the state unchanged" [ "$(snapshot "$st")" = "$snap" ]
}

CA=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
CS=dddddddd-dddd-4ddd-8ddd-dddddddddddd
"$RG" init >/dev/null && "$RG" export-issuer-key -o k1.pub >/dev/null || exit 1
K1=$(kid k1.pub)
for s in A S; do
	eval "c=\$C$s"
	"$TG" init --state-dir "st$s" --cloud-id "$c" >/dev/null &&
		"$TG" create --billing-model Development --host "$HOSTS/node3.json" --state-dir "st$s" -o "tok$s.txt" >/dev/null &&
		"$KI" --state-dir "st$s" trust add k1.pub >/dev/null || exit 1
done
"$RG" register --token tokA.txt --name alpha >/dev/null && "$RG" register --token tokS.txt --name sigma >/dev/null &&
	"$RG" activation-key --name alpha -o a1.key >/dev/null && "$KI" --state-dir stA import a1.key >/dev/null || exit 1

expect_exit 0 "status --json, no list held" "$KI" --state-dir stA status --json
check "status --json, no list held: revocationListVersion null" [ "$(echo "$OUT" | jq -c '[.status, .revocationListVersion]')" = '["Registered",null]' ]
expect_exit 0 "trust list --json, no list held" "$KI" --state-dir stA trust list --json
check "trust list --json, no list held: revocationList null" [ "$(echo "$OUT" | jq -c .revocationList)" = null ]
expect_exit 0 "trust list, no list held" "$KI" --state-dir stA trust list
check "trust list, no list held: the key alone" [ "$(echo "$OUT" | wc -l)" = 1 ]

# --- the issuer key is thought stolen: the thief's copy of the data directory signs with K1
cp -a "$WS" thief
expect_exit 0 "rotate-issuer-key" "$RG" rotate-issuer-key -o rotation.json
"$RG" export-issuer-key -o k2.pub >/dev/null
K2=$(kid k2.pub)
check "rotated to a new key" [ "$K2" != "$K1" ]
expect_exit 0 "revoke --issuer-key OLD" "$RG" revoke --issuer-key "$K1" -o revocation-list.txt
check "revoke --issuer-key: what it says" [ "$(echo "$OUT" | head -1)" = "registrar: revoked issuer key $K1 (revocation list version 1)" ]
# carried together: the chain, the list and the next key, in one directory
mkdir usb
"$RG" activation-key --name alpha -o usb/ActivationKey.txt >/dev/null &&
	"$RG" export-issuer-key --chain -o usb/issuer-chain.json >/dev/null &&
	cp revocation-list.txt usb/ || exit 1
expect_exit 0 "one import takes the chain, the list and the key" "$KI" --state-dir stA import usb/ActivationKey.txt
check "import: the chain first" [ "$(echo "$OUT" | sed -n 1,2p)" = "$(printf '%s\n' \
	"key-import: usb/issuer-chain.json: accepted issuer key rotation version 2: kid $K2 (replaces $K1)" \
	"key-import: current issuer key $K2 (version 2)")" ]
check "import: then the list (signed by the key the chain brought)" [ "$(echo "$OUT" | sed -n 3,4p)" = "$(printf '%s\n' \
	"key-import: accepted revocation list version 1 (issuer key $K2): 1 issuer keys, 0 activations revoked" \
	"$(sha revocation-list.txt)  usb/revocation-list.txt")" ]
check "import: then the key" [ "$(echo "$OUT" | sed -n '5s/, expires .*//p')" = "key-import: imported usb/ActivationKey.txt: registration alpha, serial 2" ]
check "the chain kept" cmp -s usb/issuer-chain.json stA/trusted/issuer-chain.json
check "the list kept" cmp -s revocation-list.txt stA/trusted/revocation-list.txt
expect_exit 0 "status after the compromise" "$KI" --state-dir stA status
check "status: Registered" [ "$(echo "$OUT" | head -1)" = "Status          Registered" ]
expect_exit 0 "trust list" "$KI" --state-dir stA trust list
check "trust list: K1 added by hand, then K2 from the chain, current" sh -c "echo '$OUT' | grep -q '^$K1' && echo '$OUT' | grep -q '^$K2  rotation version 2, replaces $K1.*(current issuer key)'"
check "trust list: the revocation list held, last" [ "$(echo "$OUT" | tail -1)" = "revocation list version 1 (1 issuer key, 0 registrations), signed by $K2" ]
expect_exit 0 "trust list --json" "$KI" --state-dir stA trust list --json
check "trust list --json: the chain" sh -c "echo '$OUT' | jq -e '.currentIssuerKey == \"$K2\" and (.issuerChain | length) == 1 and .issuerChain[0].version == 2' >/dev/null"
check "trust list --json: the revocation list held" [ "$(echo "$OUT" | jq -c '.revocationList | del(.issuedAt)')" = "{\"version\":1,\"signedBy\":\"$K2\",\"sha256\":\"$(sha revocation-list.txt)\",\"revokedIssuerKeys\":1,\"revokedRegistrations\":0}" ]
check "trust list --json: issuedAt is the list's" [ "$(echo "$OUT" | jq .revocationList.issuedAt)" = "$(cut -d. -f2 revocation-list.txt | $PY -c 'import base64,json,sys; p=sys.stdin.read().strip(); print(json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["issuedAt"])')" ]
expect_exit 0 "status --json" "$KI" --state-dir stA status --json
check "status --json: revocationListVersion 1" [ "$(echo "$OUT" | jq .revocationListVersion)" = 1 ]
# the same directory carried again: nothing new
snap=$(snapshot stA)
expect_exit 0 "the same directory again" "$KI" --state-dir stA import usb/ActivationKey.txt
check "the same again: already imported" [ "$(echo "$OUT" | sed -n '4s/: registration .*//p')" = "key-import: usb/ActivationKey.txt: already imported, nothing changed" ]
check "the same again: the state unchanged" [ "$(snapshot stA)" = "$snap" ]

# --- the thief signs with K1: every key it makes is refused, the stamp's state byte-identical
for n in 2 3 4; do "$RG" --data-dir thief activation-key --name alpha -o "forged$n.key" >/dev/null || exit 1; done
cp forged4.key forged.key # serial 4: newer than the stamp's 2, so only the signature is judged
krefuse stA 4 "a key forged with the revoked key" "key-import: forged.key: issuer key $K1 is revoked (revocation list version 1)" import forged.key
# the thief carries the genuine chain and list beside the forgery: still refused
mkdir thief-usb && cp forged.key thief-usb/ActivationKey.txt && cp usb/issuer-chain.json usb/revocation-list.txt thief-usb/
krefuse stA 4 "a forgery beside the genuine chain and list" "key-import: thief-usb/ActivationKey.txt: issuer key $K1 is revoked (revocation list version 1)" import thief-usb/ActivationKey.txt
# a list the thief signs with K1 (its own history: nothing revoked) is refused too
"$RG" --data-dir thief activation-key --name sigma -o thief-s.key >/dev/null && "$RG" --data-dir thief revoke --name sigma -o thief-list.txt >/dev/null || exit 1
krefuse stA 4 "a list signed by the revoked key" "key-import: thief-list.txt: issuer key $K1 is revoked (revocation list version 1)" trust update thief-list.txt

# --- a stamp is stolen: its registration revoked, the list carried, status Revoked (exit 7)
"$RG" activation-key --name sigma -o usb/s.key >/dev/null && rm usb/ActivationKey.txt &&
	"$KI" --state-dir stS import usb/s.key >/dev/null || exit 1
expect_exit 0 "stamp S: Registered" "$KI" --state-dir stS status
expect_exit 0 "revoke --name sigma" "$RG" revoke --name sigma -o revocation-list.txt --force
check "revoke --name: what it says" [ "$(echo "$OUT" | head -1)" = "registrar: revoked registration sigma: keys up to serial 1 (revocation list version 2)" ]
expect_exit 0 "stamp S takes the list" "$KI" --state-dir stS trust update revocation-list.txt
REVOKED="key-import: activation.json: revoked: registration sigma's keys up to serial 1 are revoked (revocation list version 2); this is serial 1"
expect_exit 7 "stamp S: status Revoked" "$KI" --state-dir stS status
check "stamp S: Revoked" [ "$(echo "$OUT" | head -1)" = "Status          Revoked" ]
check "stamp S: the line" [ "$ERR" = "$REVOKED" ]
expect_exit 7 "stamp S: status --json" "$KI" --state-dir stS status --json
check "stamp S: --json Revoked" [ "$(echo "$OUT" | jq -r .status)" = Revoked ]
check "stamp S: --json revocationListVersion 2" [ "$(echo "$OUT" | jq .revocationListVersion)" = 2 ]
expect_exit 0 "stamp S: trust list" "$KI" --state-dir stS trust list
check "stamp S: trust list shows list version 2" [ "$(echo "$OUT" | tail -1)" = "revocation list version 2 (1 issuer key, 1 registration), signed by $K2" ]
cp usb/s.key s.key
krefuse stS 4 "stamp S: the revoked key again" "key-import: s.key: revoked: registration sigma's keys up to serial 1 are revoked (revocation list version 2); this is serial 1, nothing imported" import s.key
expect_exit 0 "stamp A takes the list" "$KI" --state-dir stA trust update revocation-list.txt
expect_exit 0 "stamp A: still Registered" "$KI" --state-dir stA status
krefuse stA 4 "stamp A: the first list again (a rollback)" "key-import: usb/revocation-list.txt: revocation list version 1 is older than version 2 held here (a rollback; nothing changed)" trust update usb/revocation-list.txt

# --- the new key thought stolen too, and revoked, before stamp A got the next rotation: a
# rotation the thief makes with it (version 3, the next one, from the head of the chain held)
# is refused, the state unchanged. Stamp A was given key 3 by hand, so it takes the list.
cp -a "$WS" thief2
"$RG" rotate-issuer-key -o rotation3.json >/dev/null && "$RG" export-issuer-key -o k3.pub >/dev/null &&
	"$RG" revoke --issuer-key "$K2" -o list3.txt >/dev/null || exit 1
"$RG" --data-dir thief2 rotate-issuer-key -o thief-rotation.json >/dev/null || exit 1
"$KI" --state-dir stA trust add k3.pub >/dev/null && "$KI" --state-dir stA trust update list3.txt >/dev/null || exit 1
krefuse stA 4 "a rotation by the revoked head of the chain" "key-import: thief-rotation.json: issuer key $K2 is revoked (revocation list version 3)" trust update thief-rotation.json

finish compromise
