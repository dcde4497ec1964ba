#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The wrong file of the air gap, given to each reader: it is named for what it is, with
# what to do with it (exit 4, nothing changed), instead of a parse error. Before issue 15
# every line here was "not a JWS …", "unexpected byte 0x89 …", "not an activation key
# (typ …)", "not a registration token (typ …)" or "not a PEM SubjectPublicKeyInfo …".
. "$(dirname "$0")/lib.sh"
world
"$TG" create --billing-model Development --host "$HOSTS/node3.json" --qr tok.png >/dev/null 2>&1
"$RG" activation-key --name east --qr key.png >/dev/null 2>&1
zbarimg --raw -Sdisable -Sqrcode.enable key.png >key-scanned.txt 2>/dev/null
fold -w 60 key1.txt >key1-folded.txt
openssl ecparam -genkey -noout -name prime256v1 -out ec.key 2>/dev/null
cp "$WS/issuer.key" issuer.key && chmod 600 issuer.key
cp "$ST/stamp.key" stamp.key && chmod 600 stamp.key

TOKEN="this is a registration token: carry it to the workstation (registrar register --token"
KEY="this is an activation key: carry it to the stamp (key-import"
PUB="this is an issuer public key: key-import trust add"
PRIV="this is a private key: it never leaves its machine"
IMG="this is an image: scan it (zbarimg --raw -Sdisable -Sqrcode.enable"

# key-import FILE: an activation key is wanted
attack 4 "key-import: issuer.pub: $PUB issuer.pub" "$KI" issuer.pub
attack 4 "key-import: tok.png: $IMG tok.png)" "$KI" tok.png
attack 4 "key-import: tokA.txt: $TOKEN tokA.txt)" "$KI" tokA.txt
attack 4 "key-import: issuer.key: $PRIV" "$KI" issuer.key
attack 4 "key-import: ec.key: $PRIV" "$KI" ec.key
attack 4 "key-import: (stdin): $PUB FILE" sh -c '"$1" - <issuer.pub' _ "$KI"
# key-import trust add FILE: an issuer public key is wanted
attack 4 "key-import: tokA.txt: $TOKEN tokA.txt)" "$KI" trust add tokA.txt
attack 4 "key-import: key1.txt: this is an activation key: key-import import key1.txt takes it" "$KI" trust add key1.txt
attack 4 "key-import: stamp.key: $PRIV" "$KI" trust add stamp.key
# registrar register / unregister --token FILE: a token is wanted
attack 4 "registrar: key1.txt: $KEY key1.txt)" "$RG" register --token key1.txt --name north
attack 4 "registrar: key1-folded.txt: $KEY key1-folded.txt)" "$RG" register --token key1-folded.txt --name north
attack 4 "registrar: key-scanned.txt: $KEY key-scanned.txt)" "$RG" register --token key-scanned.txt --name north
attack 4 "registrar: issuer.pub: $PUB issuer.pub" "$RG" register --token issuer.pub --name north
attack 4 "registrar: tok.png: $IMG tok.png)" "$RG" register --token tok.png --name north
attack 4 "registrar: stamp.key: $PRIV" "$RG" register --token stamp.key --name north
attack 4 "registrar: key1.txt: $KEY key1.txt)" "$RG" unregister --token key1.txt
# token-gen show FILE: a token is wanted; create --host FILE: a host record
attack 4 "token-gen: key1.txt: $KEY key1.txt)" "$TG" show key1.txt
attack 4 "token-gen: tok.png: $IMG tok.png)" "$TG" show tok.png
attack 4 "token-gen: issuer.key: $PRIV" "$TG" show issuer.key
attack 4 "token-gen: issuer.pub: $PUB issuer.pub" "$TG" create --billing-model Development --host issuer.pub -o new.txt
attack 4 "token-gen: tokA.txt: $TOKEN tokA.txt)" "$TG" create --billing-model Development --host tokA.txt -o new.txt
# what is wanted still passes: the scanned QR parts of a token are a token
zbarimg --raw -Sdisable -Sqrcode.enable tok.png >tok-scanned.txt 2>/dev/null
expect_exit 0 "token-gen show of a scanned token" "$TG" show tok-scanned.txt
done_attacks wrongfile
