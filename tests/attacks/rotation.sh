#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Rotation statements made to bring a key the stamp must not trust: a forged previous
# key's signature, an attacker's own chain, headers and claims outside the exact shape
# (an unprotected header, a jwk, crit, alg none, a private key, a version out of range),
# JSON tricks (duplicates, depth), bit flips of a genuine statement, a damaged held chain,
# a hostile file beside the key. Each refused with both directories unchanged.
. "$(dirname "$0")/lib.sh"
world
cp "$WS/issuer.key" k1.key
"$RG" rotate-issuer-key -o st2.json >/dev/null
cp "$WS/issuer.key" k2.key
"$RG" rotate-issuer-key -o st3.json >/dev/null
"$RG" export-issuer-key --chain -o chain.json >/dev/null
"$RG" activation-key --name east -o key-k3.txt >/dev/null
PYTHONPATH=$HERE /usr/bin/python3 - <<'EOF'
import json
from jwcrypto import jwk, jws
from jose import b64
K1 = jwk.JWK.from_pem(open("k1.key", "rb").read())
K2 = jwk.JWK.from_pem(open("k2.key", "rb").read())
A1 = jwk.JWK.generate(kty="OKP", crv="Ed25519")
A2 = jwk.JWK.generate(kty="OKP", crv="Ed25519")
from cryptography.hazmat.primitives.serialization import load_pem_private_key
def pub(k):
    j = json.loads(k.export_public())
    return {m: j[m] for m in ("crv", "kty", "x")}
def sign(key, text):  # raw Ed25519: jwcrypto itself would refuse to sign some of these
    return b64(load_pem_private_key(key.export_to_pem(private_key=True, password=None), None).sign(text.encode()))
