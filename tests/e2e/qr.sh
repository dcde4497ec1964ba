#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# QR transfer end to end: our PNGs and terminal drawings are read back by zbarimg
# (zbar-tools, a decoder nobody here wrote), and what it prints goes into the readers,
# in any order; missing, repeated, foreign and malformed parts are refused.
QRTOOLS=$(cd "$(dirname "$0")" && pwd)
. "$QRTOOLS/lib.sh"
scratch
# QR codes only, as docs/runbook.md says: with every symbology on, zbarimg now and then
# also reports a 1-D barcode (DataBar) it finds among a QR code's modules.
scan() { zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable "$@" 2>/dev/null; }

# 20 hosts: the token fits one code; the activation key (compressed since issue 16: one code
# for 20 hosts) needs two once the registration maps 40 tenants.
i=1
while [ $i -le 20 ]; do
	uuid=$($PY -c 'import uuid; print(uuid.uuid4())')
	jq -c ".name=\"h$i\" | .uuid=\"$uuid\"" "$HOSTS/node2.json" >"h$i.json"
	set -- "$@" --host "h$i.json"
	i=$((i + 1))
done

# --- the token, as a PNG
"$TG" init >/dev/null
expect_exit 0 "create --qr" "$TG" create --billing-model Development "$@" -o tok.txt --qr tok.png
tok_sha=$(sha256sum <tok.txt | cut -c1-64)
case $OUT in
*"wrote tok.png: registration token ("*" bytes) in 1 QR code (version "*", level M); text SHA-256 $tok_sha"*) ok ;;
*) bad "create --qr: report: $OUT" ;;
esac
check "tok.png is a PNG" sh -c 'file tok.png | grep -q "PNG image data"'
scan tok.png >tok.scan
check "zbarimg reads the token back byte for byte" [ "$(tr -d '\n' <tok.scan)" = "$(cat tok.txt)" ]
"$RG" init >/dev/null
expect_exit 0 "register the scanned token" "$RG" register --token tok.scan --name east
case $OUT in *"token SHA-256 $tok_sha"*) ok ;; *) bad "register: $OUT" ;; esac
# zbarimg without --raw prefixes "QR-Code:"
zbarimg --nodbus -q -Sdisable -Sqrcode.enable tok.png >tok.zbar 2>/dev/null
check "zbarimg without --raw prints QR-Code:" grep -q '^QR-Code:eyJ' tok.zbar
expect_exit 0 "show takes zbarimg's own output" "$TG" show tok.zbar
case $OUT in *"$tok_sha"*) ok ;; *) bad "show tok.zbar: $OUT" ;; esac

# --- only --qr; neither; both on stdout
expect_exit 0 "create with --qr alone" "$TG" create --billing-model Development --host "$HOSTS/node1.json" --qr only.png
check "--qr alone writes no token file" [ ! -e "-" ]
expect_exit 2 "create with neither -o nor --qr" "$TG" create --billing-model Development --host "$HOSTS/node1.json"
one_line_error "create with neither" "create needs -o FILE|- or --qr FILE.png|-"
expect_exit 2 "both on stdout" "$TG" create --billing-model Development --host "$HOSTS/node1.json" -o - --qr -
one_line_error "both on stdout" "-o - and --qr - cannot both go to stdout"

