# SPDX-License-Identifier: Apache-2.0
"""Lines "NAME KEY" (the activation keys clients got, tests/pg/drive.py) on stdin; prints
"NAME SERIAL JTI SHA256" for each, SHA256 that of the key's text as the registrar records
it in the keys table, or "MISMATCH NAME SUB" when the key's sub is not the registration
asked for. The payload is raw DEFLATE of the claims (docs/formats.md, "Activation key")."""
import base64
import hashlib
import json
import sys
import zlib

for line in sys.stdin:
    name, key = line.split()
    payload = key.split(".")[1]
    claims = json.loads(zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)), -15))
    if claims["sub"] != name:
        print("MISMATCH %s %s" % (name, claims["sub"]))
        continue
    print("%s %d %s %s" % (name, claims["serial"], claims["jti"],
                           hashlib.sha256(key.encode()).hexdigest()))
