#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The loop closed both ways (issue 18, part 6), with nothing but the programs' own files:
# key-import remove -o on the stamp, the receipt carried (a file, and QR codes scanned back
# by zbarimg), registrar unregister --receipt on the workstation: Deactivated. Each receipt
# the workstation must refuse, made from real ones (another stamp's, edited, truncated, signed
# by a forger naming this stamp's key, one for a serial a newer key followed), is exit 4
# with its line, and leaves both sides as they were: the stamp's state directory and the
# registrar's database compared whole. Clocks frozen (faketime), no sleeps.
. "$(dirname "$0")/lib.sh"
scratch
NOW=$(($(date +%s) + 3600))
clock() { env TZ=UTC faketime -f "$(date -u -d "@$NOW" '+%Y-%m-%d %H:%M:%S')" "$@"; }
dump() { sqlite3 "$WS/registrar.db" .dump; }
scan() { zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable "$@" 2>/dev/null; }
# refuse "what" "line" RECEIPT [ARGS]: exit 4 with the line; the stamps and the database unchanged
refuse() {
	what=$1; line=$2; shift 2
	db=$(dump); sa=$(snapshot "$ST"); sb=$(snapshot stB)
	expect_exit 4 "$what" clock "$RG" unregister --receipt "$@"
	check "$what: the line ($ERR)" [ "$ERR" = "$line" ]
	check "$what: the database unchanged" [ "$(dump)" = "$db" ]
	check "$what: stamp A unchanged" [ "$(snapshot "$ST")" = "$sa" ]
	check "$what: stamp B unchanged" [ "$(snapshot stB)" = "$sb" ]
}

# --- two stamps (A: east, B: west), one workstation, a key each imported
"$RG" init >/dev/null && "$RG" export-issuer-key -o issuer.pub >/dev/null || exit 1
for s in "$ST" stB; do
	"$TG" init --state-dir "$s" >/dev/null && "$KI" trust add --state-dir "$s" issuer.pub >/dev/null || exit 1
done
"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tokA.txt >/dev/null 2>&1 &&
	"$TG" create --billing-model Development --host "$HOSTS/node2.json" --state-dir stB -o tokB.txt >/dev/null 2>&1 &&
	"$RG" register --token tokA.txt --name east >/dev/null && "$RG" register --token tokB.txt --name west >/dev/null &&
	"$RG" activation-key --name east -o keyA1.txt >/dev/null && "$RG" activation-key --name west -o keyB1.txt >/dev/null &&
	"$KI" keyA1.txt >/dev/null && "$KI" --state-dir stB keyB1.txt >/dev/null || { echo "roundtrip: cannot build the world" >&2; exit 1; }
CLOUD=$(cat "$ST/cloud-id")

# --- a receipt for serial 1, then a newer key: the old receipt is refused (that key may be in use)
expect_exit 0 "east removes serial 1, with a receipt" clock "$KI" remove -o rA1.txt
"$RG" activation-key --name east -o keyA2.txt >/dev/null
refuse "the receipt of serial 1 once serial 2 is issued" "registrar: rA1.txt: receipt removes serial 1 of east, but serial 2 was issued after it: that key may still be in use; remove it on the stamp and bring its receipt" rA1.txt
"$KI" keyA2.txt >/dev/null
expect_exit 0 "east removes serial 2, the receipt drawn as a QR code too" clock "$KI" remove -o rA2.txt --qr rA2.png
check "the receipt is one QR code" [ "$(scan rA2.png | wc -l)" -le 1 ]
scan rA2.png >rA2-scanned.txt