# --- the issuer key, as one code: what zbarimg reads is issuer.pub (and its own newline)
expect_exit 0 "export-issuer-key --qr" "$RG" export-issuer-key -o issuer.pub --qr issuer.png
pub_sha=$(sha256sum <issuer.pub | cut -c1-64)
kid=$(printf '%s\n' "$OUT" | sed -n 's/^registrar: wrote issuer.pub: issuer public key, kid \(.*\)$/\1/p')
check "export-issuer-key names the kid" [ ${#kid} -eq 43 ]
case $OUT in
*"registrar: wrote issuer.png: issuer public key, kid $kid (113 bytes) in 1 QR code (version 7, level M); text SHA-256 $pub_sha"*) ok ;;
*) bad "export-issuer-key --qr: report: $OUT" ;;
esac
scan issuer.png >issuer.scan
check "zbarimg reads issuer.pub back byte for byte" sh -c '{ cat issuer.pub; echo; } | cmp -s - issuer.scan'
expect_exit 0 "trust add takes the scanned issuer key" "$KI" trust add issuer.scan
case $OUT in *"$kid"*) ok ;; *) bad "trust add issuer.scan: $OUT" ;; esac
check "the scanned key is trusted under its kid" cmp -s "$ST/trusted/$kid.pub" issuer.pub
# zbarimg without --raw puts "QR-Code:" before the PEM, as before a token
zbarimg --nodbus -q -Sdisable -Sqrcode.enable issuer.png >issuer.zbar 2>/dev/null
check "zbarimg without --raw prints QR-Code:-----BEGIN" grep -q '^QR-Code:-----BEGIN PUBLIC KEY-----$' issuer.zbar
"$TG" init --state-dir zbar >/dev/null
expect_exit 0 "trust add takes zbarimg's own output" "$KI" --state-dir zbar trust add issuer.zbar
check "zbarimg's own output is trusted under the same kid" cmp -s "zbar/trusted/$kid.pub" issuer.pub
# --qr alone, on the terminal: stdout holds only the drawing, 53 columns
expect_exit 0 "export-issuer-key --qr -" "$RG" export-issuer-key --qr -
case $ERR in *"wrote (stdout): issuer public key, kid $kid (113 bytes) in 1 QR code (version 7, level M); text SHA-256 $pub_sha"*) ok ;; *) bad "status on stderr: $ERR" ;; esac
printf '%s\n' "$OUT" >issuer-term.txt
check "stdout holds only blocks" sh -c "! LC_ALL=C.UTF-8 grep -v -e '^[ █▀▄]*\$' issuer-term.txt"
check "the drawing is 53 columns by 27 lines" [ "$($PY -c 'import sys; l=open(sys.argv[1], encoding="utf-8").read().splitlines(); print(max(map(len, l)), len(l))' issuer-term.txt)" = "53 27" ]
$PY "$QRTOOLS/qr_blocks.py" issuer-term.txt issuer-term
scan issuer-term-1.pbm >issuer-term.scan
"$TG" init --state-dir fresh >/dev/null
expect_exit 0 "trust add in a fresh state directory takes the terminal's code" "$KI" --state-dir fresh trust add issuer-term.scan
check "the terminal's key is trusted under the same kid" cmp -s "fresh/trusted/$kid.pub" issuer.pub
# refusals: exit 2 or 5, one line, nothing drawn
expect_exit 2 "export-issuer-key with neither" "$RG" export-issuer-key
one_line_error "export-issuer-key with neither" "registrar: export-issuer-key needs -o FILE|- or --qr FILE.png|-"
expect_exit 2 "export-issuer-key both on stdout" "$RG" export-issuer-key -o - --qr -
one_line_error "export-issuer-key both on stdout" "registrar: -o - and --qr - cannot both go to stdout"
check "export-issuer-key both on stdout: nothing on stdout" [ -z "$OUT" ]
expect_exit 5 "export-issuer-key -o onto issuer.pub" "$RG" export-issuer-key -o issuer.pub --qr refused.png
one_line_error "export-issuer-key -o onto issuer.pub" "issuer.pub: file exists"
check "a refused -o draws no code" [ ! -e refused.png ]

# --- the activation key, as a PNG of two codes
i=1
while [ $i -le 40 ]; do
	"$RG" tenant add --registration east --subscription "$($PY -c 'import uuid; print(uuid.uuid4())')" \
		--tenant "$($PY -c 'import uuid; print(uuid.uuid4())')" >/dev/null
	i=$((i + 1))
