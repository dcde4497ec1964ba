# SPDX-License-Identifier: Apache-2.0
"""decode_keys.py ISSUER_PUB: lines "NAME KEY" (the activation keys clients got,
tests/pg/drive.py) on stdin; prints "NAME SERIAL JTI SHA256" for each, SHA256 that of the
key's text as the registrar records it in the keys table; or "BADSIG NAME" when the key's
signature does not verify with ISSUER_PUB (both servers and the CLI sign with the one key
the data directories share), "MISMATCH NAME SUB" when its sub is not the registration
asked for. The payload is raw DEFLATE of the claims (docs/formats.md, "Activation key")."""
import base64
import hashlib
import json
import sys
import zlib

from jwcrypto import jwk, jws

issuer = jwk.JWK.from_pem(open(sys.argv[1], "rb").read())
for line in sys.stdin:
    name, key = line.split()
    try:
        jws.JWS().deserialize(key, key=issuer)  # verifies, or raises
    except Exception:  # noqa: BLE001 - any failure is a key that does not verify
        print("BADSIG %s" % name)
        continue
    payload = key.split(".")[1]
    claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)), -15))
    if claims["sub"] != name:
        print("MISMATCH %s %s" % (name, claims["sub"]))
        continue
    print("%s %d %s %s" % (name, claims["serial"], claims["jti"],
                           hashlib.sha256(key.encode()).hexdigest()))
