#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The issuer key's signed rotation (issue 19, part 2): a stamp that trusts only the first key
# imports, through two rotations carried together (beside the key, and by trust update), a
# key signed by the third; every refusal leaves the state directory byte-identical; the
# registrar's side (rotate twice, export --chain, the audit, an interrupted rotation).
. "$(dirname "$0")/lib.sh"
scratch

kid_of() { # kid_of PUBFILE: the RFC 7638 thumbprint, as jwcrypto computes it
	"$PY" -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1], "rb").read()).thumbprint())' "$1"
}
# refused STATUS "reason" STATEDIR CMD...: the exit status, the one stderr line, and the
# stamp's state directory unchanged (a listing with checksums and modes, before and after)
refused() {
	want=$1 reason=$2 dir=$3; shift 3
	snapshot "$dir" >"$WORK/before"
	expect_exit "$want" "$*" "$@"
	one_line_error "$*" "$reason"
	snapshot "$dir" >"$WORK/after"
	check "$*: the state directory unchanged" cmp -s "$WORK/before" "$WORK/after"
}

"$TG" init >/dev/null
"$TG" create --billing-model Capacity --agreement-number 42 --host "$HOSTS/node1.json" -o tok.txt >/dev/null
"$RG" init $(db_new "$WS") >/dev/null
"$RG" register --token tok.txt --name east >/dev/null
"$RG" export-issuer-key -o k1.pub >/dev/null
k1=$(kid_of k1.pub)
db_copy "$WS" ws-v1 # the workstation before any rotation: for the refusals' other histories
cp "$WS/issuer.key" k1.key # key 1 itself: to sign a statement no registrar makes

# --- the registrar's side ---------------------------------------------------------------
expect_exit 4 "export --chain before any rotation" "$RG" export-issuer-key --chain -o none.json
one_line_error "export --chain before any rotation" "registrar: $WS: no rotation yet: the issuer key is the one init made (export-issuer-key -o FILE writes it)"
check "export --chain before any rotation: no file" [ ! -e none.json ]
expect_exit 2 "rotate without -o" "$RG" rotate-issuer-key
one_line_error "rotate without -o" "registrar: rotate-issuer-key needs -o FILE|- (the statement every stamp needs)"
: >taken.json
snapshot "$WS" >ws.before && db_dump "$WS" >>ws.before
expect_exit 5 "rotate -o over a file" "$RG" rotate-issuer-key -o taken.json
one_line_error "rotate -o over a file" "registrar: taken.json: file exists (use --force to replace it)"
snapshot "$WS" >ws.after && db_dump "$WS" >>ws.after
check "rotate -o over a file: nothing rotated" cmp -s ws.before ws.after

