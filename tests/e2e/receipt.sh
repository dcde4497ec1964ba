#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The removal receipt on the stamp (issue 18, part 1): key-import remove -o|--qr writes a JWS
# signed with the stamp key that python3-jwcrypto (not our code) verifies with stamp.pub, its
# claims what the activation was; the receipt is kept in the state directory and written again
# on request; an output that cannot be written is refused before anything is removed. The
# removal's clock is frozen (faketime -f with a date, UTC). No sleeps.
. "$(dirname "$0")/lib.sh"
scratch
NOW=$(($(date +%s) + 3600)) # the removal's frozen clock, after the key's issue time
AT=$(date -u -d "@$NOW" '+%Y-%m-%d %H:%M:%S')
ISO=$(date -u -d "@$NOW" '+%Y-%m-%dT%H:%M:%SZ')
clock() { env TZ=UTC faketime -f "$AT" "$@"; }
scan() { zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable "$@" 2>/dev/null; }
same() { check "$1" [ "$2" = "$3" ]; [ "$2" = "$3" ] || printf '  want: %s\n  got:  %s\n' "$3" "$2"; }
NOTHING="key-import: $ST: no activation resource to remove (Not registered)"

# verify.py STAMP.PUB RECEIPT SERIAL CLOUDID KEYSHA NOW: jwcrypto's verdict and the claims
cat >verify.py <<'PYEOF'
import json, sys, uuid
from jwcrypto import jwk, jws
pub, path, serial, cloud, keysha, now = sys.argv[1:]
key = jwk.JWK.from_pem(open(pub, "rb").read())
t = jws.JWS()
t.deserialize(open(path).read())
t.verify(key, alg="EdDSA")
h = t.jose_header
assert h == {"alg": "EdDSA", "typ": "airreg-removal-receipt", "kid": key.thumbprint()}, h
c = json.loads(t.payload)
jti = c.pop("jti")
assert str(uuid.UUID(jti)) == jti, jti
want = {"version": 1, "registration": "east", "cloudId": cloud, "serial": int(serial),
        "highWater": int(serial), "removedAt": int(now), "activationKeySha256": keysha}
assert c == want, (c, want)
PYEOF

"$TG" init >/dev/null &&
	"$TG" create --billing-model Development --host "$HOSTS/node1.json" -o tok.txt >/dev/null &&
	"$RG" init >/dev/null && "$RG" register --token tok.txt --name east >/dev/null &&
	"$RG" export-issuer-key -o issuer.pub >/dev/null && "$KI" trust add issuer.pub >/dev/null &&
	for i in 1 2 3; do "$RG" activation-key --name east -o key$i.txt >/dev/null || exit 1; done &&
	"$KI" key1.txt >/dev/null && "$KI" key3.txt >/dev/null ||
	{ echo "receipt: cannot build the world" >&2; exit 1; }
CLOUD=$(cat "$ST/cloud-id")
KEYSHA=$(sha256sum <key3.txt | cut -c1-64)
REMOVED="key-import: removed the activation of east (CloudId $CLOUD, serial 3); keys up to serial 3 stay refused"