def statement(name, claims, signers, headers=None, extra=None):
    """signers: (key, kid) pairs; headers: replace the protected headers."""
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())
    sigs = []
    for i, (key, kid) in enumerate(signers):
        h = headers[i] if headers else {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": kid}
        prot = b64(json.dumps(h, separators=(",", ":")).encode())
        sig = sign(key, prot + "." + payload)
        sigs.append({"protected": prot, "signature": sig})
    doc = {"payload": payload, "signatures": sigs}
    if extra:
        extra(doc)
    open(name, "w").write(json.dumps(doc))
good = {"version": 2, "previousKey": pub(K1), "key": pub(K2), "issuedAt": 1796000000}
k1, k2 = K1.thumbprint(), K2.thumbprint()
# the attacker names the trusted key 1 as the previous key and signs both with its own key
statement("forged-previous.json", dict(good, key=pub(A2)), [(A2, k1), (A2, A2.thumbprint())])
# the attacker's own chain, self-consistent: its previous key is not trusted
statement("stranger.json", dict(good, previousKey=pub(A1), key=pub(A2)), [(A1, A1.thumbprint()), (A2, A2.thumbprint())])
# outside the shape, signed by the genuine keys
statement("unprotected.json", good, [(K1, k1), (K2, k2)],
          extra=lambda d: d["signatures"][0].update(header={"kid": k1}))
statement("jwk-header.json", good, [(K1, k1), (K2, k2)], headers=[
    {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k1, "jwk": pub(A1)},
    {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k2}])
statement("crit.json", good, [(K1, k1), (K2, k2)], headers=[
    {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k1, "crit": ["exp"], "exp": 1},
    {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k2}])
statement("private-key.json", dict(good, key=json.loads(K2.export_private())), [(K1, k1), (K2, k2)])
statement("huge-version.json", dict(good, version=2**31 + 1), [(K1, k1), (K2, k2)])
statement("string-version.json", dict(good, version="2"), [(K1, k1), (K2, k2)])
statement("with-zip.json", good, [(K1, k1), (K2, k2)], headers=[
    {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k1, "zip": "DEF"},
    {"alg": "EdDSA", "typ": "airreg-issuer-rotation", "kid": k2}])
st = open("st2.json").read().strip()
open("alg-none.json", "w").write(json.dumps(dict(json.loads(st), signatures=[
    {"protected": b64(b'{"alg":"none","typ":"airreg-issuer-rotation","kid":"%s"}' % k1.encode()), "signature": ""},
    json.loads(st)["signatures"][1]])))
open("dup.json", "w").write(st[:-1] + ',"payload":"e30"}')
open("deep.json", "w").write("[" * 5000 + "]" * 5000)
EOF

attack 4 "forged-previous.json: rotation statement version 2: the previous key's signature does not verify" "$KI" trust update forged-previous.json
attack 4 "stranger.json: rotation statement version 2 replaces issuer key" "$KI" trust update stranger.json
attack 4 'unprotected.json: unknown field "header" in a rotation statement'"'"'s signature' "$KI" trust update unprotected.json
attack 4 'jwk-header.json: unknown field "jwk" in rotation statement header' "$KI" trust update jwk-header.json
attack 4 'crit.json: JWS header has "crit" extensions this program does not understand' "$KI" trust update crit.json
attack 4 'with-zip.json: unknown field "zip" in rotation statement header' "$KI" trust update with-zip.json
attack 4 'private-key.json: unknown field "d" in rotation statement'"'"'s "key"' "$KI" trust update private-key.json
attack 4 'huge-version.json: field "version"' "$KI" trust update huge-version.json
attack 4 'string-version.json: field "version"' "$KI" trust update string-version.json
attack 4 'alg-none.json: JWS algorithm "none" refused (only EdDSA)' "$KI" trust update alg-none.json
attack 4 "dup.json: not JSON: duplicate object key" "$KI" trust update dup.json
attack 4 "deep.json: not JSON:" "$KI" trust update deep.json
# every 47th byte of a genuine statement, one bit flipped: refused, whatever it hits
len=$(wc -c <st2.json)
i=3
while [ "$i" -lt "$len" ]; do
	/usr/bin/python3 -c '
import sys; b = bytearray(open("st2.json", "rb").read()); i = int(sys.argv[1]); b[i] ^= 1 << (i % 7)
open("flip.json", "wb").write(bytes(b))' "$i"
	attack 4 "flip.json" "$KI" trust update flip.json
	i=$((i + 47))
done
# a hostile file beside the key: nothing imported
mkdir usb
cp key-k3.txt usb/ActivationKey.txt
cp stranger.json usb/issuer-chain.json
attack 4 "usb/issuer-chain.json: rotation statement version 2 replaces issuer key" "$KI" import usb/ActivationKey.txt
# without the chain, a key signed by key 3 names a key this stamp does not trust
rm usb/issuer-chain.json
attack 4 "is not trusted here (key-import trust add)" "$KI" import usb/ActivationKey.txt
# the held chain edited by hand: damaged state, refused rather than believed
"$KI" trust update chain.json >/dev/null
/usr/bin/python3 -c '
import sys; p = sys.argv[1]; t = open(p).read(); i = t.index("\"signature\":\"") + 13
open(p, "w").write(t[:i] + ("B" if t[i] != "B" else "C") + t[i + 1:])' "$ST/trusted/issuer-chain.json"
attack 5 "the issuer chain this stamp holds is damaged" "$KI" import usb/ActivationKey.txt
attack 5 "the issuer chain this stamp holds is damaged" "$KI" trust list
# the held chain is state: a link (even to a genuine chain) or a FIFO in its place is refused
# as every state file is, not followed nor waited on (the FIFO read was a hang; timeout guards)
rm "$ST/trusted/issuer-chain.json" && ln -s "$WORK/chain.json" "$ST/trusted/issuer-chain.json"
attack 5 "trusted/issuer-chain.json: is a symbolic link (refused)" "$KI" trust list
attack 5 "trusted/issuer-chain.json: is a symbolic link (refused)" "$KI" import usb/ActivationKey.txt
rm "$ST/trusted/issuer-chain.json" && mkfifo "$ST/trusted/issuer-chain.json"
attack 5 "trusted/issuer-chain.json: not a regular file" timeout 60 "$KI" trust list
rm "$ST/trusted/issuer-chain.json"
# a FIFO beside the key (an attacker's stick) is refused, not waited on with the lock held
mkfifo usb/issuer-chain.json
attack 4 "usb/issuer-chain.json: not a regular file (a file beside the key is taken only when it is one)" timeout 60 "$KI" import usb/ActivationKey.txt
rm usb/issuer-chain.json && mkfifo usb/revocation-list.txt
attack 4 "usb/revocation-list.txt: not a regular file (a file beside the key is taken only when it is one)" timeout 60 "$KI" import usb/ActivationKey.txt
rm usb/revocation-list.txt
done_attacks rotation