expect_exit 0 "rotate-issuer-key (version 2)" "$RG" rotate-issuer-key -o st2.json
"$RG" export-issuer-key -o k2.pub >/dev/null
k2=$(kid_of k2.pub)
check "rotate: says versions and kids" [ "$(sed -n 1p "$WORK/out")" = "registrar: rotated the issuer key: version 2, kid $k2 (was $k1)" ]
check "rotate: says the file" [ "$(sed -n 2p "$WORK/out")" = "registrar: wrote st2.json: rotation statement version 2" ]
check "rotate: the file's SHA-256" [ "$(sed -n 3p "$WORK/out")" = "$(sha256sum st2.json)" ]
check "rotate: the key replaced" [ "$k2" != "$k1" ]
check "rotate: no staged file left" [ -z "$(ls "$WS" | grep '\.new$')" ]
db_copy "$WS" ws-v2
"$RG" rotate-issuer-key -o - >st3.json 2>rotate3.err
check "rotate -o -: the statement on stdout, the status on stderr" grep -q "^registrar: rotated the issuer key: version 3" rotate3.err
"$RG" export-issuer-key -o k3.pub >/dev/null
k3=$(kid_of k3.pub)
expect_exit 0 "export-issuer-key --chain" "$RG" export-issuer-key --chain -o chain.json
check "export --chain: says the versions" [ "$(sed -n 1p "$WORK/out")" = "registrar: wrote chain.json: issuer chain, versions 2 to 3, current kid $k3" ]
check "export --chain: the two statements, one a line" [ "$(cat chain.json)" = "$(printf '[\n%s,\n%s\n]' "$(cat st2.json)" "$(cat st3.json)")" ]
expect_exit 5 "export --chain over a file" "$RG" export-issuer-key --chain -o chain.json
expect_exit 2 "export --chain --qr" "$RG" export-issuer-key --chain --qr chain.png
one_line_error "export --chain --qr" "export-issuer-key --chain writes a file: -o FILE|-, not --qr"
check "the database's issuer keys" [ "$(db_sql "$WS" 'SELECT version, kid, CASE WHEN statement IS NULL THEN 1 ELSE 0 END FROM issuer_keys ORDER BY version')" = "1|$k1|1
2|$k2|0
3|$k3|0" ]
check "the database's audit of the rotations" [ "$(db_sql "$WS" "SELECT detail FROM audit WHERE action = 'rotate-issuer-key' ORDER BY id")" = "version 2, kid $k2 (was $k1)
version 3, kid $k3 (was $k2)" ]
# python3-jwcrypto verifies each signature of a statement with the key that made it
"$PY" - st2.json "$k1" "$k2" <<'EOF' && ok || bad "jwcrypto verifies both signatures"
import json, sys
from jwcrypto import jws, jwk
text = open(sys.argv[1]).read()
doc = json.loads(text)
assert len(doc["signatures"]) == 2
claims = json.loads(jws.base64url_decode(doc["payload"]))
old, new = jwk.JWK(**claims["previousKey"]), jwk.JWK(**claims["key"])
assert (old.thumbprint(), new.thumbprint()) == (sys.argv[2], sys.argv[3])
for sig, key, other in ((doc["signatures"][0], old, new), (doc["signatures"][1], new, old)):
    one = jws.JWS()
    one.deserialize(json.dumps({"payload": doc["payload"], "protected": sig["protected"],
                                "signature": sig["signature"]}))
    one.verify(key)  # raises when it does not hold
    try:
        one.verify(other)
        raise SystemExit("a signature verified with the other key")
    except jws.InvalidJWSSignature:
        pass
whole = jws.JWS()
whole.deserialize(text)
whole.verify(old)
whole.verify(new)
EOF

"$RG" activation-key --name east -o key.txt >/dev/null
check "the activation key after rotation: signed by the third key (kid)" [ "$("$PY" -c 'import sys,json; from jwcrypto import jws; print(json.loads(jws.base64url_decode(open(sys.argv[1]).read().split(".")[0]))["kid"])' key.txt)" = "$k3" ]
expect_exit 4 "registrar register given a statement" "$RG" register --token st2.json --name x
one_line_error "registrar register given a statement" "registrar: st2.json: this is an issuer rotation statement: carry it to the stamp (key-import trust update st2.json)"
expect_exit 4 "key-import import given a chain" "$KI" import chain.json
one_line_error "key-import import given a chain" "key-import: chain.json: this is an issuer rotation statement: key-import trust update chain.json takes it"

# --- a stamp that trusts key 1 only: the chain beside the key ------------------------------
"$KI" trust add k1.pub >/dev/null
cp -a "$ST" stamp-k1 # the same stamp, for the other ways and the refusals
mkdir usb
cp key.txt usb/ActivationKey.txt
cp chain.json usb/issuer-chain.json
expect_exit 0 "import with the chain beside the key" "$KI" import usb/ActivationKey.txt
check "import: the chain accepted first" [ "$(sed -n 1,3p "$WORK/out")" = "key-import: usb/issuer-chain.json: accepted issuer key rotation version 2: kid $k2 (replaces $k1)
key-import: usb/issuer-chain.json: accepted issuer key rotation version 3: kid $k3 (replaces $k2)
key-import: current issuer key $k3 (version 3)" ]
check "import: the key imported" grep -q "^key-import: imported usb/ActivationKey.txt: registration east, serial 1" "$WORK/out"
check "the chain kept as the carried one" cmp -s chain.json "$ST/trusted/issuer-chain.json"
expect_exit 0 "trust list" "$KI" trust list
check "trust list: the chain and the current key" [ "$(sed -n 2,3p "$WORK/out")" = "$k2  rotation version 2, replaces $k1
$k3  rotation version 3, replaces $k2  (current issuer key)  (signed the current activation)" ]
check "trust list: the first line is key 1" [ "$(sed -n 1p "$WORK/out" | cut -d' ' -f1)" = "$k1" ]
expect_exit 0 "trust list --json" "$KI" trust list --json
printf '%s\n' "$OUT" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
k1, k2, k3 = sys.argv[1:4]
assert [k["kid"] for k in d["trustedIssuerKeys"]] == [k1]
assert [(c["version"], c["kid"], c["previousKid"], c["current"]) for c in d["issuerChain"]] == [(2, k2, k1, False), (3, k3, k2, True)]
assert d["currentIssuerKey"] == k3' "$k1" "$k2" "$k3" && ok || bad "trust list --json: the chain"
# a key the chain brought is not removed by trust remove (it stays trusted): refused, as it
# is, where it said "not trusted" (exit 4 all the same) and left it trusted
refused 4 "key-import: issuer key $k2 came with the issuer chain (trust list) and stays trusted: trust remove takes only keys trust add installed; to stop trusting it, revoke it (registrar revoke --issuer-key $k2, carried with key-import trust update)" "$ST" "$KI" trust remove "$k2"
refused 4 "key-import: issuer key $k3 came with the issuer chain" "$ST" "$KI" trust remove k3.pub
expect_exit 0 "the same import again: the chain nothing new" "$KI" import usb/ActivationKey.txt
check "again: nothing new" [ "$(sed -n 1p "$WORK/out")" = "key-import: usb/issuer-chain.json: nothing new (the issuer chain held goes to version 3, kid $k3)" ]

# --- another copy of that stamp: the two statements by trust update, one at a time ------
cp -a stamp-k1 stamp-upd
expect_exit 0 "trust update version 2" "$KI" --state-dir stamp-upd trust update st2.json
expect_exit 0 "trust update version 3" "$KI" --state-dir stamp-upd trust update st3.json
check "trust update: accepted version 3" [ "$OUT" = "key-import: st3.json: accepted issuer key rotation version 3: kid $k3 (replaces $k2)
key-import: current issuer key $k3 (version 3)" ]
expect_exit 0 "import after trust update" "$KI" --state-dir stamp-upd import key.txt
check "the chain of two updates is the exported chain" cmp -s chain.json stamp-upd/trusted/issuer-chain.json
expect_exit 0 "an older chain after a newer: nothing new" "$KI" --state-dir stamp-upd trust update st2.json
check "older: says nothing new" [ "$OUT" = "key-import: st2.json: nothing new (the issuer chain held goes to version 3, kid $k3)" ]
# a stamp that trusts key 3 by hand: the chain is anchored at version 3, version 2 skipped
"$TG" init --state-dir stamp-k3 >/dev/null
"$KI" --state-dir stamp-k3 trust add k3.pub >/dev/null
expect_exit 0 "a chain anchored by its new key" "$KI" --state-dir stamp-k3 trust update chain.json
check "anchored: holds version 3 alone" [ "$(grep -c payload stamp-k3/trusted/issuer-chain.json)" -eq 1 ]
# trusted by hand and by the chain: removing the file would leave it trusted; refused, kept
refused 4 "key-import: issuer key $k3 came with the issuer chain" stamp-k3 "$KI" --state-dir stamp-k3 trust remove "$k3"

# --- other histories: a fork at version 2, a fork at version 3, a version 4 --------------
AIRREG_DATA_DIR=$WORK/ws-v1 "$RG" rotate-issuer-key -o st2-fork.json >/dev/null
AIRREG_DATA_DIR=$WORK/ws-v2 "$RG" rotate-issuer-key -o st3-fork.json >/dev/null
db_copy "$WS" ws-v3
AIRREG_DATA_DIR=$WORK/ws-v3 "$RG" rotate-issuer-key -o st4.json >/dev/null
"$RG" init --data-dir other $(db_new other) >/dev/null
"$RG" rotate-issuer-key --data-dir other -o stranger.json >/dev/null

# --- refusals, each with the state byte-identical -------------------------------------
S=stamp-upd # holds versions 2 and 3
refused 4 "key-import: st2-fork.json: rotation statement version 2 is not the one this stamp holds (a fork: refused)" $S "$KI" --state-dir $S trust update st2-fork.json
refused 4 "key-import: st3-fork.json: rotation statement version 3 is not the one this stamp holds (a fork: refused)" $S "$KI" --state-dir $S trust update st3-fork.json
cp -a stamp-k1 stamp-v2
"$KI" --state-dir stamp-v2 trust update st2.json >/dev/null
refused 4 "key-import: st4.json: rotation statement version 4 skips version 3 (this stamp holds up to version 2)" stamp-v2 "$KI" --state-dir stamp-v2 trust update st4.json
# a version 3 signed by key 1 (trusted here, but no longer the current key) and a key of its
# own: well formed, both signatures good, the version next, yet a fork from an older key
"$RG" init --data-dir ws-oldfork $(db_new ws-oldfork) >/dev/null
"$PY" - k1.key ws-oldfork/issuer.key >st3-oldkey.json <<'EOF' || bad "a statement from key 1 made"
import json, sys
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode
old, new = (jwk.JWK.from_pem(open(f, "rb").read()) for f in sys.argv[1:3])
pub = lambda k: {m: json.loads(k.export_public())[m] for m in ("crv", "kty", "x")}
t = jws.JWS(json.dumps({"version": 3, "previousKey": pub(old), "key": pub(new), "issuedAt": 1800000000}))
for k in (old, new):
    t.add_signature(k, None, json_encode({"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k.thumbprint()}))
print(t.serialize())
EOF
refused 4 "key-import: st3-oldkey.json: rotation statement version 3 replaces key $k1, not the current issuer key $k2 (a fork: refused)" stamp-v2 "$KI" --state-dir stamp-v2 trust update st3-oldkey.json
printf '[\n%s,\n%s\n]\n' "$(cat st2.json)" "$(cat st4.json)" >gap.json
refused 4 "key-import: gap.json: chain statement 2 of 2: rotation statement version 4 follows version 2 (versions go up one at a time)" stamp-k1 "$KI" --state-dir stamp-k1 trust update gap.json
refused 4 "key-import: st3.json: rotation statement version 3 replaces issuer key $k2, which is not trusted here (key-import trust add)" stamp-k1 "$KI" --state-dir stamp-k1 trust update st3.json
refused 4 "key-import: stranger.json: rotation statement version 2 replaces issuer key" stamp-k1 "$KI" --state-dir stamp-k1 trust update stranger.json
"$PY" - <<'EOF'
import json
doc = json.load(open("st2.json"))
sig = doc["signatures"][1]["signature"]
doc["signatures"][1]["signature"] = ("B" if sig[0] != "B" else "C") + sig[1:]
open("edited.json", "w").write(json.dumps(doc))
doc = json.load(open("st2.json"))
open("revocation-shaped.json", "w").write(json.dumps({"version": 2, "issuedAt": 1, "issuerKeys": [], "activations": []}))
open("oversized.json", "w").write("[" + " " * (64 * 1024) + "]")
EOF
refused 4 "key-import: edited.json: rotation statement version 2: the new key's signature does not verify" stamp-k1 "$KI" --state-dir stamp-k1 trust update edited.json
refused 4 "key-import: revocation-shaped.json: unknown field \"version\" in rotation statement" stamp-k1 "$KI" --state-dir stamp-k1 trust update revocation-shaped.json
refused 4 "key-import: oversized.json: file larger than 65536 bytes" stamp-k1 "$KI" --state-dir stamp-k1 trust update oversized.json
printf '{"payload": garbage' >garbage.json
refused 4 "key-import: garbage.json: not JSON:" stamp-k1 "$KI" --state-dir stamp-k1 trust update garbage.json
printf '[]' >empty.json
refused 4 "key-import: empty.json: an empty chain: no rotation statement" stamp-k1 "$KI" --state-dir stamp-k1 trust update empty.json
# a refused chain beside a key: nothing imported, nothing changed
mkdir usb-fork && cp key.txt usb-fork/ActivationKey.txt && cp st3-fork.json usb-fork/issuer-chain.json
refused 4 "a fork: refused" $S "$KI" --state-dir $S import usb-fork/ActivationKey.txt

# --- an interrupted rotation: the database committed, the staged files not renamed -----
db_copy ws-v3 ws-int # (ws-v3 holds version 4 by now)
cp ws-int/issuer.key old.key && cp ws-int/issuer.pub old.pub
AIRREG_DATA_DIR=$WORK/ws-int "$RG" rotate-issuer-key -o st4-int.json >/dev/null
k4=$(kid_of ws-int/issuer.pub)
mv ws-int/issuer.key ws-int/issuer.key.new && mv ws-int/issuer.pub ws-int/issuer.pub.new
cp old.key ws-int/issuer.key && cp old.pub ws-int/issuer.pub && chmod 600 ws-int/issuer.key
expect_exit 0 "activation-key after an interrupted rotation" env AIRREG_DATA_DIR="$WORK/ws-int" "$RG" activation-key --name east -o key4.txt
check "interrupted: the key signed by the new key" [ "$("$PY" -c 'import sys,json; from jwcrypto import jws; print(json.loads(jws.base64url_decode(open(sys.argv[1]).read().split(".")[0]))["kid"])' key4.txt)" = "$k4" ]
check "interrupted: finished (issuer.pub is the new key)" [ "$(kid_of ws-int/issuer.pub)" = "$k4" ]
check "interrupted: no staged file left" [ -z "$(ls ws-int | grep '\.new$')" ]
# staged files the database never took (a rotation stopped before its commit): left alone
# by the signer, removed by the next rotation
db_copy ws-v3 ws-stale
"$RG" init --data-dir stale-src $(db_new stale-src) >/dev/null
cp stale-src/issuer.key ws-stale/issuer.key.new && cp stale-src/issuer.pub ws-stale/issuer.pub.new
expect_exit 0 "activation-key with stale staged files" env AIRREG_DATA_DIR="$WORK/ws-stale" "$RG" activation-key --name east -o key-stale.txt
check "stale: the key signed by the database's last key" [ "$("$PY" -c 'import sys,json; from jwcrypto import jws; print(json.loads(jws.base64url_decode(open(sys.argv[1]).read().split(".")[0]))["kid"])' key-stale.txt)" = "$(kid_of ws-stale/issuer.pub)" ]
check "stale: the staged files left" [ -e ws-stale/issuer.pub.new ]
expect_exit 0 "rotate over stale staged files" env AIRREG_DATA_DIR="$WORK/ws-stale" "$RG" rotate-issuer-key -o st4-stale.json
check "stale: the new key is not the stale one" [ "$(kid_of ws-stale/issuer.pub)" != "$(kid_of stale-src/issuer.pub)" ]
check "stale: removed" [ -z "$(ls ws-stale | grep '\.new$')" ]

finish rotation