# --- refused outputs: nothing removed, nothing written (activation.json byte for byte)
snap=$(snapshot "$ST"); act=$(sha256sum <"$ST/activation.json")
mkdir adir
expect_exit 5 "-o a directory" clock "$KI" remove -o adir
one_line_error "-o a directory" "key-import: adir: is a directory; an output must be a regular file, a character device or a FIFO"
expect_exit 5 "-o in a missing directory" clock "$KI" remove -o nodir/r.txt
same "-o in a missing directory: the line" "$ERR" "key-import: nodir/r.txt: cannot be written: nodir is not a directory (nothing removed)"
expect_exit 5 "--qr in a missing directory" clock "$KI" remove -o r.txt --qr nodir/r.png
one_line_error "--qr in a missing directory" "nodir/r.png: cannot be written: nodir is not a directory (nothing removed)"
expect_exit 2 "-o - and --qr -" clock "$KI" remove -o - --qr -
one_line_error "-o - and --qr -" "-o - and --qr - cannot both go to stdout"
expect_exit 2 "-o twice" "$KI" remove -o a.txt --output b.txt
one_line_error "-o twice" "-o/--output given twice"
expect_exit 2 "-o on status" "$KI" status -o a.txt
one_line_error "-o on status" "key-import: --output does not apply to status"
expect_exit 2 "--qr on import" "$KI" import --qr a.png key3.txt
one_line_error "--qr on import" "key-import: --qr does not apply to import"
# an output in the state directory would replace its files with the receipt (stamp.key: the
# stamp's identity gone for good; serials.json: its marks), through a link to it too
RST=$(cd "$ST" && pwd -P)
ln -s "$ST" stlink
for out in "$ST/stamp.key" "$ST/activation.json" "$ST/serials.json" "$ST/removal-receipt.txt" \
	"$ST/trusted/r.txt" stlink/stamp.key; do
	expect_exit 2 "-o $out" clock "$KI" remove -o "$out"
	same "-o $out: the line" "$ERR" "key-import: $out: is in the stamp's state directory $RST: write it elsewhere (nothing changed)"
done
expect_exit 2 "--qr in the state directory" clock "$KI" remove -o r.txt --qr "$ST/stamp.key"
same "--qr in the state directory: the line" "$ERR" "key-import: $ST/stamp.key: is in the stamp's state directory $RST: write it elsewhere (nothing changed)"
same "refused: activation.json byte for byte" "$(sha256sum <"$ST/activation.json")" "$act"
same "refused: the state unchanged" "$(snapshot "$ST")" "$snap"
check "refused: no receipt written" [ ! -e r.txt ]
check "refused: nothing kept" [ ! -e "$ST/removal-receipt.txt" ]

# --- remove -o FILE: the receipt verified by jwcrypto with stamp.pub, its claims the activation's
expect_exit 0 "remove -o r.txt" clock "$KI" remove -o r.txt
RSHA=$(sha256sum <r.txt | cut -c1-64); B=$(wc -c <r.txt)
same "remove -o: stdout" "$OUT" "$REMOVED
key-import: wrote r.txt: removal receipt, $B bytes, serial 3 of east
$RSHA  r.txt
key-import: carry it to the workstation: registrar unregister --receipt r.txt"
check "remove -o: nothing on stderr" [ ! -s "$WORK/err" ]
check "activation.json gone" [ ! -e "$ST/activation.json" ]
check "the receipt is under 1 KiB ($B bytes)" [ "$B" -lt 1024 ]
check "the receipt kept, the same bytes" cmp -s r.txt "$ST/removal-receipt.txt"
check "the kept receipt 0644" [ "$(stat -c %a "$ST/removal-receipt.txt")" = 644 ]
check "no newline in the receipt" [ "$(tr -d '\n' <r.txt | wc -c)" -eq "$B" ]
check "jwcrypto verifies the receipt with stamp.pub, claims as the activation was" \
	$PY verify.py "$ST/stamp.pub" r.txt 3 "$CLOUD" "$KEYSHA" "$NOW"