done
expect_exit 0 "activation-key --qr" "$RG" activation-key --name east -o key1.txt --qr key1.png
key_sha=$(sha256sum <key1.txt | cut -c1-64)
case $OUT in
*"wrote key1.png: activation key for east, serial 1 ("*" bytes) in 2 QR codes (version "*", level M); text SHA-256 $key_sha"*) ok ;;
*) bad "activation-key --qr: report: $OUT" ;;
esac
scan key1.png >key1.scan
check "two parts scanned" [ "$(grep -c '^airreg:[12]/2:' key1.scan)" -eq 2 ]
# each part names its drawing: the first 8 hex digits of the SHA-256 the writer printed
key_tag=$(echo "$key_sha" | cut -c1-8)
check "both parts carry the key's tag" [ "$(grep -c "^airreg:[12]/2:$key_tag:[^:]*$" key1.scan)" -eq 2 ]
sort -r key1.scan >key1.rev
check "reversed order" sh -c 'head -1 key1.rev | grep -q "^airreg:2/2:"'
expect_exit 0 "key-import takes the parts in any order" "$KI" key1.rev
case $OUT in *"$key_sha  key1.rev"*) ok ;; *) bad "key-import parts: $OUT" ;; esac
check "activation.json written" [ -f "$ST/activation.json" ]
check "the resource holds the key's hash" grep -q "$key_sha" "$ST/activation.json"

# --- the activation key drawn in the terminal, read back by zbarimg
expect_exit 0 "activation-key --qr -" "$RG" activation-key --name east --qr -
case $ERR in *"wrote (stdout): activation key for east, serial 2"*"in 2 QR codes"*) ok ;; *) bad "status on stderr: $ERR" ;; esac
printf '%s\n' "$OUT" >term.txt
check "stdout holds only captions and blocks" sh -c \
	"! LC_ALL=C.UTF-8 grep -v -e '^QR code [12] of 2\$' -e '^[ █▀▄]*\$' term.txt"
$PY "$QRTOOLS/qr_blocks.py" term.txt term
scan term-2.pbm term-1.pbm >term.scan
check "zbarimg reads both terminal codes" [ "$(grep -c '^airreg:[12]/2:' term.scan)" -eq 2 ]
expect_exit 0 "key-import takes the terminal's parts" "$KI" term.scan
case $OUT in *"serial 2"*) ok ;; *) bad "import term: $OUT" ;; esac

# --- refusals: exit 4, one line, the state directory unchanged
"$RG" activation-key --name east --qr key3.png >/dev/null 2>&1
scan key3.png | sort >key3.scan
"$RG" activation-key --name east --qr key4.png >/dev/null 2>&1
scan key4.png >key4.scan
before=$(snapshot "$ST")
refuse() { # refuse "what" "reason" FILE
	expect_exit 4 "$1" "$KI" "$3"
	one_line_error "$1" "$3: $2"
	check "$1: state unchanged" [ "$(snapshot "$ST")" = "$before" ]
}
grep '^airreg:1/2:' key3.scan >missing.txt
refuse "a missing part" "QR parts: part 2 of 2 is missing (1 of 2 missing; scan every code)" missing.txt
{ cat key3.scan; grep '^airreg:2/2:' key3.scan; } >repeated.txt
refuse "a repeated part" "QR parts: part 2 of 2 appears twice (lines 2 and 3)" repeated.txt
# parts of two keys of one size: named by their tags (before issue 15: "bad signature")
tag3=$(sed -n 's#^airreg:1/2:\([0-9a-f]*\):.*#\1#p' key3.scan)
tag4=$(sed -n 's#^airreg:1/2:\([0-9a-f]*\):.*#\1#p' key4.scan)
check "two keys, two tags" [ -n "$tag3" ] && [ -n "$tag4" ] && [ "$tag3" != "$tag4" ]
{ grep '^airreg:1/2:' key3.scan; grep '^airreg:2/2:' key4.scan; } >mixed.txt
refuse "parts of two keys" "QR parts: part 2 of 2 (line 2) belongs to another drawing ($tag4; part 1 is $tag3)" mixed.txt
{ grep '^airreg:2/2:' key4.scan; cat key3.scan; } >mixed3.txt
refuse "a part of another key among a whole set" "QR parts: part 2 of 2 (line 1) belongs to another drawing ($tag4; parts 1 and 2 are $tag3)" mixed3.txt
# a part of another key given this set's tag: the joined text's SHA-256 gives it away
{ grep '^airreg:1/2:' key3.scan; grep '^airreg:2/2:' key4.scan | sed "s#:$tag4:#:$tag3:#"; } >retagged.txt
share1=$(sed -n "s#^airreg:1/2:$tag3:##p" retagged.txt | tr -d '\n' | wc -c)
share2=$(sed -n "s#^airreg:2/2:$tag3:##p" retagged.txt | tr -d '\n' | wc -c)
# the last share of N=2 parts is S-1 or S characters long; any other length is refused first
if [ "$share2" -le "$share1" ] && [ "$share2" -ge $((share1 - 1)) ]; then
	refuse "a retagged part of another key" "QR parts: the joined text's SHA-256 begins" retagged.txt
