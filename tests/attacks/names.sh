#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A file whose name claims its content (issue 14, class 5): the trust store's
# trusted/<kid>.pub is held to its name by every reader (trust add, list, remove and the
# lookup by the JWS kid), and a kid is 43 base64url characters before it names a file.
. "$(dirname "$0")/lib.sh"
world
kid=$(/usr/bin/python3 -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("issuer.pub","rb").read()).thumbprint())')
# another issuer key (B), its public half, a key signed by B that names the genuine kid
# (A), and two whose kid climbs out of the trust store
/usr/bin/python3 - <<'PY'
import base64, json, zlib
from jwcrypto import jwk
b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
issuer = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
open("other.pub", "wb").write(other.export_to_pem())
open("other.kid", "w").write(other.thumbprint())
claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(open("key3.txt").read().split(".")[1] + "=="), -15))
def deflate(raw):
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    return z.compress(raw) + z.flush()
def sign(name, kid, key, serial):
    h = b64(json.dumps({"alg": "EdDSA", "typ": "airreg-activation-key", "zip": "DEF", "kid": kid}).encode())
    p = b64(deflate(json.dumps(dict(claims, serial=serial)).encode()))
    sig = key.get_op_key("sign").sign((h + "." + p).encode())
    open(name, "w").write(h + "." + p + "." + b64(sig))
sign("b-as-a.txt", issuer.thumbprint(), other, 40)
sign("dotdot-kid.txt", ("../" * 14) + "x", issuer, 41)
# a kid of 43 characters that names, from trusted/, a key planted outside the store (in
# this test's directory), signed by that planted key: only the base64url check stops it
planted = jwk.JWK.generate(kty="OKP", crv="Ed25519")
name = "planted-".ljust(37, "x")
open(name + ".pub", "wb").write(planted.export_to_pem())
sign("planted-kid.txt", "../../" + name, planted, 42)
PY
okid=$(cat other.kid)
store=$ST/trusted/$kid.pub
genuine=$(cat "$store")
check "the forged kid is 43 characters" [ "$(printf '%s' '../../../../../../../../../../../../../../x' | wc -c)" -eq 43 ]

# kid A's file holds key B
cat other.pub > "$store"
damaged="$store: holds issuer key $okid, not the key its name says; the trust store was changed by hand"
attack 5 "$damaged" "$KI" b-as-a.txt
attack 5 "$damaged" "$KI" key1.txt
attack 5 "$damaged" "$KI" trust add issuer.pub
attack 5 "$damaged" "$KI" trust list
attack 5 "$damaged" "$KI" trust list --json
attack 5 "$damaged" "$KI" trust remove "$kid"
attack 5 "$damaged" "$KI" trust remove issuer.pub
# kid A's file holds nothing usable
printf 'not a key\n' > "$store"
attack 5 "$store: not a PEM SubjectPublicKeyInfo Ed25519 key" "$KI" trust add issuer.pub
attack 5 "$store: not a PEM SubjectPublicKeyInfo Ed25519 key" "$KI" trust list
attack 5 "$store: not a PEM SubjectPublicKeyInfo Ed25519 key" "$KI" trust remove "$kid"
attack 5 "$store: not a PEM SubjectPublicKeyInfo Ed25519 key" "$KI" key1.txt
# the genuine file back: everything works again
printf '%s\n' "$genuine" > "$store"
expect_exit 0 "trust list, the store whole" "$KI" trust list
check "trust list names the genuine kid, alone" [ "$(printf '%s\n' "$OUT" | cut -d' ' -f1)" = "$kid" ]
# a kid that climbs out of the store never names a file
attack 4 "dotdot-kid.txt: issuer kid is not a key thumbprint" "$KI" dotdot-kid.txt
check "the planted key is where the climbing kid points" [ -f "$ST/trusted/../../planted-xxxxxxxxxxxxxxxxxxxxxxxxxxxxx.pub" ]
attack 4 "planted-kid.txt: issuer kid is not a key thumbprint" "$KI" planted-kid.txt
done_attacks names
