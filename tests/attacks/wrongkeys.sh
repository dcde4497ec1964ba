#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Wrong keys: an untrusted kid, a trusted kid over another key's signature, a key in
# the header, and every algorithm but EdDSA; an EdDSA header with a crit we do not know.
. "$(dirname "$0")/lib.sh"
world
forge
kid=$(/usr/bin/python3 -c 'from jwcrypto import jwk; print(jwk.JWK.from_pem(open("issuer.pub","rb").read()).thumbprint())')
attack 4 "untrusted-kid.txt: issuer key" "$KI" untrusted-kid.txt
one_line_error "untrusted kid" "is not trusted here (key-import trust add)"
attack 4 "otherkey-samekid.txt: bad signature" "$KI" otherkey-samekid.txt
attack 4 "jwk-in-header.txt: issuer key" "$KI" jwk-in-header.txt
attack 4 'short-kid.txt: activation key header has no issuer "kid"' "$KI" short-kid.txt
attack 4 'alg-none.txt: JWS algorithm "none" refused (only EdDSA)' "$KI" alg-none.txt
attack 4 'hs256.txt: JWS algorithm "HS256" refused (only EdDSA)' "$KI" hs256.txt
attack 4 'es256.txt: JWS algorithm "ES256" refused (only EdDSA)' "$KI" es256.txt
attack 4 'crit.txt: JWS header has "crit" extensions this program does not understand' "$KI" crit.txt
attack 4 'policy-any.txt: bad signature' "$KI" policy-any.txt
attack 4 'policy-one.txt: bad signature' "$KI" policy-one.txt
attack 4 'zip-gz.txt: activation key header'"'"'s "zip" is not "DEF"' "$KI" zip-gz.txt
attack 4 'tok-alg-none.txt: JWS algorithm "none" refused' "$RG" register --token tok-alg-none.txt --name north
attack 4 'tok-hs256.txt: JWS algorithm "HS256" refused' "$RG" register --token tok-hs256.txt --name north
attack 4 'tok-crit.txt: JWS header has "crit"' "$RG" register --token tok-crit.txt --name north
attack 4 'tok-alg-none.txt: JWS algorithm "none" refused' "$TG" show tok-alg-none.txt
attack 4 'tok-hs256.txt: JWS algorithm "HS256" refused' "$TG" show tok-hs256.txt
# a peer agrees: jwcrypto refuses the forged EdDSA ones with the genuine issuer key
check "jwcrypto refuses the forged signature" /usr/bin/python3 -c '
from jwcrypto import jws, jwk
k = jwk.JWK.from_pem(open("issuer.pub", "rb").read())
s = jws.JWS(); s.deserialize(open("otherkey-samekid.txt").read())
try:
    s.verify(k)
except jws.InvalidJWSSignature:
    pass
else:
    raise SystemExit("jwcrypto accepted it")'
# the trust store itself: after the issuer key is removed, its keys are refused
expect_exit 0 "trust remove" "$KI" trust remove "$kid"
attack 4 "key1.txt: issuer key $kid is not trusted here" "$KI" key1.txt
done_attacks wrongkeys