else  # two keys' lengths may differ by a few bytes, and so their shares
	refuse "a retagged part of another key (shares $share1, $share2)" "QR parts: part 2 of 2 (line 2) holds $share2 characters, part 1 holds $share1" retagged.txt
fi
# what zbarimg prints when it also finds a 1-D barcode among the modules (seen in CI)
{ cat key3.scan; echo 0134827385501505; } >stray-after.txt
refuse "a number read from another barcode after the parts" "QR parts: part 2 of 2 (line 2) holds" stray-after.txt
{ echo 0134827385501505; cat key3.scan; } >stray-before.txt
refuse "a number read from another barcode before the parts" "QR parts: line 1 comes before the first part (read from another barcode?)" stray-before.txt
sed 's/^/QR-Code:/' key3.scan | sed '1a\
DataBar:0134827385501505' >stray-zbar.txt
refuse "zbarimg's DataBar line between the parts" "QR parts: part 2 of 2 (line 3) holds" stray-zbar.txt
{ cat tok.zbar; echo DataBar:0134827385501505; } >stray-one.txt
expect_exit 4 "one code and zbarimg's DataBar line" "$TG" show stray-one.txt
one_line_error "one code and zbarimg's DataBar line" "stray-one.txt: QR code: line 2 is not part of the code (read from another barcode?)"
{ grep '^airreg:1/2:' key3.scan; grep '^airreg:2/2:' key3.scan | sed 's#^airreg:2/2:#airreg:2/3:#'; } >foreign.txt
refuse "a part of another split" "QR parts: line 2: part 2/3 does not belong with the parts of 2 before it" foreign.txt
sed 's#^airreg:1/2:#airreg:01/2:#' key3.scan >malformed.txt
refuse "a malformed part header" "QR parts: line" malformed.txt
sed "s#^airreg:1/2:$tag3:#airreg:1/2:${tag3}0:#" key3.scan >badtag.txt
refuse "a malformed tag" "QR parts: line 1: malformed part header (expected airreg:I/N:TAG: with 1 <= I <= N <= 64 and TAG 8 hex digits)" badtag.txt
check "the refused keys took nothing" [ "$(snapshot "$ST")" = "$before" ]

# --- parts written before issue 15 (no tag) are still joined, all of a set without one
sed 's#^\(airreg:[12]/2:\)[0-9a-f]*:#\1#' key3.scan >untagged.txt
check "untagged parts have no tag" [ "$(grep -c '^airreg:[12]/2:[^:]*$' untagged.txt)" -eq 2 ]
expect_exit 0 "untagged parts of one drawing" "$KI" --dry-run untagged.txt
# mixed with a tagged part, the untagged parts are the foreign ones even when they are more
# (an older writer's; before: the side with more parts won, and the tag named the wrong set)
{ cat untagged.txt; grep '^airreg:2/2:' key4.scan; } >mixed-untagged.txt
expect_exit 4 "untagged parts and a tagged one" "$KI" --dry-run mixed-untagged.txt
one_line_error "untagged parts and a tagged one" "mixed-untagged.txt: QR parts: parts 1 and 2 (lines 1 and 2) belong to another drawing (untagged; part 2 is $tag4)"

# --- what a USB round trip does to the parts' text is still accepted
fold -w 76 key3.scan | sed 's/$/\r/' >wrapped.txt
expect_exit 0 "parts wrapped at 76 columns with CRLF" "$KI" --dry-run wrapped.txt
cat key4.scan | "$KI" - >/dev/null 2>&1
check "parts on stdin" [ $? -eq 0 ]

finish "qr"
