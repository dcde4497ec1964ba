# SPDX-License-Identifier: Apache-2.0
# Writes the hostile files of the attack suite into the current directory, from a
# genuine token (tokA.txt, stamp key stamp/stamp.key) and a genuine activation key
# (key3.txt, issuer key ws/issuer.key). Each is signed by the genuine key wherever
# the attack is about something else than the signature, so that the refusal we
# see is for the reason the attack is about.
import hashlib
import hmac
import json
import time
import zlib

from jwcrypto import jwk, jws

from jose import b64, compact, deflate, key_claims, unb64

NOW = int(time.time())
ISSUER = jwk.JWK.from_pem(open("ws/issuer.key", "rb").read())
STAMP = jwk.JWK.from_pem(open("stamp/stamp.key", "rb").read())
OTHER = jwk.JWK.generate(kty="OKP", crv="Ed25519")
KID = ISSUER.thumbprint()


def write(name, text):
    with open(name, "w") as f:
        f.write(text)


def sign_raw(name, header_seg, payload_seg, key):
    """Signs the two segments exactly as given (even when not canonical)."""
    msg = (header_seg + "." + payload_seg).encode()
    sk = key.get_op_key("sign")
    write(name, header_seg + "." + payload_seg + "." + b64(sk.sign(msg)))


# ---- activation keys ----
CLAIMS = key_claims(open("key3.txt").read())
KEY_HEADER = {"alg": "EdDSA", "typ": "airreg-activation-key", "zip": "DEF", "kid": KID}


def packed(text):
    """A key's payload segment: the claims' text, deflated, base64url."""
    return b64(deflate(text.encode()))


def key(name, key=ISSUER, header=None, payload=None, **changes):
    c = dict(CLAIMS)
    c.update(changes)
    h = compact(header or KEY_HEADER)
    p = payload if payload is not None else compact(c)
    sign_raw(name, b64(h.encode()), packed(p), key)


key("expired.txt", serial=10, iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - 3600)
key("notyet.txt", serial=11, nbf=NOW + 3600)
key("future-iat.txt", serial=12, iat=NOW + 3600)
key("otherkey-samekid.txt", key=OTHER, serial=13)
key("untrusted-kid.txt", key=OTHER, serial=14, header=dict(KEY_HEADER, kid=OTHER.thumbprint()))
key("jwk-in-header.txt", key=OTHER, serial=15,
    header=dict(KEY_HEADER, kid=OTHER.thumbprint(), jwk=json.loads(OTHER.export_public())))
key("other-cloud.txt", serial=16, cloudId="5c0ffee0-1111-4222-8333-444455556666")
key("other-cnf.txt", serial=17, cnf={"jkt": OTHER.thumbprint()})
key("crit.txt", serial=18, header=dict(KEY_HEADER, crit=["exp"], exp=NOW + 60))
key("short-kid.txt", serial=35, header=dict(KEY_HEADER, kid=KID[:20]))
key("num-for-string.txt", serial=19, sub=5)
key("string-for-num.txt", serial="20")
key("extra-claim.txt", serial=21, admin=True)
key("dup-payload.txt", payload=compact(dict(CLAIMS, serial=22))[:-1] + ',"serial":99}')
sign_raw("dup-header.txt", b64((compact(KEY_HEADER)[:-1] + ',"alg":"none"}').encode()),
    packed(compact(dict(CLAIMS, serial=23))), ISSUER)
nested = dict(CLAIMS, serial=24)
nested["tenants"] = "@"
key("nested.txt", payload=compact(nested).replace('"@"', "[" * 5000 + "]" * 5000))
key("long-string.txt", serial=25, sub="e" * 40000)
# issue 16: a compressed key that would inflate past the cap, signed by the genuine issuer
sign_raw("key-bomb.txt", b64(compact(KEY_HEADER).encode()), b64(deflate(b" " * (48 * 1024 * 1024))),
    ISSUER)