# --- receipts the workstation must refuse, each from a real one
expect_exit 0 "west removes serial 1, with a receipt" clock "$KI" remove --state-dir stB -o rB1.txt
refuse "another stamp's receipt, given as east's" "registrar: rB1.txt: the receipt is for registration west, not east" rB1.txt --name east
# west's receipt with its payload swapped for east's claims: B's key, east's name
head=$(cut -d. -f1 rB1.txt); sig=$(cut -d. -f3 rB1.txt); body=$(cut -d. -f2 rA2.txt)
printf '%s.%s.%s' "$head" "$body" "$sig" >rB1-as-east.txt
KIDB=$($PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1],"rb").read()).thumbprint())' stB/stamp.key)
KIDA=$($PY -c 'import sys; from jwcrypto import jwk; print(jwk.JWK.from_pem(open(sys.argv[1],"rb").read()).thumbprint())' "$ST/stamp.key")
refuse "another stamp's signature on east's claims" "registrar: rB1-as-east.txt: receipt signed by stamp key $KIDB, not by the stamp key of east ($KIDA)" rB1-as-east.txt
# east's receipt with one claim edited (serial 2 to 3; the signature kept)
$PY - rA2.txt >rA2-edited.txt <<'PYEOF'
import base64, json, sys
h, p, s = open(sys.argv[1]).read().split(".")
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
c["serial"], c["highWater"] = 3, 3
p = base64.urlsafe_b64encode(json.dumps(c, separators=(",", ":")).encode()).rstrip(b"=").decode()
sys.stdout.write("%s.%s.%s" % (h, p, s))
PYEOF
refuse "east's receipt edited (serial 3)" "registrar: rA2-edited.txt: bad signature" rA2-edited.txt
# a forger's key, naming east's stamp key in the header, signing east's own claims
openssl genpkey -algorithm ed25519 -out forger.key 2>/dev/null
$PY - rA2.txt forger.key "$KIDA" >rA2-forged.txt <<'PYEOF'
import base64, json, sys
from jwcrypto import jwk, jws
h, p, s = open(sys.argv[1]).read().split(".")
claims = base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))
t = jws.JWS(claims)
t.add_signature(jwk.JWK.from_pem(open(sys.argv[2], "rb").read()), None,
                json.dumps({"alg": "EdDSA", "typ": "airreg-removal-receipt", "kid": sys.argv[3]}))
sys.stdout.write(t.serialize(compact=True))
PYEOF
refuse "east's claims signed by a forger naming east's key" "registrar: rA2-forged.txt: bad signature" rA2-forged.txt
head -c 300 rA2.txt >rA2-truncated.txt
expect_exit 4 "east's receipt truncated" clock "$RG" unregister --receipt rA2-truncated.txt
check "truncated: refused as no receipt (one line: $ERR)" [ "$(wc -l <"$WORK/err")" -eq 1 ]
check "truncated: east still Registered" [ "$("$RG" show east --json | jq -r .status)" = Registered ]

# --- the receipt taken: Deactivated, both ways the same (file and scanned QR codes)
db=$(dump); sa=$(snapshot "$ST")
expect_exit 0 "the workstation takes east's receipt (scanned from the QR code)" clock "$RG" unregister --receipt rA2-scanned.txt
check "the line" [ "$OUT" = "registrar: deactivated east (CloudId $CLOUD): the stamp removed serial 2 at $(date -u -d "@$NOW" '+%Y-%m-%dT%H:%M:%SZ'); receipt $(cut -d. -f2 rA2.txt | $PY -c 'import base64,json,sys; p=sys.stdin.read().strip(); print(json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["jti"])') kept; the name stays reserved for it
$(sha256sum <rA2.txt | cut -c1-64)  rA2-scanned.txt" ]
check "the stamp's state untouched by the workstation" [ "$(snapshot "$ST")" = "$sa" ]
check "list says Deactivated" [ "$("$RG" list --json | jq -r '.value[] | select(.name == "east") | .status')" = Deactivated ]
check "show gives the receipt: serial 2, its SHA-256" [ "$("$RG" show east --json | jq -r '.lastReceipt | "\(.serial) \(.sha256)"')" = "2 $(sha256sum <rA2.txt | cut -c1-64)" ]
check "west is still Registered" [ "$("$RG" show west --json | jq -r .status)" = Registered ]
db=$(dump)
expect_exit 0 "the same receipt again (the file)" clock "$RG" unregister --receipt rA2.txt
check "the same receipt again: nothing changed" [ "$(dump)" = "$db" ]
check "the stamp: Not registered" sh -c "'$KI' status --json | jq -e '.status == \"Not registered\"' >/dev/null"
finish "roundtrip"