# another stamp's key does not verify it: the check above can fail
"$TG" init --state-dir other >/dev/null
check "another stamp key does not verify it" sh -c "! $PY -c 'import sys
from jwcrypto import jwk, jws
t = jws.JWS(); t.deserialize(open(\"r.txt\").read())
t.verify(jwk.JWK.from_pem(open(\"other/stamp.pub\", \"rb\").read()), alg=\"EdDSA\")' 2>/dev/null"

# --- remove -o again, nothing active: the kept receipt again, the same bytes
expect_exit 0 "remove -o again" "$KI" remove -o again.txt
check "remove -o again: the same bytes" cmp -s again.txt r.txt
same "remove -o again: the lines" "$OUT" "key-import: no activation to remove; wrote the receipt of the removal of serial 3 of east ($ISO) again
key-import: wrote again.txt: removal receipt, $B bytes, serial 3 of east
$RSHA  again.txt
key-import: carry it to the workstation: registrar unregister --receipt again.txt"

# --- -o -: the receipt alone on stdout, the status on stderr
expect_exit 0 "remove -o -" "$KI" remove -o -
same "remove -o -: stdout is the receipt alone" "$OUT" "$(cat r.txt)"
check "remove -o -: stdout byte for byte" cmp -s "$WORK/out" r.txt
same "remove -o -: stderr" "$ERR" "key-import: no activation to remove; wrote the receipt of the removal of serial 3 of east ($ISO) again
key-import: wrote (stdout): removal receipt, $B bytes, serial 3 of east
$RSHA  (stdout)
key-import: carry it to the workstation: registrar unregister --receipt RECEIPT"

# --- --qr FILE.png: one code, scanned back by zbarimg to the same text
expect_exit 0 "remove --qr" "$KI" remove --qr r.png
case $OUT in
*"key-import: wrote r.png: removal receipt ($B bytes) in 1 QR code (version "*", level M); text SHA-256 $RSHA
key-import: carry it to the workstation: scan it (zbarimg --raw -Sdisable -Sqrcode.enable r.png > RECEIPT), then registrar unregister --receipt RECEIPT") ok ;;
*) bad "remove --qr: report: $OUT" ;;
esac
scan r.png >r.scan
check "zbarimg reads the receipt back in one code" [ "$(wc -l <r.scan)" -eq 1 ]
same "zbarimg reads the receipt back byte for byte" "$(tr -d '\n' <r.scan)" "$(cat r.txt)"

# --- key-import import given a receipt: what it is, and where it goes
snap=$(snapshot "$ST")
expect_exit 4 "import a receipt" "$KI" import r.txt
same "import a receipt: the line" "$ERR" "key-import: r.txt: this is a removal receipt: carry it to the workstation (registrar unregister --receipt r.txt)"
expect_exit 4 "import a scanned receipt" "$KI" r.scan
one_line_error "import a scanned receipt" "this is a removal receipt: carry it to the workstation"
same "import a receipt: state unchanged" "$(snapshot "$ST")" "$snap"

# --- -o that fails after the removal (/dev/full: ENOSPC): exit 5, the line says what to do
"$RG" activation-key --name east -o key4.txt >/dev/null && "$KI" key4.txt >/dev/null ||
	bad "a newer key, serial 4"
expect_exit 5 "remove -o /dev/full" clock "$KI" remove -o /dev/full
case $ERR in
"key-import: /dev/full: "*" (the activation was removed and its receipt kept: key-import remove -o FILE writes it again)") ok ;;
*) bad "remove -o /dev/full: stderr: $ERR" ;;
esac
check "remove -o /dev/full: one line on stderr" [ "$(wc -l <"$WORK/err")" -eq 1 ]
check "remove -o /dev/full: activation.json gone" [ ! -e "$ST/activation.json" ]
check "remove -o /dev/full: the receipt of serial 4 kept" $PY verify.py "$ST/stamp.pub" \
	"$ST/removal-receipt.txt" 4 "$CLOUD" "$(sha256sum <key4.txt | cut -c1-64)" "$NOW"
expect_exit 0 "remove -o after the failed one" "$KI" remove -o r4.txt
check "remove -o after the failed one: the kept receipt" cmp -s r4.txt "$ST/removal-receipt.txt"

# --- remove without -o: removed as before, the no-receipt line, the receipt kept (replaced)
"$RG" activation-key --name east -o key5.txt >/dev/null && "$KI" key5.txt >/dev/null ||
	bad "a newer key, serial 5"
expect_exit 0 "remove without -o" clock "$KI" remove
same "remove without -o: stdout" "$OUT" "key-import: removed the activation of east (CloudId $CLOUD, serial 5); keys up to serial 5 stay refused
key-import: no receipt written: key-import remove -o RECEIPT writes it for the workstation (registrar unregister --receipt RECEIPT)"
check "remove without -o: nothing on stderr" [ ! -s "$WORK/err" ]
check "remove without -o: activation.json gone" [ ! -e "$ST/activation.json" ]
check "remove without -o: the receipt of serial 5 kept" $PY verify.py "$ST/stamp.pub" \
	"$ST/removal-receipt.txt" 5 "$CLOUD" "$(sha256sum <key5.txt | cut -c1-64)" "$NOW"
check "remove without -o: the receipt replaced" sh -c '! cmp -s r4.txt "$1"' _ "$ST/removal-receipt.txt"
snap=$(snapshot "$ST")
expect_exit 4 "a plain remove again, a receipt kept" "$KI" remove
same "a plain remove again: the line names the kept receipt and -o" "$ERR" "$NOTHING; the receipt of the last removal is kept: key-import remove -o RECEIPT writes it again"
same "a plain remove again: state unchanged" "$(snapshot "$ST")" "$snap"
expect_exit 0 "remove -o after a plain remove" "$KI" remove -o r5.txt
check "remove -o after a plain remove: the kept receipt" cmp -s r5.txt "$ST/removal-receipt.txt"

# --- a kept receipt replaced behind the stamp's back: never written out as this stamp's
DAMAGED="not a receipt this stamp wrote (damaged state: delete it; the workstation can still unregister without proof)"
cp "$ST/removal-receipt.txt" kept.bak
"$TG" create --billing-model Development --host "$HOSTS/node1.json" --state-dir other -o otok.txt >/dev/null
"$KI" trust add --state-dir other issuer.pub >/dev/null
"$RG" register --token otok.txt --name west >/dev/null && "$RG" activation-key --name west -o w1.txt >/dev/null &&
	"$KI" import --state-dir other w1.txt >/dev/null && "$KI" remove --state-dir other -o west.txt >/dev/null ||
	bad "another stamp's receipt"
cp west.txt "$ST/removal-receipt.txt"
snap=$(snapshot "$ST")
expect_exit 5 "kept: another stamp's receipt" "$KI" remove -o none.txt
same "kept: another stamp's receipt: the line" "$ERR" "key-import: $ST/removal-receipt.txt: $DAMAGED"
same "kept: another stamp's receipt: the state unchanged" "$(snapshot "$ST")" "$snap"
head -c 100 kept.bak >"$ST/removal-receipt.txt"
expect_exit 5 "kept: truncated" "$KI" remove -o none.txt
same "kept: truncated: the line" "$ERR" "key-import: $ST/removal-receipt.txt: $DAMAGED"
rm "$ST/removal-receipt.txt" && ln -s "$WORK/west.txt" "$ST/removal-receipt.txt"
expect_exit 5 "kept: a symbolic link" "$KI" remove -o none.txt
same "kept: a symbolic link: the line" "$ERR" "key-import: $ST/removal-receipt.txt: is a symbolic link (refused)"
check "kept and refused: no receipt written" [ ! -e none.txt ]
rm "$ST/removal-receipt.txt" && cp kept.bak "$ST/removal-receipt.txt"

# --- nothing active, no kept receipt: exit 4, no file written
rm "$ST/removal-receipt.txt"
snap=$(snapshot "$ST")
expect_exit 4 "remove -o, nothing to remove" "$KI" remove -o none.txt --qr none.png
same "remove -o, nothing to remove: the line" "$ERR" "$NOTHING"
check "remove -o, nothing to remove: no receipt" [ ! -e none.txt ]
check "remove -o, nothing to remove: no QR" [ ! -e none.png ]
expect_exit 4 "remove, nothing to remove" "$KI" remove
same "remove, nothing to remove: the line" "$ERR" "$NOTHING"
same "nothing to remove: state unchanged" "$(snapshot "$ST")" "$snap"

finish receipt