key("zip-gz.txt", serial=26, header=dict(KEY_HEADER, zip="GZ"))
# the issuer's policy weakened on a genuine key (and a licensed host added): re-signing needs
# the issuer key, so the claim is changed under the genuine signature
head, _, sig = open("key3.txt").read().split(".")
write("policy-any.txt", head + "." + packed(compact(dict(CLAIMS, hostMatch="any"))) + "." + sig)
write("policy-one.txt", head + "." + packed(compact(dict(CLAIMS, hostMatch=1))) + "." + sig)

# alg none: no signature at all
h = b64(compact(dict(KEY_HEADER, alg="none")).encode())
write("alg-none.txt", h + "." + packed(compact(dict(CLAIMS, serial=30))) + ".")
# HS256 keyed with the issuer's public key file, as a confused verifier would
h = b64(compact(dict(KEY_HEADER, alg="HS256")).encode())
p = packed(compact(dict(CLAIMS, serial=31)))
mac = hmac.new(open("issuer.pub", "rb").read(), (h + "." + p).encode(), hashlib.sha256)
write("hs256.txt", h + "." + p + "." + b64(mac.digest()))
# ES256, a real P-256 signature, claiming the trusted kid
ec = jwk.JWK.generate(kty="EC", crv="P-256")
s = jws.JWS(deflate(compact(dict(CLAIMS, serial=32)).encode()))
s.add_signature(ec, None, compact(dict(KEY_HEADER, alg="ES256")))
write("es256.txt", s.serialize(compact=True))

# base64url that is not canonical, signed over exactly those bytes
h = b64(compact(KEY_HEADER).encode())
p = packed(compact(dict(CLAIMS, serial=33)))
sign_raw("padded.txt", h, p + "=" * (-len(p) % 4 or 4), ISSUER)
sign_raw("illegal-char.txt", h, p[:10] + "+" + p[11:], ISSUER)
# a payload whose length leaves trailing bits: set the last character's low bits
body = compact(dict(CLAIMS, serial=34))
while len(deflate(body.encode())) % 3 == 0:
    body += " "
p = packed(body)
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
last = alphabet.index(p[-1]) | 1
sign_raw("trailing-bits.txt", h, p[:-1] + alphabet[last], ISSUER)

# ---- registration tokens, signed by stamp A's own key ----
parts = open("tokA.txt").read().split(".")
TOKEN_HEADER = json.loads(unb64(parts[0]))
TOKEN = json.loads(zlib.decompress(unb64(parts[1]), -15))


def token(name, raw=None, header=None, key=STAMP, **changes):
    c = dict(TOKEN)
    c.update(changes)
    data = raw if raw is not None else compact(c).encode()
    sign_raw(name, b64(compact(header or TOKEN_HEADER).encode()), b64(deflate(data)), key)


hosts = []
for i in range(65):
    host = dict(TOKEN["hosts"][i % 2])
    host["name"] = "node%d" % i
    host["uuid"] = "00000000-0000-4000-8000-%012d" % i
    hosts.append(host)
token("tok-65hosts.txt", hosts=hosts)
token("tok-bomb.txt", raw=b" " * (48 * 1024 * 1024))
big = [dict(h) for h in TOKEN["hosts"]]
big[0]["manufacturer"] = "A" * 1000000
token("tok-megastring.txt", hosts=big)
token("tok-nested.txt", raw=(compact(dict(TOKEN, assetTag="@")).replace(
    '"@"', "[" * 100000 + "]" * 100000)).encode())
token("tok-dup.txt", raw=(compact(TOKEN)[:-1] + ',"cloudId":"' + TOKEN["cloudId"] + '"}').encode())
token("tok-crit.txt", header=dict(TOKEN_HEADER, crit=["x-airreg"], **{"x-airreg": 1}))
token("tok-cloud-b.txt", cloudId=open("stampB/cloud-id").read().strip())
h = b64(compact(dict(TOKEN_HEADER, alg="none")).encode())
write("tok-alg-none.txt", h + "." + parts[1] + ".")
h = b64(compact(dict(TOKEN_HEADER, alg="HS256")).encode())
mac = hmac.new(unb64(TOKEN_HEADER["jwk"]["x"]), (h + "." + parts[1]).encode(), hashlib.sha256)
write("tok-hs256.txt", h + "." + parts[1] + "." + b64(mac.digest()))
